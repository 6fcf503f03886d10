INSERT INTO kv (k, v) VALUES ('a', '1'), ('b', NULL);
