INSERT INTO accounts (id, balance, kind) VALUES (1, 100, 'personal'), (2, 0, 'business');
