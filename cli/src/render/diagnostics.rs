//! Human rendering of diagnostics with ariadne: code, message, the source line with the span
//! underlined, labels and help. Byte offsets; colour only on a terminal.

use std::io::Write;

use ariadne::{Color, Config, IndexType, Label, Report, ReportKind, Source};
use cairn_syntax::{Diagnostic, Severity};

use crate::load::Sources;

/// Writes every diagnostic to `out` (stderr in the CLI).
pub fn write_all(out: &mut dyn Write, diagnostics: &[Diagnostic], sources: &Sources, color: bool) {
    for d in diagnostics {
        write_one(out, d, sources, color);
    }
}

fn kind(s: Severity) -> (ReportKind<'static>, Color) {
    match s {
        Severity::Error => (ReportKind::Error, Color::Red),
        Severity::Warning => (ReportKind::Warning, Color::Yellow),
        Severity::Info | Severity::Hint => (ReportKind::Advice, Color::Cyan),
    }
}

fn write_one(out: &mut dyn Write, d: &Diagnostic, sources: &Sources, color: bool) {
    let Some(text) = sources.files.get(&d.file) else {
        // No source text (a database, or a file we did not read): a plain line still locates it.
        let _ = writeln!(
            out,
            "{}[{}]: {}: {}",
            d.severity.name(),
            d.code,
            d.file,
            d.message
        );
        if let Some(h) = &d.help {
            let _ = writeln!(out, "  help: {h}");
        }
        return;
    };
    let (k, c) = kind(d.severity);
    let clamp = |r: std::ops::Range<usize>| r.start.min(text.len())..r.end.min(text.len());
    let file = d.file.as_str();
    let mut report = Report::build(k, (file, clamp(d.span.range())))
        .with_config(
            Config::default()
                .with_color(color)
                .with_index_type(IndexType::Byte),
        )
        .with_code(&d.code)
        .with_message(&d.message)
        .with_label(Label::new((file, clamp(d.span.range()))).with_color(c));
    for l in d.labels.iter().filter(|l| l.file == d.file) {
        report =
            report.with_label(Label::new((file, clamp(l.span.range()))).with_message(&l.message));
    }
    if let Some(h) = &d.help {
        report = report.with_help(h);
    }
    if let Some(s) = &d.suggestion {
        report = report.with_note(format!("{}: `{}`", s.title, s.replacement));
    }
    let _ = report
        .finish()
        .write((file, Source::from(text.as_str())), &mut *out);
}
