CREATE TABLE events (
  id int NOT NULL AUTO_INCREMENT,
  kind varchar(20) NOT NULL,
  PRIMARY KEY (id)
);
