CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  full_name TEXT NOT NULL
);
CREATE INDEX users_full_name ON users (full_name);
