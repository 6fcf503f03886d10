//! The salsa database: files are inputs; each file is parsed on its own (HCL files block by
//! block), and a project query resolves all files into one realm.

use std::sync::{Arc, Mutex};

use cairn_ir::{Dialect, Realm};
use cairn_syntax::{Diagnostic, Span};
use rustc_hash::FxHashMap;

use crate::source_map::SourceMap;
use crate::{lower_hcl, lower_sql};

#[salsa::db]
pub trait Db: salsa::Database {
    /// The last split of each HCL file, when the database keeps them (see [`SplitCache`]).
    fn split_cache(&self) -> Option<&SplitCache> {
        None
    }
}

/// The concrete database. Cloning it gives a snapshot that shares storage (for worker threads).
#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
    splits: Option<Arc<SplitCache>>,
}

impl Database {
    /// A database that reports every salsa event to `on_event` (tests use it to prove what
    /// re-executes after an edit).
    pub fn with_event_log(on_event: impl Fn(salsa::Event) + Send + Sync + 'static) -> Database {
        Database {
            storage: salsa::Storage::new(Some(Box::new(on_event))),
            splits: None,
        }
    }

    /// A database that keeps the last split of each HCL file, so that an edited file is split
    /// again only around its edit: an editor's database, where a large file changes a
    /// character at a time. (A one-shot compile splits each file once and needs none of it.)
    pub fn with_split_cache(self) -> Database {
        Database {
            splits: Some(Arc::default()),
            ..self
        }
    }
}

/// The last split of each HCL file (by its input's id): its text and its items. A cache: a
/// split made from it is the split made from scratch (`tests/hcl_incremental.rs`).
#[derive(Default)]
pub struct SplitCache {
    last: Mutex<FxHashMap<salsa::Id, Arc<lower_hcl::LastSplit>>>,
}

impl SplitCache {
    pub(crate) fn get(&self, file: salsa::Id) -> Option<Arc<lower_hcl::LastSplit>> {
        self.last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&file)
            .cloned()
    }

    pub(crate) fn put(&self, file: salsa::Id, split: lower_hcl::LastSplit) {
        self.last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(file, Arc::new(split));
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {
    fn split_cache(&self) -> Option<&SplitCache> {
        self.splits.as_deref()
    }
}

/// What language a source file is written in, decided by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    Hcl,
    Sql,
    /// A rules file (`*.cairn`, or an Atlas policy file `*.rule.hcl`): compiled by
    /// `rules::compile_rules`, never part of a realm.
    Rules,
}

impl SourceKind {
    /// The kind of a file by its name; `None` for other files, and for the HCL files that sit
    /// beside schema files without being schema (project files, `*.test.hcl`, `*.plan.hcl`).
    pub fn of_path(path: &str) -> Option<SourceKind> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        if crate::rules::atlas_hcl::is_rule_hcl(name) || name.ends_with(".cairn") {
            Some(SourceKind::Rules)
        } else if matches!(name, "cairn.hcl" | "atlas.hcl")
            || name.ends_with(".test.hcl")
            || name.ends_with(".plan.hcl")
        {
            None
        } else if name.ends_with(".hcl") {
            Some(SourceKind::Hcl)
        } else if name.ends_with(".sql") {
            Some(SourceKind::Sql)
        } else {
            None
        }
    }
}

/// One source file: its path (as the user named it), its text and the dialect it is read in.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
    pub kind: SourceKind,
}

/// A set of files compiled together into one realm, in order.
#[salsa::input(debug)]
pub struct Project {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
    pub dialect: Dialect,
}

/// The parsed form of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileSyntax {
    Hcl(lower_hcl::HclFile),
    Sql(lower_sql::SqlFile),
    Rules(cairn_syntax::rules::ParsedRules),
}

/// The result of compiling a project: never fails; errors are diagnostics beside a partial realm.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub realm: Realm,
    pub source_map: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// Which tables were copied unchanged from a memoized item lowering (not part of what the
    /// compile means: two compiles are equal whatever their origins).
    pub origins: Origins,
}

/// Two compiles are equal when their realms, source maps and diagnostics are.
impl PartialEq for Compiled {
    fn eq(&self, other: &Self) -> bool {
        self.realm == other.realm
            && self.source_map == other.source_map
            && self.diagnostics == other.diagnostics
    }
}
impl Eq for Compiled {}

/// For each table of a compiled realm (by schema and table position), the identity of the
/// memoized item lowering it was copied from unchanged, when it was. Two tables with the same
/// identity are equal, so a cache of per-table results (the language server's lint) can reuse
/// a result by identity instead of comparing tables. Empty for a one-shot compile.
#[derive(Clone, Debug, Default)]
pub struct Origins(pub(crate) Vec<Vec<u64>>);

impl Origins {
    /// The identity of table `table` of schema `schema` (positions in the realm), if known.
    pub fn table(&self, schema: usize, table: usize) -> Option<u64> {
        self.0
            .get(schema)
            .and_then(|s| s.get(table))
            .copied()
            .filter(|&o| o != 0)
    }
}

impl Compiled {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses one file. Re-runs only when that file's text changes; an HCL file re-parses only the
/// top-level blocks whose text changed.
#[salsa::tracked(returns(ref))]
pub fn file_syntax(db: &dyn Db, file: SourceFile, dialect: Dialect) -> FileSyntax {
    match *file.kind(db) {
        SourceKind::Hcl => FileSyntax::Hcl(lower_hcl::parse_file(db, file, dialect)),
        SourceKind::Sql => {
            FileSyntax::Sql(lower_sql::parse_file(file.path(db), file.text(db), dialect))
        }
        SourceKind::Rules => FileSyntax::Rules(crate::rules::parse_rules(db, file).clone()),
    }
}

/// Resolves every file of the project into one realm. HCL is resolved block by block (see
/// `lower_hcl::resolve_incremental`): after an edit inside one block, only that block is
/// lowered again. (`no_eq`: an edit almost always changes the realm, and comparing two realms
/// of a large schema costs as much as linting the changed table.)
#[salsa::tracked(returns(ref), no_eq)]
pub fn project_realm(db: &dyn Db, project: Project) -> Compiled {
    resolve_project(db, project, true)
}

/// What [`project_realm`] computes, without keeping it in the database: a one-shot compile
/// hands the result over instead of holding a second copy of the realm (and resolves HCL in
/// one pass, `incremental` false, keeping no per-block results).
fn resolve_project(db: &dyn Db, project: Project, incremental: bool) -> Compiled {
    let dialect = *project.dialect(db);
    let mut hcl = Vec::new();
    let mut sql = Vec::new();
    for file in project.files(db) {
        match file_syntax(db, *file, dialect) {
            FileSyntax::Hcl(f) => hcl.push(f),
            FileSyntax::Sql(f) => sql.push(f),
            // Rule files describe policy, not schema.
            FileSyntax::Rules(_) => {}
        }
    }
    let resolve_hcl = |hcl: &[&lower_hcl::HclFile]| {
        if incremental {
            lower_hcl::resolve_incremental(db, project, hcl)
        } else {
            lower_hcl::resolve(hcl, dialect)
        }
    };
    let mut compiled = match (hcl.is_empty(), sql.is_empty()) {
        (false, true) | (true, true) => resolve_hcl(&hcl),
        (true, false) => lower_sql::replay(&sql, dialect),
        (false, false) => {
            let mut c = resolve_hcl(&hcl);
            let first_sql = &sql[0];
            c.diagnostics.push(
                Diagnostic::error(
                    "E0002",
                    &first_sql.path,
                    Span::default(),
                    "a schema is written either in HCL or in SQL: this project mixes both",
                )
                .with_help("name only the .hcl files or only the .sql files of the schema"),
            );
            c
        }
    };
    sort_diagnostics(&mut compiled);
    compiled
}

/// SQL files replayed one after another, with the state after the files so far at hand: what
/// linting a migration directory needs, where every file is checked against the state the
/// files before it leave. Each file is parsed once (its statements on `threads` threads) and
/// its syntax dropped once replayed, so the states of a directory of N files cost one replay,
/// not N.
#[derive(Clone)]
pub struct SqlStates {
    replay: lower_sql::Replay,
    files: usize,
}

impl SqlStates {
    pub fn new(dialect: Dialect) -> SqlStates {
        SqlStates {
            replay: lower_sql::Replay::new(dialect),
            files: 0,
        }
    }

    /// The dialect the files are replayed in.
    pub fn dialect(&self) -> Dialect {
        self.replay.dialect
    }

    /// Replays one more `.sql` file (path, text) onto the state.
    pub fn push(&mut self, path: &str, text: &str, threads: usize) {
        lower_sql::replay_text(&mut self.replay, path, text, threads);
        self.files += 1;
    }

    /// The state after the files pushed so far: what [`compile`] gives for them.
    pub fn state(&self) -> Compiled {
        self.clone().into_state()
    }

    /// [`SqlStates::state`], without copying the replay.
    pub fn into_state(self) -> Compiled {
        if self.files == 0 {
            return compile(&[], self.replay.dialect);
        }
        let mut compiled = self.replay.finish();
        sort_diagnostics(&mut compiled);
        compiled
    }
}

fn sort_diagnostics(compiled: &mut Compiled) {
    compiled
        .diagnostics
        .sort_by(|a, b| (&a.file, a.span.start).cmp(&(&b.file, b.span.start)));
}

/// Compiles `files` (path, text) in `dialect`, once: the CLI's entry point.
pub fn compile(files: &[(String, String)], dialect: Dialect) -> Compiled {
    compile_with_threads(files, dialect, 1)
}

/// [`compile`], parsing the blocks of large HCL files on `threads` threads (the caller knows
/// how many cores it may use; `lang/` does not ask the machine).
pub fn compile_with_threads(
    files: &[(String, String)],
    dialect: Dialect,
    threads: usize,
) -> Compiled {
    // SQL files need no database: each is parsed (on `threads` threads) and replayed in turn.
    if !files.is_empty()
        && files
            .iter()
            .all(|(p, _)| SourceKind::of_path(p) == Some(SourceKind::Sql))
    {
        let mut states = SqlStates::new(dialect);
        for (path, text) in files {
            states.push(path, text, threads);
        }
        return states.into_state();
    }
    let db = Database::default();
    let mut inputs = Vec::new();
    let mut unknown = Vec::new();
    for (path, text) in files {
        match SourceKind::of_path(path).filter(|k| *k != SourceKind::Rules) {
            Some(kind) => inputs.push(SourceFile::new(&db, path.clone(), text.clone(), kind)),
            None => unknown.push(path.clone()),
        }
    }
    lower_hcl::parse_ahead(&db, &inputs, threads);
    let project = Project::new(&db, inputs, dialect);
    let mut compiled = resolve_project(&db, project, false);
    // The parsed blocks are not needed any more: free them before the caller goes on.
    drop(db);
    for path in unknown {
        compiled.diagnostics.push(Diagnostic::error(
            "E0001",
            &path,
            Span::default(),
            format!("{path}: not a schema file (expected .hcl or .sql)"),
        ));
    }
    compiled
}
