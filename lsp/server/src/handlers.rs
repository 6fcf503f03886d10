//! One function per request: decode the params, ask `cairn-ide`, encode the answer.

use cairn_ide::CompletionKind;
use lsp_server::Request;
use std::collections::HashMap;

use lsp_types::request::{
    CodeActionRequest, CodeLensRequest, Completion, DocumentSymbolRequest, Formatting,
    GotoDefinition, HoverRequest, PrepareRenameRequest, References, Rename, Request as _,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionParams, CodeLens, CodeLensParams, Command,
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse,
    DocumentFormattingParams, DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, MarkupContent,
    MarkupKind, PrepareRenameResponse, ReferenceParams, RenameParams, SymbolKind,
    TextDocumentPositionParams, Uri, WorkspaceEdit,
};
use serde_json::Value;

use crate::Server;
use crate::convert::LineIndex;

/// The answer to `req`: `Ok(null)` when there is nothing to say, `Err` with a message when
/// the request cannot be carried out (a rename to a taken name), `None` for a method the server
/// does not implement.
pub(crate) fn dispatch(s: &Server<'_>, req: Request) -> Option<Result<Value, String>> {
    fn params<P: serde::de::DeserializeOwned>(v: Value) -> Option<P> {
        serde_json::from_value(v).ok()
    }
    let p = req.params;
    let result = match req.method.as_str() {
        HoverRequest::METHOD => params(p).and_then(|p| hover(s, p)),
        GotoDefinition::METHOD => params(p).and_then(|p| definition(s, p)),
        Completion::METHOD => params(p).and_then(|p| completion(s, p)),
        PrepareRenameRequest::METHOD => params(p).and_then(|p| prepare_rename(s, p)),
        Rename::METHOD => match params(p) {
            Some(p) => return Some(rename(s, p)),
            None => None,
        },
        References::METHOD => params(p).and_then(|p| references(s, p)),
        CodeActionRequest::METHOD => params(p).and_then(|p| code_actions(s, p)),
        CodeLensRequest::METHOD => params(p).and_then(|p| code_lenses(s, p)),
        DocumentSymbolRequest::METHOD => params(p).and_then(|p| symbols(s, p)),
        Formatting::METHOD => match params(p) {
            Some(p) => return Some(format(s, p)),
            None => None,
        },
        _ => return None,
    };
    Some(Ok(result.unwrap_or(Value::Null)))
}

// `WorkspaceEdit::changes` is lsp-types' `HashMap<Uri, _>`; its `Uri` caches a parsed
// authority in a `Cell`, which never changes its hash.
#[allow(clippy::mutable_key_type)]
fn workspace_edit(s: &Server<'_>, files: Vec<cairn_ide::FileEdits>) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<lsp_types::TextEdit>> = HashMap::new();
    for f in files {
        let (Some(uri), Some(text)) = (uri_of(s, &f.file), s.host.text(&f.file)) else {
            continue;
        };
        let index = LineIndex::new(text);
        changes
            .entry(uri)
            .or_default()
            .extend(f.edits.into_iter().map(|e| lsp_types::TextEdit {
                range: index.range(e.span),
                new_text: e.new_text,
            }));
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}

fn prepare_rename(s: &Server<'_>, p: TextDocumentPositionParams) -> Option<Value> {
    let (key, offset) = locate(s, &p.text_document.uri, p.position)?;
    let (span, name) = s.host.prepare_rename(&key, offset)?;
    let index = LineIndex::new(s.host.text(&key)?);
    serde_json::to_value(PrepareRenameResponse::RangeWithPlaceholder {
        range: index.range(span),
        placeholder: name,
    })
    .ok()
}

fn rename(s: &Server<'_>, p: RenameParams) -> Result<Value, String> {
    let tdp = p.text_document_position;
    let (key, offset) =
        locate(s, &tdp.text_document.uri, tdp.position).ok_or("the file is not open")?;
    let files = s.host.rename(&key, offset, &p.new_name)?;
    serde_json::to_value(workspace_edit(s, files)).map_err(|e| e.to_string())
}

fn references(s: &Server<'_>, p: ReferenceParams) -> Option<Value> {
    let tdp = p.text_document_position;
    let (key, offset) = locate(s, &tdp.text_document.uri, tdp.position)?;
    let mut locs = s.host.references(&key, offset);
    if !p.context.include_declaration && !locs.is_empty() {
        // The declaration comes first.
        locs.remove(0);
    }
    let out: Vec<lsp_types::Location> = locs
        .into_iter()
        .filter_map(|l| {
            let index = LineIndex::new(s.host.text(&l.file)?);
            Some(lsp_types::Location {
                uri: uri_of(s, &l.file)?,
                range: index.range(l.span),
            })
        })
        .collect();
    serde_json::to_value(out).ok()
}

fn code_actions(s: &Server<'_>, p: CodeActionParams) -> Option<Value> {
    let key = crate::key_of(p.text_document.uri.as_str());
    let text = s.host.text(&key)?;
    let index = LineIndex::new(text);
    let offset = index.offset(p.range.start);
    let actions: Vec<CodeAction> = s
        .host
        .code_actions(&key, offset)
        .into_iter()
        .map(|a| CodeAction {
            title: a.title,
            kind: Some(CodeActionKind::QUICKFIX),
            edit: Some(workspace_edit(s, a.edits)),
            ..CodeAction::default()
        })
        .collect();
    serde_json::to_value(actions).ok()
}

/// The host key and byte offset a position points at.
pub(crate) fn locate(
    s: &Server<'_>,
    uri: &Uri,
    pos: lsp_types::Position,
) -> Option<(String, usize)> {
    let key = crate::key_of(uri.as_str());
    let text = s.host.text(&key)?;
    let offset = LineIndex::new(text).offset(pos);
    Some((key, offset))
}

/// The URI to show a host file under: the editor's own for an open file.
pub(crate) fn uri_of(s: &Server<'_>, key: &str) -> Option<Uri> {
    match s.open.get(key) {
        Some(uri) => Some(uri.clone()),
        None => key.parse().ok(),
    }
}

fn hover(s: &Server<'_>, p: HoverParams) -> Option<Value> {
    let tdp = p.text_document_position_params;
    let (key, offset) = locate(s, &tdp.text_document.uri, tdp.position)?;
    let hover = s.host.hover(&key, offset)?;
    let index = LineIndex::new(s.host.text(&key)?);
    serde_json::to_value(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: hover.markdown,
        }),
        range: Some(index.range(hover.span)),
    })
    .ok()
}

fn definition(s: &Server<'_>, p: GotoDefinitionParams) -> Option<Value> {
    let tdp = p.text_document_position_params;
    let (key, offset) = locate(s, &tdp.text_document.uri, tdp.position)?;
    let loc = s.host.definition(&key, offset)?;
    let uri = uri_of(s, &loc.file)?;
    let index = LineIndex::new(s.host.text(&loc.file)?);
    serde_json::to_value(GotoDefinitionResponse::Scalar(lsp_types::Location {
        uri,
        range: index.range(loc.span),
    }))
    .ok()
}

fn completion(s: &Server<'_>, p: CompletionParams) -> Option<Value> {
    let tdp = p.text_document_position;
    let (key, offset) = locate(s, &tdp.text_document.uri, tdp.position)?;
    let items: Vec<CompletionItem> = s
        .host
        .completions(&key, offset)
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
}

fn symbols(s: &Server<'_>, p: DocumentSymbolParams) -> Option<Value> {
    let key = crate::key_of(p.text_document.uri.as_str());
    let index = LineIndex::new(s.host.text(&key)?);
    #[allow(deprecated)]
    fn convert(index: &LineIndex<'_>, sym: cairn_ide::Symbol) -> DocumentSymbol {
        use cairn_ide::SymbolKind as K;
        let range = index.range(sym.span);
        DocumentSymbol {
            name: sym.name,
            detail: None,
            kind: match sym.kind {
                K::Schema => SymbolKind::NAMESPACE,
                K::Table => SymbolKind::STRUCT,
                K::Column => SymbolKind::FIELD,
                K::Index => SymbolKind::KEY,
                K::Constraint => SymbolKind::PROPERTY,
                K::Type => SymbolKind::ENUM,
                K::Other => SymbolKind::OBJECT,
            },
            tags: None,
            deprecated: None,
            range,
            selection_range: range,
            children: Some(
                sym.children
                    .into_iter()
                    .map(|c| convert(index, c))
                    .collect(),
            ),
        }
    }
    let out: Vec<DocumentSymbol> = s
        .host
        .symbols(&key)
        .into_iter()
        .map(|sym| convert(&index, sym))
        .collect();
    serde_json::to_value(DocumentSymbolResponse::Nested(out)).ok()
}

fn format(s: &Server<'_>, p: DocumentFormattingParams) -> Result<Value, String> {
    let key = crate::key_of(p.text_document.uri.as_str());
    let Some(text) = s.host.text(&key) else {
        return Ok(Value::Null);
    };
    let index = LineIndex::new(text);
    match s.host.format(&key) {
        None => Ok(Value::Null),
        Some(Ok(formatted)) if formatted == text => Ok(serde_json::json!([])),
        Some(Ok(formatted)) => {
            let edit = lsp_types::TextEdit {
                range: index.range(cairn_syntax::Span::new(0, text.len())),
                new_text: formatted,
            };
            serde_json::to_value(vec![edit]).map_err(|e| e.to_string())
        }
        Some(Err((offset, message))) => {
            let p = index.position(offset);
            Err(format!(
                "cannot format: {}:{}: {message}",
                p.line + 1,
                p.character + 1
            ))
        }
    }
}

fn code_lenses(s: &Server<'_>, p: CodeLensParams) -> Option<Value> {
    let key = crate::key_of(p.text_document.uri.as_str());
    let index = LineIndex::new(s.host.text(&key)?);
    let lenses: Vec<CodeLens> = s
        .host
        .plan_preview(&key)
        .into_iter()
        .map(|l| CodeLens {
            range: index.range(l.span),
            command: Some(Command {
                title: l.title,
                command: crate::REFRESH_COMMAND.to_string(),
                arguments: None,
            }),
            data: None,
        })
        .collect();
    serde_json::to_value(lenses).ok()
}
