CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL -- cairn:renamed_from full_name
);
CREATE INDEX users_full_name ON users (name);
