//! The project's `lint { }` policy (atlas.hcl / cairn.hcl) end to end through the binary:
//! severities by code, family, name and tag, Atlas's analyzer blocks, params, extra rule files,
//! `review`; honoured by `cairn lint`, `cairn migrate lint` and `schema apply` (SQLite and
//! PostgreSQL). Then `--latest`, `--git-base` (a real git repository in a temp dir, with two
//! branches that both added migrations after the same base) and `migrate lint --dev-url`.

use std::path::{Path, PathBuf};
use std::process::Command;

use cairn_tests::{cairn, pg_scratch, stderr, stdout, unique_name, with_search_path};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_policy"));
    std::fs::create_dir_all(d.join("migrations")).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    if let Some(p) = dir.join(name).parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::fs::write(dir.join(name), text).unwrap();
}

/// A migration directory with a correct atlas.sum.
fn migrations(dir: &Path, files: &[(&str, &str)]) {
    for (n, t) in files {
        write(dir, &format!("migrations/{n}"), t);
    }
    let o = cairn(dir, &["migrate", "hash", "--dir", "file://migrations"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Findings as `(code, severity, file name, line)`.
type Diags = Vec<(String, String, String, u64)>;

/// `(exit code, findings)` of `args` with `--format json`.
fn lint(dir: &Path, args: &[&str]) -> (Option<i32>, Diags) {
    let mut all: Vec<&str> = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let o = cairn(dir, &all);
    let out = stdout(&o);
    let v: serde_json::Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{}", stderr(&o)));
    let diags = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                Path::new(d["file"].as_str().unwrap())
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (o.status.code(), diags)
}

fn sev<'a>(diags: &'a [(String, String, String, u64)], code: &str) -> Option<&'a str> {
    diags.iter().find(|d| d.0 == code).map(|d| d.1.as_str())
}

const INIT: &str = "CREATE TABLE users (id int PRIMARY KEY, email text, name text);\nCREATE TABLE posts (id int);\n";
/// The session timeouts LK103 and LK104 ask for, on one line so the tests' line numbers hold.
const T: &str = "SET lock_timeout = '1s'; SET statement_timeout = '5s'; ";

const CHANGE: &str = "SET lock_timeout = '1s'; SET statement_timeout = '5s'; CREATE INDEX users_email ON users (email);\nDROP TABLE posts;\nALTER TABLE users ALTER COLUMN name SET NOT NULL;\n";

#[test]
fn lint_block_sets_severities() {
    let dir = tempdir();
    migrations(&dir, &[("1_init.sql", INIT), ("2_change.sql", CHANGE)]);
    let args = ["lint", "migrations", "--dialect", "postgres"];

    // No project file: the defaults (DS error, the rest warnings).
    let (code, d) = lint(&dir, &args);
    assert_eq!(code, Some(1), "{d:?}");
    assert_eq!(sev(&d, "DS102"), Some("error"));
    assert_eq!(sev(&d, "PG101"), Some("warning"));
    assert_eq!(sev(&d, "MF104"), Some("warning"));

    // Atlas's analyzer blocks: destructive lowered, data_depend raised, a code skipped.
    write(
        &dir,
        "atlas.hcl",
        "lint {\n  destructive {\n    error = false\n  }\n  data_depend {\n    error = true\n  }\n  check \"PG101\" {\n    skip = true\n  }\n}\n",
    );
    let (code, d) = lint(&dir, &args);
    assert_eq!(code, Some(1), "MF104 is an error now: {d:?}");
    assert_eq!(sev(&d, "DS102"), Some("warning"));
    assert_eq!(sev(&d, "MF104"), Some("error"));
    assert_eq!(sev(&d, "PG101"), None, "{d:?}");

    // `severity` by family, name and tag; the most specific key wins; "off" drops.
    write(
        &dir,
        "atlas.hcl",
        "lint {\n  severity = {\n    DS = \"warning\"\n    \"drop-table\" = \"error\"\n    locking = \"error\"\n    MF = \"off\"\n  }\n}\n",
    );
    let (code, d) = lint(&dir, &args);
    assert_eq!(code, Some(1));
    assert_eq!(sev(&d, "DS102"), Some("error"), "the name beats the family");
    assert_eq!(sev(&d, "PG101"), Some("error"), "by tag: {d:?}");
    assert_eq!(sev(&d, "MF104"), None);

    // Everything lowered: exit 0, and `migrate lint` reads the same policy.
    write(
        &dir,
        "atlas.hcl",
        "lint {\n  destructive {\n    error = false\n  }\n}\n",
    );
    let (code, d) = lint(&dir, &args);
    assert_eq!(code, Some(0), "{d:?}");
    let (code, d) = lint(
        &dir,
        &[
            "migrate",
            "lint",
            "--dir",
            "file://migrations",
            "--dialect",
            "postgres",
        ],
    );
    assert_eq!(code, Some(0), "{d:?}");
    assert_eq!(sev(&d, "DS102"), Some("warning"));

    // `force = true`: nolint no longer silences DS findings.
    write(
        &dir,
        "migrations/2_change.sql",
        &format!("{T}\n-- atlas:nolint DS102\nDROP TABLE posts;\n"),
    );
    let o = cairn(&dir, &["migrate", "hash", "--dir", "file://migrations"]);
    assert_eq!(o.status.code(), Some(0));
    let (code, d) = lint(&dir, &args);
    assert_eq!((code, d.len()), (Some(0), 0), "{d:?}");
    write(
        &dir,
        "atlas.hcl",
        "lint {\n  destructive {\n    force = true\n  }\n}\n",
    );
    let (code, d) = lint(&dir, &args);
    assert_eq!(code, Some(1), "{d:?}");
    assert_eq!(sev(&d, "DS102"), Some("error"));
}

#[test]
fn env_lint_params_rules_and_errors() {
    let dir = tempdir();
    write(&dir, "schema.sql", "CREATE TABLE order_items (id int);\n");
    write(
        &dir,
        "policies/acme.cairn",
        "/// Every table has a primary key.\nrule ACME001 table-needs-pk: warning on schema {\n  for t in tables\n  require t.primary_key != null\n  message \"table {t.name} has no primary key\"\n}\n",
    );
    // The env's lint block (merged with the global one): params and rule files, relative to
    // the project file.
    write(
        &dir,
        "cairn.hcl",
        "lint {\n  severity = { ACME = \"error\" }\n}\nenv \"ci\" {\n  lint {\n    params = { max_name_length = 5 }\n    rules  = [\"policies/\"]\n  }\n}\n",
    );
    let args = [
        "lint",
        "schema.sql",
        "--schema-file",
        "--dialect",
        "postgres",
    ];
    let (code, d) = lint(&dir, &args);
    assert_eq!(
        (code, d.len()),
        (Some(0), 0),
        "the global block alone: {d:?}"
    );
    let (code, d) = lint(&dir, &[&args[..], &["--env", "ci"]].concat());
    assert_eq!(code, Some(1), "{d:?}");
    assert_eq!(
        sev(&d, "NM102"),
        Some("warning"),
        "max_name_length = 5: {d:?}"
    );
    assert_eq!(sev(&d, "ACME001"), Some("error"), "{d:?}");

    // A param no rule declares, and a bad severity, are errors that name them.
    write(
        &dir,
        "cairn.hcl",
        "lint {\n  params = { max_name_lenght = 5 }\n}\n",
    );
    let o = cairn(&dir, &args);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("max_name_lenght") && stderr(&o).contains("max_name_length"),
        "{}",
        stderr(&o)
    );
    write(
        &dir,
        "cairn.hcl",
        "lint {\n  severity = { DS = \"fatal\" }\n}\n",
    );
    let o = cairn(&dir, &args);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cairn.hcl:2:"), "{}", stderr(&o));
}

const V1: &str = "CREATE TABLE users (id int PRIMARY KEY, email text, nick text);\n";
const V2: &str = "CREATE TABLE users (id int PRIMARY KEY, email text);\n";

fn apply(dir: &Path, url: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["schema", "apply", "--url", url, "--to", "file://v.sql"];
    args.extend_from_slice(extra);
    cairn(dir, &args)
}

/// The destructive policy and `review` on `schema apply`, on one database.
fn apply_policy_case(dir: &Path, url: &str, dialect: &str) {
    write(dir, "v.sql", V1);
    let o = apply(dir, url, &["--auto-approve", "--dialect", dialect]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    write(dir, "v.sql", V2);
    // Dropping a column is refused by default.
    let o = apply(dir, url, &["--auto-approve", "--dialect", dialect]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("refusing to apply"), "{}", stderr(&o));
    // A policy that raises a warning to an error refuses too.
    write(
        dir,
        "atlas.hcl",
        "lint {\n  destructive {\n    error = false\n  }\n  severity = { DS103 = \"error\" }\n}\n",
    );
    let o = apply(dir, url, &["--auto-approve", "--dialect", dialect]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Lowered by the project's policy, the drop is a warning and the apply goes ahead;
    // `review = WARNING` still wants an approval for a plan with a warning.
    write(
        dir,
        "atlas.hcl",
        "lint {\n  review = WARNING\n  destructive {\n    error = false\n  }\n}\n",
    );
    let o = apply(dir, url, &["--dialect", dialect]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--auto-approve"), "{}", stderr(&o));
    // `review = ERROR`: no approval needed when no error remains.
    write(
        dir,
        "atlas.hcl",
        "lint {\n  review = ERROR\n  destructive {\n    error = false\n  }\n}\n",
    );
    let o = apply(dir, url, &["--dialect", dialect]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("DS103"), "{}", stderr(&o));
    let o = apply(dir, url, &["--dialect", dialect]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Schema is synced"),
        "the column is gone: {}",
        stdout(&o)
    );
}

#[test]
fn schema_apply_honours_the_destructive_policy_sqlite() {
    let dir = tempdir();
    apply_policy_case(&dir, "sqlite://app.db", "sqlite");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_apply_honours_the_destructive_policy_postgres() {
    let Some(db) = pg_scratch().await else { return };
    let dir = tempdir();
    apply_policy_case(&dir, &with_search_path(&db.url, "public"), "postgres");
}

#[test]
fn latest_reports_only_the_last_files() {
    let dir = tempdir();
    migrations(
        &dir,
        &[
            ("1_init.sql", INIT),
            ("2_drop.sql", &format!("{T}DROP TABLE posts;\n")),
            (
                "3_index.sql",
                &format!("{T}CREATE INDEX users_email ON users (email);\n"),
            ),
        ],
    );
    let (code, d) = lint(
        &dir,
        &[
            "lint",
            "migrations",
            "--dialect",
            "postgres",
            "--latest",
            "1",
        ],
    );
    assert_eq!(code, Some(0), "{d:?}");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!((d[0].0.as_str(), d[0].2.as_str()), ("PG101", "3_index.sql"));
    let (code, d) = lint(
        &dir,
        &[
            "migrate",
            "lint",
            "--dir",
            "file://migrations",
            "--dialect",
            "postgres",
            "--latest",
            "2",
        ],
    );
    assert_eq!(code, Some(1), "{d:?}");
    assert_eq!(d.len(), 2, "{d:?}");
    // From the project file.
    write(&dir, "atlas.hcl", "lint {\n  latest = 1\n}\n");
    let (_, d) = lint(&dir, &["lint", "migrations", "--dialect", "postgres"]);
    assert_eq!(d.len(), 1, "{d:?}");
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("run git");
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn git_base_reports_new_files_and_non_linear_history() {
    let dir = tempdir();
    git(&dir, &["init", "-q", "-b", "main"]);
    migrations(
        &dir,
        &[
            ("20240101000000_init.sql", INIT),
            (
                "20240102000000_drop.sql",
                &format!("{T}DROP TABLE posts;\n"),
            ),
        ],
    );
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "base"]);
    // Branch `feature` adds a file; meanwhile `main` adds another with a later version.
    git(&dir, &["checkout", "-qb", "feature"]);
    migrations(
        &dir,
        &[(
            "20240103000000_email.sql",
            &format!("{T}ALTER TABLE users DROP COLUMN email;\n"),
        )],
    );
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "feature"]);
    let args = [
        "lint",
        "migrations",
        "--dialect",
        "postgres",
        "--git-base",
        "main",
    ];
    // Against the base it forked from: only the new file is reported (DS102 of the base's own
    // file is not), and the history is linear.
    let (code, d) = lint(&dir, &args);
    assert_eq!(code, Some(1), "{d:?}");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].0.as_str(), d[0].2.as_str()),
        ("DS103", "20240103000000_email.sql")
    );

    git(&dir, &["checkout", "-q", "main"]);
    migrations(
        &dir,
        &[("20240104000000_tags.sql", "CREATE TABLE tags (id int);\n")],
    );
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "main moves on"]);
    git(&dir, &["checkout", "-q", "feature"]);
    // An uncommitted new file counts as new too.
    migrations(
        &dir,
        &[("20240105000000_more.sql", "CREATE TABLE more (id int);\n")],
    );
    let (code, d) = lint(&dir, &args);
    assert_eq!(code, Some(1), "{d:?}");
    let nl: Vec<_> = d.iter().filter(|x| x.0 == "NL101").collect();
    assert_eq!(
        nl.len(),
        1,
        "only the file that sorts before main's latest: {d:?}"
    );
    assert_eq!(
        (nl[0].1.as_str(), nl[0].2.as_str(), nl[0].3),
        ("warning", "20240103000000_email.sql", 1)
    );
    assert!(d.iter().all(|x| x.2 != "20240102000000_drop.sql"), "{d:?}");

    // `non_linear { error = true }` and `git { base }` from the project file, through
    // `migrate lint`.
    write(
        &dir,
        "atlas.hcl",
        "lint {\n  git {\n    base = \"main\"\n  }\n  non_linear {\n    error = true\n  }\n  destructive {\n    error = false\n  }\n}\n",
    );
    let (code, d) = lint(
        &dir,
        &[
            "migrate",
            "lint",
            "--dir",
            "file://migrations",
            "--dialect",
            "postgres",
        ],
    );
    assert_eq!(code, Some(1), "{d:?}");
    assert_eq!(sev(&d, "NL101"), Some("error"), "{d:?}");

    // A base that does not exist is a clear error.
    let o = cairn(
        &dir,
        &[
            "lint",
            "migrations",
            "--dialect",
            "postgres",
            "--git-base",
            "nope",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("--git-base nope: no such branch"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_lint_checks_the_sum_and_replays_on_a_dev_database() {
    let dir = tempdir();
    migrations(
        &dir,
        &[
            ("1_init.sql", INIT),
            (
                "2_change.sql",
                // Replayed on SQLite, which has no SET: the timeouts are not asked for here.
                "-- cairn:nolint LK103 LK104\n\nCREATE INDEX users_email ON users (email);\nDROP TABLE posts;\n",
            ),
        ],
    );
    // SQLite in memory as the dev database: it names the dialect too.
    let (code, d) = lint(
        &dir,
        &[
            "migrate",
            "lint",
            "--dir",
            "file://migrations",
            "--dev-url",
            "sqlite://dev?mode=memory",
        ],
    );
    assert_eq!(code, Some(1), "{d:?}");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].0.as_str(), d[0].3),
        ("DS102", 4),
        "the nolint header adds two lines"
    );

    if let Some(db) = pg_scratch().await {
        let dev = with_search_path(&db.url, "public");
        let (code, d) = lint(
            &dir,
            &[
                "migrate",
                "lint",
                "--dir",
                "file://migrations",
                "--dev-url",
                &dev,
            ],
        );
        assert_eq!(code, Some(1), "{d:?}");
        let codes: Vec<&str> = d.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(codes, ["PG101", "DS102"], "{d:?}");
        // A file the interpreter accepts but the server rejects.
        migrations(
            &dir,
            &[(
                "3_bad.sql",
                "ALTER TABLE users ADD COLUMN n int DEFAULT nosuchfn();\n",
            )],
        );
        let o = cairn(
            &dir,
            &[
                "migrate",
                "lint",
                "--dir",
                "file://migrations",
                "--dev-url",
                &dev,
            ],
        );
        assert_eq!(o.status.code(), Some(1));
        assert!(
            stderr(&o).contains("does not replay on the dev database")
                && stderr(&o).contains("\"3\""),
            "{}",
            stderr(&o)
        );
    }

    // An edited file: atlas.sum no longer matches, and the error names it.
    write(
        &dir,
        "migrations/1_init.sql",
        "CREATE TABLE users (id int);\n",
    );
    let o = cairn(
        &dir,
        &[
            "migrate",
            "lint",
            "--dir",
            "file://migrations",
            "--dialect",
            "postgres",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("1_init.sql"), "{}", stderr(&o));
}
