CREATE TABLE samples (
  code TEXT NOT NULL PRIMARY KEY,
  value REAL
);
