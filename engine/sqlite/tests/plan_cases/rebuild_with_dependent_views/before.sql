CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY,
  email VARCHAR(100),
  name TEXT
);
CREATE TABLE orders (
  id INTEGER NOT NULL PRIMARY KEY,
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE
);
CREATE VIEW user_emails AS SELECT id, email FROM users;
CREATE VIEW user_email_count AS SELECT count(*) AS n FROM user_emails;
CREATE VIEW order_users AS SELECT o.id, u.email FROM orders o JOIN users u ON u.id = o.user_id;
