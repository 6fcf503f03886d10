INSERT INTO memberships (user_id, group_id, role) VALUES (1, 1, 'owner'), (1, 2, 'member'), (2, 1, NULL);
