//! NOT VALID constraints and session timeouts end to end on PostgreSQL: a migration directory
//! that sets its timeouts, adds a check and a foreign key NOT VALID and validates the check in a
//! later file lints clean; without NOT VALID and timeouts it gets PG305, PG306, LK103 and LK104
//! at the right statements; applied to a fresh database, inspection reads `convalidated` back
//! (NOT VALID in the SQL it prints), and the database and the directory diff as synced both
//! ways.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, pg_rows, pg_scratch, stderr, stdout, unique_name, with_search_path};

fn dir_with(files: &[(&str, &str)]) -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_not_valid"));
    std::fs::create_dir_all(d.join("migrations")).unwrap();
    for (name, text) in files {
        std::fs::write(d.join("migrations").join(name), text).unwrap();
    }
    let o = cairn(&d, &["migrate", "hash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    d
}

fn lint(dir: &Path) -> Vec<(String, String, u64)> {
    cairn_tests::lint_migrations_json(dir, "postgres")
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap();
            (
                d["code"].as_str().unwrap().to_string(),
                file.rsplit('/').next().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

const INIT: &str = "CREATE TABLE users (id bigint PRIMARY KEY);\n\
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int);\n";

#[test]
fn plain_constraints_and_missing_timeouts_are_reported() {
    let dir = dir_with(&[
        ("1_init.sql", INIT),
        (
            "2_constraints.sql",
            "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);\n\
             SET lock_timeout = '1s';\n\
             ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n",
        ),
    ]);
    let mut got = lint(&dir);
    got.sort();
    let f = "2_constraints.sql".to_string();
    assert_eq!(
        got,
        [
            ("LK103".to_string(), f.clone(), 1),
            ("LK104".to_string(), f.clone(), 1),
            ("LK104".to_string(), f.clone(), 3),
            ("PG305".to_string(), f.clone(), 1),
            ("PG306".to_string(), f, 3),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_valid_then_validate_lints_clean_applies_and_inspects_back() {
    let dir = dir_with(&[
        ("1_init.sql", INIT),
        (
            "2_constraints.sql",
            "SET lock_timeout = '1s';\nSET statement_timeout = '5s';\n\
             ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;\n\
             ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n",
        ),
        (
            "3_validate.sql",
            "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;\n",
        ),
    ]);
    assert_eq!(lint(&dir), []);

    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let url = with_search_path(&scratch.url, "public");
    let apply = cairn(&dir, &["migrate", "apply", "--url", &url]);
    assert_eq!(apply.status.code(), Some(0), "{}", stderr(&apply));
    let rows = pg_rows(
        &scratch.url,
        "SELECT conname::text, convalidated::text FROM pg_constraint \
         WHERE conrelid = 'public.orders'::regclass AND contype IN ('c', 'f') ORDER BY conname",
    )
    .await;
    let rows: Vec<(String, String)> = rows
        .into_iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap()))
        .collect();
    assert_eq!(
        rows,
        [
            ("orders_total_positive".to_string(), "true".to_string()),
            ("orders_user_fk".to_string(), "false".to_string()),
        ]
    );

    // Inspection keeps the key NOT VALID and the validated check plain.
    let inspect = cairn(
        &dir,
        &["schema", "inspect", "--url", &url, "--format", "sql"],
    );
    assert_eq!(inspect.status.code(), Some(0), "{}", stderr(&inspect));
    let sql = stdout(&inspect);
    let fk = sql
        .lines()
        .find(|l| l.contains("orders_user_fk"))
        .unwrap_or_else(|| panic!("{sql}"));
    assert!(fk.contains("NOT VALID"), "{sql}");
    let ck = sql
        .lines()
        .find(|l| l.contains("orders_total_positive"))
        .unwrap_or_else(|| panic!("{sql}"));
    assert!(!ck.contains("NOT VALID"), "{sql}");

    // The database and the directory's state are the same, read either way.
    for (from, to) in [
        (url.as_str(), "file://migrations"),
        ("file://migrations", url.as_str()),
    ] {
        cairn_tests::assert_synced(&dir, from, to, &["--dialect", "postgres"]);
    }

    // Validating the key in a later file is planned as VALIDATE CONSTRAINT.
    std::fs::write(
        dir.join("migrations/4_validate_fk.sql"),
        "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n",
    )
    .unwrap();
    let diff = cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--from",
            &url,
            "--to",
            "file://migrations",
            "--dialect",
            "postgres",
        ],
    );
    assert!(
        stdout(&diff).contains("VALIDATE CONSTRAINT \"orders_user_fk\""),
        "{}\n{}",
        stdout(&diff),
        stderr(&diff)
    );
}
