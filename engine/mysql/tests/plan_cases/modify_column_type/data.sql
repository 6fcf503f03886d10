INSERT INTO items VALUES (1, 3, 'pen', 1.50), (2, 7, 'book', 12.00);
