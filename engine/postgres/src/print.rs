//! Printing a realm as the CREATE statements of the Postgres dialect, in dependency order, runnable
//! as-is on a fresh, empty database.
//!
//! The order: schemas, roles, extensions, types, sequences, the functions that do not read
//! tables, tables (referenced before referencing; foreign keys in a cycle are added afterwards),
//! views and the functions that read tables (each after what its text names), indexes, the
//! remaining foreign keys, sequence ownership, table options, triggers, policies, comments,
//! grants.

pub(crate) mod ddl;

use std::collections::HashMap;

use cairn_ir::{
    ColumnType, Function, IndexKey, PgType, QualifiedName, Realm, Schema, Table, TableExt,
};

use ddl::{comment_sql, q, qn};

/// The statements that create `realm` from nothing, without trailing semicolons.
pub fn create_statements(realm: &Realm) -> Vec<String> {
    let mut out = Vec::new();
    for s in &realm.schemas {
        out.push(format!("CREATE SCHEMA IF NOT EXISTS {}", q(&s.name)));
    }
    for r in realm.roles.iter().filter(|r| !r.external) {
        out.push(ddl::create_role_sql(r));
    }
    for r in realm.roles.iter().filter(|r| !r.external) {
        for g in &r.member_of {
            out.push(format!("GRANT {} TO {}", q(g), q(&r.name)));
        }
    }
    // Owners are roles, created just above.
    for s in &realm.schemas {
        if let Some(o) = &s.owner {
            out.push(format!("ALTER SCHEMA {} OWNER TO {}", q(&s.name), q(o)));
        }
    }
    for s in &realm.schemas {
        for e in &s.extensions {
            out.push(ddl::create_extension_sql(&s.name, e));
        }
    }
    out.extend(type_statements(realm));
    for s in &realm.schemas {
        for seq in &s.sequences {
            out.push(ddl::create_sequence_sql(&s.name, seq));
        }
    }

    // Functions that read tables or views must wait for them: SQL bodies are checked when the
    // function is created.
    let relation_names: Vec<&str> = realm
        .schemas
        .iter()
        .flat_map(|s| {
            s.tables
                .iter()
                .map(|t| t.name.as_str())
                .chain(s.views.iter().map(|v| v.name.as_str()))
                .chain(s.materialized_views.iter().map(|v| v.name.as_str()))
        })
        .collect();
    let mut early = Vec::new();
    let mut late = Vec::new();
    for s in &realm.schemas {
        for (f, procedure) in s
            .functions
            .iter()
            .map(|f| (f, false))
            .chain(s.procedures.iter().map(|f| (f, true)))
        {
            let item = Item {
                name: f.name.clone(),
                text: f.body.clone(),
                sql: ddl::create_function_sql(&s.name, f, procedure),
            };
            if relation_names.iter().any(|n| mentions(&f.body, n)) {
                late.push(item);
            } else {
                early.push(item);
            }
        }
    }
    // A function that calls one that must wait, waits too.
    loop {
        let moved: Vec<usize> = early
            .iter()
            .enumerate()
            .filter(|(_, e)| late.iter().any(|l| mentions(&e.text, &l.name)))
            .map(|(i, _)| i)
            .collect();
        if moved.is_empty() {
            break;
        }
        for i in moved.into_iter().rev() {
            late.push(early.remove(i));
        }
    }
    out.extend(in_mention_order(early));
    for s in &realm.schemas {
        for a in &s.aggregates {
            out.push(ddl::create_aggregate_sql(&s.name, a));
        }
    }

    let (table_order, deferred) = table_order(realm);
    for &(si, ti) in &table_order {
        let s = &realm.schemas[si];
        let t = &s.tables[ti];
        let inline: Vec<bool> = (0..t.foreign_keys.len())
            .map(|k| !deferred.contains(&(si, ti, k)))
            .collect();
        out.push(ddl::create_table_sql(&s.name, t, &inline));
    }

    for s in &realm.schemas {
        for v in &s.views {
            late.push(Item {
                name: v.name.clone(),
                text: v.definition.clone(),
                sql: ddl::create_view_sql(&s.name, v, false),
            });
        }
        for v in &s.materialized_views {
            late.push(Item {
                name: v.name.clone(),
                text: v.definition.clone(),
                sql: ddl::create_view_sql(&s.name, v, true),
            });
        }
    }
    out.extend(in_mention_order(late));

    for s in &realm.schemas {
        for t in &s.tables {
            for ix in t.indexes.iter().filter(|i| !i.constraint) {
                out.push(ddl::create_index_sql(&s.name, &t.name, ix));
            }
        }
        for v in &s.materialized_views {
            for ix in &v.indexes {
                out.push(ddl::create_index_sql(&s.name, &v.name, ix));
            }
        }
    }
    for &(si, ti, k) in &deferred {
        let s = &realm.schemas[si];
        let t = &s.tables[ti];
        out.push(ddl::add_foreign_key_sql(
            &s.name,
            &t.name,
            &t.foreign_keys[k],
        ));
    }
    // Constraints not validated yet: only ALTER TABLE ... NOT VALID can create them.
    for &(si, ti) in &table_order {
        let s = &realm.schemas[si];
        let t = &s.tables[ti];
        for ck in t.checks.iter().filter(|c| c.not_valid) {
            out.push(ddl::add_not_valid_check_sql(&s.name, &t.name, ck));
        }
        for (k, fk) in t.foreign_keys.iter().enumerate() {
            if fk.not_valid && !deferred.contains(&(si, ti, k)) {
                out.push(ddl::add_foreign_key_sql(&s.name, &t.name, fk));
            }
        }
    }
    for s in &realm.schemas {
        for seq in &s.sequences {
            if let Some((t, c)) = &seq.owned_by {
                out.push(format!(
                    "ALTER SEQUENCE {} OWNED BY {}.{}",
                    qn(&s.name, &seq.name),
                    qn(&s.name, t),
                    q(c)
                ));
            }
        }
    }
    for s in &realm.schemas {
        for t in &s.tables {
            out.extend(table_option_statements(&s.name, t));
        }
    }
    for s in &realm.schemas {
        for t in &s.tables {
            for tr in &t.triggers {
                out.push(ddl::create_trigger_sql(&s.name, &t.name, tr));
            }
        }
        for u in s.unsupported.iter().filter(|u| u.kind == "trigger") {
            out.push(u.raw.clone());
        }
    }
    for s in &realm.schemas {
        for t in &s.tables {
            for p in &t.policies {
                out.push(ddl::create_policy_sql(&s.name, &t.name, p));
            }
        }
    }
    for s in &realm.schemas {
        out.extend(comment_statements(s));
    }
    for r in realm.roles.iter().filter(|r| !r.external) {
        if let Some(c) = &r.comment {
            out.push(comment_sql(&format!("ROLE {}", q(&r.name)), c));
        }
    }
    out.extend(realm.permissions.iter().filter_map(ddl::grant_sql));
    out.extend(
        realm
            .default_privileges
            .iter()
            .map(ddl::default_privilege_sql),
    );
    out
}

/// An object whose creation may depend on others named in its text.
struct Item {
    name: String,
    text: String,
    sql: String,
}

/// Whether `text` names `name` as a whole word (bare or inside double quotes).
fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let is_ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut from = 0;
    while let Some(pos) = text[from..].find(name) {
        let start = from + pos;
        let end = start + name.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
            return true;
        }
        from = start + name.len().max(1);
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// The items' SQL, each after the items its text mentions (declaration order otherwise; a
/// cycle keeps declaration order).
fn in_mention_order(items: Vec<Item>) -> Vec<String> {
    let n = items.len();
    let deps: Vec<Vec<usize>> = items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            (0..n)
                .filter(|&j| j != i && mentions(&it.text, &items[j].name))
                .collect()
        })
        .collect();
    let mut state = vec![0u8; n];
    let mut order = Vec::with_capacity(n);
    fn visit(i: usize, deps: &[Vec<usize>], state: &mut [u8], order: &mut Vec<usize>) {
        if state[i] != 0 {
            return;
        }
        state[i] = 1;
        for &d in &deps[i] {
            visit(d, deps, state, order);
        }
        state[i] = 2;
        order.push(i);
    }
    for i in 0..n {
        visit(i, &deps, &mut state, &mut order);
    }
    let mut items: Vec<Option<Item>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| items[i].take().map(|it| it.sql))
        .collect()
}

/// Enums first (they depend on nothing), then domains, composites and range types, each after
/// the types it is built from.
fn type_statements(realm: &Realm) -> Vec<String> {
    let mut out = Vec::new();
    for s in &realm.schemas {
        for e in &s.enums {
            out.push(ddl::create_enum_sql(&s.name, e));
        }
    }
    let mut items = Vec::new();
    for s in &realm.schemas {
        for d in &s.domains {
            items.push(Item {
                name: d.name.clone(),
                text: type_refs(std::slice::from_ref(&d.base)),
                sql: ddl::create_domain_sql(&s.name, d),
            });
        }
        for c in &s.composites {
            let types: Vec<ColumnType> = c.fields.iter().map(|(_, t)| t.clone()).collect();
            items.push(Item {
                name: c.name.clone(),
                text: type_refs(&types),
                sql: ddl::create_composite_sql(&s.name, c),
            });
        }
        for u in s.unsupported.iter().filter(|u| u.kind == "range type") {
            items.push(Item {
                name: u.name.clone().unwrap_or_default(),
                text: u.raw.clone(),
                sql: u.raw.clone(),
            });
        }
    }
    out.extend(in_mention_order(items));
    out
}

/// The names of the user-defined types among `types`, as text for `mentions`.
fn type_refs(types: &[ColumnType]) -> String {
    fn walk(t: &PgType, out: &mut Vec<String>) {
        match t {
            PgType::Named(QualifiedName { name, .. }) => out.push(name.clone()),
            PgType::Array(e) => walk(e, out),
            _ => {}
        }
    }
    let mut names = Vec::new();
    for t in types {
        if let ColumnType::Postgres(p) = t {
            walk(p, &mut names);
        }
    }
    names.join(" ")
}

type TablePos = (usize, usize);

/// Tables in creation order (parents and referenced tables first) and the foreign keys
/// (schema, table, index) that must be added after every table exists: those in a cycle, and
/// those whose referenced columns are covered only by a standalone unique index, created later.
fn table_order(realm: &Realm) -> (Vec<TablePos>, Vec<(usize, usize, usize)>) {
    let mut index: HashMap<(&str, &str), TablePos> = HashMap::new();
    for (si, s) in realm.schemas.iter().enumerate() {
        for (ti, t) in s.tables.iter().enumerate() {
            index.insert((s.name.as_str(), t.name.as_str()), (si, ti));
        }
    }
    let lookup = |q: &QualifiedName, schema: &str| -> Option<TablePos> {
        index
            .get(&(q.schema.as_deref().unwrap_or(schema), q.name.as_str()))
            .copied()
    };
    let mut state: HashMap<TablePos, u8> = HashMap::new();
    let mut order = Vec::new();
    let mut deferred = Vec::new();

    struct Walk<'r, F: Fn(&QualifiedName, &str) -> Option<TablePos>> {
        realm: &'r Realm,
        lookup: F,
    }
    impl<F: Fn(&QualifiedName, &str) -> Option<TablePos>> Walk<'_, F> {
        fn visit(
            &self,
            pos: TablePos,
            state: &mut HashMap<TablePos, u8>,
            order: &mut Vec<TablePos>,
            deferred: &mut Vec<(usize, usize, usize)>,
        ) {
            if state.get(&pos).copied().unwrap_or(0) != 0 {
                return;
            }
            state.insert(pos, 1);
            let s = &self.realm.schemas[pos.0];
            let t = &s.tables[pos.1];
            let mut parents: Vec<&QualifiedName> = Vec::new();
            if let Some(p) = &t.partition_of {
                parents.push(&p.parent);
            }
            if let TableExt::Postgres(e) = &t.ext {
                parents.extend(e.inherits.iter());
            }
            for p in parents {
                if let Some(pp) = (self.lookup)(p, &s.name) {
                    self.visit(pp, state, order, deferred);
                }
            }
            for (k, fk) in t.foreign_keys.iter().enumerate() {
                let Some(target) = (self.lookup)(&fk.ref_table, &s.name) else {
                    // A table outside the realm is assumed to exist already.
                    continue;
                };
                if target == pos {
                    if !covered_by_constraint(t, &fk.ref_columns) {
                        deferred.push((pos.0, pos.1, k));
                    }
                    continue;
                }
                match state.get(&target).copied().unwrap_or(0) {
                    0 => self.visit(target, state, order, deferred),
                    1 => {
                        deferred.push((pos.0, pos.1, k));
                        continue;
                    }
                    _ => {}
                }
                let rt = &self.realm.schemas[target.0].tables[target.1];
                if !covered_by_constraint(rt, &fk.ref_columns)
                    && !deferred.contains(&(pos.0, pos.1, k))
                {
                    deferred.push((pos.0, pos.1, k));
                }
            }
            state.insert(pos, 2);
            order.push(pos);
        }
    }
    let walk = Walk { realm, lookup };
    for (si, s) in realm.schemas.iter().enumerate() {
        for ti in 0..s.tables.len() {
            walk.visit((si, ti), &mut state, &mut order, &mut deferred);
        }
    }
    deferred.sort();
    deferred.dedup();
    (order, deferred)
}

/// Whether `columns` of `t` are its primary key or a UNIQUE constraint, both created with
/// the table (a standalone unique index comes later).
fn covered_by_constraint(t: &Table, columns: &[String]) -> bool {
    let same =
        |a: &[String], b: &[&str]| a.len() == b.len() && a.iter().all(|x| b.contains(&x.as_str()));
    if let Some(pk) = &t.primary_key {
        let cols: Vec<&str> = pk.columns.iter().map(String::as_str).collect();
        if same(columns, &cols) {
            return true;
        }
    }
    t.indexes.iter().any(|i| {
        i.constraint
            && i.parts.iter().all(|p| matches!(p.key, IndexKey::Column(_)))
            && i.column_names().is_some_and(|cols| same(columns, &cols))
    })
}

/// Row-level security and replica identity, set once the table and its indexes exist.
fn table_option_statements(schema: &str, t: &Table) -> Vec<String> {
    let mut out = Vec::new();
    let name = qn(schema, &t.name);
    if t.row_security.enabled {
        out.push(format!("ALTER TABLE {name} ENABLE ROW LEVEL SECURITY"));
    }
    if t.row_security.forced {
        out.push(format!("ALTER TABLE {name} FORCE ROW LEVEL SECURITY"));
    }
    if let TableExt::Postgres(e) = &t.ext
        && let Some(ri) = &e.replica_identity
    {
        out.push(format!("ALTER TABLE {name} REPLICA IDENTITY {ri}"));
    }
    out
}

fn comment_statements(s: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let sn = &s.name;
    if let Some(c) = &s.comment {
        out.push(comment_sql(&format!("SCHEMA {}", q(sn)), c));
    }
    for e in &s.extensions {
        if let Some(c) = &e.comment {
            out.push(comment_sql(&format!("EXTENSION {}", q(&e.name)), c));
        }
    }
    for e in &s.enums {
        if let Some(c) = &e.comment {
            out.push(comment_sql(&format!("TYPE {}", qn(sn, &e.name)), c));
        }
    }
    for d in &s.domains {
        if let Some(c) = &d.comment {
            out.push(comment_sql(&format!("DOMAIN {}", qn(sn, &d.name)), c));
        }
    }
    for t in &s.composites {
        if let Some(c) = &t.comment {
            out.push(comment_sql(&format!("TYPE {}", qn(sn, &t.name)), c));
        }
    }
    for seq in &s.sequences {
        if let Some(c) = &seq.comment {
            out.push(comment_sql(&format!("SEQUENCE {}", qn(sn, &seq.name)), c));
        }
    }
    let routine = |kind: &str, f: &Function| {
        f.comment.as_ref().map(|c| {
            comment_sql(
                &format!(
                    "{kind} {}({})",
                    qn(sn, &f.name),
                    ddl::identity_args(&f.args)
                ),
                c,
            )
        })
    };
    out.extend(s.functions.iter().filter_map(|f| routine("FUNCTION", f)));
    out.extend(s.procedures.iter().filter_map(|f| routine("PROCEDURE", f)));
    for a in &s.aggregates {
        if let Some(c) = &a.comment {
            let args = ddl::identity_args(&a.args);
            let args = if args.is_empty() {
                "*".to_string()
            } else {
                args
            };
            out.push(comment_sql(
                &format!("AGGREGATE {}({args})", qn(sn, &a.name)),
                c,
            ));
        }
    }
    for t in &s.tables {
        let tn = qn(sn, &t.name);
        if let Some(c) = &t.comment {
            out.push(comment_sql(&format!("TABLE {tn}"), c));
        }
        for col in &t.columns {
            if let Some(c) = &col.comment {
                out.push(comment_sql(&format!("COLUMN {tn}.{}", q(&col.name)), c));
            }
        }
        for ix in &t.indexes {
            if let Some(c) = &ix.comment {
                let target = if ix.constraint {
                    format!("CONSTRAINT {} ON {tn}", q(&ix.name))
                } else {
                    format!("INDEX {}", qn(sn, &ix.name))
                };
                out.push(comment_sql(&target, c));
            }
        }
        for ck in &t.checks {
            if let (Some(n), Some(c)) = (&ck.name, &ck.comment) {
                out.push(comment_sql(&format!("CONSTRAINT {} ON {tn}", q(n)), c));
            }
        }
    }
    for (kind, views) in [
        ("VIEW", &s.views),
        ("MATERIALIZED VIEW", &s.materialized_views),
    ] {
        for v in views {
            if let Some(c) = &v.comment {
                out.push(comment_sql(&format!("{kind} {}", qn(sn, &v.name)), c));
            }
            for ix in &v.indexes {
                if let Some(c) = &ix.comment {
                    out.push(comment_sql(&format!("INDEX {}", qn(sn, &ix.name)), c));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_ir::{Column, ForeignKey, PrimaryKey};

    fn table(name: &str, refs: &[&str]) -> Table {
        let mut t = Table::new(name);
        t.columns
            .push(Column::new("id", ColumnType::Postgres(PgType::Integer)));
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
            include: vec![],
            deferrable: Default::default(),
        });
        for r in refs {
            t.foreign_keys.push(ForeignKey {
                name: None,
                columns: vec!["id".into()],
                ref_table: QualifiedName::new(Some("s"), r),
                ref_columns: vec!["id".into()],
                on_update: Default::default(),
                on_delete: Default::default(),
                deferrable: Default::default(),
                not_valid: false,
            });
        }
        t
    }

    #[test]
    fn referenced_tables_come_first_and_cycles_are_deferred() {
        let mut realm = Realm::new(cairn_ir::Dialect::Postgres);
        let mut s = Schema::new("s");
        s.tables.push(table("orders", &["users"]).into());
        s.tables.push(table("users", &[]).into());
        s.tables.push(table("a", &["b"]).into());
        s.tables.push(table("b", &["a"]).into());
        realm.schemas.push(s);
        let stmts = create_statements(&realm);
        let pos = |needle: &str| stmts.iter().position(|x| x.contains(needle)).unwrap();
        assert!(pos("TABLE \"s\".\"users\"") < pos("TABLE \"s\".\"orders\""));
        let alters: Vec<&String> = stmts
            .iter()
            .filter(|x| x.starts_with("ALTER TABLE"))
            .collect();
        assert_eq!(alters.len(), 1, "{stmts:#?}");
    }

    #[test]
    fn mentions_whole_words() {
        assert!(mentions("SELECT * FROM users u", "users"));
        assert!(mentions("FROM \"users\"", "users"));
        assert!(!mentions("FROM users_archive", "users"));
    }
}
