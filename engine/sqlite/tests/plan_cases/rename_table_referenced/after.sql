-- cairn:renamed_from authors
CREATE TABLE writers (
  id INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE books (
  id INTEGER NOT NULL PRIMARY KEY,
  author_id INTEGER REFERENCES writers (id) ON DELETE CASCADE,
  title TEXT
);
