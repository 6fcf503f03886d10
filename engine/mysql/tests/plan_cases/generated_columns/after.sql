CREATE TABLE boxes (
  id int NOT NULL,
  w int NOT NULL,
  h int NOT NULL,
  area int AS (w * h * 2) VIRTUAL,
  perimeter int AS (2 * (w + h)) STORED,
  PRIMARY KEY (id)
);
