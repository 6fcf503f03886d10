CREATE TABLE users (
  id int NOT NULL,
  name varchar(50) NOT NULL,
  active tinyint NOT NULL DEFAULT 1,
  PRIMARY KEY (id)
);
CREATE VIEW active_users AS SELECT id, name FROM users WHERE active = 1;
CREATE VIEW old_view AS SELECT id FROM users;
