//! The PostgreSQL driver: connect, inspect, print SQL.

pub mod inspect;
pub mod plan;
pub mod print;
mod session;

use cairn_core::{
    BatchError, BoxFuture, DbUrl, DeployLock, Driver, EngineError, InspectOptions, Session,
};
use cairn_ir::{Dialect, Realm};
use sqlx::postgres::PgPoolOptions;
use sqlx::{Executor, PgPool};

pub use print::create_statements;

pub struct PostgresDriver {
    pool: PgPool,
    schema: Option<String>,
}

pub async fn connect(url: &DbUrl) -> Result<PostgresDriver, EngineError> {
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect(&url.connect_url())
        .await
        .map_err(|e| EngineError::Connect {
            url: url.redacted(),
            message: cairn_core::url::redact(&e.to_string()),
        })?;
    Ok(PostgresDriver {
        pool,
        schema: url.schema().map(str::to_string),
    })
}

impl PostgresDriver {
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

impl Driver for PostgresDriver {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
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
            Dialect::Postgres,
            self.schema.as_deref(),
            opts,
        ))
    }

    fn execute<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<(), EngineError>> {
        Box::pin(async move {
            let mut conn = self
                .pool
                .acquire()
                .await
                .map_err(|e| EngineError::Other(e.to_string()))?;
            if let Some(s) = &self.schema {
                let set = format!("SET search_path TO {}", Dialect::Postgres.quote_ident(s));
                conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(set)))
                    .await
                    .map_err(|e| EngineError::Other(e.to_string()))?;
            }
            let r = conn
                .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql)))
                .await
                .map(|_| ())
                .map_err(|e| EngineError::Statement {
                    statement: sql.to_string(),
                    message: e.to_string(),
                });
            if self.schema.is_some() {
                let _ = conn.execute("RESET search_path").await;
            }
            r
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
                .map_err(|e| fail(0, e, "-- acquiring a connection"))?;
            if let Some(s) = &self.schema {
                let set = format!("SET search_path TO {}", Dialect::Postgres.quote_ident(s));
                conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(set)))
                    .await
                    .map_err(|e| fail(0, e, "SET search_path"))?;
            }
            // A plan creates routines before the tables their bodies read (tables may use the
            // routines): as pg_dump does, bodies are checked when called, not when created.
            conn.execute("SET check_function_bodies = off")
                .await
                .map_err(|e| fail(0, e, "SET check_function_bodies = off"))?;
            if transactional {
                conn.execute("BEGIN")
                    .await
                    .map_err(|e| fail(0, e, "BEGIN"))?;
            }
            for (i, stmt) in statements.iter().enumerate() {
                if let Err(e) = conn
                    .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(stmt.as_str())))
                    .await
                {
                    if transactional {
                        let _ = conn.execute("ROLLBACK").await;
                    }
                    let _ = conn.execute("RESET search_path").await;
                    let _ = conn.execute("RESET check_function_bodies").await;
                    return Err(fail(if transactional { 0 } else { i }, e, stmt));
                }
            }
            if transactional {
                conn.execute("COMMIT")
                    .await
                    .map_err(|e| fail(0, e, "COMMIT"))?;
            }
            let _ = conn.execute("RESET search_path").await;
            let _ = conn.execute("RESET check_function_bodies").await;
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
            let deadline = std::time::Instant::now() + timeout;
            loop {
                let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtext($1))")
                    .bind(name)
                    .fetch_one(&mut conn)
                    .await
                    .map_err(err)?;
                if got {
                    return Ok(Box::new(PgLock {
                        conn,
                        name: name.to_string(),
                    }) as Box<dyn DeployLock>);
                }
                if std::time::Instant::now() >= deadline {
                    return Err(EngineError::Other(format!(
                        "another deployment holds the lock {name:?}; gave up after {:?} (raise --lock-timeout to wait longer)",
                        timeout
                    )));
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        })
    }

    fn session(&self) -> BoxFuture<'_, Result<Box<dyn Session>, EngineError>> {
        Box::pin(session::open(&self.pool, self.schema.as_deref()))
    }

    fn close(&self) -> BoxFuture<'_, ()> {
        Box::pin(self.pool.close())
    }
}

/// A session-level advisory lock, held on a connection of its own.
struct PgLock {
    conn: sqlx::PgConnection,
    name: String,
}

impl DeployLock for PgLock {
    fn release(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            let PgLock { mut conn, name } = *self;
            let _ = sqlx::query("SELECT pg_advisory_unlock(hashtext($1))")
                .bind(name)
                .execute(&mut conn)
                .await;
            let _ = sqlx::Connection::close(conn).await;
        })
    }
}
