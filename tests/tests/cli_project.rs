//! The project file: `--env` fills unset flags from `atlas.hcl` / `cairn.hcl`, an explicit
//! flag wins, `--var` sets variables, and errors name the file, line and column.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, stderr, stdout, unique_name};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_project"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

const SCHEMA: &str = "CREATE TABLE users (\n  id integer PRIMARY KEY,\n  name text NOT NULL\n);\n";

#[test]
fn env_local_applies_then_diff_is_synced() {
    let dir = tempdir();
    write(
        &dir,
        "atlas.hcl",
        "env \"local\" {\n  url = \"sqlite://app.db\"\n  src = \"file://schema.sql\"\n}\n",
    );
    write(&dir, "schema.sql", SCHEMA);

    let apply = cairn(
        &dir,
        &["schema", "apply", "--env", "local", "--auto-approve"],
    );
    assert!(apply.status.success(), "{}", stderr(&apply));
    assert!(
        dir.join("app.db").is_file(),
        "the env's url names the database"
    );

    let diff = cairn(&dir, &["schema", "diff", "--env", "local"]);
    assert!(diff.status.success(), "{}", stderr(&diff));
    assert!(
        stdout(&diff).contains("Schemas are synced, no changes to be made."),
        "{}",
        stdout(&diff)
    );

    // An explicit flag wins over the env attribute: an empty database differs.
    let other = cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--env",
            "local",
            "--from",
            "sqlite://other.db",
            "--check",
        ],
    );
    assert_eq!(other.status.code(), Some(3), "{}", stderr(&other));
    assert!(
        stdout(&other).contains("CREATE TABLE"),
        "{}",
        stdout(&other)
    );

    // inspect reads the same env.
    let inspect = cairn(
        &dir,
        &["schema", "inspect", "--env", "local", "--format", "sql"],
    );
    assert!(inspect.status.success(), "{}", stderr(&inspect));
    assert!(stdout(&inspect).contains("users"), "{}", stdout(&inspect));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cairn_hcl_wins_variables_and_config_flag() {
    let dir = tempdir();
    write(&dir, "schema.sql", SCHEMA);
    write(
        &dir,
        "cairn.hcl",
        r#"variable "db" {
  type    = string
  default = "first"
  validation {
    condition     = length(var.db) > 2
    error_message = "db names are longer"
  }
}
locals {
  schema = "file://schema.sql"
}
env {
  name = atlas.env
  url  = "sqlite://${var.db}.db"
  src  = local.schema
}
"#,
    );
    write(
        &dir,
        "atlas.hcl",
        "env \"local\" {\n  url = \"sqlite://atlas.db\"\n}\n",
    );
    let apply = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--env",
            "any",
            "--var",
            "db=second",
            "--auto-approve",
        ],
    );
    assert!(apply.status.success(), "{}", stderr(&apply));
    assert!(dir.join("second.db").is_file());
    assert!(
        !dir.join("atlas.db").exists(),
        "cairn.hcl is read before atlas.hcl"
    );

    // -c names the file: atlas.hcl has no src, and --to fills it in.
    let apply = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "-c",
            "file://atlas.hcl",
            "--env",
            "local",
            "--to",
            "file://schema.sql",
            "--auto-approve",
        ],
    );
    assert!(apply.status.success(), "{}", stderr(&apply));
    assert!(dir.join("atlas.db").is_file());

    let bad = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--env",
            "x",
            "--var",
            "db=ab",
            "--auto-approve",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    let err = stderr(&bad);
    assert!(
        err.contains("cairn.hcl:5:21: invalid value ab for variable \"db\""),
        "{err}"
    );

    let unknown = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "-c",
            "file://atlas.hcl",
            "--env",
            "lokal",
        ],
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown)
            .contains("no env named \"lokal\" (did you mean \"local\"?); available: local"),
        "{}",
        stderr(&unknown)
    );

    let missing = cairn(&dir, &["schema", "apply", "--to", "file://schema.sql"]);
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn migrate_reads_the_migration_block() {
    let dir = tempdir();
    write(
        &dir,
        "atlas.hcl",
        "env \"dev\" {\n  url = \"sqlite://m.db\"\n  migration {\n    dir = \"file://db/migrations\"\n  }\n}\n",
    );
    let new = cairn(&dir, &["migrate", "new", "init", "--env", "dev"]);
    assert!(new.status.success(), "{}", stderr(&new));
    assert!(dir.join("db/migrations/atlas.sum").is_file());
    let status = cairn(&dir, &["migrate", "status", "--env", "dev"]);
    assert!(status.status.success(), "{}", stderr(&status));
    assert!(
        stdout(&status).contains("Migration Status"),
        "{}",
        stdout(&status)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
