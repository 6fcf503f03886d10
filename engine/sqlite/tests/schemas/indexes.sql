-- Index families: plain, unique, composite with directions, collations, expressions, partial.
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  title TEXT NOT NULL COLLATE NOCASE,
  path TEXT NOT NULL,
  size INTEGER NOT NULL DEFAULT 0,
  deleted_at TEXT,
  meta TEXT
);

CREATE INDEX documents_owner_idx ON documents (owner);
CREATE UNIQUE INDEX documents_path_key ON documents (path COLLATE NOCASE);
CREATE INDEX documents_owner_size_idx ON documents (owner ASC, size DESC);
CREATE INDEX documents_title_idx ON documents (title);
CREATE INDEX documents_title_binary_idx ON documents (title COLLATE BINARY);
CREATE INDEX documents_lower_owner_idx ON documents (lower(owner), size * 2 DESC);
CREATE INDEX documents_live_idx ON documents (owner, title) WHERE deleted_at IS NULL AND size > 0;
CREATE INDEX "documents ""quoted"" idx" ON documents (json_extract(meta, '$.kind'));
CREATE UNIQUE INDEX documents_live_path_key ON documents (owner, path) WHERE deleted_at IS NULL;
