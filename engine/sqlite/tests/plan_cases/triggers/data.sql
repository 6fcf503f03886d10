INSERT INTO users (id, email) VALUES (1, 'a@example.com');
INSERT INTO audit (id, message) VALUES (1, 'seeded');
