INSERT INTO items (id, label, obsolete) VALUES (1, 'bolt', 'x'), (2, 'nut', NULL);
