//! The project file (`cairn.hcl`, else `atlas.hcl`, at the workspace root), read with
//! `cairn_core::project` as the CLI reads it: its errors become diagnostics on it, and its
//! selected environment says what the plan preview compares with.
//!
//! The environment is the `env` initialization option when given, else the file's first labeled
//! `env` block (the CLI takes `--env NAME`; an editor has no flag to pass). The baseline is, in
//! order: the environment's `migration { dir }`; its database `url` (inspected live, see
//! `live.rs`); the workspace's migration directory (`migrations/`, or the first holding
//! `atlas.sum`); none.

use std::path::{Path, PathBuf};

use cairn_core::project::{self, Env, Inputs, ProjectError};
use cairn_core::{InspectOptions, SourceUrl};
use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString, Position, Range};

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

/// The project file of a workspace root, if there is one.
pub(crate) fn find(root: &Path) -> Option<PathBuf> {
    project::find(None, root).ok().flatten()
}

/// Evaluates project-file text with the environment chosen as the module says: the
/// environment (if any) or the error.
pub(crate) fn evaluate(
    file: &Path,
    text: &str,
    asked_env: Option<&str>,
) -> Result<Option<Env>, ProjectError> {
    let shown = file.display().to_string();
    let base = file.parent().unwrap_or(Path::new("."));
    let env = match asked_env {
        Some(e) => Some(e.to_string()),
        None => project::evaluate(&shown, text, base, &Inputs::default())?
            .env_names
            .into_iter()
            .next(),
    };
    let Some(env) = env else {
        return Ok(None);
    };
    let inputs = Inputs {
        env: Some(env),
        ..Inputs::default()
    };
    let p = project::evaluate(&shown, text, base, &inputs)?;
    // A `for_each` env has no one URL: its first target stands for it.
    Ok(p.env.or_else(|| {
        p.fleet
            .and_then(|f| f.targets.into_iter().next().map(|t| t.env))
    }))
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
    Diagnostic {
        range,
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("project".into())),
        source: Some("cairn".into()),
        message: cairn_core::url::redact(&e.message),
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
        let env = evaluate(file, text, None).unwrap().unwrap();
        assert_eq!(env.name, "local");
        assert!(matches!(
            source_of(&env, Path::new("/w")),
            Source::Database { ref url, .. } if url == "sqlite:///w/dev.db"
        ));
        let env = evaluate(file, text, Some("prod")).unwrap().unwrap();
        assert_eq!(
            source_of(&env, Path::new("/w")),
            Source::Dir(PathBuf::from("/w/migrations"))
        );
    }

    #[test]
    fn errors_have_their_place_and_no_password() {
        let text = "env \"x\" {\n  url = \"postgres://u:secret@h/db\"\n  bogus {\n  }\n}\nlint {\n";
        let e = evaluate(Path::new("/w/cairn.hcl"), text, None).unwrap_err();
        let d = error_diagnostic(text, &e);
        assert!(d.range.start.line > 0, "{d:?}");
        assert!(!d.message.contains("secret"));
    }
}
