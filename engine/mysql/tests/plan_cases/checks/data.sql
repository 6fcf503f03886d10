INSERT INTO products VALUES (1, 10, 3), (2, 5, 0);
