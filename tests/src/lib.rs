//! Shared helpers for the end-to-end tests: the `cairn` binary, scratch databases on the local
//! PostgreSQL and MariaDB (fresh, randomly named, dropped afterwards), and the skip-or-fail rule
//! (skip with a notice when a server is unreachable, fail under `CI=true`).

pub mod lsp;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Once;
use std::time::{SystemTime, UNIX_EPOCH};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// The path of the `cairn` binary, building it first when the test runs alone.
pub fn cairn_bin() -> PathBuf {
    static BUILD: Once = Once::new();
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test> -> target/<profile>/cairn
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let bin = profile_dir.join(format!("cairn{}", std::env::consts::EXE_SUFFIX));
    BUILD.call_once(|| {
        let mut build = Command::new(env!("CARGO"));
        build
            .args(["build", "-q", "-p", "cairn-cli"])
            .current_dir(repo_root());
        // Cargo gives a test process the variables it sets for a compiled crate
        // (CARGO_MANIFEST_DIR, CARGO_PKG_*...). A build script that watches one of them (ring's
        // watches CARGO_MANIFEST_DIR) would see it changed, and the build would redo ring, sqlx
        // and every crate above them, then the outer `cargo test` would redo them back: minutes
        // per test binary. The inner build gets the environment of the shell that ran the tests.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            if key.starts_with("CARGO_PKG_")
                || matches!(
                    &*key,
                    "CARGO_MANIFEST_DIR"
                        | "CARGO_MANIFEST_PATH"
                        | "CARGO_CRATE_NAME"
                        | "CARGO_BIN_NAME"
                        | "CARGO_PRIMARY_PACKAGE"
                        | "CARGO_TARGET_TMPDIR"
                        | "CARGO_RUSTC_CURRENT_DIR"
                )
            {
                build.env_remove(&*key);
            }
        }
        let status = build.status().expect("run cargo build");
        assert!(status.success(), "building the cairn binary failed");
    });
    bin
}

/// Runs `cairn` with `args` in `dir`, without a terminal and with no standard input.
pub fn cairn(dir: &Path, args: &[&str]) -> Output {
    Command::new(cairn_bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run cairn")
}

/// A fresh project folder under the system temp dir, holding an empty `migrations/`.
pub fn migration_project(prefix: &str) -> PathBuf {
    let d = std::env::temp_dir().join(unique_name(prefix));
    std::fs::create_dir_all(d.join("migrations")).expect("create the migrations folder");
    d
}

/// Writes `migrations/NAME` of the project `dir`.
pub fn write_migration(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join("migrations").join(name), text).expect("write a migration");
}

/// A fresh directory under the system's temporary directory.
pub fn scratch_dir(prefix: &str) -> PathBuf {
    let d = std::env::temp_dir().join(unique_name(prefix));
    std::fs::create_dir_all(&d).expect("create scratch dir");
    d
}

/// Writes `dir/name` (its folders created as needed).
pub fn write_file(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().expect("a file in a folder")).expect("create folders");
    std::fs::write(p, text).expect("write a file");
}

/// Starts `cairn` with `args` in `dir` (no terminal, no standard input), its output piped.
pub fn spawn_cairn(dir: &Path, args: &[&str]) -> std::process::Child {
    Command::new(cairn_bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn cairn")
}

/// `cairn migrate hash` in `dir`, which must succeed.
pub fn migrate_hash(dir: &Path) {
    let o = cairn(dir, &["migrate", "hash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A name no other test run will pick: `prefix_<pid>_<nanos>_<counter>`.
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{nanos:x}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn postgres_url() -> String {
    std::env::var("CAIRN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".into())
}

pub fn mysql_url() -> String {
    std::env::var("CAIRN_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// Called when a server is unreachable: a printed notice, or a failure under `CI=true`.
pub fn unreachable(what: &str, err: &dyn std::fmt::Display) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} is unreachable under CI=true: {err}");
    }
    eprintln!(
        "SKIPPED: {what} is unreachable ({err}); set CAIRN_TEST_POSTGRES_URL / CAIRN_TEST_MYSQL_URL"
    );
}

/// Sets the path of a URL (`scheme://auth@host:port/PATH?query`) to `/db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let host = before_query.split('/').next().unwrap_or(before_query);
    match query {
        Some(q) => format!("{scheme}://{host}/{db}?{q}"),
        None => format!("{scheme}://{host}/{db}"),
    }
}

/// Adds (or replaces) `search_path` on a PostgreSQL URL.
pub fn with_search_path(url: &str, schema: &str) -> String {
    let base: String = match url.split_once('?') {
        Some((a, q)) => {
            let kept: Vec<&str> = q
                .split('&')
                .filter(|kv| !kv.starts_with("search_path="))
                .collect();
            if kept.is_empty() {
                a.to_string()
            } else {
                format!("{a}?{}", kept.join("&"))
            }
        }
        None => url.to_string(),
    };
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}search_path={schema}")
}

/// Runs `sql` on a fresh connection from a thread of its own, so it works from `Drop`, whatever
/// runtime (or none) the test is in.
fn run_detached(url: String, sql: String, mysql: bool) {
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(async move {
            use sqlx::Connection;
            if mysql {
                let mut c = sqlx::MySqlConnection::connect(&url).await.ok()?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .ok()?;
            } else {
                let mut c = sqlx::PgConnection::connect(&url).await.ok()?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await
                    .ok()?;
            }
            Some(())
        })
    })
    .join();
}

/// A scratch PostgreSQL database, dropped on drop.
pub struct PgScratch {
    pub name: String,
    /// A URL of the scratch database (database scope).
    pub url: String,
    admin_url: String,
}

/// Creates a fresh PostgreSQL database, or returns `None` (after the notice) when unreachable.
pub async fn pg_scratch() -> Option<PgScratch> {
    use sqlx::Connection;
    let admin_url = postgres_url();
    let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
        Ok(c) => c,
        Err(e) => {
            unreachable("PostgreSQL", &e);
            return None;
        }
    };
    let name = unique_name("cairn_t");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create scratch database");
    let _ = admin.close().await;
    Some(PgScratch {
        url: with_database(&admin_url, &name),
        name,
        admin_url,
    })
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        run_detached(
            self.admin_url.clone(),
            format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
            false,
        );
    }
}

/// A scratch MariaDB/MySQL database, dropped on drop.
pub struct MyScratch {
    pub name: String,
    pub url: String,
    admin_url: String,
}

pub async fn mysql_scratch() -> Option<MyScratch> {
    use sqlx::Connection;
    let admin_url = mysql_url();
    let mut admin = match sqlx::MySqlConnection::connect(&admin_url).await {
        Ok(c) => c,
        Err(e) => {
            unreachable("MariaDB/MySQL", &e);
            return None;
        }
    };
    let name = unique_name("cairn_t");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
        .execute(&mut admin)
        .await
        .expect("create scratch database");
    let _ = admin.close().await;
    Some(MyScratch {
        url: with_database(&admin_url, &name),
        name,
        admin_url,
    })
}

impl Drop for MyScratch {
    fn drop(&mut self) {
        run_detached(
            self.admin_url.clone(),
            format!("DROP DATABASE IF EXISTS `{}`", self.name),
            true,
        );
    }
}

/// Rows of a query on a fresh connection of type `C` to `url`, every column read as text
/// (`None` for NULL).
async fn text_rows<C>(url: &str, sql: &str) -> Vec<Vec<Option<String>>>
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    <C::Database as sqlx::Database>::Row: sqlx::Row<Database = C::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, C::Database> + sqlx::Type<C::Database>,
    usize: sqlx::ColumnIndex<<C::Database as sqlx::Database>::Row>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
{
    use sqlx::Row;
    let mut c = C::connect(url).await.expect("connect");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = c.close().await;
    rows.iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.try_get::<Option<String>, _>(i).expect("a text column"))
                .collect()
        })
        .collect()
}

/// Runs SQL (one or more statements, as a script) on a fresh PostgreSQL connection; an error
/// fails the test.
pub async fn pg_exec(url: &str, sql: &str) {
    exec::<sqlx::PgConnection>(url, sql).await
}

/// As `pg_exec`, on MariaDB/MySQL.
pub async fn my_exec(url: &str, sql: &str) {
    exec::<sqlx::MySqlConnection>(url, sql).await
}

async fn exec<C>(url: &str, sql: &str)
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
{
    let mut c = C::connect(url).await.expect("connect");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
        .execute(&mut c)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = c.close().await;
}

/// Rows of a query, every column read as text (`None` for NULL), on a fresh connection.
pub async fn pg_rows(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    text_rows::<sqlx::PgConnection>(url, sql).await
}

/// As `pg_rows`, on MariaDB/MySQL.
pub async fn my_rows(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    text_rows::<sqlx::MySqlConnection>(url, sql).await
}

/// As `pg_rows`, on a SQLite file.
pub async fn sqlite_rows(db: &Path, sql: &str) -> Vec<Vec<Option<String>>> {
    text_rows::<sqlx::SqliteConnection>(&format!("sqlite://{}", db.display()), sql).await
}

/// The first column of the first row, if any.
pub fn first_cell(rows: &[Vec<Option<String>>]) -> Option<String> {
    rows.first().and_then(|r| r.first()).cloned().flatten()
}

/// An expected-outcomes list under `tests/` (`tests/NAME`): one case id per line, a tab, then
/// the cause; blank lines and `#` comments are skipped. A missing file is an empty list.
pub fn expected_list(name: &str) -> std::collections::BTreeMap<String, String> {
    std::fs::read_to_string(repo_root().join("tests").join(name))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once('\t') {
            Some((id, cause)) => (id.trim().to_string(), cause.trim().to_string()),
            None => (l.trim().to_string(), String::new()),
        })
        .collect()
}

/// `cairn lint migrations --dialect DIALECT --format json` in `dir`: its diagnostics.
pub fn lint_migrations_json(dir: &Path, dialect: &str) -> Vec<serde_json::Value> {
    let o = cairn(
        dir,
        &[
            "lint",
            "migrations",
            "--dialect",
            dialect,
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(&o), stderr(&o)));
    v["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("no diagnostics array: {v}"))
}

/// Asserts that `cairn schema diff --from FROM --to TO [EXTRA...]`, run in `dir`, finds nothing
/// to change.
pub fn assert_synced(dir: &Path, from: &str, to: &str, extra: &[&str]) {
    let mut args = vec!["schema", "diff", "--from", from, "--to", to];
    args.extend_from_slice(extra);
    let o = cairn(dir, &args);
    assert!(
        stdout(&o).contains("Schemas are synced, no changes to be made."),
        "{from} -> {to}: {}\n{}",
        stdout(&o),
        stderr(&o)
    );
}
