//! Every folder under `tests/plan_cases` is a case: `before.sql` (and the rows of `data.sql`) in a
//! fresh database, planned towards `after.sql`, applied, and checked for equality with `after.sql`
//! applied from nothing, for convergence, and for the survival of the rows. Adding a case is
//! adding a folder.

mod plan_support;

use cairn_core::Driver;

#[tokio::test]
async fn every_case_plans_applies_and_converges() {
    let mut failures = Vec::new();
    let dirs = plan_support::case_dirs();
    assert!(!dirs.is_empty(), "no case folders under tests/plan_cases");
    for dir in &dirs {
        let name = dir
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let (before, after, data) = plan_support::read_case(dir);
        match plan_support::run_case(&before, &after, &data).await {
            Ok(outcome) => outcome.db.driver.close().await,
            Err(e) => failures.push(format!("case {name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n\n")
    );
}
