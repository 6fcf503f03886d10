//! `--format sarif`: SARIF 2.1.0 (what GitHub code scanning and most CI dashboards read): one
//! run whose driver is `cairn` with the rules that reported, and one result per finding with
//! its level (`error`, `warning`, `note`), message and region (1-based lines and columns).

use cairn_syntax::Severity;

use super::LintReport;

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

pub fn render(report: &LintReport) -> String {
    let rules: Vec<serde_json::Value> = report
        .rules
        .iter()
        .map(|r| {
            let mut v = serde_json::json!({
                "id": r.id,
                "name": r.name,
                "defaultConfiguration": { "level": level(r.severity) },
            });
            if let Some(s) = &r.summary {
                v["shortDescription"] = serde_json::json!({ "text": s });
            }
            v
        })
        .collect();
    let results: Vec<serde_json::Value> = report
        .items
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
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
            let mut v = serde_json::json!({
                "ruleId": d.code,
                "level": level(d.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&d.file) },
                        "region": {
                            "startLine": d.line,
                            "startColumn": d.column,
                            "endLine": d.end_line,
                            "endColumn": d.end_column,
                        }
                    }
                }],
            });
            if let Some(u) = &d.uncertain {
                v["properties"] = serde_json::json!({ "uncertain": true, "uncertainReason": u });
            }
            if let Some(i) = report.rules.iter().position(|r| r.id == d.code) {
                v["ruleIndex"] = serde_json::json!(i);
            }
            v
        })
        .collect();
    let artifacts: Vec<serde_json::Value> = report
        .files
        .iter()
        .map(|f| serde_json::json!({ "location": { "uri": uri(f) } }))
        .collect();
    let doc = serde_json::json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cairn",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "artifacts": artifacts,
            "results": results,
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot() {
        insta::assert_snapshot!(super::render(&super::super::sample()));
    }
}
