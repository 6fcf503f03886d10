-- Places for an offline maps app in SQLite: countries and regions with bounding boxes, points of
-- interest with latitude/longitude and a grid cell computed by a generated column for fast
-- "near me" lookups, opening hours, and saved lists a user curates.

CREATE TABLE countries (
    code char(2) PRIMARY KEY COLLATE NOCASE,
    name varchar(100) NOT NULL UNIQUE,
    min_lat real NOT NULL,
    min_lon real NOT NULL,
    max_lat real NOT NULL,
    max_lon real NOT NULL,
    CHECK (min_lat <= max_lat AND min_lon <= max_lon)
) WITHOUT ROWID;

CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    country_code char(2) NOT NULL REFERENCES countries (code) ON UPDATE CASCADE ON DELETE CASCADE,
    name varchar(100) NOT NULL,
    boundary_geojson text CHECK (boundary_geojson IS NULL OR json_valid(boundary_geojson)),
    osm_tags, -- Untyped: whatever the OpenStreetMap importer hands over.
    UNIQUE (country_code, name)
);

CREATE TABLE places (
    id INTEGER PRIMARY KEY,
    region_id integer REFERENCES regions (id) ON DELETE SET NULL,
    name varchar(200) NOT NULL,
    name_folded text GENERATED ALWAYS AS (lower(name)) VIRTUAL,
    category varchar(20) NOT NULL DEFAULT 'other'
        CHECK (category IN ('restaurant', 'cafe', 'bar', 'shop', 'museum', 'park', 'hotel', 'other')),
    lat double NOT NULL CHECK (lat BETWEEN -90 AND 90),
    lon double NOT NULL CHECK (lon BETWEEN -180 AND 180),
    -- A 0.1-degree grid cell: nearby places share a cell or one of its eight neighbours.
    grid_cell integer GENERATED ALWAYS AS (CAST((lat + 90) * 10 AS integer) * 3600 + CAST((lon + 180) * 10 AS integer)) STORED,
    address text,
    rating numeric(2,1) CHECK (rating BETWEEN 0 AND 5),
    price_level integer CHECK (price_level BETWEEN 1 AND 4),
    added_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX places_grid_idx ON places (grid_cell, category);
CREATE INDEX places_name_idx ON places (name_folded);
CREATE INDEX places_rating_idx ON places (category, rating DESC) WHERE rating IS NOT NULL;

CREATE TABLE opening_hours (
    place_id integer NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    weekday integer NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    opens time NOT NULL,
    closes time NOT NULL,
    PRIMARY KEY (place_id, weekday, opens)
) WITHOUT ROWID;

CREATE TABLE saved_lists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name varchar(100) NOT NULL UNIQUE COLLATE NOCASE,
    color char(7) NOT NULL DEFAULT '#3366ff' CHECK (color GLOB '#[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'),
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE saved_list_places (
    list_id integer NOT NULL REFERENCES saved_lists (id) ON DELETE CASCADE,
    place_id integer NOT NULL REFERENCES places (id) ON DELETE CASCADE,
    note text,
    added_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (list_id, place_id)
);

CREATE TRIGGER places_region_in_country
BEFORE INSERT ON places
FOR EACH ROW WHEN NEW.region_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM regions r JOIN countries c ON c.code = r.country_code
    WHERE r.id = NEW.region_id AND NEW.lat BETWEEN c.min_lat AND c.max_lat AND NEW.lon BETWEEN c.min_lon AND c.max_lon)
BEGIN
    SELECT RAISE(ABORT, 'the place lies outside the country of its region');
END;

CREATE VIEW top_places AS
SELECT p.id, p.name, p.category, p.rating, r.name AS region, r.country_code
FROM places p
LEFT JOIN regions r ON r.id = p.region_id
WHERE p.rating >= 4.5;
