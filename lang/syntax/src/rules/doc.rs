//! `///` documentation: kept raw, and split into a summary (the first paragraph), further
//! description, and `## Title` sections (`## Why it matters`, `## Example`, `## Use instead`).

use super::ast::{Doc, DocSection};
use super::lex::DocLine;
use crate::diag::Span;

pub(crate) fn parse_doc(lines: &[DocLine<'_>]) -> Doc {
    let span = match (lines.first(), lines.last()) {
        (Some(a), Some(b)) => a.span.cover(b.span),
        _ => Span::default(),
    };
    let raw = lines.iter().map(|l| l.text).collect::<Vec<_>>().join("\n");
    split_doc(raw, span)
}

/// Splits raw documentation text into its parts.
pub fn split_doc(raw: String, span: Span) -> Doc {
    let mut summary_lines: Vec<&str> = Vec::new();
    let mut body_lines: Vec<&str> = Vec::new();
    let mut sections: Vec<(String, Vec<&str>)> = Vec::new();
    // 0: before the summary, 1: in the summary, 2: after it, before any section.
    let mut phase = 0;
    let mut in_fence = false;
    for line in raw.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
        }
        if !in_fence && let Some(title) = trimmed.strip_prefix("## ") {
            sections.push((title.trim().to_string(), Vec::new()));
            continue;
        }
        if let Some((_, body)) = sections.last_mut() {
            body.push(line);
            continue;
        }
        match phase {
            0 if line.trim().is_empty() => {}
            0 | 1 if !line.trim().is_empty() => {
                phase = 1;
                summary_lines.push(line.trim());
            }
            1 => phase = 2,
            _ => body_lines.push(line),
        }
    }
    Doc {
        summary: summary_lines.join(" "),
        body: trim_blank_lines(&body_lines),
        sections: sections
            .into_iter()
            .map(|(title, body)| DocSection {
                title,
                body: trim_blank_lines(&body),
            })
            .collect(),
        raw,
        span,
    }
}

fn trim_blank_lines(lines: &[&str]) -> String {
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    match (start, end) {
        (Some(s), Some(e)) => lines[s..=e].join("\n"),
        _ => String::new(),
    }
}
