-- A small shop: customers, a category tree, products, orders and their lines.
CREATE TABLE customers (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  email varchar(255) NOT NULL UNIQUE,
  full_name varchar(120) NOT NULL,
  country char(2) NOT NULL DEFAULT 'US',
  created_at timestamp NOT NULL DEFAULT current_timestamp(),
  updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()
) ENGINE=InnoDB COMMENT='people who buy things';

CREATE TABLE categories (
  id int NOT NULL AUTO_INCREMENT,
  parent_id int NULL,
  name varchar(80) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_category_parent FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE SET NULL
);

CREATE TABLE products (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  category_id int NOT NULL,
  sku varchar(32) NOT NULL,
  title varchar(200) NOT NULL,
  description text,
  price decimal(10,2) NOT NULL DEFAULT 0.00,
  status enum('draft','active','retired') NOT NULL DEFAULT 'draft',
  attributes json,
  UNIQUE KEY uq_products_sku (sku),
  KEY idx_products_category (category_id, price DESC),
  FULLTEXT KEY ft_products_title (title, description),
  CONSTRAINT chk_price_positive CHECK (price >= 0),
  FOREIGN KEY (category_id) REFERENCES categories (id)
);

CREATE TABLE orders (
  id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id bigint unsigned NOT NULL,
  placed_at datetime(3) NOT NULL DEFAULT current_timestamp(3),
  total decimal(12,2) NOT NULL,
  note varchar(500) DEFAULT NULL,
  KEY idx_orders_customer (customer_id, placed_at),
  CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE order_items (
  order_id bigint unsigned NOT NULL,
  line smallint unsigned NOT NULL,
  product_id int NOT NULL,
  quantity int NOT NULL DEFAULT 1 CHECK (quantity > 0),
  unit_price decimal(10,2) NOT NULL,
  PRIMARY KEY (order_id, line),
  FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
  FOREIGN KEY (product_id) REFERENCES products (id)
);

CREATE VIEW active_products AS
  SELECT p.id, p.sku, p.title, p.price FROM products p WHERE p.status = 'active';

INSERT INTO categories (id, parent_id, name) VALUES (1, NULL, 'root'), (2, 1, 'books');
INSERT INTO customers (email, full_name) VALUES ('a@example.com', 'Ann'), ('b@example.com', 'Bob');
