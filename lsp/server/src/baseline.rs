//! The server's side of the project file and the plan-preview baseline: reading the project
//! file, publishing its diagnostics, choosing the baseline (`project.rs`), starting the live
//! inspection (`live.rs`) and applying its results.

use std::path::PathBuf;

use cairn_ide::Baseline;
use lsp_server::{Message, Request, RequestId};
use lsp_types::{Diagnostic, Uri};

use crate::live::{Inspected, Target, Worker};
use crate::project::{self, Source};
use crate::{Result, Server, workspace};

/// The command that re-reads the project file and the baseline (and re-inspects a live
/// database); also the command of every plan-preview lens.
pub const REFRESH_COMMAND: &str = "cairn.refreshBaseline";

/// What the server knows of the project file and the baseline.
#[derive(Default)]
pub(crate) struct State {
    /// The project file, when the workspace has one.
    pub file: Option<PathBuf>,
    /// The URI the editor uses for the project file, while it is open.
    pub open: Option<Uri>,
    /// Its text as the editor has it, while open.
    pub text: Option<String>,
    /// The error of its evaluation, as a diagnostic.
    pub error: Option<Diagnostic>,
    /// A warning about the baseline (an unreachable database, a bad URL).
    pub warning: Option<Diagnostic>,
    pub source: Option<Source>,
    /// Bumped on every new live target; results of older ones are dropped.
    pub generation: u64,
    pub worker: Option<Worker>,
}

impl Server<'_> {
    /// Reads the project file from disk (or the editor's text of it), publishes its diagnostics
    /// and (re)chooses the baseline (a live database is inspected again only when its URL or
    /// scope changed).
    pub(crate) fn load_project(&mut self) -> Result<()> {
        let root = self.root.clone();
        // While the editor has it open, the project file is the one it opened.
        let file = match self.project.text {
            Some(_) => self.project.file.clone(),
            None => root.as_deref().and_then(project::find),
        };
        if let Some(old) = &self.project.file
            && Some(old) != file.as_ref()
            && let Ok(uri) = workspace::path_to_uri(old).parse::<Uri>()
        {
            // The project file went away: so do its diagnostics.
            self.publish(&uri, Vec::new())?;
        }
        self.project.file = file.clone();
        let text = match (&self.project.text, &file) {
            (Some(t), _) => Some(t.clone()),
            (None, Some(f)) => std::fs::read_to_string(f).ok(),
            (None, None) => None,
        };
        let mut env = None;
        self.project.error = None;
        if let (Some(f), Some(text)) = (&file, &text) {
            match project::evaluate(f, text, self.asked_env.as_deref()) {
                Ok(e) => env = e,
                Err(e) => self.project.error = Some(project::error_diagnostic(text, &e)),
            }
        }
        // Without a `dialect` option, schema files take the dialect of the database named.
        if !self.dialect_asked
            && let Some(url) = env.as_ref().and_then(|e| e.url.as_deref())
            && let Ok(db) = cairn_core::DbUrl::parse(url)
        {
            self.host.set_default_dialect(db.dialect());
        }
        let source = project::choose(root.as_deref(), env.as_ref(), file.as_deref());
        let changed = self.project.source.as_ref() != Some(&source);
        self.project.source = Some(source.clone());
        if changed {
            self.apply_source(source);
        }
        self.publish_project()?;
        self.refresh_lenses()
    }

    fn apply_source(&mut self, source: Source) {
        self.project.warning = None;
        match source {
            Source::None => self.host.set_baseline(None),
            Source::Dir(dir) => {
                self.host
                    .set_baseline(Some(Baseline::Migrations(workspace::sql_files(&dir))));
            }
            Source::Invalid(why) => {
                self.project.warning = Some(project::baseline_warning(&why));
                self.host
                    .set_baseline(Some(Baseline::Unavailable("invalid database URL".into())));
            }
            Source::Database { url, scope } => {
                let Some(inspector) = self.inspector.clone() else {
                    self.host.set_baseline(Some(Baseline::Unavailable(
                        "no database drivers in this build".into(),
                    )));
                    return;
                };
                // Until the first inspection of this target answers, lenses say so (a refresh
                // of the same target keeps the realm it has).
                self.host.set_baseline(Some(Baseline::Unavailable(
                    "inspecting the database".into(),
                )));
                self.project.generation += 1;
                let worker = self.project.worker.get_or_insert_with(|| {
                    Worker::start(inspector, self.refresh_every, self.live_tx.clone())
                });
                worker.set(Target {
                    generation: self.project.generation,
                    url,
                    scope: scope.options(),
                });
            }
        }
    }

    /// A live inspection answered: cache its realm, or warn.
    pub(crate) fn on_inspected(&mut self, r: Inspected) -> Result<()> {
        let Some(Source::Database { url, .. }) = &self.project.source else {
            return Ok(());
        };
        if r.generation != self.project.generation {
            return Ok(());
        }
        let shown = cairn_core::url::redact(url);
        match r.result {
            Ok(realm) => {
                self.project.warning = None;
                self.host.set_baseline(Some(Baseline::Database(realm)));
            }
            Err(e) => {
                self.project.warning = Some(project::baseline_warning(&format!(
                    "cannot inspect {shown} for the plan preview: {e}"
                )));
                self.host.set_baseline(Some(Baseline::Unavailable(
                    "the database is unreachable".into(),
                )));
            }
        }
        self.publish_project()?;
        self.refresh_lenses()
    }

    /// `cairn.refreshBaseline`, and a save: re-reads the baseline (a live database again).
    pub(crate) fn refresh_baseline(&mut self) -> Result<()> {
        self.load_project()?;
        match (&self.project.source, &self.project.worker) {
            (Some(Source::Database { .. }), Some(w)) => w.refresh(),
            (Some(Source::Dir(dir)), _) => {
                let files = workspace::sql_files(dir);
                self.host.set_baseline(Some(Baseline::Migrations(files)));
                self.refresh_lenses()?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Publishes the project file's diagnostics: its error, and the baseline's warning.
    pub(crate) fn publish_project(&mut self) -> Result<()> {
        let Some(file) = &self.project.file else {
            return Ok(());
        };
        let uri: Option<Uri> = match &self.project.open {
            Some(u) => Some(u.clone()),
            None => workspace::path_to_uri(file).parse().ok(),
        };
        let Some(uri) = uri else { return Ok(()) };
        let diags: Vec<Diagnostic> = self
            .project
            .error
            .iter()
            .chain(&self.project.warning)
            .cloned()
            .collect();
        self.publish(&uri, diags)
    }

    /// Asks the client to pull code lenses again (when it says it can).
    pub(crate) fn refresh_lenses(&mut self) -> Result<()> {
        if !self.lens_refresh {
            return Ok(());
        }
        self.requests_sent += 1;
        let id = RequestId::from(format!("cairn/{}", self.requests_sent));
        self.send(Message::Request(Request::new(
            id,
            "workspace/codeLens/refresh".to_string(),
            serde_json::Value::Null,
        )))
    }
}
