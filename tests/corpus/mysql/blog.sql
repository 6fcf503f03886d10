-- A blog on MariaDB: authors, posts searched with a FULLTEXT index, threaded comments, and tags
-- linked to posts through a many-to-many table. Slugs are ASCII and compared byte-wise; prose
-- columns use the full utf8mb4 range.

CREATE TABLE authors (
    id int unsigned NOT NULL AUTO_INCREMENT,
    handle varchar(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    display_name varchar(100) NOT NULL,
    bio tinytext,
    website varchar(2048) DEFAULT NULL,
    avatar mediumblob DEFAULT NULL COMMENT 'PNG or JPEG, at most 1 MB',
    joined_at datetime NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (id),
    UNIQUE KEY authors_handle_key (handle),
    CONSTRAINT authors_website_scheme CHECK (website IS NULL OR website LIKE 'http%')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE posts (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    author_id int unsigned NOT NULL,
    slug varchar(191) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    title varchar(200) NOT NULL,
    excerpt text,
    body longtext NOT NULL,
    state enum('draft','scheduled','published','archived') NOT NULL DEFAULT 'draft',
    published_at datetime DEFAULT NULL,
    view_count int unsigned NOT NULL DEFAULT 0,
    updated_at timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
    PRIMARY KEY (id),
    UNIQUE KEY posts_slug_key (slug),
    KEY posts_author_idx (author_id),
    KEY posts_published_idx (state, published_at DESC),
    KEY posts_title_prefix_idx (title(32)),
    FULLTEXT KEY posts_search_idx (title, body),
    CONSTRAINT posts_author_fk FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE RESTRICT,
    CONSTRAINT posts_published_has_date CHECK (state <> 'published' OR published_at IS NOT NULL)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Articles, drafts included';

CREATE TABLE comments (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    post_id bigint unsigned NOT NULL,
    parent_id bigint unsigned DEFAULT NULL,
    author_name varchar(80) NOT NULL,
    author_email varchar(254) DEFAULT NULL,
    body text NOT NULL,
    approved tinyint(1) NOT NULL DEFAULT 0,
    remote_addr varbinary(16) DEFAULT NULL COMMENT 'INET6_ATON() of the poster',
    created_at datetime NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (id),
    KEY comments_post_idx (post_id, created_at),
    KEY comments_parent_idx (parent_id),
    CONSTRAINT comments_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
    CONSTRAINT comments_parent_fk FOREIGN KEY (parent_id) REFERENCES comments (id) ON DELETE CASCADE,
    CONSTRAINT comments_body_length CHECK (char_length(body) BETWEEN 1 AND 10000)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE tags (
    id int unsigned NOT NULL AUTO_INCREMENT,
    name varchar(50) NOT NULL,
    slug varchar(50) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY tags_slug_key (slug),
    UNIQUE KEY tags_name_key (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE post_tags (
    post_id bigint unsigned NOT NULL,
    tag_id int unsigned NOT NULL,
    PRIMARY KEY (post_id, tag_id),
    KEY post_tags_tag_idx (tag_id),
    CONSTRAINT post_tags_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
    CONSTRAINT post_tags_tag_fk FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER posts_set_published_at BEFORE UPDATE ON posts
FOR EACH ROW SET NEW.published_at = CASE
    WHEN NEW.state = 'published' AND OLD.state <> 'published' AND NEW.published_at IS NULL THEN now()
    ELSE NEW.published_at
END;

CREATE PROCEDURE count_view(IN p_post bigint unsigned)
    MODIFIES SQL DATA
UPDATE posts SET view_count = view_count + 1 WHERE id = p_post;

CREATE VIEW published_posts AS
SELECT p.id, p.slug, p.title, p.excerpt, p.published_at, a.handle AS author
FROM posts p
JOIN authors a ON a.id = p.author_id
WHERE p.state = 'published';

CREATE VIEW tag_counts AS
SELECT t.id, t.slug, t.name, count(pt.post_id) AS posts
FROM tags t
LEFT JOIN post_tags pt ON pt.tag_id = t.id
GROUP BY t.id, t.slug, t.name;
