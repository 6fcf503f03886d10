CREATE TABLE users (
  id int NOT NULL,
  username varchar(20) NOT NULL,
  PRIMARY KEY (id)
);
