-- Accounts, sessions and API keys, with database grants to an application user and a
-- read-only role. `{{id}}` is replaced by a suffix unique to the test run (accounts are
-- server-wide).
CREATE TABLE accounts (
  id binary(16) NOT NULL PRIMARY KEY,
  email varchar(255) NOT NULL,
  password_hash varbinary(255) NOT NULL,
  is_admin bool NOT NULL DEFAULT false,
  failed_logins tinyint unsigned NOT NULL DEFAULT 0,
  locked_until datetime NULL,
  UNIQUE KEY uq_accounts_email (email)
);

CREATE TABLE sessions (
  token char(64) NOT NULL PRIMARY KEY,
  account_id binary(16) NOT NULL,
  ip inet6,
  expires_at datetime NOT NULL,
  KEY idx_sessions_expiry (expires_at),
  CONSTRAINT fk_sessions_account FOREIGN KEY (account_id) REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE api_keys (
  id int NOT NULL AUTO_INCREMENT PRIMARY KEY,
  account_id binary(16) NOT NULL,
  prefix char(8) NOT NULL,
  scopes set('read','write','admin') NOT NULL DEFAULT 'read',
  CONSTRAINT fk_api_keys_account FOREIGN KEY (account_id) REFERENCES accounts (id),
  CONSTRAINT chk_prefix CHECK (char_length(prefix) = 8)
);

CREATE USER 'cairn_app_{{id}}'@'%';
CREATE ROLE cairn_reader_{{id}};
GRANT SELECT, INSERT, UPDATE, DELETE ON * TO 'cairn_app_{{id}}'@'%';
GRANT SELECT ON accounts TO cairn_reader_{{id}};
GRANT SELECT ON sessions TO cairn_reader_{{id}} WITH GRANT OPTION;
GRANT SELECT (id, email), UPDATE (failed_logins) ON accounts TO 'cairn_app_{{id}}'@'%';
