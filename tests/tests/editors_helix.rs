//! The Helix setup in editors/README.md (its `languages.toml`) against Helix's documented schema
//! and against the server: read as text (no Helix here), every key is one Helix's `[[language]]`
//! and `[language-server.NAME]` tables take (Helix rejects unknown keys), each new language has
//! the keys Helix requires, the languages name the server the snippet defines, and every file
//! the `file-types` send is one `cairn lsp` analyses.

use std::collections::BTreeMap;

use cairn_tests::lsp::{LspClient, scratch_dir, uri};
use cairn_tests::repo_root;
use serde_json::Value;

/// The keys of Helix's `[[language]]` tables (its book, "Languages"; `comment-token` is only an
/// old alias of `comment-tokens`).
const LANGUAGE_KEYS: &[&str] = &[
    "name",
    "language-id",
    "scope",
    "injection-regex",
    "file-types",
    "shebangs",
    "roots",
    "comment-tokens",
    "block-comment-tokens",
    "indent",
    "grammar",
    "formatter",
    "soft-wrap",
    "text-width",
    "rulers",
    "auto-format",
    "auto-pairs",
    "diagnostic-severity",
    "language-servers",
    "debugger",
    "workspace-lsp-roots",
    "path-completion",
    "word-completion",
    "persistent-diagnostic-sources",
];

/// The keys of a `[language-server.NAME]` table.
const SERVER_KEYS: &[&str] = &[
    "command",
    "args",
    "environment",
    "config",
    "timeout",
    "required-root-patterns",
];

/// Helix's own languages the snippet adds to (they need no `scope` or `file-types`).
const BUILT_IN: &[&str] = &["sql", "hcl"];

/// The tables of the README's TOML block: (header, key -> value text), in order.
fn snippet_tables() -> Vec<(String, BTreeMap<String, String>)> {
    let readme = std::fs::read_to_string(repo_root().join("editors/README.md")).unwrap();
    let block = readme
        .split("```toml\n")
        .nth(1)
        .expect("a toml block")
        .split("\n```")
        .next()
        .unwrap();
    let mut tables: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    for line in block.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            tables.push((line.to_string(), BTreeMap::new()));
            continue;
        }
        let (k, v) = line
            .split_once(" = ")
            .unwrap_or_else(|| panic!("`key = value` lines only: {line}"));
        let (_, keys) = tables.last_mut().expect("a key inside a table");
        assert!(
            keys.insert(k.trim().to_string(), v.trim().to_string())
                .is_none(),
            "{k} twice"
        );
    }
    tables
}

/// The strings of a TOML inline list of strings or `{ glob = "..." }` tables.
fn strings(list: &str) -> Vec<String> {
    list.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[test]
fn the_helix_languages_toml_uses_helix_keys_and_the_servers_options() {
    let tables = snippet_tables();
    let servers: Vec<&BTreeMap<String, String>> = tables
        .iter()
        .filter(|(h, _)| h == "[language-server.cairn]")
        .map(|(_, k)| k)
        .collect();
    assert_eq!(servers.len(), 1, "{tables:#?}");
    let server = servers[0];
    for k in server.keys() {
        assert!(
            SERVER_KEYS.contains(&k.as_str()),
            "[language-server.cairn] {k}"
        );
    }
    assert_eq!(server["command"], "\"cairn\"");
    assert_eq!(server["args"], "[\"lsp\"]");
    // `config` is sent as the initialization options: `dialect` is one the server reads.
    assert_eq!(server["config"], "{ dialect = \"postgres\" }");
    let languages: Vec<&BTreeMap<String, String>> = tables
        .iter()
        .filter(|(h, _)| h == "[[language]]")
        .map(|(_, k)| k)
        .collect();
    assert_eq!(tables.len(), 1 + languages.len(), "{tables:#?}");
    for l in &languages {
        let name = strings(&l["name"]).remove(0);
        for k in l.keys() {
            assert!(
                LANGUAGE_KEYS.contains(&k.as_str()),
                "[[language]] {name}: {k}"
            );
        }
        if !BUILT_IN.contains(&name.as_str()) {
            for k in ["scope", "file-types"] {
                assert!(l.contains_key(k), "the new language {name} needs `{k}`");
            }
        }
        assert_eq!(l["language-servers"], "[\"cairn\"]", "{name}");
        assert_eq!(l["roots"], "[\"cairn.hcl\", \"atlas.hcl\"]", "{name}");
    }
}

/// Every file type of the snippet's new languages is a file the server analyses: a broken one
/// gets an error.
#[test]
fn the_helix_file_types_are_files_the_server_reads() {
    let tables = snippet_tables();
    let mut names = Vec::new();
    for (_, l) in tables.iter().filter(|(h, _)| h == "[[language]]") {
        let Some(types) = l.get("file-types") else {
            continue;
        };
        for t in strings(types) {
            // `{ glob = "*.pg.hcl" }` or a bare extension.
            names.push(match t.strip_prefix('*') {
                Some(suffix) => format!("broken{suffix}"),
                None => format!("broken.{t}"),
            });
        }
    }
    assert!(names.len() >= 5, "{names:?}");
    let dir = scratch_dir("cairn_helix");
    let mut c = LspClient::start(Some(&dir), Value::Null);
    for name in names {
        let text = if name.ends_with(".cairn") {
            "rule X1 x: error on schema {\n  for t in tables\n  require t.nope\n}\n"
        } else {
            "table \"t\" {\n  column \"a\" {\n    type = int\n  }\n  primary_key {\n    columns = [column.nope]\n  }\n}\n"
        };
        let u = uri(&dir.join(&name));
        c.open(&u, text);
        let diags = c.diagnostics(&u);
        assert!(
            diags.iter().any(|d| d["severity"] == 1),
            "{name}: {diags:#?}"
        );
    }
    c.shutdown();
}
