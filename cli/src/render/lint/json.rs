//! `--format json`: the contract's shape, `{"diagnostics": [{"code", "severity", "message",
//! "help", "file", "line", "column", "end_line", "end_column"}]}`, plus `"uncertain": true`
//! and `"uncertain_reason"` on a finding computed from an uncertain replayed state.

use super::LintReport;

pub fn render(report: &LintReport) -> String {
    let diags: Vec<serde_json::Value> = report
        .items
        .iter()
        .map(|d| {
            let mut v = serde_json::json!({
                "code": d.code,
                "severity": d.severity.name(),
                "message": d.message,
                "help": d.help,
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "end_line": d.end_line,
                "end_column": d.end_column,
            });
            if let Some(u) = &d.uncertain {
                v["uncertain"] = serde_json::json!(true);
                v["uncertain_reason"] = serde_json::json!(u);
            }
            v
        })
        .collect();
    format!("{}\n", serde_json::json!({ "diagnostics": diags }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn snapshot() {
        insta::assert_snapshot!(super::render(&super::super::sample()));
    }
}
