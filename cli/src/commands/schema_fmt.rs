//! `cairn schema fmt`: canonical formatting of HCL files, in place (or `--check`).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cairn_syntax::diag::line_col;

use crate::Outcome;
use crate::args::FmtArgs;

pub fn run(args: FmtArgs) -> Result<Outcome> {
    let paths = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for p in &paths {
        collect(Path::new(p), &mut files)?;
    }
    let mut failed = false;
    let mut pending = false;
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        match cairn_syntax::hcl::fmt::format(&text) {
            Ok(formatted) if formatted == text => {}
            Ok(formatted) => {
                // Atlas prints the name of every file it changed; so do we (and with --check,
                // of every file that would change).
                println!("{}", file.display());
                if args.check {
                    pending = true;
                } else {
                    std::fs::write(&file, formatted)
                        .with_context(|| format!("cannot write {}", file.display()))?;
                }
            }
            Err(e) => {
                let (line, col) = line_col(&text, e.offset);
                eprintln!(
                    "{} {}:{line}:{col}: {}",
                    crate::render::style::error_label(),
                    file.display(),
                    e.message
                );
                failed = true;
            }
        }
    }
    Ok(if failed {
        Outcome::Failed
    } else if pending {
        Outcome::Pending
    } else {
        Outcome::Success
    })
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("cannot list {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "hcl"))
        .collect();
    found.sort();
    out.extend(found);
    Ok(())
}
