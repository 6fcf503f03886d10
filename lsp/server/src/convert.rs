//! Byte offsets <-> LSP positions (UTF-16 code units), and Cairn diagnostics -> LSP diagnostics:
//! the only place diagnostics are rendered for editors.

use cairn_syntax::{Diagnostic, Severity, Span};
use lsp_types::{
    DiagnosticSeverity, NumberOrString, Position, Range, TextDocumentContentChangeEvent,
};

/// The start offset of each line of a text.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let col: usize = self.text[self.starts[line]..offset]
            .chars()
            .map(char::len_utf16)
            .sum();
        Position::new(line as u32, col as u32)
    }

    pub fn offset(&self, pos: Position) -> usize {
        match self.starts.get(pos.line as usize) {
            Some(&start) => column_offset(self.text, start, pos.character),
            None => self.text.len(),
        }
    }

    pub fn range(&self, span: Span) -> Range {
        Range::new(
            self.position(span.start as usize),
            self.position(span.end as usize),
        )
    }
}

/// The offset of UTF-16 column `character` in the line starting at `start` (clamped to the
/// line's end).
fn column_offset(text: &str, start: usize, character: u32) -> usize {
    let mut units = 0usize;
    for (i, ch) in text[start..].char_indices() {
        if units >= character as usize || ch == '\n' {
            return start + i;
        }
        units += ch.len_utf16();
    }
    text.len()
}

/// The offset of `pos` in `text` without a line index: one ranged change needs two positions,
/// and building the index of a large file would cost more than finding its line.
fn offset_of(text: &str, pos: Position) -> usize {
    match line_start(text.as_bytes(), pos.line as usize) {
        Some(start) => column_offset(text, start, pos.character),
        None => text.len(),
    }
}

/// Where line `line` (0-based) of `b` starts, if it has that many lines. Newlines are counted
/// a block at a time (a loop the compiler vectorises), then found one by one in the last block.
fn line_start(b: &[u8], line: usize) -> Option<usize> {
    const BLOCK: usize = 256;
    let (mut seen, mut at) = (0usize, 0usize);
    if line == 0 {
        return Some(0);
    }
    while at + BLOCK <= b.len() {
        let n = b[at..at + BLOCK].iter().filter(|&&c| c == b'\n').count();
        if seen + n >= line {
            break;
        }
        seen += n;
        at += BLOCK;
    }
    memchr::memchr_iter(b'\n', &b[at..])
        .nth(line - seen - 1)
        .map(|i| at + i + 1)
}

/// `changes` applied in order to `text`: a change with a range replaces that range (positions
/// in UTF-16 code units, clamped to the text; a reversed range is read start-first), one
/// without replaces the whole text (full sync, which clients may still send).
pub fn apply_changes(text: String, changes: Vec<TextDocumentContentChangeEvent>) -> String {
    let mut out = text;
    for change in changes {
        match change.range {
            None => out = change.text,
            Some(range) => {
                let (a, b) = (offset_of(&out, range.start), offset_of(&out, range.end));
                let (start, end) = (a.min(b), a.max(b));
                out.replace_range(start..end, &change.text);
            }
        }
    }
    out
}

pub fn diagnostic(index: &LineIndex<'_>, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    lsp_types::Diagnostic {
        range: index.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(d.code.clone())),
        source: Some("cairn".to_string()),
        message,
        ..lsp_types::Diagnostic::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_round_trip() {
        let t = "ab\né😀x\n";
        let idx = LineIndex::new(t);
        let x = t.find('x').unwrap();
        assert_eq!(idx.position(x), Position::new(1, 3));
        assert_eq!(idx.offset(Position::new(1, 3)), x);
        assert_eq!(idx.offset(Position::new(9, 0)), t.len());
        assert_eq!(idx.offset(Position::new(0, 99)), 2);
    }

    #[test]
    fn offsets_without_an_index_agree_with_the_index() {
        let long = "x\n".repeat(700) + "é\n😀";
        for t in ["ab\né😀x\n\nlast", long.as_str()] {
            check_offsets(t);
        }
    }

    fn check_offsets(t: &str) {
        let idx = LineIndex::new(t);
        for line in 0..t.lines().count() as u32 + 2 {
            for character in 0..4 {
                let pos = Position::new(line, character);
                assert_eq!(offset_of(t, pos), idx.offset(pos), "{pos:?}");
            }
        }
    }

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l0, c0), (l1, c1))| {
                Range::new(Position::new(l0, c0), Position::new(l1, c1))
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order_at_utf16_positions() {
        let t = "ab\né😀x\n";
        // After the emoji (two UTF-16 units): line 1, character 3.
        let got = apply_changes(t.to_string(), vec![change(Some(((1, 3), (1, 3))), "Y")]);
        assert_eq!(got, "ab\né😀Yx\n");
        // Replace across lines, then insert at the start, in order.
        let got = apply_changes(
            t.to_string(),
            vec![
                change(Some(((0, 1), (1, 1))), "-"),
                change(Some(((0, 0), (0, 0))), ">"),
            ],
        );
        assert_eq!(got, ">a-😀x\n");
        // A full-text change replaces everything; later ranges apply to the new text.
        let got = apply_changes(
            t.to_string(),
            vec![change(None, "new\n"), change(Some(((0, 3), (0, 3))), "!")],
        );
        assert_eq!(got, "new!\n");
        // Out-of-range and reversed positions are clamped, never a panic; a position inside
        // a surrogate pair lands on a character boundary.
        let got = apply_changes(t.to_string(), vec![change(Some(((9, 0), (9, 5))), "z")]);
        assert_eq!(got, format!("{t}z"));
        let got = apply_changes(t.to_string(), vec![change(Some(((1, 2), (0, 99))), "")]);
        assert!(got.is_char_boundary(got.len()));
        let got = apply_changes(t.to_string(), vec![change(Some(((1, 1), (1, 2))), "")]);
        assert_eq!(got, "ab\né😀x\n".replace("😀", ""));
    }
}
