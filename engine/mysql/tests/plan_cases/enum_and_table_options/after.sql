CREATE TABLE tickets (
  id int NOT NULL,
  state enum('open','closed','archived') NOT NULL DEFAULT 'open',
  PRIMARY KEY (id)
) COMMENT='customer tickets';
