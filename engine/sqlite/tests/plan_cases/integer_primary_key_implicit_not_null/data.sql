INSERT INTO users (id, email) VALUES (1, 'a@example.com');
INSERT INTO tags (name) VALUES ('red');
