INSERT INTO tags VALUES (1, 'Red'), (2, 'red');
