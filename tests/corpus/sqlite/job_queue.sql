-- A background job queue in SQLite, the kind a single-server web app embeds: workers claim jobs
-- with UPDATE ... RETURNING inside BEGIN IMMEDIATE, failures are retried with backoff, and
-- recurring jobs come from a schedule table. Times are Unix epoch seconds.

CREATE TABLE queues (
    name TEXT PRIMARY KEY,
    concurrency INTEGER NOT NULL DEFAULT 1 CHECK (concurrency > 0),
    paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1))
) STRICT, WITHOUT ROWID;

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    queue TEXT NOT NULL DEFAULT 'default' REFERENCES queues (name) ON UPDATE CASCADE ON DELETE RESTRICT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'dead')),
    priority INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN -100 AND 100),
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 25,
    run_at INTEGER NOT NULL DEFAULT (unixepoch()),
    locked_at INTEGER,
    locked_by TEXT,
    last_error TEXT,
    unique_key TEXT,
    created_at INTEGER NOT NULL DEFAULT (unixepoch()),
    finished_at INTEGER,
    CONSTRAINT jobs_attempts_check CHECK (attempts <= max_attempts),
    CHECK (state <> 'running' OR locked_at IS NOT NULL)
) STRICT;
CREATE INDEX jobs_ready_idx ON jobs (queue, priority DESC, run_at) WHERE state = 'queued';
CREATE UNIQUE INDEX jobs_unique_key_idx ON jobs (queue, unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('queued', 'running');
CREATE INDEX jobs_running_idx ON jobs (locked_at) WHERE state = 'running';
CREATE INDEX jobs_kind_idx ON jobs (json_extract(payload, '$.tenant'), kind);

CREATE TABLE job_failures (
    job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    error TEXT NOT NULL,
    failed_at INTEGER NOT NULL DEFAULT (unixepoch()),
    PRIMARY KEY (job_id, attempt)
) STRICT, WITHOUT ROWID;

CREATE TABLE job_schedules (
    name TEXT PRIMARY KEY,
    cron TEXT NOT NULL,
    queue TEXT NOT NULL DEFAULT 'default' REFERENCES queues (name),
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    next_run_at INTEGER NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX job_schedules_due_idx ON job_schedules (next_run_at) WHERE enabled = 1;

-- Retries back off exponentially: 2^attempts seconds, capped at an hour.
CREATE TRIGGER jobs_retry_on_failure
AFTER UPDATE OF state ON jobs
FOR EACH ROW WHEN NEW.state = 'failed'
BEGIN
    INSERT INTO job_failures (job_id, attempt, error) VALUES (NEW.id, NEW.attempts, coalesce(NEW.last_error, ''));
    UPDATE jobs
       SET state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
           run_at = unixepoch() + min(1 << attempts, 3600),
           locked_at = NULL,
           locked_by = NULL
     WHERE id = NEW.id;
END;

CREATE TRIGGER jobs_mark_finished
AFTER UPDATE OF state ON jobs
FOR EACH ROW WHEN NEW.state IN ('succeeded', 'dead') AND OLD.state <> NEW.state
BEGIN
    UPDATE jobs SET finished_at = unixepoch(), locked_at = NULL, locked_by = NULL WHERE id = NEW.id;
END;

CREATE VIEW queue_stats AS
SELECT q.name AS queue,
       q.paused,
       count(*) FILTER (WHERE j.state = 'queued') AS queued,
       count(*) FILTER (WHERE j.state = 'running') AS running,
       min(j.run_at) FILTER (WHERE j.state = 'queued') AS oldest_run_at
FROM queues q
LEFT JOIN jobs j ON j.queue = q.name
GROUP BY q.name, q.paused;
