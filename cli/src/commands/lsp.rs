//! `cairn lsp`: the language server on stdin/stdout (the protocol lives in `cairn-lsp`).

use anyhow::{Result, anyhow};
use clap::Args;

use crate::Outcome;

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Talk LSP over stdin/stdout (the default and only transport; accepted for editors that
    /// pass it).
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: LspArgs) -> Result<Outcome> {
    cairn_lsp::run_stdio().map_err(|e| anyhow!("language server: {e}"))?;
    Ok(Outcome::Success)
}
