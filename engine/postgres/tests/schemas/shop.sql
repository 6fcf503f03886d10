-- A small shop: customers, products, orders and their lines.
CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');

CREATE DOMAIN price AS numeric(12,2) NOT NULL CHECK (VALUE >= 0);

CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email varchar(255) NOT NULL UNIQUE,
  name text NOT NULL,
  tier char(1) NOT NULL DEFAULT 'b',
  created_at timestamptz NOT NULL DEFAULT now(),
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb
);
COMMENT ON TABLE customers IS 'People who buy things';
COMMENT ON COLUMN customers.email IS 'Login and contact address';

CREATE TABLE products (
  id serial PRIMARY KEY,
  sku text NOT NULL,
  title text NOT NULL,
  unit_price price,
  weight_grams integer CHECK (weight_grams > 0),
  tags text[] NOT NULL DEFAULT '{}',
  active boolean NOT NULL DEFAULT true,
  CONSTRAINT products_sku_unique UNIQUE (sku)
);

CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT,
  status order_status NOT NULL DEFAULT 'pending',
  total numeric(12,2) NOT NULL DEFAULT 0,
  placed_at timestamp(3) without time zone,
  note varchar,
  CONSTRAINT orders_total_positive CHECK (total >= 0)
);

CREATE TABLE order_items (
  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id integer NOT NULL,
  quantity smallint NOT NULL CHECK (quantity > 0),
  unit_price numeric(12,2) NOT NULL,
  PRIMARY KEY (order_id, product_id),
  CONSTRAINT order_items_product_fk FOREIGN KEY (product_id) REFERENCES products (id)
    ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED
);

CREATE INDEX orders_customer_placed_idx ON orders (customer_id, placed_at DESC NULLS LAST);
CREATE INDEX orders_open_idx ON orders (placed_at) WHERE status IN ('pending', 'paid');
CREATE UNIQUE INDEX customers_lower_email_idx ON customers (lower(email));
CREATE INDEX products_tags_idx ON products USING gin (tags);
CREATE INDEX products_title_idx ON products (title text_pattern_ops) INCLUDE (sku);
CREATE INDEX customers_metadata_idx ON customers USING gin (metadata jsonb_path_ops);
COMMENT ON INDEX orders_open_idx IS 'Orders still in flight';

CREATE VIEW order_totals AS
  SELECT o.id, o.customer_id, sum(i.quantity * i.unit_price) AS total
  FROM orders o JOIN order_items i ON i.order_id = o.id
  GROUP BY o.id, o.customer_id;

INSERT INTO customers (email, name) SELECT 'c' || g || '@example.com', 'Customer ' || g FROM generate_series(1, 200) g;
INSERT INTO products (sku, title, unit_price) VALUES ('A-1', 'Anvil', 99.50), ('B-2', 'Bucket', 5);
ANALYZE customers;
ANALYZE products;
