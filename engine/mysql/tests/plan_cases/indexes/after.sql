CREATE TABLE docs (
  id int NOT NULL,
  title varchar(200) NOT NULL,
  slug varchar(100) NOT NULL,
  author varchar(50) NOT NULL,
  created datetime NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY docs_slug (slug),
  KEY docs_by_author (author),
  KEY docs_recent (author, created DESC),
  KEY docs_title (title(20))
);
