//! `--format sarif`: SARIF 2.1.0 (what GitHub code scanning and most CI dashboards read): one
//! run whose driver is `cairn` with the rules that reported, and one result per finding with
//! its level (`error`, `warning`, `note`), message and region (1-based lines and columns).

use cairn_syntax::Severity;

use std::collections::HashMap;
use std::io::{self, Write};

use super::{LintReport, json_str};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A file path as a SARIF artifact URI: relative paths stay relative (to the working
/// directory, which is what code-scanning uploads expect), separators are `/`, and `%` and
/// spaces are escaped; absolute paths become `file://` URIs.
fn uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let p = p.strip_prefix("./").unwrap_or(&p).to_string();
    let p = p.replace('%', "%25").replace(' ', "%20");
    if p.starts_with('/') {
        format!("file://{p}")
    } else {
        p
    }
}

/// A JSON array, pretty-printed as `serde_json` does at `indent` spaces (`[]` when empty):
/// each item on its own lines, written by `item` (which starts after its indentation).
fn array<T>(
    out: &mut dyn Write,
    items: impl IntoIterator<Item = T>,
    indent: usize,
    mut item: impl FnMut(&mut dyn Write, T) -> io::Result<()>,
) -> io::Result<()> {
    let mut any = false;
    for x in items {
        out.write_all(if any { b",\n" } else { b"[\n" })?;
        any = true;
        write!(out, "{:w$}", "", w = indent + 2)?;
        item(out, x)?;
    }
    if any {
        write!(out, "\n{:w$}]", "", w = indent)
    } else {
        out.write_all(b"[]")
    }
}

/// Written as `serde_json` pretty-prints the document (two spaces, keys in order), one result
/// at a time.
pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    let rule_index: HashMap<&str, usize> = report
        .rules
        .iter()
        .enumerate()
        .rev()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    out.write_all(b"{\n  \"$schema\": ")?;
    json_str(out, SCHEMA)?;
    out.write_all(b",\n  \"runs\": [\n    {\n      \"artifacts\": ")?;
    array(out, &report.files, 6, |out, f| {
        out.write_all(b"{\n          \"location\": {\n            \"uri\": ")?;
        json_str(out, &uri(f))?;
        out.write_all(b"\n          }\n        }")
    })?;
    out.write_all(b",\n      \"results\": ")?;
    array(out, &report.items, 6, |out, d| {
        write!(out, "{{\n          \"level\": \"{}\",\n", level(d.severity))?;
        out.write_all(b"          \"locations\": [\n            {\n              \"physicalLocation\": {\n                \"artifactLocation\": {\n                  \"uri\": ")?;
        json_str(out, &uri(&d.file))?;
        write!(
            out,
            "\n                }},\n                \"region\": {{\n                  \"endColumn\": {},\n                  \"endLine\": {},\n                  \"startColumn\": {},\n                  \"startLine\": {}\n                }}\n              }}\n            }}\n          ],\n",
            d.end_column, d.end_line, d.column, d.line
        )?;
        out.write_all(b"          \"message\": {\n            \"text\": ")?;
        let mut text = String::with_capacity(d.message.len());
        text.push_str(&d.message);
        if let Some(h) = &d.help {
            text.push_str(" (help: ");
            text.push_str(h);
            text.push(')');
        }
        if let Some(u) = &d.uncertain {
            text.push_str(" (note: ");
            text.push_str(u);
            text.push(')');
        }
        json_str(out, &text)?;
        out.write_all(b"\n          },\n")?;
        if let Some(u) = &d.uncertain {
            out.write_all(b"          \"properties\": {\n            \"uncertain\": true,\n            \"uncertainReason\": ")?;
            json_str(out, u)?;
            out.write_all(b"\n          },\n")?;
        }
        out.write_all(b"          \"ruleId\": ")?;
        json_str(out, &d.code)?;
        if let Some(i) = rule_index.get(d.code.as_str()) {
            write!(out, ",\n          \"ruleIndex\": {i}")?;
        }
        out.write_all(b"\n        }")
    })?;
    out.write_all(b",\n      \"tool\": {\n        \"driver\": {\n          \"name\": \"cairn\",\n          \"rules\": ")?;
    array(out, &report.rules, 10, |out, r| {
        write!(
            out,
            "{{\n              \"defaultConfiguration\": {{\n                \"level\": \"{}\"\n              }},\n              \"id\": ",
            level(r.severity)
        )?;
        json_str(out, &r.id)?;
        out.write_all(b",\n              \"name\": ")?;
        json_str(out, &r.name)?;
        if let Some(s) = &r.summary {
            out.write_all(b",\n              \"shortDescription\": {\n                \"text\": ")?;
            json_str(out, s)?;
            out.write_all(b"\n              }")?;
        }
        out.write_all(b"\n            }")
    })?;
    out.write_all(b",\n          \"version\": ")?;
    json_str(out, env!("CARGO_PKG_VERSION"))?;
    out.write_all(b"\n        }\n      }\n    }\n  ],\n  \"version\": \"2.1.0\"\n}\n")
}

/// The report as text, for the snapshot.
#[cfg(test)]
fn render(report: &LintReport) -> String {
    super::render(report, super::LintFormat::Sarif)
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot() {
        insta::assert_snapshot!(super::render(&super::super::sample()));
    }
}
