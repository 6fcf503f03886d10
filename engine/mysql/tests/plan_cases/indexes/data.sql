INSERT INTO docs VALUES (1, 'a', 'a', 'ann', '2024-01-01 00:00:00'), (2, 'b', 'b', 'bob', '2024-01-02 00:00:00');
