CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  nickname TEXT
);
CREATE TABLE tags (
  name TEXT PRIMARY KEY
);
