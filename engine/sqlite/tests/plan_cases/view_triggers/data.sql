INSERT INTO posts (id, title, state) VALUES (1, 'a', 'draft'), (2, 'b', 'published');
