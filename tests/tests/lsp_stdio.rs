//! `cairn lsp` driven over stdio (JSON-RPC, `Content-Length` framing) as an editor drives it:
//! the real binary, a workspace folder on disk, and the answers checked field by field.

use cairn_tests::lsp::{LspClient, pos, scratch_dir, uri};
use serde_json::{Value, json};

const SCHEMA: &str = r#"schema "public" {
}

table "orgs" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  primary_key {
    columns = [column.id]
  }
}

table "users" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  column "org_id" {
    type = bigint
    null = true
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "users_org_fk" {
    columns     = [column.org_id]
    ref_columns = [table.orgs.column.id]
  }
}
"#;

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn lint_findings_of_the_stdlib_and_the_projects_rules_are_published_with_links() {
    let dir = scratch_dir("cairn_lsp_lint");
    // The project's own rule: every table has a comment.
    std::fs::create_dir_all(dir.join("policy")).unwrap();
    std::fs::write(
        dir.join("policy/comments.cairn"),
        "use std\n\n/// Tables say what they hold.\nrule ACM101 table-comment: warning on schema {\n  for t in tables\n  require t.comment != null\n  message \"table {t.name} has no comment\"\n}\n",
    )
    .unwrap();
    let file = dir.join("schema.pg.hcl");
    let text = SCHEMA
        .replace("table \"orgs\"", "table \"Orgs\"")
        .replace("table.orgs", "table.Orgs");
    std::fs::write(&file, &text).unwrap();
    let u = uri(&file);
    let mut c = LspClient::start(
        Some(&dir),
        json!({ "rulesDocsUrl": "https://docs.example/rules/" }),
    );
    c.open(&u, &text);
    let diags = c.diagnostics(&u);
    let nm = diags
        .iter()
        .find(|d| d["code"] == "NM102")
        .unwrap_or_else(|| panic!("no NM102 for `Orgs`: {diags:#?}"));
    assert_eq!(nm["severity"], 2, "{nm}");
    assert_eq!(
        nm["codeDescription"]["href"],
        "https://docs.example/rules/NM102.md"
    );
    assert_eq!(nm["range"]["start"], pos(&text, "\"Orgs\"", 0, 0), "{nm}");
    // The workspace's rule fires on both tables and links to its declaration.
    let own: Vec<&Value> = diags.iter().filter(|d| d["code"] == "ACM101").collect();
    assert_eq!(own.len(), 2, "{diags:#?}");
    let href = own[0]["codeDescription"]["href"].as_str().unwrap();
    assert_eq!(
        href,
        format!("{}#L4", uri(&dir.join("policy/comments.cairn")))
    );

    // Fixed on change: NM102 goes, the project rule stays.
    c.change(&u, 2, SCHEMA);
    let diags = c.diagnostics(&u);
    assert_eq!(codes(&diags), vec!["ACM101", "ACM101"], "{diags:#?}");

    // A block-level nolint silences the finding for that block only.
    let quiet = SCHEMA.replace("table \"orgs\"", "# cairn:nolint ACM101\ntable \"orgs\"");
    c.change(&u, 3, &quiet);
    let diags = c.diagnostics(&u);
    assert_eq!(codes(&diags), vec!["ACM101"], "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"], pos(&quiet, "\"users\"", 0, 0));

    // Rule codes are completed inside the directive.
    let at = pos(&quiet, "ACM101", 0, 0);
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": u }, "position": at }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"NM102") && labels.contains(&"DS102"),
        "{labels:?}"
    );
    assert!(labels.contains(&"ACM101"), "{labels:?}");

    // A compile error hides lint findings (as in `cairn lint`): only the error is published.
    let broken = SCHEMA.replace("columns = [column.id]", "columns = [column.nope]");
    c.change(&u, 4, &broken);
    let diags = c.diagnostics(&u);
    assert!(
        !diags.is_empty() && codes(&diags).iter().all(|c| c.starts_with('E')),
        "{diags:#?}"
    );
    c.shutdown();
}

#[test]
fn sql_schema_files_get_findings_and_atlas_directives() {
    let dir = scratch_dir("cairn_lsp_sql");
    let file = dir.join("schema.lt.sql");
    let text = "CREATE TABLE \"OrderItems\" (id int);\n-- atlas:nolint NM102\nCREATE TABLE \"Other\" (id int);\n";
    std::fs::write(&file, text).unwrap();
    let u = uri(&file);
    let mut c = LspClient::start(Some(&dir), Value::Null);
    c.open(&u, text);
    let diags = c.diagnostics(&u);
    assert_eq!(codes(&diags), vec!["NM102"], "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"]["line"], 0);
    assert!(
        diags[0]["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/rules/NM102.md")
    );
    let at = pos(text, "NM102", 0, 0);
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": u }, "position": at }),
    );
    assert!(
        items
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["label"] == "NM102")
    );
    c.shutdown();
}
