//! `cairn schema diff` and `cairn schema apply` end to end, on SQLite files, PostgreSQL and
//! MariaDB: convergence (a second plan is empty), the safety contract (destructive changes
//! refused, possible renames blocked until settled, hinted renames keep data), dry runs that
//! change nothing, `--check`, JSON reports, and failures that roll back.

use std::path::{Path, PathBuf};

use cairn_core::{DbUrl, Driver};
use cairn_tests::{
    cairn, mysql_scratch, pg_scratch, stderr, stdout, unique_name, with_search_path,
};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_apply"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

async fn query_sqlite(db: &Path, sql: &str) -> Vec<String> {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
        .await
        .unwrap();
    let rows: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut c)
        .await
        .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

const V1: &str = "
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL,
  email TEXT
);
CREATE INDEX users_email_idx ON users (email);
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_apply_converges_and_guards_data() {
    let dir = tempdir();
    write(&dir, "v1.sql", V1);
    let url = "sqlite://app.db";

    // Dry run on a missing file: a plan, exit 0, and no file.
    let dry = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://v1.sql",
            "--dry-run",
        ],
    );
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    assert!(stdout(&dry).contains("CREATE TABLE"), "{}", stdout(&dry));
    assert!(!dir.join("app.db").exists(), "a dry run creates nothing");

    // Without a terminal and without --auto-approve nothing is applied.
    let no_tty = cairn(
        &dir,
        &["schema", "apply", "--url", url, "--to", "file://v1.sql"],
    );
    assert_eq!(no_tty.status.code(), Some(1));
    assert!(
        stderr(&no_tty).contains("--auto-approve"),
        "{}",
        stderr(&no_tty)
    );

    let apply = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://v1.sql",
            "--auto-approve",
        ],
    );
    assert_eq!(apply.status.code(), Some(0), "{}", stderr(&apply));
    let again = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://v1.sql",
            "--auto-approve",
        ],
    );
    assert!(
        stdout(&again).contains("Schema is synced, no changes to be made"),
        "{}{}",
        stdout(&again),
        stderr(&again)
    );
    let check = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://v1.sql",
            "--check",
        ],
    );
    assert_eq!(check.status.code(), Some(0));
    cairn_tests::assert_synced(&dir, url, "file://v1.sql", &[]);

    let db = dir.join("app.db");
    {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
            .await
            .unwrap();
        sqlx::query("INSERT INTO users (id, username, email) VALUES (1, 'ada', 'ada@example.com'), (2, 'bob', NULL)")
            .execute(&mut c)
            .await
            .unwrap();
    }

    // A drop that looks like a rename is blocked, even with --allow-destructive.
    write(
        &dir,
        "v2.sql",
        "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  handle TEXT NOT NULL,\n  email TEXT\n);\nCREATE INDEX users_email_idx ON users (email);\n",
    );
    let blocked = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://v2.sql",
            "--auto-approve",
            "--allow-destructive",
        ],
    );
    assert_eq!(blocked.status.code(), Some(1), "{}", stderr(&blocked));
    assert!(stderr(&blocked).contains("RN101"), "{}", stderr(&blocked));
    assert!(
        stderr(&blocked).contains("renamed_from"),
        "the help names the hint: {}",
        stderr(&blocked)
    );
    let check = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://v2.sql",
            "--check",
        ],
    );
    assert_eq!(
        check.status.code(),
        Some(3),
        "--check exits 3 when changes are pending"
    );
    assert_eq!(
        query_sqlite(&db, "SELECT username FROM users ORDER BY id").await,
        vec!["ada", "bob"],
        "nothing changed"
    );

    // With the hint it is a rename, and the data stays.
    write(
        &dir,
        "v3.sql",
        "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  handle TEXT NOT NULL, -- cairn:renamed_from username\n  email TEXT\n);\nCREATE INDEX users_email_idx ON users (email);\n",
    );
    let plan = cairn(
        &dir,
        &["schema", "diff", "--from", url, "--to", "file://v3.sql"],
    );
    assert!(stdout(&plan).contains("RENAME COLUMN"), "{}", stdout(&plan));
    assert!(!stdout(&plan).contains("DROP COLUMN"), "{}", stdout(&plan));
    let renamed = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://v3.sql",
            "--auto-approve",
        ],
    );
    assert_eq!(renamed.status.code(), Some(0), "{}", stderr(&renamed));
    assert_eq!(
        query_sqlite(&db, "SELECT handle FROM users ORDER BY id").await,
        vec!["ada", "bob"]
    );
    let synced = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://v3.sql",
            "--auto-approve",
        ],
    );
    assert!(
        stdout(&synced).contains("Schema is synced"),
        "the hint is a no-op once applied: {}",
        stdout(&synced)
    );

    // A destructive change is refused unless allowed, and the database is untouched.
    write(
        &dir,
        "v4.sql",
        "CREATE TABLE users (\n  id INTEGER PRIMARY KEY,\n  handle TEXT NOT NULL\n);\n",
    );
    let refused = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://v4.sql",
            "--auto-approve",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("DS103"), "{}", stderr(&refused));
    assert_eq!(
        query_sqlite(&db, "SELECT email FROM users WHERE id = 1").await,
        vec!["ada@example.com"]
    );
    let json = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://v4.sql",
            "--auto-approve",
            "--allow-drop",
            "users.email",
            "--format",
            "json",
        ],
    );
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("one JSON document");
    assert!(
        v["applied"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().contains("email")),
        "{v}"
    );
    assert!(v["error"].is_null());
    assert!(v["statements"][0]["hazards"]["destructive"].is_boolean());
    assert_eq!(
        query_sqlite(&db, "SELECT handle FROM users ORDER BY id").await,
        vec!["ada", "bob"],
        "kept columns keep their rows"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_apply_rolls_back_a_failed_group() {
    let Some(db) = pg_scratch().await else { return };
    let dir = tempdir();
    let url = with_search_path(&db.url, "public");
    write(
        &dir,
        "v1.sql",
        "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\nCREATE TABLE audit (id bigserial PRIMARY KEY, note text);\n",
    );
    let apply = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            &url,
            "--to",
            "file://v1.sql",
            "--auto-approve",
        ],
    );
    assert_eq!(
        apply.status.code(),
        Some(0),
        "{}{}",
        stdout(&apply),
        stderr(&apply)
    );
    let again = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            &url,
            "--to",
            "file://v1.sql",
            "--auto-approve",
        ],
    );
    assert!(
        stdout(&again).contains("Schema is synced"),
        "{}{}",
        stdout(&again),
        stderr(&again)
    );

    let driver = cairn_postgres::connect(&DbUrl::parse(&db.url).unwrap())
        .await
        .unwrap();
    driver
        .execute("INSERT INTO public.accounts VALUES (1, 'a'), (2, 'b')")
        .await
        .unwrap();
    // A new NOT NULL column without a default fails on existing rows: the whole group rolls back.
    write(
        &dir,
        "v2.sql",
        "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, region text NOT NULL);\nCREATE TABLE audit (id bigserial PRIMARY KEY, note text, at timestamptz DEFAULT now());\n",
    );
    let dry = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            &url,
            "--to",
            "file://v2.sql",
            "--dry-run",
        ],
    );
    assert!(
        stdout(&dry).contains("data-dependent"),
        "the hazard is named: {}",
        stdout(&dry)
    );
    let failed = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            &url,
            "--to",
            "file://v2.sql",
            "--auto-approve",
            "--format",
            "json",
        ],
    );
    assert_eq!(failed.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&failed)).expect("JSON report");
    assert!(
        v["error"]["stmt"].as_str().unwrap().contains("region"),
        "{v}"
    );
    assert!(
        v["applied"].as_array().unwrap().is_empty(),
        "rolled back: {v}"
    );
    let after = cairn(
        &dir,
        &["schema", "inspect", "--url", &url, "--format", "json"],
    );
    assert!(
        !stdout(&after).contains("\"at\""),
        "the audit change rolled back with its group: {}",
        stdout(&after)
    );
    driver.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_apply_converges() {
    let Some(db) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    write(
        &dir,
        "v1.sql",
        "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(255) NOT NULL, status enum('new','active') NOT NULL DEFAULT 'new', UNIQUE KEY users_email (email)) ENGINE=InnoDB;\n",
    );
    let apply = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            &db.url,
            "--to",
            "file://v1.sql",
            "--auto-approve",
        ],
    );
    assert_eq!(
        apply.status.code(),
        Some(0),
        "{}{}",
        stdout(&apply),
        stderr(&apply)
    );
    let again = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            &db.url,
            "--to",
            "file://v1.sql",
            "--auto-approve",
        ],
    );
    assert!(
        stdout(&again).contains("Schema is synced"),
        "{}{}",
        stdout(&again),
        stderr(&again)
    );
    write(
        &dir,
        "v2.sql",
        "CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(320) NOT NULL, status enum('new','active','gone') NOT NULL DEFAULT 'new', created_at datetime NULL, UNIQUE KEY users_email (email)) ENGINE=InnoDB;\n",
    );
    let apply2 = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            &db.url,
            "--to",
            "file://v2.sql",
            "--auto-approve",
        ],
    );
    assert_eq!(
        apply2.status.code(),
        Some(0),
        "{}{}",
        stdout(&apply2),
        stderr(&apply2)
    );
    let again2 = cairn(
        &dir,
        &["schema", "diff", "--from", &db.url, "--to", "file://v2.sql"],
    );
    assert!(
        stdout(&again2).contains("Schemas are synced"),
        "{}{}",
        stdout(&again2),
        stderr(&again2)
    );
}
