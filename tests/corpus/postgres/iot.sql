-- IoT telemetry: a fleet of devices on the network, their sensors, readings stored in monthly
-- RANGE partitions with BRIN indexes, alert rules, and an hourly rollup kept in a materialized
-- view for the dashboards.

CREATE TYPE reading_quality AS ENUM ('good', 'suspect', 'bad');

CREATE TABLE devices (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    serial_number char(12) NOT NULL,
    mac macaddr NOT NULL,
    ip_address inet,
    mgmt_network cidr,
    firmware varchar(20) NOT NULL DEFAULT '1.0.0',
    status_flags bit(8) NOT NULL DEFAULT B'00000000',
    capabilities bit varying(32),
    installed_at timestamp(0) without time zone,
    last_seen_at timestamptz(3),
    heartbeat_every interval second(0) NOT NULL DEFAULT '60 seconds',
    CONSTRAINT devices_mac_key UNIQUE (mac)
);
COMMENT ON COLUMN devices.status_flags IS 'Bit 0: online, 1: low battery, 2: tampered, 3: needs update.';
CREATE INDEX devices_serial_idx ON devices USING hash (serial_number);
CREATE INDEX devices_ip_idx ON devices USING gist (ip_address inet_ops);

CREATE TABLE sensors (
    id integer GENERATED ALWAYS AS IDENTITY (START WITH 1 INCREMENT BY 1 MINVALUE 1 CACHE 20) PRIMARY KEY,
    device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE ON UPDATE CASCADE,
    channel smallint NOT NULL CHECK (channel BETWEEN 0 AND 15),
    kind text NOT NULL,
    unit varchar(16) NOT NULL,
    calibration double precision[] NOT NULL DEFAULT '{0,1}',
    min_valid real,
    max_valid real,
    UNIQUE (device_id, channel),
    CHECK (min_valid IS NULL OR max_valid IS NULL OR min_valid < max_valid)
);

CREATE TABLE readings (
    sensor_id integer NOT NULL,
    recorded_at timestamptz(3) NOT NULL,
    value double precision NOT NULL,
    raw_value real,
    quality reading_quality NOT NULL DEFAULT 'good',
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (sensor_id, recorded_at),
    FOREIGN KEY (sensor_id) REFERENCES sensors (id) ON DELETE CASCADE
) PARTITION BY RANGE (recorded_at);
COMMENT ON TABLE readings IS 'One row per sample; partitions older than 13 months are detached and archived.';

CREATE TABLE readings_2024_06 PARTITION OF readings FOR VALUES FROM ('2024-06-01 00:00:00+00') TO ('2024-07-01 00:00:00+00');
CREATE TABLE readings_2024_07 PARTITION OF readings FOR VALUES FROM ('2024-07-01 00:00:00+00') TO ('2024-08-01 00:00:00+00');
CREATE TABLE readings_2024_08 PARTITION OF readings FOR VALUES FROM ('2024-08-01 00:00:00+00') TO ('2024-09-01 00:00:00+00');
CREATE TABLE readings_overflow PARTITION OF readings DEFAULT;

CREATE INDEX readings_recorded_brin ON readings USING brin (recorded_at);
CREATE INDEX readings_bad_idx ON readings (sensor_id, recorded_at) WHERE quality <> 'good';

CREATE TABLE maintenance_windows (
    device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts time(0) NOT NULL,
    ends time(0) NOT NULL,
    PRIMARY KEY (device_id, weekday, starts),
    CHECK (ends > starts)
);

CREATE TABLE alert_rules (
    id serial PRIMARY KEY,
    sensor_id integer NOT NULL REFERENCES sensors (id) ON DELETE CASCADE,
    threshold double precision NOT NULL,
    direction char(1) NOT NULL CHECK (direction IN ('>', '<')),
    cooldown interval NOT NULL DEFAULT '00:10:00',
    notify_emails varchar(254)[] NOT NULL DEFAULT '{}',
    last_fired_at timestamptz
);

CREATE FUNCTION calibrate(raw double precision, coefficients double precision[])
RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT coefficients[1] + coefficients[2] * raw $$;

CREATE MATERIALIZED VIEW readings_hourly AS
SELECT sensor_id,
       date_trunc('hour', recorded_at) AS hour,
       avg(value) AS avg_value,
       min(value) AS min_value,
       max(value) AS max_value,
       count(*) AS samples
FROM readings
WHERE quality = 'good'
GROUP BY sensor_id, date_trunc('hour', recorded_at);
CREATE UNIQUE INDEX readings_hourly_key ON readings_hourly (sensor_id, hour);
COMMENT ON INDEX readings_hourly_key IS 'Lets the rollup be refreshed CONCURRENTLY.';
