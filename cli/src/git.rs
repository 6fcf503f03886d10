//! The few git questions `--git-base` asks, answered by the `git` program (run in the migration
//! directory): which migration files are new against a base branch, and which files the base
//! holds. File names only; the directory's own files, not its subdirectories.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .context("cannot run git (is it installed?)")?;
    if !out.status.success() {
        bail!(
            "git {} in {}: {}",
            args.join(" "),
            dir.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Keeps the `.sql` names directly inside the directory.
fn sql_names(listing: &str) -> BTreeSet<String> {
    listing
        .lines()
        .map(str::trim)
        .filter(|l| !l.contains('/') && l.ends_with(".sql"))
        .map(str::to_string)
        .collect()
}

/// The migration files of `dir` that are new or changed against `base` (a branch, tag or
/// commit): added or modified since `base` (committed or not), and untracked files.
pub fn changed_files(dir: &Path, base: &str) -> Result<BTreeSet<String>> {
    git(dir, &["rev-parse", "--show-toplevel"])?;
    if git(
        dir,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ],
    )
    .is_err()
    {
        bail!(
            "--git-base {base}: no such branch or commit in the git repository of {}",
            dir.display()
        );
    }
    let mut out = sql_names(&git(
        dir,
        &[
            "diff",
            "--name-only",
            "--relative",
            "--diff-filter=AMR",
            base,
            "--",
            ".",
        ],
    )?);
    out.extend(sql_names(&git(
        dir,
        &["ls-files", "--others", "--exclude-standard", "--", "."],
    )?));
    Ok(out)
}

/// The migration files `dir` holds on `base`.
pub fn files_at(dir: &Path, base: &str) -> Result<BTreeSet<String>> {
    Ok(sql_names(&git(
        dir,
        &["ls-tree", "-r", "--name-only", base, "--", "."],
    )?))
}
