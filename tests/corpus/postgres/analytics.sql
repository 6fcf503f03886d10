-- Product analytics: raw events partitioned by month (RANGE) with a DEFAULT partition for late
-- or far-future data, page views split by region (LIST), and sessions spread over four HASH
-- partitions. Nightly rollups go through an UNLOGGED staging table, and a custom aggregate
-- computes geometric means of load times.

CREATE SCHEMA corpus_analytics_raw;
COMMENT ON SCHEMA corpus_analytics_raw IS 'Append-only event data; partitions are created a month ahead.';

CREATE SEQUENCE corpus_analytics_raw.events_id_seq AS bigint CACHE 100;

CREATE TABLE corpus_analytics_raw.events (
    id bigint NOT NULL DEFAULT nextval('corpus_analytics_raw.events_id_seq'),
    occurred_at timestamptz NOT NULL,
    tenant_id integer NOT NULL,
    user_id bigint,
    name varchar(100) NOT NULL,
    properties jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
COMMENT ON TABLE corpus_analytics_raw.events IS 'Tracked events, one partition per month.';

CREATE TABLE corpus_analytics_raw.events_2024_01 PARTITION OF corpus_analytics_raw.events
    FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2024-02-01 00:00:00+00');
CREATE TABLE corpus_analytics_raw.events_2024_02 PARTITION OF corpus_analytics_raw.events
    FOR VALUES FROM ('2024-02-01 00:00:00+00') TO ('2024-03-01 00:00:00+00');
CREATE TABLE corpus_analytics_raw.events_2024_03 PARTITION OF corpus_analytics_raw.events
    FOR VALUES FROM ('2024-03-01 00:00:00+00') TO ('2024-04-01 00:00:00+00');
CREATE TABLE corpus_analytics_raw.events_default PARTITION OF corpus_analytics_raw.events DEFAULT;

CREATE INDEX events_tenant_name_idx ON corpus_analytics_raw.events (tenant_id, name, occurred_at);
CREATE INDEX events_occurred_brin ON corpus_analytics_raw.events USING brin (occurred_at) WITH (pages_per_range = 32);

CREATE TABLE corpus_analytics_raw.page_views (
    viewed_at timestamptz NOT NULL,
    region text NOT NULL,
    path text NOT NULL,
    referrer text,
    load_ms integer CHECK (load_ms >= 0),
    country char(2)
) PARTITION BY LIST (region);

CREATE TABLE corpus_analytics_raw.page_views_eu PARTITION OF corpus_analytics_raw.page_views FOR VALUES IN ('eu');
CREATE TABLE corpus_analytics_raw.page_views_us PARTITION OF corpus_analytics_raw.page_views FOR VALUES IN ('us', 'ca');
CREATE TABLE corpus_analytics_raw.page_views_other PARTITION OF corpus_analytics_raw.page_views DEFAULT;

CREATE TABLE corpus_analytics_raw.sessions (
    user_id bigint NOT NULL,
    session_id uuid NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    device text,
    PRIMARY KEY (user_id, session_id)
) PARTITION BY HASH (user_id);

CREATE TABLE corpus_analytics_raw.sessions_p0 PARTITION OF corpus_analytics_raw.sessions FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE corpus_analytics_raw.sessions_p1 PARTITION OF corpus_analytics_raw.sessions FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE corpus_analytics_raw.sessions_p2 PARTITION OF corpus_analytics_raw.sessions FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE corpus_analytics_raw.sessions_p3 PARTITION OF corpus_analytics_raw.sessions FOR VALUES WITH (MODULUS 4, REMAINDER 3);

-- Rebuilt from scratch every night, so it need not survive a crash.
CREATE UNLOGGED TABLE daily_rollup_staging (
    day date NOT NULL,
    tenant_id integer NOT NULL,
    event_name varchar(100) NOT NULL,
    events bigint NOT NULL,
    users bigint NOT NULL,
    PRIMARY KEY (day, tenant_id, event_name)
);

CREATE TABLE daily_rollups (
    day date NOT NULL,
    tenant_id integer NOT NULL,
    event_name varchar(100) NOT NULL,
    events bigint NOT NULL DEFAULT 0,
    users bigint NOT NULL DEFAULT 0,
    computed_at timestamp(0) with time zone NOT NULL DEFAULT now(),
    CONSTRAINT daily_rollups_pkey PRIMARY KEY (day, tenant_id, event_name)
) WITH (fillfactor = 90);

CREATE FUNCTION geomean_accum(state double precision[], value double precision)
RETURNS double precision[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT ARRAY[state[1] + ln(value), state[2] + 1] $$;

CREATE FUNCTION geomean_final(state double precision[])
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE WHEN state[2] = 0 THEN NULL ELSE exp(state[1] / state[2]) END $$;

CREATE AGGREGATE geomean(double precision) (
    SFUNC = geomean_accum,
    STYPE = double precision[],
    FINALFUNC = geomean_final,
    INITCOND = '{0,0}'
);
COMMENT ON AGGREGATE geomean(double precision) IS 'Geometric mean of the non-null, positive inputs.';

CREATE MATERIALIZED VIEW daily_active_users AS
SELECT date_trunc('day', occurred_at) AS day, tenant_id, count(DISTINCT user_id) AS users
FROM corpus_analytics_raw.events
GROUP BY 1, 2
WITH NO DATA;
CREATE UNIQUE INDEX daily_active_users_key ON daily_active_users (day, tenant_id);
