INSERT INTO parents (id, name) VALUES (1, 'p1'), (2, 'p2');
INSERT INTO children (id, parent_id, name) VALUES (1, 1, 'c1'), (2, 1, 'c2'), (3, 2, 'c3');
INSERT INTO notes (id, parent_id) VALUES (1, 1), (2, 2);
