-- A headless CMS in SQLite: content types describe their fields as JSON, entries keep each
-- localised document as JSON text with the title and slug pulled out by generated columns so
-- they can be indexed, every edit is kept as a revision by a trigger, and assets are blobs.

CREATE TABLE content_types (
    id INTEGER PRIMARY KEY,
    api_name varchar(64) NOT NULL UNIQUE,
    display_name varchar(100) NOT NULL,
    field_schema json NOT NULL CHECK (json_valid(field_schema)),
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    content_type_id integer NOT NULL REFERENCES content_types (id) ON DELETE RESTRICT,
    locale varchar(10) NOT NULL DEFAULT 'en-US' COLLATE NOCASE,
    document json NOT NULL CHECK (json_valid(document) AND json_type(document) = 'object'),
    title text GENERATED ALWAYS AS (json_extract(document, '$.title')) VIRTUAL,
    slug text GENERATED ALWAYS AS (json_extract(document, '$.slug')) STORED,
    status varchar(16) NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
    version integer NOT NULL DEFAULT 1,
    updated_by varchar(100) NOT NULL,
    updated_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    published_at datetime,
    UNIQUE (content_type_id, locale, slug)
);
CREATE INDEX entries_title_idx ON entries (title COLLATE NOCASE);
CREATE INDEX entries_status_idx ON entries (status, updated_at DESC);
CREATE INDEX entries_tags_idx ON entries (json_array_length(document, '$.tags')) WHERE json_type(document, '$.tags') = 'array';

CREATE TABLE entry_revisions (
    entry_id integer NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    version integer NOT NULL,
    document json NOT NULL,
    author varchar(100) NOT NULL,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (entry_id, version)
) WITHOUT ROWID;

CREATE TABLE assets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file_name varchar(255) NOT NULL,
    mime_type varchar(127) NOT NULL,
    byte_size integer NOT NULL CHECK (byte_size >= 0),
    sha256 blob NOT NULL UNIQUE CHECK (length(sha256) = 32),
    width integer,
    height integer,
    content blob NOT NULL,
    metadata json NOT NULL DEFAULT '{}',
    uploaded_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK ((width IS NULL) = (height IS NULL))
);

CREATE TABLE entry_assets (
    entry_id integer NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    asset_id integer NOT NULL REFERENCES assets (id) ON DELETE RESTRICT,
    field varchar(64) NOT NULL,
    position integer NOT NULL DEFAULT 0,
    PRIMARY KEY (entry_id, field, position)
);
CREATE INDEX entry_assets_asset_idx ON entry_assets (asset_id);

CREATE TRIGGER entries_record_revision
BEFORE UPDATE OF document ON entries
FOR EACH ROW WHEN OLD.document IS NOT NEW.document
BEGIN
    INSERT INTO entry_revisions (entry_id, version, document, author)
    VALUES (OLD.id, OLD.version, OLD.document, OLD.updated_by);
END;

CREATE TRIGGER entries_bump_version
AFTER UPDATE OF document ON entries
FOR EACH ROW WHEN OLD.document IS NOT NEW.document
BEGIN
    UPDATE entries SET version = OLD.version + 1, updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

CREATE VIEW drafts AS
SELECT id, content_type_id, locale, title, slug, status, updated_by, updated_at
FROM entries
WHERE status IN ('draft', 'in_review');

CREATE TRIGGER drafts_submit
INSTEAD OF UPDATE OF status ON drafts
FOR EACH ROW WHEN NEW.status IN ('draft', 'in_review')
BEGIN
    UPDATE entries SET status = NEW.status, updated_by = NEW.updated_by WHERE id = OLD.id;
END;
