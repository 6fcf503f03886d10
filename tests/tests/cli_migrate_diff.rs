//! `cairn migrate diff` end to end, driving the binary: the first file from an empty directory,
//! `migrate apply` of it, a second file holding only the change, a synced directory that writes
//! nothing, a `renamed_from` hint planned as RENAME, an unhinted drop+add that looks like a
//! rename refused with the hint, and a tampered `atlas.sum` refused. On SQLite always (with and
//! without a dev database); on PostgreSQL and MariaDB when reachable (each in fresh scratch
//! databases, dropped after), replaying on a dev database and compiling without one.

use std::path::{Path, PathBuf};

use cairn_tests::{
    cairn, mysql_scratch, pg_scratch, stderr, stdout, unique_name, with_search_path,
};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_mdiff"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The migration files (not atlas.sum), sorted.
fn sql_files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .map(|r| {
            r.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn read_file(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join("migrations").join(name)).unwrap()
}

const V1: &str = "CREATE TABLE users (\n  id int PRIMARY KEY,\n  name varchar(100)\n);\n";
const V2: &str = "CREATE TABLE users (\n  id int PRIMARY KEY,\n  name varchar(100),\n  email varchar(255)\n);\nCREATE INDEX users_email_idx ON users (email);\n";
const V3_HINTED: &str = "CREATE TABLE users (\n  id int PRIMARY KEY,\n  full_name varchar(100), -- cairn:renamed_from name\n  email varchar(255)\n);\nCREATE INDEX users_email_idx ON users (email);\n";
const V4_UNHINTED: &str = "CREATE TABLE users (\n  id int PRIMARY KEY,\n  display_name varchar(100),\n  email varchar(255)\n);\nCREATE INDEX users_email_idx ON users (email);\n";

/// Runs `migrate diff NAME --to file://schema.sql` with the mode's flags (`--dev-url` or
/// `--dialect`).
fn diff(dir: &Path, name: &str, mode: &[&str]) -> std::process::Output {
    let mut args = vec!["migrate", "diff", name, "--to", "file://schema.sql"];
    args.extend_from_slice(mode);
    cairn(dir, &args)
}

fn ok(o: &std::process::Output, what: &str) {
    assert_eq!(
        o.status.code(),
        Some(0),
        "{what}\nstdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

/// The whole scenario against one target database, with `mode` telling how the directory's
/// state is computed.
fn scenario(target: &str, mode: &[&str]) {
    let dir = tempdir();
    let schema = |text: &str| std::fs::write(dir.join("schema.sql"), text).unwrap();

    // 1. From an empty (absent) directory: file 1 and atlas.sum.
    schema(V1);
    let first = diff(&dir, "init", mode);
    ok(&first, "first diff");
    let files = sql_files(&dir);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with("_init.sql"), "{files:?}");
    let version = files[0].trim_end_matches("_init.sql");
    assert_eq!(version.len(), 14, "a yyyyMMddHHmmss version: {version}");
    assert!(version.bytes().all(|b| b.is_ascii_digit()));
    let f1 = read_file(&dir, &files[0]);
    assert!(
        f1.starts_with("-- Create \"users\" table\nCREATE TABLE "),
        "{f1}"
    );
    assert!(!f1.contains("hazard"), "the file is clean SQL: {f1}");
    let sum = read_file(&dir, "atlas.sum");
    assert!(sum.starts_with("h1:"), "{sum}");
    assert!(sum.contains(&files[0]), "{sum}");
    ok(
        &cairn(&dir, &["migrate", "validate"]),
        "validate after diff",
    );

    // 2. `migrate apply` runs it.
    let apply = cairn(&dir, &["migrate", "apply", "--url", target]);
    ok(&apply, "apply file 1");
    let synced = cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--from",
            target,
            "--to",
            "file://schema.sql",
        ],
    );
    ok(&synced, "schema diff after apply");
    assert!(
        stdout(&synced).contains("Schemas are synced"),
        "{}",
        stdout(&synced)
    );

    // 3. A change writes file 2 with only the change.
    schema(V2);
    let second = diff(&dir, "add_email", mode);
    ok(&second, "second diff");
    let files = sql_files(&dir);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files[1].ends_with("_add_email.sql"), "{files:?}");
    let f2 = read_file(&dir, &files[1]);
    assert!(f2.contains("email"), "{f2}");
    assert!(f2.contains("users_email_idx"), "{f2}");
    assert!(!f2.contains("CREATE TABLE"), "only the change: {f2}");
    assert!(
        f2.contains("-- Modify \"users\" table") || f2.contains("-- Create index"),
        "{f2}"
    );

    // 4. Nothing changed: synced, no file.
    let third = diff(&dir, "nothing", mode);
    ok(&third, "synced diff");
    assert!(
        stdout(&third).contains(
            "The migration directory is synced with the desired state, no changes to be made"
        ),
        "{}",
        stdout(&third)
    );
    assert_eq!(sql_files(&dir).len(), 2);

    // 5. A renamed_from hint gives a RENAME.
    schema(V3_HINTED);
    let renamed = diff(&dir, "rename", mode);
    ok(&renamed, "hinted rename");
    let files = sql_files(&dir);
    assert_eq!(files.len(), 3, "{files:?}");
    let f3 = read_file(&dir, &files[2]);
    assert!(f3.to_uppercase().contains("RENAME"), "{f3}");
    assert!(!f3.to_uppercase().contains("DROP"), "{f3}");
    ok(
        &cairn(&dir, &["migrate", "apply", "--url", target]),
        "apply files 2 and 3",
    );
    let synced = cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--from",
            target,
            "--to",
            "file://schema.sql",
        ],
    );
    assert!(
        stdout(&synced).contains("Schemas are synced"),
        "{}\n{}",
        stdout(&synced),
        stderr(&synced)
    );

    // 6. An unhinted drop+add that looks like a rename is refused with the hint.
    schema(V4_UNHINTED);
    let blocked = diff(&dir, "maybe_rename", mode);
    assert_eq!(blocked.status.code(), Some(1), "{}", stdout(&blocked));
    let err = stderr(&blocked);
    assert!(err.contains("RN101"), "{err}");
    assert!(err.contains("renamed_from"), "{err}");
    assert_eq!(sql_files(&dir).len(), 3, "no file was written");
    // Settled as a drop, it is written.
    let mut settled = mode.to_vec();
    settled.extend(["--allow-drop", "users.full_name"]);
    let dropped = diff(&dir, "drop_add", &settled);
    ok(&dropped, "settled drop");
    let files = sql_files(&dir);
    assert_eq!(files.len(), 4, "{files:?}");
    let f4 = read_file(&dir, &files[3]).to_uppercase();
    assert!(f4.contains("DISPLAY_NAME"), "{f4}");

    // 7. A tampered atlas.sum is refused, and nothing is written.
    std::fs::write(
        dir.join("migrations").join(&files[0]),
        format!("{f1}-- edited\n"),
    )
    .unwrap();
    schema(V1);
    let tampered = diff(&dir, "after_tamper", mode);
    assert_eq!(tampered.status.code(), Some(1), "{}", stdout(&tampered));
    assert!(
        stderr(&tampered).contains("checksum mismatch"),
        "{}",
        stderr(&tampered)
    );
    assert!(
        stderr(&tampered).contains(&files[0]),
        "{}",
        stderr(&tampered)
    );
    assert_eq!(sql_files(&dir).len(), 4);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sqlite_without_dev_database() {
    let dir = tempdir();
    let db = dir.join("app.db");
    scenario(
        &format!("sqlite://{}", db.display()),
        &["--dialect", "sqlite"],
    );
}

#[test]
fn sqlite_with_dev_database() {
    let dir = tempdir();
    let db = dir.join("app.db");
    scenario(
        &format!("sqlite://{}", db.display()),
        &["--dev-url", "sqlite://dev?mode=memory"],
    );
}

#[test]
fn sqlite_project_file_fills_dir_dev_and_src() {
    let dir = tempdir();
    std::fs::write(
        dir.join("atlas.hcl"),
        "env \"local\" {\n  url = \"sqlite://app.db\"\n  dev = \"sqlite://dev?mode=memory\"\n  src = \"file://schema.sql\"\n  migration {\n    dir = \"file://db/migrations\"\n  }\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("schema.sql"), V1).unwrap();
    let o = cairn(&dir, &["migrate", "diff", "init", "--env", "local"]);
    ok(&o, "diff from the project file");
    let names: Vec<String> = std::fs::read_dir(dir.join("db/migrations"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().any(|n| n.ends_with("_init.sql")), "{names:?}");
    assert!(names.iter().any(|n| n == "atlas.sum"), "{names:?}");
    ok(
        &cairn(&dir, &["migrate", "apply", "--env", "local"]),
        "apply from the project file",
    );
    let again = cairn(&dir, &["migrate", "diff", "again", "--env", "local"]);
    ok(&again, "second diff from the project file");
    assert!(stdout(&again).contains("synced"), "{}", stdout(&again));
}

#[test]
fn sqlite_recreation_writes_atlas_comments() {
    let dir = tempdir();
    const POSTS: &str =
        "CREATE TABLE posts (\n  id int PRIMARY KEY,\n  user_id int REFERENCES users (id)\n);\n";
    std::fs::write(dir.join("schema.sql"), format!("{V1}{POSTS}")).unwrap();
    ok(&diff(&dir, "init", &["--dialect", "sqlite"]), "init");
    std::fs::write(
        dir.join("schema.sql"),
        format!("CREATE TABLE users (\n  id int PRIMARY KEY,\n  name varchar(100) NOT NULL DEFAULT ''\n);\n{POSTS}"),
    )
    .unwrap();
    ok(
        &diff(&dir, "not_null", &["--dialect", "sqlite"]),
        "not null",
    );
    let files = sql_files(&dir);
    let f = read_file(&dir, &files[1]);
    assert!(
        f.contains(
            "-- Disable the enforcement of foreign-keys constraints\nPRAGMA foreign_keys = off;"
        ),
        "{f}"
    );
    assert!(f.contains("-- Create \"new_users\" table\n"), "{f}");
    assert!(
        f.contains("-- Copy rows from old table \"users\" to new temporary table \"new_users\"\n"),
        "{f}"
    );
    assert!(
        f.contains("-- Rename temporary table \"new_users\" to \"users\"\n"),
        "{f}"
    );
    let db = dir.join("app.db");
    ok(
        &cairn(
            &dir,
            &[
                "migrate",
                "apply",
                "--url",
                &format!("sqlite://{}", db.display()),
            ],
        ),
        "apply the recreation",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_with_and_without_dev_database() {
    let Some(target) = pg_scratch().await else {
        return;
    };
    let Some(dev) = pg_scratch().await else {
        return;
    };
    let Some(target2) = pg_scratch().await else {
        return;
    };
    let t = with_search_path(&target.url, "public");
    let d = with_search_path(&dev.url, "public");
    let (t2, d2) = (t.clone(), d.clone());
    tokio::task::spawn_blocking(move || scenario(&t2, &["--dev-url", &d2]))
        .await
        .unwrap();
    let t3 = with_search_path(&target2.url, "public");
    tokio::task::spawn_blocking(move || scenario(&t3, &["--dialect", "postgres"]))
        .await
        .unwrap();
    drop((target, dev, target2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_with_and_without_dev_database() {
    let Some(target) = mysql_scratch().await else {
        return;
    };
    let Some(dev) = mysql_scratch().await else {
        return;
    };
    let Some(target2) = mysql_scratch().await else {
        return;
    };
    let (t, d) = (target.url.clone(), dev.url.clone());
    tokio::task::spawn_blocking(move || scenario(&t, &["--dev-url", &d]))
        .await
        .unwrap();
    let t2 = target2.url.clone();
    tokio::task::spawn_blocking(move || scenario(&t2, &["--dialect", "mariadb"]))
        .await
        .unwrap();
    drop((target, dev, target2));
}
