INSERT INTO users VALUES (1, 'a', 'new', 'x', 1), (2, 'b', 'old', NULL, 0);
