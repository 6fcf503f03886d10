CREATE TABLE accounts (
  id INTEGER NOT NULL PRIMARY KEY,
  balance NUMERIC NOT NULL,
  kind TEXT NOT NULL,
  CONSTRAINT balance_positive CHECK (balance >= 0)
);
