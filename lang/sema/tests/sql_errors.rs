//! Errors of SQL schemas: unknown tables and columns, duplicates, dangling foreign keys and parse
//! errors, each with its code, message and span; and recovery after a broken statement.

use cairn_ir::Dialect;
use cairn_sema::{Compiled, compile};
use cairn_syntax::Severity;

fn pg(sql: &str) -> Compiled {
    compile(&[("s.sql".to_string(), sql.to_string())], Dialect::Postgres)
}

/// The single error of `sql`: its code, message and the text its span covers.
fn only_error(sql: &str) -> (String, String, String) {
    let c = pg(sql);
    let errors: Vec<_> = c
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1, "{:#?}", c.diagnostics);
    let e = errors[0];
    assert_eq!(e.file, "s.sql");
    (
        e.code.clone(),
        e.message.clone(),
        sql[e.span.range()].to_string(),
    )
}

#[test]
fn alter_of_a_missing_table() {
    let (code, msg, at) =
        only_error("CREATE TABLE users (id int);\nALTER TABLE usres ADD COLUMN x int;");
    assert_eq!(
        (code.as_str(), msg.as_str(), at.as_str()),
        ("E103", "table public.usres does not exist", "usres")
    );
    let c = pg("CREATE TABLE users (id int);\nALTER TABLE usres ADD COLUMN x int;");
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some("did you mean `users`?")
    );
}

#[test]
fn index_on_a_missing_column() {
    let (code, msg, at) =
        only_error("CREATE TABLE t (email text);\nCREATE INDEX t_idx ON t (emial);");
    assert_eq!(
        (code.as_str(), msg.as_str(), at.as_str()),
        ("E104", "column emial does not exist in table t", "emial")
    );
}

#[test]
fn duplicate_table_and_column() {
    let (code, msg, at) = only_error("CREATE TABLE t (a int);\nCREATE TABLE t (b int);");
    assert_eq!(
        (code.as_str(), msg.as_str(), at.as_str()),
        ("E105", "table public.t already exists", "t")
    );
    let (code, _, at) = only_error("CREATE TABLE u (a int, a text);");
    assert_eq!((code.as_str(), at.as_str()), ("E105", "a"));
    // IF NOT EXISTS is not a duplicate.
    let c = pg("CREATE TABLE t (a int);\nCREATE TABLE IF NOT EXISTS t (b int);");
    assert!(!c.has_errors());
}

#[test]
fn schema_named_before_its_create_schema_is_not_a_duplicate() {
    // A qualified name above `CREATE SCHEMA` only names the schema; the statement creates it.
    let c =
        pg("CREATE TABLE foo.t (id int);\nCREATE SCHEMA foo;\nCREATE SCHEMA IF NOT EXISTS bar;");
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    assert!(c.realm.schema("foo").is_some_and(|s| s.tables.len() == 1));
    assert!(c.realm.schema("bar").is_some());
    // Created twice is still a duplicate.
    let (code, msg, _) =
        only_error("CREATE SCHEMA foo;\nCREATE TABLE foo.t (id int);\nCREATE SCHEMA foo;");
    assert_eq!(
        (code.as_str(), msg.as_str()),
        ("E105", "schema foo already exists")
    );
}

#[test]
fn foreign_key_to_a_table_created_later_is_fine_but_never_created_is_not() {
    let c =
        pg("CREATE TABLE a (b_id int REFERENCES b (id));\nCREATE TABLE b (id int PRIMARY KEY);");
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    let (code, msg, _) = only_error(
        "CREATE TABLE a (b_id int, CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES missing (id));",
    );
    assert_eq!(code, "E106");
    assert_eq!(
        msg,
        "foreign key of table a references table public.missing, which no statement creates"
    );
    let sql =
        "CREATE TABLE a (b_id int, CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES missing (id));";
    let c = pg(sql);
    assert_eq!(&sql[c.diagnostics[0].span.range()], "a_b");
}

#[test]
fn drop_of_missing_objects() {
    let (code, msg, at) = only_error("DROP TABLE nope;");
    assert_eq!(
        (code.as_str(), msg.as_str(), at.as_str()),
        ("E103", "table public.nope does not exist", "nope")
    );
    let c = pg("DROP TABLE IF EXISTS nope;\nDROP INDEX IF EXISTS nope_idx;");
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    let (code, _, at) =
        only_error("CREATE TABLE t (a int);\nALTER TABLE t DROP CONSTRAINT t_a_check;");
    assert_eq!((code.as_str(), at.as_str()), ("E107", "t_a_check"));
}

#[test]
fn a_broken_statement_does_not_hide_the_next() {
    let sql = "CREATE TABEL a (id int);\nCREATE TABLE b (id int);";
    let c = pg(sql);
    assert!(c.has_errors());
    let e = c.diagnostics.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(e.file, "s.sql");
    assert!(e.code.starts_with("E3"), "{e:#?}");
    assert!(e.span.end as usize <= sql.find('\n').unwrap());
    assert!(
        c.realm
            .schema("public")
            .unwrap()
            .table("b", Dialect::Postgres)
            .is_some()
    );
}

#[test]
fn statements_replay_across_files_in_order() {
    let c = compile(
        &[
            ("1.sql".to_string(), "CREATE TABLE t (a int);".to_string()),
            (
                "2.sql".to_string(),
                "ALTER TABLE t ADD COLUMN b int;\nALTER TABLE x ADD COLUMN c int;".to_string(),
            ),
        ],
        Dialect::Postgres,
    );
    let t = c
        .realm
        .schema("public")
        .unwrap()
        .table("t", Dialect::Postgres)
        .unwrap();
    assert_eq!(t.columns.len(), 2);
    assert_eq!(c.diagnostics.len(), 1);
    assert_eq!(c.diagnostics[0].file, "2.sql");
    assert_eq!(c.diagnostics[0].code, "E103");
}
