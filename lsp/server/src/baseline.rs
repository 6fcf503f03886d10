//! The server's side of the project file and the plan-preview baseline: reading the project
//! file, publishing its diagnostics, choosing the baseline (`project.rs`), starting the live
//! inspection and the `data "sql"` queries (`live.rs`) and applying their results.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use cairn_ide::Baseline;
use lsp_server::{Message, Request, RequestId};
use lsp_types::{Diagnostic, Uri};

use crate::live::{Drivers, Inspected, Querier, Query, Target, Worker};
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
    /// Runs `data "sql"` queries on the worker (`cairn lsp` passes the CLI's drivers).
    pub querier: Option<Querier>,
    /// The answers to the project file's `data "sql"` queries, kept until newer ones come.
    pub known: project::Known,
    /// Queries sent to the worker and not answered yet.
    pub asked: HashSet<Query>,
    /// The queries the last evaluation of the project file asked for.
    pub used: HashSet<Query>,
    /// One warning per `data "sql"` block whose database cannot be reached.
    pub data_warnings: Vec<Diagnostic>,
}

impl State {
    pub(crate) fn new(querier: Option<Querier>) -> State {
        State {
            querier,
            ..State::default()
        }
    }
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
        let mut waiting = false;
        match (&file, &text) {
            (Some(f), Some(text)) => {
                let ev = project::evaluate_known(f, text, &self.asked, &self.project.known);
                self.project.used = ev.used;
                if ev.missing.is_empty() {
                    env = ev.env;
                    self.project.error = ev.error;
                    self.project.data_warnings = ev.warnings;
                    // Answers the evaluation no longer uses are forgotten.
                    let used = &self.project.used;
                    self.project.known.retain(|q, _| used.contains(q));
                } else {
                    // Stopped at a query not run yet: the warnings had so far still stand.
                    waiting = true;
                    self.ask(ev.missing);
                }
            }
            _ => {
                self.project.data_warnings.clear();
                self.project.used.clear();
            }
        }
        // Waiting on the rows of a `data "sql"` block: the baseline stays what it was until they
        // come (their answer loads the project again).
        if waiting && self.project.source.is_some() {
            return self.publish_project();
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
                if self.inspector.is_none() {
                    self.host.set_baseline(Some(Baseline::Unavailable(
                        "no database drivers in this build".into(),
                    )));
                    return;
                }
                // Until the first inspection of this target answers, lenses say so (a refresh
                // of the same target keeps the realm it has).
                self.host.set_baseline(Some(Baseline::Unavailable(
                    "inspecting the database".into(),
                )));
                self.project.generation += 1;
                let generation = self.project.generation;
                self.worker().set(Target {
                    generation,
                    url,
                    scope: scope.options(),
                });
            }
        }
    }

    /// The worker thread, started on first use.
    fn worker(&mut self) -> &Worker {
        let drivers = Drivers {
            inspect: self.inspector.clone(),
            query: self.project.querier.clone(),
        };
        let (every, tx) = (self.refresh_every, self.live_tx.clone());
        self.project
            .worker
            .get_or_insert_with(|| Worker::start(drivers, every, tx))
    }

    /// Sends the queries not already on their way to the worker.
    fn ask(&mut self, queries: Vec<Query>) {
        let new: Vec<Query> = queries
            .into_iter()
            .filter(|q| self.project.asked.insert(q.clone()))
            .collect();
        if !new.is_empty() {
            self.worker().query(new);
        }
    }

    /// A save: the live database is inspected again and every `data "sql"` query runs again
    /// (the answers had stay in use until the new ones come).
    pub(crate) fn refresh_live(&mut self) {
        if let (Some(Source::Database { .. }), Some(w)) =
            (&self.project.source, &self.project.worker)
        {
            w.refresh();
        }
        // The queries the project file uses run again (those still on their way are not asked
        // twice); until they answer, the answers had stay in use.
        let used = self.project.used.iter().cloned().collect();
        self.ask(used);
    }

    /// An edit of the open project file: its diagnostics from the text, with the query answers
    /// the server has (no query runs before a save).
    pub(crate) fn check_project_text(&mut self, file: &Path, text: &str) {
        let ev = project::evaluate_known(file, text, &self.asked, &self.project.known);
        self.project.error = ev.error;
        // Stopped at a query not run yet: the warnings had so far still stand.
        if ev.missing.is_empty() {
            self.project.data_warnings = ev.warnings;
        }
    }

    /// The worker answered: an inspection, or a query.
    pub(crate) fn on_inspected(&mut self, r: Inspected) -> Result<()> {
        match r {
            Inspected::Realm { generation, result } => self.on_realm(generation, result),
            // The worker answers in the order asked: a later answer is the fresher one.
            Inspected::Rows { query, result } => {
                self.project.asked.remove(&query);
                if self.project.known.get(&query) == Some(&result) {
                    return Ok(());
                }
                self.project.known.insert(query, result);
                self.load_project()
            }
        }
    }

    /// A live inspection answered: cache its realm, or warn.
    fn on_realm(
        &mut self,
        generation: u64,
        result: std::result::Result<cairn_ir::Realm, String>,
    ) -> Result<()> {
        let Some(Source::Database { url, .. }) = &self.project.source else {
            return Ok(());
        };
        if generation != self.project.generation {
            return Ok(());
        }
        let shown = cairn_core::url::redact(url);
        match result {
            Ok(realm) => {
                self.project.warning = None;
                self.host.set_baseline(Some(Baseline::Database(realm)));
            }
            Err(e) => {
                // A `data "sql"` block on the same server already warns that it is unreachable:
                // one warning says it.
                let said = self.project.known.iter().any(|((u, _), r)| {
                    matches!(r, Err(crate::live::QueryError::Unreachable(_)))
                        && project::same_server(u, url)
                });
                self.project.warning = (!said).then(|| {
                    project::baseline_warning(&format!(
                        "cannot inspect {shown} for the plan preview: {e}"
                    ))
                });
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
        self.refresh_live();
        if let Some(Source::Dir(dir)) = &self.project.source {
            let files = workspace::sql_files(dir);
            self.host.set_baseline(Some(Baseline::Migrations(files)));
            self.refresh_lenses()?;
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
            .chain(&self.project.data_warnings)
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
