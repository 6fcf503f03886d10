-- User-defined types and routines: enums, domains, composites, ranges, functions, procedures,
-- aggregates and views with options.
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE "Weird Enum" AS ENUM ('a''b', 'C');
COMMENT ON TYPE mood IS 'How it went';

CREATE DOMAIN positive_int AS integer DEFAULT 1 CHECK (VALUE > 0);
CREATE DOMAIN short_code AS varchar(8) COLLATE "C" NOT NULL
  CONSTRAINT short_code_format CHECK (VALUE ~ '^[A-Z]+$');
CREATE DOMAIN mood_list AS mood[];

CREATE TYPE address AS (
  street text,
  city text,
  zip varchar(10)
);
CREATE TYPE shipment AS (
  destination address,
  moods mood[]
);

CREATE TYPE floatrange AS RANGE (SUBTYPE = float8);

CREATE TABLE diary (
  id integer PRIMARY KEY,
  today mood NOT NULL DEFAULT 'ok',
  history mood[],
  code short_code,
  quantity positive_int,
  home address,
  weird "Weird Enum",
  amount numeric,
  ratio real,
  span interval,
  flags bit varying(8),
  addr inet,
  doc xml,
  uid uuid,
  at time(2) with time zone,
  spot point,
  window_ floatrange
);

CREATE FUNCTION add_numbers(a integer, b integer DEFAULT 1, OUT total integer, OUT doubled integer)
  LANGUAGE sql IMMUTABLE AS $$ SELECT a + b, (a + b) * 2 $$;

CREATE FUNCTION series(n integer) RETURNS TABLE (i integer, squared bigint)
  LANGUAGE sql AS $$ SELECT g, g::bigint * g FROM generate_series(1, n) g $$;

CREATE FUNCTION moods() RETURNS SETOF mood LANGUAGE sql STABLE
  AS $$ SELECT unnest(enum_range(NULL::mood)) $$;

CREATE FUNCTION secure_thing(VARIADIC parts text[]) RETURNS text LANGUAGE plpgsql
  SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET work_mem = '64MB'
  AS $$ BEGIN RETURN array_to_string(parts, ','); END $$;
COMMENT ON FUNCTION secure_thing(text[]) IS 'Joins its arguments';

CREATE PROCEDURE record_mood(m mood, INOUT n integer DEFAULT 0)
  LANGUAGE plpgsql AS $$ BEGIN n := n + 1; END $$;

CREATE FUNCTION mood_accum(state integer, m mood) RETURNS integer LANGUAGE sql IMMUTABLE
  AS $$ SELECT state + CASE m WHEN 'happy' THEN 1 WHEN 'sad' THEN -1 ELSE 0 END $$;
CREATE AGGREGATE mood_score(mood) (SFUNC = mood_accum, STYPE = integer, INITCOND = '0');

CREATE VIEW happy_days WITH (security_barrier = true) AS
  SELECT id, today FROM diary WHERE today = 'happy'
  WITH LOCAL CHECK OPTION;

CREATE VIEW invoker_days WITH (security_invoker = true) AS
  SELECT id FROM happy_days;
