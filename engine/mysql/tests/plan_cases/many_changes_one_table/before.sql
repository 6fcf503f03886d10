CREATE TABLE customers (
  id int NOT NULL,
  first varchar(20) NOT NULL,
  last varchar(20) NOT NULL,
  legacy int NULL,
  city varchar(30) NULL,
  PRIMARY KEY (id),
  KEY customers_city (city)
);
