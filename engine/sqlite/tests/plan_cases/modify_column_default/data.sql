INSERT INTO settings (id, theme, size, lang, updated) VALUES (1, 'light', 10, 'fr', '2024-01-01'), (2, NULL, NULL, NULL, NULL);
