CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  username TEXT NOT NULL, -- cairn:renamed_from handle
  bio TEXT,
  joined TEXT
);
