//! SQLite specifics of the SQL front end: triggers read off their text (a trigger on a view is
//! kept whole, as the inspector keeps it), the names SQLite gives the indexes of `UNIQUE`
//! constraints, and `REFERENCES t` without columns (t's primary key).

use cairn_ir::{ColumnType, ObjectPath, Table};
use sqlparser::ast;

use super::{E_DUPLICATE, Replay};

impl Replay {
    /// A SQLite `CREATE TRIGGER`, read off the text so that the condition and the body stay as
    /// written (SQLite keeps the text, and its bodies hold statements sqlparser does not read).
    /// A trigger on a table is the table's; one on a view is kept whole, as the inspector keeps
    /// it. `false` when the text does not have that shape.
    pub(super) fn sqlite_trigger(&mut self) -> bool {
        let Some(t) = cairn_syntax::sql::parse_sqlite_trigger(&self.stmt_text) else {
            return false;
        };
        if t.temporary {
            self.no_schema_change("a temporary trigger");
            return true;
        }
        let base = self.stmt_span.start as usize;
        let name_span = cairn_syntax::Span::new(base + t.name_range.0, base + t.name_range.1);
        let schema = self.current_schema.clone();
        let d = self.dialect;
        let exists = |r: &cairn_ir::Realm| {
            r.schema(&schema).is_some_and(|s| {
                s.tables.iter().any(|x| {
                    x.triggers
                        .iter()
                        .any(|tr| d.idents_equal(&tr.name, &t.name))
                }) || s.unsupported.iter().any(|u| {
                    u.kind == "trigger"
                        && u.name
                            .as_deref()
                            .is_some_and(|n| d.idents_equal(n, &t.name))
                })
            })
        };
        if exists(&self.realm) {
            if !t.if_not_exists {
                self.error(
                    E_DUPLICATE,
                    name_span,
                    format!("trigger {} already exists", t.name),
                );
            }
            return true;
        }
        let on_view = self.realm.schema(&schema).is_some_and(|s| {
            s.table(&t.table, d).is_none()
                && s.views.iter().any(|v| d.idents_equal(&v.name, &t.table))
        });
        if on_view {
            let raw = self.stmt_text[t.range.0..t.range.1].to_string();
            self.realm
                .schema_or_insert(&schema)
                .unsupported
                .push(cairn_ir::Unsupported {
                    kind: "trigger".into(),
                    name: Some(t.name.clone()),
                    raw,
                });
            let span = self.stmt_span;
            self.map(ObjectPath::Trigger(schema, t.table.clone(), t.name), span);
            return true;
        }
        let Some((idx, mut table)) = self.take_table(&schema, &t.table) else {
            let at = self
                .stmt_text
                .find(&t.table)
                .map(|i| cairn_syntax::Span::new(base + i, base + i + t.table.len()))
                .unwrap_or(self.stmt_span);
            self.unknown_table(&schema, &t.table, at);
            return true;
        };
        let trigger = crate::sqlite_trigger_to_ir(&t);
        let (tname, name) = (table.name.clone(), trigger.name.clone());
        table.triggers.push(trigger);
        self.put_table(&schema, idx, table);
        let span = self.stmt_span;
        self.map(ObjectPath::Trigger(schema, tname, name), span);
        true
    }

    /// SQLite drops a view's triggers with the view.
    pub(super) fn sqlite_drop_view_triggers(&mut self, schema: &str, view: &str) {
        let d = self.dialect;
        if let Some(s) = self.realm.schema_mut(schema) {
            s.unsupported.retain(|u| {
                u.kind != "trigger"
                    || !cairn_syntax::sql::parse_sqlite_trigger(&u.raw)
                        .is_some_and(|t| d.idents_equal(&t.table, view))
            });
        }
    }

    /// `REFERENCES t` without columns references t's primary key (once every table is known).
    pub(super) fn sqlite_implicit_ref_columns(&mut self) {
        let d = self.dialect;
        let keys: Vec<(String, String, Vec<String>)> = self
            .realm
            .schemas
            .iter()
            .flat_map(|s| {
                s.tables.iter().filter_map(|t| {
                    let pk = t.primary_key.as_ref()?;
                    Some((s.name.clone(), t.name.clone(), pk.columns.clone()))
                })
            })
            .collect();
        for s in &mut self.realm.schemas {
            let schema = s.name.clone();
            for t in &mut s.tables {
                for fk in &mut t.foreign_keys {
                    if !fk.ref_columns.is_empty() {
                        continue;
                    }
                    let ref_schema = fk.ref_table.schema.as_deref().unwrap_or(&schema);
                    if let Some((_, _, cols)) = keys.iter().find(|(s, n, _)| {
                        d.idents_equal(s, ref_schema) && d.idents_equal(n, &fk.ref_table.name)
                    }) && cols.len() == fk.columns.len()
                    {
                        fk.ref_columns = cols.clone();
                    }
                }
            }
        }
    }
}

/// Numbers the unnamed `UNIQUE` constraints of a SQLite table as SQLite names their indexes:
/// `sqlite_autoindex_<table>_<n>`, where `n` counts the indexes the table has when the
/// constraint is read. A `PRIMARY KEY` has an index too, numbered where it is declared, unless it
/// is the rowid (one `INTEGER` column of a rowid table), which has none; a `WITHOUT ROWID` table
/// creates the index of such a key only at the end of its definition.
pub(super) fn autoindex_numbers(table: &mut Table, ct: &ast::CreateTable) {
    // The keys in declaration order: column constraints, then table constraints.
    let mut order: Vec<bool> = Vec::new(); // true = primary key, false = unique
    for def in &ct.columns {
        for opt in &def.options {
            match &opt.option {
                ast::ColumnOption::PrimaryKey(_) => order.push(true),
                ast::ColumnOption::Unique(_) => order.push(false),
                _ => {}
            }
        }
    }
    for c in &ct.constraints {
        match c {
            ast::TableConstraint::PrimaryKey(_) => order.push(true),
            ast::TableConstraint::Unique(_) => order.push(false),
            _ => {}
        }
    }
    let integer_key = table.primary_key.as_ref().is_some_and(|pk| {
        pk.columns.len() == 1
            && table.column(&pk.columns[0]).is_some_and(|c| {
                matches!(&c.ty, ColumnType::Sqlite(t) if t.decl.eq_ignore_ascii_case("integer"))
            })
    });
    // Whether the key takes its number where it is declared (an INTEGER key of a WITHOUT ROWID
    // table takes the number after every UNIQUE constraint's).
    let pk_numbered_in_place = table.primary_key.is_some() && !integer_key;
    let uniques: Vec<usize> = (0..table.indexes.len())
        .filter(|&i| table.indexes[i].unique)
        .collect();
    if uniques.len() != order.iter().filter(|k| !**k).count() {
        return;
    }
    let mut n = 0u32;
    let mut k = 0;
    for is_pk in order {
        if is_pk {
            if pk_numbered_in_place {
                n += 1;
            }
            continue;
        }
        n += 1;
        let ix = &mut table.indexes[uniques[k]];
        k += 1;
        if ix.name.starts_with("sqlite_autoindex_") {
            ix.name = format!("sqlite_autoindex_{}_{n}", table.name);
        }
    }
}
