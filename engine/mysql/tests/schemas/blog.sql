-- A blog: authors, posts with a generated slug, tags, comments, a trigger keeping a counter.
CREATE TABLE authors (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  handle varchar(40) CHARACTER SET ascii NOT NULL,
  display_name varchar(100) COLLATE utf8mb4_bin NOT NULL,
  bio text COMMENT 'markdown',
  UNIQUE KEY uq_authors_handle (handle)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE posts (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  author_id int unsigned NOT NULL,
  title varchar(200) NOT NULL,
  slug varchar(220) AS (lower(replace(title, ' ', '-'))) STORED,
  title_length int AS (char_length(title)) VIRTUAL,
  body mediumtext NOT NULL,
  published tinyint(1) NOT NULL DEFAULT 0,
  comment_count int unsigned NOT NULL DEFAULT 0,
  published_at datetime DEFAULT NULL,
  KEY idx_posts_slug (slug(50)),
  KEY idx_posts_author_published (author_id, published_at DESC),
  CONSTRAINT fk_posts_author FOREIGN KEY (author_id) REFERENCES authors (id)
) COMMENT='what authors write';

CREATE TABLE tags (
  id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name varchar(50) NOT NULL,
  UNIQUE KEY (name)
);

CREATE TABLE post_tags (
  post_id int unsigned NOT NULL,
  tag_id int unsigned NOT NULL,
  PRIMARY KEY (post_id, tag_id),
  KEY idx_post_tags_tag (tag_id),
  FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
  FOREIGN KEY (tag_id) REFERENCES tags (id) ON DELETE CASCADE
);

CREATE TABLE comments (
  id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
  post_id int unsigned NOT NULL,
  author_email varchar(255) DEFAULT 'anonymous@example.com',
  body text NOT NULL,
  created_at timestamp NULL DEFAULT NULL,
  CONSTRAINT fk_comments_post FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
);

CREATE TRIGGER comments_count AFTER INSERT ON comments FOR EACH ROW
  UPDATE posts SET comment_count = comment_count + 1 WHERE id = NEW.post_id;

CREATE VIEW published_posts AS
  SELECT id, author_id, title, slug FROM posts WHERE published = 1
  WITH CASCADED CHECK OPTION;
