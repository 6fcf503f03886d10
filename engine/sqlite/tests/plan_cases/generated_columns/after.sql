CREATE TABLE boxes (
  id INTEGER NOT NULL PRIMARY KEY,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  area INTEGER GENERATED ALWAYS AS (width * height * 2) VIRTUAL,
  perimeter INTEGER GENERATED ALWAYS AS (2 * (width + height)) VIRTUAL,
  diagonal_hint INTEGER GENERATED ALWAYS AS (width + height) STORED
);
