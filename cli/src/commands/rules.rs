//! `cairn rules list` and `cairn rules test`: the rule sets (the standard library and the
//! project's `*.cairn` files), their catalogue, and their own `test` blocks.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use cairn_sema::rules::{CompiledRules, compile_rules_files};
use clap::{Args, Subcommand};

use crate::Outcome;

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// List the rules: code, name, severity, target and tags (the standard library, plus
    /// --rules files).
    #[command(
        after_help = "Examples:\n  cairn rules list\n  cairn rules list --rules policies/ --format json"
    )]
    List(ListArgs),
    /// Run the `test` blocks of rule files against the real differ and planners (the standard
    /// library when no path is given).
    #[command(
        after_help = "Examples:\n  cairn rules test\n  cairn rules test policies/ naming.cairn"
    )]
    Test(TestArgs),
    /// Write the rule reference (one Markdown page per rule and an index) generated from the
    /// rule files' documentation.
    #[command(
        after_help = "Examples:\n  cairn rules docs\n  cairn rules docs --out site/rules --check"
    )]
    Docs(DocsArgs),
    /// Format `*.cairn` rule files in place: canonical indentation and spacing, one blank line
    /// between items; comments are kept. A file with syntax errors is reported, not rewritten.
    #[command(
        after_help = "Examples:\n  cairn rules fmt policies/\n  cairn rules fmt --check rules/ naming.cairn   # exit 1 and list the files that would change"
    )]
    Fmt(FmtArgs),
}

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Rule files or directories of them (default: the current directory).
    pub paths: Vec<String>,
    /// Do not write; list the files that would change and exit 1 when there are any.
    #[arg(long)]
    pub check: bool,
}

#[derive(Args, Debug)]
pub struct DocsArgs {
    /// The directory to write (default: docs/rules).
    #[arg(long = "out", value_name = "DIR", default_value = "docs/rules")]
    pub out: String,
    /// More rule files or directories to document beside the standard library (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<String>,
    /// Do not write; exit 3 when a page is missing or differs.
    #[arg(long)]
    pub check: bool,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// More rule files or directories of `*.cairn` files (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<String>,
    /// Output: human (default) or json.
    #[arg(long = "format", value_name = "FORMAT", default_value = "human")]
    pub format: String,
}

#[derive(Args, Debug)]
pub struct TestArgs {
    /// Rule files or directories (default: the standard library).
    pub paths: Vec<String>,
}

pub fn run(cmd: RulesCommand) -> Result<Outcome> {
    match cmd {
        RulesCommand::List(a) => list(a),
        RulesCommand::Test(a) => test(a),
        RulesCommand::Docs(a) => docs(a),
        RulesCommand::Fmt(a) => fmt(a),
    }
}

/// `cairn rules fmt`: formats each `*.cairn` file the paths name (directories recursively).
fn fmt(args: FmtArgs) -> Result<Outcome> {
    let paths = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths
    };
    let mut files = Vec::new();
    for p in &paths {
        rule_files(Path::new(p), &mut files)?;
    }
    files.retain(|f| f.extension().is_some_and(|e| e == "cairn"));
    if files.is_empty() {
        bail!("no rule files (*.cairn) in {}", paths.join(", "));
    }
    let (mut broken, mut changed) = (false, Vec::new());
    for f in &files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        let shown = f.display().to_string();
        match cairn_syntax::rules::fmt::format(&shown, &text) {
            Err(errors) => {
                broken = true;
                for d in errors {
                    let (line, column) = line_col(&text, d.span.start as usize);
                    eprintln!(
                        "{shown}:{line}:{column}: {}[{}]: {}",
                        d.severity.name(),
                        d.code,
                        d.message
                    );
                }
                eprintln!("{shown}: not formatted (syntax errors above)");
            }
            Ok(out) if out != text => {
                if !args.check {
                    std::fs::write(f, &out)
                        .with_context(|| format!("cannot write {}", f.display()))?;
                }
                changed.push(shown);
            }
            Ok(_) => {}
        }
    }
    for c in &changed {
        if args.check {
            println!("{c}");
        } else {
            eprintln!("formatted {c}");
        }
    }
    Ok(if broken || (args.check && !changed.is_empty()) {
        Outcome::Failed
    } else {
        Outcome::Success
    })
}

fn docs(args: DocsArgs) -> Result<Outcome> {
    let mut sets = stdlib();
    sets.extend(load_rule_paths(&args.rules)?);
    if report_rule_diagnostics(&sets) {
        bail!("the rule files have errors; no documentation was written");
    }
    let out = Path::new(&args.out);
    let pages = cairn_rules_stdlib::docs::pages(&sets);
    let mut stale = Vec::new();
    for (name, text) in &pages {
        let path = out.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path);
        }
    }
    if args.check {
        for p in &stale {
            eprintln!("{} is out of date", p.display());
        }
        return Ok(if stale.is_empty() {
            Outcome::Success
        } else {
            Outcome::Pending
        });
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for (name, text) in &pages {
        let path = out.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!("wrote {} pages to {}", pages.len(), out.display());
    Ok(Outcome::Success)
}

/// The standard library, compiled.
pub fn stdlib() -> Vec<CompiledRules> {
    cairn_rules_stdlib::compile_all()
}

/// Lists the `*.cairn` files a path names: the file, or a directory's files (recursively,
/// sorted).
fn rule_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot list {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rule_files(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "cairn")
            || p.to_string_lossy().ends_with(".rule.hcl")
        {
            out.push(p);
        }
    }
    Ok(())
}

/// Reads and compiles the rule files the paths name, together (so they may `use` each other).
pub fn load_rule_paths(paths: &[String]) -> Result<Vec<CompiledRules>> {
    let mut files = Vec::new();
    for p in paths {
        rule_files(Path::new(p), &mut files)?;
    }
    let mut inputs = Vec::new();
    for f in &files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        inputs.push((f.display().to_string(), text));
    }
    if inputs.is_empty() && !paths.is_empty() {
        bail!(
            "no rule files (*.cairn, *.rule.hcl) in {}",
            paths.join(", ")
        );
    }
    Ok(compile_rules_files(&inputs))
}

/// Prints the diagnostics of rule files (`file:line:column: severity[CODE]: message`);
/// returns whether any is an error.
pub fn report_rule_diagnostics(sets: &[CompiledRules]) -> bool {
    let mut errors = false;
    for set in sets {
        if set.diagnostics.is_empty() {
            continue;
        }
        // The standard library is embedded; user files are read back for their lines.
        let text = std::fs::read_to_string(&set.path).unwrap_or_default();
        for d in &set.diagnostics {
            errors |= d.is_error();
            let (line, column) = line_col(&text, d.span.start as usize);
            eprintln!(
                "{}:{line}:{column}: {}[{}]: {}",
                set.path,
                d.severity.name(),
                d.code,
                d.message
            );
            if let Some(h) = &d.help {
                eprintln!("  help: {h}");
            }
        }
    }
    errors
}

/// The diagnostics of rule files with each file's text (read back from disk; empty for the
/// embedded standard library), for reports that carry them as findings.
pub fn rule_file_diagnostics(
    sets: &[CompiledRules],
) -> Vec<(String, String, cairn_syntax::Diagnostic)> {
    let mut out = Vec::new();
    for set in sets.iter().filter(|s| !s.diagnostics.is_empty()) {
        let text = std::fs::read_to_string(&set.path).unwrap_or_default();
        for d in &set.diagnostics {
            out.push((set.path.clone(), text.clone(), d.clone()));
        }
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[start..].chars().count() + 1)
}

fn list(args: ListArgs) -> Result<Outcome> {
    let json = match args.format.as_str() {
        "human" => false,
        "json" => true,
        other => bail!("unknown --format {other:?} for rules list: expected human or json"),
    };
    let mut sets = stdlib();
    sets.extend(load_rule_paths(&args.rules)?);
    let failed = report_rule_diagnostics(&sets);
    let mut rows = Vec::new();
    for set in &sets {
        for r in &set.rules {
            rows.push(serde_json::json!({
                "code": r.code,
                "name": r.name,
                "severity": r.severity.name(),
                "target": match r.target {
                    cairn_sema::rules::Target::Schema => "schema",
                    cairn_sema::rules::Target::Plan => "plan",
                },
                "tags": r.tags,
                "dialects": r.dialects,
                "summary": r.doc.as_ref().map(|d| d.summary.clone()),
                "file": set.path,
            }));
        }
    }
    if json {
        println!("{}", serde_json::json!({ "rules": rows }));
    } else {
        for set in &sets {
            for r in &set.rules {
                println!(
                    "{:<8} {:<40} {:<8} {}",
                    r.code.as_deref().unwrap_or("-"),
                    r.name,
                    r.severity.name(),
                    r.tags.join(", ")
                );
            }
        }
    }
    Ok(if failed {
        Outcome::Failed
    } else {
        Outcome::Success
    })
}

fn test(args: TestArgs) -> Result<Outcome> {
    let sets = if args.paths.is_empty() {
        stdlib()
    } else {
        load_rule_paths(&args.paths)?
    };
    let mut failed = report_rule_diagnostics(&sets);
    let (mut passed, mut failures) = (0usize, 0usize);
    for set in &sets {
        let outcomes = cairn_core::rules_test::run_tests(set, &|d| crate::drivers::planner(d));
        for o in outcomes {
            match &o.failure {
                None => {
                    passed += 1;
                    println!(
                        "ok    {} {} \"{}\" ({})",
                        o.file, o.rule, o.title, o.dialect
                    );
                }
                Some(why) => {
                    failures += 1;
                    println!(
                        "FAIL  {} {} \"{}\" ({}): {why}",
                        o.file, o.rule, o.title, o.dialect
                    );
                }
            }
        }
    }
    println!("{passed} passed, {failures} failed");
    failed |= failures > 0;
    Ok(if failed {
        Outcome::Failed
    } else {
        Outcome::Success
    })
}
