INSERT INTO samples (code, value) VALUES ('x', 1.5), ('y', 2.5);
