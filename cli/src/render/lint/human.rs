//! `--format human`: `file:line:column: severity[CODE]: message`, a help line, and a count.

use std::fmt::Write;

use super::LintReport;

pub fn render(report: &LintReport) -> String {
    let mut out = String::new();
    for d in &report.items {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            d.file,
            d.line,
            d.column,
            d.severity.name(),
            d.code,
            d.message
        );
        if let Some(h) = &d.help {
            let _ = writeln!(out, "  help: {h}");
        }
        if let Some(u) = &d.uncertain {
            let _ = writeln!(out, "  note: {u}");
        }
    }
    let errors = report.errors();
    if report.items.is_empty() {
        out.push_str("No issues found.\n");
    } else {
        let _ = writeln!(
            out,
            "{errors} error(s), {} other finding(s)",
            report.items.len() - errors
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
