//! `cairn migrate diff [NAME]`: the next migration file. The state the directory produces (its
//! files replayed on the dev database, or compiled by Cairn's SQL front end without one) is
//! diffed against the desired state and planned as `cairn schema diff` plans; the statements
//! are written to `<version>[_<name>].sql` in Atlas's format and `atlas.sum` is rewritten.

use anyhow::{Result, bail};
use cairn_core::diff::diff;
use cairn_core::migrate::executor::split_options;
use cairn_core::migrate::{MigrationFile, new_version};
use cairn_core::plan::{PlanOptions, plan};
use cairn_core::safety::{Allowances, FindingSeverity, check_plan};
use cairn_core::{Driver, SourceUrl};
use cairn_ir::{Change, Plan, PlannedStatement, Realm};
use clap::Args;

use crate::Outcome;
use crate::args::ScopeArgs;
use crate::commands::migrate::{DirArgs, open_dir, validated};
use crate::load::{self, Loaded};
use crate::render;

pub const DIFF_EXAMPLES: &str = "Examples:
  cairn migrate diff add_users --to file://schema.lt.hcl --dialect sqlite
  cairn migrate diff --to file://schema.pg.hcl --dev-url 'postgres://localhost/dev?search_path=public'
  cairn migrate diff baseline --to mysql://root@localhost/shop --dir file://db/migrations
  cairn migrate diff --env local     # dir, dev and src from the project file

The directory's state is its files replayed on the dev database (--dev-url, which must be
empty), or compiled by Cairn's SQL front end without one. A drop that looks like a rename
(RN101) writes nothing until a renamed_from hint or --allow-drop settles it. Hazards and
findings are printed on stderr; the file holds only SQL.";

/// The dev database's lock while `migrate diff` uses it: Atlas's name.
pub(crate) const DIFF_LOCK: &str = "atlas_migrate_diff";

#[derive(Args, Debug)]
pub struct MigrateDiffArgs {
    /// The new file's description: VERSION_NAME.sql.
    pub name: Option<String>,
    #[command(flatten)]
    pub dir: DirArgs,
    /// The desired state: schema files (file://schema.hcl, file://schema.sql, file://dir/) or a
    /// database.
    #[arg(
        long = "to",
        value_name = "URL",
        default_value = "",
        hide_default_value = true
    )]
    pub to: String,
    /// A clean dev database: the directory is replayed and schema files are normalised on it.
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Option<String>,
    /// The dialect, when neither --to nor --dev-url names a database.
    #[arg(long = "dialect", value_name = "DIALECT")]
    pub dialect: Option<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub online: crate::args::OnlineArgs,
    /// Settle a possible rename of this table or `table.column` as a drop (repeatable).
    #[arg(long = "allow-drop", value_name = "NAME")]
    pub allow_drop: Vec<String>,
    /// How long to wait for the dev database's lock (atlas_migrate_diff), e.g. 10s, 1m.
    #[arg(long = "lock-timeout", value_name = "DURATION", default_value = "10s")]
    pub lock_timeout: String,
    /// The file's SQL: `{{ sql . }}` (default) or `{{ sql . "  " }}` (CREATE TABLE bodies
    /// indented by the quoted string).
    #[arg(long = "format", value_name = "FORMAT", default_value = "{{ sql . }}")]
    pub format: String,
}

/// `--format`: the indent of CREATE TABLE bodies (`None`: as planned, two spaces).
fn parse_format(f: &str) -> Result<Option<String>> {
    match super::OutputFormat::parse(f) {
        Ok(super::OutputFormat::Sql { indent }) => Ok(indent),
        _ => bail!(
            "unsupported --format {f:?} for migrate diff: expected {{{{ sql . }}}} or {{{{ sql . \"  \" }}}}"
        ),
    }
}

pub async fn run(a: MigrateDiffArgs) -> Result<Outcome> {
    let indent = parse_format(&a.format)?;
    let name = match a.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) if n.contains(['/', '\\']) => {
            bail!("a migration name cannot contain a path separator: {n:?}")
        }
        n => n.map(str::to_string),
    };
    let dir = open_dir(&a.dir.url(), true)?;
    crate::commands::migrate::atlas_only(&dir, "migrate diff")?;
    let files = validated(&dir)?;
    let scope = a.scope.options();

    // The dev database, connected once: it replays the directory and normalises files.
    let dev: Option<Box<dyn Driver>> = match a.dev_url.as_deref() {
        Some(u) => match SourceUrl::parse(u)? {
            SourceUrl::Database(db) => Some(crate::drivers::connect(&db, false).await?),
            _ => bail!(
                "--dev-url must be a database URL, not {}",
                cairn_core::url::redact(u)
            ),
        },
        None => None,
    };
    // Two diffs sharing a dev database would see each other's objects: take Atlas's lock.
    let lock = match dev.as_deref() {
        Some(d) => {
            let timeout = crate::commands::schema_apply::parse_duration(&a.lock_timeout)?;
            match d.lock(DIFF_LOCK, timeout).await {
                Ok(l) => Some(l),
                Err(e) => {
                    d.close().await;
                    bail!("cannot take the lock {DIFF_LOCK} on the dev database: {e}");
                }
            }
        }
        None => None,
    };
    let result = compute(&a, &files, &scope, dev.as_deref()).await;
    if let Some(l) = lock {
        l.release().await;
    }
    if let Some(d) = dev {
        d.close().await;
    }
    let Some((current, desired)) = result? else {
        return Ok(Outcome::Failed);
    };

    let d = diff(&current, &desired, &a.scope.diff_options());
    if !d.errors.is_empty() {
        for e in &d.errors {
            eprintln!("{} {e}", render::style::error_label());
        }
        return Ok(Outcome::Failed);
    }
    let p = plan(
        crate::drivers::planner(desired.dialect),
        &d,
        &current,
        &desired,
        &PlanOptions {
            online_constraints: a.online.online_constraints,
            online_not_null: true,
            ..PlanOptions::default()
        },
    );
    if p.is_empty() {
        println!("The migration directory is synced with the desired state, no changes to be made");
        return Ok(Outcome::Success);
    }
    // A written file is reviewed and applied later: destructive changes are warnings here, but a
    // possible rename must be settled before a DROP+ADD is written.
    let allow = Allowances {
        destructive: true,
        drops: a.allow_drop.clone(),
    };
    let mut findings = check_plan(&p, &d.possible_renames, &allow);
    findings.extend(cairn_core::safety::rule_findings(
        &crate::commands::rules::stdlib(),
        &current,
        &desired,
        &p,
        &cairn_core::policy::LintPolicy::default(),
    ));
    let color = render::style::color_stderr();
    let blocked = findings
        .iter()
        .any(|f| f.code == "RN101" && f.severity == FindingSeverity::Error);
    if blocked {
        eprint!("{}", render::plan::findings_text(&findings, color));
        eprintln!(
            "{} no migration file was written: settle the possible rename first",
            render::style::error_label()
        );
        return Ok(Outcome::Failed);
    }
    // A statement that must not share a transaction with those before it (an online plan's
    // VALIDATE CONSTRAINT) starts a file of its own, since a file runs in one transaction.
    let mut written = files.clone();
    let mut paths = Vec::new();
    for (k, part) in file_parts(&p).into_iter().enumerate() {
        let version = next_version(&written, std::time::SystemTime::now());
        let file_name = match (&name, k) {
            (Some(n), 0) => format!("{version}_{n}.sql"),
            (None, 0) => format!("{version}.sql"),
            (Some(n), _) => format!("{version}_{n}_validate.sql"),
            (None, _) => format!("{version}_validate.sql"),
        };
        paths.push(dir.add_file(&file_name, &part_sql(&p, part, indent.as_deref()))?);
        written.push(MigrationFile {
            name: file_name,
            bytes: Vec::new(),
        });
    }
    for s in &p.statements {
        let hz = hazard_words(s);
        if !hz.is_empty() {
            eprintln!("hazard: {}: {}", atlas_comment(&p, s), hz.join(", "));
        }
    }
    eprint!("{}", render::plan::findings_text(&findings, color));
    for path in paths {
        println!("{}", path.display());
    }
    Ok(Outcome::Success)
}

/// The statements of each file `migrate diff` writes for a plan: one file, unless a statement
/// must start a new transaction (a VALIDATE CONSTRAINT of an online plan). Then the statements
/// before the first such statement make the first file, and the rest a second, which runs
/// without a file transaction (`-- atlas:txmode none`, each statement on its own) when it holds
/// more than one such statement.
fn file_parts(p: &Plan) -> Vec<std::ops::Range<usize>> {
    let n = p.statements.len();
    let first = p
        .statements
        .iter()
        .position(|s| s.hazards.new_transaction)
        .filter(|&i| i > 0);
    match first {
        Some(i) => vec![0..i, i..n],
        None => std::iter::once(0..n).collect(),
    }
}

/// A file's text: its statements, after `-- atlas:txmode none` when more than one of them must
/// start a transaction of its own.
fn part_sql(p: &Plan, part: std::ops::Range<usize>, indent: Option<&str>) -> String {
    let statements = &p.statements[part];
    let starts = statements
        .iter()
        .skip(1)
        .filter(|s| s.hazards.new_transaction)
        .count();
    let sub = Plan {
        changes: p.changes.clone(),
        statements: statements.to_vec(),
    };
    let sql = migration_sql(&sub, indent);
    if starts > 0 {
        format!("-- atlas:txmode none\n\n{sql}")
    } else {
        sql
    }
}

/// Loads the desired state and computes the directory's; `None` after rendering diagnostics.
async fn compute(
    a: &MigrateDiffArgs,
    files: &[MigrationFile],
    scope: &cairn_core::InspectOptions,
    dev: Option<&dyn Driver>,
) -> Result<Option<(Realm, Realm)>> {
    let to_is_db = matches!(SourceUrl::parse(&a.to)?, SourceUrl::Database(_));
    // Schema files take the dialect of --dialect, else the dev database's (flavour included).
    let dev_dialect = dev.map(|d| d.dialect().name().to_string());
    let explicit = a.dialect.as_deref().or(dev_dialect.as_deref());
    let desired = load::load(&a.to, explicit, &[], scope).await?;
    if report(&desired) {
        return Ok(None);
    }
    let mut desired = desired.realm;
    let dialect = desired.dialect;
    if let Some(dev) = dev
        && dev.dialect() != dialect
        && !(dev.dialect().is_mysql_family() && dialect.is_mysql_family())
    {
        bail!(
            "--dev-url is a {} database but the desired state is {}: use a dev database of the target's dialect",
            dev.dialect(),
            dialect
        );
    }
    let replay = from_last_checkpoint(files);
    let Some(mut current) = directory_state(replay, dialect, dev).await? else {
        return Ok(None);
    };
    cairn_core::scope::filter_realm(&mut current, scope);
    if let Some(dev) = dev
        && !to_is_db
        && !desired.schemas.is_empty()
    {
        desired = cairn_core::dev::normalize_on_dev(
            dev,
            &desired,
            &crate::drivers::create_statements,
            crate::drivers::planner(dev.dialect()),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e} (dev database)"))?;
    }
    // The directory of an empty (or fresh) database has the target's schema, empty.
    if current.schemas.is_empty() {
        if let [only] = desired.schemas.as_slice() {
            current.schemas.push(cairn_ir::Schema::new(&only.name));
        } else if let Some(d) = dialect.default_schema()
            && desired
                .schemas
                .iter()
                .any(|s| dialect.idents_equal(&s.name, d))
        {
            current.schemas.push(cairn_ir::Schema::new(d));
        }
    }
    current.dialect = dialect;
    crate::commands::states::align_schemas(&mut current, &mut desired);
    Ok(Some((current, desired)))
}

/// The state `files` produce, in order: replayed on the dev database when there is one (which
/// must be clean, and is emptied again), else compiled by Cairn's SQL front end in `dialect`.
/// `None` after rendering the diagnostics of files that do not compile.
pub(crate) async fn directory_state(
    files: &[MigrationFile],
    dialect: cairn_ir::Dialect,
    dev: Option<&dyn Driver>,
) -> Result<Option<Realm>> {
    Ok(Some(match dev {
        Some(dev) => {
            let planner = crate::drivers::planner(dev.dialect());
            let mut replays = Vec::new();
            for f in files {
                let split = f.split(split_options(dev.dialect()));
                if let Some(e) = split
                    .diagnostics
                    .iter()
                    .find(|d| d.severity == cairn_syntax::Severity::Error)
                {
                    bail!("{}: {}", f.name, e.message);
                }
                replays.push(cairn_core::dev::ReplayFile {
                    version: f.version().to_string(),
                    statements: split.statements.into_iter().map(|s| s.text).collect(),
                });
            }
            cairn_core::dev::replay_on_dev(dev, &replays, planner)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
        }
        None => {
            let inputs: Vec<(String, String)> = files
                .iter()
                .map(|f| (f.name.clone(), f.migration_text().into_owned()))
                .collect();
            let compiled = crate::load::compile(&inputs, dialect);
            let loaded = Loaded {
                realm: compiled.realm,
                sources: load::Sources {
                    files: inputs.into_iter().collect(),
                },
                diagnostics: compiled.diagnostics,
            };
            if !loaded.diagnostics.is_empty() {
                render::diagnostics::write_all(
                    &mut std::io::stderr(),
                    &loaded.diagnostics,
                    &loaded.sources,
                    render::style::color_stderr(),
                );
            }
            if loaded.diagnostics.iter().any(|d| d.is_error()) {
                eprintln!(
                    "{} the migration directory's files have errors: its state cannot be computed",
                    render::style::error_label()
                );
                return Ok(None);
            }
            loaded.realm
        }
    }))
}

/// Renders a side's diagnostics; true when one is an error.
fn report(l: &Loaded) -> bool {
    if l.diagnostics.is_empty() {
        return false;
    }
    render::diagnostics::write_all(
        &mut std::io::stderr(),
        &l.diagnostics,
        &l.sources,
        render::style::color_stderr(),
    );
    if l.diagnostics.iter().any(|d| d.is_error()) {
        eprintln!(
            "{} the schema has errors; no migration file was written",
            render::style::error_label()
        );
        return true;
    }
    false
}

/// The files a new database runs: from the latest checkpoint on, as Atlas replays.
pub(crate) fn from_last_checkpoint(files: &[MigrationFile]) -> &[MigrationFile] {
    match files.iter().rposition(MigrationFile::is_checkpoint) {
        Some(i) => &files[i..],
        None => files,
    }
}

/// The version of the next file: the current UTC time as `yyyyMMddHHmmss`, as Atlas names files,
/// moved on past the last file's version when that is the same or later. A directory numbered
/// by plain integers (`1_init.sql`, `002_users.sql`) continues its numbering.
pub(crate) fn next_version(files: &[MigrationFile], now: std::time::SystemTime) -> String {
    let Some(last) = files.last().map(MigrationFile::version) else {
        return new_version(now);
    };
    let numeric = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    if numeric(last) && last.len() != 14 {
        let max = files
            .iter()
            .map(MigrationFile::version)
            .filter(|v| numeric(v) && v.len() != 14)
            .filter_map(|v| v.parse::<u128>().ok())
            .max()
            .unwrap_or(0);
        return format!("{:0width$}", max + 1, width = last.len());
    }
    let mut t = now;
    for _ in 0..86_400 {
        let v = new_version(t);
        if v.as_str() > last && !files.iter().any(|f| f.version() == v) {
            return v;
        }
        t += std::time::Duration::from_secs(1);
    }
    new_version(now)
}

/// The file's text, as Atlas's default formatter writes it: each statement preceded by its
/// `-- Comment` line and ended by `;`.
pub fn migration_sql(p: &Plan, indent: Option<&str>) -> String {
    let mut out = String::new();
    for s in &p.statements {
        out.push_str("-- ");
        out.push_str(&atlas_comment(p, s));
        out.push('\n');
        let sql = s.sql.trim_end().trim_end_matches(';');
        match indent {
            Some(ind) if ind != "  " && sql.starts_with("CREATE TABLE") => {
                for (i, line) in sql.lines().enumerate() {
                    if i > 0 {
                        out.push('\n');
                    }
                    let depth = line.len() - line.trim_start_matches("  ").len();
                    out.push_str(&ind.repeat(depth / 2));
                    out.push_str(&line[depth..]);
                }
            }
            _ => out.push_str(sql),
        }
        out.push_str(";\n");
    }
    out
}

fn hazard_words(s: &PlannedStatement) -> Vec<String> {
    let h = &s.hazards;
    let mut v = Vec::new();
    if h.destructive {
        v.push("destructive".to_string());
    }
    if h.data_dependent {
        v.push("data-dependent".to_string());
    }
    if h.backward_incompatible {
        v.push("backward-incompatible".to_string());
    }
    if h.rewrites_table {
        v.push("rewrites the table".to_string());
    }
    if let Some(l) = &h.lock {
        v.push(format!("lock {l}"));
    }
    if h.non_transactional {
        v.push("not transactional".to_string());
    }
    if h.irreversible {
        v.push("irreversible".to_string());
    }
    if h.new_transaction && !h.non_transactional {
        v.push("in a new transaction".to_string());
    }
    v
}

/// The first identifier of `s` (possibly qualified: the last part), unquoted.
fn lead_ident(s: &str) -> Option<String> {
    let mut rest = s.trim_start();
    let mut last = None;
    loop {
        let (part, after) = match rest.chars().next()? {
            q @ ('"' | '`' | '[') => {
                let close = if q == '[' { ']' } else { q };
                let body = &rest[1..];
                let end = body.find(close)?;
                (body[..end].to_string(), &body[end + 1..])
            }
            _ => {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                    .unwrap_or(rest.len());
                if end == 0 {
                    return last;
                }
                (rest[..end].to_string(), &rest[end..])
            }
        };
        last = Some(part);
        match after.strip_prefix('.') {
            Some(r) => rest = r,
            None => return last,
        }
    }
}

/// The text after a case-insensitive keyword prefix (words separated by single spaces).
fn after_prefix<'a>(sql: &'a str, prefix: &str) -> Option<&'a str> {
    let head = sql.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &sql[prefix.len()..])
}

/// The comment Atlas writes above a statement (`Create "users" table`, `Modify "users" table`,
/// `Create index "i" to table: "t"`, ...), from the statement and the change it carries out.
pub fn atlas_comment(p: &Plan, s: &PlannedStatement) -> String {
    let sql = s.sql.trim_start();
    let change = s.changes.first().and_then(|i| p.changes.get(*i));
    let table = change.and_then(Change::table).map(|t| t.name.clone());
    if let Some(rest) = after_prefix(sql, "PRAGMA foreign_keys = ") {
        return if rest.trim().eq_ignore_ascii_case("off") {
            "Disable the enforcement of foreign-keys constraints".into()
        } else {
            "Enable back the enforcement of foreign-keys constraints".into()
        };
    }
    for prefix in [
        "CREATE TABLE IF NOT EXISTS ",
        "CREATE UNLOGGED TABLE ",
        "CREATE TABLE ",
    ] {
        if let Some(n) = after_prefix(sql, prefix).and_then(lead_ident) {
            return format!("Create {n:?} table");
        }
    }
    if let Some(n) = after_prefix(sql, "DROP TABLE ")
        .map(|r| after_prefix(r, "IF EXISTS ").unwrap_or(r))
        .and_then(lead_ident)
    {
        return format!("Drop {n:?} table");
    }
    if let Some(n) = after_prefix(sql, "INSERT INTO ").and_then(lead_ident)
        && let Some(t) = &table
        && n == format!("new_{t}")
    {
        return format!("Copy rows from old table {t:?} to new temporary table {n:?}");
    }
    for prefix in [
        "CREATE UNIQUE INDEX CONCURRENTLY ",
        "CREATE INDEX CONCURRENTLY ",
        "CREATE UNIQUE INDEX ",
        "CREATE INDEX ",
    ] {
        if let Some(rest) = after_prefix(sql, prefix) {
            let rest = after_prefix(rest, "IF NOT EXISTS ").unwrap_or(rest);
            if let Some(n) = lead_ident(rest) {
                let on = rest.to_ascii_uppercase().find(" ON ").and_then(|i| {
                    lead_ident(after_prefix(&rest[i + 4..], "ONLY ").unwrap_or(&rest[i + 4..]))
                });
                return match on.or(table.clone()) {
                    Some(t) => format!("Create index {n:?} to table: {t:?}"),
                    None => format!("Create index {n:?}"),
                };
            }
        }
    }
    if let Some(rest) = after_prefix(sql, "DROP INDEX ") {
        let rest = after_prefix(rest, "CONCURRENTLY ").unwrap_or(rest);
        let rest = after_prefix(rest, "IF EXISTS ").unwrap_or(rest);
        if let Some(n) = lead_ident(rest) {
            return match &table {
                Some(t) => format!("Drop index {n:?} from table: {t:?}"),
                None => format!("Drop index {n:?}"),
            };
        }
    }
    if let Some(rest) = after_prefix(sql, "ALTER TABLE ")
        && let Some(n) = lead_ident(rest)
        && let Some(i) = rest.to_ascii_uppercase().find(" RENAME TO ")
        && let Some(to) = lead_ident(&rest[i + 11..])
        && !matches!(change, Some(Change::RenameTable { .. }))
    {
        return format!("Rename temporary table {n:?} to {to:?}");
    }
    if let Some(rest) = after_prefix(sql, "COMMENT ON ") {
        if let Some(r) = after_prefix(rest, "COLUMN ") {
            let col = lead_ident(r);
            if let (Some(c), Some(t)) = (col, &table) {
                return format!("Set comment to column: {c:?} on table: {t:?}");
            }
        }
        if after_prefix(rest, "TABLE ").is_some()
            && let Some(t) = &table
        {
            return format!("Set comment to table: {t:?}");
        }
    }
    let Some(change) = change else {
        return s.comment.clone();
    };
    // An ALTER TABLE carrying part of another change (a foreign key added after the tables it
    // links were created, a column change) modifies the table, as Atlas says.
    if let Some(n) = after_prefix(sql, "ALTER TABLE ").and_then(lead_ident)
        && !matches!(
            change,
            Change::RenameTable { .. } | Change::RenameColumn { .. } | Change::RenameIndex { .. }
        )
    {
        return format!("Modify {n:?} table");
    }
    match change {
        Change::AddSchema { name, .. } => format!("Add new schema named {name:?}"),
        Change::DropSchema { name } => format!("Drop schema named {name:?}"),
        Change::ModifySchema { name, .. } => format!("Modify {name:?} schema"),
        Change::AddTable { table, .. } => format!("Create {:?} table", table.name),
        Change::DropTable { table, .. } => format!("Drop {:?} table", table.name),
        Change::RenameTable { from, to } => {
            format!("Rename a table from {:?} to {:?}", from.name, to.name)
        }
        Change::RenameColumn { from, to, .. } => {
            format!("Rename a column from {from:?} to {to:?}")
        }
        Change::RenameIndex { from, to, .. } => {
            format!("Rename an index from {from:?} to {to:?}")
        }
        Change::AddIndex { table, index } => {
            format!("Create index {:?} to table: {:?}", index.name, table.name)
        }
        Change::DropIndex { table, index } => {
            format!("Drop index {:?} from table: {:?}", index.name, table.name)
        }
        Change::AddView {
            view, materialized, ..
        } => format!("Create {:?} {}view", view.name, mat(*materialized)),
        Change::DropView {
            view, materialized, ..
        } => format!("Drop {:?} {}view", view.name, mat(*materialized)),
        Change::ModifyView {
            after,
            materialized,
            ..
        } => format!("Modify {:?} {}view", after.name, mat(*materialized)),
        Change::AddFunction {
            function,
            procedure,
            ..
        } => format!("Create {:?} {}", function.name, routine(*procedure)),
        Change::DropFunction {
            function,
            procedure,
            ..
        } => format!("Drop {:?} {}", function.name, routine(*procedure)),
        Change::ModifyFunction {
            after, procedure, ..
        } => format!("Modify {:?} {}", after.name, routine(*procedure)),
        Change::AddSequence { sequence, .. } => format!("Create {:?} sequence", sequence.name),
        Change::DropSequence { sequence, .. } => format!("Drop {:?} sequence", sequence.name),
        Change::ModifySequence { after, .. } => format!("Modify {:?} sequence", after.name),
        Change::AddEnum { def, .. } => format!("Create enum type {:?}", def.name),
        Change::DropEnum { def, .. } => format!("Drop enum type {:?}", def.name),
        Change::AddEnumValue { name, .. } => format!("Add value to enum type: {name:?}"),
        Change::ModifyEnum { after, .. } => format!("Modify enum type {:?}", after.name),
        Change::AddDomain { def, .. } => format!("Create domain type {:?}", def.name),
        Change::DropDomain { def, .. } => format!("Drop domain type {:?}", def.name),
        Change::ModifyDomain { after, .. } => format!("Modify domain type {:?}", after.name),
        Change::AddTrigger { trigger, .. } => format!("Create trigger {:?}", trigger.name),
        Change::DropTrigger { trigger, .. } => format!("Drop trigger {:?}", trigger.name),
        _ => match table {
            Some(t) => format!("Modify {t:?} table"),
            None => s.comment.clone(),
        },
    }
}

fn mat(m: bool) -> &'static str {
    if m { "materialized " } else { "" }
}

fn routine(procedure: bool) -> &'static str {
    if procedure { "procedure" } else { "function" }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str) -> MigrationFile {
        MigrationFile {
            name: name.into(),
            bytes: vec![],
        }
    }

    #[test]
    fn versions_follow_the_directory() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_704_110_400);
        assert_eq!(next_version(&[], t), "20240101120000");
        assert_eq!(
            next_version(&[file("20240101120000_a.sql")], t),
            "20240101120001"
        );
        assert_eq!(
            next_version(&[file("20230101000000_a.sql")], t),
            "20240101120000"
        );
        assert_eq!(next_version(&[file("1_a.sql"), file("2_b.sql")], t), "3");
        assert_eq!(next_version(&[file("001_a.sql")], t), "002");
    }

    #[test]
    fn identifiers_and_comments() {
        assert_eq!(
            lead_ident("\"public\".\"users\" (").as_deref(),
            Some("users")
        );
        assert_eq!(lead_ident("`users` ADD").as_deref(), Some("users"));
        assert_eq!(lead_ident("users(").as_deref(), Some("users"));
        let p = Plan {
            changes: vec![],
            statements: vec![],
        };
        let s = PlannedStatement {
            sql: "CREATE TABLE \"users\" (\n  \"id\" int\n)".into(),
            reverse: None,
            changes: vec![],
            hazards: Default::default(),
            rows: None,
            comment: "Add table main.users".into(),
        };
        assert_eq!(atlas_comment(&p, &s), "Create \"users\" table");
        let out = migration_sql(
            &Plan {
                changes: vec![],
                statements: vec![s.clone()],
            },
            Some("\t"),
        );
        assert_eq!(
            out,
            "-- Create \"users\" table\nCREATE TABLE \"users\" (\n\t\"id\" int\n);\n"
        );
    }
}
