CREATE TABLE people (
  id INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE INDEX people_name ON people (name);
