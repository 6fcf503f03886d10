CREATE TABLE users (
  id int NOT NULL,
  PRIMARY KEY (id)
);
CREATE TABLE posts (
  id int NOT NULL,
  user_id int NOT NULL,
  PRIMARY KEY (id)
);
