-- A blog: authors, posts with slugs, tags (many-to-many), threaded comments, a search index.
CREATE TABLE authors (
  id INTEGER PRIMARY KEY,
  handle TEXT NOT NULL,
  display_name TEXT,
  bio TEXT DEFAULT '',
  CONSTRAINT authors_handle_key UNIQUE (handle),
  CHECK (length(handle) BETWEEN 3 AND 30)
);

CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  author_id INTEGER NOT NULL REFERENCES authors ON DELETE CASCADE,
  slug TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  published_at TEXT,
  word_count INTEGER GENERATED ALWAYS AS (length(body) - length(replace(body, ' ', '')) + 1) VIRTUAL,
  UNIQUE (author_id, slug)
);

CREATE TABLE tags (
  name TEXT PRIMARY KEY COLLATE NOCASE
) WITHOUT ROWID;

CREATE TABLE post_tags (
  post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  tag TEXT NOT NULL REFERENCES tags (name) ON DELETE CASCADE ON UPDATE CASCADE,
  PRIMARY KEY (post_id, tag)
) WITHOUT ROWID;

CREATE TABLE comments (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES comments (id) ON DELETE SET NULL,
  author_email TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX posts_published_idx ON posts (published_at DESC) WHERE published_at IS NOT NULL;
CREATE INDEX comments_post_idx ON comments (post_id, created_at);

CREATE VIEW published_posts AS
  SELECT p.id, p.slug, p.title, a.handle AS author
  FROM posts AS p JOIN authors AS a ON a.id = p.author_id
  WHERE p.published_at IS NOT NULL;

CREATE VIEW recent_posts (id, slug, title) AS
  SELECT id, slug, title FROM published_posts ORDER BY id DESC LIMIT 10;

INSERT INTO authors (handle) VALUES ('ada'), ('grace'), ('linus');
INSERT INTO posts (author_id, slug, title, body, published_at) VALUES (1, 'hello', 'Hello', 'one two three', '2024-01-01');
