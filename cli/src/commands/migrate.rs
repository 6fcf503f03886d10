//! `cairn migrate hash | validate | new | ls | apply | status | set` (`diff` is in
//! `migrate_diff.rs`): the versioned workflow over
//! an Atlas-format migration directory and Atlas's revisions table.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use cairn_core::migrate::executor::{ApplyReporter, PendingFile};
use cairn_core::migrate::{
    ApplyOptions, ApplyReport, DirError, DirFormat, ExecOrder, LocalDir, MigrationFile, Revision,
    StatusReport, SumError, TxMode, new_version,
};
use cairn_core::{DbUrl, SourceUrl};
use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::Outcome;
use crate::commands::schema_apply::parse_duration;
use crate::render;

#[derive(Subcommand, Debug)]
pub enum MigrateCommand {
    /// Recompute atlas.sum from the migration files.
    #[command(
        after_help = "Examples:\n  cairn migrate hash\n  cairn migrate hash --dir file://db/migrations"
    )]
    Hash(DirArgs),
    /// Check the migration files against atlas.sum; names the first file added, edited or
    /// removed.
    #[command(after_help = "Examples:\n  cairn migrate validate --dir file://migrations")]
    Validate(DirArgs),
    /// Create an empty migration file named by the current UTC time, and re-hash.
    #[command(after_help = "Examples:\n  cairn migrate new add_users")]
    New(NewArgs),
    /// List the migration files.
    #[command(after_help = "Examples:\n  cairn migrate ls\n  cairn migrate ls --short")]
    Ls(LsArgs),
    /// Run the pending migration files (all, or the first N) against a database.
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(MigrateApplyArgs),
    /// Show which files the database has applied and which are pending.
    #[command(after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),
    /// Write the next migration file: the changes from the directory's state to the desired
    /// state (--to), planned as `schema diff` plans; re-hashes atlas.sum.
    #[command(after_help = crate::commands::migrate_diff::DIFF_EXAMPLES)]
    Diff(crate::commands::migrate_diff::MigrateDiffArgs),
    /// Make the revisions table say the database is at VERSION (default: the last file),
    /// without running any SQL.
    #[command(
        after_help = "Examples:\n  cairn migrate set 20240101120000 --url sqlite://app.db\n  cairn migrate set --url 'postgres://localhost/shop?search_path=public'"
    )]
    Set(SetArgs),
    /// Revert the last N applied files (default 1), or every file after --to-version: planned
    /// from the database's actual state to the directory's state at the target version.
    #[command(after_help = crate::commands::migrate_down::DOWN_EXAMPLES)]
    Down(crate::commands::migrate_down::MigrateDownArgs),
    /// Write a checkpoint file: `-- atlas:checkpoint [NAME]` and the directory's whole state as
    /// CREATE statements; new databases start from the latest checkpoint. Re-hashes atlas.sum.
    #[command(after_help = crate::commands::migrate_files::CHECKPOINT_EXAMPLES)]
    Checkpoint(crate::commands::migrate_files::CheckpointArgs),
    /// Move the named files after the latest one (a new version each) and re-hash atlas.sum.
    #[command(after_help = crate::commands::migrate_files::REBASE_EXAMPLES)]
    Rebase(crate::commands::migrate_files::RebaseArgs),
    /// Convert another tool's migration directory (golang-migrate, goose, flyway, dbmate,
    /// liquibase) into an Atlas directory with atlas.sum.
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
    /// Lint the migration directory: atlas.sum checked, then every reported file (all, the
    /// --latest N, or those new against --git-base) from the state before it.
    #[command(after_help = crate::commands::lint::MIGRATE_LINT_EXAMPLES)]
    Lint(crate::commands::lint::MigrateLintArgs),
}

const IMPORT_EXAMPLES: &str = "Examples:
  cairn migrate import --from 'file://db/goose?format=goose' --to file://migrations
  cairn migrate import --from file://sql --dir-format flyway --to file://migrations

Each migration becomes VERSION_NAME.sql holding its up statements only (down sections and files,
flyway undo files and rollback lines are dropped); goose StatementBegin/End blocks stay whole
statements (the file gets `-- atlas:delimiter -- end`), goose NO TRANSACTION, dbmate
transaction:false and liquibase runInTransaction:false become `-- atlas:txmode none`; flyway
baselines replace the versions they cover and repeatables run last. Integer versions of
different widths are zero-padded so that the files sort in order. The target must hold no
migration files.";

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The directory to convert: file://PATH?format=golang-migrate|goose|flyway|dbmate|liquibase.
    #[arg(long = "from", value_name = "URL")]
    pub from: String,
    /// The Atlas directory to write (created when missing).
    #[arg(long = "to", value_name = "URL", default_value = "file://migrations")]
    pub to: String,
    /// The format of --from, when it has no ?format=.
    #[arg(long = "dir-format", value_name = "FORMAT")]
    pub dir_format: Option<String>,
}

const APPLY_EXAMPLES: &str = "Examples:
  cairn migrate apply --url sqlite://app.db
  cairn migrate apply 1 --url 'postgres://localhost/shop?search_path=public' --dir file://migrations
  cairn migrate apply --url mysql://root@localhost/shop --dry-run
  cairn migrate apply --url postgres://localhost/shop --baseline 20240101120000
  cairn migrate apply --url sqlite://app.db --to-version 20240201000000 --format json

Files run in version order under the lock atlas_migrate_execute; the revisions table
(atlas_schema_revisions) is written after every statement, so a failed run resumes where it
stopped. --tx-mode file (default) runs each file in a transaction; a file's
`-- atlas:txmode none` directive opts it out.";

const STATUS_EXAMPLES: &str = "Examples:
  cairn migrate status --url sqlite://app.db
  cairn migrate status --url 'postgres://localhost/shop?search_path=public' --format json
  cairn migrate status --url mysql://root@localhost/shop --check   # exit 3 when files are pending";

#[derive(Args, Debug, Clone)]
pub struct DirArgs {
    /// The migration directory: file://PATH, optionally with ?format=atlas|golang-migrate|goose|
    /// flyway|dbmate|liquibase.
    #[arg(long = "dir", value_name = "URL", default_value = "file://migrations")]
    pub dir: String,
    /// The directory's format, when --dir has no ?format=: atlas (default), golang-migrate,
    /// goose, flyway, dbmate or liquibase.
    #[arg(long = "dir-format", value_name = "FORMAT")]
    pub dir_format: Option<String>,
}

impl DirArgs {
    /// `--dir` with `--dir-format` folded in as `?format=`.
    pub fn url(&self) -> String {
        match self.dir_format.as_deref() {
            Some(f) if !self.dir.contains("format=") => {
                let sep = if self.dir.contains('?') { '&' } else { '?' };
                format!("{}{sep}format={f}", self.dir)
            }
            _ => self.dir.clone(),
        }
    }
}

#[derive(Args, Debug)]
pub struct NewArgs {
    /// The file's description: VERSION_NAME.sql.
    pub name: Option<String>,
    #[command(flatten)]
    pub dir: DirArgs,
}

#[derive(Args, Debug)]
pub struct LsArgs {
    #[command(flatten)]
    pub dir: DirArgs,
    /// Print versions only.
    #[arg(long)]
    pub short: bool,
}

/// Options of the commands that read the revisions table.
#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// The database (sqlite://, postgres://, mysql://, maria://).
    #[arg(
        short = 'u',
        long = "url",
        value_name = "URL",
        default_value = "",
        hide_default_value = true
    )]
    pub url: String,
    #[command(flatten)]
    pub dir: DirArgs,
    /// The schema of the revisions table (default: the URL's schema, or atlas_schema_revisions
    /// for a database-scoped URL).
    #[arg(long = "revisions-schema", value_name = "NAME")]
    pub revisions_schema: Option<String>,
}

#[derive(Args, Debug)]
pub struct MigrateApplyArgs {
    /// Run at most this many pending files (default: all).
    pub amount: Option<usize>,
    #[command(flatten)]
    pub db: DbArgs,
    /// Print the statements that would run and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// How long to wait for another deployment's lock, e.g. 10s, 1m.
    #[arg(long = "lock-timeout", value_name = "DURATION", default_value = "10s")]
    pub lock_timeout: String,
    /// On a database without revisions: record VERSION as applied (baseline) and run the files
    /// after it.
    #[arg(long, value_name = "VERSION")]
    pub baseline: Option<String>,
    /// Run on a database without revisions that is not clean.
    #[arg(long)]
    pub allow_dirty: bool,
    /// file: a transaction per file (default); all: one for the run; none: no transactions.
    #[arg(
        long = "tx-mode",
        value_name = "MODE",
        default_value = "file",
        value_parser = ["file", "all", "none"]
    )]
    pub tx_mode: String,
    /// linear (default): a file older than the last applied one is an error; linear-skip: skip
    /// it; non-linear: run it first.
    #[arg(
        long = "exec-order",
        value_name = "ORDER",
        default_value = "linear",
        value_parser = ["linear", "linear-skip", "non-linear"]
    )]
    pub exec_order: String,
    /// Run the pending files up to and including this version.
    #[arg(long = "to-version", value_name = "VERSION")]
    pub to_version: Option<String>,
    /// Output: human (default) or json.
    #[arg(long = "format", value_name = "FORMAT", default_value = "human")]
    pub format: String,
}

#[derive(Args, Debug)]
pub struct StatusArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Output: human (default) or json.
    #[arg(long = "format", value_name = "FORMAT", default_value = "human")]
    pub format: String,
    /// Exit 3 when files are pending.
    #[arg(long)]
    pub check: bool,
}

#[derive(Args, Debug)]
pub struct SetArgs {
    /// The version the database is at (default: the last file's).
    pub version: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
    #[arg(long = "lock-timeout", value_name = "DURATION", default_value = "10s")]
    pub lock_timeout: String,
}

pub async fn run(cmd: MigrateCommand) -> Result<Outcome> {
    match cmd {
        MigrateCommand::Hash(a) => {
            let dir = open_dir(&a.url(), false)?;
            dir.write_sum()?;
            Ok(Outcome::Success)
        }
        MigrateCommand::Validate(a) => {
            let dir = open_dir(&a.url(), false)?;
            validated(&dir)?;
            Ok(Outcome::Success)
        }
        MigrateCommand::New(a) => new(a),
        MigrateCommand::Ls(a) => {
            let dir = open_dir(&a.dir.url(), false)?;
            for f in dir.files()? {
                println!("{}", if a.short { f.version() } else { &f.name });
            }
            Ok(Outcome::Success)
        }
        MigrateCommand::Apply(a) => apply(a).await,
        MigrateCommand::Status(a) => status(a).await,
        MigrateCommand::Set(a) => set(a).await,
        MigrateCommand::Diff(a) => crate::commands::migrate_diff::run(a).await,
        MigrateCommand::Down(a) => crate::commands::migrate_down::run(a).await,
        MigrateCommand::Checkpoint(a) => crate::commands::migrate_files::checkpoint(a).await,
        MigrateCommand::Rebase(a) => crate::commands::migrate_files::rebase(a),
        MigrateCommand::Import(a) => import(a),
        MigrateCommand::Lint(a) => crate::commands::lint::run_migrate(a).await,
    }
}

fn import(a: ImportArgs) -> Result<Outcome> {
    let from_url = DirArgs {
        dir: a.from.clone(),
        dir_format: a.dir_format.clone(),
    }
    .url();
    let from = open_dir(&from_url, false)?;
    if from.format == DirFormat::Atlas {
        bail!(
            "--from names an Atlas directory: give its format, e.g. --from 'file://{}?format=goose' (golang-migrate, goose, flyway, dbmate or liquibase)",
            from.root.display()
        );
    }
    let raw = from.raw_files()?;
    if raw.is_empty() {
        bail!(
            "{}: no {} migration files found",
            from.root.display(),
            from.format.as_str()
        );
    }
    let files = match from.format {
        DirFormat::Flyway => cairn_core::migrate::formats::flyway(&raw, true)?,
        f => cairn_core::migrate::formats::padded(cairn_core::migrate::formats::to_atlas(f, &raw)?),
    };
    let to = open_dir(&a.to, true)?;
    atlas_only(&to, "migrate import")?;
    if !to.raw_files()?.is_empty() {
        bail!(
            "{}: the target directory already holds migration files; import into an empty directory",
            to.root.display()
        );
    }
    for f in &files {
        let path = to.root.join(&f.name);
        std::fs::write(&path, &f.bytes).with_context(|| format!("{}", path.display()))?;
        println!("{}", path.display());
    }
    to.write_sum()?;
    eprintln!(
        "-- imported {} {} migration{} into {} (atlas.sum written)",
        files.len(),
        from.format.as_str(),
        plural(files.len()),
        to.root.display()
    );
    Ok(Outcome::Success)
}

/// Opens the directory a `--dir` URL names.
pub(crate) fn open_dir(url: &str, create: bool) -> Result<LocalDir> {
    let Some(rest) = url.strip_prefix("file://") else {
        bail!("--dir must be a file:// URL, e.g. file://migrations (got {url:?})");
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        bail!("--dir file:// needs a path: file://migrations");
    }
    let mut format = DirFormat::Atlas;
    for kv in query.split('&').filter(|kv| !kv.is_empty()) {
        match kv.split_once('=') {
            Some(("format", f)) => {
                format = DirFormat::parse(f).with_context(|| {
                    format!("unknown directory format {f:?}: expected atlas, golang-migrate, goose, flyway, dbmate or liquibase")
                })?;
            }
            _ => bail!("unknown --dir parameter {kv:?}: only format= is understood"),
        }
    }
    LocalDir::open(path, format, create).map_err(|e| match e {
        DirError::NotADirectory(p) => anyhow::anyhow!(
            "{}: no such migration directory (create one with `cairn migrate new`)",
            p.display()
        ),
        other => other.into(),
    })
}

/// Refuses to write Atlas files into another tool's directory.
pub(crate) fn atlas_only(dir: &LocalDir, command: &str) -> Result<()> {
    if dir.format != DirFormat::Atlas {
        bail!(
            "{command} writes Atlas-format files and {} is a {} directory: convert it first with `cairn migrate import --from 'file://{}?format={}' --to file://migrations`",
            dir.root.display(),
            dir.format.as_str(),
            dir.root.display(),
            dir.format.as_str()
        );
    }
    Ok(())
}

/// The directory's files, checked against atlas.sum; a mismatch names the file.
pub(crate) fn validated(dir: &LocalDir) -> Result<Vec<MigrationFile>> {
    match dir.validate() {
        Ok(files) => Ok(files),
        Err(DirError::Sum(e @ SumError::Mismatch { .. })) => {
            bail!("{}: {e}", dir.root.display())
        }
        Err(e) => Err(e.into()),
    }
}

fn new(a: NewArgs) -> Result<Outcome> {
    let dir = open_dir(&a.dir.url(), true)?;
    atlas_only(&dir, "migrate new")?;
    if !dir.files()?.is_empty() {
        validated(&dir)?;
    }
    let version = new_version(std::time::SystemTime::now());
    let name = match a.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => {
            if n.contains(['/', '\\']) {
                bail!("a migration name cannot contain a path separator: {n:?}");
            }
            format!("{version}_{n}.sql")
        }
        None => format!("{version}.sql"),
    };
    let path = dir.add_file(&name, "")?;
    println!("{}", path.display());
    Ok(Outcome::Success)
}

fn db_url(url: &str) -> Result<DbUrl> {
    match SourceUrl::parse(url)? {
        SourceUrl::Database(db) => Ok(db),
        _ => bail!(
            "--url must name a database (sqlite://, postgres://, mysql://, maria://), not {}",
            cairn_core::url::redact(url)
        ),
    }
}

fn json_format(format: &str, command: &str) -> Result<bool> {
    match format.trim() {
        "human" | "" => Ok(false),
        "json" | "{{ json . }}" => Ok(true),
        other => bail!("unknown --format {other:?} for {command}: expected human or json"),
    }
}

/// Progress on stderr: a bar on a terminal for many files, otherwise one line per file.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    quiet: bool,
}

/// Directories with at least this many pending files get a progress bar on a terminal.
const BAR_THRESHOLD: usize = 10;

impl ApplyReporter for Progress {
    fn planned(&self, files: &[PendingFile]) {
        if let Some(bar) = &self.bar {
            bar.set_length(files.len() as u64);
        }
    }

    fn file_started(&self, f: &PendingFile) {
        if let Some(bar) = &self.bar {
            bar.set_message(f.name().to_string());
        }
    }

    fn file_finished(&self, f: &PendingFile, elapsed: Duration, error: Option<&str>) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if error.is_some() {
                bar.abandon();
            }
            return;
        }
        if self.quiet {
            return;
        }
        let n = f.statements.len() - f.from;
        let resumed = if f.from > 0 {
            format!(", resumed at statement {}", f.from + 1)
        } else {
            String::new()
        };
        match error {
            None => eprintln!(
                "-- migrating version {} ({}): ok, {n} statement{}{resumed} ({elapsed:.1?})",
                f.version(),
                f.name(),
                plural(n)
            ),
            Some(_) => eprintln!(
                "-- migrating version {} ({}): failed{resumed}",
                f.version(),
                f.name()
            ),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

async fn apply(a: MigrateApplyArgs) -> Result<Outcome> {
    let json = json_format(&a.format, "migrate apply")?;
    let tx_mode = TxMode::parse(&a.tx_mode).with_context(|| {
        format!(
            "unknown --tx-mode {:?}: expected file, all or none",
            a.tx_mode
        )
    })?;
    let exec_order = ExecOrder::parse(&a.exec_order).with_context(|| {
        format!(
            "unknown --exec-order {:?}: expected linear, linear-skip or non-linear",
            a.exec_order
        )
    })?;
    if a.baseline.is_some() && a.allow_dirty {
        bail!("--baseline and --allow-dirty are mutually exclusive");
    }
    let lock_timeout = parse_duration(&a.lock_timeout)?;
    let target = db_url(&a.db.url)?;
    let dir = open_dir(&a.db.dir.url(), false)?;
    let files = validated(&dir)?;
    let opts = ApplyOptions {
        tx_mode,
        exec_order,
        baseline: a.baseline.clone(),
        allow_dirty: a.allow_dirty,
        dry_run: a.dry_run,
        amount: a.amount.unwrap_or(0),
        to_version: a.to_version.clone(),
        lock_timeout,
        revisions_schema: a.db.revisions_schema.clone(),
    };
    let terminal = std::io::stderr().is_terminal();
    let bar = (terminal && !json && !a.dry_run && files.len() >= BAR_THRESHOLD).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} files {elapsed_precise} {msg}",
        ) {
            bar.set_style(style);
        }
        bar
    });
    let progress = Progress {
        bar,
        quiet: json || a.dry_run,
    };
    let driver = crate::drivers::connect(&target, a.dry_run).await?;
    let result = tokio::select! {
        r = cairn_core::migrate::apply(driver.as_ref(), &files, &opts, &progress) => r,
        _ = tokio::signal::ctrl_c() => {
            driver.close().await;
            bail!("interrupted: the revisions table records every statement that completed; run `cairn migrate status` and apply again to resume");
        }
    };
    driver.close().await;
    if let Some(bar) = &progress.bar {
        bar.finish_and_clear();
    }
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            if json {
                println!(
                    "{}",
                    json!({"Dir": a.db.dir.dir, "URL": target.redacted(), "Error": cairn_core::url::redact(&e.to_string())})
                );
            }
            return Err(e.into());
        }
    };
    if let (Some(note), false) = (&report.in_doubt, json) {
        eprintln!("-- {note}");
    }
    if json {
        println!("{}", apply_json(&report, &a.db.dir.dir, &target));
    } else {
        print_apply(&report);
    }
    match &report.error {
        None => Ok(Outcome::Success),
        Some(e) => {
            eprintln!(
                "{} {}",
                render::style::error_label(),
                cairn_core::url::redact(e)
            );
            if report.run_rolled_back {
                eprintln!(
                    "  the run's transaction (--tx-mode all) was rolled back: nothing was applied or recorded"
                );
            } else if report.rolled_back {
                eprintln!(
                    "  the file's transaction was rolled back; the revisions table records the error (see `cairn migrate status`)"
                );
            } else {
                eprintln!(
                    "  statements before it stay applied and are recorded; fix the file and apply again to resume"
                );
            }
            Ok(Outcome::Failed)
        }
    }
}

fn print_apply(r: &ApplyReport) {
    if r.dry_run {
        if r.applied.is_empty() {
            println!("No migration files to execute");
        }
        for f in &r.applied {
            println!("-- migrating version {} ({})", f.version, f.name);
            for s in &f.statements {
                println!("{s}");
            }
        }
        return;
    }
    if let Some(b) = &r.baseline {
        eprintln!("-- baseline: version {b} recorded as applied");
    }
    if r.pending.is_empty() {
        println!("No migration files to execute");
        return;
    }
    let ok = r.applied.iter().filter(|f| f.error.is_none()).count();
    // Statements of a file its transaction rolled back do not count.
    let stmts: usize = r
        .applied
        .iter()
        .filter(|f| !(r.rolled_back && f.error.is_some()))
        .map(|f| f.statements.len())
        .sum();
    let elapsed: Duration = r.applied.iter().map(|f| f.elapsed).sum();
    if r.error.is_none() {
        println!(
            "Migrated to version {}{} ({ok} migration{}, {stmts} statement{}, {elapsed:.1?})",
            r.current.as_deref().unwrap_or("-"),
            r.from_version
                .as_deref()
                .map(|v| format!(" from {v}"))
                .unwrap_or_default(),
            plural(ok),
            plural(stmts)
        );
    } else if r.run_rolled_back {
        println!(
            "Migration failed at version {}; the run was rolled back",
            r.applied.last().map_or("-", |f| f.version.as_str()),
        );
    } else {
        println!(
            "Migration failed at version {} after {ok} migration{} and {stmts} statement{}",
            r.applied.last().map_or("-", |f| f.version.as_str()),
            plural(ok),
            plural(stmts)
        );
    }
}

fn file_json(f: &MigrationFile) -> Value {
    json!({"Name": f.name, "Version": f.version(), "Description": f.description()})
}

fn apply_json(r: &ApplyReport, dir: &str, url: &DbUrl) -> Value {
    json!({
        "Dir": dir,
        "URL": url.redacted(),
        "Pending": r.pending.iter().map(|p| file_json(&p.file)).collect::<Vec<_>>(),
        "Applied": r.applied.iter().map(|f| {
            let mut v = json!({
                "Name": f.name, "Version": f.version, "Description": f.description,
                "Applied": f.statements, "ExecutionTime": f.elapsed.as_nanos() as u64,
            });
            if let Some((stmt, text)) = &f.error {
                v["Error"] = json!({"Stmt": stmt, "Text": text});
            }
            v
        }).collect::<Vec<_>>(),
        "Current": r.from_version.clone().unwrap_or_default(),
        "Target": r.current.clone().unwrap_or_default(),
        "Baseline": r.baseline,
        "DryRun": r.dry_run,
        "InDoubt": r.in_doubt,
        "Error": r.error.clone().unwrap_or_default(),
    })
}

async fn status(a: StatusArgs) -> Result<Outcome> {
    let json = json_format(&a.format, "migrate status")?;
    let target = db_url(&a.db.url)?;
    let dir = open_dir(&a.db.dir.url(), false)?;
    let files = validated(&dir)?;
    // Reading status never creates anything (a missing SQLite file counts as empty).
    let driver = crate::drivers::connect(&target, true).await?;
    let r = cairn_core::migrate::status(driver.as_ref(), &files, a.db.revisions_schema.as_deref())
        .await;
    driver.close().await;
    let r = r?;
    let pending = !r.pending.is_empty() || r.partial.is_some();
    if json {
        println!("{}", status_json(&r));
    } else {
        print!("{}", status_text(&r));
    }
    Ok(if a.check && pending {
        Outcome::Pending
    } else {
        Outcome::Success
    })
}

fn revision_json(r: &Revision) -> Value {
    json!({
        "Version": r.version,
        "Description": r.description,
        "Type": r.kind,
        "Applied": r.applied,
        "Total": r.total,
        "ExecutedAt": r.executed_at,
        "ExecutionTime": r.execution_time,
        "Error": r.error,
        "ErrorStmt": r.error_stmt,
        "Hash": r.hash,
        "PartialHashes": r.partial_hashes,
        "OperatorVersion": r.operator_version,
    })
}

fn status_json(r: &StatusReport) -> Value {
    let pending = !r.pending.is_empty() || r.partial.is_some();
    let last_error = r.last_error();
    json!({
        "Available": r.files.iter().map(file_json).collect::<Vec<_>>(),
        "OutOfOrder": r.files.iter().filter(|f| r.out_of_order.contains(&f.name)).map(file_json).collect::<Vec<_>>(),
        "Pending": r.pending.iter().map(file_json).collect::<Vec<_>>(),
        "Applied": r.revisions.iter().map(revision_json).collect::<Vec<_>>(),
        "Current": r.current().unwrap_or(""),
        "Next": r.next().unwrap_or(""),
        "Count": r.revisions.iter().filter(|x| !x.is_baseline()).count(),
        "Total": r.files.len(),
        "Status": if pending { "PENDING" } else { "OK" },
        "Error": last_error.and_then(|x| x.error.clone()).unwrap_or_default(),
        "SQL": last_error.and_then(|x| x.error_stmt.clone()).unwrap_or_default(),
    })
}

fn status_text(r: &StatusReport) -> String {
    let pending = !r.pending.is_empty() || r.partial.is_some();
    let mut out = format!(
        "Migration Status: {}\n",
        if pending { "PENDING" } else { "OK" }
    );
    let current = match (r.current(), &r.partial) {
        (None, _) => "No migration applied yet".to_string(),
        (Some(v), Some(p)) => format!("{v} ({} statements applied)", p.applied),
        (Some(v), None) => v.to_string(),
    };
    let next = match (&r.partial, r.next()) {
        (Some(p), _) => format!(
            "{} ({} statements left)",
            p.version,
            p.total.saturating_sub(p.applied)
        ),
        (None, Some(v)) => v.to_string(),
        (None, None) => "Already at latest version".to_string(),
    };
    let executed = r.revisions.iter().filter(|x| !x.is_baseline()).count();
    out.push_str(&format!("  -- Current Version: {current}\n"));
    out.push_str(&format!("  -- Next Version:    {next}\n"));
    out.push_str(&format!(
        "  -- Executed Files:  {executed}{}\n",
        if r.partial.is_some() {
            " (last one partially)"
        } else {
            ""
        }
    ));
    let pending_files = r.pending.len();
    out.push_str(&format!(
        "  -- Pending Files:   {pending_files}{}\n",
        if r.out_of_order.is_empty() {
            String::new()
        } else {
            format!(" ({} out of order)", r.out_of_order.len())
        }
    ));
    if let Some(e) = r.last_error() {
        out.push_str("\nLast migration attempt had errors:\n");
        if let Some(sql) = &e.error_stmt {
            out.push_str(&format!("  -- SQL:   {sql}\n"));
        }
        if let Some(msg) = &e.error {
            out.push_str(&format!("  -- ERROR: {}\n", cairn_core::url::redact(msg)));
        }
    }
    if let Some(p) = r.partial.as_ref().filter(|p| p.error.is_none()) {
        out.push_str(&format!(
            "\nThe last run stopped during version {}: statement {} is in doubt; `migrate apply` checks it against the schema before running it again\n",
            p.version,
            p.applied + 1
        ));
    }
    out
}

async fn set(a: SetArgs) -> Result<Outcome> {
    let target = db_url(&a.db.url)?;
    let dir = open_dir(&a.db.dir.url(), false)?;
    let files = validated(&dir)?;
    let lock_timeout = parse_duration(&a.lock_timeout)?;
    let driver = crate::drivers::connect(&target, false).await?;
    let r = cairn_core::migrate::set_version(
        driver.as_ref(),
        &files,
        a.version.as_deref(),
        a.db.revisions_schema.as_deref(),
        lock_timeout,
    )
    .await;
    driver.close().await;
    let changes = r?;
    if changes.is_empty() {
        println!("The revisions table already matches; nothing to set");
    }
    for c in changes {
        println!("{c}");
    }
    Ok(Outcome::Success)
}
