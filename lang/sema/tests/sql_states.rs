//! The one-shot SQL compile (statements parsed on threads, files replayed one after another)
//! gives what the incremental database gives, and `SqlStates` gives, after each file, what
//! compiling the files so far gives.

use cairn_ir::Dialect;
use cairn_sema::{
    Compiled, Database, Project, SourceFile, SourceKind, SqlStates, compile_with_threads,
    project_realm,
};

/// Two migration files: many tables, then changes to them (alters, indexes, renames, drops,
/// errors), enough statements for the parse to use threads.
fn files() -> Vec<(String, String)> {
    let mut tables = String::new();
    let mut changes = String::new();
    for i in 0..400 {
        tables.push_str(&format!(
            "CREATE TABLE t{i} (id bigint PRIMARY KEY, a int, b text);\n"
        ));
    }
    for i in 0..400 {
        changes.push_str(&format!(
            "ALTER TABLE t{i} ADD COLUMN c{i} int NOT NULL DEFAULT 0;\n\
             CREATE INDEX ON t{i} (a);\n"
        ));
        if i % 7 == 0 {
            changes.push_str(&format!("ALTER TABLE t{i} RENAME TO r{i};\n"));
        }
        if i % 11 == 0 {
            changes.push_str(&format!("DROP TABLE t{i};\n"));
        }
        if i % 13 == 0 {
            changes.push_str(&format!("ALTER TABLE t{i} ADD COLUMN a int;\n"));
        }
    }
    changes.push_str("ALTER TABLE missing ADD COLUMN x int;\nCREATE TABLE t1 (id int);\n");
    // Statements that do not parse, between ones that do: their errors keep their place.
    changes.push_str("CREATE TABLE broken (;\nALTER TABLE t2 ADD COLUMN z int;\nALTER TABLE;\n");
    vec![
        ("1_tables.sql".to_string(), tables),
        ("2_changes.sql".to_string(), changes),
    ]
}

fn incremental(files: &[(String, String)]) -> Compiled {
    let db = Database::default();
    let inputs = files
        .iter()
        .map(|(p, t)| SourceFile::new(&db, p.clone(), t.clone(), SourceKind::Sql))
        .collect();
    let project = Project::new(&db, inputs, Dialect::Postgres);
    project_realm(&db, project).clone()
}

#[test]
fn threaded_one_shot_compile_equals_the_incremental_one() {
    let files = files();
    for n in 0..=files.len() {
        let want = incremental(&files[..n]);
        assert!(
            n < files.len() || want.has_errors(),
            "the changes have errors"
        );
        for threads in [1, 2, 3] {
            assert_eq!(
                compile_with_threads(&files[..n], Dialect::Postgres, threads),
                want
            );
        }
    }
}

#[test]
fn states_after_each_file_equal_compiling_the_files_so_far() {
    let files = files();
    let mut states = SqlStates::new(Dialect::Postgres);
    assert_eq!(states.state(), incremental(&[]));
    for n in 1..=files.len() {
        let (path, text) = &files[n - 1];
        states.push(path, text, 2);
        assert_eq!(states.state(), incremental(&files[..n]));
    }
}

/// The replay finds tables through an index: names that differ only in case (MySQL), tables
/// dropped, renamed and created again, and schemas dropped, are found as a scan finds them
/// (debug builds check every lookup against a scan).
#[test]
fn table_lookups_follow_drops_renames_and_case() {
    let sql = "CREATE DATABASE app;\nUSE app;\n\
        CREATE TABLE Users (id int PRIMARY KEY);\n\
        CREATE TABLE orders (id int PRIMARY KEY, user_id int);\n\
        CREATE TABLE items (id int);\n\
        ALTER TABLE USERS ADD COLUMN name text;\n\
        DROP TABLE orders;\n\
        ALTER TABLE items ADD COLUMN n int;\n\
        RENAME TABLE items TO Things;\n\
        ALTER TABLE things ADD COLUMN m int;\n\
        ALTER TABLE items ADD COLUMN x int;\n\
        CREATE TABLE users (id int);\n\
        CREATE TABLE orders (id int, user_id int, FOREIGN KEY (user_id) REFERENCES USERS (id));\n\
        CREATE INDEX ix ON ORDERS (user_id);\n\
        DROP DATABASE app;\n\
        CREATE DATABASE app;\n\
        USE app;\n\
        ALTER TABLE orders ADD COLUMN y int;\n\
        CREATE TABLE orders (id int);\n\
        ALTER TABLE Orders ADD COLUMN z int;\n";
    let c = cairn_sema::compile(&[("m.sql".to_string(), sql.to_string())], Dialect::MYSQL);
    let errors: Vec<&str> = c
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        errors,
        [
            "table app.items does not exist",
            "table app.users already exists",
            "table app.orders does not exist",
        ],
        "{:#?}",
        c.diagnostics
    );
    let app = c.realm.schema("app").expect("app");
    let tables: Vec<(&str, Vec<&str>)> = app
        .tables
        .iter()
        .map(|t| {
            let cols = t.columns.iter().map(|c| c.name.as_str()).collect();
            (t.name.as_str(), cols)
        })
        .collect();
    assert_eq!(tables, [("orders", vec!["id", "z"])]);
}
