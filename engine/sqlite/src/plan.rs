//! The SQLite planner. `ALTER TABLE` is used only where SQLite does the change natively and
//! safely (rename table, rename column, add a simple column, drop a plain column); every other
//! change to a table is one rebuild (the procedure of SQLite's `lang_altertable.html` §7): copy
//! into a new table with the desired definition, drop the old one, rename the copy, recreate its
//! indexes and triggers, and check its foreign keys. Foreign-key enforcement is switched off
//! around rebuilds (a non-transactional step of its own), so dropping the old copy never cascades
//! to the rows that reference it.

use std::collections::{BTreeMap, BTreeSet};

use cairn_core::plan::{PlanInput, Planner};
use cairn_ir::{
    Change, Column, ColumnType, Default as ColDefault, Dialect, Hazards, Index, IndexKey, Literal,
    PlannedStatement, Realm, Schema, SqliteTableExt, Table, TableExt, Trigger, View,
};

use crate::print;

pub struct SqlitePlanner;

const D: Dialect = Dialect::Sqlite;

fn q(s: &str) -> String {
    D.quote_ident(s)
}

/// A statement builder: SQL, the changes it carries, a comment; hazards and reverse are added
/// with the `With` methods.
fn stmt(sql: String, changes: Vec<usize>, comment: &str) -> PlannedStatement {
    PlannedStatement {
        sql,
        reverse: None,
        changes,
        hazards: Hazards::default(),
        rows: None,
        comment: comment.to_string(),
    }
}

trait With {
    fn hazards(self, f: impl FnOnce(&mut Hazards)) -> Self;
    fn reverse(self, r: Option<String>) -> Self;
}

impl With for PlannedStatement {
    fn hazards(mut self, f: impl FnOnce(&mut Hazards)) -> Self {
        f(&mut self.hazards);
        self
    }
    fn reverse(mut self, r: Option<String>) -> Self {
        self.reverse = r;
        self
    }
}

fn cap(s: &str) -> String {
    let mut ch = s.chars();
    match ch.next() {
        Some(f) => f.to_uppercase().collect::<String>() + ch.as_str(),
        None => String::new(),
    }
}

fn starts_with_ci(sql: &str, prefix: &str) -> bool {
    let s = sql.trim_start();
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The statements printing a one-table realm gives, split into the `CREATE TABLE` itself and the
/// rest (indexes, triggers).
fn table_sql(t: &Table) -> (Vec<String>, Vec<String>) {
    let mut r = Realm::new(D);
    let mut s = Schema::new("main");
    s.tables.push(t.clone().into());
    r.schemas.push(s);
    print::create_statements(&r)
        .into_iter()
        .partition(|s| starts_with_ci(s, "CREATE TABLE"))
}

/// `CREATE [UNIQUE] INDEX` for one index of `table`.
fn index_sql(table: &str, i: &Index) -> Vec<String> {
    vec![print::create_index_sql(table, i)]
}

/// `CREATE TRIGGER` for one trigger of `table` (none for an event SQLite lacks).
fn trigger_sql(table: &str, tr: &Trigger) -> Vec<String> {
    print::create_trigger_sql(table, tr).into_iter().collect()
}

fn view_sql(v: &View) -> Vec<String> {
    let mut r = Realm::new(D);
    let mut s = Schema::new("main");
    s.views.push(v.clone());
    r.schemas.push(s);
    print::create_statements(&r)
}

/// One reverse made of several statements, or `None` when there are none.
fn joined(stmts: Vec<String>) -> Option<String> {
    (!stmts.is_empty()).then(|| stmts.join(";\n"))
}

/// Whether `name` occurs in `sql` as a whole word (case-insensitively, as SQLite compares
/// identifiers). Conservative: a match inside a string literal counts too.
fn mentions(sql: &str, name: &str) -> bool {
    let l = sql.to_lowercase();
    let n = name.to_lowercase();
    if n.is_empty() {
        return false;
    }
    let b = l.as_bytes();
    let mut from = 0;
    while let Some(i) = l[from..].find(&n) {
        let s = from + i;
        let e = s + n.len();
        let ok_before = s == 0 || !(b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_');
        let ok_after = e >= b.len() || !(b[e].is_ascii_alphanumeric() || b[e] == b'_');
        if ok_before && ok_after {
            return true;
        }
        from = e;
    }
    false
}

/// Whether `ALTER TABLE ADD COLUMN` can add this column to `t` (the desired table), within
/// SQLite's documented restrictions: no key or unique constraint, a constant default, NOT NULL
/// only with a non-null default, no stored generation. Columns with foreign keys or checks are
/// rebuilt, which also checks the existing rows.
fn simple_add(c: &Column, t: &Table) -> bool {
    let is = |k: &IndexKey| *k == IndexKey::Column(c.name.clone());
    let in_pk = t
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|x| x.eq_ignore_ascii_case(&c.name)));
    let in_constraint = t
        .indexes
        .iter()
        .any(|i| is_constraint(i) && i.parts.iter().any(|p| is(&p.key)));
    let const_default = match &c.default {
        None | Some(ColDefault::Literal(_)) => true,
        Some(ColDefault::Expr(_)) => false,
    };
    let not_null_ok = c.nullable
        || c.generated.is_some()
        || matches!(&c.default, Some(ColDefault::Literal(l)) if *l != Literal::Null);
    let fk = t
        .foreign_keys
        .iter()
        .any(|f| f.columns.iter().any(|x| x.eq_ignore_ascii_case(&c.name)));
    let in_check = t.checks.iter().any(|k| mentions(k.expr.as_str(), &c.name));
    let stored = c.generated.as_ref().is_some_and(|g| g.stored);
    !in_pk
        && !in_constraint
        && const_default
        && not_null_ok
        && !fk
        && !in_check
        && !stored
        && !c.auto_increment
}

/// Whether `ALTER TABLE DROP COLUMN` can drop this column of `t` (the current table): SQLite
/// refuses columns that a key, an index, a check, a generated column, a trigger or a view uses.
/// Indexes, views and triggers are those left when the column is dropped: the plan drops the
/// others before (`desired` is the desired table, `views` and `triggers` the desired schema's).
fn simple_drop(
    c: &str,
    t: &Table,
    desired: Option<&Table>,
    views: &[&View],
    triggers: &[&Trigger],
) -> bool {
    let same = |x: &str| x.eq_ignore_ascii_case(c);
    let in_pk = t
        .primary_key
        .as_ref()
        .is_some_and(|pk| pk.columns.iter().any(|x| same(x)));
    // A plain index the desired table lacks is dropped (natively) before the column.
    let kept = |i: &Index| {
        is_constraint(i)
            || desired.is_none_or(|d| {
                d.indexes
                    .iter()
                    .any(|x| x.name.eq_ignore_ascii_case(&i.name))
            })
    };
    let indexed = t.indexes.iter().filter(|i| kept(i)).any(|i| {
        i.parts.iter().any(|p| match &p.key {
            IndexKey::Column(x) => same(x),
            IndexKey::Expr(e) => mentions(e.as_str(), c),
        }) || i
            .predicate
            .as_ref()
            .is_some_and(|p| mentions(p.as_str(), c))
    });
    let fk = t
        .foreign_keys
        .iter()
        .any(|f| f.columns.iter().any(|x| same(x)));
    let checked = t.checks.iter().any(|k| mentions(k.expr.as_str(), c));
    let generated = t.columns.iter().any(|x| {
        x.generated
            .as_ref()
            .is_some_and(|g| mentions(g.expr.as_str(), c))
    });
    let triggered = triggers.iter().any(|tr| {
        tr.body.as_deref().is_some_and(|b| mentions(b, c))
            || tr.when.as_ref().is_some_and(|w| mentions(w.as_str(), c))
            || tr.events.iter().any(|e| {
                matches!(e, cairn_ir::TriggerEvent::Update { columns } if columns.iter().any(|x| same(x)))
            })
    });
    let viewed = views.iter().any(|v| mentions(&v.definition, c));
    !(in_pk || indexed || fk || checked || generated || triggered || viewed)
}

/// Whether an index is a `UNIQUE` table constraint, which lives in the table's definition:
/// flagged so, or named as SQLite names the indexes of constraints (no `CREATE INDEX` may use
/// such a name).
fn is_constraint(i: &Index) -> bool {
    i.constraint || i.name.to_ascii_lowercase().starts_with("sqlite_autoindex_")
}

/// Whether copying a value from a column of type `from` into one of type `to` can fail or change
/// it: a STRICT table rejects values of another type, and a new affinity converts values (text
/// `'007'` into integer `7`). Types of one affinity copy values unchanged.
fn type_change_depends_on_data(from: &ColumnType, to: &ColumnType, strict: bool) -> bool {
    match (from, to) {
        (ColumnType::Sqlite(a), ColumnType::Sqlite(b)) => {
            a != b && (strict || a.affinity() != b.affinity())
        }
        _ => from != to,
    }
}

fn sqlite_ext(t: &Table) -> SqliteTableExt {
    match &t.ext {
        TableExt::Sqlite(e) => e.clone(),
        _ => SqliteTableExt::default(),
    }
}

/// The plan-wide facts every decision needs: both states, which tables the plan creates, and
/// how renamed tables map to their current names.
struct Ctx<'a> {
    input: &'a PlanInput<'a>,
    created: BTreeSet<String>,
    /// Desired (new) table name -> current (old) name.
    renamed: BTreeMap<String, String>,
}

impl<'a> Ctx<'a> {
    fn new(input: &'a PlanInput<'a>) -> Ctx<'a> {
        let mut created = BTreeSet::new();
        let mut renamed = BTreeMap::new();
        for c in input.changes {
            match c {
                Change::AddTable { table, .. } => {
                    created.insert(table.name.clone());
                }
                Change::RenameTable { from, to } => {
                    renamed.insert(to.name.clone(), from.name.clone());
                }
                _ => {}
            }
        }
        Ctx {
            input,
            created,
            renamed,
        }
    }

    fn desired_table(&self, name: &str) -> Option<&'a Table> {
        self.input
            .desired
            .schemas
            .iter()
            .find_map(|s| s.table(name, D))
    }

    /// The current definition of the table the desired table `name` continues (under its old
    /// name when the plan renames it).
    fn current_table(&self, name: &str) -> Option<&'a Table> {
        let old = self.renamed.get(name).map(String::as_str).unwrap_or(name);
        self.input
            .current
            .schemas
            .iter()
            .find_map(|s| s.table(old, D))
    }

    /// Whether any table on either side has a foreign key (otherwise a rebuild cannot cascade or
    /// break a reference, and enforcement need not be switched off).
    fn any_foreign_keys(&self) -> bool {
        [self.input.current, self.input.desired]
            .iter()
            .any(|r| r.tables().any(|(_, t)| !t.foreign_keys.is_empty()))
    }

    /// Whether the change can only be carried out by rebuilding its table.
    fn needs_rebuild(&self, c: &Change) -> bool {
        let Some(t) = c.table() else { return false };
        if self.created.contains(&t.name) {
            return false;
        }
        match c {
            Change::AddColumn { table, column } => self
                .desired_table(&table.name)
                .is_none_or(|dt| !simple_add(column, dt)),
            Change::DropColumn { table, column } => {
                let views: Vec<&View> = self
                    .input
                    .desired
                    .schemas
                    .iter()
                    .flat_map(|s| &s.views)
                    .collect();
                let triggers: Vec<&Trigger> = self
                    .input
                    .desired
                    .tables()
                    .flat_map(|(_, t)| &t.triggers)
                    .collect();
                self.current_table(&table.name).is_none_or(|ct| {
                    !simple_drop(
                        &column.name,
                        ct,
                        self.desired_table(&table.name),
                        &views,
                        &triggers,
                    )
                })
            }
            // SQLite keeps no comments: a comment-only change has nothing to rebuild.
            Change::ModifyColumn { changed, .. } => {
                let mut rest = *changed;
                rest.comment = false;
                rest.any()
            }
            Change::ModifyTable { before, after, .. } => sqlite_ext(before) != sqlite_ext(after),
            // A UNIQUE table constraint lives in the table's definition.
            Change::AddIndex { index, .. } | Change::DropIndex { index, .. } => {
                is_constraint(index)
            }
            Change::AddPrimaryKey { .. }
            | Change::DropPrimaryKey { .. }
            | Change::AddForeignKey { .. }
            | Change::DropForeignKey { .. }
            | Change::AddCheck { .. }
            | Change::DropCheck { .. } => true,
            _ => false,
        }
    }
}

/// Changes a rebuild never carries: renames run natively first (so SQLite rewrites the
/// references to the old names), and the rebuild starts from the renamed table.
fn runs_before_rebuild(c: &Change) -> bool {
    matches!(c, Change::RenameTable { .. } | Change::RenameColumn { .. })
}

/// Changes that remove something; a rebuild is placed at its table's first other change, which
/// the order puts after every new table (so a new foreign key finds its parent).
fn removes(c: &Change) -> bool {
    matches!(
        c,
        Change::DropTrigger { .. }
            | Change::DropPolicy { .. }
            | Change::DropForeignKey { .. }
            | Change::DropCheck { .. }
            | Change::DropExclude { .. }
            | Change::DropIndex { .. }
            | Change::DropPrimaryKey { .. }
            | Change::RenameIndex { .. }
    )
}

impl Planner for SqlitePlanner {
    fn statements(&self, input: &PlanInput<'_>) -> Vec<PlannedStatement> {
        let ctx = Ctx::new(input);
        // Tables to rebuild, with every change the rebuild carries.
        let rebuilt: BTreeSet<String> = input
            .changes
            .iter()
            .filter(|c| ctx.needs_rebuild(c))
            .filter_map(|c| c.table().map(|t| t.name.clone()))
            .collect();
        let mut carried: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, c) in input.changes.iter().enumerate() {
            if let Some(t) = c.table()
                && rebuilt.contains(&t.name)
                && !runs_before_rebuild(c)
            {
                carried.entry(t.name.clone()).or_default().push(i);
            }
        }
        // Where each rebuild runs: at its first change that adds or modifies, else its first.
        let mut rebuild_at: BTreeMap<usize, String> = BTreeMap::new();
        for (table, idxs) in &carried {
            let at = idxs
                .iter()
                .copied()
                .find(|&i| !removes(&input.changes[i]))
                .unwrap_or(idxs[0]);
            rebuild_at.insert(at, table.clone());
        }
        let carried_set: BTreeSet<usize> = carried.values().flatten().copied().collect();
        let switch_fks = ctx.any_foreign_keys();

        let mut out: Vec<PlannedStatement> = Vec::new();
        // The open "foreign keys off" window: the index of its PRAGMA statement in `out`.
        let mut window: Option<usize> = None;
        for (i, c) in input.changes.iter().enumerate() {
            if let Some(table) = rebuild_at.get(&i) {
                let idxs = carried[table].clone();
                if switch_fks {
                    match window {
                        Some(w) => out[w].changes.extend(idxs.iter().copied()),
                        None => {
                            window = Some(out.len());
                            out.push(
                                stmt(
                                    "PRAGMA foreign_keys = off".into(),
                                    idxs.clone(),
                                    "Disable foreign-key enforcement for the table rebuild",
                                )
                                .hazards(|h| h.non_transactional = true)
                                .reverse(Some("PRAGMA foreign_keys = on".into())),
                            );
                        }
                    }
                }
                out.extend(rebuild_table(&ctx, table, &idxs));
                continue;
            }
            if carried_set.contains(&i) {
                continue;
            }
            if let Some(w) = window.take() {
                out.push(fks_on(out[w].changes.clone()));
            }
            plan_change(i, c, &ctx, &mut out);
        }
        if let Some(w) = window.take() {
            out.push(fks_on(out[w].changes.clone()));
        }
        out
    }
}

fn fks_on(changes: Vec<usize>) -> PlannedStatement {
    stmt(
        "PRAGMA foreign_keys = on".into(),
        changes,
        "Enable foreign-key enforcement again",
    )
    .hazards(|h| h.non_transactional = true)
    .reverse(Some("PRAGMA foreign_keys = off".into()))
}

/// The rebuild of table `name` (its desired name, which it already has when the plan renamed it),
/// carrying the changes `idxs`.
fn rebuild_table(ctx: &Ctx<'_>, name: &str, idxs: &[usize]) -> Vec<PlannedStatement> {
    let input = ctx.input;
    let Some(desired) = ctx.desired_table(name) else {
        return Vec::new();
    };
    let name = desired.name.as_str();
    // The table as it is when the rebuild runs: renamed columns carry their new names already.
    let mut current = ctx
        .current_table(name)
        .cloned()
        .unwrap_or_else(|| Table::new(name));
    for c in input.changes {
        if let Change::RenameColumn { table, from, to } = c
            && table.name == name
            && let Some(col) = current
                .columns
                .iter_mut()
                .find(|x| x.name.eq_ignore_ascii_case(from))
        {
            col.name = to.clone();
        }
    }
    let carried: Vec<&Change> = idxs.iter().map(|&i| &input.changes[i]).collect();
    let summary: Vec<String> = carried.iter().map(|c| c.summary()).collect();
    let comment = format!("Rebuild table \"{name}\" ({})", summary.join("; "));

    // Column mapping: every desired stored column that exists now is copied.
    let strict = sqlite_ext(desired).strict;
    let mut columns = Vec::new();
    let mut data_dependent = false;
    for c in &desired.columns {
        if c.generated.is_some() {
            continue;
        }
        match current.column(&c.name).filter(|cc| cc.generated.is_none()) {
            Some(cc) => {
                columns.push(q(&c.name));
                if (cc.nullable && !c.nullable)
                    || type_change_depends_on_data(&cc.ty, &c.ty, strict)
                {
                    data_dependent = true;
                }
            }
            None => {
                if !c.nullable && c.default.is_none() && !c.auto_increment {
                    data_dependent = true;
                }
            }
        }
    }
    // New keys, checks and references can reject existing rows.
    data_dependent |= carried.iter().any(|c| {
        matches!(
            c,
            Change::AddPrimaryKey { .. } | Change::AddCheck { .. } | Change::AddForeignKey { .. }
        ) || matches!(c, Change::AddIndex { index, .. } if index.unique)
            || matches!(c, Change::ModifyTable { after, .. } if sqlite_ext(after).strict)
    });
    let drops_data = carried
        .iter()
        .any(|c| matches!(c, Change::DropColumn { .. }));

    let taken = |n: &str| {
        [input.current, input.desired]
            .iter()
            .any(|r| r.tables().any(|(_, t)| t.name.eq_ignore_ascii_case(n)))
    };
    let mut tmp = format!("new_{name}");
    while taken(&tmp) {
        tmp.push('_');
    }
    let mut new_table = desired.clone();
    new_table.name = tmp.clone();
    new_table.indexes.retain(is_constraint);
    for i in &mut new_table.indexes {
        i.constraint = true;
    }
    new_table.triggers.clear();
    let create = [print::create_table_sql(&new_table)];

    let ids = idxs.to_vec();
    let mut out = Vec::new();
    for sql in create {
        out.push(stmt(sql, ids.clone(), &comment).hazards(|h| h.rewrites_table = true));
    }
    if !columns.is_empty() {
        let list = columns.join(", ");
        out.push(
            stmt(
                format!(
                    "INSERT INTO {} ({list}) SELECT {list} FROM {}",
                    q(&tmp),
                    q(name)
                ),
                ids.clone(),
                &comment,
            )
            .hazards(|h| {
                h.rewrites_table = true;
                h.data_dependent = data_dependent;
            }),
        );
    }
    out.push(
        stmt(format!("DROP TABLE {}", q(name)), ids.clone(), &comment).hazards(|h| {
            h.rewrites_table = true;
            h.destructive = drops_data;
            h.backward_incompatible = drops_data;
            h.irreversible = drops_data;
        }),
    );
    // With `legacy_alter_table` on, the rename does not re-check every view and trigger of the
    // schema, which would fail on those that name the table while it is away (SQLite 3.26+).
    out.push(stmt(
        "PRAGMA legacy_alter_table = on".into(),
        ids.clone(),
        &comment,
    ));
    out.push(
        stmt(
            format!("ALTER TABLE {} RENAME TO {}", q(&tmp), q(name)),
            ids.clone(),
            &comment,
        )
        .hazards(|h| h.rewrites_table = true),
    );
    out.push(stmt(
        "PRAGMA legacy_alter_table = off".into(),
        ids.clone(),
        &comment,
    ));
    // Indexes and triggers went with the old copy: they are created again, as desired.
    for ix in desired.indexes.iter().filter(|i| !is_constraint(i)) {
        let new_unique = ix.unique
            && carried
                .iter()
                .any(|c| matches!(c, Change::AddIndex { index, .. } if index.name == ix.name));
        for sql in index_sql(name, ix) {
            out.push(stmt(sql, ids.clone(), &comment).hazards(|h| h.data_dependent = new_unique));
        }
    }
    for tr in &desired.triggers {
        for sql in trigger_sql(name, tr) {
            out.push(stmt(sql, ids.clone(), &comment));
        }
    }
    out.extend(foreign_key_check(ctx, name, &ids, &comment));
    out
}

/// Statements that fail (and so roll the rebuild back) when the rebuilt table's rows or the rows
/// referencing it break a foreign key: SQLite only reports violations through
/// `pragma_foreign_key_check`, so a CHECK constraint of a temporary table turns the count into
/// an error.
fn foreign_key_check(
    ctx: &Ctx<'_>,
    name: &str,
    ids: &[usize],
    comment: &str,
) -> Vec<PlannedStatement> {
    let mut tables: Vec<String> = Vec::new();
    if ctx
        .desired_table(name)
        .is_some_and(|t| !t.foreign_keys.is_empty())
    {
        tables.push(name.to_string());
    }
    for (_, t) in ctx.input.desired.tables() {
        let refers = t
            .foreign_keys
            .iter()
            .any(|f| f.ref_table.name.eq_ignore_ascii_case(name));
        let exists_now = ctx.current_table(&t.name).is_some() && !ctx.created.contains(&t.name);
        if refers && exists_now && !t.name.eq_ignore_ascii_case(name) {
            tables.push(t.name.clone());
        }
    }
    if tables.is_empty() {
        return Vec::new();
    }
    let count = tables
        .iter()
        .map(|t| {
            format!(
                "(SELECT count(*) FROM pragma_foreign_key_check({}))",
                D.quote_string(t)
            )
        })
        .collect::<Vec<_>>()
        .join(" + ");
    let check = "cairn_foreign_key_check";
    vec![
        stmt(
            format!(
                "CREATE TEMP TABLE {} (\"violations\" INTEGER CONSTRAINT {} CHECK (\"violations\" = 0))",
                q(check),
                q(&format!("foreign key violations after rebuilding {name}"))
            ),
            ids.to_vec(),
            comment,
        ),
        stmt(
            format!("INSERT INTO temp.{} SELECT {count}", q(check)),
            ids.to_vec(),
            comment,
        )
        .hazards(|h| h.data_dependent = true),
        stmt(
            format!("DROP TABLE temp.{}", q(check)),
            ids.to_vec(),
            comment,
        ),
    ]
}

fn plan_change(i: usize, c: &Change, ctx: &Ctx<'_>, out: &mut Vec<PlannedStatement>) {
    let comment = cap(&c.summary());
    let one = |sql: String| stmt(sql, vec![i], &comment);
    match c {
        Change::AddTable { table, def } => {
            let (create, rest) = table_sql(def);
            for sql in create {
                out.push(one(sql).reverse(Some(format!("DROP TABLE {}", q(&table.name)))));
            }
            for sql in rest {
                out.push(one(sql));
            }
        }
        Change::DropTable { table, .. } => {
            out.push(one(format!("DROP TABLE {}", q(&table.name))).hazards(|h| {
                h.destructive = true;
                h.backward_incompatible = true;
                h.irreversible = true;
            }))
        }
        Change::RenameTable { from, to } => out.push(
            one(format!(
                "ALTER TABLE {} RENAME TO {}",
                q(&from.name),
                q(&to.name)
            ))
            .reverse(Some(format!(
                "ALTER TABLE {} RENAME TO {}",
                q(&to.name),
                q(&from.name)
            )))
            .hazards(|h| h.backward_incompatible = true),
        ),
        Change::RenameColumn { table, from, to } => out.push(
            one(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                q(&table.name),
                q(from),
                q(to)
            ))
            .reverse(Some(format!(
                "ALTER TABLE {} RENAME COLUMN {} TO {}",
                q(&table.name),
                q(to),
                q(from)
            )))
            .hazards(|h| h.backward_incompatible = true),
        ),
        Change::AddColumn { table, column } => out.push(
            one(format!(
                "ALTER TABLE {} ADD COLUMN {}",
                q(&table.name),
                print::column_def_sql(column, &Table::new(&table.name), false)
            ))
            .reverse(Some(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                q(&table.name),
                q(&column.name)
            ))),
        ),
        Change::DropColumn { table, column } => out.push(
            one(format!(
                "ALTER TABLE {} DROP COLUMN {}",
                q(&table.name),
                q(&column.name)
            ))
            .hazards(|h| {
                h.destructive = true;
                h.backward_incompatible = true;
                h.irreversible = true;
            }),
        ),
        Change::AddIndex { table, index } => {
            let existing = !ctx.created.contains(&table.name);
            for sql in index_sql(&table.name, index) {
                out.push(
                    one(sql)
                        .reverse(Some(format!("DROP INDEX {}", q(&index.name))))
                        .hazards(|h| h.data_dependent = index.unique && existing),
                );
            }
        }
        Change::DropIndex { table, index } => out.push(
            one(format!("DROP INDEX {}", q(&index.name)))
                .reverse(joined(index_sql(&table.name, index))),
        ),
        Change::RenameIndex { table, from, to } => {
            // SQLite has no ALTER INDEX: the index is dropped and created under its new name.
            let before = ctx.current_table(&table.name).and_then(|t| t.index(from));
            let after = ctx.desired_table(&table.name).and_then(|t| t.index(to));
            out.push(
                one(format!("DROP INDEX {}", q(from)))
                    .reverse(before.and_then(|ix| joined(index_sql(&table.name, ix)))),
            );
            if let Some(ix) = after {
                for sql in index_sql(&table.name, ix) {
                    out.push(one(sql).reverse(Some(format!("DROP INDEX {}", q(to)))));
                }
            }
        }
        Change::AddTrigger { table, trigger } => {
            for sql in trigger_sql(&table.name, trigger) {
                out.push(one(sql).reverse(Some(format!("DROP TRIGGER {}", q(&trigger.name)))));
            }
        }
        Change::DropTrigger { table, trigger } => out.push(
            one(format!("DROP TRIGGER {}", q(&trigger.name)))
                .reverse(joined(trigger_sql(&table.name, trigger))),
        ),
        Change::AddView { view, .. } => {
            for sql in view_sql(view) {
                out.push(one(sql).reverse(Some(format!("DROP VIEW {}", q(&view.name)))));
            }
        }
        Change::DropView { view, .. } => out.push(
            one(format!("DROP VIEW {}", q(&view.name)))
                .reverse(joined(view_sql(view)))
                .hazards(|h| h.backward_incompatible = true),
        ),
        Change::ModifyView { before, after, .. } => {
            // SQLite has no CREATE OR REPLACE VIEW.
            out.push(
                one(format!("DROP VIEW {}", q(&before.name))).reverse(joined(view_sql(before))),
            );
            for sql in view_sql(after) {
                out.push(one(sql).reverse(Some(format!("DROP VIEW {}", q(&after.name)))));
            }
        }
        // Changes to tables that need no statement in SQLite (comments, which SQLite does not
        // keep), and objects SQLite does not have (schemas, sequences, roles, policies...).
        _ => {}
    }
}
