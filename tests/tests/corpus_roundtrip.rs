//! The schema corpus (tests/corpus/<dialect>/*.sql) round-trips on real databases:
//! 1. the SQL compiled without a database (realm A) equals the same SQL applied to a fresh
//!    database and inspected (realm B), up to exactly the contract's normalisation;
//! 2. realm A printed as HCL and compiled again gives realm A;
//! 3. realm A printed as SQL (`create_statements`) and applied to another fresh database is
//!    inspected as realm A again;
//! 4. every IR object kind a dialect has is exercised by that dialect's corpus.
//!
//! Adding a case is adding a file.

use std::collections::BTreeSet;
use std::path::PathBuf;

use cairn_core::normalize::normalize;
use cairn_core::{DbUrl, Driver, InspectOptions};
use cairn_ir::{Dialect, Realm};
use cairn_tests::{mysql_scratch, pg_scratch, repo_root, unique_name};

fn corpus(dir: &str) -> Vec<(String, String)> {
    let root = repo_root().join("tests/corpus").join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "{dir}: the corpus needs at least ten schemas, found {}",
        files.len()
    );
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read corpus file");
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect()
}

/// Compiles one corpus file; compile errors fail the test with the rendered diagnostics.
fn compile(name: &str, text: &str, dialect: Dialect) -> Realm {
    let compiled = cairn_sema::compile(&[(name.to_string(), text.to_string())], dialect);
    let errors: Vec<String> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let (l, c) = cairn_syntax::diag::line_col(text, d.span.start as usize);
            format!("{name}:{l}:{c}: {} {}", d.code, d.message)
        })
        .collect();
    assert!(
        errors.is_empty(),
        "{name} does not compile:\n{}",
        errors.join("\n")
    );
    compiled.realm
}

/// Describes, object by object, where two normalised realms differ.
fn differences(a: &Realm, b: &Realm) -> Vec<String> {
    let mut out = Vec::new();
    let names = |r: &Realm| {
        r.schemas
            .iter()
            .map(|s| s.name.clone())
            .collect::<BTreeSet<_>>()
    };
    if names(a) != names(b) {
        out.push(format!("schemas: {:?} vs {:?}", names(a), names(b)));
    }
    for sa in &a.schemas {
        let Some(sb) = b.schemas.iter().find(|s| s.name == sa.name) else {
            continue;
        };
        let ta: BTreeSet<_> = sa.tables.iter().map(|t| t.name.clone()).collect();
        let tb: BTreeSet<_> = sb.tables.iter().map(|t| t.name.clone()).collect();
        if ta != tb {
            out.push(format!("{}: tables {ta:?} vs {tb:?}", sa.name));
        }
        for t in &sa.tables {
            if let Some(u) = sb.tables.iter().find(|u| u.name == t.name)
                && t != u
            {
                for (x, y) in t.columns.iter().zip(&u.columns) {
                    if x != y {
                        out.push(format!(
                            "{}.{} column\n  A: {x:?}\n  B: {y:?}",
                            sa.name, t.name
                        ));
                    }
                }
                let mut ta = t.clone();
                let mut tb = u.clone();
                if ta.columns.len() == tb.columns.len() {
                    ta.columns.clear();
                    tb.columns.clear();
                }
                if ta != tb {
                    out.push(format!("{}.{}\n  A: {ta:?}\n  B: {tb:?}", sa.name, t.name));
                }
            }
        }
        let mut rest_a = sa.clone();
        let mut rest_b = sb.clone();
        rest_a.tables.clear();
        rest_b.tables.clear();
        if rest_a != rest_b {
            macro_rules! kind {
                ($f:ident) => {
                    if rest_a.$f != rest_b.$f {
                        out.push(format!(
                            "{}.{}\n  A: {:?}\n  B: {:?}",
                            sa.name,
                            stringify!($f),
                            rest_a.$f,
                            rest_b.$f
                        ));
                    }
                };
            }
            kind!(views);
            kind!(materialized_views);
            kind!(functions);
            kind!(procedures);
            kind!(aggregates);
            kind!(sequences);
            kind!(enums);
            kind!(domains);
            kind!(composites);
            kind!(extensions);
            kind!(unsupported);
            kind!(comment);
            kind!(charset);
            kind!(collation);
        }
    }
    if a.roles != b.roles {
        out.push(format!("roles\n  A: {:?}\n  B: {:?}", a.roles, b.roles));
    }
    if a.permissions != b.permissions {
        out.push(format!(
            "permissions\n  A: {:?}\n  B: {:?}",
            a.permissions, b.permissions
        ));
    }
    if a.default_privileges != b.default_privileges {
        out.push(format!(
            "default privileges\n  A: {:?}\n  B: {:?}",
            a.default_privileges, b.default_privileges
        ));
    }
    out
}

/// Keeps of an inspected realm only the cluster-wide objects (roles, grants) that the compiled
/// realm knows, since other databases and tests share the server's roles.
fn restrict_realm_objects(inspected: &mut Realm, compiled: &Realm) {
    let known: BTreeSet<&str> = compiled.roles.iter().map(|r| r.name.as_str()).collect();
    inspected.roles.retain(|r| known.contains(r.name.as_str()));
    inspected
        .permissions
        .retain(|p| known.contains(p.grantee.as_str()) || p.grantee.eq_ignore_ascii_case("public"));
    inspected
        .default_privileges
        .retain(|p| known.contains(p.grantee.as_str()));
    // A fresh PostgreSQL database always has `public`; the source need not mention it.
    if !compiled.schemas.iter().any(|s| s.name == "public") {
        inspected
            .schemas
            .retain(|s| !(s.name == "public" && s.is_empty()));
    }
}

/// Renames the schema a single-schema compiled realm uses to `to` (MySQL: the scratch database).
fn rename_single_schema(r: &mut Realm, to: &str) {
    if r.schemas.len() == 1 {
        r.schemas[0].name = to.to_string();
    }
    for s in &mut r.schemas {
        for t in &mut s.tables {
            for fk in &mut t.foreign_keys {
                fk.ref_table.schema = None;
            }
        }
    }
}

struct Outcome {
    failures: Vec<String>,
}

impl Outcome {
    fn check(&mut self, what: &str, a: &Realm, b: &Realm) {
        let (na, nb) = (normalize(a), normalize(b));
        if na != nb {
            let diffs = differences(&na, &nb);
            self.failures.push(format!("{what}:\n{}", diffs.join("\n")));
        }
    }

    fn finish(self, dialect: &str) {
        assert!(
            self.failures.is_empty(),
            "{dialect} corpus: {} failure(s)\n\n{}",
            self.failures.len(),
            self.failures.join("\n\n")
        );
    }
}

/// Realm A -> HCL -> compile == A.
fn hcl_roundtrip(out: &mut Outcome, name: &str, realm: &Realm) {
    let hcl = cairn_sema::print_hcl::realm_to_hcl(realm);
    let back = cairn_sema::compile(&[(format!("{name}.hcl"), hcl.clone())], realm.dialect);
    let errors: Vec<String> = back
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let (l, c) = cairn_syntax::diag::line_col(&hcl, d.span.start as usize);
            format!("{l}:{c}: {} {}", d.code, d.message)
        })
        .collect();
    if !errors.is_empty() {
        out.failures.push(format!(
            "{name}: printed HCL does not compile:\n{}\n--- HCL ---\n{hcl}",
            errors.join("\n")
        ));
        return;
    }
    out.check(
        &format!("{name}: realm -> HCL -> realm"),
        realm,
        &back.realm,
    );
}

async fn cleanup_pg_roles(url: &str, realm: &Realm) {
    use sqlx::Connection;
    let Ok(mut c) = sqlx::PgConnection::connect(url).await else {
        return;
    };
    for r in realm.roles.iter().filter(|r| !r.external) {
        let q = Dialect::Postgres.quote_ident(&r.name);
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP OWNED BY {q} CASCADE")))
            .execute(&mut c)
            .await;
        let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP ROLE IF EXISTS {q}")))
            .execute(&mut c)
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_corpus_round_trips() {
    let mut out = Outcome { failures: vec![] };
    for (name, text) in corpus("postgres") {
        let a = compile(&name, &text, Dialect::Postgres);
        hcl_roundtrip(&mut out, &name, &a);
        for (stage, sql) in [
            ("source", text.clone()),
            (
                "printed",
                cairn_postgres::create_statements(&a).join(";\n") + ";",
            ),
        ] {
            let Some(db) = pg_scratch().await else { return };
            let admin = cairn_tests::postgres_url();
            cleanup_pg_roles(&admin, &a).await;
            let url = DbUrl::parse(&db.url).unwrap();
            let driver = cairn_postgres::connect(&url)
                .await
                .expect("connect to scratch database");
            if let Err(e) = driver.execute(&sql).await {
                out.failures
                    .push(format!("{name} ({stage} SQL) does not apply: {e}"));
                driver.close().await;
                cleanup_pg_roles(&admin, &a).await;
                continue;
            }
            let mut b = driver
                .inspect(&InspectOptions::default())
                .await
                .expect("inspect");
            driver.close().await;
            drop(db);
            cleanup_pg_roles(&admin, &a).await;
            restrict_realm_objects(&mut b, &a);
            out.check(
                &format!("{name}: {stage} SQL applied and inspected"),
                &a,
                &b,
            );
        }
    }
    out.finish("postgres");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_corpus_round_trips() {
    let mut out = Outcome { failures: vec![] };
    for (name, text) in corpus("mysql") {
        let mut a = compile(&name, &text, Dialect::MARIADB);
        hcl_roundtrip(&mut out, &name, &a);
        for (stage, sql) in [
            ("source", text.clone()),
            (
                "printed",
                cairn_mysql::create_statements(&a).join(";\n") + ";",
            ),
        ] {
            let Some(db) = mysql_scratch().await else {
                return;
            };
            rename_single_schema(&mut a, &db.name);
            let url = DbUrl::parse(&db.url).unwrap();
            let driver = cairn_mysql::connect(&url)
                .await
                .expect("connect to scratch database");
            if let Err(e) = driver.execute(&sql).await {
                out.failures
                    .push(format!("{name} ({stage} SQL) does not apply: {e}"));
                driver.close().await;
                continue;
            }
            let mut b = driver
                .inspect(&InspectOptions::default())
                .await
                .expect("inspect");
            driver.close().await;
            restrict_realm_objects(&mut b, &a);
            out.check(
                &format!("{name}: {stage} SQL applied and inspected"),
                &a,
                &b,
            );
        }
    }
    out.finish("mariadb");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_corpus_round_trips() {
    let mut out = Outcome { failures: vec![] };
    for (name, text) in corpus("sqlite") {
        let a = compile(&name, &text, Dialect::Sqlite);
        hcl_roundtrip(&mut out, &name, &a);
        for (stage, sql) in [
            ("source", text.clone()),
            (
                "printed",
                cairn_sqlite::create_statements(&a).join(";\n") + ";",
            ),
        ] {
            let url =
                DbUrl::parse(&format!("sqlite://{}?mode=memory", unique_name("corpus"))).unwrap();
            let driver = cairn_sqlite::connect(&url, false)
                .await
                .expect("open in-memory SQLite");
            if let Err(e) = driver.execute(&sql).await {
                out.failures
                    .push(format!("{name} ({stage} SQL) does not apply: {e}"));
                continue;
            }
            let b = driver
                .inspect(&InspectOptions::default())
                .await
                .expect("inspect");
            driver.close().await;
            out.check(
                &format!("{name}: {stage} SQL applied and inspected"),
                &a,
                &b,
            );
        }
    }
    out.finish("sqlite");
}

/// The object kinds present in a realm, by name.
fn kinds(r: &Realm) -> BTreeSet<&'static str> {
    let mut k = BTreeSet::new();
    let mut add = |cond: bool, name: &'static str| {
        if cond {
            k.insert(name);
        }
    };
    for s in &r.schemas {
        add(!s.tables.is_empty(), "table");
        add(!s.views.is_empty(), "view");
        add(!s.materialized_views.is_empty(), "materialized_view");
        add(!s.functions.is_empty(), "function");
        add(!s.procedures.is_empty(), "procedure");
        add(!s.aggregates.is_empty(), "aggregate");
        add(!s.sequences.is_empty(), "sequence");
        add(!s.enums.is_empty(), "enum");
        add(!s.domains.is_empty(), "domain");
        add(!s.composites.is_empty(), "composite");
        add(!s.extensions.is_empty(), "extension");
        add(s.comment.is_some(), "schema_comment");
        for t in &s.tables {
            add(t.primary_key.is_some(), "primary_key");
            add(t.indexes.iter().any(|i| !i.unique), "index");
            add(t.indexes.iter().any(|i| i.unique), "unique_index");
            add(
                t.indexes.iter().any(|i| i.predicate.is_some()),
                "partial_index",
            );
            add(
                t.indexes.iter().any(|i| {
                    i.parts
                        .iter()
                        .any(|p| matches!(p.key, cairn_ir::IndexKey::Expr(_)))
                }),
                "expression_index",
            );
            add(!t.foreign_keys.is_empty(), "foreign_key");
            add(!t.checks.is_empty(), "check");
            add(!t.excludes.is_empty(), "exclude");
            add(!t.triggers.is_empty(), "trigger");
            add(!t.policies.is_empty(), "policy");
            add(t.row_security.enabled, "row_security");
            add(
                t.partition_by.is_some()
                    || matches!(&t.ext, cairn_ir::TableExt::Mysql(m) if m.partitioning.is_some()),
                "partitioning",
            );
            add(t.comment.is_some(), "table_comment");
            for c in &t.columns {
                add(c.identity.is_some(), "identity");
                add(c.auto_increment, "auto_increment");
                add(c.generated.is_some(), "generated_column");
                add(c.default.is_some(), "default");
                add(c.comment.is_some(), "column_comment");
                add(c.collation.is_some(), "collation");
            }
        }
    }
    add(r.roles.iter().any(|r| !r.external), "role");
    add(!r.permissions.is_empty(), "permission");
    add(!r.default_privileges.is_empty(), "default_privilege");
    k
}

fn assert_coverage(dir: &str, dialect: Dialect, expected: &[&str]) {
    let mut seen = BTreeSet::new();
    for (name, text) in corpus(dir) {
        seen.extend(kinds(&compile(&name, &text, dialect)));
    }
    let missing: Vec<&&str> = expected.iter().filter(|k| !seen.contains(**k)).collect();
    assert!(
        missing.is_empty(),
        "{dir} corpus does not exercise: {missing:?}"
    );
}

const COMMON: &[&str] = &[
    "table",
    "view",
    "primary_key",
    "index",
    "unique_index",
    "foreign_key",
    "check",
    "trigger",
    "generated_column",
    "default",
    "expression_index",
];

#[test]
fn postgres_corpus_covers_every_object_kind() {
    let mut kinds = COMMON.to_vec();
    kinds.extend([
        "materialized_view",
        "function",
        "procedure",
        "aggregate",
        "sequence",
        "enum",
        "domain",
        "composite",
        "extension",
        "schema_comment",
        "partial_index",
        "exclude",
        "policy",
        "row_security",
        "partitioning",
        "table_comment",
        "identity",
        "column_comment",
        "collation",
        "role",
        "permission",
        "default_privilege",
    ]);
    assert_coverage("postgres", Dialect::Postgres, &kinds);
}

#[test]
fn mariadb_corpus_covers_every_object_kind() {
    let mut kinds = COMMON.to_vec();
    kinds.extend([
        "function",
        "procedure",
        "partitioning",
        "table_comment",
        "auto_increment",
        "column_comment",
        "collation",
        "role",
        "permission",
    ]);
    kinds.retain(|k| *k != "expression_index");
    assert_coverage("mysql", Dialect::MARIADB, &kinds);
}

#[test]
fn sqlite_corpus_covers_every_object_kind() {
    let mut kinds = COMMON.to_vec();
    kinds.extend(["partial_index", "auto_increment", "collation"]);
    assert_coverage("sqlite", Dialect::Sqlite, &kinds);
}
