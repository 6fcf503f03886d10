//! Atlas policy files (`*.rule.hcl`) end to end: `predicate` and `rule "schema"` /
//! `rule "migrate"` blocks run in `cairn lint --rules` (schema files and migration
//! directories), in `cairn rules test` (the file's `test` blocks), from the project file's
//! `rule "hcl"` block with `vars`, under the lint policy; errors carry file:line:column.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, stderr, stdout, unique_name};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_rulehcl"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    if let Some(p) = dir.join(name).parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::fs::write(dir.join(name), text).unwrap();
}

const POLICY: &str = r#"variable "prefix" {
  type    = string
  default = "app_"
}

predicate "column" "required_or_default" {
  or {
    null {
      eq = false
    }
    default {
      ne = null
    }
  }
}

predicate "table" "has_pk" {
  primary_key {
    condition = self != null
  }
}

predicate "table" "prefixed" {
  variable "p" {
    type = string
  }
  name {
    condition = startswith(self, var.p)
  }
}

rule "schema" "tables-need-pk" {
  description = "Every table has a primary key."
  table {
    match {
      name {
        ne = "legacy"
      }
    }
    assert {
      predicate = predicate.table.has_pk
      message   = "table ${self.name} has no primary key"
    }
  }
}

rule "schema" "table-prefix" {
  table {
    assert {
      predicate = predicate.table.prefixed
      vars      = { p = var.prefix }
      message   = "table ${self.name} does not start with ${var.prefix}"
    }
  }
}

rule "migrate" "new-columns-required" {
  description = "Columns added by migrations are NOT NULL or have a default."
  add {
    table {
      column {
        assert {
          predicate = predicate.column.required_or_default
          message   = "${self.table.name}.${self.name} is nullable without a default"
        }
      }
    }
  }
}

test "tables-need-pk" "fires on a table without a key" {
  dialect = "postgres"
  after   = "CREATE TABLE app_t (id int);"
  expect  = ["tables-need-pk"]
}

test "tables-need-pk" "quiet on the legacy table" {
  dialect = "sqlite"
  after   = "CREATE TABLE legacy (id int);"
  expect  = []
}

test "new-columns-required" "fires on an added nullable column" {
  dialect = "postgres"
  before  = "CREATE TABLE app_t (id int PRIMARY KEY);"
  after   = "CREATE TABLE app_t (id int PRIMARY KEY, note text);"
  expect  = ["new-columns-required"]
}
"#;

/// Findings as `(code, severity, message, line)`.
type Diags = Vec<(String, String, String, u64)>;

fn json(dir: &Path, args: &[&str]) -> (Option<i32>, Diags, String) {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--format", "json"]);
    let o = cairn(dir, &all);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(&o), stderr(&o)));
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (o.status.code(), d, stderr(&o))
}

#[test]
fn atlas_rule_files_run_in_lint_and_rules_test() {
    let dir = tempdir();
    write(&dir, "policy.rule.hcl", POLICY);

    let o = cairn(&dir, &["rules", "test", "policy.rule.hcl"]);
    assert_eq!(o.status.code(), Some(0), "{}\n{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("3 passed, 0 failed"), "{}", stdout(&o));

    // Schema rules on a schema file: `match` filters, predicates with vars, messages.
    write(
        &dir,
        "schema.sql",
        "CREATE TABLE legacy (id int);\nCREATE TABLE app_orders (id int);\nCREATE TABLE users (id int PRIMARY KEY);\n",
    );
    let (code, d, err) = json(
        &dir,
        &[
            "lint",
            "schema.sql",
            "--schema-file",
            "--dialect",
            "postgres",
            "--rules",
            "policy.rule.hcl",
        ],
    );
    assert_eq!(code, Some(0), "{d:?}\n{err}");
    let ours: Vec<_> = d
        .iter()
        .filter(|x| x.0 == "tables-need-pk" || x.0 == "table-prefix")
        .collect();
    assert_eq!(ours.len(), 3, "{d:?}");
    assert!(
        ours.iter().any(|x| x.0 == "tables-need-pk"
            && x.2 == "table app_orders has no primary key"
            && x.3 == 2),
        "{d:?}"
    );
    assert!(
        ours.iter()
            .any(|x| x.0 == "table-prefix" && x.2 == "table users does not start with app_"),
        "{d:?}"
    );

    // Migrate rules on a migration directory: only the changes of the linted file.
    write(&dir, "m/atlas.sum", "");
    write(
        &dir,
        "m/1_init.sql",
        "CREATE TABLE app_u (id int PRIMARY KEY, a text);\n",
    );
    write(
        &dir,
        "m/2_more.sql",
        "ALTER TABLE app_u ADD COLUMN b text;\nALTER TABLE app_u ADD COLUMN c int NOT NULL DEFAULT 0;\n",
    );
    let (code, d, err) = json(
        &dir,
        &[
            "lint",
            "m",
            "--dialect",
            "postgres",
            "--rules",
            "policy.rule.hcl",
        ],
    );
    assert_eq!(code, Some(0), "{err}");
    let added: Vec<_> = d.iter().filter(|x| x.0 == "new-columns-required").collect();
    assert_eq!(added.len(), 1, "{d:?}");
    assert_eq!(
        (added[0].2.as_str(), added[0].3),
        ("app_u.b is nullable without a default", 1)
    );

    // From the project file: Atlas's `rule "hcl"` block with vars, and a severity by name.
    write(
        &dir,
        "atlas.hcl",
        "lint {\n  rule \"hcl\" \"policy\" {\n    src  = [\"policy.rule.hcl\"]\n    vars = { prefix = \"tbl_\" }\n  }\n  severity = { \"tables-need-pk\" = \"error\" }\n}\n",
    );
    let (code, d, err) = json(
        &dir,
        &[
            "lint",
            "schema.sql",
            "--schema-file",
            "--dialect",
            "postgres",
        ],
    );
    assert_eq!(code, Some(1), "{d:?}\n{err}");
    assert_eq!(
        d.iter()
            .find(|x| x.0 == "tables-need-pk")
            .map(|x| x.1.as_str()),
        Some("error")
    );
    assert!(
        d.iter()
            .any(|x| x.0 == "table-prefix" && x.2 == "table users does not start with tbl_"),
        "{d:?}"
    );
}

#[test]
fn errors_in_atlas_rule_files_have_positions() {
    let dir = tempdir();
    write(
        &dir,
        "bad.rule.hcl",
        "predicate \"column\" \"x\" {\n  nul {\n    eq = false\n  }\n}\n\nrule \"schema\" \"r\" {\n  table {\n    assert {\n      predicate = predicate.table.nope\n    }\n  }\n}\n",
    );
    write(&dir, "schema.sql", "CREATE TABLE t (id int);\n");
    for args in [
        vec!["rules", "test", "bad.rule.hcl"],
        vec![
            "lint",
            "schema.sql",
            "--schema-file",
            "--dialect",
            "sqlite",
            "--rules",
            "bad.rule.hcl",
        ],
    ] {
        let o = cairn(&dir, &args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let err = stderr(&o);
        assert!(
            err.contains("bad.rule.hcl:2:3: error[E4200]: a column has no attribute or child \"nul\" (did you mean `null`?)"),
            "{err}"
        );
        assert!(
            err.contains("bad.rule.hcl:10:19: error[E4200]: no predicate \"table\" \"nope\""),
            "{err}"
        );
    }
    // A syntax error.
    write(
        &dir,
        "broken.rule.hcl",
        "rule \"schema\" \"r\" {\n  table {\n",
    );
    let o = cairn(&dir, &["rules", "test", "broken.rule.hcl"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("broken.rule.hcl:"), "{}", stderr(&o));
}
