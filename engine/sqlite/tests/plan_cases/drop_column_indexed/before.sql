CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  email TEXT NOT NULL,
  region TEXT
);
CREATE INDEX users_region ON users (region);
CREATE INDEX users_email ON users (email);
