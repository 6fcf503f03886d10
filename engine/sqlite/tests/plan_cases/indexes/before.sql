CREATE TABLE orders (
  id INTEGER NOT NULL PRIMARY KEY,
  customer TEXT NOT NULL,
  status TEXT NOT NULL,
  total NUMERIC,
  reference TEXT
);
CREATE INDEX orders_customer ON orders (customer);
CREATE INDEX orders_old_status ON orders (status);
CREATE INDEX orders_total ON orders (total);
