CREATE TABLE orders (
  id INTEGER NOT NULL PRIMARY KEY,
  customer TEXT NOT NULL,
  status TEXT NOT NULL,
  total NUMERIC,
  reference TEXT
);
CREATE INDEX orders_customer ON orders (customer, status DESC);
CREATE INDEX orders_status ON orders (status);
CREATE UNIQUE INDEX orders_reference ON orders (reference);
CREATE INDEX orders_open ON orders (customer) WHERE status = 'open';
CREATE INDEX orders_customer_lower ON orders (lower(customer));
