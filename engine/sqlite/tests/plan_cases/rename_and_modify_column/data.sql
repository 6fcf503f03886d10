INSERT INTO users (id, handle, bio) VALUES (1, 'ada', 'first programmer'), (2, 'alan', NULL);
