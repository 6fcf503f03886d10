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
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
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

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {items}"))
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn hcl_completion_symbols_and_formatting() {
    let dir = scratch_dir("cairn_lsp_complete");
    let file = dir.join("app.my.hcl");
    let text = format!("{ORGS}\n{USERS}").replace("public", "app");
    std::fs::write(&file, &text).unwrap();
    let u = uri(&file);
    let mut c = LspClient::start(Some(&dir), Value::Null);
    c.open(&u, &text);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    let complete = |c: &mut LspClient, text: &str, at: Value| {
        c.change(&u, 2, text);
        c.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": u }, "position": at }),
        )
    };
    // `column.` inside users: users' columns.
    let t = text.replace("columns     = [column.org_id]", "columns     = [column.]");
    let got = labels(&complete(
        &mut c,
        &t,
        pos(&t, "[column.]", 0, "[column.".len()),
    ));
    assert_eq!(got, vec!["id", "org_id"]);
    // `table.orgs.column.`: the other table's columns; `table.`: the tables.
    let t = text.replace("[table.orgs.column.id]", "[table.orgs.column.]");
    let got = labels(&complete(
        &mut c,
        &t,
        pos(&t, "column.]", 0, "column.".len()),
    ));
    assert_eq!(got, vec!["id"]);
    let t = text.replace("[table.orgs.column.id]", "[table.]");
    let got = labels(&complete(
        &mut c,
        &t,
        pos(&t, "[table.]", 0, "[table.".len()),
    ));
    assert_eq!(got, vec!["orgs", "users"]);
    // Column types of the file's dialect (MySQL) after `type =`.
    let t = text.replace(
        "    type = bigint\n    null = true",
        "    type = \n    null = true",
    );
    let got = labels(&complete(
        &mut c,
        &t,
        pos(&t, "type = \n", 0, "type = ".len()),
    ));
    assert!(
        got.contains(&"tinyint".to_string()) && !got.contains(&"jsonb".to_string()),
        "{got:?}"
    );
    // Attributes and blocks of a column (with MySQL's own), and at the top level the blocks.
    let t = text.replace("    null = true\n", "    null = true\n    \n");
    let got = labels(&complete(
        &mut c,
        &t,
        pos(&t, "true\n    \n", 0, "true\n    ".len()),
    ));
    for want in ["type", "default", "auto_increment", "renamed_from", "as"] {
        assert!(got.contains(&want.to_string()), "{want} not in {got:?}");
    }
    let t = format!("{text}\n");
    let got = labels(&complete(
        &mut c,
        &t,
        json!({ "line": t.lines().count(), "character": 0 }),
    ));
    assert!(
        got.contains(&"table".to_string()) && got.contains(&"schema".to_string()),
        "{got:?}"
    );

    // The outline: tables with their columns and indexes.
    c.change(&u, 3, &text);
    let syms = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": u } }),
    );
    let names: Vec<&str> = syms
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["app", "orgs", "users"], "{syms:#}");
    let users: Vec<&str> = syms[2]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        users,
        vec!["id", "org_id", "users_org", "users_org_fk"],
        "{syms:#}"
    );

    // Formatting is `cairn schema fmt`'s.
    let messy = text.replace("  schema = schema.app", "  schema    =    schema.app");
    c.change(&u, 4, &messy);
    let edits = c.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": u }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let formatted = edits[0]["newText"].as_str().unwrap();
    std::fs::write(&file, &messy).unwrap();
    let o = cairn_tests::cairn(&dir, &["schema", "fmt", "app.my.hcl"]);
    assert!(o.status.success(), "{}", cairn_tests::stderr(&o));
    assert_eq!(formatted, std::fs::read_to_string(&file).unwrap());
    assert!(formatted.contains("  schema = schema.app\n"));
    c.shutdown();
}

/// A small deterministic generator (xorshift), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn thousands_of_random_edits_never_crash_the_server() {
    const PIECES: &[&str] = &[
        "table \"t\" {",
        "column \"",
        "}",
        "{",
        "\"",
        "type = ",
        "column.",
        "table.users.column.",
        "enum.",
        "# cairn:nolint ",
        "-- ",
        "\n",
        "  ",
        "ref_columns = [",
        "]",
        "=",
        "${",
        "<<EOF\n",
        "é😀",
        "\0",
        "\\",
        "/*",
        "primary_key {\n columns = [column.id]\n}",
        "renamed_from = \"x\"",
    ];
    let dir = scratch_dir("cairn_lsp_fuzz");
    let hcl = dir.join("fuzz.pg.hcl");
    let sql = dir.join("fuzz.lt.sql");
    let base_sql = "CREATE TABLE a (id int PRIMARY KEY, b text REFERENCES a (id));\n";
    let (hu, su) = (uri(&hcl), uri(&sql));
    let mut c = LspClient::start(Some(&dir), Value::Null);
    let seed = std::env::var("CAIRN_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_cafe_u64);
    eprintln!("seed {seed}");
    let mut rng = Rng(seed);
    let mut texts = [format!("{ORGS}\n{USERS}"), base_sql.to_string()];
    let uris = [hu.clone(), su.clone()];
    c.open(&hu, &texts[0]);
    c.open(&su, &texts[1]);
    let methods = [
        "textDocument/completion",
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/prepareRename",
        "textDocument/references",
        "textDocument/documentSymbol",
        "textDocument/codeAction",
        "textDocument/formatting",
        "textDocument/rename",
    ];
    let mut pending = Vec::new();
    for step in 0..3000 {
        let f = rng.below(2);
        let text = &mut texts[f];
        // An edit at a character boundary: insert a piece or garbage, delete a range.
        let mut at = rng.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        match rng.below(4) {
            0 | 1 => text.insert_str(at, PIECES[rng.below(PIECES.len())]),
            2 => {
                let mut end = (at + rng.below(12)).min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text.replace_range(at..end, "");
            }
            _ => {
                let garbage: String = (0..rng.below(8))
                    .map(|_| (b'!' + rng.below(90) as u8) as char)
                    .collect();
                text.insert_str(at, &garbage);
            }
        }
        if text.len() > 20_000 || step % 500 == 499 {
            *text = if f == 0 {
                format!("{ORGS}\n{USERS}")
            } else {
                base_sql.to_string()
            };
        }
        let text = texts[f].clone();
        c.change(&uris[f], step as i64 + 2, &text);
        let lines = text.lines().count().max(1);
        let position = json!({ "line": rng.below(lines + 1), "character": rng.below(40) });
        let method = methods[rng.below(methods.len())];
        let params = json!({
            "textDocument": { "uri": uris[f] },
            "position": position,
            "range": { "start": position, "end": position },
            "context": { "diagnostics": [], "includeDeclaration": true },
            "newName": "renamed",
            "options": { "tabSize": 2, "insertSpaces": true },
        });
        let id = c.send_request(method, params);
        pending.push((id, method));
        // Every 50 steps, check the answers so far.
        if pending.len() == 50 {
            for (id, method) in pending.drain(..) {
                let r = c.response(id);
                if let Some(e) = r.get("error") {
                    // A refused rename or format is fine; a crash or an unknown method is not.
                    assert_eq!(e["code"], -32803, "{method} at step {step}: {r}");
                    assert!(
                        matches!(method, "textDocument/rename" | "textDocument/formatting"),
                        "{method}: {r}"
                    );
                } else {
                    assert!(r.get("result").is_some(), "{method}: {r}");
                }
            }
            c.drain();
        }
    }
    // Still alive and still right: the original files diagnose cleanly.
    c.change(&hu, 9000, &format!("{ORGS}\n{USERS}"));
    assert_eq!(c.diagnostics(&hu), Vec::<Value>::new());
    c.shutdown();
}

#[test]
fn stale_requests_are_cancelled_and_changes_debounced() {
    let dir = scratch_dir("cairn_lsp_cancel");
    let file = dir.join("big.pg.hcl");
    let mut big = String::from("schema \"public\" {\n}\n");
    for i in 0..3000 {
        big.push_str(&format!(
            "table \"t{i}\" {{\n  schema = schema.public\n  column \"id\" {{\n    type = bigint\n  }}\n}}\n"
        ));
    }
    let u = uri(&file);
    let mut c = LspClient::start(None, Value::Null);
    c.open(&u, &big);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    // A change makes the next requests recompile and reformat the file; completions queued
    // behind them, each followed by its `$/cancelRequest`, are answered as cancelled once the
    // server sees the cancellation already waiting (the first may be answered before its
    // cancellation arrives, which LSP allows).
    c.change(&u, 2, &big.replace("t1\"", "t1x\""));
    let fmt = c.send_request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": u }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let slow = c.send_request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": u } }),
    );
    let mut stale = Vec::new();
    for _ in 0..20 {
        let id = c.send_request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": u }, "position": { "line": 5, "character": 0 } }),
        );
        c.notify("$/cancelRequest", json!({ "id": id }));
        stale.push(id);
    }
    assert!(c.response(fmt).get("result").is_some());
    assert!(c.response(slow)["result"].is_array());
    let mut cancelled = 0;
    for id in stale {
        let r = c.response(id);
        if r["error"]["code"] == -32800 {
            cancelled += 1;
        } else {
            assert!(r["result"].is_array(), "{r}");
        }
    }
    assert!(cancelled >= 1, "none of 20 cancelled");

    // A burst of changes: the diagnostics published last are those of the last text.
    for v in 0..20 {
        let t = big.replace("t2\"", &format!("t2_{v}\""));
        c.change(&u, 3 + v, &t);
    }
    c.change(
        &u,
        30,
        &big.replace(
            "column \"id\" {\n    type = bigint\n  }\n}\ntable \"t7\"",
            "column \"id\" {\n    type = bigint\n  }\n}\ntable \"t6\"",
        ),
    );
    let last = loop {
        let d = c.diagnostics(&u);
        if !d.is_empty() {
            break d;
        }
    };
    // The duplicate `t6` of the last text, at the second declaration.
    assert_eq!(codes(&last), vec!["E2017"], "{last:#?}");
    c.shutdown();
}

#[test]
fn plan_preview_lenses_against_the_migration_directory() {
    let dir = scratch_dir("cairn_lsp_lens");
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::write(dir.join("migrations/atlas.sum"), "").unwrap();
    std::fs::write(
        dir.join("migrations/20240101000000_init.sql"),
        "CREATE TABLE users (id integer PRIMARY KEY, name text, age integer);\nCREATE TABLE tags (id integer PRIMARY KEY);\n",
    )
    .unwrap();
    let schema = "schema \"main\" {\n}\n\ntable \"users\" {\n  schema = schema.main\n  column \"id\" {\n    type = integer\n  }\n  column \"full_name\" {\n    type = text\n    null = true\n    renamed_from = \"name\"\n  }\n  column \"email\" {\n    type = text\n    null = true\n  }\n  column \"phone\" {\n    type = text\n    null = true\n  }\n  primary_key {\n    columns = [column.id]\n  }\n}\n\ntable \"tags\" {\n  schema = schema.main\n  column \"id\" {\n    type = integer\n  }\n  primary_key {\n    columns = [column.id]\n  }\n}\n\ntable \"posts\" {\n  schema = schema.main\n  column \"id\" {\n    type = integer\n  }\n  primary_key {\n    columns = [column.id]\n  }\n}\n";
    let file = dir.join("schema.lt.hcl");
    std::fs::write(&file, schema).unwrap();
    let u = uri(&file);
    let mut c = LspClient::start(Some(&dir), Value::Null);
    c.open(&u, schema);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());
    let lenses = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": u } }),
    );
    let titles: Vec<(u64, &str)> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["range"]["start"]["line"].as_u64().unwrap(),
                l["command"]["title"].as_str().unwrap(),
            )
        })
        .collect();
    let line = |needle: &str| pos(schema, needle, 0, 0)["line"].as_u64().unwrap();
    assert_eq!(
        titles,
        vec![
            (line("\"users\""), "+2 columns, 1 rename, 1 destructive"),
            (line("\"tags\""), "no changes"),
            (line("\"posts\""), "new table"),
        ],
        "{lenses:#}"
    );
    c.shutdown();
}

/// The LSP position (line, UTF-16 character) of byte offset `at` of `text`.
fn utf16_position(text: &str, at: usize) -> Value {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({
        "line": text[..at].matches('\n').count(),
        "character": text[line_start..at].encode_utf16().count(),
    })
}

#[test]
fn random_ranged_edits_keep_the_server_text_equal_to_the_editors() {
    // One server gets every edit as a ranged change (incremental sync, several per
    // notification at times), another the whole text: their answers must stay the same.
    const PIECES: &[&str] = &[
        "table \"t\" {",
        "column \"",
        "}\n",
        "\"",
        "type = ",
        "column.",
        "\n",
        "é😀",
        "😀😀\n",
        "ß",
        "\r\n",
        "primary_key {\n columns = [column.id]\n}",
    ];
    let dir = scratch_dir("cairn_lsp_ranged");
    let u = uri(&dir.join("ranged.pg.hcl"));
    let mut ranged = LspClient::start(None, Value::Null);
    let mut full = LspClient::start(None, Value::Null);
    let mut text = format!("{ORGS}\n{USERS}");
    ranged.open(&u, &text);
    full.open(&u, &text);
    let mut rng = Rng(0x0dd_ba11);
    let boundary = |t: &str, mut at: usize| {
        while !t.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    for step in 0..600 {
        let mut changes = Vec::new();
        for _ in 0..1 + rng.below(2) {
            let at = boundary(&text, rng.below(text.len() + 1));
            let end = if rng.below(3) == 0 {
                boundary(&text, (at + rng.below(12)).min(text.len()))
            } else {
                at
            };
            let new = if end > at && rng.below(2) == 0 {
                ""
            } else {
                PIECES[rng.below(PIECES.len())]
            };
            changes.push(json!({
                "range": { "start": utf16_position(&text, at), "end": utf16_position(&text, end) },
                "text": new,
            }));
            text.replace_range(at..end, new);
        }
        if text.len() > 8_000 {
            changes.push(json!({ "text": format!("{ORGS}\n{USERS}") }));
            text = format!("{ORGS}\n{USERS}");
        }
        let version = step as i64 + 2;
        ranged.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": u, "version": version }, "contentChanges": changes }),
        );
        full.change(&u, version, &text);
        if step % 20 == 19 {
            for (method, params) in [
                (
                    "textDocument/documentSymbol",
                    json!({ "textDocument": { "uri": u } }),
                ),
                (
                    "textDocument/formatting",
                    json!({ "textDocument": { "uri": u }, "options": { "tabSize": 2, "insertSpaces": true } }),
                ),
            ] {
                // A refused format is an answer too: compare whole responses.
                let a = ranged.send_request(method, params.clone());
                let b = full.send_request(method, params);
                assert_eq!(
                    ranged.response(a),
                    full.response(b),
                    "{method} after step {step}"
                );
            }
            ranged.drain();
            full.drain();
        }
    }
    // One more (empty) ranged change, and the same text in full: the same diagnostics.
    let end = utf16_position(&text, text.len());
    ranged.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": u, "version": 1000 },
                "contentChanges": [{ "range": { "start": end, "end": end }, "text": "" }] }),
    );
    full.change(&u, 1000, &text);
    assert_eq!(ranged.diagnostics(&u), full.diagnostics(&u));
    ranged.shutdown();
    full.shutdown();
}
