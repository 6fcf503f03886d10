INSERT INTO users (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com');
