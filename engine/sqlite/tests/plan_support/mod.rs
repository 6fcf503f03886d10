//! The shared harness of the SQLite planner tests: fresh database files, compiling SQL schemas,
//! planning against an inspected database, applying the plan, and the three checks every case
//! must pass (the database equals the desired schema applied from nothing, a second plan is empty,
//! and the rows written before the change survive in every column that is kept).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cairn_core::apply::apply_plan;
use cairn_core::diff::{Diff, DiffOptions, diff};
use cairn_core::normalize::normalize;
use cairn_core::plan::{PlanOptions, plan};
use cairn_core::{DbUrl, Driver, InspectOptions};
use cairn_ir::{Change, Dialect, Plan, Realm};
use cairn_sqlite::SqliteDriver;
use cairn_sqlite::plan::SqlitePlanner;
use sqlx::Row;

/// A database file of its own, removed when the value is dropped (also when a test panics).
pub struct TempDb {
    path: PathBuf,
    pub driver: SqliteDriver,
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
    }
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh, empty database under a name no other test (or test run) uses.
pub async fn fresh_db() -> TempDb {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let name = format!(
        "cairn_plan_{}_{}_{}.db",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let path = std::env::temp_dir().join(name);
    let url = DbUrl::parse(&format!("sqlite://{}", path.display())).expect("a valid SQLite URL");
    let driver = cairn_sqlite::connect(&url, false)
        .await
        .expect("a temporary SQLite database opens");
    TempDb { path, driver }
}

/// Compiles a SQL schema; a compile error fails the test with its diagnostics.
pub fn compile(name: &str, sql: &str) -> Realm {
    let compiled =
        cairn_sema::compile(&[(format!("{name}.sql"), sql.to_string())], Dialect::Sqlite);
    let errors: Vec<String> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(
        errors.is_empty(),
        "{name}.sql does not compile:\n{}",
        errors.join("\n")
    );
    compiled.realm
}

pub async fn inspect(db: &TempDb) -> Realm {
    db.driver
        .inspect(&InspectOptions::default())
        .await
        .expect("the database can be inspected")
}

/// What the CLI does in schema scope: the desired schema is the database's one schema, whatever
/// its source called it.
pub fn align(current: &mut Realm, desired: &mut Realm) {
    if current.schemas.is_empty() && desired.schemas.len() == 1 {
        current.schemas.push(cairn_ir::Schema::new("main"));
    }
    if current.schemas.len() == 1 && desired.schemas.len() == 1 {
        let from = desired.schemas[0].name.clone();
        let to = current.schemas[0].name.clone();
        desired.schemas[0].name = to.clone();
        for t in &mut desired.schemas[0].tables {
            for fk in &mut t.foreign_keys {
                if fk.ref_table.schema.as_deref() == Some(from.as_str()) {
                    fk.ref_table.schema = Some(to.clone());
                }
            }
        }
    }
    if desired.schemas.is_empty() {
        desired.schemas.push(cairn_ir::Schema::new("main"));
    }
}

/// The plan as a reader sees it: each statement with its hazards, then the changes.
pub fn render_plan(plan: &Plan) -> String {
    let mut s = String::new();
    for (i, c) in plan.changes.iter().enumerate() {
        s.push_str(&format!("  change {i}: {}\n", c.summary()));
    }
    for st in &plan.statements {
        let h = &st.hazards;
        let mut flags = Vec::new();
        for (on, name) in [
            (h.destructive, "destructive"),
            (h.data_dependent, "data-dependent"),
            (h.backward_incompatible, "backward-incompatible"),
            (h.rewrites_table, "rewrites-table"),
            (h.non_transactional, "non-transactional"),
            (h.irreversible, "irreversible"),
        ] {
            if on {
                flags.push(name);
            }
        }
        s.push_str(&format!(
            "  {};  -- {:?} [{}]\n",
            st.sql,
            st.changes,
            flags.join(", ")
        ));
    }
    s
}

/// One table's rows: column names, and every row's values as text (NULL as `None`), sorted.
pub type Rows = (Vec<String>, Vec<Vec<Option<String>>>);

/// Every row of every table of `realm`, read from the database.
pub async fn snapshot(db: &TempDb, realm: &Realm) -> BTreeMap<String, Rows> {
    let mut out = BTreeMap::new();
    for (_, t) in realm.tables() {
        let cols: Vec<String> = t
            .columns
            .iter()
            .filter(|c| c.generated.is_none())
            .map(|c| c.name.clone())
            .collect();
        if cols.is_empty() {
            continue;
        }
        let list = cols
            .iter()
            .map(|c| format!("CAST({} AS TEXT)", Dialect::Sqlite.quote_ident(c)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {list} FROM {}",
            Dialect::Sqlite.quote_ident(&t.name)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(db.driver.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let mut values: Vec<Vec<Option<String>>> = rows
            .iter()
            .map(|r| {
                (0..cols.len())
                    .map(|i| r.get::<Option<String>, _>(i))
                    .collect()
            })
            .collect();
        values.sort();
        out.insert(t.name.clone(), (cols, values));
    }
    out
}

/// Checks that every row of `before` survives in `after`, in every column that the plan keeps
/// (through table and column renames). Returns the first difference.
pub fn rows_survive(
    changes: &[Change],
    before: &BTreeMap<String, Rows>,
    after: &BTreeMap<String, Rows>,
) -> Result<(), String> {
    for (table, (cols, rows)) in before {
        let new_table = changes
            .iter()
            .find_map(|c| match c {
                Change::RenameTable { from, to } if &from.name == table => Some(to.name.clone()),
                _ => None,
            })
            .unwrap_or_else(|| table.clone());
        let Some((after_cols, after_rows)) = after.get(&new_table) else {
            let dropped = changes
                .iter()
                .any(|c| matches!(c, Change::DropTable { table: t, .. } if &t.name == table));
            if dropped || rows.is_empty() {
                continue;
            }
            return Err(format!(
                "table {table} (as {new_table}) is gone, with its {} rows",
                rows.len()
            ));
        };
        // Pairs (index before, index after) of the kept columns.
        let mut kept = Vec::new();
        for (i, c) in cols.iter().enumerate() {
            let new_name = changes
                .iter()
                .find_map(|ch| match ch {
                    Change::RenameColumn { table: t, from, to }
                        if t.name == new_table && from == c =>
                    {
                        Some(to.clone())
                    }
                    _ => None,
                })
                .unwrap_or_else(|| c.clone());
            if let Some(j) = after_cols
                .iter()
                .position(|x| x.eq_ignore_ascii_case(&new_name))
            {
                kept.push((i, j));
            }
        }
        let project = |rows: &[Vec<Option<String>>], pick: &dyn Fn(&(usize, usize)) -> usize| {
            let mut v: Vec<Vec<Option<String>>> = rows
                .iter()
                .map(|r| kept.iter().map(|k| r[pick(k)].clone()).collect())
                .collect();
            v.sort();
            v
        };
        let was = project(rows, &|k| k.0);
        let now = project(after_rows, &|k| k.1);
        if was != now {
            let names: Vec<&str> = kept.iter().map(|k| cols[k.0].as_str()).collect();
            return Err(format!(
                "rows of {table} changed in the kept columns {names:?}:\n    before: {was:?}\n    after:  {now:?}"
            ));
        }
    }
    Ok(())
}

/// What one case produced, for tests that look further than the standard checks.
pub struct Outcome {
    pub plan: Plan,
    pub db: TempDb,
    pub before_rows: BTreeMap<String, Rows>,
    pub after_rows: BTreeMap<String, Rows>,
}

/// Runs one case: `before` (and `data`) applied to a fresh database, planned towards `after`,
/// applied, and checked. The error names what failed and prints the plan.
pub async fn run_case(before: &str, after: &str, data: &str) -> Result<Outcome, String> {
    let mut desired = compile("after", after);
    let db = fresh_db().await;
    db.driver
        .execute(before)
        .await
        .map_err(|e| format!("before.sql does not apply: {e}"))?;
    if !data.trim().is_empty() {
        db.driver
            .execute(data)
            .await
            .map_err(|e| format!("data.sql does not apply: {e}"))?;
    }
    let mut current = inspect(&db).await;
    align(&mut current, &mut desired);
    let before_rows = snapshot(&db, &current).await;
    let d: Diff = diff(&current, &desired, &DiffOptions::default());
    if !d.errors.is_empty() {
        return Err(format!("the diff has errors: {:?}", d.errors));
    }
    let plan = plan(
        &SqlitePlanner,
        &d,
        &current,
        &desired,
        &PlanOptions::default(),
    );
    let shown = render_plan(&plan);
    if plan.changes.is_empty() {
        return Err("the case plans no change at all: before.sql and after.sql are equal".into());
    }
    let report = apply_plan(&db.driver, &plan, true, Duration::from_secs(10), &())
        .await
        .map_err(|e| format!("apply failed: {e}\nplan:\n{shown}"))?;
    if let Some((i, message)) = report.error {
        return Err(format!(
            "the step starting at statement {i} failed: {message}\nplan:\n{shown}"
        ));
    }
    // (1) The database equals the desired schema applied to an empty database.
    let applied = inspect(&db).await;
    let reference_db = fresh_db().await;
    reference_db
        .driver
        .execute(after)
        .await
        .map_err(|e| format!("after.sql does not apply to an empty database: {e}"))?;
    let reference = inspect(&reference_db).await;
    reference_db.driver.close().await;
    let (a, r) = (normalize(&applied), normalize(&reference));
    if a != r {
        return Err(format!(
            "the planned database differs from after.sql applied from nothing\n{}\nplan:\n{shown}",
            first_difference(&a, &r)
        ));
    }
    // (2) Convergence: a second plan is empty.
    let mut again_desired = compile("after", after);
    let mut again_current = applied.clone();
    align(&mut again_current, &mut again_desired);
    let again = diff(&again_current, &again_desired, &DiffOptions::default());
    if !again.changes.is_empty() {
        let left: Vec<String> = again.changes.iter().map(Change::summary).collect();
        return Err(format!(
            "a second diff is not empty: {left:?}\nplan:\n{shown}"
        ));
    }
    // (3) Rows survive in every kept column.
    let after_rows = snapshot(&db, &applied).await;
    rows_survive(&plan.changes, &before_rows, &after_rows)
        .map_err(|e| format!("{e}\nplan:\n{shown}"))?;
    Ok(Outcome {
        plan,
        db,
        before_rows,
        after_rows,
    })
}

/// The first table or object that differs between two normalised realms, for messages.
fn first_difference(a: &Realm, b: &Realm) -> String {
    for (sa, sb) in a.schemas.iter().zip(&b.schemas) {
        for ta in &sa.tables {
            match sb.tables.iter().find(|t| t.name == ta.name) {
                Some(tb) if tb != ta => {
                    return format!(
                        "table {}:\n  planned:   {ta:?}\n  reference: {tb:?}",
                        ta.name
                    );
                }
                None => return format!("table {} exists only in the planned database", ta.name),
                _ => {}
            }
        }
        for tb in &sb.tables {
            if !sa.tables.iter().any(|t| t.name == tb.name) {
                return format!("table {} exists only in the reference database", tb.name);
            }
        }
        if sa.views != sb.views {
            return format!(
                "views:\n  planned:   {:?}\n  reference: {:?}",
                sa.views, sb.views
            );
        }
    }
    format!("planned:   {a:?}\nreference: {b:?}")
}

/// The case folders under `tests/plan_cases`, sorted by name.
pub fn case_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/plan_cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Reads a case folder: `before.sql`, `after.sql` and the optional `data.sql`.
pub fn read_case(dir: &Path) -> (String, String, String) {
    let read = |name: &str| std::fs::read_to_string(dir.join(name));
    let before = read("before.sql").unwrap_or_else(|e| panic!("{}/before.sql: {e}", dir.display()));
    let after = read("after.sql").unwrap_or_else(|e| panic!("{}/after.sql: {e}", dir.display()));
    (before, after, read("data.sql").unwrap_or_default())
}

/// Plans `before` towards `after` without applying anything (for hazard assertions).
pub async fn plan_only(before: &str, after: &str) -> Plan {
    let mut desired = compile("after", after);
    let db = fresh_db().await;
    db.driver.execute(before).await.expect("before applies");
    let mut current = inspect(&db).await;
    align(&mut current, &mut desired);
    let d = diff(&current, &desired, &DiffOptions::default());
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    db.driver.close().await;
    plan(
        &SqlitePlanner,
        &d,
        &current,
        &desired,
        &PlanOptions::default(),
    )
}
