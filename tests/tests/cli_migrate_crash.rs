//! Crash safety of `cairn migrate apply`: a run killed with SIGKILL in the middle of a file.
//!
//! The kill is made deterministic by a lock: the test holds a lock on a table (`gate`, created by
//! the first file) that the third statement of the second file needs, waits until that statement
//! is blocked (and, outside a transaction, until the revisions table records the two statements
//! before it), then kills the `cairn` process. It then decides the fate of the blocked statement
//! (released, so the database finishes it for the dead client; or its backend terminated) and
//! runs `migrate apply` again:
//! - `txmode file` on PostgreSQL: nothing of the file remains and it re-runs whole;
//! - `txmode none` on PostgreSQL, and MariaDB (DDL commits): the run resumes after the last
//!   recorded statement, and the statement in doubt is checked against the live schema (its
//!   effect present: counted as applied; absent: run again; a data change: reported, asking for
//!   `migrate set`);
//! - SQLite, with a long query as the statement running when the process dies.

use std::future::Future;
use std::path::Path;
use std::process::Child;
use std::time::{Duration, Instant};

use cairn_tests::{
    cairn, first_cell, migrate_hash, migration_project, my_rows, mysql_scratch, pg_rows,
    pg_scratch, spawn_cairn, sqlite_rows, stderr, stdout, with_search_path, write_migration,
};
use sqlx::Connection;

/// The directory: file 1 creates `gate`; file 2's third statement needs a lock on it.
fn files(dir: &Path, directive: &str, third: &str) {
    write_migration(
        dir,
        "1_gate.sql",
        "CREATE TABLE gate (id int PRIMARY KEY);\n",
    );
    write_migration(
        dir,
        "2_work.sql",
        &format!(
            "{directive}CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n{third}\nCREATE TABLE c (id int);\n"
        ),
    );
    migrate_hash(dir);
}

fn apply(dir: &Path, url: &str) -> std::process::Output {
    cairn(dir, &["migrate", "apply", "--url", url])
}

fn spawn_apply(dir: &Path, url: &str) -> Child {
    spawn_cairn(
        dir,
        &["migrate", "apply", "--url", url, "--lock-timeout", "60s"],
    )
}

/// Polls `cond` until it holds; fails when `child` exits first or after a minute.
async fn wait_for<F, Fut>(what: &str, mut child: Option<&mut Child>, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if cond().await {
            return;
        }
        if let Some(c) = child.as_deref_mut()
            && let Ok(Some(status)) = c.try_wait()
        {
            let mut err = String::new();
            if let Some(mut e) = c.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut err);
            }
            panic!("cairn exited ({status}) before {what}: {err}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "gave up waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// SIGKILL, as a crash or an OOM killer would.
fn kill(mut child: Child) {
    child.kill().expect("kill cairn");
    let _ = child.wait();
}

// ---------------------------------------------------------------- PostgreSQL

const PG_WAITING: &str = "SELECT count(*)::text FROM pg_stat_activity \
     WHERE datname = current_database() AND wait_event_type = 'Lock'";

async fn pg_count(url: &str, sql: &str) -> i64 {
    first_cell(&pg_rows(url, sql).await)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

async fn pg_revision(url: &str, version: &str) -> Option<(String, String, Option<String>)> {
    let rows = pg_rows(
        url,
        &format!(
            "SELECT applied::text, total::text, error FROM public.atlas_schema_revisions WHERE version = '{version}'"
        ),
    )
    .await;
    rows.first().map(|r| {
        (
            r[0].clone().unwrap_or_default(),
            r[1].clone().unwrap_or_default(),
            r[2].clone(),
        )
    })
}

async fn pg_has_column(url: &str, table: &str, column: &str) -> bool {
    pg_count(
        url,
        &format!(
            "SELECT count(*)::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = '{table}' AND column_name = '{column}'"
        ),
    )
    .await
        == 1
}

async fn pg_tables(url: &str) -> Vec<String> {
    pg_rows(
        url,
        "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
    )
    .await
    .into_iter()
    .filter_map(|r| r[0].clone())
    .collect()
}

/// How the statement blocked when the process died ends.
#[derive(Clone, Copy, PartialEq)]
enum Fate {
    /// The lock is released: the database finishes the statement for the dead client.
    Finished,
    /// Its backend is terminated first: it never takes effect.
    Terminated,
}

/// Applies file 1, blocks file 2's third statement behind a lock, kills `cairn` there (after
/// the revisions table records two statements, when `recorded`), and ends the statement.
async fn pg_kill_in_file(dir: &Path, db_url: &str, url: &str, recorded: bool, fate: Fate) {
    let first = cairn(dir, &["migrate", "apply", "1", "--url", url]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let mut holder = sqlx::PgConnection::connect(db_url).await.unwrap();
    sqlx::raw_sql("BEGIN; LOCK TABLE public.gate IN SHARE MODE")
        .execute(&mut holder)
        .await
        .unwrap();
    let mut child = spawn_apply(dir, url);
    wait_for("the third statement blocks", Some(&mut child), || async {
        pg_count(db_url, PG_WAITING).await == 1
            && (!recorded || pg_revision(db_url, "2").await.is_some_and(|r| r.0 == "2"))
    })
    .await;
    kill(child);
    if fate == Fate::Terminated {
        pg_rows(
            db_url,
            "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity \
             WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .await;
    }
    sqlx::raw_sql("COMMIT").execute(&mut holder).await.unwrap();
    let _ = holder.close().await;
    // The dead client's backends end (after finishing the statement, when it was released).
    wait_for("the killed run's backends to end", None, || async {
        pg_count(
            db_url,
            "SELECT count(*)::text FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .await
            == 0
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sigkill_in_txmode_file_leaves_nothing_and_reruns_the_file_whole() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = migration_project("cairn_crash");
    files(&dir, "", "ALTER TABLE gate ADD COLUMN note text;");
    let url = with_search_path(&scratch.url, "public");
    pg_kill_in_file(&dir, &scratch.url, &url, false, Fate::Finished).await;

    // The file's transaction died with the process: no table, no revision of file 2.
    assert_eq!(
        pg_tables(&scratch.url).await,
        ["atlas_schema_revisions", "gate"]
    );
    assert!(!pg_has_column(&scratch.url, "gate", "note").await);
    assert_eq!(pg_revision(&scratch.url, "2").await, None);
    let st = cairn(&dir, &["migrate", "status", "--url", &url]);
    assert!(
        stdout(&st).contains("Next Version:    2"),
        "{}",
        stdout(&st)
    );

    let again = apply(&dir, &url);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        !stderr(&again).contains("interrupted"),
        "{}",
        stderr(&again)
    );
    assert!(
        stdout(&again).contains("Migrated to version 2"),
        "{}",
        stdout(&again)
    );
    assert_eq!(
        pg_tables(&scratch.url).await,
        ["a", "atlas_schema_revisions", "b", "c", "gate"]
    );
    assert!(pg_has_column(&scratch.url, "gate", "note").await);
    assert_eq!(
        pg_revision(&scratch.url, "2").await,
        Some(("4".into(), "4".into(), None))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sigkill_in_txmode_none_counts_a_finished_statement_as_applied() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = migration_project("cairn_crash");
    files(
        &dir,
        "-- atlas:txmode none\n\n",
        "ALTER TABLE gate ADD COLUMN note text;",
    );
    let url = with_search_path(&scratch.url, "public");
    pg_kill_in_file(&dir, &scratch.url, &url, true, Fate::Finished).await;

    // The server finished the ALTER after the client died; the revisions table never knew.
    assert!(pg_has_column(&scratch.url, "gate", "note").await);
    assert_eq!(
        pg_revision(&scratch.url, "2").await,
        Some(("2".into(), "4".into(), None))
    );
    let again = apply(&dir, &url);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("2_work.sql: statement 3 was interrupted")
            && stderr(&again).contains("counted as applied"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        pg_tables(&scratch.url).await,
        ["a", "atlas_schema_revisions", "b", "c", "gate"]
    );
    assert_eq!(
        pg_revision(&scratch.url, "2").await,
        Some(("4".into(), "4".into(), None))
    );
    let st = cairn(&dir, &["migrate", "status", "--url", &url]);
    assert!(
        stdout(&st).starts_with("Migration Status: OK"),
        "{}",
        stdout(&st)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sigkill_in_txmode_none_reruns_a_statement_that_never_finished() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = migration_project("cairn_crash");
    files(
        &dir,
        "-- atlas:txmode none\n\n",
        "ALTER TABLE gate ADD COLUMN note text;",
    );
    let url = with_search_path(&scratch.url, "public");
    pg_kill_in_file(&dir, &scratch.url, &url, true, Fate::Terminated).await;

    // Resumes after the two recorded statements: a and b exist, the ALTER never ran.
    assert_eq!(
        pg_tables(&scratch.url).await,
        ["a", "atlas_schema_revisions", "b", "gate"]
    );
    assert!(!pg_has_column(&scratch.url, "gate", "note").await);
    let st = cairn(&dir, &["migrate", "status", "--url", &url]);
    assert!(
        stdout(&st).contains("2 statements applied")
            && stdout(&st).contains("statement 3 is in doubt"),
        "{}",
        stdout(&st)
    );
    let again = apply(&dir, &url);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("2_work.sql: statement 3 was interrupted")
            && stderr(&again).contains("runs again"),
        "{}",
        stderr(&again)
    );
    assert!(
        stderr(&again).contains("resumed at statement 3"),
        "{}",
        stderr(&again)
    );
    assert!(pg_has_column(&scratch.url, "gate", "note").await);
    assert_eq!(
        pg_tables(&scratch.url).await,
        ["a", "atlas_schema_revisions", "b", "c", "gate"]
    );
    assert_eq!(
        pg_revision(&scratch.url, "2").await,
        Some(("4".into(), "4".into(), None))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sigkill_during_a_data_change_asks_for_migrate_set() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = migration_project("cairn_crash");
    files(
        &dir,
        "-- atlas:txmode none\n\n",
        "INSERT INTO gate (id) VALUES (1);",
    );
    let url = with_search_path(&scratch.url, "public");
    pg_kill_in_file(&dir, &scratch.url, &url, true, Fate::Finished).await;

    let again = apply(&dir, &url);
    assert_eq!(again.status.code(), Some(1), "{}", stdout(&again));
    let err = stderr(&again);
    assert!(
        err.contains("2_work.sql: statement 3 was interrupted")
            && err.contains("INSERT INTO gate")
            && err.contains("cairn migrate set 2"),
        "{err}"
    );
    // Nothing ran and the revisions table still says two statements.
    assert_eq!(
        pg_revision(&scratch.url, "2").await,
        Some(("2".into(), "4".into(), None))
    );
    assert_eq!(
        pg_tables(&scratch.url).await,
        ["a", "atlas_schema_revisions", "b", "gate"]
    );
    // The operator finishes the file by hand and records it.
    pg_rows(&scratch.url, "CREATE TABLE public.c (id int)").await;
    let set = cairn(&dir, &["migrate", "set", "2", "--url", &url]);
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    let st = cairn(&dir, &["migrate", "status", "--url", &url]);
    assert!(
        stdout(&st).starts_with("Migration Status: OK"),
        "{}",
        stdout(&st)
    );
    let n = pg_count(&scratch.url, "SELECT count(*)::text FROM public.gate").await;
    assert_eq!(n, 1, "the insert ran once");
}

// ---------------------------------------------------------------- MariaDB

const MY_WAITING: &str = "SELECT CAST(id AS CHAR) FROM information_schema.processlist \
     WHERE db = DATABASE() AND state LIKE 'Waiting for table%'";

async fn my_revision(url: &str, version: &str) -> Option<(String, String, Option<String>)> {
    let rows = my_rows(
        url,
        &format!(
            "SELECT CAST(applied AS CHAR), CAST(total AS CHAR), error FROM atlas_schema_revisions WHERE version = '{version}'"
        ),
    )
    .await;
    rows.first().map(|r| {
        (
            r[0].clone().unwrap_or_default(),
            r[1].clone().unwrap_or_default(),
            r[2].clone(),
        )
    })
}

async fn my_has_column(url: &str, table: &str, column: &str) -> bool {
    let rows = my_rows(
        url,
        &format!(
            "SELECT column_name FROM information_schema.columns \
             WHERE table_schema = DATABASE() AND table_name = '{table}' AND column_name = '{column}'"
        ),
    )
    .await;
    !rows.is_empty()
}

async fn my_tables(url: &str) -> Vec<String> {
    my_rows(
        url,
        "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY 1",
    )
    .await
    .into_iter()
    .filter_map(|r| r[0].clone())
    .collect()
}

/// As `pg_kill_in_file`, with `LOCK TABLES gate WRITE` as the lock. DDL commits on MariaDB, so
/// the revisions table records progress whatever the tx mode.
async fn my_kill_in_file(dir: &Path, url: &str, fate: Fate) {
    let first = cairn(dir, &["migrate", "apply", "1", "--url", url]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let mut holder = sqlx::MySqlConnection::connect(url).await.unwrap();
    sqlx::raw_sql("LOCK TABLES gate WRITE")
        .execute(&mut holder)
        .await
        .unwrap();
    let mut child = spawn_apply(dir, url);
    wait_for("the third statement blocks", Some(&mut child), || async {
        !my_rows(url, MY_WAITING).await.is_empty()
            && my_revision(url, "2").await.is_some_and(|r| r.0 == "2")
    })
    .await;
    kill(child);
    if fate == Fate::Terminated {
        for row in my_rows(url, MY_WAITING).await {
            let id = row[0].clone().unwrap();
            let _ = my_rows(url, &format!("KILL {id}")).await;
        }
        wait_for("the blocked statement to be killed", None, || async {
            my_rows(url, MY_WAITING).await.is_empty()
        })
        .await;
    }
    sqlx::raw_sql("UNLOCK TABLES")
        .execute(&mut holder)
        .await
        .unwrap();
    let _ = holder.close().await;
    wait_for("the killed run's statement to end", None, || async {
        my_rows(
            url,
            "SELECT CAST(id AS CHAR) FROM information_schema.processlist \
             WHERE db = DATABASE() AND id <> CONNECTION_ID() AND command <> 'Sleep'",
        )
        .await
        .is_empty()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_sigkill_resumes_and_checks_the_statement_in_doubt() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    // The ALTER finished for the dead client: counted as applied, not run twice.
    let dir = migration_project("cairn_crash");
    files(&dir, "", "ALTER TABLE gate ADD COLUMN note text;");
    my_kill_in_file(&dir, &scratch.url, Fate::Finished).await;
    assert!(my_has_column(&scratch.url, "gate", "note").await);
    assert_eq!(
        my_revision(&scratch.url, "2").await,
        Some(("2".into(), "4".into(), None))
    );
    let again = apply(&dir, &scratch.url);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("counted as applied"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        my_tables(&scratch.url).await,
        ["a", "atlas_schema_revisions", "b", "c", "gate"]
    );
    assert_eq!(
        my_revision(&scratch.url, "2").await,
        Some(("4".into(), "4".into(), None))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_sigkill_reruns_a_killed_statement_and_reports_data_changes() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let dir = migration_project("cairn_crash");
    files(&dir, "", "ALTER TABLE gate ADD COLUMN note text;");
    my_kill_in_file(&dir, &scratch.url, Fate::Terminated).await;
    assert!(!my_has_column(&scratch.url, "gate", "note").await);
    assert_eq!(
        my_tables(&scratch.url).await,
        ["a", "atlas_schema_revisions", "b", "gate"]
    );
    let again = apply(&dir, &scratch.url);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stderr(&again).contains("runs again"), "{}", stderr(&again));
    assert!(my_has_column(&scratch.url, "gate", "note").await);
    assert_eq!(
        my_revision(&scratch.url, "2").await,
        Some(("4".into(), "4".into(), None))
    );

    // A data change cannot be told from the schema: reported, nothing runs.
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let dir = migration_project("cairn_crash");
    files(&dir, "", "INSERT INTO gate (id) VALUES (1);");
    my_kill_in_file(&dir, &scratch.url, Fate::Finished).await;
    let again = apply(&dir, &scratch.url);
    assert_eq!(again.status.code(), Some(1), "{}", stdout(&again));
    assert!(
        stderr(&again).contains("statement 3 was interrupted")
            && stderr(&again).contains("cairn migrate set 2"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        my_revision(&scratch.url, "2").await,
        Some(("2".into(), "4".into(), None))
    );
}

// ---------------------------------------------------------------- SQLite

/// A query that runs for a few seconds: the statement the process dies in.
const LONG_QUERY: &str = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000000) SELECT count(*) FROM n;";

async fn sqlite_tables(db: &Path) -> Vec<String> {
    sqlite_rows(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )
    .await
    .into_iter()
    .filter_map(|r| r[0].clone())
    .collect()
}

async fn sqlite_revision(db: &Path, version: &str) -> Option<(String, String)> {
    let rows = sqlite_rows(
        db,
        &format!(
            "SELECT CAST(applied AS TEXT), CAST(total AS TEXT) FROM atlas_schema_revisions WHERE version = '{version}'"
        ),
    )
    .await;
    rows.first().map(|r| {
        (
            r[0].clone().unwrap_or_default(),
            r[1].clone().unwrap_or_default(),
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sigkill_in_a_file_transaction_leaves_nothing() {
    let dir = migration_project("cairn_crash");
    files(&dir, "", LONG_QUERY);
    let db = dir.join("app.db");
    let url = format!("sqlite://{}", db.display());
    let first = cairn(&dir, &["migrate", "apply", "1", "--url", &url]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let journal = dir.join("app.db-journal");
    let mut child = spawn_apply(&dir, &url);
    // The rollback journal exists while the file's transaction is open.
    wait_for("the file's transaction", Some(&mut child), || {
        let exists = journal.exists();
        async move { exists }
    })
    .await;
    kill(child);
    assert_eq!(sqlite_tables(&db).await, ["atlas_schema_revisions", "gate"]);
    assert_eq!(sqlite_revision(&db, "2").await, None);
    let again = apply(&dir, &url);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        sqlite_tables(&db).await,
        ["a", "atlas_schema_revisions", "b", "c", "gate"]
    );
    assert_eq!(
        sqlite_revision(&db, "2").await,
        Some(("4".into(), "4".into()))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_sigkill_in_txmode_none_resumes_after_the_last_recorded_statement() {
    let dir = migration_project("cairn_crash");
    files(&dir, "-- atlas:txmode none\n\n", LONG_QUERY);
    let db = dir.join("app.db");
    let url = format!("sqlite://{}", db.display());
    let first = cairn(&dir, &["migrate", "apply", "1", "--url", &url]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let mut child = spawn_apply(&dir, &url);
    wait_for("two recorded statements", Some(&mut child), || async {
        sqlite_revision(&db, "2").await.is_some_and(|r| r.0 == "2")
    })
    .await;
    kill(child);
    assert_eq!(
        sqlite_tables(&db).await,
        ["a", "atlas_schema_revisions", "b", "gate"]
    );
    let again = apply(&dir, &url);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("statement 3 was interrupted")
            && stderr(&again).contains("a query"),
        "{}",
        stderr(&again)
    );
    assert!(
        stderr(&again).contains("resumed at statement 3"),
        "{}",
        stderr(&again)
    );
    assert_eq!(
        sqlite_tables(&db).await,
        ["a", "atlas_schema_revisions", "b", "c", "gate"]
    );
    assert_eq!(
        sqlite_revision(&db, "2").await,
        Some(("4".into(), "4".into()))
    );
}
