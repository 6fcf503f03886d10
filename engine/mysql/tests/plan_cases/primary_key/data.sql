INSERT INTO memberships VALUES (1, 1, 1), (2, 1, 2), (3, 2, 1);
