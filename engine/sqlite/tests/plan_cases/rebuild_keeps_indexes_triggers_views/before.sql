CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  email VARCHAR(100),
  name TEXT
);
CREATE UNIQUE INDEX users_email ON users (email);
CREATE TABLE audit (
  id INTEGER NOT NULL PRIMARY KEY,
  message TEXT NOT NULL
);
CREATE TRIGGER users_inserted AFTER INSERT ON users BEGIN INSERT INTO audit (message) VALUES ('inserted ' || new.email); END;
CREATE TRIGGER audit_touches_users AFTER INSERT ON audit BEGIN UPDATE users SET name = name WHERE id = 0; END;
CREATE VIEW user_emails AS SELECT id, email FROM users;
CREATE VIEW user_email_count AS SELECT count(*) AS n FROM user_emails;
