//! `--dev-url`: the desired state is created on a clean dev database and read back, so a
//! database and a schema file that mean the same thing compare as synced even where the server
//! respells expressions (PostgreSQL's `BETWEEN`, casts and parentheses), and the dev database is
//! left empty. A dev database that holds objects is refused.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, mysql_scratch, pg_scratch, stderr, stdout, unique_name};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_dev"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

const PG_SCHEMA: &str = "
CREATE TABLE scores (
  id bigint PRIMARY KEY,
  score int NOT NULL CHECK (score BETWEEN 0 AND 100),
  kind varchar(10) NOT NULL DEFAULT 'a' CHECK (kind IN ('a', 'b')),
  created timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX scores_kind ON scores (lower(kind)) WHERE score > 10;
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_dev_url_normalises_and_leaves_the_dev_database_empty() {
    let (Some(target), Some(dev)) = (pg_scratch().await, pg_scratch().await) else {
        return;
    };
    let dir = tempdir();
    write(&dir, "schema.sql", PG_SCHEMA);
    let apply = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            &target.url,
            "--to",
            "file://schema.sql",
            "--auto-approve",
        ],
    );
    assert!(apply.status.success(), "{}", stderr(&apply));

    let synced = cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--from",
            &target.url,
            "--to",
            "file://schema.sql",
            "--dev-url",
            &dev.url,
        ],
    );
    assert!(synced.status.success(), "{}", stderr(&synced));
    assert!(
        stdout(&synced).contains("Schemas are synced"),
        "{}",
        stdout(&synced)
    );

    // The dev database is empty again.
    let left = cairn(
        &dir,
        &["schema", "inspect", "--url", &dev.url, "--format", "sql"],
    );
    assert!(left.status.success(), "{}", stderr(&left));
    assert!(
        !stdout(&left).contains("CREATE TABLE"),
        "the dev database was not emptied:\n{}",
        stdout(&left)
    );

    // A change still shows through the dev database.
    write(
        &dir,
        "schema2.sql",
        &PG_SCHEMA.replace("BETWEEN 0 AND 100", "BETWEEN 0 AND 1000"),
    );
    let changed = cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--from",
            &target.url,
            "--to",
            "file://schema2.sql",
            "--dev-url",
            &dev.url,
        ],
    );
    assert!(changed.status.success(), "{}", stderr(&changed));
    assert!(stdout(&changed).contains("1000"), "{}", stdout(&changed));

    // A dev database that is not clean is refused, and nothing of it is touched.
    let busy = cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--from",
            "file://schema.sql",
            "--to",
            "file://schema2.sql",
            "--dev-url",
            &target.url,
        ],
    );
    assert_eq!(busy.status.code(), Some(1), "{}", stdout(&busy));
    assert!(stderr(&busy).contains("not clean"), "{}", stderr(&busy));
    let still = cairn(
        &dir,
        &["schema", "inspect", "--url", &target.url, "--format", "sql"],
    );
    assert!(stdout(&still).contains("scores"), "{}", stdout(&still));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_dev_url_normalises() {
    let (Some(target), Some(dev)) = (mysql_scratch().await, mysql_scratch().await) else {
        return;
    };
    let dir = tempdir();
    write(
        &dir,
        "schema.sql",
        "CREATE TABLE t (
           id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
           price decimal(10,2) NOT NULL DEFAULT 0,
           note varchar(20) CHECK (char_length(note) > 2),
           at timestamp NOT NULL DEFAULT now()
         );",
    );
    let apply = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            &target.url,
            "--to",
            "file://schema.sql",
            "--auto-approve",
        ],
    );
    assert!(apply.status.success(), "{}", stderr(&apply));
    let synced = cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--from",
            &target.url,
            "--to",
            "file://schema.sql",
            "--dev-url",
            &dev.url,
        ],
    );
    assert!(synced.status.success(), "{}", stderr(&synced));
    assert!(
        stdout(&synced).contains("Schemas are synced"),
        "{}",
        stdout(&synced)
    );
}

#[test]
fn sqlite_dev_url_in_memory() {
    let dir = tempdir();
    write(
        &dir,
        "schema.sql",
        "CREATE TABLE t (id integer PRIMARY KEY, n int CHECK (n BETWEEN 1 AND 9) DEFAULT (1));",
    );
    let apply = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--url",
            "sqlite://app.db",
            "--to",
            "file://schema.sql",
            "--auto-approve",
        ],
    );
    assert!(apply.status.success(), "{}", stderr(&apply));
    let synced = cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--from",
            "sqlite://app.db",
            "--to",
            "file://schema.sql",
            "--dev-url",
            "sqlite://dev?mode=memory",
        ],
    );
    assert!(synced.status.success(), "{}", stderr(&synced));
    assert!(
        stdout(&synced).contains("Schemas are synced"),
        "{}",
        stdout(&synced)
    );
}
