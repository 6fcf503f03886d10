//! Progress of `migrate apply`: one line per file on stderr without a terminal, a progress bar
//! (and no per-file lines) on a terminal for directories of many files, and one JSON document on
//! stdout with `--format json`. On SQLite (the output does not depend on the database).

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, cairn_bin, stderr, stdout, unique_name};

const FILES: usize = 12;

fn directory() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_progress"));
    std::fs::create_dir_all(d.join("migrations")).unwrap();
    for i in 1..=FILES {
        std::fs::write(
            d.join("migrations").join(format!("{i:02}_t{i}.sql")),
            format!("CREATE TABLE t{i} (id int);\nINSERT INTO t{i} VALUES ({i});\n"),
        )
        .unwrap();
    }
    let o = cairn(&d, &["migrate", "hash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    d
}

fn url(dir: &Path, name: &str) -> String {
    format!("sqlite://{}", dir.join(name).display())
}

#[test]
fn one_line_per_file_without_a_terminal() {
    let dir = directory();
    let o = cairn(&dir, &["migrate", "apply", "--url", &url(&dir, "a.db")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines: Vec<String> = stderr(&o)
        .lines()
        .filter(|l| l.starts_with("-- migrating version"))
        .map(str::to_string)
        .collect();
    assert_eq!(lines.len(), FILES, "{}", stderr(&o));
    assert!(
        lines[0].starts_with("-- migrating version 01 (01_t1.sql): ok, 2 statements"),
        "{}",
        lines[0]
    );
    assert!(
        stdout(&o).starts_with("Migrated to version 12 (12 migrations, 24 statements"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn json_is_one_document_on_stdout() {
    let dir = directory();
    let o = cairn(
        &dir,
        &[
            "migrate",
            "apply",
            "2",
            "--url",
            &url(&dir, "b.db"),
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("-- migrating"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON document");
    assert_eq!(v["Applied"].as_array().unwrap().len(), 2);
    assert_eq!(v["Applied"][1]["Name"], "02_t2.sql");
    assert_eq!(v["Applied"][1]["Applied"][0], "CREATE TABLE t2 (id int);");
    assert_eq!(v["Target"], "02");
    assert_eq!(v["InDoubt"], serde_json::Value::Null);
    assert_eq!(v["Error"], "");
}

#[test]
fn a_bar_replaces_the_lines_on_a_terminal() {
    let dir = directory();
    // `script` runs the command on a pseudo-terminal and copies what it prints.
    let cmd = format!(
        "{} migrate apply --url {}",
        cairn_bin().display(),
        url(&dir, "c.db")
    );
    let o = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run script");
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("Migrated to version 12"),
        "the result still prints: {out}"
    );
    assert!(out.contains("/12 files"), "the bar was drawn: {out}");
    assert!(
        !out.contains("-- migrating version"),
        "no per-file lines under the bar: {out}"
    );
}
