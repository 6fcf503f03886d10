//! Tenant fleets: a `for_each` env runs the command once per target, as a child process of
//! this binary (`--instance KEY` added to the same command line), so every target gets its
//! own report, its own database connections and its own exit code.
//!
//! Targets run in the rollout's groups, in order (`rollout { deployment = deployment.NAME }`,
//! its `group` blocks); a group runs `parallel` targets at once; a later group starts only when
//! every target of the earlier ones succeeded (unless the group says `on_error = CONTINUE`).
//! A failing target is reported and the others of its group go on, unless `--fail-fast`. One
//! progress line per group goes to stderr. Text output: each target's report under a
//! `-- target KEY (group G): STATUS` line. `--format json`: one document,
//! `{"env", "targets": [{"target", "group", "status", "exit_code", "output", "error"}],
//! "groups": [{"name", "status", "succeeded", "failed", "skipped"}]}`.
//!
//! Exit code: 1 when a target failed or was skipped, else 3 when one reported pending changes
//! (`--check`), else 0.

use std::collections::VecDeque;
use std::io::Write;
use std::process::{Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use cairn_core::project::Fleet;
use serde_json::{Value as Json, json};

use crate::args::Cli;

#[derive(Clone, Debug)]
struct Outcome {
    status: &'static str,
    code: i32,
    stdout: String,
    stderr: String,
}

pub fn run(fleet: &Fleet, cli: &Cli) -> ExitCode {
    let json = wants_json();
    let env_name = cli.project.env.clone().unwrap_or_default();
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot find the cairn binary to run the targets: {e}");
            return ExitCode::from(1);
        }
    };
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let mut results: Vec<Option<Outcome>> = vec![None; fleet.targets.len()];
    let mut group_reports = Vec::new();
    let mut blocked = false;
    let stop = AtomicBool::new(false);
    let total_groups = fleet.groups.len();
    for (gi, g) in fleet.groups.iter().enumerate() {
        let members: Vec<usize> = (0..fleet.targets.len())
            .filter(|i| fleet.targets[*i].group == gi)
            .collect();
        if blocked || stop.load(Ordering::SeqCst) {
            eprintln!(
                "Group {} ({}/{}): skipped, {} target(s) not run because an earlier target failed",
                g.name,
                gi + 1,
                total_groups,
                members.len()
            );
            group_reports.push(json!({"name": g.name, "status": "skipped", "succeeded": 0, "failed": 0, "skipped": members.len()}));
            continue;
        }
        eprintln!(
            "Group {} ({}/{}): {} target(s), {} at a time",
            g.name,
            gi + 1,
            total_groups,
            members.len(),
            g.parallel
        );
        let queue = Mutex::new(members.iter().copied().collect::<VecDeque<usize>>());
        let done = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..g.parallel.min(members.len()).max(1) {
                s.spawn(|| {
                    loop {
                        if stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let Some(i) = queue.lock().unwrap_or_else(|e| e.into_inner()).pop_front()
                        else {
                            break;
                        };
                        let key = &fleet.targets[i].key;
                        let out = run_one(&exe, &args, key);
                        if out.status == "failed" && cli.project.fail_fast {
                            stop.store(true, Ordering::SeqCst);
                        }
                        if !json {
                            report_text(key, &g.name, &out);
                        }
                        done.lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((i, out));
                    }
                });
            }
        });
        let done = done.into_inner().unwrap_or_else(|e| e.into_inner());
        let failed = done.iter().filter(|(_, o)| o.status == "failed").count();
        let ran = done.len();
        for (i, o) in done {
            results[i] = Some(o);
        }
        let skipped = members.len() - ran;
        eprintln!(
            "Group {}: {} succeeded, {} failed{}",
            g.name,
            ran - failed,
            failed,
            if skipped > 0 {
                format!(", {skipped} skipped (--fail-fast)")
            } else {
                String::new()
            }
        );
        group_reports.push(json!({
            "name": g.name,
            "status": if failed > 0 { "failed" } else if skipped > 0 { "stopped" } else { "ok" },
            "succeeded": ran - failed,
            "failed": failed,
            "skipped": skipped,
        }));
        if failed > 0 && !g.continue_on_error {
            blocked = true;
        }
    }
    let any_failed_or_skipped = results
        .iter()
        .any(|r| r.as_ref().is_none_or(|o| o.status == "failed"));
    let any_pending = results
        .iter()
        .any(|r| r.as_ref().is_some_and(|o| o.status == "pending"));
    if json {
        let targets: Vec<Json> = fleet
            .targets
            .iter()
            .zip(&results)
            .map(|(t, r)| {
                let group = &fleet.groups[t.group].name;
                match r {
                    Some(o) => json!({
                        "target": t.key,
                        "group": group,
                        "status": o.status,
                        "exit_code": o.code,
                        "output": serde_json::from_str::<Json>(o.stdout.trim()).unwrap_or_else(|_| {
                            if o.stdout.is_empty() { Json::Null } else { Json::String(o.stdout.clone()) }
                        }),
                        "error": if o.stderr.trim().is_empty() { Json::Null } else { Json::String(o.stderr.trim().to_string()) },
                    }),
                    None => json!({
                        "target": t.key,
                        "group": group,
                        "status": "skipped",
                        "exit_code": Json::Null,
                        "output": Json::Null,
                        "error": Json::Null,
                    }),
                }
            })
            .collect();
        println!(
            "{}",
            json!({"env": env_name, "targets": targets, "groups": group_reports})
        );
    }
    let ok = results
        .iter()
        .filter(|r| r.as_ref().is_some_and(|o| o.status != "failed"))
        .count();
    eprintln!(
        "Fleet {env_name}: {ok} of {} target(s) succeeded",
        fleet.targets.len()
    );
    ExitCode::from(if any_failed_or_skipped {
        1
    } else if any_pending {
        3
    } else {
        0
    })
}

fn run_one(exe: &std::path::Path, args: &[std::ffi::OsString], key: &str) -> Outcome {
    let out = Command::new(exe)
        .args(args)
        .arg("--instance")
        .arg(key)
        .stdin(Stdio::null())
        .output();
    match out {
        Ok(o) => {
            let code = o.status.code().unwrap_or(1);
            Outcome {
                status: match code {
                    0 => "ok",
                    3 => "pending",
                    _ => "failed",
                },
                code,
                stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            }
        }
        Err(e) => Outcome {
            status: "failed",
            code: 1,
            stdout: String::new(),
            stderr: format!("cannot start the target's process: {e}"),
        },
    }
}

/// One target's report: a header on stdout, its output, its errors on stderr (prefixed).
fn report_text(key: &str, group: &str, o: &Outcome) {
    let stdout = std::io::stdout();
    let mut w = stdout.lock();
    let _ = writeln!(w, "-- target {key} (group {group}): {}", o.status);
    let _ = w.write_all(o.stdout.as_bytes());
    if !o.stdout.is_empty() && !o.stdout.ends_with('\n') {
        let _ = writeln!(w);
    }
    let _ = w.flush();
    drop(w);
    let stderr = std::io::stderr();
    let mut e = stderr.lock();
    for line in o.stderr.lines() {
        let _ = writeln!(e, "[{key}] {line}");
    }
}

/// `--format json` (or `--format={{ json . }}`) on the command line.
fn wants_json() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().enumerate().any(|(i, a)| {
        let v = if a == "--format" {
            args.get(i + 1).map(String::as_str)
        } else {
            a.strip_prefix("--format=")
        };
        v.is_some_and(|v| v.trim() == "json" || v.contains("json ."))
    })
}
