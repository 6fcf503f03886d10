CREATE TABLE users (
  id int NOT NULL,
  PRIMARY KEY (id)
);
CREATE TABLE posts (
  id int NOT NULL,
  user_id int NOT NULL,
  editor_id int NULL,
  PRIMARY KEY (id),
  KEY posts_user (user_id),
  KEY posts_editor (editor_id),
  FOREIGN KEY (user_id) REFERENCES users (id),
  FOREIGN KEY (editor_id) REFERENCES users (id)
);
