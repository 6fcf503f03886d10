INSERT INTO events VALUES (1, 'a'), (5, 'b');
