-- A blog: authors, posts with full-text search, threaded comments, and tags linked to posts
-- through a many-to-many table. A materialized view keeps the per-tag post counts the sidebar
-- shows, refreshed by a cron job.

CREATE TYPE post_state AS ENUM ('draft', 'scheduled', 'published', 'archived');

CREATE TABLE authors (
    id serial PRIMARY KEY,
    handle varchar(40) COLLATE "C" NOT NULL UNIQUE,
    display_name text NOT NULL,
    bio text,
    website text CHECK (website ~ '^https?://'),
    avatar bytea,
    joined_at timestamp(0) without time zone NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    author_id integer NOT NULL REFERENCES authors (id) ON DELETE RESTRICT,
    slug text NOT NULL,
    title varchar(200) NOT NULL,
    body text NOT NULL DEFAULT '',
    state post_state NOT NULL DEFAULT 'draft',
    published_at timestamptz,
    word_count integer GENERATED ALWAYS AS (array_length(regexp_split_to_array(trim(body), '\s+'), 1)) STORED,
    search_vector tsvector,
    CONSTRAINT posts_slug_key UNIQUE (slug),
    CONSTRAINT posts_published_has_date CHECK (state <> 'published' OR published_at IS NOT NULL)
);
COMMENT ON COLUMN posts.search_vector IS 'Maintained by the posts_search_update trigger.';
CREATE INDEX posts_search_idx ON posts USING gin (search_vector);
CREATE INDEX posts_slug_prefix_idx ON posts (slug text_pattern_ops);
CREATE INDEX posts_published_idx ON posts (published_at DESC NULLS LAST) WHERE state = 'published';
CREATE INDEX posts_author_idx ON posts (author_id);

CREATE TABLE comments (
    id bigserial PRIMARY KEY,
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    parent_id bigint REFERENCES comments (id) ON DELETE CASCADE,
    author_name varchar(80) NOT NULL,
    author_email varchar(254),
    body text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    approved boolean NOT NULL DEFAULT false,
    remote_addr inet,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_post_idx ON comments (post_id, created_at);
CREATE INDEX comments_pending_idx ON comments (created_at) WHERE NOT approved;

CREATE TABLE tags (
    id serial PRIMARY KEY,
    name varchar(50) NOT NULL,
    slug varchar(50) NOT NULL,
    CONSTRAINT tags_slug_key UNIQUE (slug)
);
CREATE UNIQUE INDEX tags_lower_name_key ON tags (lower(name));

CREATE TABLE post_tags (
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id integer NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_tag_idx ON post_tags (tag_id);

CREATE FUNCTION posts_search_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(NEW.body, '')), 'B');
    RETURN NEW;
END;
$$;

CREATE TRIGGER posts_search_update
    BEFORE INSERT OR UPDATE OF title, body ON posts
    FOR EACH ROW EXECUTE FUNCTION posts_search_update();

CREATE VIEW published_posts AS
SELECT p.id, p.slug, p.title, p.published_at, a.handle AS author
FROM posts p
JOIN authors a ON a.id = p.author_id
WHERE p.state = 'published';

CREATE MATERIALIZED VIEW tag_counts AS
SELECT t.id, t.slug, t.name, count(pt.post_id) AS posts
FROM tags t
LEFT JOIN post_tags pt ON pt.tag_id = t.id
GROUP BY t.id, t.slug, t.name
WITH DATA;
COMMENT ON MATERIALIZED VIEW tag_counts IS 'Refreshed CONCURRENTLY every five minutes.';
CREATE UNIQUE INDEX tag_counts_id_idx ON tag_counts (id);
CREATE INDEX tag_counts_posts_idx ON tag_counts (posts DESC);

CREATE FUNCTION search_posts(query text, max_results integer DEFAULT 20)
RETURNS TABLE (id bigint, title varchar, rank real)
LANGUAGE sql STABLE
AS $$
    SELECT p.id, p.title, ts_rank(p.search_vector, q) AS rank
    FROM posts p, websearch_to_tsquery('english', query) q
    WHERE p.state = 'published' AND p.search_vector @@ q
    ORDER BY rank DESC
    LIMIT max_results
$$;
COMMENT ON FUNCTION search_posts(text, integer) IS 'Ranked full-text search over published posts.';
