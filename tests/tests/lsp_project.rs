//! `cairn lsp` over stdio with what surrounds the open files: files changed on disk (watched),
//! the project file (its diagnostics, and the baseline it names), a live database as the
//! plan preview's baseline (SQLite, PostgreSQL), Atlas policy files, and rule docs on hover.

use std::time::{Duration, Instant};

use cairn_tests::lsp::{LspClient, TIMEOUT, pos, scratch_dir, uri};
use cairn_tests::{pg_rows, pg_scratch, sqlite_rows, with_search_path};
use serde_json::{Value, json};

const ORGS: &str = "table \"orgs\" {\n  schema = schema.public\n  column \"id\" {\n    type = bigint\n  }\n  primary_key {\n    columns = [column.id]\n  }\n}\n";
const USERS: &str = "schema \"public\" {\n}\n\ntable \"users\" {\n  schema = schema.public\n  column \"id\" {\n    type = bigint\n  }\n  column \"org_id\" {\n    type = bigint\n    null = true\n  }\n  primary_key {\n    columns = [column.id]\n  }\n  index \"users_org\" {\n    columns = [column.org_id]\n  }\n  foreign_key \"users_org_fk\" {\n    columns     = [column.org_id]\n    ref_columns = [table.orgs.column.id]\n  }\n}\n";

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn watched(c: &mut LspClient, uri: &str, kind: u8) {
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri, "type": kind }] }),
    );
}

#[test]
fn files_changed_on_disk_are_watched_and_reread() {
    let dir = scratch_dir("cairn_lsp_watch");
    let orgs = dir.join("orgs.pg.hcl");
    let users = dir.join("users.pg.hcl");
    std::fs::write(&orgs, ORGS).unwrap();
    std::fs::write(&users, USERS).unwrap();
    let caps = json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let mut c = LspClient::start_with(Some(&dir), Value::Null, caps);
    // The server asks to watch schema, rules, project and migration files.
    let reg = c.answer("client/registerCapability", Value::Null);
    let r = &reg["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles", "{reg}");
    let globs: Vec<&str> = r["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        globs,
        ["**/*.hcl", "**/*.sql", "**/*.cairn", "**/atlas.sum"],
        "{reg}"
    );

    // `orgs.pg.hcl` is not open: read from disk, the foreign key resolves.
    let u = uri(&users);
    c.open(&u, USERS);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());

    // The other file loses its table on disk: the reference no longer resolves.
    std::fs::write(&orgs, "").unwrap();
    watched(&mut c, &uri(&orgs), 2);
    let diags = c.diagnostics(&u);
    assert!(
        !diags.is_empty() && codes(&diags).iter().all(|c| c.starts_with('E')),
        "{diags:#?}"
    );
    assert!(
        diags
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("orgs")),
        "{diags:#?}"
    );

    // Deleted, then created again elsewhere in the workspace.
    std::fs::remove_file(&orgs).unwrap();
    watched(&mut c, &uri(&orgs), 3);
    assert!(!c.diagnostics(&u).is_empty());
    std::fs::create_dir_all(dir.join("more")).unwrap();
    let moved = dir.join("more/orgs.pg.hcl");
    std::fs::write(&moved, ORGS).unwrap();
    watched(&mut c, &uri(&moved), 1);
    assert_eq!(c.diagnostics(&u), Vec::<Value>::new());

    // A file in a migration directory is history, not schema: no effect on the realm.
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::write(dir.join("migrations/atlas.sum"), "").unwrap();
    let dup = dir.join("migrations/1_x.sql");
    std::fs::write(&dup, "CREATE TABLE users (id bigint);\n").unwrap();
    watched(&mut c, &uri(&dup), 1);
    std::fs::remove_file(&moved).unwrap();
    watched(&mut c, &uri(&moved), 3);
    let diags = c.diagnostics(&u);
    assert!(
        diags
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains("orgs")),
        "{diags:#?}"
    );
    c.shutdown();
}

#[test]
fn the_project_file_gets_its_own_diagnostics() {
    let dir = scratch_dir("cairn_lsp_projfile");
    let project = dir.join("cairn.hcl");
    let broken = "env \"local\" {\n  src = \"file://schema.sql\"\n}\n\nlint {\n  severity = {\n    NM102 = \"loud\"\n  }\n  bogus {\n  }\n}\n";
    std::fs::write(&project, broken).unwrap();
    std::fs::write(
        dir.join("schema.sql"),
        "CREATE TABLE t (id int PRIMARY KEY);\n",
    )
    .unwrap();
    let pu = uri(&project);
    let mut c = LspClient::start(Some(&dir), Value::Null);
    // Published at start-up, from disk.
    let diags = c.diagnostics(&pu);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["severity"], 1);
    assert!(
        diags[0]["range"]["start"]["line"].as_u64().unwrap() >= 4,
        "{diags:#?}"
    );
    // Opened and fixed in the editor: the diagnostics follow the text.
    c.open(&pu, broken);
    assert_eq!(c.diagnostics(&pu).len(), 1);
    let fixed = "env \"local\" {\n  src = \"file://schema.sql\"\n}\n";
    c.change(&pu, 2, fixed);
    assert_eq!(c.diagnostics(&pu), Vec::<Value>::new());
    let syntax = "env \"local\" {\n  src = \n}\n";
    c.change(&pu, 3, syntax);
    let diags = c.diagnostics(&pu);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    // Where the parser stopped: after `src =`.
    assert_eq!(
        diags[0]["range"]["start"],
        json!({ "line": 1, "character": 8 })
    );
    c.shutdown();
}

const POLICY: &str = "rule \"schema\" \"tables-need-pk\" {\n  description = \"Every table has a primary key.\"\n  table {\n    assert {\n      predicate = predicate.table.has_pk\n      message   = \"table ${self.name} has no primary key\"\n    }\n  }\n}\n\npredicate \"table\" \"has_pk\" {\n  primary_key {\n    condition = self != null\n  }\n}\n";

#[test]
fn atlas_policy_files_are_rules_not_schema() {
    let dir = scratch_dir("cairn_lsp_rulehcl");
    let policy = dir.join("policy.rule.hcl");
    std::fs::write(&policy, POLICY).unwrap();
    // A plan file and a test file beside the schema are not schema either.
    std::fs::write(dir.join("x.plan.hcl"), "plan \"p\" {\n}\n").unwrap();
    let schema = dir.join("schema.sql");
    let text = "CREATE TABLE keyless (id int);\nCREATE TABLE keyed (id int PRIMARY KEY);\n";
    std::fs::write(&schema, text).unwrap();
    let mut c = LspClient::start(Some(&dir), Value::Null);
    let su = uri(&schema);
    c.open(&su, text);
    // The policy's rule fires on the schema file, linked to its declaration.
    let diags = c.diagnostics(&su);
    let ours: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "tables-need-pk")
        .collect();
    assert_eq!(ours.len(), 1, "{diags:#?}");
    assert_eq!(ours[0]["range"]["start"]["line"], 0);
    assert!(
        ours[0]["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .starts_with(&uri(&policy)),
        "{diags:#?}"
    );
    // The policy file itself: clean, then an error at its place.
    let pu = uri(&policy);
    c.open(&pu, POLICY);
    assert_eq!(c.diagnostics(&pu), Vec::<Value>::new());
    let bad = POLICY.replace("description", "descripshun");
    c.change(&pu, 2, &bad);
    let diags = c.diagnostics(&pu);
    assert!(!diags.is_empty(), "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"]["line"], 1, "{diags:#?}");
    c.shutdown();
}

#[test]
fn hover_shows_a_rules_documentation_inline() {
    let dir = scratch_dir("cairn_lsp_ruledoc");
    let file = dir.join("schema.lt.sql");
    let text = "-- cairn:nolint NM102\nCREATE TABLE \"Quiet\" (id int);\nCREATE TABLE \"Loud\" (id int);\n";
    std::fs::write(&file, text).unwrap();
    let u = uri(&file);
    let cache = dir.join("cache");
    let mut c = LspClient::start_command(Some(&dir), Value::Null, json!({}), |cmd| {
        cmd.env("XDG_CACHE_HOME", &cache);
    });
    c.open(&u, text);
    let diags = c.diagnostics(&u);
    assert_eq!(codes(&diags), vec!["NM102"], "{diags:#?}");
    // The link: the rule's page, written (in the background, on first need) into the cache,
    // the same as docs/rules/NM102.md.
    let pages = cache.join(format!("cairn/docs/{}/rules", env!("CARGO_PKG_VERSION")));
    let href = diags[0]["codeDescription"]["href"].as_str().unwrap();
    assert_eq!(href, uri(&pages.join("NM102.md")));
    let page =
        std::fs::read_to_string(cairn_tests::repo_root().join("docs/rules/NM102.md")).unwrap();
    let deadline = Instant::now() + TIMEOUT;
    while !pages.join(".stamp").exists() {
        assert!(
            Instant::now() < deadline,
            "no rule pages in {}",
            pages.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        std::fs::read_to_string(pages.join("NM102.md")).unwrap(),
        page
    );
    let index = std::fs::read_to_string(pages.join("README.md")).unwrap();
    assert!(index.contains("[NM102](NM102.md)"), "{index}");
    // On the code in the directive: the same page.
    let at = pos(text, "NM102", 0, 2);
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": u }, "position": at }),
    );
    assert_eq!(h["contents"]["value"], page.as_str(), "{h:#}");
    assert_eq!(h["range"]["start"], pos(text, "NM102", 0, 0));
    // Over the finding: the page too.
    let at = pos(text, "\"Loud\"", 0, 2);
    let h = c.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": u }, "position": at }),
    );
    assert!(
        h["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("# NM102 "),
        "{h:#}"
    );
    c.shutdown();
}

/// The lens titles of a file, by line.
fn lenses(c: &mut LspClient, u: &str) -> Vec<(u64, String)> {
    let lenses = c.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": u } }),
    );
    lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["range"]["start"]["line"].as_u64().unwrap(),
                l["command"]["title"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Asks for the lenses until `done` holds of them (the baseline is inspected in the
/// background).
fn lenses_once(
    c: &mut LspClient,
    u: &str,
    done: impl Fn(&[(u64, String)]) -> bool,
) -> Vec<(u64, String)> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let got = lenses(c, u);
        if done(&got) {
            return got;
        }
        assert!(Instant::now() < deadline, "lenses stayed {got:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn inspected(l: &[(u64, String)]) -> bool {
    !l.is_empty() && l.iter().all(|(_, t)| !t.contains("inspecting"))
}

const DESIRED: &str = "CREATE TABLE users (\n  id integer PRIMARY KEY,\n  name text,\n  email text\n);\n\nCREATE TABLE posts (\n  id integer PRIMARY KEY\n);\n";

fn line(text: &str, needle: &str) -> u64 {
    pos(text, needle, 0, 0)["line"].as_u64().unwrap()
}

/// `dir/dev.db`, a SQLite database holding `users (id, name)`.
async fn users_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("dev.db");
    // An empty file is an empty SQLite database.
    std::fs::write(&db, "").unwrap();
    sqlite_rows(
        &db,
        "CREATE TABLE users (id integer PRIMARY KEY, name text)",
    )
    .await;
    db
}

/// The next diagnostics published for `uri` that are not empty.
fn diagnostics_once(c: &mut LspClient, uri: &str) -> Vec<Value> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let diags = c.diagnostics(uri);
        if !diags.is_empty() {
            return diags;
        }
        assert!(Instant::now() < deadline, "no diagnostics for {uri}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_preview_against_a_live_sqlite_database() {
    let dir = scratch_dir("cairn_lsp_live_sqlite");
    let db = users_db(&dir).await;
    // A relative SQLite path is the project file's folder's.
    std::fs::write(
        dir.join("cairn.hcl"),
        "env \"local\" {\n  url = \"sqlite://dev.db\"\n  src = \"file://schema.sql\"\n}\n",
    )
    .unwrap();
    let file = dir.join("schema.sql");
    std::fs::write(&file, DESIRED).unwrap();
    let u = uri(&file);
    let caps = json!({ "workspace": { "codeLens": { "refreshSupport": true } } });
    // No timer: refreshed by command only, so what the test sees is what it asked for.
    let mut c = LspClient::start_with(Some(&dir), json!({ "baselineRefreshSeconds": 0 }), caps);
    c.open(&u, DESIRED);
    let got = lenses_once(&mut c, &u, inspected);
    assert_eq!(
        got,
        vec![
            (line(DESIRED, "users"), "+1 column".to_string()),
            (line(DESIRED, "posts"), "new table".to_string()),
        ]
    );
    // The database catches up; the refresh command re-inspects it.
    sqlite_rows(&db, "ALTER TABLE users ADD COLUMN email text").await;
    let r = c.request(
        "workspace/executeCommand",
        json!({ "command": "cairn.refreshBaseline", "arguments": [] }),
    );
    assert!(r.is_null());
    let got = lenses_once(&mut c, &u, |l| {
        l.first().is_some_and(|x| x.1 == "no changes")
    });
    assert_eq!(got[1].1, "new table");
    c.shutdown();
}

#[test]
fn an_unreachable_database_is_one_warning_without_its_password() {
    let dir = scratch_dir("cairn_lsp_live_down");
    let project = dir.join("cairn.hcl");
    std::fs::write(
        &project,
        "env \"prod\" {\n  url = \"postgres://app:hunter2@127.0.0.1:1/app?sslmode=disable\"\n}\n",
    )
    .unwrap();
    let file = dir.join("schema.sql");
    std::fs::write(&file, DESIRED).unwrap();
    let u = uri(&file);
    let mut c = LspClient::start(Some(&dir), Value::Null);
    c.open(&u, DESIRED);
    let pu = uri(&project);
    let warning = diagnostics_once(&mut c, &pu)[0].clone();
    assert_eq!(warning["severity"], 2, "{warning:#}");
    let message = warning["message"].as_str().unwrap();
    assert!(message.contains("127.0.0.1:1"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
    let got = lenses_once(&mut c, &u, inspected);
    assert!(
        got.iter()
            .all(|(_, t)| t == "no baseline: the database is unreachable"),
        "{got:?}"
    );
    c.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_preview_against_a_live_postgres_schema() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    for sql in [
        "CREATE SCHEMA app",
        "CREATE TABLE app.users (id integer PRIMARY KEY, name text, legacy text)",
    ] {
        pg_rows(&scratch.url, sql).await;
    }
    let dir = scratch_dir("cairn_lsp_live_pg");
    let url = with_search_path(&scratch.url, "app");
    std::fs::write(
        dir.join("atlas.hcl"),
        format!("env \"dev\" {{\n  url = \"{url}\"\n}}\n"),
    )
    .unwrap();
    let file = dir.join("schema.sql");
    std::fs::write(&file, DESIRED).unwrap();
    let u = uri(&file);
    let mut c = LspClient::start(Some(&dir), json!({ "baselineRefreshSeconds": 0 }));
    c.open(&u, DESIRED);
    // Unqualified SQL stands for the URL's schema `app`, as in `cairn schema diff`.
    let got = lenses_once(&mut c, &u, inspected);
    assert_eq!(
        got,
        vec![
            (
                line(DESIRED, "users"),
                "+1 column, 1 destructive".to_string()
            ),
            (line(DESIRED, "posts"), "new table".to_string()),
        ]
    );
    // A save re-inspects the database.
    for sql in [
        "ALTER TABLE app.users ADD COLUMN email text",
        "ALTER TABLE app.users DROP COLUMN legacy",
    ] {
        pg_rows(&scratch.url, sql).await;
    }
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": u }, "text": DESIRED }),
    );
    let got = lenses_once(&mut c, &u, |l| {
        l.first().is_some_and(|x| x.1 == "no changes")
    });
    assert_eq!(got[1].1, "new table");
    c.shutdown();
    drop(scratch);
}

/// An opened migration file is replayed with its directory, apart from the schema files: the
/// schema's `users` and the migration's `users` do not clash, the earlier migration's table is
/// there for the later one, and an error in the migration is reported on it alone.
#[test]
fn an_opened_migration_is_compiled_with_its_directory_not_the_schema() {
    let dir = scratch_dir("cairn_lsp_migration_open");
    let schema_sql = "CREATE TABLE users (id bigint PRIMARY KEY, name text);\n";
    std::fs::write(dir.join("schema.sql"), schema_sql).unwrap();
    let mig = dir.join("migrations");
    std::fs::create_dir_all(&mig).unwrap();
    std::fs::write(
        mig.join("1_init.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY);\n",
    )
    .unwrap();
    let second = "ALTER TABLE users ADD COLUMN name text;\n";
    std::fs::write(mig.join("2_name.sql"), second).unwrap();
    std::fs::write(mig.join("atlas.sum"), "h1:x=\n").unwrap();

    let mut c = LspClient::start(Some(&dir), json!({ "dialect": "postgres" }));
    let schema = uri(&dir.join("schema.sql"));
    c.open(&schema, schema_sql);
    assert_eq!(errors(&c.diagnostics(&schema)), Vec::<String>::new());
    let m2 = uri(&mig.join("2_name.sql"));
    c.open(&m2, second);
    let diags = c.diagnostics(&m2);
    assert!(
        diags.iter().all(|d| d["severity"] != 1),
        "the migration replays after 1_init.sql: {diags:#?}"
    );
    // Opening it published the schema file again: still no clash with the migration's table.
    let again = c.diagnostics(&schema);
    assert_eq!(
        errors(&again),
        Vec::<String>::new(),
        "the schema is not joined by migrations"
    );

    // A broken statement in the migration is its own error, not the schema's.
    c.change(&m2, 2, "ALTER TABLE nope ADD COLUMN x int;\n");
    let diags = c.diagnostics(&m2);
    assert!(
        diags
            .iter()
            .any(|d| d["message"].as_str().unwrap_or("").contains("nope")),
        "{diags:#?}"
    );
    assert_eq!(errors(&c.diagnostics(&schema)), Vec::<String>::new());
    c.shutdown();
}

/// The messages of the error diagnostics.
fn errors(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .filter(|d| d["severity"] == 1)
        .map(|d| d["message"].as_str().unwrap_or("").to_string())
        .collect()
}

/// A `data "sql"` block runs its query on the server's worker thread: its rows name the schema
/// the environment's URL points at, so the plan preview compares with that schema; a save runs
/// the query again. The project file has no diagnostics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_sql_blocks_run_their_query_against_a_live_postgres() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    for sql in [
        "CREATE SCHEMA app",
        "CREATE SCHEMA app2",
        "CREATE TABLE app.users (id integer PRIMARY KEY, name text, legacy text)",
        "CREATE TABLE app2.users (id integer PRIMARY KEY, name text, email text)",
        "CREATE TABLE public.settings (target text)",
        "INSERT INTO public.settings VALUES ('app')",
    ] {
        pg_rows(&scratch.url, sql).await;
    }
    let dir = scratch_dir("cairn_lsp_data_sql");
    let project = dir.join("cairn.hcl");
    let text = format!(
        "data \"sql\" \"target\" {{\n  url   = \"{url}\"\n  query = \"SELECT target FROM public.settings\"\n}}\n\nenv \"dev\" {{\n  url = urlqueryset(\"{url}\", \"search_path\", data.sql.target.value)\n}}\n",
        url = scratch.url
    );
    std::fs::write(&project, &text).unwrap();
    let file = dir.join("schema.sql");
    std::fs::write(&file, DESIRED).unwrap();
    let u = uri(&file);
    let pu = uri(&project);
    let mut c = LspClient::start(Some(&dir), json!({ "baselineRefreshSeconds": 0 }));
    c.open(&u, DESIRED);
    let got = lenses_once(&mut c, &u, |l| {
        inspected(l) && l.iter().all(|(_, t)| !t.starts_with("no baseline"))
    });
    assert_eq!(
        got,
        vec![
            (
                line(DESIRED, "users"),
                "+1 column, 1 destructive".to_string()
            ),
            (line(DESIRED, "posts"), "new table".to_string()),
        ]
    );
    // The project file, opened: no error, no warning.
    c.open(&pu, &text);
    assert_eq!(c.diagnostics(&pu), Vec::<Value>::new());
    // The query's answer changes; a save runs it again, and the baseline follows.
    pg_rows(&scratch.url, "UPDATE public.settings SET target = 'app2'").await;
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": u }, "text": DESIRED }),
    );
    let got = lenses_once(&mut c, &u, |l| {
        l.first().is_some_and(|x| x.1 == "no changes")
    });
    assert_eq!(got[1].1, "new table");
    // A query the database refuses is the project file's error, as on the command line.
    let refused = text.replace("SELECT target FROM", "SELECT nope FROM");
    c.change(&pu, 2, &refused);
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": pu }, "text": refused }),
    );
    let diags = diagnostics_once(&mut c, &pu);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["severity"], 1, "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"]["line"], 2, "{diags:#?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("data.sql.target"),
        "{diags:#?}"
    );
    c.shutdown();
    drop(scratch);
}

/// A `data "sql"` block whose database cannot be reached: one warning on the block, without
/// the password; no error; the rest of the project file still counts (here its SQLite baseline),
/// and the schema files keep their diagnostics.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_data_sql_block_with_an_unreachable_database_is_one_warning() {
    let dir = scratch_dir("cairn_lsp_data_down");
    users_db(&dir).await;
    let project = dir.join("cairn.hcl");
    let text = "data \"sql\" \"tenants\" {\n  url   = \"postgres://app:hunter2@127.0.0.1:1/app?sslmode=disable\"\n  query = \"SELECT name FROM tenants\"\n}\n\nlocals {\n  tenants = data.sql.tenants.values\n}\n\nenv \"dev\" {\n  url     = \"sqlite://dev.db\"\n  exclude = [for t in local.tenants : \"${t}_*\"]\n}\n";
    std::fs::write(&project, text).unwrap();
    let file = dir.join("schema.sql");
    std::fs::write(&file, DESIRED).unwrap();
    let u = uri(&file);
    let pu = uri(&project);
    let mut c = LspClient::start(Some(&dir), json!({ "baselineRefreshSeconds": 0 }));
    let diags = diagnostics_once(&mut c, &pu);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let w = &diags[0];
    assert_eq!(w["severity"], 2, "{w:#}");
    assert_eq!(
        w["range"]["start"],
        json!({ "line": 0, "character": 0 }),
        "{w:#}"
    );
    assert_eq!(
        w["range"]["end"],
        json!({ "line": 0, "character": 20 }),
        "{w:#}"
    );
    let message = w["message"].as_str().unwrap();
    assert!(
        message.contains("data.sql.tenants") && message.contains("127.0.0.1:1"),
        "{message}"
    );
    assert!(!message.contains("hunter2"), "{message}");
    // The environment is read without the rows: its SQLite database is the baseline.
    c.open(&u, DESIRED);
    let got = lenses_once(&mut c, &u, inspected);
    assert_eq!(
        got,
        vec![
            (line(DESIRED, "users"), "+1 column".to_string()),
            (line(DESIRED, "posts"), "new table".to_string()),
        ]
    );
    // Schema files keep their diagnostics.
    let broken = "CREATE TABLE a (id int REFERENCES nope (id));\n";
    c.drain();
    c.change(&u, 2, broken);
    let diags = c.diagnostics(&u);
    assert!(
        diags
            .iter()
            .any(|d| d["severity"] == 1 && d["message"].as_str().unwrap().contains("nope")),
        "{diags:#?}"
    );
    // Opened, edited and saved: still the one warning, never an error.
    c.open(&pu, text);
    let diags = c.diagnostics(&pu);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["severity"], 2, "{diags:#?}");
    let edited = text.replace("SELECT name", "SELECT name ");
    c.change(&pu, 2, &edited);
    let diags = c.diagnostics(&pu);
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:#?}");
    c.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": pu }, "text": edited }),
    );
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let diags = c.diagnostics(&pu);
        assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:#?}");
        if diags.len() == 1 {
            assert!(!diags[0]["message"].as_str().unwrap().contains("hunter2"));
            break;
        }
        assert!(Instant::now() < deadline, "the warning did not come back");
    }
    c.shutdown();
}

/// The environment's database is the unreachable server of its `data "sql"` block: still the
/// one warning, on the block (the plan preview's lenses say the database is unreachable).
#[test]
fn one_unreachable_server_is_one_warning_for_data_and_baseline() {
    let dir = scratch_dir("cairn_lsp_data_down_env");
    let project = dir.join("cairn.hcl");
    let text = "data \"sql\" \"target\" {\n  url   = \"postgres://app:hunter2@127.0.0.1:1/meta?sslmode=disable\"\n  query = \"SELECT 'app'\"\n}\n\nenv \"dev\" {\n  url     = \"postgres://app:hunter2@127.0.0.1:1/app?sslmode=disable\"\n  schemas = data.sql.target.values\n}\n";
    std::fs::write(&project, text).unwrap();
    let file = dir.join("schema.sql");
    std::fs::write(&file, DESIRED).unwrap();
    let u = uri(&file);
    let pu = uri(&project);
    let mut c = LspClient::start(Some(&dir), json!({ "baselineRefreshSeconds": 0 }));
    c.open(&u, DESIRED);
    // First the query gives up (a connection refused takes the driver a while), then the
    // inspection of the environment's database.
    diagnostics_once(&mut c, &pu);
    let got = lenses_once(&mut c, &u, |l| {
        inspected(l) && l.iter().all(|(_, t)| t.contains("unreachable"))
    });
    assert!(!got.is_empty());
    // The project file's diagnostics as they are now.
    c.drain();
    c.open(&pu, text);
    let diags = c.diagnostics(&pu);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["severity"], 2, "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"]["line"], 0, "{diags:#?}");
    assert!(
        !diags[0]["message"].as_str().unwrap().contains("hunter2"),
        "{diags:#?}"
    );
    c.shutdown();
}

/// A project file whose environment's URL uses a variable without a default: its value comes
/// from the `vars` initialization option or `cairn lsp --var NAME=VALUE`, and then the database
/// is the plan preview's baseline; without a value, the project file has one error, on the
/// variable's declaration, naming it and how the editor gives a value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn project_variables_come_from_the_vars_option_or_the_var_flag() {
    let dir = scratch_dir("cairn_lsp_vars");
    users_db(&dir).await;
    let project = dir.join("cairn.hcl");
    let text = "variable \"db_file\" {\n  type = string\n}\n\nenv \"local\" {\n  url = \"sqlite://${var.db_file}\"\n}\n";
    std::fs::write(&project, text).unwrap();
    let file = dir.join("schema.sql");
    std::fs::write(&file, DESIRED).unwrap();
    let (u, pu) = (uri(&file), uri(&project));
    let want = vec![
        (line(DESIRED, "users"), "+1 column".to_string()),
        (line(DESIRED, "posts"), "new table".to_string()),
    ];

    // No value: the error, and no baseline (no lenses).
    let mut c = LspClient::start(Some(&dir), json!({ "baselineRefreshSeconds": 0 }));
    let diags = c.diagnostics(&pu);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d["severity"], 1, "{d:#}");
    assert_eq!(
        d["range"]["start"],
        json!({ "line": 0, "character": 9 }),
        "{d:#}"
    );
    let message = d["message"].as_str().unwrap();
    for needle in [
        "\"db_file\"",
        "`vars` initialization option",
        "cairn.vars",
        "cairn lsp --var db_file=VALUE",
    ] {
        assert!(message.contains(needle), "{needle:?} not in {message}");
    }
    c.open(&u, DESIRED);
    assert_eq!(lenses(&mut c, &u), Vec::<(u64, String)>::new());
    c.shutdown();

    // The `vars` initialization option (what VS Code's `cairn.vars` sends).
    let mut c = LspClient::start(
        Some(&dir),
        json!({ "baselineRefreshSeconds": 0, "vars": { "db_file": "dev.db" } }),
    );
    assert_eq!(c.diagnostics(&pu), Vec::<Value>::new());
    c.open(&u, DESIRED);
    assert_eq!(lenses_once(&mut c, &u, inspected), want);
    c.shutdown();

    // `cairn lsp --var db_file=dev.db`.
    let mut c = LspClient::start_command(
        Some(&dir),
        json!({ "baselineRefreshSeconds": 0 }),
        json!({}),
        |cmd| {
            cmd.args(["--var", "db_file=dev.db"]);
        },
    );
    assert_eq!(c.diagnostics(&pu), Vec::<Value>::new());
    c.open(&u, DESIRED);
    assert_eq!(lenses_once(&mut c, &u, inspected), want);
    // A value for a variable the file does not declare: an error that says where it came from.
    c.shutdown();
    let mut c = LspClient::start(
        Some(&dir),
        json!({ "baselineRefreshSeconds": 0, "vars": { "db_fil": "dev.db" } }),
    );
    let diags = c.diagnostics(&pu);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let message = diags[0]["message"].as_str().unwrap();
    assert!(
        message.contains("\"db_fil\"") && message.contains("`vars`"),
        "{message}"
    );
    c.shutdown();
}
