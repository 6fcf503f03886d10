//! Printing a realm as the CREATE statements of the SQLite dialect, in dependency order, runnable
//! as-is on a fresh, empty database.
//!
//! SQLite cannot add a constraint to an existing table, so every primary key, `UNIQUE`
//! constraint, check and foreign key is declared inside its `CREATE TABLE`. Tables come in an
//! order where referenced tables come first; tables in a foreign-key cycle are still created
//! without complaint, because SQLite checks a foreign key's target only when a row is written,
//! so the printed SQL runs with `PRAGMA foreign_keys` on or off. Then come virtual tables,
//! indexes, views (a view after the views it reads), triggers, and triggers on views.
//!
//! What SQLite has no statement for is not printed: schemas other than `main` are printed as
//! `main` (SQLite has one schema per database file), and functions, sequences, enums, domains,
//! extensions, policies, roles, grants and comments have no SQLite form.

use std::collections::BTreeMap;

use cairn_ir::{
    Check, Column, ColumnType, Default as ColDefault, Deferrable, Dialect, FkAction, ForeignKey,
    Index, IndexKey, IndexPart, Literal, PrimaryKey, Realm, Table, TableExt, Trigger, TriggerEvent,
    TriggerTiming, View,
};

use crate::inspect::{autoindex_number, is_single_term, mentioned_names};

const D: Dialect = Dialect::Sqlite;

fn q(s: &str) -> String {
    D.quote_ident(s)
}

/// The statements that create `realm` from nothing, without trailing semicolons.
pub fn create_statements(realm: &Realm) -> Vec<String> {
    let mut out = Vec::new();
    let tables: Vec<&Table> = realm
        .schemas
        .iter()
        .flat_map(|s| s.tables.iter().map(|t| &**t))
        .collect();
    let ordered = table_order(&tables);
    for t in &ordered {
        out.push(create_table_sql(t));
    }
    let unsupported: Vec<_> = realm.schemas.iter().flat_map(|s| &s.unsupported).collect();
    for u in unsupported.iter().filter(|u| u.kind == "virtual_table") {
        out.push(u.raw.trim().trim_end_matches(';').to_string());
    }
    for t in &ordered {
        let inline = indexes_in_table(t);
        for ix in &t.indexes {
            if !inline.iter().any(|i| std::ptr::eq(*i, ix)) {
                out.push(create_index_sql(&t.name, ix));
            }
        }
    }
    let views: Vec<&View> = realm.schemas.iter().flat_map(|s| &s.views).collect();
    for v in view_order(&views) {
        out.push(create_view_sql(v));
    }
    for t in &ordered {
        for tr in &t.triggers {
            if let Some(sql) = create_trigger_sql(&t.name, tr) {
                out.push(sql);
            }
        }
    }
    for u in unsupported.iter().filter(|u| u.kind == "trigger") {
        out.push(u.raw.trim().trim_end_matches(';').to_string());
    }
    out
}

/// Tables with every table a foreign key references before the table that references it, where
/// there is no cycle; otherwise in the given order.
pub(crate) fn table_order<'a>(tables: &[&'a Table]) -> Vec<&'a Table> {
    let index: BTreeMap<String, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.to_ascii_lowercase(), i))
        .collect();
    let deps: Vec<Vec<usize>> = tables
        .iter()
        .map(|t| {
            t.foreign_keys
                .iter()
                .filter_map(|fk| index.get(&fk.ref_table.name.to_ascii_lowercase()).copied())
                .collect()
        })
        .collect();
    topological(tables, &deps)
}

/// Views after the views their definitions mention.
pub(crate) fn view_order<'a>(views: &[&'a View]) -> Vec<&'a View> {
    let index: BTreeMap<String, usize> = views
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.to_ascii_lowercase(), i))
        .collect();
    let deps: Vec<Vec<usize>> = views
        .iter()
        .map(|v| {
            mentioned_names(&v.definition)
                .iter()
                .filter_map(|n| index.get(&n.to_ascii_lowercase()).copied())
                .collect()
        })
        .collect();
    topological(views, &deps)
}

/// A depth-first order of `items` where each comes after its `deps`; an edge that closes a
/// cycle is ignored.
fn topological<'a, T>(items: &[&'a T], deps: &[Vec<usize>]) -> Vec<&'a T> {
    fn visit(i: usize, deps: &[Vec<usize>], state: &mut [u8], order: &mut Vec<usize>) {
        // 0 = unseen, 1 = on the current path, 2 = placed.
        if state[i] != 0 {
            return;
        }
        state[i] = 1;
        for &d in &deps[i] {
            if d != i {
                visit(d, deps, state, order);
            }
        }
        state[i] = 2;
        order.push(i);
    }
    let mut state = vec![0u8; items.len()];
    let mut order = Vec::with_capacity(items.len());
    for i in 0..items.len() {
        visit(i, deps, &mut state, &mut order);
    }
    order.into_iter().map(|i| items[i]).collect()
}

/// Whether the primary key is the rowid alias (a single `INTEGER` column of a rowid table),
/// which has no index of its own.
fn is_rowid_alias(t: &Table, pk: &PrimaryKey) -> bool {
    let without_rowid = matches!(&t.ext, TableExt::Sqlite(x) if x.without_rowid);
    !without_rowid
        && pk.columns.len() == 1
        && t.column(&pk.columns[0]).is_some_and(|c| match &c.ty {
            ColumnType::Sqlite(s) => s.decl == "integer",
            _ => false,
        })
}

/// The column that carries the primary key inline: an `AUTOINCREMENT` key, which SQLite allows
/// only as a column constraint.
fn inline_pk_column(t: &Table) -> Option<&str> {
    let pk = t.primary_key.as_ref()?;
    let [col] = pk.columns.as_slice() else {
        return None;
    };
    t.column(col)
        .filter(|c| c.auto_increment)
        .map(|c| c.name.as_str())
}

/// The parts of a table's definition that hold keys: the primary key (`None`) and the unique
/// indexes that are declared inside `CREATE TABLE` (`Some`), in declaration order.
///
/// SQLite names the indexes of PRIMARY KEY and UNIQUE constraints `sqlite_autoindex_<t>_<n>`,
/// numbered in declaration order, and such a name cannot be given to `CREATE INDEX`. So every
/// index named that way (or flagged as a constraint) is declared in the table, and where its
/// number leaves a gap, the gap is filled first by the primary key (when it has an index of its
/// own, i.e. is not the rowid) and then by named unique indexes on plain columns, which is how
/// the inspected database numbered them.
fn key_items(t: &Table) -> Vec<Option<&Index>> {
    let inline_pk = inline_pk_column(t).is_some();
    let mut pk_pending = t
        .primary_key
        .as_ref()
        .is_some_and(|k| !inline_pk && !is_rowid_alias(t, k));
    let mut out = Vec::new();
    if t.primary_key.is_some() && !inline_pk && !pk_pending {
        out.push(None);
    }
    let mut numbered: Vec<&Index> = t
        .indexes
        .iter()
        .filter(|ix| ix.unique && is_declared_in_table(ix))
        .collect();
    numbered.sort_by_key(|ix| autoindex_number(&ix.name).unwrap_or(u32::MAX));
    let mut fillers = t
        .indexes
        .iter()
        .filter(|ix| ix.unique && !is_declared_in_table(ix) && can_be_constraint(ix));
    let mut next = 1u32;
    for ix in numbered {
        if let Some(n) = autoindex_number(&ix.name) {
            while next < n {
                if pk_pending {
                    out.push(None);
                    pk_pending = false;
                } else if let Some(f) = fillers.next() {
                    out.push(Some(f));
                } else {
                    break;
                }
                next += 1;
            }
        }
        out.push(Some(ix));
        next += 1;
    }
    if pk_pending {
        out.push(None);
    }
    out
}

/// Whether an index must be declared inside its table: it is flagged as a constraint or named as
/// SQLite names the indexes of constraints.
pub(crate) fn is_declared_in_table(ix: &Index) -> bool {
    ix.constraint || autoindex_number(&ix.name).is_some()
}

/// Whether a unique index could have been a `UNIQUE` table constraint: plain columns only.
fn can_be_constraint(ix: &Index) -> bool {
    ix.predicate.is_none()
        && ix
            .parts
            .iter()
            .all(|p| matches!(p.key, IndexKey::Column(_)))
}

/// The unique indexes `create_table_sql` declares inside the table; every other index is a
/// `CREATE INDEX` statement of its own.
pub(crate) fn indexes_in_table(t: &Table) -> Vec<&Index> {
    key_items(t).into_iter().flatten().collect()
}

/// `CREATE TABLE` with every column and constraint of `t` (indexes other than those
/// `indexes_in_table` names, and triggers, are separate statements).
pub(crate) fn create_table_sql(t: &Table) -> String {
    let inline_pk = inline_pk_column(t);
    let mut items: Vec<String> = t
        .columns
        .iter()
        .map(|c| column_def_sql(c, t, inline_pk == Some(c.name.as_str())))
        .collect();
    for item in key_items(t) {
        match item {
            None => {
                if let Some(k) = &t.primary_key {
                    items.push(primary_key_sql(k));
                }
            }
            Some(ix) => items.push(unique_sql(ix)),
        }
    }
    items.extend(t.checks.iter().map(check_sql));
    items.extend(t.foreign_keys.iter().map(foreign_key_sql));
    let mut sql = format!(
        "CREATE TABLE {} (\n  {}\n)",
        q(&t.name),
        items.join(",\n  ")
    );
    if let TableExt::Sqlite(x) = &t.ext {
        let mut opts = Vec::new();
        if x.without_rowid {
            opts.push("WITHOUT ROWID");
        }
        if x.strict {
            opts.push("STRICT");
        }
        if !opts.is_empty() {
            sql.push(' ');
            sql.push_str(&opts.join(", "));
        }
    }
    sql
}

fn constraint_name(name: Option<&str>) -> String {
    name.map(|n| format!("CONSTRAINT {} ", q(n)))
        .unwrap_or_default()
}

/// A collation name: bare when it is a plain word (as SQLite's own are written), else quoted.
fn collation_sql(c: &str) -> String {
    if !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') {
        c.to_string()
    } else {
        q(c)
    }
}

/// One column definition; `inline_pk` puts the primary key (with `AUTOINCREMENT`) on it.
pub(crate) fn column_def_sql(c: &Column, t: &Table, inline_pk: bool) -> String {
    let mut s = q(&c.name);
    let ty = c.ty.sql();
    if !ty.is_empty() {
        s.push(' ');
        s.push_str(&ty);
    }
    if inline_pk && let Some(pk) = &t.primary_key {
        s.push(' ');
        s.push_str(&constraint_name(pk.name.as_deref()));
        s.push_str("PRIMARY KEY AUTOINCREMENT");
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(d) = &c.default {
        s.push_str(" DEFAULT ");
        s.push_str(&default_sql(d));
    }
    if let Some(coll) = &c.collation {
        s.push_str(" COLLATE ");
        s.push_str(&collation_sql(coll));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expr.as_str(),
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
    }
    s
}

/// A default as SQLite accepts it after `DEFAULT`: literals and keywords bare, any other
/// expression in parentheses.
pub(crate) fn default_sql(d: &ColDefault) -> String {
    match d {
        ColDefault::Literal(Literal::Null) => "NULL".into(),
        ColDefault::Literal(Literal::Bool(b)) => if *b { "TRUE" } else { "FALSE" }.into(),
        ColDefault::Literal(Literal::Number(n)) => n.clone(),
        ColDefault::Literal(Literal::String(s)) => D.quote_string(s),
        ColDefault::Expr(e) => {
            let e = e.as_str().trim();
            if is_single_term(e) {
                e.to_string()
            } else {
                format!("({e})")
            }
        }
    }
}

fn primary_key_sql(pk: &PrimaryKey) -> String {
    let cols: Vec<String> = pk.columns.iter().map(|c| q(c)).collect();
    format!(
        "{}PRIMARY KEY ({})",
        constraint_name(pk.name.as_deref()),
        cols.join(", ")
    )
}

/// A `UNIQUE` table constraint; an index named as SQLite names automatic indexes was unnamed.
fn unique_sql(ix: &Index) -> String {
    let name = autoindex_number(&ix.name)
        .is_none()
        .then_some(ix.name.as_str());
    format!(
        "{}UNIQUE ({})",
        constraint_name(name),
        index_parts_sql(&ix.parts)
    )
}

fn index_parts_sql(parts: &[IndexPart]) -> String {
    parts
        .iter()
        .map(|p| {
            let mut s = match &p.key {
                IndexKey::Column(c) => q(c),
                IndexKey::Expr(e) => e.as_str().to_string(),
            };
            if let Some(c) = &p.collation {
                s.push_str(" COLLATE ");
                s.push_str(&collation_sql(c));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn check_sql(c: &Check) -> String {
    format!(
        "{}CHECK ({})",
        constraint_name(c.name.as_deref()),
        c.expr.as_str()
    )
}

pub(crate) fn foreign_key_sql(fk: &ForeignKey) -> String {
    let cols: Vec<String> = fk.columns.iter().map(|c| q(c)).collect();
    let mut s = format!(
        "{}FOREIGN KEY ({}) REFERENCES {}",
        constraint_name(fk.name.as_deref()),
        cols.join(", "),
        q(&fk.ref_table.name)
    );
    if !fk.ref_columns.is_empty() {
        let refs: Vec<String> = fk.ref_columns.iter().map(|c| q(c)).collect();
        s.push_str(&format!(" ({})", refs.join(", ")));
    }
    if fk.on_update != FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if fk.on_delete != FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    match fk.deferrable {
        Deferrable::No => {}
        Deferrable::InitiallyImmediate => s.push_str(" DEFERRABLE INITIALLY IMMEDIATE"),
        Deferrable::InitiallyDeferred => s.push_str(" DEFERRABLE INITIALLY DEFERRED"),
    }
    s
}

pub(crate) fn create_index_sql(table: &str, ix: &Index) -> String {
    let mut s = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if ix.unique { "UNIQUE " } else { "" },
        q(&ix.name),
        q(table),
        index_parts_sql(&ix.parts)
    );
    if let Some(p) = &ix.predicate {
        s.push_str(" WHERE ");
        s.push_str(p.as_str());
    }
    s
}

pub(crate) fn create_view_sql(v: &View) -> String {
    let cols = if v.columns.is_empty() {
        String::new()
    } else {
        let cols: Vec<String> = v.columns.iter().map(|c| q(c)).collect();
        format!(" ({})", cols.join(", "))
    };
    format!(
        "CREATE VIEW {}{cols} AS {}",
        q(&v.name),
        v.definition.trim()
    )
}

/// `CREATE TRIGGER`, or `None` when the trigger has no event SQLite supports. SQLite triggers
/// fire on one event and for each row; a trigger with several events is printed with its first.
pub(crate) fn create_trigger_sql(table: &str, tr: &Trigger) -> Option<String> {
    let event = tr.events.iter().find_map(|e| match e {
        TriggerEvent::Insert => Some("INSERT".to_string()),
        TriggerEvent::Delete => Some("DELETE".to_string()),
        TriggerEvent::Update { columns } if columns.is_empty() => Some("UPDATE".to_string()),
        TriggerEvent::Update { columns } => {
            let cols: Vec<String> = columns.iter().map(|c| q(c)).collect();
            Some(format!("UPDATE OF {}", cols.join(", ")))
        }
        TriggerEvent::Truncate => None,
    })?;
    let timing = match tr.timing {
        TriggerTiming::Before => "BEFORE",
        TriggerTiming::After => "AFTER",
        TriggerTiming::InsteadOf => "INSTEAD OF",
    };
    let mut s = format!(
        "CREATE TRIGGER {} {timing} {event} ON {} FOR EACH ROW",
        q(&tr.name),
        q(table)
    );
    if let Some(w) = &tr.when {
        s.push_str(" WHEN ");
        s.push_str(w.as_str());
    }
    let body = tr.body.as_deref().unwrap_or("").trim();
    let starts_begin = body
        .get(..5)
        .is_some_and(|b| b.eq_ignore_ascii_case("BEGIN"))
        && !body[5..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
    if starts_begin {
        s.push('\n');
        s.push_str(body);
    } else {
        s.push_str(&format!("\nBEGIN\n  {};\nEND", body.trim_end_matches(';')));
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_ir::{Expr, QualifiedName, Schema};

    fn col(name: &str, ty: &str) -> Column {
        Column::new(name, ColumnType::parse(D, ty))
    }

    #[test]
    fn referenced_tables_come_first() {
        let mut a = Table::new("a");
        a.columns.push(col("b_id", "integer"));
        a.foreign_keys.push(ForeignKey {
            name: None,
            columns: vec!["b_id".into()],
            ref_table: QualifiedName::unqualified("b"),
            ref_columns: vec!["id".into()],
            on_update: FkAction::NoAction,
            on_delete: FkAction::Cascade,
            deferrable: Deferrable::No,
            not_valid: false,
        });
        let mut b = Table::new("b");
        let mut id = col("id", "INTEGER");
        id.nullable = false;
        b.columns.push(id);
        b.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
            include: vec![],
            deferrable: Deferrable::No,
        });
        let mut r = Realm::new(D);
        let mut s = Schema::new("main");
        s.tables = vec![a.into(), b.into()];
        r.schemas.push(s);
        let stmts = create_statements(&r);
        assert_eq!(
            stmts,
            vec![
                "CREATE TABLE \"b\" (\n  \"id\" integer NOT NULL,\n  PRIMARY KEY (\"id\")\n)",
                "CREATE TABLE \"a\" (\n  \"b_id\" integer,\n  FOREIGN KEY (\"b_id\") REFERENCES \"b\" (\"id\") ON DELETE CASCADE\n)",
            ]
        );
    }

    #[test]
    fn defaults_and_triggers() {
        assert_eq!(
            default_sql(&ColDefault::Expr(Expr::new("datetime('now')"))),
            "(datetime('now'))"
        );
        assert_eq!(
            default_sql(&ColDefault::Expr(Expr::new("CURRENT_TIMESTAMP"))),
            "CURRENT_TIMESTAMP"
        );
        assert_eq!(
            default_sql(&ColDefault::Literal(Literal::String("it's".into()))),
            "'it''s'"
        );
        let tr = Trigger {
            name: "t".into(),
            timing: TriggerTiming::After,
            events: vec![TriggerEvent::Truncate],
            for_each_row: true,
            when: None,
            function: None,
            function_args: vec![],
            body: Some("SELECT 1".into()),
            extra: None,
        };
        assert_eq!(create_trigger_sql("x", &tr), None);
        let tr = Trigger {
            events: vec![TriggerEvent::Insert],
            ..tr
        };
        assert_eq!(
            create_trigger_sql("x", &tr).unwrap(),
            "CREATE TRIGGER \"t\" AFTER INSERT ON \"x\" FOR EACH ROW\nBEGIN\n  SELECT 1;\nEND"
        );
    }
}
