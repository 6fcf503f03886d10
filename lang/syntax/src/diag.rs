//! Diagnostics as values: every stage returns them beside its result; only the edges (the CLI
//! renderers, the language server) turn them into text or protocol messages.

use std::ops::Range;

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// This span moved `by` bytes forward (block-relative spans become file spans).
    pub fn shift(self, by: usize) -> Span {
        Span {
            start: self.start + by as u32,
            end: self.end + by as u32,
        }
    }

    /// The span moved `by` bytes, forward or back (where an edit before it moved its text).
    pub fn moved(self, by: isize) -> Span {
        Span {
            start: (self.start as isize + by) as u32,
            end: (self.end as isize + by) as u32,
        }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.end == self.start
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl From<Range<usize>> for Span {
    fn from(r: Range<usize>) -> Span {
        Span::new(r.start, r.end)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn from_name(s: &str) -> Option<Severity> {
        Some(match s {
            "error" => Severity::Error,
            "warning" | "warn" => Severity::Warning,
            "info" => Severity::Info,
            "hint" => Severity::Hint,
            _ => return None,
        })
    }
}

/// A secondary location with a note.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub file: String,
    pub span: Span,
    pub message: String,
}

/// A fix: replace `span` in `file` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Suggestion {
    pub title: String,
    pub file: String,
    pub span: Span,
    pub replacement: String,
}

/// One finding about the source: a code, a severity, a message and a primary location.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// A stable code: `E` + digits for compiler errors (see `docs/diagnostics.md`), rule codes
    /// (`DS102`) for lint findings.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// The file the primary span is in, as the user named it.
    pub file: String,
    pub span: Span,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub suggestion: Option<Suggestion>,
}

impl Diagnostic {
    pub fn new(
        code: &str,
        severity: Severity,
        file: &str,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code: code.to_string(),
            severity,
            message: message.into(),
            file: file.to_string(),
            span,
            labels: Vec::new(),
            help: None,
            suggestion: None,
        }
    }

    pub fn error(code: &str, file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, file, span, message)
    }

    pub fn warning(code: &str, file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Warning, file, span, message)
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            file: file.to_string(),
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_suggestion(
        mut self,
        title: impl Into<String>,
        replacement: impl Into<String>,
    ) -> Diagnostic {
        self.suggestion = Some(Suggestion {
            title: title.into(),
            file: self.file.clone(),
            span: self.span,
            replacement: replacement.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Moves every span of the diagnostic `by` bytes forward (block-relative to file-relative).
    pub fn shifted(self, by: usize) -> Diagnostic {
        self.moved(by as isize)
    }
}

impl Diagnostic {
    /// Moves every span of the diagnostic `by` bytes, forward or back (an edit before it).
    pub fn moved(mut self, by: isize) -> Diagnostic {
        self.span = self.span.moved(by);
        for l in &mut self.labels {
            l.span = l.span.moved(by);
        }
        if let Some(s) = &mut self.suggestion {
            s.span = s.span.moved(by);
        }
        self
    }
}

/// 1-based line and column (in characters) of a byte offset, for renderers and JSON output.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Suggests the candidate closest to `name` (Levenshtein distance at most a third of its length),
/// for "did you mean" help.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (levenshtein(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance where insertions, deletions, substitutions and swaps of two neighbouring
/// characters each cost one (optimal string alignment), so `emial` is one edit from `email`.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\ncdé f";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, t.find('f').unwrap()), (2, 5));
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            did_you_mean("emial", ["email", "id", "name"]),
            Some("email")
        );
        assert_eq!(did_you_mean("zzz", ["email", "id"]), None);
    }
}
