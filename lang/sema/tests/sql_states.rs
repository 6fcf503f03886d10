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
