CREATE TABLE users (
  id int NOT NULL,
  name varchar(50) NOT NULL,
  email varchar(100) NULL,
  status varchar(10) NOT NULL DEFAULT 'new',
  score int NOT NULL DEFAULT 0 COMMENT 'the score',
  PRIMARY KEY (id)
);
