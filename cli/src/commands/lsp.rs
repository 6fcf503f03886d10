//! `cairn lsp`: the language server on stdin/stdout (the protocol lives in `cairn-lsp`). This
//! side gives it the drivers, so the plan preview can compare with a live database and the
//! project file's `data "sql"` blocks get their rows.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, anyhow};
use cairn_core::{DbUrl, InspectOptions, SourceUrl};
use cairn_lsp::{QueryError, Rows};
use clap::Args;

use crate::Outcome;
use crate::project::ProjectArgs;

/// How long one inspection of the plan-preview baseline may take.
const INSPECT_TIMEOUT: Duration = Duration::from_secs(20);

/// How long one `data "sql"` query (connecting included) may take.
const QUERY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Talk LSP over stdin/stdout (the default and only transport; accepted for editors that
    /// pass it).
    #[arg(long)]
    pub stdio: bool,
}

/// Serves; the global `--env NAME` and `--var NAME=VALUE` flags go to the server, which reads
/// the workspace's project file with them (the `env` and `vars` initialization options win).
pub fn run(_args: LspArgs, project: &ProjectArgs) -> Result<Outcome> {
    let inspector: cairn_lsp::Inspector = Arc::new(inspect);
    let options = cairn_lsp::Options {
        inspector: Some(inspector),
        query: Some(Arc::new(query)),
        env: project.env.clone(),
        vars: project.vars.clone(),
    };
    cairn_lsp::run_stdio_with(options).map_err(|e| anyhow!("language server: {e}"))?;
    Ok(Outcome::Success)
}

/// Inspects a database for the server's baseline, on the calling (worker) thread, read-only.
fn inspect(url: &str, scope: &InspectOptions) -> std::result::Result<cairn_ir::Realm, String> {
    let db = DbUrl::parse(url).map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        match tokio::time::timeout(INSPECT_TIMEOUT, crate::load::inspect(&db, scope)).await {
            Ok(r) => r.map_err(|e| format!("{e:#}")),
            Err(_) => Err(format!("no answer within {} s", INSPECT_TIMEOUT.as_secs())),
        }
    })
}

/// Runs a `data "sql"` query for the server, on the calling (worker) thread: as `cairn` does
/// (read-only for SQLite), within [`QUERY_TIMEOUT`]. Not connecting is `Unreachable`; a bad URL
/// or a query the database refuses is `Failed`.
fn query(url: &str, sql: &str) -> std::result::Result<Rows, QueryError> {
    let db = match SourceUrl::parse(url).map_err(|e| QueryError::Failed(e.to_string()))? {
        SourceUrl::Database(db) => db,
        _ => {
            return Err(QueryError::Failed(format!(
                "url must be a database URL, not {}",
                cairn_core::url::redact(url)
            )));
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| QueryError::Unreachable(e.to_string()))?;
    rt.block_on(async {
        let run = async {
            let driver = crate::drivers::connect(&db, true)
                .await
                .map_err(|e| QueryError::Unreachable(format!("{e:#}")))?;
            let rows = match driver.session().await {
                Ok(mut session) => {
                    let rows = session
                        .query(sql)
                        .await
                        .map_err(|e| QueryError::Failed(e.to_string()));
                    session.close().await;
                    rows
                }
                Err(e) => Err(QueryError::Unreachable(e.to_string())),
            };
            driver.close().await;
            rows
        };
        match tokio::time::timeout(QUERY_TIMEOUT, run).await {
            Ok(r) => r,
            Err(_) => Err(QueryError::Unreachable(format!(
                "{}: no answer within {} s",
                db.redacted(),
                QUERY_TIMEOUT.as_secs()
            ))),
        }
    })
}
