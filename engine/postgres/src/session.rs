//! A dedicated PostgreSQL connection for the versioned executor: statements, text rows and
//! explicit transactions, with `search_path` bound to the URL's schema.

use cairn_core::{BoxFuture, EngineError, Session};
use cairn_ir::Dialect;
use sqlx::pool::PoolConnection;
use sqlx::{Executor, Postgres, Row};

pub(crate) struct PgSession {
    conn: Option<PoolConnection<Postgres>>,
    bound: bool,
    in_tx: bool,
}

fn stmt_err(sql: &str, e: sqlx::Error) -> EngineError {
    EngineError::Statement {
        statement: sql.to_string(),
        message: e.to_string(),
    }
}

pub(crate) async fn open(
    pool: &sqlx::PgPool,
    schema: Option<&str>,
) -> Result<Box<dyn Session>, EngineError> {
    let mut conn = pool.acquire().await.map_err(|e| EngineError::Query {
        context: "opening a session".into(),
        message: e.to_string(),
    })?;
    if let Some(s) = schema {
        let set = format!("SET search_path TO {}", Dialect::Postgres.quote_ident(s));
        conn.execute(sqlx::raw_sql(sqlx::AssertSqlSafe(set.clone())))
            .await
            .map_err(|e| stmt_err(&set, e))?;
    }
    Ok(Box::new(PgSession {
        conn: Some(conn),
        bound: schema.is_some(),
        in_tx: false,
    }))
}

impl PgSession {
    fn conn(&mut self) -> &mut PoolConnection<Postgres> {
        self.conn.as_mut().expect("an open session")
    }

    async fn run(&mut self, sql: &str) -> Result<(), EngineError> {
        self.conn()
            .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())))
            .await
            .map(|_| ())
            .map_err(|e| stmt_err(sql, e))
    }
}

fn cell(row: &sqlx::postgres::PgRow, i: usize) -> Option<String> {
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return v;
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return v.map(|v| v.to_string());
    }
    if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
        return v.map(|v| v.to_string());
    }
    if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
        return v.map(|v| v.to_string());
    }
    None
}

impl Session for PgSession {
    fn execute<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<(), EngineError>> {
        Box::pin(self.run(sql))
    }

    fn query<'a>(
        &'a mut self,
        sql: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Vec<Option<String>>>, EngineError>> {
        Box::pin(async move {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .fetch_all(&mut **self.conn())
                .await
                .map_err(|e| stmt_err(sql, e))?;
            Ok(rows
                .iter()
                .map(|r| (0..r.columns().len()).map(|i| cell(r, i)).collect())
                .collect())
        })
    }

    fn begin(&mut self) -> BoxFuture<'_, Result<(), EngineError>> {
        Box::pin(async move {
            self.run("BEGIN").await?;
            self.in_tx = true;
            Ok(())
        })
    }

    fn commit(&mut self) -> BoxFuture<'_, Result<(), EngineError>> {
        Box::pin(async move {
            self.in_tx = false;
            self.run("COMMIT").await
        })
    }

    fn rollback(&mut self) -> BoxFuture<'_, Result<(), EngineError>> {
        Box::pin(async move {
            self.in_tx = false;
            self.run("ROLLBACK").await
        })
    }

    fn close(mut self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            if self.in_tx {
                let _ = self.run("ROLLBACK").await;
            }
            if self.bound {
                let _ = self.run("RESET search_path").await;
            }
            drop(self.conn.take());
        })
    }
}
