//! `cairn migrate down [N]`: reverts the last N applied files (or every file after
//! `--to-version`). The plan goes from the database's actual state, inspected, to the state of
//! the directory at the target version (its files replayed on the dev database, or compiled by
//! Cairn without one), planned as `schema diff` plans: renames the reverted files made are
//! renamed back, and a drop of a table or column that holds data is refused unless allowed.
//! Runs under the apply lock; the reverted revision rows are deleted in the plan's transaction
//! where DDL is transactional.

use anyhow::{Result, bail};
use cairn_core::diff::{DiffOptions, diff};
use cairn_core::migrate::down::{apply_rename_hints, rename_hints};
use cairn_core::migrate::{
    DownTarget, MigrationFile, RevertReport, RevisionTable, down_target, revert, rows_present,
};
use cairn_core::plan::{PlanOptions, plan};
use cairn_core::safety::{Allowances, Finding, FindingSeverity, check_plan};
use cairn_core::{APPLY_LOCK, DbUrl, Driver, InspectOptions, SourceUrl};
use cairn_ir::{Change, Plan, PossibleRename, Realm};
use clap::Args;
use serde_json::{Value, json};

use crate::Outcome;
use crate::commands::migrate::{DbArgs, open_dir, validated};
use crate::commands::migrate_diff::{DIFF_LOCK, directory_state};
use crate::commands::schema_apply::parse_duration;
use crate::render;

pub const DOWN_EXAMPLES: &str = "Examples:
  cairn migrate down --url sqlite://app.db                      # revert the last applied file
  cairn migrate down 2 --url 'postgres://localhost/shop?search_path=public' --dry-run
  cairn migrate down --to-version 20240101120000 --url mysql://root@localhost/shop
  cairn migrate down --url sqlite://app.db --dev-url sqlite://dev?mode=memory --format json

There are no down files: the plan goes from the database's actual state to the directory's
state at the target version (replayed on --dev-url, or compiled by Cairn). Dropping a table or
column that holds data is refused unless --allow-drop TABLE[.COLUMN] or --allow-destructive.";

#[derive(Args, Debug)]
pub struct MigrateDownArgs {
    /// How many applied files to revert (default 1).
    pub amount: Option<usize>,
    #[command(flatten)]
    pub db: DbArgs,
    /// Revert every file applied after this version.
    #[arg(long = "to-version", value_name = "VERSION")]
    pub to_version: Option<String>,
    /// A clean dev database to replay the directory on (default: Cairn's SQL compiler).
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Option<String>,
    /// Print the plan and the data checks; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Allow dropping tables and columns that hold data.
    #[arg(long)]
    pub allow_destructive: bool,
    /// Allow dropping this table or `table.column` although it holds data; also settles a
    /// possible rename of it as a drop (repeatable).
    #[arg(long = "allow-drop", value_name = "NAME")]
    pub allow_drop: Vec<String>,
    /// How long to wait for another deployment's lock (atlas_migrate_execute), e.g. 10s, 1m.
    #[arg(long = "lock-timeout", value_name = "DURATION", default_value = "10s")]
    pub lock_timeout: String,
    /// Output: human (default) or json.
    #[arg(long = "format", value_name = "FORMAT", default_value = "human")]
    pub format: String,
}

/// Everything the run decided and did, for both renderers.
#[derive(Default)]
struct DownRun {
    from: Option<String>,
    target: DownTarget,
    plan: Option<Plan>,
    possible: Vec<PossibleRename>,
    findings: Vec<Finding>,
    refused: bool,
    report: Option<RevertReport>,
}

pub async fn run(a: MigrateDownArgs) -> Result<Outcome> {
    let json = match a.format.trim() {
        "human" | "" => false,
        "json" | "{{ json . }}" => true,
        other => bail!("unknown --format {other:?} for migrate down: expected human or json"),
    };
    let url = match SourceUrl::parse(&a.db.url)? {
        SourceUrl::Database(db) => db,
        _ => bail!(
            "--url must name a database (sqlite://, postgres://, mysql://, maria://), not {}",
            cairn_core::url::redact(&a.db.url)
        ),
    };
    let lock_timeout = parse_duration(&a.lock_timeout)?;
    let dir = open_dir(&a.db.dir.dir, false)?;
    let files = validated(&dir)?;
    let driver = crate::drivers::connect(&url, a.dry_run).await?;
    let lock = match driver.lock(APPLY_LOCK, lock_timeout).await {
        Ok(l) => l,
        Err(e) => {
            driver.close().await;
            bail!("cannot take the lock {APPLY_LOCK}: {e}");
        }
    };
    let result = down_locked(&a, driver.as_ref(), &files).await;
    lock.release().await;
    driver.close().await;
    let r = result?;
    if json {
        println!("{}", down_json(&r, &a, &url));
    } else {
        print_down(&r, a.dry_run);
    }
    Ok(outcome(&r))
}

fn outcome(r: &DownRun) -> Outcome {
    if r.refused || r.report.as_ref().is_some_and(|x| x.error.is_some()) {
        Outcome::Failed
    } else {
        Outcome::Success
    }
}

async fn down_locked(
    a: &MigrateDownArgs,
    driver: &dyn Driver,
    files: &[MigrationFile],
) -> Result<DownRun> {
    let dialect = driver.dialect();
    let table = RevisionTable::locate(
        dialect,
        driver.bound_schema(),
        a.db.revisions_schema.as_deref(),
    )?;
    let mut session = driver.session().await?;
    let revisions = table.read_all(session.as_mut()).await;
    session.close().await;
    let revisions = revisions?;
    let target = down_target(files, &revisions, a.amount, a.to_version.as_deref())?;
    let mut run = DownRun {
        from: revisions.last().map(|r| r.version.clone()),
        target,
        ..DownRun::default()
    };
    if run.target.reverted.is_empty() {
        return Ok(run);
    }

    // The target state: the directory up to the target version.
    let mut desired = match a.dev_url.as_deref() {
        Some(u) => {
            let dev_url = match SourceUrl::parse(u)? {
                SourceUrl::Database(db) => db,
                _ => bail!(
                    "--dev-url must be a database URL, not {}",
                    cairn_core::url::redact(u)
                ),
            };
            let dev = crate::drivers::connect(&dev_url, false).await?;
            let timeout = parse_duration(&a.lock_timeout)?;
            let lock = match dev.lock(DIFF_LOCK, timeout).await {
                Ok(l) => l,
                Err(e) => {
                    dev.close().await;
                    bail!("cannot take the lock {DIFF_LOCK} on the dev database: {e}");
                }
            };
            let state = directory_state(&run.target.replay, dialect, Some(dev.as_ref())).await;
            lock.release().await;
            dev.close().await;
            state?
        }
        None => directory_state(&run.target.replay, dialect, None).await?,
    };
    let Some(mut desired) = desired.take() else {
        bail!("the directory's state at the target version cannot be computed");
    };
    // The actual state (the revisions table is never part of it).
    let mut current = driver.inspect(&InspectOptions::default()).await?;
    if driver.bound_schema().is_none() {
        current
            .schemas
            .retain(|s| !(s.name == table.schema && s.is_empty()));
    }
    align(&mut current, &mut desired);
    let reverted_files: Vec<MigrationFile> = files
        .iter()
        .filter(|f| run.target.reverted.iter().any(|r| r.version == f.version()))
        .cloned()
        .collect();
    apply_rename_hints(&mut desired, &rename_hints(&reverted_files, dialect));

    let d = diff(&current, &desired, &DiffOptions::default());
    if !d.errors.is_empty() {
        for e in &d.errors {
            eprintln!("{} {e}", render::style::error_label());
        }
        bail!("the database's state cannot be compared with the directory's");
    }
    let p = plan(
        crate::drivers::planner(dialect),
        &d,
        &current,
        &desired,
        &PlanOptions::default(),
    );
    let allow = Allowances {
        destructive: a.allow_destructive,
        drops: a.allow_drop.clone(),
    };
    let mut findings = check_plan(&p, &d.possible_renames, &allow);
    // A drop refused by default is allowed when the live table or column is empty: reverting
    // a file that created it loses nothing.
    let mut session = driver.session().await?;
    let checked = empty_drops(session.as_mut(), dialect, &p, &current, &mut findings).await;
    if let Err(e) = checked {
        session.close().await;
        return Err(e);
    }
    findings.extend(cairn_core::safety::rule_findings(
        &crate::commands::rules::stdlib(),
        &current,
        &desired,
        &p,
        &cairn_core::policy::LintPolicy::default(),
    ));
    run.refused = findings
        .iter()
        .any(|f| f.severity == FindingSeverity::Error);
    run.possible = d.possible_renames.clone();
    run.findings = findings;
    if a.dry_run || run.refused {
        session.close().await;
        run.plan = Some(p);
        return Ok(run);
    }
    let report = revert(
        session.as_mut(),
        &table,
        &p,
        &run.target.reverted,
        dialect.transactional_ddl(),
    )
    .await;
    session.close().await;
    run.report = Some(report?);
    run.plan = Some(p);
    Ok(run)
}

/// Lines the two states up: in schema scope the target state's schema is the database's; the
/// dialect's default schema is never dropped because the target state does not mention it.
fn align(current: &mut Realm, desired: &mut Realm) {
    desired.dialect = current.dialect;
    crate::commands::states::align_schemas(current, desired);
    if let Some(def) = current.dialect.default_schema() {
        let d = current.dialect;
        if current.schemas.iter().any(|s| d.idents_equal(&s.name, def))
            && !desired.schemas.iter().any(|s| d.idents_equal(&s.name, def))
        {
            desired.schemas.push(cairn_ir::Schema::new(def));
        }
    }
}

/// Checks every refused DS finding against the live database: a drop of a table or column
/// without data becomes a warning; one with data stays an error and says so.
async fn empty_drops(
    s: &mut dyn cairn_core::Session,
    dialect: cairn_ir::Dialect,
    p: &Plan,
    current: &Realm,
    findings: &mut [Finding],
) -> Result<()> {
    for f in findings.iter_mut() {
        if f.severity != FindingSeverity::Error || !f.code.starts_with("DS") {
            continue;
        }
        let Some(change) = f.change.and_then(|i| p.changes.get(i)) else {
            continue;
        };
        let holds = match change {
            Change::DropTable { table, .. } => rows_present(s, dialect, table, None).await?,
            Change::DropColumn { table, column } => {
                rows_present(s, dialect, table, Some(&column.name)).await?
            }
            Change::DropSchema { name } => {
                let mut any = false;
                if let Some(schema) = current.schema(name) {
                    for t in &schema.tables {
                        let r = cairn_ir::TableRef::new(name, &t.name);
                        if rows_present(s, dialect, &r, None).await? {
                            any = true;
                            break;
                        }
                    }
                }
                any
            }
            _ => true,
        };
        if holds {
            f.message = format!("{}, and it holds data", f.message);
        } else {
            f.severity = FindingSeverity::Warning;
            f.message = format!("{}: it holds no data", change.summary());
            f.help = None;
        }
    }
    Ok(())
}

fn version_list(t: &DownTarget) -> String {
    t.reverted
        .iter()
        .rev()
        .map(|r| r.version.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_down(r: &DownRun, dry_run: bool) {
    let color = render::style::color_stderr();
    let target = match r.target.target.as_deref() {
        Some(v) => format!("to version {v}"),
        None => "to before the first file".to_string(),
    };
    if r.target.reverted.is_empty() {
        println!(
            "No migration files to revert: the database is at version {}",
            r.from.as_deref().unwrap_or("-")
        );
        return;
    }
    let Some(p) = &r.plan else { return };
    println!("-- Reverting {} ({target}):", version_list(&r.target));
    if p.statements.is_empty() {
        println!("-- no schema changes: the reverted files changed no schema object");
    }
    print!(
        "{}",
        render::plan::plan_sql(
            p,
            color && std::io::IsTerminal::is_terminal(&std::io::stdout())
        )
    );
    eprint!("{}", render::plan::findings_text(&r.findings, color));
    if r.refused {
        let n = r
            .findings
            .iter()
            .filter(|f| f.severity == FindingSeverity::Error)
            .count();
        eprintln!(
            "{} {}: the plan has {n} error finding{}; the database was not changed",
            render::style::error_label(),
            if dry_run {
                "migrate down would refuse"
            } else {
                "refusing to revert"
            },
            if n == 1 { "" } else { "s" }
        );
        return;
    }
    if dry_run {
        return;
    }
    let Some(rep) = &r.report else { return };
    match &rep.error {
        None => eprintln!(
            "Reverted {} migration{} {target} ({} statement{})",
            r.target.reverted.len(),
            if r.target.reverted.len() == 1 {
                ""
            } else {
                "s"
            },
            rep.applied.len(),
            if rep.applied.len() == 1 { "" } else { "s" },
        ),
        Some((i, text)) => {
            eprintln!(
                "{} statement {} failed: {}",
                render::style::error_label(),
                i + 1,
                cairn_core::url::redact(text)
            );
            if let Some(s) = p.statements.get(*i) {
                eprintln!("  statement: {}", s.sql);
            }
            eprintln!(
                "  {} statement{} stay applied; the revisions table is unchanged, and running `cairn migrate down` again plans from the database's state",
                rep.applied.len(),
                if rep.applied.len() == 1 { "" } else { "s" },
            );
        }
    }
}

fn down_json(r: &DownRun, a: &MigrateDownArgs, url: &DbUrl) -> Value {
    let plan = r
        .plan
        .as_ref()
        .map(|p| render::plan::plan_json(p, &r.findings, &r.possible, None));
    let applied: Vec<Value> = match (&r.plan, &r.report) {
        (Some(p), Some(rep)) => rep
            .applied
            .iter()
            .map(|&i| json!(p.statements[i].sql))
            .collect(),
        _ => Vec::new(),
    };
    let error = r.report.as_ref().and_then(|rep| rep.error.as_ref()).map(|(i, text)| {
        json!({"Stmt": r.plan.as_ref().and_then(|p| p.statements.get(*i)).map(|s| s.sql.clone()), "Text": cairn_core::url::redact(text)})
    });
    json!({
        "Dir": a.db.dir.dir,
        "URL": url.redacted(),
        "Current": r.from.clone().unwrap_or_default(),
        "Target": r.target.target.clone().unwrap_or_default(),
        "Reverted": r.target.reverted.iter().rev().map(|x| json!({"Version": x.version, "Description": x.description, "Applied": x.applied, "Total": x.total})).collect::<Vec<_>>(),
        "Plan": plan,
        "Applied": applied,
        "DryRun": a.dry_run,
        "Refused": r.refused,
        "RevisionsRemoved": r.report.as_ref().is_some_and(|x| x.revisions_removed),
        "Error": error,
    })
}
