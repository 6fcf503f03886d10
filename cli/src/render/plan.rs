//! Plans for people (SQL with each statement's change and hazards as comments, findings after)
//! and for machines (`--format json`, version 1).

use cairn_core::apply::ApplyReport;
use cairn_core::safety::{Finding, FindingSeverity};
use cairn_ir::{Hazards, Plan, PlannedStatement, PossibleRename};
use serde_json::{Value, json};

fn hazard_words(h: &Hazards, rows: Option<u64>) -> Vec<String> {
    let mut v = Vec::new();
    if h.destructive {
        v.push("destructive".to_string());
    }
    if h.data_dependent {
        v.push("data-dependent".to_string());
    }
    if h.backward_incompatible {
        v.push("backward-incompatible".to_string());
    }
    if h.rewrites_table {
        v.push("rewrites the table".to_string());
    }
    if let Some(l) = &h.lock {
        v.push(format!("lock {l}"));
    }
    if h.non_transactional {
        v.push("not transactional".to_string());
    }
    if h.irreversible {
        v.push("irreversible".to_string());
    }
    if h.new_transaction && !h.non_transactional {
        v.push("in a new transaction".to_string());
    }
    if let (Some(r), false) = (rows, v.is_empty()) {
        v.push(format!("~{} rows", cairn_ir::human_count(r)));
    }
    v
}

/// The plan as SQL, each statement preceded by what it does and, where any, its hazards.
pub fn plan_sql(plan: &Plan, color: bool) -> String {
    let mut out = String::new();
    for s in &plan.statements {
        out.push_str(&statement_sql(s, color));
    }
    out
}

fn statement_sql(s: &PlannedStatement, color: bool) -> String {
    let mut out = format!("-- {}\n", s.comment);
    let hazards = hazard_words(&s.hazards, s.rows);
    if !hazards.is_empty() {
        let line = format!("-- hazards: {}\n", hazards.join(", "));
        if color && (s.hazards.destructive || s.hazards.rewrites_table) {
            out.push_str(&format!("\x1b[31m{line}\x1b[0m"));
        } else if color {
            out.push_str(&format!("\x1b[33m{line}\x1b[0m"));
        } else {
            out.push_str(&line);
        }
    }
    out.push_str(&s.sql);
    out.push_str(";\n");
    out
}

/// Findings, one per paragraph.
pub fn findings_text(findings: &[Finding], color: bool) -> String {
    let mut out = String::new();
    for f in findings {
        let sev = match f.severity {
            FindingSeverity::Error => "error",
            FindingSeverity::Warning => "warning",
        };
        let head = format!("{sev}[{}]", f.code);
        let head = match (color, f.severity) {
            (true, FindingSeverity::Error) => format!("\x1b[1;31m{head}\x1b[0m"),
            (true, FindingSeverity::Warning) => format!("\x1b[1;33m{head}\x1b[0m"),
            _ => head,
        };
        out.push_str(&format!("{head}: {}\n", f.message));
        if let Some(h) = &f.help {
            out.push_str(&format!("  help: {h}\n"));
        }
    }
    out
}

pub fn possible_renames_json(p: &[PossibleRename]) -> Value {
    p.iter()
        .map(|r| match r {
            PossibleRename::Column { table, from, to } => {
                json!({"kind": "column", "table": table.display(), "from": from, "to": to})
            }
            PossibleRename::Table { schema, from, to } => {
                json!({"kind": "table", "schema": schema, "from": from, "to": to})
            }
        })
        .collect()
}

/// The plan, findings and (after an apply) the report, as one JSON document.
pub fn plan_json(
    plan: &Plan,
    findings: &[Finding],
    possible: &[PossibleRename],
    report: Option<&ApplyReport>,
) -> Value {
    let statements: Vec<Value> = plan
        .statements
        .iter()
        .map(|s| {
            json!({
                "sql": s.sql,
                "comment": s.comment,
                "reverse": s.reverse,
                "rows": s.rows,
                "changes": s.changes.iter().map(|&i| plan.changes[i].kind()).collect::<Vec<_>>(),
                "hazards": {
                    "destructive": s.hazards.destructive,
                    "data_dependent": s.hazards.data_dependent,
                    "backward_incompatible": s.hazards.backward_incompatible,
                    "rewrites_table": s.hazards.rewrites_table,
                    "lock": s.hazards.lock,
                    "transactional": !s.hazards.non_transactional,
                    "new_transaction": s.hazards.new_transaction,
                    "reversible": !s.hazards.irreversible,
                }
            })
        })
        .collect();
    let mut doc = json!({
        "version": 1,
        "changes": plan.changes.iter().map(|c| json!({"kind": c.kind(), "summary": c.summary()})).collect::<Vec<_>>(),
        "statements": statements,
        "findings": findings.iter().map(|f| json!({
            "code": f.code,
            "severity": if f.severity == FindingSeverity::Error { "error" } else { "warning" },
            "message": f.message,
            "help": f.help,
        })).collect::<Vec<_>>(),
        "possible_renames": possible_renames_json(possible),
    });
    if let Some(r) = report {
        doc["applied"] = r
            .applied
            .iter()
            .map(|&i| json!(plan.statements[i].sql))
            .collect();
        doc["pending"] = r
            .pending
            .iter()
            .map(|&i| json!(plan.statements[i].sql))
            .collect();
        doc["error"] = match &r.error {
            Some((i, text)) => {
                json!({"stmt": plan.statements.get(*i).map(|s| s.sql.clone()), "text": text})
            }
            None => Value::Null,
        };
    }
    doc
}
