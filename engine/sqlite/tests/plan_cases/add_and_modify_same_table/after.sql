CREATE TABLE items (
  id INTEGER NOT NULL PRIMARY KEY,
  label TEXT NOT NULL,
  note TEXT,
  qty INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX items_label_v2 ON items (label);
