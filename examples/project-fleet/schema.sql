CREATE TABLE projects (
  id integer PRIMARY KEY,
  title text NOT NULL
);
