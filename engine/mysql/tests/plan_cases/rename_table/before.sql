CREATE TABLE people (
  id int NOT NULL,
  name varchar(50) NOT NULL,
  PRIMARY KEY (id)
);
