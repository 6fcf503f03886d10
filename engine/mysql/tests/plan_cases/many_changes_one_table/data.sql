INSERT INTO customers VALUES (1, 'ann', 'lee', 3, 'Oslo'), (2, 'bob', 'ray', NULL, NULL);
