CREATE TABLE users (
  id int NOT NULL,
  PRIMARY KEY (id)
);
CREATE TABLE posts (
  id int NOT NULL,
  user_id int NOT NULL,
  PRIMARY KEY (id),
  KEY posts_user (user_id),
  CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
);
