-- Column families: declared types kept verbatim, every kind of default, collations, generated
-- columns, STRICT and WITHOUT ROWID tables, names that need quoting.
CREATE TABLE measurements (
  id INTEGER PRIMARY KEY,
  "Sensor Name" VARCHAR(64) NOT NULL COLLATE RTRIM,
  reading DOUBLE PRECISION NOT NULL DEFAULT -1.5,
  raw BLOB DEFAULT X'00FF',
  flags UNSIGNED BIG INT DEFAULT 0x10,
  note TEXT DEFAULT 'it''s fine',
  empty_note TEXT DEFAULT NULL,
  truthy BOOLEAN DEFAULT TRUE,
  taken_on DATE DEFAULT CURRENT_DATE,
  taken_at TIME DEFAULT CURRENT_TIME,
  untyped,
  scaled NUMERIC(10, 2) DEFAULT (1.0 / 3),
  double_reading REAL GENERATED ALWAYS AS (reading * 2) STORED,
  label TEXT AS (upper("Sensor Name")),
  "odd""name" INT DEFAULT +7
);

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value ANY,
  updated INTEGER NOT NULL DEFAULT (unixepoch())
) STRICT, WITHOUT ROWID;

CREATE TABLE "Mixed Case" (
  "Id" INTEGER NOT NULL,
  `Back` TEXT,
  [Bracket] TEXT COLLATE NOCASE,
  PRIMARY KEY ("Id")
);
