//! Shared helpers of the live PostgreSQL tests: the server URL, fresh schemas and databases that
//! are dropped even when a test fails, and realm surgery for comparisons.

#![allow(dead_code)]

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use cairn_core::{DbUrl, Driver, InspectOptions};
use cairn_ir::{ColumnType, GrantObject, PgType, QualifiedName, Realm, TableExt};
use cairn_postgres::PostgresDriver;

/// The server URL: `CAIRN_TEST_POSTGRES_URL`, or the local service.
pub fn server_url() -> String {
    std::env::var("CAIRN_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

/// A name no other test run uses: `prefix` plus random hex.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    format!("{prefix}{:012x}", h.finish() & 0xffff_ffff_ffff)
}

/// The URL of database `db` on the test server, bound to `schema` when given.
pub fn url_for(db: Option<&str>, schema: Option<&str>) -> DbUrl {
    let mut raw = server_url();
    if let Some(db) = db {
        let (head, query) = match raw.split_once('?') {
            Some((h, q)) => (h.to_string(), format!("?{q}")),
            None => (raw.clone(), String::new()),
        };
        let host_end = head.find("://").map(|i| i + 3).unwrap_or(0);
        let path_start = head[host_end..]
            .find('/')
            .map(|i| i + host_end)
            .unwrap_or(head.len());
        raw = format!("{}/{db}{query}", &head[..path_start]);
    }
    let url = DbUrl::parse(&raw).expect("test URL parses");
    url.with_schema(schema)
}

/// Connects to the server, or returns `None` with a notice when it is unreachable (a failure
/// when `CI=true`).
pub async fn server() -> Option<PostgresDriver> {
    match cairn_postgres::connect(&url_for(None, None)).await {
        Ok(d) => match d.execute("SELECT 1").await {
            Ok(()) => Some(d),
            Err(e) => skip(&e.to_string()),
        },
        Err(e) => skip(&e.to_string()),
    }
}

fn skip(why: &str) -> Option<PostgresDriver> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("PostgreSQL is unreachable and CI=true: {why}");
    }
    eprintln!("notice: skipping a live PostgreSQL test, the server is unreachable: {why}");
    None
}

/// Runs `sql` on the server's maintenance database from a thread of its own, so it works from
/// `Drop` inside an async test.
fn run_detached(sql: String) {
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async {
            if let Ok(d) = cairn_postgres::connect(&url_for(None, None)).await {
                for stmt in sql.split(";\n") {
                    let _ = d.execute(stmt).await;
                }
                d.close().await;
            }
        });
    })
    .join();
}

/// A schema created for one test and dropped (with everything in it) when the guard goes.
pub struct TempSchema {
    pub name: String,
}

impl TempSchema {
    pub async fn create(admin: &PostgresDriver) -> TempSchema {
        let name = unique("cairn_t_");
        admin
            .execute(&format!("CREATE SCHEMA \"{name}\""))
            .await
            .expect("create schema");
        TempSchema { name }
    }

    /// A driver bound to this schema (schema scope).
    pub async fn driver(&self) -> PostgresDriver {
        cairn_postgres::connect(&url_for(None, Some(&self.name)))
            .await
            .expect("connect")
    }
}

impl Drop for TempSchema {
    fn drop(&mut self) {
        run_detached(format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.name));
    }
}

/// A database created for one test, with the roles the test made; both dropped with the guard.
pub struct TempDatabase {
    pub name: String,
    pub roles: Vec<String>,
}

impl TempDatabase {
    pub async fn create(admin: &PostgresDriver) -> TempDatabase {
        let name = unique("cairn_t_");
        admin
            .execute(&format!("CREATE DATABASE \"{name}\""))
            .await
            .expect("create database");
        TempDatabase {
            name,
            roles: Vec::new(),
        }
    }

    /// A driver for the whole database (database scope).
    pub async fn driver(&self) -> PostgresDriver {
        cairn_postgres::connect(&url_for(Some(&self.name), None))
            .await
            .expect("connect")
    }
}

impl Drop for TempDatabase {
    fn drop(&mut self) {
        let mut sql = format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name);
        for r in &self.roles {
            sql.push_str(&format!(";\nDROP ROLE IF EXISTS \"{r}\""));
        }
        run_detached(sql);
    }
}

/// Inspects with default options.
pub async fn inspect(d: &PostgresDriver) -> Realm {
    d.inspect(&InspectOptions::default())
        .await
        .expect("inspection succeeds")
}

/// Runs `statements` in one transaction, failing with the statement that broke.
pub async fn run_all(d: &PostgresDriver, statements: &[String]) {
    if let Err(e) = d.execute_batch(statements, true).await {
        panic!(
            "printed SQL failed at statement {}: {}\n--- all statements:\n{}",
            e.applied,
            e.error,
            statements.join(";\n")
        );
    }
}

/// Renames schema `from` to `to` everywhere in the realm: the schema itself and every
/// qualified reference to it.
pub fn rename_schema(realm: &mut Realm, from: &str, to: &str) {
    let fix = |q: &mut QualifiedName| {
        if q.schema.as_deref() == Some(from) {
            q.schema = Some(to.to_string());
        }
    };
    fn fix_type(t: &mut ColumnType, from: &str, to: &str) {
        fn walk(p: &mut PgType, from: &str, to: &str) {
            match p {
                PgType::Named(q) if q.schema.as_deref() == Some(from) => {
                    q.schema = Some(to.to_string())
                }
                PgType::Array(e) => walk(e, from, to),
                _ => {}
            }
        }
        if let ColumnType::Postgres(p) = t {
            walk(p, from, to);
        }
    }
    for s in &mut realm.schemas {
        if s.name == from {
            s.name = to.to_string();
        }
        for t in &mut s.tables {
            for c in &mut t.columns {
                fix_type(&mut c.ty, from, to);
            }
            for fk in &mut t.foreign_keys {
                fix(&mut fk.ref_table);
            }
            for tr in &mut t.triggers {
                if let Some(f) = &mut tr.function {
                    fix(f);
                }
            }
            if let Some(p) = &mut t.partition_of {
                fix(&mut p.parent);
            }
            if let TableExt::Postgres(e) = &mut t.ext {
                e.inherits.iter_mut().for_each(fix);
            }
        }
        for d in &mut s.domains {
            fix_type(&mut d.base, from, to);
        }
        for c in &mut s.composites {
            for (_, t) in &mut c.fields {
                fix_type(t, from, to);
            }
        }
        for seq in &mut s.sequences {
            if let Some(t) = &mut seq.data_type {
                fix_type(t, from, to);
            }
        }
        for u in &mut s.unsupported {
            u.raw = u.raw.replace(&format!("\"{from}\""), &format!("\"{to}\""));
        }
    }
    for p in &mut realm.permissions {
        match &mut p.object {
            GrantObject::Schema(s) if s == from => *s = to.to_string(),
            GrantObject::Table(q)
            | GrantObject::Columns(q, _)
            | GrantObject::Sequence(q)
            | GrantObject::Function(q, _)
            | GrantObject::Procedure(q, _)
            | GrantObject::Type(q) => fix(q),
            _ => {}
        }
    }
}

/// The realm without what describes how it was reached rather than what it is: live row
/// estimates.
pub fn without_rows(mut realm: Realm) -> Realm {
    for s in &mut realm.schemas {
        for t in &mut s.tables {
            t.rows = None;
        }
    }
    realm
}
