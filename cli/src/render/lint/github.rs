//! `--format github`: GitHub Actions workflow commands, one line per finding
//! (`::error file=F,line=L,col=C,endLine=..,endColumn=..,title=CODE::message`), which GitHub shows
//! as annotations on the pull request. Errors are `error`, warnings `warning`, the rest `notice`.

use std::fmt::Write;

use cairn_syntax::Severity;

use super::LintReport;

/// Escapes a command's message: `%`, CR and LF.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value: as the message, plus `:` and `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for d in &report.items {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        if let Some(u) = &d.uncertain {
            message.push_str("\nnote: ");
            message.push_str(u);
        }
        let _ = writeln!(
            out,
            "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&d.file),
            d.line,
            d.column,
            d.end_line,
            d.end_column,
            property(&d.code),
            data(&message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot() {
        insta::assert_snapshot!(super::render(&super::super::sample()));
    }
}
