CREATE TABLE accounts (
  id int NOT NULL,
  code varchar(10) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY accounts_code (code)
);
CREATE TABLE invoices (
  id int NOT NULL,
  account_code varchar(10) NULL,
  PRIMARY KEY (id),
  KEY invoices_account (account_code),
  CONSTRAINT invoices_account_fk FOREIGN KEY (account_code) REFERENCES accounts (code)
);
