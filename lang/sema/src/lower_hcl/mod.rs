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

use std::sync::Arc;

use cairn_ir::Dialect;
use cairn_syntax::Diagnostic;
use cairn_syntax::hcl::parse::BodyAst;
use cairn_syntax::hcl::scan::{ItemKind, scan};

use crate::db::{Compiled, Db, SourceFile};

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
}

/// The text of one top-level item, interned so that equal text is one salsa key.
#[salsa::interned(debug)]
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
        let body = if item.broken {
            None
        } else {
            let key = BlockText::new(db, text[item.span.range()].to_string());
            match parse_block(db, key).body.clone() {
                Ok(body) => Some(body),
                Err(mut d) => {
                    d.file = path.clone();
                    diagnostics.push(d.shifted(offset));
                    None
                }
            }
        };
        items.push(HclItem {
            offset,
            kind: item.kind,
            ident: item.ident,
            comments: item.comments.into_iter().map(|c| c.text).collect(),
            body,
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
