-- Authentication for a desktop app's local account store in SQLite: accounts, roles and
-- permissions (role-based access control with a many-to-many grant table), sessions and a
-- login audit trail that triggers keep append-only.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username varchar(64) NOT NULL COLLATE NOCASE,
    email varchar(254) COLLATE NOCASE,
    password_hash blob NOT NULL,
    password_salt blob NOT NULL CHECK (length(password_salt) >= 16),
    is_active boolean NOT NULL DEFAULT TRUE,
    failed_logins tinyint NOT NULL DEFAULT 0 CHECK (failed_logins BETWEEN 0 AND 10),
    locked_until datetime,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (username)
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email) WHERE email IS NOT NULL;

CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    name varchar(50) NOT NULL UNIQUE COLLATE NOCASE,
    description text,
    is_builtin boolean NOT NULL DEFAULT 0
);

CREATE TABLE permissions (
    code varchar(100) PRIMARY KEY,
    description text NOT NULL
) WITHOUT ROWID;

CREATE TABLE role_permissions (
    role_id integer NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission_code varchar(100) NOT NULL REFERENCES permissions (code) ON DELETE CASCADE ON UPDATE CASCADE,
    PRIMARY KEY (role_id, permission_code)
) WITHOUT ROWID;

CREATE TABLE account_roles (
    account_id integer NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role_id integer NOT NULL REFERENCES roles (id) ON DELETE RESTRICT,
    granted_by integer REFERENCES accounts (id) ON DELETE SET NULL,
    granted_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (account_id, role_id)
);
CREATE INDEX account_roles_role_idx ON account_roles (role_id);

CREATE TABLE sessions (
    token blob PRIMARY KEY CHECK (length(token) = 32),
    account_id integer NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires_at datetime NOT NULL DEFAULT (datetime('now', '+30 days')),
    client_info json
) WITHOUT ROWID;
CREATE INDEX sessions_account_idx ON sessions (account_id);
CREATE INDEX sessions_expiry_idx ON sessions (expires_at DESC);

CREATE TABLE login_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id integer REFERENCES accounts (id) ON DELETE SET NULL,
    username_tried varchar(64) NOT NULL,
    succeeded boolean NOT NULL,
    at datetime NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

CREATE TRIGGER login_events_no_update
BEFORE UPDATE ON login_events
BEGIN
    SELECT RAISE(ABORT, 'login_events is append-only');
END;

CREATE TRIGGER login_events_count_failures
AFTER INSERT ON login_events
FOR EACH ROW WHEN NOT NEW.succeeded AND NEW.account_id IS NOT NULL
BEGIN
    UPDATE accounts
       SET failed_logins = min(failed_logins + 1, 10),
           locked_until = CASE WHEN failed_logins + 1 >= 5 THEN datetime('now', '+15 minutes') ELSE locked_until END
     WHERE id = NEW.account_id;
END;

CREATE TRIGGER login_events_reset_failures
AFTER INSERT ON login_events
FOR EACH ROW WHEN NEW.succeeded
BEGIN
    UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = NEW.account_id;
END;

CREATE VIEW account_permissions AS
SELECT DISTINCT a.id AS account_id, a.username, rp.permission_code
FROM accounts a
JOIN account_roles ar ON ar.account_id = a.id
JOIN role_permissions rp ON rp.role_id = ar.role_id
WHERE a.is_active;
