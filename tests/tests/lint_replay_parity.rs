//! The lint replay agrees with real databases: every migration directory of the Atlas corpus
//! (`/work/shared/corpus/atlas/sum/*`, or `$CAIRN_ATLAS_SUM_CORPUS`) and of the repository's
//! examples is replayed
//! 1. onto the IR, as `cairn lint` replays it (the SQL front end, from the latest checkpoint on;
//!    `cairn lint DIR` must report no statement it could not interpret), and
//! 2. onto a fresh live database of each dialect its SQL is written for (`cairn migrate
//!    apply`),
//!
//! and the two states are compared with `cairn schema diff` (the differ over normalised states:
//! "Schemas are synced" or the statements that separate them).
//!
//! A mismatch is either fixed or listed in `tests/lint-replay-expected-failures.txt` (`DIR@DIALECT`,
//! a tab, the cause); the list is enforced both ways. Directories whose SQL is for no dialect we
//! run are skipped with the reason printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_tests::{cairn, mysql_scratch, pg_scratch, repo_root, stderr, stdout, unique_name};

/// How each directory was classified after reading its SQL: the dialects it is written for.
/// A directory missing here fails the test, so a new corpus directory gets looked at.
const DIALECTS: &[(&str, &[&str])] = &[
    // Backquoted identifiers: MySQL or SQLite. The first file is a baseline; a fresh database
    // runs all three.
    ("corpus/baseline2", &["sqlite", "mysql"]),
    // Plain portable DDL.
    ("corpus/migrations", &["postgres", "mysql", "sqlite"]),
    (
        "corpus/multi-tenants_migrations",
        &["postgres", "mysql", "sqlite"],
    ),
    // `CREATE DATABASE atlantis` and `atlantis`.`tbl`: MySQL only, at server scope.
    ("corpus/mysql", &["mysql"]),
    // Backquotes and `-- atlas:checkpoint` files: a fresh database starts at the last one.
    ("corpus/partial-checkpoint", &["sqlite", "mysql"]),
    ("corpus/sqlite", &["sqlite", "mysql"]),
    // The example project's env is SQLite.
    ("examples/project-migrations/migrations", &["sqlite"]),
];

fn corpus_root() -> PathBuf {
    std::env::var_os("CAIRN_ATLAS_SUM_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/corpus/atlas/sum"))
}

/// Every migration directory (a directory holding `atlas.sum`) under `root`, recursively.
fn migration_dirs(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries.into_iter().filter(|p| p.is_dir()) {
        if p.join("atlas.sum").is_file() {
            out.push(p.clone());
        }
        migration_dirs(&p, out);
    }
}

/// `(id, directory)` of every directory to replay.
fn directories() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let corpus = corpus_root();
    let mut dirs = Vec::new();
    migration_dirs(&corpus, &mut dirs);
    if dirs.is_empty() {
        println!(
            "skip corpus: {} holds no migration directories (set CAIRN_ATLAS_SUM_CORPUS)",
            corpus.display()
        );
    }
    for d in dirs {
        let rel = d.strip_prefix(&corpus).unwrap().display().to_string();
        out.push((format!("corpus/{rel}"), d));
    }
    let examples = repo_root().join("examples");
    let mut dirs = Vec::new();
    migration_dirs(&examples, &mut dirs);
    for d in dirs {
        let rel = d.strip_prefix(&examples).unwrap().display().to_string();
        out.push((format!("examples/{rel}"), d));
    }
    out
}

fn expected_failures() -> BTreeMap<String, String> {
    cairn_tests::expected_list("lint-replay-expected-failures.txt")
}

/// A fresh database of `dialect`: its URL, the scope flags that leave out Cairn's own revision
/// table, and what keeps it alive (dropped at the end). `None` when the server is unreachable.
struct Live {
    url: String,
    scope: Vec<String>,
    /// More flags for `migrate apply`.
    apply: Vec<String>,
    _keep: Box<dyn std::any::Any>,
}

async fn live(dialect: &str, id: &str, work: &Path) -> Option<Live> {
    let mut scope = vec![
        "--exclude".to_string(),
        "atlas_schema_revisions".to_string(),
    ];
    Some(match dialect {
        "sqlite" => Live {
            url: format!("sqlite://{}", work.join("live.db").display()),
            scope,
            apply: Vec::new(),
            _keep: Box::new(()),
        },
        "postgres" => {
            let db = pg_scratch().await?;
            scope.extend(["--schema".to_string(), "public".to_string()]);
            Live {
                url: db.url.clone(),
                scope,
                apply: Vec::new(),
                _keep: Box::new(db),
            }
        }
        "mysql" if id == "corpus/mysql" => {
            // The directory creates its own database: run it at server scope (the server holds
            // other databases: --allow-dirty) and compare that database only. The revisions
            // table goes to a scratch database, dropped at the end like `atlantis`.
            let db = mysql_scratch().await?;
            drop_database(&db.url, "atlantis").await;
            let server = db
                .url
                .rsplit_once('/')
                .map(|(s, _)| format!("{s}/"))
                .unwrap_or_default();
            scope = vec!["--schema".to_string(), "atlantis".to_string()];
            Live {
                url: server,
                scope,
                apply: vec![
                    "--allow-dirty".to_string(),
                    "--revisions-schema".to_string(),
                    db.name.clone(),
                ],
                _keep: Box::new(DropOnExit(db.url.clone(), "atlantis", db)),
            }
        }
        _ => {
            let db = mysql_scratch().await?;
            Live {
                url: db.url.clone(),
                scope,
                apply: Vec::new(),
                _keep: Box::new(db),
            }
        }
    })
}

async fn drop_database(url: &str, name: &str) {
    use sqlx::Connection;
    if let Ok(mut c) = sqlx::MySqlConnection::connect(url).await {
        let sql = format!("DROP DATABASE IF EXISTS `{name}`");
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut c)
            .await;
        let _ = c.close().await;
    }
}

/// Drops a database the case created at server scope.
struct DropOnExit(
    String,
    &'static str,
    #[allow(dead_code)] cairn_tests::MyScratch,
);

impl Drop for DropOnExit {
    fn drop(&mut self) {
        let (url, name) = (self.0.clone(), self.1);
        std::thread::spawn(move || {
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(drop_database(&url, name));
        })
        .join()
        .ok();
    }
}

/// Replays `dir` both ways in `dialect`; `Err` describes the mismatch.
async fn run_case(id: &str, dir: &Path, dialect: &str) -> Result<(), String> {
    let work = std::env::temp_dir().join(unique_name("cairn_parity"));
    std::fs::create_dir_all(&work).unwrap();
    let dir_url = format!("file://{}", dir.display());
    // 1. The lint replay interprets every statement.
    let o = cairn(
        &work,
        &[
            "lint",
            &dir.display().to_string(),
            "--dialect",
            dialect,
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o))
        .map_err(|e| format!("lint output is not JSON ({e}): {}", stderr(&o)))?;
    let gaps: Vec<String> = v["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| {
            let code = d["code"].as_str().unwrap_or("");
            code.starts_with("E1") || code.starts_with("E3") || d.get("uncertain").is_some()
        })
        .map(|d| {
            format!(
                "{}:{}: {} {}",
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["code"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    if !gaps.is_empty() {
        return Err(format!(
            "the lint replay did not interpret: {}",
            gaps.join("; ")
        ));
    }
    // 2. The live database.
    let Some(db) = live(dialect, id, &work).await else {
        return Err("SKIP: server unreachable".into());
    };
    let mut args: Vec<&str> = vec!["migrate", "apply", "--url", &db.url, "--dir", &dir_url];
    args.extend(db.apply.iter().map(String::as_str));
    let o = cairn(&work, &args);
    if o.status.code() != Some(0) {
        return Err(format!(
            "migrate apply failed: {}",
            stderr(&o).lines().next().unwrap_or("")
        ));
    }
    // 3. The two states compared.
    let mut args: Vec<&str> = vec!["schema", "diff", "--from", &db.url, "--to", &dir_url];
    args.extend(db.scope.iter().map(String::as_str));
    let o = cairn(&work, &args);
    let out = stdout(&o);
    if o.status.code() != Some(0) {
        return Err(format!(
            "schema diff failed: {}",
            stderr(&o).lines().next().unwrap_or("")
        ));
    }
    if !out.contains("Schemas are synced") {
        let sql: Vec<&str> = out
            .lines()
            .filter(|l| !l.starts_with("--") && !l.trim().is_empty())
            .collect();
        return Err(format!("the states differ: {}", sql.join(" ")));
    }
    Ok(())
}

/// The comparison can fail: a directory applied to a database is not "synced" with another.
#[test]
fn the_comparison_sees_a_difference() {
    let work = std::env::temp_dir().join(unique_name("cairn_parity_control"));
    for (name, sql) in [
        ("a", "CREATE TABLE t (id int);\n"),
        ("b", "CREATE TABLE t (id int, n int);\n"),
    ] {
        let d = work.join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("1_init.sql"), sql).unwrap();
        let o = cairn(
            &work,
            &["migrate", "hash", "--dir", &format!("file://{name}")],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    let url = format!("sqlite://{}", work.join("live.db").display());
    let o = cairn(
        &work,
        &["migrate", "apply", "--url", &url, "--dir", "file://a"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let diff = |dir: &str| {
        let dir = format!("file://{}", work.join(dir).display());
        let args = [
            "schema",
            "diff",
            "--from",
            &url,
            "--to",
            &dir,
            "--exclude",
            "atlas_schema_revisions",
        ];
        stdout(&cairn(&work, &args))
    };
    assert!(diff("a").contains("Schemas are synced"), "{}", diff("a"));
    assert!(!diff("b").contains("Schemas are synced"), "{}", diff("b"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_replay_matches_live_databases() {
    let expected = expected_failures();
    let mut failed: BTreeMap<String, String> = BTreeMap::new();
    let mut passed: Vec<String> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut unclassified = Vec::new();
    for (id, dir) in directories() {
        let Some((_, dialects)) = DIALECTS.iter().find(|(d, _)| *d == id) else {
            unclassified.push(id);
            continue;
        };
        for dialect in *dialects {
            let case = format!("{id}@{dialect}");
            match run_case(&id, &dir, dialect).await {
                Ok(()) => passed.push(case),
                Err(e) if e.starts_with("SKIP: ") => {
                    skipped.push(format!("{case}: {}", &e[6..]));
                }
                Err(e) => {
                    failed.insert(case, e);
                }
            }
        }
    }
    for s in &skipped {
        println!("skipped {s}");
    }
    println!("{} passed: {}", passed.len(), passed.join(", "));
    assert!(
        unclassified.is_empty(),
        "migration directories without a dialect decision (add them to DIALECTS after reading their SQL): {unclassified:?}"
    );
    let unexpected: Vec<String> = failed
        .iter()
        .filter(|(id, _)| !expected.contains_key(*id))
        .map(|(id, e)| format!("{id}\t{e}"))
        .collect();
    let fixed: Vec<&String> = passed
        .iter()
        .filter(|p| expected.contains_key(*p))
        .collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "unexpected failures (fix them or list them with their cause in tests/lint-replay-expected-failures.txt):\n{}\n\nlisted but passing now (remove them from the list): {fixed:?}",
        unexpected.join("\n")
    );
}
