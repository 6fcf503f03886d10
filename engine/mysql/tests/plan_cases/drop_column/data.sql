INSERT INTO users VALUES (1, 'ann', 'x'), (2, 'bob', NULL);
