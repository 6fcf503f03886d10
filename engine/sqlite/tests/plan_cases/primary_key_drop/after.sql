CREATE TABLE samples (
  code TEXT,
  value REAL
);
