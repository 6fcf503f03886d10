//! The project file (`cairn.hcl`, else `atlas.hcl`, at the workspace root), read with
//! `cairn_core::project` as the CLI reads it: its errors become diagnostics on it, and its
//! selected environment says what the plan preview compares with.
//!
//! The environment is the `env` initialization option when given (else `cairn lsp --env NAME`),
//! else the file's first labeled `env` block. Variables take their values from the `vars`
//! initialization option and `cairn lsp --var NAME=VALUE` ([`Asked`]); a variable without a
//! default and without a value is an error on its declaration that says how to give one in the
//! editor. The baseline is, in
//! order: the environment's `migration { dir }`; its database `url` (inspected live, see
//! `live.rs`); the workspace's migration directory (`migrations/`, or the first holding
//! `atlas.sum`); none.
//!
//! `data "sql"` blocks are evaluated from the rows the worker thread fetched (`live.rs`): the
//! main loop never waits on a database. A query not fetched yet stops the evaluation without a
//! diagnostic (the worker is asked for it; the answer evaluates the file again). A query whose
//! database cannot be reached is one warning on its data block, and the file is evaluated on as
//! if the query had returned no rows; an error that evaluation then meets is shown only when it
//! is met again with a stand-in row (so the missing rows do not cause it). A query the database
//! refuses is an error, as in the CLI.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cairn_core::project::{self, DataHost, Env, Host, Inputs, ProjectError, VarProblem};
use cairn_core::{InspectOptions, SourceUrl};
use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range};

use crate::convert::LineIndex;
use crate::live::{Query, QueryError, Rows};
use crate::workspace;

/// What the plan preview compares with.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Source {
    /// A migration directory, replayed.
    Dir(PathBuf),
    /// A live database: its URL (with any password: never shown) and the inspection scope.
    Database {
        url: String,
        scope: Scope,
    },
    /// The environment names a URL that cannot be a baseline (why, for a warning).
    Invalid(String),
    None,
}

/// `InspectOptions` with equality, so a reload that changes nothing restarts nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Scope {
    pub schemas: Vec<String>,
    pub exclude: Vec<String>,
}

impl Scope {
    pub(crate) fn options(&self) -> InspectOptions {
        InspectOptions {
            schemas: self.schemas.clone(),
            exclude: self.exclude.clone(),
        }
    }
}

/// What the editor (initialization options) and `cairn lsp`'s flags ask of the project file.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Asked {
    /// The environment to use (else the file's first).
    pub env: Option<String>,
    /// Variable values, in order (a name given twice makes a list for list variables).
    pub vars: Vec<(String, String)>,
}

impl Asked {
    /// The flags' values (`cairn lsp --env --var`) with the initialization options' over them:
    /// `env` replaces the flag's; each variable of `vars` (an object of names to a string, or
    /// to a list of strings for list variables) replaces the flag's values of that name.
    pub(crate) fn new(
        flag_env: Option<String>,
        flag_vars: Vec<(String, String)>,
        options: &serde_json::Value,
    ) -> Asked {
        let env = options
            .get("env")
            .and_then(|e| e.as_str())
            .map(str::to_string)
            .or(flag_env);
        let mut vars = flag_vars;
        if let Some(given) = options.get("vars").and_then(|v| v.as_object()) {
            let text = |v: &serde_json::Value| match v {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(_) | serde_json::Value::Bool(_) => Some(v.to_string()),
                _ => None,
            };
            for (name, value) in given {
                vars.retain(|(n, _)| n != name);
                match value {
                    serde_json::Value::Array(items) => {
                        vars.extend(items.iter().filter_map(text).map(|v| (name.clone(), v)));
                    }
                    v => vars.extend(text(v).map(|v| (name.clone(), v))),
                }
            }
        }
        Asked { env, vars }
    }
}

/// The project file of a workspace root, if there is one.
pub(crate) fn find(root: &Path) -> Option<PathBuf> {
    project::find(None, root).ok().flatten()
}

/// Evaluates project-file text with the environment chosen as the module says: the
/// environment (if any) or the error. `host` runs the `data "sql"` queries.
pub(crate) fn evaluate(
    file: &Path,
    text: &str,
    asked: &Asked,
    host: Option<Host>,
) -> Result<Option<Env>, ProjectError> {
    let shown = file.display().to_string();
    let base = file.parent().unwrap_or(Path::new("."));
    let env = match &asked.env {
        Some(e) => Some(e.to_string()),
        None => {
            let inputs = Inputs {
                vars: asked.vars.clone(),
                host: host.clone(),
                ..Inputs::default()
            };
            project::evaluate(&shown, text, base, &inputs)?
                .env_names
                .into_iter()
                .next()
        }
    };
    let Some(env) = env else {
        return Ok(None);
    };
    let inputs = Inputs {
        env: Some(env),
        vars: asked.vars.clone(),
        host,
        ..Inputs::default()
    };
    let p = project::evaluate(&shown, text, base, &inputs)?;
    // A `for_each` env has no one URL: its first target stands for it.
    Ok(p.env.or_else(|| {
        p.fleet
            .and_then(|f| f.targets.into_iter().next().map(|t| t.env))
    }))
}

/// The answers to `data "sql"` queries the main loop has, by query.
pub(crate) type Known = HashMap<Query, Result<Rows, QueryError>>;

/// What evaluating the project file with the known query answers gave.
#[derive(Debug, Default)]
pub(crate) struct Evaluated {
    pub env: Option<Env>,
    pub error: Option<Diagnostic>,
    /// One warning per `data "sql"` block whose database cannot be reached.
    pub warnings: Vec<Diagnostic>,
    /// Queries the evaluation needs and nobody has answered yet: it stopped at them.
    pub missing: Vec<Query>,
    /// Every query the evaluation asked for.
    pub used: HashSet<Query>,
}

/// A [`DataHost`] that answers from the known results and never blocks: a query not known is
/// noted as missing; an unreachable database gives no rows once its warning is out.
struct Answers {
    known: Arc<Known>,
    used: Mutex<HashSet<Query>>,
    tolerated: HashSet<Query>,
    /// What a tolerated query answers.
    stand_in: Rows,
    missing: Mutex<Vec<Query>>,
    /// The last query refused because its database is unreachable, with why.
    unreachable: Mutex<Option<(Query, String)>>,
    /// Whether a database refused a query (an error of the project file's own).
    refused: std::sync::atomic::AtomicBool,
}

impl DataHost for Answers {
    fn query(&self, url: &str, sql: &str) -> Result<Rows, String> {
        let a = self;
        let q = (url.to_string(), sql.to_string());
        if let Ok(mut u) = a.used.lock() {
            u.insert(q.clone());
        }
        match a.known.get(&q) {
            None => {
                if let Ok(mut m) = a.missing.lock() {
                    m.push(q);
                }
                Err("the query has not run yet".to_string())
            }
            Some(Ok(rows)) => Ok(rows.clone()),
            Some(Err(QueryError::Failed(m))) => {
                a.refused.store(true, std::sync::atomic::Ordering::Relaxed);
                Err(m.clone())
            }
            Some(Err(QueryError::Unreachable(_))) if a.tolerated.contains(&q) => {
                Ok(a.stand_in.clone())
            }
            Some(Err(QueryError::Unreachable(m))) => {
                if let Ok(mut u) = a.unreachable.lock() {
                    *u = Some((q, m.clone()));
                }
                Err(m.clone())
            }
        }
    }
}

/// Evaluates project-file text as [`evaluate`] does, its `data "sql"` queries answered from
/// `known` (see the module's documentation).
pub(crate) fn evaluate_known(file: &Path, text: &str, asked: &Asked, known: &Known) -> Evaluated {
    // The host is shared (`Arc<dyn DataHost>`): it gets its own copy (a few rows of text).
    let known = Arc::new(known.clone());
    let run = |tolerated: &HashSet<Query>, stand_in: Rows| {
        let answers = Arc::new(Answers {
            known: known.clone(),
            used: Mutex::new(HashSet::new()),
            tolerated: tolerated.clone(),
            stand_in,
            missing: Mutex::new(Vec::new()),
            unreachable: Mutex::new(None),
            refused: Default::default(),
        });
        let host: Arc<dyn DataHost> = answers.clone();
        (evaluate(file, text, asked, Some(Host(host))), answers)
    };
    let mut out = Evaluated::default();
    let mut tolerated = HashSet::new();
    let mut refused = false;
    let result = loop {
        let (r, answers) = run(&tolerated, Vec::new());
        if let Ok(u) = answers.used.lock() {
            out.used.extend(u.iter().cloned());
        }
        let missing = answers
            .missing
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default();
        if !missing.is_empty() {
            out.missing = missing;
            break None;
        }
        let unreachable = answers.unreachable.lock().ok().and_then(|mut u| u.take());
        refused = answers.refused.load(std::sync::atomic::Ordering::Relaxed);
        match (r, unreachable) {
            (Ok(env), _) => break Some(Ok(env)),
            (Err(e), Some((q, why))) if !tolerated.contains(&q) => {
                out.warnings.push(data_warning(text, &e, &why));
                tolerated.insert(q);
            }
            (Err(e), _) => break Some(Err(e)),
        }
    };
    match result {
        Some(Ok(env)) => out.env = env,
        Some(Err(e)) if out.warnings.is_empty() || refused => {
            out.error = Some(error_diagnostic(text, &e))
        }
        // Met without the rows of an unreachable database: shown only when other rows (one row
        // of text) meet the same error, which the rows therefore do not cause.
        Some(Err(e)) => {
            let (again, _) = run(&tolerated, vec![vec![Some("cairn".to_string())]]);
            if again.err().as_ref() == Some(&e) {
                out.error = Some(error_diagnostic(text, &e));
            }
        }
        None => {}
    }
    out
}

/// Whether two URLs name the same server (scheme, user and address; not the database, the
/// path or the query).
pub(crate) fn same_server(a: &str, b: &str) -> bool {
    let server = |u: &str| {
        let (scheme, rest) = u.split_once("://")?;
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        Some((scheme.to_string(), rest[..end].to_string()))
    };
    server(a).is_some_and(|s| Some(s) == server(b))
}

/// The warning of a `data "sql"` block whose database is unreachable: on the block's header,
/// found from the error the evaluation stopped with (which points into the block).
fn data_warning(text: &str, e: &ProjectError, why: &str) -> Diagnostic {
    let offset = e.position.map_or(0, |(line, col)| {
        let start: usize = text
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let rest = &text[start.min(text.len())..];
        start
            + rest
                .chars()
                .take(col.saturating_sub(1))
                .map(char::len_utf8)
                .sum::<usize>()
    });
    let block = cairn_syntax::hcl::parse::parse_body(text)
        .ok()
        .and_then(|body| {
            body.blocks.into_iter().find(|b| {
                b.ident == "data"
                    && (b.span.start as usize) <= offset
                    && offset <= b.span.end as usize
            })
        });
    let index = LineIndex::new(text);
    let (range, name) = match &block {
        Some(b) => {
            let end = b.labels.last().map_or(b.ident_span.end, |l| l.span.end);
            let name = b.labels.get(1).map_or("", |l| l.value.as_str());
            (
                Range::new(
                    index.position(b.ident_span.start as usize),
                    index.position(end as usize),
                ),
                format!("data.sql.{name}"),
            )
        }
        None => (
            Range::new(index.position(offset), index.position(offset)),
            "a data \"sql\" block".to_string(),
        ),
    };
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::WARNING),
        code: Some(NumberOrString::String("data".into())),
        source: Some("cairn".into()),
        message: cairn_core::url::redact(&format!(
            "{name}: its database cannot be reached, so the editor reads the project file as if the query returned no rows: {why}"
        )),
        ..Diagnostic::default()
    }
}

/// The baseline an environment names, relative to the project file's folder.
pub(crate) fn source_of(env: &Env, base: &Path) -> Source {
    if let Some(dir) = env.migration.as_ref().and_then(|m| m.dir.as_deref()) {
        let path = dir.strip_prefix("file://").unwrap_or(dir);
        let path = path.split('?').next().unwrap_or(path);
        return Source::Dir(base.join(path));
    }
    let Some(url) = env.url.as_deref() else {
        return Source::None;
    };
    match SourceUrl::parse(url) {
        Ok(SourceUrl::Database(db)) => Source::Database {
            url: anchored(url, &db, base),
            scope: Scope {
                schemas: env.schemas.clone(),
                exclude: env.exclude.clone(),
            },
        },
        Ok(_) => Source::None,
        Err(e) => Source::Invalid(cairn_core::url::redact(&format!(
            "env {:?}: url: {e}",
            env.name
        ))),
    }
}

/// A SQLite URL's relative file, anchored at the project file's folder (the server's working
/// directory is the editor's choice, not the project's).
fn anchored(url: &str, db: &cairn_core::DbUrl, base: &Path) -> String {
    match db.sqlite_target() {
        Some(cairn_core::url::SqliteTarget::File(f)) if f.is_relative() => {
            let (scheme, rest) = url.split_once("://").unwrap_or(("sqlite", url));
            let query = rest.split_once('?').map(|(_, q)| format!("?{q}"));
            format!(
                "{scheme}://{}{}",
                base.join(f).display(),
                query.unwrap_or_default()
            )
        }
        _ => url.to_string(),
    }
}

/// The baseline of a workspace: the environment's, else the migration directory found in it.
pub(crate) fn choose(
    root: Option<&Path>,
    env: Option<&Env>,
    project_file: Option<&Path>,
) -> Source {
    if let (Some(env), Some(file)) = (env, project_file) {
        let base = file.parent().unwrap_or(Path::new("."));
        let s = source_of(env, base);
        if s != Source::None {
            return s;
        }
    }
    match root.and_then(workspace::migration_dir) {
        Some(dir) => Source::Dir(dir),
        None => Source::None,
    }
}

/// A project-file error as a diagnostic: at its place (1-based line, column in characters), over
/// the word there; at the top of the file when it has no place.
pub(crate) fn error_diagnostic(text: &str, e: &ProjectError) -> Diagnostic {
    let range = match e.position {
        Some((line, col)) => {
            let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
            let before: String = line_text.chars().take(col.saturating_sub(1)).collect();
            let start = before.encode_utf16().count() as u32;
            let word: usize = line_text
                .chars()
                .skip(col.saturating_sub(1))
                .take_while(|c| !c.is_whitespace())
                .map(char::len_utf16)
                .sum();
            let l = line.saturating_sub(1) as u32;
            Range::new(
                Position::new(l, start),
                Position::new(l, start + word.max(1) as u32),
            )
        }
        None => Range::new(Position::new(0, 0), Position::new(0, 0)),
    };
    // The command line's advice (`--var`) is not the editor's: say how to give a value here.
    let message = match &e.var {
        Some(VarProblem::Missing(name)) => format!(
            "missing value for required variable {name:?}: give it in the `vars` initialization option ({{ \"vars\": {{ \"{name}\": \"VALUE\" }} }}; VS Code: the `cairn.vars` setting) or start the server as `cairn lsp --var {name}=VALUE`, or add a default"
        ),
        Some(VarProblem::Undeclared(name)) => format!(
            "a value is given for variable {name:?} (the `vars` initialization option or `cairn lsp --var`), but the project file declares no such variable{}",
            e.message
                .split_once("is declared")
                .map_or("", |(_, rest)| rest)
        ),
        None => e.message.clone(),
    };
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("project".into())),
        source: Some("cairn".into()),
        message: cairn_core::url::redact(&message),
        ..Diagnostic::default()
    }
}

/// A warning about the baseline (an unreachable database), on the first line of the project
/// file.
pub(crate) fn baseline_warning(message: &str) -> Diagnostic {
    Diagnostic {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(DiagnosticSeverity::WARNING),
        code: Some(NumberOrString::String("baseline".into())),
        source: Some("cairn".into()),
        message: cairn_core::url::redact(message),
        ..Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_env_is_chosen_and_its_url_is_the_baseline() {
        let text = "env \"local\" {\n  url = \"sqlite://dev.db\"\n}\n\nenv \"prod\" {\n  url = \"postgres://u:secret@h/db?search_path=app\"\n  migration {\n    dir = \"file://migrations\"\n  }\n}\n";
        let file = Path::new("/w/cairn.hcl");
        let env = evaluate(file, text, &Asked::default(), None)
            .unwrap()
            .unwrap();
        assert_eq!(env.name, "local");
        assert!(matches!(
            source_of(&env, Path::new("/w")),
            Source::Database { ref url, .. } if url == "sqlite:///w/dev.db"
        ));
        let env = evaluate(
            file,
            text,
            &Asked {
                env: Some("prod".into()),
                ..Asked::default()
            },
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            source_of(&env, Path::new("/w")),
            Source::Dir(PathBuf::from("/w/migrations"))
        );
    }

    #[test]
    fn errors_have_their_place_and_no_password() {
        let text = "env \"x\" {\n  url = \"postgres://u:secret@h/db\"\n  bogus {\n  }\n}\nlint {\n";
        let e = evaluate(Path::new("/w/cairn.hcl"), text, &Asked::default(), None).unwrap_err();
        let d = error_diagnostic(text, &e);
        assert!(d.range.start.line > 0, "{d:?}");
        assert!(!d.message.contains("secret"));
    }

    #[test]
    fn data_sql_rows_come_from_the_known_answers() {
        let text = "data \"sql\" \"s\" {\n  url   = \"postgres://u:secret@h/db\"\n  query = \"SELECT 1\"\n}\n\nenv \"x\" {\n  url = \"postgres://h/${data.sql.s.value}\"\n}\n";
        let file = Path::new("/w/cairn.hcl");
        let q: Query = ("postgres://u:secret@h/db".into(), "SELECT 1".into());
        // Not run yet: no diagnostic, the query is asked for.
        let ev = evaluate_known(file, text, &Asked::default(), &Known::new());
        assert!(ev.error.is_none() && ev.warnings.is_empty() && ev.env.is_none());
        assert_eq!(ev.missing, vec![q.clone()]);
        // Answered.
        let mut known = Known::new();
        known.insert(q.clone(), Ok(vec![vec![Some("app".into())]]));
        let ev = evaluate_known(file, text, &Asked::default(), &known);
        assert_eq!(ev.env.unwrap().url.as_deref(), Some("postgres://h/app"));
        assert!(ev.used.contains(&q));
        // Unreachable: one warning on the block's header, without the password; no error.
        known.insert(
            q.clone(),
            Err(QueryError::Unreachable(
                "dial postgres://u:secret@h/db: refused".into(),
            )),
        );
        let ev = evaluate_known(file, text, &Asked::default(), &known);
        assert!(ev.error.is_none(), "{ev:?}");
        assert_eq!(ev.warnings.len(), 1, "{ev:?}");
        let w = &ev.warnings[0];
        assert_eq!(
            w.range,
            Range::new(Position::new(0, 0), Position::new(0, 14))
        );
        assert!(
            w.message.contains("data.sql.s") && !w.message.contains("secret"),
            "{w:?}"
        );
        // Refused by the database: the project file's error.
        known.insert(q, Err(QueryError::Failed("syntax error".into())));
        let ev = evaluate_known(file, text, &Asked::default(), &known);
        assert!(ev.warnings.is_empty());
        assert!(ev.error.unwrap().message.contains("syntax error"));
    }

    #[test]
    fn without_the_rows_only_errors_the_rows_do_not_cause_are_shown() {
        let file = Path::new("/w/cairn.hcl");
        let q: Query = ("postgres://h/db".into(), "SELECT 1".into());
        let mut known = Known::new();
        known.insert(q, Err(QueryError::Unreachable("refused".into())));
        let data =
            "data \"sql\" \"s\" {\n  url   = \"postgres://h/db\"\n  query = \"SELECT 1\"\n}\n\n";
        // The rows decide: no value cannot stand in the URL, a stand-in row can; so the error
        // is the missing rows', not shown.
        let caused =
            format!("{data}env \"x\" {{\n  url = \"postgres://h/${{data.sql.s.value}}\"\n}}\n");
        let ev = evaluate_known(file, &caused, &Asked::default(), &known);
        assert_eq!(ev.warnings.len(), 1, "{ev:?}");
        assert!(ev.error.is_none(), "{ev:?}");
        // (A reachable database without rows: that error, shown.)
        let mut empty = Known::new();
        empty.insert(
            ("postgres://h/db".into(), "SELECT 1".into()),
            Ok(Vec::new()),
        );
        assert!(
            evaluate_known(file, &caused, &Asked::default(), &empty)
                .error
                .is_some()
        );
        // An error of its own, whatever the rows: shown beside the warning.
        let own = format!(
            "{data}env \"x\" {{\n  url = \"postgres://h/db\"\n  schemas = data.sql.s.values\n  migration {{\n    bogus = 1\n  }}\n}}\n"
        );
        let ev = evaluate_known(file, &own, &Asked::default(), &known);
        assert_eq!(ev.warnings.len(), 1, "{ev:?}");
        let e = ev.error.expect("the migration block's own error");
        assert!(e.message.contains("bogus"), "{e:?}");
    }

    #[test]
    fn the_options_env_and_vars_win_over_the_flags() {
        let flags = vec![
            ("host".to_string(), "flag".to_string()),
            ("tenants".to_string(), "a".to_string()),
            ("tenants".to_string(), "b".to_string()),
        ];
        let asked = Asked::new(Some("dev".into()), flags.clone(), &serde_json::Value::Null);
        assert_eq!(asked.env.as_deref(), Some("dev"));
        assert_eq!(asked.vars, flags);
        let options = serde_json::json!({
            "env": "prod",
            "vars": { "tenants": ["x", "y"], "port": 5432, "skip": null },
        });
        let asked = Asked::new(Some("dev".into()), flags, &options);
        assert_eq!(asked.env.as_deref(), Some("prod"));
        let pairs: Vec<(&str, &str)> = asked
            .vars
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("host", "flag"),
                ("port", "5432"),
                ("tenants", "x"),
                ("tenants", "y")
            ]
        );
    }

    #[test]
    fn a_variable_without_a_value_says_how_the_editor_gives_one() {
        let text = "variable \"db\" {\n  type = string\n}\n\nenv \"x\" {\n  url = \"sqlite://${var.db}\"\n}\n";
        let file = Path::new("/w/cairn.hcl");
        let ev = evaluate_known(file, text, &Asked::default(), &Known::new());
        let e = ev.error.expect("the missing value");
        assert_eq!(e.range.start, Position::new(0, 9));
        assert!(e.message.contains("\"db\""), "{}", e.message);
        assert!(
            e.message.contains("cairn lsp --var db=VALUE"),
            "{}",
            e.message
        );
        let given = Asked {
            vars: vec![("db".into(), "dev.db".into())],
            ..Asked::default()
        };
        let ev = evaluate_known(file, text, &given, &Known::new());
        assert!(ev.error.is_none(), "{ev:?}");
        assert_eq!(ev.env.unwrap().url.as_deref(), Some("sqlite://dev.db"));
    }

    #[test]
    fn servers_are_compared_without_database_or_query() {
        assert!(same_server(
            "postgres://u:p@h:5432/a?sslmode=disable",
            "postgres://u:p@h:5432/b?search_path=app"
        ));
        assert!(!same_server(
            "postgres://u:p@h:5432/a",
            "postgres://u:p@k:5432/a"
        ));
        assert!(!same_server("sqlite://a.db", "postgres://a.db"));
    }
}
