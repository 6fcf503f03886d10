CREATE TABLE products (
  id int NOT NULL,
  price int NOT NULL,
  stock int NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT products_price_check CHECK (price > 0),
  CONSTRAINT products_stock_check CHECK (stock >= 0)
);
