CREATE TABLE accounts (
  id INTEGER NOT NULL PRIMARY KEY,
  balance NUMERIC NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('personal', 'business', 'other'))
);
