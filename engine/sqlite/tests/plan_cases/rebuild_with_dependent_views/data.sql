INSERT INTO users (id, email, name) VALUES (1, 'a@example.com', 'Ada'), (2, 'b@example.com', NULL);
INSERT INTO orders (id, user_id) VALUES (1, 1), (2, 1), (3, 2);
