-- cairn:renamed_from people
CREATE TABLE persons (
  id int NOT NULL,
  name varchar(50) NOT NULL,
  born date NULL,
  PRIMARY KEY (id)
);
