CREATE TABLE boxes (
  id int NOT NULL,
  w int NOT NULL,
  h int NOT NULL,
  area int AS (w * h) VIRTUAL,
  PRIMARY KEY (id)
);
