CREATE TABLE tags (
  id int NOT NULL,
  label varchar(40) NOT NULL,
  PRIMARY KEY (id)
);
