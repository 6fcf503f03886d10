CREATE TABLE customers (
  id int NOT NULL,
  given_name varchar(40) NOT NULL, -- cairn:renamed_from first
  last varchar(20) NOT NULL,
  city varchar(30) NULL DEFAULT 'Paris',
  email varchar(100) NULL,
  PRIMARY KEY (id),
  KEY customers_town (city),
  UNIQUE KEY customers_email (email),
  KEY customers_name (last, given_name)
);
