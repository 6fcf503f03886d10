CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  email TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE VIEW all_users AS SELECT id, email FROM users;
CREATE VIEW old_report AS SELECT count(*) AS n FROM users;
