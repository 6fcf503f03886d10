//! The rules test runner: runs the `test` blocks of compiled rule files against the real
//! compiler, differ and planner. For each test, the `before` and `after` states are compiled in
//! the test's dialect, diffed and planned, the file's rules are evaluated over the result, and
//! the findings are compared with the test's `expect` lines.
//!
//! The planner comes from the caller (engine/core does not know the drivers): `run_tests` takes
//! a function from dialect to planner.

use std::path::{Path, PathBuf};

use cairn_ir::{Dialect, Plan, Realm, Schema};
use cairn_sema::rules::{
    Anchor, CompiledRules, CompiledTest, Finding, LintTarget, MigrationFile, Side, evaluate,
};
use cairn_sema::{Compiled, compile};
use cairn_syntax::Span;
use cairn_syntax::rules::{TestSource, TestSourceKind};

use crate::diff::{DiffOptions, diff};
use crate::plan::{PlanOptions, Planner, plan};

/// The result of one `test` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestOutcome {
    /// The rule file the test is in.
    pub file: String,
    /// The rule the test names (code or name, as written).
    pub rule: String,
    pub title: String,
    pub dialect: Dialect,
    /// Where the test is declared in its file.
    pub span: Span,
    /// `None` when the test passed; otherwise why it failed.
    pub failure: Option<String>,
}

impl TestOutcome {
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// Runs every test of `rules`, choosing each test's planner by its dialect.
pub fn run_tests<'p>(
    rules: &CompiledRules,
    planner_for: &dyn Fn(Dialect) -> &'p dyn Planner,
) -> Vec<TestOutcome> {
    rules
        .tests
        .iter()
        .map(|t| run_test(rules, t, planner_for(t.dialect)))
        .collect()
}

/// Runs one test of `rules` with `planner` (the planner of the test's dialect).
pub fn run_test(rules: &CompiledRules, test: &CompiledTest, planner: &dyn Planner) -> TestOutcome {
    let failure = run(rules, test, planner).err();
    TestOutcome {
        file: rules.path.clone(),
        rule: test.rule_ref.clone(),
        title: test.title.clone(),
        dialect: test.dialect,
        span: test.span,
        failure,
    }
}

/// A compiled test state and the text it came from (to resolve `at` on objects).
struct State {
    compiled: Compiled,
    text: String,
}

fn run(rules: &CompiledRules, test: &CompiledTest, planner: &dyn Planner) -> Result<(), String> {
    let Some(rule_ix) = test.rule else {
        return Err(format!("no compiled rule `{}` in this file", test.rule_ref));
    };
    if rules.has_errors() {
        return Err("the rule file has errors".into());
    }
    let base = Path::new(&rules.path).parent().map(Path::to_path_buf);
    // With `migration`, the state after is `before` plus the file, as `cairn lint` sees it.
    let (after_src, after) = match (&test.after, &test.migration) {
        (Some(src), _) => (
            src,
            load_state(src, test.dialect, base.as_deref(), "after")?,
        ),
        (None, Some(src)) => (src, load_migration(src, test, base.as_deref())?),
        (None, None) => return Err("the test has no `after` state".to_string()),
    };
    let before = match &test.before {
        Some(src) => load_state(src, test.dialect, base.as_deref(), "before")?,
        // An empty state, written in the same language as `after`.
        None => {
            let empty = TestSource {
                kind: match after_src.kind {
                    TestSourceKind::Hcl => TestSourceKind::Hcl,
                    _ => TestSourceKind::Sql,
                },
                text: String::new(),
                span: after_src.span,
                text_offset: after_src.text_offset,
            };
            load_state(&empty, test.dialect, None, "before")?
        }
    };
    let (mut before, mut after) = (before, after);
    keep_default_schema(&mut before.compiled.realm, &mut after.compiled.realm);
    // `-- cairn:rows TABLE=N` lines in the `before` source stand for a live database's row
    // estimates, so row-count-aware rules can be tested.
    if let Some(src) = &test.before {
        let rows = row_directives(&src.text);
        if !rows.is_empty() {
            set_row_estimates(&mut before.compiled.realm, |_, t| {
                rows.iter().find(|(n, _)| n == t).map(|(_, r)| *r)
            });
        }
    }
    let d = diff(
        &before.compiled.realm,
        &after.compiled.realm,
        &DiffOptions::default(),
    );
    if !d.errors.is_empty() {
        return Err(format!("the differ failed: {}", d.errors.join("; ")));
    }
    let p = plan(
        planner,
        &d,
        &before.compiled.realm,
        &after.compiled.realm,
        &PlanOptions::default(),
    );
    let file = test.migration.is_some().then(|| {
        let stmts = crate::lint::split_statements(&after.text);
        crate::lint::migration_file(MIGRATION_FILE, &after.text, &stmts, &p, test.dialect)
    });
    let target = LintTarget {
        dialect: test.dialect,
        before: Some(&before.compiled.realm),
        after: &after.compiled.realm,
        plan: Some(&p),
        // `-- cairn:server_version N` in the `before` source stands for a live server's version.
        server_version: test
            .before
            .as_ref()
            .and_then(|src| server_version_directive(&src.text)),
        schema_rules: true,
        file: file.as_ref(),
        report_scope: None,
    };
    let eval = evaluate(rules, &target, &test.params);
    if !eval.errors.is_empty() {
        return Err(eval.errors.join("; "));
    }
    let rule = &rules.rules[rule_ix];
    // The findings under test: the tested rule's, and those of any rule an `expect` names.
    let relevant: Vec<&Finding> = eval
        .findings
        .iter()
        .filter(|f| {
            f.rule == rule_ix
                || test
                    .expects
                    .iter()
                    .any(|(code, _)| finding_matches_code(f, code))
        })
        .collect();
    let mut unmatched: Vec<&Finding> = relevant.clone();
    let mut missing = Vec::new();
    for (code, at) in &test.expects {
        let pos = unmatched.iter().position(|f| {
            finding_matches_code(f, code)
                && at.as_ref().is_none_or(|text| {
                    anchor_text(f, &p, file.as_ref(), &before, &after)
                        .is_some_and(|s| s.contains(text.as_str()))
                })
        });
        match pos {
            Some(i) => {
                unmatched.remove(i);
            }
            None => missing.push(match at {
                Some(text) => format!("{code} at {text:?}"),
                None => code.clone(),
            }),
        }
    }
    if missing.is_empty() && unmatched.is_empty() {
        return Ok(());
    }
    let mut msg = String::new();
    if !missing.is_empty() {
        msg.push_str(&format!("expected {} but ", missing.join(", ")));
    }
    if relevant.is_empty() {
        msg.push_str(&format!("{} reported nothing", rule.label()));
    } else {
        let got: Vec<String> = relevant
            .iter()
            .map(|f| {
                let at = anchor_text(f, &p, file.as_ref(), &before, &after)
                    .map(|s| format!(" at {:?}", first_line(&s)))
                    .unwrap_or_default();
                format!("{}{at}: {}", label(f), f.message)
            })
            .collect();
        msg.push_str(&format!("got [{}]", got.join("; ")));
    }
    if p.statements.is_empty() {
        msg.push_str(" (the plan is empty)");
    } else {
        let sql: Vec<String> = p.statements.iter().map(|s| first_line(&s.sql)).collect();
        msg.push_str(&format!(" (plan: {})", sql.join(" | ")));
    }
    Err(msg)
}

/// A test state written as SQL or HCL only names the schemas it puts something in; the
/// dialect's default schema (`public`, `main`, MySQL's current database) exists on both sides
/// whether or not a state mentions it, as it does in a real database.
/// The `-- cairn:server_version N` directive of a test's SQL (major*10000 + minor*100 + patch:
/// `100406` for MariaDB 10.4.6), standing for a live server's version.
fn server_version_directive(text: &str) -> Option<i64> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("-- cairn:server_version"))
        .find_map(|rest| rest.trim().replace('_', "").parse().ok())
}

/// The `-- cairn:rows TABLE=N` directives of a test's SQL (test blocks only).
fn row_directives(text: &str) -> Vec<(String, u64)> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("-- cairn:rows"))
        .flat_map(|rest| rest.split_whitespace())
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            Some((k.to_string(), v.replace('_', "").parse().ok()?))
        })
        .collect()
}

/// Sets the row estimate of every table of `realm` that `rows(schema, table)` knows (the live
/// database's estimates, for `cairn lint --url`); tables it does not know keep theirs.
pub fn set_row_estimates(realm: &mut Realm, rows: impl Fn(&str, &str) -> Option<u64>) {
    for s in &mut realm.schemas {
        for t in &mut s.tables {
            if let Some(r) = rows(&s.name, &t.name) {
                t.rows = Some(r);
            }
        }
    }
}

pub fn keep_default_schema(before: &mut Realm, after: &mut Realm) {
    let name = before.dialect.default_schema().unwrap_or("");
    if before.schema(name).is_some() && after.schema(name).is_none() {
        after.schemas.push(Schema::new(name));
    } else if after.schema(name).is_some() && before.schema(name).is_none() {
        before.schemas.push(Schema::new(name));
    }
}

fn label(f: &Finding) -> String {
    f.code.clone().unwrap_or_else(|| f.name.clone())
}

fn finding_matches_code(f: &Finding, code: &str) -> bool {
    f.code.as_deref() == Some(code) || f.name == code
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// The text a finding points at: its statement's SQL (the migration file's, for a test with
/// `migration`), or the source of the object it names.
fn anchor_text(
    f: &Finding,
    plan: &Plan,
    file: Option<&MigrationFile>,
    before: &State,
    after: &State,
) -> Option<String> {
    match &f.anchor {
        Anchor::None => None,
        Anchor::FileStatement(i) => file?.statements.get(*i).map(|s| s.sql.clone()),
        Anchor::Change(i) if file.is_some() => {
            let file = file?;
            let s = file.change_statement.get(*i).copied().flatten()?;
            file.statements.get(s).map(|s| s.sql.clone())
        }
        Anchor::Change(i) => plan
            .statements
            .iter()
            .find(|s| s.changes.contains(i))
            .map(|s| s.sql.clone()),
        Anchor::Statement(i) => plan.statements.get(*i).map(|s| s.sql.clone()),
        Anchor::Object { side, path } => {
            let state = match side {
                Side::Before => before,
                Side::After => after,
            };
            let loc = state.compiled.source_map.get(path)?;
            state.text.get(loc.span.range()).map(str::to_string)
        }
    }
}

/// The name a test's migration file is linted under.
const MIGRATION_FILE: &str = "migration.sql";

/// The state after a test's migration file: its `before` SQL and the file, compiled together.
/// The state's text is the file's (findings point into it).
fn load_migration(
    src: &TestSource,
    test: &CompiledTest,
    base: Option<&Path>,
) -> Result<State, String> {
    if src.kind == TestSourceKind::Hcl {
        return Err("`migration` is a SQL migration file: write it as sql\"...\"".into());
    }
    let before = match &test.before {
        None => String::new(),
        Some(b) if b.kind == TestSourceKind::Sql => b.text.clone(),
        Some(_) => {
            return Err("a test with `migration` needs its `before` state as sql\"...\"".into());
        }
    };
    let text = if src.kind == TestSourceKind::Path {
        let path = base.map_or_else(|| PathBuf::from(&src.text), |b| b.join(&src.text));
        std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?
    } else {
        src.text.clone()
    };
    let compiled = compile(
        &[
            ("before.sql".to_string(), before),
            (MIGRATION_FILE.to_string(), text.clone()),
        ],
        test.dialect,
    );
    if compiled.has_errors() {
        return Err(format!(
            "the migration does not compile: {}",
            compile_errors(&compiled)
        ));
    }
    Ok(State { compiled, text })
}

fn load_state(
    src: &TestSource,
    dialect: Dialect,
    base: Option<&Path>,
    which: &str,
) -> Result<State, String> {
    let (name, text) = match src.kind {
        TestSourceKind::Sql => (format!("{which}.sql"), src.text.clone()),
        TestSourceKind::Hcl => (format!("{which}.hcl"), src.text.clone()),
        TestSourceKind::Path => {
            let path = match base {
                Some(b) => b.join(&src.text),
                None => PathBuf::from(&src.text),
            };
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            (path.display().to_string(), text)
        }
    };
    let compiled = compile(&[(name.clone(), text.clone())], dialect);
    if compiled.has_errors() {
        return Err(format!(
            "the `{which}` state does not compile: {}",
            compile_errors(&compiled)
        ));
    }
    Ok(State { compiled, text })
}

/// The compiler's errors, as `CODE message` joined by `; `.
fn compile_errors(compiled: &Compiled) -> String {
    compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect::<Vec<_>>()
        .join("; ")
}
