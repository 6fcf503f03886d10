-- Views that build on each other, with algorithms, security and check options.
CREATE TABLE items (
  id int NOT NULL PRIMARY KEY,
  name varchar(50) NOT NULL,
  qty int NOT NULL DEFAULT 0,
  price decimal(8,2) NOT NULL
);

CREATE VIEW in_stock AS SELECT id, name, qty, price FROM items WHERE qty > 0;
CREATE ALGORITHM=MERGE VIEW cheap_in_stock AS SELECT id, name, price FROM in_stock WHERE price < 10 WITH LOCAL CHECK OPTION;
CREATE SQL SECURITY INVOKER VIEW stock_value AS SELECT sum(qty * price) AS total, count(*) AS n FROM in_stock;
CREATE ALGORITHM=TEMPTABLE VIEW zz_first_alphabetically AS SELECT name FROM cheap_in_stock;
