//! `--format json`: the contract's shape, `{"diagnostics": [{"code", "severity", "message",
//! "help", "file", "line", "column", "end_line", "end_column"}]}`, plus `"uncertain": true`
//! and `"uncertain_reason"` on a finding computed from an uncertain replayed state.

use std::io::{self, Write};

use super::{LintReport, json_str};

/// Written as `serde_json` writes the document (compact, keys in order), one finding at a time.
pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(b"{\"diagnostics\":[")?;
    for (i, d) in report.items.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"{\"code\":")?;
        json_str(out, &d.code)?;
        write!(
            out,
            ",\"column\":{},\"end_column\":{},\"end_line\":{},\"file\":",
            d.column, d.end_column, d.end_line
        )?;
        json_str(out, &d.file)?;
        out.write_all(b",\"help\":")?;
        match &d.help {
            Some(h) => json_str(out, h)?,
            None => out.write_all(b"null")?,
        }
        write!(out, ",\"line\":{},\"message\":", d.line)?;
        json_str(out, &d.message)?;
        out.write_all(b",\"severity\":")?;
        json_str(out, d.severity.name())?;
        if let Some(u) = &d.uncertain {
            out.write_all(b",\"uncertain\":true,\"uncertain_reason\":")?;
            json_str(out, u)?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"]}\n")
}

/// The report as text, for the snapshot.
#[cfg(test)]
fn render(report: &LintReport) -> String {
    super::render(report, super::LintFormat::Json)
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot() {
        insta::assert_snapshot!(super::render(&super::super::sample()));
    }
}
