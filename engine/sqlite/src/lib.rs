//! The SQLite driver (bundled SQLite through sqlx): connect, inspect, print SQL.

pub mod inspect;
pub mod plan;
pub mod print;
mod session;

use std::str::FromStr;

use cairn_core::url::SqliteTarget;
use cairn_core::{
    BatchError, BoxFuture, DbUrl, DeployLock, Driver, EngineError, InspectOptions, Session,
};
use cairn_ir::{Dialect, Realm};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{Executor, SqlitePool};

pub use print::create_statements;

pub struct SqliteDriver {
    pool: SqlitePool,
}

/// Opens the database a `sqlite://` URL names. A missing file is created unless `read_only`
/// (dry runs), where it counts as empty and nothing is written.
pub async fn connect(url: &DbUrl, read_only: bool) -> Result<SqliteDriver, EngineError> {
    let err = |e: sqlx::Error| EngineError::Connect {
        url: url.redacted(),
        message: e.to_string(),
    };
    let opts = match url.sqlite_target() {
        Some(SqliteTarget::Memory(name)) => {
            let name = if name.is_empty() { "cairn" } else { name };
            SqliteConnectOptions::from_str(&format!("sqlite:file:{name}?mode=memory&cache=shared"))
                .map_err(err)?
        }
        Some(SqliteTarget::File(path)) => {
            if read_only && !path.exists() {
                SqliteConnectOptions::from_str("sqlite::memory:").map_err(err)?
            } else {
                SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(!read_only)
                    .read_only(read_only)
            }
        }
        None => {
            return Err(EngineError::Other(format!(
                "{} is not a SQLite URL",
                url.redacted()
            )));
        }
    };
    // One connection: an in-memory database lives as long as its connection, and SQLite
    // serialises writers anyway.
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(opts.foreign_keys(true))
        .await
        .map_err(err)?;
    Ok(SqliteDriver { pool })
}

impl SqliteDriver {
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

impl Driver for SqliteDriver {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn bound_schema(&self) -> Option<&str> {
        Some("main")
    }

    fn inspect<'a>(
        &'a self,
        opts: &'a InspectOptions,
    ) -> BoxFuture<'a, Result<Realm, EngineError>> {
        Box::pin(inspect::inspect_realm(
            &self.pool,
            Dialect::Sqlite,
            Some("main"),
            opts,
        ))
    }

    fn execute<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<(), EngineError>> {
        Box::pin(async move {
            let mut conn = self
                .pool
                .acquire()
                .await
                .map_err(|e| EngineError::Statement {
                    statement: "-- acquiring the connection".into(),
                    message: e.to_string(),
                })?;
            let result = conn
                .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)))
                .await
                .map(|_| ())
                .map_err(|e| EngineError::Statement {
                    statement: sql.to_string(),
                    message: e.to_string(),
                });
            if result.is_err() {
                restore_settings(&mut conn).await;
            }
            result
        })
    }

    fn execute_batch<'a>(
        &'a self,
        statements: &'a [String],
        transactional: bool,
    ) -> BoxFuture<'a, Result<(), BatchError>> {
        Box::pin(async move {
            let fail = |applied, e: sqlx::Error, stmt: &str| BatchError {
                applied,
                error: EngineError::Statement {
                    statement: stmt.to_string(),
                    message: e.to_string(),
                },
            };
            let mut conn = self
                .pool
                .acquire()
                .await
                .map_err(|e| fail(0, e, "-- acquiring the connection"))?;
            let result = async {
                if transactional {
                    // IMMEDIATE takes the write lock up front: two deployers never interleave.
                    conn.execute("BEGIN IMMEDIATE")
                        .await
                        .map_err(|e| fail(0, e, "BEGIN IMMEDIATE"))?;
                }
                for (i, stmt) in statements.iter().enumerate() {
                    if let Err(e) = conn
                        .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(stmt.as_str())))
                        .await
                    {
                        if transactional {
                            let _ = conn.execute("ROLLBACK").await;
                        }
                        return Err(fail(if transactional { 0 } else { i }, e, stmt));
                    }
                }
                if transactional && let Err(e) = conn.execute("COMMIT").await {
                    let _ = conn.execute("ROLLBACK").await;
                    return Err(fail(0, e, "COMMIT"));
                }
                Ok(())
            }
            .await;
            // A failed plan stops before the step that switches enforcement back on.
            if result.is_err() {
                restore_settings(&mut conn).await;
            }
            result
        })
    }

    /// SQLite serialises writers itself: every transactional group starts with
    /// `BEGIN IMMEDIATE`, which is the deployment lock; there is no separate named lock.
    fn lock<'a>(
        &'a self,
        _name: &'a str,
        _timeout: std::time::Duration,
    ) -> BoxFuture<'a, Result<Box<dyn DeployLock>, EngineError>> {
        Box::pin(async move { Ok(Box::new(NoLock) as Box<dyn DeployLock>) })
    }

    fn session(&self) -> BoxFuture<'_, Result<Box<dyn Session>, EngineError>> {
        Box::pin(session::open(&self.pool))
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.pool.close())
    }
}

/// Puts the connection's settings back as `connect` made them, after a failure left a plan or a
/// script half-way: foreign-key enforcement on (a rebuild switches it off in a step of its own,
/// and the step that switches it on again never runs after a failure) and the modern `ALTER
/// TABLE` behaviour. The one connection of the pool outlives the failure, and with enforcement
/// off every later statement on it would skip the foreign-key checks. A transaction the failure
/// left open is rolled back first, since the pragma does nothing inside one.
pub(crate) async fn restore_settings(conn: &mut sqlx::SqliteConnection) {
    // Fails harmlessly when no transaction is open.
    let _ = conn.execute("ROLLBACK").await;
    let _ = conn
        .execute("PRAGMA foreign_keys = on; PRAGMA legacy_alter_table = off")
        .await;
}

struct NoLock;

impl DeployLock for NoLock {
    fn release(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}
