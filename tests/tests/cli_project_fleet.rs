//! Tenant fleets: a `for_each` env reaches every target from one command (schema apply,
//! schema diff, migrate apply, migrate status), one report per target (text and JSON, tagged
//! with the target), staged rollout in `deployment` groups (canary first, then the rest in
//! parallel), failures isolated unless `--fail-fast`, nothing run when the project file has
//! errors. 20 tenant schemas on PostgreSQL, 20 databases on MariaDB, 20 SQLite files.

use std::path::Path;

use cairn_tests::{
    cairn, my_exec, mysql_scratch, pg_exec, pg_scratch, scratch_dir, stderr, stdout, write_file,
};
use serde_json::Value;

const SCHEMA: &str = "CREATE TABLE users (id int PRIMARY KEY, name varchar(100));\n";

const DEPLOYMENT: &str = r#"deployment "staged" {
  group "canary" {
    match = each.value == local.canary
  }
  group "rest" {
    parallel = 4
  }
}
"#;

fn json(o: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn statuses(doc: &Value) -> Vec<(String, String, String)> {
    doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["target"].as_str().unwrap().to_string(),
                t["group"].as_str().unwrap().to_string(),
                t["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_twenty_tenant_schemas() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let mut setup = String::new();
    for i in 1..=20 {
        setup.push_str(&format!("CREATE SCHEMA tenant_{i:02};\n"));
    }
    // tenant_13 holds a table the desired state lacks: its plan drops it, which is refused.
    setup.push_str(
        "CREATE TABLE tenant_13.legacy (id int);\nINSERT INTO tenant_13.legacy VALUES (1);\n",
    );
    pg_exec(&scratch.url, &setup).await;
    let dir = scratch_dir("cairn_fleet");
    write_file(&dir, "schema.sql", SCHEMA);
    write_file(
        &dir,
        "atlas.hcl",
        &format!(
            r#"variable "url" {{
  type = string
}}

locals {{
  canary = "tenant_01"
}}

data "sql" "tenants" {{
  url   = var.url
  query = "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'tenant\\_%' ORDER BY 1"
}}

{DEPLOYMENT}
env "tenants" {{
  for_each = toset(data.sql.tenants.values)
  url      = urlqueryset(var.url, "search_path", each.value)
  src      = "file://schema.sql"
  rollout {{
    deployment = deployment.staged
  }}
}}
"#
        ),
    );
    let var = format!("url={}", scratch.url);
    let o = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--env",
            "tenants",
            "--var",
            &var,
            "--auto-approve",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "one target fails: {}", stderr(&o));
    let doc = json(&o);
    let st = statuses(&doc);
    assert_eq!(st.len(), 20);
    assert_eq!(st[0], ("tenant_01".into(), "canary".into(), "ok".into()));
    for (t, g, s) in &st[1..] {
        assert_eq!(g, "rest");
        let want = if t == "tenant_13" { "failed" } else { "ok" };
        assert_eq!(s, want, "{t}: {doc}");
    }
    let failed = &doc["targets"][12];
    assert_eq!(failed["target"], "tenant_13");
    assert_eq!(failed["output"]["findings"][0]["code"], "DS102", "{failed}");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("refusing to apply"),
        "{failed}"
    );
    let err = stderr(&o);
    assert!(err.contains("Group canary (1/2): 1 target(s)"), "{err}");
    assert!(err.contains("Group rest: 18 succeeded, 1 failed"), "{err}");

    // Every other tenant is synced; schema diff reports per target, tenant_13 still pending.
    let o = cairn(
        &dir,
        &[
            "schema", "diff", "--env", "tenants", "--var", &var, "--check",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("-- target tenant_13 (group rest): pending"),
        "{out}"
    );
    assert!(
        out.contains("-- target tenant_07 (group rest): ok"),
        "{out}"
    );
    assert_eq!(out.matches("Schemas are synced").count(), 19, "{out}");

    // The project file has an error: nothing runs anywhere.
    let bad = std::fs::read_to_string(dir.join("atlas.hcl"))
        .unwrap()
        .replace("parallel = 4", "parallel = 0");
    write_file(&dir, "atlas.hcl", &bad);
    let o = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--env",
            "tenants",
            "--var",
            &var,
            "--auto-approve",
            "--allow-destructive",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("atlas.hcl:") && stderr(&o).contains("parallel"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("Group"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_twenty_databases_migrate() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let prefix = scratch.name.clone();
    let mut names = Vec::new();
    for i in 1..=20 {
        let n = format!("{prefix}_{i:02}");
        my_exec(&scratch.url, &format!("CREATE DATABASE `{n}`")).await;
        names.push(n);
    }
    let dir = scratch_dir("cairn_fleet");
    write_file(&dir, "migrations/20240101000000_users.sql", SCHEMA);
    write_file(
        &dir,
        "migrations/20240102000000_posts.sql",
        "CREATE TABLE posts (id int PRIMARY KEY, user_id int);\n",
    );
    let o = cairn(&dir, &["migrate", "hash", "--dir", "file://migrations"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let list = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    write_file(
        &dir,
        "atlas.hcl",
        &format!(
            r#"variable "url" {{
  type = string
}}

variable "tenants" {{
  type    = list(string)
  default = [{list}]
}}

locals {{
  canary = "{first}"
}}

{DEPLOYMENT}
env "tenants" {{
  for_each = toset(var.tenants)
  url      = urlsetpath(var.url, each.value)
  migration {{
    dir = "file://migrations"
  }}
  rollout {{
    deployment = deployment.staged
  }}
}}
"#,
            first = names[0]
        ),
    );
    let var = format!("url={}", scratch.url);
    let o = cairn(
        &dir,
        &["migrate", "status", "--env", "tenants", "--var", &var],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).matches("Migration Status: PENDING").count(),
        20,
        "{}",
        stdout(&o)
    );
    let o = cairn(
        &dir,
        &[
            "migrate", "apply", "--env", "tenants", "--var", &var, "--format", "json",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = json(&o);
    let st = statuses(&doc);
    assert_eq!(st.len(), 20);
    assert!(st.iter().all(|(_, _, s)| s == "ok"), "{doc}");
    assert_eq!(st[0].1, "canary");
    for t in doc["targets"].as_array().unwrap() {
        assert!(
            t["output"].is_object(),
            "each target's own JSON report: {t}"
        );
    }
    let o = cairn(
        &dir,
        &["migrate", "status", "--env", "tenants", "--var", &var],
    );
    assert_eq!(
        stdout(&o).matches("Migration Status: OK").count(),
        20,
        "{}",
        stdout(&o)
    );
    for n in &names {
        my_exec(&scratch.url, &format!("DROP DATABASE IF EXISTS `{n}`")).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn sqlite_project(dir: &Path, canary: &str) -> Vec<String> {
    let names: Vec<String> = (1..=20).map(|i| format!("t{i:02}")).collect();
    write_file(dir, "schema.sql", SCHEMA);
    write_file(
        dir,
        "atlas.hcl",
        &format!(
            r#"variable "tenants" {{
  type = list(string)
}}

locals {{
  canary = "{canary}"
}}

{DEPLOYMENT}
env "tenants" {{
  for_each = toset(var.tenants)
  url      = "sqlite://${{each.value}}.db"
  src      = "file://schema.sql"
  rollout {{
    deployment = deployment.staged
  }}
}}
"#
        ),
    );
    names
}

fn tenant_vars(names: &[String]) -> Vec<String> {
    names.iter().map(|n| format!("tenants={n}")).collect()
}

fn args<'a>(base: &[&'a str], vars: &'a [String]) -> Vec<&'a str> {
    let mut out: Vec<&str> = base.to_vec();
    for v in vars {
        out.push("--var");
        out.push(v);
    }
    out
}

#[test]
fn sqlite_twenty_files_staged_and_fail_fast() {
    let dir = scratch_dir("cairn_fleet");
    let names = sqlite_project(&dir, "t01");
    let vars = tenant_vars(&names);
    // t05 is not a database: that target fails, the others go on.
    write_file(
        &dir,
        "t05.db",
        "this is not a database file, it is text ..............................................................................................",
    );
    let o = cairn(
        &dir,
        &args(
            &["schema", "apply", "--env", "tenants", "--auto-approve"],
            &vars,
        ),
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("-- target t05 (group rest): failed"), "{out}");
    assert_eq!(out.matches("): ok").count(), 19, "{out}");
    assert!(stderr(&o).contains("[t05] "), "{}", stderr(&o));

    // --fail-fast: after the first failure no new target starts.
    for n in &names {
        if n != "t05" {
            let _ = std::fs::remove_file(dir.join(format!("{n}.db")));
        }
    }
    let o = cairn(
        &dir,
        &args(
            &[
                "schema",
                "apply",
                "--env",
                "tenants",
                "--auto-approve",
                "--fail-fast",
                "--format",
                "json",
            ],
            &vars,
        ),
    );
    assert_eq!(o.status.code(), Some(1));
    let doc = json(&o);
    let st = statuses(&doc);
    let skipped = st.iter().filter(|(_, _, s)| s == "skipped").count();
    assert!(skipped >= 10, "most targets were not started: {doc}");
    assert_eq!(
        st.iter().filter(|(_, _, s)| s == "failed").count(),
        1,
        "{doc}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sqlite_failed_canary_stops_the_rollout() {
    let dir = scratch_dir("cairn_fleet");
    let names = sqlite_project(&dir, "t03");
    let vars = tenant_vars(&names);
    write_file(
        &dir,
        "t03.db",
        "not a database ......................................................................................................",
    );
    let o = cairn(
        &dir,
        &args(
            &["schema", "apply", "--env", "tenants", "--auto-approve"],
            &vars,
        ),
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("Group canary: 0 succeeded, 1 failed"), "{err}");
    assert!(
        err.contains("Group rest (2/2): skipped, 19 target(s) not run"),
        "{err}"
    );
    for n in names.iter().filter(|n| *n != "t03") {
        assert!(!dir.join(format!("{n}.db")).exists(), "{n} was not touched");
    }
    // With a good canary, the rollout goes through, and a second plan is empty everywhere.
    std::fs::remove_file(dir.join("t03.db")).unwrap();
    let o = cairn(
        &dir,
        &args(
            &["schema", "apply", "--env", "tenants", "--auto-approve"],
            &vars,
        ),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cairn(
        &dir,
        &args(
            &[
                "schema", "diff", "--env", "tenants", "--check", "--format", "json",
            ],
            &vars,
        ),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["env"], "tenants");
    assert_eq!(statuses(&doc).len(), 20);
    let _ = std::fs::remove_dir_all(&dir);
}
