//! Shared helpers of the live tests: scratch databases on the local MariaDB/MySQL (fresh,
//! randomly named, dropped however the test ends), connecting, and comparing realms.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use cairn_core::{DbUrl, Driver, InspectOptions};
use cairn_ir::{GrantObject, Realm};
use cairn_mysql::MysqlDriver;

pub fn server_url() -> String {
    std::env::var("CAIRN_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

/// A name no other test run picks.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{nanos:x}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The server URL with its path set to `db` (or no database, for server scope).
pub fn url_for(db: Option<&str>) -> String {
    let url = server_url();
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let host = before_query.split('/').next().unwrap_or(before_query);
    let path = db.map(|d| format!("/{d}")).unwrap_or_default();
    match query {
        Some(q) => format!("{scheme}://{host}{path}?{q}"),
        None => format!("{scheme}://{host}{path}"),
    }
}

pub async fn connect(db: Option<&str>) -> MysqlDriver {
    let url = DbUrl::parse(&url_for(db)).expect("a valid URL");
    cairn_mysql::connect(&url).await.expect("connect")
}

/// Runs cleanup SQL from `Drop`, on a runtime of its own.
pub fn run_detached(sql: String) {
    let url = url_for(None);
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(async move {
            use sqlx::Connection;
            let mut c = sqlx::MySqlConnection::connect(&url).await.ok()?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut c)
                .await
                .ok()
        })
    })
    .join();
}

/// Cleanup SQL that runs when dropped (databases, accounts).
pub struct Cleanup(pub String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        run_detached(std::mem::take(&mut self.0));
    }
}

/// A scratch database, dropped on drop.
pub struct Scratch {
    pub name: String,
    _drop: Cleanup,
}

/// Creates a fresh database, or `None` after a notice when the server is unreachable (a failure
/// under `CI=true`).
pub async fn scratch() -> Option<Scratch> {
    use sqlx::Connection;
    let mut admin = match sqlx::MySqlConnection::connect(&url_for(None)).await {
        Ok(c) => c,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("MariaDB/MySQL is unreachable under CI=true: {e}");
            }
            eprintln!("SKIPPED: MariaDB/MySQL is unreachable ({e}); set CAIRN_TEST_MYSQL_URL");
            return None;
        }
    };
    let name = unique("cairn_t");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE `{name}`")))
        .execute(&mut admin)
        .await
        .expect("create scratch database");
    let _ = admin.close().await;
    Some(Scratch {
        // Another scratch database may still hold foreign keys into this one.
        _drop: Cleanup(format!(
            "SET SESSION foreign_key_checks = 0; DROP DATABASE IF EXISTS `{name}`"
        )),
        name,
    })
}

pub async fn inspect(driver: &MysqlDriver, opts: &InspectOptions) -> Realm {
    driver.inspect(opts).await.expect("inspect")
}

/// Renames schema `from` to `to` everywhere a realm names it, and forgets row estimates (they
/// depend on the data, not the schema).
pub fn rename_schema(realm: &mut Realm, from: &str, to: &str) {
    for s in &mut realm.schemas {
        if s.name == from {
            s.name = to.to_string();
        }
        for t in &mut s.tables {
            t.rows = None;
            for fk in &mut t.foreign_keys {
                if fk.ref_table.schema.as_deref() == Some(from) {
                    fk.ref_table.schema = Some(to.to_string());
                }
            }
        }
    }
    for p in &mut realm.permissions {
        match &mut p.object {
            GrantObject::Schema(s) if s == from => *s = to.to_string(),
            GrantObject::Table(n) | GrantObject::Columns(n, _)
                if n.schema.as_deref() == Some(from) =>
            {
                n.schema = Some(to.to_string())
            }
            _ => {}
        }
    }
}

/// Asserts two realms are equal, naming the first object that differs.
pub fn assert_same(what: &str, a: &Realm, b: &Realm) {
    if a == b {
        return;
    }
    assert_eq!(a.schemas.len(), b.schemas.len(), "{what}: schema count");
    for (sa, sb) in a.schemas.iter().zip(&b.schemas) {
        assert_eq!(sa.name, sb.name, "{what}: schema names");
        let ta: Vec<&str> = sa.tables.iter().map(|t| t.name.as_str()).collect();
        let tb: Vec<&str> = sb.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(ta, tb, "{what}: tables of {}", sa.name);
        for (x, y) in sa.tables.iter().zip(&sb.tables) {
            for (cx, cy) in x.columns.iter().zip(&y.columns) {
                assert_eq!(cx, cy, "{what}: column {}.{}", x.name, cx.name);
            }
            assert_eq!(x, y, "{what}: table {}", x.name);
        }
        assert_eq!(sa.views, sb.views, "{what}: views");
        assert_eq!(sa.functions, sb.functions, "{what}: functions");
        assert_eq!(sa.procedures, sb.procedures, "{what}: procedures");
        assert_eq!(sa.unsupported, sb.unsupported, "{what}: events");
        assert_eq!(sa, sb, "{what}: schema {}", sa.name);
    }
    assert_eq!(a.roles, b.roles, "{what}: roles");
    assert_eq!(a.permissions, b.permissions, "{what}: permissions");
    assert_eq!(a, b, "{what}");
}

/// Creates the realm's statements in a second fresh database and inspects them back.
pub async fn print_and_reinspect(realm: &Realm) -> Option<(Realm, String)> {
    let db = scratch().await?;
    let driver = connect(Some(&db.name)).await;
    let statements = cairn_mysql::create_statements(realm);
    if let Err(e) = driver.execute_batch(&statements, false).await {
        panic!(
            "printed SQL does not run (statement {} of {}): {}\n--- SQL ---\n{}",
            e.applied + 1,
            statements.len(),
            e.error,
            statements.join(";\n")
        );
    }
    let back = inspect(&driver, &InspectOptions::default()).await;
    driver.close().await;
    let name = db.name.clone();
    drop(db);
    Some((back, name))
}
