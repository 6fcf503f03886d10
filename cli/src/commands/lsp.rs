//! `cairn lsp`: the language server on stdin/stdout (the protocol lives in `cairn-lsp`). This
//! side gives it the drivers, so the plan preview can compare with a live database.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, anyhow};
use cairn_core::{DbUrl, InspectOptions};
use clap::Args;

use crate::Outcome;

/// How long one inspection of the plan-preview baseline may take.
const INSPECT_TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Talk LSP over stdin/stdout (the default and only transport; accepted for editors that
    /// pass it).
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: LspArgs) -> Result<Outcome> {
    let inspector: cairn_lsp::Inspector = Arc::new(inspect);
    let options = cairn_lsp::Options {
        inspector: Some(inspector),
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
