//! The versioned executor: which files are pending on a database (reference/atlas.md §4.4), and
//! running them under Atlas's lock with the revisions table kept truthful after every statement.
//!
//! - No revisions: the database must be clean (the revisions table aside) unless `--baseline V`
//!   (a baseline row for V; files after it are pending) or `--allow-dirty`. A clean database
//!   starts at the last checkpoint file, if any.
//! - A partially applied last revision resumes its file at statement `applied`, after checking
//!   the partial hashes of the statements already applied.
//! - Files older than the last revision that the table lacks are out of order: an error under
//!   `linear`, ignored under `linear-skip`, run first under `non-linear`.
//! - Transactions: `file` (one per file, revision writes inside it), `all` (one for the run),
//!   `none`; a file's `-- atlas:txmode none|file` overrides `file` and `none`.

use std::time::{Duration, Instant};

use cairn_ir::{Dialect, Realm};
use cairn_syntax::sql::SplitOptions;
use thiserror::Error;

use super::dir::{DirError, MigrationFile};
use super::in_doubt;
use super::revisions::{
    Revision, RevisionTable, TYPE_BASELINE, TYPE_EXECUTE, TYPE_RESOLVED, statement_hashes,
};
use super::sum::HashFile;
use crate::driver::{APPLY_LOCK, DeployLock, Driver, Session};
use crate::error::EngineError;
use crate::scope::InspectOptions;

/// `--tx-mode`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TxMode {
    #[default]
    File,
    All,
    None,
}

impl TxMode {
    pub fn parse(s: &str) -> Option<TxMode> {
        Some(match s {
            "file" => TxMode::File,
            "all" => TxMode::All,
            "none" => TxMode::None,
            _ => return None,
        })
    }
}

/// `--exec-order`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ExecOrder {
    #[default]
    Linear,
    LinearSkip,
    NonLinear,
}

impl ExecOrder {
    pub fn parse(s: &str) -> Option<ExecOrder> {
        Some(match s {
            "linear" => ExecOrder::Linear,
            "linear-skip" => ExecOrder::LinearSkip,
            "non-linear" => ExecOrder::NonLinear,
            _ => return None,
        })
    }
}

/// What `migrate apply` was asked to do.
#[derive(Clone, Debug)]
pub struct ApplyOptions {
    pub tx_mode: TxMode,
    pub exec_order: ExecOrder,
    pub baseline: Option<String>,
    pub allow_dirty: bool,
    pub dry_run: bool,
    /// Run at most this many files (0: all).
    pub amount: usize,
    pub to_version: Option<String>,
    pub lock_timeout: Duration,
    pub revisions_schema: Option<String>,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            tx_mode: TxMode::File,
            exec_order: ExecOrder::Linear,
            baseline: None,
            allow_dirty: false,
            dry_run: false,
            amount: 0,
            to_version: None,
            lock_timeout: Duration::from_secs(10),
            revisions_schema: None,
        }
    }
}

/// Why the versioned workflow stopped.
#[derive(Debug, Error)]
pub enum MigrateError {
    #[error("{0}")]
    Dir(#[from] DirError),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(
        "connected database is not clean: {0}; a baseline version (--baseline VERSION) or --allow-dirty is required"
    )]
    Dirty(String),
    #[error(
        "migration file {0} was added out of order: its version is older than the last applied one; rename it to run last (or pass --exec-order linear-skip or non-linear)"
    )]
    OutOfOrder(String),
    #[error(
        "the database has a partially applied revision {0}, but its migration file is missing from the directory"
    )]
    MissingFile(String),
    #[error(
        "{file}: statement {index} was changed after it was applied (its partial hash no longer matches the revisions table)"
    )]
    HistoryChanged { file: String, index: usize },
    #[error("{file}: {message}")]
    File { file: String, message: String },
    #[error(
        "{file}: statement {index} was interrupted while it ran (the revisions table records the statements before it, and no error), and whether it took effect cannot be told: {reason}\n  statement: {statement}\n  check the database: run the statement by hand if it did not take effect, then the statements after it, and record the file with `cairn migrate set {version}`"
    )]
    InDoubt {
        file: String,
        version: String,
        index: usize,
        statement: String,
        reason: String,
    },
    #[error("{0}")]
    Usage(String),
}

/// A file to run, split into statements.
#[derive(Clone, Debug)]
pub struct PendingFile {
    pub file: MigrationFile,
    /// The statements, as the revisions table counts and hashes them.
    pub statements: Vec<String>,
    /// The first statement to run (non-zero when resuming a partial revision).
    pub from: usize,
    /// Whether the file runs in a transaction of its own.
    pub transactional: bool,
}

impl PendingFile {
    pub fn name(&self) -> &str {
        &self.file.name
    }
    pub fn version(&self) -> &str {
        self.file.version()
    }
}

/// Which files are pending, before they are split.
#[derive(Clone, Debug, Default)]
pub struct Pending {
    /// In execution order.
    pub files: Vec<MigrationFile>,
    /// The version resumed and the statement it resumes at.
    pub resume: Option<(String, usize)>,
    /// `--baseline`: the file whose baseline row is to be written.
    pub baseline: Option<MigrationFile>,
    /// Out-of-order files (names), whatever the exec order does with them.
    pub out_of_order: Vec<String>,
    /// No revisions and no baseline/allow-dirty: the database must be checked for cleanliness.
    pub needs_clean_check: bool,
    /// The resumed file's statement in doubt (the one the interrupted run had started) took
    /// effect: the resume point is past it.
    pub in_doubt_applied: bool,
}

/// The files pending on a database with these revisions (reference/atlas.md §4.4, steps 2-4).
pub fn compute_pending(
    files: &[MigrationFile],
    revisions: &[Revision],
    baseline: Option<&str>,
    allow_dirty: bool,
    order: ExecOrder,
) -> Result<Pending, MigrateError> {
    let mut out = Pending::default();
    let after = |v: &str| -> Vec<MigrationFile> {
        files
            .iter()
            .filter(|f| f.version().as_bytes() > v.as_bytes() && !f.is_checkpoint())
            .cloned()
            .collect()
    };
    let Some(last) = revisions.last() else {
        if baseline.is_some() && allow_dirty {
            return Err(MigrateError::Usage(
                "--baseline and --allow-dirty are mutually exclusive".into(),
            ));
        }
        if let Some(b) = baseline {
            let Some(f) = files.iter().find(|f| f.version() == b) else {
                return Err(MigrateError::Usage(format!(
                    "baseline version {b:?} is not a file of the migration directory"
                )));
            };
            out.baseline = Some(f.clone());
            out.files = after(b);
            return Ok(out);
        }
        out.needs_clean_check = !allow_dirty;
        // A new database starts at the last checkpoint, when there is one.
        match files.iter().rposition(MigrationFile::is_checkpoint) {
            Some(i) => {
                out.files.push(files[i].clone());
                out.files.extend(
                    files[i + 1..]
                        .iter()
                        .filter(|f| !f.is_checkpoint())
                        .cloned(),
                );
            }
            None => out.files = files.to_vec(),
        }
        return Ok(out);
    };
    if baseline.is_some() {
        return Err(MigrateError::Usage(format!(
            "--baseline applies only to a database without revisions; this one is at version {}",
            last.version
        )));
    }
    if last.is_partial() && !last.is_baseline() {
        let Some(f) = files.iter().find(|f| f.version() == last.version) else {
            return Err(MigrateError::MissingFile(last.version.clone()));
        };
        out.resume = Some((last.version.clone(), last.applied as usize));
        out.files.push(f.clone());
    }
    out.files.extend(after(&last.version));
    let first = &revisions[0].version;
    let ooo: Vec<MigrationFile> = files
        .iter()
        .filter(|f| {
            let v = f.version().as_bytes();
            v > first.as_bytes()
                && v < last.version.as_bytes()
                && !f.is_checkpoint()
                && !revisions.iter().any(|r| r.version == f.version())
        })
        .cloned()
        .collect();
    out.out_of_order = ooo.iter().map(|f| f.name.clone()).collect();
    match order {
        ExecOrder::Linear => {
            if let Some(f) = ooo.first() {
                return Err(MigrateError::OutOfOrder(f.name.clone()));
            }
        }
        ExecOrder::LinearSkip => {}
        ExecOrder::NonLinear => {
            let mut files = ooo;
            files.append(&mut out.files);
            out.files = files;
        }
    }
    Ok(out)
}

/// Keeps the files up to `to_version` (which must be a file's version), then the first `amount`.
pub fn limit_pending(
    all_files: &[MigrationFile],
    pending: &mut Vec<MigrationFile>,
    amount: usize,
    to_version: Option<&str>,
) -> Result<(), MigrateError> {
    if let Some(v) = to_version {
        if !all_files.iter().any(|f| f.version() == v) {
            return Err(MigrateError::Usage(format!(
                "--to-version {v:?} is not a file of the migration directory"
            )));
        }
        pending.retain(|f| f.version().as_bytes() <= v.as_bytes());
    }
    if amount > 0 {
        pending.truncate(amount);
    }
    Ok(())
}

/// Why a clean check failed: the first object found, or `None` when the database is clean.
/// The revisions table (and its schema) are never inspected, so they never count.
pub fn dirty_reason(realm: &Realm, database_scope: bool) -> Option<String> {
    for s in &realm.schemas {
        if let Some(t) = s.tables.first() {
            return Some(if database_scope {
                format!("found table \"{}.{}\"", s.name, t.name)
            } else {
                format!("found table \"{}\"", t.name)
            });
        }
        if !s.is_empty() {
            return Some(format!("found objects in schema \"{}\"", s.name));
        }
        if database_scope && Some(s.name.as_str()) != realm.dialect.default_schema() {
            return Some(format!("found schema \"{}\"", s.name));
        }
    }
    None
}

/// The splitter options of a dialect.
pub fn split_options(d: Dialect) -> SplitOptions {
    match d {
        Dialect::Postgres => SplitOptions::postgres(),
        Dialect::Mysql(_) => SplitOptions::mysql(),
        Dialect::Sqlite => SplitOptions::sqlite(),
    }
}

/// Splits a file into the statements the revisions table counts, and reads its `txmode`.
pub fn prepare(
    f: &MigrationFile,
    dialect: Dialect,
    mode: TxMode,
    from: usize,
) -> Result<PendingFile, MigrateError> {
    let fail = |message: String| MigrateError::File {
        file: f.name.clone(),
        message,
    };
    let split = f.split(split_options(dialect));
    if let Some(d) = split
        .diagnostics
        .iter()
        .find(|d| d.severity == cairn_syntax::Severity::Error)
    {
        return Err(fail(d.message.clone()));
    }
    let txmodes: Vec<_> = split
        .file_directives
        .iter()
        .filter(|d| d.name == "txmode")
        .collect();
    if txmodes.len() > 1 {
        return Err(fail("more than one txmode directive".into()));
    }
    let directive = match txmodes.first().map(|d| d.args.trim()) {
        None => None,
        Some("none") => Some(false),
        Some("file") => Some(true),
        Some(other) => {
            return Err(fail(format!(
                "unknown txmode {other:?}: a file's txmode is none or file"
            )));
        }
    };
    let transactional = match (mode, directive) {
        (TxMode::All, Some(_)) => {
            return Err(fail(
                "a txmode directive cannot be combined with --tx-mode all".into(),
            ));
        }
        (TxMode::All, None) => false,
        (_, Some(t)) => t,
        (m, None) => m == TxMode::File,
    };
    let statements: Vec<String> = split.statements.into_iter().map(|s| s.text).collect();
    if from > statements.len() {
        return Err(fail(format!(
            "the revisions table records {from} applied statements, but the file has {}",
            statements.len()
        )));
    }
    Ok(PendingFile {
        file: f.clone(),
        statements,
        from,
        transactional,
    })
}

/// One pre-migration check: a statement of a txtar file's `checks.sql` (or `checks/*.sql`)
/// member that must return true.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The member it is in (`checks.sql`).
    pub member: String,
    pub sql: String,
    /// 1-based position in the file.
    pub line: usize,
    pub column: usize,
    /// The member says `-- atlas:assert oneof`: one true check of the member is enough.
    pub oneof: bool,
    /// The other checks of a `oneof` member (this one included), in order.
    pub group: Vec<String>,
}

/// The pre-migration checks of a file, in order (a `oneof` member is one entry).
pub fn checks(f: &MigrationFile, dialect: Dialect) -> Result<Vec<Check>, MigrateError> {
    let text = f.text();
    let mut out = Vec::new();
    for (member, body, offset) in f.checks() {
        let mut split = cairn_syntax::sql::split(&body, split_options(dialect));
        if let Some(d) = split
            .diagnostics
            .iter()
            .find(|d| d.severity == cairn_syntax::Severity::Error)
        {
            return Err(MigrateError::File {
                file: f.name.clone(),
                message: format!("{member}: {}", d.message),
            });
        }
        split.shift(offset as u32);
        let oneof = split
            .file_directives
            .iter()
            .chain(split.statements.iter().flat_map(|s| s.directives.iter()))
            .any(|d| d.name == "assert" && d.args.split_whitespace().any(|a| a == "oneof"));
        let group: Vec<String> = split.statements.iter().map(|s| s.text.clone()).collect();
        for s in &split.statements {
            let before = &text[..(s.span.start as usize).min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            out.push(Check {
                member: member.clone(),
                sql: s.text.clone(),
                line,
                column,
                oneof,
                group: group.clone(),
            });
            if oneof {
                break;
            }
        }
    }
    Ok(out)
}

/// Whether a check's first value reads as true.
fn truthy(rows: &[Vec<Option<String>>]) -> bool {
    let v = rows.first().and_then(|r| r.first()).cloned().flatten();
    matches!(
        v.as_deref()
            .map(|s| s.trim().to_ascii_lowercase())
            .as_deref(),
        Some("true" | "t" | "1" | "yes" | "on")
    )
}

/// Runs a check: `None` when it holds, else why it failed (the assertion was false, or the
/// query failed).
async fn run_check(session: &mut dyn Session, c: &Check) -> Result<Option<String>, String> {
    let statements = if c.oneof {
        c.group.clone()
    } else {
        vec![c.sql.clone()]
    };
    for sql in &statements {
        let rows = session.query(sql).await.map_err(|e| match e {
            EngineError::Statement { message, .. } => message,
            other => other.to_string(),
        })?;
        if truthy(&rows) {
            return Ok(None);
        }
    }
    Ok(Some(if c.oneof {
        format!(
            "none of the {} assertions of {} (atlas:assert oneof) is true",
            statements.len(),
            c.member
        )
    } else {
        format!("the assertion of {} is false", c.member)
    }))
}

/// Progress callbacks of `apply`.
pub trait ApplyReporter: Send + Sync {
    /// The files about to run (after the pending computation).
    fn planned(&self, _files: &[PendingFile]) {}
    fn file_started(&self, _file: &PendingFile) {}
    fn statement(&self, _file: &PendingFile, _index: usize, _sql: &str) {}
    fn file_finished(&self, _file: &PendingFile, _elapsed: Duration, _error: Option<&str>) {}
}

impl ApplyReporter for () {}

/// One file's outcome.
#[derive(Clone, Debug)]
pub struct AppliedFile {
    pub name: String,
    pub version: String,
    pub description: String,
    /// The statements that ran (all of them, under `--dry-run`: would run).
    pub statements: Vec<String>,
    pub elapsed: Duration,
    /// The failing statement's text and the database's message.
    pub error: Option<(String, String)>,
}

/// The outcome of `apply`.
#[derive(Clone, Debug, Default)]
pub struct ApplyReport {
    pub pending: Vec<PendingFile>,
    pub applied: Vec<AppliedFile>,
    /// The version before the run (the last revision), if any.
    pub from_version: Option<String>,
    /// The last version that now stands fully applied.
    pub current: Option<String>,
    pub baseline: Option<String>,
    pub dry_run: bool,
    /// The failure that stopped the run, after the revisions table recorded it.
    pub error: Option<String>,
    /// Whether the run's transaction(s) rolled the failing file back.
    pub rolled_back: bool,
    /// `--tx-mode all` failed: the whole run was rolled back and nothing was recorded.
    pub run_rolled_back: bool,
    /// An interrupted run's statement in doubt, and what the live schema said about it.
    pub in_doubt: Option<String>,
}

/// Applies the pending files of `files` (already validated against `atlas.sum`).
pub async fn apply(
    driver: &dyn Driver,
    files: &[MigrationFile],
    opts: &ApplyOptions,
    reporter: &dyn ApplyReporter,
) -> Result<ApplyReport, MigrateError> {
    let lock = driver.lock(APPLY_LOCK, opts.lock_timeout).await?;
    let r = apply_locked(driver, files, opts, reporter).await;
    lock.release().await;
    r
}

async fn close(s: Box<dyn Session>) {
    s.close().await;
}

async fn apply_locked(
    driver: &dyn Driver,
    files: &[MigrationFile],
    opts: &ApplyOptions,
    reporter: &dyn ApplyReporter,
) -> Result<ApplyReport, MigrateError> {
    let dialect = driver.dialect();
    let table = RevisionTable::locate(
        dialect,
        driver.bound_schema(),
        opts.revisions_schema.as_deref(),
    )?;
    let mut session = driver.session().await?;
    let revisions = match table.read_all(session.as_mut()).await {
        Ok(r) => r,
        Err(e) => {
            close(session).await;
            return Err(e.into());
        }
    };
    let mut pending = match compute_pending(
        files,
        &revisions,
        opts.baseline.as_deref(),
        opts.allow_dirty,
        opts.exec_order,
    ) {
        Ok(p) => p,
        Err(e) => {
            close(session).await;
            return Err(e);
        }
    };
    if pending.needs_clean_check {
        // SQLite has one connection: give it back while the inspector runs.
        close(session).await;
        let realm = driver.inspect(&InspectOptions::default()).await?;
        if let Some(why) = dirty_reason(&realm, driver.bound_schema().is_none()) {
            return Err(MigrateError::Dirty(why));
        }
        session = driver.session().await?;
    }
    // A partial last revision without an error is a run that was interrupted (a failure records
    // its error): the statement it had started is in doubt.
    let mut in_doubt = None;
    if let (Some((version, n)), Some(last)) = (pending.resume.clone(), revisions.last())
        && last.version == version
        && last.error.is_none()
        && (n as u64) < last.total
        && let Some(fi) = files.iter().position(|f| f.version() == version)
    {
        close(session).await;
        let live = driver.inspect(&InspectOptions::default()).await?;
        let statement = prepare(&files[fi], dialect, opts.tx_mode, 0)?
            .statements
            .get(n)
            .cloned()
            .unwrap_or_default();
        let note = |why: &str| {
            format!(
                "{}: statement {} was interrupted by an earlier run; {why}",
                files[fi].name,
                n + 1
            )
        };
        match in_doubt::verdict(dialect, driver.bound_schema(), &live, files, fi, n) {
            in_doubt::Verdict::Applied(why) => {
                pending.resume = Some((version, n + 1));
                pending.in_doubt_applied = true;
                in_doubt = Some(note(&why));
            }
            in_doubt::Verdict::NotApplied(why) => in_doubt = Some(note(&why)),
            in_doubt::Verdict::Unknown(reason) => {
                return Err(MigrateError::InDoubt {
                    file: files[fi].name.clone(),
                    version,
                    index: n + 1,
                    statement,
                    reason,
                });
            }
        }
        session = driver.session().await?;
    }
    let result = run(
        session.as_mut(),
        &table,
        dialect,
        files,
        &revisions,
        &mut pending,
        opts,
        reporter,
    )
    .await;
    close(session).await;
    result.map(|mut r| {
        r.in_doubt = in_doubt;
        r
    })
}

#[allow(clippy::too_many_arguments)]
async fn run(
    session: &mut dyn Session,
    table: &RevisionTable,
    dialect: Dialect,
    files: &[MigrationFile],
    revisions: &[Revision],
    pending: &mut Pending,
    opts: &ApplyOptions,
    reporter: &dyn ApplyReporter,
) -> Result<ApplyReport, MigrateError> {
    limit_pending(
        files,
        &mut pending.files,
        opts.amount,
        opts.to_version.as_deref(),
    )?;
    let sum = HashFile::compute(files);
    let mut prepared = Vec::with_capacity(pending.files.len());
    for f in &pending.files {
        let from = match &pending.resume {
            Some((v, n)) if v == f.version() => *n,
            _ => 0,
        };
        prepared.push(prepare(f, dialect, opts.tx_mode, from)?);
    }
    // Already-applied statements of a resumed file must be the ones that ran.
    for p in prepared.iter().filter(|p| p.from > 0) {
        if let Some(rev) = revisions.iter().find(|r| r.version == p.version())
            && !rev.partial_hashes.is_empty()
        {
            let now = statement_hashes(&p.statements[..p.from]);
            // The statement in doubt that took effect was never recorded.
            let checked = if pending.in_doubt_applied {
                p.from - 1
            } else {
                p.from
            };
            if let Some(i) = (0..checked).find(|i| rev.partial_hashes.get(*i) != now.get(*i)) {
                return Err(MigrateError::HistoryChanged {
                    file: p.name().to_string(),
                    index: i + 1,
                });
            }
        }
    }
    let mut report = ApplyReport {
        pending: prepared.clone(),
        from_version: revisions.last().map(|r| r.version.clone()),
        current: revisions
            .iter()
            .rev()
            .find(|r| !r.is_partial())
            .map(|r| r.version.clone()),
        baseline: pending.baseline.as_ref().map(|f| f.version().to_string()),
        dry_run: opts.dry_run,
        ..ApplyReport::default()
    };
    reporter.planned(&prepared);
    let hash_of = |f: &MigrationFile| sum.entry(&f.name).unwrap_or_default().to_string();
    if opts.dry_run {
        for p in &prepared {
            reporter.file_started(p);
            for (i, s) in p.statements.iter().enumerate().skip(p.from) {
                reporter.statement(p, i, s);
            }
            reporter.file_finished(p, Duration::ZERO, None);
            report.applied.push(AppliedFile {
                name: p.name().to_string(),
                version: p.version().to_string(),
                description: p.file.description().to_string(),
                statements: p.statements[p.from..].to_vec(),
                elapsed: Duration::ZERO,
                error: None,
            });
        }
        if let Some(last) = prepared.last() {
            report.current = Some(last.version().to_string());
        }
        return Ok(report);
    }
    if prepared.is_empty() && pending.baseline.is_none() {
        return Ok(report);
    }
    table.ensure(session).await?;
    if let Some(b) = &pending.baseline {
        let mut rev = Revision::new(b.version(), b.description(), TYPE_BASELINE, &hash_of(b));
        rev.kind = TYPE_BASELINE;
        table.write(session, &rev).await?;
        report.current = Some(b.version().to_string());
    }
    let all = opts.tx_mode == TxMode::All;
    if all && !prepared.is_empty() {
        session.begin().await?;
    }
    for p in &prepared {
        reporter.file_started(p);
        let start = Instant::now();
        let hashes = statement_hashes(&p.statements);
        let mut rev = match revisions.iter().find(|r| r.version == p.version()) {
            Some(r) if p.from > 0 || r.is_partial() => r.clone(),
            _ => Revision::new(
                p.version(),
                p.file.description(),
                TYPE_EXECUTE,
                &hash_of(&p.file),
            ),
        };
        rev.kind |= TYPE_EXECUTE;
        rev.total = p.statements.len() as u64;
        if p.from > 0 {
            rev.applied = p.from as u64;
            rev.partial_hashes = hashes[..p.from].to_vec();
        }
        rev.hash = hash_of(&p.file);
        rev.operator_version = super::revisions::operator_version();
        let in_tx = all || p.transactional;
        if p.transactional && !all {
            session.begin().await?;
        }
        table.write(session, &rev).await?;
        let mut ran = Vec::new();
        let mut failure = None;
        // Pre-migration checks run before any statement of a file that has not started.
        let mut failed_check = None;
        if p.from == 0 {
            for c in checks(&p.file, dialect)? {
                let message = match run_check(session, &c).await {
                    Ok(None) => continue,
                    Ok(Some(m)) | Err(m) => m,
                };
                failed_check = Some(format!("{}:{}:{}", p.name(), c.line, c.column));
                failure = Some((c.sql.clone(), message));
                break;
            }
        }
        let skip = if failure.is_some() {
            p.statements.len()
        } else {
            p.from
        };
        for (i, stmt) in p.statements.iter().enumerate().skip(skip) {
            reporter.statement(p, i, stmt);
            match session.execute(stmt).await {
                Ok(()) => {
                    ran.push(stmt.clone());
                    rev.applied = i as u64 + 1;
                    rev.partial_hashes = hashes[..=i].to_vec();
                    rev.error = None;
                    rev.error_stmt = None;
                    rev.execution_time = start.elapsed().as_nanos() as i64;
                    table.write(session, &rev).await?;
                }
                Err(e) => {
                    let message = match e {
                        EngineError::Statement { message, .. } => message,
                        other => other.to_string(),
                    };
                    failure = Some((stmt.clone(), message));
                    break;
                }
            }
        }
        let elapsed = start.elapsed();
        if let Some((stmt, message)) = failure {
            if in_tx {
                session.rollback().await?;
                report.rolled_back = true;
                report.run_rolled_back = all;
                // What survived the rollback (MySQL commits DDL implicitly) is what the table
                // says now. Under --tx-mode all the whole run rolled back: record nothing.
                if !all {
                    let now = table.read_all(session).await?;
                    let mut after = now
                        .into_iter()
                        .find(|r| r.version == p.version())
                        .unwrap_or_else(|| {
                            let mut r = rev.clone();
                            r.applied = 0;
                            r.partial_hashes.clear();
                            r
                        });
                    after.error = Some(message.clone());
                    after.error_stmt = Some(stmt.clone());
                    after.execution_time = elapsed.as_nanos() as i64;
                    table.write(session, &after).await?;
                }
            } else {
                rev.error = Some(message.clone());
                rev.error_stmt = Some(stmt.clone());
                rev.execution_time = elapsed.as_nanos() as i64;
                table.write(session, &rev).await?;
            }
            reporter.file_finished(p, elapsed, Some(&message));
            report.applied.push(AppliedFile {
                name: p.name().to_string(),
                version: p.version().to_string(),
                description: p.file.description().to_string(),
                statements: ran,
                elapsed,
                error: Some((stmt.clone(), message.clone())),
            });
            report.error = Some(match &failed_check {
                Some(at) => format!(
                    "{at}: pre-migration check failed: {message}\n  check: {stmt}\n  no statement of {} ran",
                    p.name()
                ),
                None => format!(
                    "{}: statement {} failed: {message}\n  statement: {stmt}",
                    p.name(),
                    p.from + report.applied.last().map_or(0, |a| a.statements.len()) + 1
                ),
            });
            return Ok(report);
        }
        rev.partial_hashes.clear();
        rev.applied = rev.total;
        rev.error = None;
        rev.error_stmt = None;
        rev.execution_time = elapsed.as_nanos() as i64;
        table.write(session, &rev).await?;
        if p.transactional && !all {
            session.commit().await?;
        }
        reporter.file_finished(p, elapsed, None);
        report.current = Some(p.version().to_string());
        report.applied.push(AppliedFile {
            name: p.name().to_string(),
            version: p.version().to_string(),
            description: p.file.description().to_string(),
            statements: ran,
            elapsed,
            error: None,
        });
    }
    if all && !prepared.is_empty() {
        session.commit().await?;
    }
    Ok(report)
}

/// What `migrate status` shows.
#[derive(Clone, Debug, Default)]
pub struct StatusReport {
    pub files: Vec<MigrationFile>,
    pub revisions: Vec<Revision>,
    /// Pending files, out-of-order ones first.
    pub pending: Vec<MigrationFile>,
    pub out_of_order: Vec<String>,
    /// The partially applied last revision, if any.
    pub partial: Option<Revision>,
}

impl StatusReport {
    /// The last revision's version, if any.
    pub fn current(&self) -> Option<&str> {
        self.revisions.last().map(|r| r.version.as_str())
    }

    pub fn next(&self) -> Option<&str> {
        self.pending.first().map(MigrationFile::version)
    }

    /// The last revision with an error.
    pub fn last_error(&self) -> Option<&Revision> {
        self.revisions.last().filter(|r| r.error.is_some())
    }
}

/// Reads the revisions and computes what is pending, changing nothing.
pub async fn status(
    driver: &dyn Driver,
    files: &[MigrationFile],
    revisions_schema: Option<&str>,
) -> Result<StatusReport, MigrateError> {
    let table = RevisionTable::locate(driver.dialect(), driver.bound_schema(), revisions_schema)?;
    let mut session = driver.session().await?;
    let revisions = table.read_all(session.as_mut()).await;
    close(session).await;
    let revisions = revisions?;
    let pending = compute_pending(files, &revisions, None, true, ExecOrder::NonLinear)?;
    let partial = revisions
        .last()
        .filter(|r| r.is_partial() && !r.is_baseline())
        .cloned();
    Ok(StatusReport {
        files: files.to_vec(),
        pending: pending.files,
        out_of_order: pending.out_of_order,
        revisions,
        partial,
    })
}

/// `migrate set`: makes the revisions table say the database is at `version` (the last file's
/// when `None`), running no SQL. Revisions after it are deleted; files up to it without a
/// revision get a "manually set" (resolved) row; a partial or failed one is marked resolved.
pub async fn set_version(
    driver: &dyn Driver,
    files: &[MigrationFile],
    version: Option<&str>,
    revisions_schema: Option<&str>,
    lock_timeout: Duration,
) -> Result<Vec<String>, MigrateError> {
    let lock: Box<dyn DeployLock> = driver.lock(APPLY_LOCK, lock_timeout).await?;
    let r = set_locked(driver, files, version, revisions_schema).await;
    lock.release().await;
    r
}

async fn set_locked(
    driver: &dyn Driver,
    files: &[MigrationFile],
    version: Option<&str>,
    revisions_schema: Option<&str>,
) -> Result<Vec<String>, MigrateError> {
    let dialect = driver.dialect();
    let target = match version {
        Some(v) => {
            if !files.iter().any(|f| f.version() == v) {
                return Err(MigrateError::Usage(format!(
                    "version {v:?} is not a file of the migration directory"
                )));
            }
            v.to_string()
        }
        None => match files.last() {
            Some(f) => f.version().to_string(),
            None => {
                return Err(MigrateError::Usage(
                    "the migration directory has no files to set".into(),
                ));
            }
        },
    };
    let table = RevisionTable::locate(dialect, driver.bound_schema(), revisions_schema)?;
    let mut session = driver.session().await?;
    let r = set_in(session.as_mut(), &table, dialect, files, &target).await;
    if r.is_err() {
        let _ = session.rollback().await;
    }
    close(session).await;
    r
}

async fn set_in(
    s: &mut dyn Session,
    table: &RevisionTable,
    dialect: Dialect,
    files: &[MigrationFile],
    target: &str,
) -> Result<Vec<String>, MigrateError> {
    table.ensure(s).await?;
    let revisions = table.read_all(s).await?;
    let sum = HashFile::compute(files);
    let mut changes = Vec::new();
    s.begin().await?;
    for r in revisions
        .iter()
        .filter(|r| r.version.as_bytes() > target.as_bytes())
    {
        table.delete(s, &r.version).await?;
        changes.push(format!("removed revision {}", r.version));
    }
    for f in files
        .iter()
        .filter(|f| f.version().as_bytes() <= target.as_bytes())
    {
        let total = prepare(f, dialect, TxMode::None, 0)?.statements.len() as u64;
        match revisions.iter().find(|r| r.version == f.version()) {
            Some(r) if r.is_partial() || r.error.is_some() => {
                let mut r = r.clone();
                r.kind |= TYPE_RESOLVED;
                r.applied = r.total.max(total);
                r.total = r.applied;
                r.error = None;
                r.error_stmt = None;
                r.partial_hashes.clear();
                table.write(s, &r).await?;
                changes.push(format!("resolved revision {}", r.version));
            }
            Some(_) => {}
            None => {
                let mut r = Revision::new(
                    f.version(),
                    f.description(),
                    TYPE_RESOLVED,
                    sum.entry(&f.name).unwrap_or_default(),
                );
                r.applied = total;
                r.total = total;
                table.write(s, &r).await?;
                changes.push(format!("set revision {}", r.version));
            }
        }
    }
    s.commit().await?;
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> MigrationFile {
        MigrationFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn rev(v: &str, applied: u64, total: u64) -> Revision {
        let mut r = Revision::new(v, "", TYPE_EXECUTE, "");
        r.applied = applied;
        r.total = total;
        r
    }

    fn names(p: &Pending) -> Vec<&str> {
        p.files.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn pending_on_new_and_partial_databases() {
        let files = vec![
            file("1_a.sql", "CREATE TABLE a (x int);"),
            file("2_b.sql", "CREATE TABLE b (x int);"),
            file("3_c.sql", "CREATE TABLE c (x int);"),
        ];
        let p = compute_pending(&files, &[], None, false, ExecOrder::Linear).unwrap();
        assert!(p.needs_clean_check);
        assert_eq!(names(&p), ["1_a.sql", "2_b.sql", "3_c.sql"]);
        let p = compute_pending(&files, &[], Some("2"), false, ExecOrder::Linear).unwrap();
        assert!(!p.needs_clean_check);
        assert_eq!(names(&p), ["3_c.sql"]);
        assert!(compute_pending(&files, &[], Some("9"), false, ExecOrder::Linear).is_err());
        assert!(compute_pending(&files, &[], Some("1"), true, ExecOrder::Linear).is_err());
        let p = compute_pending(
            &files,
            &[rev("1", 1, 1), rev("2", 0, 1)],
            None,
            false,
            ExecOrder::Linear,
        )
        .unwrap();
        assert_eq!(p.resume, Some(("2".into(), 0)));
        assert_eq!(names(&p), ["2_b.sql", "3_c.sql"]);
    }

    #[test]
    fn out_of_order_files() {
        let files = vec![
            file("1_a.sql", "SELECT 1;"),
            file("2_b.sql", "SELECT 1;"),
            file("3_c.sql", "SELECT 1;"),
            file("4_d.sql", "SELECT 1;"),
        ];
        let revs = [rev("1", 1, 1), rev("3", 1, 1)];
        let e = compute_pending(&files, &revs, None, false, ExecOrder::Linear).unwrap_err();
        assert!(e.to_string().contains("2_b.sql"), "{e}");
        let p = compute_pending(&files, &revs, None, false, ExecOrder::LinearSkip).unwrap();
        assert_eq!(names(&p), ["4_d.sql"]);
        let p = compute_pending(&files, &revs, None, false, ExecOrder::NonLinear).unwrap();
        assert_eq!(names(&p), ["2_b.sql", "4_d.sql"]);
    }

    #[test]
    fn checkpoints_start_new_databases() {
        let files = vec![
            file("1_a.sql", "SELECT 1;"),
            file("2_cp.sql", "-- atlas:checkpoint\n\nSELECT 1;"),
            file("3_c.sql", "SELECT 1;"),
        ];
        let p = compute_pending(&files, &[], None, true, ExecOrder::Linear).unwrap();
        assert_eq!(names(&p), ["2_cp.sql", "3_c.sql"]);
        let p = compute_pending(&files, &[rev("1", 1, 1)], None, true, ExecOrder::Linear).unwrap();
        assert_eq!(names(&p), ["3_c.sql"]);
    }

    #[test]
    fn txmode_directives() {
        let f = file("1.sql", "-- atlas:txmode none\n\nSELECT 1;\nSELECT 2;");
        let p = prepare(&f, Dialect::Postgres, TxMode::File, 0).unwrap();
        assert!(!p.transactional);
        assert_eq!(p.statements.len(), 2);
        assert!(prepare(&f, Dialect::Postgres, TxMode::All, 0).is_err());
        let g = file("2.sql", "-- atlas:txmode file\n\nSELECT 1;");
        assert!(
            prepare(&g, Dialect::Postgres, TxMode::None, 0)
                .unwrap()
                .transactional
        );
        let h = file("3.sql", "-- atlas:txmode all\n\nSELECT 1;");
        assert!(prepare(&h, Dialect::Postgres, TxMode::File, 0).is_err());
    }

    #[test]
    fn limits() {
        let files = vec![file("1.sql", ""), file("2.sql", ""), file("3.sql", "")];
        let mut p = files.clone();
        limit_pending(&files, &mut p, 0, Some("2")).unwrap();
        assert_eq!(p.len(), 2);
        limit_pending(&files, &mut p, 1, None).unwrap();
        assert_eq!(p.len(), 1);
        assert!(limit_pending(&files, &mut p, 0, Some("7")).is_err());
    }
}
