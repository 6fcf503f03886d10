//! Loading a source URL into a realm: schema files are compiled (no database needed), databases
//! are inspected. The dialect of files is decided as the contract says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result, bail};
use cairn_core::project::MemSource;
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

    /// The diff options: the project's `diff { skip { ... } }`.
    pub fn diff_options(&self) -> cairn_core::diff::DiffOptions {
        cairn_core::diff::DiffOptions {
            skip: self.diff_skip.clone(),
            ..Default::default()
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
    if path.join("atlas.sum").is_file() {
        let texts: Vec<(String, String)> = files
            .iter()
            .map(|f| {
                let text = std::fs::read_to_string(f).unwrap_or_default();
                (f.display().to_string(), text)
            })
            .collect();
        let first = last_checkpoint(&texts).unwrap_or(0);
        files.drain(..first);
    }
    Ok(files)
}

/// Where a migration directory's replay starts, as Atlas replays it for a new database: the
/// index of the latest checkpoint file (`-- atlas:checkpoint` at its top) among `files` (path,
/// text), if any.
pub fn last_checkpoint(files: &[(String, String)]) -> Option<usize> {
    files.iter().rposition(|(p, t)| {
        cairn_core::migrate::dir::MigrationFile {
            name: p.clone(),
            bytes: t.clone().into_bytes(),
        }
        .is_checkpoint()
    })
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
    cairn_sema::compile_with_threads(inputs, dialect, threads())
}

/// How many threads a compile may use: the machine's cores, at most 8.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
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

/// The schema sources the project file's data blocks define (`mem://KIND/NAME`).
static MEM_SOURCES: Mutex<BTreeMap<String, MemSource>> = Mutex::new(BTreeMap::new());

/// Makes the project's data-block sources loadable by their `mem://` URLs.
pub fn register_sources(sources: &BTreeMap<String, MemSource>) {
    let mut m = MEM_SOURCES.lock().unwrap_or_else(|e| e.into_inner());
    for (k, v) in sources {
        m.insert(k.clone(), v.clone());
    }
}

/// Loads a `mem://` source: files compiled together, or a composite merged in order.
fn load_mem<'a>(
    key: &'a str,
    explicit_dialect: Option<&'a str>,
    related_urls: &'a [&'a str],
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Loaded>> + 'a>> {
    Box::pin(async move {
        let src = MEM_SOURCES
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(key)
            .cloned();
        let Some(src) = src else {
            bail!(
                "{key}: no data block of the project file defines this source (is the project file loaded? give --env or -c)"
            );
        };
        match src {
            MemSource::Files { files, origin } => {
                let names: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
                let dialect = file_dialect(explicit_dialect, related_urls, &names)?;
                let compiled = cairn_sema::compile(&files, dialect);
                let mut loaded = Loaded {
                    realm: compiled.realm,
                    sources: Sources {
                        files: files.into_iter().collect(),
                    },
                    diagnostics: compiled.diagnostics,
                };
                locate_generated(&mut loaded, &origin);
                Ok(loaded)
            }
            MemSource::Composite { parts, origin } => {
                let mut out: Option<Loaded> = None;
                for (label, url) in parts {
                    // Parts are filtered after they land in their schemas (by the caller).
                    let part = load(
                        &url,
                        explicit_dialect,
                        related_urls,
                        &InspectOptions::default(),
                    )
                    .await
                    .with_context(|| {
                        format!("{origin}: schema {:?}", label.as_deref().unwrap_or(&url))
                    })?;
                    out = Some(match out {
                        None => relabel(part, label.as_deref()),
                        Some(acc) => merge(acc, relabel(part, label.as_deref()))?,
                    });
                }
                out.with_context(|| format!("{origin}: no schemas"))
            }
        }
    })
}

/// A composite part labeled `schema "NAME"`: its one schema lands in NAME.
fn relabel(mut l: Loaded, label: Option<&str>) -> Loaded {
    if let Some(name) = label {
        if l.realm.schemas.is_empty() {
            l.realm.schemas.push(cairn_ir::Schema::new(name));
        }
        if l.realm.schemas.len() == 1 {
            let old = l.realm.schemas[0].name.clone();
            l.realm.schemas[0].name = name.into();
            for t in &mut l.realm.schemas[0].tables {
                for fk in &mut t.foreign_keys {
                    if fk.ref_table.schema.as_ref() == Some(&old) {
                        fk.ref_table.schema = Some(name.into());
                    }
                }
            }
        }
    }
    l
}

/// Merges `b` into `a`: schemas of the same name are merged object by object.
fn merge(mut a: Loaded, b: Loaded) -> Result<Loaded> {
    let (da, db) = (a.realm.dialect, b.realm.dialect);
    if da != db && !(da.is_mysql_family() && db.is_mysql_family()) {
        bail!(
            "a composite schema mixes dialects ({} and {})",
            a.realm.dialect,
            b.realm.dialect
        );
    }
    for s in b.realm.schemas {
        match a.realm.schemas.iter_mut().find(|x| x.name == s.name) {
            None => a.realm.schemas.push(s),
            Some(t) => {
                t.tables.extend(s.tables);
                t.views.extend(s.views);
                t.materialized_views.extend(s.materialized_views);
                t.functions.extend(s.functions);
                t.procedures.extend(s.procedures);
                t.aggregates.extend(s.aggregates);
                t.sequences.extend(s.sequences);
                t.enums.extend(s.enums);
                t.domains.extend(s.domains);
                t.composites.extend(s.composites);
                t.extensions.extend(s.extensions);
                t.unsupported.extend(s.unsupported);
            }
        }
    }
    a.realm.roles.extend(b.realm.roles);
    a.realm.permissions.extend(b.realm.permissions);
    a.realm
        .default_privileges
        .extend(b.realm.default_privileges);
    a.realm.unsupported.extend(b.realm.unsupported);
    a.sources.files.extend(b.sources.files);
    a.diagnostics.extend(b.diagnostics);
    Ok(a)
}

/// Diagnostics in SQL a program printed: one about a table whose statement an
/// `-- atlas:pos NAME[type=table] FILE:LINE` line (as ORM providers print) places moves to that
/// line of the model's file; every error names the data block that ran the program.
fn locate_generated(loaded: &mut Loaded, origin: &str) {
    for d in &mut loaded.diagnostics {
        let Some(text) = loaded.sources.files.get(&d.file).cloned() else {
            continue;
        };
        let place = positions(&text).and_then(|pos| {
            let table = statement_table(&text, d.span.start as usize)?;
            pos.get(&table.to_lowercase()).cloned()
        });
        let note = format!("this SQL was printed by {origin}");
        if let Some((path, line)) = place
            && let Ok(model) = std::fs::read_to_string(&path)
        {
            let start: usize = model
                .split_inclusive('\n')
                .take(line.saturating_sub(1))
                .map(str::len)
                .sum();
            let len = model[start..].find('\n').unwrap_or(model.len() - start);
            d.file = path.clone();
            d.span = cairn_syntax::Span::new(start, start + len);
            loaded.sources.files.entry(path).or_insert(model);
        }
        d.help = Some(match d.help.take() {
            Some(h) => format!("{h}; {note}"),
            None => note,
        });
    }
}

/// `-- atlas:pos NAME[type=table] FILE:LINE` lines: table name (lower case) -> (file, line).
fn positions(text: &str) -> Option<BTreeMap<String, (String, usize)>> {
    let mut out = BTreeMap::new();
    for l in text.lines() {
        let Some(rest) = l.trim().strip_prefix("-- atlas:pos ") else {
            continue;
        };
        let Some((obj, place)) = rest.split_once(' ') else {
            continue;
        };
        let (name, kind) = obj.split_once('[').unwrap_or((obj, "type=table]"));
        if !kind.starts_with("type=table") {
            continue;
        }
        let Some((file, line)) = place.trim().rsplit_once(':') else {
            continue;
        };
        if let Ok(n) = line.parse::<usize>() {
            let name = name.rsplit('.').next().unwrap_or(name);
            out.insert(
                name.trim_matches(['"', '`']).to_lowercase(),
                (file.to_string(), n),
            );
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The table a statement (the one holding byte `at`) creates, alters or indexes.
fn statement_table(text: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let start = text[..at].rfind(';').map_or(0, |i| i + 1);
    let end = text[at..].find(';').map_or(text.len(), |i| at + i);
    let words: Vec<&str> = text[start..end].split_whitespace().collect();
    let pos = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case("TABLE") || w.eq_ignore_ascii_case("ON"))?;
    let mut i = pos + 1;
    while words.get(i).is_some_and(|w| {
        ["IF", "NOT", "EXISTS", "ONLY"]
            .iter()
            .any(|k| w.eq_ignore_ascii_case(k))
    }) {
        i += 1;
    }
    let raw = words.get(i)?;
    let name = raw.split('(').next().unwrap_or(raw);
    let name = name.rsplit('.').next().unwrap_or(name);
    Some(name.trim_matches(['"', '`', '[', ']']).to_string())
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
        SourceUrl::Mem(key) => {
            let mut loaded = load_mem(&key, explicit_dialect, related_urls).await?;
            cairn_core::scope::filter_realm(&mut loaded.realm, scope);
            Ok(loaded)
        }
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
