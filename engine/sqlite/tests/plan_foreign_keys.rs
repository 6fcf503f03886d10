//! Foreign keys across table rebuilds: enforcement is off while a table is copied (so dropping
//! the old copy never cascades to, or nulls, the rows that reference it), back on afterwards, and
//! a rebuild that would leave a broken reference fails and rolls back instead.

mod plan_support;

use cairn_core::Driver;

use std::time::Duration;

use cairn_core::apply::apply_plan;
use cairn_core::diff::{DiffOptions, diff};
use cairn_core::plan::{PlanOptions, plan};
use cairn_sqlite::plan::SqlitePlanner;

const BEFORE: &str = "
CREATE TABLE parents (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(20));
CREATE TABLE children (
  id INTEGER NOT NULL PRIMARY KEY,
  parent_id INTEGER NOT NULL REFERENCES parents (id) ON DELETE CASCADE
);
CREATE TABLE notes (
  id INTEGER NOT NULL PRIMARY KEY,
  parent_id INTEGER REFERENCES parents (id) ON DELETE SET NULL
);
";

const AFTER: &str = "
CREATE TABLE parents (id INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, born TEXT DEFAULT CURRENT_DATE);
CREATE TABLE children (
  id INTEGER NOT NULL PRIMARY KEY,
  parent_id INTEGER NOT NULL REFERENCES parents (id) ON DELETE CASCADE
);
CREATE TABLE notes (
  id INTEGER NOT NULL PRIMARY KEY,
  parent_id INTEGER REFERENCES parents (id) ON DELETE SET NULL
);
";

const DATA: &str = "
INSERT INTO parents (id, name) VALUES (1, 'p1'), (2, 'p2');
INSERT INTO children (id, parent_id) VALUES (1, 1), (2, 1), (3, 2);
INSERT INTO notes (id, parent_id) VALUES (1, 1), (2, 2);
";

async fn scalar(db: &plan_support::TempDb, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(db.driver.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test]
async fn rebuilding_a_parent_never_cascades_deletes_to_children() {
    let outcome = plan_support::run_case(BEFORE, AFTER, DATA)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let shown = plan_support::render_plan(&outcome.plan);
    // The parent is rebuilt: its old copy is dropped.
    assert!(
        outcome
            .plan
            .statements
            .iter()
            .any(|s| s.sql == "DROP TABLE \"parents\"" && s.hazards.rewrites_table),
        "the parent is not rebuilt:\n{shown}"
    );
    // Dropping the old copy neither deleted the children nor nulled the notes' references.
    let db = &outcome.db;
    assert_eq!(
        scalar(db, "SELECT count(*) FROM children").await,
        3,
        "{shown}"
    );
    assert_eq!(
        scalar(db, "SELECT count(*) FROM notes WHERE parent_id IS NOT NULL").await,
        2,
        "{shown}"
    );
    // Enforcement is back on afterwards, and the references still work: deleting a parent now
    // cascades as declared.
    assert_eq!(scalar(db, "PRAGMA foreign_keys").await, 1, "{shown}");
    db.driver
        .execute("DELETE FROM parents WHERE id = 1")
        .await
        .expect("delete a parent");
    assert_eq!(scalar(db, "SELECT count(*) FROM children").await, 1);
    assert_eq!(
        scalar(db, "SELECT count(*) FROM notes WHERE parent_id IS NULL").await,
        1
    );
    outcome.db.driver.close().await;
}

#[tokio::test]
async fn a_rebuild_that_breaks_a_reference_rolls_back() {
    let before = "
        CREATE TABLE teams (id INTEGER NOT NULL PRIMARY KEY);
        CREATE TABLE players (id INTEGER NOT NULL PRIMARY KEY, team_id INTEGER);
        INSERT INTO teams (id) VALUES (1);
        INSERT INTO players (id, team_id) VALUES (1, 1), (2, 99);
    ";
    let after = "
        CREATE TABLE teams (id INTEGER NOT NULL PRIMARY KEY);
        CREATE TABLE players (id INTEGER NOT NULL PRIMARY KEY, team_id INTEGER REFERENCES teams (id));
    ";
    let mut desired = plan_support::compile("after", after);
    let db = plan_support::fresh_db().await;
    db.driver.execute(before).await.expect("before applies");
    let mut current = plan_support::inspect(&db).await;
    plan_support::align(&mut current, &mut desired);
    let d = diff(&current, &desired, &DiffOptions::default());
    let p = plan(
        &SqlitePlanner,
        &d,
        &current,
        &desired,
        &PlanOptions::default(),
    );
    let shown = plan_support::render_plan(&p);
    let report = apply_plan(&db.driver, &p, true, Duration::from_secs(10), &())
        .await
        .expect("apply runs");
    assert!(
        report.error.is_some(),
        "player 2 references a missing team, yet the plan applied:\n{shown}"
    );
    // The failed group rolled back: the table is as it was, with both rows.
    let now = plan_support::inspect(&db).await;
    assert_eq!(
        cairn_core::normalize::normalize(&now),
        cairn_core::normalize::normalize(&current),
        "{shown}"
    );
    assert_eq!(scalar(&db, "SELECT count(*) FROM players").await, 2);
    // The step that switched enforcement off ran; the failure switched it on again, on the
    // connection that later statements use.
    assert_eq!(scalar(&db, "PRAGMA foreign_keys").await, 1, "{shown}");
    assert_eq!(scalar(&db, "PRAGMA legacy_alter_table").await, 0, "{shown}");
    db.driver.close().await;
}

#[tokio::test]
async fn a_failed_script_leaves_enforcement_on() {
    let db = plan_support::fresh_db().await;
    let failed = db
        .driver
        .execute("PRAGMA foreign_keys = off; PRAGMA legacy_alter_table = on; SELECT * FROM missing")
        .await;
    assert!(failed.is_err());
    assert_eq!(scalar(&db, "PRAGMA foreign_keys").await, 1);
    assert_eq!(scalar(&db, "PRAGMA legacy_alter_table").await, 0);
    let failed = db
        .driver
        .execute_batch(
            &[
                "PRAGMA foreign_keys = off".to_string(),
                "SELECT * FROM missing".to_string(),
            ],
            false,
        )
        .await;
    assert!(failed.is_err());
    assert_eq!(scalar(&db, "PRAGMA foreign_keys").await, 1);
    db.driver.close().await;
}
