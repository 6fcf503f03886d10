CREATE TABLE events (
  id int NOT NULL,
  kind varchar(20) NOT NULL,
  PRIMARY KEY (id)
);
