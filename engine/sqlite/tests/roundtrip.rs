//! Inspection and SQL printing against real SQLite databases: each schema under
//! `tests/schemas/` is executed in a fresh in-memory database, inspected, printed with
//! `create_statements`, executed in a second fresh database and inspected again; the two realms
//! must be equal. Key facts of each schema are asserted on the first inspection.

use std::sync::atomic::{AtomicUsize, Ordering};

use cairn_core::{DbUrl, Driver, InspectOptions};
use cairn_ir::{
    ColumnType, Default as ColDefault, Deferrable, Dialect, FkAction, IndexKey, Literal, Realm,
    SqliteType, Table, TableExt, TriggerEvent, TriggerTiming,
};
use cairn_sqlite::{SqliteDriver, connect, create_statements};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh, uniquely named in-memory database; it disappears with the driver.
async fn fresh() -> SqliteDriver {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let name = format!(
        "cairn_rt_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let url = DbUrl::parse(&format!("sqlite://{name}?mode=memory")).expect("a valid URL");
    connect(&url, false)
        .await
        .expect("an in-memory database opens")
}

fn schema_sql(file: &str) -> String {
    let path = format!("{}/tests/schemas/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

async fn inspect(d: &SqliteDriver) -> Realm {
    d.inspect(&InspectOptions::default())
        .await
        .expect("inspection succeeds")
}

/// The realm without live row estimates, which differ between a filled and an empty copy.
fn without_rows(mut r: Realm) -> Realm {
    for s in &mut r.schemas {
        for t in &mut s.tables {
            t.rows = None;
        }
    }
    r
}

/// Executes `file`, inspects, prints, replays the print in a second database, inspects again,
/// asserts both realms are equal, and returns the first.
async fn round_trip(file: &str) -> Realm {
    let first = fresh().await;
    first
        .execute(&schema_sql(file))
        .await
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    let realm = inspect(&first).await;
    let statements = create_statements(&realm);
    let second = fresh().await;
    for stmt in &statements {
        second
            .execute(stmt)
            .await
            .unwrap_or_else(|e| panic!("{file}: printed SQL does not run: {e}"));
    }
    let again = inspect(&second).await;
    assert_eq!(
        without_rows(realm.clone()),
        without_rows(again),
        "{file}: the printed SQL does not reproduce the inspected schema:\n{}",
        statements.join(";\n")
    );
    first.close().await;
    second.close().await;
    realm
}

fn table<'a>(r: &'a Realm, name: &str) -> &'a Table {
    r.schema("main")
        .and_then(|s| s.table(name, Dialect::Sqlite))
        .unwrap_or_else(|| panic!("table {name} is inspected"))
}

fn decl(t: &Table, col: &str) -> String {
    match &t.column(col).unwrap_or_else(|| panic!("column {col}")).ty {
        ColumnType::Sqlite(SqliteType { decl }) => decl.clone(),
        other => panic!("{col}: {other:?}"),
    }
}

#[tokio::test]
async fn every_schema_file_round_trips() {
    let dir = format!("{}/tests/schemas", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the schemas directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    for f in &files {
        let realm = round_trip(f).await;
        assert!(
            !realm.schemas[0].tables.is_empty(),
            "{f}: nothing inspected"
        );
        for t in &realm.schemas[0].tables {
            assert!(t.rows.is_some(), "{f}: {} has no row estimate", t.name);
        }
    }
}

#[tokio::test]
async fn shop_facts() {
    let r = round_trip("shop.sql").await;
    assert_eq!(r.schemas.len(), 1);
    assert_eq!(r.schemas[0].name, "main");
    let customers = table(&r, "customers");
    assert_eq!(customers.rows, Some(2));
    let id = customers.column("id").unwrap();
    assert!(id.auto_increment);
    assert_eq!(decl(customers, "id"), "integer");
    let pk = customers.primary_key.as_ref().unwrap();
    assert_eq!(
        (pk.name.as_deref(), pk.columns.as_slice()),
        (None, &["id".to_string()][..])
    );
    let email = customers.column("email").unwrap();
    assert!(!email.nullable);
    assert_eq!(email.collation.as_deref(), Some("NOCASE"));
    // The front ends flag only PostgreSQL's constraints; SQLite's are known by their names.
    let email_key = &customers.indexes[0];
    assert!(email_key.unique && !email_key.constraint);
    assert_eq!(email_key.name, "sqlite_autoindex_customers_1");
    assert_eq!(
        customers.column("created_at").unwrap().default,
        Some(ColDefault::Expr(cairn_ir::Expr::new("CURRENT_TIMESTAMP")))
    );
    assert_eq!(
        customers.column("newsletter").unwrap().default,
        Some(ColDefault::Literal(Literal::Bool(false)))
    );

    let products = table(&r, "products");
    assert_eq!(decl(products, "weight_kg"), "decimal(8,3)");
    assert!(products.column("weight_kg").unwrap().nullable);
    assert_eq!(
        products.column("currency").unwrap().default,
        Some(ColDefault::Literal(Literal::String("EUR".into())))
    );
    assert_eq!(products.checks.len(), 1);
    assert_eq!(products.checks[0].expr.as_str(), "price_cents >= 0");
    assert_eq!(products.checks[0].name, None);
    let title_key = products.index("products_title_key").unwrap();
    assert!(title_key.unique);
    assert_eq!(
        title_key.parts[0].key,
        IndexKey::Expr(cairn_ir::Expr::new("lower(title)"))
    );

    let orders = table(&r, "orders");
    assert_eq!(orders.rows, Some(1));
    assert_eq!(
        orders.checks[0].name.as_deref(),
        Some("orders_status_check")
    );
    assert_eq!(
        orders.column("placed_at").unwrap().default,
        Some(ColDefault::Expr(cairn_ir::Expr::new(
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
        )))
    );
    let fk = &orders.foreign_keys[0];
    assert_eq!(fk.ref_table.name, "customers");
    assert_eq!(fk.ref_columns, ["id"]);
    assert_eq!(fk.on_delete, FkAction::Restrict);
    let by_customer = orders.index("orders_customer_idx").unwrap();
    assert_eq!(by_customer.parts.len(), 2);
    assert!(!by_customer.parts[0].desc && by_customer.parts[1].desc);
    let open = orders.index("orders_open_idx").unwrap();
    assert_eq!(
        open.predicate.as_ref().map(|p| p.as_str()),
        Some("status IN ('pending', 'paid')")
    );

    let lines = table(&r, "order_lines");
    assert_eq!(
        lines.primary_key.as_ref().unwrap().columns,
        ["order_id", "line_no"]
    );
    assert_eq!(lines.foreign_keys.len(), 2);
    assert_eq!(lines.foreign_keys[0].name, None);
    assert_eq!(lines.foreign_keys[0].on_delete, FkAction::Cascade);
    assert_eq!(
        lines.foreign_keys[1].name.as_deref(),
        Some("order_lines_sku_fkey")
    );
    assert_eq!(lines.foreign_keys[1].on_update, FkAction::Cascade);

    let view = &r.schemas[0].views[0];
    assert_eq!(view.name, "order_totals");
    assert!(view.definition.starts_with("SELECT o.id AS order_id"));
}

#[tokio::test]
async fn blog_facts() {
    let r = round_trip("blog.sql").await;
    let posts = table(&r, "posts");
    let wc = posts.column("word_count").unwrap();
    let g = wc.generated.as_ref().expect("a generated column");
    assert!(!g.stored);
    assert!(g.expr.as_str().starts_with("length(body)"));
    // `REFERENCES authors` without columns references the primary key.
    assert_eq!(posts.foreign_keys[0].ref_columns, ["id"]);
    assert_eq!(posts.indexes[0].name, "sqlite_autoindex_posts_1");
    let tags = table(&r, "tags");
    assert_eq!(
        tags.ext,
        TableExt::Sqlite(cairn_ir::SqliteTableExt {
            strict: false,
            without_rowid: true
        })
    );
    assert!(!tags.column("name").unwrap().nullable);
    let comments = table(&r, "comments");
    let parent = comments
        .foreign_keys
        .iter()
        .find(|f| f.columns == ["parent_id"])
        .unwrap();
    assert_eq!(parent.ref_table.name, "comments");
    assert_eq!(parent.on_delete, FkAction::SetNull);
    let authors = table(&r, "authors");
    assert_eq!(authors.indexes[0].name, "authors_handle_key");
    assert_eq!(authors.rows, Some(3));
    let recent = r.schemas[0]
        .views
        .iter()
        .find(|v| v.name == "recent_posts")
        .unwrap();
    assert_eq!(recent.columns, ["id", "slug", "title"]);
}

#[tokio::test]
async fn auth_facts() {
    let r = round_trip("auth.sql").await;
    // SQLite has no roles or grants.
    assert!(r.roles.is_empty() && r.permissions.is_empty());
    let users = table(&r, "users");
    assert_eq!(decl(users, "password_hash"), "blob");
    assert_eq!(users.indexes[0].name, "users_username_key");
    let trigger = &users.triggers[0];
    assert_eq!(trigger.name, "users_lock_after_failures");
    assert_eq!(trigger.timing, TriggerTiming::After);
    assert_eq!(
        trigger.events,
        [TriggerEvent::Update {
            columns: vec!["failed_logins".into()]
        }]
    );
    assert_eq!(
        trigger.when.as_ref().map(|w| w.as_str()),
        Some("new.failed_logins >= 5 AND old.failed_logins < 5")
    );
    assert!(trigger.body.as_deref().unwrap().starts_with("BEGIN"));
    let sessions = table(&r, "sessions");
    assert_eq!(
        sessions.ext,
        TableExt::Sqlite(cairn_ir::SqliteTableExt {
            strict: true,
            without_rowid: false
        })
    );
    let ur = table(&r, "user_roles");
    let names: Vec<_> = ur.foreign_keys.iter().map(|f| f.name.as_deref()).collect();
    assert_eq!(
        names,
        [Some("user_roles_user_fkey"), Some("user_roles_role_fkey")]
    );
    assert_eq!(users.rows, Some(0));
}

#[tokio::test]
async fn column_facts() {
    let r = round_trip("columns.sql").await;
    let m = table(&r, "measurements");
    assert_eq!(decl(m, "reading"), "double precision");
    assert_eq!(decl(m, "flags"), "unsigned big int");
    assert_eq!(decl(m, "untyped"), "");
    let def = |c: &str| m.column(c).unwrap().default.clone();
    assert_eq!(
        def("reading"),
        Some(ColDefault::Literal(Literal::Number("-1.5".into())))
    );
    assert_eq!(
        def("raw"),
        Some(ColDefault::Expr(cairn_ir::Expr::new("X'00FF'")))
    );
    assert_eq!(
        def("flags"),
        Some(ColDefault::Expr(cairn_ir::Expr::new("0x10")))
    );
    assert_eq!(
        def("note"),
        Some(ColDefault::Literal(Literal::String("it's fine".into())))
    );
    assert_eq!(def("empty_note"), Some(ColDefault::Literal(Literal::Null)));
    assert_eq!(
        def("truthy"),
        Some(ColDefault::Literal(Literal::Bool(true)))
    );
    assert_eq!(
        def("scaled"),
        Some(ColDefault::Expr(cairn_ir::Expr::new("1.0 / 3")))
    );
    assert_eq!(
        def("odd\"name"),
        Some(ColDefault::Literal(Literal::Number("7".into())))
    );
    assert_eq!(
        m.column("Sensor Name").unwrap().collation.as_deref(),
        Some("RTRIM")
    );
    let stored = m
        .column("double_reading")
        .unwrap()
        .generated
        .clone()
        .unwrap();
    assert!(stored.stored);
    assert_eq!(stored.expr.as_str(), "reading * 2");
    let label = m.column("label").unwrap().generated.clone().unwrap();
    assert!(!label.stored);
    assert_eq!(label.expr.as_str(), "upper(\"Sensor Name\")");
    let settings = table(&r, "settings");
    assert_eq!(
        settings.ext,
        TableExt::Sqlite(cairn_ir::SqliteTableExt {
            strict: true,
            without_rowid: true
        })
    );
    let mixed = table(&r, "Mixed Case");
    assert_eq!(mixed.primary_key.as_ref().unwrap().columns, ["Id"]);
    assert!(mixed.column("Back").is_some());
    assert_eq!(
        mixed.column("Bracket").unwrap().collation.as_deref(),
        Some("NOCASE")
    );
}

#[tokio::test]
async fn constraint_facts() {
    let r = round_trip("constraints.sql").await;
    let regions = table(&r, "regions");
    let pk = regions.primary_key.as_ref().unwrap();
    assert_eq!(pk.name.as_deref(), Some("regions_pk"));
    assert_eq!(pk.columns, ["name"]);
    // The key took the second automatic index; the UNIQUE constraints the first and third.
    let names: Vec<&str> = regions.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        ["sqlite_autoindex_regions_1", "sqlite_autoindex_regions_3"]
    );
    let checks: Vec<_> = regions
        .checks
        .iter()
        .map(|c| (c.name.as_deref(), c.expr.as_str()))
        .collect();
    assert_eq!(
        checks,
        [
            (Some("regions_code_len"), "length(code) = 2"),
            (None, "name <> ''")
        ]
    );
    let departments = table(&r, "departments");
    let manager = departments
        .foreign_keys
        .iter()
        .find(|f| f.name.as_deref() == Some("departments_manager_fkey"))
        .unwrap();
    assert_eq!(manager.deferrable, Deferrable::InitiallyDeferred);
    assert_eq!(manager.ref_table.name, "employees");
    let region = departments
        .foreign_keys
        .iter()
        .find(|f| f.columns == ["region"])
        .unwrap();
    assert_eq!(region.ref_columns, ["name"]);
    let employees = table(&r, "employees");
    assert_eq!(employees.checks[0].name.as_deref(), Some("salary_positive"));
    let badge = employees
        .foreign_keys
        .iter()
        .find(|f| f.columns == ["badge"])
        .unwrap();
    assert_eq!(badge.on_delete, FkAction::SetDefault);
    let dept = employees
        .foreign_keys
        .iter()
        .find(|f| f.columns == ["department_id"])
        .unwrap();
    assert_eq!(
        (dept.on_delete, dept.on_update),
        (FkAction::Restrict, FkAction::Cascade)
    );
    let shifts = table(&r, "shifts");
    assert_eq!(
        shifts.primary_key.as_ref().unwrap().name.as_deref(),
        Some("shifts_key")
    );
    assert_eq!(
        shifts.foreign_keys[0].deferrable,
        Deferrable::InitiallyImmediate
    );
    let codes = table(&r, "codes");
    let names: Vec<&str> = codes.indexes.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["codes_a_key", "sqlite_autoindex_codes_3"]);
    assert!(
        !codes.column("c").unwrap().nullable,
        "key columns are NOT NULL"
    );
    let swaps = table(&r, "shift_swaps");
    assert_eq!(
        swaps.foreign_keys[0].columns,
        ["employee_id", "day", "slot"]
    );
    assert_eq!(
        swaps.foreign_keys[0].ref_columns,
        ["employee_id", "day", "slot"]
    );
    // The printed SQL creates referenced tables first, except around the cycle.
    let stmts = create_statements(&r);
    let pos = |t: &str| {
        stmts
            .iter()
            .position(|s| s.starts_with(&format!("CREATE TABLE \"{t}\"")))
            .unwrap()
    };
    assert!(pos("badges") < pos("employees"));
    assert!(pos("shifts") < pos("shift_swaps"));
    assert!(pos("regions") < pos("departments"));
}

#[tokio::test]
async fn index_facts() {
    let r = round_trip("indexes.sql").await;
    let docs = table(&r, "documents");
    let ix = |n: &str| docs.index(n).unwrap_or_else(|| panic!("index {n}"));
    assert_eq!(
        ix("documents_path_key").parts[0].collation.as_deref(),
        Some("NOCASE")
    );
    // A column's own collation is the index's default, so it is not repeated.
    assert_eq!(ix("documents_title_idx").parts[0].collation, None);
    assert_eq!(
        ix("documents_title_binary_idx").parts[0]
            .collation
            .as_deref(),
        Some("BINARY")
    );
    let lower = ix("documents_lower_owner_idx");
    assert_eq!(
        lower
            .parts
            .iter()
            .map(|p| (p.key.clone(), p.desc))
            .collect::<Vec<_>>(),
        [
            (IndexKey::Expr(cairn_ir::Expr::new("lower(owner)")), false),
            (IndexKey::Expr(cairn_ir::Expr::new("size * 2")), true)
        ]
    );
    assert_eq!(
        ix("documents_live_idx")
            .predicate
            .as_ref()
            .map(|p| p.as_str()),
        Some("deleted_at IS NULL AND size > 0")
    );
    assert!(ix("documents_live_path_key").unique);
    assert!(ix("documents \"quoted\" idx").parts[0].key != IndexKey::Column("meta".into()));
    assert_eq!(docs.indexes.len(), 9);
}

#[tokio::test]
async fn view_facts() {
    let r = round_trip("views.sql").await;
    let views = &r.schemas[0].views;
    let names: Vec<&str> = views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["Quoted View", "a_top_kinds", "m_daily", "z_base"]);
    assert_eq!(views[2].columns, ["day", "kind", "n"]);
    assert!(views[1].definition.starts_with("/* the busiest kinds */"));
    // Printed views come after the views they read.
    let stmts = create_statements(&r);
    let pos = |v: &str| {
        stmts
            .iter()
            .position(|s| s.starts_with(&format!("CREATE VIEW \"{v}\"")))
            .unwrap()
    };
    assert!(pos("z_base") < pos("m_daily"));
    assert!(pos("m_daily") < pos("a_top_kinds"));
    assert!(pos("a_top_kinds") < pos("Quoted View"));
}

#[tokio::test]
async fn trigger_facts() {
    let r = round_trip("triggers.sql").await;
    let accounts = table(&r, "accounts");
    let names: Vec<&str> = accounts.triggers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "accounts_cleanup",
            "accounts_ledger",
            "accounts_no_negative",
            "accounts_touch"
        ]
    );
    let t = &accounts.triggers[2];
    assert_eq!(t.timing, TriggerTiming::Before);
    assert!(t.for_each_row);
    assert_eq!(t.when.as_ref().map(|w| w.as_str()), Some("new.balance < 0"));
    assert_eq!(accounts.triggers[0].events, [TriggerEvent::Delete]);
    assert_eq!(
        accounts.triggers[3].events,
        [TriggerEvent::Update { columns: vec![] }]
    );
    let ledger = table(&r, "ledger");
    assert_eq!(ledger.triggers[0].timing, TriggerTiming::Before);
    assert_eq!(ledger.triggers[0].events, [TriggerEvent::Insert]);
    // A trigger on a view has no table to belong to: it is kept verbatim.
    let u = &r.schemas[0].unsupported;
    assert_eq!(u.len(), 1);
    assert_eq!(u[0].kind, "trigger");
    assert_eq!(u[0].name.as_deref(), Some("account_summaries_insert"));
}

#[tokio::test]
async fn virtual_tables_are_kept_verbatim_without_shadow_tables() {
    let r = round_trip("virtual.sql").await;
    let s = &r.schemas[0];
    let tables: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tables, ["notes"]);
    let vt: Vec<(&str, Option<&str>)> = s
        .unsupported
        .iter()
        .map(|u| (u.kind.as_str(), u.name.as_deref()))
        .collect();
    assert_eq!(
        vt,
        [
            ("virtual_table", Some("notes_fts")),
            ("virtual_table", Some("places"))
        ]
    );
    assert!(s.unsupported[0].raw.contains("fts5"));
    assert_eq!(table(&r, "notes").triggers.len(), 1);
}

#[tokio::test]
async fn exclude_and_schemas_narrow_the_scope() {
    let d = fresh().await;
    d.execute(&schema_sql("shop.sql")).await.unwrap();
    d.execute(
        "CREATE TABLE atlas_schema_revisions (version TEXT PRIMARY KEY);
         CREATE TRIGGER orders_touch AFTER UPDATE ON orders BEGIN SELECT 1; END;",
    )
    .await
    .unwrap();
    let all = inspect(&d).await;
    assert!(
        all.schemas[0]
            .table("atlas_schema_revisions", Dialect::Sqlite)
            .is_none(),
        "the revisions table is never inspected"
    );
    let opts = InspectOptions {
        schemas: vec![],
        exclude: vec![
            "order_*".into(),
            "customers.news*".into(),
            "*[type=view]".into(),
            "orders.orders_touch".into(),
            "products.products_title_key".into(),
        ],
    };
    let r = d.inspect(&opts).await.unwrap();
    let s = &r.schemas[0];
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["customers", "orders", "products"]);
    assert!(s.views.is_empty());
    let customers = s.table("customers", Dialect::Sqlite).unwrap();
    assert!(customers.column("newsletter").is_none());
    assert!(customers.column("email").is_some());
    assert!(
        s.table("orders", Dialect::Sqlite)
            .unwrap()
            .triggers
            .is_empty()
    );
    assert!(
        s.table("products", Dialect::Sqlite)
            .unwrap()
            .index("products_title_key")
            .is_none()
    );

    let main = d
        .inspect(&InspectOptions {
            schemas: vec!["main".into()],
            exclude: vec![],
        })
        .await
        .unwrap();
    assert_eq!(main, all);
    let other = d
        .inspect(&InspectOptions {
            schemas: vec!["other".into()],
            exclude: vec![],
        })
        .await
        .unwrap();
    assert!(other.schemas.is_empty());
    d.close().await;
}

#[tokio::test]
async fn database_scope_qualifies_exclude_paths_with_the_schema() {
    let d = fresh().await;
    d.execute(&schema_sql("shop.sql")).await.unwrap();
    let inspect_with = |exclude: &str| {
        let opts = InspectOptions {
            schemas: vec![],
            exclude: vec![exclude.to_string()],
        };
        let pool = d.pool().clone();
        async move {
            cairn_sqlite::inspect::inspect_realm_counted(&pool, Dialect::Sqlite, None, &opts)
                .await
                .unwrap()
                .0
        }
    };
    let r = inspect_with("main.orders").await;
    assert!(r.schemas[0].table("orders", Dialect::Sqlite).is_none());
    assert!(r.schemas[0].table("customers", Dialect::Sqlite).is_some());
    let r = inspect_with("main.customers.news*").await;
    let customers = r.schemas[0].table("customers", Dialect::Sqlite).unwrap();
    assert!(customers.column("newsletter").is_none());
    // A schema-scope pattern names no table in database scope.
    let r = inspect_with("orders").await;
    assert!(r.schemas[0].table("orders", Dialect::Sqlite).is_some());
    d.close().await;
}

#[tokio::test]
async fn row_estimates_come_from_sqlite_stat1_after_analyze() {
    let d = fresh().await;
    d.execute(&schema_sql("blog.sql")).await.unwrap();
    d.execute("ANALYZE").await.unwrap();
    let r = inspect(&d).await;
    assert_eq!(table(&r, "authors").rows, Some(3));
    assert_eq!(table(&r, "posts").rows, Some(1));
    // A table created after ANALYZE is not covered by the statistics.
    d.execute("CREATE TABLE later (x INTEGER)").await.unwrap();
    let r = inspect(&d).await;
    assert_eq!(table(&r, "later").rows, None);
    assert!(
        r.schemas[0]
            .table("sqlite_stat1", Dialect::Sqlite)
            .is_none()
    );
    d.close().await;
}

#[tokio::test]
async fn catalog_queries_do_not_grow_with_tables() {
    async fn count(tables: usize) -> usize {
        let d = fresh().await;
        let mut sql = String::new();
        for i in 0..tables {
            sql.push_str(&format!(
                "CREATE TABLE t{i} (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES t0 (id), \
                 name TEXT UNIQUE CHECK (name <> ''));
                 CREATE INDEX t{i}_name_idx ON t{i} (lower(name));
                 CREATE TRIGGER t{i}_trg AFTER INSERT ON t{i} BEGIN SELECT 1; END;
                 CREATE VIEW v{i} AS SELECT * FROM t{i};\n"
            ));
        }
        d.execute(&sql).await.unwrap();
        let (realm, statements) = cairn_sqlite::inspect::inspect_realm_counted(
            d.pool(),
            Dialect::Sqlite,
            Some("main"),
            &InspectOptions::default(),
        )
        .await
        .unwrap();
        assert_eq!(realm.schemas[0].tables.len(), tables);
        assert_eq!(realm.schemas[0].views.len(), tables);
        d.close().await;
        statements
    }
    let one = count(1).await;
    let fifty = count(50).await;
    assert_eq!(one, fifty);
    // BEGIN, objects, columns, indexes, foreign keys, row counts, ROLLBACK.
    assert_eq!(one, 7);
}

#[tokio::test]
async fn an_empty_database_is_an_empty_main_schema() {
    let d = fresh().await;
    let r = inspect(&d).await;
    assert_eq!(r.schemas.len(), 1);
    assert!(r.schemas[0].is_empty());
    assert!(create_statements(&r).is_empty());
    d.close().await;
}
