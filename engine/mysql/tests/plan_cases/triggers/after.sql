CREATE TABLE orders (
  id int NOT NULL,
  total int NOT NULL,
  updated int NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
);
CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.updated = 2;
CREATE TRIGGER orders_bu BEFORE UPDATE ON orders FOR EACH ROW SET NEW.updated = NEW.updated + 1;
