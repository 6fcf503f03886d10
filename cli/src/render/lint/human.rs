//! `--format human`: `file:line:column: severity[CODE]: message`, a help line, and a count.

use std::io::{self, Write};

use super::LintReport;

pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.items {
        writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            d.file,
            d.line,
            d.column,
            d.severity.name(),
            d.code,
            d.message
        )?;
        if let Some(h) = &d.help {
            writeln!(out, "  help: {h}")?;
        }
        if let Some(u) = &d.uncertain {
            writeln!(out, "  note: {u}")?;
        }
    }
    let errors = report.errors();
    if report.items.is_empty() {
        out.write_all(b"No issues found.\n")?;
    } else {
        writeln!(
            out,
            "{errors} error(s), {} other finding(s)",
            report.items.len() - errors
        )?;
    }
    Ok(())
}

/// The report as text, for the snapshot.
#[cfg(test)]
fn render(report: &LintReport) -> String {
    super::render(report, super::LintFormat::Human)
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot() {
        insta::assert_snapshot!(super::render(&super::super::sample()));
    }
}
