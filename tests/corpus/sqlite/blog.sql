-- A blog in SQLite (a static-site generator's content database): authors, posts, threaded
-- comments, and tags linked to posts through a many-to-many table. A view with INSTEAD OF
-- triggers lets the admin screen edit "post with its tag list" as one row.

CREATE TABLE authors (
    id INTEGER PRIMARY KEY,
    handle varchar(40) NOT NULL UNIQUE,
    display_name varchar(100) NOT NULL,
    bio text,
    avatar blob,
    joined_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    author_id integer NOT NULL REFERENCES authors (id) ON DELETE RESTRICT ON UPDATE CASCADE,
    slug varchar(191) NOT NULL,
    title varchar(200) NOT NULL,
    body text NOT NULL DEFAULT '',
    state varchar(16) NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'scheduled', 'published', 'archived')),
    published_at datetime,
    word_count integer GENERATED ALWAYS AS (length(trim(body)) - length(replace(trim(body), ' ', '')) + 1) VIRTUAL,
    reading_minutes integer AS ((length(body) / 1200) + 1),
    CONSTRAINT posts_slug_key UNIQUE (slug),
    CONSTRAINT posts_published_has_date CHECK (state <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX posts_published_idx ON posts (published_at DESC) WHERE state = 'published';
CREATE INDEX posts_author_idx ON posts (author_id, published_at);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    post_id integer NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    parent_id integer REFERENCES comments (id) ON DELETE CASCADE,
    author_name varchar(80) NOT NULL,
    author_email varchar(254) COLLATE NOCASE,
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    approved boolean NOT NULL DEFAULT FALSE,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX comments_post_idx ON comments (post_id, created_at);
CREATE INDEX comments_pending_idx ON comments (created_at) WHERE NOT approved;

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    name varchar(50) NOT NULL COLLATE NOCASE,
    slug varchar(50) NOT NULL,
    UNIQUE (slug),
    UNIQUE (name)
);

CREATE TABLE post_tags (
    post_id integer NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id integer NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX post_tags_tag_idx ON post_tags (tag_id);

CREATE VIEW posts_with_tags AS
SELECT p.id, p.slug, p.title, p.state, group_concat(t.slug, ',') AS tag_slugs
FROM posts p
LEFT JOIN post_tags pt ON pt.post_id = p.id
LEFT JOIN tags t ON t.id = pt.tag_id
GROUP BY p.id;

CREATE TRIGGER posts_with_tags_update
INSTEAD OF UPDATE OF title, state ON posts_with_tags
FOR EACH ROW
BEGIN
    UPDATE posts SET title = NEW.title, state = NEW.state WHERE id = OLD.id;
END;

CREATE TRIGGER posts_with_tags_delete
INSTEAD OF DELETE ON posts_with_tags
BEGIN
    DELETE FROM posts WHERE id = OLD.id;
END;

CREATE TRIGGER posts_schedule_needs_date
BEFORE UPDATE OF state ON posts
FOR EACH ROW WHEN NEW.state = 'scheduled' AND (NEW.published_at IS NULL OR NEW.published_at <= CURRENT_TIMESTAMP)
BEGIN
    SELECT RAISE(ABORT, 'a scheduled post needs a publication date in the future');
END;

CREATE VIEW published_posts AS
SELECT p.id, p.slug, p.title, p.published_at, a.handle AS author
FROM posts p
JOIN authors a ON a.id = p.author_id
WHERE p.state = 'published';
