//! Live tests: hand-written schemas are executed in a fresh schema (or database), inspected, and
//! checked; the inspected realm is printed with `create_statements`, executed in a second fresh
//! schema (or database), inspected again, and must come back identical.

mod common;

use cairn_core::Driver;
use cairn_ir::{
    ColumnType, Default as ColDefault, Deferrable, Expr, FkAction, GrantObject, IdentityKind,
    IndexKey, IndexMethod, PgType, PolicyCommand, Privilege, QualifiedName, Realm, Schema, Table,
    TableExt,
};
use cairn_postgres::PostgresDriver;
use common::{TempDatabase, TempSchema, inspect, rename_schema, run_all, without_rows};

fn schema_sql(name: &str) -> String {
    let path = format!("{}/tests/schemas/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

fn table<'a>(s: &'a Schema, name: &str) -> &'a Table {
    s.tables.iter().find(|t| t.name == name).unwrap_or_else(|| {
        panic!(
            "table {name} in {:?}",
            s.tables.iter().map(|t| &t.name).collect::<Vec<_>>()
        )
    })
}

fn pg(t: PgType) -> ColumnType {
    ColumnType::Postgres(t)
}

fn named(schema: &str, name: &str) -> ColumnType {
    pg(PgType::Named(QualifiedName::new(Some(schema), name)))
}

fn expr(e: &str) -> Option<ColDefault> {
    Some(ColDefault::Expr(Expr::new(e)))
}

/// Executes `file` in a fresh schema, inspects it, prints it, executes the printed SQL in a
/// second fresh schema and checks that inspecting that gives the same realm. Returns the first
/// realm and its schema name.
async fn roundtrip_in_schema(admin: &PostgresDriver, file: &str) -> (Realm, String) {
    let first = TempSchema::create(admin).await;
    let d1 = first.driver().await;
    d1.execute(&schema_sql(file))
        .await
        .expect("schema file runs");
    let realm = inspect(&d1).await;
    assert_eq!(realm.schemas.len(), 1);

    let second = TempSchema::create(admin).await;
    let mut expected = realm.clone();
    rename_schema(&mut expected, &first.name, &second.name);
    let statements = cairn_postgres::create_statements(&expected);
    let d2 = second.driver().await;
    run_all(&d2, &statements).await;
    let again = inspect(&d2).await;
    assert_eq!(
        without_rows(expected),
        without_rows(again),
        "printed SQL does not reproduce the inspected schema:\n{}",
        statements.join(";\n")
    );
    d1.close().await;
    d2.close().await;
    let name = first.name.clone();
    (realm, name)
}

#[tokio::test]
async fn shop_schema_inspects_and_roundtrips() {
    let Some(admin) = common::server().await else {
        return;
    };
    let (realm, sn) = roundtrip_in_schema(&admin, "shop.sql").await;
    let s = &realm.schemas[0];
    assert_eq!(s.name, sn);

    let status = s.enums.iter().find(|e| e.name == "order_status").unwrap();
    assert_eq!(status.values, ["pending", "paid", "shipped", "cancelled"]);
    let price = s.domains.iter().find(|d| d.name == "price").unwrap();
    assert_eq!(
        price.base,
        pg(PgType::Numeric {
            precision: Some(12),
            scale: Some(2)
        })
    );
    assert!(!price.nullable);
    assert_eq!(price.checks.len(), 1);
    // The inspector keeps the implicit name (a plan drops a check by name); normalisation
    // leaves it out of comparisons, which the round trip above proves.
    assert_eq!(price.checks[0].name.as_deref(), Some("price_check"));
    assert_eq!(price.checks[0].expr.as_str(), "((VALUE >= (0)::numeric))");

    let customers = table(s, "customers");
    assert_eq!(customers.rows, Some(200));
    assert_eq!(customers.comment.as_deref(), Some("People who buy things"));
    let id = customers.column("id").unwrap();
    assert_eq!(id.ty, pg(PgType::BigInt));
    let identity = id.identity.as_ref().unwrap();
    assert_eq!(identity.generated, IdentityKind::Always);
    assert_eq!((identity.start, identity.increment), (Some(1), Some(1)));
    assert_eq!(id.default, None);
    let email = customers.column("email").unwrap();
    assert_eq!(email.ty, pg(PgType::Varchar(Some(255))));
    assert!(!email.nullable);
    assert_eq!(email.comment.as_deref(), Some("Login and contact address"));
    assert_eq!(
        customers.column("tier").unwrap().default,
        expr("'b'::bpchar")
    );
    assert_eq!(
        customers.column("created_at").unwrap().default,
        expr("now()")
    );
    assert_eq!(
        customers.column("metadata").unwrap().default,
        expr("'{}'::jsonb")
    );
    // Constraint names are inspected as the database has them, implicit or not.
    let pk = customers.primary_key.as_ref().unwrap();
    assert_eq!(
        (pk.name.as_deref(), pk.columns.as_slice()),
        (Some("customers_pkey"), &["id".to_string()][..])
    );
    let email_key = customers.index("customers_email_key").unwrap();
    assert!(email_key.constraint && email_key.unique);
    let lower = customers.index("customers_lower_email_idx").unwrap();
    assert!(lower.unique && !lower.constraint);
    assert_eq!(
        lower.parts[0].key,
        IndexKey::Expr(Expr::new("lower(email::text)"))
    );
    let meta = customers.index("customers_metadata_idx").unwrap();
    assert_eq!(meta.method, IndexMethod::Gin);
    assert_eq!(meta.parts[0].opclass.as_deref(), Some("jsonb_path_ops"));

    let products = table(s, "products");
    assert_eq!(products.rows, Some(2));
    let pid = products.column("id").unwrap();
    assert_eq!(
        (pid.ty.clone(), pid.default.clone()),
        (pg(PgType::Serial), None)
    );
    assert_eq!(
        products.column("unit_price").unwrap().ty,
        named(&sn, "price")
    );
    assert_eq!(
        products.column("tags").unwrap().ty,
        pg(PgType::Array(Box::new(PgType::Text)))
    );
    assert_eq!(products.checks.len(), 1);
    assert_eq!(
        products.checks[0].name.as_deref(),
        Some("products_weight_grams_check")
    );
    assert_eq!(products.checks[0].expr.as_str(), "((weight_grams > 0))");
    assert!(products.index("products_sku_unique").unwrap().constraint);
    let title = products.index("products_title_idx").unwrap();
    assert_eq!(title.parts[0].opclass.as_deref(), Some("text_pattern_ops"));
    assert_eq!(title.include, ["sku"]);
    assert_eq!(
        products.index("products_tags_idx").unwrap().method,
        IndexMethod::Gin
    );
    // The serial's sequence is part of the column, not a sequence of its own.
    assert!(s.sequences.is_empty(), "{:?}", s.sequences);

    let orders = table(s, "orders");
    assert_eq!(orders.rows, Some(0));
    assert_eq!(orders.column("id").unwrap().ty, pg(PgType::BigSerial));
    let status_col = orders.column("status").unwrap();
    assert_eq!(status_col.ty, named(&sn, "order_status"));
    assert_eq!(status_col.default, expr("'pending'::order_status"));
    assert_eq!(
        orders.column("placed_at").unwrap().ty,
        pg(PgType::Timestamp {
            precision: Some(3),
            with_tz: false
        })
    );
    assert_eq!(orders.column("note").unwrap().ty, pg(PgType::Varchar(None)));
    let fk = &orders.foreign_keys[0];
    assert_eq!(fk.name.as_deref(), Some("orders_customer_id_fkey"));
    assert_eq!(fk.ref_table, QualifiedName::new(Some(&sn), "customers"));
    assert_eq!(
        (fk.on_delete, fk.on_update),
        (FkAction::Restrict, FkAction::NoAction)
    );
    assert_eq!(
        orders.checks[0].name.as_deref(),
        Some("orders_total_positive")
    );
    let placed = orders.index("orders_customer_placed_idx").unwrap();
    assert!(placed.parts[1].desc);
    assert_eq!(placed.parts[1].nulls_first, Some(false));
    let open = orders.index("orders_open_idx").unwrap();
    assert!(open.predicate.as_ref().unwrap().as_str().contains("status"));
    assert_eq!(open.comment.as_deref(), Some("Orders still in flight"));

    let items = table(s, "order_items");
    assert_eq!(
        items.primary_key.as_ref().unwrap().columns,
        ["order_id", "product_id"]
    );
    let product_fk = items
        .foreign_keys
        .iter()
        .find(|f| f.name.as_deref() == Some("order_items_product_fk"))
        .unwrap();
    assert_eq!(product_fk.on_update, FkAction::Cascade);
    assert_eq!(product_fk.deferrable, Deferrable::InitiallyDeferred);
    let cascade = items
        .foreign_keys
        .iter()
        .find(|f| f.name.as_deref() == Some("order_items_order_id_fkey"))
        .unwrap();
    assert_eq!(cascade.on_delete, FkAction::Cascade);

    let view = s.views.iter().find(|v| v.name == "order_totals").unwrap();
    assert!(view.definition.contains("sum("), "{}", view.definition);
    admin.close().await;
}

#[tokio::test]
async fn blog_schema_inspects_and_roundtrips() {
    let Some(admin) = common::server().await else {
        return;
    };
    let (realm, sn) = roundtrip_in_schema(&admin, "blog.sql").await;
    let s = &realm.schemas[0];

    let authors = table(s, "authors");
    let id = authors.column("id").unwrap();
    let identity = id.identity.as_ref().unwrap();
    assert_eq!(identity.generated, IdentityKind::ByDefault);
    assert_eq!((identity.start, identity.increment), (Some(100), Some(10)));
    assert_eq!(
        authors.column("bio").unwrap().collation.as_deref(),
        Some("C")
    );
    let handle = authors.index("authors_handle_key").unwrap();
    assert_eq!(handle.nulls_distinct, Some(false));
    assert!(handle.constraint);
    // Named explicitly, and not as PostgreSQL would have named it.
    let featured = &authors.foreign_keys[0];
    assert_eq!(featured.name.as_deref(), Some("authors_featured_post_fkey"));
    assert_eq!(featured.on_delete, FkAction::SetNull);

    let posts = table(s, "posts");
    let words = posts.column("word_count").unwrap();
    let generated = words.generated.as_ref().unwrap();
    assert!(generated.stored);
    assert!(generated.expr.as_str().contains("length(body)"));
    assert!(posts.index("posts_author_id_slug_key").unwrap().constraint);
    let trigger = &posts.triggers[0];
    assert_eq!(trigger.name, "posts_touch");
    assert!(trigger.for_each_row);
    assert_eq!(
        trigger.events,
        [cairn_ir::TriggerEvent::Update {
            columns: vec!["title".into(), "body".into()]
        }]
    );
    assert_eq!(
        trigger.function,
        Some(QualifiedName::new(Some(&sn), "touch_updated_at"))
    );
    assert!(trigger.when.as_ref().unwrap().as_str().contains("DISTINCT"));

    let comments = table(s, "comments");
    let parent = comments
        .foreign_keys
        .iter()
        .find(|f| f.columns == ["parent_id"])
        .unwrap();
    assert_eq!(parent.ref_table.name, "comments");
    assert_eq!(
        comments.checks[0].name.as_deref(),
        Some("comments_body_check")
    );

    let bookings = table(s, "bookings");
    assert_eq!(bookings.excludes.len(), 1);
    assert_eq!(
        bookings.excludes[0].definition,
        "USING gist (during WITH &&)"
    );

    let invoices = s
        .sequences
        .iter()
        .find(|q| q.name == "invoice_numbers")
        .unwrap();
    assert_eq!(invoices.data_type, Some(pg(PgType::Integer)));
    assert_eq!(
        (invoices.start, invoices.increment, invoices.cache),
        (Some(1000), Some(5), Some(10))
    );
    let tickets = s
        .sequences
        .iter()
        .find(|q| q.name == "ticket_numbers")
        .unwrap();
    assert_eq!(
        tickets.owned_by,
        Some(("tickets".to_string(), "number".to_string()))
    );
    assert_eq!(
        table(s, "tickets").column("number").unwrap().default,
        expr("nextval('ticket_numbers'::regclass)")
    );

    let slugify = s.functions.iter().find(|f| f.name == "slugify").unwrap();
    assert!(slugify.strict);
    assert_eq!(slugify.parallel.as_deref(), Some("SAFE"));
    assert!(slugify.body.starts_with("RETURN"), "{}", slugify.body);
    assert_eq!(slugify.args[1].default, Some(Expr::new("'-'::text")));
    let count = s.functions.iter().find(|f| f.name == "post_count").unwrap();
    assert_eq!(count.volatility, cairn_ir::Volatility::Stable);
    assert_eq!(count.returns.as_deref(), Some("bigint"));

    let stats = &s.materialized_views[0];
    assert_eq!(stats.name, "author_stats");
    assert_eq!(stats.indexes[0].name, "author_stats_id_idx");
    assert_eq!(stats.comment.as_deref(), Some("Refreshed nightly"));
    assert!(s.views.iter().any(|v| v.name == "recent_posts"));
    admin.close().await;
}

#[tokio::test]
async fn partitioned_and_inherited_tables_roundtrip() {
    let Some(admin) = common::server().await else {
        return;
    };
    let (realm, sn) = roundtrip_in_schema(&admin, "partitions.sql").await;
    let s = &realm.schemas[0];
    let events = table(s, "events");
    let by = events.partition_by.as_ref().unwrap();
    assert_eq!(by.strategy, cairn_ir::PartitionStrategy::Range);
    assert_eq!(by.keys, [IndexKey::Column("occurred_at".into())]);
    assert_eq!(events.indexes.len(), 1, "partition copies are not listed");
    let y2024 = table(s, "events_2024");
    let of = y2024.partition_of.as_ref().unwrap();
    assert_eq!(of.parent, QualifiedName::new(Some(&sn), "events"));
    assert!(of.bound.starts_with("FOR VALUES FROM"), "{}", of.bound);
    assert!(y2024.primary_key.is_none() && y2024.indexes.is_empty());
    assert_eq!(
        table(s, "events_rest").partition_of.as_ref().unwrap().bound,
        "DEFAULT"
    );
    let m = table(s, "measurements").partition_by.as_ref().unwrap();
    assert_eq!(m.keys, [IndexKey::Expr(Expr::new("lower(sensor)"))]);

    let capitals = table(s, "capitals");
    match &capitals.ext {
        TableExt::Postgres(e) => {
            assert_eq!(e.inherits, [QualifiedName::new(Some(&sn), "cities")])
        }
        other => panic!("{other:?}"),
    }
    assert!(
        capitals.checks.is_empty(),
        "inherited checks are the parent's"
    );
    match &table(s, "scratch").ext {
        TableExt::Postgres(e) => {
            assert!(e.unlogged);
            assert_eq!(
                e.storage_params,
                [
                    ("fillfactor".to_string(), "70".to_string()),
                    ("autovacuum_enabled".to_string(), "false".to_string())
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    match &table(s, "audit_log").ext {
        TableExt::Postgres(e) => assert_eq!(e.replica_identity.as_deref(), Some("FULL")),
        other => panic!("{other:?}"),
    }
    admin.close().await;
}

#[tokio::test]
async fn types_and_routines_roundtrip() {
    let Some(admin) = common::server().await else {
        return;
    };
    let (realm, sn) = roundtrip_in_schema(&admin, "types.sql").await;
    let s = &realm.schemas[0];
    let weird = s.enums.iter().find(|e| e.name == "Weird Enum").unwrap();
    assert_eq!(weird.values, ["a'b", "C"]);
    assert_eq!(
        s.enums
            .iter()
            .find(|e| e.name == "mood")
            .unwrap()
            .comment
            .as_deref(),
        Some("How it went")
    );
    let code = s.domains.iter().find(|d| d.name == "short_code").unwrap();
    assert_eq!(code.collation.as_deref(), Some("C"));
    assert_eq!(code.checks[0].name.as_deref(), Some("short_code_format"));
    let positive = s.domains.iter().find(|d| d.name == "positive_int").unwrap();
    assert_eq!(positive.default, expr("1"));
    let list = s.domains.iter().find(|d| d.name == "mood_list").unwrap();
    assert_eq!(
        list.base,
        pg(PgType::Array(Box::new(PgType::Named(QualifiedName::new(
            Some(&sn),
            "mood"
        )))))
    );
    let shipment = s.composites.iter().find(|c| c.name == "shipment").unwrap();
    assert_eq!(
        shipment.fields[0],
        ("destination".to_string(), named(&sn, "address"))
    );
    assert!(s.unsupported.iter().any(|u| u.kind == "range type"));

    let diary = table(s, "diary");
    assert_eq!(diary.column("weird").unwrap().ty, named(&sn, "Weird Enum"));
    assert_eq!(diary.column("home").unwrap().ty, named(&sn, "address"));
    assert_eq!(
        diary.column("at").unwrap().ty,
        pg(PgType::Time {
            precision: Some(2),
            with_tz: true
        })
    );

    let add = s
        .functions
        .iter()
        .find(|f| f.name == "add_numbers")
        .unwrap();
    assert_eq!(add.args.len(), 4);
    assert_eq!(add.args[1].default, Some(Expr::new("1")));
    assert_eq!(add.args[2].mode, cairn_ir::ArgMode::Out);
    let series = s.functions.iter().find(|f| f.name == "series").unwrap();
    assert_eq!(series.args.len(), 1, "TABLE columns belong to the result");
    assert!(series.returns.as_deref().unwrap().starts_with("TABLE("));
    let secure = s
        .functions
        .iter()
        .find(|f| f.name == "secure_thing")
        .unwrap();
    assert!(secure.security_definer);
    assert_eq!(secure.args[0].mode, cairn_ir::ArgMode::Variadic);
    assert!(
        secure
            .config
            .iter()
            .any(|(k, v)| k == "work_mem" && v == "64MB")
    );
    assert_eq!(secure.comment.as_deref(), Some("Joins its arguments"));
    let record = &s.procedures[0];
    assert_eq!(record.name, "record_mood");
    assert_eq!(record.returns, None);
    let score = &s.aggregates[0];
    assert_eq!(score.initial_value.as_deref(), Some("0"));
    assert_eq!(score.state_type, "integer");

    let happy = s.views.iter().find(|v| v.name == "happy_days").unwrap();
    assert_eq!(happy.check_option.as_deref(), Some("LOCAL"));
    assert_eq!(
        happy.options,
        [("security_barrier".to_string(), "true".to_string())]
    );
    let invoker = s.views.iter().find(|v| v.name == "invoker_days").unwrap();
    assert_eq!(invoker.security_invoker, Some(true));
    admin.close().await;
}

#[tokio::test]
async fn auth_database_with_roles_grants_and_policies_roundtrips() {
    let Some(admin) = common::server().await else {
        return;
    };
    let prefix = common::unique("cairn_r_") + "_";
    let mut first = TempDatabase::create(&admin).await;
    let mut second = TempDatabase::create(&admin).await;
    for r in ["app_user", "readonly", "admin"] {
        first.roles.push(format!("{prefix}{r}"));
    }
    // Default privileges and grants name the roles in both databases; the roles go last.
    second.roles.clear();
    let d1 = first.driver().await;
    d1.execute(&schema_sql("auth.sql").replace("__R__", &prefix))
        .await
        .expect("auth schema runs");
    let realm = inspect(&d1).await;
    let ours = |r: &Realm| -> Realm {
        let mut r = r.clone();
        r.roles.retain(|x| x.name.starts_with(&prefix));
        r
    };

    let names: Vec<&str> = realm.schemas.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["app", "auth", "public"]);
    let roles = ours(&realm).roles;
    assert_eq!(roles.len(), 3);
    let app_user = roles
        .iter()
        .find(|r| r.name == format!("{prefix}app_user"))
        .unwrap();
    assert!(app_user.login);
    assert_eq!(app_user.conn_limit, Some(20));
    assert_eq!(app_user.member_of, [format!("{prefix}readonly")]);
    let admin_role = roles
        .iter()
        .find(|r| r.name == format!("{prefix}admin"))
        .unwrap();
    assert!(admin_role.create_role && admin_role.bypass_rls && !admin_role.login);
    assert_eq!(admin_role.comment.as_deref(), Some("Administrators"));

    let public = realm.schema("public").unwrap();
    let ext: Vec<&str> = public.extensions.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(ext, ["citext", "pgcrypto"]);
    assert!(
        public.functions.is_empty(),
        "extension functions are the extension's"
    );
    let auth = realm.schema("auth").unwrap();
    assert_eq!(auth.comment.as_deref(), Some("Identities and sessions"));
    let users = table(auth, "users");
    assert_eq!(users.column("email").unwrap().ty, named("public", "citext"));
    assert_eq!(
        users.column("state").unwrap().ty,
        named("auth", "user_state")
    );
    assert_eq!(
        users.column("id").unwrap().default,
        expr("gen_random_uuid()")
    );
    let app = realm.schema("app").unwrap();
    let docs = table(app, "documents");
    assert_eq!(
        docs.foreign_keys[0].ref_table,
        QualifiedName::new(Some("auth"), "users")
    );
    assert!(docs.row_security.enabled && docs.row_security.forced);
    let tenant = docs
        .policies
        .iter()
        .find(|p| p.name == "documents_tenant")
        .unwrap();
    assert_eq!(tenant.command, PolicyCommand::All);
    assert_eq!(tenant.roles, [format!("{prefix}app_user")]);
    assert!(
        tenant
            .using
            .as_ref()
            .unwrap()
            .as_str()
            .contains("current_tenant()")
    );
    assert!(tenant.check.is_some());
    let read = docs
        .policies
        .iter()
        .find(|p| p.name == "documents_read")
        .unwrap();
    assert!(!read.permissive);
    assert_eq!(read.command, PolicyCommand::Select);
    assert!(read.roles.contains(&"public".to_string()));

    let grants_to = |who: &str| -> Vec<&cairn_ir::Permission> {
        realm
            .permissions
            .iter()
            .filter(|p| p.grantee == format!("{prefix}{who}"))
            .collect()
    };
    let app_grants = grants_to("app_user");
    let on_docs = app_grants
        .iter()
        .find(|p| p.object == GrantObject::Table(QualifiedName::new(Some("app"), "documents")))
        .unwrap();
    assert_eq!(
        on_docs.privileges,
        [Privilege::Select, Privilege::Insert, Privilege::Update]
    );
    assert!(app_grants.iter().any(|p| matches!(&p.object,
        GrantObject::Columns(t, cols) if t.name == "users" && cols.len() == 2)));
    assert!(
        app_grants
            .iter()
            .any(|p| matches!(&p.object, GrantObject::Sequence(_)))
    );
    assert!(
        app_grants.iter().any(
            |p| matches!(&p.object, GrantObject::Function(f, _) if f.name == "current_tenant")
        )
    );
    assert!(
        app_grants
            .iter()
            .any(|p| p.object == GrantObject::Schema("auth".into()))
    );
    assert!(grants_to("readonly").iter().any(|p| p.grantable));
    assert!(
        realm
            .default_privileges
            .iter()
            .any(|d| d.schema.as_deref() == Some("app")
                && d.grantee == format!("{prefix}readonly")
                && d.privileges == [Privilege::Select])
    );
    assert!(
        realm
            .default_privileges
            .iter()
            .any(|d| d.schema.is_none() && d.grantee == format!("{prefix}app_user"))
    );

    // The roles already exist in the cluster: print everything else into the second database.
    let mut printable = realm.clone();
    printable.roles.clear();
    let statements = cairn_postgres::create_statements(&printable);
    let d2 = second.driver().await;
    run_all(&d2, &statements).await;
    let again = inspect(&d2).await;
    assert_eq!(
        without_rows(ours(&realm)),
        without_rows(ours(&again)),
        "printed SQL does not reproduce the inspected database:\n{}",
        statements.join(";\n")
    );
    d1.close().await;
    d2.close().await;
    drop(second);
    drop(first);
    admin.close().await;
}
