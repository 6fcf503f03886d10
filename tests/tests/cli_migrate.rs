//! `cairn migrate ...` end to end against real databases: apply a directory on SQLite,
//! PostgreSQL and MariaDB, re-runs that do nothing, status before and after, failures recorded
//! in `atlas_schema_revisions` and resumed after the fix, edited files caught by `atlas.sum`,
//! baselines on dirty databases, dry runs that change nothing, and eight concurrent deployers
//! serialised by the lock.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, mysql_scratch, pg_scratch, stderr, stdout, with_search_path};

fn tempdir() -> PathBuf {
    cairn_tests::migration_project("cairn_migrate")
}

fn write(dir: &Path, name: &str, text: &str) {
    cairn_tests::write_migration(dir, name, text);
}

fn hash(dir: &Path) {
    cairn_tests::migrate_hash(dir);
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    cairn(dir, args)
}

/// Rows of a query against SQLite, every column as text.
async fn sqlite_rows(db: &Path, sql: &str) -> Vec<Vec<Option<String>>> {
    use sqlx::{Connection, Row};
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut c)
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.try_get::<Option<String>, _>(i).unwrap())
                .collect()
        })
        .collect()
}

async fn pg_rows(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    use sqlx::{Connection, Row};
    let mut c = sqlx::PgConnection::connect(url).await.unwrap();
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut c)
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.try_get::<Option<String>, _>(i).unwrap())
                .collect()
        })
        .collect()
}

async fn my_rows(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    use sqlx::{Connection, Row};
    let mut c = sqlx::MySqlConnection::connect(url).await.unwrap();
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut c)
        .await
        .unwrap();
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.try_get::<Option<String>, _>(i).unwrap())
                .collect()
        })
        .collect()
}

fn cell(rows: &[Vec<Option<String>>], r: usize, c: usize) -> Option<String> {
    rows.get(r).and_then(|row| row.get(c)).cloned().flatten()
}

const REV_COLS: &str = "version, CAST(type AS TEXT), CAST(applied AS TEXT), CAST(total AS TEXT), error, error_stmt, operator_version, CAST(partial_hashes AS TEXT)";

const F1: &str = "CREATE TABLE users (id int PRIMARY KEY, name text);\n";
const F2: &str = "CREATE TABLE posts (id int PRIMARY KEY, user_id int);\nINSERT INTO posts (id, user_id) VALUES (1, 1);\n";
const F3: &str = "CREATE INDEX posts_user_idx ON posts (user_id);\n";

fn three_files(dir: &Path) {
    write(dir, "20240101000001_users.sql", F1);
    write(dir, "20240101000002_posts.sql", F2);
    write(dir, "20240101000003_index.sql", F3);
    hash(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_apply_status_rerun_and_edits() {
    let dir = tempdir();
    three_files(&dir);
    let url = "sqlite://app.db";

    let v = run(&dir, &["migrate", "validate"]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    let ls = run(&dir, &["migrate", "ls"]);
    assert_eq!(
        stdout(&ls).lines().collect::<Vec<_>>(),
        [
            "20240101000001_users.sql",
            "20240101000002_posts.sql",
            "20240101000003_index.sql"
        ]
    );

    // Status before: pending, and --check exits 3; reading creates no database file.
    let st = run(&dir, &["migrate", "status", "--url", url]);
    assert_eq!(st.status.code(), Some(0), "{}", stderr(&st));
    assert!(
        stdout(&st).starts_with("Migration Status: PENDING"),
        "{}",
        stdout(&st)
    );
    assert!(stdout(&st).contains("No migration applied yet"));
    let check = run(&dir, &["migrate", "status", "--url", url, "--check"]);
    assert_eq!(check.status.code(), Some(3));
    assert!(!dir.join("app.db").exists(), "status creates nothing");

    // A dry run prints the statements and changes nothing.
    let dry = run(&dir, &["migrate", "apply", "--url", url, "--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("CREATE TABLE posts"),
        "{}",
        stdout(&dry)
    );
    assert!(!dir.join("app.db").exists(), "a dry run creates nothing");

    let apply = run(&dir, &["migrate", "apply", "--url", url]);
    assert_eq!(apply.status.code(), Some(0), "{}", stderr(&apply));
    assert!(
        stdout(&apply).contains("Migrated to version 20240101000003"),
        "{}",
        stdout(&apply)
    );
    let db = dir.join("app.db");
    let revs = sqlite_rows(
        &db,
        &format!("SELECT {REV_COLS} FROM atlas_schema_revisions ORDER BY version"),
    )
    .await;
    assert_eq!(revs.len(), 3);
    assert_eq!(cell(&revs, 1, 0).as_deref(), Some("20240101000002"));
    assert_eq!(cell(&revs, 1, 1).as_deref(), Some("2"), "type: executed");
    assert_eq!(cell(&revs, 1, 2).as_deref(), Some("2"));
    assert_eq!(cell(&revs, 1, 3).as_deref(), Some("2"));
    assert_eq!(cell(&revs, 1, 4), None);
    assert!(cell(&revs, 1, 6).unwrap().starts_with("Cairn v"));
    assert_eq!(
        sqlite_rows(&db, "SELECT CAST(count(*) AS TEXT) FROM posts").await[0][0].as_deref(),
        Some("1")
    );

    // Re-running is a no-op.
    let again = run(&dir, &["migrate", "apply", "--url", url]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).contains("No migration files to execute"));
    assert_eq!(
        sqlite_rows(&db, "SELECT CAST(count(*) AS TEXT) FROM posts").await[0][0].as_deref(),
        Some("1")
    );

    let st = run(&dir, &["migrate", "status", "--url", url]);
    assert!(
        stdout(&st).starts_with("Migration Status: OK"),
        "{}",
        stdout(&st)
    );
    let js = run(
        &dir,
        &["migrate", "status", "--url", url, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&js)).expect("one JSON document");
    assert_eq!(v["Status"], "OK");
    assert_eq!(v["Count"], 3);
    assert_eq!(v["Total"], 3);
    assert_eq!(v["Current"], "20240101000003");
    assert_eq!(v["Pending"].as_array().unwrap().len(), 0);
    assert_eq!(v["Applied"][0]["Version"], "20240101000001");

    // An edited file fails validation, naming it; apply refuses too.
    write(
        &dir,
        "20240101000002_posts.sql",
        "CREATE TABLE posts (id bigint PRIMARY KEY);\n",
    );
    let bad = run(&dir, &["migrate", "validate"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("20240101000002_posts.sql was edited"),
        "{}",
        stderr(&bad)
    );
    let bad = run(&dir, &["migrate", "apply", "--url", url]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("20240101000002_posts.sql"),
        "{}",
        stderr(&bad)
    );

    // Usage errors exit 2.
    let usage = run(&dir, &["migrate", "apply", "--no-such-flag"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_txmode_none_failure_resumes_after_last_statement() {
    let dir = tempdir();
    write(&dir, "1_a.sql", "CREATE TABLE a (id int);\n");
    write(
        &dir,
        "2_b.sql",
        "-- atlas:txmode none\n\nCREATE TABLE b (id int);\nINSERT INTO missing VALUES (1);\nCREATE TABLE b2 (id int);\n",
    );
    write(&dir, "3_c.sql", "CREATE TABLE c (id int);\n");
    hash(&dir);
    let url = "sqlite://app.db";
    let db = dir.join("app.db");

    let failed = run(&dir, &["migrate", "apply", "--url", url]);
    assert_eq!(failed.status.code(), Some(1), "{}", stdout(&failed));
    assert!(stderr(&failed).contains("2_b.sql"), "{}", stderr(&failed));
    assert!(stderr(&failed).contains("missing"), "{}", stderr(&failed));
    let revs = sqlite_rows(
        &db,
        &format!("SELECT {REV_COLS} FROM atlas_schema_revisions WHERE version = '2'"),
    )
    .await;
    assert_eq!(
        cell(&revs, 0, 2).as_deref(),
        Some("1"),
        "one statement applied"
    );
    assert_eq!(cell(&revs, 0, 3).as_deref(), Some("3"));
    assert!(cell(&revs, 0, 4).unwrap().contains("missing"));
    assert!(cell(&revs, 0, 5).unwrap().contains("INSERT INTO missing"));
    assert!(cell(&revs, 0, 7).unwrap().contains("h1:"), "partial hashes");

    let st = run(&dir, &["migrate", "status", "--url", url]);
    let out = stdout(&st);
    assert!(out.starts_with("Migration Status: PENDING"), "{out}");
    assert!(out.contains("1 statements applied"), "{out}");
    assert!(out.contains("INSERT INTO missing"), "{out}");

    // Editing an applied statement of the partial file is refused.
    write(
        &dir,
        "2_b.sql",
        "-- atlas:txmode none\n\nCREATE TABLE bb (id int);\nCREATE TABLE b1 (id int);\nCREATE TABLE b2 (id int);\n",
    );
    hash(&dir);
    let changed = run(&dir, &["migrate", "apply", "--url", url]);
    assert_eq!(changed.status.code(), Some(1));
    assert!(
        stderr(&changed).contains("2_b.sql: statement 1 was changed"),
        "{}",
        stderr(&changed)
    );

    // Fixing the failed statement resumes after the last applied one (re-running
    // `CREATE TABLE b` would fail).
    write(
        &dir,
        "2_b.sql",
        "-- atlas:txmode none\n\nCREATE TABLE b (id int);\nCREATE TABLE b1 (id int);\nCREATE TABLE b2 (id int);\n",
    );
    hash(&dir);
    let fixed = run(&dir, &["migrate", "apply", "--url", url]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    let revs = sqlite_rows(
        &db,
        &format!("SELECT {REV_COLS} FROM atlas_schema_revisions ORDER BY version"),
    )
    .await;
    assert_eq!(revs.len(), 3);
    assert_eq!(cell(&revs, 1, 2).as_deref(), Some("3"));
    assert_eq!(cell(&revs, 1, 4), None, "the error is cleared");
    assert_eq!(cell(&revs, 1, 7), None, "partial hashes are cleared");
    let tables = sqlite_rows(
        &db,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('b', 'b1', 'b2', 'c') ORDER BY name",
    )
    .await;
    assert_eq!(tables.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_tx_mode_all_rolls_back_the_whole_run() {
    let dir = tempdir();
    write(&dir, "1_a.sql", "CREATE TABLE a (id int);\n");
    write(
        &dir,
        "2_b.sql",
        "CREATE TABLE b (id int);\nINSERT INTO nope VALUES (1);\n",
    );
    hash(&dir);
    let url = "sqlite://app.db";
    let failed = run(
        &dir,
        &["migrate", "apply", "--url", url, "--tx-mode", "all"],
    );
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        stderr(&failed).contains("rolled back"),
        "{}",
        stderr(&failed)
    );
    let db = dir.join("app.db");
    let t = sqlite_rows(
        &db,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('a', 'b')",
    )
    .await;
    assert!(t.is_empty(), "{t:?}");
    let revs = sqlite_rows(&db, "SELECT version FROM atlas_schema_revisions").await;
    assert!(revs.is_empty(), "{revs:?}");
    // A txmode directive cannot be combined with --tx-mode all.
    write(
        &dir,
        "2_b.sql",
        "-- atlas:txmode none\n\nCREATE TABLE b (id int);\n",
    );
    hash(&dir);
    let refused = run(
        &dir,
        &["migrate", "apply", "--url", url, "--tx-mode", "all"],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("2_b.sql"), "{}", stderr(&refused));
    let ok = run(&dir, &["migrate", "apply", "--url", url]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_baseline_dirty_database_and_set() {
    let dir = tempdir();
    three_files(&dir);
    let url = "sqlite://app.db";
    let db = dir.join("app.db");
    {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", db.display()))
            .await
            .unwrap();
        sqlx::raw_sql("CREATE TABLE users (id int PRIMARY KEY, name text);")
            .execute(&mut c)
            .await
            .unwrap();
    }
    let dirty = run(&dir, &["migrate", "apply", "--url", url]);
    assert_eq!(dirty.status.code(), Some(1));
    assert!(
        stderr(&dirty).contains("not clean") && stderr(&dirty).contains("users"),
        "{}",
        stderr(&dirty)
    );

    // --dry-run --baseline writes nothing, not even the baseline row.
    let dry = run(
        &dir,
        &[
            "migrate",
            "apply",
            "--url",
            url,
            "--baseline",
            "20240101000001",
            "--dry-run",
        ],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(
        stdout(&dry).contains("CREATE TABLE posts"),
        "{}",
        stdout(&dry)
    );
    let t = sqlite_rows(
        &db,
        "SELECT name FROM sqlite_master WHERE name IN ('atlas_schema_revisions', 'posts')",
    )
    .await;
    assert!(t.is_empty(), "a dry run changed the database: {t:?}");

    let base = run(
        &dir,
        &[
            "migrate",
            "apply",
            "--url",
            url,
            "--baseline",
            "20240101000001",
        ],
    );
    assert_eq!(base.status.code(), Some(0), "{}", stderr(&base));
    let revs = sqlite_rows(
        &db,
        &format!("SELECT {REV_COLS} FROM atlas_schema_revisions ORDER BY version"),
    )
    .await;
    assert_eq!(revs.len(), 3);
    assert_eq!(cell(&revs, 0, 1).as_deref(), Some("1"), "baseline type");
    assert_eq!(cell(&revs, 2, 1).as_deref(), Some("2"));

    // `migrate set` moves the table back without running SQL, then forward again.
    let set = run(&dir, &["migrate", "set", "20240101000002", "--url", url]);
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    let st = run(&dir, &["migrate", "status", "--url", url]);
    assert!(
        stdout(&st).contains("Next Version:    20240101000003"),
        "{}",
        stdout(&st)
    );
    let set = run(&dir, &["migrate", "set", "--url", url]);
    assert_eq!(set.status.code(), Some(0), "{}", stderr(&set));
    let revs = sqlite_rows(
        &db,
        &format!("SELECT {REV_COLS} FROM atlas_schema_revisions WHERE version = '20240101000003'"),
    )
    .await;
    assert_eq!(cell(&revs, 0, 1).as_deref(), Some("4"), "resolved by hand");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_apply_failure_rolls_back_file_and_resumes() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    write(&dir, "1_users.sql", F1);
    write(
        &dir,
        "2_posts.sql",
        "CREATE TABLE posts (id int PRIMARY KEY, user_id int);\nINSERT INTO nope VALUES (1);\n",
    );
    write(&dir, "3_index.sql", F3);
    hash(&dir);
    let url = with_search_path(&scratch.url, "public");

    let st = run(&dir, &["migrate", "status", "--url", &url]);
    assert!(
        stdout(&st).starts_with("Migration Status: PENDING"),
        "{}",
        stdout(&st)
    );

    let failed = run(&dir, &["migrate", "apply", "--url", &url]);
    assert_eq!(failed.status.code(), Some(1), "{}", stdout(&failed));
    assert!(
        stderr(&failed).contains("2_posts.sql"),
        "{}",
        stderr(&failed)
    );
    // txmode file: nothing of file 2 remains, and the error is recorded.
    let posts = pg_rows(&scratch.url, "SELECT to_regclass('public.posts')::text").await;
    assert_eq!(cell(&posts, 0, 0), None, "file 2 was rolled back");
    let users = pg_rows(&scratch.url, "SELECT to_regclass('public.users')::text").await;
    assert!(cell(&users, 0, 0).is_some());
    let revs = pg_rows(
        &scratch.url,
        "SELECT version, type::text, applied::text, total::text, error, error_stmt, operator_version \
         FROM public.atlas_schema_revisions ORDER BY version",
    )
    .await;
    assert_eq!(revs.len(), 2, "{revs:?}");
    assert_eq!(cell(&revs, 1, 2).as_deref(), Some("0"));
    assert_eq!(cell(&revs, 1, 3).as_deref(), Some("2"));
    assert!(cell(&revs, 1, 4).unwrap().contains("nope"));
    assert!(cell(&revs, 1, 5).unwrap().contains("INSERT INTO nope"));
    let js = run(
        &dir,
        &["migrate", "status", "--url", &url, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&js)).unwrap();
    assert_eq!(v["Status"], "PENDING");
    assert!(v["Error"].as_str().unwrap().contains("nope"));
    assert!(v["SQL"].as_str().unwrap().contains("INSERT INTO nope"));

    write(&dir, "2_posts.sql", F2);
    hash(&dir);
    let fixed = run(&dir, &["migrate", "apply", "--url", &url]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    let again = run(&dir, &["migrate", "apply", "--url", &url]);
    assert!(stdout(&again).contains("No migration files to execute"));
    let revs = pg_rows(
        &scratch.url,
        "SELECT version, applied::text, total::text, error FROM public.atlas_schema_revisions ORDER BY version",
    )
    .await;
    assert_eq!(revs.len(), 3);
    assert_eq!(cell(&revs, 1, 1).as_deref(), Some("2"));
    assert_eq!(cell(&revs, 1, 3), None);
    let st = run(&dir, &["migrate", "status", "--url", &url]);
    assert!(
        stdout(&st).starts_with("Migration Status: OK"),
        "{}",
        stdout(&st)
    );
    let n = pg_rows(&scratch.url, "SELECT count(*)::text FROM public.posts").await;
    assert_eq!(cell(&n, 0, 0).as_deref(), Some("1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_database_scope_keeps_revisions_in_their_own_schema() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    write(
        &dir,
        "1_app.sql",
        "CREATE SCHEMA app;\nCREATE TABLE app.t (id int);\n",
    );
    hash(&dir);
    let apply = run(&dir, &["migrate", "apply", "--url", &scratch.url]);
    assert_eq!(apply.status.code(), Some(0), "{}", stderr(&apply));
    let revs = pg_rows(
        &scratch.url,
        "SELECT version, applied::text FROM atlas_schema_revisions.atlas_schema_revisions",
    )
    .await;
    assert_eq!(revs.len(), 1);
    assert_eq!(cell(&revs, 0, 1).as_deref(), Some("2"));
    let again = run(&dir, &["migrate", "apply", "--url", &scratch.url]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(stdout(&again).contains("No migration files to execute"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_eight_concurrent_deployers_apply_each_file_once() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    write(
        &dir,
        "1_log.sql",
        "CREATE TABLE log (v text);\nINSERT INTO log VALUES ('1');\n",
    );
    for i in 2..=6 {
        write(
            &dir,
            &format!("{i}_step.sql"),
            &format!(
                "CREATE TABLE t{i} (id int);\nINSERT INTO log VALUES ('{i}');\nSELECT pg_sleep(0.05);\n"
            ),
        );
    }
    hash(&dir);
    let url = with_search_path(&scratch.url, "public");
    let children: Vec<_> = (0..8)
        .map(|_| {
            cairn_tests::spawn_cairn(
                &dir,
                &["migrate", "apply", "--url", &url, "--lock-timeout", "60s"],
            )
        })
        .collect();
    let mut ran = 0;
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        if stdout(&o).contains("Migrated to version 6") {
            ran += 1;
        }
    }
    assert!(ran >= 1, "one deployer applied the files");
    let log = pg_rows(&scratch.url, "SELECT v FROM public.log ORDER BY v").await;
    let log: Vec<String> = log.into_iter().map(|r| r[0].clone().unwrap()).collect();
    assert_eq!(
        log,
        ["1", "2", "3", "4", "5", "6"],
        "each file ran exactly once"
    );
    let revs = pg_rows(
        &scratch.url,
        "SELECT count(*)::text FROM public.atlas_schema_revisions",
    )
    .await;
    assert_eq!(cell(&revs, 0, 0).as_deref(), Some("6"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_failure_resumes_after_last_applied_statement() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    write(
        &dir,
        "1_users.sql",
        "CREATE TABLE users (id int PRIMARY KEY, name text);\n",
    );
    // DDL commits implicitly: the first statement stays applied when the second fails.
    write(
        &dir,
        "2_posts.sql",
        "CREATE TABLE posts (id int PRIMARY KEY);\nCREATE TABLE users (id int);\nCREATE TABLE tags (id int);\n",
    );
    write(
        &dir,
        "3_idx.sql",
        "CREATE INDEX posts_id_idx ON posts (id);\n",
    );
    hash(&dir);
    let url = &scratch.url;

    let failed = run(&dir, &["migrate", "apply", "--url", url]);
    assert_eq!(failed.status.code(), Some(1), "{}", stdout(&failed));
    assert!(
        stderr(&failed).contains("2_posts.sql"),
        "{}",
        stderr(&failed)
    );
    let revs = my_rows(
        url,
        "SELECT version, CAST(type AS CHAR), CAST(applied AS CHAR), CAST(total AS CHAR), error, error_stmt, operator_version \
         FROM atlas_schema_revisions ORDER BY version",
    )
    .await;
    assert_eq!(revs.len(), 2, "{revs:?}");
    assert_eq!(cell(&revs, 1, 2).as_deref(), Some("1"), "{revs:?}");
    assert_eq!(cell(&revs, 1, 3).as_deref(), Some("3"));
    assert!(cell(&revs, 1, 4).unwrap().contains("users"), "{revs:?}");
    assert!(cell(&revs, 1, 5).unwrap().contains("CREATE TABLE users"));
    assert!(cell(&revs, 1, 6).unwrap().starts_with("Cairn v"));
    let st = run(&dir, &["migrate", "status", "--url", url]);
    assert!(
        stdout(&st).contains("last one partially"),
        "{}",
        stdout(&st)
    );

    write(
        &dir,
        "2_posts.sql",
        "CREATE TABLE posts (id int PRIMARY KEY);\nCREATE TABLE authors (id int);\nCREATE TABLE tags (id int);\n",
    );
    hash(&dir);
    let fixed = run(&dir, &["migrate", "apply", "--url", url]);
    assert_eq!(fixed.status.code(), Some(0), "{}", stderr(&fixed));
    let again = run(&dir, &["migrate", "apply", "--url", url]);
    assert!(stdout(&again).contains("No migration files to execute"));
    let tables = my_rows(
        url,
        &format!(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = '{}' ORDER BY table_name",
            scratch.name
        ),
    )
    .await;
    let tables: Vec<String> = tables.into_iter().map(|r| r[0].clone().unwrap()).collect();
    assert_eq!(
        tables,
        [
            "atlas_schema_revisions",
            "authors",
            "posts",
            "tags",
            "users"
        ]
    );
    let st = run(
        &dir,
        &["migrate", "status", "--url", url, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&st)).unwrap();
    assert_eq!(v["Status"], "OK");
    assert_eq!(v["Count"], 3);
}
