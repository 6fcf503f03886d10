//! Seeded randomized schema evolution on live databases: a generator produces a sequence of
//! schema versions (add and drop tables and columns, rename columns with hints, widen types,
//! add and drop indexes), each applied with Cairn's planner to a database holding rows. After
//! every step the next plan must be empty, and every row of every kept column must still hold
//! its value (renamed columns under their new names).
//!
//! `CAIRN_EVOLUTION_STEPS` (default 200) and `CAIRN_EVOLUTION_SEED` (default 1) steer it; a
//! failure prints the seed, the step and the SQL of the version.

use std::collections::BTreeMap;

use cairn_core::apply::apply_plan;
use cairn_core::diff::{DiffOptions, diff};
use cairn_core::plan::{PlanOptions, Planner, plan};
use cairn_core::safety::{Allowances, FindingSeverity, check_plan};
use cairn_core::{DbUrl, Driver, InspectOptions};
use cairn_ir::{Dialect, Realm};
use cairn_tests::{mysql_scratch, pg_scratch, unique_name, with_search_path};

/// xorshift64*: small, deterministic, good enough to pick operations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Ty {
    Int,
    BigInt,
    Varchar(u32),
    Text,
}

#[derive(Clone, Debug)]
struct Col {
    name: String,
    ty: Ty,
    renamed_from: Option<String>,
}

#[derive(Clone, Debug)]
struct Tbl {
    name: String,
    cols: Vec<Col>,
    indexes: Vec<(String, String)>,
    /// Row id -> column -> text value (None = NULL).
    rows: BTreeMap<i64, BTreeMap<String, Option<String>>>,
}

struct Model {
    tables: Vec<Tbl>,
    serial: u32,
    next_id: i64,
}

fn ty_sql(d: Dialect, t: &Ty) -> String {
    match (d, t) {
        (Dialect::Sqlite, Ty::Int) => "integer".into(),
        (Dialect::Sqlite, Ty::BigInt) => "bigint".into(),
        (_, Ty::Int) => "integer".into(),
        (_, Ty::BigInt) => "bigint".into(),
        (_, Ty::Varchar(n)) => format!("varchar({n})"),
        (_, Ty::Text) => "text".into(),
    }
}

impl Model {
    fn sql(&self, d: Dialect) -> String {
        let mut out = String::new();
        for t in &self.tables {
            out.push_str(&format!(
                "CREATE TABLE {} (\n  id bigint NOT NULL PRIMARY KEY",
                t.name
            ));
            // A hint comment ends its line, so it goes after the comma that follows the column.
            let mut hint: Option<String> = None;
            for c in &t.cols {
                out.push(',');
                out.push_str(&hint.take().unwrap_or_default());
                out.push_str(&format!("\n  {} {}", c.name, ty_sql(d, &c.ty)));
                if let Some(old) = &c.renamed_from {
                    hint = Some(format!(" -- cairn:renamed_from {old}"));
                }
            }
            out.push_str(&hint.take().unwrap_or_default());
            out.push_str("\n);\n");
            for (ix, col) in &t.indexes {
                out.push_str(&format!("CREATE INDEX {ix} ON {} ({col});\n", t.name));
            }
        }
        out
    }

    fn fresh_name(&mut self, p: &str) -> String {
        self.serial += 1;
        format!("{p}{}", self.serial)
    }

    /// One random, mostly non-destructive change. Returns what it did.
    fn evolve(&mut self, rng: &mut Rng) -> String {
        for t in &mut self.tables {
            for c in &mut t.cols {
                c.renamed_from = None;
            }
        }
        if self.tables.is_empty() || (self.tables.len() < 4 && rng.below(6) == 0) {
            let name = self.fresh_name("t");
            let col = self.fresh_name("c");
            self.tables.push(Tbl {
                name: name.clone(),
                cols: vec![Col {
                    name: col,
                    ty: Ty::Varchar(32),
                    renamed_from: None,
                }],
                indexes: vec![],
                rows: BTreeMap::new(),
            });
            return format!("add table {name}");
        }
        let ti = rng.below(self.tables.len());
        let op = rng.below(8);
        let name = self.fresh_name("c");
        let ix_name = self.fresh_name("ix");
        let t = &mut self.tables[ti];
        match op {
            0 | 1 => {
                let ty = match rng.below(3) {
                    0 => Ty::Int,
                    1 => Ty::Varchar(16),
                    _ => Ty::Text,
                };
                t.cols.push(Col {
                    name: name.clone(),
                    ty,
                    renamed_from: None,
                });
                for r in t.rows.values_mut() {
                    r.insert(name.clone(), None);
                }
                format!("add column {}.{name}", t.name)
            }
            2 if t.cols.len() > 1 => {
                let ci = rng.below(t.cols.len());
                let gone = t.cols.remove(ci).name;
                t.indexes.retain(|(_, c)| c != &gone);
                for r in t.rows.values_mut() {
                    r.remove(&gone);
                }
                format!("drop column {}.{gone}", t.name)
            }
            3 => {
                let ci = rng.below(t.cols.len());
                let old = std::mem::replace(&mut t.cols[ci].name, name.clone());
                t.cols[ci].renamed_from = Some(old.clone());
                for (_, c) in t.indexes.iter_mut() {
                    if *c == old {
                        *c = name.clone();
                    }
                }
                for r in t.rows.values_mut() {
                    if let Some(v) = r.remove(&old) {
                        r.insert(name.clone(), v);
                    }
                }
                format!("rename column {}.{old} to {name}", t.name)
            }
            4 => {
                let ci = rng.below(t.cols.len());
                let c = &mut t.cols[ci];
                let widened = match c.ty {
                    Ty::Int => Some(Ty::BigInt),
                    Ty::Varchar(n) if n < 256 => Some(Ty::Varchar(n * 2)),
                    _ => None,
                };
                match widened {
                    Some(w) => {
                        c.ty = w;
                        format!("widen {}.{}", t.name, c.name)
                    }
                    None => "nothing".into(),
                }
            }
            5 if t.indexes.len() < 3 => {
                let c = t.cols[rng.below(t.cols.len())].name.clone();
                if matches!(
                    t.cols.iter().find(|x| x.name == c).map(|x| &x.ty),
                    Some(Ty::Text)
                ) {
                    return "nothing".into();
                }
                t.indexes.push((ix_name.clone(), c.clone()));
                format!("add index {ix_name} on {}.{c}", t.name)
            }
            6 if !t.indexes.is_empty() => {
                let (ix, _) = t.indexes.remove(rng.below(t.indexes.len()));
                format!("drop index {ix}")
            }
            7 if self.tables.len() > 2 && rng.below(4) == 0 => {
                let gone = self.tables.remove(ti).name;
                format!("drop table {gone}")
            }
            _ => "nothing".into(),
        }
    }

    /// Inserts one row into every table, with a value in every column.
    fn insert_sql(&mut self, rng: &mut Rng) -> String {
        let mut out = String::new();
        for t in &mut self.tables {
            self.next_id += 1;
            let id = self.next_id;
            let mut cols = vec!["id".to_string()];
            let mut vals = vec![id.to_string()];
            let mut row = BTreeMap::new();
            for c in &t.cols {
                let v = match c.ty {
                    Ty::Int | Ty::BigInt => (rng.below(100_000) as i64).to_string(),
                    Ty::Varchar(_) | Ty::Text => format!("v{}", rng.below(1_000_000)),
                };
                cols.push(c.name.clone());
                vals.push(if matches!(c.ty, Ty::Int | Ty::BigInt) {
                    v.clone()
                } else {
                    format!("'{v}'")
                });
                row.insert(c.name.clone(), Some(v));
            }
            t.rows.insert(id, row);
            out.push_str(&format!(
                "INSERT INTO {} ({}) VALUES ({});\n",
                t.name,
                cols.join(", "),
                vals.join(", ")
            ));
        }
        out
    }
}

fn planner(d: Dialect) -> &'static dyn Planner {
    match d {
        Dialect::Postgres => &cairn_postgres::plan::PostgresPlanner,
        Dialect::Mysql(_) => &cairn_mysql::plan::MysqlPlanner,
        Dialect::Sqlite => &cairn_sqlite::plan::SqlitePlanner,
    }
}

fn align(current: &Realm, desired: &mut Realm) {
    if let (Some(c), 1) = (current.schemas.first(), desired.schemas.len()) {
        desired.schemas[0].name = c.name.clone();
    } else if current.schemas.is_empty() && desired.schemas.len() == 1 {
        desired.schemas[0].name = current
            .dialect
            .fixed_schema()
            .unwrap_or(&desired.schemas[0].name)
            .to_string();
    }
}

/// Reads every table of the model back as text, to compare with the model's rows.
async fn check_rows(db: &dyn Driver, url: &str, d: Dialect, model: &Model) -> Result<(), String> {
    use sqlx::Connection;
    for t in &model.tables {
        for c in &t.cols {
            let cast = match d {
                Dialect::Postgres => format!("CAST({} AS text)", c.name),
                Dialect::Mysql(_) => format!("CAST({} AS CHAR)", c.name),
                Dialect::Sqlite => format!("CAST({} AS TEXT)", c.name),
            };
            let sql = format!(
                "SELECT CAST(id AS {}), {cast} FROM {} ORDER BY id",
                if d == Dialect::Postgres {
                    "text"
                } else if d.is_mysql_family() {
                    "CHAR"
                } else {
                    "TEXT"
                },
                t.name
            );
            let rows: Vec<(String, Option<String>)> = match d {
                Dialect::Postgres => {
                    let mut conn = sqlx::PgConnection::connect(url)
                        .await
                        .map_err(|e| e.to_string())?;
                    sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                        .fetch_all(&mut conn)
                        .await
                        .map_err(|e| format!("{sql}: {e}"))?
                }
                Dialect::Mysql(_) => {
                    let mut conn = sqlx::MySqlConnection::connect(url)
                        .await
                        .map_err(|e| e.to_string())?;
                    sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                        .fetch_all(&mut conn)
                        .await
                        .map_err(|e| format!("{sql}: {e}"))?
                }
                Dialect::Sqlite => {
                    let _ = db;
                    let mut conn = sqlx::SqliteConnection::connect(url)
                        .await
                        .map_err(|e| e.to_string())?;
                    sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                        .fetch_all(&mut conn)
                        .await
                        .map_err(|e| format!("{sql}: {e}"))?
                }
            };
            for (id, v) in rows {
                let id: i64 = id.parse().map_err(|e| format!("id {id}: {e}"))?;
                let want = t
                    .rows
                    .get(&id)
                    .and_then(|r| r.get(&c.name))
                    .cloned()
                    .flatten();
                if v != want {
                    return Err(format!(
                        "{}.{} row {id}: {v:?}, expected {want:?}",
                        t.name, c.name
                    ));
                }
            }
        }
    }
    Ok(())
}

async fn evolve(d: Dialect, db: &dyn Driver, url: &str, raw_url: &str) {
    let steps: usize = std::env::var("CAIRN_EVOLUTION_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("CAIRN_EVOLUTION_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut model = Model {
        tables: vec![],
        serial: 0,
        next_id: 0,
    };
    for step in 1..=steps {
        let what = model.evolve(&mut rng);
        let sql = model.sql(d);
        let fail = |msg: String| -> ! {
            panic!("{d} seed {seed} step {step} ({what}): {msg}\n--- version ---\n{sql}")
        };
        let compiled = cairn_sema::compile(&[("v.sql".into(), sql.clone())], d);
        if let Some(e) = compiled.diagnostics.iter().find(|x| x.is_error()) {
            fail(format!("does not compile: {} {}", e.code, e.message));
        }
        let current = db
            .inspect(&InspectOptions::default())
            .await
            .unwrap_or_else(|e| fail(e.to_string()));
        let mut desired = compiled.realm;
        align(&current, &mut desired);
        let df = diff(&current, &desired, &DiffOptions::default());
        if let Some(e) = df.errors.first() {
            fail(e.clone());
        }
        let p = plan(planner(d), &df, &current, &desired, &PlanOptions::default());
        let findings = check_plan(
            &p,
            &df.possible_renames,
            &Allowances {
                destructive: true,
                drops: vec![],
            },
        );
        if findings
            .iter()
            .any(|f| f.severity == FindingSeverity::Error)
        {
            // Every rename carries a hint; a possible rename means the differ paired wrongly.
            fail(format!("blocked: {findings:?}"));
        }
        let report = apply_plan(db, &p, true, std::time::Duration::from_secs(10), &())
            .await
            .unwrap_or_else(|e| fail(e.to_string()));
        if let Some((i, text)) = report.error {
            fail(format!(
                "statement {:?} failed: {text}",
                p.statements.get(i).map(|s| &s.sql)
            ));
        }
        let after = db
            .inspect(&InspectOptions::default())
            .await
            .unwrap_or_else(|e| fail(e.to_string()));
        let again = diff(&after, &desired, &DiffOptions::default());
        if !again.changes.is_empty() {
            fail(format!(
                "the next plan is not empty: {:?}",
                again
                    .changes
                    .iter()
                    .map(|c| c.summary())
                    .collect::<Vec<_>>()
            ));
        }
        check_rows(db, raw_url, d, &model)
            .await
            .unwrap_or_else(|e| fail(e));
        let inserts = model.insert_sql(&mut rng);
        if !inserts.is_empty() {
            db.execute(&inserts)
                .await
                .unwrap_or_else(|e| fail(format!("inserting rows: {e}")));
        }
        let _ = url;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_evolves_without_losing_rows() {
    let path = std::env::temp_dir().join(format!("{}.db", unique_name("evolve")));
    let url = format!("sqlite://{}", path.display());
    let db = cairn_sqlite::connect(&DbUrl::parse(&url).unwrap(), false)
        .await
        .unwrap();
    evolve(Dialect::Sqlite, &db, &url, &url).await;
    db.close().await;
    let _ = std::fs::remove_file(path);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_evolves_without_losing_rows() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let url = with_search_path(&scratch.url, "public");
    let db = cairn_postgres::connect(&DbUrl::parse(&url).unwrap())
        .await
        .unwrap();
    evolve(Dialect::Postgres, &db, &url, &scratch.url).await;
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_evolves_without_losing_rows() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let db = cairn_mysql::connect(&DbUrl::parse(&scratch.url).unwrap())
        .await
        .unwrap();
    evolve(Dialect::MARIADB, &db, &scratch.url, &scratch.url).await;
    db.close().await;
}
