INSERT INTO measurements (id, value) VALUES (1, 1.25), (2, 2.5);
