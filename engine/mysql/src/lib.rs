//! The MySQL / MariaDB driver: connect, detect the flavour, inspect, print SQL.

mod inspect;
pub mod plan;
pub mod print;
mod session;

use cairn_core::{
    BatchError, BoxFuture, DbUrl, DeployLock, Driver, EngineError, InspectOptions, Session,
};
use cairn_ir::{Dialect, Flavor, Realm};
use sqlx::mysql::MySqlPoolOptions;
use sqlx::{Executor, MySqlPool};

pub use print::create_statements;

pub struct MysqlDriver {
    pool: MySqlPool,
    dialect: Dialect,
    schema: Option<String>,
}

pub async fn connect(url: &DbUrl) -> Result<MysqlDriver, EngineError> {
    let pool = MySqlPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect(&url.connect_url())
        .await
        .map_err(|e| EngineError::Connect {
            url: url.redacted(),
            message: cairn_core::url::redact(&e.to_string()),
        })?;
    let version: String = sqlx::query_scalar("SELECT VERSION()")
        .fetch_one(&pool)
        .await
        .map_err(|e| EngineError::Query {
            context: "reading the server version".into(),
            message: e.to_string(),
        })?;
    // `mysql://` detects MariaDB from the server's version, as Atlas does.
    let dialect = if url.flavor_explicit() || !version.to_ascii_lowercase().contains("mariadb") {
        url.dialect()
    } else {
        Dialect::Mysql(Flavor::Mariadb)
    };
    Ok(MysqlDriver {
        pool,
        dialect,
        schema: url.schema().map(str::to_string),
    })
}

impl MysqlDriver {
    pub fn pool(&self) -> &MySqlPool {
        &self.pool
    }
}

impl Driver for MysqlDriver {
    fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn bound_schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    fn inspect<'a>(
        &'a self,
        opts: &'a InspectOptions,
    ) -> BoxFuture<'a, Result<Realm, EngineError>> {
        Box::pin(inspect::inspect_realm(
            &self.pool,
            self.dialect,
            self.schema.as_deref(),
            opts,
        ))
    }

    fn execute<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<(), EngineError>> {
        Box::pin(async move {
            self.pool
                .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)))
                .await
                .map(|_| ())
                .map_err(|e| EngineError::Statement {
                    statement: sql.to_string(),
                    message: e.to_string(),
                })
        })
    }

    /// MySQL and MariaDB commit DDL implicitly, so a batch is never all-or-nothing: statements
    /// run one by one and the report says how many were applied.
    fn execute_batch<'a>(
        &'a self,
        statements: &'a [String],
        _transactional: bool,
    ) -> BoxFuture<'a, Result<(), BatchError>> {
        Box::pin(async move {
            let mut conn = self.pool.acquire().await.map_err(|e| BatchError {
                applied: 0,
                error: EngineError::Other(e.to_string()),
            })?;
            for (i, stmt) in statements.iter().enumerate() {
                if let Err(e) = conn
                    .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(stmt.as_str())))
                    .await
                {
                    return Err(BatchError {
                        applied: i,
                        error: EngineError::Statement {
                            statement: stmt.clone(),
                            message: e.to_string(),
                        },
                    });
                }
            }
            Ok(())
        })
    }

    fn lock<'a>(
        &'a self,
        name: &'a str,
        timeout: std::time::Duration,
    ) -> BoxFuture<'a, Result<Box<dyn DeployLock>, EngineError>> {
        Box::pin(async move {
            let err = |e: sqlx::Error| EngineError::Query {
                context: format!("taking the lock {name}"),
                message: e.to_string(),
            };
            let mut conn = self.pool.acquire().await.map_err(err)?.detach();
            let got: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, ?)")
                .bind(name)
                .bind(timeout.as_secs_f64().ceil() as i64)
                .fetch_one(&mut conn)
                .await
                .map_err(err)?;
            if got != Some(1) {
                return Err(EngineError::Other(format!(
                    "another deployment holds the lock {name:?}; gave up after {timeout:?} (raise --lock-timeout to wait longer)"
                )));
            }
            Ok(Box::new(MyLock {
                conn,
                name: name.to_string(),
            }) as Box<dyn DeployLock>)
        })
    }

    fn session(&self) -> BoxFuture<'_, Result<Box<dyn Session>, EngineError>> {
        Box::pin(session::open(&self.pool))
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.pool.close())
    }
}

/// A named lock (`GET_LOCK`), held on a connection of its own.
struct MyLock {
    conn: sqlx::MySqlConnection,
    name: String,
}

impl DeployLock for MyLock {
    fn release(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            let MyLock { mut conn, name } = *self;
            let _ = sqlx::query("SELECT RELEASE_LOCK(?)")
                .bind(name)
                .execute(&mut conn)
                .await;
            let _ = sqlx::Connection::close(conn).await;
        })
    }
}
