-- cairn:renamed_from clients
CREATE TABLE customers (
  id INTEGER NOT NULL PRIMARY KEY,
  name TEXT NOT NULL, -- cairn:renamed_from label
  city TEXT
);
CREATE INDEX customers_city ON customers (city);
