-- Room booking for an office on MariaDB. MariaDB has no exclusion constraints, so bookings are
-- kept in fixed 15-minute slots: one row per room and slot with a unique key forbids double
-- booking, and a stored generated column keeps the day each slot falls on for the calendar view.

CREATE TABLE rooms (
    id smallint unsigned NOT NULL AUTO_INCREMENT,
    name varchar(60) NOT NULL,
    floor tinyint NOT NULL,
    capacity smallint unsigned NOT NULL,
    features set('projector','whiteboard','video','phone','accessible') NOT NULL DEFAULT '',
    hourly_rate decimal(8,2) DEFAULT NULL,
    bookable bool NOT NULL DEFAULT TRUE,
    PRIMARY KEY (id),
    UNIQUE KEY rooms_name_key (name),
    CONSTRAINT rooms_capacity_positive CHECK (capacity > 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Meeting rooms and desks that can be booked';

CREATE TABLE opening_hours (
    room_id smallint unsigned NOT NULL,
    weekday tinyint unsigned NOT NULL COMMENT '0 = Monday, as WEEKDAY() returns',
    opens time NOT NULL DEFAULT '08:00:00',
    closes time NOT NULL DEFAULT '18:00:00',
    PRIMARY KEY (room_id, weekday),
    CONSTRAINT opening_hours_room_fk FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE,
    CONSTRAINT opening_hours_weekday_range CHECK (weekday <= 6),
    CONSTRAINT opening_hours_order CHECK (closes > opens)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE bookings (
    id int unsigned NOT NULL AUTO_INCREMENT,
    room_id smallint unsigned NOT NULL,
    booked_by varchar(120) NOT NULL,
    title varchar(200) DEFAULT NULL,
    starts_at datetime NOT NULL,
    ends_at datetime NOT NULL,
    attendees smallint unsigned NOT NULL DEFAULT 1,
    status enum('tentative','confirmed','cancelled') NOT NULL DEFAULT 'confirmed',
    created_at timestamp NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (id),
    KEY bookings_room_starts_idx (room_id, starts_at),
    KEY bookings_booked_by_idx (booked_by, starts_at DESC),
    CONSTRAINT bookings_room_fk FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE,
    CONSTRAINT bookings_order CHECK (ends_at > starts_at),
    CONSTRAINT bookings_quarter_hours CHECK (minute(starts_at) % 15 = 0 AND minute(ends_at) % 15 = 0 AND second(starts_at) = 0 AND second(ends_at) = 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The application inserts one row per 15-minute slot of a live booking and deletes them when the
-- booking is cancelled; the primary key is what makes overlapping bookings impossible.
CREATE TABLE booking_slots (
    room_id smallint unsigned NOT NULL,
    slot_start datetime NOT NULL,
    booking_id int unsigned NOT NULL,
    slot_day date AS (cast(slot_start AS date)) STORED,
    PRIMARY KEY (room_id, slot_start),
    KEY booking_slots_booking_idx (booking_id),
    KEY booking_slots_day_idx (slot_day, room_id),
    CONSTRAINT booking_slots_booking_fk FOREIGN KEY (booking_id) REFERENCES bookings (id) ON DELETE CASCADE,
    CONSTRAINT booking_slots_room_fk FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE blackouts (
    id int unsigned NOT NULL AUTO_INCREMENT,
    room_id smallint unsigned NOT NULL,
    first_day date NOT NULL,
    last_day date NOT NULL,
    reason varchar(200) NOT NULL,
    PRIMARY KEY (id),
    KEY blackouts_room_days_idx (room_id, first_day, last_day),
    CONSTRAINT blackouts_room_fk FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE,
    CONSTRAINT blackouts_order CHECK (last_day >= first_day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER bookings_release_slots AFTER UPDATE ON bookings
FOR EACH ROW DELETE FROM booking_slots WHERE booking_id = NEW.id AND NEW.status = 'cancelled';

CREATE FUNCTION room_is_free(p_room smallint unsigned, p_from datetime, p_to datetime) RETURNS bool
    READS SQL DATA
RETURN NOT EXISTS (SELECT 1 FROM booking_slots WHERE room_id = p_room AND slot_start >= p_from AND slot_start < p_to)
   AND NOT EXISTS (SELECT 1 FROM blackouts WHERE room_id = p_room AND first_day <= cast(p_to AS date) AND last_day >= cast(p_from AS date));

CREATE VIEW upcoming_bookings AS
SELECT b.id, r.name AS room, b.booked_by, b.title, b.starts_at, b.ends_at
FROM bookings b
JOIN rooms r ON r.id = b.room_id
WHERE b.status = 'confirmed' AND b.ends_at > now();
