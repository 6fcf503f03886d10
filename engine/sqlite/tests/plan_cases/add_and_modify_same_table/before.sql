CREATE TABLE items (
  id INTEGER NOT NULL PRIMARY KEY,
  label VARCHAR(10),
  obsolete TEXT
);
CREATE INDEX items_label ON items (label);
CREATE INDEX items_obsolete ON items (obsolete);
