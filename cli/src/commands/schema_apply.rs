//! `cairn schema apply`: inspect, diff, plan with hazards, check the plan against the safety
//! contract, ask, and apply under the deployment lock in transactional groups.

use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use cairn_core::apply::{ApplyProgress, apply_plan};
use cairn_core::diff::diff;
use cairn_core::plan::{PlanOptions, plan};
use cairn_core::policy::Review;
use cairn_core::safety::{Allowances, FindingSeverity, apply_policy, check_plan, rule_findings};
use cairn_core::{DbUrl, SourceUrl};
use cairn_ir::PossibleRename;

use crate::Outcome;
use crate::args::ApplyArgs;
use crate::commands::states::load_states;
use crate::render;

/// Parses `10s`, `500ms`, `2m`, `1h` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Result<Duration> {
    let s = s.trim();
    let (num, unit) = s.split_at(
        s.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len()),
    );
    let n: f64 = num
        .parse()
        .with_context(|| format!("invalid duration {s:?}: expected e.g. 10s, 500ms, 2m"))?;
    let secs = match unit {
        "" | "s" => n,
        "ms" => n / 1000.0,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => bail!("invalid duration {s:?}: expected e.g. 10s, 500ms, 2m"),
    };
    Ok(Duration::from_secs_f64(secs))
}

struct Printer {
    quiet: bool,
}

impl ApplyProgress for Printer {
    fn group_started(&self, range: &std::ops::Range<usize>, transactional: bool) {
        if !self.quiet {
            eprintln!(
                "-- applying statements {}..{}{}",
                range.start + 1,
                range.end,
                if transactional {
                    " in one transaction"
                } else {
                    " (no transaction)"
                }
            );
        }
    }
}

pub async fn run(args: ApplyArgs) -> Result<Outcome> {
    let json = match args.format.trim() {
        "human" => false,
        "json" | "{{ json . }}" => true,
        other => bail!("unknown --format {other:?} for schema apply: expected human or json"),
    };
    let target = match SourceUrl::parse(&args.url)? {
        SourceUrl::Database(db) => db,
        _ => bail!(
            "--url must name a database (sqlite://, postgres://, mysql://, maria://): it is the database that changes"
        ),
    };
    let tx = match args.tx_mode.as_str() {
        "file" => true,
        "none" => false,
        other => bail!("unknown --tx-mode {other:?}: expected file or none"),
    };
    let lock_timeout = parse_duration(&args.lock_timeout)?;
    let dry_run = args.dry_run || args.check;
    let color = render::style::color_stderr();
    let Some(mut states) = load_states(
        &args.url,
        &args.to,
        args.dialect.as_deref(),
        args.dev_url.as_deref(),
        &args.scope.options(),
    )
    .await?
    else {
        return Ok(Outcome::Failed);
    };
    let mut allow = Allowances {
        destructive: args.allow_destructive,
        drops: args.allow_drop.clone(),
    };
    let policy = args.policy.as_deref().cloned().unwrap_or_default();
    let mut rules = crate::commands::rules::stdlib();
    let rule_paths: Vec<String> = policy
        .rules
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    rules.extend(crate::commands::rules::load_rule_paths(&rule_paths)?);
    if crate::commands::rules::report_rule_diagnostics(&rules) {
        bail!("the rule files of the project's lint policy have errors");
    }
    let interactive = std::io::stdin().is_terminal()
        && std::io::stderr().is_terminal()
        && !args.auto_approve
        && !dry_run
        && !json;
    loop {
        let (current, desired) = (&states.current.realm, &states.desired.realm);
        let d = diff(current, desired, &args.scope.diff_options());
        if !d.errors.is_empty() {
            for e in &d.errors {
                eprintln!("{} {e}", render::style::error_label());
            }
            return Ok(Outcome::Failed);
        }
        let options = PlanOptions {
            concurrent_index: args.concurrent_index,
            online_constraints: args.online.online_constraints,
            online_not_null: true,
        };
        let p = plan(
            crate::drivers::planner(desired.dialect),
            &d,
            current,
            desired,
            &options,
        );
        // The built-in safety findings, under the project's lint policy, and the same lint
        // `cairn lint` runs: the standard library's and the project's plan rules.
        let mut findings =
            apply_policy(check_plan(&p, &d.possible_renames, &allow), &rules, &policy);
        findings.extend(rule_findings(&rules, current, desired, &p, &policy));
        if p.is_empty() {
            if json {
                println!(
                    "{}",
                    render::plan::plan_json(&p, &findings, &d.possible_renames, None)
                );
            } else {
                println!("Schema is synced, no changes to be made");
            }
            return Ok(Outcome::Success);
        }
        // On a terminal, a possible rename is settled by asking, then the plan is recomputed.
        let unsettled: Vec<&PossibleRename> = d
            .possible_renames
            .iter()
            .filter(|r| !allow.drops.contains(&r.drop_name()))
            .collect();
        if interactive && !unsettled.is_empty() {
            let r = unsettled[0].clone();
            match ask_rename(&r)? {
                RenameAnswer::Rename => hint_rename(&mut states.desired.realm, &r),
                RenameAnswer::Drop => allow.drops.push(r.drop_name()),
                RenameAnswer::Abort => {
                    eprintln!("Aborted: nothing was applied.");
                    return Ok(Outcome::Failed);
                }
            }
            continue;
        }
        let errors = findings
            .iter()
            .filter(|f| f.severity == FindingSeverity::Error)
            .count();
        if !json {
            println!("-- Planned Changes:");
            print!(
                "{}",
                render::plan::plan_sql(&p, color && std::io::stdout().is_terminal())
            );
            eprint!("{}", render::plan::findings_text(&findings, color));
        }
        if dry_run {
            if json {
                println!(
                    "{}",
                    render::plan::plan_json(&p, &findings, &d.possible_renames, None)
                );
            }
            return Ok(if args.check {
                Outcome::Pending
            } else {
                Outcome::Success
            });
        }
        if errors > 0 {
            if json {
                println!(
                    "{}",
                    render::plan::plan_json(&p, &findings, &d.possible_renames, None)
                );
            }
            eprintln!(
                "{} refusing to apply: the plan has {errors} error finding{}; the database was not changed",
                render::style::error_label(),
                if errors == 1 { "" } else { "s" }
            );
            return Ok(Outcome::Failed);
        }
        // `lint { review = ... }`: Atlas's policy of when to ask. WARNING asks only when a
        // finding remains, ERROR only when an error does (and errors refuse above).
        let review_needed = match policy.review {
            Review::Always => true,
            Review::Warning => !findings.is_empty(),
            Review::Error => errors > 0,
        };
        if !args.auto_approve && review_needed {
            if !interactive {
                if json {
                    println!(
                        "{}",
                        render::plan::plan_json(&p, &findings, &d.possible_renames, None)
                    );
                }
                eprintln!(
                    "{} not applied: there is no terminal to ask on; pass --auto-approve to apply without asking",
                    render::style::error_label()
                );
                return Ok(Outcome::Failed);
            }
            eprint!(
                "Apply {} statement{}? [y/N] ",
                p.statements.len(),
                if p.statements.len() == 1 { "" } else { "s" }
            );
            std::io::stderr().flush().ok();
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            if !matches!(line.trim(), "y" | "Y" | "yes") {
                eprintln!("Aborted: nothing was applied.");
                return Ok(Outcome::Failed);
            }
        }
        return execute(
            &target,
            &p,
            &findings,
            &d.possible_renames,
            tx,
            lock_timeout,
            json,
        )
        .await;
    }
}

async fn execute(
    target: &DbUrl,
    p: &cairn_ir::Plan,
    findings: &[cairn_core::safety::Finding],
    possible: &[PossibleRename],
    tx: bool,
    lock_timeout: Duration,
    json: bool,
) -> Result<Outcome> {
    let driver = crate::drivers::connect(target, false).await?;
    let printer = Printer { quiet: json };
    let result = tokio::select! {
        r = apply_plan(driver.as_ref(), p, tx, lock_timeout, &printer) => r,
        _ = tokio::signal::ctrl_c() => {
            driver.close().await;
            bail!("interrupted: the statement group in progress was rolled back where the database has transactional DDL; groups before it stay applied");
        }
    };
    driver.close().await;
    let report = result?;
    if json {
        println!(
            "{}",
            render::plan::plan_json(p, findings, possible, Some(&report))
        );
    }
    match &report.error {
        None => {
            if !json {
                eprintln!(
                    "Applied {} statement{}.",
                    report.applied.len(),
                    if report.applied.len() == 1 { "" } else { "s" }
                );
            }
            Ok(Outcome::Success)
        }
        Some((i, text)) => {
            if !json {
                eprintln!(
                    "{} statement {} failed: {text}",
                    render::style::error_label(),
                    i + 1
                );
                if let Some(s) = p.statements.get(*i) {
                    eprintln!("  statement: {}", s.sql);
                }
                eprintln!(
                    "  {} statement{} applied, {} not applied",
                    report.applied.len(),
                    if report.applied.len() == 1 { "" } else { "s" },
                    report.pending.len()
                );
            }
            Ok(Outcome::Failed)
        }
    }
}

enum RenameAnswer {
    Rename,
    Drop,
    Abort,
}

fn ask_rename(r: &PossibleRename) -> Result<RenameAnswer> {
    eprintln!(
        "{} could be a rename.",
        crate::commands::schema_diff::describe(r)
    );
    eprint!("Is it a [r]ename, a [d]rop (its data is deleted), or [a]bort? ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(match line.trim() {
        "r" | "rename" => RenameAnswer::Rename,
        "d" | "drop" => RenameAnswer::Drop,
        _ => RenameAnswer::Abort,
    })
}

/// Records the operator's answer as a `renamed_from` hint on the desired state.
fn hint_rename(desired: &mut cairn_ir::Realm, r: &PossibleRename) {
    let d = desired.dialect;
    match r {
        PossibleRename::Column { table, from, to } => {
            if let Some(c) = desired
                .schema_mut(&table.schema)
                .and_then(|s| s.table_mut(&table.name, d))
                .and_then(|t| t.column_mut(to))
            {
                c.renamed_from = Some(from.clone());
            }
        }
        PossibleRename::Table { schema, from, to } => {
            if let Some(t) = desired.schema_mut(schema).and_then(|s| s.table_mut(to, d)) {
                t.renamed_from = Some(from.clone());
            }
        }
    }
}
