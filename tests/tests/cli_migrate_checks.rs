//! Pre-migration checks (reference/atlas.md §4.9): a migration file in Atlas's txtar form
//! (`-- atlas:txtar`, a `-- checks.sql --` member of assertions, a `-- migration.sql --` member
//! of statements). A false assertion stops `migrate apply` before any statement of the file runs,
//! naming the file, the line and the check; once the data satisfies it, the file applies. Run on
//! SQLite, PostgreSQL and MariaDB.

use std::path::{Path, PathBuf};

use cairn_tests::{
    cairn, first_cell, my_rows, mysql_scratch, pg_rows, pg_scratch, sqlite_rows, stderr, stdout,
    with_search_path,
};

fn tempdir() -> PathBuf {
    cairn_tests::migration_project("cairn_checks")
}

fn write(dir: &Path, name: &str, text: &str) {
    cairn_tests::write_migration(dir, name, text);
}

const USERS: &str =
    "CREATE TABLE users (id int PRIMARY KEY, name text);\nINSERT INTO users VALUES (1, 'ada');\n";

/// Drops `users` only when it is empty; the check is on line 5.
const DROP_USERS: &str = "-- atlas:txtar

-- checks.sql --
-- users must be empty before it is dropped
SELECT NOT EXISTS (SELECT 1 FROM users);

-- checks/more.sql --
-- atlas:assert oneof

SELECT 1 = 0;
SELECT 1 = 1;

-- migration.sql --
CREATE TABLE audit (id int);
DROP TABLE users;
";

fn directory(dir: &Path) {
    write(dir, "1_users.sql", USERS);
    write(dir, "2_drop_users.sql", DROP_USERS);
    let o = cairn(dir, &["migrate", "hash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = cairn(dir, &["migrate", "validate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// What every database must show: the failed check stops the file before its first statement,
/// the revisions table records it, and the file applies once the data allows.
fn assert_refused(o: &std::process::Output) {
    assert_eq!(o.status.code(), Some(1), "{}", stdout(o));
    let err = stderr(o);
    assert!(
        err.contains("2_drop_users.sql:5:1: pre-migration check failed")
            && err.contains("checks.sql")
            && err.contains("SELECT NOT EXISTS (SELECT 1 FROM users)")
            && err.contains("no statement of 2_drop_users.sql ran"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_failing_check_stops_the_file_before_its_statements() {
    let dir = tempdir();
    directory(&dir);
    let db = dir.join("app.db");
    let url = format!("sqlite://{}", db.display());
    let o = cairn(&dir, &["migrate", "apply", "--url", &url]);
    assert_refused(&o);
    let tables = sqlite_rows(
        &db,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )
    .await;
    assert_eq!(tables.len(), 2, "no audit table: {tables:?}");
    let rev = sqlite_rows(
        &db,
        "SELECT CAST(applied AS TEXT), CAST(total AS TEXT), error FROM atlas_schema_revisions WHERE version = '2'",
    )
    .await;
    assert_eq!(rev[0][0].as_deref(), Some("0"));
    assert_eq!(
        rev[0][1].as_deref(),
        Some("2"),
        "migration.sql's statements"
    );
    assert!(
        rev[0][2].as_deref().unwrap().contains("assertion"),
        "{rev:?}"
    );
    let st = cairn(&dir, &["migrate", "status", "--url", &url]);
    assert!(
        stdout(&st).starts_with("Migration Status: PENDING"),
        "{}",
        stdout(&st)
    );

    sqlite_rows(&db, "DELETE FROM users").await;
    let o = cairn(&dir, &["migrate", "apply", "--url", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let tables = sqlite_rows(
        &db,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )
    .await;
    let names: Vec<_> = tables.iter().filter_map(|r| r[0].clone()).collect();
    assert_eq!(names, ["atlas_schema_revisions", "audit"]);
    let rev = sqlite_rows(
        &db,
        "SELECT CAST(applied AS TEXT), error FROM atlas_schema_revisions WHERE version = '2'",
    )
    .await;
    assert_eq!(rev[0][0].as_deref(), Some("2"));
    assert_eq!(rev[0][1], None);

    // Editing a check is an edit of the file: atlas.sum hashes the whole archive.
    write(
        &dir,
        "2_drop_users.sql",
        &DROP_USERS.replace("1 = 1", "2 = 2"),
    );
    let o = cairn(&dir, &["migrate", "validate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("2_drop_users.sql"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_oneof_member_fails_when_no_assertion_holds() {
    let dir = tempdir();
    write(&dir, "1_users.sql", USERS);
    write(
        &dir,
        "2_drop_users.sql",
        &DROP_USERS
            .replace("SELECT 1 = 1;", "SELECT 2 = 0;")
            .replace("SELECT NOT EXISTS (SELECT 1 FROM users);", "SELECT 1;"),
    );
    let o = cairn(&dir, &["migrate", "hash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let db = dir.join("app.db");
    let url = format!("sqlite://{}", db.display());
    let o = cairn(&dir, &["migrate", "apply", "--url", &url]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("2_drop_users.sql:10:1: pre-migration check failed")
            && stderr(&o).contains("none of the 2 assertions of checks/more.sql"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_failing_check_stops_the_file_before_its_statements() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    directory(&dir);
    let url = with_search_path(&scratch.url, "public");
    let o = cairn(&dir, &["migrate", "apply", "--url", &url]);
    assert_refused(&o);
    let audit = pg_rows(&scratch.url, "SELECT to_regclass('public.audit')::text").await;
    assert_eq!(first_cell(&audit), None);
    let rev = pg_rows(
        &scratch.url,
        "SELECT applied::text, total::text, error FROM public.atlas_schema_revisions WHERE version = '2'",
    )
    .await;
    assert_eq!(rev[0][0].as_deref(), Some("0"));
    assert!(
        rev[0][2].as_deref().unwrap().contains("assertion"),
        "{rev:?}"
    );

    pg_rows(&scratch.url, "DELETE FROM public.users").await;
    let o = cairn(&dir, &["migrate", "apply", "--url", &url]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let users = pg_rows(&scratch.url, "SELECT to_regclass('public.users')::text").await;
    assert_eq!(first_cell(&users), None);
    let rev = pg_rows(
        &scratch.url,
        "SELECT applied::text, total::text FROM public.atlas_schema_revisions WHERE version = '2'",
    )
    .await;
    assert_eq!(rev[0][0].as_deref(), Some("2"));
    assert_eq!(rev[0][1].as_deref(), Some("2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_failing_check_stops_the_file_before_its_statements() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    directory(&dir);
    let o = cairn(&dir, &["migrate", "apply", "--url", &scratch.url]);
    assert_refused(&o);
    let audit = my_rows(
        &scratch.url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'audit'",
    )
    .await;
    assert!(audit.is_empty(), "no statement of the file ran");
    let rev = my_rows(
        &scratch.url,
        "SELECT CAST(applied AS CHAR), error FROM atlas_schema_revisions WHERE version = '2'",
    )
    .await;
    assert_eq!(rev[0][0].as_deref(), Some("0"));
    assert!(
        rev[0][1].as_deref().unwrap().contains("assertion"),
        "{rev:?}"
    );

    my_rows(&scratch.url, "DELETE FROM users").await;
    let o = cairn(&dir, &["migrate", "apply", "--url", &scratch.url]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rev = my_rows(
        &scratch.url,
        "SELECT CAST(applied AS CHAR), CAST(total AS CHAR) FROM atlas_schema_revisions WHERE version = '2'",
    )
    .await;
    assert_eq!(rev[0][0].as_deref(), Some("2"));
    assert_eq!(rev[0][1].as_deref(), Some("2"));
}
