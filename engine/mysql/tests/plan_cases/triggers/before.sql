CREATE TABLE orders (
  id int NOT NULL,
  total int NOT NULL,
  updated int NOT NULL DEFAULT 0,
  PRIMARY KEY (id)
);
CREATE TRIGGER orders_bi BEFORE INSERT ON orders FOR EACH ROW SET NEW.updated = 1;
CREATE TRIGGER orders_gone BEFORE DELETE ON orders FOR EACH ROW SET @deleted = OLD.id;
