//! `cairn migrate checkpoint` and `cairn migrate rebase` end to end. A checkpoint holds the
//! directory's whole state; a fresh database applies from it (and only it and what follows),
//! while a database that applied the older files skips it and continues; both end in the same
//! schema (SQLite compiled by Cairn, PostgreSQL and MariaDB replayed on a dev database).
//! Rebase moves files after the latest one and keeps `atlas.sum` valid.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, mysql_scratch, pg_scratch, stderr, stdout, with_search_path};

fn tempdir() -> PathBuf {
    cairn_tests::migration_project("cairn_files")
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

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn status(dir: &Path, url: &str) -> serde_json::Value {
    let o = cairn(
        dir,
        &["migrate", "status", "--url", url, "--format", "json"],
    );
    ok(&o);
    serde_json::from_str(&stdout(&o)).unwrap()
}

fn applied(st: &serde_json::Value) -> Vec<String> {
    st["Applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Version"].as_str().unwrap().to_string())
        .collect()
}

/// `old` has applied the first three files; the checkpoint is written (with `checkpoint_args`),
/// a fifth file follows; `old` continues past the checkpoint, `fresh` starts from it.
fn checkpoint_scenario(dir: &Path, old: &str, fresh: &str, checkpoint_args: &[&str]) {
    write(
        dir,
        "1_users.sql",
        "CREATE TABLE users (id int PRIMARY KEY, name text);\n",
    );
    write(
        dir,
        "2_posts.sql",
        "CREATE TABLE posts (id int PRIMARY KEY, user_id int, CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id));\n",
    );
    write(
        dir,
        "3_index.sql",
        "CREATE INDEX posts_user_idx ON posts (user_id);\nALTER TABLE users RENAME COLUMN name TO full_name;\n",
    );
    ok(&cairn(dir, &["migrate", "hash"]));
    ok(&cairn(dir, &["migrate", "apply", "--url", old]));

    let mut args = vec!["migrate", "checkpoint", "v1"];
    args.extend_from_slice(checkpoint_args);
    let cp = cairn(dir, &args);
    ok(&cp);
    assert!(stdout(&cp).trim().ends_with("4_v1.sql"), "{}", stdout(&cp));
    let text = std::fs::read_to_string(dir.join("migrations/4_v1.sql")).unwrap();
    assert!(text.starts_with("-- atlas:checkpoint v1\n\n"), "{text}");
    // The whole state, in dependency order: users before the posts that reference it.
    let users = text.find("Create \"users\" table").expect(&text);
    let posts = text.find("Create \"posts\" table").expect(&text);
    assert!(users < posts, "{text}");
    assert!(text.contains("full_name"), "{text}");
    assert!(text.contains("posts_user_idx"), "{text}");
    ok(&cairn(dir, &["migrate", "validate"]));
    let sum = std::fs::read_to_string(dir.join("migrations/atlas.sum")).unwrap();
    assert!(sum.contains("\n4_v1.sql h1:"), "{sum}");

    write(
        dir,
        "5_tags.sql",
        "CREATE TABLE tags (id int PRIMARY KEY);\n",
    );
    ok(&cairn(dir, &["migrate", "hash"]));

    // The database with history skips the checkpoint and continues.
    let a = cairn(dir, &["migrate", "apply", "--url", old]);
    ok(&a);
    assert!(
        stdout(&a).contains("Migrated to version 5 from 3 (1 migration"),
        "{}",
        stdout(&a)
    );
    let st = status(dir, old);
    assert_eq!(st["Status"], "OK");
    assert_eq!(applied(&st), ["1", "2", "3", "5"]);

    // A new database starts at the checkpoint.
    let b = cairn(dir, &["migrate", "apply", "--url", fresh]);
    ok(&b);
    assert!(stderr(&b).contains("4_v1.sql"), "{}", stderr(&b));
    assert!(!stderr(&b).contains("1_users.sql"), "{}", stderr(&b));
    let st = status(dir, fresh);
    assert_eq!(st["Status"], "OK");
    assert_eq!(applied(&st), ["4", "5"]);

    // Both roads lead to the same schema.
    let d = cairn(dir, &["schema", "diff", "--from", old, "--to", fresh]);
    ok(&d);
    assert!(
        stdout(&d).contains("Schemas are synced"),
        "{}\n{}",
        stdout(&d),
        stderr(&d)
    );

    // A second checkpoint replays from the first.
    let mut args = vec!["migrate", "checkpoint"];
    args.extend_from_slice(checkpoint_args);
    ok(&cairn(dir, &args));
    let text = std::fs::read_to_string(dir.join("migrations/6_checkpoint.sql")).unwrap();
    assert!(text.starts_with("-- atlas:checkpoint\n\n"), "{text}");
    assert!(text.contains("Create \"tags\" table"), "{text}");
    ok(&cairn(dir, &["migrate", "validate"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_checkpoint_compiled() {
    let dir = tempdir();
    checkpoint_scenario(
        &dir,
        "sqlite://old.db",
        "sqlite://fresh.db",
        &["--dialect", "sqlite"],
    );
    // Without a dialect or a dev database: a clear usage error.
    let o = cairn(&dir, &["migrate", "checkpoint"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--dev-url"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_checkpoint_on_dev_database() {
    let (Some(old), Some(fresh), Some(dev)) =
        (pg_scratch().await, pg_scratch().await, pg_scratch().await)
    else {
        return;
    };
    let dir = tempdir();
    let dev_url = with_search_path(&dev.url, "public");
    checkpoint_scenario(
        &dir,
        &with_search_path(&old.url, "public"),
        &with_search_path(&fresh.url, "public"),
        &["--dev-url", &dev_url],
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_checkpoint_on_dev_database() {
    let (Some(old), Some(fresh), Some(dev)) = (
        mysql_scratch().await,
        mysql_scratch().await,
        mysql_scratch().await,
    ) else {
        return;
    };
    let dir = tempdir();
    checkpoint_scenario(&dir, &old.url, &fresh.url, &["--dev-url", &dev.url]);
}

#[test]
fn rebase_moves_files_after_the_latest() {
    let dir = tempdir();
    write(
        &dir,
        "20240101000000_users.sql",
        "CREATE TABLE users (id int);\n",
    );
    write(
        &dir,
        "20240102000000_posts.sql",
        "CREATE TABLE posts (id int);\n",
    );
    write(
        &dir,
        "20240103000000_tags.sql",
        "CREATE TABLE tags (id int);\n",
    );
    write(&dir, "20240104000000.sql", "CREATE TABLE misc (id int);\n");
    ok(&cairn(&dir, &["migrate", "hash"]));

    let o = cairn(
        &dir,
        &["migrate", "rebase", "20240102000000", "20240104000000"],
    );
    ok(&o);
    let files = names(&dir);
    assert_eq!(files[0], "20240101000000_users.sql");
    assert_eq!(files[1], "20240103000000_tags.sql");
    // New versions after the latest, in the order given, descriptions kept.
    let (p, m) = (&files[2], &files[3]);
    assert!(
        p.ends_with("_posts.sql") && p.as_str() > "20240103000000",
        "{files:?}"
    );
    assert!(m.len() == "20240104000000.sql".len() && m > p, "{files:?}");
    assert_eq!(files[4], "atlas.sum");
    assert!(
        stdout(&o).contains(&format!("20240102000000_posts.sql -> {p}")),
        "{}",
        stdout(&o)
    );
    ok(&cairn(&dir, &["migrate", "validate"]));
    let sum = std::fs::read_to_string(dir.join("migrations/atlas.sum")).unwrap();
    let lines: Vec<&str> = sum
        .lines()
        .skip(1)
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(lines, files[..4]);

    // The moved files run last.
    let a = cairn(&dir, &["migrate", "apply", "--url", "sqlite://app.db"]);
    ok(&a);
    let log = stderr(&a);
    let order: Vec<&str> = log
        .lines()
        .filter_map(|l| l.split('(').nth(1)?.split(')').next())
        .collect();
    assert_eq!(order, files[..4], "{}", stderr(&a));

    // The latest file stays; an unknown version is an error.
    let latest = m.trim_end_matches(".sql").to_string();
    let o = cairn(&dir, &["migrate", "rebase", &latest]);
    ok(&o);
    assert!(stdout(&o).contains("already the latest"), "{}", stdout(&o));
    let o = cairn(&dir, &["migrate", "rebase", "19990101000000"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no migration file has version \"19990101000000\""),
        "{}",
        stderr(&o)
    );
    let o = cairn(&dir, &["migrate", "rebase"]);
    assert_eq!(o.status.code(), Some(2), "a version is required");
}

#[test]
fn rebase_and_checkpoint_print_json() {
    let dir = tempdir();
    write(&dir, "1_a.sql", "CREATE TABLE a (id int);\n");
    write(&dir, "2_b.sql", "CREATE TABLE b (id int);\n");
    ok(&cairn(&dir, &["migrate", "hash"]));
    let o = cairn(&dir, &["migrate", "rebase", "1", "--format", "json"]);
    ok(&o);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON document");
    assert_eq!(v["Moved"][0]["From"], "1_a.sql");
    assert_eq!(v["Moved"][0]["To"], "3_a.sql");
    let o = cairn(
        &dir,
        &[
            "migrate",
            "checkpoint",
            "--dialect",
            "sqlite",
            "--format",
            "json",
        ],
    );
    ok(&o);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON document");
    assert_eq!(v["File"], "4_checkpoint.sql");
    assert_eq!(v["Version"], "4");
    ok(&cairn(&dir, &["migrate", "validate"]));
}

#[test]
fn rebase_continues_numbered_directories() {
    let dir = tempdir();
    write(&dir, "1_a.sql", "CREATE TABLE a (id int);\n");
    write(&dir, "2_b.sql", "CREATE TABLE b (id int);\n");
    write(&dir, "3_c.sql", "CREATE TABLE c (id int);\n");
    ok(&cairn(&dir, &["migrate", "hash"]));
    let o = cairn(&dir, &["migrate", "rebase", "2"]);
    ok(&o);
    assert_eq!(names(&dir), ["1_a.sql", "3_c.sql", "4_b.sql", "atlas.sum"]);
    ok(&cairn(&dir, &["migrate", "validate"]));
}
