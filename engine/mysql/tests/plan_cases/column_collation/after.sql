CREATE TABLE tags (
  id int NOT NULL,
  label varchar(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (id)
);
