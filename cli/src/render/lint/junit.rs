//! `--format junit`: JUnit XML, which CI systems show as a test report. One `testsuite` per
//! linted file; a clean file is one passing `testcase`; every finding is a `testcase` named
//! `CODE at line:column`, with a `failure` when it is an error (what fails the run, exit 1)
//! and its message in `system-out` otherwise.

use std::collections::BTreeMap;
use std::fmt::Write;

use cairn_syntax::Severity;

use super::{LintItem, LintReport};

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newline are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &LintReport) -> String {
    let mut by_file: BTreeMap<&str, Vec<&LintItem>> = report
        .files
        .iter()
        .map(|f| (f.as_str(), Vec::new()))
        .collect();
    for d in &report.items {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    let tests: usize = by_file.values().map(|v| v.len().max(1)).sum();
    let failures = report.errors();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"cairn lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    for (file, items) in &by_file {
        let fails = items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\" errors=\"0\">",
            xml(file),
            items.len().max(1)
        );
        if items.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase name=\"no findings\" classname=\"{}\"/>",
                xml(file)
            );
        }
        for d in items {
            let _ = writeln!(
                out,
                "    <testcase name=\"{} at {}:{}\" classname=\"{}\">",
                xml(&d.code),
                d.line,
                d.column,
                xml(file)
            );
            let mut text = format!(
                "{}:{}:{}: {}[{}]: {}",
                d.file,
                d.line,
                d.column,
                d.severity.name(),
                d.code,
                d.message
            );
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            if let Some(u) = &d.uncertain {
                text.push_str("\nnote: ");
                text.push_str(u);
            }
            if d.severity == Severity::Error {
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    xml(&d.message),
                    xml(&d.code),
                    xml(&text)
                );
            } else {
                let _ = writeln!(out, "      <system-out>{}</system-out>", xml(&text));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot() {
        insta::assert_snapshot!(super::render(&super::super::sample()));
    }
}
