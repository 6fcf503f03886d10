//! `cairn lint` on migration files whose statements Cairn's SQL replay cannot interpret: the
//! statement is a diagnostic at its position, the rest of the file is still linted, and every
//! finding computed from the state after it is marked uncertain (JSON `uncertain` /
//! `uncertain_reason`, a `note:` line in human output).

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, stderr, stdout, unique_name};

fn migration_dir(files: &[(&str, &str)]) -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_lint_replay"));
    std::fs::create_dir_all(d.join("migrations")).unwrap();
    std::fs::write(d.join("migrations/atlas.sum"), "").unwrap();
    for (name, text) in files {
        std::fs::write(d.join("migrations").join(name), text).unwrap();
    }
    d
}

fn lint_json(dir: &Path, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = cairn(dir, &all);
    let out = stdout(&o);
    let v: serde_json::Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{}", stderr(&o)));
    let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
    (o.status.code(), diags, stderr(&o))
}

fn find<'a>(diags: &'a [serde_json::Value], code: &str, line: u64) -> &'a serde_json::Value {
    diags
        .iter()
        .find(|d| d["code"] == code && d["line"].as_u64() == Some(line))
        .unwrap_or_else(|| panic!("no {code} at line {line} in {diags:#?}"))
}

const INIT: &str = "CREATE TABLE users (id int PRIMARY KEY, email text);\n\
CREATE TABLE posts (id int PRIMARY KEY, body text);\n\
CREATE TABLE tags (id int PRIMARY KEY);\n";

#[test]
fn an_ignored_action_makes_later_findings_and_its_table_uncertain() {
    let dir = migration_dir(&[
        ("1_init.sql", INIT),
        (
            "2_change.sql",
            "DROP TABLE tags;\n\
             ALTER TABLE posts DROP COLUMN body;\n\
             ALTER TABLE posts CLUSTER ON posts_pkey;\n\
             DROP TABLE users;\n",
        ),
    ]);
    let (code, diags, err) = lint_json(&dir, &["migrations", "--dialect", "postgres"]);
    assert_eq!(code, Some(1), "{diags:#?}\n{err}");
    // The statement the replay does not apply: a diagnostic at its line and column.
    let gap = find(&diags, "E108", 3);
    assert_eq!(gap["severity"], "warning", "{gap}");
    assert_eq!(gap["column"].as_u64(), Some(1), "{gap}");
    assert!(
        gap["file"].as_str().unwrap().ends_with("2_change.sql"),
        "{gap}"
    );
    // Before it, on another table: certain.
    let tags = find(&diags, "DS102", 1);
    assert!(tags.get("uncertain").is_none(), "{tags}");
    // Before it, but on the table it touches: uncertain.
    let body = find(&diags, "DS103", 2);
    assert_eq!(body["uncertain"], true, "{body}");
    // After it: still linted, and uncertain, with the reason.
    let users = find(&diags, "DS102", 4);
    assert_eq!(users["uncertain"], true, "{users}");
    let reason = users["uncertain_reason"].as_str().unwrap();
    assert!(
        reason.starts_with("the state after line 3 is uncertain:") && reason.contains("E108"),
        "{reason}"
    );

    // Human output: the note under the finding.
    let o = cairn(&dir, &["lint", "migrations", "--dialect", "postgres"]);
    let out = stdout(&o);
    assert!(
        out.contains("2_change.sql:4:1: error[DS102]")
            && out.contains("  note: the state after line 3 is uncertain:"),
        "{out}"
    );
}

#[test]
fn a_garbage_alter_is_a_syntax_error_at_its_action_not_an_ignored_action() {
    let dir = migration_dir(&[
        ("1_init.sql", INIT),
        (
            "2_change.sql",
            "DROP TABLE tags;\n\
             ALTER TABLE posts FROBNICATE everything;\n\
             ALTER TYPE mood blah;\n\
             DROP TABLE users;\n",
        ),
    ]);
    let (code, diags, err) = lint_json(&dir, &["migrations", "--dialect", "postgres"]);
    assert_eq!(code, Some(1), "{diags:#?}\n{err}");
    assert!(
        !diags.iter().any(|d| d["code"] == "E108"),
        "garbage is not an ignored action: {diags:#?}"
    );
    // The error points at the word that cannot start an ALTER TABLE action.
    let garbage = find(&diags, "E3010", 2);
    assert_eq!(garbage["severity"], "error", "{garbage}");
    assert_eq!(garbage["column"].as_u64(), Some(19), "{garbage}");
    assert!(
        garbage["message"].as_str().unwrap().contains("FROBNICATE"),
        "{garbage}"
    );
    let ty = find(&diags, "E3010", 3);
    assert_eq!(ty["column"].as_u64(), Some(17), "{ty}");
    // The rest of the file is still linted, from an uncertain state.
    assert!(find(&diags, "DS102", 1).get("uncertain").is_none());
    assert_eq!(find(&diags, "DS102", 4)["uncertain"], true);
}

#[test]
fn a_syntax_error_is_located_and_the_rest_of_the_file_is_still_linted() {
    let dir = migration_dir(&[
        ("1_init.sql", INIT),
        (
            "2_change.sql",
            "DROP TABLE tags;\n\
             CREATE TABLE drafts (id int,, body text);\n\
             DROP TABLE users;\n",
        ),
    ]);
    let (code, diags, err) = lint_json(&dir, &["migrations", "--dialect", "postgres"]);
    assert_eq!(code, Some(1), "{diags:#?}\n{err}");
    // The error with its position: the second comma.
    let syntax = find(&diags, "E3010", 2);
    assert_eq!(syntax["severity"], "error", "{syntax}");
    assert_eq!(syntax["column"].as_u64(), Some(29), "{syntax}");
    assert!(
        syntax["message"].as_str().unwrap().contains("found: ,"),
        "{syntax}"
    );
    assert!(find(&diags, "DS102", 1).get("uncertain").is_none());
    // The statement after it is linted, from an uncertain state.
    let users = find(&diags, "DS102", 3);
    assert_eq!(users["uncertain"], true, "{users}");
}

#[test]
fn an_uninterpreted_statement_in_an_earlier_file_makes_the_next_file_uncertain() {
    let dir = migration_dir(&[
        ("1_init.sql", INIT),
        ("2_odd.sql", "CREATE TABLE drafts (id int,, body text);\n"),
        ("3_drop.sql", "DROP TABLE users;\n"),
    ]);
    // Only the last file is reported; the earlier file's gap shows as the reason.
    let (code, diags, err) = lint_json(
        &dir,
        &["migrations", "--dialect", "postgres", "--latest", "1"],
    );
    assert_eq!(code, Some(1), "{diags:#?}\n{err}");
    let d = find(&diags, "DS102", 1);
    let reason = d["uncertain_reason"].as_str().unwrap();
    assert!(
        reason.starts_with("the state before this file is uncertain:")
            && reason.contains("2_odd.sql:1"),
        "{reason}"
    );
    assert!(diags.iter().all(|d| d["code"] != "E3010"), "{diags:#?}");
}

#[test]
fn an_unclosed_quote_is_located_and_earlier_statements_are_still_linted() {
    let dir = migration_dir(&[
        ("1_init.sql", INIT),
        (
            "2_change.sql",
            "DROP TABLE tags;\nALTER TABLE users ADD COLUMN note text DEFAULT 'oops;\nDROP TABLE users;\n",
        ),
    ]);
    let (code, diags, err) = lint_json(&dir, &["migrations", "--dialect", "postgres"]);
    assert_eq!(code, Some(1), "{diags:#?}\n{err}");
    let unclosed = diags
        .iter()
        .find(|d| d["code"] == "E3001")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(unclosed["line"].as_u64(), Some(2), "{unclosed}");
    // The statement before the broken one is linted and certain.
    let tags = find(&diags, "DS102", 1);
    assert!(tags.get("uncertain").is_none(), "{tags}");
}

#[test]
fn a_clean_file_has_no_uncertain_findings() {
    let dir = migration_dir(&[("1_init.sql", INIT), ("2_drop.sql", "DROP TABLE users;\n")]);
    let (_, diags, _) = lint_json(&dir, &["migrations", "--dialect", "postgres"]);
    assert!(!diags.is_empty());
    assert!(
        diags.iter().all(|d| d.get("uncertain").is_none()),
        "{diags:#?}"
    );
}
