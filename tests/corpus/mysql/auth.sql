-- Authentication and authorisation on MariaDB: application accounts, sessions and API tokens,
-- plus the database users and roles the services connect as, with grants on the schema, on
-- tables, on single columns and on routines. Users and roles are server-wide, so every name is
-- prefixed with cairn_corpus_auth_ and created only if missing.

CREATE TABLE accounts (
    id int unsigned NOT NULL AUTO_INCREMENT,
    email varchar(254) NOT NULL,
    password_hash varbinary(128) NOT NULL,
    totp_secret binary(20) DEFAULT NULL,
    webauthn_credentials blob DEFAULT NULL,
    is_admin tinyint(1) NOT NULL DEFAULT 0,
    failed_logins tinyint unsigned NOT NULL DEFAULT 0,
    locked_until datetime DEFAULT NULL,
    created_at timestamp NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (id),
    UNIQUE KEY accounts_email_key (email),
    CONSTRAINT accounts_failed_logins_max CHECK (failed_logins <= 10)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sessions (
    token binary(32) NOT NULL,
    account_id int unsigned NOT NULL,
    user_agent varchar(512) DEFAULT NULL,
    client_ip inet6 DEFAULT NULL,
    created_at timestamp NOT NULL DEFAULT current_timestamp(),
    expires_at timestamp NOT NULL DEFAULT (current_timestamp() + INTERVAL 30 DAY),
    PRIMARY KEY (token),
    KEY sessions_account_idx (account_id),
    KEY sessions_expires_idx (expires_at),
    CONSTRAINT sessions_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE api_tokens (
    id int unsigned NOT NULL AUTO_INCREMENT,
    account_id int unsigned NOT NULL,
    label varchar(100) NOT NULL,
    token_hash binary(32) NOT NULL,
    scopes set('read','write','admin') NOT NULL DEFAULT 'read',
    created_at timestamp NOT NULL DEFAULT current_timestamp(),
    revoked_at timestamp NULL DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY api_tokens_hash_key (token_hash),
    CONSTRAINT api_tokens_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE audit_log (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    account_id int unsigned DEFAULT NULL,
    action varchar(64) NOT NULL,
    detail json DEFAULT NULL,
    at datetime(6) NOT NULL DEFAULT current_timestamp(6),
    PRIMARY KEY (id),
    KEY audit_log_account_idx (account_id, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Append-only; the API may insert but never update';

CREATE FUNCTION is_locked(p_account int unsigned) RETURNS tinyint(1)
    READS SQL DATA
RETURN EXISTS (SELECT 1 FROM accounts WHERE id = p_account AND locked_until > now());

CREATE PROCEDURE purge_expired_sessions()
    MODIFIES SQL DATA
    SQL SECURITY DEFINER
    COMMENT 'Run by the scheduler account every hour'
DELETE FROM sessions WHERE expires_at < now();

CREATE TRIGGER accounts_audit_lock AFTER UPDATE ON accounts
FOR EACH ROW INSERT INTO audit_log (account_id, action, detail)
SELECT NEW.id, 'locked', json_object('until', NEW.locked_until)
WHERE NEW.locked_until IS NOT NULL AND OLD.locked_until IS NULL;

CREATE SQL SECURITY INVOKER VIEW active_sessions AS
SELECT s.account_id, a.email, s.client_ip, s.created_at, s.expires_at
FROM sessions s
JOIN accounts a ON a.id = s.account_id
WHERE s.expires_at > now();

CREATE ROLE IF NOT EXISTS cairn_corpus_auth_reader;
CREATE ROLE IF NOT EXISTS cairn_corpus_auth_writer;
CREATE USER IF NOT EXISTS 'cairn_corpus_auth_api'@'%' WITH MAX_USER_CONNECTIONS 50;
CREATE USER IF NOT EXISTS 'cairn_corpus_auth_scheduler'@'localhost';
CREATE USER IF NOT EXISTS 'cairn_corpus_auth_analyst'@'%';

GRANT SELECT ON * TO cairn_corpus_auth_reader;
GRANT cairn_corpus_auth_reader TO cairn_corpus_auth_writer;
GRANT INSERT, UPDATE, DELETE ON accounts TO cairn_corpus_auth_writer;
GRANT INSERT, DELETE ON sessions TO cairn_corpus_auth_writer;
GRANT INSERT, UPDATE ON api_tokens TO cairn_corpus_auth_writer;
GRANT INSERT ON audit_log TO cairn_corpus_auth_writer;
GRANT EXECUTE ON FUNCTION is_locked TO cairn_corpus_auth_writer;
GRANT cairn_corpus_auth_writer TO 'cairn_corpus_auth_api'@'%';
SET DEFAULT ROLE cairn_corpus_auth_writer FOR 'cairn_corpus_auth_api'@'%';
GRANT EXECUTE ON PROCEDURE purge_expired_sessions TO 'cairn_corpus_auth_scheduler'@'localhost';
GRANT SELECT (id, email, is_admin, created_at) ON accounts TO 'cairn_corpus_auth_analyst'@'%';
GRANT SELECT ON audit_log TO 'cairn_corpus_auth_analyst'@'%' WITH GRANT OPTION;
