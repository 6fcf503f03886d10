//! `cairn lint`, `cairn rules list` and `cairn rules test` end to end: a migration directory
//! with a destructive statement (exit 1, located at the statement in JSON), the same statement
//! under a `nolint` directive (exit 0), schema files, and the standard library's own tests.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, stderr, stdout, unique_name};

fn migration_dir(files: &[(&str, &str)]) -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_lint"));
    std::fs::create_dir_all(d.join("migrations")).unwrap();
    std::fs::write(d.join("migrations/atlas.sum"), "").unwrap();
    for (name, text) in files {
        std::fs::write(d.join("migrations").join(name), text).unwrap();
    }
    d
}

fn lint_json(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value, String) {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = cairn(dir, &all);
    let out = stdout(&o);
    let v: serde_json::Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{}", stderr(&o)));
    (o.status.code(), v, stderr(&o))
}

const INIT: &str = "CREATE TABLE users (id int PRIMARY KEY, email text, name text);\nCREATE TABLE posts (id int);\n";

/// The session timeouts LK103 and LK104 ask for, on one line so the tests' line numbers hold.
const TIMEOUTS: &str = "SET lock_timeout = '1s'; SET statement_timeout = '5s';";

#[test]
fn a_destructive_migration_fails_with_its_location() {
    let dir = migration_dir(&[
        ("20240101000000_init.sql", INIT),
        (
            "20240102000000_cleanup.sql",
            &format!(
                "{TIMEOUTS} -- tidy up\nALTER TABLE users ADD COLUMN age int;\n\n  DROP TABLE posts;\n"
            ),
        ),
    ]);
    let (code, v, err) = lint_json(&dir, &["migrations", "--dialect", "postgres"]);
    assert_eq!(code, Some(1), "{v}\n{err}");
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{v}");
    let d = &diags[0];
    assert_eq!(d["code"], "DS102");
    assert_eq!(d["severity"], "error");
    assert!(
        d["file"]
            .as_str()
            .unwrap()
            .ends_with("20240102000000_cleanup.sql"),
        "{d}"
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(4), Some(3)),
        "{d}"
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(4), Some(20)),
        "{d}"
    );
    assert!(d["message"].as_str().unwrap().contains("posts"), "{d}");

    // Human output names the same place, and the first file alone is clean.
    let o = cairn(&dir, &["lint", "migrations", "--dialect", "postgres"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("20240102000000_cleanup.sql:4:3: error[DS102]"),
        "{}",
        stdout(&o)
    );
    let (code, v, _) = lint_json(
        &dir,
        &[
            "migrations/20240101000000_init.sql",
            "--dialect",
            "postgres",
        ],
    );
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{v}");
}

#[test]
fn nolint_directives_silence_findings() {
    // Statement level.
    let dir = migration_dir(&[
        ("1_init.sql", INIT),
        (
            "2_drop.sql",
            &format!(
                "{TIMEOUTS} ALTER TABLE users ADD COLUMN age int;\n-- atlas:nolint DS102\nDROP TABLE posts;\n"
            ),
        ),
    ]);
    let (code, v, err) = lint_json(&dir, &["migrations", "--dialect", "postgres"]);
    assert_eq!(code, Some(0), "{v}\n{err}");
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{v}");

    // File level, by tag; a directive naming another code does not silence it.
    let dir = migration_dir(&[
        ("1_init.sql", INIT),
        (
            "2_drop.sql",
            &format!(
                "-- cairn:nolint destructive\n\n{TIMEOUTS}\nDROP TABLE posts;\nALTER TABLE users DROP COLUMN name;\n"
            ),
        ),
    ]);
    let (code, v, _) = lint_json(&dir, &["migrations", "--dialect", "postgres"]);
    assert_eq!(code, Some(0), "{v}");
    let dir = migration_dir(&[
        ("1_init.sql", INIT),
        (
            "2_drop.sql",
            &format!("{TIMEOUTS}\n-- atlas:nolint DS103\nDROP TABLE posts;\n"),
        ),
    ]);
    let (code, v, _) = lint_json(&dir, &["migrations", "--dialect", "postgres"]);
    assert_eq!(code, Some(1), "{v}");
    assert_eq!(v["diagnostics"][0]["code"], "DS102", "{v}");
}

#[test]
fn warnings_do_not_fail_and_new_tables_are_not_existing_tables() {
    let dir = migration_dir(&[
        ("1_init.sql", INIT),
        (
            "2_index.sql",
            &format!(
                "{TIMEOUTS} CREATE TABLE tags (id int, label text);\nCREATE INDEX tags_label ON tags (label);\nCREATE INDEX users_email ON users (email);\n"
            ),
        ),
    ]);
    let (code, v, _) = lint_json(&dir, &["migrations", "--dialect", "postgres"]);
    assert_eq!(code, Some(0), "{v}");
    let diags = v["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{v}");
    assert_eq!(diags[0]["code"], "PG101");
    assert_eq!(diags[0]["line"], 3, "{v}");
}

#[test]
fn schema_files_run_schema_rules() {
    let dir = migration_dir(&[]);
    std::fs::write(
        dir.join("schema.sql"),
        "CREATE TABLE \"OrderItems\" (id int);\nCREATE TABLE t (id int);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\n",
    )
    .unwrap();
    let (code, v, err) = lint_json(
        &dir,
        &["schema.sql", "--schema-file", "--dialect", "postgres"],
    );
    assert_eq!(code, Some(0), "{v}\n{err}");
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"NM102") && codes.contains(&"SEC104"), "{v}");
    let nm = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "NM102")
        .unwrap();
    assert_eq!(nm["line"], 1, "{v}");
}

#[test]
fn rules_list_and_test() {
    let dir = std::env::temp_dir();
    let o = cairn(&dir, &["rules", "list", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ds102 = v["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "DS102")
        .expect("DS102 listed");
    assert_eq!(ds102["severity"], "error");
    assert_eq!(ds102["tags"][0], "destructive");

    let o = cairn(&dir, &["rules", "test"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains(" 0 failed"), "{}", stdout(&o));

    // A user rule file with a failing test exits 1.
    let d = std::env::temp_dir().join(unique_name("cairn_rules"));
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(
        d.join("mine.cairn"),
        "rule ACME001 no-drops: error on plan {\n  for c in changes where c is drop_table\n  deny\n}\n\ntest ACME001 \"wrong on purpose\" sqlite {\n  before = sql\"CREATE TABLE t (id int);\"\n  after = sql\"\"\n  expect none\n}\n",
    )
    .unwrap();
    let o = cairn(&d, &["rules", "test", "mine.cairn"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("FAIL"), "{}", stdout(&o));
}

/// The structure SARIF 2.1.0 requires of what Cairn writes (the fields code-scanning uploads
/// read): version, one run with a named driver, rules with ids, results with a known level, a
/// message, a located region (1-based) and a `ruleIndex` that points at the result's rule.
fn check_sarif_shape(v: &serde_json::Value) {
    assert_eq!(v["version"], "2.1.0", "{v}");
    assert!(
        v["$schema"].as_str().unwrap().contains("sarif-2.1.0"),
        "{v}"
    );
    let runs = v["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "{v}");
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "cairn");
    let rules = driver["rules"].as_array().expect("rules");
    for r in rules {
        assert!(r["id"].is_string(), "{r}");
        assert!(
            ["error", "warning", "note"]
                .contains(&r["defaultConfiguration"]["level"].as_str().unwrap()),
            "{r}"
        );
    }
    for res in runs[0]["results"].as_array().expect("results") {
        assert!(
            ["error", "warning", "note"].contains(&res["level"].as_str().unwrap()),
            "{res}"
        );
        assert!(
            !res["message"]["text"].as_str().unwrap().is_empty(),
            "{res}"
        );
        let i = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], res["ruleId"], "{res}");
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].is_string(), "{res}");
        let region = &loc["region"];
        for k in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[k].as_u64().unwrap() >= 1, "{res}");
        }
    }
}

#[test]
fn ci_output_formats() {
    let dir = migration_dir(&[
        ("1_init.sql", INIT),
        (
            "2_change.sql",
            &format!(
                "{TIMEOUTS} CREATE INDEX users_email ON users (email);\n\nDROP TABLE posts;\n"
            ),
        ),
    ]);
    let run = |format: &str| {
        let o = cairn(
            &dir,
            &[
                "lint",
                "migrations",
                "--dialect",
                "postgres",
                "--format",
                format,
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{}\n{}", stdout(&o), stderr(&o));
        stdout(&o)
    };

    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    check_sarif_shape(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["PG101", "DS102"], "{sarif}");
    assert_eq!(results[1]["level"], "error");
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "migrations/2_change.sql"
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules[1]["name"], "drop-table", "{sarif}");

    let github = run("github");
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), 2, "{github}");
    assert!(
        // The statement starts after the timeouts on its line.
        lines[0].starts_with(&format!(
            "::warning file=migrations/2_change.sql,line=1,col={},",
            TIMEOUTS.len() + 2
        )),
        "{github}"
    );
    assert!(
        lines[1].starts_with(
            "::error file=migrations/2_change.sql,line=3,col=1,endLine=3,endColumn=18,title=DS102::"
        ),
        "{github}"
    );

    let junit = run("junit");
    assert!(junit.starts_with("<?xml"), "{junit}");
    assert!(
        junit.contains("<testsuites name=\"cairn lint\" tests=\"3\" failures=\"1\""),
        "{junit}"
    );
    assert!(
        junit.contains("<testsuite name=\"migrations/1_init.sql\" tests=\"1\" failures=\"0\""),
        "{junit}"
    );
    assert!(
        junit.contains("<failure message=\"dropping table"),
        "{junit}"
    );

    let o = cairn(&dir, &["lint", "migrations", "--format", "yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("expected human, json, sarif, github or junit"));
}

#[test]
fn a_broken_rules_file_is_reported_and_the_other_rules_still_run() {
    let dir = migration_dir(&[]);
    std::fs::write(
        dir.join("schema.sql"),
        "CREATE TABLE \"OrderItems\" (id int);\nCREATE TABLE t (id int);\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("good.cairn"),
        "/// Tables are not called t.\nrule XX900 no-table-t: warning on schema {\n  for t in tables where t.name == \"t\"\n  deny\n  message \"table {t.name} is called t\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("broken.cairn"),
        "/// Broken.\nrule XX901 broken: warning on schema {\n  for t in tables where t.nmae == \"t\"\n  deny\n  message \"x\"\n}\n",
    )
    .unwrap();
    let (code, v, err) = lint_json(
        &dir,
        &[
            "schema.sql",
            "--schema-file",
            "--dialect",
            "postgres",
            "--rules",
            "good.cairn",
            "--rules",
            "broken.cairn",
        ],
    );
    // The broken file fails the run and names its place; it stops none of the other rules.
    assert_eq!(code, Some(1), "{v}\n{err}");
    assert!(err.contains("broken.cairn:3:"), "{err}");
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"XX900"), "{v}");
    assert!(codes.contains(&"NM102"), "{v}");
    assert!(!codes.contains(&"XX901"), "{v}");
}
