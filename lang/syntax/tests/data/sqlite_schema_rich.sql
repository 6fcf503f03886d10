CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name TEXT DEFAULT 'anon' CHECK (length(name) < 100),
  created_at TEXT NOT NULL DEFAULT (datetime('now')),
  score REAL DEFAULT 0.0,
  avatar BLOB,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE TABLE sqlite_sequence(name,seq);
CREATE TABLE strict_t (
  id INTEGER PRIMARY KEY,
  n INT NOT NULL,
  r REAL,
  t TEXT,
  b BLOB,
  a ANY
) STRICT;
CREATE TABLE kv (
  k TEXT PRIMARY KEY,
  v TEXT
) WITHOUT ROWID;
CREATE TABLE kv2 (k TEXT, j INTEGER, v TEXT, PRIMARY KEY (k, j)) STRICT, WITHOUT ROWID;
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE ON UPDATE NO ACTION DEFERRABLE INITIALLY DEFERRED,
  parent_id INTEGER,
  price NUMERIC(10,2) NOT NULL,
  qty INTEGER NOT NULL CONSTRAINT qty_pos CHECK (qty > 0),
  total NUMERIC GENERATED ALWAYS AS (price * qty) STORED,
  label TEXT AS (upper(substr(coalesce(note, ''), 1, 3))) VIRTUAL,
  note TEXT,
  status TEXT NOT NULL ON CONFLICT REPLACE DEFAULT 'new',
  CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES orders (id) ON DELETE SET NULL DEFERRABLE INITIALLY IMMEDIATE,
  CONSTRAINT uq_user_note UNIQUE (user_id, note) ON CONFLICT IGNORE,
  CHECK (price >= 0)
);
CREATE TABLE IF NOT EXISTS "quoted table" ("weird col" TEXT, [bracket col] INT, `tick col` INT);
CREATE TABLE typeless (a, b, c DEFAULT 1);
CREATE TABLE legacy (id INT PRIMARY KEY DESC, v VARCHAR(20), d DOUBLE PRECISION, u UNSIGNED BIG INT, x DATETIME);
CREATE INDEX ix_orders_user ON orders (user_id);
CREATE UNIQUE INDEX ux_users_email_lower ON users (lower(email));
CREATE INDEX ix_orders_open ON orders (note) WHERE status <> 'done';
CREATE INDEX ix_orders_multi ON orders (user_id DESC, price COLLATE BINARY ASC) WHERE qty > 1 AND note IS NOT NULL;
CREATE INDEX ix_expr ON orders (price * qty, abs(qty));
CREATE VIEW v_user_orders AS SELECT u.id, u.email, count(o.id) AS n FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id
/* v_user_orders(id,email,n) */;
CREATE VIEW v_cols (a, b) AS SELECT id, email FROM users WHERE active
/* v_cols(a,b) */;
CREATE VIEW v_cte AS WITH t AS (SELECT 1 AS x) SELECT x FROM t
/* v_cte(x) */;
CREATE TRIGGER trg_orders_ai AFTER INSERT ON orders FOR EACH ROW WHEN NEW.qty > 10
BEGIN
  UPDATE users SET score = score + 1 WHERE id = NEW.user_id;
  INSERT INTO kv (k, v) VALUES ('last_order', NEW.id) ON CONFLICT (k) DO UPDATE SET v = excluded.v;
END;
CREATE TRIGGER trg_users_bu BEFORE UPDATE OF email ON users
WHEN OLD.email <> NEW.email
BEGIN
  SELECT RAISE(ABORT, 'email is immutable; sorry');
END;
CREATE TRIGGER trg_v_insert INSTEAD OF INSERT ON v_cols
BEGIN
  INSERT INTO users (email) VALUES (NEW.b);
END;
CREATE TRIGGER trg_case AFTER UPDATE ON orders BEGIN UPDATE orders SET note = CASE WHEN NEW.qty > 5 THEN 'big' ELSE 'small' END WHERE id = NEW.id; END;
