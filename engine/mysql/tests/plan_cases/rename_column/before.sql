CREATE TABLE users (
  id int NOT NULL,
  username varchar(50) NOT NULL,
  PRIMARY KEY (id)
);
