-- A durable background job queue: workers claim jobs with SELECT ... FOR UPDATE SKIP LOCKED,
-- failed jobs are retried with backoff until they move to a dead-letter table, recurring jobs
-- come from a schedule table, and a procedure prunes finished jobs.

CREATE TYPE job_state AS ENUM ('queued', 'running', 'succeeded', 'failed', 'dead');

CREATE TABLE jobs (
    id bigint GENERATED ALWAYS AS IDENTITY (START WITH 1000 INCREMENT BY 1) PRIMARY KEY,
    queue varchar(64) NOT NULL DEFAULT 'default',
    kind text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
    state job_state NOT NULL DEFAULT 'queued',
    priority smallint NOT NULL DEFAULT 0 CHECK (priority BETWEEN -100 AND 100),
    attempts integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL DEFAULT 25,
    run_at timestamptz NOT NULL DEFAULT now(),
    timeout interval NOT NULL DEFAULT '00:15:00'::interval,
    locked_at timestamptz,
    locked_by text,
    last_error text,
    unique_key text,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    CONSTRAINT jobs_attempts_check CHECK (attempts <= max_attempts),
    CHECK (state <> 'running' OR locked_at IS NOT NULL)
);
COMMENT ON TABLE jobs IS 'Work waiting for, or held by, a worker.';
COMMENT ON COLUMN jobs.unique_key IS 'Deduplicates enqueues: one live job per queue and key.';
CREATE INDEX jobs_ready_idx ON jobs (queue, priority DESC, run_at) WHERE state = 'queued';
CREATE UNIQUE INDEX jobs_unique_key_idx ON jobs (queue, unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('queued', 'running');
CREATE INDEX jobs_running_idx ON jobs (locked_at) WHERE state = 'running';
CREATE INDEX jobs_kind_hash_idx ON jobs USING hash (kind);

CREATE TABLE dead_jobs (
    id bigint PRIMARY KEY,
    queue varchar(64) NOT NULL,
    kind text NOT NULL,
    payload jsonb NOT NULL,
    attempts integer NOT NULL,
    errors text[] NOT NULL DEFAULT '{}',
    died_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE job_schedules (
    name text PRIMARY KEY,
    cron varchar(100) NOT NULL,
    queue varchar(64) NOT NULL DEFAULT 'default',
    kind text NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}'::jsonb,
    next_run_at timestamptz NOT NULL,
    enabled boolean NOT NULL DEFAULT true
);

CREATE FUNCTION claim_jobs(p_queue text, p_worker text, p_limit integer DEFAULT 10)
RETURNS SETOF jobs
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    UPDATE jobs j
       SET state = 'running', locked_at = now(), locked_by = p_worker, attempts = j.attempts + 1
     WHERE j.id IN (
           SELECT id FROM jobs
            WHERE queue = p_queue AND state = 'queued' AND run_at <= now()
            ORDER BY priority DESC, run_at
            LIMIT p_limit
            FOR UPDATE SKIP LOCKED)
    RETURNING j.*;
END;
$$;

CREATE FUNCTION queue_stats(p_queue text, OUT queued bigint, OUT running bigint, OUT oldest_run_at timestamptz)
LANGUAGE sql STABLE
AS $$
    SELECT count(*) FILTER (WHERE state = 'queued'),
           count(*) FILTER (WHERE state = 'running'),
           min(run_at) FILTER (WHERE state = 'queued')
    FROM jobs WHERE queue = p_queue
$$;

CREATE FUNCTION jobs_mark_finished() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.finished_at := now();
    NEW.locked_at := NULL;
    NEW.locked_by := NULL;
    RETURN NEW;
END;
$$;

CREATE TRIGGER jobs_mark_finished
    BEFORE UPDATE OF state ON jobs
    FOR EACH ROW
    WHEN (NEW.state IN ('succeeded', 'dead') AND OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION jobs_mark_finished();

CREATE FUNCTION jobs_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jobs_enqueued', TG_TABLE_NAME);
    RETURN NULL;
END;
$$;

CREATE TRIGGER jobs_notify
    AFTER INSERT ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_notify();

CREATE PROCEDURE prune_jobs(keep interval DEFAULT '7 days')
LANGUAGE plpgsql
AS $$
BEGIN
    INSERT INTO dead_jobs (id, queue, kind, payload, attempts, errors)
    SELECT id, queue, kind, payload, attempts, ARRAY[coalesce(last_error, '')]
      FROM jobs WHERE state = 'dead';
    DELETE FROM jobs
     WHERE state IN ('succeeded', 'dead') AND finished_at < now() - keep;
END;
$$;
COMMENT ON PROCEDURE prune_jobs(interval) IS 'Run hourly by pg_cron.';
