INSERT INTO users (id, email, active) VALUES (1, 'a@example.com', 1), (2, 'b@example.com', 0);
