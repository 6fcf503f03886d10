INSERT INTO users (id, email, legacy_flag) VALUES (1, 'a@example.com', 1), (2, 'b@example.com', NULL);
