//! Hazards and reverses of SQLite plans: rebuilds rewrite the table, drops are destructive, the
//! `PRAGMA foreign_keys` steps run outside transactions, and the reverses of a reversible plan
//! take the database back to where it was.

mod plan_support;

use cairn_core::Driver;

use cairn_ir::{Plan, PlannedStatement};

fn find<'a>(plan: &'a Plan, prefix: &str) -> &'a PlannedStatement {
    plan.statements
        .iter()
        .find(|s| s.sql.starts_with(prefix))
        .unwrap_or_else(|| {
            panic!(
                "no statement starts with {prefix:?}:\n{}",
                plan_support::render_plan(plan)
            )
        })
}

#[tokio::test]
async fn a_rebuild_rewrites_the_table_between_pragma_steps() {
    let plan = plan_support::plan_only(
        "CREATE TABLE p (id INTEGER NOT NULL PRIMARY KEY);
         CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, a VARCHAR(10), p_id INTEGER REFERENCES p (id));",
        "CREATE TABLE p (id INTEGER NOT NULL PRIMARY KEY);
         CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, a TEXT NOT NULL, p_id INTEGER REFERENCES p (id));",
    )
    .await;
    let shown = plan_support::render_plan(&plan);
    let sts = &plan.statements;
    // Enforcement off first, on last, each a step of its own outside any transaction.
    assert_eq!(
        sts.first().map(|s| s.sql.as_str()),
        Some("PRAGMA foreign_keys = off"),
        "{shown}"
    );
    assert_eq!(
        sts.last().map(|s| s.sql.as_str()),
        Some("PRAGMA foreign_keys = on"),
        "{shown}"
    );
    for s in sts
        .iter()
        .filter(|s| s.sql.starts_with("PRAGMA foreign_keys ="))
    {
        assert!(s.hazards.non_transactional, "{shown}");
    }
    let groups = plan.groups();
    assert_eq!(groups.len(), 3, "off, the rebuild, on:\n{shown}");
    // The copy, the insert and the drop of the old copy rewrite the table.
    for prefix in [
        "CREATE TABLE \"new_t\"",
        "INSERT INTO \"new_t\"",
        "DROP TABLE \"t\"",
        "ALTER TABLE \"new_t\" RENAME TO \"t\"",
    ] {
        let s = find(&plan, prefix);
        assert!(s.hazards.rewrites_table, "{prefix}:\n{shown}");
        assert!(!s.hazards.non_transactional, "{prefix}:\n{shown}");
    }
    // Copying into a NOT NULL column can fail on the data.
    assert!(
        find(&plan, "INSERT INTO \"new_t\"").hazards.data_dependent,
        "{shown}"
    );
    // The new copy's foreign keys are checked inside the rebuild's transaction.
    let check = find(&plan, "INSERT INTO temp.");
    assert!(
        check.sql.contains("pragma_foreign_key_check('t')"),
        "{shown}"
    );
    assert!(
        check.hazards.data_dependent && !check.hazards.non_transactional,
        "{shown}"
    );
    // Every statement of the rebuild carries the change.
    assert!(sts.iter().all(|s| s.changes == vec![0]), "{shown}");
}

#[tokio::test]
async fn without_foreign_keys_a_rebuild_is_one_transaction() {
    let plan = plan_support::plan_only(
        "CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, a VARCHAR(10));",
        "CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, a TEXT);",
    )
    .await;
    let shown = plan_support::render_plan(&plan);
    assert!(
        plan.statements.iter().all(|s| !s.hazards.non_transactional),
        "{shown}"
    );
    assert_eq!(plan.groups().len(), 1, "{shown}");
    assert!(
        find(&plan, "DROP TABLE \"t\"").hazards.rewrites_table,
        "{shown}"
    );
    // Nothing narrows: the copy cannot fail on the data.
    assert!(
        !find(&plan, "INSERT INTO \"new_t\"").hazards.data_dependent,
        "{shown}"
    );
}

#[tokio::test]
async fn drops_are_destructive_and_irreversible() {
    let plan = plan_support::plan_only(
        "CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY, legacy TEXT);
         CREATE TABLE b (id INTEGER NOT NULL PRIMARY KEY);",
        "CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY);",
    )
    .await;
    let shown = plan_support::render_plan(&plan);
    let drop_column = find(&plan, "ALTER TABLE \"a\" DROP COLUMN \"legacy\"");
    let drop_table = find(&plan, "DROP TABLE \"b\"");
    for s in [drop_column, drop_table] {
        assert!(
            s.hazards.destructive && s.hazards.irreversible && s.hazards.backward_incompatible,
            "{shown}"
        );
        assert!(s.reverse.is_none(), "{shown}");
        assert!(!s.hazards.rewrites_table, "{shown}");
    }
    // Native drops need no PRAGMA steps.
    assert!(
        plan.statements.iter().all(|s| !s.hazards.non_transactional),
        "{shown}"
    );
}

#[tokio::test]
async fn dropping_a_column_by_rebuild_is_destructive() {
    let plan = plan_support::plan_only(
        "CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY, legacy TEXT CHECK (legacy <> ''));",
        "CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY);",
    )
    .await;
    let shown = plan_support::render_plan(&plan);
    let drop_old = find(&plan, "DROP TABLE \"a\"");
    assert!(
        drop_old.hazards.destructive && drop_old.hazards.rewrites_table,
        "{shown}"
    );
}

#[tokio::test]
async fn an_index_dropped_with_its_column_leaves_a_native_drop() {
    let plan = plan_support::plan_only(
        "CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY, legacy TEXT);
         CREATE INDEX a_legacy ON a (legacy);",
        "CREATE TABLE a (id INTEGER NOT NULL PRIMARY KEY);",
    )
    .await;
    let shown = plan_support::render_plan(&plan);
    let sqls: Vec<&str> = plan.statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(
        sqls,
        [
            "DROP INDEX \"a_legacy\"",
            "ALTER TABLE \"a\" DROP COLUMN \"legacy\""
        ],
        "{shown}"
    );
    assert!(plan.statements[1].hazards.destructive, "{shown}");
}

#[tokio::test]
async fn native_changes_have_reverses_that_undo_them() {
    let before = "CREATE TABLE people (id INTEGER NOT NULL PRIMARY KEY, full_name TEXT NOT NULL);
                  INSERT INTO people (id, full_name) VALUES (1, 'Ada');";
    let after = "-- cairn:renamed_from people
                 CREATE TABLE users (
                   id INTEGER NOT NULL PRIMARY KEY,
                   name TEXT NOT NULL, -- cairn:renamed_from full_name
                   nickname TEXT
                 );
                 CREATE INDEX users_name ON users (name);
                 CREATE VIEW user_names AS SELECT name FROM users;";
    let outcome = plan_support::run_case(before, after, "")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let plan = &outcome.plan;
    let shown = plan_support::render_plan(plan);
    assert!(
        find(plan, "ALTER TABLE \"people\" RENAME TO \"users\"")
            .hazards
            .backward_incompatible,
        "{shown}"
    );
    assert!(
        find(plan, "ALTER TABLE \"users\" RENAME COLUMN")
            .hazards
            .backward_incompatible,
        "{shown}"
    );
    assert!(
        plan.statements.iter().all(|s| s.reverse.is_some()),
        "every statement is reversible:\n{shown}"
    );
    // Undo: the reverses, last statement first, give back the original schema and row.
    for s in plan.statements.iter().rev() {
        let r = s.reverse.as_deref().unwrap_or_default();
        outcome
            .db
            .driver
            .execute(r)
            .await
            .unwrap_or_else(|e| panic!("reverse {r} failed: {e}\n{shown}"));
    }
    let undone = plan_support::inspect(&outcome.db).await;
    let original = {
        let db = plan_support::fresh_db().await;
        db.driver.execute(before).await.expect("before applies");
        let r = plan_support::inspect(&db).await;
        db.driver.close().await;
        r
    };
    assert_eq!(
        cairn_core::normalize::normalize(&undone),
        cairn_core::normalize::normalize(&original),
        "{shown}"
    );
    let name: String = sqlx::query_scalar("SELECT full_name FROM people WHERE id = 1")
        .fetch_one(outcome.db.driver.pool())
        .await
        .expect("the row is still there");
    assert_eq!(name, "Ada");
    outcome.db.driver.close().await;
}

#[tokio::test]
async fn a_new_unique_index_is_data_dependent_and_reversible() {
    let plan = plan_support::plan_only(
        "CREATE TABLE u (id INTEGER NOT NULL PRIMARY KEY, email TEXT);",
        "CREATE TABLE u (id INTEGER NOT NULL PRIMARY KEY, email TEXT);
         CREATE UNIQUE INDEX u_email ON u (email);",
    )
    .await;
    let shown = plan_support::render_plan(&plan);
    let s = find(&plan, "CREATE UNIQUE INDEX");
    assert!(s.hazards.data_dependent, "{shown}");
    assert_eq!(
        s.reverse.as_deref(),
        Some("DROP INDEX \"u_email\""),
        "{shown}"
    );
}
