//! `cairn lint --dev-url` agrees with the IR replay: every migration directory of the Atlas
//! corpus (`/work/shared/corpus/atlas/sum/*`, or `$CAIRN_ATLAS_SUM_CORPUS`) that
//! lint_replay_parity.rs runs on PostgreSQL or MariaDB/MySQL is linted twice,
//! 1. replayed onto Cairn's IR by the SQL front end (`cairn lint DIR --dialect D`), and
//! 2. replayed onto a fresh dev database of that dialect (`cairn lint DIR --dev-url URL`, a new
//!    random database per case, dropped at the end),
//!
//! and the two sets of findings (code, file, line) must be the same, and the dev database is
//! left empty. Where a dev database knows
//! more than the IR replay, the difference is listed in `tests/lint-dev-url-expected-differences.txt`
//! (`DIR@DIALECT`, a tab, the cause); the list is enforced both ways.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_tests::{
    cairn, my_rows, mysql_scratch, pg_rows, pg_scratch, stderr, stdout, unique_name,
    with_search_path,
};

/// The directories with the dialects lint_replay_parity.rs runs them on, PostgreSQL and
/// MariaDB/MySQL only (a dev database of each). `corpus/mysql` creates its own database at
/// server scope, which a dev database (one clean database) cannot hold: it is left out here.
const DIALECTS: &[(&str, &[&str])] = &[
    ("corpus/baseline2", &["mysql"]),
    ("corpus/migrations", &["postgres", "mysql"]),
    ("corpus/multi-tenants_migrations", &["postgres", "mysql"]),
    ("corpus/partial-checkpoint", &["mysql"]),
    ("corpus/sqlite", &["mysql"]),
];

fn corpus_root() -> PathBuf {
    std::env::var_os("CAIRN_ATLAS_SUM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/corpus/atlas/sum"))
}

fn expected_differences() -> BTreeMap<String, String> {
    cairn_tests::expected_list("lint-dev-url-expected-differences.txt")
}

/// The findings of `cairn lint DIR ARGS` as sorted `CODE file:line` strings; `Err` when the
/// output is not a lint report.
fn findings(work: &Path, dir: &Path, args: &[&str]) -> Result<Vec<String>, String> {
    let dir = dir.display().to_string();
    let mut all = vec!["lint", dir.as_str(), "--format", "json"];
    all.extend_from_slice(args);
    let o = cairn(work, &all);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).map_err(|e| {
        format!(
            "cairn lint {args:?}: not JSON ({e}): {}",
            stderr(&o).lines().next().unwrap_or("")
        )
    })?;
    let mut out: Vec<String> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or("");
            format!(
                "{} {}:{}",
                d["code"].as_str().unwrap_or(""),
                file.rsplit('/').next().unwrap_or(file),
                d["line"]
            )
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Lints `dir` both ways in `dialect`; `Err` describes the difference.
async fn run_case(dir: &Path, dialect: &str) -> Result<usize, String> {
    let work = std::env::temp_dir().join(unique_name("cairn_dev_parity"));
    std::fs::create_dir_all(&work).unwrap();
    let ir = findings(&work, dir, &["--dialect", dialect])?;
    // A fresh dev database (and what keeps it alive until the end of the case).
    let (url, _keep): (String, Box<dyn std::any::Any>) = match dialect {
        "postgres" => {
            let Some(db) = pg_scratch().await else {
                return Err("SKIP: PostgreSQL unreachable".into());
            };
            (with_search_path(&db.url, "public"), Box::new(db))
        }
        _ => {
            let Some(db) = mysql_scratch().await else {
                return Err("SKIP: MariaDB/MySQL unreachable".into());
            };
            (db.url.clone(), Box::new(db))
        }
    };
    let dev = findings(&work, dir, &["--dev-url", &url])?;
    // The dev database is left as clean as it was given.
    let left = match dialect {
        "postgres" => pg_rows(
            &url,
            "SELECT count(*)::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = 'public'",
        )
        .await,
        _ => {
            my_rows(
                &url,
                "SELECT CAST(count(*) AS CHAR) FROM information_schema.tables \
                 WHERE table_schema = DATABASE()",
            )
            .await
        }
    };
    if left[0][0].as_deref() != Some("0") {
        return Err(format!(
            "the dev database holds {:?} objects after the lint",
            left[0][0]
        ));
    }
    if ir == dev {
        return Ok(ir.len());
    }
    let only = |a: &[String], b: &[String]| -> Vec<String> {
        let mut b = b.to_vec();
        a.iter()
            .filter(|x| match b.iter().position(|y| y == *x) {
                Some(i) => {
                    b.remove(i);
                    false
                }
                None => true,
            })
            .cloned()
            .collect()
    };
    Err(format!(
        "only the IR replay: [{}]; only the dev database: [{}]",
        only(&ir, &dev).join(", "),
        only(&dev, &ir).join(", ")
    ))
}

/// Directories written here, whose files draw findings from several rule families (locking,
/// NOT VALID constraints, destructive changes, data-dependent changes), with their dialect.
type Files = &'static [(&'static str, &'static str)];

const FIXTURES: &[(&str, &str, Files)] = &[
    (
        "fixture/constraints",
        "postgres",
        &[
            (
                "1_init.sql",
                "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n\
                 CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int, note text);\n",
            ),
            (
                "2_constraints.sql",
                "ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);\n\
                 SET lock_timeout = '1s';\n\
                 ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\n\
                 ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n\
                 CREATE INDEX orders_note ON orders (note);\n",
            ),
            (
                "3_validate.sql",
                "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\n\
                 ALTER TABLE orders DROP COLUMN note;\n",
            ),
        ],
    ),
    (
        "fixture/drops",
        "mysql",
        &[
            (
                "1_init.sql",
                "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100), nick varchar(20));\n\
                 CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint);\n",
            ),
            (
                "2_change.sql",
                "ALTER TABLE users MODIFY email varchar(100) NOT NULL;\n\
                 ALTER TABLE users DROP COLUMN nick;\n\
                 ALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n\
                 DROP TABLE posts;\n",
            ),
        ],
    ),
];

/// A fixture written to a fresh directory, hashed.
fn fixture(files: &[(&str, &str)]) -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_dev_parity_fixture"));
    std::fs::create_dir_all(d.join("migrations")).unwrap();
    for (name, text) in files {
        std::fs::write(d.join("migrations").join(name), text).unwrap();
    }
    let o = cairn(&d, &["migrate", "hash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    d.join("migrations")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_with_a_dev_database_matches_the_ir_replay_on_fixtures() {
    for (id, dialect, files) in FIXTURES {
        let dir = fixture(files);
        match run_case(&dir, dialect).await {
            Ok(n) => assert!(n >= 3, "{id}@{dialect}: only {n} findings"),
            Err(e) if e.starts_with("SKIP: ") => println!("skipped {id}@{dialect}: {}", &e[6..]),
            Err(e) => panic!("{id}@{dialect}: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_with_a_dev_database_matches_the_ir_replay() {
    let corpus = corpus_root();
    if !corpus.is_dir() {
        println!(
            "skip: {} does not exist (set CAIRN_ATLAS_SUM_CORPUS)",
            corpus.display()
        );
        return;
    }
    let expected = expected_differences();
    let mut differ: BTreeMap<String, String> = BTreeMap::new();
    let mut same = Vec::new();
    for (id, dialects) in DIALECTS {
        let dir = corpus.join(id.strip_prefix("corpus/").unwrap());
        assert!(dir.join("atlas.sum").is_file(), "{} is gone", dir.display());
        for dialect in *dialects {
            let case = format!("{id}@{dialect}");
            match run_case(&dir, dialect).await {
                Ok(n) => same.push(format!("{case} ({n} findings)")),
                Err(e) if e.starts_with("SKIP: ") => println!("skipped {case}: {}", &e[6..]),
                Err(e) => {
                    differ.insert(case, e);
                }
            }
        }
    }
    println!("{} the same: {}", same.len(), same.join(", "));
    let unexpected: Vec<String> = differ
        .iter()
        .filter(|(id, _)| !expected.contains_key(*id))
        .map(|(id, e)| format!("{id}\t{e}"))
        .collect();
    let fixed: Vec<&String> = expected
        .keys()
        .filter(|k| same.iter().any(|s| s.starts_with(&format!("{k} "))))
        .collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "unexpected differences (fix them or list them with their cause in tests/lint-dev-url-expected-differences.txt):\n{}\n\nlisted but the same now (remove them from the list): {fixed:?}",
        unexpected.join("\n")
    );
}
