-- Room and equipment booking for an office: btree_gist lets one EXCLUDE constraint forbid two
-- live bookings of the same room whose time ranges overlap, blackout periods block whole days,
-- and opening hours are checked per weekday.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TYPE booking_status AS ENUM ('tentative', 'confirmed', 'cancelled');

CREATE TABLE rooms (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name varchar(60) NOT NULL UNIQUE,
    floor smallint NOT NULL,
    capacity integer NOT NULL CHECK (capacity > 0),
    features text[] NOT NULL DEFAULT '{}',
    hourly_rate numeric(8,2),
    bookable boolean NOT NULL DEFAULT true
);
COMMENT ON TABLE rooms IS 'Meeting rooms and desks that can be booked.';

CREATE TABLE opening_hours (
    room_id integer NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    weekday smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens time NOT NULL DEFAULT '08:00',
    closes time NOT NULL DEFAULT '18:00',
    PRIMARY KEY (room_id, weekday),
    CONSTRAINT opening_hours_order CHECK (closes > opens)
);

CREATE TABLE bookings (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id integer NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    booked_by varchar(120) NOT NULL,
    title text,
    during tstzrange NOT NULL,
    attendees integer NOT NULL DEFAULT 1,
    status booking_status NOT NULL DEFAULT 'confirmed',
    remind_before interval hour to minute DEFAULT '00:15',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bookings_not_empty CHECK (NOT isempty(during)),
    CONSTRAINT bookings_half_open CHECK (lower_inc(during) AND NOT upper_inc(during)),
    CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&)
        WHERE (status <> 'cancelled')
);
CREATE INDEX bookings_booked_by_idx ON bookings (booked_by, lower(during) DESC);

CREATE TABLE blackouts (
    id serial PRIMARY KEY,
    room_id integer NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    days daterange NOT NULL,
    reason text NOT NULL,
    EXCLUDE USING gist (room_id WITH =, days WITH &&)
);

CREATE TABLE equipment_loans (
    id serial PRIMARY KEY,
    asset_tag varchar(20) NOT NULL,
    borrower varchar(120) NOT NULL,
    period tsrange NOT NULL,
    CONSTRAINT equipment_loans_no_double_loan EXCLUDE USING gist (asset_tag WITH =, period WITH &&)
);

CREATE FUNCTION room_is_free(p_room integer, p_slot tstzrange) RETURNS boolean
LANGUAGE sql STABLE STRICT
AS $$
    SELECT NOT EXISTS (
        SELECT 1 FROM bookings b
        WHERE b.room_id = p_room AND b.status <> 'cancelled' AND b.during && p_slot)
    AND NOT EXISTS (
        SELECT 1 FROM blackouts x
        WHERE x.room_id = p_room AND x.days && daterange(lower(p_slot)::date, upper(p_slot)::date, '[]'))
$$;

CREATE FUNCTION bookings_check_capacity() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.attendees > (SELECT capacity FROM rooms WHERE id = NEW.room_id) THEN
        RAISE EXCEPTION 'room % holds fewer than % people', NEW.room_id, NEW.attendees;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER bookings_check_capacity
    BEFORE INSERT OR UPDATE OF attendees, room_id ON bookings
    FOR EACH ROW
    WHEN (NEW.status <> 'cancelled')
    EXECUTE FUNCTION bookings_check_capacity();

CREATE VIEW upcoming_bookings AS
SELECT b.id, r.name AS room, b.booked_by, b.title, lower(b.during) AS starts_at, upper(b.during) AS ends_at
FROM bookings b
JOIN rooms r ON r.id = b.room_id
WHERE b.status = 'confirmed' AND upper(b.during) > now();
