//! Lowering PostgreSQL DDL: a shop, a blog, an auth schema with roles and row-level security,
//! and the pg_dump spellings (serial sequences, identity, ALTER TABLE constraints).

use cairn_ir::*;
use cairn_sema::{Compiled, compile};

fn pg(sql: &str) -> Compiled {
    compile(
        &[("schema.sql".to_string(), sql.to_string())],
        Dialect::Postgres,
    )
}

fn no_errors(c: &Compiled) {
    let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn table<'a>(c: &'a Compiled, schema: &str, name: &str) -> &'a Table {
    c.realm
        .schema(schema)
        .and_then(|s| s.table(name, Dialect::Postgres))
        .unwrap_or_else(|| panic!("no table {schema}.{name}: {:#?}", c.realm))
}

fn pgt(t: PgType) -> ColumnType {
    ColumnType::Postgres(t)
}

const SHOP: &str = r#"
CREATE TYPE order_status AS ENUM ('pending', 'paid');
ALTER TYPE order_status ADD VALUE 'shipped' AFTER 'paid';
CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    credit numeric(10,2) DEFAULT 0.50 CHECK (credit >= 0)
);
CREATE TABLE orders (
    id serial,
    customer_id bigint NOT NULL,
    status order_status NOT NULL DEFAULT 'pending',
    note text COLLATE "C",
    CONSTRAINT orders_pk PRIMARY KEY (id),
    CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id)
        REFERENCES customers (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE UNIQUE INDEX orders_note_idx ON orders USING btree (lower(note) DESC NULLS LAST) INCLUDE (status) WHERE note IS NOT NULL;
CREATE INDEX ON orders (customer_id);
COMMENT ON TABLE orders IS 'customer orders';
COMMENT ON COLUMN orders.note IS 'free text';
CREATE VIEW paid_orders AS SELECT id, customer_id FROM orders WHERE status = 'paid';
"#;

#[test]
fn shop_tables_columns_and_constraints() {
    let c = pg(SHOP);
    no_errors(&c);
    let public = c.realm.schema("public").unwrap();
    assert_eq!(
        public.enums,
        vec![Enum {
            name: "order_status".into(),
            values: vec!["pending".into(), "paid".into(), "shipped".into()],
            comment: None
        }]
    );
    let customers = table(&c, "public", "customers");
    let id = customers.column("id").unwrap();
    assert_eq!(id.ty, pgt(PgType::BigSerial));
    assert!(!id.nullable);
    assert_eq!(id.default, None);
    assert_eq!(
        customers.primary_key,
        Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
            include: vec![],
            deferrable: Deferrable::No
        })
    );
    let email = customers.column("email").unwrap();
    assert_eq!(email.ty, pgt(PgType::Varchar(Some(255))));
    assert!(!email.nullable);
    let unique = customers
        .index("customers_email_key")
        .expect("implicit unique name");
    assert!(unique.unique && unique.constraint);
    assert_eq!(
        customers.column("created_at").unwrap().default,
        Some(Default::Expr(Expr::new("now()")))
    );
    let credit = customers.column("credit").unwrap();
    assert_eq!(
        credit.default,
        Some(Default::Literal(Literal::Number("0.5".into())))
    );
    assert_eq!(
        credit.ty,
        pgt(PgType::Numeric {
            precision: Some(10),
            scale: Some(2)
        })
    );
    assert_eq!(customers.checks.len(), 1);
    assert_eq!(customers.checks[0].name, None);
    assert_eq!(customers.checks[0].expr.as_str(), "credit >= 0");

    let orders = table(&c, "public", "orders");
    assert_eq!(orders.comment.as_deref(), Some("customer orders"));
    assert_eq!(orders.column("id").unwrap().ty, pgt(PgType::Serial));
    assert_eq!(
        orders.primary_key.as_ref().unwrap().name.as_deref(),
        Some("orders_pk")
    );
    let status = orders.column("status").unwrap();
    assert_eq!(
        status.ty,
        pgt(PgType::Named(QualifiedName::unqualified("order_status")))
    );
    assert_eq!(
        status.default,
        Some(Default::Literal(Literal::String("pending".into())))
    );
    let note = orders.column("note").unwrap();
    assert_eq!(note.collation.as_deref(), Some("C"));
    assert_eq!(note.comment.as_deref(), Some("free text"));
    assert_eq!(
        orders.foreign_keys,
        vec![ForeignKey {
            name: Some("orders_customer_fk".into()),
            columns: vec!["customer_id".into()],
            ref_table: QualifiedName::unqualified("customers"),
            ref_columns: vec!["id".into()],
            on_update: FkAction::NoAction,
            on_delete: FkAction::Cascade,
            deferrable: Deferrable::InitiallyDeferred,
            not_valid: false,
        }]
    );
    let ix = orders.index("orders_note_idx").unwrap();
    assert!(ix.unique && !ix.constraint);
    assert_eq!(ix.parts.len(), 1);
    assert_eq!(ix.parts[0].key, IndexKey::Expr(Expr::new("lower(note)")));
    assert!(ix.parts[0].desc);
    assert_eq!(ix.parts[0].nulls_first, Some(false));
    assert_eq!(ix.include, vec!["status".to_string()]);
    assert_eq!(ix.predicate, Some(Expr::new("note IS NOT NULL")));
    let implicit = orders
        .index("orders_customer_id_idx")
        .expect("implicit index name");
    assert_eq!(implicit.parts, vec![IndexPart::column("customer_id")]);

    assert_eq!(public.views.len(), 1);
    assert_eq!(public.views[0].name, "paid_orders");
    assert!(
        public.views[0]
            .definition
            .starts_with("SELECT id, customer_id FROM orders")
    );
}

#[test]
fn shop_source_map_points_at_declarations() {
    let c = pg(SHOP);
    let loc = c
        .source_map
        .get(&ObjectPath::Column(
            "public".into(),
            "customers".into(),
            "email".into(),
        ))
        .unwrap();
    assert_eq!(
        &SHOP[loc.span.range()],
        "email varchar(255) NOT NULL UNIQUE"
    );
    let t = c
        .source_map
        .get(&ObjectPath::Table("public".into(), "orders".into()))
        .unwrap();
    assert!(SHOP[t.span.range()].starts_with("CREATE TABLE orders ("));
    let ix = c
        .source_map
        .get(&ObjectPath::Index(
            "public".into(),
            "orders".into(),
            "orders_note_idx".into(),
        ))
        .unwrap();
    assert_eq!(&SHOP[ix.span.range()], "orders_note_idx");
    assert!(
        c.source_map
            .get(&ObjectPath::Enum("public".into(), "order_status".into()))
            .is_some()
    );
    assert!(
        c.source_map
            .get(&ObjectPath::View("public".into(), "paid_orders".into()))
            .is_some()
    );
}

/// What `pg_dump --schema-only` writes for a serial and an identity column.
const DUMP: &str = r#"
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE SCHEMA blog;
CREATE TABLE blog.posts (
    id integer NOT NULL,
    title text NOT NULL,
    views bigint NOT NULL
);
CREATE SEQUENCE blog.posts_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;
ALTER SEQUENCE blog.posts_id_seq OWNED BY blog.posts.id;
ALTER TABLE ONLY blog.posts ALTER COLUMN id SET DEFAULT nextval('blog.posts_id_seq'::regclass);
CREATE TABLE blog.comments (
    id bigint NOT NULL,
    post_id integer NOT NULL,
    body text
);
ALTER TABLE blog.comments ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME blog.comments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);
CREATE SEQUENCE blog.counter START WITH 100;
ALTER TABLE ONLY blog.posts ADD CONSTRAINT posts_pkey PRIMARY KEY (id);
ALTER TABLE ONLY blog.comments ADD CONSTRAINT comments_pkey PRIMARY KEY (id);
ALTER TABLE ONLY blog.comments
    ADD CONSTRAINT comments_post_id_fkey FOREIGN KEY (post_id) REFERENCES blog.posts(id) ON DELETE CASCADE;
ALTER TABLE blog.posts OWNER TO blog_owner;
"#;

#[test]
fn pg_dump_serials_fold_back_and_identity_is_kept() {
    let c = pg(DUMP);
    no_errors(&c);
    let blog = c.realm.schema("blog").unwrap();
    let posts = table(&c, "blog", "posts");
    let id = posts.column("id").unwrap();
    assert_eq!(id.ty, pgt(PgType::Serial));
    assert_eq!(id.default, None);
    assert_eq!(
        blog.sequences
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["counter"],
        "the serial's sequence is folded away, the standalone one stays"
    );
    assert_eq!(blog.sequences[0].start, Some(100));
    let comments = table(&c, "blog", "comments");
    let cid = comments.column("id").unwrap();
    assert_eq!(cid.ty, pgt(PgType::BigInt));
    let identity = cid.identity.as_ref().unwrap();
    assert_eq!(identity.generated, IdentityKind::Always);
    assert_eq!(identity.start, Some(1));
    assert_eq!(
        comments.primary_key.as_ref().unwrap().name.as_deref(),
        Some("comments_pkey")
    );
    assert_eq!(
        comments.foreign_keys[0].ref_table,
        QualifiedName::new(Some("blog"), "posts")
    );
    assert_eq!(comments.foreign_keys[0].on_delete, FkAction::Cascade);
    // The SET and set_config statements are reported, not dropped silently.
    let skipped: Vec<_> = c.diagnostics.iter().filter(|d| d.code == "E102").collect();
    assert_eq!(skipped.len(), 2, "{skipped:#?}");
    // The owner is a role the dump names but does not create.
    let owner = c.realm.role("blog_owner").unwrap();
    assert!(owner.external);
}

#[test]
fn sequence_with_options_is_not_folded() {
    let c = pg("CREATE TABLE t (id integer NOT NULL);
CREATE SEQUENCE t_id_seq START WITH 10;
ALTER SEQUENCE t_id_seq OWNED BY t.id;
ALTER TABLE t ALTER COLUMN id SET DEFAULT nextval('t_id_seq'::regclass);");
    no_errors(&c);
    let t = table(&c, "public", "t");
    assert_eq!(t.column("id").unwrap().ty, pgt(PgType::Integer));
    assert_eq!(
        t.column("id").unwrap().default,
        Some(Default::Expr(Expr::new("nextval('t_id_seq'::REGCLASS)")))
    );
    let seq = &c.realm.schema("public").unwrap().sequences[0];
    assert_eq!(seq.owned_by, Some(("t".into(), "id".into())));
}

const AUTH: &str = r#"
CREATE ROLE app_user LOGIN PASSWORD 'secret';
CREATE ROLE admin NOLOGIN BYPASSRLS;
GRANT admin TO app_user;
GRANT readers TO app_user;
CREATE SCHEMA auth AUTHORIZATION admin;
CREATE TABLE auth.accounts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id integer NOT NULL,
    email text NOT NULL
);
ALTER TABLE auth.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE auth.accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON auth.accounts AS PERMISSIVE FOR SELECT TO app_user
    USING (tenant_id = current_setting('app.tenant')::integer);
GRANT USAGE ON SCHEMA auth TO app_user;
GRANT SELECT, INSERT ON auth.accounts TO app_user;
GRANT UPDATE (email) ON auth.accounts TO app_user WITH GRANT OPTION;
ALTER DEFAULT PRIVILEGES IN SCHEMA auth GRANT SELECT ON TABLES TO reporting;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
"#;

#[test]
fn auth_roles_grants_and_policies() {
    let c = pg(AUTH);
    no_errors(&c);
    let app = c.realm.role("app_user").unwrap();
    assert!(app.login && app.password_set && !app.external);
    assert_eq!(
        app.member_of,
        vec!["admin".to_string(), "readers".to_string()]
    );
    let admin = c.realm.role("admin").unwrap();
    assert!(!admin.login && admin.bypass_rls);
    assert!(c.realm.role("readers").unwrap().external);
    assert!(c.realm.role("reporting").unwrap().external);
    assert_eq!(
        c.realm.schema("auth").unwrap().owner.as_deref(),
        Some("admin")
    );

    let accounts = table(&c, "auth", "accounts");
    assert_eq!(
        accounts.row_security,
        RowSecurity {
            enabled: true,
            forced: true
        }
    );
    assert_eq!(
        accounts.policies,
        vec![Policy {
            name: "tenant_isolation".into(),
            permissive: true,
            command: PolicyCommand::Select,
            roles: vec!["app_user".into()],
            using: Some(Expr::new(
                "tenant_id = current_setting('app.tenant')::INTEGER"
            )),
            check: None,
        }]
    );
    let perms: Vec<_> = c
        .realm
        .permissions
        .iter()
        .filter(|p| p.grantee == "app_user")
        .collect();
    assert_eq!(perms.len(), 3, "{perms:#?}");
    assert_eq!(perms[0].object, GrantObject::Schema("auth".into()));
    assert_eq!(perms[0].privileges, vec![Privilege::Usage]);
    assert_eq!(
        perms[1].object,
        GrantObject::Table(QualifiedName::new(Some("auth"), "accounts"))
    );
    assert_eq!(
        perms[1].privileges,
        vec![Privilege::Select, Privilege::Insert]
    );
    assert_eq!(
        perms[2].object,
        GrantObject::Columns(
            QualifiedName::new(Some("auth"), "accounts"),
            vec!["email".into()]
        )
    );
    assert!(perms[2].grantable);
    assert_eq!(
        c.realm.default_privileges,
        vec![DefaultPrivilege {
            for_role: None,
            schema: Some("auth".into()),
            object_kind: DefaultPrivilegeKind::Tables,
            grantee: "reporting".into(),
            privileges: vec![Privilege::Select],
            grantable: false,
        }]
    );
    assert_eq!(
        c.realm.schema("public").unwrap().extensions[0].name,
        "pgcrypto"
    );
}

#[test]
fn revokes_replay_privilege_by_privilege() {
    let c = pg(r#"
CREATE TABLE users (id bigint PRIMARY KEY, name text);
GRANT ALL PRIVILEGES ON users TO admin_role;
REVOKE DELETE, TRUNCATE ON users FROM admin_role;
GRANT SELECT, INSERT ON users TO app_user WITH GRANT OPTION;
REVOKE GRANT OPTION FOR INSERT ON users FROM app_user;
"#);
    no_errors(&c);
    let users = GrantObject::Table(QualifiedName::new(None, "users"));
    let of = |who: &str| -> Vec<(Vec<Privilege>, bool)> {
        c.realm
            .permissions
            .iter()
            .filter(|p| p.grantee == who && p.object == users)
            .map(|p| (p.privileges.clone(), p.grantable))
            .collect()
    };
    // What is left of ALL is what ALL stands for on a table, less what was revoked.
    assert_eq!(
        of("admin_role"),
        vec![(
            vec![
                Privilege::Select,
                Privilege::Insert,
                Privilege::Update,
                Privilege::References,
                Privilege::Trigger
            ],
            false
        )]
    );
    // Only INSERT loses its grant option.
    assert_eq!(
        of("app_user"),
        vec![
            (vec![Privilege::Select], true),
            (vec![Privilege::Insert], false)
        ]
    );
}

#[test]
fn functions_triggers_domains_and_partitions() {
    let sql = r#"
CREATE DOMAIN positive_int AS integer NOT NULL DEFAULT 1 CHECK (VALUE > 0);
CREATE TYPE address AS (street text, zip varchar(10));
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at := now(); RETURN NEW; END;
$$;
CREATE TABLE events (
    id bigint GENERATED BY DEFAULT AS IDENTITY,
    at timestamptz NOT NULL,
    doubled integer GENERATED ALWAYS AS (id * 2) STORED,
    updated_at timestamptz
) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TRIGGER events_touch BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION touch();
CREATE MATERIALIZED VIEW event_counts AS SELECT count(*) AS n FROM events WITH NO DATA;
"#;
    let c = pg(sql);
    no_errors(&c);
    let public = c.realm.schema("public").unwrap();
    let d = &public.domains[0];
    assert_eq!(d.name, "positive_int");
    assert_eq!(d.base, pgt(PgType::Integer));
    assert!(!d.nullable);
    assert_eq!(
        d.default,
        Some(Default::Literal(Literal::Number("1".into())))
    );
    assert_eq!(d.checks[0].expr.as_str(), "VALUE > 0");
    assert_eq!(
        public.composites[0].fields,
        vec![
            ("street".into(), pgt(PgType::Text)),
            ("zip".into(), pgt(PgType::Varchar(Some(10))))
        ]
    );
    let f = &public.functions[0];
    assert_eq!(
        (f.name.as_str(), f.returns.as_deref(), f.language.as_str()),
        ("touch", Some("TRIGGER"), "plpgsql")
    );
    assert!(f.body.contains("NEW.updated_at := now()"));
    let events = table(&c, "public", "events");
    assert_eq!(
        events
            .column("id")
            .unwrap()
            .identity
            .as_ref()
            .unwrap()
            .generated,
        IdentityKind::ByDefault
    );
    assert_eq!(
        events.column("doubled").unwrap().generated,
        Some(Generated {
            expr: Expr::new("id * 2"),
            stored: true
        })
    );
    let pb = events.partition_by.as_ref().unwrap();
    assert_eq!(pb.strategy, PartitionStrategy::Range);
    assert_eq!(pb.keys, vec![IndexKey::Column("at".into())]);
    let tr = &events.triggers[0];
    assert_eq!(tr.name, "events_touch");
    assert_eq!(tr.timing, TriggerTiming::Before);
    assert_eq!(tr.events, vec![TriggerEvent::Update { columns: vec![] }]);
    assert!(tr.for_each_row);
    assert_eq!(tr.function, Some(QualifiedName::unqualified("touch")));
    let part = table(&c, "public", "events_2024");
    let of = part.partition_of.as_ref().unwrap();
    assert_eq!(of.parent, QualifiedName::unqualified("events"));
    assert_eq!(of.bound, "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
    assert!(!public.materialized_views[0].with_data);
}

#[test]
fn rename_hints_from_directives() {
    let sql = "-- atlas:renamed_from people\nCREATE TABLE users (\n  id int,\n  full_name text, -- @renamed from=name\n  mail text /* cairn:renamed_from email */\n);\n";
    let c = pg(sql);
    no_errors(&c);
    let t = table(&c, "public", "users");
    assert_eq!(t.renamed_from.as_deref(), Some("people"));
    assert_eq!(t.column("id").unwrap().renamed_from, None);
    assert_eq!(
        t.column("full_name").unwrap().renamed_from.as_deref(),
        Some("name")
    );
    assert_eq!(
        t.column("mail").unwrap().renamed_from.as_deref(),
        Some("email")
    );
}

#[test]
fn alter_table_changes_apply_in_order() {
    let c = pg("CREATE TABLE t (a int, b text, c text);
ALTER TABLE t ADD COLUMN d boolean NOT NULL DEFAULT false;
ALTER TABLE t DROP COLUMN c;
ALTER TABLE t RENAME COLUMN b TO bb;
ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN a TYPE bigint;
ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE (a);
ALTER TABLE t ADD CONSTRAINT t_bb_check CHECK (length(bb) > 0);
ALTER TABLE t DROP CONSTRAINT t_bb_check;
ALTER TABLE t RENAME TO t2;");
    no_errors(&c);
    let t = table(&c, "public", "t2");
    let names: Vec<_> = t.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["a", "bb", "d"]);
    let a = t.column("a").unwrap();
    assert!(!a.nullable);
    assert_eq!(a.ty, pgt(PgType::BigInt));
    assert_eq!(
        t.column("d").unwrap().default,
        Some(Default::Literal(Literal::Bool(false)))
    );
    assert!(t.index("t_a_key").unwrap().constraint);
    assert!(t.checks.is_empty());
    assert!(
        c.realm
            .schema("public")
            .unwrap()
            .table("t", Dialect::Postgres)
            .is_none()
    );
}

#[test]
fn unsupported_and_no_schema_statements_are_reported() {
    let sql =
        "CREATE STATISTICS s ON a, b FROM t;\nINSERT INTO t VALUES (1);\nDO $$ BEGIN END $$;\n";
    let c = pg(sql);
    let codes: Vec<_> = c
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.severity))
        .collect();
    assert_eq!(
        codes,
        vec![
            ("E101", cairn_syntax::Severity::Warning),
            ("E102", cairn_syntax::Severity::Warning),
            ("E102", cairn_syntax::Severity::Warning)
        ]
    );
    let u = &c.realm.schema("public").unwrap().unsupported[0];
    assert_eq!(u.kind, "statistics");
    assert_eq!(u.name.as_deref(), Some("s"));
    assert_eq!(u.raw, "CREATE STATISTICS s ON a, b FROM t;");
}
