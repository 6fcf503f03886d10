CREATE TABLE items (
  id bigint NOT NULL,
  qty int NOT NULL,
  label varchar(200) NOT NULL,
  price decimal(12,2) NOT NULL,
  PRIMARY KEY (id)
);
