-- A multi-tenant SaaS issue tracker: tenants, users, their memberships, and projects and issues
-- whose business keys are unique per tenant rather than globally. Composite foreign keys carry
-- the tenant id so a row can never point into another tenant. Billing lives in its own schema.

CREATE EXTENSION IF NOT EXISTS citext;

CREATE SCHEMA corpus_saas_app;
COMMENT ON SCHEMA corpus_saas_app IS 'Tenant-scoped application data.';
CREATE SCHEMA corpus_saas_billing;
COMMENT ON SCHEMA corpus_saas_billing IS 'Plans, subscriptions and invoices, written by the billing worker.';

CREATE TYPE corpus_saas_app.member_role AS ENUM ('owner', 'admin', 'member', 'guest');

CREATE TABLE corpus_saas_app.tenants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug varchar(63) COLLATE "C" NOT NULL,
    name text NOT NULL,
    plan text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'team', 'enterprise')),
    settings jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    deleted_at timestamptz(3),
    CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9][a-z0-9-]*$')
);
-- A slug is free again once its tenant is deleted.
CREATE UNIQUE INDEX tenants_live_slug_key ON corpus_saas_app.tenants (slug) WHERE deleted_at IS NULL;

CREATE TABLE corpus_saas_app.users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email citext NOT NULL UNIQUE,
    display_name varchar(120) NOT NULL,
    password_hash bytea,
    last_login_at timestamptz,
    last_login_ip inet,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE corpus_saas_app.memberships (
    tenant_id uuid NOT NULL REFERENCES corpus_saas_app.tenants (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES corpus_saas_app.users (id) ON DELETE CASCADE,
    role corpus_saas_app.member_role NOT NULL DEFAULT 'member',
    invited_by uuid,
    joined_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT memberships_pkey PRIMARY KEY (tenant_id, user_id),
    CONSTRAINT memberships_invited_by_fkey FOREIGN KEY (tenant_id, invited_by)
        REFERENCES corpus_saas_app.memberships (tenant_id, user_id) ON DELETE NO ACTION
);
CREATE INDEX memberships_user_idx ON corpus_saas_app.memberships (user_id);
-- Every tenant has at most one owner.
CREATE UNIQUE INDEX memberships_one_owner ON corpus_saas_app.memberships (tenant_id) WHERE role = 'owner';

CREATE TABLE corpus_saas_app.projects (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES corpus_saas_app.tenants (id) ON DELETE CASCADE,
    key varchar(10) NOT NULL,
    name text NOT NULL,
    archived boolean NOT NULL DEFAULT false,
    PRIMARY KEY (id),
    CONSTRAINT projects_tenant_key_key UNIQUE (tenant_id, key),
    CONSTRAINT projects_tenant_id_id_key UNIQUE (tenant_id, id),
    CHECK (key ~ '^[A-Z][A-Z0-9]{1,9}$')
);

CREATE TABLE corpus_saas_app.issues (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    project_id uuid NOT NULL,
    number integer NOT NULL,
    title text NOT NULL,
    assignee_id uuid,
    external_ref text,
    labels text[] NOT NULL DEFAULT ARRAY[]::text[],
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, project_id) REFERENCES corpus_saas_app.projects (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES corpus_saas_app.memberships (tenant_id, user_id) ON UPDATE CASCADE,
    CONSTRAINT issues_project_number_key UNIQUE (project_id, number),
    -- Imported issues keep their source id; two imports with no source id still clash.
    CONSTRAINT issues_external_ref_key UNIQUE NULLS NOT DISTINCT (tenant_id, external_ref)
);
CREATE INDEX issues_assignee_idx ON corpus_saas_app.issues (tenant_id, assignee_id) WHERE assignee_id IS NOT NULL;

CREATE TABLE corpus_saas_billing.subscriptions (
    tenant_id uuid PRIMARY KEY REFERENCES corpus_saas_app.tenants (id) ON DELETE CASCADE,
    plan text NOT NULL,
    seats integer NOT NULL CHECK (seats > 0),
    price_per_seat numeric(10,2) NOT NULL,
    current_period daterange NOT NULL,
    provider_customer_id varchar(64),
    cancel_at timestamptz
);
CREATE UNIQUE INDEX subscriptions_provider_customer_idx
    ON corpus_saas_billing.subscriptions (provider_customer_id) NULLS NOT DISTINCT;

CREATE TABLE corpus_saas_billing.invoices (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES corpus_saas_billing.subscriptions (tenant_id),
    number varchar(20) NOT NULL UNIQUE,
    amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
    currency char(3) NOT NULL DEFAULT 'EUR',
    issued_on date NOT NULL DEFAULT CURRENT_DATE,
    paid_at timestamptz
);
CREATE INDEX invoices_unpaid_idx ON corpus_saas_billing.invoices (tenant_id, issued_on) WHERE paid_at IS NULL;

CREATE FUNCTION corpus_saas_app.current_tenant_id() RETURNS uuid
LANGUAGE sql STABLE
AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
COMMENT ON FUNCTION corpus_saas_app.current_tenant_id() IS 'The tenant of the current request, set by the API per transaction.';

CREATE VIEW corpus_saas_billing.seat_usage AS
SELECT s.tenant_id,
       s.seats,
       count(m.user_id) AS used_seats,
       s.seats - count(m.user_id) AS free_seats
FROM corpus_saas_billing.subscriptions s
LEFT JOIN corpus_saas_app.memberships m ON m.tenant_id = s.tenant_id AND m.role <> 'guest'
GROUP BY s.tenant_id, s.seats;
