-- IoT telemetry on MariaDB: devices on the network, their sensors, readings RANGE-partitioned
-- by day on a UNIX timestamp, a MEMORY table holding the latest value per sensor for the live
-- dashboard, and a system-versioned table of device configuration.

CREATE TABLE devices (
    id int unsigned NOT NULL AUTO_INCREMENT,
    serial_number char(12) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    mac binary(6) NOT NULL,
    ip_address inet4 DEFAULT NULL,
    ipv6_address inet6 DEFAULT NULL,
    firmware varchar(20) NOT NULL DEFAULT '1.0.0',
    status_flags bit(8) NOT NULL DEFAULT b'00000000' COMMENT 'Bit 0 online, 1 low battery, 2 tampered, 3 needs update',
    model_year year DEFAULT NULL,
    installed_at datetime DEFAULT NULL,
    last_seen_at timestamp(3) NULL DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY devices_serial_key (serial_number),
    UNIQUE KEY devices_mac_key (mac)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE device_config (
    device_id int unsigned NOT NULL,
    sample_every_ms int unsigned NOT NULL DEFAULT 1000,
    upload_every smallint unsigned NOT NULL DEFAULT 60,
    quiet_from time DEFAULT NULL,
    quiet_until time DEFAULT NULL,
    PRIMARY KEY (device_id),
    CONSTRAINT device_config_device_fk FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE,
    CONSTRAINT device_config_quiet_both CHECK ((quiet_from IS NULL) = (quiet_until IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci WITH SYSTEM VERSIONING;

CREATE TABLE sensors (
    id mediumint unsigned NOT NULL AUTO_INCREMENT,
    device_id int unsigned NOT NULL,
    channel tinyint unsigned NOT NULL,
    kind varchar(32) NOT NULL,
    unit varchar(16) NOT NULL,
    scale float NOT NULL DEFAULT 1,
    offset_value float NOT NULL DEFAULT 0,
    drift_correction mediumint NOT NULL DEFAULT 0 COMMENT 'In thousandths of the unit, may be negative',
    min_valid double DEFAULT NULL,
    max_valid double DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY sensors_device_channel_key (device_id, channel),
    CONSTRAINT sensors_device_fk FOREIGN KEY (device_id) REFERENCES devices (id) ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT sensors_channel_range CHECK (channel < 16),
    CONSTRAINT sensors_valid_range CHECK (min_valid IS NULL OR max_valid IS NULL OR min_valid < max_valid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Partitioned tables cannot have foreign keys in MariaDB; the ingest service checks sensor ids.
CREATE TABLE readings (
    sensor_id mediumint unsigned NOT NULL,
    recorded_at timestamp(3) NOT NULL DEFAULT current_timestamp(3),
    value double NOT NULL,
    raw_value smallint DEFAULT NULL,
    quality enum('good','suspect','bad') NOT NULL DEFAULT 'good',
    PRIMARY KEY (sensor_id, recorded_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='One row per sample'
PARTITION BY RANGE (UNIX_TIMESTAMP(recorded_at)) (
    PARTITION p20240601 VALUES LESS THAN (UNIX_TIMESTAMP('2024-06-02 00:00:00')),
    PARTITION p20240602 VALUES LESS THAN (UNIX_TIMESTAMP('2024-06-03 00:00:00')),
    PARTITION p20240603 VALUES LESS THAN (UNIX_TIMESTAMP('2024-06-04 00:00:00')),
    PARTITION p_future VALUES LESS THAN MAXVALUE
);

CREATE TABLE latest_readings (
    sensor_id mediumint unsigned NOT NULL,
    recorded_at timestamp(3) NOT NULL,
    value double NOT NULL,
    PRIMARY KEY (sensor_id) USING HASH
) ENGINE=MEMORY DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE alert_rules (
    id int unsigned NOT NULL AUTO_INCREMENT,
    sensor_id mediumint unsigned NOT NULL,
    threshold double NOT NULL,
    direction enum('above','below') NOT NULL,
    cooldown time NOT NULL DEFAULT '00:10:00',
    last_fired_at datetime DEFAULT NULL,
    PRIMARY KEY (id),
    KEY alert_rules_sensor_idx (sensor_id),
    CONSTRAINT alert_rules_sensor_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER readings_keep_latest AFTER INSERT ON readings
FOR EACH ROW REPLACE INTO latest_readings (sensor_id, recorded_at, value)
VALUES (NEW.sensor_id, NEW.recorded_at, NEW.value);

CREATE FUNCTION calibrate(p_raw double, p_scale float, p_offset float) RETURNS double
    DETERMINISTIC
    NO SQL
RETURN p_offset + p_scale * p_raw;

CREATE VIEW readings_hourly AS
SELECT sensor_id,
       from_unixtime(floor(unix_timestamp(recorded_at) / 3600) * 3600) AS hour,
       avg(value) AS avg_value, min(value) AS min_value, max(value) AS max_value, count(*) AS samples
FROM readings
WHERE quality = 'good'
GROUP BY sensor_id, floor(unix_timestamp(recorded_at) / 3600);
