//! The findings of `cairn lint` / `cairn migrate lint`, rendered for people and machines: one
//! file per format (`human`, `json`, `sarif`, `github`, `junit`). The lint runner builds a
//! [`LintReport`] (positions already turned into 1-based lines and columns); a renderer only
//! turns it into text.

mod github;
mod human;
mod json;
mod junit;
mod sarif;

use std::io::{self, Write};

use anyhow::{Result, bail};
use cairn_syntax::Severity;

/// One finding, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LintItem {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Set when the state the finding was computed from is uncertain (a statement before it
    /// was not interpreted by the replay): why.
    pub uncertain: Option<String>,
}

/// What a renderer may say about a rule that reported (SARIF lists them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// The code, or the rule's name when it has none.
    pub id: String,
    pub name: String,
    pub summary: Option<String>,
    /// The rule's default severity.
    pub severity: Severity,
}

/// Everything a lint run reports: the files it looked at (clean ones too), the findings that
/// were not suppressed (sorted by file and position), and the rules behind them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LintReport {
    pub files: Vec<String>,
    pub items: Vec<LintItem>,
    pub rules: Vec<RuleInfo>,
}

impl LintReport {
    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// The output formats of `cairn lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LintFormat {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

impl LintFormat {
    pub fn parse(s: &str) -> Result<LintFormat> {
        Ok(match s.trim() {
            "human" => LintFormat::Human,
            "json" | "{{ json . }}" => LintFormat::Json,
            "sarif" => LintFormat::Sarif,
            "github" => LintFormat::Github,
            "junit" => LintFormat::Junit,
            other => bail!(
                "unknown --format {other:?} for lint: expected human, json, sarif, github or junit"
            ),
        })
    }
}

/// Writes the report in `format` to `out` (ends with a newline); streamed, so a report of
/// many findings is never held as one text.
pub fn write(report: &LintReport, format: LintFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        LintFormat::Human => human::write(report, out),
        LintFormat::Json => json::write(report, out),
        LintFormat::Sarif => sarif::write(report, out),
        LintFormat::Github => github::write(report, out),
        LintFormat::Junit => junit::write(report, out),
    }
}

/// The report as text in `format` (ends with a newline).
#[cfg(test)]
pub fn render(report: &LintReport, format: LintFormat) -> String {
    let mut out = Vec::new();
    write(report, format, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("UTF-8")
}

/// `s` with each character written by `esc` (its escape, or `None` to keep it): the runs
/// between escapes are written whole.
pub(crate) fn escaped(
    out: &mut dyn Write,
    s: &str,
    esc: impl Fn(char) -> Option<&'static str>,
) -> io::Result<()> {
    let mut from = 0;
    for (i, c) in s.char_indices() {
        if let Some(e) = esc(c) {
            out.write_all(&s.as_bytes()[from..i])?;
            out.write_all(e.as_bytes())?;
            from = i + c.len_utf8();
        }
    }
    out.write_all(&s.as_bytes()[from..])
}

/// A JSON string literal, escaped as `serde_json` escapes it.
pub(crate) fn json_str(out: &mut dyn Write, s: &str) -> io::Result<()> {
    serde_json::to_writer(out, s).map_err(io::Error::other)
}

#[cfg(test)]
pub(crate) fn sample() -> LintReport {
    LintReport {
        files: vec![
            "migrations/1_init.sql".into(),
            "migrations/2_drop.sql".into(),
        ],
        items: vec![
            LintItem {
                code: "DS102".into(),
                severity: Severity::Error,
                message: "dropping table posts deletes its data".into(),
                help: Some("rename it first; drop it in a later release".into()),
                file: "migrations/2_drop.sql".into(),
                line: 4,
                column: 3,
                end_line: 4,
                end_column: 20,
                uncertain: None,
            },
            LintItem {
                code: "PG101".into(),
                severity: Severity::Warning,
                message: "index users_email, on existing table users: not CONCURRENTLY, 50% <done>, a,b: \"q\"\nnext".into(),
                help: None,
                file: "migrations/2_drop.sql".into(),
                line: 6,
                column: 1,
                end_line: 6,
                end_column: 42,
                uncertain: Some("the state after line 5 is uncertain: statement not understood (E3010)".into()),
            },
        ],
        rules: vec![
            RuleInfo {
                id: "DS102".into(),
                name: "drop-table".into(),
                summary: Some("Dropping a table deletes all of its rows.".into()),
                severity: Severity::Error,
            },
            RuleInfo {
                id: "PG101".into(),
                name: "create-index-not-concurrently".into(),
                summary: None,
                severity: Severity::Warning,
            },
        ],
    }
}
