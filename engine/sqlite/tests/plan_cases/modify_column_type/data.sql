INSERT INTO products (id, name, price) VALUES (1, 'tea', 3), (2, 'coffee', 4);
