CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  email TEXT NOT NULL
);
CREATE TABLE audit (
  id INTEGER NOT NULL PRIMARY KEY,
  message TEXT NOT NULL
);
CREATE TRIGGER users_inserted AFTER INSERT ON users
BEGIN
  INSERT INTO audit (message) VALUES ('inserted ' || new.email);
END;
