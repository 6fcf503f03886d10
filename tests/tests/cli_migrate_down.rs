//! `cairn migrate down` end to end on SQLite, PostgreSQL and MariaDB: apply three files, revert
//! one, revert to a version, status afterwards, re-apply; a dry run changes nothing; a drop of a
//! table holding rows is refused unless allowed; a rename made by a reverted file is renamed
//! back; a partially applied file (failed under `txmode none`, or on MariaDB's non-transactional
//! DDL) is reverted from the database's actual state.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, mysql_scratch, pg_scratch, stderr, stdout, with_search_path};

fn tempdir() -> PathBuf {
    cairn_tests::migration_project("cairn_down")
}

fn write(dir: &Path, name: &str, text: &str) {
    cairn_tests::write_migration(dir, name, text);
}

fn ok(o: &std::process::Output) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

fn hash(dir: &Path) {
    ok(&cairn(dir, &["migrate", "hash"]));
}

/// The database a test reads back, every column as text.
enum Db {
    Sqlite(PathBuf),
    Pg(String),
    My(String),
}

impl Db {
    async fn rows(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        use sqlx::{Connection, Row};
        macro_rules! fetch {
            ($conn:ty, $url:expr) => {{
                let mut c = <$conn>::connect($url).await.unwrap();
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
            }};
        }
        match self {
            Db::Sqlite(p) => fetch!(sqlx::SqliteConnection, &format!("sqlite://{}", p.display())),
            Db::Pg(u) => fetch!(sqlx::PgConnection, u),
            Db::My(u) => fetch!(sqlx::MySqlConnection, u),
        }
    }

    async fn exec(&self, sql: &str) {
        use sqlx::Connection;
        match self {
            Db::Sqlite(p) => {
                let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", p.display()))
                    .await
                    .unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
            Db::Pg(u) => {
                let mut c = sqlx::PgConnection::connect(u).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
            Db::My(u) => {
                let mut c = sqlx::MySqlConnection::connect(u).await.unwrap();
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
        }
    }

    /// The tables of the test's schema, sorted (the revisions table included).
    async fn tables(&self) -> Vec<String> {
        let sql = match self {
            Db::Sqlite(_) => {
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name".to_string()
            }
            Db::Pg(_) => {
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                    .to_string()
            }
            Db::My(_) => "SELECT CAST(table_name AS CHAR) FROM information_schema.tables \
                 WHERE table_schema = DATABASE() ORDER BY 1"
                .to_string(),
        };
        self.rows(&sql)
            .await
            .into_iter()
            .map(|r| r[0].clone().unwrap())
            .collect()
    }

    /// The columns of `table`, sorted.
    async fn columns(&self, table: &str) -> Vec<String> {
        let sql = match self {
            Db::Sqlite(_) => format!("SELECT name FROM pragma_table_info('{table}') ORDER BY name"),
            Db::Pg(_) => format!(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY 1"
            ),
            Db::My(_) => format!(
                "SELECT CAST(column_name AS CHAR) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{table}' ORDER BY 1"
            ),
        };
        self.rows(&sql)
            .await
            .into_iter()
            .map(|r| r[0].clone().unwrap())
            .collect()
    }

    async fn revisions(&self) -> Vec<String> {
        self.rows("SELECT version FROM atlas_schema_revisions ORDER BY version")
            .await
            .into_iter()
            .map(|r| r[0].clone().unwrap())
            .collect()
    }
}

const F1: &str = "CREATE TABLE users (id int PRIMARY KEY, name text);\n";
const F2: &str = "CREATE TABLE posts (id int PRIMARY KEY, user_id int);\n";
const F3: &str = "CREATE INDEX posts_user_idx ON posts (user_id);\nALTER TABLE users RENAME COLUMN name TO full_name;\n";

fn status_json(dir: &Path, url: &str) -> serde_json::Value {
    let o = cairn(
        dir,
        &["migrate", "status", "--url", url, "--format", "json"],
    );
    ok(&o);
    serde_json::from_str(&stdout(&o)).expect("one JSON document")
}

/// The scenario every database runs: apply, dry run, down 1, re-apply, refusal with rows,
/// --to-version with --allow-drop, JSON output, down to nothing and apply again.
async fn scenario(dir: &Path, url: &str, db: &Db) {
    write(dir, "1_users.sql", F1);
    write(dir, "2_posts.sql", F2);
    write(dir, "3_index.sql", F3);
    hash(dir);
    ok(&cairn(dir, &["migrate", "apply", "--url", url]));
    assert_eq!(db.revisions().await, ["1", "2", "3"]);
    assert_eq!(db.columns("users").await, ["full_name", "id"]);

    // A dry run prints the plan and changes nothing.
    let dry = cairn(dir, &["migrate", "down", "--url", url, "--dry-run"]);
    ok(&dry);
    assert!(
        stdout(&dry).contains("-- Reverting 3 (to version 2)"),
        "{}",
        stdout(&dry)
    );
    assert!(stdout(&dry).contains("posts_user_idx"), "{}", stdout(&dry));
    assert!(stdout(&dry).contains("RENAME"), "{}", stdout(&dry));
    assert_eq!(db.revisions().await, ["1", "2", "3"]);
    assert_eq!(db.columns("users").await, ["full_name", "id"]);

    // down (1): the index is dropped and the column renamed back, not dropped and re-added.
    let down = cairn(dir, &["migrate", "down", "--url", url]);
    ok(&down);
    assert!(!stdout(&down).contains("DROP COLUMN"), "{}", stdout(&down));
    assert!(
        stderr(&down).contains("Reverted 1 migration to version 2"),
        "{}",
        stderr(&down)
    );
    assert_eq!(db.revisions().await, ["1", "2"]);
    assert_eq!(db.columns("users").await, ["id", "name"]);
    let st = status_json(dir, url);
    assert_eq!(st["Status"], "PENDING");
    assert_eq!(st["Current"], "2");
    assert_eq!(st["Next"], "3");
    assert_eq!(st["Pending"].as_array().unwrap().len(), 1);

    // Re-applying runs file 3 again.
    let again = cairn(dir, &["migrate", "apply", "--url", url]);
    ok(&again);
    assert!(
        stdout(&again).contains("Migrated to version 3"),
        "{}",
        stdout(&again)
    );
    assert_eq!(db.revisions().await, ["1", "2", "3"]);
    assert_eq!(db.columns("users").await, ["full_name", "id"]);

    // posts holds a row: going back to version 1 would drop it, refused.
    db.exec("INSERT INTO posts (id, user_id) VALUES (1, 1)")
        .await;
    let refused = cairn(dir, &["migrate", "down", "--to-version", "1", "--url", url]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("DS102"), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("holds data"),
        "{}",
        stderr(&refused)
    );
    assert!(
        stderr(&refused).contains("--allow-drop posts"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(db.revisions().await, ["1", "2", "3"]);
    assert!(db.tables().await.contains(&"posts".to_string()));

    // Allowed by name, with JSON output.
    let js = cairn(
        dir,
        &[
            "migrate",
            "down",
            "--to-version",
            "1",
            "--url",
            url,
            "--allow-drop",
            "posts",
            "--format",
            "json",
        ],
    );
    ok(&js);
    let v: serde_json::Value = serde_json::from_str(&stdout(&js)).expect("one JSON document");
    assert_eq!(v["Current"], "3");
    assert_eq!(v["Target"], "1");
    assert_eq!(v["Reverted"].as_array().unwrap().len(), 2);
    assert_eq!(v["Reverted"][0]["Version"], "3");
    assert_eq!(v["RevisionsRemoved"], true);
    assert!(
        v["Applied"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().contains("DROP TABLE")),
        "{v}"
    );
    assert_eq!(db.revisions().await, ["1"]);
    assert_eq!(db.tables().await, ["atlas_schema_revisions", "users"]);
    let st = status_json(dir, url);
    assert_eq!(st["Current"], "1");
    assert_eq!(st["Pending"].as_array().unwrap().len(), 2);

    // Re-apply everything, then revert all three: the (empty) tables go without flags.
    ok(&cairn(dir, &["migrate", "apply", "--url", url]));
    assert_eq!(db.revisions().await, ["1", "2", "3"]);
    ok(&cairn(dir, &["migrate", "down", "3", "--url", url]));
    assert!(db.revisions().await.is_empty());
    assert_eq!(db.tables().await, ["atlas_schema_revisions"]);
    let st = status_json(dir, url);
    assert_eq!(st["Current"], "");
    assert_eq!(st["Pending"].as_array().unwrap().len(), 3);
    ok(&cairn(dir, &["migrate", "apply", "--url", url]));
    assert_eq!(db.revisions().await, ["1", "2", "3"]);

    // Nothing to revert past the first file; an unknown version is an error.
    let bad = cairn(dir, &["migrate", "down", "4", "--url", url]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("cannot revert 4 files"),
        "{}",
        stderr(&bad)
    );
    let bad = cairn(dir, &["migrate", "down", "--to-version", "9", "--url", url]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("not applied"), "{}", stderr(&bad));
}

/// A file that fails half-way (`txmode none`, or MariaDB's auto-committed DDL) is reverted from
/// what the database actually holds.
async fn partial(dir: &Path, url: &str, db: &Db, txmode_none: bool) {
    write(dir, "1_users.sql", F1);
    let head = if txmode_none {
        "-- atlas:txmode none\n\n"
    } else {
        ""
    };
    write(
        dir,
        "2_posts.sql",
        &format!(
            "{head}CREATE TABLE posts (id int PRIMARY KEY);\nCREATE TABLE users (id int);\nCREATE TABLE tags (id int);\n"
        ),
    );
    hash(dir);
    let failed = cairn(dir, &["migrate", "apply", "--url", url]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    let st = status_json(dir, url);
    assert_eq!(st["Current"], "2", "{st}");
    assert_eq!(
        db.tables().await,
        ["atlas_schema_revisions", "posts", "users"]
    );

    let down = cairn(dir, &["migrate", "down", "--url", url]);
    ok(&down);
    assert!(stdout(&down).contains("DROP TABLE"), "{}", stdout(&down));
    assert_eq!(db.revisions().await, ["1"]);
    assert_eq!(db.tables().await, ["atlas_schema_revisions", "users"]);
    let st = status_json(dir, url);
    assert_eq!(st["Current"], "1");
    assert_eq!(st["Error"], "");

    // Fixed, the file applies from its first statement.
    write(
        dir,
        "2_posts.sql",
        &format!(
            "{head}CREATE TABLE posts (id int PRIMARY KEY);\nCREATE TABLE authors (id int);\nCREATE TABLE tags (id int);\n"
        ),
    );
    hash(dir);
    ok(&cairn(dir, &["migrate", "apply", "--url", url]));
    assert_eq!(
        db.tables().await,
        [
            "atlas_schema_revisions",
            "authors",
            "posts",
            "tags",
            "users"
        ]
    );
    let st = status_json(dir, url);
    assert_eq!(st["Status"], "OK");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_down() {
    let dir = tempdir();
    let db = Db::Sqlite(dir.join("app.db"));
    scenario(&dir, "sqlite://app.db", &db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_down_with_dev_database() {
    let dir = tempdir();
    let db = Db::Sqlite(dir.join("app.db"));
    write(&dir, "1_users.sql", F1);
    write(&dir, "2_posts.sql", F2);
    write(&dir, "3_index.sql", F3);
    hash(&dir);
    ok(&cairn(
        &dir,
        &["migrate", "apply", "--url", "sqlite://app.db"],
    ));
    let down = cairn(
        &dir,
        &[
            "migrate",
            "down",
            "2",
            "--url",
            "sqlite://app.db",
            "--dev-url",
            "sqlite://dev?mode=memory",
        ],
    );
    ok(&down);
    assert_eq!(db.revisions().await, ["1"]);
    assert_eq!(db.tables().await, ["atlas_schema_revisions", "users"]);
    assert_eq!(db.columns("users").await, ["id", "name"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_down_after_partial_failure() {
    let dir = tempdir();
    let db = Db::Sqlite(dir.join("app.db"));
    partial(&dir, "sqlite://app.db", &db, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_down() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    let url = with_search_path(&scratch.url, "public");
    scenario(&dir, &url, &Db::Pg(scratch.url.clone())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_down_after_partial_failure() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    let url = with_search_path(&scratch.url, "public");
    partial(&dir, &url, &Db::Pg(scratch.url.clone()), true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_down() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    scenario(&dir, &scratch.url, &Db::My(scratch.url.clone())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_down_after_partial_failure() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    partial(&dir, &scratch.url, &Db::My(scratch.url.clone()), false).await;
}

/// A statement of the down plan fails (an object outside the URL's scope depends on the table):
/// on PostgreSQL the statements before it roll back with it and the revisions stay; once the
/// obstacle is gone, the same command reverts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_failed_down_rolls_back_with_its_revisions() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    let url = with_search_path(&scratch.url, "public");
    let db = Db::Pg(scratch.url.clone());
    write(&dir, "1_users.sql", F1);
    write(&dir, "2_posts.sql", F2);
    write(&dir, "3_index.sql", F3);
    hash(&dir);
    ok(&cairn(&dir, &["migrate", "apply", "--url", &url]));
    db.exec("CREATE SCHEMA other; CREATE VIEW other.v AS SELECT id FROM public.posts")
        .await;
    let failed = cairn(&dir, &["migrate", "down", "2", "--url", &url]);
    assert_eq!(failed.status.code(), Some(1), "{}", stdout(&failed));
    assert!(stderr(&failed).contains("failed"), "{}", stderr(&failed));
    assert_eq!(db.revisions().await, ["1", "2", "3"]);
    assert_eq!(
        db.columns("users").await,
        ["full_name", "id"],
        "the rename rolled back"
    );
    db.exec("DROP VIEW other.v").await;
    ok(&cairn(&dir, &["migrate", "down", "2", "--url", &url]));
    assert_eq!(db.revisions().await, ["1"]);
    assert_eq!(db.columns("users").await, ["id", "name"]);
    assert_eq!(db.tables().await, ["atlas_schema_revisions", "users"]);
}

/// On MariaDB DDL commits as it runs: a failed down keeps what ran and the revisions, and the
/// next run plans only what is left, from the database's actual state.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_failed_down_resumes_from_the_actual_state() {
    let (Some(scratch), Some(other)) = (mysql_scratch().await, mysql_scratch().await) else {
        return;
    };
    let dir = tempdir();
    let db = Db::My(scratch.url.clone());
    write(&dir, "1_users.sql", F1);
    write(&dir, "2_posts.sql", F2);
    write(&dir, "3_index.sql", F3);
    hash(&dir);
    ok(&cairn(&dir, &["migrate", "apply", "--url", &scratch.url]));
    // A table in another database references posts: DROP TABLE posts fails.
    let child = format!(
        "CREATE TABLE `{}`.child (id int PRIMARY KEY, post_id int, FOREIGN KEY (post_id) REFERENCES `{}`.posts (id))",
        other.name, scratch.name
    );
    db.exec(&child).await;
    let failed = cairn(&dir, &["migrate", "down", "2", "--url", &scratch.url]);
    assert_eq!(failed.status.code(), Some(1), "{}", stdout(&failed));
    assert_eq!(db.revisions().await, ["1", "2", "3"]);
    assert_eq!(db.columns("users").await, ["id", "name"], "the rename ran");
    db.exec(&format!("DROP TABLE `{}`.child", other.name)).await;
    let again = cairn(&dir, &["migrate", "down", "2", "--url", &scratch.url]);
    ok(&again);
    assert!(!stdout(&again).contains("RENAME"), "{}", stdout(&again));
    assert_eq!(db.revisions().await, ["1"]);
    assert_eq!(db.tables().await, ["atlas_schema_revisions", "users"]);
}

/// Reverting an added column: dropped when it holds only NULLs, refused when it holds values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_down_checks_dropped_columns_for_data() {
    let dir = tempdir();
    let db = Db::Sqlite(dir.join("app.db"));
    write(&dir, "1_users.sql", F1);
    write(&dir, "2_age.sql", "ALTER TABLE users ADD COLUMN age int;\n");
    hash(&dir);
    ok(&cairn(
        &dir,
        &["migrate", "apply", "--url", "sqlite://app.db"],
    ));
    db.exec("INSERT INTO users (id, name) VALUES (1, 'a')")
        .await;
    ok(&cairn(
        &dir,
        &["migrate", "down", "--url", "sqlite://app.db"],
    ));
    assert_eq!(db.columns("users").await, ["id", "name"]);
    ok(&cairn(
        &dir,
        &["migrate", "apply", "--url", "sqlite://app.db"],
    ));
    db.exec("UPDATE users SET age = 3").await;
    let refused = cairn(&dir, &["migrate", "down", "--url", "sqlite://app.db"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("DS103"), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("--allow-drop users.age"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(db.columns("users").await, ["age", "id", "name"]);
    ok(&cairn(
        &dir,
        &[
            "migrate",
            "down",
            "--url",
            "sqlite://app.db",
            "--allow-destructive",
        ],
    ));
    assert_eq!(db.columns("users").await, ["id", "name"]);
    assert_eq!(db.revisions().await, ["1"]);
}
