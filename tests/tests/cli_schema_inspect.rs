//! `cairn schema inspect` and `cairn schema fmt` end to end: the real binary against SQLite
//! files, PostgreSQL and MariaDB, and the bad inputs the contract names.

use cairn_core::{DbUrl, Driver};
use cairn_tests::{
    cairn, mysql_scratch, pg_scratch, stderr, stdout, unique_name, with_search_path,
};

const SHOP_SQL: &str = "
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  total NUMERIC NOT NULL CHECK (total >= 0)
);
CREATE INDEX orders_user_idx ON orders(user_id);
";

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_cli"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn version_and_help_with_examples() {
    let dir = tempdir();
    let v = cairn(&dir, &["--version"]);
    assert!(v.status.success());
    assert!(stdout(&v).starts_with("cairn "), "{}", stdout(&v));
    let h = cairn(&dir, &["schema", "inspect", "--help"]);
    assert!(h.status.success());
    assert!(stdout(&h).contains("Examples:"), "{}", stdout(&h));
    let h = cairn(&dir, &["schema", "fmt", "--help"]);
    assert!(stdout(&h).contains("--check"));
    let bad = cairn(&dir, &["schema", "inspect"]);
    assert_eq!(bad.status.code(), Some(2), "a usage error exits 2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspects_a_sqlite_file_in_every_format() {
    let dir = tempdir();
    let db = dir.join("app.db");
    let url = DbUrl::parse(&format!("sqlite://{}", db.display())).unwrap();
    let driver = cairn_sqlite::connect(&url, false).await.unwrap();
    driver.execute(SHOP_SQL).await.unwrap();
    driver.close().await;

    let arg = "sqlite://app.db";
    let sql = cairn(
        &dir,
        &["schema", "inspect", "--url", arg, "--format", "sql"],
    );
    assert!(sql.status.success(), "{}", stderr(&sql));
    let out = stdout(&sql);
    assert!(
        out.contains("CREATE TABLE") && out.contains("orders") && out.contains("users"),
        "{out}"
    );

    let json = cairn(
        &dir,
        &[
            "schema",
            "inspect",
            "--url",
            arg,
            "--format",
            "{{ json . }}",
        ],
    );
    assert!(json.status.success(), "{}", stderr(&json));
    let v: serde_json::Value =
        serde_json::from_str(&stdout(&json)).expect("one JSON document on stdout");
    let tables = v["schemas"][0]["tables"]
        .as_array()
        .expect("schemas[0].tables");
    let orders = tables
        .iter()
        .find(|t| t["name"] == "orders")
        .expect("orders table");
    assert_eq!(orders["foreign_keys"][0]["references"]["table"], "users");
    assert_eq!(orders["primary_key"]["parts"][0]["column"], "id");
    assert!(
        orders["columns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "total")
    );

    let hcl = cairn(&dir, &["schema", "inspect", "--url", arg]);
    assert!(hcl.status.success(), "{}", stderr(&hcl));
    assert!(
        stdout(&hcl).contains("table \"orders\""),
        "{}",
        stdout(&hcl)
    );

    let mermaid = cairn(
        &dir,
        &["schema", "inspect", "--url", arg, "--format", "mermaid"],
    );
    assert!(mermaid.status.success());
    let m = stdout(&mermaid);
    assert!(
        m.starts_with("erDiagram") && m.contains("orders }o--|| users"),
        "{m}"
    );

    // Scope filters work on databases.
    let ex = cairn(
        &dir,
        &[
            "schema",
            "inspect",
            "--url",
            arg,
            "--exclude",
            "ord*",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&ex)).unwrap();
    assert!(
        !v["schemas"][0]["tables"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "orders")
    );

    // A missing file is not created by inspection.
    let missing = cairn(
        &dir,
        &[
            "schema",
            "inspect",
            "--url",
            "sqlite://nothing-here.db",
            "--format",
            "json",
        ],
    );
    assert!(missing.status.success(), "{}", stderr(&missing));
    assert!(!dir.join("nothing-here.db").exists());
}

#[test]
fn inspects_schema_files_without_a_database() {
    let dir = tempdir();
    std::fs::write(dir.join("schema.sql"), SHOP_SQL).unwrap();
    let out = cairn(
        &dir,
        &[
            "schema",
            "inspect",
            "--url",
            "file://schema.sql",
            "--dialect",
            "sqlite",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["schemas"][0]["tables"].as_array().unwrap().len(), 2);

    // The dialect can come from a dev URL's scheme or the file suffix; otherwise it is asked for.
    let by_dev = cairn(
        &dir,
        &[
            "schema",
            "inspect",
            "--url",
            "file://schema.sql",
            "--dev-url",
            "sqlite://dev?mode=memory",
            "--format",
            "sql",
        ],
    );
    assert!(by_dev.status.success(), "{}", stderr(&by_dev));
    let unknown = cairn(&dir, &["schema", "inspect", "--url", "file://schema.sql"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).contains("--dialect"),
        "{}",
        stderr(&unknown)
    );

    std::fs::write(
        dir.join("app.lt.hcl"),
        "schema \"main\" {}\ntable \"t\" {\n  schema = schema.main\n  column \"id\" {\n    type = integer\n  }\n  primary_key {\n    columns = [column.id]\n  }\n}\n",
    )
    .unwrap();
    let hcl = cairn(
        &dir,
        &[
            "schema",
            "inspect",
            "--url",
            "file://app.lt.hcl",
            "--format",
            "sql",
        ],
    );
    assert!(hcl.status.success(), "{}", stderr(&hcl));
    assert!(stdout(&hcl).contains("CREATE TABLE"), "{}", stdout(&hcl));
}

#[test]
fn bad_input_is_a_located_error() {
    let dir = tempdir();
    std::fs::write(
        dir.join("broken.pg.hcl"),
        "table \"t\" {\n  schema = schema.public\n  column \"id\" {\n    type = integer\n  \n",
    )
    .unwrap();
    let out = cairn(
        &dir,
        &["schema", "inspect", "--url", "file://broken.pg.hcl"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("broken.pg.hcl"), "{err}");
    assert!(
        stdout(&out).is_empty(),
        "nothing is printed for a broken schema"
    );

    let scheme = cairn(
        &dir,
        &["schema", "inspect", "--url", "oracle://u:hunter2@h/db"],
    );
    assert_eq!(scheme.status.code(), Some(1));
    assert!(
        stderr(&scheme).contains("unknown URL scheme"),
        "{}",
        stderr(&scheme)
    );
    assert!(!stderr(&scheme).contains("hunter2"));

    let unreachable = cairn(
        &dir,
        &[
            "schema",
            "inspect",
            "--url",
            "postgres://postgres:hunter2@127.0.0.1:1/x",
        ],
    );
    assert_eq!(unreachable.status.code(), Some(1));
    let e = stderr(&unreachable);
    assert!(e.contains("cannot connect"), "{e}");
    assert!(
        !e.contains("hunter2") && !stdout(&unreachable).contains("hunter2"),
        "{e}"
    );

    let bad_format = cairn(
        &dir,
        &[
            "schema",
            "inspect",
            "--url",
            "sqlite://x.db",
            "--format",
            "{{ .Foo }}",
        ],
    );
    assert_eq!(bad_format.status.code(), Some(1));
    assert!(
        stderr(&bad_format).contains("template"),
        "{}",
        stderr(&bad_format)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_never_prints() {
    let Some(db) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    // A user that exists with a known password, asked for with a wrong one.
    let user = unique_name("cairn_u");
    let admin = DbUrl::parse(&db.url).unwrap();
    let driver = cairn_mysql::connect(&admin).await.unwrap();
    driver
        .execute(&format!("CREATE USER '{user}'@'%' IDENTIFIED BY 'right-pass'; CREATE USER '{user}'@'localhost' IDENTIFIED BY 'right-pass'"))
        .await
        .unwrap();
    let url = format!("mysql://{user}:hunter2-wrong@127.0.0.1:3306/{}", db.name);
    let out = cairn(
        &dir,
        &["schema", "inspect", "--url", &url, "--format", "json"],
    );
    driver
        .execute(&format!(
            "DROP USER '{user}'@'%'; DROP USER '{user}'@'localhost'"
        ))
        .await
        .unwrap();
    driver.close().await;
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!all.contains("hunter2-wrong"), "{all}");
    assert!(all.contains("cannot connect"), "{all}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspects_postgres_in_schema_and_database_scope() {
    let Some(db) = pg_scratch().await else { return };
    let dir = tempdir();
    let url = DbUrl::parse(&db.url).unwrap();
    let driver = cairn_postgres::connect(&url).await.unwrap();
    driver
        .execute("CREATE SCHEMA app; CREATE TABLE app.users (id bigint PRIMARY KEY, email varchar(255) NOT NULL); CREATE TABLE public.audit (id serial PRIMARY KEY, note text)")
        .await
        .unwrap();
    driver.close().await;

    let scoped = with_search_path(&db.url, "app");
    let out = cairn(
        &dir,
        &["schema", "inspect", "--url", &scoped, "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["schemas"].as_array().unwrap().len(), 1);
    assert_eq!(v["schemas"][0]["name"], "app");
    assert_eq!(
        v["schemas"][0]["tables"][0]["columns"][1]["type"],
        "character varying(255)"
    );

    let all = cairn(
        &dir,
        &["schema", "inspect", "--url", &db.url, "--format", "sql"],
    );
    assert!(all.status.success(), "{}", stderr(&all));
    let sql = stdout(&all);
    assert!(
        sql.contains("\"app\".\"users\"") && sql.contains("audit"),
        "{sql}"
    );

    let hcl = cairn(&dir, &["schema", "inspect", "--url", &db.url]);
    assert!(
        stdout(&hcl).contains("table \"app\" \"users\""),
        "qualified labels in database scope: {}",
        stdout(&hcl)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspects_mariadb() {
    let Some(db) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    let url = DbUrl::parse(&db.url).unwrap();
    let driver = cairn_mysql::connect(&url).await.unwrap();
    driver
        .execute("CREATE TABLE users (id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, status enum('new','active') NOT NULL DEFAULT 'new', email varchar(255) NOT NULL, UNIQUE KEY users_email (email)) ENGINE=InnoDB")
        .await
        .unwrap();
    driver.close().await;
    let out = cairn(
        &dir,
        &["schema", "inspect", "--url", &db.url, "--format", "json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let users = &v["schemas"][0]["tables"][0];
    assert_eq!(users["name"], "users");
    assert_eq!(users["columns"][0]["type"], "bigint unsigned");
    assert_eq!(users["columns"][1]["type"], "enum('new','active')");
    let sql = cairn(
        &dir,
        &["schema", "inspect", "--url", &db.url, "--format", "sql"],
    );
    assert!(stdout(&sql).contains("AUTO_INCREMENT"), "{}", stdout(&sql));
}

#[test]
fn fmt_rewrites_and_checks() {
    let dir = tempdir();
    let messy = "table \"t\" {\nschema = schema.main\n  column \"id\" {\n  type = integer   # the key\n  }\n}\n";
    std::fs::write(dir.join("s.hcl"), messy).unwrap();
    let check = cairn(&dir, &["schema", "fmt", "--check"]);
    assert_eq!(check.status.code(), Some(3), "{}", stderr(&check));
    assert_eq!(
        std::fs::read_to_string(dir.join("s.hcl")).unwrap(),
        messy,
        "--check writes nothing"
    );
    let fmt = cairn(&dir, &["schema", "fmt"]);
    assert!(fmt.status.success(), "{}", stderr(&fmt));
    let formatted = std::fs::read_to_string(dir.join("s.hcl")).unwrap();
    assert!(
        formatted.contains("# the key"),
        "comments are kept: {formatted}"
    );
    assert!(
        formatted.contains("\n  schema = schema.main\n"),
        "{formatted}"
    );
    let again = cairn(&dir, &["schema", "fmt", "--check"]);
    assert_eq!(again.status.code(), Some(0), "formatting is idempotent");
    std::fs::write(dir.join("bad.hcl"), "table \"t\" {\n  x = \n").unwrap();
    let bad = cairn(&dir, &["schema", "fmt", "bad.hcl"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("bad.hcl:"), "{}", stderr(&bad));
}
