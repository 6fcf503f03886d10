-- Declarative partitioning, legacy inheritance and table storage options.
CREATE TABLE events (
  id bigint NOT NULL,
  occurred_at timestamptz NOT NULL,
  kind text NOT NULL,
  payload jsonb,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE TABLE events_2024 PARTITION OF events
  FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');
CREATE TABLE events_2025 PARTITION OF events
  FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2026-01-01 00:00:00+00');
CREATE TABLE events_rest PARTITION OF events DEFAULT;
CREATE INDEX events_kind_idx ON events (kind);

CREATE TABLE measurements (
  sensor text NOT NULL,
  value double precision
) PARTITION BY LIST (lower(sensor));
CREATE TABLE measurements_a PARTITION OF measurements FOR VALUES IN ('a', 'b');

CREATE TABLE buckets (
  id integer NOT NULL,
  label text
) PARTITION BY HASH (id);
CREATE TABLE buckets_0 PARTITION OF buckets FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE buckets_1 PARTITION OF buckets FOR VALUES WITH (MODULUS 2, REMAINDER 1);

CREATE TABLE cities (
  name text PRIMARY KEY,
  population integer CHECK (population >= 0)
);
CREATE TABLE capitals (
  name text,
  population integer,
  country char(2) NOT NULL
) INHERITS (cities);

CREATE UNLOGGED TABLE scratch (
  k text,
  v text
) WITH (fillfactor=70, autovacuum_enabled=false);

CREATE TABLE audit_log (
  id bigint NOT NULL,
  entry text
);
ALTER TABLE audit_log REPLICA IDENTITY FULL;
