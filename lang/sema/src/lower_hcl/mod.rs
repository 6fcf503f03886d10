//! Lowering Atlas schema HCL into the IR, block by block.
//!
//! A file is split into its top-level blocks by the scanner (`cairn_syntax::hcl::scan`); each
//! block's text is interned and parsed by its own salsa query ([`parse_block`]), so an edit
//! re-parses only the blocks whose text changed. Spans in a parsed block are relative to the
//! block and shifted by the block's offset when they reach a diagnostic or the source map.
//! Resolution ([`resolve`]) sees every block of every file of the project at once: references
//! (`table.users.column.id`, `enum.status`, `var.x`) cross files.
//!
//! Diagnostics (all errors unless noted):
//! - `E2001` syntax error in a block (from hcl-edit, at the exact place it stopped).
//! - `E2002` unterminated string; `E2003` unterminated block, heredoc or comment; `E2004` text
//!   at the top level that is neither a block nor an attribute (from the scanner).
//! - `E2010` unknown block type (for the dialect), with "did you mean".
//! - `E2011` unknown attribute (for the block and dialect), with "did you mean".
//! - `E2012` missing required attribute or label (`type` on a column, the name of an index).
//! - `E2013` invalid value: the wrong kind of value for an attribute (a list where a string is
//!   expected, an unknown keyword such as `on_delete = CASCADES`).
//! - `E2014` a type unknown to the dialect, with "did you mean".
//! - `E2015` dangling reference: the referenced object does not exist, with "did you mean".
//! - `E2016` ambiguous reference: `table.users` names tables in several schemas.
//! - `E2017` duplicate name: two objects of the same kind with the same name.
//! - `E2018` unknown variable, local, `each` outside `for_each`, or unknown function.

mod eval;
mod lower;
mod types;

use std::collections::HashMap;
use std::sync::Arc;

use cairn_ir::{Dialect, ObjectPath, Realm};
use cairn_syntax::hcl::parse::BodyAst;
use cairn_syntax::hcl::scan::{ItemKind, scan};
use cairn_syntax::{Diagnostic, Span};
use salsa::plumbing::{AsId, FromId};

use crate::db::{Compiled, Db, FileSyntax, Origins, Project, SourceFile, file_syntax};
use crate::source_map::SourceMap;
use lower::{DeclInfo, Fragment, Resolver, Src, Symbols};

/// One HCL file, split and parsed: its items in order, each with its offset in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HclFile {
    pub path: String,
    pub items: Vec<HclItem>,
    /// Scanner and syntax diagnostics, with file spans.
    pub diagnostics: Vec<Diagnostic>,
}

/// A top-level item of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HclItem {
    /// Where the item's text starts in the file: the shift for its block-relative spans.
    pub offset: usize,
    pub kind: ItemKind,
    pub ident: String,
    /// The comments directly above the item (`atlas:nolint DS103`, `cairn:nolint`).
    pub comments: Vec<String>,
    /// The parsed item; `None` when the scanner or the parser found it broken (the diagnostic
    /// is in [`HclFile::diagnostics`]).
    pub body: Option<Arc<BodyAst>>,
    /// The key of the item's text ([`BlockText`]): what its lowering is memoized by.
    pub key: Option<salsa::Id>,
}

/// The text of one top-level item, interned so that equal text is one salsa key. Never
/// collected: parsed files keep the keys of their items.
#[salsa::interned(debug, revisions = usize::MAX)]
pub(crate) struct BlockText<'db> {
    #[returns(ref)]
    pub text: String,
}

/// A parsed item: its AST, or the syntax error (with item-relative spans and no file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParsedBlock {
    pub body: Result<Arc<BodyAst>, Diagnostic>,
}

/// Parses one item's text. Keyed by the text itself, so a block whose text did not change is
/// never parsed again, wherever it moved in the file.
#[salsa::tracked]
pub(crate) fn parse_block<'db>(db: &'db dyn Db, b: BlockText<'db>) -> ParsedBlock {
    ParsedBlock {
        body: cairn_syntax::hcl::parse::parse_body(b.text(db))
            .map(Arc::new)
            .map_err(|e| *e),
    }
}

/// Splits a file into its items and parses each (through [`parse_block`]).
pub(crate) fn parse_file(db: &dyn Db, file: SourceFile, _dialect: Dialect) -> HclFile {
    let path = file.path(db).clone();
    let text = file.text(db);
    let scanned = scan(&path, text);
    let mut diagnostics = scanned.diagnostics;
    let mut items = Vec::with_capacity(scanned.items.len());
    for item in scanned.items {
        let offset = item.span.start as usize;
        let (body, key) = if item.broken {
            (None, None)
        } else {
            let key = BlockText::new(db, text[item.span.range()].to_string());
            match parse_block(db, key).body.clone() {
                Ok(body) => (Some(body), Some(key.as_id())),
                Err(mut d) => {
                    d.file = path.clone();
                    diagnostics.push(d.shifted(offset));
                    (None, None)
                }
            }
        };
        items.push(HclItem {
            offset,
            kind: item.kind,
            ident: item.ident,
            comments: item.comments.into_iter().map(|c| c.text).collect(),
            body,
            key,
        });
    }
    HclFile {
        path,
        items,
        diagnostics,
    }
}

/// Parses the blocks of the HCL files among `files` on `threads` threads, each with its own
/// handle on `db`, so that [`parse_file`] then finds every block parsed. For a one-shot compile
/// of large files (an editor re-parses only the blocks an edit touched, and needs none of this).
/// Parsing is deterministic and keyed by the block's text, so the result is the same as a
/// sequential compile's.
pub(crate) fn parse_ahead(db: &crate::db::Database, files: &[SourceFile], threads: usize) {
    /// Below this many blocks, threads cost more than they save.
    const MIN_BLOCKS: usize = 256;
    let mut blocks: Vec<(SourceFile, std::ops::Range<usize>)> = Vec::new();
    for &file in files {
        if *file.kind(db) != crate::db::SourceKind::Hcl {
            continue;
        }
        let scanned = scan(file.path(db), file.text(db));
        blocks.extend(
            scanned
                .items
                .into_iter()
                .filter(|i| !i.broken)
                .map(|i| (file, i.span.range())),
        );
    }
    if threads < 2 || blocks.len() < MIN_BLOCKS {
        return;
    }
    let chunk = blocks.len().div_ceil(threads);
    std::thread::scope(|s| {
        for part in blocks.chunks(chunk) {
            let db = db.clone();
            s.spawn(move || {
                for (file, range) in part {
                    let key = BlockText::new(&db, file.text(&db)[range.clone()].to_string());
                    parse_block(&db, key);
                }
            });
        }
    });
}

/// Resolves every HCL file of a project into one realm, with its source map and diagnostics.
pub(crate) fn resolve(files: &[&HclFile], dialect: Dialect) -> Compiled {
    let mut compiled = lower::lower_files(files, dialect);
    let mut diags: Vec<Diagnostic> = files
        .iter()
        .flat_map(|f| f.diagnostics.iter().cloned())
        .collect();
    diags.append(&mut compiled.diagnostics);
    compiled.diagnostics = diags;
    compiled
}

// ----- block by block resolution (the language server) -----
//
// A project is resolved in two steps. The symbol table ([`project_symbols`]) is built from every
// block on each change: it evaluates only what names a declaration (labels, `name`, `schema`,
// `for_each`). Each top-level item is then lowered on its own by [`lower_block`], keyed by its
// text; it reads its own declarations ([`item_decls`]) and the declarations it references
// ([`lookup_decls`]) through queries whose values are summaries, so an edit inside one table
// re-lowers that table only (and the items that reference a summary that changed). The realm
// is then assembled from the items' fragments in declaration order, with the duplicate checks
// across items; an item whose places clash with an earlier item's is lowered again in place,
// seeing them, so the diagnostics are those of a whole-project lowering.

/// The symbol table of a project's HCL files. (`no_eq`: it changes with every edit, since it
/// keys items by their text; comparing it would be wasted work.)
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn project_symbols(db: &dyn Db, project: Project) -> Symbols {
    let dialect = *project.dialect(db);
    lower::symbols(&hcl_files(db, project), dialect)
}

fn hcl_files(db: &dyn Db, project: Project) -> Vec<&HclFile> {
    let dialect = *project.dialect(db);
    project
        .files(db)
        .iter()
        .filter_map(|f| match file_syntax(db, *f, dialect) {
            FileSyntax::Hcl(h) => Some(h),
            _ => None,
        })
        .collect()
}

/// The declarations of one item (by its text), declared on its own: it reads the project's
/// schema names and what its references look up, never the whole symbol table, so that an
/// edit elsewhere (which rebuilds the table) leaves it and its [`lower_block`] valid at the
/// cost of a check of those few queries. (`tests/hcl_incremental.rs` proves the realm equal
/// to a whole-project lowering's.)
#[salsa::tracked(returns(ref))]
pub(crate) fn item_decls<'db>(
    db: &'db dyn Db,
    project: Project,
    item: BlockText<'db>,
) -> Vec<DeclInfo> {
    let Ok(body) = &parse_block(db, item).body else {
        return Vec::new();
    };
    let resolver = DbResolver { db, project };
    lower::item_symbols(
        body,
        *project.dialect(db),
        &resolver,
        schema_names(db, project),
    )
}

/// The names of the project's schemas (what an item's `schema` defaults to depends on them).
#[salsa::tracked(returns(ref))]
pub(crate) fn schema_names(db: &dyn Db, project: Project) -> Vec<String> {
    project_symbols(db, project).schema_names()
}

/// The declarations `kind.label` names.
#[salsa::tracked(returns(ref))]
pub(crate) fn lookup_decls(
    db: &dyn Db,
    project: Project,
    kind: &'static str,
    label: String,
) -> Vec<DeclInfo> {
    project_symbols(db, project).lookup(kind, &label)
}

/// Every label of one kind of declaration.
#[salsa::tracked(returns(ref))]
pub(crate) fn kind_labels(db: &dyn Db, project: Project, kind: &'static str) -> Vec<String> {
    project_symbols(db, project).labels(kind)
}

struct DbResolver<'db> {
    db: &'db dyn Db,
    project: Project,
}

impl Resolver for DbResolver<'_> {
    fn lookup(&self, kind: &'static str, label: &str) -> Vec<DeclInfo> {
        lookup_decls(self.db, self.project, kind, label.to_string()).clone()
    }

    fn labels(&self, kind: &'static str) -> Vec<String> {
        kind_labels(self.db, self.project, kind).clone()
    }
}

/// Lowers one top-level item on its own, with spans relative to it and no file: equal text
/// gives the same fragment wherever it is.
#[salsa::tracked(returns(ref))]
pub(crate) fn lower_block<'db>(
    db: &'db dyn Db,
    project: Project,
    item: BlockText<'db>,
) -> Fragment {
    let dialect = *project.dialect(db);
    let decls = item_decls(db, project, item);
    let parsed = parse_block(db, item);
    let resolver = DbResolver { db, project };
    match &parsed.body {
        Ok(body) => lower::lower_item(
            body,
            decls,
            Src {
                file: "",
                offset: 0,
            },
            dialect,
            &resolver,
            HashMap::new(),
        ),
        Err(_) => Fragment::empty(dialect),
    }
}

/// [`resolve`] for a project in the database, item by item through [`lower_block`] (the same
/// result, computed incrementally).
pub(crate) fn resolve_incremental(db: &dyn Db, project: Project, files: &[&HclFile]) -> Compiled {
    let dialect = *project.dialect(db);
    let symbols = project_symbols(db, project);
    if !symbols.incremental {
        return resolve(files, dialect);
    }
    let mut diagnostics: Vec<Diagnostic> = files
        .iter()
        .flat_map(|f| f.diagnostics.iter().cloned())
        .chain(symbols.diagnostics.iter().cloned())
        .collect();
    // Declaration order: schemas, then every other object but triggers and policies, then those.
    let mut order: [Vec<(&HclFile, &HclItem, BlockText<'_>)>; 3] = Default::default();
    for f in files {
        for item in &f.items {
            let Some(key) = item.key else { continue };
            let text = BlockText::from_id(key);
            let Some(first) = symbols.first(key) else {
                continue;
            };
            let class = match first.kind() {
                "schema" => 0,
                "trigger" | "policy" => 2,
                _ => 1,
            };
            order[class].push((f, item, text));
        }
    }
    let mut asm = Assembly {
        realm: Realm::new(dialect),
        source_map: SourceMap::default(),
        attach: Vec::new(),
        origins: Vec::new(),
    };
    let resolver = DbResolver { db, project };
    // One shared name per file for the source map's locations.
    let mut names: Vec<(*const HclFile, Arc<str>)> = Vec::with_capacity(files.len());
    for (f, item, text) in order.into_iter().flatten() {
        let file = match names.iter().find(|(p, _)| std::ptr::eq(*p, f)) {
            Some((_, n)) => n.clone(),
            None => {
                let n: Arc<str> = Arc::from(f.path.as_str());
                names.push((f as *const HclFile, n.clone()));
                n
            }
        };
        let fragment = lower_block(db, project, text);
        let schema = symbols.first(text.as_id()).map(DeclInfo::kind) == Some("schema");
        // Place the fragment's objects (its places, shared as they are), unless one was placed
        // by an earlier item.
        if asm
            .source_map
            .insert_piece(&file, item.offset, &fragment.places)
        {
            asm.merge(
                fragment,
                &f.path,
                Some(item.offset),
                schema,
                true,
                &mut diagnostics,
            );
        } else {
            // It clashes with an earlier item: lower it again where it is, seeing their places.
            let Some(body) = &item.body else { continue };
            let seen = asm
                .source_map
                .iter()
                .map(|(p, l)| (p.clone(), (l.file.to_string(), l.span)))
                .collect();
            let src = Src {
                file: &f.path,
                offset: item.offset,
            };
            let decls = item_decls(db, project, text);
            let live = lower::lower_item(body, decls, src, dialect, &resolver, seen);
            asm.merge(&live, &f.path, None, schema, false, &mut diagnostics);
        }
    }
    for (schema, table, what) in asm.attach {
        // A table that gets a trigger or policy is no longer its fragment's copy.
        let d = dialect;
        if let Some(si) = asm
            .realm
            .schemas
            .iter()
            .position(|s| d.idents_equal(&s.name, &schema))
            && let Some(ti) = asm.realm.schemas[si]
                .tables
                .iter()
                .position(|t| d.idents_equal(&t.name, &table))
            && let Some(o) = asm.origins.get_mut(si).and_then(|s| s.get_mut(ti))
        {
            *o = 0;
        }
        lower::attach(&mut asm.realm, dialect, &schema, &table, what);
    }
    Compiled {
        realm: asm.realm,
        source_map: asm.source_map,
        diagnostics,
        origins: Origins(asm.origins),
    }
}

/// The realm being assembled from fragments.
struct Assembly {
    realm: Realm,
    /// Where each object was declared (first: a later duplicate is not placed).
    source_map: SourceMap,
    attach: Vec<(String, String, lower::Attached)>,
    /// Per schema, per table: the fragment each table was copied from unchanged (0: none).
    origins: Vec<Vec<u64>>,
}

impl Assembly {
    /// Adds a fragment of `file`: relative to `offset` (a memoized fragment), or with its
    /// spans and files already in place (`None`: lowered in place). `placed`: its places are
    /// in the source map already.
    fn merge(
        &mut self,
        fragment: &Fragment,
        file: &str,
        offset: Option<usize>,
        schema_item: bool,
        placed: bool,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let at = |span: Span| offset.map_or(span, |o| span.shift(o));
        if !placed {
            for (path, span) in fragment.places.iter() {
                self.source_map.insert(path.clone(), file, at(*span));
            }
        }
        let base = self.realm.permissions.len();
        for (k, span) in fragment.permissions.iter().enumerate() {
            self.source_map
                .insert(ObjectPath::Permission(base + k), file, at(*span));
        }
        for d in &fragment.diagnostics {
            let mut d = d.clone();
            if let Some(o) = offset {
                d.file = file.to_string();
                for l in &mut d.labels {
                    if l.file.is_empty() {
                        l.file = file.to_string();
                    }
                }
                if let Some(s) = &mut d.suggestion
                    && s.file.is_empty()
                {
                    s.file = file.to_string();
                }
                d = d.shifted(o);
            }
            diagnostics.push(d);
        }
        self.attach.extend(fragment.attach.iter().cloned());
        let from = &fragment.realm;
        // A table copied from a memoized fragment is known by the fragment's identity.
        let origin = if offset.is_some() { fragment.id } else { 0 };
        for s in &from.schemas {
            let d = self.realm.dialect;
            let at = match self
                .realm
                .schemas
                .iter()
                .position(|x| d.idents_equal(&x.name, &s.name))
            {
                Some(i) => i,
                None => {
                    self.realm.schemas.push(cairn_ir::Schema::new(&s.name));
                    self.realm.schemas.len() - 1
                }
            };
            if self.origins.len() <= at {
                self.origins.resize(at + 1, Vec::new());
            }
            let origins = &mut self.origins[at];
            // (Attached triggers may have inserted schemas with no tables; keep the shape.)
            origins.resize(self.realm.schemas[at].tables.len(), 0);
            origins.extend(std::iter::repeat_n(origin, s.tables.len()));
            let to = &mut self.realm.schemas[at];
            if schema_item {
                to.comment.clone_from(&s.comment);
                to.charset.clone_from(&s.charset);
                to.collation.clone_from(&s.collation);
                to.owner.clone_from(&s.owner);
            }
            // Handles to the fragment's tables (`Shared`): nothing is copied, and attaching a
            // trigger or policy later copies that table only.
            to.tables.extend(s.tables.iter().cloned());
            to.views.extend(s.views.iter().cloned());
            to.materialized_views
                .extend(s.materialized_views.iter().cloned());
            to.functions.extend(s.functions.iter().cloned());
            to.procedures.extend(s.procedures.iter().cloned());
            to.aggregates.extend(s.aggregates.iter().cloned());
            to.sequences.extend(s.sequences.iter().cloned());
            to.enums.extend(s.enums.iter().cloned());
            to.domains.extend(s.domains.iter().cloned());
            to.composites.extend(s.composites.iter().cloned());
            to.extensions.extend(s.extensions.iter().cloned());
            to.unsupported.extend(s.unsupported.iter().cloned());
        }
        self.realm.roles.extend(from.roles.iter().cloned());
        self.realm
            .permissions
            .extend(from.permissions.iter().cloned());
        self.realm
            .default_privileges
            .extend(from.default_privileges.iter().cloned());
        self.realm
            .unsupported
            .extend(from.unsupported.iter().cloned());
    }
}
