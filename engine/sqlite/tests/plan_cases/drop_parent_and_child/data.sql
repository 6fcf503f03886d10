INSERT INTO keep (id) VALUES (1);
INSERT INTO authors (id, name) VALUES (1, 'Borges');
INSERT INTO books (id, author_id) VALUES (1, 1);
