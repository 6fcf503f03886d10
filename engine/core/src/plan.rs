//! Planning: ordered changes handed to a dialect's planner, which turns them into statements
//! with hazards. Row estimates from the current (inspected) state are attached here, once.

use cairn_ir::{Change, Plan, PlannedStatement, Realm};

use crate::diff::Diff;
use crate::order::order_changes;

/// Policy knobs that change how changes are planned. The default plans each change as the
/// states say (what `cairn lint` and rule tests model); the commands that write or run plans
/// (`schema apply`, `schema diff`, `migrate diff`) turn `online_constraints` on unless the
/// project or the command line opts out.
#[derive(Clone, Debug, Default)]
pub struct PlanOptions {
    /// PostgreSQL: create and drop indexes on existing tables CONCURRENTLY (outside a transaction).
    pub concurrent_index: bool,
    /// PostgreSQL: add foreign keys and checks to existing tables NOT VALID and validate them
    /// after the rest of the plan, each `VALIDATE CONSTRAINT` in a transaction of its own, so
    /// no row is checked under the lock the ADD takes (see [`Planner::online_changes`]).
    pub online_constraints: bool,
    /// PostgreSQL, with `online_constraints`: set existing columns NOT NULL through a helper
    /// check added NOT VALID and validated first, so SET NOT NULL skips its scan (`schema
    /// apply`, `schema diff`, `migrate diff`; the helper's VALIDATE starts a new transaction, so
    /// `migrate diff` writes it, the SET NOT NULL and the helper's drop to its second file,
    /// which `cairn lint` reads as SET NOT NULL proven by a check validated before it: PG303
    /// and CD102 stay quiet).
    pub online_not_null: bool,
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

    /// With `online_constraints`, rewrites the ordered changes before they are planned, so that
    /// the plan's changes say what its statements do (PostgreSQL: an `add_foreign_key` or
    /// `add_check` on an existing table becomes the add NOT VALID plus a `validate_*` change at
    /// the end). The default keeps them.
    fn online_changes(
        &self,
        changes: Vec<Change>,
        _current: &Realm,
        _options: &PlanOptions,
    ) -> Vec<Change> {
        changes
    }
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
    let mut changes = order_changes(changes);
    if options.online_constraints {
        changes = planner.online_changes(changes, current, options);
    }
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
