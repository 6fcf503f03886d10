//! `diff { skip { ... } }` in the project file: global and per env (an env's own `skip`
//! replaces the global one, as Atlas merges them), honoured by `schema diff`, `schema apply`
//! and `migrate diff`, on SQLite, PostgreSQL and MariaDB.

use std::path::{Path, PathBuf};

use cairn_tests::{
    cairn, mysql_scratch, pg_scratch, stderr, stdout, unique_name, with_search_path,
};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_skip"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const BEFORE: &str = "CREATE TABLE users (id int PRIMARY KEY, name text, legacy text);\nCREATE TABLE old_audit (id int PRIMARY KEY);\n";
const AFTER: &str = "CREATE TABLE users (id int PRIMARY KEY, name text);\nCREATE TABLE posts (id int PRIMARY KEY);\n";

fn project(dir: &Path, url: &str) {
    write(dir, "before.sql", BEFORE);
    write(dir, "after.sql", AFTER);
    write(
        dir,
        "atlas.hcl",
        &format!(
            r#"variable "destructive" {{
  type    = bool
  default = false
}}

diff {{
  skip {{
    drop_table  = !var.destructive
    drop_column = !var.destructive
  }}
}}

env "guarded" {{
  url = "{url}"
  src = "file://after.sql"
  migration {{
    dir = "file://migrations"
  }}
}}

env "own" {{
  url = "{url}"
  src = "file://after.sql"
  diff {{
    skip {{
      drop_column = true
    }}
  }}
}}
"#
        ),
    );
}

fn check(dir: &Path, url: &str) {
    // Start from BEFORE.
    let o = cairn(
        dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            "file://before.sql",
            "--auto-approve",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));

    // The global skip: no DROP in the plan; the added table is there.
    let o = cairn(dir, &["schema", "diff", "--env", "guarded"]);
    let plan = stdout(&o);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        plan.contains("posts") && !plan.to_uppercase().contains("DROP"),
        "{plan}"
    );

    // apply honours it too: nothing destructive, so no --allow-destructive is needed.
    let o = cairn(
        dir,
        &["schema", "apply", "--env", "guarded", "--auto-approve"],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let o = cairn(dir, &["schema", "diff", "--env", "guarded", "--check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "synced under the policy: {}",
        stdout(&o)
    );

    // The env's own skip replaces the global one: the table drop comes back, the column's not.
    let o = cairn(dir, &["schema", "diff", "--env", "own"]);
    let plan = stdout(&o).to_uppercase();
    assert!(
        plan.contains("DROP TABLE") && !plan.contains("DROP COLUMN"),
        "{plan}"
    );

    // A one-off override through the variable.
    let o = cairn(
        dir,
        &[
            "schema",
            "diff",
            "--env",
            "guarded",
            "--var",
            "destructive=true",
        ],
    );
    let plan = stdout(&o).to_uppercase();
    assert!(
        plan.contains("DROP TABLE") && plan.contains("LEGACY"),
        "{plan}"
    );
}

#[test]
fn skip_on_sqlite_and_migrate_diff() {
    let dir = tempdir();
    project(&dir, "sqlite://app.db");
    check(&dir, "sqlite://app.db");

    // migrate diff: a directory replaying BEFORE, planned to AFTER without the drops.
    write(&dir, "migrations/20240101000000_init.sql", BEFORE);
    let o = cairn(&dir, &["migrate", "hash", "--dir", "file://migrations"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cairn(
        &dir,
        &[
            "migrate",
            "diff",
            "next",
            "--env",
            "guarded",
            "--dev-url",
            "sqlite://dev?mode=memory",
        ],
    );
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let new: Vec<_> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with("_next.sql"))
        .collect();
    assert_eq!(new.len(), 1, "one new file");
    let text = std::fs::read_to_string(&new[0]).unwrap().to_uppercase();
    assert!(text.contains("POSTS") && !text.contains("DROP"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_on_postgres() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    let url = with_search_path(&scratch.url, "public");
    project(&dir, &url);
    check(&dir, &url);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_on_mariadb() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    project(&dir, &scratch.url);
    check(&dir, &scratch.url);
    let _ = std::fs::remove_dir_all(&dir);
}
