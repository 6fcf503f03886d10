INSERT INTO tickets (id, subject) VALUES (1, 'printer'), (7, 'network');
