-- An auth schema with roles, grants, default privileges and row-level security, across two
-- schemas of one database. `__R__` is replaced by a per-test role prefix.
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

CREATE ROLE __R__app_user LOGIN CONNECTION LIMIT 20;
CREATE ROLE __R__readonly NOLOGIN;
CREATE ROLE __R__admin NOLOGIN CREATEROLE BYPASSRLS;
GRANT __R__readonly TO __R__app_user;
COMMENT ON ROLE __R__admin IS 'Administrators';

CREATE SCHEMA auth;
CREATE SCHEMA app;
COMMENT ON SCHEMA auth IS 'Identities and sessions';

CREATE TYPE auth.user_state AS ENUM ('invited', 'active', 'locked');

CREATE TABLE auth.users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email citext NOT NULL UNIQUE,
  password_hash text NOT NULL,
  state auth.user_state NOT NULL DEFAULT 'invited',
  tenant_id integer NOT NULL
);

CREATE TABLE auth.sessions (
  id bigserial PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);

CREATE TABLE app.documents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id uuid NOT NULL REFERENCES auth.users (id),
  tenant_id integer NOT NULL,
  title text NOT NULL,
  state auth.user_state
);
ALTER TABLE app.documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE app.documents FORCE ROW LEVEL SECURITY;

CREATE FUNCTION app.current_tenant() RETURNS integer LANGUAGE sql STABLE
  AS $$ SELECT current_setting('app.tenant', true)::integer $$;

CREATE POLICY documents_tenant ON app.documents FOR ALL TO __R__app_user
  USING (tenant_id = app.current_tenant()) WITH CHECK (tenant_id = app.current_tenant());
CREATE POLICY documents_read ON app.documents AS RESTRICTIVE FOR SELECT TO __R__readonly, PUBLIC
  USING (state IS DISTINCT FROM 'locked');

GRANT USAGE ON SCHEMA auth, app TO __R__app_user;
GRANT SELECT, INSERT, UPDATE ON app.documents TO __R__app_user;
GRANT SELECT ON app.documents TO __R__readonly WITH GRANT OPTION;
GRANT SELECT (id, email), UPDATE (email) ON auth.users TO __R__app_user;
GRANT USAGE, SELECT ON SEQUENCE auth.sessions_id_seq TO __R__app_user;
GRANT EXECUTE ON FUNCTION app.current_tenant() TO __R__app_user;
ALTER DEFAULT PRIVILEGES IN SCHEMA app GRANT SELECT ON TABLES TO __R__readonly;
ALTER DEFAULT PRIVILEGES GRANT USAGE ON TYPES TO __R__app_user;
