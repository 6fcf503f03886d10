-- A background job queue on MariaDB: workers claim jobs with SELECT ... FOR UPDATE SKIP LOCKED,
-- failures are retried until the job is dead, recurring jobs come from a schedule, and events
-- run by the server's scheduler requeue stuck jobs and purge old ones.

CREATE TABLE jobs (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    queue varchar(64) NOT NULL DEFAULT 'default',
    kind varchar(100) NOT NULL,
    payload json NOT NULL,
    state enum('queued','running','succeeded','failed','dead') NOT NULL DEFAULT 'queued',
    priority tinyint NOT NULL DEFAULT 0,
    attempts smallint unsigned NOT NULL DEFAULT 0,
    max_attempts smallint unsigned NOT NULL DEFAULT 25,
    run_at datetime(6) NOT NULL DEFAULT current_timestamp(6),
    timeout_seconds mediumint unsigned NOT NULL DEFAULT 900,
    locked_at datetime(6) DEFAULT NULL,
    locked_by varchar(100) DEFAULT NULL,
    last_error text,
    unique_key varchar(191) DEFAULT NULL,
    created_at datetime(6) NOT NULL DEFAULT current_timestamp(6),
    finished_at datetime(6) DEFAULT NULL,
    PRIMARY KEY (id),
    KEY jobs_ready_idx (queue, state, priority DESC, run_at),
    KEY jobs_running_idx (state, locked_at),
    UNIQUE KEY jobs_unique_key (queue, unique_key),
    CONSTRAINT jobs_attempts_check CHECK (attempts <= max_attempts),
    CONSTRAINT jobs_priority_range CHECK (priority BETWEEN -100 AND 100),
    CHECK (state <> 'running' OR locked_at IS NOT NULL)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Work waiting for, or held by, a worker';

CREATE TABLE dead_jobs (
    id bigint unsigned NOT NULL,
    queue varchar(64) NOT NULL,
    kind varchar(100) NOT NULL,
    payload json NOT NULL,
    attempts smallint unsigned NOT NULL,
    last_error text,
    died_at datetime NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE job_schedules (
    name varchar(100) NOT NULL,
    cron varchar(100) NOT NULL COMMENT 'Five-field cron expression, evaluated by the scheduler service',
    queue varchar(64) NOT NULL DEFAULT 'default',
    kind varchar(100) NOT NULL,
    payload json NOT NULL DEFAULT '{}',
    next_run_at datetime NOT NULL,
    enabled tinyint(1) NOT NULL DEFAULT 1,
    PRIMARY KEY (name),
    KEY job_schedules_due_idx (enabled, next_run_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER jobs_mark_finished BEFORE UPDATE ON jobs
FOR EACH ROW SET
    NEW.finished_at = IF(NEW.state IN ('succeeded', 'dead') AND OLD.state <> NEW.state, current_timestamp(6), NEW.finished_at),
    NEW.locked_at = IF(NEW.state = 'running', NEW.locked_at, NULL),
    NEW.locked_by = IF(NEW.state = 'running', NEW.locked_by, NULL);

CREATE TRIGGER jobs_to_dead_letter AFTER UPDATE ON jobs
FOR EACH ROW INSERT IGNORE INTO dead_jobs (id, queue, kind, payload, attempts, last_error)
SELECT NEW.id, NEW.queue, NEW.kind, NEW.payload, NEW.attempts, NEW.last_error
WHERE NEW.state = 'dead' AND OLD.state <> 'dead';

CREATE PROCEDURE enqueue_job(IN p_queue varchar(64), IN p_kind varchar(100), IN p_payload json, IN p_delay_seconds int)
    MODIFIES SQL DATA
INSERT INTO jobs (queue, kind, payload, run_at)
VALUES (p_queue, p_kind, p_payload, current_timestamp(6) + INTERVAL coalesce(p_delay_seconds, 0) SECOND);

CREATE FUNCTION queue_depth(p_queue varchar(64)) RETURNS bigint unsigned
    READS SQL DATA
RETURN (SELECT count(*) FROM jobs WHERE queue = p_queue AND state = 'queued');

CREATE EVENT requeue_stuck_jobs
    ON SCHEDULE EVERY 1 MINUTE
    ON COMPLETION PRESERVE
    ENABLE
    COMMENT 'Gives jobs of crashed workers back to the queue'
DO UPDATE jobs SET state = 'queued', locked_at = NULL, locked_by = NULL
   WHERE state = 'running' AND locked_at < current_timestamp(6) - INTERVAL timeout_seconds SECOND;

CREATE EVENT purge_finished_jobs
    ON SCHEDULE EVERY 1 HOUR STARTS '2024-01-01 00:05:00'
    DO DELETE FROM jobs WHERE state IN ('succeeded', 'dead') AND finished_at < now() - INTERVAL 7 DAY;

CREATE VIEW queue_stats AS
SELECT queue,
       sum(state = 'queued') AS queued,
       sum(state = 'running') AS running,
       min(CASE WHEN state = 'queued' THEN run_at END) AS oldest_run_at
FROM jobs
GROUP BY queue;
