//! Schema HCL features: references (`column.id`, `table.users.column.id`, `schema.public`,
//! `enum.status`) resolved against the compiled realm and its source map.

use cairn_ir::{ObjectPath, Realm, Table};
use cairn_sema::Compiled;
use cairn_syntax::Span;

use crate::{Hover, Location, path_at};

/// The table whose declaration in `file` contains `offset` (the innermost enclosing table
/// block), as (schema, table).
fn enclosing_table(
    file: &str,
    text: &str,
    offset: usize,
    compiled: &Compiled,
) -> Option<(String, String)> {
    compiled
        .source_map
        .iter()
        .filter(|(_, loc)| {
            *loc.file == *file
                && loc.span.start as usize <= offset
                && offset <= loc.span.end as usize
        })
        .filter_map(|(p, loc)| match p {
            ObjectPath::Table(s, t) => Some((loc.span.end - loc.span.start, s.clone(), t.clone())),
            _ => None,
        })
        .min()
        .map(|(_, s, t)| (s, t))
        .or_else(|| {
            // The source map may hold only the block's header: take the last top-level
            // `table "name"` that starts before the offset.
            let head = text.get(..offset)?;
            let line = head
                .rmatch_indices("\ntable \"")
                .next()
                .map(|(i, _)| i + 1)
                .or_else(|| head.starts_with("table \"").then_some(0))?;
            let rest = &text[line + "table \"".len()..];
            let name = &rest[..rest.find('"')?];
            let t = find_table(&compiled.realm, None, name)?;
            Some((schema_of(&compiled.realm, t)?.to_string(), t.name.clone()))
        })
}

fn find_table<'a>(realm: &'a Realm, prefer_schema: Option<&str>, name: &str) -> Option<&'a Table> {
    let mut found = None;
    for schema in &realm.schemas {
        if let Some(t) = schema.tables.iter().find(|t| t.name == name).map(|t| &**t) {
            if Some(schema.name.as_str()) == prefer_schema {
                return Some(t);
            }
            found = found.or(Some(t));
        }
    }
    found
}

fn schema_of<'a>(realm: &'a Realm, table: &Table) -> Option<&'a str> {
    realm
        .schemas
        .iter()
        .find(|s| s.tables.iter().any(|t| std::ptr::eq(&**t, table)))
        .map(|s| s.name.as_str())
}

/// The object a reference at `offset` names, and the span of the segment under the cursor.
pub(crate) fn reference_at(
    file: &str,
    text: &str,
    offset: usize,
    compiled: &Compiled,
) -> Option<(ObjectPath, Span)> {
    let (segs, span) = path_at(text, offset)?;
    let realm = &compiled.realm;
    let here = enclosing_table(file, text, offset, compiled);
    let here_schema = here.as_ref().map(|(s, _)| s.as_str());
    let table_path = |name: &str| {
        let t = find_table(realm, here_schema, name)?;
        Some((schema_of(realm, t)?.to_string(), t.name.clone()))
    };
    let path = match segs.as_slice() {
        ["schema", s] => ObjectPath::Schema(s.to_string()),
        ["table", t] => {
            let (s, t) = table_path(t)?;
            ObjectPath::Table(s, t)
        }
        ["table", t, "column", c] => {
            let (s, t) = table_path(t)?;
            ObjectPath::Column(s, t, c.to_string())
        }
        ["table", t, "index", i] => {
            let (s, t) = table_path(t)?;
            ObjectPath::Index(s, t, i.to_string())
        }
        ["column", c] => {
            let (s, t) = here?;
            ObjectPath::Column(s, t, c.to_string())
        }
        ["index", i] => {
            let (s, t) = here?;
            ObjectPath::Index(s, t, i.to_string())
        }
        ["enum", e] => {
            let schema = realm
                .schemas
                .iter()
                .find(|s| s.enums.iter().any(|x| x.name == *e))?;
            ObjectPath::Enum(schema.name.clone(), e.to_string())
        }
        _ => return None,
    };
    Some((path, span))
}

pub(crate) fn definition(
    file: &str,
    text: &str,
    offset: usize,
    compiled: &Compiled,
) -> Option<Location> {
    let (path, _) = reference_at(file, text, offset, compiled)?;
    let loc = compiled.source_map.get(&path)?;
    Some(Location {
        file: loc.file.to_string(),
        span: loc.span,
    })
}

pub(crate) fn hover(file: &str, text: &str, offset: usize, compiled: &Compiled) -> Option<Hover> {
    let (path, span) = reference_at(file, text, offset, compiled)?;
    let realm = &compiled.realm;
    let markdown = match &path {
        ObjectPath::Schema(s) => {
            let schema = realm.schemas.iter().find(|x| &x.name == s)?;
            format!(
                "**schema** `{s}`\n\n{} tables, {} views",
                schema.tables.len(),
                schema.views.len()
            )
        }
        ObjectPath::Table(s, t) => table_summary(s, find_table(realm, Some(s), t)?),
        ObjectPath::Column(s, t, c) => {
            let table = find_table(realm, Some(s), t)?;
            let col = table.columns.iter().find(|x| &x.name == c)?;
            let mut md = format!(
                "**column** `{s}.{t}.{c}`: `{}`{}",
                col.ty.sql(),
                if col.nullable { " NULL" } else { " NOT NULL" }
            );
            if let Some(comment) = &col.comment {
                md.push_str(&format!("\n\n{comment}"));
            }
            md
        }
        ObjectPath::Index(s, t, i) => {
            let table = find_table(realm, Some(s), t)?;
            let idx = table.indexes.iter().find(|x| &x.name == i)?;
            format!(
                "**index** `{i}` on `{s}.{t}`{}",
                if idx.unique { " (unique)" } else { "" }
            )
        }
        ObjectPath::Enum(s, e) => {
            let schema = realm.schemas.iter().find(|x| &x.name == s)?;
            let en = schema.enums.iter().find(|x| &x.name == e)?;
            format!("**enum** `{s}.{e}`: {}", en.values.join(", "))
        }
        _ => return None,
    };
    Some(Hover { markdown, span })
}

/// A table's columns, primary key and indexes, as markdown.
fn table_summary(schema: &str, table: &Table) -> String {
    let mut md = format!("**table** `{schema}.{}`", table.name);
    if let Some(comment) = &table.comment {
        md.push_str(&format!("\n\n{comment}"));
    }
    md.push_str("\n\n");
    for col in &table.columns {
        md.push_str(&format!(
            "- `{}` `{}`{}\n",
            col.name,
            col.ty.sql(),
            if col.nullable { "" } else { " NOT NULL" }
        ));
    }
    if let Some(pk) = &table.primary_key {
        md.push_str(&format!("\nprimary key ({})\n", pk.columns.join(", ")));
    }
    for idx in &table.indexes {
        md.push_str(&format!(
            "\n{}index `{}`",
            if idx.unique { "unique " } else { "" },
            idx.name
        ));
    }
    md
}
