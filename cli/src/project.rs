//! The project file on the command line: `-c/--config`, `--env`, `--var`. The selected
//! environment's attributes fill the flags the user did not give (an explicit flag wins):
//! `url` -> `--url` (and `--from` on `schema diff`), `dev` -> `--dev-url`, `src` /
//! `schema { src }` -> `--to`, `schemas` -> `--schema`, `exclude` -> `--exclude`,
//! `migration { dir format baseline exec_order lock_timeout revisions_schema }` -> the migrate
//! flags (`migrate diff` takes `dev` and `src` too), `diff { concurrent_index }` ->
//! `--concurrent-index`, `diff { online_constraints }` -> `--online-constraints`. `env://NAME` in a URL flag reads the environment's attribute NAME.

use anyhow::{Result, anyhow, bail};
use std::sync::Arc;

use cairn_core::policy::LintPolicy;
use cairn_core::project::{self, DataHost, Env, Fleet, Host, Inputs};
use cairn_core::{DbUrl, SourceUrl};
use clap::ArgMatches;
use clap::parser::ValueSource;

use crate::args::{Cli, Command, OnlineArgs, SchemaCommand, ScopeArgs};
use crate::commands::migrate::{DbArgs, DirArgs, MigrateCommand};

/// The global project flags, as parsed.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ProjectArgs {
    /// The project file (default: cairn.hcl, else atlas.hcl, in the working directory).
    #[arg(
        short = 'c',
        long = "config",
        value_name = "file://PATH",
        global = true
    )]
    pub config: Option<String>,
    /// The environment of the project file whose attributes fill unset flags.
    #[arg(long = "env", value_name = "NAME", global = true)]
    pub env: Option<String>,
    /// A project-file variable: name=value (repeatable; repeated for list variables).
    #[arg(long = "var", value_name = "NAME=VALUE", global = true, value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// With a `for_each` env: stop starting targets after the first failure.
    #[arg(long = "fail-fast", global = true)]
    pub fail_fast: bool,
    /// With a `for_each` env: run on the one instance whose `each.key` is KEY (the fleet runner
    /// starts one process per target with it).
    #[arg(long = "instance", value_name = "KEY", global = true, hide = true)]
    pub instance: Option<String>,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    project::parse_var(s)
}

/// Was this argument given on the command line (not a default, not absent)?
fn explicit(m: &ArgMatches, id: &str) -> bool {
    matches!(m.try_get_raw(id), Ok(Some(_))) && m.value_source(id) == Some(ValueSource::CommandLine)
}

/// The matches of the innermost subcommand.
fn leaf(m: &ArgMatches) -> &ArgMatches {
    match m.subcommand() {
        Some((_, sub)) => leaf(sub),
        None => m,
    }
}

/// Loads the project file when `--env`, `-c` or `--var` asks for it, and fills the command's
/// unset flags from the selected environment. Then checks that the URLs a command needs are
/// there (they are optional on the command line, since an environment may supply them).
pub fn resolve(cli: &mut Cli, matches: &ArgMatches) -> Result<Option<Fleet>> {
    let p = cli.project.clone();
    // The language server reads the project file of the workspace the editor opens, not the
    // working directory's: `--env` and `--var` go to it as they are (`commands/lsp.rs`).
    if matches!(cli.command, Command::Lsp(_)) {
        if p.config.is_some() {
            return Err(UsageError(
                "cairn lsp: -c is not taken: the server reads cairn.hcl (else atlas.hcl) at the root of the workspace the editor opens".into(),
            )
            .into());
        }
        return Ok(None);
    }
    // Commands that lint read the project's `lint { }` policy even without `--env` or `-c`:
    // `cairn.hcl`, else `atlas.hcl`, in the working directory.
    let lints = matches!(
        &cli.command,
        Command::Lint(_)
            | Command::Schema(SchemaCommand::Apply(_))
            | Command::Migrate(MigrateCommand::Lint(_))
    );
    let project = if p.env.is_some() || p.config.is_some() || !p.vars.is_empty() || lints {
        let cwd = std::env::current_dir()?;
        let file = project::find(p.config.as_deref(), &cwd)?;
        match file {
            Some(path) => {
                let inputs = Inputs {
                    env: p.env.clone(),
                    vars: p.vars.clone(),
                    host: Some(Host(Arc::new(QueryHost))),
                    instance: p.instance.clone(),
                };
                // Errors name the file as the user would: relative to the working directory.
                let shown = path.strip_prefix(&cwd).unwrap_or(&path);
                let mut loaded = project::load(shown, &inputs)?;
                crate::load::register_sources(&loaded.sources);
                if let Some(f) = loaded.fleet.take() {
                    // Every target is decoded (the project file has no errors): the fleet
                    // runner takes over.
                    return Ok(Some(f));
                }
                Some(loaded)
            }
            None if p.env.is_some() => bail!(
                "--env {}: no project file: neither cairn.hcl nor atlas.hcl is in {} (name one with -c file://PATH)",
                p.env.as_deref().unwrap_or_default(),
                cwd.display()
            ),
            None if !p.vars.is_empty() => bail!(
                "--var needs a project file: neither cairn.hcl nor atlas.hcl is in {}",
                cwd.display()
            ),
            None => None,
        }
    } else {
        None
    };
    let policy = project.as_ref().and_then(lint_policy);
    let env = project.and_then(|p| p.env);
    let m = leaf(matches);
    let e = env.as_ref();
    match &mut cli.command {
        Command::Schema(SchemaCommand::Inspect(a)) => {
            fill(&mut a.url, m, "url", e.and_then(|e| e.url.clone()));
            fill_opt(&mut a.dev_url, m, "dev_url", e.and_then(|e| e.dev.clone()));
            fill_scope(&mut a.scope, m, e);
            a.url = required(env_urls(&a.url, e)?, "--url", "url")?;
            a.dev_url = a.dev_url.as_deref().map(|u| env_urls(u, e)).transpose()?;
        }
        Command::Schema(SchemaCommand::Diff(a)) => {
            fill(&mut a.from, m, "from", e.and_then(|e| e.url.clone()));
            fill(&mut a.to, m, "to", e.map(single_src).transpose()?.flatten());
            fill_opt(&mut a.dev_url, m, "dev_url", e.and_then(|e| e.dev.clone()));
            fill_scope(&mut a.scope, m, e);
            fill_online(&mut a.online, m, e);
            a.from = required(env_urls(&a.from, e)?, "--from", "url")?;
            a.to = required(env_urls(&a.to, e)?, "--to", "src")?;
            a.dev_url = a.dev_url.as_deref().map(|u| env_urls(u, e)).transpose()?;
        }
        Command::Schema(SchemaCommand::Apply(a)) => {
            fill(&mut a.url, m, "url", e.and_then(|e| e.url.clone()));
            fill(&mut a.to, m, "to", e.map(single_src).transpose()?.flatten());
            fill_opt(&mut a.dev_url, m, "dev_url", e.and_then(|e| e.dev.clone()));
            fill_scope(&mut a.scope, m, e);
            fill_online(&mut a.online, m, e);
            if !explicit(m, "concurrent_index")
                && let Some(d) = e.and_then(|e| e.diff.as_ref())
                && (d.concurrent_index_add == Some(true) || d.concurrent_index_drop == Some(true))
            {
                a.concurrent_index = true;
            }
            a.url = required(env_urls(&a.url, e)?, "--url", "url")?;
            a.to = required(env_urls(&a.to, e)?, "--to", "src")?;
            a.dev_url = a.dev_url.as_deref().map(|u| env_urls(u, e)).transpose()?;
            a.policy = policy.map(Box::new);
        }
        Command::Migrate(cmd) => {
            let mig = e.and_then(|e| e.migration.as_ref());
            match cmd {
                MigrateCommand::Hash(d) | MigrateCommand::Validate(d) => fill_dir(d, m, e),
                MigrateCommand::New(a) => fill_dir(&mut a.dir, m, e),
                MigrateCommand::Ls(a) => fill_dir(&mut a.dir, m, e),
                MigrateCommand::Apply(a) => {
                    fill_db(&mut a.db, m, e)?;
                    if let Some(mig) = mig {
                        fill_opt(&mut a.baseline, m, "baseline", mig.baseline.clone());
                        fill(
                            &mut a.lock_timeout,
                            m,
                            "lock_timeout",
                            mig.lock_timeout.clone(),
                        );
                        let order = mig
                            .exec_order
                            .as_deref()
                            .map(|o| o.to_lowercase().replace('_', "-"));
                        fill(&mut a.exec_order, m, "exec_order", order);
                    }
                }
                MigrateCommand::Status(a) => fill_db(&mut a.db, m, e)?,
                // Both directories are named on the command line.
                MigrateCommand::Import(_) => {}
                MigrateCommand::Diff(a) => {
                    fill_dir(&mut a.dir, m, e);
                    fill(&mut a.to, m, "to", e.map(single_src).transpose()?.flatten());
                    fill_opt(&mut a.dev_url, m, "dev_url", e.and_then(|e| e.dev.clone()));
                    fill_scope(&mut a.scope, m, e);
                    fill_online(&mut a.online, m, e);
                    if let Some(mig) = mig {
                        fill(
                            &mut a.lock_timeout,
                            m,
                            "lock_timeout",
                            mig.lock_timeout.clone(),
                        );
                    }
                    a.to = required(env_urls(&a.to, e)?, "--to", "src")?;
                    a.dev_url = a.dev_url.as_deref().map(|u| env_urls(u, e)).transpose()?;
                }
                MigrateCommand::Rebase(a) => fill_dir(&mut a.dir, m, e),
                MigrateCommand::Checkpoint(a) => {
                    fill_dir(&mut a.dir, m, e);
                    fill_opt(&mut a.dev_url, m, "dev_url", e.and_then(|e| e.dev.clone()));
                    a.dev_url = a.dev_url.as_deref().map(|u| env_urls(u, e)).transpose()?;
                }
                MigrateCommand::Down(a) => {
                    fill_db(&mut a.db, m, e)?;
                    fill_opt(&mut a.dev_url, m, "dev_url", e.and_then(|e| e.dev.clone()));
                    a.dev_url = a.dev_url.as_deref().map(|u| env_urls(u, e)).transpose()?;
                    if let Some(mig) = mig {
                        fill(
                            &mut a.lock_timeout,
                            m,
                            "lock_timeout",
                            mig.lock_timeout.clone(),
                        );
                    }
                }
                MigrateCommand::Lint(a) => {
                    fill_dir(&mut a.dir, m, e);
                    fill_opt(&mut a.dev_url, m, "dev_url", e.and_then(|e| e.dev.clone()));
                    a.dev_url = a.dev_url.as_deref().map(|u| env_urls(u, e)).transpose()?;
                    a.policy = policy.map(Box::new);
                }
                MigrateCommand::Set(a) => {
                    fill_db(&mut a.db, m, e)?;
                    if let Some(mig) = mig {
                        fill(
                            &mut a.lock_timeout,
                            m,
                            "lock_timeout",
                            mig.lock_timeout.clone(),
                        );
                    }
                }
            }
        }
        Command::Lint(a) => {
            fill_opt(&mut a.dev_url, m, "dev_url", e.and_then(|e| e.dev.clone()));
            a.dev_url = a.dev_url.as_deref().map(|u| env_urls(u, e)).transpose()?;
            a.policy = policy.map(Box::new);
        }
        // Commands without URLs (fmt, rules, ...) take nothing from the environment yet.
        _ => {}
    }
    Ok(None)
}

/// Runs the queries of `data "sql"` blocks, on a thread of its own (the project file is
/// evaluated before the command's runtime starts, and may be evaluated inside it).
struct QueryHost;

impl DataHost for QueryHost {
    fn query(&self, url: &str, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        let db = match SourceUrl::parse(url).map_err(|e| e.to_string())? {
            SourceUrl::Database(db) => db,
            _ => {
                return Err(format!(
                    "url must be a database URL, not {}",
                    cairn_core::url::redact(url)
                ));
            }
        };
        std::thread::scope(|s| {
            s.spawn(|| run_query(&db, sql))
                .join()
                .unwrap_or_else(|_| Err("the query thread panicked".into()))
        })
    }
}

fn run_query(db: &DbUrl, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let driver = crate::drivers::connect(db, true)
            .await
            .map_err(|e| format!("{e:#}"))?;
        let mut session = driver.session().await.map_err(|e| e.to_string())?;
        let rows = session.query(sql).await.map_err(|e| e.to_string());
        session.close().await;
        driver.close().await;
        rows
    })
}

/// The lint policy of a loaded project: the selected environment's `lint` block (already
/// merged with the global one), else the global block; rule paths relative to the project
/// file's directory. Its warnings (blocks Cairn does not know) are printed here.
fn lint_policy(p: &project::Project) -> Option<LintPolicy> {
    let lint = p
        .env
        .as_ref()
        .and_then(|e| e.lint.as_ref())
        .or(p.lint.as_ref())?;
    let base = match p.file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let policy = LintPolicy::new(lint, &base);
    for w in &policy.warnings {
        eprintln!("warning: {}: {w}", p.file.display());
    }
    Some(policy)
}

/// Sets `slot` from the environment when the flag was not given.
fn fill(slot: &mut String, m: &ArgMatches, id: &str, from_env: Option<String>) {
    if !explicit(m, id)
        && let Some(v) = from_env
    {
        *slot = v;
    }
}

fn fill_opt(slot: &mut Option<String>, m: &ArgMatches, id: &str, from_env: Option<String>) {
    if !explicit(m, id) && from_env.is_some() {
        *slot = from_env;
    }
}

fn fill_scope(scope: &mut ScopeArgs, m: &ArgMatches, e: Option<&Env>) {
    let Some(e) = e else { return };
    if !explicit(m, "schemas") && !e.schemas.is_empty() {
        scope.schemas = e.schemas.clone();
    }
    if !explicit(m, "exclude") && !e.exclude.is_empty() {
        scope.exclude = e.exclude.clone();
    }
    if let Some(skip) = e.diff.as_ref().and_then(|d| d.skip.as_ref()) {
        scope.diff_skip = skip
            .iter()
            .filter(|(_, on)| **on)
            .map(|(k, _)| k.clone())
            .collect();
    }
}

/// `diff { online_constraints = false }` when `--online-constraints` was not given.
fn fill_online(o: &mut OnlineArgs, m: &ArgMatches, e: Option<&Env>) {
    if !explicit(m, "online_constraints")
        && let Some(on) = e.and_then(|e| e.diff.as_ref()?.online_constraints)
    {
        o.online_constraints = on;
    }
}

fn fill_dir(d: &mut DirArgs, m: &ArgMatches, e: Option<&Env>) {
    let Some(mig) = e.and_then(|e| e.migration.as_ref()) else {
        return;
    };
    if explicit(m, "dir") {
        return;
    }
    let Some(dir) = &mig.dir else { return };
    d.dir = match mig.format.as_deref() {
        Some(f) if !f.eq_ignore_ascii_case("atlas") && !dir.contains("format=") => {
            let sep = if dir.contains('?') { '&' } else { '?' };
            format!("{dir}{sep}format={f}")
        }
        _ => dir.clone(),
    };
}

fn fill_db(db: &mut DbArgs, m: &ArgMatches, e: Option<&Env>) -> Result<()> {
    fill(&mut db.url, m, "url", e.and_then(|e| e.url.clone()));
    fill_dir(&mut db.dir, m, e);
    fill_opt(
        &mut db.revisions_schema,
        m,
        "revisions_schema",
        e.and_then(|e| e.migration.as_ref())
            .and_then(|mig| mig.revisions_schema.clone()),
    );
    db.url = required(env_urls(&db.url, e)?, "--url", "url")?;
    Ok(())
}

/// The env's one `src` URL (`--to` takes one).
fn single_src(e: &Env) -> Result<Option<String>> {
    match e.src.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.clone())),
        many => bail!(
            "env {:?} has {} src entries; Cairn takes one (a directory of schema files works: src = \"file://schema/\")",
            e.name,
            many.len()
        ),
    }
}

/// `env://NAME`: the selected environment's attribute NAME.
fn env_urls(u: &str, e: Option<&Env>) -> Result<String> {
    let Some(name) = u.strip_prefix("env://") else {
        return Ok(u.to_string());
    };
    let e = e.ok_or_else(|| {
        anyhow!("{u}: env:// URLs read an attribute of the selected environment; give --env NAME")
    })?;
    e.attribute(name)
        .ok_or_else(|| anyhow!("{u}: env {:?} has no attribute {name:?}", e.name))
}

/// A command-line usage error (exit 2): a URL the command needs is missing.
#[derive(Debug)]
pub struct UsageError(String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A URL the command needs, from the flag or the environment.
fn required(v: String, flag: &str, attr: &str) -> Result<String> {
    if v.is_empty() {
        return Err(UsageError(format!(
            "{flag} is required: give {flag} URL, or --env NAME with an environment that sets `{attr}`"
        ))
        .into());
    }
    Ok(v)
}
