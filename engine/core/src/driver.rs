//! The interface every database driver implements. Dialect differences are methods here or on
//! `cairn_ir::Dialect`, never `if dialect == X` in callers.

use std::future::Future;
use std::pin::Pin;

use cairn_ir::{Dialect, Realm};

use crate::error::EngineError;
use crate::scope::InspectOptions;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A connection to a live database.
pub trait Driver: Send + Sync {
    /// The dialect of the connected server (MariaDB is detected from its version).
    fn dialect(&self) -> Dialect;

    /// The schema the URL is bound to (schema scope), or `None` (database scope).
    fn bound_schema(&self) -> Option<&str>;

    /// Inspects every object in scope into a realm, with row estimates. The number of catalog
    /// queries does not grow with the number of tables.
    fn inspect<'a>(&'a self, opts: &'a InspectOptions)
    -> BoxFuture<'a, Result<Realm, EngineError>>;

    /// Executes one or more statements (a script), as written.
    fn execute<'a>(&'a self, sql: &'a str) -> BoxFuture<'a, Result<(), EngineError>>;

    /// Runs `statements` in order on one connection, inside one transaction when `transactional`
    /// and the database has transactional DDL (all or nothing). On failure, reports how many
    /// statements had succeeded (and stayed applied, outside a transaction) and the error.
    fn execute_batch<'a>(
        &'a self,
        statements: &'a [String],
        transactional: bool,
    ) -> BoxFuture<'a, Result<(), BatchError>>;

    /// Takes the named deployment lock (Atlas's names, so Cairn and Atlas exclude each other),
    /// waiting up to `timeout`. Released by `DeployLock::release` or when the process ends.
    fn lock<'a>(
        &'a self,
        name: &'a str,
        timeout: std::time::Duration,
    ) -> BoxFuture<'a, Result<Box<dyn DeployLock>, EngineError>>;

    /// Opens a session: one dedicated connection (bound to the URL's schema), for work that
    /// needs its own transactions, such as the versioned executor.
    fn session(&self) -> BoxFuture<'_, Result<Box<dyn Session>, EngineError>>;

    /// Closes the connection pool.
    fn close(&self) -> BoxFuture<'_, ()>;
}

/// One dedicated connection. Statements run as written (no binds); callers quote literals.
pub trait Session: Send {
    /// Executes one statement or script.
    fn execute<'a>(&'a mut self, sql: &'a str) -> BoxFuture<'a, Result<(), EngineError>>;

    /// Runs a query and returns its rows, every column as text (`None` for NULL). Columns that
    /// are not text, integer or boolean should be cast to text in the query.
    fn query<'a>(
        &'a mut self,
        sql: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Vec<Option<String>>>, EngineError>>;

    fn begin(&mut self) -> BoxFuture<'_, Result<(), EngineError>>;
    fn commit(&mut self) -> BoxFuture<'_, Result<(), EngineError>>;
    fn rollback(&mut self) -> BoxFuture<'_, Result<(), EngineError>>;

    /// Returns the connection (to its pool, or closes it).
    fn close(self: Box<Self>) -> BoxFuture<'static, ()>;
}

/// A failed batch: `applied` statements succeeded before statement `applied` failed.
#[derive(Debug)]
pub struct BatchError {
    pub applied: usize,
    pub error: EngineError,
}

/// A held deployment lock.
pub trait DeployLock: Send {
    fn release(self: Box<Self>) -> BoxFuture<'static, ()>;
}

/// The lock `apply` takes: Atlas's name for it.
pub const APPLY_LOCK: &str = "atlas_migrate_execute";
