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

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::Arc;

use cairn_ir::{Dialect, ObjectPath, Realm};
use cairn_syntax::hcl::parse::BodyAst;
use cairn_syntax::hcl::scan::{ItemKind, scan, scan_from};
use cairn_syntax::{Diagnostic, Span};
use rustc_hash::FxHashMap;
use salsa::plumbing::{AsId, FromId};

use crate::db::{Compiled, Db, FileSyntax, Origins, Project, SourceFile, file_syntax};
use crate::source_map::SourceMap;
use lower::{DeclInfo, Fragment, ItemDecls, Resolver, Src};

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
    /// Where the item's text ends in the file.
    pub end: usize,
    /// The scanner found the item broken (an unterminated string, block or comment): its
    /// diagnostic may lie past its end, where the scanner read on.
    pub broken: bool,
}

impl HclItem {
    /// A block the scanner found whole (closed by its `}`): a scan can restart after it.
    fn clean(&self) -> bool {
        self.kind == ItemKind::Block && !self.broken
    }
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

/// Splits a file into its items and parses each (through [`parse_block`]). With a database
/// that keeps the last split of each file ([`crate::Database::with_split_cache`], the
/// language server's), an edited file is split again only around the edit: the items before
/// and after it are the last split's, moved (see [`resplit`]).
pub(crate) fn parse_file(db: &dyn Db, file: SourceFile, _dialect: Dialect) -> HclFile {
    let path = file.path(db);
    let text = file.text(db);
    let Some(cache) = db.split_cache() else {
        return split(db, path, text);
    };
    let last = cache.get(file.as_id());
    let out = match last.as_deref() {
        Some(last) if last.file.path == *path => resplit(db, last, text),
        _ => split(db, path, text),
    };
    cache.put(
        file.as_id(),
        LastSplit {
            text: text.clone(),
            file: out.clone(),
        },
    );
    out
}

/// A file's text and its split, kept to split the next text of the file around its edit.
pub struct LastSplit {
    text: String,
    file: HclFile,
}

/// The whole text split and parsed.
fn split(db: &dyn Db, path: &str, text: &str) -> HclFile {
    let (scanned, _) = scan_from(path, text, 0, |_| false);
    let (items, diagnostics) = parse_items(db, path, text, scanned);
    HclFile {
        path: path.to_string(),
        items,
        diagnostics,
    }
}

/// Scanned items parsed (each through [`parse_block`]), and the diagnostics of both, in the
/// order of their start (scan diagnostics first among equals).
fn parse_items(
    db: &dyn Db,
    path: &str,
    text: &str,
    scanned: cairn_syntax::hcl::scan::Scan,
) -> (Vec<HclItem>, Vec<Diagnostic>) {
    let mut diagnostics = scanned.diagnostics;
    let mut items = Vec::with_capacity(scanned.items.len());
    for item in scanned.items {
        let offset = item.span.start as usize;
        let (body, key) = if item.broken {
            (None, None)
        } else {
            let key = BlockText::new(db, &text[item.span.range()]);
            match parse_block(db, key).body.clone() {
                Ok(body) => (Some(body), Some(key.as_id())),
                Err(mut d) => {
                    d.file = path.to_string();
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
            end: item.span.end as usize,
            broken: item.broken,
        });
    }
    diagnostics.sort_by_key(|d| d.span.start);
    (items, diagnostics)
}

/// `text` split again from `last`, the split of the file's previous text: the items that end
/// before the first changed byte are kept, the text is scanned from the end of the last of
/// them that is a whole block until the end of a whole block from which the rest of the text
/// is the same as before, and the items after that are the last split's, moved by the
/// difference in length. A broken item is never kept from the last split on either side of
/// the edit unless it is in the tail: the scanner read on past its end (its diagnostic may
/// be there), so what it found depends on text after it. The result is the one [`split`]
/// gives (`tests/hcl_incremental.rs` compares them on random edits).
fn resplit(db: &dyn Db, last: &LastSplit, text: &str) -> HclFile {
    let (old, new) = (last.text.as_bytes(), text.as_bytes());
    let prefix = common_prefix(old, new);
    if prefix == old.len() && prefix == new.len() {
        return last.file.clone();
    }
    let suffix = common_suffix(&old[prefix..], &new[prefix..]);
    let delta = new.len() as isize - old.len() as isize;
    let items = &last.file.items;
    // Restart after the last whole block that ends before the change.
    let broken = items.iter().position(|i| i.broken).unwrap_or(items.len());
    let before = items.partition_point(|i| i.end < prefix).min(broken);
    let keep = items[..before]
        .iter()
        .rposition(HclItem::clean)
        .map_or(0, |k| k + 1);
    let from = keep.checked_sub(1).map_or(0, |k| items[k].end);
    // Stop at the end of a whole block in the unchanged tail that was one before too.
    let tail = new.len() - suffix;
    let mut resumed_at = None;
    let (scanned, stopped) = scan_from(&last.file.path, text, from, |end| {
        if end < tail {
            return false;
        }
        let old_end = (end as isize - delta) as usize;
        let at = items.partition_point(|i| i.end < old_end);
        let hit = items.get(at).is_some_and(|i| i.end == old_end && i.clean())
            && !items[keep..at].iter().any(|i| i.broken);
        if hit {
            resumed_at = Some(at + 1);
        }
        hit
    });
    let path = last.file.path.as_str();
    let (mid_items, mid_diags) = parse_items(db, path, text, scanned);
    let mut out_items = Vec::with_capacity(items.len());
    out_items.extend(items[..keep].iter().cloned());
    out_items.extend(mid_items);
    let mut diagnostics: Vec<Diagnostic> = last
        .file
        .diagnostics
        .iter()
        .filter(|d| (d.span.start as usize) < from)
        .cloned()
        .collect();
    diagnostics.extend(mid_diags);
    if let (Some(stop), Some(rest)) = (stopped, resumed_at) {
        let old_stop = (stop as isize - delta) as usize;
        out_items.extend(items[rest..].iter().map(|i| HclItem {
            offset: (i.offset as isize + delta) as usize,
            end: (i.end as isize + delta) as usize,
            ..i.clone()
        }));
        diagnostics.extend(
            last.file
                .diagnostics
                .iter()
                .filter(|d| d.span.start as usize >= old_stop)
                .map(|d| d.clone().moved(delta)),
        );
    }
    // A broken item in the middle may report past the stop: the order is by start, the
    // middle's first among equals, as in a split from scratch (a stable sort of sorted runs).
    diagnostics.sort_by_key(|d| d.span.start);
    HclFile {
        path: last.file.path.clone(),
        items: out_items,
        diagnostics,
    }
}

/// How many bytes `a` and `b` share at their start.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    common_len(a.len().min(b.len()), |r| a[r.clone()] == b[r])
}

/// How many bytes `a` and `b` share at their end.
fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let (la, lb) = (a.len(), b.len());
    common_len(la.min(lb), |r| {
        a[la - r.end..la - r.start] == b[lb - r.end..lb - r.start]
    })
}

/// The length (at most `n`) of the run over which `same(range)` holds, found 64 bytes at a
/// time (a comparison the compiler vectorises), then byte by byte.
fn common_len(n: usize, same: impl Fn(std::ops::Range<usize>) -> bool) -> usize {
    const CHUNK: usize = 64;
    let mut i = 0;
    while i + CHUNK <= n && same(i..i + CHUNK) {
        i += CHUNK;
    }
    while i < n && same(i..i + 1) {
        i += 1;
    }
    i
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
                    let key = BlockText::new(&db, &file.text(&db)[range.clone()]);
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
// A project is resolved in steps, each a query whose value is compared, so that an edit stops
// where its effect does. The project's schemas ([`project_schemas`]) are declared first, from
// the items that have schema blocks. Each item's declarations ([`item_decls`], its summaries:
// kind, labels, name, schema, `for_each` instance, column names) are declared from the item
// alone, resolving `schema.x` against those schemas; [`project_decls`] lists every item's, and
// after an edit that leaves the summaries as they were (a column's type), it is equal to the
// one before, so nothing that reads it runs again. The label index ([`label_index`]) serves
// [`lookup_decls`]. Each top-level item is then lowered on its own by [`lower_block`], keyed
// by its text, reading its own declarations and the ones its references look up, so an edit
// inside one table re-lowers that table only (and the items that reference a summary that
// changed). The realm is then assembled from the items' fragments in declaration order, with
// the duplicate checks across items; an item whose places clash with an earlier item's is
// lowered again in place, seeing them, so the diagnostics are those of a whole-project
// lowering. A project with `variable` or `locals` blocks, or whose declarations read more
// than schemas, is resolved in one pass.

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

/// The project's parsed items (those with a key: a body) and their files, in declaration
/// order (files in order, items in file order).
fn item_keys<'f, 'db>(
    files: &'f [&'db HclFile],
) -> impl Iterator<Item = (&'db HclFile, &'db HclItem, salsa::Id)> + 'f {
    files
        .iter()
        .flat_map(|f| f.items.iter().filter_map(|i| i.key.map(|k| (*f, i, k))))
}

/// The schemas a project declares, in declaration order, and whether they could be declared
/// without seeing other items (else the project is resolved in one pass).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ProjectSchemas {
    decls: Vec<Arc<DeclInfo>>,
    names: Vec<String>,
    alone: bool,
}

#[salsa::tracked(returns(ref))]
pub(crate) fn project_schemas(db: &dyn Db, project: Project) -> ProjectSchemas {
    let dialect = *project.dialect(db);
    let mut decls = Vec::new();
    let mut alone = true;
    for (_, item, _) in item_keys(&hcl_files(db, project)) {
        let Some(body) = &item.body else { continue };
        if body.blocks.iter().any(|b| b.ident == "schema") {
            let (d, ok) = lower::schema_symbols(body, dialect);
            decls.extend(d);
            alone &= ok;
        }
    }
    ProjectSchemas {
        names: decls.iter().map(|d| d.name().to_string()).collect(),
        decls,
        alone,
    }
}

/// The declarations of one item (by its text), declared on its own: it reads the project's
/// schemas, never the other items, so that an edit elsewhere leaves it and its
/// [`lower_block`] valid at the cost of a check of those few queries.
/// (`tests/hcl_incremental.rs` proves the realm equal to a whole-project lowering's.)
#[salsa::tracked]
pub(crate) fn item_decls<'db>(
    db: &'db dyn Db,
    project: Project,
    item: BlockText<'db>,
) -> Arc<ItemDecls> {
    let Ok(body) = &parse_block(db, item).body else {
        return Arc::default();
    };
    let schemas = project_schemas(db, project);
    let resolver = SchemaResolver {
        schemas,
        other: Cell::new(false),
    };
    let mut decls = lower::item_symbols(body, *project.dialect(db), &resolver, &schemas.names);
    decls.alone &= !resolver.other.get();
    Arc::new(decls)
}

/// Resolves the references of a declaration: schemas only (a declaration that looks up
/// anything else cannot be summarised alone).
struct SchemaResolver<'a> {
    schemas: &'a ProjectSchemas,
    other: Cell<bool>,
}

impl Resolver for SchemaResolver<'_> {
    fn lookup(&self, kind: &'static str, label: &str) -> Vec<Arc<DeclInfo>> {
        if kind != "schema" {
            self.other.set(true);
            return Vec::new();
        }
        self.schemas
            .decls
            .iter()
            .filter(|d| d.label() == label || d.name() == label)
            .cloned()
            .collect()
    }

    fn labels(&self, kind: &'static str) -> Vec<String> {
        if kind != "schema" {
            self.other.set(true);
            return Vec::new();
        }
        let mut out: Vec<String> = self
            .schemas
            .decls
            .iter()
            .flat_map(|d| [d.label().to_string(), d.name().to_string()])
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Every item's declarations, in declaration order, and whether the project can be resolved
/// item by item. Equal after an edit that changes no summary: then nothing that reads the
/// declarations runs again (the items' own summaries are shared, compared by pointer first).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ProjectDecls {
    items: Vec<Arc<ItemDecls>>,
    pub incremental: bool,
}

#[salsa::tracked(returns(ref))]
pub(crate) fn project_decls(db: &dyn Db, project: Project) -> ProjectDecls {
    let files = hcl_files(db, project);
    let mut incremental = project_schemas(db, project).alone;
    let items: Vec<Arc<ItemDecls>> = item_keys(&files)
        .map(|(_, _, key)| item_decls(db, project, BlockText::from_id(key)).clone())
        .collect();
    incremental &= items.iter().all(|i| i.alone);
    ProjectDecls { items, incremental }
}

/// The project's declarations by kind and label (and name), as (item, declaration) positions
/// in [`project_decls`], in declaration order: every item's schemas, then every item's other
/// objects. (`no_eq`: it runs only when the declarations changed, and then it changed too.)
#[salsa::tracked(returns(ref), no_eq)]
pub(crate) fn label_index(db: &dyn Db, project: Project) -> LabelIndex {
    let decls = project_decls(db, project);
    let mut by_label: FxHashMap<(&'static str, String), Vec<(u32, u32)>> = FxHashMap::default();
    for schemas in [true, false] {
        for (i, item) in decls.items.iter().enumerate() {
            for (j, d) in item.decls.iter().enumerate() {
                if (d.kind() == "schema") != schemas {
                    continue;
                }
                let at = (i as u32, j as u32);
                by_label
                    .entry((d.kind(), d.label().to_string()))
                    .or_default()
                    .push(at);
                if d.name() != d.label() {
                    by_label
                        .entry((d.kind(), d.name().to_string()))
                        .or_default()
                        .push(at);
                }
            }
        }
    }
    LabelIndex { by_label }
}

pub(crate) struct LabelIndex {
    by_label: FxHashMap<(&'static str, String), Vec<(u32, u32)>>,
}

/// The declarations `kind.label` names.
#[salsa::tracked(returns(ref))]
pub(crate) fn lookup_decls(
    db: &dyn Db,
    project: Project,
    kind: &'static str,
    label: String,
) -> Vec<Arc<DeclInfo>> {
    let decls = project_decls(db, project);
    label_index(db, project)
        .by_label
        .get(&(kind, label))
        .into_iter()
        .flatten()
        .map(|&(i, j)| decls.items[i as usize].decls[j as usize].clone())
        .collect()
}

/// Every label of one kind of declaration (for "did you mean").
#[salsa::tracked(returns(ref))]
pub(crate) fn kind_labels(db: &dyn Db, project: Project, kind: &'static str) -> Vec<String> {
    let mut out: Vec<String> = label_index(db, project)
        .by_label
        .keys()
        .filter(|(k, _)| *k == kind)
        .map(|(_, n)| n.clone())
        .collect();
    out.sort();
    out
}

struct DbResolver<'db> {
    db: &'db dyn Db,
    project: Project,
}

impl Resolver for DbResolver<'_> {
    fn lookup(&self, kind: &'static str, label: &str) -> Vec<Arc<DeclInfo>> {
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
            &decls.decls,
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
    let all = project_decls(db, project);
    if !all.incremental {
        return resolve(files, dialect);
    }
    let mut diagnostics: Vec<Diagnostic> = files
        .iter()
        .flat_map(|f| f.diagnostics.iter().cloned())
        .collect();
    // Declaration order: schemas, then every other object but triggers and policies, then those.
    // (The items' declarations are read from `project_decls`, in the same order: one read of
    // the database for all of them.)
    let mut order: [Vec<(&HclFile, &HclItem, BlockText<'_>, &ItemDecls)>; 3] = Default::default();
    let mut each = all.items.iter();
    for (f, item, key) in item_keys(files) {
        let text = BlockText::from_id(key);
        let decls = each.next().expect("project_decls has every item");
        for d in &decls.diagnostics {
            diagnostics.push(place_diagnostic(d, &f.path, item.offset));
        }
        let Some(first) = decls.decls.first() else {
            continue;
        };
        let class = match first.kind() {
            "schema" => 0,
            "trigger" | "policy" => 2,
            _ => 1,
        };
        order[class].push((f, item, text, decls));
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
    let ordered = order
        .into_iter()
        .enumerate()
        .flat_map(|(class, items)| items.into_iter().map(move |i| (class == 0, i)));
    for (schema, (f, item, text, decls)) in ordered {
        let file = match names.iter().find(|(p, _)| std::ptr::eq(*p, f)) {
            Some((_, n)) => n.clone(),
            None => {
                let n: Arc<str> = Arc::from(f.path.as_str());
                names.push((f as *const HclFile, n.clone()));
                n
            }
        };
        let fragment = lower_block(db, project, text);
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
            let live = lower::lower_item(body, &decls.decls, src, dialect, &resolver, seen);
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

/// An item-relative diagnostic (no file) placed in `file` at the item's `offset`.
fn place_diagnostic(d: &Diagnostic, file: &str, offset: usize) -> Diagnostic {
    let mut d = d.clone();
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
    d.shifted(offset)
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
            diagnostics.push(match offset {
                Some(o) => place_diagnostic(d, file, o),
                None => d.clone(),
            });
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
