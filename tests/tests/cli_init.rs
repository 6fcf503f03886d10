//! `cairn init --url URL`: a starter cairn.hcl and schema file from a live database, after
//! which `schema diff --env local` is synced; it never overwrites a file. SQLite, PostgreSQL,
//! MariaDB.

use std::path::{Path, PathBuf};

use cairn_tests::{
    cairn, mysql_scratch, pg_scratch, stderr, stdout, unique_name, with_search_path,
};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_init"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

const TABLES: &str = "CREATE TABLE users (id int PRIMARY KEY, email varchar(200) NOT NULL);\nCREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users (id));\n";

fn init_then_synced(dir: &Path, url: &str, schema_file: &str) {
    std::fs::write(dir.join("seed.sql"), TABLES).unwrap();
    let o = cairn(
        dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://seed.sql",
            "--auto-approve",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let work = dir.join("project");
    let o = cairn(dir, &["init", "--url", url, "--dir", "project"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let project = std::fs::read_to_string(work.join("cairn.hcl")).unwrap();
    assert!(
        project.contains(&format!("src = \"file://{schema_file}\"")),
        "{project}"
    );
    let schema = std::fs::read_to_string(work.join(schema_file)).unwrap();
    assert!(schema.contains("table \"orders\""), "{schema}");
    let o = cairn(&work, &["schema", "diff", "--env", "local", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // A second init refuses to overwrite.
    let o = cairn(dir, &["init", "--url", url, "--dir", "project"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
}

#[test]
fn init_sqlite() {
    let dir = tempdir();
    let url = format!("sqlite://{}", dir.join("app.db").display());
    init_then_synced(&dir, &url, "schema.lt.hcl");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_postgres() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    init_then_synced(
        &dir,
        &with_search_path(&scratch.url, "public"),
        "schema.pg.hcl",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_mariadb() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    init_then_synced(&dir, &scratch.url, "schema.ma.hcl");
    let _ = std::fs::remove_dir_all(&dir);
}
