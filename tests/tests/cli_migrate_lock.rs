//! Eight `cairn migrate apply` processes started at once against one database apply every file
//! exactly once: on SQLite through the lock file beside the database, on MariaDB through
//! `GET_LOCK('atlas_migrate_execute')` (PostgreSQL's advisory lock is covered in
//! cli_migrate.rs).

use std::path::Path;

use cairn_tests::{
    cairn, migrate_hash, migration_project, mysql_scratch, spawn_cairn, stderr, stdout,
    write_migration,
};

/// Six files, each logging its number once into `log`; `slow` is a statement that takes a
/// moment, so the deployers overlap.
fn six_files(dir: &Path, slow: &str) {
    write_migration(
        dir,
        "1_log.sql",
        "CREATE TABLE log (v varchar(8));\nINSERT INTO log VALUES ('1');\n",
    );
    for i in 2..=6 {
        write_migration(
            dir,
            &format!("{i}_step.sql"),
            &format!("CREATE TABLE t{i} (id int);\nINSERT INTO log VALUES ('{i}');\n{slow}\n"),
        );
    }
    migrate_hash(dir);
}

/// Starts eight deployers at once and waits for them; returns how many applied the files.
fn eight_deployers(dir: &Path, url: &str) -> usize {
    let children: Vec<_> = (0..8)
        .map(|_| {
            spawn_cairn(
                dir,
                &["migrate", "apply", "--url", url, "--lock-timeout", "120s"],
            )
        })
        .collect();
    let mut ran = 0;
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        if out.contains("Migrated to version 6") {
            ran += 1;
        } else {
            assert!(out.contains("No migration files to execute"), "{out}");
        }
    }
    ran
}

fn texts(rows: Vec<Vec<Option<String>>>) -> Vec<String> {
    rows.into_iter().map(|r| r[0].clone().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_eight_concurrent_deployers_apply_each_file_once() {
    use sqlx::{Connection, Row};
    let dir = migration_project("cairn_lock");
    // SQLite has no sleep: a recursive count takes a moment.
    six_files(
        &dir,
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) FROM c;",
    );
    let ran = eight_deployers(&dir, "sqlite://app.db");
    assert_eq!(ran, 1, "exactly one deployer applied the files");
    let mut c =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", dir.join("app.db").display()))
            .await
            .unwrap();
    let rows = |sql: &'static str| sqlx::query(sql);
    let log: Vec<String> = rows("SELECT v FROM log ORDER BY v")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    assert_eq!(
        log,
        ["1", "2", "3", "4", "5", "6"],
        "each file ran exactly once"
    );
    let revs: i64 = rows("SELECT count(*) FROM atlas_schema_revisions")
        .fetch_one(&mut c)
        .await
        .unwrap()
        .get(0);
    assert_eq!(revs, 6);
    // The lock lives beside the database and is free again: a later run takes it at once.
    assert!(dir.join("app.db.atlas_migrate_execute.lock").exists());
    let again = cairn(
        &dir,
        &[
            "migrate",
            "apply",
            "--url",
            "sqlite://app.db",
            "--lock-timeout",
            "1s",
        ],
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_lock_timeout_names_the_lock() {
    let dir = migration_project("cairn_lock");
    six_files(&dir, "SELECT 1;");
    // Another process holds the lock file: apply gives up after its timeout, changing nothing.
    let lock_path = dir.join("app.db.atlas_migrate_execute.lock");
    let holder = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .unwrap();
    holder.lock().unwrap();
    let o = cairn(
        &dir,
        &[
            "migrate",
            "apply",
            "--url",
            "sqlite://app.db",
            "--lock-timeout",
            "1s",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("atlas_migrate_execute"),
        "{}",
        stderr(&o)
    );
    let st = cairn(&dir, &["migrate", "status", "--url", "sqlite://app.db"]);
    assert!(
        stdout(&st).contains("No migration applied yet"),
        "{}",
        stdout(&st)
    );
    holder.unlock().unwrap();
    let o = cairn(
        &dir,
        &[
            "migrate",
            "apply",
            "--url",
            "sqlite://app.db",
            "--lock-timeout",
            "1s",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // migrate down takes the same lock.
    holder.lock().unwrap();
    let o = cairn(
        &dir,
        &[
            "migrate",
            "down",
            "--url",
            "sqlite://app.db",
            "--lock-timeout",
            "1s",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("atlas_migrate_execute"),
        "{}",
        stderr(&o)
    );
    holder.unlock().unwrap();
    let st = cairn(&dir, &["migrate", "status", "--url", "sqlite://app.db"]);
    assert!(
        stdout(&st).contains("Migration Status: OK"),
        "{}",
        stdout(&st)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_eight_concurrent_deployers_apply_each_file_once() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    use sqlx::{Connection, Row};
    let dir = migration_project("cairn_lock");
    six_files(&dir, "SELECT SLEEP(0.05);");
    let ran = eight_deployers(&dir, &scratch.url);
    assert_eq!(ran, 1, "exactly one deployer applied the files");
    let mut c = sqlx::MySqlConnection::connect(&scratch.url).await.unwrap();
    let log = sqlx::query("SELECT v FROM log ORDER BY v")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| vec![Some(r.get::<String, _>(0))])
        .collect();
    assert_eq!(
        texts(log),
        ["1", "2", "3", "4", "5", "6"],
        "each file ran exactly once"
    );
    let revs: i64 = sqlx::query("SELECT count(*) FROM atlas_schema_revisions")
        .fetch_one(&mut c)
        .await
        .unwrap()
        .get(0);
    assert_eq!(revs, 6);
}
