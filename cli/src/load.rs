//! Loading a source URL into a realm: schema files are compiled (no database needed), databases
//! are inspected. The dialect of files is decided as the contract says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use cairn_core::{DbUrl, InspectOptions, SourceUrl};
use cairn_ir::{Dialect, Realm};
use cairn_syntax::Diagnostic;

use crate::args::ScopeArgs;

/// The texts of the files a realm was compiled from, for rendering diagnostics.
#[derive(Default)]
pub struct Sources {
    pub files: BTreeMap<String, String>,
}

/// A loaded realm with the diagnostics its compilation produced.
pub struct Loaded {
    pub realm: Realm,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl ScopeArgs {
    pub fn options(&self) -> InspectOptions {
        InspectOptions {
            schemas: self.schemas.clone(),
            exclude: self.exclude.clone(),
        }
    }
}

/// Decides the dialect of file sources: `--dialect`, then the scheme of a related database URL
/// (the database compared against, or `--dev-url`), then the file suffix (`.pg.hcl`...).
pub fn file_dialect(
    explicit: Option<&str>,
    related_urls: &[&str],
    files: &[String],
) -> Result<Dialect> {
    if let Some(name) = explicit {
        return Dialect::from_name(name).with_context(|| {
            format!("unknown dialect {name:?}: expected postgres, mysql, mariadb or sqlite")
        });
    }
    for url in related_urls {
        if let Ok(SourceUrl::Database(db)) = SourceUrl::parse(url) {
            return Ok(db.dialect());
        }
    }
    let mut found: Option<Dialect> = None;
    for f in files {
        if let Some(d) = Dialect::from_path_suffix(f) {
            match found {
                Some(prev) if prev != d => bail!(
                    "the schema files name two dialects ({prev} and {d}, from their suffixes): pass --dialect"
                ),
                _ => found = Some(d),
            }
        }
    }
    found.with_context(|| {
        format!(
            "cannot tell the dialect of {}: pass --dialect postgres|mysql|mariadb|sqlite, give a --dev-url, or name the file with a dialect suffix (schema.pg.hcl, schema.my.hcl, schema.ma.hcl, schema.lt.hcl, or .pg.sql...)",
            files.first().map(String::as_str).unwrap_or("the schema")
        )
    })
}

/// Lists the schema files a `file://` path names: the file itself, or the `.hcl` / `.sql` files of
/// a directory (sorted by name, not recursive). A directory holding `atlas.sum` is a migration
/// directory: its `.sql` files are replayed in order.
pub fn schema_files(path: &Path) -> Result<Vec<PathBuf>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    for entry in
        std::fs::read_dir(path).with_context(|| format!("cannot list {}", path.display()))?
    {
        let p = entry?.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_file()
            && (name.ends_with(".hcl") || name.ends_with(".sql"))
            && !is_project_file(name)
        {
            files.push(p);
        }
    }
    files.sort();
    if files.is_empty() {
        bail!("{} holds no schema files (.hcl or .sql)", path.display());
    }
    Ok(files)
}

/// Project and policy files that can sit beside schema files but are not schema.
fn is_project_file(name: &str) -> bool {
    matches!(name, "atlas.hcl" | "cairn.hcl")
        || name.ends_with(".rule.hcl")
        || name.ends_with(".test.hcl")
        || name.ends_with(".plan.hcl")
}

/// Compiles schema files (path, text) with every core this process may use.
pub fn compile(inputs: &[(String, String)], dialect: Dialect) -> cairn_sema::Compiled {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    cairn_sema::compile_with_threads(inputs, dialect, threads)
}

/// Reads and compiles schema files.
pub fn compile_files(
    path: &Path,
    explicit_dialect: Option<&str>,
    related_urls: &[&str],
) -> Result<Loaded> {
    let files = schema_files(path)?;
    let mut inputs = Vec::new();
    for f in &files {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("cannot read {}", f.display()))?;
        inputs.push((f.display().to_string(), text));
    }
    let names: Vec<String> = inputs.iter().map(|(p, _)| p.clone()).collect();
    let dialect = file_dialect(explicit_dialect, related_urls, &names)?;
    let compiled = compile(&inputs, dialect);
    Ok(Loaded {
        realm: compiled.realm,
        sources: Sources {
            files: inputs.into_iter().collect(),
        },
        diagnostics: compiled.diagnostics,
    })
}

/// Loads any source URL: files are compiled; a database is inspected in the given scope.
pub async fn load(
    url: &str,
    explicit_dialect: Option<&str>,
    related_urls: &[&str],
    scope: &InspectOptions,
) -> Result<Loaded> {
    match SourceUrl::parse(url)? {
        SourceUrl::Files(path) => {
            let mut loaded = compile_files(&path, explicit_dialect, related_urls)?;
            cairn_core::scope::filter_realm(&mut loaded.realm, scope);
            Ok(loaded)
        }
        SourceUrl::Database(db) => Ok(Loaded {
            realm: inspect(&db, scope).await?,
            sources: Sources::default(),
            diagnostics: Vec::new(),
        }),
        SourceUrl::Env(name) => bail!(
            "env://{name} refers to an attribute of the selected environment of the project file, and no project file is loaded here"
        ),
    }
}

/// Inspects a live database (read-only: a missing SQLite file is not created).
pub async fn inspect(db: &DbUrl, scope: &InspectOptions) -> Result<Realm> {
    let driver = crate::drivers::connect(db, true).await?;
    let realm = driver.inspect(scope).await;
    driver.close().await;
    Ok(realm?)
}
