-- A multi-tenant SaaS issue tracker on MariaDB: tenants, users and memberships, and projects and
-- issues whose keys are unique per tenant. Ids are native UUID columns, login addresses INET6,
-- and soft-deleted rows keep an INVISIBLE column so `SELECT *` in old reports does not change.

CREATE TABLE tenants (
    id uuid NOT NULL DEFAULT uuid(),
    slug varchar(63) CHARACTER SET ascii COLLATE ascii_general_ci NOT NULL,
    name varchar(200) NOT NULL,
    plan enum('free','team','enterprise') NOT NULL DEFAULT 'free',
    settings json NOT NULL DEFAULT '{}',
    created_at datetime(3) NOT NULL DEFAULT current_timestamp(3),
    deleted_at datetime(3) INVISIBLE DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY tenants_slug_key (slug),
    CONSTRAINT tenants_slug_format CHECK (slug REGEXP '^[a-z0-9][a-z0-9-]*$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Customer organisations';

CREATE TABLE users (
    id uuid NOT NULL DEFAULT uuid(),
    email varchar(254) NOT NULL,
    display_name varchar(120) NOT NULL,
    password_hash binary(60) DEFAULT NULL COMMENT 'bcrypt output, fixed length',
    last_login_at datetime DEFAULT NULL,
    last_login_ip inet6 DEFAULT NULL,
    created_at timestamp NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (id),
    UNIQUE KEY users_email_key (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE memberships (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role enum('owner','admin','member','guest') NOT NULL DEFAULT 'member',
    invited_by uuid DEFAULT NULL,
    joined_at timestamp NOT NULL DEFAULT current_timestamp(),
    PRIMARY KEY (tenant_id, user_id),
    KEY memberships_user_idx (user_id),
    KEY memberships_invited_by_idx (tenant_id, invited_by),
    CONSTRAINT memberships_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT memberships_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT memberships_invited_by_fk FOREIGN KEY (tenant_id, invited_by) REFERENCES memberships (tenant_id, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE projects (
    id int unsigned NOT NULL AUTO_INCREMENT,
    tenant_id uuid NOT NULL,
    project_key varchar(10) NOT NULL,
    name varchar(200) NOT NULL,
    archived tinyint(1) NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY projects_tenant_key_key (tenant_id, project_key),
    UNIQUE KEY projects_tenant_id_key (tenant_id, id),
    CONSTRAINT projects_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
    CONSTRAINT projects_key_format CHECK (project_key REGEXP '^[A-Z][A-Z0-9]{1,9}$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE issues (
    id bigint unsigned NOT NULL AUTO_INCREMENT,
    tenant_id uuid NOT NULL,
    project_id int unsigned NOT NULL,
    number int unsigned NOT NULL,
    title varchar(300) NOT NULL,
    body mediumtext,
    assignee_id uuid DEFAULT NULL,
    external_ref varchar(64) DEFAULT NULL,
    created_at datetime NOT NULL DEFAULT current_timestamp(),
    updated_at datetime NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
    PRIMARY KEY (id),
    UNIQUE KEY issues_project_number_key (project_id, number),
    UNIQUE KEY issues_external_ref_key (tenant_id, external_ref),
    KEY issues_assignee_idx (tenant_id, assignee_id),
    KEY issues_tenant_project_idx (tenant_id, project_id),
    CONSTRAINT issues_project_fk FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT issues_assignee_fk FOREIGN KEY (tenant_id, assignee_id) REFERENCES memberships (tenant_id, user_id) ON DELETE NO ACTION ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE api_keys (
    id int unsigned NOT NULL AUTO_INCREMENT,
    tenant_id uuid NOT NULL,
    name varchar(100) NOT NULL,
    key_prefix char(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    key_hash binary(32) NOT NULL,
    scopes set('read','write','admin','billing') NOT NULL DEFAULT 'read',
    last_used_at datetime DEFAULT NULL,
    last_used_ip inet4 DEFAULT NULL,
    expires_at datetime DEFAULT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY api_keys_prefix_key (key_prefix),
    UNIQUE KEY api_keys_tenant_name_key (tenant_id, name),
    CONSTRAINT api_keys_tenant_fk FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE FUNCTION next_issue_number(p_project int unsigned) RETURNS int unsigned
    READS SQL DATA
    COMMENT 'The number the next issue of a project gets'
RETURN (SELECT coalesce(max(number), 0) + 1 FROM issues WHERE project_id = p_project);

CREATE TRIGGER issues_number BEFORE INSERT ON issues
FOR EACH ROW SET NEW.number = coalesce(nullif(NEW.number, 0), next_issue_number(NEW.project_id));

CREATE VIEW active_tenants AS
SELECT t.id, t.slug, t.name, t.plan, count(m.user_id) AS members
FROM tenants t
LEFT JOIN memberships m ON m.tenant_id = t.id
WHERE t.deleted_at IS NULL
GROUP BY t.id, t.slug, t.name, t.plan;
