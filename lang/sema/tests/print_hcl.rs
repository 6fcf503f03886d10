//! Printing realms as Atlas HCL: snapshots of what `schema inspect` shows for hand-built realms
//! of every dialect, and the round trip realm -> HCL -> compile -> the same realm.

use cairn_ir::*;
use cairn_sema::compile;
use cairn_sema::print_hcl::realm_to_hcl;
use cairn_syntax::hcl::fmt::format;

fn q(schema: &str, name: &str) -> QualifiedName {
    QualifiedName::new(Some(schema), name)
}

fn col(dialect: Dialect, name: &str, ty: &str) -> Column {
    let mut c = Column::new(name, ColumnType::parse(dialect, ty));
    c.nullable = false;
    c
}

fn nullable(mut c: Column) -> Column {
    c.nullable = true;
    c
}

fn with_default(mut c: Column, d: Default) -> Column {
    c.default = Some(d);
    c
}

fn lit_str(s: &str) -> Default {
    Default::Literal(Literal::String(s.to_string()))
}

fn expr(s: &str) -> Expr {
    Expr::new(s)
}

fn pk(cols: &[&str]) -> PrimaryKey {
    PrimaryKey {
        name: None,
        columns: cols.iter().map(|c| c.to_string()).collect(),
        include: Vec::new(),
        deferrable: Deferrable::No,
    }
}

fn fk(
    name: &str,
    cols: &[&str],
    table: QualifiedName,
    refs: &[&str],
    on_delete: FkAction,
) -> ForeignKey {
    ForeignKey {
        name: Some(name.to_string()),
        columns: cols.iter().map(|c| c.to_string()).collect(),
        ref_table: table,
        ref_columns: refs.iter().map(|c| c.to_string()).collect(),
        on_update: FkAction::NoAction,
        on_delete,
        deferrable: Deferrable::No,
        not_valid: false,
    }
}

fn check(name: Option<&str>, e: &str) -> Check {
    Check {
        name: name.map(str::to_string),
        expr: expr(e),
        enforced: true,
        no_inherit: false,
        not_valid: false,
        comment: None,
    }
}

fn function(name: &str, returns: Option<&str>, language: &str, body: &str) -> Function {
    Function {
        name: name.to_string(),
        args: Vec::new(),
        returns: returns.map(str::to_string),
        language: language.to_string(),
        body: body.to_string(),
        volatility: Volatility::Volatile,
        strict: false,
        security_definer: false,
        leakproof: false,
        parallel: None,
        deterministic: false,
        config: Vec::new(),
        comment: None,
    }
}

fn arg(name: &str, ty: &str) -> FuncArg {
    FuncArg {
        name: Some(name.to_string()),
        ty: ty.to_string(),
        mode: ArgMode::In,
        default: None,
    }
}

fn view(name: &str, definition: &str) -> View {
    View {
        name: name.to_string(),
        definition: definition.to_string(),
        columns: Vec::new(),
        comment: None,
        check_option: None,
        security_invoker: None,
        options: Vec::new(),
        indexes: Vec::new(),
        with_data: true,
    }
}

/// A PostgreSQL realm with one schema holding every object kind the IR has.
fn postgres_realm() -> Realm {
    let d = Dialect::Postgres;
    let mut realm = Realm::new(d);
    let mut s = Schema::new("public");
    s.comment = Some("app schema".into());
    s.extensions.push(Extension {
        name: "pgcrypto".into(),
        version: Some("1.3".into()),
        comment: None,
    });
    s.enums.push(Enum {
        name: "order_status".into(),
        values: vec!["new".into(), "paid".into(), "it's \"shipped\"".into()],
        comment: Some("where an order is".into()),
    });
    s.domains.push(Domain {
        name: "email".into(),
        base: ColumnType::parse(d, "text"),
        nullable: false,
        default: None,
        collation: None,
        checks: vec![check(Some("has_at"), "VALUE ~~ '%@%'")],
        comment: None,
    });
    s.composites.push(Composite {
        name: "address".into(),
        fields: vec![
            ("street".into(), ColumnType::parse(d, "text")),
            ("zip".into(), ColumnType::parse(d, "varchar(10)")),
        ],
        comment: None,
    });
    s.sequences.push(Sequence {
        name: "invoice_seq".into(),
        data_type: Some(ColumnType::parse(d, "integer")),
        start: Some(1000),
        increment: Some(10),
        min_value: Some(1),
        max_value: Some(1_000_000),
        cache: Some(5),
        cycle: true,
        owned_by: Some(("orders".into(), "id".into())),
        comment: None,
    });

    let mut users = Table::new("users");
    users.comment = Some("people who log in".into());
    let mut id = col(d, "id", "bigint");
    id.identity = Some(Identity {
        generated: IdentityKind::Always,
        start: Some(100),
        increment: Some(1),
        options: None,
    });
    users.columns.push(id);
    let mut email = col(d, "email", "varchar(255)");
    email.collation = Some("C".into());
    email.comment = Some("login; unique".into());
    users.columns.push(email);
    users
        .columns
        .push(nullable(col(d, "nickname", "character varying")));
    users.columns.push(with_default(
        col(d, "created_at", "timestamptz"),
        Default::Expr(expr("now()")),
    ));
    users.columns.push(with_default(
        col(d, "active", "boolean"),
        Default::Literal(Literal::Bool(true)),
    ));
    users.columns.push(with_default(
        col(d, "score", "double precision"),
        Default::Literal(Literal::Number("-1.5".into())),
    ));
    users.columns.push(with_default(
        col(d, "note", "text"),
        lit_str("say \"hi\" to ${name} at 100%{x} \\o/"),
    ));
    users.columns.push(nullable(col(d, "tags", "text[]")));
    users
        .columns
        .push(nullable(col(d, "embedding", "vector(3)")));
    users
        .columns
        .push(nullable(col(d, "home", "public.address")));
    users
        .columns
        .push(nullable(col(d, "contact", "public.email")));
    let mut lower = col(d, "email_lower", "text");
    lower.generated = Some(Generated {
        expr: expr("lower(email)"),
        stored: true,
    });
    users.columns.push(lower);
    users
        .columns
        .push(nullable(col(d, "my col", "numeric(10,2)")));
    users.primary_key = Some(pk(&["id"]));
    let mut partial = Index::on_columns("users_active_idx", &["created_at"], false);
    partial.predicate = Some(expr("active"));
    partial.include = vec!["nickname".into()];
    users.indexes.push(partial);
    let mut exprs = Index::on_columns("users_lower_idx", &[], true);
    exprs.parts.push(IndexPart {
        key: IndexKey::Expr(expr("lower(email)")),
        desc: true,
        nulls_first: None,
        opclass: Some("text_pattern_ops".into()),
        collation: None,
        prefix: None,
    });
    exprs.parts.push(IndexPart {
        key: IndexKey::Column("my col".into()),
        desc: false,
        nulls_first: Some(true),
        opclass: None,
        collation: Some("C".into()),
        prefix: None,
    });
    exprs.nulls_distinct = Some(false);
    users.indexes.push(exprs);
    let mut gin = Index::on_columns("users_tags_idx", &["tags"], false);
    gin.method = IndexMethod::Gin;
    gin.storage_params = vec![("fastupdate".into(), "off".into())];
    users.indexes.push(gin);
    let mut brin = Index::on_columns("users_created_brin", &["created_at"], false);
    brin.method = IndexMethod::Brin;
    brin.storage_params = vec![("pages_per_range".into(), "32".into())];
    users.indexes.push(brin);
    users
        .checks
        .push(check(Some("email_has_at"), "email ~~ '%@%'"));
    let mut ni = check(Some("score_positive"), "score > -100");
    ni.no_inherit = true;
    users.checks.push(ni);
    users.row_security = RowSecurity {
        enabled: true,
        forced: true,
    };
    users.policies.push(Policy {
        name: "own_rows".into(),
        permissive: true,
        command: PolicyCommand::Select,
        roles: vec!["app_user".into()],
        using: Some(expr("id = current_setting('app.uid')::bigint")),
        check: None,
    });
    users.policies.push(Policy {
        name: "no_deletes".into(),
        permissive: false,
        command: PolicyCommand::Delete,
        roles: vec!["public".into()],
        using: Some(expr("false")),
        check: None,
    });

    let mut orders = Table::new("orders");
    orders.columns.push(col(d, "id", "bigserial"));
    orders.columns.push(col(d, "user_id", "bigint"));
    orders.columns.push(with_default(
        col(d, "status", "public.order_status"),
        lit_str("new"),
    ));
    orders.columns.push(col(d, "room", "integer"));
    orders.columns.push(col(d, "starts", "timestamp(3)"));
    orders.columns.push(col(d, "ends", "timestamp(3)"));
    orders
        .columns
        .push(nullable(col(d, "updated_at", "timestamptz")));
    orders.primary_key = Some(PrimaryKey {
        name: Some("orders_pk".into()),
        columns: vec!["id".into(), "starts".into()],
        include: Vec::new(),
        deferrable: Deferrable::No,
    });
    let mut ofk = fk(
        "orders_user_fk",
        &["user_id"],
        q("public", "users"),
        &["id"],
        FkAction::Cascade,
    );
    ofk.on_update = FkAction::SetNull;
    ofk.deferrable = Deferrable::InitiallyDeferred;
    orders.foreign_keys.push(ofk);
    orders.foreign_keys.push(ForeignKey {
        name: None,
        ..fk(
            "",
            &["room"],
            q("public", "rooms"),
            &["id"],
            FkAction::Restrict,
        )
    });
    orders.checks.push(check(None, "starts < ends"));
    orders.excludes.push(Exclude {
        name: Some("orders_no_overlap".into()),
        definition:
            "USING gist (\"room\" WITH =, (tsrange(starts, ends)) WITH &&) WHERE (room > 0)".into(),
    });
    orders.partition_by = Some(PartitionBy {
        strategy: PartitionStrategy::Range,
        keys: vec![IndexKey::Column("starts".into())],
    });
    orders.triggers.push(Trigger {
        name: "orders_touch".into(),
        timing: TriggerTiming::Before,
        events: vec![TriggerEvent::Update {
            columns: Vec::new(),
        }],
        for_each_row: true,
        when: Some(expr("OLD.* IS DISTINCT FROM NEW.*")),
        function: Some(q("public", "touch")),
        function_args: vec!["updated_at".into()],
        body: None,
        extra: None,
    });
    orders.triggers.push(Trigger {
        name: "orders_audit".into(),
        timing: TriggerTiming::After,
        events: vec![
            TriggerEvent::Insert,
            TriggerEvent::Update {
                columns: vec!["status".into()],
            },
            TriggerEvent::Delete,
        ],
        for_each_row: false,
        when: None,
        function: Some(q("public", "touch")),
        function_args: Vec::new(),
        body: None,
        extra: None,
    });

    let mut rooms = Table::new("rooms");
    rooms.columns.push(col(d, "id", "integer"));
    rooms.columns.push(with_default(
        col(d, "capacity", "smallint"),
        Default::Literal(Literal::Number("4".into())),
    ));
    rooms.primary_key = Some(pk(&["id"]));
    rooms.ext = TableExt::Postgres(PgTableExt {
        unlogged: true,
        access_method: Some("heap".into()),
        storage_params: vec![("fillfactor".into(), "70".into())],
        replica_identity: Some("FULL".into()),
        ..PgTableExt::default()
    });

    s.tables = vec![users.into(), orders.into(), rooms.into()];

    let mut active = view(
        "active_users",
        "SELECT id, email\nFROM users\n  WHERE active AND note <> '${x}'",
    );
    active.columns = vec!["id".into(), "email".into()];
    active.check_option = Some("LOCAL".into());
    active.security_invoker = Some(true);
    active.comment = Some("users who can log in".into());
    s.views.push(active);
    let mut stats = view(
        "order_stats",
        "SELECT user_id, count(*) AS n FROM orders GROUP BY user_id",
    );
    stats.with_data = false;
    stats.columns = vec!["user_id".into(), "n".into()];
    stats.indexes.push(Index::on_columns(
        "order_stats_user_idx",
        &["user_id"],
        true,
    ));
    s.materialized_views.push(stats);

    let mut touch = function(
        "touch",
        Some("trigger"),
        "plpgsql",
        "BEGIN\n  NEW.updated_at = now();\n  RETURN NEW;\nEND;",
    );
    touch.security_definer = true;
    touch.config = vec![("search_path".into(), "public".into())];
    s.functions.push(touch);
    let mut add = function("add", Some("integer"), "sql", "SELECT a + b");
    add.args = vec![arg("a", "integer"), arg("b", "integer")];
    add.args[1].default = Some(expr("1"));
    add.volatility = Volatility::Immutable;
    add.strict = true;
    add.leakproof = true;
    add.parallel = Some("SAFE".into());
    add.comment = Some("adds".into());
    s.functions.push(add);
    let mut ids = function(
        "user_ids",
        Some("SETOF bigint"),
        "sql",
        "SELECT id FROM users",
    );
    ids.volatility = Volatility::Stable;
    s.functions.push(ids);
    let mut pairs = function(
        "pairs",
        Some("TABLE (\"a\" integer, \"b\" text)"),
        "sql",
        "SELECT 1, 'x'",
    );
    pairs.args = vec![FuncArg {
        name: Some("n".into()),
        ty: "int[]".into(),
        mode: ArgMode::Variadic,
        default: None,
    }];
    s.functions.push(pairs);
    let mut archive = function("archive", None, "plpgsql", "BEGIN DELETE FROM orders; END;");
    archive.args = vec![FuncArg {
        name: Some("moved".into()),
        ty: "bigint".into(),
        mode: ArgMode::InOut,
        default: None,
    }];
    s.procedures.push(archive);
    s.aggregates.push(Aggregate {
        name: "total".into(),
        args: vec![FuncArg {
            name: None,
            ty: "integer".into(),
            mode: ArgMode::In,
            default: None,
        }],
        state_func: "int4pl".into(),
        state_type: "integer".into(),
        final_func: None,
        initial_value: Some("0".into()),
        comment: None,
    });
    realm.schemas.push(s);

    let mut app = Role::new("app_user");
    app.login = true;
    app.conn_limit = Some(10);
    app.member_of = vec!["readers".into()];
    app.comment = Some("the application".into());
    realm.roles.push(app);
    let mut readers = Role::new("readers");
    readers.inherit = false;
    readers.create_db = true;
    readers.bypass_rls = true;
    realm.roles.push(readers);
    let mut ext = Role::new("dba");
    ext.external = true;
    ext.superuser = true;
    realm.roles.push(ext);
    realm.permissions.push(Permission {
        grantee: "app_user".into(),
        privileges: vec![Privilege::Select, Privilege::Insert],
        object: GrantObject::Table(q("public", "users")),
        grantable: false,
    });
    realm.permissions.push(Permission {
        grantee: "readers".into(),
        privileges: vec![Privilege::Select],
        object: GrantObject::Columns(q("public", "orders"), vec!["id".into(), "status".into()]),
        grantable: true,
    });
    realm.permissions.push(Permission {
        grantee: "readers".into(),
        privileges: vec![Privilege::Usage],
        object: GrantObject::Schema("public".into()),
        grantable: false,
    });
    realm.permissions.push(Permission {
        grantee: "PUBLIC".into(),
        privileges: vec![Privilege::Execute],
        object: GrantObject::Function(q("public", "add"), Vec::new()),
        grantable: false,
    });
    realm.permissions.push(Permission {
        grantee: "app_user".into(),
        privileges: vec![Privilege::Usage, Privilege::Select],
        object: GrantObject::Sequence(q("public", "invoice_seq")),
        grantable: false,
    });
    realm.permissions.push(Permission {
        grantee: "app_user".into(),
        privileges: vec![Privilege::Usage],
        object: GrantObject::Type(q("public", "order_status")),
        grantable: false,
    });
    realm.permissions.push(Permission {
        grantee: "app_user".into(),
        privileges: vec![Privilege::Select],
        object: GrantObject::Table(q("public", "active_users")),
        grantable: false,
    });
    realm
}

/// Two PostgreSQL schemas with a table of the same name: labels and references are qualified.
fn postgres_two_schemas() -> Realm {
    let d = Dialect::Postgres;
    let mut realm = Realm::new(d);
    for name in ["public", "audit"] {
        let mut s = Schema::new(name);
        s.enums.push(Enum {
            name: "level".into(),
            values: vec!["low".into(), "high".into()],
            comment: None,
        });
        let mut t = Table::new("events");
        t.columns.push(col(d, "id", "bigint"));
        t.columns.push(col(d, "level", &format!("{name}.level")));
        t.primary_key = Some(pk(&["id"]));
        if name == "audit" {
            t.columns.push(col(d, "public_id", "bigint"));
            t.foreign_keys.push(fk(
                "events_public_fk",
                &["public_id"],
                q("public", "events"),
                &["id"],
                FkAction::Cascade,
            ));
            let mut v = view("recent", "SELECT id FROM audit.events");
            v.comment = Some("recent".into());
            s.views.push(v);
        }
        s.tables.push(t.into());
        realm.schemas.push(s);
    }
    realm.permissions.push(Permission {
        grantee: "PUBLIC".into(),
        privileges: vec![Privilege::Select],
        object: GrantObject::Table(q("audit", "events")),
        grantable: false,
    });
    realm
}

fn mysql_realm() -> Realm {
    let d = Dialect::MYSQL;
    let mut realm = Realm::new(d);
    let mut s = Schema::new("shop");
    s.charset = Some("utf8mb4".into());
    s.collation = Some("utf8mb4_0900_ai_ci".into());
    s.comment = Some("the shop".into());
    let mut products = Table::new("products");
    let mut id = col(d, "id", "bigint unsigned");
    id.auto_increment = true;
    products.columns.push(id);
    products.columns.push(with_default(
        col(d, "kind", "enum('book','toy','it''s')"),
        lit_str("book"),
    ));
    products
        .columns
        .push(nullable(col(d, "flags", "set('a','b')")));
    let mut title = col(d, "title", "varchar(200)");
    title.collation = Some("utf8mb4_bin".into());
    title.ext = ColumnExt::Mysql(MyColumnExt {
        charset: Some("utf8mb4".into()),
        ..MyColumnExt::default()
    });
    products.columns.push(title);
    products.columns.push(with_default(
        col(d, "price", "decimal(10,2) unsigned"),
        Default::Literal(Literal::Number("0.00".into())),
    ));
    products.columns.push(with_default(
        col(d, "active", "bool"),
        Default::Literal(Literal::Bool(false)),
    ));
    products.columns.push(nullable(col(d, "doc", "json")));
    let mut updated = with_default(
        col(d, "updated_at", "timestamp(6)"),
        Default::Expr(expr("CURRENT_TIMESTAMP(6)")),
    );
    updated.ext = ColumnExt::Mysql(MyColumnExt {
        on_update: Some(expr("CURRENT_TIMESTAMP(6)")),
        invisible: true,
        ..MyColumnExt::default()
    });
    products.columns.push(updated);
    let mut pos = col(d, "pos", "point");
    pos.ext = ColumnExt::Mysql(MyColumnExt {
        srid: Some(4326),
        ..MyColumnExt::default()
    });
    products.columns.push(pos);
    let mut gen_col = nullable(col(d, "title_len", "int"));
    gen_col.generated = Some(Generated {
        expr: expr("char_length(`title`)"),
        stored: false,
    });
    products.columns.push(gen_col);
    products.primary_key = Some(pk(&["id"]));
    let mut ft = Index::on_columns("products_title_ft", &["title"], false);
    ft.method = IndexMethod::Fulltext;
    ft.parser = Some("ngram".into());
    products.indexes.push(ft);
    let mut prefix = Index::on_columns("products_title_prefix", &[], true);
    prefix.parts.push(IndexPart {
        prefix: Some(10),
        ..IndexPart::column("title")
    });
    prefix.parts.push(IndexPart {
        desc: true,
        ..IndexPart::column("price")
    });
    products.indexes.push(prefix);
    let mut nc = check(Some("price_sane"), "`price` < 1000000");
    nc.enforced = false;
    products.checks.push(nc);
    products.ext = TableExt::Mysql(MyTableExt {
        engine: Some("InnoDB".into()),
        charset: Some("utf8mb4".into()),
        collation: Some("utf8mb4_bin".into()),
        auto_increment: Some(1000),
        row_format: Some("DYNAMIC".into()),
        system_versioned: false,
        partitioning: None,
    });
    let mut reviews = Table::new("reviews");
    reviews.columns.push(col(d, "id", "int"));
    reviews
        .columns
        .push(col(d, "product_id", "bigint unsigned"));
    reviews.columns.push(col(d, "stars", "tinyint unsigned"));
    reviews.primary_key = Some(pk(&["id"]));
    reviews.indexes.push(Index::on_columns(
        "reviews_product_idx",
        &["product_id"],
        false,
    ));
    reviews.foreign_keys.push(fk(
        "reviews_product_fk",
        &["product_id"],
        q("shop", "products"),
        &["id"],
        FkAction::Cascade,
    ));
    reviews.triggers.push(Trigger {
        name: "reviews_clamp".into(),
        timing: TriggerTiming::Before,
        events: vec![TriggerEvent::Insert],
        for_each_row: true,
        when: None,
        function: None,
        function_args: Vec::new(),
        body: Some("SET NEW.stars = LEAST(NEW.stars, 5)".into()),
        extra: None,
    });
    s.tables = vec![products.into(), reviews.into()];
    let mut v = view("cheap", "select `id` from `products` where `price` < 10");
    v.options = vec![
        ("SQL SECURITY".into(), "INVOKER".into()),
        ("ALGORITHM".into(), "MERGE".into()),
    ];
    v.check_option = Some("CASCADED".into());
    s.views.push(v);
    let mut f = function("discount", Some("decimal(10,2)"), "sql", "RETURN p * 0.9");
    f.args = vec![arg("p", "decimal(10,2)")];
    f.deterministic = true;
    s.functions.push(f);
    let mut p = function(
        "reset_prices",
        None,
        "sql",
        "BEGIN\nUPDATE products SET price = 0;\nEND",
    );
    p.args = vec![FuncArg {
        name: Some("n".into()),
        ty: "int".into(),
        mode: ArgMode::Out,
        default: None,
    }];
    s.procedures.push(p);
    realm.schemas.push(s);
    let mut user = Role::new("app@%");
    user.login = true;
    user.conn_limit = Some(20);
    realm.roles.push(user);
    realm.roles.push(Role::new("reader"));
    realm.roles[0].member_of = vec!["reader".into()];
    realm.permissions.push(Permission {
        grantee: "app@%".into(),
        privileges: vec![Privilege::Select, Privilege::Update],
        object: GrantObject::Table(q("shop", "products")),
        grantable: true,
    });
    realm.permissions.push(Permission {
        grantee: "reader".into(),
        privileges: vec![Privilege::Select],
        object: GrantObject::Schema("shop".into()),
        grantable: false,
    });
    realm
}

fn mariadb_realm() -> Realm {
    let d = Dialect::MARIADB;
    let mut realm = Realm::new(d);
    let mut s = Schema::new("app");
    let mut t = Table::new("ledger");
    t.columns.push(col(d, "id", "uuid"));
    t.columns.push(nullable(col(d, "addr", "inet6")));
    t.primary_key = Some(pk(&["id"]));
    t.ext = TableExt::Mysql(MyTableExt {
        system_versioned: true,
        ..MyTableExt::default()
    });
    s.tables.push(t.into());
    realm.schemas.push(s);
    realm
}

fn sqlite_realm() -> Realm {
    let d = Dialect::Sqlite;
    let mut realm = Realm::new(d);
    let mut s = Schema::new("main");
    let mut users = Table::new("users");
    let mut id = col(d, "id", "integer");
    id.auto_increment = true;
    users.columns.push(id);
    users.columns.push(col(d, "email", "varchar(255)"));
    users.columns.push(with_default(
        col(d, "created", "datetime"),
        Default::Expr(expr("CURRENT_TIMESTAMP")),
    ));
    users.columns.push(nullable(col(d, "meta", "json")));
    users
        .columns
        .push(nullable(col(d, "big", "unsigned big int")));
    users.columns.push(nullable(col(d, "odd", "my_type")));
    users.primary_key = Some(pk(&["id"]));
    let mut ix = Index::on_columns("users_email_idx", &["email"], true);
    ix.predicate = Some(expr("email IS NOT NULL"));
    users.indexes.push(ix);
    users.checks.push(check(None, "length(email) > 3"));
    users.triggers.push(Trigger {
        name: "users_touch".into(),
        timing: TriggerTiming::After,
        events: vec![TriggerEvent::Update {
            columns: Vec::new(),
        }],
        for_each_row: true,
        when: Some(expr("NEW.email <> OLD.email")),
        function: None,
        function_args: Vec::new(),
        body: Some(
            "BEGIN\n  UPDATE users SET created = CURRENT_TIMESTAMP WHERE id = NEW.id;\nEND".into(),
        ),
        extra: None,
    });
    let mut posts = Table::new("posts");
    posts.columns.push(col(d, "id", "integer"));
    posts.columns.push(col(d, "user_id", "integer"));
    posts.primary_key = Some(pk(&["id"]));
    posts.foreign_keys.push(fk(
        "posts_user_fk",
        &["user_id"],
        q("main", "users"),
        &["id"],
        FkAction::Cascade,
    ));
    posts.ext = TableExt::Sqlite(SqliteTableExt {
        strict: true,
        without_rowid: true,
    });
    // Names that are not identifiers are quoted labels and index references.
    let mut odd = Table::new("my \"odd\" table");
    odd.columns.push(col(d, "the id", "integer"));
    odd.columns.push(col(d, "post_id", "integer"));
    odd.primary_key = Some(pk(&["the id"]));
    odd.foreign_keys.push(fk(
        "odd_post_fk",
        &["post_id"],
        q("main", "posts"),
        &["id"],
        FkAction::SetDefault,
    ));
    posts.columns.push(nullable(col(d, "odd_id", "integer")));
    posts.foreign_keys.push(fk(
        "posts_odd_fk",
        &["odd_id"],
        q("main", "my \"odd\" table"),
        &["the id"],
        FkAction::SetNull,
    ));
    s.tables = vec![users.into(), posts.into(), odd.into()];
    s.views.push(view("emails", "SELECT email FROM users"));
    realm.schemas.push(s);
    realm
}

/// A realm holding what HCL cannot say: each is printed as a comment, never dropped.
fn unrepresentable_realm() -> Realm {
    let d = Dialect::Postgres;
    let mut realm = Realm::new(d);
    let mut s = Schema::new("public");
    let mut t = Table::new("measurements_2024");
    t.columns.push(col(d, "at", "date"));
    t.partition_of = Some(PartitionOf {
        parent: q("public", "measurements"),
        bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')".into(),
    });
    t.excludes.push(Exclude {
        name: Some("odd".into()),
        definition: "USING gist (at WITH =) DEFERRABLE".into(),
    });
    s.tables.push(t.into());
    s.unsupported.push(Unsupported {
        kind: "rule".into(),
        name: Some("r1".into()),
        raw: "CREATE RULE r1 AS ON INSERT TO t\nDO INSTEAD NOTHING".into(),
    });
    realm.schemas.push(s);
    realm.unsupported.push(Unsupported {
        kind: "cast".into(),
        name: None,
        raw: "CREATE CAST (text AS int) WITH INOUT".into(),
    });
    realm.default_privileges.push(DefaultPrivilege {
        for_role: Some("owner".into()),
        schema: Some("public".into()),
        object_kind: DefaultPrivilegeKind::Tables,
        grantee: "app".into(),
        privileges: vec![Privilege::Select],
        grantable: false,
    });
    realm
}

fn path_for(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "schema.pg.hcl",
        Dialect::Mysql(Flavor::Mysql) => "schema.my.hcl",
        Dialect::Mysql(Flavor::Mariadb) => "schema.ma.hcl",
        Dialect::Sqlite => "schema.lt.hcl",
    }
}

/// The first lines where two debug dumps differ, with some context.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let i = w
        .iter()
        .zip(&g)
        .position(|(a, b)| a != b)
        .unwrap_or(w.len().min(g.len()));
    let from = i.saturating_sub(12);
    format!(
        "--- want ---\n{}\n--- got ---\n{}",
        w[from..(i + 4).min(w.len())].join("\n"),
        g[from..(i + 4).min(g.len())].join("\n")
    )
}

/// Prints `realm`, compiles the text, and asserts the compiler gives back the same realm.
fn assert_round_trip(realm: &Realm) -> String {
    let text = realm_to_hcl(realm);
    let compiled = compile(
        &[(path_for(realm.dialect).to_string(), text.clone())],
        realm.dialect,
    );
    assert!(
        compiled.diagnostics.is_empty(),
        "diagnostics on the printed HCL:\n{:#?}\n--- text ---\n{text}",
        compiled.diagnostics
    );
    if compiled.realm != *realm {
        panic!(
            "the compiled realm differs:\n{}\n--- text ---\n{text}",
            first_difference(&format!("{realm:#?}"), &format!("{:#?}", compiled.realm))
        );
    }
    // The printed text is already in `cairn schema fmt` layout.
    assert_eq!(format(&text).as_deref(), Ok(text.as_str()), "not formatted");
    // Printing is a fixed point: the compiled realm prints as the same text.
    assert_eq!(realm_to_hcl(&compiled.realm), text);
    text
}

#[test]
fn postgres_every_kind_round_trips() {
    let text = assert_round_trip(&postgres_realm());
    insta::assert_snapshot!("postgres", text);
}

#[test]
fn postgres_two_schemas_are_qualified() {
    let text = assert_round_trip(&postgres_two_schemas());
    assert!(text.contains("table \"audit\" \"events\" {"), "{text}");
    assert!(text.contains("table.public.events.column.id"), "{text}");
    assert!(text.contains("enum.audit.level"), "{text}");
    insta::assert_snapshot!("postgres_two_schemas", text);
}

#[test]
fn mysql_round_trips() {
    let text = assert_round_trip(&mysql_realm());
    insta::assert_snapshot!("mysql", text);
}

#[test]
fn mariadb_round_trips() {
    let text = assert_round_trip(&mariadb_realm());
    insta::assert_snapshot!("mariadb", text);
}

#[test]
fn sqlite_round_trips() {
    let text = assert_round_trip(&sqlite_realm());
    insta::assert_snapshot!("sqlite", text);
}

#[test]
fn unrepresentable_objects_become_comments() {
    let text = realm_to_hcl(&unrepresentable_realm());
    for needle in [
        "# partition of public.measurements FOR VALUES FROM",
        "# exclusion constraint odd is not representable in HCL",
        "# rule r1 is not representable in HCL:",
        "# DO INSTEAD NOTHING",
        "# cast is not representable in HCL:",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    // The rest still compiles.
    let compiled = compile(&[("x.pg.hcl".to_string(), text.clone())], Dialect::Postgres);
    assert!(
        compiled.diagnostics.is_empty(),
        "{:#?}",
        compiled.diagnostics
    );
    assert_eq!(format(&text).as_deref(), Ok(text.as_str()), "not formatted");
    // Default privileges have a block of their own.
    assert_eq!(
        compiled.realm.default_privileges,
        unrepresentable_realm().default_privileges
    );
    insta::assert_snapshot!("unrepresentable", text);
}

/// MySQL `PARTITION BY` clauses print as `partition` blocks when they only name the keys; a
/// clause with partition definitions prints whole, as the `partitioning` attribute.
#[test]
fn mysql_partitioning_prints_as_a_block() {
    let d = Dialect::MYSQL;
    let mut realm = Realm::new(d);
    let mut s = Schema::new("shop");
    let mut t = Table::new("events");
    t.columns.push(col(d, "id", "int"));
    t.columns.push(col(d, "at", "datetime"));
    t.ext = TableExt::Mysql(MyTableExt {
        partitioning: Some("RANGE COLUMNS (`id`, year(`at`))".into()),
        ..MyTableExt::default()
    });
    s.tables.push(t.into());
    let mut other = Table::new("other");
    other.columns.push(col(d, "id", "int"));
    other.ext = TableExt::Mysql(MyTableExt {
        partitioning: Some("HASH (`id`) PARTITIONS 4".into()),
        ..MyTableExt::default()
    });
    s.tables.push(other.into());
    realm.schemas.push(s);
    let text = realm_to_hcl(&realm);
    assert!(
        text.contains(
            "  partition {\n    type = RANGE_COLUMNS\n    by {\n      column = column.id\n    }\n    by {\n      expr = \"year(`at`)\"\n    }\n  }\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  partitioning = \"HASH (`id`) PARTITIONS 4\"\n"),
        "{text}"
    );
    let compiled = compile(&[("x.my.hcl".to_string(), text.clone())], d);
    assert!(
        compiled.diagnostics.is_empty(),
        "{:#?}",
        compiled.diagnostics
    );
    let partitioning = |name: &str| match &compiled.realm.schemas[0].table(name, d).unwrap().ext {
        TableExt::Mysql(x) => x.partitioning.clone(),
        _ => None,
    };
    assert_eq!(
        partitioning("events").as_deref(),
        Some("PARTITION BY RANGE COLUMNS (`id`, year(`at`))")
    );
    assert_eq!(
        partitioning("other").as_deref(),
        Some("HASH (`id`) PARTITIONS 4")
    );
}

#[test]
fn output_is_deterministic() {
    let r = postgres_realm();
    assert_eq!(realm_to_hcl(&r), realm_to_hcl(&r.clone()));
}

#[test]
fn empty_realm_prints_nothing() {
    assert_eq!(realm_to_hcl(&Realm::new(Dialect::Postgres)), "");
}

/// Formatting never changes what a schema means: every formatter fixture of cairn-syntax
/// that compiles cleanly compiles to the same realm once formatted.
#[test]
fn formatting_keeps_the_realm() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../syntax/tests/fmt");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("the formatter fixtures exist")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".in.hcl"))
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).expect("readable fixture");
        let formatted = format(&text).expect("fixtures format");
        for dialect in [Dialect::Postgres, Dialect::MYSQL, Dialect::Sqlite] {
            let before = compile(&[(path_for(dialect).to_string(), text.clone())], dialect);
            if !before.diagnostics.is_empty() || before.realm.schemas.is_empty() {
                continue;
            }
            let after = compile(
                &[(path_for(dialect).to_string(), formatted.clone())],
                dialect,
            );
            assert!(
                after.diagnostics.is_empty(),
                "{path:?}: {:#?}",
                after.diagnostics
            );
            assert_eq!(after.realm, before.realm, "{path:?} in {dialect}");
            checked += 1;
        }
    }
    assert!(checked >= 2, "only {checked} fixtures compiled cleanly");
}
