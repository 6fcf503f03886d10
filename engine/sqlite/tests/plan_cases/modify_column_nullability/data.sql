INSERT INTO users (id, email, phone) VALUES (1, 'a@example.com', '555-0100'), (2, 'b@example.com', '555-0101');
