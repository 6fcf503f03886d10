CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  email TEXT NOT NULL
);
CREATE INDEX users_email ON users (email);
