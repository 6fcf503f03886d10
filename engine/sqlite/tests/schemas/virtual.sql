-- Virtual tables: an FTS5 index and an R*Tree, whose shadow tables are SQLite's business.
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL
);

CREATE VIRTUAL TABLE notes_fts USING fts5(body, content='notes', content_rowid='id');

CREATE VIRTUAL TABLE places USING rtree(id, min_x, max_x, min_y, max_y);

CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes
BEGIN
  INSERT INTO notes_fts (rowid, body) VALUES (new.id, new.body);
END;
