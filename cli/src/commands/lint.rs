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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use cairn_core::diff::{DiffOptions, diff};
use cairn_core::lint::{Stmt, directive_matches, file_directives, split_statements, suppressed};
use cairn_core::plan::{PlanOptions, plan};
use cairn_ir::{Dialect, Plan, Realm};
use cairn_sema::rules::{Anchor, CompiledRules, Finding, LintTarget, evaluate};
use cairn_syntax::Severity;
use clap::Args;

use crate::Outcome;
use crate::commands::rules::{load_rule_paths, report_rule_diagnostics, stdlib};

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
    /// Output: human (default) or json.
    #[arg(long = "format", value_name = "FORMAT", default_value = "human")]
    pub format: String,
}

pub const LINT_EXAMPLES: &str = "Examples:
  cairn lint schema.pg.hcl
  cairn lint migrations/ --dialect postgres --format json
  cairn lint migrations/20240102_add_index.sql --dialect postgres --rules policies/
  cairn lint schema.sql --schema-file --dialect mysql

In migration files, `-- atlas:nolint DS103` (or `-- cairn:nolint`) above a statement silences
those codes for it; at the top of the file, followed by a blank line, for the whole file.";

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
}

/// Everything lint knows about a file it reports into.
struct Report {
    texts: BTreeMap<String, String>,
    diags: Vec<Diag>,
}

pub fn run(args: LintArgs) -> Result<Outcome> {
    let json = match args.format.as_str() {
        "human" => false,
        "json" => true,
        other => bail!("unknown --format {other:?} for lint: expected human or json"),
    };
    let mut rules = stdlib();
    rules.extend(load_rule_paths(&args.rules)?);
    if report_rule_diagnostics(&rules) {
        bail!("the rule files have errors");
    }
    let paths = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths.clone()
    };
    let mut report = Report {
        texts: BTreeMap::new(),
        diags: Vec::new(),
    };
    let mut schema_files: Vec<PathBuf> = Vec::new();
    for p in &paths {
        let path = Path::new(p);
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            if path.join("atlas.sum").is_file() {
                let files = sql_files(path)?;
                let dialect = dialect_of(args.dialect.as_deref(), &files)?;
                for i in 0..files.len() {
                    lint_migration(&files[..i], &files[i], dialect, &rules, &mut report)?;
                }
            } else {
                schema_files.extend(crate::load::schema_files(path)?);
            }
        } else if p.ends_with(".sql") && !args.schema_file {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            let earlier: Vec<PathBuf> = match dir {
                Some(d) => sql_files(d)?
                    .into_iter()
                    .filter(|f| f.file_name() < path.file_name())
                    .collect(),
                None => sql_files(Path::new("."))?
                    .into_iter()
                    .filter(|f| f.file_name() < path.file_name())
                    .collect(),
            };
            let dialect = dialect_of(args.dialect.as_deref(), std::slice::from_ref(&path.into()))?;
            lint_migration(&earlier, path, dialect, &rules, &mut report)?;
        } else {
            schema_files.push(path.to_path_buf());
        }
    }
    if !schema_files.is_empty() {
        let dialect = dialect_of(args.dialect.as_deref(), &schema_files)?;
        lint_schema(&schema_files, dialect, &rules, &mut report)?;
    }
    report
        .diags
        .sort_by(|a, b| (&a.file, a.start).cmp(&(&b.file, b.start)));
    let failed = report.diags.iter().any(|d| d.severity == Severity::Error);
    if json {
        print_json(&report);
    } else {
        print_human(&report);
    }
    Ok(if failed {
        Outcome::Failed
    } else {
        Outcome::Success
    })
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
        });
    }
    any
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
    let compiled = cairn_sema::compile(&inputs, dialect);
    if compile_errors(&compiled, report) {
        return Ok(());
    }
    let first = inputs.first().map(|(p, _)| p.clone()).unwrap_or_default();
    let texts = &report.texts;
    let found = cairn_core::lint::schema_findings(
        &compiled,
        rules,
        &BTreeMap::new(),
        &|f| texts.get(f).map(String::as_str),
        &first,
    );
    for l in found {
        let (start, end) = (l.span.start as usize, l.span.end as usize);
        report.diags.push(diag(&l.finding, l.file, start, end));
    }
    Ok(())
}

fn diag(f: &Finding, file: String, start: usize, end: usize) -> Diag {
    Diag {
        code: f.code.clone().unwrap_or_else(|| f.name.clone()),
        severity: f.severity,
        message: f.message.clone(),
        help: f.help.clone(),
        file,
        start,
        end,
    }
}

/// A default schema exists on both sides whether or not a state mentions it.
fn keep_default_schema(before: &mut Realm, after: &mut Realm) {
    cairn_core::rules_test::keep_default_schema(before, after);
}

fn plan_between(before: &Realm, after: &Realm) -> Result<Plan> {
    let (mut b, mut a) = (before.clone(), after.clone());
    keep_default_schema(&mut b, &mut a);
    let d = diff(&b, &a, &DiffOptions::default());
    if !d.errors.is_empty() {
        bail!("{}", d.errors.join("; "));
    }
    Ok(plan(
        crate::drivers::planner(after.dialect),
        &d,
        &b,
        &a,
        &PlanOptions::default(),
    ))
}

fn lint_migration(
    earlier: &[PathBuf],
    file: &Path,
    dialect: Dialect,
    rules: &[CompiledRules],
    report: &mut Report,
) -> Result<()> {
    let mut inputs: Vec<(String, String)> =
        earlier.iter().map(|f| read(f)).collect::<Result<_>>()?;
    let (path, text) = read(file)?;
    report.texts.insert(path.clone(), text.clone());
    let stmts = split_statements(&text);
    let header = file_directives(&text);
    if header.as_ref().is_some_and(|codes| codes.is_empty()) {
        return Ok(());
    }
    let before = cairn_sema::compile(&inputs, dialect);
    inputs.push((path.clone(), text.clone()));
    let after = cairn_sema::compile(&inputs, dialect);
    if compile_errors(&after, report) {
        return Ok(());
    }
    let mut before_realm = before.realm.clone();
    let mut after_realm = after.realm.clone();
    keep_default_schema(&mut before_realm, &mut after_realm);
    let whole = plan_between(&before_realm, &after_realm)?;
    let target = LintTarget {
        dialect,
        before: Some(&before_realm),
        after: &after_realm,
        plan: Some(&whole),
        server_version: None,
        schema_rules: true,
    };
    // Which statement of the file brings each change of the whole-file plan about: found by
    // replaying the file statement by statement, on first need.
    let mut owners: Option<Vec<Option<usize>>> = None;
    for set in rules {
        for f in evaluate(set, &target, &BTreeMap::new()).findings {
            let (start, end) = match &f.anchor {
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
                    let owners = match &owners {
                        Some(o) => o,
                        None => owners.insert(change_owners(&text, &stmts, &whole, dialect)),
                    };
                    match changes
                        .iter()
                        .find_map(|c| owners.get(*c).copied().flatten())
                    {
                        Some(s) => (stmts[s].start, stmts[s].end),
                        None => stmts.first().map_or((0, 0), |s| (s.start, s.end)),
                    }
                }
                Anchor::Object { path: obj, .. } => match after.source_map.get(obj) {
                    // Schema findings are reported only for what this file declares.
                    Some(loc) if loc.file == path => {
                        (loc.span.start as usize, loc.span.end as usize)
                    }
                    _ => continue,
                },
                Anchor::None => (0, 0),
            };
            if header
                .as_ref()
                .is_some_and(|codes| directive_matches(codes, &f))
            {
                continue;
            }
            if suppressed(&text, &path, &stmts, start, &f) {
                continue;
            }
            report.diags.push(diag(&f, path.clone(), start, end));
        }
    }
    Ok(())
}

/// For each change of `whole`, the index of the statement of the file that brings it about.
///
/// Linear in the file: each statement is filed once under the table (or, for a bare `DROP
/// INDEX`, the object) it names; a change then looks only at the statements of its table and
/// takes the one that names the most of the objects in the change's summary (the first on a
/// tie, so the statement that created a thing wins over later ones that touch it).
fn change_owners(text: &str, stmts: &[Stmt], whole: &Plan, dialect: Dialect) -> Vec<Option<usize>> {
    let fold = |s: &str| -> String {
        let s = s.trim_matches(|c| c == '"' || c == '`' || c == '[' || c == ']');
        if dialect == Dialect::Postgres {
            s.to_string()
        } else {
            s.to_ascii_lowercase()
        }
    };
    let mut by_table: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut lowered: Vec<String> = Vec::with_capacity(stmts.len());
    for (i, st) in stmts.iter().enumerate() {
        let body = &text[st.start..st.end];
        let lower = body.to_ascii_lowercase();
        if let Some(name) = statement_target(body) {
            let name = name.rsplit('.').next().unwrap_or(&name).to_string();
            by_table.entry(fold(&name)).or_default().push(i);
        }
        lowered.push(lower);
    }
    const NOISE: &[&str] = &[
        "add", "drop", "modify", "rename", "column", "columns", "index", "table", "on", "to",
        "from", "of", "foreign", "key", "primary", "check", "unique", "type", "nullable",
        "default", "and", "the", "set", "not", "null", "comment",
    ];
    whole
        .changes
        .iter()
        .map(|c| {
            let table = c.table()?;
            let candidates = by_table.get(&fold(&table.name))?;
            let words: Vec<String> = c
                .summary()
                .split(|ch: char| ch.is_whitespace() || matches!(ch, '.' | ',' | '(' | ')'))
                .filter(|w| w.len() > 1 && !NOISE.contains(&w.to_ascii_lowercase().as_str()))
                .map(|w| w.to_ascii_lowercase())
                .collect();
            let mut best: Option<(usize, usize)> = None;
            for &i in candidates {
                let score = words
                    .iter()
                    .filter(|w| lowered[i].contains(w.as_str()))
                    .count();
                if best.is_none_or(|(_, s)| score > s) {
                    best = Some((i, score));
                }
            }
            best.map(|(i, _)| i)
        })
        .collect()
}

/// The table a DDL statement works on, as written (possibly qualified and quoted): `CREATE
/// TABLE t`, `ALTER TABLE t`, `DROP TABLE t`, `CREATE INDEX i ON t`, `COMMENT ON COLUMN t.c`.
fn statement_target(body: &str) -> Option<String> {
    let code: String = body
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ");
    let words: Vec<&str> = code.split_whitespace().collect();
    let up: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    let skip = |mut i: usize, opt: &[&str]| {
        while i < up.len() && opt.contains(&up[i].as_str()) {
            i += 1;
        }
        i
    };
    let name_at = |i: usize| -> Option<String> {
        let w = words.get(i)?;
        let w = w.split('(').next().unwrap_or(w).trim_end_matches(';');
        (!w.is_empty()).then(|| w.to_string())
    };
    let first = up.first()?.as_str();
    match first {
        "CREATE" | "ALTER" | "DROP" => {
            let mut i = skip(
                1,
                &[
                    "OR",
                    "REPLACE",
                    "TEMP",
                    "TEMPORARY",
                    "UNLOGGED",
                    "GLOBAL",
                    "LOCAL",
                ],
            );
            match up.get(i).map(String::as_str) {
                Some("TABLE") => {
                    i = skip(i + 1, &["IF", "NOT", "EXISTS", "ONLY"]);
                    name_at(i)
                }
                Some("UNIQUE") | Some("INDEX") if first == "CREATE" => {
                    let on = up.iter().position(|w| w == "ON")?;
                    name_at(skip(on + 1, &["ONLY"]))
                }
                _ => None,
            }
        }
        "COMMENT" => {
            // COMMENT ON COLUMN t.c / COMMENT ON TABLE t
            match up.get(2).map(String::as_str) {
                Some("TABLE") => name_at(3),
                Some("COLUMN") => {
                    let n = name_at(3)?;
                    let mut parts: Vec<&str> = n.split('.').collect();
                    parts.pop();
                    parts.last().map(|s| s.to_string())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// 1-based line and column (in characters) of a byte offset.
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

fn print_json(report: &Report) {
    let lines = line_indexes(report);
    let empty = LineIndex::new("");
    let diags: Vec<serde_json::Value> = report
        .diags
        .iter()
        .map(|d| {
            let idx = lines.get(d.file.as_str()).unwrap_or(&empty);
            let (line, column) = idx.line_col(d.start);
            let (end_line, end_column) = idx.line_col(d.end.max(d.start));
            serde_json::json!({
                "code": d.code,
                "severity": d.severity.name(),
                "message": d.message,
                "help": d.help,
                "file": d.file,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
            })
        })
        .collect();
    println!("{}", serde_json::json!({ "diagnostics": diags }));
}

fn print_human(report: &Report) {
    let lines = line_indexes(report);
    let empty = LineIndex::new("");
    for d in &report.diags {
        let idx = lines.get(d.file.as_str()).unwrap_or(&empty);
        let (line, column) = idx.line_col(d.start);
        println!(
            "{}:{line}:{column}: {}[{}]: {}",
            d.file,
            d.severity.name(),
            d.code,
            d.message
        );
        if let Some(h) = &d.help {
            println!("  help: {h}");
        }
    }
    let errors = report
        .diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let others = report.diags.len() - errors;
    if report.diags.is_empty() {
        println!("No issues found.");
    } else {
        println!("{errors} error(s), {others} other finding(s)");
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
