//! The safety gate of `schema apply`: destructive changes (the DS family) are errors unless
//! allowed, and a drop that looks like a rename (`RN101`) blocks until someone says which it is.
//! These are the contract's built-in defaults; project policy can lower or raise them.

use cairn_ir::{Change, Plan, PossibleRename};

use crate::policy::LintPolicy;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingSeverity {
    Warning,
    Error,
}

/// One finding about a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: String,
    pub severity: FindingSeverity,
    pub message: String,
    pub help: Option<String>,
    /// Index into `Plan::changes`.
    pub change: Option<usize>,
}

/// What the operator allowed on the command line.
#[derive(Clone, Debug, Default)]
pub struct Allowances {
    /// `--allow-destructive`: every DS finding is allowed (possible renames are not settled).
    pub destructive: bool,
    /// `--allow-drop NAME`: `table` or `table.column` drops acknowledged one by one; each also
    /// settles a possible rename whose old name it is.
    pub drops: Vec<String>,
}

impl Allowances {
    fn allows_drop(&self, name: &str) -> bool {
        self.drops.iter().any(|d| {
            d == name
                || d.rsplit_once('.')
                    .is_some_and(|(_, short)| short == name && !name.contains('.'))
        })
    }
}

pub fn check_plan(plan: &Plan, possible: &[PossibleRename], allow: &Allowances) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, c) in plan.changes.iter().enumerate() {
        let (code, what, name) = match c {
            Change::DropSchema { name } => (
                "DS101",
                format!("dropping schema {name} deletes every object and row in it"),
                name.clone(),
            ),
            Change::DropTable { table, def } => (
                "DS102",
                format!(
                    "dropping table {} deletes its data{}",
                    table.display(),
                    def.rows
                        .map(|r| format!(" (about {} rows)", cairn_ir::human_count(r)))
                        .unwrap_or_default()
                ),
                table.name.clone(),
            ),
            Change::DropColumn { table, column } => (
                "DS103",
                format!(
                    "dropping column {}.{} deletes its data",
                    table.display(),
                    column.name
                ),
                format!("{}.{}", table.name, column.name),
            ),
            _ => continue,
        };
        let allowed = allow.destructive || allow.allows_drop(&name);
        out.push(Finding {
            code: code.to_string(),
            severity: if allowed {
                FindingSeverity::Warning
            } else {
                FindingSeverity::Error
            },
            message: what,
            help: (!allowed).then(|| {
                format!("to drop it anyway, pass --allow-drop {name} (or --allow-destructive)")
            }),
            change: Some(i),
        });
    }
    for p in possible {
        let from = p.drop_name();
        if allow.allows_drop(&from) {
            continue;
        }
        let (message, help) = match p {
            PossibleRename::Column { table, from, to } => (
                format!(
                    "column {}.{from} is dropped and {to} is added: is it a rename?",
                    table.display()
                ),
                format!(
                    "if it is a rename, add renamed_from = \"{from}\" to column \"{to}\" (HCL) or `-- cairn:renamed_from {from}` on its line (SQL); if not, pass --allow-drop {}.{from}",
                    table.name
                ),
            ),
            PossibleRename::Table { schema, from, to } => (
                format!("table {schema}.{from} is dropped and {to} is added: is it a rename?"),
                format!(
                    "if it is a rename, add renamed_from = \"{from}\" to table \"{to}\"; if not, pass --allow-drop {from}"
                ),
            ),
        };
        out.push(Finding {
            code: "RN101".to_string(),
            severity: FindingSeverity::Error,
            message,
            help: Some(help),
            change: None,
        });
    }
    out
}

/// The findings of lint rules (the standard library and the project's rules) on a plan, as
/// safety findings beside the built-in ones: the DS family and RN101 are left to
/// [`check_plan`], which knows the allowances; every other rule keeps its severity as the
/// project's lint policy decides it (an error refuses the apply like a destructive change
/// does; a rule the policy turns off reports nothing). The policy's params reach the rules.
pub fn rule_findings(
    rules: &[cairn_sema::rules::CompiledRules],
    current: &cairn_ir::Realm,
    desired: &cairn_ir::Realm,
    plan: &Plan,
    policy: &LintPolicy,
) -> Vec<Finding> {
    use cairn_sema::rules::{Anchor, LintTarget, evaluate};
    let target = LintTarget::plan(current, desired, plan);
    let mut out = Vec::new();
    for set in rules {
        if set.has_errors() {
            continue;
        }
        for f in evaluate(set, &target, &policy.params).findings {
            let code = f.code.clone().unwrap_or_else(|| f.name.clone());
            if code.starts_with("DS") || code == "RN101" {
                continue;
            }
            let Some(severity) = policy.severity(f.code.as_deref(), &f.name, &f.tags, f.severity)
            else {
                continue;
            };
            let change = match f.anchor {
                Anchor::Change(i) => Some(i),
                Anchor::Statement(i) => plan
                    .statements
                    .get(i)
                    .and_then(|s| s.changes.first().copied()),
                _ => None,
            };
            out.push(Finding {
                code,
                severity: if severity == cairn_syntax::Severity::Error {
                    FindingSeverity::Error
                } else {
                    FindingSeverity::Warning
                },
                message: f.message,
                help: f.help,
                change,
            });
        }
    }
    out
}

/// Applies the project's lint policy to the built-in findings of [`check_plan`]: a
/// destructive finding that no flag allowed takes the severity the policy gives its rule
/// (`lint { destructive { error = false } }` or `severity = { DS = "warning" }` lowers it, so
/// it no longer refuses the apply; `"off"` drops it). Findings a flag already allowed stay
/// warnings, and `RN101` is never lowered: a possible rename is settled only by a hint or an
/// acknowledgement of that drop.
pub fn apply_policy(
    findings: Vec<Finding>,
    rules: &[cairn_sema::rules::CompiledRules],
    policy: &LintPolicy,
) -> Vec<Finding> {
    findings
        .into_iter()
        .filter_map(|mut f| {
            if f.code == "RN101"
                || f.severity != FindingSeverity::Error
                || !f.code.starts_with("DS")
            {
                return Some(f);
            }
            let rule = rules.iter().find_map(|s| s.rule(&f.code));
            let (name, tags) = rule.map_or((String::new(), Vec::new()), |r| {
                (r.name.clone(), r.tags.clone())
            });
            let level =
                policy.severity(Some(&f.code), &name, &tags, cairn_syntax::Severity::Error)?;
            if level != cairn_syntax::Severity::Error {
                f.severity = FindingSeverity::Warning;
                f.help = None;
            }
            Some(f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_ir::{Column, ColumnType, PgType, TableRef};

    fn drop_col_plan() -> Plan {
        Plan {
            changes: vec![Change::DropColumn {
                table: TableRef::new("public", "users"),
                column: Column::new("username", ColumnType::Postgres(PgType::Text)),
            }],
            statements: vec![],
        }
    }

    fn rename() -> PossibleRename {
        PossibleRename::Column {
            table: TableRef::new("public", "users"),
            from: "username".into(),
            to: "handle".into(),
        }
    }

    #[test]
    fn destructive_is_refused_unless_allowed() {
        let f = check_plan(&drop_col_plan(), &[], &Allowances::default());
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].code.as_str(), f[0].severity),
            ("DS103", FindingSeverity::Error)
        );
        let f = check_plan(
            &drop_col_plan(),
            &[],
            &Allowances {
                destructive: true,
                drops: vec![],
            },
        );
        assert_eq!(f[0].severity, FindingSeverity::Warning);
    }

    #[test]
    fn allow_destructive_does_not_settle_a_possible_rename() {
        let f = check_plan(
            &drop_col_plan(),
            &[rename()],
            &Allowances {
                destructive: true,
                drops: vec![],
            },
        );
        assert!(
            f.iter()
                .any(|x| x.code == "RN101" && x.severity == FindingSeverity::Error)
        );
        let f = check_plan(
            &drop_col_plan(),
            &[rename()],
            &Allowances {
                destructive: false,
                drops: vec!["users.username".into()],
            },
        );
        assert!(
            f.iter().all(|x| x.severity == FindingSeverity::Warning),
            "{f:?}"
        );
    }
}
