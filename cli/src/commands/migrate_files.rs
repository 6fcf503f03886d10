//! Commands that rewrite the migration directory without touching a database:
//! `cairn migrate checkpoint [NAME]` (the directory's whole state as one file that new databases
//! start from) and `cairn migrate rebase VERSION...` (move files after the latest one).

use anyhow::{Result, bail};
use cairn_core::diff::{DiffOptions, diff};
use cairn_core::migrate::MigrationFile;
use cairn_core::plan::{PlanOptions, plan};
use cairn_core::{Driver, SourceUrl};
use cairn_ir::{Dialect, Realm};
use clap::Args;

use crate::Outcome;
use crate::commands::migrate::{DirArgs, open_dir, validated};
use crate::commands::migrate_diff::{
    DIFF_LOCK, directory_state, from_last_checkpoint, migration_sql, next_version,
};
use crate::commands::schema_apply::parse_duration;

pub const CHECKPOINT_EXAMPLES: &str = "Examples:
  cairn migrate checkpoint --dialect sqlite
  cairn migrate checkpoint v1 --dev-url 'postgres://localhost/dev?search_path=public'

The file starts with `-- atlas:checkpoint [NAME]` and creates the directory's whole state
(replayed on --dev-url, or compiled by Cairn in --dialect). A new database starts at the latest
checkpoint; a database that applied the files before it skips it.";

pub const REBASE_EXAMPLES: &str = "Examples:
  cairn migrate rebase 20240105090000
  cairn migrate rebase 20240105090000 20240106100000 --dir file://db/migrations

Each file is renamed to a version after the directory's latest (keeping its description), in
the order given, and atlas.sum is rewritten. No database is consulted: rebase a file only
while no database has applied it.";

#[derive(Args, Debug)]
pub struct CheckpointArgs {
    /// The checkpoint's tag, also the file's description (default: `checkpoint`).
    pub name: Option<String>,
    #[command(flatten)]
    pub dir: DirArgs,
    /// A clean dev database to replay the directory on.
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Option<String>,
    /// The dialect to compile the directory in, without a dev database.
    #[arg(long = "dialect", value_name = "DIALECT")]
    pub dialect: Option<String>,
    /// How long to wait for the dev database's lock (atlas_migrate_diff), e.g. 10s, 1m.
    #[arg(long = "lock-timeout", value_name = "DURATION", default_value = "10s")]
    pub lock_timeout: String,
    /// Output: human (default: the new file's path) or json.
    #[arg(long = "format", value_name = "FORMAT", default_value = "human")]
    pub format: String,
}

#[derive(Args, Debug)]
pub struct RebaseArgs {
    /// The versions of the files to move after the latest one.
    #[arg(required = true, value_name = "VERSION")]
    pub versions: Vec<String>,
    #[command(flatten)]
    pub dir: DirArgs,
    /// Output: human (default: one `old -> new` line per file) or json.
    #[arg(long = "format", value_name = "FORMAT", default_value = "human")]
    pub format: String,
}

fn json_format(format: &str, command: &str) -> Result<bool> {
    match format.trim() {
        "human" | "" => Ok(false),
        "json" | "{{ json . }}" => Ok(true),
        other => bail!("unknown --format {other:?} for {command}: expected human or json"),
    }
}

fn checked_name(n: Option<&str>) -> Result<Option<String>> {
    match n.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) if n.contains(['/', '\\', '\n']) || n.chars().any(char::is_whitespace) => {
            bail!("a checkpoint name cannot contain whitespace or a path separator: {n:?}")
        }
        n => Ok(n.map(str::to_string)),
    }
}

pub async fn checkpoint(a: CheckpointArgs) -> Result<Outcome> {
    let json = json_format(&a.format, "migrate checkpoint")?;
    let name = checked_name(a.name.as_deref())?;
    let dir = open_dir(&a.dir.dir, false)?;
    let files = validated(&dir)?;
    if files.is_empty() {
        bail!(
            "{}: the migration directory has no files to checkpoint",
            dir.root.display()
        );
    }
    let replay = from_last_checkpoint(&files);
    let state = match a.dev_url.as_deref() {
        Some(u) => {
            let db = match SourceUrl::parse(u)? {
                SourceUrl::Database(db) => db,
                _ => bail!(
                    "--dev-url must be a database URL, not {}",
                    cairn_core::url::redact(u)
                ),
            };
            let dev = crate::drivers::connect(&db, false).await?;
            let lock = match dev.lock(DIFF_LOCK, parse_duration(&a.lock_timeout)?).await {
                Ok(l) => l,
                Err(e) => {
                    dev.close().await;
                    bail!("cannot take the lock {DIFF_LOCK} on the dev database: {e}");
                }
            };
            let dialect = dev.dialect();
            let s = directory_state(replay, dialect, Some(dev.as_ref() as &dyn Driver)).await;
            lock.release().await;
            dev.close().await;
            s?
        }
        None => {
            let Some(d) = a.dialect.as_deref() else {
                bail!(
                    "migrate checkpoint needs --dev-url (a clean dev database) or --dialect postgres|mysql|mariadb|sqlite"
                );
            };
            let dialect = Dialect::from_name(d).ok_or_else(|| {
                anyhow::anyhow!(
                    "unknown dialect {d:?}: expected postgres, mysql, mariadb or sqlite"
                )
            })?;
            directory_state(replay, dialect, None).await?
        }
    };
    let Some(state) = state else {
        return Ok(Outcome::Failed);
    };
    let Some(body) = checkpoint_sql(&state) else {
        bail!(
            "{}: the directory's state is empty: there is nothing to checkpoint",
            dir.root.display()
        );
    };
    let version = next_version(&files, std::time::SystemTime::now());
    let description = name.clone().unwrap_or_else(|| "checkpoint".to_string());
    let header = match &name {
        Some(n) => format!("-- atlas:checkpoint {n}\n\n"),
        None => "-- atlas:checkpoint\n\n".to_string(),
    };
    let file = format!("{version}_{description}.sql");
    let path = dir.add_file(&file, &(header + &body))?;
    if json {
        println!(
            "{}",
            serde_json::json!({"Dir": a.dir.dir, "File": file, "Path": path.display().to_string(), "Version": version, "Tag": name})
        );
    } else {
        println!("{}", path.display());
    }
    Ok(Outcome::Success)
}

/// The statements that create `state` on an empty database, in dependency order, written as
/// `migrate diff` writes a file; `None` when the state is empty. The schema a schema-scoped
/// database (or the dialect's default schema) already has is not created.
fn checkpoint_sql(state: &Realm) -> Option<String> {
    let d = state.dialect;
    let mut empty = Realm::new(d);
    for s in &state.schemas {
        let kept = state.schemas.len() == 1
            || d.fixed_schema().is_some()
            || d.default_schema()
                .is_some_and(|def| d.idents_equal(def, &s.name));
        if kept {
            empty.schemas.push(cairn_ir::Schema::new(&s.name));
        }
    }
    let changes = diff(&empty, state, &DiffOptions::default());
    let p = plan(
        crate::drivers::planner(d),
        &changes,
        &empty,
        state,
        &PlanOptions::default(),
    );
    (!p.statements.is_empty()).then(|| migration_sql(&p, None))
}

pub fn rebase(a: RebaseArgs) -> Result<Outcome> {
    let json = json_format(&a.format, "migrate rebase")?;
    let dir = open_dir(&a.dir.dir, false)?;
    let mut files = dir.files()?;
    // The directory may hold a stale atlas.sum (a merge brought files in): rebase rewrites it.
    let mut seen = Vec::new();
    for v in &a.versions {
        if seen.contains(v) {
            bail!("version {v} is named twice");
        }
        seen.push(v.clone());
        if !files.iter().any(|f| f.version() == v) {
            bail!(
                "{}: no migration file has version {v:?}",
                dir.root.display()
            );
        }
    }
    let mut moved = Vec::new();
    for v in &a.versions {
        let i = files
            .iter()
            .position(|f| f.version() == v)
            .expect("checked above");
        let file = files.remove(i);
        let others_after = files
            .iter()
            .any(|f| f.version().as_bytes() > file.version().as_bytes());
        if !others_after && a.versions.len() == 1 {
            files.insert(i, file);
            if json {
                println!("{}", serde_json::json!({"Dir": a.dir.dir, "Moved": []}));
            } else {
                println!("{v} is already the latest file; nothing to rebase");
            }
            return Ok(Outcome::Success);
        }
        let version = next_version(&files, std::time::SystemTime::now());
        let new_name = match file.description() {
            "" => format!("{version}.sql"),
            d => format!("{version}_{d}.sql"),
        };
        let from = dir.root.join(&file.name);
        let to = dir.root.join(&new_name);
        if to.exists() {
            bail!("{} already exists", to.display());
        }
        std::fs::rename(&from, &to)
            .map_err(|e| anyhow::anyhow!("renaming {}: {e}", from.display()))?;
        moved.push((file.name.clone(), new_name.clone()));
        files.push(MigrationFile {
            name: new_name,
            bytes: file.bytes,
        });
    }
    dir.write_sum()?;
    if json {
        let moved: Vec<_> = moved
            .iter()
            .map(|(from, to)| serde_json::json!({"From": from, "To": to}))
            .collect();
        println!("{}", serde_json::json!({"Dir": a.dir.dir, "Moved": moved}));
        return Ok(Outcome::Success);
    }
    for (from, to) in moved {
        println!("{from} -> {to}");
    }
    Ok(Outcome::Success)
}
