//! `--format junit`: JUnit XML, which CI systems show as a test report. One `testsuite` per
//! linted file; a clean file is one passing `testcase`; every finding is a `testcase` named
//! `CODE at line:column`, with a `failure` when it is an error (what fails the run, exit 1)
//! and its message in `system-out` otherwise.

use std::collections::BTreeMap;
use std::io::{self, Write};

use cairn_syntax::Severity;

use super::{LintItem, LintReport, escaped};

/// XML text and attribute escapes; control characters other than tab and newline (not allowed
/// in XML 1.0) become spaces.
fn xml_escape(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&apos;"),
        c if (c as u32) < 0x20 && c != '\n' && c != '\t' => Some(" "),
        _ => None,
    }
}

fn xml(out: &mut dyn Write, s: &str) -> io::Result<()> {
    escaped(out, s, xml_escape)
}

/// A finding as one text (escaped): `file:line:column: severity[CODE]: message`, then its help
/// and note lines.
fn finding_text(out: &mut dyn Write, d: &LintItem) -> io::Result<()> {
    xml(out, &d.file)?;
    write!(out, ":{}:{}: {}[", d.line, d.column, d.severity.name())?;
    xml(out, &d.code)?;
    out.write_all(b"]: ")?;
    xml(out, &d.message)?;
    if let Some(h) = &d.help {
        out.write_all(b"\nhelp: ")?;
        xml(out, h)?;
    }
    if let Some(u) = &d.uncertain {
        out.write_all(b"\nnote: ")?;
        xml(out, u)?;
    }
    Ok(())
}

pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
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
    out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
    writeln!(
        out,
        "<testsuites name=\"cairn lint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    )?;
    for (file, items) in &by_file {
        let fails = items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        out.write_all(b"  <testsuite name=\"")?;
        xml(out, file)?;
        writeln!(
            out,
            "\" tests=\"{}\" failures=\"{fails}\" errors=\"0\">",
            items.len().max(1)
        )?;
        if items.is_empty() {
            out.write_all(b"    <testcase name=\"no findings\" classname=\"")?;
            xml(out, file)?;
            out.write_all(b"\"/>\n")?;
        }
        for d in items {
            out.write_all(b"    <testcase name=\"")?;
            xml(out, &d.code)?;
            write!(out, " at {}:{}\" classname=\"", d.line, d.column)?;
            xml(out, file)?;
            out.write_all(b"\">\n")?;
            if d.severity == Severity::Error {
                out.write_all(b"      <failure message=\"")?;
                xml(out, &d.message)?;
                out.write_all(b"\" type=\"")?;
                xml(out, &d.code)?;
                out.write_all(b"\">")?;
                finding_text(out, d)?;
                out.write_all(b"</failure>\n")?;
            } else {
                out.write_all(b"      <system-out>")?;
                finding_text(out, d)?;
                out.write_all(b"</system-out>\n")?;
            }
            out.write_all(b"    </testcase>\n")?;
        }
        out.write_all(b"  </testsuite>\n")?;
    }
    out.write_all(b"</testsuites>\n")
}

/// The report as text, for the snapshot.
#[cfg(test)]
fn render(report: &LintReport) -> String {
    super::render(report, super::LintFormat::Junit)
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot() {
        insta::assert_snapshot!(super::render(&super::super::sample()));
    }
}
