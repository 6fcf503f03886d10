CREATE TABLE tickets (
  id int NOT NULL,
  state enum('open','closed') NOT NULL DEFAULT 'open',
  PRIMARY KEY (id)
) COMMENT='support tickets';
