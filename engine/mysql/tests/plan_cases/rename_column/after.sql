CREATE TABLE users (
  id int NOT NULL,
  handle varchar(50) NOT NULL, -- cairn:renamed_from username
  PRIMARY KEY (id)
);
