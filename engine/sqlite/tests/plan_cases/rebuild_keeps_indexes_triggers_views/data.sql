INSERT INTO users (id, email, name) VALUES (1, 'a@example.com', 'Ada'), (2, 'b@example.com', NULL);
