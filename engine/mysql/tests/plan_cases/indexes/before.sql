CREATE TABLE docs (
  id int NOT NULL,
  title varchar(200) NOT NULL,
  slug varchar(100) NOT NULL,
  author varchar(50) NOT NULL,
  created datetime NOT NULL,
  PRIMARY KEY (id),
  KEY docs_author (author),
  KEY docs_old (created),
  KEY docs_title (title)
);
