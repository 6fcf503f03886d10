//! `cairn lint` details: rule-file errors as findings in the machine formats, the project's
//! `lint { naming { ... } }` settings, and row counts at human scale in messages.

use std::path::PathBuf;

use cairn_tests::{cairn, stderr, stdout, unique_name};

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_lint_gaps"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

const BROKEN: &str = "/// Broken.\nrule XX901 broken: warning on schema {\n  for t in tables where t.nmae == \"t\"\n  deny\n  message \"x\"\n}\n";

#[test]
fn rule_file_errors_are_findings_in_every_machine_format() {
    let dir = scratch();
    std::fs::write(dir.join("schema.sql"), "CREATE TABLE t (id int);\n").unwrap();
    std::fs::write(dir.join("broken.cairn"), BROKEN).unwrap();
    let base = [
        "lint",
        "schema.sql",
        "--schema-file",
        "--dialect",
        "postgres",
        "--rules",
        "broken.cairn",
        "--format",
    ];
    let run = |format: &str| {
        let mut args = base.to_vec();
        args.push(format);
        let o = cairn(&dir, &args);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        stdout(&o)
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let d = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "broken.cairn")
        .unwrap_or_else(|| panic!("{json}"))
        .clone();
    assert_eq!(d["severity"], "error", "{d}");
    assert_eq!(d["line"].as_u64(), Some(3), "{d}");
    assert!(d["column"].as_u64().unwrap() > 1, "{d}");
    assert!(d["code"].as_str().unwrap().starts_with('E'), "{d}");
    let code = d["code"].as_str().unwrap().to_string();

    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.iter().any(|r| r["ruleId"] == code.as_str()
            && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.cairn"
            && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 3),
        "{sarif}"
    );
    let github = run("github");
    assert!(
        github.contains("::error file=broken.cairn,line=3,"),
        "{github}"
    );
    let junit = run("junit");
    assert!(
        junit.contains("<testsuite name=\"broken.cairn\"")
            && junit.contains(&format!("{code} at 3:")),
        "{junit}"
    );
}

fn lint_json(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut all = vec!["lint"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = cairn(dir, &all);
    let out = stdout(&o);
    let v: serde_json::Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{}", stderr(&o)));
    (
        o.status.code(),
        v["diagnostics"].as_array().cloned().unwrap_or_default(),
    )
}

#[test]
fn the_naming_block_sets_the_nm_rules_patterns_and_messages() {
    let dir = scratch();
    std::fs::write(
        dir.join("schema.sql"),
        "CREATE TABLE tbl_orders (id int, \"TotalCents\" int);\n\
         CREATE TABLE customers (id int);\n\
         CREATE INDEX orders_id ON tbl_orders (id);\n\
         CREATE INDEX customers_id_idx ON customers (id);\n",
    )
    .unwrap();
    let args = ["schema.sql", "--schema-file", "--dialect", "postgres"];
    let nm = |diags: &[serde_json::Value]| -> Vec<(String, String)> {
        diags
            .iter()
            .filter(|d| d["code"].as_str().unwrap().starts_with("NM"))
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    // Without a policy: lower snake case; only the camel-case column.
    let (_, d) = lint_json(&dir, &args);
    let found = nm(&d);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "NM103");

    // Atlas's naming block: a global regex with its message, a table regex, an index regex.
    std::fs::write(
        dir.join("atlas.hcl"),
        r#"lint {
  naming {
    match   = "^[a-zA-Z_]+$"
    message = "names are letters and underscores"
    table {
      match = "^tbl_"
    }
    index {
      match   = "_idx$"
      message = "index names end in _idx"
    }
  }
}
"#,
    )
    .unwrap();
    let (code, d) = lint_json(&dir, &args);
    assert_eq!(code, Some(0), "{d:?}");
    let mut found = nm(&d);
    found.sort();
    assert_eq!(
        found,
        vec![
            (
                "NM102".to_string(),
                "names are letters and underscores".to_string()
            ),
            ("NM104".to_string(), "index names end in _idx".to_string()),
        ],
        "customers breaks the table regex, orders_id the index one; TotalCents matches the global one"
    );

    // A regex that does not compile is an error naming the setting.
    std::fs::write(
        dir.join("atlas.hcl"),
        "lint {\n  naming {\n    column {\n      match = \"([\"\n    }\n  }\n}\n",
    )
    .unwrap();
    let o = cairn(
        &dir,
        &[
            "lint",
            "schema.sql",
            "--schema-file",
            "--dialect",
            "postgres",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("lint.naming.column.match"),
        "{}",
        stderr(&o)
    );
}
