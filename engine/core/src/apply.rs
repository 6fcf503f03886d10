//! Applying a plan: under the deployment lock, one transactional group at a time (all or nothing
//! where the database has transactional DDL), with a report of what ran and what did not.

use std::time::Duration;

use cairn_ir::Plan;

use crate::driver::{APPLY_LOCK, Driver};
use crate::error::EngineError;

/// The outcome of an apply: which statements ran, and the failure if one stopped it.
#[derive(Debug, Default)]
pub struct ApplyReport {
    /// Indexes into `Plan::statements` of the statements that are applied (committed).
    pub applied: Vec<usize>,
    /// Indexes of the statements that did not run (or were rolled back).
    pub pending: Vec<usize>,
    /// The statement that failed and the database's message.
    pub error: Option<(usize, String)>,
}

/// Progress callbacks: a group starts, a statement is done.
pub trait ApplyProgress: Send + Sync {
    fn group_started(&self, _range: &std::ops::Range<usize>, _transactional: bool) {}
    fn statement_done(&self, _index: usize) {}
}

impl ApplyProgress for () {}

pub async fn apply_plan(
    driver: &dyn Driver,
    plan: &Plan,
    tx_per_group: bool,
    lock_timeout: Duration,
    progress: &dyn ApplyProgress,
) -> Result<ApplyReport, EngineError> {
    let lock = driver.lock(APPLY_LOCK, lock_timeout).await?;
    let transactional_ddl = driver.dialect().transactional_ddl();
    let mut report = ApplyReport::default();
    let groups = plan.groups();
    let mut failed = false;
    for range in groups {
        if failed {
            report.pending.extend(range);
            continue;
        }
        let transactional = tx_per_group
            && transactional_ddl
            && !plan.statements[range.start].hazards.non_transactional;
        progress.group_started(&range, transactional);
        let statements: Vec<String> = plan.statements[range.clone()]
            .iter()
            .map(|s| s.sql.clone())
            .collect();
        match driver.execute_batch(&statements, transactional).await {
            Ok(()) => {
                for i in range {
                    report.applied.push(i);
                    progress.statement_done(i);
                }
            }
            Err(e) => {
                let ok = if transactional { 0 } else { e.applied };
                report.applied.extend(range.start..range.start + ok);
                report.pending.extend(range.start + ok..range.end);
                let message = match e.error {
                    EngineError::Statement { message, .. } => message,
                    other => other.to_string(),
                };
                report.error = Some((range.start + e.applied, message));
                failed = true;
            }
        }
    }
    lock.release().await;
    Ok(report)
}
