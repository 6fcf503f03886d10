//! Replay uncertainty for `cairn lint` on migration files (without `--dev-url`).
//!
//! Cairn replays migration files on its SQL interpreter. A statement the interpreter does not
//! (fully) apply — one that does not parse (E3xxx errors), one it cannot represent (E101), an
//! `ALTER` action it ignores (E108), or one that names something the state lacks (E103-E107) —
//! is reported as a diagnostic at its position, and the state after it is *uncertain*: lint
//! still runs, but each finding computed from that state carries the reason, so nothing is
//! skipped or trusted silently:
//!
//! - an uninterpreted statement in an earlier file of the directory: every finding of the file;
//! - in the linted file itself: every schema finding (they read the state after the file), every
//!   plan finding at or after the first uninterpreted statement, and every plan finding on a
//!   table an uninterpreted statement names (it may have changed it anywhere in the file).
//!
//! Statements that change no schema (E102: DML, `SET`, ...) do not make the state uncertain.

use cairn_syntax::Diagnostic;

use cairn_core::lint::statement_target;

/// Whether a diagnostic of the SQL replay means its statement was not (fully) applied to the
/// state.
pub fn not_interpreted(d: &Diagnostic) -> bool {
    d.is_error() || matches!(d.code.as_str(), "E101" | "E108")
}

/// A statement the replay did not interpret.
#[derive(Clone, Debug)]
struct Gap {
    /// Byte offset of the statement (or the narrowed diagnostic) in its file.
    start: usize,
    /// The table the statement names, folded as the dialect folds it, if any.
    table: Option<String>,
    reason: String,
}

/// Where the state of one linted migration file stops being certain.
#[derive(Clone, Debug, Default)]
pub struct Uncertainty {
    /// The first uninterpreted statement of an earlier file: the whole file is uncertain.
    before: Option<String>,
    /// The file's own uninterpreted statements, in order.
    gaps: Vec<Gap>,
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn describe(d: &Diagnostic) -> String {
    format!(
        "Cairn's replay did not apply the statement there ({}: {})",
        d.code, d.message
    )
}

impl Uncertainty {
    /// The uncertainty of `path` (text `text`) given the replay's diagnostics, which cover the
    /// earlier files (`text_of` gives their texts) and the file itself. `fold` folds a name as
    /// the dialect does.
    pub fn of(
        diagnostics: &[Diagnostic],
        path: &str,
        text: &str,
        text_of: impl Fn(&str) -> Option<String>,
        fold: impl Fn(&str) -> String,
    ) -> Uncertainty {
        let mut u = Uncertainty::default();
        for d in diagnostics.iter().filter(|d| not_interpreted(d)) {
            let start = d.span.start as usize;
            if d.file == path {
                let stmt = statement_at(text, start);
                u.gaps.push(Gap {
                    start,
                    table: statement_target(stmt).map(|n| {
                        let last = n.rsplit('.').next().unwrap_or(&n).to_string();
                        fold(&last)
                    }),
                    reason: format!(
                        "the state after line {} is uncertain: {}",
                        line_of(text, start),
                        describe(d)
                    ),
                });
            } else if u.before.is_none() {
                let line = text_of(&d.file).map_or(1, |t| line_of(&t, start));
                u.before = Some(format!(
                    "the state before this file is uncertain: {}:{line}: {}",
                    d.file,
                    describe(d)
                ));
            }
        }
        u.gaps.sort_by_key(|g| g.start);
        u
    }

    /// Why a schema finding (read from the state after the file) is uncertain.
    pub fn of_schema_finding(&self) -> Option<String> {
        self.before
            .clone()
            .or_else(|| self.gaps.first().map(|g| g.reason.clone()))
    }

    /// Why a plan finding located at byte `at` of the file, on `table` (folded) if known, is
    /// uncertain.
    pub fn of_plan_finding(&self, at: usize, table: Option<&str>) -> Option<String> {
        if let Some(b) = &self.before {
            return Some(b.clone());
        }
        if let Some(t) = table
            && let Some(g) = self.gaps.iter().find(|g| g.table.as_deref() == Some(t))
        {
            return Some(g.reason.clone());
        }
        self.gaps
            .iter()
            .take_while(|g| g.start <= at)
            .last()
            .map(|g| g.reason.clone())
    }
}

/// The text from the start of the statement holding byte `at` (the line after the last `;`
/// before it) to the next `;`: enough to find the table a DDL statement names.
fn statement_at(text: &str, at: usize) -> &str {
    let at = at.min(text.len());
    let at = (0..=at)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    let start = text[..at].rfind(';').map_or(0, |i| i + 1);
    let end = text[at..].find(';').map_or(text.len(), |i| at + i);
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_syntax::Span;

    #[test]
    fn a_file_gap_covers_later_statements_and_its_table() {
        let text = "CREATE TABLE a (id int);\nALTER TABLE b FROB;\nCREATE TABLE c (id int);\n";
        let d = Diagnostic::error("E3010", "f.sql", Span::new(25, 44), "bad");
        let u = Uncertainty::of(&[d], "f.sql", text, |_| None, |s| s.to_string());
        assert!(u.of_plan_finding(0, Some("a")).is_none());
        assert!(u.of_plan_finding(0, Some("b")).is_some());
        let r = u.of_plan_finding(45, Some("c")).unwrap();
        assert!(r.starts_with("the state after line 2 is uncertain"), "{r}");
        assert!(u.of_schema_finding().is_some());
    }

    #[test]
    fn an_earlier_file_gap_covers_everything() {
        let d = Diagnostic::warning("E101", "1.sql", Span::new(0, 1), "x");
        let u = Uncertainty::of(
            &[d],
            "2.sql",
            "",
            |_| Some("x".to_string()),
            |s| s.to_string(),
        );
        let r = u.of_plan_finding(0, None).unwrap();
        assert!(r.contains("1.sql:1"), "{r}");
    }

    #[test]
    fn skipped_dml_is_certain() {
        let d = Diagnostic::warning("E102", "f.sql", Span::new(0, 1), "x");
        assert!(!not_interpreted(&d));
    }
}
