CREATE TABLE items (
  id int NOT NULL,
  qty smallint NOT NULL,
  label varchar(10) NOT NULL,
  price decimal(8,2) NOT NULL,
  PRIMARY KEY (id)
);
