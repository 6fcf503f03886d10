-- A headless CMS on MariaDB: content types describe their fields as JSON, entries hold each
-- localised document as JSON with the title and slug pulled out into indexed generated columns,
-- every edit is kept as a revision by a trigger, and uploaded assets are stored in the database.

CREATE TABLE content_types (
    id smallint unsigned NOT NULL AUTO_INCREMENT,
    api_name varchar(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    display_name varchar(100) NOT NULL,
    field_schema json NOT NULL COMMENT 'JSON Schema of the fields an entry of this type has',
    created_at datetime NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (id),
    UNIQUE KEY content_types_api_name_key (api_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE entries (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    content_type_id smallint unsigned NOT NULL,
    locale varchar(10) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL DEFAULT 'en-US',
    document json NOT NULL,
    title varchar(300) AS (json_unquote(json_extract(document, '$.title'))) VIRTUAL,
    slug varchar(191) AS (json_value(document, '$.slug')) STORED,
    status enum('draft','in_review','published','archived') NOT NULL DEFAULT 'draft',
    version int unsigned NOT NULL DEFAULT 1,
    updated_by varchar(100) NOT NULL,
    updated_at datetime NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
    published_at datetime DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY entries_type_locale_slug_key (content_type_id, locale, slug),
    KEY entries_title_idx (title(64)),
    KEY entries_status_idx (status, updated_at DESC),
    CONSTRAINT entries_content_type_fk FOREIGN KEY (content_type_id) REFERENCES content_types (id) ON DELETE RESTRICT,
    CONSTRAINT entries_document_is_object CHECK (json_type(document) = 'OBJECT')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='One localised document per row';

CREATE TABLE entry_revisions (
    entry_id bigint unsigned NOT NULL,
    version int unsigned NOT NULL,
    document json NOT NULL,
    author varchar(100) NOT NULL,
    created_at datetime NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (entry_id, version),
    CONSTRAINT entry_revisions_entry_fk FOREIGN KEY (entry_id) REFERENCES entries (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci ROW_FORMAT=DYNAMIC;

CREATE TABLE assets (
    id int unsigned NOT NULL AUTO_INCREMENT,
    file_name varchar(255) NOT NULL,
    mime_type varchar(127) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
    byte_size int unsigned NOT NULL,
    sha256 binary(32) NOT NULL,
    width smallint unsigned DEFAULT NULL,
    height smallint unsigned DEFAULT NULL,
    variants set('thumb','small','medium','large','original') NOT NULL DEFAULT 'original',
    content longblob NOT NULL,
    preview tinyblob DEFAULT NULL COMMENT 'A tiny blurred placeholder image',
    metadata json DEFAULT NULL,
    uploaded_at timestamp NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (id),
    UNIQUE KEY assets_sha256_key (sha256),
    CONSTRAINT assets_dimensions CHECK ((width IS NULL) = (height IS NULL))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE entry_assets (
    entry_id bigint unsigned NOT NULL,
    asset_id int unsigned NOT NULL,
    field varchar(64) NOT NULL,
    position tinyint unsigned NOT NULL DEFAULT 0,
    PRIMARY KEY (entry_id, field, position),
    KEY entry_assets_asset_idx (asset_id),
    CONSTRAINT entry_assets_entry_fk FOREIGN KEY (entry_id) REFERENCES entries (id) ON DELETE CASCADE,
    CONSTRAINT entry_assets_asset_fk FOREIGN KEY (asset_id) REFERENCES assets (id) ON DELETE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER entries_record_revision BEFORE UPDATE ON entries
FOR EACH ROW INSERT INTO entry_revisions (entry_id, version, document, author)
SELECT OLD.id, OLD.version, OLD.document, OLD.updated_by
WHERE NOT (OLD.document <=> NEW.document);

CREATE TRIGGER entries_bump_version BEFORE UPDATE ON entries
FOR EACH ROW FOLLOWS entries_record_revision
SET NEW.version = IF(OLD.document <=> NEW.document, OLD.version, OLD.version + 1);

CREATE FUNCTION entry_title(p_document json, p_fallback varchar(300)) RETURNS varchar(300)
    DETERMINISTIC
    NO SQL
RETURN coalesce(json_value(p_document, '$.title'), p_fallback);

CREATE ALGORITHM=MERGE VIEW drafts AS
SELECT id, content_type_id, locale, document, status, updated_by
FROM entries
WHERE status IN ('draft', 'in_review')
WITH CASCADED CHECK OPTION;
