-- Authentication and authorisation for a document-sharing service: accounts and sessions, the
-- database roles the API, analysts and support staff connect as, grants on tables, columns,
-- schemas, sequences, functions and procedures, default privileges for objects created later,
-- and row-level security so an account only ever sees the documents shared with it.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE ROLE cairn_corpus_auth_rls_owner NOLOGIN;
COMMENT ON ROLE cairn_corpus_auth_rls_owner IS 'Owns the schema; migrations run as this role.';
CREATE ROLE cairn_corpus_auth_rls_app NOLOGIN;
CREATE ROLE cairn_corpus_auth_rls_api LOGIN CONNECTION LIMIT 50 IN ROLE cairn_corpus_auth_rls_app;
CREATE ROLE cairn_corpus_auth_rls_analyst LOGIN NOINHERIT CONNECTION LIMIT 5;
CREATE ROLE cairn_corpus_auth_rls_support NOLOGIN BYPASSRLS;
GRANT cairn_corpus_auth_rls_analyst TO cairn_corpus_auth_rls_support;

CREATE SCHEMA corpus_auth_rls_app AUTHORIZATION cairn_corpus_auth_rls_owner;
COMMENT ON SCHEMA corpus_auth_rls_app IS 'Accounts, sessions and shared documents.';

CREATE TABLE corpus_auth_rls_app.accounts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email text NOT NULL UNIQUE,
    display_name varchar(100) NOT NULL,
    password_hash text NOT NULL DEFAULT crypt(gen_random_uuid()::text, gen_salt('bf')),
    is_admin boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON COLUMN corpus_auth_rls_app.accounts.password_hash IS 'bcrypt; new accounts get an unusable random hash until a password is set.';

CREATE TABLE corpus_auth_rls_app.sessions (
    token bytea PRIMARY KEY CHECK (octet_length(token) = 32),
    account_id uuid NOT NULL REFERENCES corpus_auth_rls_app.accounts (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL DEFAULT now() + interval '30 days',
    client_ip inet,
    user_agent text
);
CREATE INDEX sessions_expiry_idx ON corpus_auth_rls_app.sessions USING brin (expires_at);

CREATE TABLE corpus_auth_rls_app.documents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES corpus_auth_rls_app.accounts (id) ON DELETE CASCADE,
    title text NOT NULL,
    body text NOT NULL DEFAULT '',
    visibility text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'shared', 'public')),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE corpus_auth_rls_app.document_shares (
    document_id bigint NOT NULL REFERENCES corpus_auth_rls_app.documents (id) ON DELETE CASCADE,
    account_id uuid NOT NULL REFERENCES corpus_auth_rls_app.accounts (id) ON DELETE CASCADE,
    can_edit boolean NOT NULL DEFAULT false,
    PRIMARY KEY (document_id, account_id)
);

CREATE SEQUENCE corpus_auth_rls_app.ticket_number_seq START WITH 1 INCREMENT BY 1 CACHE 1;

CREATE TABLE corpus_auth_rls_app.support_tickets (
    number bigint PRIMARY KEY DEFAULT nextval('corpus_auth_rls_app.ticket_number_seq'),
    account_id uuid NOT NULL REFERENCES corpus_auth_rls_app.accounts (id),
    subject text NOT NULL,
    opened_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION corpus_auth_rls_app.current_account_id() RETURNS uuid
LANGUAGE sql STABLE
AS $$ SELECT nullif(current_setting('app.account_id', true), '')::uuid $$;

-- Runs as its owner so the policies can consult shares without recursing through their own RLS.
CREATE FUNCTION corpus_auth_rls_app.is_shared_with(doc bigint, account uuid, for_edit boolean DEFAULT false)
RETURNS boolean
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = corpus_auth_rls_app, pg_temp
AS $$
    SELECT EXISTS (
        SELECT 1 FROM document_shares s
        WHERE s.document_id = doc AND s.account_id = account AND (s.can_edit OR NOT for_edit)
    )
$$;
REVOKE ALL ON FUNCTION corpus_auth_rls_app.is_shared_with(bigint, uuid, boolean) FROM PUBLIC;

-- Hashes with bcrypt (pgcrypto); the hash never leaves the database.
CREATE FUNCTION corpus_auth_rls_app.verify_password(p_email text, p_password text)
RETURNS uuid
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = corpus_auth_rls_app, public, pg_temp
AS $$
    SELECT id FROM accounts
    WHERE email = lower(p_email) AND password_hash = crypt(p_password, password_hash)
$$;
REVOKE ALL ON FUNCTION corpus_auth_rls_app.verify_password(text, text) FROM PUBLIC;
COMMENT ON FUNCTION corpus_auth_rls_app.verify_password(text, text) IS 'The account id when the password matches, else null.';

CREATE PROCEDURE corpus_auth_rls_app.purge_expired_sessions()
LANGUAGE sql
AS $$ DELETE FROM corpus_auth_rls_app.sessions WHERE expires_at < now() $$;
REVOKE ALL ON PROCEDURE corpus_auth_rls_app.purge_expired_sessions() FROM PUBLIC;

ALTER TABLE corpus_auth_rls_app.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE corpus_auth_rls_app.documents FORCE ROW LEVEL SECURITY;
ALTER TABLE corpus_auth_rls_app.document_shares ENABLE ROW LEVEL SECURITY;

CREATE POLICY documents_read ON corpus_auth_rls_app.documents
    FOR SELECT TO cairn_corpus_auth_rls_app
    USING (visibility = 'public'
           OR owner_id = corpus_auth_rls_app.current_account_id()
           OR corpus_auth_rls_app.is_shared_with(id, corpus_auth_rls_app.current_account_id()));
CREATE POLICY documents_create ON corpus_auth_rls_app.documents
    FOR INSERT TO cairn_corpus_auth_rls_app
    WITH CHECK (owner_id = corpus_auth_rls_app.current_account_id());
CREATE POLICY documents_edit ON corpus_auth_rls_app.documents
    FOR UPDATE TO cairn_corpus_auth_rls_app
    USING (owner_id = corpus_auth_rls_app.current_account_id()
           OR corpus_auth_rls_app.is_shared_with(id, corpus_auth_rls_app.current_account_id(), true))
    WITH CHECK (owner_id = corpus_auth_rls_app.current_account_id()
                OR visibility <> 'public');
CREATE POLICY documents_delete ON corpus_auth_rls_app.documents
    FOR DELETE TO cairn_corpus_auth_rls_app
    USING (owner_id = corpus_auth_rls_app.current_account_id());
-- Analysts see aggregate-friendly data only: never private documents, whatever else applies.
CREATE POLICY documents_analyst_read ON corpus_auth_rls_app.documents
    FOR SELECT TO cairn_corpus_auth_rls_analyst
    USING (true);
CREATE POLICY documents_analyst_no_private ON corpus_auth_rls_app.documents
    AS RESTRICTIVE FOR SELECT TO cairn_corpus_auth_rls_analyst
    USING (visibility <> 'private');
CREATE POLICY shares_owner ON corpus_auth_rls_app.document_shares
    FOR ALL TO cairn_corpus_auth_rls_app
    USING (account_id = corpus_auth_rls_app.current_account_id());

CREATE VIEW corpus_auth_rls_app.my_documents WITH (security_invoker = true) AS
SELECT id, title, visibility, created_at
FROM corpus_auth_rls_app.documents
WHERE owner_id = corpus_auth_rls_app.current_account_id();

GRANT USAGE ON SCHEMA corpus_auth_rls_app TO cairn_corpus_auth_rls_app, cairn_corpus_auth_rls_analyst;
GRANT SELECT, INSERT, UPDATE, DELETE ON corpus_auth_rls_app.documents, corpus_auth_rls_app.document_shares TO cairn_corpus_auth_rls_app;
GRANT SELECT ON corpus_auth_rls_app.my_documents TO cairn_corpus_auth_rls_app;
GRANT SELECT (id, email, display_name, created_at), UPDATE (display_name) ON corpus_auth_rls_app.accounts TO cairn_corpus_auth_rls_app;
GRANT SELECT, INSERT, DELETE ON corpus_auth_rls_app.sessions TO cairn_corpus_auth_rls_app;
GRANT SELECT, INSERT ON corpus_auth_rls_app.support_tickets TO cairn_corpus_auth_rls_app;
GRANT USAGE ON SEQUENCE corpus_auth_rls_app.ticket_number_seq TO cairn_corpus_auth_rls_app;
GRANT EXECUTE ON FUNCTION corpus_auth_rls_app.is_shared_with(bigint, uuid, boolean) TO cairn_corpus_auth_rls_app;
GRANT EXECUTE ON FUNCTION corpus_auth_rls_app.verify_password(text, text) TO cairn_corpus_auth_rls_api;
GRANT EXECUTE ON PROCEDURE corpus_auth_rls_app.purge_expired_sessions() TO cairn_corpus_auth_rls_api;
GRANT SELECT ON corpus_auth_rls_app.documents TO cairn_corpus_auth_rls_analyst WITH GRANT OPTION;
GRANT SELECT (id, created_at) ON corpus_auth_rls_app.accounts TO cairn_corpus_auth_rls_analyst;

ALTER DEFAULT PRIVILEGES FOR ROLE cairn_corpus_auth_rls_owner IN SCHEMA corpus_auth_rls_app
    GRANT SELECT ON TABLES TO cairn_corpus_auth_rls_analyst;
ALTER DEFAULT PRIVILEGES FOR ROLE cairn_corpus_auth_rls_owner IN SCHEMA corpus_auth_rls_app
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO cairn_corpus_auth_rls_app;
ALTER DEFAULT PRIVILEGES FOR ROLE cairn_corpus_auth_rls_owner IN SCHEMA corpus_auth_rls_app
    GRANT USAGE, SELECT ON SEQUENCES TO cairn_corpus_auth_rls_app;
ALTER DEFAULT PRIVILEGES FOR ROLE cairn_corpus_auth_rls_owner
    GRANT EXECUTE ON FUNCTIONS TO cairn_corpus_auth_rls_app;
