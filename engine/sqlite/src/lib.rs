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
    /// The database file, when deployment locks are taken beside it (a file opened for writing;
    /// not an in-memory database, not a dry run).
    lock_base: Option<std::path::PathBuf>,
}

/// Opens the database a `sqlite://` URL names. A missing file is created unless `read_only`
/// (dry runs), where it counts as empty and nothing is written.
pub async fn connect(url: &DbUrl, read_only: bool) -> Result<SqliteDriver, EngineError> {
    let err = |e: sqlx::Error| EngineError::Connect {
        url: url.redacted(),
        message: e.to_string(),
    };
    let mut lock_base = None;
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
                if !read_only {
                    lock_base = Some(path.to_path_buf());
                }
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
    Ok(SqliteDriver { pool, lock_base })
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

    /// A lock across processes: an exclusive OS lock on the file `<database>.<name>.lock` beside
    /// the database (SQLite has no named locks; `BEGIN IMMEDIATE` alone would let two deployers
    /// read the same pending files one after the other). The file is left in place (removing
    /// it would race with a deployer that just opened it); the lock goes with the process. An
    /// in-memory database, or one opened read-only for a dry run, cannot be shared and takes
    /// no lock.
    fn lock<'a>(
        &'a self,
        name: &'a str,
        timeout: std::time::Duration,
    ) -> BoxFuture<'a, Result<Box<dyn DeployLock>, EngineError>> {
        Box::pin(async move {
            let Some(base) = &self.lock_base else {
                return Ok(Box::new(NoLock) as Box<dyn DeployLock>);
            };
            let mut file_name = base.file_name().unwrap_or_default().to_os_string();
            file_name.push(format!(".{name}.lock"));
            let path = base.with_file_name(file_name);
            let err = |e: std::io::Error| EngineError::Query {
                context: format!("taking the lock {name} ({})", path.display()),
                message: e.to_string(),
            };
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(err)?;
            let deadline = std::time::Instant::now() + timeout;
            loop {
                match file.try_lock() {
                    Ok(()) => return Ok(Box::new(FileLock { file }) as Box<dyn DeployLock>),
                    Err(std::fs::TryLockError::WouldBlock) => {}
                    Err(std::fs::TryLockError::Error(e)) => return Err(err(e)),
                }
                if std::time::Instant::now() >= deadline {
                    return Err(EngineError::Other(format!(
                        "another deployment holds the lock {name:?} ({}); gave up after {:?} (raise --lock-timeout to wait longer)",
                        path.display(),
                        timeout
                    )));
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        })
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

/// An exclusive lock on a lock file, released when the file is closed.
struct FileLock {
    file: std::fs::File,
}

impl DeployLock for FileLock {
    fn release(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            let _ = self.file.unlock();
        })
    }
}

impl DeployLock for NoLock {
    fn release(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
}
