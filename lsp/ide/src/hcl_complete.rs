//! Schema HCL completion and document symbols: block types and attributes for the block the
//! cursor is in (per dialect), column types per dialect after `type =`, and references after
//! `column.`, `index.`, `table.`, `table.users.column.`, `enum.` and `schema.`.
//!
//! The block shapes below are the ones the HCL lowering accepts; a test compiles every
//! attribute offered in a block and fails if the compiler rejects one.

use cairn_ir::{Dialect, ObjectPath, Realm};
use cairn_sema::Compiled;
use cairn_syntax::Span;

use crate::{Completion, CompletionKind};

/// The attributes and nested blocks of a block kind, in a dialect.
fn shape(kind: &str, dialect: Dialect) -> (Vec<&'static str>, Vec<&'static str>) {
    let pg = dialect == Dialect::Postgres;
    let my = matches!(dialect, Dialect::Mysql(_));
    let lt = dialect == Dialect::Sqlite;
    let mut attrs: Vec<&'static str>;
    let mut blocks: Vec<&'static str> = Vec::new();
    match kind {
        "" => {
            attrs = Vec::new();
            blocks = vec!["schema", "table", "view"];
            if pg {
                blocks.extend([
                    "enum",
                    "function",
                    "sequence",
                    "extension",
                    "role",
                    "domain",
                ]);
            }
            if my {
                blocks.push("function");
            }
        }
        "schema" => {
            attrs = vec!["comment"];
            if my {
                attrs.extend(["charset", "collate"]);
            }
        }
        "table" => {
            attrs = vec!["schema", "comment", "renamed_from"];
            blocks = vec!["column", "primary_key", "index", "foreign_key", "check"];
            if pg {
                attrs.push("unlogged");
            }
            if my {
                attrs.extend(["charset", "collate"]);
            }
            if lt {
                attrs.extend(["strict", "without_rowid"]);
            }
        }
        "column" => {
            attrs = vec!["type", "null", "default", "comment", "renamed_from"];
            blocks = vec!["as"];
            if pg {
                blocks.push("identity");
            }
            if my {
                attrs.extend([
                    "unsigned",
                    "auto_increment",
                    "on_update",
                    "charset",
                    "collate",
                ]);
            }
            if lt {
                attrs.push("auto_increment");
            }
        }
        "primary_key" => attrs = vec!["columns"],
        "index" => {
            attrs = vec!["columns", "unique", "comment", "renamed_from"];
            blocks = vec!["on"];
            if pg {
                attrs.extend(["type", "where"]);
            }
        }
        "on" => attrs = vec!["column", "expr", "desc"],
        "foreign_key" => attrs = vec!["columns", "ref_columns", "on_update", "on_delete"],
        "check" => attrs = vec!["expr"],
        "enum" => attrs = vec!["schema", "values", "comment"],
        _ => attrs = Vec::new(),
    }
    (attrs, blocks)
}

/// Column types offered after `type =`, per dialect.
fn column_types(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Postgres => &[
            "bigint",
            "integer",
            "smallint",
            "bigserial",
            "serial",
            "text",
            "varchar(255)",
            "char(1)",
            "boolean",
            "numeric(10,2)",
            "real",
            "double_precision",
            "date",
            "timestamp",
            "timestamptz",
            "time",
            "interval",
            "uuid",
            "jsonb",
            "json",
            "bytea",
            "inet",
            "cidr",
        ],
        Dialect::Mysql(_) => &[
            "bigint",
            "int",
            "smallint",
            "tinyint",
            "varchar(255)",
            "char(1)",
            "text",
            "longtext",
            "boolean",
            "decimal(10,2)",
            "double",
            "float",
            "date",
            "datetime",
            "timestamp",
            "time",
            "json",
            "blob",
            "binary(16)",
        ],
        Dialect::Sqlite => &[
            "integer",
            "text",
            "real",
            "blob",
            "numeric",
            "boolean",
            "datetime",
            "varchar(255)",
        ],
    }
}

/// The chain of block kinds enclosing `offset` (outermost first), read from the braces before
/// it; an object expression (`x = {`) counts as a block with an empty kind.
fn enclosing_blocks(text: &str, offset: usize) -> Vec<String> {
    let b = text.as_bytes();
    let end = offset.min(b.len());
    let mut stack: Vec<String> = Vec::new();
    let mut line_start = 0;
    let mut i = 0;
    while i < end {
        match b[i] {
            b'\n' => line_start = i + 1,
            b'#' => {
                while i < end && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < end && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < end && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' => {
                let line = text.get(line_start..i).unwrap_or("").trim();
                let kind = if line.contains('=') {
                    String::new()
                } else {
                    line.split_whitespace().next().unwrap_or("").to_string()
                };
                stack.push(kind);
            }
            b'}' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack
}

fn item(label: &str, kind: CompletionKind, detail: &str) -> Completion {
    Completion {
        label: label.to_string(),
        kind,
        detail: Some(detail.to_string()),
        doc: None,
    }
}

fn tables(realm: &Realm) -> impl Iterator<Item = &cairn_ir::Table> {
    realm
        .schemas
        .iter()
        .flat_map(|s| s.tables.iter().map(|t| &**t))
}

/// Completions at `offset` of an HCL schema file.
pub(crate) fn completions(
    text: &str,
    offset: usize,
    compiled: &Compiled,
    dialect: Dialect,
) -> Vec<Completion> {
    let offset = offset.min(text.len());
    let Some(before) = text.get(..offset) else {
        return Vec::new();
    };
    let typed_from = before
        .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_')
        .len();
    let head = &before[..typed_from];
    let line = &head[head.rfind('\n').map_or(0, |i| i + 1)..];
    let realm = &compiled.realm;
    let blocks = enclosing_blocks(text, offset);
    let in_table = || crate::rename::hcl_table_at(text, offset);
    // A reference: the dotted chain before the cursor.
    if let Some(chain) = head.strip_suffix('.') {
        let start = chain
            .trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            .len();
        let segs: Vec<&str> = chain[start..].split('.').collect();
        let table = |name: &str| tables(realm).find(|t| t.name == name);
        let out: Vec<Completion> = match segs.as_slice() {
            ["column"] => in_table()
                .and_then(|t| table(&t))
                .map(|t| {
                    t.columns
                        .iter()
                        .map(|c| item(&c.name, CompletionKind::Field, &c.ty.sql()))
                        .collect()
                })
                .unwrap_or_default(),
            ["index"] => in_table()
                .and_then(|t| table(&t))
                .map(|t| {
                    t.indexes
                        .iter()
                        .map(|i| item(&i.name, CompletionKind::Field, "index"))
                        .collect()
                })
                .unwrap_or_default(),
            ["table"] => tables(realm)
                .map(|t| item(&t.name, CompletionKind::Variable, "table"))
                .collect(),
            ["table", _] => vec![
                item("column", CompletionKind::Keyword, "a column of the table"),
                item("index", CompletionKind::Keyword, "an index of the table"),
            ],
            ["table", t, "column"] => table(t)
                .map(|t| {
                    t.columns
                        .iter()
                        .map(|c| item(&c.name, CompletionKind::Field, &c.ty.sql()))
                        .collect()
                })
                .unwrap_or_default(),
            ["table", t, "index"] => table(t)
                .map(|t| {
                    t.indexes
                        .iter()
                        .map(|i| item(&i.name, CompletionKind::Field, "index"))
                        .collect()
                })
                .unwrap_or_default(),
            ["enum"] => realm
                .schemas
                .iter()
                .flat_map(|s| s.enums.iter())
                .map(|e| item(&e.name, CompletionKind::Variable, &e.values.join(", ")))
                .collect(),
            ["schema"] => realm
                .schemas
                .iter()
                .map(|s| item(&s.name, CompletionKind::Variable, "schema"))
                .collect(),
            _ => Vec::new(),
        };
        return out;
    }
    // A column type.
    let l = line.trim_start();
    if blocks.last().map(String::as_str) == Some("column")
        && l.strip_prefix("type")
            .is_some_and(|r| r.trim_start().starts_with('='))
    {
        let mut out: Vec<Completion> = column_types(dialect)
            .iter()
            .map(|t| {
                item(
                    t,
                    CompletionKind::Keyword,
                    &format!("{} type", dialect.name()),
                )
            })
            .collect();
        for e in realm.schemas.iter().flat_map(|s| s.enums.iter()) {
            out.push(item(
                &format!("enum.{}", e.name),
                CompletionKind::Variable,
                "enum",
            ));
        }
        return out;
    }
    // A block type or attribute, at the start of a line.
    if !l.is_empty() {
        return Vec::new();
    }
    let kind = blocks.last().map_or("", String::as_str);
    if !blocks.is_empty() && kind.is_empty() {
        return Vec::new();
    }
    let (attrs, nested) = shape(kind, dialect);
    let mut out: Vec<Completion> = attrs
        .iter()
        .map(|a| item(a, CompletionKind::Field, "attribute"))
        .collect();
    out.extend(
        nested
            .iter()
            .map(|b| item(b, CompletionKind::Keyword, "block")),
    );
    out
}

/// A symbol of a file's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: SymbolKind,
    pub span: Span,
    pub children: Vec<Symbol>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Schema,
    Table,
    Column,
    Index,
    Constraint,
    Type,
    Other,
}

/// The outline of `file`: its schemas, tables (with their columns, indexes and constraints)
/// and other objects, in file order.
pub(crate) fn symbols(file: &str, compiled: &Compiled) -> Vec<Symbol> {
    let mut tops: Vec<(ObjectPath, Symbol)> = Vec::new();
    let mut members: Vec<(String, String, Symbol)> = Vec::new();
    for (path, loc) in compiled.source_map.iter() {
        if *loc.file != *file {
            continue;
        }
        let sym = |name: &str, kind| Symbol {
            name: name.to_string(),
            kind,
            span: loc.span,
            children: Vec::new(),
        };
        match path {
            ObjectPath::Schema(s) => tops.push((path.clone(), sym(s, SymbolKind::Schema))),
            ObjectPath::Table(_, t) => tops.push((path.clone(), sym(t, SymbolKind::Table))),
            ObjectPath::View(_, n)
            | ObjectPath::MaterializedView(_, n)
            | ObjectPath::Function(_, n)
            | ObjectPath::Procedure(_, n)
            | ObjectPath::Sequence(_, n) => tops.push((path.clone(), sym(n, SymbolKind::Other))),
            ObjectPath::Enum(_, n) | ObjectPath::Domain(_, n) | ObjectPath::Composite(_, n) => {
                tops.push((path.clone(), sym(n, SymbolKind::Type)))
            }
            ObjectPath::Column(s, t, c) => {
                members.push((s.clone(), t.clone(), sym(c, SymbolKind::Column)))
            }
            ObjectPath::Index(s, t, i) => {
                members.push((s.clone(), t.clone(), sym(i, SymbolKind::Index)))
            }
            ObjectPath::ForeignKey(s, t, n) | ObjectPath::Check(s, t, n) => {
                members.push((s.clone(), t.clone(), sym(n, SymbolKind::Constraint)))
            }
            _ => {}
        }
    }
    members.sort_by_key(|(_, _, m)| m.span.start);
    // Tables by path, so filing members stays linear in a 5,000-table file.
    let index: std::collections::HashMap<ObjectPath, usize> = tops
        .iter()
        .enumerate()
        .map(|(i, (p, _))| (p.clone(), i))
        .collect();
    for (s, t, m) in members {
        if let Some(&i) = index.get(&ObjectPath::Table(s, t)) {
            tops[i].1.children.push(m);
        }
    }
    tops.sort_by_key(|(_, s)| s.span.start);
    tops.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_chain_of_an_offset() {
        let t = "table \"t\" {\n  column \"c\" {\n    \n  }\n  x = { a = 1 }\n}\n";
        let at = t.find("    \n").unwrap() + 4;
        assert_eq!(enclosing_blocks(t, at), vec!["table", "column"]);
        assert_eq!(enclosing_blocks(t, t.len()), Vec::<String>::new());
        assert_eq!(enclosing_blocks("", 5), Vec::<String>::new());
    }

    /// Every attribute offered in a table and a column is one the compiler accepts there.
    #[test]
    fn offered_attributes_compile() {
        for dialect in [Dialect::Postgres, Dialect::MYSQL, Dialect::Sqlite] {
            for attr in shape("table", dialect).0 {
                let value = match attr {
                    "schema" => "schema.main".to_string(),
                    "unlogged" | "strict" | "without_rowid" => "false".to_string(),
                    _ => "\"x\"".to_string(),
                };
                let src = format!(
                    "schema \"main\" {{\n}}\ntable \"t\" {{\n  schema = schema.main\n  column \"id\" {{\n    type = integer\n  }}\n  {}\n}}\n",
                    if attr == "schema" {
                        String::new()
                    } else {
                        format!("{attr} = {value}")
                    }
                );
                let c = cairn_sema::compile(&[("a.hcl".into(), src.clone())], dialect);
                assert!(
                    !c.has_errors(),
                    "{attr} in {dialect:?}: {:#?}\n{src}",
                    c.diagnostics
                );
            }
            for ty in column_types(dialect) {
                let src = format!(
                    "schema \"main\" {{\n}}\ntable \"t\" {{\n  schema = schema.main\n  column \"id\" {{\n    type = {ty}\n  }}\n}}\n"
                );
                let c = cairn_sema::compile(&[("a.hcl".into(), src)], dialect);
                assert!(!c.has_errors(), "{ty} in {dialect:?}: {:#?}", c.diagnostics);
                let t = &c.realm.schemas[0].tables[0].columns[0].ty;
                assert!(
                    !matches!(t, cairn_ir::ColumnType::Unsupported { .. }),
                    "{ty}: {t:?}"
                );
            }
        }
    }
}
