//! One case per targeted form: the PostgreSQL statements sqlparser cannot parse come back as
//! typed `ExtraStatement`s with their names, options and clauses as structured fields.

use cairn_syntax::sql::*;

fn parse(sql: &str) -> ParsedStatement {
    let file = split(sql, SplitOptions::postgres());
    assert_eq!(file.statements.len(), 1, "{sql}");
    parse_statement(&file.statements[0], SqlDialect::Postgres)
}

fn extra(sql: &str) -> ExtraStatement {
    match parse(sql) {
        ParsedStatement::Extra(e) => e,
        other => panic!("{sql}: expected an extra statement, got {other:?}"),
    }
}

fn names(n: &ObjectName) -> Vec<&str> {
    n.0.iter().map(|i| i.value.as_str()).collect()
}

#[test]
fn identity_with_many_options() {
    let ExtraStatement::AddIdentity {
        table,
        only,
        column,
        kind,
        options,
    } = extra(
        "ALTER TABLE ONLY app.users ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n  SEQUENCE NAME app.users_id_seq\n  START WITH 10\n  INCREMENT BY 2\n  NO MINVALUE\n  NO MAXVALUE\n  CACHE 5\n);",
    )
    else {
        panic!()
    };
    assert_eq!(names(&table), ["app", "users"]);
    assert!(only);
    assert_eq!(column.value, "id");
    assert_eq!(kind, IdentityKind::Always);
    assert_eq!(
        names(options.sequence_name.as_ref().unwrap()),
        ["app", "users_id_seq"]
    );
    assert_eq!(
        (options.start, options.increment, options.cache),
        (Some(10), Some(2), Some(5))
    );
    assert_eq!(
        (options.min_value, options.max_value),
        (Some(None), Some(None))
    );
}

#[test]
fn sequences() {
    let ExtraStatement::CreateSequence { name, options, .. } = extra(
        "CREATE SEQUENCE app.s AS integer START WITH 1000 INCREMENT BY -5 MINVALUE -10 MAXVALUE 99 CACHE 10 CYCLE;",
    ) else {
        panic!()
    };
    assert_eq!(names(&name), ["app", "s"]);
    assert_eq!(options.data_type.as_deref(), Some("integer"));
    assert_eq!((options.start, options.increment), (Some(1000), Some(-5)));
    assert_eq!(
        (options.min_value, options.max_value, options.cycle),
        (Some(Some(-10)), Some(Some(99)), Some(true))
    );

    let ExtraStatement::AlterSequence {
        options, if_exists, ..
    } = extra("ALTER SEQUENCE IF EXISTS app.s OWNED BY app.orders.order_no;")
    else {
        panic!()
    };
    assert!(if_exists);
    let Some(OwnedBy::Column(c)) = options.owned_by else {
        panic!()
    };
    assert_eq!(names(&c), ["app", "orders", "order_no"]);

    let ExtraStatement::AlterSequence { options, .. } =
        extra("ALTER SEQUENCE s RESTART WITH 7 NO CYCLE OWNED BY NONE")
    else {
        panic!()
    };
    assert_eq!(
        (options.restart, options.cycle, options.owned_by),
        (Some(Some(7)), Some(false), Some(OwnedBy::None))
    );
}

#[test]
fn domains() {
    let ExtraStatement::CreateDomain {
        name,
        data_type,
        not_null,
        checks,
        default,
        ..
    } = extra(
        "CREATE DOMAIN app.email AS public.citext NOT NULL\n\tCONSTRAINT email_check CHECK ((VALUE OPERATOR(public.~) '^[^@]+@[^@]+$'::public.citext));",
    )
    else {
        panic!()
    };
    assert_eq!(names(&name), ["app", "email"]);
    assert_eq!(data_type, "public.citext");
    assert_eq!(not_null, Some(true));
    assert_eq!(default, None);
    assert_eq!(checks[0].name.as_ref().unwrap().value, "email_check");
    assert!(checks[0].expr.starts_with("(VALUE OPERATOR"));

    let ExtraStatement::CreateDomain {
        data_type,
        default,
        checks,
        collation,
        ..
    } = extra(
        "CREATE DOMAIN d numeric(10, 2) COLLATE \"C\" DEFAULT 1 CHECK (VALUE > 0) CHECK (VALUE < 9)",
    )
    else {
        panic!()
    };
    assert_eq!(data_type, "numeric(10, 2)");
    assert_eq!(default.as_deref(), Some("1"));
    assert_eq!(checks.len(), 2);
    assert!(collation.unwrap().name().quoted);
}

#[test]
fn role_grants() {
    let ExtraStatement::GrantRole {
        roles,
        grantees,
        admin_option,
        ..
    } = extra("GRANT app_ro, app_rw TO \"App User\" WITH ADMIN OPTION;")
    else {
        panic!()
    };
    assert_eq!(roles.len(), 2);
    assert_eq!(grantees[0].value, "App User");
    assert!(admin_option);
    let ExtraStatement::RevokeRole { roles, cascade, .. } =
        extra("REVOKE app_ro FROM app_user CASCADE")
    else {
        panic!()
    };
    assert_eq!(roles[0].value, "app_ro");
    assert!(cascade);
}

#[test]
fn privilege_grants() {
    let ExtraStatement::Grant(g) = extra(
        "GRANT SELECT (id, email), UPDATE ON TABLE app.users TO app, PUBLIC WITH GRANT OPTION;",
    ) else {
        panic!()
    };
    assert_eq!(g.privileges[0].name, "SELECT");
    assert_eq!(g.privileges[0].columns.len(), 2);
    assert_eq!(g.object_kind, GrantObjectKind::Table);
    assert_eq!(g.grantees[1].value, "PUBLIC");
    assert!(g.grant_option);
    let ExtraStatement::Grant(g) =
        extra("GRANT ALL ON FUNCTION app.add(a integer, b integer) TO r")
    else {
        panic!()
    };
    assert_eq!(g.object_kind, GrantObjectKind::Function);
    assert_eq!(g.objects[0].args.as_deref(), Some("a integer, b integer"));
    let ExtraStatement::Revoke(g) = extra("REVOKE ALL ON SCHEMA public FROM PUBLIC;") else {
        panic!()
    };
    assert_eq!(
        (g.privileges[0].name.as_str(), g.object_kind.clone()),
        ("ALL", GrantObjectKind::Schema)
    );
    let ExtraStatement::Grant(g) = extra("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA app TO r")
    else {
        panic!()
    };
    assert_eq!(g.object_kind, GrantObjectKind::AllSequencesInSchema);
}

#[test]
fn default_privileges() {
    let ExtraStatement::AlterDefaultPrivileges {
        for_roles,
        in_schemas,
        grant,
        privileges,
        object_kind,
        grantees,
        ..
    } = extra(
        "ALTER DEFAULT PRIVILEGES FOR ROLE owner IN SCHEMA app GRANT SELECT, INSERT ON TABLES TO ro;",
    )
    else {
        panic!()
    };
    assert_eq!(
        (for_roles[0].value.as_str(), in_schemas[0].value.as_str()),
        ("owner", "app")
    );
    assert!(grant);
    assert_eq!(privileges.len(), 2);
    assert_eq!(object_kind, DefaultObjectKind::Tables);
    assert_eq!(grantees[0].value, "ro");
    let ExtraStatement::AlterDefaultPrivileges {
        grant, object_kind, ..
    } = extra("ALTER DEFAULT PRIVILEGES REVOKE USAGE ON TYPES FROM PUBLIC")
    else {
        panic!()
    };
    assert!(!grant);
    assert_eq!(object_kind, DefaultObjectKind::Types);
}

#[test]
fn partitions() {
    let bound = |sql: &str| match extra(sql) {
        ExtraStatement::AttachPartition { bound, .. } => bound,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        bound(
            "ALTER TABLE ONLY p ATTACH PARTITION c FOR VALUES FROM ('2024-01-01') TO (MAXVALUE);"
        ),
        PartitionBound::Range {
            from: vec!["'2024-01-01'".into()],
            to: vec!["MAXVALUE".into()]
        }
    );
    assert_eq!(
        bound("ALTER TABLE p ATTACH PARTITION c FOR VALUES IN ('de', 'fr')"),
        PartitionBound::In(vec!["'de'".into(), "'fr'".into()])
    );
    assert_eq!(
        bound("ALTER TABLE p ATTACH PARTITION c FOR VALUES WITH (modulus 4, remainder 3)"),
        PartitionBound::Hash {
            modulus: 4,
            remainder: 3
        }
    );
    assert_eq!(
        bound("ALTER TABLE p ATTACH PARTITION c DEFAULT"),
        PartitionBound::Default
    );
    assert!(matches!(
        extra("ALTER TABLE p DETACH PARTITION c CONCURRENTLY"),
        ExtraStatement::DetachPartition {
            concurrently: true,
            ..
        }
    ));
    let ExtraStatement::AttachIndexPartition {
        index,
        partition_index,
    } = extra("ALTER INDEX app.i ATTACH PARTITION app.i_2024;")
    else {
        panic!()
    };
    assert_eq!(
        (names(&index), names(&partition_index)),
        (vec!["app", "i"], vec!["app", "i_2024"])
    );
}

#[test]
fn indexes() {
    let ExtraStatement::CreateIndex {
        index,
        only,
        tablespace,
    } = extra("CREATE INDEX events_at ON ONLY app.events USING btree (at) TABLESPACE fast;")
    else {
        panic!()
    };
    assert!(only);
    assert_eq!(tablespace.unwrap().value, "fast");
    assert!(matches!(*index, sqlparser::ast::Statement::CreateIndex(_)));
    let ExtraStatement::DropIndex {
        names: n,
        concurrently,
        if_exists,
        ..
    } = extra("DROP INDEX CONCURRENTLY IF EXISTS app.i1;")
    else {
        panic!()
    };
    assert!(concurrently && if_exists);
    assert_eq!(names(&n[0]), ["app", "i1"]);
}

#[test]
fn views() {
    let ExtraStatement::CreateView {
        with_data, view, ..
    } = extra("CREATE MATERIALIZED VIEW m AS SELECT 1 AS x WITH NO DATA;")
    else {
        panic!()
    };
    assert_eq!(with_data, Some(false));
    assert!(matches!(*view, sqlparser::ast::Statement::CreateView(_)));
    let ExtraStatement::CreateView { check_option, .. } =
        extra("CREATE VIEW v AS SELECT id FROM t WHERE a WITH LOCAL CHECK OPTION")
    else {
        panic!()
    };
    assert_eq!(check_option, Some(ViewCheckOption::Local));
}

#[test]
fn ownership() {
    let ExtraStatement::AlterOwner {
        object_kind,
        name,
        signature,
        owner,
    } = extra("ALTER FUNCTION app.add(a integer, b integer) OWNER TO postgres;")
    else {
        panic!()
    };
    assert_eq!(object_kind, "FUNCTION");
    assert_eq!(names(&name), ["app", "add"]);
    assert_eq!(signature.as_deref(), Some("a integer, b integer"));
    assert_eq!(owner.value, "postgres");
    assert!(
        matches!(extra("ALTER MATERIALIZED VIEW m OWNER TO x"), ExtraStatement::AlterOwner { object_kind, .. } if object_kind == "MATERIALIZED VIEW")
    );
}

#[test]
fn routines() {
    let ExtraStatement::CreateRoutine {
        procedure,
        name,
        args,
        returns,
        language,
        body,
        attributes,
        ..
    } = extra(
        "CREATE FUNCTION app.user_count(s app.status, OUT n bigint) RETURNS bigint\n    LANGUAGE sql STABLE\n    BEGIN ATOMIC\n SELECT count(*) FROM app.users WHERE status = s;\nEND;",
    )
    else {
        panic!()
    };
    assert!(!procedure);
    assert_eq!(names(&name), ["app", "user_count"]);
    assert_eq!(args[0].name.as_ref().unwrap().value, "s");
    assert_eq!(args[0].data_type, "app.status");
    assert_eq!(args[1].mode.as_deref(), Some("OUT"));
    assert_eq!(returns.as_deref(), Some("bigint"));
    assert_eq!(language.as_deref(), Some("sql"));
    assert!(
        matches!(body, Some(RoutineBody::Atomic(b)) if b.starts_with("BEGIN ATOMIC") && b.ends_with("END"))
    );
    assert_eq!(attributes, ["STABLE"]);

    let ExtraStatement::CreateRoutine {
        procedure,
        body,
        attributes,
        args,
        ..
    } = extra(
        "CREATE PROCEDURE app.archive(IN before date DEFAULT now())\n    LANGUAGE plpgsql SECURITY DEFINER\n    SET search_path TO 'app', 'pg_temp'\n    AS $body$\nBEGIN\n  DELETE FROM t;\nEND\n$body$;",
    )
    else {
        panic!()
    };
    assert!(procedure);
    assert_eq!(args[0].default.as_deref(), Some("now()"));
    assert_eq!(
        attributes,
        ["SECURITY DEFINER", "SET search_path TO 'app', 'pg_temp'"]
    );
    assert!(matches!(body, Some(RoutineBody::Definition(b)) if b.contains("DELETE FROM t")));
}

#[test]
fn comments_do_and_others() {
    let ExtraStatement::CommentOn {
        object_kind,
        on_table,
        comment,
        ..
    } = extra("COMMENT ON POLICY p ON app.t IS 'only the owner';")
    else {
        panic!()
    };
    assert_eq!(object_kind, "POLICY");
    assert_eq!(names(on_table.as_ref().unwrap()), ["app", "t"]);
    assert_eq!(comment.as_deref(), Some("only the owner"));
    assert!(matches!(
        extra("COMMENT ON FUNCTION f(integer) IS NULL"),
        ExtraStatement::CommentOn {
            comment: None,
            signature: Some(_),
            ..
        }
    ));
    assert!(
        matches!(extra("DO $$ BEGIN RAISE NOTICE 'x'; END $$;"), ExtraStatement::Do { body, .. } if body.contains("RAISE"))
    );
    let ExtraStatement::Other { command, name } =
        extra("CREATE STATISTICS app.s (dependencies) ON a, b FROM app.t;")
    else {
        panic!()
    };
    assert_eq!(command, "CREATE STATISTICS");
    assert_eq!(names(&name.unwrap()), ["app", "s"]);
}

#[test]
fn skipped_and_errors() {
    assert!(matches!(
        parse("SET search_path = app;"),
        ParsedStatement::Skipped { .. }
    ));
    assert!(matches!(
        parse("SELECT pg_catalog.set_config('search_path', '', false);"),
        ParsedStatement::Skipped { .. }
    ));
    assert!(matches!(
        parse("\\connect app"),
        ParsedStatement::Skipped { .. }
    ));
    assert!(matches!(
        parse("CREATE TABLE t (id int);"),
        ParsedStatement::Ast(_)
    ));
    let sql = "CREATE TABLE t (id int,\n  name text NOT NUL);";
    let ParsedStatement::Error(d) = parse(sql) else {
        panic!()
    };
    // sqlparser reports `NOT` (it wanted `NOT NULL`); the span is that token, on line 2.
    assert_eq!(&sql[d.span.range()], "NOT");
    assert_eq!(
        cairn_syntax::diag::line_col(sql, d.span.start as usize).0,
        2
    );
    assert_eq!(d.code, "E3010");
    let sql = "ALTER SEQUENCE s INCREMENT BY many;";
    let ParsedStatement::Error(d) = parse(sql) else {
        panic!()
    };
    assert_eq!(&sql[d.span.range()], "many");
}

#[test]
fn errors_point_into_the_file() {
    let sql = "SELECT 1;\n\nCREATE TABLE t (id int,, x int);";
    let f = split(sql, SplitOptions::postgres());
    let ParsedStatement::Error(d) = parse_statement(&f.statements[1], SqlDialect::Postgres) else {
        panic!()
    };
    assert_eq!(&sql[d.span.range()], ",");
    assert_eq!(
        cairn_syntax::diag::line_col(sql, d.span.start as usize),
        (3, 24)
    );
}

#[test]
fn create_extension_with_any_version_spelling() {
    for (sql, schema, version) in [
        ("CREATE EXTENSION hstore VERSION '1.4';", None, Some("1.4")),
        (
            "CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA ext VERSION 1.6 CASCADE;",
            Some("ext"),
            Some("1.6"),
        ),
        ("CREATE EXTENSION pgcrypto;", None, None),
    ] {
        let ParsedStatement::Ast(s) = parse(sql) else {
            panic!("{sql}: not parsed");
        };
        let sqlparser::ast::Statement::CreateExtension(e) = *s else {
            panic!("{sql}: {s:?}");
        };
        assert_eq!(e.schema.map(|i| i.value).as_deref(), schema, "{sql}");
        assert_eq!(e.version.map(|i| i.value).as_deref(), version, "{sql}");
    }
}

#[test]
fn a_garbage_alter_action_is_a_syntax_error_at_its_first_word() {
    for (sql, word) in [
        ("ALTER TABLE t FROBNICATE everything;", "FROBNICATE"),
        ("ALTER TYPE mood blah;", "blah"),
    ] {
        let ParsedStatement::Error(d) = parse(sql) else {
            panic!("{sql}: not an error");
        };
        assert_eq!(d.code, "E3010", "{sql}");
        assert_eq!(
            &sql[d.span.start as usize..d.span.end as usize],
            word,
            "{sql}"
        );
    }
    // An action sqlparser does not read but PostgreSQL has stays a statement.
    assert!(matches!(
        parse("ALTER TABLE t CLUSTER ON t_pkey;"),
        ParsedStatement::Extra(ExtraStatement::Other { .. })
    ));
}
