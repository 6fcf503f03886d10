//! The language server: LSP over stdio (or any `lsp_server::Connection`), protocol only. One
//! synchronous loop owns the salsa database (`cairn_ide::AnalysisHost`), applies every
//! notification in order and answers requests; editor features live in `cairn-ide`.
//!
//! - Diagnostics after `didChange` are published when the input queue is empty: every message
//!   already queued is handled first, so a burst of keystrokes costs one analysis, and edits
//!   that arrive while the server analyses are coalesced into the next analysis. There is no
//!   fixed delay: the last keystroke of a burst is analysed at once.
//! - Before a request is answered, the messages already queued behind it are read: a
//!   `$/cancelRequest` for it among them answers it with `RequestCancelled` instead.
//!
//! - The project file and the plan-preview baseline live in `baseline.rs` (`project.rs` reads
//!   the file, `live.rs` inspects a live database on a thread of its own); files changed on
//!   disk arrive through `watch.rs`.
//!
//! Invariant: no input makes the server panic or exit; a request it cannot answer gets `null`
//! (a panic in a feature is caught and answered with `InternalError`).

mod baseline;
mod convert;
mod handlers;
mod live;
mod project;
mod rule_pages;
mod watch;
pub mod workspace;

pub use baseline::REFRESH_COMMAND;
pub use live::{Inspector, Querier, QueryError, Rows};
pub use watch::GLOBS as WATCHED_GLOBS;

use std::collections::{BTreeMap, VecDeque};
use std::error::Error;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cairn_ide::AnalysisHost;
use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    Cancel, DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
    DidOpenTextDocument, DidSaveTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{ExecuteCommand, Request as _};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    ExecuteCommandOptions, ExecuteCommandParams, HoverProviderCapability, InitializeParams, OneOf,
    PublishDiagnosticsParams, RenameOptions, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};

use convert::LineIndex;

pub type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// How often a live-database baseline is inspected again, unless the `baselineRefreshSeconds`
/// initialization option says otherwise (0: only on save and on `cairn.refreshBaseline`).
pub const BASELINE_REFRESH: Duration = Duration::from_secs(30);

/// What the embedding program gives the server.
#[derive(Clone, Default)]
pub struct Options {
    /// Inspects a live database (`cairn lsp` passes its drivers); without it, a project file
    /// that names a database gets "no baseline" lenses.
    pub inspector: Option<Inspector>,
    /// Runs the queries of the project file's `data "sql"` blocks (`cairn lsp` passes its
    /// drivers); without it, such a block gets a warning and no rows.
    pub query: Option<Querier>,
    /// The project file's environment (`cairn lsp --env NAME`); the `env` initialization option
    /// wins over it.
    pub env: Option<String>,
    /// Values of the project file's variables (`cairn lsp --var NAME=VALUE`, in order); a name
    /// the `vars` initialization option gives takes that option's value instead.
    pub vars: Vec<(String, String)>,
}

/// Serves on stdin/stdout until the client says `exit`.
pub fn run_stdio() -> Result<()> {
    run_stdio_with(Options::default())
}

/// [`run_stdio`] with options.
pub fn run_stdio_with(options: Options) -> Result<()> {
    let (connection, io_threads) = Connection::stdio();
    run_with(connection, options)?;
    io_threads.join()?;
    Ok(())
}

/// The capabilities this server announces.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(lsp_types::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        document_formatting_provider: Some(OneOf::Left(true)),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![REFRESH_COMMAND.to_string()],
            work_done_progress_options: Default::default(),
        }),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string(), " ".to_string()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// Runs the initialize handshake and the main loop on `connection`.
pub fn run(connection: Connection) -> Result<()> {
    run_with(connection, Options::default())
}

/// [`run`] with options.
pub fn run_with(connection: Connection, opts: Options) -> Result<()> {
    let caps = serde_json::to_value(capabilities())?;
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": caps,
        "serverInfo": ServerInfo { name: "cairn".into(), version: Some(env!("CARGO_PKG_VERSION").into()) },
    });
    connection.initialize_finish(id, result)?;
    let options = params.initialization_options.clone().unwrap_or_default();
    let caps = &params.capabilities;
    let workspace_caps = caps.workspace.as_ref();
    let dynamic_watch = workspace_caps
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let lens_refresh = workspace_caps
        .and_then(|w| w.code_lens.as_ref())
        .and_then(|c| c.refresh_support)
        .unwrap_or(false);
    let refresh_every = match options
        .get("baselineRefreshSeconds")
        .and_then(|v| v.as_f64())
    {
        Some(s) if s <= 0.0 => None,
        Some(s) => Some(Duration::from_secs_f64(s)),
        None => Some(BASELINE_REFRESH),
    };
    let dialect = options
        .get("dialect")
        .and_then(|d| d.as_str())
        .and_then(cairn_ide::Dialect::from_name);
    let (live_tx, live_rx) = crossbeam_channel::unbounded();
    let hosted_docs = options
        .get("rulesDocsUrl")
        .and_then(|u| u.as_str())
        .filter(|u| !u.is_empty());
    let (docs_url, rule_pages) = match hosted_docs {
        Some(url) => (url.to_string(), None),
        None => {
            let pages = rule_pages::Pages::new(rule_pages::dir());
            (pages.base_url(), Some(pages))
        }
    };
    let mut server = Server {
        host: AnalysisHost::default(),
        connection: &connection,
        open: BTreeMap::new(),
        docs_url,
        rule_pages,
        root: root_of(&params),
        pending: VecDeque::new(),
        dirty: false,
        project: baseline::State::new(opts.query),
        inspector: opts.inspector,
        asked: project::Asked::new(opts.env, opts.vars, &options),
        dialect_asked: dialect.is_some(),
        refresh_every,
        live_tx,
        live_rx,
        lens_refresh,
        project_texts: BTreeMap::new(),
        requests_sent: 0,
    };
    if let Some(d) = dialect {
        server.host.set_default_dialect(d);
    }
    if dynamic_watch {
        server.register_watchers()?;
    }
    server.load_project()?;
    server.load_workspace();
    server.main_loop()
}

/// The folder the editor opened: the first workspace folder, else the root URI.
#[allow(deprecated)]
fn root_of(params: &InitializeParams) -> Option<PathBuf> {
    let uri = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.as_str().to_string())
        .or_else(|| params.root_uri.as_ref().map(|u| u.as_str().to_string()))?;
    workspace::uri_to_path(&uri).filter(|p| p.is_dir())
}

/// The form a URI is kept under in the host: `file://` URIs re-encoded one way, so a file read
/// from disk and the same file opened by the editor are one file.
fn key_of(uri: &str) -> String {
    workspace::uri_to_path(uri)
        .map(|p| workspace::path_to_uri(&p))
        .unwrap_or_else(|| uri.to_string())
}

pub(crate) struct Server<'c> {
    pub(crate) host: AnalysisHost,
    connection: &'c Connection,
    /// The open files: host key -> the URI the editor uses for it.
    pub(crate) open: BTreeMap<String, Uri>,
    /// The base of a standard rule's `codeDescription` link (`CODE.md` is appended): the
    /// `rulesDocsUrl` initialization option, else the `file://` directory of the pages
    /// `rule_pages.rs` writes into the user's cache. Hover shows the same page inline.
    pub(crate) docs_url: String,
    /// The rule reference pages on disk, when the links go to them (no `rulesDocsUrl`).
    rule_pages: Option<rule_pages::Pages>,
    pub(crate) root: Option<PathBuf>,
    /// Messages read ahead of the one being handled (to see cancellations), in order.
    pending: VecDeque<Message>,
    /// Whether diagnostics are owed since the last change.
    dirty: bool,
    /// The project file and the plan-preview baseline.
    pub(crate) project: baseline::State,
    pub(crate) inspector: Option<Inspector>,
    /// The environment and variable values asked for (initialization options, flags).
    pub(crate) asked: project::Asked,
    /// Whether the `dialect` initialization option was given (else a project file's database
    /// URL names the default dialect).
    pub(crate) dialect_asked: bool,
    pub(crate) refresh_every: Option<Duration>,
    /// Live inspections answer here.
    pub(crate) live_tx: Sender<live::Inspected>,
    live_rx: Receiver<live::Inspected>,
    /// Whether the client takes `workspace/codeLens/refresh`.
    pub(crate) lens_refresh: bool,
    /// The texts of the open project files (`cairn.hcl`, `atlas.hcl`), ours or another
    /// folder's, for applying incremental changes to them.
    project_texts: BTreeMap<String, String>,
    /// Requests sent to the client so far (their ids).
    pub(crate) requests_sent: u64,
}

impl Server<'_> {
    fn main_loop(&mut self) -> Result<()> {
        loop {
            let msg = match self.pending.pop_front() {
                Some(m) => m,
                None => {
                    let (input, live) = (self.connection.receiver.clone(), self.live_rx.clone());
                    // Diagnostics are owed: every message already queued is handled first (a
                    // burst of edits is one analysis), and they are published as soon as the
                    // queue is empty.
                    if self.dirty && input.is_empty() && live.is_empty() {
                        self.publish_all()?;
                        continue;
                    }
                    crossbeam_channel::select! {
                        recv(input) -> m => match m {
                            Ok(m) => m,
                            Err(_) => return Ok(()),
                        },
                        recv(live) -> r => {
                            if let Ok(r) = r {
                                self.on_inspected(r)?;
                            }
                            continue;
                        }
                    }
                }
            };
            match msg {
                Message::Request(req) => {
                    if self.connection.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    self.request(req)?;
                }
                Message::Notification(not) => self.notification(not)?,
                Message::Response(_) => {}
            }
        }
    }

    /// Reads every workspace file from disk (files the editor opens later replace them). The
    /// baseline is the project's (`load_project`).
    fn load_workspace(&mut self) {
        let Some(root) = self.root.clone() else {
            return;
        };
        for path in workspace::files(&root) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                self.host.set_file(&workspace::path_to_uri(&path), text);
                self.host.set_saved(&workspace::path_to_uri(&path));
            }
        }
    }

    /// An opened file of a migration directory (one holding `atlas.sum`) is compiled with the
    /// directory's other files, replayed in order, apart from the workspace's schema: its
    /// diagnostics are those of the replay up to and after it.
    fn load_migration_dir(&mut self, key: &str) {
        let Some(path) = workspace::uri_to_path(key) else {
            return;
        };
        if !workspace::in_migration_dir(&path) {
            return;
        }
        let Some(dir) = path.parent() else {
            return;
        };
        let dir_key = workspace::path_to_uri(dir);
        self.host.set_migration_file(key, &dir_key);
        for (file, text) in workspace::sql_files(dir) {
            let file_key = workspace::path_to_uri(Path::new(&file));
            self.host.set_migration_file(&file_key, &dir_key);
            if !self.open.contains_key(&file_key) && file_key != key {
                self.host.set_file(&file_key, text);
                self.host.set_saved(&file_key);
            }
        }
    }

    fn notification(&mut self, not: Notification) -> Result<()> {
        match not.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(not.params) else {
                    return Ok(());
                };
                let uri = p.text_document.uri;
                let key = key_of(uri.as_str());
                if workspace::is_project_file(&key) {
                    self.project_texts
                        .insert(key.clone(), p.text_document.text.clone());
                    return self.project_opened(&key, uri, p.text_document.text);
                }
                self.load_migration_dir(&key);
                self.host.set_file(&key, p.text_document.text);
                self.host.set_saved(&key);
                self.open.insert(key, uri);
                self.publish_all()?;
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(not.params)
                else {
                    return Ok(());
                };
                let key = key_of(p.text_document.uri.as_str());
                // Incremental sync: each change replaces a range of the text before it (a
                // change without a range is the whole text).
                if workspace::is_project_file(&key) {
                    let before = self.project_texts.remove(&key).unwrap_or_default();
                    let text = convert::apply_changes(before, p.content_changes);
                    self.project_texts.insert(key.clone(), text.clone());
                    return self.project_edited(&key, &p.text_document.uri, Some(text));
                }
                if self.open.contains_key(&key) && !p.content_changes.is_empty() {
                    let before = self.host.text(&key).unwrap_or_default().to_string();
                    let text = convert::apply_changes(before, p.content_changes);
                    self.host.set_file(&key, text);
                    self.dirty = true;
                }
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(not.params) else {
                    return Ok(());
                };
                let key = key_of(p.text_document.uri.as_str());
                if let Some(text) = p.text
                    && self.open.contains_key(&key)
                {
                    self.host.set_file(&key, text);
                    self.dirty = true;
                }
                self.host.set_saved(&key);
                if workspace::is_project_file(&key) {
                    self.load_project()?;
                }
                // A save is a moment to look at the live database (and data queries) again.
                self.refresh_live();
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(not.params) else {
                    return Ok(());
                };
                let key = key_of(p.text_document.uri.as_str());
                self.project_texts.remove(&key);
                if workspace::is_project_file(&key) && self.project.open.is_some() {
                    self.project.open = None;
                    self.project.text = None;
                    return self.load_project();
                }
                if let Some(uri) = self.open.remove(&key) {
                    // A workspace file goes back to its text on disk; any other file goes away.
                    match workspace::uri_to_path(&key).map(std::fs::read_to_string) {
                        Some(Ok(text)) if self.in_workspace(&key) => {
                            self.host.set_file(&key, text);
                            self.host.set_saved(&key);
                        }
                        _ => self.host.remove_file(&key),
                    }
                    self.publish(&uri, Vec::new())?;
                    self.publish_all()?;
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value(not.params) {
                    self.watched_files_changed(p)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn in_workspace(&self, key: &str) -> bool {
        let (Some(root), Some(path)) = (&self.root, workspace::uri_to_path(key)) else {
            return false;
        };
        path.starts_with(root)
    }

    /// Publishes the diagnostics of every open file (an edit can fix or break another file).
    fn publish_all(&mut self) -> Result<()> {
        self.dirty = false;
        let open: Vec<(String, Uri)> = self
            .open
            .iter()
            .map(|(k, u)| (k.clone(), u.clone()))
            .collect();
        for (key, uri) in open {
            let diags = self.catch(|s| s.file_diagnostics(&key)).unwrap_or_default();
            self.publish(&uri, diags)?;
        }
        Ok(())
    }

    fn file_diagnostics(&self, key: &str) -> Vec<lsp_types::Diagnostic> {
        let diagnostics = self.host.diagnostics(key);
        if diagnostics.is_empty() {
            return Vec::new();
        }
        let index = LineIndex::new(self.host.text(key).unwrap_or_default());
        diagnostics
            .iter()
            .map(|d| {
                let mut out = convert::diagnostic(&index, &d.diagnostic);
                out.code_description = d
                    .docs
                    .as_ref()
                    .and_then(|docs| self.docs_link(docs))
                    .map(|href| lsp_types::CodeDescription { href });
                out
            })
            .collect()
    }

    /// The link to a rule's documentation: its page in the rule reference, or its declaration.
    fn docs_link(&self, docs: &cairn_ide::RuleDocs) -> Option<Uri> {
        let link = match docs {
            cairn_ide::RuleDocs::Stdlib { code } => {
                if let Some(pages) = &self.rule_pages {
                    pages.ensure();
                }
                format!("{}{code}.md", self.docs_url)
            }
            cairn_ide::RuleDocs::File { file, span } => {
                let line = self
                    .host
                    .text(file)
                    .map(|t| LineIndex::new(t).position(span.start as usize).line + 1);
                let uri = if file.contains("://") {
                    file.clone()
                } else {
                    workspace::path_to_uri(std::path::Path::new(file))
                };
                match line {
                    Some(l) => format!("{uri}#L{l}"),
                    None => uri,
                }
            }
        };
        link.parse().ok()
    }

    pub(crate) fn publish(&self, uri: &Uri, diagnostics: Vec<lsp_types::Diagnostic>) -> Result<()> {
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: None,
        };
        self.send(Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        )))
    }

    pub(crate) fn send(&self, msg: Message) -> Result<()> {
        self.connection.sender.send(msg)?;
        Ok(())
    }

    /// Runs a feature, turning a panic into `None` (the invariant is that features never
    /// panic; this keeps the server alive if one does).
    fn catch<T>(&self, f: impl FnOnce(&Self) -> T) -> Option<T> {
        std::panic::catch_unwind(AssertUnwindSafe(|| f(self))).ok()
    }

    /// Whether a `$/cancelRequest` for `id` is already queued (it is taken out of the queue).
    fn cancelled(&mut self, id: &RequestId) -> bool {
        self.pending.extend(self.connection.receiver.try_iter());
        let hit = self.pending.iter().position(|m| match m {
            Message::Notification(n) if n.method == Cancel::METHOD => {
                let want = match &n.params["id"] {
                    serde_json::Value::Number(x) => x.as_i64().map(|x| RequestId::from(x as i32)),
                    serde_json::Value::String(s) => Some(RequestId::from(s.clone())),
                    _ => None,
                };
                want.as_ref() == Some(id)
            }
            _ => false,
        });
        if let Some(i) = hit {
            self.pending.remove(i);
            true
        } else {
            false
        }
    }

    fn request(&mut self, req: Request) -> Result<()> {
        let id = req.id.clone();
        if self.cancelled(&id) {
            return self.send(Message::Response(Response::new_err(
                id,
                ErrorCode::RequestCanceled as i32,
                "cancelled".to_string(),
            )));
        }
        if req.method == ExecuteCommand::METHOD {
            return self.execute_command(req);
        }
        // A request sees the diagnostics-owed state as it is: answer from the current text.
        let method = req.method.clone();
        let answer = std::panic::catch_unwind(AssertUnwindSafe(|| handlers::dispatch(self, req)));
        let response = match answer {
            Ok(Some(Ok(result))) => Response::new_ok(id, result),
            Ok(Some(Err(message))) => {
                Response::new_err(id, ErrorCode::RequestFailed as i32, message)
            }
            Ok(None) => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unsupported request {method}"),
            ),
            Err(_) => Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("{method} failed"),
            ),
        };
        self.send(Message::Response(response))
    }
}

impl Server<'_> {
    fn execute_command(&mut self, req: Request) -> Result<()> {
        let p: Option<ExecuteCommandParams> = serde_json::from_value(req.params).ok();
        let response = match p {
            Some(p) if p.command == REFRESH_COMMAND => {
                self.refresh_baseline()?;
                Response::new_ok(req.id, serde_json::Value::Null)
            }
            _ => Response::new_err(
                req.id,
                ErrorCode::InvalidParams as i32,
                format!("unknown command (the server runs {REFRESH_COMMAND})"),
            ),
        };
        self.send(Message::Response(response))
    }

    /// The editor opened the project file: its text is the editor's from now on.
    fn project_opened(&mut self, key: &str, uri: Uri, text: String) -> Result<()> {
        let path = workspace::uri_to_path(key);
        let ours = path.is_some() && (self.project.file.is_none() || self.project.file == path);
        if !ours {
            // Another folder's project file: checked, not used.
            return self.project_edited_other(&uri, &text);
        }
        self.project.file = path;
        self.project.open = Some(uri);
        self.project.text = Some(text);
        self.load_project()
    }

    /// An edit of the open project file: its diagnostics now; the baseline follows on save.
    fn project_edited(&mut self, key: &str, uri: &Uri, text: Option<String>) -> Result<()> {
        let Some(text) = text else {
            return Ok(());
        };
        let ours = self.project.open.as_ref().map(|u| key_of(u.as_str())) == Some(key.into());
        let Some(file) = self.project.file.clone().filter(|_| ours) else {
            return self.project_edited_other(uri, &text);
        };
        self.check_project_text(&file, &text);
        self.project.text = Some(text);
        self.publish_project()
    }

    fn project_edited_other(&mut self, uri: &Uri, text: &str) -> Result<()> {
        let Some(path) = workspace::uri_to_path(uri.as_str()) else {
            return Ok(());
        };
        // Checked without running its queries.
        let ev = project::evaluate_known(&path, text, &self.asked, &Default::default());
        self.publish(uri, ev.error.into_iter().collect())
    }
}
