//! `cairn lint`: evaluates the rules (the standard library plus `--rules` files) over schema
//! files and migration files.
//!
//! - A schema (`.hcl` files, `.sql` files with `--schema-file`, or a directory of them without
//!   `atlas.sum`) is compiled into one state and checked by the `on schema` rules.
//! - A migration file (any other `.sql` file, or every `.sql` file of a directory holding
//!   `atlas.sum`) is linted from the state before it: the directory's earlier files are replayed
//!   into that state, the file's own statements give the state after it, and the plan between
//!   the two is checked by the `on plan` rules; the `on schema` rules check the state after it,
//!   reporting only objects the file itself declares. Each plan finding is located at the
//!   statement of the file that brings its change about.
//! - `-- atlas:nolint [CODES]` / `-- cairn:nolint [CODES]` (codes, code families, rule names or
//!   tags; none means all) above a statement silences it; at the top of the file, followed by a
//!   blank line, the whole file. In HCL, `# cairn:nolint ...` above a block.
//!
//! Exit 1 when an error-severity finding remains.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use cairn_core::dev::{ReplayFile, replay_on_dev};
use cairn_core::diff::{DiffOptions, diff};
use cairn_core::lint::{
    StatementIndex, attach_changes, directive_matches, file_directives, migration_statements,
    split_statements, suppressed,
};
use cairn_core::migrate::executor::split_options;
use cairn_core::plan::{PlanOptions, plan_changes};
use cairn_core::policy::LintPolicy;
use cairn_core::{Driver, SourceUrl};
use cairn_ir::{Dialect, Plan, Realm, Schema};
use cairn_sema::rules::{
    Anchor, CompiledRules, Finding, LintTarget, ReportScope, check_param_overrides,
};
use cairn_syntax::Severity;
use clap::Args;

use crate::Outcome;
use crate::commands::rules::{load_rule_paths, report_rule_diagnostics, stdlib};
use crate::render::lint::{LintFormat, LintItem, LintReport, RuleInfo, write};

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Schema files, migration files, or directories (a directory holding atlas.sum is a
    /// migration directory). Default: the current directory.
    pub paths: Vec<String>,
    /// The dialect of the files: postgres, mysql, mariadb or sqlite (else from the file suffix,
    /// such as schema.pg.hcl).
    #[arg(long = "dialect", value_name = "DIALECT")]
    pub dialect: Option<String>,
    /// More rule files or directories of `*.cairn` files (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<String>,
    /// Read `.sql` paths as schema files (the desired state), not as migration files.
    #[arg(long = "schema-file")]
    pub schema_file: bool,
    /// Report only the last N files of a migration directory (the earlier ones are still
    /// replayed for the state).
    #[arg(long = "latest", value_name = "N")]
    pub latest: Option<u64>,
    /// Report only the migration files added or changed against this git branch (or commit),
    /// and flag files that sort before the branch's latest migration (non-linear history).
    #[arg(long = "git-base", value_name = "BRANCH")]
    pub git_base: Option<String>,
    /// A clean dev database: migration files are replayed on it (and inspected) instead of on
    /// Cairn's SQL interpreter; a statement that fails there is an error.
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Option<String>,
    /// A live database whose row estimates are attached to the linted tables, so the
    /// row-count-aware rules (LK) can say how big a locked or rewritten table is. Read only.
    #[arg(long = "url", value_name = "URL")]
    pub url: Option<String>,
    /// The project's lint policy (filled from the project file, not a flag).
    #[arg(skip)]
    pub policy: Option<Box<LintPolicy>>,
    /// Output: human (default), json, sarif (SARIF 2.1.0), github (Actions annotations) or
    /// junit (JUnit XML).
    #[arg(long = "format", value_name = "FORMAT", default_value = "human")]
    pub format: String,
}

pub const LINT_EXAMPLES: &str = "Examples:
  cairn lint schema.pg.hcl
  cairn lint migrations/ --dialect postgres --format json
  cairn lint migrations/ --dialect postgres --format sarif > cairn.sarif
  cairn lint migrations/ --dialect postgres --format github   # annotations in GitHub Actions
  cairn lint migrations/20240102_add_index.sql --dialect postgres --rules policies/
  cairn lint schema.sql --schema-file --dialect mysql

In migration files, `-- atlas:nolint DS103` (or `-- cairn:nolint`) above a statement silences
those codes for it; at the top of the file, followed by a blank line, for the whole file.";

/// `cairn migrate lint`: Atlas's command, on the same runner as `cairn lint DIR`.
#[derive(Args, Debug)]
pub struct MigrateLintArgs {
    #[command(flatten)]
    pub dir: crate::commands::migrate::DirArgs,
    /// A clean dev database to replay the directory on (else Cairn's SQL interpreter); its
    /// scheme also names the dialect.
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Option<String>,
    /// Report only the last N files.
    #[arg(long = "latest", value_name = "N")]
    pub latest: Option<u64>,
    /// Report only the files added or changed against this git branch, and non-linear history.
    #[arg(long = "git-base", value_name = "BRANCH")]
    pub git_base: Option<String>,
    /// postgres, mysql, mariadb or sqlite (else from --dev-url, the project or the files).
    #[arg(long = "dialect", value_name = "DIALECT")]
    pub dialect: Option<String>,
    /// More rule files or directories (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<String>,
    /// human (default), json, sarif, github or junit.
    #[arg(long = "format", value_name = "FORMAT", default_value = "human")]
    pub format: String,
    #[arg(skip)]
    pub policy: Option<Box<LintPolicy>>,
}

pub const MIGRATE_LINT_EXAMPLES: &str = "Examples:
  cairn migrate lint --dir file://migrations --dev-url 'postgres://localhost/dev?search_path=public' --latest 1
  cairn migrate lint --dir file://migrations --dialect postgres --git-base origin/main --format github
  cairn migrate lint --env ci          # dir, dev and the lint policy from the project file

The directory is first checked against atlas.sum; then each reported file is linted from the
state its earlier files leave. Exit 1 when an error-severity finding remains.";

/// `cairn migrate lint`: the integrity check (atlas.sum), then `cairn lint` on the directory.
pub async fn run_migrate(a: MigrateLintArgs) -> Result<Outcome> {
    let dir = crate::commands::migrate::open_dir(&a.dir.dir, false)?;
    crate::commands::migrate::validated(&dir)?;
    run(LintArgs {
        paths: vec![dir.root.display().to_string()],
        dialect: a.dialect,
        rules: a.rules,
        schema_file: false,
        url: None,
        latest: a.latest,
        git_base: a.git_base,
        dev_url: a.dev_url,
        policy: a.policy,
        format: a.format,
    })
    .await
}

/// One reported problem, located in a file by byte offsets.
#[derive(Clone, Debug)]
struct Diag {
    code: String,
    severity: Severity,
    message: String,
    help: Option<String>,
    file: String,
    start: usize,
    end: usize,
    /// Why the state this finding was computed from is uncertain (`lint_uncertain`).
    uncertain: Option<String>,
}

/// Everything lint knows about a file it reports into, and the policy it reports under.
struct Report {
    texts: BTreeMap<String, String>,
    diags: Vec<Diag>,
    policy: LintPolicy,
    /// `--url`: the live database's row estimates, by (schema, table).
    rows: BTreeMap<(String, String), u64>,
}

impl Report {
    /// A rule finding as the policy has it: its severity, or `None` when the policy turns it
    /// off.
    fn level(&self, f: &Finding) -> Option<Severity> {
        self.policy
            .severity(f.code.as_deref(), &f.name, &f.tags, f.severity)
    }

    /// Attaches the live row estimates to a state's tables (a schema-scoped database's single
    /// schema matches any schema name).
    fn attach_rows(&self, realm: &mut Realm) {
        if self.rows.is_empty() {
            return;
        }
        let one_schema = self
            .rows
            .keys()
            .map(|(s, _)| s)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
            == 1;
        cairn_core::rules_test::set_row_estimates(realm, |s, t| {
            self.rows
                .get(&(s.to_string(), t.to_string()))
                .copied()
                .or_else(|| {
                    if one_schema {
                        self.rows.iter().find(|((_, n), _)| n == t).map(|(_, r)| *r)
                    } else {
                        None
                    }
                })
        });
    }
}

/// Which files of a migration directory are reported.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// `--latest N`: the last N files.
    pub latest: Option<u64>,
    /// `--git-base BRANCH`: the files added or changed against BRANCH.
    pub git_base: Option<String>,
}

pub async fn run(args: LintArgs) -> Result<Outcome> {
    let format = LintFormat::parse(&args.format)?;
    let policy = args.policy.as_deref().cloned().unwrap_or_default();
    let mut rules = stdlib();
    let mut rule_paths: Vec<String> = policy
        .rules
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    rule_paths.extend(args.rules.iter().cloned());
    rules.extend(load_rule_paths(&rule_paths)?);
    // A rules file with errors is reported and left out; every other rule still runs, and the
    // run fails at the end.
    let rule_errors = report_rule_diagnostics(&rules);
    // Machine formats carry the rule files' diagnostics as findings too (CI shows only those).
    let rule_diags = if format == LintFormat::Human {
        Vec::new()
    } else {
        crate::commands::rules::rule_file_diagnostics(&rules)
    };
    if rule_errors {
        eprintln!(
            "error: rule files with errors are not run (above); the other rules are, and lint fails"
        );
        rules.retain(|r| !r.has_errors());
    }
    if !policy.errors.is_empty() {
        bail!("the project's lint block: {}", policy.errors.join("; "));
    }
    let problems = check_param_overrides(&rules.iter().collect::<Vec<_>>(), &policy.params);
    if !problems.is_empty() {
        bail!("lint.params in the project file: {}", problems.join("; "));
    }
    let selection = Selection {
        latest: args.latest.or(policy.latest),
        git_base: args.git_base.clone().or_else(|| policy.git_base.clone()),
    };
    let paths = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths.clone()
    };
    let mut report = Report {
        texts: BTreeMap::new(),
        diags: Vec::new(),
        policy,
        rows: BTreeMap::new(),
    };
    for (file, text, d) in rule_diags {
        report.texts.entry(file.clone()).or_insert(text);
        report.diags.push(Diag {
            code: d.code,
            severity: d.severity,
            message: d.message,
            help: d.help,
            file,
            start: d.span.start as usize,
            end: d.span.end as usize,
            uncertain: None,
        });
    }
    if let Some(u) = args.url.as_deref() {
        report.rows = live_rows(u).await?;
    }
    // The dev database, connected once: migration directories replay on it.
    let dev = match args.dev_url.as_deref() {
        None => None,
        Some(u) => match SourceUrl::parse(u)? {
            SourceUrl::Database(db) => Some(crate::drivers::connect(&db, false).await?),
            _ => bail!(
                "--dev-url must be a database URL (sqlite://, postgres://, mysql://, maria://)"
            ),
        },
    };
    // The dialect: --dialect, else the dev database's, else the --url database's.
    let url_dialect = match args.url.as_deref().map(SourceUrl::parse).transpose()? {
        Some(SourceUrl::Database(db)) => Some(db.dialect().name().to_string()),
        _ => None,
    };
    let dev_dialect = dev
        .as_ref()
        .map(|d| d.dialect().name().to_string())
        .or(url_dialect);
    let explicit = args.dialect.as_deref().or(dev_dialect.as_deref());
    let result = lint_paths(
        &paths,
        &args,
        explicit,
        &selection,
        dev.as_deref(),
        &rules,
        &mut report,
    )
    .await;
    if let Some(d) = dev {
        d.close().await;
    }
    result?;
    report
        .diags
        .sort_by(|a, b| (&a.file, a.start).cmp(&(&b.file, b.start)));
    let failed = rule_errors || report.diags.iter().any(|d| d.severity == Severity::Error);
    let located = located(&mut report, &rules);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    write(&located, format, &mut out)
        .and_then(|()| std::io::Write::flush(&mut out))
        .context("cannot write the report")?;
    // The report, its texts and the rules are freed by the process's exit, which is cheaper
    // than freeing them object by object.
    std::mem::forget(located);
    std::mem::forget(report);
    std::mem::forget(rules);
    Ok(if failed {
        Outcome::Failed
    } else {
        Outcome::Success
    })
}

async fn lint_paths(
    paths: &[String],
    args: &LintArgs,
    explicit: Option<&str>,
    selection: &Selection,
    dev: Option<&dyn Driver>,
    rules: &[CompiledRules],
    report: &mut Report,
) -> Result<()> {
    let mut schema_files: Vec<PathBuf> = Vec::new();
    for p in paths {
        let path = Path::new(p);
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            if path.join("atlas.sum").is_file() {
                lint_directory(path, explicit, selection, dev, rules, report).await?;
            } else {
                schema_files.extend(crate::load::schema_files(path)?);
            }
        } else if p.ends_with(".sql") && !args.schema_file {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            let earlier: Vec<PathBuf> = sql_files(dir.unwrap_or(Path::new(".")))?
                .into_iter()
                .filter(|f| f.file_name() < path.file_name())
                .collect();
            let dialect = dialect_of(explicit, std::slice::from_ref(&path.into()))?;
            lint_migration(&earlier, path, dialect, dev, rules, report, None).await?;
        } else {
            schema_files.push(path.to_path_buf());
        }
    }
    if !schema_files.is_empty() {
        let dialect = dialect_of(explicit, &schema_files)?;
        lint_schema(&schema_files, dialect, rules, report)?;
    }
    Ok(())
}

/// Lints a migration directory: every selected file from the state its earlier files leave
/// (all of them replayed, selected or not); with `--git-base`, also the history's linearity.
async fn lint_directory(
    path: &Path,
    explicit: Option<&str>,
    selection: &Selection,
    dev: Option<&dyn Driver>,
    rules: &[CompiledRules],
    report: &mut Report,
) -> Result<()> {
    let files = sql_files(path)?;
    let dialect = dialect_of(explicit, &files)?;
    let name = |f: &PathBuf| {
        f.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut selected: Vec<bool> = vec![true; files.len()];
    if let Some(n) = selection.latest {
        let first = files.len().saturating_sub(n as usize);
        for (i, s) in selected.iter_mut().enumerate() {
            *s = i >= first;
        }
    }
    if let Some(base) = &selection.git_base {
        let changed = crate::git::changed_files(path, base)?;
        let at_base = crate::git::files_at(path, base)?;
        let base_latest = at_base.iter().max().cloned();
        for (i, f) in files.iter().enumerate() {
            let n = name(f);
            selected[i] &= changed.contains(&n);
            // A file the branch adds that sorts before the base's latest file: the two
            // branches added migrations after the same point, and this one would run out of
            // order (or never, on databases that already applied the base's later files).
            if !at_base.contains(&n)
                && changed.contains(&n)
                && let Some(latest) = &base_latest
                && version_of(&n) < version_of(latest)
            {
                let (shown, text) = read(f)?;
                report.texts.insert(shown.clone(), text);
                let finding_code = cairn_core::policy::NON_LINEAR;
                let Some(severity) = report.policy.severity(
                    Some(finding_code),
                    "non-linear-history",
                    &["non_linear".to_string()],
                    Severity::Warning,
                ) else {
                    continue;
                };
                report.diags.push(Diag {
                    code: finding_code.to_string(),
                    severity,
                    message: format!(
                        "{n} is new on this branch but sorts before {latest}, the latest migration on {base}: the history is not linear"
                    ),
                    help: Some(format!(
                        "give it a version after {} (rename the file or recreate it with `cairn migrate new`) and re-hash with `cairn migrate hash`",
                        version_of(latest)
                    )),
                    file: shown,
                    start: 0,
                    end: 0,
                    uncertain: None,
                });
            }
        }
    }
    if dev.is_none() {
        return lint_replayed_directory(&files, &selected, dialect, rules, report);
    }
    // The files are replayed once, in order: the state after one file is the state before the
    // next.
    let mut replayed = cairn_sema::SqlStates::new(dialect);
    let mut state: Option<cairn_sema::Compiled> = None;
    for i in 0..files.len() {
        let (path, text) = read(&files[i])?;
        // A checkpoint holds the whole state after it: the replay starts again there, as on a
        // new database.
        let checkpoint = crate::load::last_checkpoint(&[(path.clone(), text.clone())]).is_some();
        if !selected[i] {
            replay_push(&mut replayed, &path, &text, checkpoint);
            state = None;
            continue;
        }
        let before = match state.take() {
            Some(s) => s,
            None => replayed.state(),
        };
        let after = replay_next(
            &mut replayed,
            &path,
            &text,
            checkpoint,
            i + 1 == files.len(),
        );
        let states = (before, after);
        let states = lint_migration(
            &files[..i],
            &files[i],
            dialect,
            dev,
            rules,
            report,
            Some(states),
        )
        .await?;
        state = Some(states.1);
    }
    Ok(())
}

/// The selected files of a migration directory linted from the interpreter's states (no dev
/// database). The files are replayed once, in order: the state after one file is the state
/// before the next. Each selected file is linted on its own thread while the replay goes on
/// with the files after it; the diagnostics are reported in file order, as one after the
/// other would give them.
/// Replays one file onto `replayed`: from scratch after a checkpoint, which holds the whole
/// state, as on a new database.
fn replay_push(replayed: &mut cairn_sema::SqlStates, path: &str, text: &str, checkpoint: bool) {
    if checkpoint {
        *replayed = cairn_sema::SqlStates::new(replayed.dialect());
    }
    replayed.push(path, text, crate::load::threads());
}

/// Replays one selected file onto `replayed` ([`replay_push`]) and returns the state after it:
/// for the `last` file the replay's own, no copy.
fn replay_next(
    replayed: &mut cairn_sema::SqlStates,
    path: &str,
    text: &str,
    checkpoint: bool,
    last: bool,
) -> cairn_sema::Compiled {
    replay_push(replayed, path, text, checkpoint);
    let dialect = replayed.dialect();
    if last {
        std::mem::replace(replayed, cairn_sema::SqlStates::new(dialect)).into_state()
    } else {
        replayed.state()
    }
}

fn lint_replayed_directory(
    files: &[PathBuf],
    selected: &[bool],
    dialect: Dialect,
    rules: &[CompiledRules],
    report: &mut Report,
) -> Result<()> {
    type Linted = Result<(String, String, Vec<Diag>, cairn_sema::Compiled)>;
    let shared: &Report = report;
    let mut linted: Vec<(String, String, Vec<Diag>)> = Vec::new();
    let result = std::thread::scope(|scope| -> Result<()> {
        let join = |h: std::thread::ScopedJoinHandle<'_, Linted>| match h.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let mut replayed = cairn_sema::SqlStates::new(dialect);
        // The file being linted: its state after is the state before the next file.
        let mut pending: Option<std::thread::ScopedJoinHandle<'_, Linted>> = None;
        let mut previous_selected = false;
        for i in 0..files.len() {
            let (path, text) = read(&files[i])?;
            // A checkpoint holds the whole state after it: the replay starts again there, as
            // on a new database.
            let checkpoint =
                crate::load::last_checkpoint(&[(path.clone(), text.clone())]).is_some();
            if !selected[i] {
                replay_push(&mut replayed, &path, &text, checkpoint);
                previous_selected = false;
                continue;
            }
            // The state before: the linted file's state after (taken once the replay of this
            // file is done, so the two overlap), else the replay's state so far.
            let before = if previous_selected {
                None
            } else {
                Some(replayed.state())
            };
            let after = replay_next(
                &mut replayed,
                &path,
                &text,
                checkpoint,
                i + 1 == files.len(),
            );
            let mut before = before;
            if let Some(h) = pending.take() {
                let (p, t, diags, state) = join(h)?;
                linted.push((p, t, diags));
                if before.is_none() {
                    before = Some(state);
                } else {
                    // Freed at exit, with the rest.
                    std::mem::forget(state);
                }
            }
            let before = match before {
                Some(b) => b,
                None => replayed.state(),
            };
            pending = Some(scope.spawn(move || -> Linted {
                let diags = lint_replayed(shared, &path, &text, dialect, rules, &before, &after)?;
                // A CLI run frees its large states at exit (cheaper than freeing them here).
                std::mem::forget(before);
                Ok((path, text, diags, after))
            }));
            previous_selected = true;
        }
        if let Some(h) = pending.take() {
            let (p, t, diags, state) = join(h)?;
            linted.push((p, t, diags));
            std::mem::forget(state);
        }
        std::mem::forget(replayed);
        Ok(())
    });
    for (path, text, diags) in linted {
        report.texts.insert(path, text);
        report.diags.extend(diags);
    }
    result
}

/// The row estimates of a live database's tables (read only; nothing is changed).
async fn live_rows(url: &str) -> Result<BTreeMap<(String, String), u64>> {
    let SourceUrl::Database(db) = SourceUrl::parse(url)? else {
        bail!("--url must name a database (sqlite://, postgres://, mysql://, maria://)");
    };
    let driver = crate::drivers::connect(&db, true).await?;
    let realm = driver.inspect(&cairn_core::InspectOptions::default()).await;
    driver.close().await;
    let realm = realm?;
    let mut out = BTreeMap::new();
    for s in &realm.schemas {
        for t in &s.tables {
            if let Some(r) = t.rows {
                out.insert((s.name.clone(), t.name.clone()), r);
            }
        }
    }
    Ok(out)
}

/// A migration file's version: the part of its name before the first `_` (or `.sql`).
fn version_of(name: &str) -> &str {
    let stem = name.strip_suffix(".sql").unwrap_or(name);
    stem.split_once('_').map_or(stem, |(v, _)| v)
}

fn dialect_of(explicit: Option<&str>, files: &[PathBuf]) -> Result<Dialect> {
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    crate::load::file_dialect(explicit, &[], &names)
}

/// The `.sql` files of a directory, sorted by name (the migration order).
fn sql_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<(String, String)> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((path.display().to_string(), text))
}

/// Reports the compiler's errors for `files` into the report; returns whether there were any.
fn compile_errors(compiled: &cairn_sema::Compiled, report: &mut Report) -> bool {
    let mut any = false;
    for d in compiled.diagnostics.iter().filter(|d| d.is_error()) {
        any = true;
        report.diags.push(Diag {
            code: d.code.clone(),
            severity: Severity::Error,
            message: d.message.clone(),
            help: d.help.clone(),
            file: d.file.clone(),
            start: d.span.start as usize,
            end: d.span.end as usize,
            uncertain: None,
        });
    }
    any
}

/// The replay's diagnostics for `path` that mean a statement was not interpreted (errors,
/// E101, E108), at their positions.
fn replay_gaps(compiled: &cairn_sema::Compiled, path: &str) -> Vec<Diag> {
    compiled
        .diagnostics
        .iter()
        .filter(|d| d.file == path && crate::commands::lint_uncertain::not_interpreted(d))
        .map(|d| Diag {
            code: d.code.clone(),
            severity: d.severity,
            message: d.message.clone(),
            help: d.help.clone(),
            file: d.file.clone(),
            start: d.span.start as usize,
            end: d.span.end as usize,
            uncertain: None,
        })
        .collect()
}

fn lint_schema(
    files: &[PathBuf],
    dialect: Dialect,
    rules: &[CompiledRules],
    report: &mut Report,
) -> Result<()> {
    let inputs: Vec<(String, String)> = files.iter().map(|f| read(f)).collect::<Result<_>>()?;
    for (p, t) in &inputs {
        report.texts.insert(p.clone(), t.clone());
    }
    let compiled = crate::load::compile(&inputs, dialect);
    if compile_errors(&compiled, report) {
        return Ok(());
    }
    let mut realm = compiled.realm.clone();
    report.attach_rows(&mut realm);
    let first = inputs.first().map(|(p, _)| p.clone()).unwrap_or_default();
    let texts = &report.texts;
    let found = cairn_core::lint::schema_findings(
        &compiled,
        &realm,
        rules,
        &report.policy.params,
        &|f| texts.get(f).map(String::as_str),
        &first,
    );
    for l in found {
        let Some(severity) = report.level(&l.finding) else {
            continue;
        };
        if l.suppressed && report.policy.nolint_allowed(l.finding.code.as_deref()) {
            continue;
        }
        let (start, end) = (l.span.start as usize, l.span.end as usize);
        report
            .diags
            .push(diag(l.finding, severity, l.file, start, end));
    }
    Ok(())
}

/// The statements of a migration file, as the dev database replays them.
fn replay_file(path: &str, text: &str, dialect: Dialect) -> ReplayFile {
    let name = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let split = cairn_syntax::sql::split(text, split_options(dialect));
    ReplayFile {
        version: version_of(&name).to_string(),
        statements: split.statements.into_iter().map(|s| s.text).collect(),
    }
}

fn diag(f: Finding, severity: Severity, file: String, start: usize, end: usize) -> Diag {
    Diag {
        code: f.code.unwrap_or(f.name),
        severity,
        message: f.message,
        help: f.help,
        file,
        start,
        end,
        uncertain: None,
    }
}

/// The plan from `before` to `after`, whose default schemas are already aligned.
fn plan_between(before: &Realm, after: &Realm) -> Result<Plan> {
    let d = diff(before, after, &DiffOptions::default());
    if !d.errors.is_empty() {
        bail!("{}", d.errors.join("; "));
    }
    Ok(plan_changes(
        crate::drivers::planner(after.dialect),
        d.changes,
        before,
        after,
        &PlanOptions::default(),
    ))
}

/// Lints one migration file from the state its `earlier` files leave. `states` are the
/// compiled states before and after the file when the caller has them (else they are compiled
/// here); they are handed back.
async fn lint_migration(
    earlier: &[PathBuf],
    file: &Path,
    dialect: Dialect,
    dev: Option<&dyn Driver>,
    rules: &[CompiledRules],
    report: &mut Report,
    states: Option<(cairn_sema::Compiled, cairn_sema::Compiled)>,
) -> Result<(cairn_sema::Compiled, cairn_sema::Compiled)> {
    let (path, text) = read(file)?;
    let (before, after) = match states {
        Some(s) => s,
        None => {
            let mut inputs: Vec<(String, String)> =
                earlier.iter().map(|f| read(f)).collect::<Result<_>>()?;
            // The replay starts at the latest checkpoint, as on a new database; a checkpoint
            // file holds the whole state after it on its own.
            if let Some(cp) = crate::load::last_checkpoint(&inputs) {
                inputs.drain(..cp);
            }
            let before = crate::load::compile(&inputs, dialect);
            if crate::load::last_checkpoint(&[(path.clone(), text.clone())]).is_some() {
                inputs.clear();
            }
            inputs.push((path.clone(), text.clone()));
            (before, crate::load::compile(&inputs, dialect))
        }
    };
    lint_file(
        earlier, path, text, dialect, dev, rules, report, &before, &after,
    )
    .await?;
    Ok((before, after))
}

/// [`lint_migration`] with the states at hand.
#[allow(clippy::too_many_arguments)]
async fn lint_file(
    earlier: &[PathBuf],
    path: String,
    text: String,
    dialect: Dialect,
    dev: Option<&dyn Driver>,
    rules: &[CompiledRules],
    report: &mut Report,
    before: &cairn_sema::Compiled,
    after: &cairn_sema::Compiled,
) -> Result<()> {
    report.texts.insert(path.clone(), text.clone());
    let Some(dev) = dev else {
        let diags = lint_replayed(report, &path, &text, dialect, rules, before, after)?;
        report.diags.extend(diags);
        return Ok(());
    };
    let stmts = split_statements(&text);
    let header = file_directives(&text);
    if header.as_ref().is_some_and(|codes| codes.is_empty()) {
        return Ok(());
    }
    // On the dev database a statement the interpreter misreads would fail the replay there: the
    // compiler's errors stop the file.
    if compile_errors(after, report) {
        return Ok(());
    }
    // On the dev database: the earlier files replayed, then this one, each inspected.
    let mut inputs: Vec<(String, String)> =
        earlier.iter().map(|f| read(f)).collect::<Result<_>>()?;
    // As on a new database: from the latest checkpoint on.
    if let Some(cp) = crate::load::last_checkpoint(&inputs) {
        inputs.drain(..cp);
    }
    let earlier_inputs = inputs.clone();
    if crate::load::last_checkpoint(&[(path.clone(), text.clone())]).is_some() {
        inputs.clear();
    }
    inputs.push((path.clone(), text.clone()));
    let replays = |files: &[(String, String)]| -> Vec<ReplayFile> {
        files
            .iter()
            .map(|(p, t)| replay_file(p, t, dev.dialect()))
            .collect()
    };
    let planner = crate::drivers::planner(dev.dialect());
    let b = replay_on_dev(dev, &replays(&earlier_inputs), planner)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let a = replay_on_dev(dev, &replays(&inputs), planner)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let file = FileToLint {
        path: &path,
        text: &text,
        stmts: &stmts,
        header: &header,
        dialect,
    };
    let diags = lint_states(
        report,
        &file,
        Default::default(),
        rules,
        Cow::Owned(b),
        Cow::Owned(a),
        after,
    )?;
    report.diags.extend(diags);
    Ok(())
}

/// A migration file being linted: its text, statements and file-level directive.
struct FileToLint<'a> {
    path: &'a str,
    text: &'a str,
    stmts: &'a [cairn_core::lint::Stmt],
    header: &'a Option<Vec<String>>,
    dialect: Dialect,
}

/// Lints one migration file from the interpreter's states before and after it (no dev
/// database): the diagnostics to report, in order. Reads `report` only, so files can be
/// linted on another thread while the replay goes on.
fn lint_replayed(
    report: &Report,
    path: &str,
    text: &str,
    dialect: Dialect,
    rules: &[CompiledRules],
    before: &cairn_sema::Compiled,
    after: &cairn_sema::Compiled,
) -> Result<Vec<Diag>> {
    let stmts = split_statements(text);
    let header = file_directives(text);
    if header.as_ref().is_some_and(|codes| codes.is_empty()) {
        return Ok(Vec::new());
    }
    // The interpreter's gaps are reported and make the state after them uncertain
    // (`lint_uncertain`), and the file is still linted.
    let mut out = replay_gaps(after, path);
    let fold = |s: &str| fold_name(s, dialect);
    // The earlier files' gaps (from the state before), then the file's own.
    let diagnostics: Vec<cairn_syntax::Diagnostic> = before
        .diagnostics
        .iter()
        .chain(after.diagnostics.iter().filter(|d| d.file == path))
        .cloned()
        .collect();
    let uncertainty = crate::commands::lint_uncertain::Uncertainty::of(
        &diagnostics,
        path,
        text,
        |f| std::fs::read_to_string(f).ok(),
        fold,
    );
    let file = FileToLint {
        path,
        text,
        stmts: &stmts,
        header: &header,
        dialect,
    };
    out.extend(lint_states(
        report,
        &file,
        uncertainty,
        rules,
        Cow::Borrowed(&before.realm),
        Cow::Borrowed(&after.realm),
        after,
    )?);
    Ok(out)
}

/// Evaluates the rules over the states before and after a migration file and locates the
/// findings in it: the diagnostics to report, in order.
fn lint_states(
    report: &Report,
    file: &FileToLint<'_>,
    uncertainty: crate::commands::lint_uncertain::Uncertainty,
    rules: &[CompiledRules],
    mut before_realm: Cow<'_, Realm>,
    mut after_realm: Cow<'_, Realm>,
    after: &cairn_sema::Compiled,
) -> Result<Vec<Diag>> {
    let FileToLint {
        path,
        text,
        stmts,
        header,
        dialect,
    } = *file;
    // The compiled states are copied only when something changes them: a default schema
    // exists on both sides whether or not a state mentions it (only the side without it is
    // copied).
    let default = before_realm.dialect.default_schema().unwrap_or("");
    match (
        before_realm.schema(default).is_some(),
        after_realm.schema(default).is_some(),
    ) {
        (true, false) => after_realm.to_mut().schemas.push(Schema::new(default)),
        (false, true) => before_realm.to_mut().schemas.push(Schema::new(default)),
        _ => {}
    }
    if !report.rows.is_empty() {
        report.attach_rows(before_realm.to_mut());
        report.attach_rows(after_realm.to_mut());
    }
    let (before_realm, after_realm) = (&*before_realm, &*after_realm);
    // The plan is computed on another thread while this one reads the file's statements (which
    // need no plan).
    let (whole, mut migration, index) = std::thread::scope(|scope| {
        let plan = scope.spawn(|| plan_between(before_realm, after_realm));
        let migration = migration_statements(path, text, stmts, dialect);
        let index = StatementIndex::new(text, stmts, dialect);
        let whole = match plan.join() {
            Ok(p) => p,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        (whole, migration, index)
    });
    let whole = whole?;
    // The file as rules see it, with the statement of the file that brings each change of the
    // whole-file plan about.
    attach_changes(&mut migration, &index, &whole);
    drop(index);
    let owners = &migration.change_statement;
    let target = LintTarget {
        dialect,
        before: Some(before_realm),
        after: after_realm,
        plan: Some(&whole),
        server_version: None,
        schema_rules: true,
        file: Some(&migration),
        // Schema findings are reported only for what this file declares.
        report_scope: Some(ReportScope {
            source_map: &after.source_map,
            file: path,
        }),
    };
    let found = cairn_core::lint::evaluate_sets(
        rules,
        &target,
        &report.policy.params,
        crate::load::threads(),
    );
    let mut out = Vec::new();
    for f in found {
        let Some(severity) = report.level(&f) else {
            continue;
        };
        let uncertain;
        let (start, end) = match &f.anchor {
            Anchor::FileStatement(i) => {
                let (start, end) = stmts.get(*i).map_or((0, 0), |s| (s.start, s.end));
                uncertain = uncertainty.of_plan_finding(start, None);
                (start, end)
            }
            Anchor::Change(_) | Anchor::Statement(_) => {
                let changes: Vec<usize> = match &f.anchor {
                    Anchor::Change(i) => vec![*i],
                    Anchor::Statement(i) => whole
                        .statements
                        .get(*i)
                        .map(|s| s.changes.clone())
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                let (start, end) = match changes
                    .iter()
                    .find_map(|c| owners.get(*c).copied().flatten())
                {
                    Some(s) => (stmts[s].start, stmts[s].end),
                    None => stmts.first().map_or((0, 0), |s| (s.start, s.end)),
                };
                let table = changes
                    .iter()
                    .find_map(|c| whole.changes.get(*c)?.table())
                    .map(|t| fold_name(&t.name, dialect));
                uncertain = uncertainty.of_plan_finding(start, table.as_deref());
                (start, end)
            }
            Anchor::Object { path: obj, .. } => match after.source_map.get(obj) {
                // Schema findings are reported only for what this file declares.
                Some(loc) if *loc.file == *path => {
                    uncertain = uncertainty.of_schema_finding();
                    (loc.span.start as usize, loc.span.end as usize)
                }
                _ => continue,
            },
            Anchor::None => {
                uncertain = uncertainty.of_schema_finding();
                (0, 0)
            }
        };
        let nolint = report.policy.nolint_allowed(f.code.as_deref());
        if nolint
            && header
                .as_ref()
                .is_some_and(|codes| directive_matches(codes, &f))
        {
            continue;
        }
        if nolint && suppressed(text, path, stmts, start, &f) {
            continue;
        }
        let mut d = diag(f, severity, path.to_string(), start, end);
        d.uncertain = uncertain;
        out.push(d);
    }
    // A CLI run frees the plan and the file's statements at exit.
    std::mem::forget(migration);
    std::mem::forget(whole);
    Ok(out)
}

/// A table name for matching a finding with an uninterpreted statement: quotes dropped, case
/// ignored (a false match only marks one more finding uncertain).
fn fold_name(s: &str, _dialect: Dialect) -> String {
    s.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']')
        .to_ascii_lowercase()
}

/// Line starts of one text, so many offsets are turned into lines and columns in log time.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line, column + 1)
    }
}

/// The line indexes of a report's files, built on first use.
fn line_indexes(report: &Report) -> BTreeMap<&str, LineIndex<'_>> {
    report
        .texts
        .iter()
        .map(|(f, t)| (f.as_str(), LineIndex::new(t)))
        .collect()
}

#[cfg(test)]
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(text).line_col(offset)
}

/// The report as the renderers take it: positions as 1-based lines and columns, the linted
/// files, and the rules that reported. The findings move out of `report`.
fn located(report: &mut Report, rules: &[CompiledRules]) -> LintReport {
    let diags = std::mem::take(&mut report.diags);
    let lines = line_indexes(report);
    let empty = LineIndex::new("");
    let items: Vec<LintItem> = diags
        .into_iter()
        .map(|d| {
            let idx = lines.get(d.file.as_str()).unwrap_or(&empty);
            let (line, column) = idx.line_col(d.start);
            let (end_line, end_column) = idx.line_col(d.end.max(d.start));
            LintItem {
                code: d.code,
                severity: d.severity,
                message: d.message,
                help: d.help,
                file: d.file,
                line,
                column,
                end_line,
                end_column,
                uncertain: d.uncertain,
            }
        })
        .collect();
    let mut infos: Vec<RuleInfo> = Vec::new();
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for d in &items {
        if !seen.insert(d.code.as_str()) {
            continue;
        }
        let rule = rules.iter().find_map(|set| set.rule(&d.code));
        infos.push(match rule {
            Some(r) => RuleInfo {
                id: d.code.clone(),
                name: r.name.clone(),
                summary: r.doc.as_ref().map(|doc| doc.summary.clone()),
                severity: r.severity,
            },
            // A compiler diagnostic (a statement that does not parse) or a built-in check.
            None => RuleInfo {
                id: d.code.clone(),
                name: d.code.clone(),
                summary: None,
                severity: d.severity,
            },
        });
    }
    LintReport {
        files: report.texts.keys().cloned().collect(),
        items,
        rules: infos,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
