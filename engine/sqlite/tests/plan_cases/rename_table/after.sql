-- cairn:renamed_from people
CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE INDEX people_name ON users (name);
