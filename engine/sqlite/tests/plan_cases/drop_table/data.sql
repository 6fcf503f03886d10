INSERT INTO users (id, email) VALUES (1, 'a@example.com');
INSERT INTO logs (line) VALUES ('started'), ('stopped');
