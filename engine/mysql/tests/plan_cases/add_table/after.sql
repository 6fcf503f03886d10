CREATE TABLE users (
  id int NOT NULL,
  PRIMARY KEY (id)
);
CREATE TABLE orders (
  id int NOT NULL AUTO_INCREMENT,
  user_id int NOT NULL,
  total decimal(10,2) NOT NULL DEFAULT 0.00,
  PRIMARY KEY (id),
  KEY orders_user (user_id),
  CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
