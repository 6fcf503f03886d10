CREATE TABLE products (
  id int NOT NULL,
  price int NOT NULL,
  stock int NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT products_stock_check CHECK (stock >= -10)
);
