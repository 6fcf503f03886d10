CREATE TABLE accounts (
  id int NOT NULL,
  PRIMARY KEY (id)
);
CREATE TABLE invoices (
  id int NOT NULL,
  PRIMARY KEY (id)
);
