//! One function per request: decode the params, ask `cairn-ide`, encode the answer.

use cairn_ide::CompletionKind;
use lsp_server::Request;
use lsp_types::request::{Completion, GotoDefinition, HoverRequest, Request as _};
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionParams, CompletionResponse, GotoDefinitionParams,
    GotoDefinitionResponse, Hover, HoverContents, HoverParams, MarkupContent, MarkupKind, Uri,
};
use serde_json::Value;

use crate::Server;
use crate::convert::LineIndex;

/// The answer to `req`: `Some(null)` when there is nothing to say, `None` for a method the
/// server does not implement.
pub(crate) fn dispatch(s: &Server<'_>, req: Request) -> Option<Value> {
    let params = req.params;
    let result = match req.method.as_str() {
        HoverRequest::METHOD => hover(s, serde_json::from_value(params).ok()?),
        GotoDefinition::METHOD => definition(s, serde_json::from_value(params).ok()?),
        Completion::METHOD => completion(s, serde_json::from_value(params).ok()?),
        _ => return None,
    };
    Some(result.unwrap_or(Value::Null))
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
