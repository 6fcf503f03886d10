//! `--format github`: GitHub Actions workflow commands, one line per finding
//! (`::error file=F,line=L,col=C,endLine=..,endColumn=..,title=CODE::message`), which GitHub shows
//! as annotations on the pull request. Errors are `error`, warnings `warning`, the rest `notice`.

use std::io::{self, Write};

use cairn_syntax::Severity;

use super::{LintReport, escaped};

/// A command's message escape: `%`, CR and LF.
fn data(c: char) -> Option<&'static str> {
    match c {
        '%' => Some("%25"),
        '\r' => Some("%0D"),
        '\n' => Some("%0A"),
        _ => None,
    }
}

/// A command's property value escape: as the message, plus `:` and `,`.
fn property(c: char) -> Option<&'static str> {
    match c {
        ':' => Some("%3A"),
        ',' => Some("%2C"),
        c => data(c),
    }
}

pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.items {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        write!(out, "::{kind} file=")?;
        escaped(out, &d.file, property)?;
        write!(
            out,
            ",line={},col={},endLine={},endColumn={},title=",
            d.line, d.column, d.end_line, d.end_column
        )?;
        escaped(out, &d.code, property)?;
        out.write_all(b"::")?;
        escaped(out, &d.message, data)?;
        if let Some(h) = &d.help {
            out.write_all(b"%0Ahelp: ")?;
            escaped(out, h, data)?;
        }
        if let Some(u) = &d.uncertain {
            out.write_all(b"%0Anote: ")?;
            escaped(out, u, data)?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The report as text, for the snapshot.
#[cfg(test)]
fn render(report: &LintReport) -> String {
    super::render(report, super::LintFormat::Github)
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot() {
        insta::assert_snapshot!(super::render(&super::super::sample()));
    }
}
