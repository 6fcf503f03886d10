CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  email TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1
);
CREATE VIEW all_users AS SELECT id, email, active FROM users;
CREATE VIEW active_users AS SELECT id, email FROM users WHERE active = 1;
CREATE VIEW active_emails AS SELECT email FROM active_users;
