CREATE TABLE posts (
  id INTEGER NOT NULL PRIMARY KEY,
  title TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'draft'
);
CREATE VIEW drafts AS SELECT id, title FROM posts WHERE state = 'draft';
CREATE VIEW published AS SELECT id, title FROM posts WHERE state = 'published';
CREATE TRIGGER drafts_retitle INSTEAD OF UPDATE OF title ON drafts
BEGIN
  UPDATE posts SET title = NEW.title WHERE id = OLD.id;
END;
CREATE TRIGGER drafts_delete INSTEAD OF DELETE ON drafts
BEGIN
  DELETE FROM posts WHERE id = OLD.id;
END;
CREATE TRIGGER published_delete INSTEAD OF DELETE ON published
BEGIN
  UPDATE posts SET state = 'draft' WHERE id = OLD.id;
END;
