-- Product analytics on MariaDB: raw events in monthly RANGE partitions (old months are dropped
-- with ALTER TABLE ... DROP PARTITION), page views LIST-partitioned by region, sessions spread
-- over HASH partitions, and rollups rebuilt nightly through an Aria staging table.

CREATE TABLE events (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    occurred_at datetime(3) NOT NULL,
    tenant_id int unsigned NOT NULL,
    user_id bigint unsigned DEFAULT NULL,
    name varchar(100) NOT NULL,
    properties json DEFAULT NULL,
    PRIMARY KEY (id, occurred_at),
    KEY events_tenant_name_idx (tenant_id, name, occurred_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Tracked events, one partition per month'
PARTITION BY RANGE (TO_DAYS(occurred_at)) (
    PARTITION p2024_01 VALUES LESS THAN (TO_DAYS('2024-02-01')),
    PARTITION p2024_02 VALUES LESS THAN (TO_DAYS('2024-03-01')),
    PARTITION p2024_03 VALUES LESS THAN (TO_DAYS('2024-04-01')),
    PARTITION p_future VALUES LESS THAN MAXVALUE
);

CREATE TABLE page_views (
    viewed_at datetime NOT NULL,
    region varchar(8) NOT NULL,
    path varchar(2048) NOT NULL,
    referrer varchar(2048) DEFAULT NULL,
    load_ms mediumint unsigned DEFAULT NULL,
    country char(2) DEFAULT NULL,
    KEY page_views_viewed_idx (viewed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
PARTITION BY LIST COLUMNS (region) (
    PARTITION p_eu VALUES IN ('eu'),
    PARTITION p_na VALUES IN ('us', 'ca'),
    PARTITION p_other DEFAULT
);

CREATE TABLE sessions (
    user_id bigint unsigned NOT NULL,
    session_id binary(16) NOT NULL,
    started_at datetime NOT NULL,
    ended_at datetime DEFAULT NULL,
    device varchar(50) DEFAULT NULL,
    PRIMARY KEY (user_id, session_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
PARTITION BY HASH (user_id) PARTITIONS 4;

CREATE TABLE metrics_by_day (
    day date NOT NULL,
    metric varchar(64) NOT NULL,
    value double NOT NULL,
    sample_rate float NOT NULL DEFAULT 1,
    delta bigint NOT NULL DEFAULT 0 COMMENT 'Change from the previous day',
    PRIMARY KEY (day, metric)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci
PARTITION BY RANGE COLUMNS (day) (
    PARTITION p2023 VALUES LESS THAN ('2024-01-01'),
    PARTITION p2024 VALUES LESS THAN ('2025-01-01'),
    PARTITION p_max VALUES LESS THAN (MAXVALUE)
);

-- Rebuilt from scratch every night; crash safety without transactions is enough.
CREATE TABLE daily_rollup_staging (
    day date NOT NULL,
    tenant_id int unsigned NOT NULL,
    event_name varchar(100) NOT NULL,
    events bigint unsigned NOT NULL,
    users bigint unsigned NOT NULL,
    PRIMARY KEY (day, tenant_id, event_name)
) ENGINE=Aria DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci TRANSACTIONAL=0;

CREATE TABLE daily_rollups (
    day date NOT NULL,
    tenant_id int unsigned NOT NULL,
    event_name varchar(100) NOT NULL,
    events bigint unsigned NOT NULL DEFAULT 0,
    users bigint unsigned NOT NULL DEFAULT 0,
    events_per_user double AS (events / nullif(users, 0)) VIRTUAL,
    computed_at timestamp NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (day, tenant_id, event_name),
    KEY daily_rollups_tenant_idx (tenant_id, day DESC)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=COMPRESSED;

CREATE PROCEDURE rebuild_rollups(IN p_day date)
    MODIFIES SQL DATA
    COMMENT 'Copies one day of staging rows into daily_rollups'
REPLACE INTO daily_rollups (day, tenant_id, event_name, events, users)
SELECT day, tenant_id, event_name, events, users FROM daily_rollup_staging WHERE day = p_day;

CREATE VIEW daily_active_users AS
SELECT cast(occurred_at AS date) AS day, tenant_id, count(DISTINCT user_id) AS users
FROM events
GROUP BY cast(occurred_at AS date), tenant_id;
