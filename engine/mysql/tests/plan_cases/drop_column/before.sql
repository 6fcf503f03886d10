CREATE TABLE users (
  id int NOT NULL,
  name varchar(50) NOT NULL,
  legacy varchar(20) NULL,
  PRIMARY KEY (id)
);
