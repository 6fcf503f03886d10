//! Drives the server in process over lsp-server's in-memory connection: the same messages an
//! editor sends over stdio.

use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

struct Client {
    conn: Connection,
    next_id: i32,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Client {
    fn start() -> Client {
        let (server, client) = Connection::memory();
        let thread = std::thread::spawn(move || cairn_lsp::run(server).expect("server loop"));
        let mut c = Client {
            conn: client,
            next_id: 0,
            thread: Some(thread),
        };
        let init = c.request(
            "initialize",
            json!({ "capabilities": {}, "processId": null, "rootUri": null }),
        );
        assert!(init["capabilities"]["hoverProvider"].as_bool().unwrap());
        c.notify("initialized", json!({}));
        c
    }

    fn recv(&self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(20))
            .expect("server answered in time")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.into(),
                params,
            )))
            .unwrap();
        loop {
            if let Message::Response(r) = self.recv()
                && r.id == id
            {
                return r.response_result.expect("no error response");
            }
        }
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.into(),
                params,
            )))
            .unwrap();
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics_for(&self, uri: &str) -> Vec<Value> {
        loop {
            if let Message::Notification(n) = self.recv()
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri
            {
                return n.params["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "hcl", "version": 1, "text": text } }),
        );
    }

    fn change(&self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "text": text }] }),
        );
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.next_id += 1;
        let _ = self.conn.sender.send(Message::Request(Request::new(
            RequestId::from(self.next_id),
            "shutdown".into(),
            Value::Null,
        )));
        let _ = self
            .conn
            .sender
            .send(Message::Notification(Notification::new(
                "exit".into(),
                Value::Null,
            )));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
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

/// (line, character) of the `nth` occurrence of `needle` plus `delta` bytes (ASCII text).
fn pos(text: &str, needle: &str, nth: usize, delta: usize) -> Value {
    let off = text.match_indices(needle).nth(nth).unwrap().0 + delta;
    let line = text[..off].matches('\n').count();
    let col = off - text[..off].rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": col })
}

#[test]
fn diagnostics_appear_and_clear() {
    let c = Client::start();
    let uri = "file:///tmp/cairn-lsp-test/schema.pg.hcl";
    // An unknown column in the primary key of `orgs`.
    let broken = GOOD.replacen("columns = [column.id]", "columns = [column.idd]", 1);
    c.open(uri, &broken);
    let diags = c.diagnostics_for(uri);
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
    assert_eq!(c.diagnostics_for(uri), Vec::<Value>::new());

    // A syntax error: an unclosed block still gives a diagnostic, not a crash.
    c.change(
        uri,
        3,
        &GOOD.replacen("column \"org_id\" {", "column \"org_id\" {{", 1),
    );
    assert!(!c.diagnostics_for(uri).is_empty());
}

#[test]
fn hover_and_definition_on_references() {
    let mut c = Client::start();
    let uri = "file:///tmp/cairn-lsp-test/app.pg.hcl";
    c.open(uri, GOOD);
    assert_eq!(c.diagnostics_for(uri), Vec::<Value>::new());

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
    let mut c = Client::start();
    let uri = "file:///tmp/cairn-lsp-test/policy.cairn";
    c.open(uri, RULES);
    assert_eq!(c.diagnostics_for(uri), Vec::<Value>::new());

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
    assert!(!c.diagnostics_for(uri).is_empty());
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
}
