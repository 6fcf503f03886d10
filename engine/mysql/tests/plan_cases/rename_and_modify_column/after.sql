CREATE TABLE users (
  id int NOT NULL,
  handle varchar(80) NULL, -- cairn:renamed_from username
  PRIMARY KEY (id)
);
