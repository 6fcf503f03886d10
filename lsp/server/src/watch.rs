//! Files changed on disk behind the editor's back: the server registers a watcher for schema,
//! rules, project and migration files (`workspace/didChangeWatchedFiles`, dynamically, when the
//! client can), and applies each event to a file the editor does not have open — re-read, or
//! removed when deleted — then republishes the open files' diagnostics. A project file or a
//! migration directory that changes re-chooses the plan-preview baseline.

use lsp_server::{Message, Request, RequestId};
use lsp_types::{
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions, FileChangeType,
    FileSystemWatcher, GlobPattern, Registration, RegistrationParams,
};

use crate::project::Source;
use crate::{Result, Server, key_of, workspace};

/// The files the server watches.
pub const GLOBS: &[&str] = &["**/*.hcl", "**/*.sql", "**/*.cairn", "**/atlas.sum"];

impl Server<'_> {
    /// Asks the client to watch [`GLOBS`] for the server.
    pub(crate) fn register_watchers(&mut self) -> Result<()> {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: GLOBS
                .iter()
                .map(|g| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect(),
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "cairn-watched-files".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: Some(serde_json::to_value(options)?),
            }],
        };
        self.requests_sent += 1;
        let id = RequestId::from(format!("cairn/{}", self.requests_sent));
        self.send(Message::Request(Request::new(
            id,
            "client/registerCapability".into(),
            params,
        )))
    }

    pub(crate) fn watched_files_changed(&mut self, p: DidChangeWatchedFilesParams) -> Result<()> {
        let mut schema_changed = false;
        let mut project_changed = false;
        for event in p.changes {
            let key = key_of(event.uri.as_str());
            let Some(path) = workspace::uri_to_path(&key) else {
                continue;
            };
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            // The project file, `atlas.sum`, and a migration file: the baseline may have moved.
            if workspace::is_project_file(name)
                || name == "atlas.sum"
                || workspace::in_migration_dir(&path)
                || matches!(&self.project.source, Some(Source::Dir(d)) if path.starts_with(d))
            {
                project_changed = true;
                // A migration directory with an open file is compiled as its own project: its
                // other files follow the disk.
                if workspace::in_migration_dir(&path)
                    && !self.open.contains_key(&key)
                    && self.host.text(&key).is_some()
                {
                    match std::fs::read_to_string(&path) {
                        Ok(text) if event.typ != FileChangeType::DELETED => {
                            self.host.set_file(&key, text);
                            self.host.set_saved(&key);
                        }
                        _ => self.host.remove_file(&key),
                    }
                    schema_changed = true;
                }
                continue;
            }
            // An open file is the editor's; a file outside the workspace is not read.
            let in_workspace = self
                .root
                .as_deref()
                .is_some_and(|r| workspace::is_workspace_file(r, &path));
            if self.open.contains_key(&key) || !in_workspace {
                continue;
            }
            let text = match event.typ {
                FileChangeType::DELETED => None,
                _ => std::fs::read_to_string(&path).ok(),
            };
            match text {
                Some(text) => {
                    self.host.set_file(&key, text);
                    self.host.set_saved(&key);
                }
                None => {
                    self.host.remove_file(&key);
                    self.publish(&event.uri, Vec::new())?;
                }
            }
            schema_changed = true;
        }
        if project_changed {
            self.refresh_baseline()?;
        }
        if schema_changed {
            self.publish_all()?;
            self.refresh_lenses()?;
        }
        Ok(())
    }
}
