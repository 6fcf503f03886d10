//! Rules-file features: field types for hover and completion come from the model table
//! (`cairn_sema::rules::model::TYPES`); variables get their type from the `for x in ...`,
//! `any(x in ...)` or `x: type` that binds them (the nearest binding before the cursor).

use cairn_sema::rules::CompiledRules;
use cairn_sema::rules::model::{self, FieldDef};
use cairn_syntax::Span;

use crate::{Completion, CompletionKind, Hover, Location, path_at};

/// A token of a rules file: a dotted word or one punctuation character (strings and comments
/// are skipped).
#[derive(Debug)]
struct Token<'a> {
    text: &'a str,
    start: usize,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if b == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if is_word(b) {
            let start = i;
            while i < bytes.len() && (is_word(bytes[i]) || bytes[i] == b'.') {
                i += 1;
            }
            out.push(Token {
                text: &text[start..i.min(bytes.len())],
                start,
            });
        } else if b.is_ascii_whitespace() || !b.is_ascii() {
            i += 1;
        } else {
            out.push(Token {
                text: &text[i..i + 1],
                start: i,
            });
            i += 1;
        }
    }
    out
}

/// How a variable is bound: `x in <expr>` (its type is the element type) or `x: <type>`.
enum Binding<'a> {
    In(&'a str),
    Declared(&'a str),
}

/// The binding of `name` nearest before `offset`.
fn binding<'a>(toks: &[Token<'a>], name: &str, offset: usize) -> Option<Binding<'a>> {
    let mut found = None;
    for (i, t) in toks.iter().enumerate() {
        if t.start >= offset {
            break;
        }
        if t.text != name {
            continue;
        }
        match (toks.get(i + 1).map(|t| t.text), toks.get(i + 2)) {
            (Some("in"), Some(next)) => found = Some(Binding::In(next.text)),
            (Some(":"), Some(next)) if model::type_def(next.text).is_some() => {
                found = Some(Binding::Declared(next.text))
            }
            _ => {}
        }
    }
    found
}

/// `list[column]?` -> `column`.
fn element(ty: &str) -> &str {
    let ty = ty.trim_end_matches('?');
    ty.strip_prefix("list[")
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(ty)
}

fn global(name: &str) -> Option<&'static FieldDef> {
    model::type_def("state")
        .and_then(|t| t.field(name))
        .or_else(|| model::type_def("plan").and_then(|t| t.field(name)))
}

/// The model type of a dotted expression (as the language writes it: `list[column]`, `int?`).
fn type_of(toks: &[Token<'_>], segs: &[&str], offset: usize, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    let (first, rest) = segs.split_first()?;
    let mut ty: String = match binding(toks, first, offset) {
        Some(Binding::Declared(t)) => t.to_string(),
        Some(Binding::In(expr)) => {
            let parts: Vec<&str> = expr.split('.').collect();
            element(&type_of(toks, &parts, offset, depth + 1)?).to_string()
        }
        None => global(first)?.ty.to_string(),
    };
    for seg in rest {
        let def = model::type_def(ty.trim_end_matches('?'))?;
        ty = def.field(seg)?.ty.to_string();
    }
    Some(ty)
}

fn field_markdown(owner: &str, f: &FieldDef) -> String {
    let mut md = format!("`{owner}.{}`: `{}`\n\n{}", f.name, f.ty, f.doc);
    if !f.values.is_empty() {
        md.push_str(&format!("\n\nOne of: {}", f.values.join(", ")));
    }
    md
}

pub(crate) fn hover(text: &str, offset: usize, compiled: &CompiledRules) -> Option<Hover> {
    let (segs, span) = path_at(text, offset)?;
    let toks = tokens(text);
    if let Some((last, prefix)) = segs.split_last()
        && !prefix.is_empty()
    {
        let owner = type_of(&toks, prefix, offset, 0)?;
        let owner = owner.trim_end_matches('?');
        let f = model::type_def(owner)?.field(last)?;
        return Some(Hover {
            markdown: field_markdown(owner, f),
            span,
        });
    }
    let name = segs[0];
    if let Some(p) = compiled.predicates.iter().find(|p| p.name == name) {
        let params: Vec<String> = p.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let mut md = format!(
            "```\npredicate {}({}): {}\n```",
            p.name,
            params.join(", "),
            p.ret
        );
        if let Some(doc) = &p.doc {
            md.push_str(&format!("\n\n{}", doc.raw));
        }
        return Some(Hover { markdown: md, span });
    }
    if let Some(p) = compiled.params.iter().find(|p| p.name == name) {
        return Some(Hover {
            markdown: format!("```\nparam {}: {}\n```", p.name, p.ty),
            span,
        });
    }
    if model::CHANGE_KINDS.contains(&name) {
        return Some(Hover {
            markdown: format!("change kind `{name}`"),
            span,
        });
    }
    let ty = type_of(&toks, &segs, offset, 0)?;
    let md = match (binding(&toks, name, offset), global(name)) {
        (None, Some(f)) => field_markdown("global", f),
        _ => {
            let doc = model::type_def(element(&ty))
                .map(|d| d.doc)
                .unwrap_or_default();
            format!("`{name}`: `{ty}`\n\n{doc}")
        }
    };
    Some(Hover { markdown: md, span })
}

pub(crate) fn definition(
    file: &str,
    text: &str,
    offset: usize,
    compiled: &CompiledRules,
) -> Option<Location> {
    let (segs, _) = path_at(text, offset)?;
    if segs.len() != 1 {
        return None;
    }
    let name = segs[0];
    let local = |module: &str| module == file;
    let span: Span = compiled
        .predicates
        .iter()
        .find(|p| p.name == name && local(&p.module))
        .map(|p| p.span)
        .or_else(|| {
            compiled
                .lets
                .iter()
                .find(|l| l.name == name && local(&l.module))
                .map(|l| l.span)
        })
        .or_else(|| {
            compiled
                .params
                .iter()
                .find(|p| p.name == name && local(&p.module))
                .map(|p| p.span)
        })
        .or_else(|| {
            compiled
                .rules
                .iter()
                .find(|r| r.name == name || r.code.as_deref() == Some(name))
                .map(|r| r.name_span)
        })?;
    Some(Location {
        file: file.to_string(),
        span,
    })
}

pub(crate) fn completions(text: &str, offset: usize, compiled: &CompiledRules) -> Vec<Completion> {
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return Vec::new();
    }
    let before = &text[..offset];
    // The word being typed is not part of the context.
    let typed = before
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
        .len();
    let head = &text[..typed];
    let toks = tokens(head);
    if let Some(chain_end) = head.strip_suffix('.') {
        let start = chain_end
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            .len();
        let chain = &chain_end[start..];
        let segs: Vec<&str> = chain.split('.').collect();
        if segs.iter().any(|s| s.is_empty()) {
            return Vec::new();
        }
        let Some(ty) = type_of(&toks, &segs, offset, 0) else {
            return Vec::new();
        };
        let owner = ty.trim_end_matches('?');
        let Some(def) = model::type_def(owner) else {
            return Vec::new();
        };
        return def
            .fields
            .iter()
            .map(|f| Completion {
                label: f.name.to_string(),
                kind: CompletionKind::Field,
                detail: Some(f.ty.to_string()),
                doc: Some(f.doc.to_string()),
            })
            .collect();
    }
    if toks.last().map(|t| t.text) == Some("is") {
        return model::CHANGE_KINDS
            .iter()
            .map(|k| Completion {
                label: k.to_string(),
                kind: CompletionKind::Keyword,
                detail: Some("change kind".to_string()),
                doc: None,
            })
            .collect();
    }
    // Anywhere else: globals and predicates.
    let mut out: Vec<Completion> = ["state", "plan"]
        .iter()
        .filter_map(|t| model::type_def(t))
        .flat_map(|t| t.fields.iter())
        .map(|f| Completion {
            label: f.name.to_string(),
            kind: CompletionKind::Variable,
            detail: Some(f.ty.to_string()),
            doc: Some(f.doc.to_string()),
        })
        .collect();
    out.dedup_by(|a, b| a.label == b.label);
    out.extend(compiled.predicates.iter().map(|p| Completion {
        label: p.name.clone(),
        kind: CompletionKind::Function,
        detail: Some(format!("predicate: {}", p.ret)),
        doc: p.doc.as_ref().map(|d| d.summary.clone()),
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "predicate app_role(r: role) = r.name matches \"^app_\"\n\
rule SEC101 app-role: error on schema {\n  for t in tables\n  for c in t.columns where c.\n  deny\n}\n";

    #[test]
    fn types_flow_through_bindings() {
        let toks = tokens(SRC);
        let off = SRC.find("where c.").unwrap() + 8;
        assert_eq!(type_of(&toks, &["c"], off, 0).as_deref(), Some("column"));
        assert_eq!(type_of(&toks, &["t"], off, 0).as_deref(), Some("table"));
        let r = SRC.find("r.name").unwrap() + 1;
        assert_eq!(type_of(&toks, &["r"], r, 0).as_deref(), Some("role"));
    }

    #[test]
    fn completes_fields_and_kinds() {
        let compiled = cairn_sema::rules::compile_rules_text("a.cairn", SRC);
        let off = SRC.find("where c.").unwrap() + 8;
        let items = completions(SRC, off, &compiled);
        assert!(items.iter().any(|c| c.label == "nullable"), "{items:?}");
        let src = "rule X1 a: error on plan { for c in changes where c is dr";
        let items = completions(src, src.len(), &compiled);
        assert!(items.iter().any(|c| c.label == "drop_column"));
        // Nothing panics at any offset.
        for i in 0..=SRC.len() {
            let _ = completions(SRC, i, &compiled);
            let _ = hover(SRC, i, &compiled);
            let _ = definition("a.cairn", SRC, i, &compiled);
        }
    }
}
