CREATE TABLE settings (
  id INTEGER NOT NULL PRIMARY KEY,
  theme TEXT DEFAULT 'light',
  size INTEGER,
  lang TEXT DEFAULT 'en',
  updated TEXT
);
