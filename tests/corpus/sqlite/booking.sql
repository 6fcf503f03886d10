-- Room booking for a small co-working space in SQLite. SQLite has no exclusion constraints, so
-- a BEFORE INSERT/UPDATE trigger refuses a booking that overlaps a live booking of the same
-- room; times are ISO-8601 text, which compares correctly as strings.

CREATE TABLE rooms (
    id INTEGER PRIMARY KEY,
    name varchar(60) NOT NULL UNIQUE COLLATE NOCASE,
    floor integer NOT NULL,
    capacity integer NOT NULL CHECK (capacity > 0),
    hourly_rate_cents integer,
    has_projector boolean NOT NULL DEFAULT false,
    bookable boolean NOT NULL DEFAULT true
);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    email varchar(254) NOT NULL UNIQUE COLLATE NOCASE,
    name varchar(120) NOT NULL,
    plan varchar(10) NOT NULL DEFAULT 'flex' CHECK (plan IN ('flex', 'fixed', 'office')),
    credits_minutes integer NOT NULL DEFAULT 0
);

CREATE TABLE bookings (
    id INTEGER PRIMARY KEY,
    room_id integer NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    member_id integer NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    title varchar(200),
    starts_at datetime NOT NULL,
    ends_at datetime NOT NULL,
    status varchar(10) NOT NULL DEFAULT 'confirmed' CHECK (status IN ('tentative', 'confirmed', 'cancelled')),
    minutes integer GENERATED ALWAYS AS (CAST(round((julianday(ends_at) - julianday(starts_at)) * 1440) AS integer)) VIRTUAL,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT bookings_order CHECK (ends_at > starts_at)
);
CREATE INDEX bookings_room_time_idx ON bookings (room_id, starts_at, ends_at) WHERE status <> 'cancelled';
CREATE INDEX bookings_member_idx ON bookings (member_id, starts_at DESC);
CREATE INDEX bookings_day_idx ON bookings (date(starts_at));

CREATE TABLE blackouts (
    room_id integer NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    first_day date NOT NULL,
    last_day date NOT NULL,
    reason text NOT NULL,
    PRIMARY KEY (room_id, first_day),
    CHECK (last_day >= first_day)
) WITHOUT ROWID;

CREATE TRIGGER bookings_no_overlap_insert
BEFORE INSERT ON bookings
FOR EACH ROW WHEN NEW.status <> 'cancelled' AND EXISTS (
    SELECT 1 FROM bookings b
    WHERE b.room_id = NEW.room_id AND b.status <> 'cancelled'
      AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at)
BEGIN
    SELECT RAISE(ABORT, 'the room is already booked for part of that time');
END;

CREATE TRIGGER bookings_no_overlap_update
BEFORE UPDATE OF room_id, starts_at, ends_at, status ON bookings
FOR EACH ROW WHEN NEW.status <> 'cancelled' AND EXISTS (
    SELECT 1 FROM bookings b
    WHERE b.id <> NEW.id AND b.room_id = NEW.room_id AND b.status <> 'cancelled'
      AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at)
BEGIN
    SELECT RAISE(ABORT, 'the room is already booked for part of that time');
END;

CREATE TRIGGER bookings_charge_credits
AFTER INSERT ON bookings
FOR EACH ROW WHEN NEW.status = 'confirmed'
BEGIN
    UPDATE members SET credits_minutes = credits_minutes - NEW.minutes WHERE id = NEW.member_id;
END;

CREATE VIEW upcoming_bookings AS
SELECT b.id, r.name AS room, m.name AS member, b.title, b.starts_at, b.ends_at
FROM bookings b
JOIN rooms r ON r.id = b.room_id
JOIN members m ON m.id = b.member_id
WHERE b.status = 'confirmed' AND b.ends_at > datetime('now');
