//! The `cairn` binary: parses the command line, runs a command, maps the outcome to the exit
//! codes of the contract (0 success, 1 error, 2 usage, 3 changes pending under `--check`).

mod args;
mod commands;
mod drivers;
mod fleet;
mod git;
mod load;
mod project;
mod render;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use crate::args::{Cli, Command, SchemaCommand};

/// Compiling and diffing large schemas allocates millions of small objects; mimalloc halves
/// the time glibc's allocator spends on them (measured in bench/run.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What a command reports back to `main`: an exit code. Errors travel as `anyhow::Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Error-severity findings or a refused operation, already reported.
    Failed,
    /// `--check`: changes, files or formatting pending.
    Pending,
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // The project file (`--env`, `-c`, `--var`) fills the flags the user did not give.
    match project::resolve(&mut cli, &matches) {
        Ok(None) => {}
        // A `for_each` env: one process per target, in rollout groups.
        Ok(Some(f)) => return fleet::run(&f, &cli),
        Err(e) => {
            let msg = cairn_core::url::redact(&format!("{e:#}"));
            eprintln!("{} {msg}", render::style::error_label());
            return ExitCode::from(if e.is::<project::UsageError>() { 2 } else { 1 });
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Schema(SchemaCommand::Inspect(a)) => commands::schema_inspect::run(a).await,
            Command::Schema(SchemaCommand::Fmt(a)) => commands::schema_fmt::run(a),
            Command::Schema(SchemaCommand::Diff(a)) => commands::schema_diff::run(a).await,
            Command::Schema(SchemaCommand::Apply(a)) => commands::schema_apply::run(a).await,
            Command::Migrate(m) => commands::migrate::run(m).await,
            Command::Lint(a) => commands::lint::run(a).await,
            Command::Rules(r) => commands::rules::run(r),
            Command::Lsp(a) => commands::lsp::run(a, &cli.project),
            Command::Init(a) => commands::init::run(a).await,
        }
    });
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Ok(Outcome::Pending) => ExitCode::from(3),
        Err(e) => {
            // Every error message is redacted once more, so no URL password can slip through.
            let msg = cairn_core::url::redact(&format!("{e:#}"));
            eprintln!("{} {msg}", render::style::error_label());
            ExitCode::from(1)
        }
    }
}
