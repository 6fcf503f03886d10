INSERT INTO customers (id, name) VALUES (1, 'Ada'), (2, 'Alan');
INSERT INTO regions (code) VALUES ('eu');
INSERT INTO orders (id, customer_id, region) VALUES (1, 1, 'eu'), (2, 2, NULL), (3, NULL, 'eu');
