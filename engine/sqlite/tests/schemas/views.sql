-- View families: views reading views (declared so that name order differs from dependency
-- order), explicit column lists, comments and odd spacing inside bodies.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  happened_at TEXT NOT NULL,
  payload TEXT
);

CREATE VIEW z_base AS SELECT id, kind, happened_at FROM events WHERE kind <> 'noise';
CREATE VIEW m_daily (day, kind, n) AS
  SELECT date(happened_at), kind, count(*)   -- one row per day and kind
  FROM z_base
  GROUP BY 1, 2;
CREATE VIEW a_top_kinds AS
  /* the busiest kinds */
  SELECT kind, sum(n) AS total FROM m_daily GROUP BY kind ORDER BY total DESC;
CREATE VIEW "Quoted View" AS SELECT * FROM a_top_kinds WHERE total > 10;
