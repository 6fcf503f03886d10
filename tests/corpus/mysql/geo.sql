-- Places for a local-search app on MariaDB: countries and regions with polygon boundaries,
-- points of interest with a SPATIAL index for "what is near me", delivery routes as line
-- strings and service areas as multipolygons. Coordinates are WGS 84 (SRID 4326).

CREATE TABLE countries (
    code char(2) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name varchar(100) NOT NULL,
    boundary multipolygon REF_SYSTEM_ID=4326 NOT NULL,
    PRIMARY KEY (code),
    UNIQUE KEY countries_name_key (name),
    SPATIAL KEY countries_boundary_idx (boundary)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE regions (
    id int unsigned NOT NULL AUTO_INCREMENT,
    country_code char(2) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    name varchar(100) NOT NULL,
    boundary polygon REF_SYSTEM_ID=4326 NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY regions_country_name_key (country_code, name),
    SPATIAL KEY regions_boundary_idx (boundary),
    CONSTRAINT regions_country_fk FOREIGN KEY (country_code) REFERENCES countries (code) ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE places (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    region_id int unsigned DEFAULT NULL,
    name varchar(200) NOT NULL,
    category enum('restaurant','cafe','bar','shop','museum','park','hotel','other') NOT NULL DEFAULT 'other',
    location point REF_SYSTEM_ID=4326 NOT NULL,
    lon double AS (ST_X(location)) VIRTUAL,
    lat double AS (ST_Y(location)) VIRTUAL,
    address varchar(500) DEFAULT NULL,
    rating decimal(2,1) DEFAULT NULL,
    price_level tinyint unsigned DEFAULT NULL,
    added_at datetime NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (id),
    SPATIAL KEY places_location_idx (location),
    KEY places_region_idx (region_id),
    KEY places_category_rating_idx (category, rating DESC),
    FULLTEXT KEY places_name_ft (name, address),
    CONSTRAINT places_region_fk FOREIGN KEY (region_id) REFERENCES regions (id) ON DELETE SET NULL,
    CONSTRAINT places_rating_range CHECK (rating BETWEEN 0 AND 5),
    CONSTRAINT places_price_level_range CHECK (price_level BETWEEN 1 AND 4)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Points of interest';

CREATE TABLE delivery_routes (
    id int unsigned NOT NULL AUTO_INCREMENT,
    place_id bigint unsigned NOT NULL,
    path linestring NOT NULL,
    stops multipoint DEFAULT NULL,
    length_km decimal(8,3) DEFAULT NULL,
    PRIMARY KEY (id),
    SPATIAL KEY delivery_routes_path_idx (path),
    CONSTRAINT delivery_routes_place_fk FOREIGN KEY (place_id) REFERENCES places (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE service_areas (
    id int unsigned NOT NULL AUTO_INCREMENT,
    place_id bigint unsigned NOT NULL,
    area multipolygon NOT NULL,
    excluded_streets multilinestring DEFAULT NULL,
    landmarks geometrycollection DEFAULT NULL,
    outline geometry DEFAULT NULL,
    fee decimal(6,2) NOT NULL DEFAULT 0.00,
    PRIMARY KEY (id),
    SPATIAL KEY service_areas_area_idx (area),
    CONSTRAINT service_areas_place_fk FOREIGN KEY (place_id) REFERENCES places (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE FUNCTION distance_km(p_a point, p_b point) RETURNS double
    DETERMINISTIC
    NO SQL
    COMMENT 'Great-circle distance between two lon/lat points'
RETURN ST_Distance_Sphere(p_a, p_b) / 1000;

CREATE VIEW top_places AS
SELECT p.id, p.name, p.category, p.rating, r.name AS region, r.country_code
FROM places p
LEFT JOIN regions r ON r.id = p.region_id
WHERE p.rating >= 4.5;
