//! The VS Code extension (editors/vscode) agrees with the server it starts. No VS Code and no
//! npm here: the extension's manifest (`package.json`) and the two lists in `src/extension.ts`
//! that decide what reaches the server (`SERVED_LANGUAGES`, `SERVER_SETTINGS`) are read as
//! text, and every claim is checked against the real `cairn lsp`:
//!
//! - each file the extension sends (by its languages' extensions and file names) is one the
//!   server analyses; the files of its highlight-only language are project files it ignores;
//! - each setting passed as an initialization option is one the server reads and honours, with
//!   the same default, and every other `cairn.*` setting is the client's own;
//! - the grammar test's sample files are valid Cairn: the server finds no error in them.

use std::path::{Path, PathBuf};

use cairn_tests::lsp::{LspClient, pos, scratch_dir, uri};
use cairn_tests::repo_root;
use serde_json::{Value, json};

fn extension_dir() -> PathBuf {
    repo_root().join("editors/vscode")
}

fn manifest() -> Value {
    let text = std::fs::read_to_string(extension_dir().join("package.json")).expect("package.json");
    serde_json::from_str(&text).expect("package.json is JSON")
}

/// A `export const NAME = [...]` list of strings in src/extension.ts.
fn extension_list(name: &str) -> Vec<String> {
    let src =
        std::fs::read_to_string(extension_dir().join("src/extension.ts")).expect("extension.ts");
    let decl = format!("export const {name} = ");
    let start = src
        .find(&decl)
        .unwrap_or_else(|| panic!("extension.ts declares {name}"))
        + decl.len();
    let end = start + src[start..].find(';').expect("`;` after the list");
    serde_json::from_str(&src[start..end])
        .unwrap_or_else(|e| panic!("{name} is a JSON list of strings: {e}"))
}

fn languages(m: &Value) -> Vec<Value> {
    m["contributes"]["languages"]
        .as_array()
        .expect("contributes.languages")
        .clone()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The file names that stand for a language: `schema` + each extension, and each file name.
fn sample_names(lang: &Value) -> Vec<String> {
    let mut names: Vec<String> = strings(&lang["extensions"])
        .iter()
        .map(|e| format!("schema{e}"))
        .collect();
    names.extend(strings(&lang["filenames"]));
    names
}

/// A broken file of the kind its name says: the server reports errors in it if it reads it.
fn broken_text(name: &str) -> &'static str {
    if name.ends_with(".cairn") {
        "rule broken-rule: error on schema {\n  for t in tables\n  require t.nope\n}\n"
    } else if name.ends_with(".sql") {
        "CREATE TABLE t (id int;\n"
    } else {
        "table \"t\" {\n  schema = schema.missing\n  column \"id\" {\n    type = \n  }\n}\n"
    }
}

fn errors(diags: &[Value]) -> Vec<&Value> {
    diags.iter().filter(|d| d["severity"] == 1).collect()
}

/// Opens `name` (written into `dir` with `text`) and returns the diagnostics published for it.
fn open_and_diagnose(c: &mut LspClient, dir: &Path, name: &str, text: &str) -> Vec<Value> {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let u = uri(&path);
    c.open(&u, text);
    c.diagnostics(&u)
}

#[test]
fn every_file_the_extension_sends_is_one_the_server_reads() {
    let m = manifest();
    let served = extension_list("SERVED_LANGUAGES");
    let declared: Vec<String> = languages(&m)
        .iter()
        .map(|l| l["id"].as_str().expect("language id").to_string())
        .collect();
    for id in &served {
        assert!(
            declared.contains(id) || id == "sql",
            "SERVED_LANGUAGES names {id}, which the extension does not declare (nor is it VS Code's own sql)"
        );
    }
    // Each activation event names a language the extension serves or a project marker.
    for ev in strings(&m["activationEvents"]) {
        if let Some(id) = ev.strip_prefix("onLanguage:") {
            assert!(
                served.iter().any(|s| s == id),
                "{ev}: not a served language"
            );
        }
    }

    let dir = scratch_dir("cairn_vscode_files");
    let mut c = LspClient::start(Some(&dir), json!({}));
    let mut sent = vec!["schema.sql".to_string()];
    for lang in languages(&m) {
        let id = lang["id"].as_str().unwrap();
        let names = sample_names(&lang);
        assert!(!names.is_empty(), "language {id} declares no files");
        assert!(
            served.iter().any(|s| s == id),
            "language {id} is declared but not sent to the server"
        );
        sent.extend(names);
    }
    for name in &sent {
        let diags = open_and_diagnose(&mut c, &dir, name, broken_text(name));
        assert!(
            !errors(&diags).is_empty(),
            "the server reads {name}, which the extension sends it: {diags:#?}"
        );
    }
    c.shutdown();
}

#[test]
fn the_settings_the_extension_passes_are_the_ones_the_server_reads() {
    let m = manifest();
    let props = m["contributes"]["configuration"]["properties"]
        .as_object()
        .expect("contributes.configuration.properties");
    let passed = extension_list("SERVER_SETTINGS");
    // The client's own settings: the binary, the document selector, the trace.
    let client_only = ["cairn.path", "cairn.hcl.allFiles", "cairn.trace.server"];
    for key in props.keys() {
        let name = key.strip_prefix("cairn.").expect("settings are cairn.*");
        assert!(
            client_only.contains(&key.as_str()) || passed.iter().any(|p| p == name),
            "{key} is neither the client's own nor passed to the server"
        );
    }
    for name in &passed {
        assert!(
            props.contains_key(&format!("cairn.{name}")),
            "SERVER_SETTINGS passes {name}, but the extension has no cairn.{name} setting"
        );
    }
    assert_eq!(
        passed,
        ["dialect", "env", "vars", "rulesDocsUrl"],
        "a new setting needs a check below"
    );

    // env: empty by default (the project file's first environment); a name set is the
    // environment the server reads (only that one is evaluated), and an unknown name is an
    // error on the project file.
    assert_eq!(props["cairn.env"]["default"], "");
    assert_eq!(props["cairn.env"]["type"], "string");
    let project = "env \"broken\" {\n  url = \"sqlite://${local.nope}.db\"\n}\n\nenv \"plain\" {\n  src = \"file://schema.sql\"\n}\n";
    for (options, errors_wanted) in [
        (json!({}), 1),
        (json!({ "env": "broken" }), 1),
        (json!({ "env": "plain" }), 0),
        (json!({ "env": "nope" }), 1),
    ] {
        let errors = project_file_errors(project, &options);
        assert_eq!(errors.len(), errors_wanted, "{options}: {errors:#?}");
    }

    // vars: empty by default (no values), and the values set are the project file's variables'
    // (a variable without a default and without a value is an error naming it).
    assert_eq!(props["cairn.vars"]["default"], json!({}));
    assert_eq!(props["cairn.vars"]["type"], "object");
    let project = "variable \"name\" {\n  type = string\n}\n\nenv \"x\" {\n  src = \"file://${var.name}.sql\"\n}\n";
    for (options, errors_wanted) in [
        (json!({}), 1),
        (json!({ "vars": {} }), 1),
        (json!({ "vars": { "name": "schema" } }), 0),
    ] {
        let errors = project_file_errors(project, &options);
        assert_eq!(errors.len(), errors_wanted, "{options}: {errors:#?}");
        if let Some(e) = errors.first() {
            assert!(e["message"].as_str().unwrap().contains("\"name\""), "{e:#}");
        }
    }

    // rulesDocsUrl: empty by default, so the server's own default (the rule pages of this
    // version, written into the user's cache) applies; a value set is the link's base.
    assert_eq!(props["cairn.rulesDocsUrl"]["default"], "");
    let schema = "table \"Users\" {\n  schema = schema.public\n  column \"id\" {\n    type = int\n  }\n}\nschema \"public\" {\n}\n";
    for (options, hosted) in [
        (json!({}), None),
        (
            json!({ "rulesDocsUrl": "https://docs.example/r/" }),
            Some("https://docs.example/r/"),
        ),
    ] {
        let dir = scratch_dir("cairn_vscode_docs");
        let cache = dir.join("cache");
        let base = match hosted {
            Some(url) => url.to_string(),
            None => format!(
                "{}/",
                uri(&cache.join(format!("cairn/docs/{}/rules", env!("CARGO_PKG_VERSION"))))
            ),
        };
        let mut c = LspClient::start_command(Some(&dir), options, json!({}), |cmd| {
            cmd.env("XDG_CACHE_HOME", &cache);
        });
        let diags = open_and_diagnose(&mut c, &dir, "schema.pg.hcl", schema);
        let nm = diags
            .iter()
            .find(|d| d["code"] == "NM102")
            .unwrap_or_else(|| panic!("NM102 on `Users`: {diags:#?}"));
        assert_eq!(nm["codeDescription"]["href"], format!("{base}NM102.md"));
        c.shutdown();
    }

    // dialect: every value the setting offers changes how an unsuffixed schema file is read
    // (the column types completed after `type =`), and the default is the server's.
    let dialects = strings(&props["cairn.dialect"]["enum"]);
    assert_eq!(props["cairn.dialect"]["default"], "postgres");
    let text = "table \"t\" {\n  schema = schema.main\n  column \"a\" {\n    type = \n  }\n}\nschema \"main\" {\n}\n";
    let types = |options: Value| -> Vec<String> {
        let dir = scratch_dir("cairn_vscode_dialect");
        let mut c = LspClient::start(Some(&dir), options);
        let path = dir.join("schema.hcl");
        std::fs::write(&path, text).unwrap();
        let u = uri(&path);
        c.open(&u, text);
        let items = c.request(
            "textDocument/completion",
            json!({ "textDocument": { "uri": u }, "position": pos(text, "type = ", 0, 7) }),
        );
        let items = items.get("items").unwrap_or(&items).clone();
        c.shutdown();
        let mut labels: Vec<String> = items
            .as_array()
            .unwrap_or_else(|| panic!("completion items: {items}"))
            .iter()
            .map(|i| i["label"].as_str().unwrap_or("").to_string())
            .collect();
        labels.sort();
        labels
    };
    let by_default = types(json!({}));
    assert!(by_default.iter().any(|t| t == "jsonb"), "{by_default:?}");
    for d in &dialects {
        let got = types(json!({ "dialect": d }));
        assert!(!got.is_empty(), "{d}: no column types completed");
        if d == "postgres" {
            assert_eq!(got, by_default, "postgres is the server's default");
        } else {
            assert_ne!(got, by_default, "dialect {d} reads the file as {d}");
        }
    }
}

/// The errors the server shows on a workspace's project file `cairn.hcl` holding `project`,
/// started with the initialization `options`.
fn project_file_errors(project: &str, options: &Value) -> Vec<Value> {
    let dir = scratch_dir("cairn_vscode_project");
    let path = dir.join("cairn.hcl");
    std::fs::write(&path, project).unwrap();
    let mut c = LspClient::start(Some(&dir), options.clone());
    let diags = c.diagnostics(&uri(&path));
    c.shutdown();
    errors(&diags).into_iter().cloned().collect()
}

#[test]
fn the_grammar_samples_are_valid_cairn() {
    let fixtures = extension_dir().join("test/fixtures");
    let dir = scratch_dir("cairn_vscode_samples");
    for f in ["sample.cairn", "naming.cairn", "sample.pg.hcl"] {
        std::fs::copy(fixtures.join(f), dir.join(f)).unwrap();
    }
    let mut c = LspClient::start(Some(&dir), json!({}));
    for f in ["sample.cairn", "sample.pg.hcl"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        let u = uri(&dir.join(f));
        c.open(&u, &text);
        let diags = c.diagnostics(&u);
        assert!(errors(&diags).is_empty(), "{f}: {diags:#?}");
    }
    c.shutdown();
}
