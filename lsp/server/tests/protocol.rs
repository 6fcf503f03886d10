//! Drives the server in process over lsp-server's in-memory connection: the same messages an
//! editor sends over stdio.

use cairn_lsp_client::{LspClient, pos};
use lsp_server::{Connection, Message};
use serde_json::{Value, json};

/// The server on a thread of its own, over the in-memory connection, driven by the shared test
/// client (messages cross as JSON values).
fn start() -> LspClient {
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || cairn_lsp::run(server).expect("server loop"));
    let (tx, rx) = std::sync::mpsc::channel();
    let incoming = client.receiver;
    std::thread::spawn(move || {
        for m in incoming {
            let v = serde_json::to_value(m).expect("a message is JSON");
            if tx.send(v).is_err() {
                break;
            }
        }
    });
    let outgoing = client.sender;
    let out = move |v: &Value| {
        let m: Message = serde_json::from_value(v.clone()).expect("a JSON-RPC message");
        // The server is gone when a test already shut it down: nothing to deliver to.
        let _ = outgoing.send(m);
    };
    let mut c = LspClient::in_process(out, rx, thread);
    let init = c.initialize(None, Value::Null, json!({}));
    assert!(init["capabilities"]["hoverProvider"].as_bool().unwrap());
    c
}

const GOOD: &str = r#"schema "public" {
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

#[test]
fn diagnostics_appear_and_clear() {
    let mut c = start();
    let uri = "file:///tmp/cairn-lsp-test/schema.pg.hcl";
    // An unknown column in the primary key of `orgs`.
    let broken = GOOD.replacen("columns = [column.id]", "columns = [column.idd]", 1);
    c.open(uri, &broken);
    let diags = c.diagnostics(uri);
    assert!(!diags.is_empty(), "expected a diagnostic for column.idd");
    let d = diags
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("idd"))
        .unwrap_or_else(|| panic!("no diagnostic names column.idd: {diags:?}"));
    assert_eq!(d["severity"], 1, "{d}");
    assert_eq!(d["source"], "cairn");
    assert!(d["code"].as_str().unwrap().starts_with('E'), "{d}");
    // The range is on the line of the bad reference.
    let expected_line = pos(&broken, "column.idd", 0, 0)["line"].clone();
    assert_eq!(d["range"]["start"]["line"], expected_line, "{d}");

    c.change(uri, 2, GOOD);
    assert_eq!(c.diagnostics(uri), Vec::<Value>::new());

    // A syntax error: an unclosed block still gives a diagnostic, not a crash.
    c.change(
        uri,
        3,
        &GOOD.replacen("column \"org_id\" {", "column \"org_id\" {{", 1),
    );
    assert!(!c.diagnostics(uri).is_empty());
    c.shutdown();
}

#[test]
fn hover_and_definition_on_references() {
    let mut c = start();
    let uri = "file:///tmp/cairn-lsp-test/app.pg.hcl";
    c.open(uri, GOOD);
    assert_eq!(c.diagnostics(uri), Vec::<Value>::new());

    // Hover on `orgs` in `table.orgs.column.id`: the table's summary.
    let at_table = pos(GOOD, "table.orgs.column.id", 0, "table.o".len());
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": at_table }),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("table") && md.contains("public.orgs"), "{md}");
    assert!(md.contains("`id` `bigint`"), "{md}");

    // Hover on `id` in that reference: the column.
    let at_col = pos(GOOD, "table.orgs.column.id", 0, "table.orgs.column.i".len());
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": at_col }),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(
        md.contains("public.orgs.id") && md.contains("bigint"),
        "{md}"
    );

    // Definition of `table.orgs.column.id`: the `column "id"` of orgs (the first one).
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": at_col }),
    );
    assert_eq!(def["uri"], uri, "{def}");
    let line = pos(GOOD, "column \"id\"", 0, 0)["line"].clone();
    assert_eq!(def["range"]["start"]["line"], line, "{def}");

    // Definition of `column.org_id` inside users: the `column "org_id"` block.
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": pos(GOOD, "column.org_id", 0, 8) }),
    );
    let line = pos(GOOD, "column \"org_id\"", 0, 0)["line"].clone();
    assert_eq!(def["range"]["start"]["line"], line, "{def}");

    // Nowhere in particular: null, not an error.
    let none = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 0 } }),
    );
    assert!(none.is_null());
    c.shutdown();
}

const RULES: &str = "/// Application roles.
predicate app_role(r: role) = r.name matches \"^app_\"

rule SEC900 app-role-superuser: error on schema {
  for r in roles where app_role(r)
  require not r.superuser
  message \"role {r.name} is SUPERUSER\"
}
";

#[test]
fn rules_file_features() {
    let mut c = start();
    let uri = "file:///tmp/cairn-lsp-test/policy.cairn";
    c.open(uri, RULES);
    assert_eq!(c.diagnostics(uri), Vec::<Value>::new());

    // Hover on a field: its type and doc from the model.
    let hover = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": pos(RULES, "r.superuser", 0, 4) }),
    );
    let md = hover["contents"]["value"].as_str().unwrap();
    assert!(md.contains("role.superuser") && md.contains("bool"), "{md}");

    // Go to the predicate's definition.
    let def = c.request(
        "textDocument/definition",
        json!({ "textDocument": { "uri": uri }, "position": pos(RULES, "where app_role", 0, 8) }),
    );
    assert_eq!(def["uri"], uri);
    assert_eq!(def["range"]["start"]["line"], 1, "{def}");

    // An unknown field is a diagnostic; completion after `r.` lists role fields.
    let edited = RULES.replace("require not r.superuser", "require not r.");
    c.change(uri, 2, &edited);
    assert!(!c.diagnostics(uri).is_empty());
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": pos(&edited, "not r.", 0, 6) }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"superuser") && labels.contains(&"name"),
        "{labels:?}"
    );

    // Change kinds after `is`.
    let plan = "rule LK900 x: warning on plan {\n  for c in changes where c is \n  deny\n}\n";
    c.change(uri, 3, plan);
    let items = c.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": uri }, "position": pos(plan, "c is ", 0, 5) }),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"drop_column"), "{labels:?}");
    c.shutdown();
}
