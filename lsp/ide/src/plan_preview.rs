//! Plan preview: what the next plan does to each table of a file, against a baseline state
//! (the migration directory's replayed state, or a live database's inspected realm), computed
//! with `cairn_core`'s differ after the schemas are aligned as `cairn schema diff` aligns them.
//! Shown by the server as a code lens on each table: "+2 columns, 1 rename, 1 destructive".

use std::collections::BTreeMap;

use cairn_core::diff::{DiffOptions, diff};
use cairn_ir::{Change, ObjectPath, Realm};
use cairn_sema::Compiled;
use cairn_syntax::Span;

/// What the plan preview compares a schema with.
#[derive(Clone, Debug, PartialEq)]
pub enum Baseline {
    /// A migration directory's `.sql` files (path, text), in order: replayed.
    Migrations(Vec<(String, String)>),
    /// A live database's realm, as last inspected.
    Database(Realm),
    /// A baseline is configured but cannot be had (the database is unreachable): why, shown
    /// on every table.
    Unavailable(String),
}

/// The summary of the next plan's changes to one table, at the table's declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableLens {
    pub span: Span,
    pub title: String,
}

#[derive(Default)]
struct Counts {
    new_table: bool,
    add_columns: usize,
    modified: usize,
    renames: usize,
    destructive: usize,
    add_indexes: usize,
    drop_indexes: usize,
    other: usize,
}

impl Counts {
    fn title(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut parts = Vec::new();
        if self.new_table {
            parts.push("new table".to_string());
        } else {
            if self.add_columns > 0 {
                parts.push(format!(
                    "+{}",
                    plural(self.add_columns, "column", "columns")
                ));
            }
            if self.modified > 0 {
                parts.push(format!(
                    "{} modified",
                    plural(self.modified, "column", "columns")
                ));
            }
            if self.renames > 0 {
                parts.push(plural(self.renames, "rename", "renames"));
            }
            if self.add_indexes > 0 {
                parts.push(format!("+{}", plural(self.add_indexes, "index", "indexes")));
            }
            if self.drop_indexes > 0 {
                parts.push(format!(
                    "-{}",
                    plural(self.drop_indexes, "index", "indexes")
                ));
            }
            if self.other > 0 {
                parts.push(plural(self.other, "other change", "other changes"));
            }
        }
        if self.destructive > 0 {
            parts.push(format!("{} destructive", self.destructive));
        }
        if parts.is_empty() {
            "no changes".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// One lens per table declared in `file`.
pub(crate) fn lenses(file: &str, compiled: &Compiled, baseline: &Realm) -> Vec<TableLens> {
    let (mut before, mut after) = (baseline.clone(), compiled.realm.clone());
    // In schema scope the file's one schema stands for the baseline's one schema, whatever its
    // name: remember the renaming to find the file's tables again.
    let names: Vec<String> = after.schemas.iter().map(|s| s.name.clone()).collect();
    cairn_core::scope::align_schemas(&mut before, &mut after);
    let renamed: BTreeMap<String, String> = names
        .into_iter()
        .zip(after.schemas.iter().map(|s| s.name.clone()))
        .filter(|(a, b)| a != b)
        .collect();
    cairn_core::rules_test::keep_default_schema(&mut before, &mut after);
    let d = diff(&before, &after, &DiffOptions::default());
    let mut counts: BTreeMap<(String, String), Counts> = BTreeMap::new();
    for change in &d.changes {
        let Some(t) = change.table() else { continue };
        let c = counts
            .entry((t.schema.clone(), t.name.clone()))
            .or_default();
        match change {
            Change::AddTable { .. } => c.new_table = true,
            Change::AddColumn { .. } => c.add_columns += 1,
            Change::ModifyColumn { .. } => c.modified += 1,
            Change::RenameTable { .. }
            | Change::RenameColumn { .. }
            | Change::RenameIndex { .. } => c.renames += 1,
            Change::AddIndex { .. } => c.add_indexes += 1,
            Change::DropIndex { .. } => c.drop_indexes += 1,
            _ if change.is_destructive() => c.destructive += 1,
            _ => c.other += 1,
        }
    }
    let mut out: Vec<TableLens> = compiled
        .source_map
        .iter()
        .filter(|(_, loc)| *loc.file == *file)
        .filter_map(|(p, loc)| match p {
            ObjectPath::Table(s, t) => Some(TableLens {
                span: loc.span,
                title: counts
                    .get(&(renamed.get(s).unwrap_or(s).clone(), t.clone()))
                    .map_or_else(|| "no changes".to_string(), Counts::title),
            }),
            _ => None,
        })
        .collect();
    out.sort_by_key(|l| l.span.start);
    out
}

/// One lens per table declared in `file` saying that there is nothing to compare with, and why.
pub(crate) fn no_baseline(file: &str, compiled: &Compiled, why: &str) -> Vec<TableLens> {
    let mut out: Vec<TableLens> = compiled
        .source_map
        .iter()
        .filter(|(p, loc)| *loc.file == *file && matches!(p, ObjectPath::Table(..)))
        .map(|(_, loc)| TableLens {
            span: loc.span,
            title: format!("no baseline: {why}"),
        })
        .collect();
    out.sort_by_key(|l| l.span.start);
    out
}
