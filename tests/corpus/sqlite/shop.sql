-- An online shop in SQLite, as a small store's single-file backend: customers, a category tree,
-- products, orders with their lines and stock per warehouse. Declared types follow what an ORM
-- writes (varchar(n), boolean, datetime); prices are integer cents.

CREATE TABLE customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email varchar(254) NOT NULL COLLATE NOCASE,
    full_name varchar(200) NOT NULL,
    phone varchar(32),
    country_code char(2) NOT NULL DEFAULT 'US',
    marketing_opt_in boolean NOT NULL DEFAULT 0,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT customers_email_key UNIQUE (email)
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    parent_id integer REFERENCES categories (id) ON DELETE SET NULL,
    name text NOT NULL,
    slug varchar(80) NOT NULL UNIQUE
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sku varchar(32) NOT NULL UNIQUE,
    category_id integer REFERENCES categories (id) ON DELETE RESTRICT,
    name varchar(255) NOT NULL,
    description text,
    price_cents integer NOT NULL CHECK (price_cents >= 0),
    weight_grams integer CHECK (weight_grams > 0),
    active boolean NOT NULL DEFAULT 1,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX products_category_idx ON products (category_id) WHERE active;
CREATE INDEX products_lower_name_idx ON products (lower(name));

CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id integer NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
    status text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
    currency char(3) NOT NULL DEFAULT 'USD',
    placed_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    shipped_at datetime,
    notes text,
    CONSTRAINT orders_shipped_after_placed CHECK (shipped_at IS NULL OR shipped_at >= placed_at)
);
CREATE INDEX orders_customer_placed_idx ON orders (customer_id, placed_at DESC);

CREATE TABLE order_lines (
    order_id integer NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no integer NOT NULL,
    product_id integer NOT NULL REFERENCES products (id),
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_price_cents integer NOT NULL,
    discount_pct real NOT NULL DEFAULT 0.0 CHECK (discount_pct BETWEEN 0 AND 100),
    line_total_cents integer GENERATED ALWAYS AS (CAST(round(quantity * unit_price_cents * (1 - discount_pct / 100)) AS integer)) STORED,
    PRIMARY KEY (order_id, line_no)
) WITHOUT ROWID;
CREATE INDEX order_lines_product_idx ON order_lines (product_id);

CREATE TABLE warehouses (
    id INTEGER PRIMARY KEY,
    code char(4) NOT NULL UNIQUE,
    city text NOT NULL
);

CREATE TABLE inventory (
    warehouse_id integer NOT NULL REFERENCES warehouses (id) ON DELETE CASCADE,
    product_id integer NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    on_hand integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved integer NOT NULL DEFAULT 0,
    PRIMARY KEY (warehouse_id, product_id),
    CONSTRAINT inventory_reserved_le_on_hand CHECK (reserved BETWEEN 0 AND on_hand)
) WITHOUT ROWID;

CREATE TRIGGER products_touch_updated_at
AFTER UPDATE ON products
FOR EACH ROW WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE products SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

CREATE VIEW order_totals AS
SELECT o.id, o.customer_id, o.status, sum(l.line_total_cents) AS total_cents, count(*) AS line_count
FROM orders o
JOIN order_lines l ON l.order_id = o.id
GROUP BY o.id;
