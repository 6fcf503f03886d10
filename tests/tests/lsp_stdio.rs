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

/// Offset of an LSP position in ASCII text.
fn offset(text: &str, p: &Value) -> usize {
    let line = p["line"].as_u64().unwrap() as usize;
    let col = p["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    start + col
}

/// Applies the edits a `WorkspaceEdit` makes to `uri` to `text`.
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        offset(text, &e["range"]["start"]),
                        offset(text, &e["range"]["end"]),
                        e["newText"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    edits.sort_by(|a, b| b.0.cmp(&a.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

const ORGS: &str = "schema \"public\" {\n}\n\ntable \"orgs\" {\n  schema = schema.public\n  column \"id\" {\n    type = bigint\n  }\n  primary_key {\n    columns = [column.id]\n  }\n}\n";
const USERS: &str = "table \"users\" {\n  schema = schema.public\n  column \"id\" {\n    type = bigint\n  }\n  column \"org_id\" {\n    type = bigint\n    null = true\n  }\n  primary_key {\n    columns = [column.id]\n  }\n  index \"users_org\" {\n    columns = [column.org_id]\n  }\n  foreign_key \"users_org_fk\" {\n    columns     = [column.org_id]\n    ref_columns = [table.orgs.column.id]\n  }\n}\n";

#[test]
fn rename_across_hcl_files_writes_the_hint_and_plans_a_rename() {
    let dir = scratch_dir("cairn_lsp_rename");
    let ws = dir.join("ws");
    std::fs::create_dir_all(dir.join("before")).unwrap();
    std::fs::create_dir_all(&ws).unwrap();
    for (name, text) in [("orgs.pg.hcl", ORGS), ("users.pg.hcl", USERS)] {
        std::fs::write(dir.join("before").join(name), text).unwrap();
        std::fs::write(ws.join(name), text).unwrap();
    }
    let (orgs, users) = (uri(&ws.join("orgs.pg.hcl")), uri(&ws.join("users.pg.hcl")));
    let mut c = LspClient::start(Some(&ws), Value::Null);
    c.open(&users, USERS);
    assert_eq!(c.diagnostics(&users), Vec::<Value>::new());

    // prepareRename on the reference `table.orgs...` in the other file's block.
    let at = pos(USERS, "table.orgs", 0, "table.o".len());
    let prep = c.request(
        "textDocument/prepareRename",
        json!({ "textDocument": { "uri": users }, "position": at }),
    );
    assert_eq!(prep["placeholder"], "orgs", "{prep}");
    assert_eq!(prep["range"]["start"], pos(USERS, "orgs", 0, 0));

    // References of `orgs.id`: its declaration (in the unopened file) and the foreign key.
    let at_id = pos(USERS, "column.id]", 1, "column.".len());
    let refs = c.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": users }, "position": at_id, "context": { "includeDeclaration": true } }),
    );
    let refs = refs.as_array().unwrap();
    assert_eq!(refs.len(), 3, "decl, primary key, foreign key: {refs:#?}");
    assert_eq!(refs[0]["uri"], orgs.as_str());
    assert_eq!(refs[0]["range"]["start"], pos(ORGS, "id\"", 0, 0));
    assert!(refs.iter().any(|r| r["uri"] == users.as_str()));

    // Rename the table from the reference: both files change, and the hint is written.
    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": users }, "position": at, "newName": "companies" }),
    );
    let new_orgs = apply(ORGS, &edit, &orgs);
    let new_users = apply(USERS, &edit, &users);
    assert!(
        new_orgs
            .contains("table \"companies\" {\n  renamed_from = \"orgs\"\n  schema = schema.public"),
        "{new_orgs}"
    );
    assert!(
        new_users.contains("ref_columns = [table.companies.column.id]"),
        "{new_users}"
    );

    // Rename a column from its declaration: the index, the key and the hint follow.
    let at_col = pos(USERS, "org_id\"", 0, 1);
    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": users }, "position": at_col, "newName": "company_id" }),
    );
    let new_users = apply(&new_users, &edit, &users);
    assert_eq!(
        new_users.matches("column.company_id").count(),
        2,
        "{new_users}"
    );
    assert!(
        new_users.contains("column \"company_id\" {\n    renamed_from = \"org_id\"\n"),
        "{new_users}"
    );

    // A taken name is refused with a message.
    let id = c.send_request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": users }, "position": at_col, "newName": "id" }),
    );
    let r = c.response(id);
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{r}"
    );

    // The editor applies the edit to the file it had not opened by opening it; the renamed
    // files compile cleanly, and the next plan renames instead of dropping.
    c.open(&orgs, &new_orgs);
    // (Published on that open, while users still names `orgs`.)
    assert!(!c.diagnostics(&users).is_empty());
    c.change(&users, 2, &new_users);
    assert_eq!(c.diagnostics(&users), Vec::<Value>::new());
    c.shutdown();
    std::fs::write(ws.join("orgs.pg.hcl"), &new_orgs).unwrap();
    std::fs::write(ws.join("users.pg.hcl"), &new_users).unwrap();
    let o = cairn_tests::cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--from",
            "file://before/",
            "--to",
            "file://ws/",
        ],
    );
    let plan = cairn_tests::stdout(&o);
    assert!(
        plan.contains("RENAME TO \"companies\""),
        "{plan}\n{}",
        cairn_tests::stderr(&o)
    );
    assert!(
        plan.contains("RENAME COLUMN \"org_id\" TO \"company_id\""),
        "{plan}"
    );
    // (The differ still re-creates the index and foreign key over the renamed column.)
    assert!(
        !plan.contains("DROP TABLE") && !plan.contains("DROP COLUMN"),
        "{plan}"
    );
}

#[test]
fn a_hand_rename_gets_a_code_action_with_the_hint() {
    let dir = scratch_dir("cairn_lsp_hand");
    let file = dir.join("users.pg.hcl");
    let text = format!("{ORGS}\n{USERS}");
    std::fs::write(&file, &text).unwrap();
    let u = uri(&file);
    let mut c = LspClient::start(Some(&dir), Value::Null);
    c.open(&u, &text);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    let edited = text.replace("org_id", "company_id");
    c.change(&u, 2, &edited);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    let at = pos(&edited, "company_id\"", 0, 2);
    let actions = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": { "start": at, "end": at }, "context": { "diagnostics": [] } }),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert!(
        actions[0]["title"]
            .as_str()
            .unwrap()
            .contains("was `org_id`")
    );
    let fixed = apply(&edited, &actions[0]["edit"], &u);
    assert!(
        fixed.contains("column \"company_id\" {\n    renamed_from = \"org_id\"\n"),
        "{fixed}"
    );
    // On an object that kept its name there is nothing to offer.
    let at_id = pos(&edited, "\"id\"", 1, 1);
    let none = c.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": u }, "range": { "start": at_id, "end": at_id }, "context": { "diagnostics": [] } }),
    );
    assert_eq!(none, json!([]));
    c.shutdown();
}

#[test]
fn rename_in_sql_schema_files_writes_renamed_from_comments() {
    let dir = scratch_dir("cairn_lsp_sql_rename");
    let sql = "CREATE TABLE users (\n  id int PRIMARY KEY,\n  mail text\n);\n\nCREATE TABLE posts (\n  id int PRIMARY KEY,\n  author int REFERENCES users (id)\n);\n";
    std::fs::create_dir_all(dir.join("before")).unwrap();
    std::fs::create_dir_all(dir.join("ws")).unwrap();
    std::fs::write(dir.join("before/schema.lt.sql"), sql).unwrap();
    let file = dir.join("ws/schema.lt.sql");
    std::fs::write(&file, sql).unwrap();
    let u = uri(&file);
    let mut c = LspClient::start(Some(&dir.join("ws")), Value::Null);
    c.open(&u, sql);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    // The table, from the REFERENCES clause.
    let at = pos(sql, "users (id)", 0, 1);
    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": u }, "position": at, "newName": "members" }),
    );
    let renamed = apply(sql, &edit, &u);
    assert!(
        renamed.starts_with("-- cairn:renamed_from users\nCREATE TABLE members ("),
        "{renamed}"
    );
    assert!(renamed.contains("REFERENCES members (id)"), "{renamed}");
    c.change(&u, 2, &renamed);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    // A column: the hint goes after its definition.
    let at = pos(&renamed, "mail", 0, 0);
    let edit = c.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": u }, "position": at, "newName": "email" }),
    );
    let renamed = apply(&renamed, &edit, &u);
    assert!(
        renamed.contains("  email text -- cairn:renamed_from mail\n"),
        "{renamed}"
    );
    c.change(&u, 3, &renamed);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    c.shutdown();
    std::fs::write(&file, &renamed).unwrap();
    let o = cairn_tests::cairn(
        &dir,
        &[
            "schema",
            "diff",
            "--from",
            "file://before/",
            "--to",
            "file://ws/",
        ],
    );
    let plan = cairn_tests::stdout(&o);
    assert!(
        plan.contains("RENAME TO"),
        "{plan}\n{}",
        cairn_tests::stderr(&o)
    );
    assert!(plan.contains("RENAME COLUMN"), "{plan}");
    assert!(!plan.contains("DROP TABLE \"users\""), "{plan}");
    assert!(!plan.contains("DROP COLUMN"), "{plan}");
}
