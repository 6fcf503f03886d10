//! Rename, find references and rename hints for tables, columns and indexes, across every
//! schema file of a project (HCL and SQL).
//!
//! A rename rewrites the declaration and every reference, and writes the rename hint beside the
//! declaration (`renamed_from = "old"` in HCL, `-- cairn:renamed_from old` in SQL) so the next
//! plan renames the object instead of dropping and re-creating it. When the user renamed by
//! hand, [`hand_rename_hints`] compares the file with its saved version and offers the same
//! hint as a code action.
//!
//! References are found by scanning text, not by the compiler: HCL traversals
//! (`table.users.column.id`, `column.id` inside the table's block), and SQL identifiers (a
//! table's name anywhere; a column's name in its table's statements and in `REFERENCES t (...)`).

use cairn_ir::{Dialect, ObjectPath, Realm};
use cairn_sema::Compiled;
use cairn_syntax::Span;

use crate::Location;

/// A replacement of `span` by `new_text` (an insertion when the span is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub span: Span,
    pub new_text: String,
}

/// Edits to one file, in any order (they never overlap).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdits {
    pub file: String,
    pub edits: Vec<TextEdit>,
}

/// A code action: a title and the edits it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub edits: Vec<FileEdits>,
}

/// One schema file of the project: its path, text and (for the hint) whether it is HCL.
pub(crate) struct SrcFile<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

fn is_hcl(path: &str) -> bool {
    path.ends_with(".hcl")
}

/// The name an object path ends with, for the kinds that can be renamed.
pub(crate) fn renamable_name(obj: &ObjectPath) -> Option<&str> {
    match obj {
        ObjectPath::Table(_, t) => Some(t),
        ObjectPath::Column(_, _, c) | ObjectPath::Index(_, _, c) => Some(c),
        _ => None,
    }
}

fn kind_word(obj: &ObjectPath) -> &'static str {
    match obj {
        ObjectPath::Table(..) => "table",
        ObjectPath::Column(..) => "column",
        _ => "index",
    }
}

/// A span without the quotes around it (`"users"` -> `users`).
fn unquoted(text: &str, span: Span) -> Span {
    let (s, e) = (span.start as usize, span.end as usize);
    match text.get(s..e) {
        Some(t)
            if t.len() >= 2
                && (t.starts_with('"') || t.starts_with('`') || t.starts_with('['))
                && (t.ends_with('"') || t.ends_with('`') || t.ends_with(']')) =>
        {
            Span::new(s + 1, e - 1)
        }
        _ => span,
    }
}

/// The span of an object's name inside its declaration's span: the label without quotes in
/// HCL; in SQL (whose source map holds the whole definition) the first identifier naming it.
fn name_span(text: &str, span: Span, name: &str, hcl: bool, dialect: Dialect) -> Span {
    if hcl {
        return unquoted(text, span);
    }
    let (s, e) = (span.start as usize, (span.end as usize).min(text.len()));
    text.get(s..e)
        .and_then(|body| {
            sql_idents(body)
                .into_iter()
                .find(|id| sql_matches(id, name, dialect))
                .map(|id| Span::new(s + id.span.start as usize, s + id.span.end as usize))
        })
        .unwrap_or_else(|| unquoted(text, span))
}

/// The renamable object whose name is declared at `offset` (the cursor on that name).
pub(crate) fn declaration_at(
    file: &str,
    text: &str,
    offset: usize,
    compiled: &Compiled,
    dialect: Dialect,
) -> Option<ObjectPath> {
    compiled
        .source_map
        .iter()
        .filter(|(_, loc)| {
            *loc.file == *file
                && loc.span.start as usize <= offset
                && offset <= loc.span.end as usize
        })
        .filter_map(|(p, loc)| {
            let name = renamable_name(p)?;
            let span = name_span(text, loc.span, name, is_hcl(file), dialect);
            (span.start as usize <= offset && offset <= span.end as usize).then_some(p)
        })
        .next()
        .cloned()
}

// ---- scanning ------------------------------------------------------------------------------

/// A dotted word of HCL outside strings and comments: its start and text.
fn hcl_words(text: &str) -> Vec<(usize, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    while i < b.len() {
        let c = b[i];
        if c == b'#' || (c == b'/' && b.get(i + 1) == Some(&b'/')) {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if c == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
        } else if is_word(c) {
            let start = i;
            while i < b.len() && (is_word(b[i]) || b[i] == b'.') {
                i += 1;
            }
            let end = i.min(b.len());
            out.push((start, &text[start..end]));
        } else {
            i += 1;
        }
    }
    out
}

/// The name of the top-level `table "name"` block that `offset` is in (the last table header
/// in column 0 before it, when no other top-level block started in between).
pub(crate) fn hcl_table_at(text: &str, offset: usize) -> Option<String> {
    let head = text.get(..offset)?;
    let mut line_start = head.rfind('\n').map_or(0, |i| i + 1);
    loop {
        let line = &text[line_start..];
        if line.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let rest = line.strip_prefix("table")?.trim_start();
            let rest = rest.strip_prefix('"')?;
            return Some(rest[..rest.find('"')?].to_string());
        }
        if line_start == 0 {
            return None;
        }
        line_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
    }
}

/// An identifier of SQL text outside strings and comments.
#[derive(Debug)]
struct SqlIdent<'a> {
    name: &'a str,
    /// The name without quotes.
    span: Span,
    quoted: bool,
}

fn sql_idents(text: &str) -> Vec<SqlIdent<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if c == b'\'' {
            i += 1;
            while i < b.len() && b[i] != b'\'' {
                i += 1;
            }
            i += 1;
        } else if c == b'"' || c == b'`' {
            let start = i + 1;
            let end = text[start..].find(c as char).map_or(b.len(), |n| start + n);
            out.push(SqlIdent {
                name: &text[start..end],
                span: Span::new(start, end),
                quoted: true,
            });
            i = end + 1;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$') {
                i += 1;
            }
            out.push(SqlIdent {
                name: &text[start..i],
                span: Span::new(start, i),
                quoted: false,
            });
        } else {
            i += 1;
        }
    }
    out
}

fn sql_matches(id: &SqlIdent<'_>, name: &str, dialect: Dialect) -> bool {
    if id.quoted {
        id.name == name
    } else {
        dialect.fold_unquoted(id.name) == name
            || (dialect != Dialect::Postgres && id.name.eq_ignore_ascii_case(name))
    }
}

fn prev_char(text: &str, at: usize) -> Option<char> {
    text.get(..at)?.chars().rev().find(|c| !c.is_whitespace())
}

/// Whether the identifier is followed by `.` (it qualifies the next one).
fn followed_by_dot(text: &str, id: &SqlIdent<'_>) -> bool {
    let after = id.span.end as usize + usize::from(id.quoted);
    text.as_bytes().get(after) == Some(&b'.')
}

/// For each SQL statement: its range and the table it is about (the name after `TABLE` or, in
/// `CREATE INDEX`, after `ON`), as an index into `ids`.
fn sql_statements(text: &str, ids: &[SqlIdent<'_>]) -> Vec<(usize, usize, Option<usize>)> {
    cairn_core::lint::split_statements(text)
        .iter()
        .map(|st| {
            let first = ids.partition_point(|i| (i.span.start as usize) < st.start);
            let last = ids.partition_point(|i| (i.span.start as usize) < st.end);
            let words = &ids[first..last];
            let kw = |i: usize, w: &str| {
                words
                    .get(i)
                    .is_some_and(|x| !x.quoted && x.name.eq_ignore_ascii_case(w))
            };
            let start = if !(kw(0, "create") || kw(0, "alter")) {
                None
            } else if let Some(t) = (0..words.len().min(8)).find(|&i| kw(i, "table")) {
                Some(t + 1)
            } else {
                (0..words.len()).find(|&i| kw(i, "on")).map(|on| on + 1)
            };
            let target = start.and_then(|mut j| {
                while kw(j, "if") || kw(j, "not") || kw(j, "exists") || kw(j, "only") {
                    j += 1;
                }
                // `schema.table`: the table is the last part.
                while words.get(j).is_some_and(|w| followed_by_dot(text, w)) {
                    j += 1;
                }
                (j < words.len()).then_some(first + j)
            });
            (st.start, st.end, target)
        })
        .collect()
}

// ---- references ----------------------------------------------------------------------------

/// Every place that names `obj`: its declaration first, then the references, in file order.
pub(crate) fn occurrences(
    obj: &ObjectPath,
    files: &[SrcFile<'_>],
    compiled: &Compiled,
    dialect: Dialect,
) -> Vec<Location> {
    let mut out = Vec::new();
    let decl = compiled.source_map.get(obj).and_then(|loc| {
        let f = files.iter().find(|f| f.path == &*loc.file)?;
        Some(Location {
            file: loc.file.to_string(),
            span: name_span(
                f.text,
                loc.span,
                renamable_name(obj)?,
                is_hcl(f.path),
                dialect,
            ),
        })
    });
    if let Some(d) = &decl {
        out.push(d.clone());
    }
    for f in files {
        let found = if is_hcl(f.path) {
            hcl_references(obj, f.text)
        } else {
            sql_references(obj, f.text, dialect)
        };
        for span in found {
            let loc = Location {
                file: f.path.to_string(),
                span,
            };
            if Some(&loc) != decl.as_ref() && !out.contains(&loc) {
                out.push(loc);
            }
        }
    }
    out
}

fn hcl_references(obj: &ObjectPath, text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for (start, word) in hcl_words(text) {
        let segs: Vec<&str> = word.split('.').collect();
        // The span of segment `n` of the word.
        let seg_span = |n: usize| {
            let off: usize = segs[..n].iter().map(|s| s.len() + 1).sum();
            Span::new(start + off, start + off + segs[n].len())
        };
        match obj {
            ObjectPath::Table(_, t) if segs.len() >= 2 && segs[0] == "table" && segs[1] == t => {
                out.push(seg_span(1));
            }
            ObjectPath::Table(..) => {}
            ObjectPath::Column(_, t, c) | ObjectPath::Index(_, t, c) => {
                let kind = if matches!(obj, ObjectPath::Column(..)) {
                    "column"
                } else {
                    "index"
                };
                if segs.len() >= 4
                    && segs[0] == "table"
                    && segs[1] == t
                    && segs[2] == kind
                    && segs[3] == c
                {
                    out.push(seg_span(3));
                } else if segs.len() >= 2
                    && segs[0] == kind
                    && segs[1] == c
                    && hcl_table_at(text, start).as_deref() == Some(t.as_str())
                {
                    out.push(seg_span(1));
                }
            }
            _ => {}
        }
    }
    out
}

fn sql_references(obj: &ObjectPath, text: &str, dialect: Dialect) -> Vec<Span> {
    let ids = sql_idents(text);
    let mut out = Vec::new();
    match obj {
        ObjectPath::Table(_, t) => {
            for id in &ids {
                // `schema.table`: the schema part is not the table.
                if sql_matches(id, t, dialect) && !followed_by_dot(text, id) {
                    out.push(id.span);
                }
            }
        }
        ObjectPath::Index(_, _, i) => {
            out.extend(
                ids.iter()
                    .filter(|id| sql_matches(id, i, dialect))
                    .map(|id| id.span),
            );
        }
        ObjectPath::Column(_, t, c) => {
            for (start, end, target) in sql_statements(text, &ids) {
                let first = ids.partition_point(|i| (i.span.start as usize) < start);
                let last = ids.partition_point(|i| (i.span.start as usize) < end);
                let own = target.is_some_and(|k| sql_matches(&ids[k], t, dialect));
                for k in first..last {
                    let id = &ids[k];
                    if own {
                        if Some(k) != target && sql_matches(id, c, dialect) {
                            out.push(id.span);
                        }
                        continue;
                    }
                    // `REFERENCES t (a, b)` in another table's statement.
                    if sql_matches(id, c, dialect)
                        && let Some(open) = text[..id.span.start as usize].rfind('(')
                        && !text[open..id.span.start as usize].contains(')')
                    {
                        let before = ids[first..k]
                            .iter()
                            .rev()
                            .find(|x| (x.span.end as usize) <= open);
                        let ref_kw = ids[first..k].iter().rev().find(|x| {
                            (x.span.end as usize) <= open
                                && !x.quoted
                                && x.name.eq_ignore_ascii_case("references")
                        });
                        if let (Some(b), Some(r)) = (before, ref_kw)
                            && sql_matches(b, t, dialect)
                            && b.span.start >= r.span.end
                            && prev_char(text, open).is_some()
                        {
                            out.push(id.span);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    out
}

// ---- the rename hint -----------------------------------------------------------------------

/// The edit that records `old` as the former name of the object declared at `decl` (a span of
/// its name in `text`), or `None` when the declaration already carries a hint (the oldest name
/// is the one the database still has) or the hint has no place to go.
fn hint_edit(obj: &ObjectPath, text: &str, decl: Span, old: &str, hcl: bool) -> Option<TextEdit> {
    let at = decl.start as usize;
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    if hcl {
        // After the line that opens the block.
        let brace = at + text[at..].find('{')?;
        let eol = brace + text[brace..].find('\n')?;
        if !text[brace + 1..eol].trim().is_empty() {
            return None;
        }
        let body_indent = format!("{indent}  ");
        // The block's own attributes: lines at the body's indentation up to the first nested
        // block or the closing brace.
        for line in text[eol + 1..].lines() {
            let Some(rest) = line.strip_prefix(&body_indent) else {
                break;
            };
            if rest.starts_with(|c: char| c.is_whitespace()) {
                continue;
            }
            if rest.trim_start().starts_with("renamed_from") {
                return None;
            }
        }
        return Some(TextEdit {
            span: Span::new(eol + 1, eol + 1),
            new_text: format!("{body_indent}renamed_from = \"{old}\"\n"),
        });
    }
    match obj {
        ObjectPath::Table(..) => {
            // Above the statement's first line, unless the comments above already hint.
            let above = text[..line_start]
                .lines()
                .rev()
                .take_while(|l| l.trim_start().starts_with("--"));
            if above.into_iter().any(|l| l.contains("renamed_from")) {
                return None;
            }
            Some(TextEdit {
                span: Span::new(line_start, line_start),
                new_text: format!("{indent}-- cairn:renamed_from {old}\n"),
            })
        }
        ObjectPath::Column(..) => {
            let eol = at + text[at..].find('\n').unwrap_or(text.len() - at);
            let line = &text[line_start..eol];
            if line.contains("--") {
                return None;
            }
            // A column declared on the statement's last line (`c int);`) has no room.
            if line.contains(')') && line.trim_end().ends_with(';') {
                return None;
            }
            Some(TextEdit {
                span: Span::new(eol, eol),
                new_text: format!(" -- cairn:renamed_from {old}"),
            })
        }
        _ => None,
    }
}

/// The edits of renaming `obj` to `new_name` across `files`, with the rename hint.
pub(crate) fn rename_edits(
    obj: &ObjectPath,
    new_name: &str,
    files: &[SrcFile<'_>],
    compiled: &Compiled,
    dialect: Dialect,
) -> Result<Vec<FileEdits>, String> {
    if !new_name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        || !new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(format!(
            "`{new_name}` is not a plain name: letters, digits and `_`, not starting with a digit"
        ));
    }
    let old = renamable_name(obj).ok_or("only tables, columns and indexes can be renamed")?;
    if taken(obj, new_name, &compiled.realm) {
        return Err(format!(
            "a {} named `{new_name}` already exists",
            kind_word(obj)
        ));
    }
    let mut out: Vec<FileEdits> = Vec::new();
    let mut add = |file: &str, edit: TextEdit| match out.iter_mut().find(|f| f.file == file) {
        Some(f) => f.edits.push(edit),
        None => out.push(FileEdits {
            file: file.to_string(),
            edits: vec![edit],
        }),
    };
    let occ = occurrences(obj, files, compiled, dialect);
    for loc in &occ {
        add(
            &loc.file,
            TextEdit {
                span: loc.span,
                new_text: new_name.to_string(),
            },
        );
    }
    if let Some(decl) = occ
        .first()
        .filter(|_| compiled.source_map.get(obj).is_some())
        && let Some(f) = files.iter().find(|f| f.path == &*decl.file)
        && let Some(hint) = hint_edit(obj, f.text, decl.span, old, is_hcl(f.path))
    {
        add(&decl.file, hint);
    }
    Ok(out)
}

/// Whether the object's table (or schema, for a table) already has one named `name`.
fn taken(obj: &ObjectPath, name: &str, realm: &Realm) -> bool {
    let table = |s: &str, t: &str| {
        realm
            .schemas
            .iter()
            .filter(|x| x.name == s)
            .flat_map(|x| x.tables.iter())
            .find(|x| x.name == t)
    };
    match obj {
        ObjectPath::Table(s, _) => table(s, name).is_some(),
        ObjectPath::Column(s, t, _) => {
            table(s, t).is_some_and(|t| t.columns.iter().any(|c| c.name == name))
        }
        ObjectPath::Index(s, t, _) => {
            table(s, t).is_some_and(|t| t.indexes.iter().any(|i| i.name == name))
        }
        _ => false,
    }
}

/// Rename hints for a hand edit: the object declared at `offset` is new since the saved version
/// (`saved`), and objects of its kind (in its table) vanished; one action per vanished name.
pub(crate) fn hand_rename_hints(
    obj: &ObjectPath,
    file: &SrcFile<'_>,
    compiled: &Compiled,
    saved: &Compiled,
    dialect: Dialect,
) -> Vec<Action> {
    let Some(decl) = compiled.source_map.get(obj) else {
        return Vec::new();
    };
    let tables = |r: &'_ Realm, s: &str| -> Vec<String> {
        r.schemas
            .iter()
            .filter(|x| x.name == s)
            .flat_map(|x| x.tables.iter().map(|t| t.name.clone()))
            .collect()
    };
    let members = |r: &'_ Realm, s: &str, t: &str, cols: bool| -> Option<Vec<String>> {
        let table = r
            .schemas
            .iter()
            .filter(|x| x.name == s)
            .flat_map(|x| x.tables.iter())
            .find(|x| x.name == t)?;
        Some(if cols {
            table.columns.iter().map(|c| c.name.clone()).collect()
        } else {
            table.indexes.iter().map(|i| i.name.clone()).collect()
        })
    };
    let (name, now, before) = match obj {
        ObjectPath::Table(s, t) => (t, tables(&compiled.realm, s), tables(&saved.realm, s)),
        ObjectPath::Column(s, t, c) | ObjectPath::Index(s, t, c) => {
            let cols = matches!(obj, ObjectPath::Column(..));
            let (Some(now), Some(before)) = (
                members(&compiled.realm, s, t, cols),
                members(&saved.realm, s, t, cols),
            ) else {
                return Vec::new();
            };
            (c, now, before)
        }
        _ => return Vec::new(),
    };
    if before.contains(name) {
        return Vec::new();
    }
    let span = name_span(file.text, decl.span, name, is_hcl(file.path), dialect);
    before
        .iter()
        .filter(|old| !now.contains(old))
        .take(5)
        .filter_map(|old| {
            let edit = hint_edit(obj, file.text, span, old, is_hcl(file.path))?;
            Some(Action {
                title: format!(
                    "Rename hint: {} `{name}` was `{old}` (plan a RENAME)",
                    kind_word(obj)
                ),
                edits: vec![FileEdits {
                    file: file.path.to_string(),
                    edits: vec![edit],
                }],
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_identifiers_skip_strings_and_comments() {
        let ids = sql_idents("CREATE TABLE \"a\" (b int DEFAULT 'c') -- d\n/* e */ f");
        let names: Vec<&str> = ids.iter().map(|i| i.name).collect();
        assert_eq!(
            names,
            vec!["CREATE", "TABLE", "a", "b", "int", "DEFAULT", "f"]
        );
        assert!(ids[2].quoted);
    }

    #[test]
    fn hcl_table_of_an_offset() {
        let t = "table \"a\" {\n  x = column.id\n}\nschema \"s\" {\n}\n";
        assert_eq!(
            hcl_table_at(t, t.find("column").unwrap()).as_deref(),
            Some("a")
        );
        assert_eq!(hcl_table_at(t, t.len() - 2), None);
        assert_eq!(hcl_table_at("", 0), None);
    }

    #[test]
    fn hcl_hint_goes_after_the_opening_line_once() {
        let t = "table \"b\" {\n  schema = schema.public\n}\n";
        let decl = Span::new(7, 8);
        let obj = ObjectPath::Table("public".into(), "b".into());
        let e = hint_edit(&obj, t, decl, "a", true).unwrap();
        assert_eq!(e.span, Span::new(12, 12));
        assert_eq!(e.new_text, "  renamed_from = \"a\"\n");
        let hinted = "table \"b\" {\n  renamed_from = \"a\"\n}\n";
        assert!(hint_edit(&obj, hinted, decl, "x", true).is_none());
    }
}
