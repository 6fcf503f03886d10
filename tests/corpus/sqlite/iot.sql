-- IoT telemetry on an edge gateway in SQLite: the devices the gateway talks to, their sensors,
-- a buffer of readings waiting for upload (a STRICT WITHOUT ROWID table keyed by sensor and
-- time), and hourly rollups the gateway keeps after the raw rows are uploaded and pruned.

CREATE TABLE devices (
    id INTEGER PRIMARY KEY,
    serial_number char(12) NOT NULL UNIQUE,
    mac varchar(17) NOT NULL COLLATE NOCASE CHECK (mac GLOB '[0-9A-Fa-f][0-9A-Fa-f]:*'),
    ip_address varchar(45),
    firmware varchar(20) NOT NULL DEFAULT '1.0.0',
    status_flags unsigned tinyint NOT NULL DEFAULT 0 CHECK (status_flags BETWEEN 0 AND 255),
    installed_at timestamp,
    last_seen_at timestamp,
    UNIQUE (mac)
);

CREATE TABLE sensors (
    id INTEGER PRIMARY KEY,
    device_id integer NOT NULL REFERENCES devices (id) ON DELETE CASCADE ON UPDATE CASCADE,
    channel smallint NOT NULL CHECK (channel BETWEEN 0 AND 15),
    kind varchar(32) NOT NULL,
    unit varchar(16) NOT NULL,
    scale double precision NOT NULL DEFAULT 1.0,
    offset_value float NOT NULL DEFAULT 0.0,
    min_valid real,
    max_valid real,
    UNIQUE (device_id, channel),
    CHECK (min_valid IS NULL OR max_valid IS NULL OR min_valid < max_valid)
);

CREATE TABLE readings (
    sensor_id INTEGER NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,
    recorded_at INTEGER NOT NULL,
    value REAL NOT NULL,
    raw_value INTEGER,
    quality TEXT NOT NULL DEFAULT 'good' CHECK (quality IN ('good', 'suspect', 'bad')),
    uploaded INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sensor_id, recorded_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX readings_pending_upload_idx ON readings (recorded_at) WHERE uploaded = 0;
CREATE INDEX readings_hour_idx ON readings (sensor_id, recorded_at / 3600);

CREATE TABLE readings_hourly (
    sensor_id INTEGER NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,
    hour INTEGER NOT NULL,
    samples INTEGER NOT NULL,
    sum_value REAL NOT NULL,
    min_value REAL NOT NULL,
    max_value REAL NOT NULL,
    avg_value REAL GENERATED ALWAYS AS (sum_value / samples) VIRTUAL,
    PRIMARY KEY (sensor_id, hour)
) STRICT;

CREATE TABLE alert_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sensor_id integer NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,
    threshold numeric NOT NULL,
    direction char(1) NOT NULL CHECK (direction IN ('>', '<')),
    cooldown_seconds integer NOT NULL DEFAULT 600,
    last_fired_at timestamp
);
CREATE INDEX alert_rules_sensor_idx ON alert_rules (sensor_id);

CREATE TRIGGER readings_rollup
AFTER INSERT ON readings
FOR EACH ROW WHEN NEW.quality = 'good'
BEGIN
    INSERT INTO readings_hourly (sensor_id, hour, samples, sum_value, min_value, max_value)
    VALUES (NEW.sensor_id, NEW.recorded_at / 3600 * 3600, 1, NEW.value, NEW.value, NEW.value)
    ON CONFLICT (sensor_id, hour) DO UPDATE SET
        samples = samples + 1,
        sum_value = sum_value + excluded.sum_value,
        min_value = min(min_value, excluded.min_value),
        max_value = max(max_value, excluded.max_value);
    UPDATE devices SET last_seen_at = datetime(NEW.recorded_at, 'unixepoch')
     WHERE id = (SELECT device_id FROM sensors WHERE id = NEW.sensor_id);
END;

CREATE VIEW device_status AS
SELECT d.id, d.serial_number, d.firmware, d.last_seen_at,
       (d.status_flags & 1) = 1 AS online,
       (d.status_flags & 2) = 2 AS low_battery,
       count(s.id) AS sensors
FROM devices d
LEFT JOIN sensors s ON s.device_id = d.id
GROUP BY d.id;
