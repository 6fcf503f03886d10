INSERT INTO accounts VALUES (1), (2);
INSERT INTO invoices VALUES (1);
