CREATE TABLE users (
  id int NOT NULL,
  PRIMARY KEY (id)
);
CREATE TABLE teams (
  id int NOT NULL,
  PRIMARY KEY (id)
);
CREATE TABLE posts (
  id int NOT NULL,
  user_id int NOT NULL,
  team_id int NULL,
  PRIMARY KEY (id),
  KEY posts_user (user_id),
  KEY posts_team (team_id),
  CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT posts_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE SET NULL
);
