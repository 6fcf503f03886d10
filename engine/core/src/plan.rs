//! Planning: ordered changes handed to a dialect's planner, which turns them into statements
//! with hazards. Row estimates from the current (inspected) state are attached here, once.

use cairn_ir::{Change, Plan, PlannedStatement, Realm};

use crate::diff::Diff;
use crate::order::order_changes;

/// Policy knobs that change how changes are planned.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// PostgreSQL: create and drop indexes on existing tables CONCURRENTLY (outside a transaction).
    pub concurrent_index: bool,
}

/// What a planner sees: the ordered changes and both states.
pub struct PlanInput<'a> {
    pub changes: &'a [Change],
    pub current: &'a Realm,
    pub desired: &'a Realm,
    pub options: &'a PlanOptions,
}

/// A dialect's planner: SQL for each change, with hazards, in the given order (a planner may
/// merge several changes into one statement, or split one into several).
pub trait Planner: Send + Sync {
    fn statements(&self, input: &PlanInput<'_>) -> Vec<PlannedStatement>;
}

/// Orders the diff's changes and plans them.
pub fn plan(
    planner: &dyn Planner,
    diff: &Diff,
    current: &Realm,
    desired: &Realm,
    options: &PlanOptions,
) -> Plan {
    plan_changes(planner, diff.changes.clone(), current, desired, options)
}

/// [`plan`] of a diff's changes, taken over (not copied).
pub fn plan_changes(
    planner: &dyn Planner,
    changes: Vec<Change>,
    current: &Realm,
    desired: &Realm,
    options: &PlanOptions,
) -> Plan {
    let changes = order_changes(changes);
    let mut statements = planner.statements(&PlanInput {
        changes: &changes,
        current,
        desired,
        options,
    });
    // Row estimates come from the current state's tables; a state without any (a migration
    // file linted without a live database) skips the lookups.
    if current.tables().any(|(_, t)| t.rows.is_some()) {
        for s in &mut statements {
            if s.rows.is_none() {
                s.rows = s
                    .changes
                    .iter()
                    .filter_map(|&i| changes.get(i)?.table())
                    .find_map(|t| {
                        current
                            .schema(&t.schema)?
                            .table(&t.name, current.dialect)?
                            .rows
                    });
            }
        }
    }
    Plan {
        changes,
        statements,
    }
}
