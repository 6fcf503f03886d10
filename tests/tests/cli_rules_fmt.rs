//! `cairn rules fmt`: the standard library is already formatted (and formatting is idempotent),
//! a messy file is made canonical with its comments kept, `--check` lists what would change
//! and exits 1, and a file with syntax errors is refused with their location, never rewritten.

use std::path::PathBuf;

use cairn_tests::{cairn, repo_root, stderr, stdout, unique_name};

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_rules_fmt"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn the_standard_library_is_formatted() {
    let root = repo_root();
    let o = cairn(&root, &["rules", "fmt", "--check", "rules-stdlib/rules"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "run `cairn rules fmt rules-stdlib/rules`; these files are not formatted:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
}

const MESSY: &str = "use std\n\n\n// Why this rule exists.\nparam   limit:int=3\n/// Tables have few columns.\nrule XX001   few-columns : warning on schema{\n      for t in tables   where len( t.columns )>limit // too many\n\n\n  deny\n  message \"table {t.name} has {len(t.columns)} columns\"\n   tags [ shape,table-size ]\n\n}\ntest XX001 \"fires\" postgres {\n  after = sql\"CREATE TABLE a (x int, y int, z int, w int);\"\n  expect XX001\n}\n\n\n";

const FORMATTED: &str = "use std\n\n// Why this rule exists.\nparam limit: int = 3\n\n/// Tables have few columns.\nrule XX001 few-columns: warning on schema {\n  for t in tables where len(t.columns) > limit // too many\n\n  deny\n  message \"table {t.name} has {len(t.columns)} columns\"\n  tags [shape, table-size]\n}\n\ntest XX001 \"fires\" postgres {\n  after = sql\"CREATE TABLE a (x int, y int, z int, w int);\"\n  expect XX001\n}\n";

#[test]
fn a_messy_file_is_formatted_and_check_lists_it() {
    let dir = scratch();
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::write(dir.join("rules/messy.cairn"), MESSY).unwrap();
    std::fs::write(dir.join("rules/tidy.cairn"), FORMATTED).unwrap();

    // --check: lists the file, writes nothing, exits 1.
    let o = cairn(&dir, &["rules", "fmt", "--check", "rules"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "rules/messy.cairn", "{}", stdout(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("rules/messy.cairn")).unwrap(),
        MESSY
    );

    // Formatting writes the canonical text; the rules still run the same.
    let o = cairn(&dir, &["rules", "fmt", "rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("rules/messy.cairn")).unwrap(),
        FORMATTED
    );
    let o = cairn(&dir, &["rules", "fmt", "--check", "rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = cairn(&dir, &["rules", "test", "rules/messy.cairn"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_file_with_syntax_errors_is_refused_with_its_location() {
    let dir = scratch();
    let broken = "/// Broken.\nrule XX002 broken: warning on schema {\n  for t in\n  deny\n}\n";
    std::fs::write(dir.join("broken.cairn"), broken).unwrap();
    for args in [
        &["rules", "fmt", "broken.cairn"][..],
        &["rules", "fmt", "--check", "broken.cairn"][..],
    ] {
        let o = cairn(&dir, args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(stderr(&o).contains("broken.cairn:4:"), "{}", stderr(&o));
        assert_eq!(
            std::fs::read_to_string(dir.join("broken.cairn")).unwrap(),
            broken
        );
    }
}
