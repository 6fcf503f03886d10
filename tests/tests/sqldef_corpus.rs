//! The sqldef peer corpus (../shared/corpus/sqldef), run against real databases as its README
//! says: apply `current` to a fresh database, apply `desired` with Cairn's planner, check the
//! database now equals `desired` applied to another fresh database, that a second plan is empty,
//! and that planning back to `current` reaches `current`. A case whose unhinted drop and add look
//! like a rename passes when Cairn blocks it (RN101) and changes nothing; an `error:` case passes
//! when Cairn refuses it with a message.
//!
//! At least 90% of the applicable cases per dialect must pass; the ones that do not are listed in
//! tests/sqldef-expected-failures.txt with their cause, and the list is enforced both ways (a
//! listed case that starts passing must be removed from it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use cairn_core::apply::apply_plan;
use cairn_core::diff::{DiffOptions, diff};
use cairn_core::normalize::normalize;
use cairn_core::plan::{PlanOptions, Planner, plan};
use cairn_core::safety::{Allowances, FindingSeverity, check_plan};
use cairn_core::{DbUrl, Driver, InspectOptions};
use cairn_ir::{Dialect, Realm};
use cairn_tests::{
    mysql_url, postgres_url, repo_root, unique_name, unreachable, with_database, with_search_path,
};
use yaml_rust2::{Yaml, YamlLoader};

#[derive(Clone, Debug)]
struct Case {
    id: String,
    current: String,
    desired: String,
    error: bool,
    /// sqldef's `user:`: the case runs as a user whose default schema is `foo` (sqldef's
    /// psqldef_test.go creates it), so unqualified names land in `foo`.
    user: Option<String>,
    skip: Option<String>,
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("CAIRN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"))
        .join("corpus/sqldef")
}

fn version_at_least(have: &str, want: &str) -> bool {
    let parse = |s: &str| {
        s.split('.')
            .map(|p| p.parse::<u32>().unwrap_or(0))
            .collect::<Vec<_>>()
    };
    parse(have) >= parse(want)
}

fn load(tool: &str, server_version: &str, mariadb: bool) -> Vec<Case> {
    let dir = corpus_dir().join(tool);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e} (is ../shared beside the checkout?)", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yml"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let docs =
            YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let Some(Yaml::Hash(map)) = docs.into_iter().next() else {
            continue;
        };
        let fname = f.file_name().unwrap().to_string_lossy().into_owned();
        for (k, v) in map {
            let name = k.as_str().unwrap_or_default().to_string();
            let s = |key: &str| v[key].as_str().map(str::to_string);
            let flavor = s("flavor");
            let mut skip = None;
            match flavor.as_deref() {
                Some("pgvector") => {
                    skip = Some("needs the pgvector extension, not installed here".to_string())
                }
                Some("tidb") => skip = Some("TiDB-only syntax".to_string()),
                Some("mysql") => {
                    skip = Some("MySQL-only syntax; this machine runs MariaDB".to_string())
                }
                Some("!mariadb") if mariadb => {
                    skip = Some("sqldef excludes MariaDB for this case".to_string())
                }
                _ => {}
            }
            if let Some(min) = s("min_version") {
                if mariadb && flavor.is_none() && min.starts_with('8') {
                    skip = Some(format!("MySQL {min} syntax; this machine runs MariaDB"));
                } else if !mariadb && !version_at_least(server_version, &min) {
                    skip = Some(format!("needs server version {min}"));
                }
            }
            if let Some(max) = s("max_version") {
                if !mariadb && version_at_least(server_version, &max) && server_version != max {
                    skip = Some(format!("only up to server version {max}"));
                }
                if mariadb {
                    skip = Some(format!("MySQL up to {max} only"));
                }
            }
            if v["offline"].as_bool() == Some(true) {
                skip = Some("an offline (no database) sqldef mode".to_string());
            }
            cases.push(Case {
                id: format!("{tool}/{fname}:{name}"),
                current: s("current").unwrap_or_default(),
                desired: s("desired").unwrap_or_default(),
                error: s("error").is_some(),
                user: s("user"),
                skip,
            });
        }
    }
    cases
}

/// The default schema of sqldef's `user:` cases (see `Case::user`).
const USER_SCHEMA: &str = "foo";

/// Where a case runs: a fresh schema of a shared PostgreSQL database, a fresh PostgreSQL
/// database (when it touches schemas, roles or extensions), a fresh MariaDB database, or an
/// in-memory SQLite database.
#[derive(Clone)]
enum Backend {
    Postgres { admin: String },
    Mysql { admin: String },
    Sqlite,
}

struct Scratch {
    url: String,
    /// The MariaDB database's name (sqldef's cases name theirs `mysqldef_test`).
    database: Option<String>,
    cleanup: Option<String>,
    admin: String,
    mysql: bool,
}

impl Backend {
    fn dialect(&self) -> Dialect {
        match self {
            Backend::Postgres { .. } => Dialect::Postgres,
            Backend::Mysql { .. } => Dialect::MARIADB,
            Backend::Sqlite => Dialect::Sqlite,
        }
    }

    fn planner(&self) -> &'static dyn Planner {
        match self {
            Backend::Postgres { .. } => &cairn_postgres::plan::PostgresPlanner,
            Backend::Mysql { .. } => &cairn_mysql::plan::MysqlPlanner,
            Backend::Sqlite => &cairn_sqlite::plan::SqlitePlanner,
        }
    }

    async fn fresh(&self, case: &Case) -> Result<Scratch, String> {
        use sqlx::Connection;
        let name = unique_name("sqldef");
        match self {
            Backend::Postgres { admin } => {
                let text = format!("{}\n{}", case.current, case.desired).to_lowercase();
                let whole_db = [
                    "schema",
                    "role",
                    "extension",
                    "grant",
                    "revoke",
                    // `"public"."t"` and `SET search_path = public` too: never the shared
                    // database's own `public`.
                    "public",
                    "search_path",
                    "owner",
                    "user",
                ]
                .iter()
                .any(|w| text.contains(w))
                    || case.user.is_some();
                let mut c = sqlx::PgConnection::connect(admin)
                    .await
                    .map_err(|e| e.to_string())?;
                // sqldef's own runner creates the roles its cases grant to; roles are
                // cluster-wide, so create each one once (a concurrent creator is fine).
                for role in granted_roles(&text) {
                    let sql = format!(
                        "DO $$ BEGIN CREATE ROLE \"{role}\"; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
                    );
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                        .execute(&mut c)
                        .await;
                }
                if whole_db {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                        .execute(&mut c)
                        .await
                        .map_err(|e| e.to_string())?;
                    let mut url = with_database(admin, &name);
                    if case.user.is_some() {
                        let mut c = sqlx::PgConnection::connect(&url)
                            .await
                            .map_err(|e| e.to_string())?;
                        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {USER_SCHEMA}")))
                            .execute(&mut c)
                            .await
                            .map_err(|e| e.to_string())?;
                        url = with_search_path(&url, USER_SCHEMA);
                    }
                    Ok(Scratch {
                        url,
                        database: None,
                        cleanup: Some(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
                        admin: admin.clone(),
                        mysql: false,
                    })
                } else {
                    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
                        .execute(&mut c)
                        .await
                        .map_err(|e| e.to_string())?;
                    Ok(Scratch {
                        url: with_search_path(admin, &name),
                        database: None,
                        cleanup: Some(format!("DROP SCHEMA IF EXISTS {name} CASCADE")),
                        admin: admin.clone(),
                        mysql: false,
                    })
                }
            }
            Backend::Mysql { admin } => {
                let mut c = sqlx::MySqlConnection::connect(admin)
                    .await
                    .map_err(|e| e.to_string())?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
                    .execute(&mut c)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(Scratch {
                    url: with_database(admin, &name),
                    database: Some(name.clone()),
                    cleanup: Some(format!("DROP DATABASE IF EXISTS `{name}`")),
                    admin: admin.clone(),
                    mysql: true,
                })
            }
            Backend::Sqlite => Ok(Scratch {
                url: format!("sqlite://{name}?mode=memory"),
                database: None,
                cleanup: None,
                admin: String::new(),
                mysql: false,
            }),
        }
    }

    async fn connect(&self, url: &str) -> Result<Box<dyn Driver>, String> {
        let u = DbUrl::parse(url).map_err(|e| e.to_string())?;
        Ok(match self {
            Backend::Postgres { .. } => Box::new(
                cairn_postgres::connect(&u)
                    .await
                    .map_err(|e| e.to_string())?,
            ),
            Backend::Mysql { .. } => {
                Box::new(cairn_mysql::connect(&u).await.map_err(|e| e.to_string())?)
            }
            Backend::Sqlite => Box::new(
                cairn_sqlite::connect(&u, false)
                    .await
                    .map_err(|e| e.to_string())?,
            ),
        })
    }
}

impl Scratch {
    /// The case's SQL for this database: sqldef runs its MySQL cases in `mysqldef_test`, and
    /// some name it.
    fn localize(&self, sql: &str) -> String {
        match &self.database {
            Some(db) => sql.replace("mysqldef_test", db),
            None => sql.to_string(),
        }
    }

    async fn drop(self) {
        use sqlx::Connection;
        let Some(sql) = self.cleanup else { return };
        if self.mysql {
            if let Ok(mut c) = sqlx::MySqlConnection::connect(&self.admin).await {
                let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                    .execute(&mut c)
                    .await;
            }
        } else if let Ok(mut c) = sqlx::PgConnection::connect(&self.admin).await {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut c)
                .await;
        }
    }
}

/// Aligns a one-schema desired realm to the schema the target uses.
fn align(current: &Realm, desired: &mut Realm) {
    // A PostgreSQL case that names its own schema (`CREATE TABLE test.users`) keeps it; only the
    // schema unqualified names land in moves to the target's.
    let own_schema = current.dialect == Dialect::Postgres
        && desired.schemas.first().is_some_and(|s| {
            s.name != "public" && current.schemas[..].iter().all(|c| c.name == "public")
        });
    if current.schemas.len() == 1 && desired.schemas.len() == 1 && !own_schema {
        let to = current.schemas[0].name.clone();
        let from = std::mem::replace(&mut desired.schemas[0].name, to.clone());
        for t in &mut desired.schemas[0].tables {
            for fk in &mut t.foreign_keys {
                if fk.ref_table.schema.as_deref() == Some(from.as_str()) {
                    fk.ref_table.schema = Some(to.clone());
                }
            }
        }
    }
    if current.schemas.is_empty() && desired.schemas.len() == 1 {
        desired.schemas[0].name = current
            .dialect
            .fixed_schema()
            .unwrap_or("public")
            .to_string();
    }
    // PostgreSQL's `public` always exists, as sqldef assumes: a case that names only its own
    // schemas leaves `public` empty, never dropped.
    if current.dialect == Dialect::Postgres
        && current.schema("public").is_some()
        && !desired.schemas.iter().any(|s| s.name == "public")
    {
        desired.schemas.push(cairn_ir::Schema::new("public"));
    }
    // Schema scope: a desired state that declares nothing leaves the target's schema empty.
    if current.schemas.len() == 1 && desired.schemas.is_empty() {
        desired
            .schemas
            .push(cairn_ir::Schema::new(&current.schemas[0].name));
    }
}

fn same_modulo_schema_names(a: &Realm, b: &Realm) -> bool {
    let mut a = a.clone();
    let mut b = b.clone();
    let mut own = None;
    if a.schemas.len() == 1 && b.schemas.len() == 1 {
        let from = std::mem::replace(&mut b.schemas[0].name, a.schemas[0].name.clone());
        own = Some((a.schemas[0].name.clone(), from));
    }
    for r in [&mut a, &mut b] {
        r.roles.clear();
        r.permissions.clear();
        r.default_privileges.clear();
        for s in &mut r.schemas {
            for t in &mut s.tables {
                for fk in &mut t.foreign_keys {
                    fk.ref_table.schema = None;
                }
            }
        }
    }
    let (na, nb) = (normalize(&a), normalize(&b));
    if na != nb && std::env::var_os("CAIRN_SQLDEF_DEBUG").is_some() {
        let d = diff(&na, &nb, &DiffOptions::default());
        let kinds: Vec<String> = d.changes.iter().map(|c| c.summary()).collect();
        eprintln!("differs: {kinds:?}\n--- got\n{na:#?}\n--- want\n{nb:#?}");
    }
    if na == nb {
        return true;
    }
    // The two scratch schemas differ in name, and a reference to an object in its own schema
    // (a column's enum type, a trigger's function) may carry that name or none: compare with
    // the one schema's name left out of every reference.
    let Some((a_name, b_name)) = own else {
        return false;
    };
    let text = |r: &Realm| {
        let mut t = format!("{r:?}");
        for name in [&a_name, &b_name] {
            t = t
                .replace(&format!("Some({name:?})"), "None")
                .replace(&format!("{name:?}"), "\"\"");
        }
        t
    };
    text(&na) == text(&nb)
}

fn compile(sql: &str, d: Dialect) -> Result<Realm, String> {
    let c = cairn_sema::compile(&[("case.sql".to_string(), sql.to_string())], d);
    match c.diagnostics.iter().find(|x| x.is_error()) {
        Some(e) => Err(format!("does not compile: {} {}", e.code, e.message)),
        None => Ok(c.realm),
    }
}

/// Moves `db` from its state to `target`, returning the state after, or why it could not.
async fn converge(b: &Backend, db: &dyn Driver, target: &Realm) -> Result<Option<Realm>, String> {
    let current = db
        .inspect(&InspectOptions::default())
        .await
        .map_err(|e| format!("inspect: {e}"))?;
    let mut desired = target.clone();
    align(&current, &mut desired);
    let d = diff(&current, &desired, &DiffOptions::default());
    if let Some(e) = d.errors.first() {
        return Err(format!("diff: {e}"));
    }
    let p = plan(b.planner(), &d, &current, &desired, &PlanOptions::default());
    let findings = check_plan(
        &p,
        &d.possible_renames,
        &Allowances {
            destructive: true,
            drops: vec![],
        },
    );
    if findings
        .iter()
        .any(|f| f.severity == FindingSeverity::Error && f.code == "RN101")
    {
        // Blocked as the contract says: nothing may have changed.
        let again = db
            .inspect(&InspectOptions::default())
            .await
            .map_err(|e| format!("inspect: {e}"))?;
        return if normalize(&again) == normalize(&current) {
            Ok(None)
        } else {
            Err("RN101 blocked but the database changed".into())
        };
    }
    let report = apply_plan(db, &p, true, std::time::Duration::from_secs(10), &())
        .await
        .map_err(|e| format!("apply: {e}"))?;
    if let Some((i, text)) = report.error {
        return Err(format!(
            "apply: statement {:?} failed: {text}",
            p.statements.get(i).map(|s| &s.sql)
        ));
    }
    let after = db
        .inspect(&InspectOptions::default())
        .await
        .map_err(|e| format!("inspect: {e}"))?;
    let d2 = diff(&after, &desired, &DiffOptions::default());
    if !d2.changes.is_empty() {
        if std::env::var_os("CAIRN_SQLDEF_DEBUG").is_some() {
            debug_views(&after, &desired);
        }
        let kinds: Vec<String> = d2.changes.iter().take(3).map(|c| c.summary()).collect();
        return Err(format!(
            "does not converge: a second plan has {} change(s): {}",
            d2.changes.len(),
            kinds.join("; ")
        ));
    }
    Ok(Some(after))
}

/// Loads a case's SQL as a dump loader would: split into statements (Cairn's own splitter), each
/// run on its own on one connection (so `CREATE INDEX CONCURRENTLY` runs outside a transaction),
/// and the statements that fail retried in further passes while a pass makes progress (a foreign
/// key or a view may name a table created further down). A statement that never applies fails
/// the load with its error.
async fn load_sql(
    db: &dyn Driver,
    d: Dialect,
    prelude: &[String],
    sql: &str,
) -> Result<(), String> {
    let split = cairn_syntax::sql::split(sql, cairn_core::migrate::executor::split_options(d));
    let mut pending: Vec<String> = split
        .statements
        .iter()
        .map(|s| s.text.clone())
        .filter(|t| !t.trim().trim_end_matches(';').trim().is_empty())
        .collect();
    if pending.is_empty() {
        return Ok(());
    }
    let mut session = db.session().await.map_err(|e| e.to_string())?;
    let mut result = Ok(());
    for p in prelude {
        if let Err(e) = session.execute(p).await {
            result = Err(e.to_string());
        }
    }
    while result.is_ok() && !pending.is_empty() {
        let mut failed = Vec::new();
        let mut first_error = None;
        for stmt in &pending {
            if let Err(e) = session.execute(stmt).await {
                first_error.get_or_insert_with(|| e.to_string());
                failed.push(stmt.clone());
            }
        }
        if let Some(e) = first_error
            && failed.len() == pending.len()
        {
            result = Err(e);
        }
        pending = failed;
    }
    session.close().await;
    result
}

/// The schemas a fresh database for `desired` starts with: those `current` created and `desired`
/// uses without creating them (sqldef never drops a schema, so they outlive `current`).
fn inherited_schemas(case: &Case, d: Dialect) -> Vec<String> {
    if d != Dialect::Postgres {
        return Vec::new();
    }
    let (Ok(current), Ok(desired)) = (compile(&case.current, d), compile(&case.desired, d)) else {
        return Vec::new();
    };
    let created: BTreeSet<String> = cairn_syntax::sql::split(
        &case.desired,
        cairn_core::migrate::executor::split_options(d),
    )
    .statements
    .iter()
    .filter_map(|s| {
        let lower = s.text.to_lowercase();
        let rest = lower.strip_prefix("create schema")?;
        let rest = rest.trim_start();
        let rest = rest.strip_prefix("if not exists").unwrap_or(rest);
        let rest = rest.trim_start();
        // The name as written (a quoted one keeps its case).
        let at = s.text.len() - rest.len();
        ident_at(&s.text[at..]).map(|n| {
            if s.text[at..].starts_with('"') {
                n
            } else {
                n.to_lowercase()
            }
        })
    })
    .collect();
    desired
        .schemas
        .iter()
        .map(|s| s.name.clone())
        .filter(|n| n != "public" && !created.contains(n) && current.schema(n).is_some())
        .collect()
}

/// Under CAIRN_SQLDEF_DEBUG: the normalised definitions of the views that differ.
fn debug_views(got: &Realm, want: &Realm) {
    let (got, want) = (normalize(got), normalize(want));
    for s in &want.schemas {
        let other = got
            .schemas
            .iter()
            .find(|o| o.name == s.name)
            .or(got.schemas.first());
        let Some(other) = other else { continue };
        for t in &s.tables {
            if let Some(g) = other.tables.iter().find(|g| g.name == t.name)
                && g != t
            {
                eprintln!("table {} differs:\n  got  {g:?}\n  want {t:?}", t.name);
            }
        }
        for (a, b) in [
            (&s.views, &other.views),
            (&s.materialized_views, &other.materialized_views),
        ] {
            for v in a {
                if let Some(g) = b.iter().find(|g| g.name == v.name)
                    && g != v
                {
                    eprintln!("view {} differs:\n  got  {g:?}\n  want {v:?}", v.name);
                }
            }
        }
    }
}

async fn reference(
    b: &Backend,
    case: &Case,
    sql: &str,
    schemas: &[String],
) -> Result<(Scratch, Realm), String> {
    let s = b.fresh(case).await?;
    let db = b.connect(&s.url).await?;
    if !sql.trim().is_empty() {
        // As a dump loads: MySQL's foreign keys are not checked while it runs.
        let mut prelude: Vec<String> = schemas
            .iter()
            .map(|n| {
                format!(
                    "CREATE SCHEMA IF NOT EXISTS {}",
                    Dialect::Postgres.quote_ident(n)
                )
            })
            .collect();
        if s.database.is_some() {
            prelude.push("SET FOREIGN_KEY_CHECKS = 0".to_string());
        }
        load_sql(db.as_ref(), b.dialect(), &prelude, &s.localize(sql))
            .await
            .map_err(|e| format!("reference does not apply: {e}"))?;
    }
    let r = db
        .inspect(&InspectOptions::default())
        .await
        .map_err(|e| e.to_string());
    db.close().await;
    Ok((s, r?))
}

async fn run_case(b: &Backend, case: &Case) -> Result<(), String> {
    let d = b.dialect();
    let scratch = b.fresh(case).await?;
    let (current_sql, desired_sql) = (
        scratch.localize(&case.current),
        scratch.localize(&case.desired),
    );
    let compiled = (|| {
        let desired = match compile(&desired_sql, d) {
            Ok(r) => r,
            Err(_) if case.error => return Ok(None),
            Err(e) => return Err(format!("desired {e}")),
        };
        let current = compile(&current_sql, d).map_err(|e| format!("current {e}"))?;
        Ok(Some((desired, current)))
    })();
    let (desired, current_compiled) = match compiled {
        Ok(Some(c)) => c,
        other => {
            scratch.drop().await;
            return other.map(|_| ());
        }
    };
    let db = match b.connect(&scratch.url).await {
        Ok(db) => db,
        Err(e) => {
            scratch.drop().await;
            return Err(e);
        }
    };
    let result = async {
        if !current_sql.trim().is_empty() {
            load_sql(db.as_ref(), d, &[], &current_sql)
                .await
                .map_err(|e| format!("current does not apply: {e}"))?;
        }
        let after = match converge(b, db.as_ref(), &desired).await {
            Ok(Some(after)) => after,
            Ok(None) => return Ok(()), // blocked as a possible rename
            Err(_) if case.error => return Ok(()),
            Err(e) => return Err(e),
        };
        if case.error {
            return Err("sqldef expects an error, and Cairn applied it".into());
        }
        let inherited = inherited_schemas(case, d);
        let (s2, want) = reference(b, case, &case.desired, &inherited).await?;
        s2.drop().await;
        if !same_modulo_schema_names(&after, &want) {
            return Err("the database differs from `desired` applied to a fresh database".into());
        }
        // And back.
        match converge(b, db.as_ref(), &current_compiled).await {
            Ok(Some(back)) => {
                let (s3, want) = reference(b, case, &case.current, &[]).await?;
                s3.drop().await;
                if !same_modulo_schema_names(&back, &want) {
                    return Err("planning back does not reach `current`".into());
                }
                Ok(())
            }
            Ok(None) => Ok(()),
            Err(e) => Err(format!("back to current: {e}")),
        }
    }
    .await;
    db.close().await;
    scratch.drop().await;
    result
}

/// The roles a case's GRANT, REVOKE, OWNER TO and POLICY ... TO statements name, which must
/// exist before either side applies (roles the case creates itself excluded).
fn granted_roles(lower_text: &str) -> BTreeSet<String> {
    let mut created = BTreeSet::new();
    let mut named = BTreeSet::new();
    for stmt in lower_text.split(';') {
        let stmt = stmt
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join(" ");
        let stmt = stmt.trim();
        for kw in ["create role ", "create user "] {
            if let Some(rest) = stmt.strip_prefix(kw) {
                created.extend(ident_at(rest));
            }
        }
        let list = if stmt.starts_with("grant ") || stmt.contains(" policy ") {
            stmt.rsplit_once(" to ").map(|(_, r)| r)
        } else if stmt.starts_with("revoke ") {
            stmt.rsplit_once(" from ").map(|(_, r)| r)
        } else if stmt.contains(" owner to ") {
            stmt.rsplit_once(" owner to ").map(|(_, r)| r)
        } else {
            None
        };
        let Some(list) = list else { continue };
        // A policy's role list ends where its USING / WITH CHECK begins.
        let list = list.split(" using").next().unwrap_or(list);
        let list = list.split(" with ").next().unwrap_or(list);
        for part in list.split(',') {
            if let Some(name) = ident_at(part)
                && ![
                    "public",
                    "current_user",
                    "session_user",
                    "current_role",
                    "group",
                ]
                .contains(&name.as_str())
            {
                named.insert(name);
            }
        }
    }
    named.difference(&created).cloned().collect()
}

fn ident_at(s: &str) -> Option<String> {
    let s = s.trim_start();
    let s = s.strip_prefix("if not exists").map_or(s, str::trim_start);
    let name: String = if let Some(q) = s.strip_prefix('"') {
        q.split('"').next()?.to_string()
    } else {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    (!name.is_empty() && !name.chars().next()?.is_ascii_digit()).then_some(name)
}

fn expected_failures() -> BTreeMap<String, String> {
    cairn_tests::expected_list("sqldef-expected-failures.txt")
}

/// The pass-rate floor of every dialect: the target. The expected-failures list holds
/// each dialect to what it has reached beyond that, case by case.
const FLOOR: f64 = 90.0;

async fn run_tool(tool: &str, b: Backend, server_version: &str) {
    let cases = load(tool, server_version, matches!(b, Backend::Mysql { .. }));
    let expected = expected_failures();
    let b = Arc::new(b);
    let sem = Arc::new(tokio::sync::Semaphore::new(6));
    let mut handles = Vec::new();
    let mut skipped = Vec::new();
    // For iterating on a few cases: CAIRN_SQLDEF_ONLY=a,b keeps only the cases whose id contains
    // one of the comma-separated substrings (off by default).
    let only = std::env::var("CAIRN_SQLDEF_ONLY").ok();
    for case in cases {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|o| case.id.contains(o)))
        {
            continue;
        }
        if let Some(reason) = &case.skip {
            skipped.push(format!("{}: {reason}", case.id));
            continue;
        }
        let (b, sem) = (b.clone(), sem.clone());
        handles.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await.unwrap();
            let once = || async {
                tokio::time::timeout(std::time::Duration::from_secs(60), run_case(&b, &case))
                    .await
                    .unwrap_or_else(|_| Err("timed out after 60 s".into()))
            };
            // A failure is confirmed by a second run, so a server hiccup under load (a lock
            // wait, a dropped connection) does not flip the expected-failures list.
            let transient = |e: &str| {
                [
                    "timed out",
                    "connection",
                    "pool",
                    "deadlock",
                    "Lock wait",
                    "Unknown database",
                ]
                .iter()
                .any(|m| e.contains(m))
            };
            let r = match once().await {
                Err(e) if transient(&e) => once().await,
                r => r,
            };
            (case.id, r)
        }));
    }
    let mut failed: BTreeMap<String, String> = BTreeMap::new();
    let mut passed: BTreeSet<String> = BTreeSet::new();
    for h in handles {
        let (id, r) = h.await.expect("case task");
        match r {
            Ok(()) => {
                passed.insert(id);
            }
            Err(e) => {
                failed.insert(id, e);
            }
        }
    }
    if std::env::var_os("CAIRN_SQLDEF_DEBUG").is_some() {
        for (id, e) in &failed {
            println!("FAILED {id}\t{e}");
        }
    }
    let applicable = passed.len() + failed.len();
    let rate = 100.0 * passed.len() as f64 / applicable.max(1) as f64;
    println!(
        "sqldef {tool}: {} of {applicable} applicable cases pass ({rate:.1}%); {} skipped",
        passed.len(),
        skipped.len()
    );
    for s in &skipped {
        println!("  skipped {s}");
    }
    let prefix = format!("{tool}/");
    let unexpected: Vec<String> = failed
        .iter()
        .filter(|(id, _)| !expected.contains_key(*id))
        .map(|(id, e)| format!("{id}\t{e}"))
        .collect();
    let now_passing: Vec<&String> = expected
        .keys()
        .filter(|id| id.starts_with(&prefix) && passed.contains(*id))
        .collect();
    if std::env::var_os("CAIRN_SQLDEF_WRITE_FAILURES").is_some() {
        let mut lines: Vec<String> = failed
            .iter()
            .map(|(id, e)| format!("{id}\t{}", e.replace('\n', " ")))
            .collect();
        lines.sort();
        let path = repo_root().join(format!("tests/sqldef-failures-{tool}.txt"));
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        println!("wrote {}", path.display());
    }
    assert!(
        unexpected.is_empty(),
        "{tool}: {} unexpected failure(s):\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        now_passing.is_empty(),
        "{tool}: listed as failing but passing now (remove them from tests/sqldef-expected-failures.txt): {now_passing:?}"
    );
    assert!(
        rate >= FLOOR,
        "{tool}: pass rate {rate:.1}% is under its floor of {FLOOR}%"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqldef_sqlite3def() {
    run_tool("sqlite3def", Backend::Sqlite, "3.51").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqldef_psqldef() {
    use sqlx::Connection;
    let admin = postgres_url();
    let version = match sqlx::PgConnection::connect(&admin).await {
        Ok(mut c) => sqlx::query_scalar::<_, String>("SHOW server_version")
            .fetch_one(&mut c)
            .await
            .unwrap_or_default(),
        Err(e) => return unreachable("PostgreSQL", &e),
    };
    let version = version
        .split_whitespace()
        .next()
        .unwrap_or("15")
        .to_string();
    run_tool("psqldef", Backend::Postgres { admin }, &version).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqldef_mysqldef() {
    use sqlx::Connection;
    let admin = mysql_url();
    if let Err(e) = sqlx::MySqlConnection::connect(&admin).await {
        return unreachable("MariaDB/MySQL", &e);
    }
    run_tool("mysqldef", Backend::Mysql { admin }, "10.11").await;
}
