//! Runs every `test` block of the standard rule library through the rules test runner, against
//! the real compiler, differ and planners of each dialect the tests name.

use cairn_core::plan::Planner;
use cairn_core::rules_test::run_tests;
use cairn_ir::Dialect;

fn planner(dialect: Dialect) -> &'static dyn Planner {
    match dialect {
        Dialect::Postgres => &cairn_postgres::plan::PostgresPlanner,
        Dialect::Mysql(_) => &cairn_mysql::plan::MysqlPlanner,
        Dialect::Sqlite => &cairn_sqlite::plan::SqlitePlanner,
    }
}

#[test]
fn every_stdlib_test_passes() {
    let mut failures = Vec::new();
    let mut passed = 0;
    for rules in cairn_rules_stdlib::compile_all() {
        assert!(
            !rules.has_errors(),
            "{}: {:#?}",
            rules.path,
            rules.diagnostics
        );
        assert!(!rules.tests.is_empty(), "{}: no tests", rules.path);
        for outcome in run_tests(&rules, &planner) {
            match &outcome.failure {
                None => passed += 1,
                Some(why) => failures.push(format!(
                    "{} {} \"{}\" ({}): {why}",
                    outcome.file, outcome.rule, outcome.title, outcome.dialect
                )),
            }
        }
    }
    eprintln!("{passed} stdlib rule tests passed");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The runner reports wrong expectations: a missing finding, an unexpected one, a wrong `at`,
/// and a state that does not compile.
#[test]
fn the_runner_reports_failing_tests() {
    let src = r#"
rule DS102 drop-table: error on plan {
  for c in changes where c is drop_table
  deny
}

test DS102 "passes" postgres {
  before = sql"CREATE TABLE t (id int);"
  after  = sql""
  expect DS102 at "DROP TABLE"
}

test DS102 "missing finding" postgres {
  before = sql"CREATE TABLE t (id int);"
  after  = sql"CREATE TABLE t (id int);"
  expect DS102
}

test DS102 "unexpected finding" sqlite {
  before = sql"CREATE TABLE t (id int);"
  after  = sql""
  expect none
}

test DS102 "wrong location" mysql {
  before = sql"CREATE TABLE t (id int);"
  after  = sql""
  expect DS102 at "ALTER TABLE"
}

test DS102 "bad state" postgres {
  before = sql"CREATE TABLE t (id int);"
  after  = sql"CREATE TABLE u (id int REFERENCES nowhere (id));"
  expect none
}
"#;
    let rules = cairn_sema::rules::compile_rules_text("self.cairn", src);
    assert!(!rules.has_errors(), "{:#?}", rules.diagnostics);
    let out = run_tests(&rules, &planner);
    let got: Vec<(&str, Option<&str>)> = out
        .iter()
        .map(|o| (o.title.as_str(), o.failure.as_deref()))
        .collect();
    assert_eq!(got.len(), 5);
    assert_eq!(got[0], ("passes", None));
    let fail = |i: usize| {
        got[i]
            .1
            .unwrap_or_else(|| panic!("{} should fail", got[i].0))
    };
    assert!(
        fail(1).contains("expected DS102") && fail(1).contains("reported nothing"),
        "{}",
        fail(1)
    );
    assert!(fail(2).contains("got [DS102"), "{}", fail(2));
    assert!(
        fail(3).contains("expected DS102 at \"ALTER TABLE\""),
        "{}",
        fail(3)
    );
    assert!(fail(4).contains("does not compile"), "{}", fail(4));
}
