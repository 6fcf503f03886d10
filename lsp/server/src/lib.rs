//! The language server: LSP over stdio (or any `lsp_server::Connection`), protocol only. One
//! synchronous loop owns the salsa database (`cairn_ide::AnalysisHost`), applies every
//! notification in order and answers requests; editor features live in `cairn-ide`.
//!
//! Invariant: no input makes the server panic or exit; a request it cannot answer gets `null`.

mod convert;

use std::error::Error;

use cairn_ide::{AnalysisHost, CompletionKind};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{Completion, GotoDefinition, HoverRequest, Request as _};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionOptions, CompletionParams, CompletionResponse,
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams,
    HoverProviderCapability, InitializeParams, MarkupContent, MarkupKind, OneOf,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, Uri,
};

use convert::LineIndex;

pub type Result<T> = std::result::Result<T, Box<dyn Error + Send + Sync>>;

/// Serves on stdin/stdout until the client says `exit`.
pub fn run_stdio() -> Result<()> {
    let (connection, io_threads) = Connection::stdio();
    run(connection)?;
    io_threads.join()?;
    Ok(())
}

/// The capabilities this server announces.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string(), " ".to_string()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// Runs the initialize handshake and the main loop on `connection`.
pub fn run(connection: Connection) -> Result<()> {
    let caps = serde_json::to_value(capabilities())?;
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = serde_json::json!({
        "capabilities": caps,
        "serverInfo": ServerInfo { name: "cairn".into(), version: Some(env!("CARGO_PKG_VERSION").into()) },
    });
    connection.initialize_finish(id, result)?;
    let mut server = Server {
        host: AnalysisHost::default(),
        connection: &connection,
    };
    if let Some(d) = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("dialect"))
        .and_then(|d| d.as_str())
        .and_then(cairn_ir_dialect)
    {
        server.host.set_default_dialect(d);
    }
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req)? {
                    return Ok(());
                }
                server.request(req)?;
            }
            Message::Notification(not) => server.notification(not)?,
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn cairn_ir_dialect(name: &str) -> Option<cairn_ide::Dialect> {
    cairn_ide::Dialect::from_name(name)
}

struct Server<'c> {
    host: AnalysisHost,
    connection: &'c Connection,
}

impl Server<'_> {
    fn notification(&mut self, not: Notification) -> Result<()> {
        match not.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(not.params) else {
                    return Ok(());
                };
                self.host
                    .set_file(p.text_document.uri.as_str(), p.text_document.text);
                self.publish_all()?;
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(not.params)
                else {
                    return Ok(());
                };
                // Full sync: the last change holds the whole text.
                if let Some(change) = p.content_changes.into_iter().last() {
                    self.host
                        .set_file(p.text_document.uri.as_str(), change.text);
                    self.publish_all()?;
                }
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(not.params) else {
                    return Ok(());
                };
                let uri = p.text_document.uri;
                self.host.remove_file(uri.as_str());
                self.publish(&uri, Vec::new())?;
                self.publish_all()?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Publishes the diagnostics of every open file (an edit can fix or break another file).
    fn publish_all(&self) -> Result<()> {
        let paths: Vec<String> = self.host.paths().map(str::to_string).collect();
        for path in paths {
            let Ok(uri) = path.parse::<Uri>() else {
                continue;
            };
            let text = self.host.text(&path).unwrap_or_default();
            let index = LineIndex::new(text);
            let diags = self
                .host
                .diagnostics(&path)
                .iter()
                .map(|d| convert::diagnostic(&index, d))
                .collect();
            self.publish(&uri, diags)?;
        }
        Ok(())
    }

    fn publish(&self, uri: &Uri, diagnostics: Vec<lsp_types::Diagnostic>) -> Result<()> {
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version: None,
        };
        self.connection
            .sender
            .send(Message::Notification(Notification::new(
                PublishDiagnostics::METHOD.to_string(),
                params,
            )))?;
        Ok(())
    }

    fn respond(&self, id: RequestId, result: serde_json::Value) -> Result<()> {
        self.connection
            .sender
            .send(Message::Response(Response::new_ok(id, result)))?;
        Ok(())
    }

    /// The file and byte offset a position request points at.
    fn locate(&self, uri: &Uri, pos: lsp_types::Position) -> Option<(String, usize)> {
        let path = uri.as_str().to_string();
        let text = self.host.text(&path)?;
        let offset = LineIndex::new(text).offset(pos);
        Some((path, offset))
    }

    fn request(&mut self, req: Request) -> Result<()> {
        let id = req.id.clone();
        let result = match req.method.as_str() {
            HoverRequest::METHOD => serde_json::from_value::<HoverParams>(req.params)
                .ok()
                .and_then(|p| {
                    let tdp = p.text_document_position_params;
                    let (path, offset) = self.locate(&tdp.text_document.uri, tdp.position)?;
                    let hover = self.host.hover(&path, offset)?;
                    let index = LineIndex::new(self.host.text(&path)?);
                    serde_json::to_value(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: hover.markdown,
                        }),
                        range: Some(index.range(hover.span)),
                    })
                    .ok()
                }),
            GotoDefinition::METHOD => serde_json::from_value::<GotoDefinitionParams>(req.params)
                .ok()
                .and_then(|p| {
                    let tdp = p.text_document_position_params;
                    let (path, offset) = self.locate(&tdp.text_document.uri, tdp.position)?;
                    let loc = self.host.definition(&path, offset)?;
                    let uri = loc.file.parse::<Uri>().ok()?;
                    let index = LineIndex::new(self.host.text(&loc.file)?);
                    serde_json::to_value(GotoDefinitionResponse::Scalar(lsp_types::Location {
                        uri,
                        range: index.range(loc.span),
                    }))
                    .ok()
                }),
            Completion::METHOD => serde_json::from_value::<CompletionParams>(req.params)
                .ok()
                .and_then(|p| {
                    let tdp = p.text_document_position;
                    let (path, offset) = self.locate(&tdp.text_document.uri, tdp.position)?;
                    let items: Vec<CompletionItem> = self
                        .host
                        .completions(&path, offset)
                        .into_iter()
                        .map(|c| CompletionItem {
                            label: c.label,
                            kind: Some(match c.kind {
                                CompletionKind::Field => CompletionItemKind::FIELD,
                                CompletionKind::Keyword => CompletionItemKind::ENUM_MEMBER,
                                CompletionKind::Function => CompletionItemKind::FUNCTION,
                                CompletionKind::Variable => CompletionItemKind::VARIABLE,
                            }),
                            detail: c.detail,
                            documentation: c.doc.map(lsp_types::Documentation::String),
                            ..CompletionItem::default()
                        })
                        .collect();
                    serde_json::to_value(CompletionResponse::Array(items)).ok()
                }),
            _ => {
                self.connection
                    .sender
                    .send(Message::Response(Response::new_err(
                        id,
                        lsp_server::ErrorCode::MethodNotFound as i32,
                        format!("unsupported request {}", req.method),
                    )))?;
                return Ok(());
            }
        };
        self.respond(id, result.unwrap_or(serde_json::Value::Null))
    }
}
