-- An online shop on MariaDB: customers, a category tree, products, orders with their lines and
-- stock per warehouse. InnoDB with utf8mb4 throughout; timestamps maintain themselves with
-- ON UPDATE CURRENT_TIMESTAMP and a trigger keeps the order total in step with its lines.

CREATE TABLE customers (
    id int unsigned NOT NULL AUTO_INCREMENT,
    email varchar(254) NOT NULL,
    full_name varchar(200) NOT NULL,
    phone varchar(32) DEFAULT NULL,
    country_code char(2) NOT NULL DEFAULT 'US' COMMENT 'ISO 3166-1 alpha-2 billing country',
    marketing_opt_in tinyint(1) NOT NULL DEFAULT 0,
    created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY customers_email_key (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='People who can place orders';

CREATE TABLE categories (
    id smallint unsigned NOT NULL AUTO_INCREMENT,
    parent_id smallint unsigned DEFAULT NULL,
    name varchar(100) NOT NULL,
    slug varchar(80) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY categories_slug_key (slug),
    KEY categories_parent_idx (parent_id),
    CONSTRAINT categories_parent_fk FOREIGN KEY (parent_id) REFERENCES categories (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE products (
    id int unsigned NOT NULL AUTO_INCREMENT,
    sku varchar(32) NOT NULL,
    category_id smallint unsigned DEFAULT NULL,
    name varchar(255) NOT NULL,
    description text,
    price decimal(12,2) NOT NULL,
    weight_grams mediumint unsigned DEFAULT NULL,
    active tinyint(1) NOT NULL DEFAULT 1,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY products_sku_key (sku),
    KEY products_category_idx (category_id, active),
    KEY products_name_idx (name(40)),
    CONSTRAINT products_category_fk FOREIGN KEY (category_id) REFERENCES categories (id) ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT products_price_nonnegative CHECK (price >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE orders (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    customer_id int unsigned NOT NULL,
    status enum('pending','paid','shipped','delivered','cancelled','refunded') NOT NULL DEFAULT 'pending',
    currency char(3) NOT NULL DEFAULT 'USD',
    total decimal(14,2) NOT NULL DEFAULT 0.00,
    placed_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    shipped_at datetime(3) DEFAULT NULL,
    notes varchar(1000) DEFAULT NULL,
    PRIMARY KEY (id),
    KEY orders_customer_placed_idx (customer_id, placed_at DESC),
    KEY orders_status_idx (status),
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT,
    CONSTRAINT orders_shipped_after_placed CHECK (shipped_at IS NULL OR shipped_at >= placed_at)
) ENGINE=InnoDB AUTO_INCREMENT=100000 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE order_lines (
    order_id bigint unsigned NOT NULL,
    line_no smallint unsigned NOT NULL,
    product_id int unsigned NOT NULL,
    quantity int unsigned NOT NULL,
    unit_price decimal(12,2) NOT NULL,
    discount_pct decimal(5,2) NOT NULL DEFAULT 0.00,
    line_total decimal(14,2) AS (round(quantity * unit_price * (1 - discount_pct / 100), 2)) STORED,
    PRIMARY KEY (order_id, line_no),
    KEY order_lines_product_idx (product_id),
    CONSTRAINT order_lines_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE,
    CONSTRAINT order_lines_product_fk FOREIGN KEY (product_id) REFERENCES products (id),
    CONSTRAINT order_lines_quantity_positive CHECK (quantity > 0),
    CHECK (discount_pct BETWEEN 0 AND 100)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE warehouses (
    id tinyint unsigned NOT NULL,
    code char(4) NOT NULL,
    city varchar(100) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY warehouses_code_key (code)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE inventory (
    warehouse_id tinyint unsigned NOT NULL,
    product_id int unsigned NOT NULL,
    on_hand int NOT NULL DEFAULT 0,
    reserved int NOT NULL DEFAULT 0,
    PRIMARY KEY (warehouse_id, product_id),
    KEY inventory_product_idx (product_id),
    CONSTRAINT inventory_warehouse_fk FOREIGN KEY (warehouse_id) REFERENCES warehouses (id) ON DELETE CASCADE,
    CONSTRAINT inventory_product_fk FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE CASCADE,
    CONSTRAINT inventory_reserved_le_on_hand CHECK (reserved BETWEEN 0 AND on_hand)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER order_lines_add_total AFTER INSERT ON order_lines
FOR EACH ROW UPDATE orders SET total = total + NEW.line_total WHERE id = NEW.order_id;

CREATE TRIGGER order_lines_remove_total AFTER DELETE ON order_lines
FOR EACH ROW UPDATE orders SET total = total - OLD.line_total WHERE id = OLD.order_id;

CREATE VIEW order_summaries AS
SELECT o.id, o.customer_id, c.email, o.status, o.total, count(l.line_no) AS line_count
FROM orders o
JOIN customers c ON c.id = o.customer_id
LEFT JOIN order_lines l ON l.order_id = o.id
GROUP BY o.id, o.customer_id, c.email, o.status, o.total;
