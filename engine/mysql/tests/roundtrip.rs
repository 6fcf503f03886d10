//! Each schema under tests/schemas/ is executed in a fresh database and inspected (realm A);
//! key facts of A are asserted; A is printed with `create_statements`, executed in a second
//! fresh database and inspected again (realm B); A and B must be equal once the schema is
//! renamed: the printed SQL reproduces exactly what was inspected.

mod common;

use cairn_core::{Driver, InspectOptions};
use cairn_ir::{
    ColumnExt, ColumnType, Default as ColDefault, Expr, FkAction, GrantObject, IndexKey,
    IndexMethod, Literal, MyType, Privilege, QualifiedName, Realm, Schema, Table, TableExt,
    TriggerTiming,
};
use common::{Cleanup, assert_same, connect, inspect, print_and_reinspect, rename_schema, scratch};

/// Runs a schema file in a fresh database, inspects it, asserts the print-and-reinspect round
/// trip, and hands back the inspected realm with the database's name.
async fn round_trip(file: &str, id: &str) -> Option<(Realm, String)> {
    let path = format!("{}/tests/schemas/{file}", env!("CARGO_MANIFEST_DIR"));
    let sql = std::fs::read_to_string(&path)
        .expect("read schema file")
        .replace("{{id}}", id);
    let db = scratch().await?;
    let driver = connect(Some(&db.name)).await;
    driver
        .execute(&sql)
        .await
        .unwrap_or_else(|e| panic!("{file} does not run: {e}"));
    let realm = inspect(&driver, &InspectOptions::default()).await;
    driver.close().await;
    assert_eq!(realm.schemas.len(), 1, "{file}: one schema in schema scope");
    assert_eq!(realm.schemas[0].name, db.name);
    for t in &realm.schemas[0].tables {
        assert!(t.rows.is_some(), "{file}: {} has a row estimate", t.name);
    }

    let (mut back, back_name) = print_and_reinspect(&realm).await?;
    let mut expected = realm.clone();
    rename_schema(&mut expected, &db.name, "s");
    rename_schema(&mut back, &back_name, "s");
    assert_same(file, &expected, &back);
    Some((realm, db.name.clone()))
}

fn table<'a>(s: &'a Schema, name: &str) -> &'a Table {
    s.tables
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no table {name}"))
}

fn my(t: MyType) -> ColumnType {
    ColumnType::Mysql(t)
}

fn lit_str(s: &str) -> Option<ColDefault> {
    Some(ColDefault::Literal(Literal::String(s.into())))
}

fn lit_num(s: &str) -> Option<ColDefault> {
    Some(ColDefault::Literal(Literal::Number(s.into())))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shop() {
    let Some((realm, _)) = round_trip("shop.sql", "").await else {
        return;
    };
    let s = &realm.schemas[0];
    assert_eq!(s.tables.len(), 5);
    let customers = table(s, "customers");
    let id = customers.column("id").unwrap();
    assert_eq!(id.ty, my(MyType::BigInt { unsigned: true }));
    assert!(id.auto_increment && !id.nullable);
    assert_eq!(customers.column("country").unwrap().default, lit_str("US"));
    assert_eq!(customers.comment.as_deref(), Some("people who buy things"));
    let updated = customers.column("updated_at").unwrap();
    assert_eq!(
        updated.default,
        Some(ColDefault::Expr(Expr::new("current_timestamp()")))
    );
    assert!(
        matches!(&updated.ext, ColumnExt::Mysql(e) if e.on_update == Some(Expr::new("current_timestamp()")))
    );
    // An inline UNIQUE is a unique index named after its column.
    let email = customers.index("email").expect("inline unique key");
    assert!(email.unique);
    assert_eq!(customers.primary_key.as_ref().unwrap().name, None);
    // ENGINE=InnoDB is the server's default: not recorded.
    assert!(
        matches!(&customers.ext, TableExt::Mysql(e) if e.engine.is_none() && e.charset.is_none())
    );

    let products = table(s, "products");
    assert_eq!(products.column("price").unwrap().default, lit_num("0.00"));
    assert_eq!(
        products.column("status").unwrap().ty,
        my(MyType::Enum(vec![
            "draft".into(),
            "active".into(),
            "retired".into()
        ]))
    );
    // MariaDB's JSON is LONGTEXT with a json_valid check; it reads back as JSON, check hidden.
    assert_eq!(products.column("attributes").unwrap().ty, my(MyType::Json));
    assert_eq!(products.checks.len(), 1);
    assert_eq!(
        products.checks[0].name.as_deref(),
        Some("chk_price_positive")
    );
    let idx = products.index("idx_products_category").unwrap();
    assert!(!idx.unique && idx.parts.len() == 2 && idx.parts[1].desc && !idx.parts[0].desc);
    assert_eq!(
        products.index("ft_products_title").unwrap().method,
        IndexMethod::Fulltext
    );
    let fk = &products.foreign_keys[0];
    // The inspector keeps the name the server gave (a drop needs it); normalisation compares
    // it as the implicit one.
    assert_eq!(fk.name.as_deref(), Some("products_ibfk_1"));
    assert!(cairn_core::normalize::fk_name_is_implicit(
        realm.dialect,
        "products",
        fk
    ));
    assert_eq!(fk.ref_table, QualifiedName::unqualified("categories"));
    assert_eq!(fk.on_delete, FkAction::NoAction);

    let orders = table(s, "orders");
    let fk = &orders.foreign_keys[0];
    assert_eq!(fk.name.as_deref(), Some("fk_orders_customer"));
    assert_eq!(
        (fk.on_delete, fk.on_update),
        (FkAction::Cascade, FkAction::Cascade)
    );
    assert_eq!(
        orders.column("placed_at").unwrap().ty,
        my(MyType::Datetime(Some(3)))
    );
    assert_eq!(orders.column("note").unwrap().default, None);

    let items = table(s, "order_items");
    assert_eq!(
        items.primary_key.as_ref().unwrap().columns,
        ["order_id", "line"]
    );
    assert_eq!(
        items.checks[0].name, None,
        "a column check is named after its column"
    );
    assert_eq!(items.checks[0].expr.as_str(), "`quantity` > 0");
    assert_eq!(items.foreign_keys.len(), 2);

    let categories = table(s, "categories");
    assert_eq!(categories.foreign_keys[0].on_delete, FkAction::SetNull);
    assert_eq!(s.views.len(), 1);
    assert!(
        !s.views[0].definition.contains(&s.name),
        "the view's own schema is not spelled"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blog() {
    let Some((realm, _)) = round_trip("blog.sql", "").await else {
        return;
    };
    let s = &realm.schemas[0];
    let authors = table(s, "authors");
    // The table's collation differs from the database's default; its charset does not.
    assert!(matches!(&authors.ext, TableExt::Mysql(e)
        if e.charset.is_none() && e.collation.as_deref() == Some("utf8mb4_unicode_ci")));
    let handle = authors.column("handle").unwrap();
    assert!(matches!(&handle.ext, ColumnExt::Mysql(e) if e.charset.as_deref() == Some("ascii")));
    assert_eq!(
        handle.collation, None,
        "ascii's default collation is implied"
    );
    assert_eq!(
        authors.column("display_name").unwrap().collation.as_deref(),
        Some("utf8mb4_bin")
    );
    assert_eq!(
        authors.column("bio").unwrap().comment.as_deref(),
        Some("markdown")
    );

    let posts = table(s, "posts");
    let slug = posts.column("slug").unwrap().generated.as_ref().unwrap();
    assert!(slug.stored);
    assert!(
        !posts
            .column("title_length")
            .unwrap()
            .generated
            .as_ref()
            .unwrap()
            .stored
    );
    assert_eq!(posts.column("published").unwrap().ty, my(MyType::Bool));
    assert_eq!(posts.column("published").unwrap().default, lit_num("0"));
    assert_eq!(
        posts.index("idx_posts_slug").unwrap().parts[0].prefix,
        Some(50)
    );
    assert_eq!(posts.column("body").unwrap().ty, my(MyType::MediumText));

    let tags = table(s, "tags");
    assert!(tags.index("name").is_some_and(|i| i.unique));
    let comments = table(s, "comments");
    assert_eq!(
        comments.column("author_email").unwrap().default,
        lit_str("anonymous@example.com")
    );
    assert_eq!(comments.triggers.len(), 1);
    let trg = &comments.triggers[0];
    assert_eq!(trg.timing, TriggerTiming::After);
    assert!(trg.body.as_deref().unwrap().contains("comment_count + 1"));
    assert_eq!(s.views[0].check_option.as_deref(), Some("CASCADED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_with_grants() {
    let id = common::unique("x").replace('-', "_");
    let app = format!("cairn_app_{id}");
    let reader = format!("cairn_reader_{id}");
    let _accounts = Cleanup(format!(
        "DROP USER IF EXISTS '{app}'@'%'; DROP ROLE IF EXISTS {reader}"
    ));
    let Some((realm, _db)) = round_trip("auth.sql", &id).await else {
        return;
    };
    let s = &realm.schemas[0];
    let accounts = table(s, "accounts");
    assert_eq!(
        accounts.column("id").unwrap().ty,
        my(MyType::Binary(Some(16)))
    );
    assert_eq!(accounts.column("is_admin").unwrap().ty, my(MyType::Bool));
    assert_eq!(
        accounts.column("failed_logins").unwrap().ty,
        my(MyType::TinyInt { unsigned: true })
    );
    assert_eq!(
        table(s, "sessions").column("ip").unwrap().ty,
        my(MyType::Inet6)
    );
    let scopes = table(s, "api_keys").column("scopes").unwrap();
    assert_eq!(
        scopes.ty,
        my(MyType::Set(vec![
            "read".into(),
            "write".into(),
            "admin".into()
        ]))
    );
    assert_eq!(scopes.default, lit_str("read"));

    // Schema scope: grants on this database's objects, and the accounts holding them (so a
    // schema that declares them converges); a grant on the database itself is on the current
    // one, as `GRANT … ON *` says.
    let app_account = format!("{app}@%");
    let user = realm
        .role(&app_account)
        .expect("the account holding grants here");
    assert!(user.login);
    let role = realm.role(&reader).expect("the role holding grants here");
    assert!(!role.login);
    let on_schema = realm
        .permissions
        .iter()
        .find(|p| p.grantee == app_account && p.object == GrantObject::Database)
        .expect("database grant");
    assert_eq!(on_schema.privileges.len(), 4);
    let sessions = realm
        .permissions
        .iter()
        .find(|p| {
            p.grantee == reader
                && p.object == GrantObject::Table(QualifiedName::unqualified("sessions"))
        })
        .expect("table grant to the role");
    assert!(sessions.grantable);
    let cols = realm
        .permissions
        .iter()
        .find(|p| {
            p.grantee == app_account
                && p.privileges == [Privilege::Select]
                && matches!(p.object, GrantObject::Columns(..))
        })
        .expect("column grant");
    assert_eq!(
        cols.object,
        GrantObject::Columns(
            QualifiedName::unqualified("accounts"),
            vec!["email".into(), "id".into()]
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn types() {
    let Some((realm, _)) = round_trip("types.sql", "").await else {
        return;
    };
    let s = &realm.schemas[0];
    let n = table(s, "numbers");
    assert_eq!(n.column("t").unwrap().default, lit_num("-1"));
    assert_eq!(
        n.column("m").unwrap().ty,
        my(MyType::MediumInt { unsigned: true })
    );
    assert_eq!(
        n.column("b").unwrap().default,
        lit_num("18446744073709551615")
    );
    assert_eq!(n.column("flag").unwrap().ty, my(MyType::Bool));
    assert_eq!(n.column("flag").unwrap().default, lit_num("1"));
    assert_eq!(
        n.column("d0").unwrap().ty,
        my(MyType::Decimal {
            precision: Some(10),
            scale: Some(0),
            unsigned: false
        })
    );
    assert_eq!(
        n.column("bits").unwrap().default,
        Some(ColDefault::Expr(Expr::new("b'1111'")))
    );
    assert_eq!(n.column("y").unwrap().ty, my(MyType::Year));

    let st = table(s, "strings");
    assert_eq!(st.column("vc").unwrap().default, lit_str("it's a \\ path"));
    assert_eq!(
        st.column("vnull").unwrap().default,
        lit_str("NULL"),
        "the string 'NULL' is not NULL"
    );
    let latin = st.column("latin").unwrap();
    assert!(matches!(&latin.ext, ColumnExt::Mysql(e) if e.charset.as_deref() == Some("latin1")));
    assert_eq!(latin.collation, None);
    assert_eq!(
        st.column("latin_bin").unwrap().collation.as_deref(),
        Some("latin1_bin")
    );
    assert_eq!(
        st.column("e").unwrap().ty,
        my(MyType::Enum(vec!["a".into(), "b'c".into(), "D".into()]))
    );
    assert_eq!(st.column("e").unwrap().default, lit_str("b'c"));
    assert_eq!(st.column("st").unwrap().default, lit_str("x,z"));
    assert_eq!(st.column("doc").unwrap().ty, my(MyType::Json));
    assert!(
        st.checks.is_empty(),
        "the JSON check is hidden: {:?}",
        st.checks
    );
    assert!(matches!(&st.column("hidden").unwrap().ext, ColumnExt::Mysql(e) if e.invisible));
    assert_eq!(
        st.column("len").unwrap().comment.as_deref(),
        Some("stored length")
    );
    assert_eq!(st.column("lb").unwrap().ty, my(MyType::LongBlob));
    assert_eq!(st.column("vb").unwrap().ty, my(MyType::Varbinary(64)));

    let t = table(s, "times");
    assert_eq!(t.column("d").unwrap().default, lit_str("2020-01-01"));
    assert_eq!(
        t.column("dt6").unwrap().default,
        Some(ColDefault::Expr(Expr::new("current_timestamp(6)")))
    );
    assert!(t.column("ts").unwrap().nullable);
    assert_eq!(t.column("tm").unwrap().ty, my(MyType::Time(Some(2))));

    let sp = table(s, "special");
    assert_eq!(sp.column("id").unwrap().ty, my(MyType::Uuid));
    assert_eq!(
        sp.column("id").unwrap().default,
        Some(ColDefault::Expr(Expr::new("uuid()")))
    );
    assert_eq!(sp.column("v4").unwrap().ty, my(MyType::Inet4));
    assert_eq!(
        sp.column("pt").unwrap().ty,
        my(MyType::Spatial("point".into()))
    );
    assert_eq!(sp.index("sp_pt").unwrap().method, IndexMethod::Spatial);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_and_indexes() {
    let Some((realm, _)) = round_trip("keys.sql", "").await else {
        return;
    };
    let s = &realm.schemas[0];
    let d = table(s, "departments");
    let uq = d.index("uq_departments_name").unwrap();
    assert!(uq.unique);
    assert_eq!(uq.parts[0].prefix, Some(20));
    assert!(
        uq.comment
            .as_deref()
            .is_some_and(|c| c.contains("first 20"))
    );
    assert_eq!(
        d.foreign_keys[0].name.as_deref(),
        Some("fk_departments_manager")
    );

    let e = table(s, "employees");
    assert_eq!(e.foreign_keys.len(), 2);
    let mentor = e
        .foreign_keys
        .iter()
        .find(|f| f.name.as_deref() == Some("fk_employees_mentor"))
        .unwrap();
    assert_eq!(mentor.ref_table.name, "employees");
    let names: Vec<Option<&str>> = e.checks.iter().map(|c| c.name.as_deref()).collect();
    assert_eq!(names.iter().filter(|n| n.is_none()).count(), 2, "{names:?}");
    assert!(names.contains(&Some("chk_bonus")));
    assert!(e.index("idx_employees_salary").unwrap().parts[0].desc);
    assert_eq!(
        e.index("uq_employees_name")
            .unwrap()
            .parts
            .iter()
            .map(|p| p.key.clone())
            .collect::<Vec<_>>(),
        [
            IndexKey::Column("last_name".into()),
            IndexKey::Column("first_name".into())
        ]
    );

    let cache = table(s, "lookup_cache");
    assert!(matches!(&cache.ext, TableExt::Mysql(x) if x.engine.as_deref() == Some("MEMORY")));
    assert_eq!(
        cache.index("idx_cache_v").unwrap().method,
        IndexMethod::Hash
    );
    let audit = table(s, "audit_log");
    assert!(matches!(&audit.ext, TableExt::Mysql(x)
        if x.engine.as_deref() == Some("MyISAM") && x.row_format.as_deref() == Some("DYNAMIC")));
    assert_eq!(
        audit.primary_key.as_ref().unwrap().columns,
        ["id", "happened_at"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routines_triggers_and_events() {
    let Some((realm, _)) = round_trip("routines.sql", "").await else {
        return;
    };
    let s = &realm.schemas[0];
    let tax = s.functions.iter().find(|f| f.name == "with_tax").unwrap();
    assert!(tax.deterministic);
    assert_eq!(tax.returns.as_deref(), Some("decimal(12,2)"));
    assert_eq!(tax.args.len(), 2);
    assert_eq!(tax.args[1].ty, "decimal(5,4)");
    assert_eq!(tax.comment.as_deref(), Some("adds tax"));
    let total = s
        .functions
        .iter()
        .find(|f| f.name == "ledger_total")
        .unwrap();
    assert!(!total.security_definer);
    assert_eq!(
        total.config,
        [("SQL DATA ACCESS".to_string(), "READS SQL DATA".to_string())]
    );
    assert!(total.body.starts_with("BEGIN"));
    let add = s.procedures.iter().find(|f| f.name == "add_entry").unwrap();
    assert_eq!(add.args[1].mode, cairn_ir::ArgMode::Out);
    assert_eq!(add.args[1].ty, "int");
    assert_eq!(s.procedures.len(), 2);

    let ledger = table(s, "ledger");
    let names: Vec<&str> = ledger.triggers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["ledger_balance", "ledger_touch", "ledger_touch_again"]
    );
    assert_eq!(s.unsupported.len(), 1);
    let ev = &s.unsupported[0];
    assert_eq!(
        (ev.kind.as_str(), ev.name.as_deref()),
        ("event", Some("purge_zero"))
    );
    assert!(
        ev.raw.contains("EVERY 1 DAY")
            && ev.raw.contains("DISABLE")
            && ev.raw.contains("'nightly'"),
        "{}",
        ev.raw
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partitions_and_system_versioning() {
    let Some((realm, _)) = round_trip("partitions.sql", "").await else {
        return;
    };
    let s = &realm.schemas[0];
    let part = |name: &str| match &table(s, name).ext {
        TableExt::Mysql(e) => e.partitioning.clone().unwrap_or_default(),
        _ => String::new(),
    };
    assert!(
        part("measurements").starts_with("PARTITION BY RANGE (year(`taken_on`))"),
        "{}",
        part("measurements")
    );
    assert!(part("measurements").contains("PARTITION `pmax` VALUES LESS THAN MAXVALUE"));
    assert!(
        part("regions").starts_with("PARTITION BY LIST COLUMNS(`code`)"),
        "{}",
        part("regions")
    );
    assert_eq!(part("buckets"), "PARTITION BY HASH (`id`) PARTITIONS 4");
    assert_eq!(part("keyed"), "PARTITION BY KEY (`id`) PARTITIONS 2");
    let prices = table(s, "prices");
    assert!(matches!(&prices.ext, TableExt::Mysql(e) if e.system_versioned));
    assert_eq!(
        prices.columns.len(),
        2,
        "the hidden period columns are not the table's"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn views() {
    let Some((realm, _)) = round_trip("views.sql", "").await else {
        return;
    };
    let s = &realm.schemas[0];
    let view = |n: &str| s.views.iter().find(|v| v.name == n).unwrap();
    assert_eq!(s.views.len(), 4);
    let cheap = view("cheap_in_stock");
    assert_eq!(cheap.check_option.as_deref(), Some("LOCAL"));
    assert_eq!(
        cheap.options,
        [("ALGORITHM".to_string(), "MERGE".to_string())]
    );
    assert_eq!(
        view("stock_value").options,
        [("SQL SECURITY".to_string(), "INVOKER".to_string())]
    );
    assert!(view("in_stock").definition.contains("`items`"));
    // Printed in dependency order, whatever the alphabet says.
    let sql = cairn_mysql::create_statements(&realm);
    let pos = |n: &str| {
        sql.iter()
            .position(|x| x.contains(&format!("VIEW `{n}`")))
            .unwrap()
    };
    assert!(pos("in_stock") < pos("cheap_in_stock"));
    assert!(pos("cheap_in_stock") < pos("zz_first_alphabetically"));
}
