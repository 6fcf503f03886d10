INSERT INTO clients (id, label, city) VALUES (1, 'Ada', 'London'), (2, 'Alan', 'Wilmslow');
