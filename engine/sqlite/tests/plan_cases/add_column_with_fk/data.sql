INSERT INTO teams (id, name) VALUES (1, 'red');
INSERT INTO players (id, name) VALUES (1, 'ann'), (2, 'bob');
