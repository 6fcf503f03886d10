//! The one place that knows every driver: connecting by URL, and printing SQL by dialect.

use anyhow::Result;
use cairn_core::plan::Planner;
use cairn_core::{DbUrl, Driver};
use cairn_ir::{Dialect, Realm};

/// Connects to the database a URL names.
pub async fn connect(url: &DbUrl, read_only: bool) -> Result<Box<dyn Driver>> {
    Ok(match url.dialect() {
        Dialect::Postgres => Box::new(cairn_postgres::connect(url).await?),
        Dialect::Mysql(_) => Box::new(cairn_mysql::connect(url).await?),
        Dialect::Sqlite => Box::new(cairn_sqlite::connect(url, read_only).await?),
    })
}

/// The statements that create `realm` on an empty database of its dialect.
pub fn create_statements(realm: &Realm) -> Vec<String> {
    match realm.dialect {
        Dialect::Postgres => cairn_postgres::create_statements(realm),
        Dialect::Mysql(_) => cairn_mysql::create_statements(realm),
        Dialect::Sqlite => cairn_sqlite::create_statements(realm),
    }
}

/// The planner of a dialect.
pub fn planner(dialect: Dialect) -> &'static dyn Planner {
    match dialect {
        Dialect::Postgres => &cairn_postgres::plan::PostgresPlanner,
        Dialect::Mysql(_) => &cairn_mysql::plan::MysqlPlanner,
        Dialect::Sqlite => &cairn_sqlite::plan::SqlitePlanner,
    }
}
