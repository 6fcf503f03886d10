//! PostgreSQL schema statements beyond pg_dump's usual output: each parses (never an error),
//! and the kind of statement and its key parts come back as expected.

use cairn_syntax::sql::*;
use sqlparser::ast::Statement as Ast;

fn parse(sql: &str) -> ParsedStatement {
    let file = split(sql, SplitOptions::postgres());
    assert_eq!(file.statements.len(), 1, "{sql}");
    parse_statement(&file.statements[0], SqlDialect::Postgres)
}

fn ast(sql: &str) -> Ast {
    match parse(sql) {
        ParsedStatement::Ast(a) => *a,
        other => panic!("{sql}: expected sqlparser's statement, got {other:?}"),
    }
}

fn other(sql: &str) -> (String, Option<ObjectName>) {
    match parse(sql) {
        ParsedStatement::Extra(ExtraStatement::Other { command, name }) => (command, name),
        other => panic!("{sql}: expected an unmodelled statement, got {other:?}"),
    }
}

/// sqlparser's statement printed back, which shows the clauses it understood.
fn printed(sql: &str) -> String {
    ast(sql).to_string()
}

#[test]
fn partitioned_unlogged_and_like_tables() {
    let s = printed(
        "CREATE TABLE app.p2024 PARTITION OF app.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    );
    assert!(
        s.contains("PARTITION OF app.events")
            && s.contains("FROM ('2024-01-01') TO ('2025-01-01')"),
        "{s}"
    );
    let s = printed(
        "CREATE TABLE p_in PARTITION OF parent (CONSTRAINT c CHECK (a > 0)) FOR VALUES IN (1, 2) PARTITION BY RANGE (b);",
    );
    assert!(
        s.contains("IN (1, 2)") && s.contains("PARTITION BY RANGE"),
        "{s}"
    );
    let s = printed("CREATE TABLE p_def PARTITION OF parent DEFAULT;");
    assert!(s.contains("DEFAULT"), "{s}");
    let s =
        printed("CREATE TABLE p_h PARTITION OF parent FOR VALUES WITH (MODULUS 4, REMAINDER 0);");
    assert!(s.contains("MODULUS 4"), "{s}");
    let s = printed("CREATE TABLE app.events (id bigint, at date) PARTITION BY RANGE (at);");
    assert!(s.contains("PARTITION BY RANGE"), "{s}");
    let s = printed("CREATE UNLOGGED TABLE u (a int);");
    assert!(s.contains("UNLOGGED"), "{s}");
    // `LIKE` alone is sqlparser's; with options beside other columns it is an unmodelled table.
    assert!(matches!(
        ast("CREATE TABLE l (LIKE other);"),
        Ast::CreateTable(_)
    ));
    assert_eq!(
        other("CREATE TABLE l (LIKE other INCLUDING DEFAULTS, x int);").0,
        "CREATE TABLE"
    );
}

#[test]
fn types_and_aggregates() {
    let Ast::CreateType { name, .. } =
        ast("CREATE TYPE app.pair AS (a int, b text COLLATE \"C\");")
    else {
        panic!()
    };
    assert_eq!(name.to_string(), "app.pair");
    let s = printed("CREATE TYPE app.mood AS ENUM ('sad', 'ok', 'happy');");
    assert!(s.contains("ENUM ('sad', 'ok', 'happy')"), "{s}");
    let s = printed("ALTER TYPE app.mood ADD VALUE 'meh' BEFORE 'ok';");
    assert!(s.contains("ADD VALUE 'meh' BEFORE 'ok'"), "{s}");
    let s = printed("ALTER TYPE app.mood ADD VALUE IF NOT EXISTS 'great' AFTER 'happy';");
    assert!(s.contains("IF NOT EXISTS 'great' AFTER 'happy'"), "{s}");
    let (command, name) =
        other("CREATE AGGREGATE app.total (int) (SFUNC = int4pl, STYPE = int, INITCOND = '0');");
    assert_eq!(command, "CREATE AGGREGATE");
    assert_eq!(name.unwrap().name().value, "total");
}

#[test]
fn policies_and_row_level_security() {
    let s = printed(
        "CREATE POLICY p ON app.t AS RESTRICTIVE FOR UPDATE TO a, b USING (owner = current_user) WITH CHECK (owner = current_user);",
    );
    for part in [
        "AS RESTRICTIVE",
        "FOR UPDATE",
        "TO a, b",
        "USING (owner = current_user)",
        "WITH CHECK (owner = current_user)",
    ] {
        assert!(s.contains(part), "{part} missing from {s}");
    }
    for (sql, part) in [
        (
            "ALTER TABLE t ENABLE ROW LEVEL SECURITY;",
            "ENABLE ROW LEVEL SECURITY",
        ),
        (
            "ALTER TABLE t FORCE ROW LEVEL SECURITY;",
            "FORCE ROW LEVEL SECURITY",
        ),
        (
            "ALTER TABLE t DISABLE ROW LEVEL SECURITY;",
            "DISABLE ROW LEVEL SECURITY",
        ),
        (
            "ALTER TABLE t NO FORCE ROW LEVEL SECURITY;",
            "NO FORCE ROW LEVEL SECURITY",
        ),
    ] {
        let s = printed(sql);
        assert!(s.contains(part), "{s}");
    }
}

#[test]
fn extensions_schemas_and_comments() {
    let s = printed("CREATE EXTENSION IF NOT EXISTS x WITH SCHEMA s VERSION '1.0';");
    assert!(
        s.contains("IF NOT EXISTS x") && s.contains("SCHEMA s") && s.contains("VERSION"),
        "{s}"
    );
    let s = printed("CREATE SCHEMA IF NOT EXISTS s AUTHORIZATION r;");
    assert!(s.contains("IF NOT EXISTS s AUTHORIZATION r"), "{s}");
    for (sql, kind) in [
        ("COMMENT ON COLUMN app.t.a IS 'col';", "COLUMN"),
        ("COMMENT ON INDEX app.i IS 'idx';", "INDEX"),
        ("COMMENT ON TYPE app.mood IS 'ty';", "TYPE"),
        ("COMMENT ON SCHEMA app IS 'sch';", "SCHEMA"),
    ] {
        let s = printed(sql);
        assert!(s.starts_with(&format!("COMMENT ON {kind}")), "{s}");
    }
    let ParsedStatement::Extra(ExtraStatement::CommentOn {
        object_kind,
        signature,
        comment,
        ..
    }) = parse("COMMENT ON FUNCTION app.f(int) IS 'fn';")
    else {
        panic!()
    };
    assert_eq!(
        (
            object_kind.as_str(),
            signature.as_deref(),
            comment.as_deref()
        ),
        ("FUNCTION", Some("int"), Some("fn"))
    );
    let ParsedStatement::Extra(ExtraStatement::CommentOn {
        object_kind,
        on_table,
        ..
    }) = parse("COMMENT ON POLICY p ON app.t IS 'pol';")
    else {
        panic!()
    };
    assert_eq!(object_kind, "POLICY");
    assert_eq!(on_table.unwrap().name().value, "t");
}

#[test]
fn roles() {
    let s = printed(
        "CREATE ROLE r WITH LOGIN NOSUPERUSER INHERIT NOCREATEDB CREATEROLE NOREPLICATION BYPASSRLS CONNECTION LIMIT 5 PASSWORD 'x' VALID UNTIL '2030-01-01' IN ROLE a;",
    );
    for part in [
        "LOGIN",
        "NOSUPERUSER",
        "CONNECTION LIMIT 5",
        "PASSWORD 'x'",
        "VALID UNTIL '2030-01-01'",
        "IN ROLE a",
    ] {
        assert!(s.contains(part), "{part} missing from {s}");
    }
    let s = printed("ALTER ROLE r WITH NOLOGIN CONNECTION LIMIT 10;");
    assert!(
        s.contains("NOLOGIN") && s.contains("CONNECTION LIMIT 10"),
        "{s}"
    );
    // Forms sqlparser lacks are recognised rather than rejected.
    assert_eq!(
        other("ALTER ROLE r SET search_path TO app, public;").0,
        "ALTER ROLE"
    );
    assert_eq!(other("CREATE USER u WITH PASSWORD 'p';").0, "CREATE USER");
}

#[test]
fn indexes_and_materialized_views() {
    let s = printed(
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix ON app.t USING gin (doc jsonb_path_ops) WITH (fastupdate = off) WHERE deleted_at IS NULL;",
    );
    for part in [
        "CONCURRENTLY",
        "IF NOT EXISTS ix",
        "USING GIN",
        "fastupdate = off",
        "WHERE deleted_at IS NULL",
    ] {
        assert!(s.contains(part), "{part} missing from {s}");
    }
    let ParsedStatement::Extra(ExtraStatement::CreateView {
        view, with_data, ..
    }) = parse("CREATE MATERIALIZED VIEW app.mv AS SELECT 1 AS a WITH NO DATA;")
    else {
        panic!()
    };
    assert_eq!(with_data, Some(false));
    assert!(matches!(*view, Ast::CreateView(_)));
    assert!(matches!(
        parse("REFRESH MATERIALIZED VIEW CONCURRENTLY app.mv WITH DATA;"),
        ParsedStatement::Skipped { .. }
    ));
}

#[test]
fn alter_table_actions() {
    for (sql, part) in [
        (
            "ALTER TABLE t ALTER COLUMN a SET DATA TYPE bigint USING a::bigint;",
            "USING a::BIGINT",
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT ex EXCLUDE USING gist (room WITH =, during WITH &&);",
            "EXCLUDE USING gist",
        ),
        (
            "ALTER TABLE t VALIDATE CONSTRAINT c;",
            "VALIDATE CONSTRAINT c",
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES o (id) NOT VALID;",
            "NOT VALID",
        ),
        (
            "ALTER TABLE t ADD CONSTRAINT ck CHECK (a > 0) NOT VALID;",
            "NOT VALID",
        ),
        (
            "ALTER TABLE t REPLICA IDENTITY FULL;",
            "REPLICA IDENTITY FULL",
        ),
        ("ALTER TABLE t SET (fillfactor = 70);", "fillfactor = 70"),
    ] {
        let s = printed(sql);
        assert!(s.contains(part), "{part} missing from {s}");
    }
    // Actions sqlparser lacks are unmodelled `ALTER TABLE`s, never errors.
    assert_eq!(
        other("ALTER TABLE t ALTER COLUMN a TYPE text COLLATE \"C\" USING a::text;").0,
        "ALTER TABLE"
    );
}
