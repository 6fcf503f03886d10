//! The MySQL / MariaDB planner: SQL for each change, with its hazards (algorithm, rewrites, data
//! dependence) and its reverse where one exists.
//!
//! Every change to one existing table is folded into as few `ALTER TABLE` statements as the
//! server allows (usually one), because each MySQL `ALTER TABLE` may copy the whole table and
//! none of them is transactional. A table's clauses fall into three phases, each printed as one
//! statement per table at a fixed point of the ordered plan:
//! - early: foreign keys that must be gone before other tables change, or before this table
//!   drops the index or column they use (MySQL refuses both in one statement);
//! - main: renames, column changes, keys, indexes, checks, options, and the foreign keys whose
//!   referenced table is ready by then;
//! - late: foreign keys to tables that this plan also alters (whose columns or keys may only
//!   exist once those statements ran), and foreign keys of new tables to such tables.
//!
//! Whole new objects are printed by this crate's `print` through a realm holding only them.

use std::collections::{BTreeMap, BTreeSet};

use cairn_core::normalize::normalize_table_copy_in;
use cairn_core::plan::{PlanInput, Planner};

use crate::print::{self, Printer};
use cairn_ir::{
    Change, Column, ColumnExt, ColumnType, Dialect, ForeignKey, Function, Hazards, Index,
    IndexMethod, MyTableExt, MyType, Permission, PlannedStatement, Realm, Role, Schema, Table,
    TableExt, TableRef, Trigger, View,
};

/// Plans MySQL and MariaDB changes (the flavour is the desired realm's dialect).
pub struct MysqlPlanner;

/// The algorithm MySQL picks for an `ALTER TABLE`, weakest first, so the strongest clause of a
/// merged statement names the statement's lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Algo {
    Instant,
    Inplace,
    Copy,
}

impl Algo {
    fn name(self) -> &'static str {
        match self {
            Algo::Instant => "INSTANT",
            Algo::Inplace => "INPLACE",
            Algo::Copy => "COPY",
        }
    }
}

/// When a table's clause runs (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Early,
    Main,
    Late,
}

/// One clause of an `ALTER TABLE`, with what it risks and its own reverse clause.
struct Clause {
    sql: String,
    reverse: Option<String>,
    changes: Vec<usize>,
    algo: Algo,
    hazards: Hazards,
    /// The position of the clause within its statement: renames, drops, column changes, keys,
    /// indexes, checks, foreign keys, table options.
    rank: u8,
    summary: String,
}

/// The clauses of one table, per phase.
struct TableAlter {
    table: TableRef,
    early: Vec<Clause>,
    main: Vec<Clause>,
    late: Vec<Clause>,
}

/// The per-plan facts the builders need.
struct Ctx<'a> {
    d: Dialect,
    input: &'a PlanInput<'a>,
    /// Tables this plan creates (lower-cased `schema.table`).
    created: BTreeSet<String>,
    /// Existing tables this plan alters (lower-cased `schema.table`).
    altered: BTreeSet<String>,
    /// Whether names carry their schema: as `print` does, only when the states hold several
    /// schemas (a plan for one schema runs in the URL's database, as Atlas's plans do).
    qualify: bool,
}

impl Ctx<'_> {
    fn q(&self, s: &str) -> String {
        self.d.quote_ident(s)
    }

    fn qt(&self, t: &TableRef) -> String {
        self.name(&t.schema, &t.name)
    }

    /// The name of an object of `schema`, qualified when the plan spans several schemas.
    fn name(&self, schema: &str, name: &str) -> String {
        if self.qualify {
            format!("{}.{}", self.q(schema), self.q(name))
        } else {
            self.q(name)
        }
    }

    fn printer(&self) -> Printer {
        Printer {
            dialect: self.d,
            qualify: self.qualify,
        }
    }

    fn lit(&self, s: &str) -> String {
        self.d.quote_string(s)
    }

    fn idents(&self, names: &[String]) -> String {
        names
            .iter()
            .map(|n| self.q(n))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn is_new(&self, t: &TableRef) -> bool {
        self.created.contains(&key(&t.schema, &t.name))
    }

    /// The current (inspected) version of a table, when it exists.
    fn current_table(&self, t: &TableRef) -> Option<&Table> {
        self.input
            .current
            .schema(&t.schema)?
            .table(&t.name, self.input.current.dialect)
    }
}

/// A case-insensitive key for a table, as MySQL compares names on the usual servers.
fn key(schema: &str, name: &str) -> String {
    format!("{}.{}", schema.to_lowercase(), name.to_lowercase())
}

/// The key of the table a foreign key references.
fn ref_key(t: &TableRef, fk: &ForeignKey) -> String {
    key(
        fk.ref_table.schema.as_deref().unwrap_or(&t.schema),
        &fk.ref_table.name,
    )
}

fn stmt(sql: String, changes: Vec<usize>, comment: String) -> PlannedStatement {
    PlannedStatement {
        sql,
        reverse: None,
        changes,
        hazards: Hazards::default(),
        rows: None,
        comment,
    }
}

trait With {
    fn reverse(self, r: Option<String>) -> Self;
    fn hazards(self, f: impl FnOnce(&mut Hazards)) -> Self;
}

impl With for PlannedStatement {
    fn reverse(mut self, r: Option<String>) -> Self {
        self.reverse = r;
        self
    }
    fn hazards(mut self, f: impl FnOnce(&mut Hazards)) -> Self {
        f(&mut self.hazards);
        self
    }
}

fn clause(sql: String, change: usize, algo: Algo, rank: u8, summary: String) -> Clause {
    Clause {
        sql,
        reverse: None,
        changes: vec![change],
        algo,
        hazards: Hazards::default(),
        rank,
        summary,
    }
}

impl Clause {
    fn reverse(mut self, r: Option<String>) -> Self {
        self.reverse = r;
        self
    }
    fn hazards(mut self, f: impl FnOnce(&mut Hazards)) -> Self {
        f(&mut self.hazards);
        self
    }
}

/// Clause ranks within one statement.
const R_RENAME: u8 = 0;
const R_DROP_CONSTRAINT: u8 = 1;
const R_DROP_INDEX: u8 = 2;
const R_RENAME_INDEX: u8 = 3;
const R_DROP_PK: u8 = 4;
const R_DROP_COLUMN: u8 = 5;
const R_COLUMN: u8 = 6;
const R_ADD_PK: u8 = 7;
const R_ADD_INDEX: u8 = 8;
const R_ADD_CHECK: u8 = 9;
const R_ADD_FK: u8 = 10;
const R_OPTIONS: u8 = 11;

/// A column definition as `ADD COLUMN`, `MODIFY COLUMN` and `CHANGE COLUMN` take it.
fn column_def(ctx: &Ctx<'_>, c: &Column) -> String {
    print::column_def_sql(ctx.d, c)
}

/// `[UNIQUE|FULLTEXT|SPATIAL] KEY name (parts)` as `ADD` takes it.
fn index_def(ctx: &Ctx<'_>, i: &Index) -> String {
    print::index_def_sql(ctx.d, i)
}

/// `[CONSTRAINT name] FOREIGN KEY (...) REFERENCES t (...) [ON DELETE ...] [ON UPDATE ...]`.
fn fk_def(ctx: &Ctx<'_>, t: &TableRef, fk: &ForeignKey) -> String {
    ctx.printer().foreign_key_sql(&Schema::new(&t.schema), fk)
}

/// The name a foreign key has in the database: its own, or the `<table>_ibfk_<n>` the server
/// gave it. The inspector reports generated names as `None`, so `n` is the key's position among
/// the table's unnamed keys in the inspected state (the catalog lists them by name); a gap left
/// by an earlier drop makes that guess wrong, which is why inspectors should keep real names.
fn fk_name(ctx: &Ctx<'_>, t: &TableRef, fk: &ForeignKey) -> Option<String> {
    if let Some(n) = &fk.name {
        return Some(n.clone());
    }
    let cols: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
    let ordinal = ctx
        .current_table(t)
        .and_then(|cur| {
            cur.foreign_keys
                .iter()
                .filter(|f| f.name.is_none())
                .position(|f| f == fk)
        })
        .map_or(1, |p| p + 1);
    ctx.d.implicit_foreign_key_name(&t.name, &cols, ordinal)
}

fn check_def(ctx: &Ctx<'_>, c: &cairn_ir::Check) -> String {
    print::check_sql(ctx.d, c)
}

/// The name of a check in the database: its own, or the one the server gave an unnamed check
/// (the same positional guess as `fk_name`).
fn check_name(ctx: &Ctx<'_>, t: &TableRef, c: &cairn_ir::Check) -> Option<String> {
    if let Some(n) = &c.name {
        return Some(n.clone());
    }
    let ordinal = ctx
        .current_table(t)
        .and_then(|cur| {
            cur.checks
                .iter()
                .filter(|x| x.name.is_none())
                .position(|x| x == c)
        })
        .map_or(1, |p| p + 1);
    ctx.d.implicit_check_name(&t.name, None, ordinal)
}

/// The number of bytes that store a VARCHAR's length changes at 256 bytes; MySQL widens in place
/// only within one of the two classes (judged for 4-byte characters, the worst case).
fn varchar_widening_in_place(from: u32, to: u32) -> bool {
    to >= from && ((to * 4) < 256 || (from * 4) >= 256)
}

/// Whether a type change can reject or truncate existing values.
fn narrowing(a: &ColumnType, b: &ColumnType) -> bool {
    use MyType::*;
    let (ColumnType::Mysql(a), ColumnType::Mysql(b)) = (a, b) else {
        return a != b;
    };
    let int_rank = |t: &MyType| match t {
        Bool | TinyInt { .. } => Some((1, t.clone())),
        SmallInt { .. } => Some((2, t.clone())),
        MediumInt { .. } => Some((3, t.clone())),
        Int { .. } => Some((4, t.clone())),
        BigInt { .. } => Some((5, t.clone())),
        _ => None,
    };
    let unsigned = |t: &MyType| {
        matches!(
            t,
            TinyInt { unsigned: true }
                | SmallInt { unsigned: true }
                | MediumInt { unsigned: true }
                | Int { unsigned: true }
                | BigInt { unsigned: true }
        )
    };
    let text_len = |t: &MyType| -> Option<u64> {
        Some(match t {
            Char(n) => u64::from(n.unwrap_or(1)),
            Varchar(n) => u64::from(*n),
            TinyText => 255,
            Text => 65_535,
            MediumText => 16_777_215,
            LongText => 4_294_967_295,
            _ => return None,
        })
    };
    let bin_len = |t: &MyType| -> Option<u64> {
        Some(match t {
            Binary(n) => u64::from(n.unwrap_or(1)),
            Varbinary(n) => u64::from(*n),
            TinyBlob => 255,
            Blob => 65_535,
            MediumBlob => 16_777_215,
            LongBlob => 4_294_967_295,
            _ => return None,
        })
    };
    if let (Some((ra, _)), Some((rb, _))) = (int_rank(a), int_rank(b)) {
        // A change of sign always rejects some values; otherwise only a smaller type does.
        return rb < ra || unsigned(a) != unsigned(b);
    }
    if let (Some(la), Some(lb)) = (text_len(a), text_len(b)) {
        return lb < la;
    }
    if let (Some(la), Some(lb)) = (bin_len(a), bin_len(b)) {
        return lb < la;
    }
    match (a, b) {
        (
            Decimal {
                precision: p1,
                scale: s1,
                ..
            },
            Decimal {
                precision: p2,
                scale: s2,
                ..
            },
        ) => {
            let (p1, s1, p2, s2) = (
                p1.unwrap_or(10),
                s1.unwrap_or(0),
                p2.unwrap_or(10),
                s2.unwrap_or(0),
            );
            p2 - s2.min(p2) < p1 - s1.min(p1) || s2 < s1
        }
        (Float { .. }, Double { .. }) => false,
        (Enum(x), Enum(y)) | (Set(x), Set(y)) => !x.iter().all(|v| y.contains(v)),
        (Datetime(p1), Datetime(p2)) | (Timestamp(p1), Timestamp(p2)) | (Time(p1), Time(p2)) => {
            p2.unwrap_or(0) < p1.unwrap_or(0)
        }
        _ => a != b,
    }
}

/// The algorithm of a type change: appending enum or set values and widening a VARCHAR within
/// its length class are metadata changes; everything else copies the table.
fn type_change_algo(a: &ColumnType, b: &ColumnType) -> Algo {
    match (a, b) {
        (ColumnType::Mysql(MyType::Enum(x)), ColumnType::Mysql(MyType::Enum(y)))
        | (ColumnType::Mysql(MyType::Set(x)), ColumnType::Mysql(MyType::Set(y)))
            if y.len() >= x.len() && y.starts_with(x) =>
        {
            Algo::Instant
        }
        (ColumnType::Mysql(MyType::Varchar(x)), ColumnType::Mysql(MyType::Varchar(y)))
            if varchar_widening_in_place(*x, *y) =>
        {
            Algo::Inplace
        }
        _ => Algo::Copy,
    }
}

/// Statements that create objects by printing a realm that holds only them (without the
/// statements that create the databases). When the plan qualifies names, an empty second schema
/// makes the printer qualify them too.
fn printed(ctx: &Ctx<'_>, build: impl FnOnce(&mut Schema), schema: &str) -> Vec<String> {
    let mut r = Realm::new(ctx.d);
    let mut s = Schema::new(schema);
    build(&mut s);
    r.schemas.push(s);
    if ctx.qualify {
        r.schemas.push(Schema::new(""));
    }
    print::create_statements(&r)
        .into_iter()
        .filter(|s| {
            let up = s.trim_start().to_ascii_uppercase();
            !(up.starts_with("CREATE DATABASE")
                || up.starts_with("CREATE SCHEMA")
                || up.starts_with("ALTER DATABASE"))
        })
        .collect()
}

/// `CREATE ...` as `CREATE OR REPLACE ...` (once, whatever the printer wrote).
fn or_replace(sql: &str) -> String {
    let trimmed = sql.trim_start();
    if trimmed
        .to_ascii_uppercase()
        .starts_with("CREATE OR REPLACE")
    {
        return trimmed.to_string();
    }
    match trimmed.get(..6) {
        Some(head) if head.eq_ignore_ascii_case("CREATE") => {
            format!("CREATE OR REPLACE{}", &trimmed[6..])
        }
        _ => trimmed.to_string(),
    }
}

fn capitalised(s: String) -> String {
    let mut ch = s.chars();
    match ch.next() {
        Some(f) => f.to_uppercase().collect::<String>() + ch.as_str(),
        None => s,
    }
}

/// The slot of a change in the ordered plan, following `cairn_core::order`'s phases: the table
/// statements of each phase are printed before the first change of a later slot.
fn slot(c: &Change) -> u8 {
    use Change::*;
    match c {
        DropForeignKey { .. } => 1,
        DropCheck { .. } | DropExclude { .. } | DropIndex { .. } | DropPrimaryKey { .. } => 2,
        AddTable { .. } => 3,
        AddColumn { .. } | ModifyColumn { .. } | ModifyTable { .. } => 4,
        AddPrimaryKey { .. } | AddIndex { .. } | AddCheck { .. } | AddExclude { .. } => 5,
        AddForeignKey { .. } => 6,
        SetRowSecurity { .. }
        | AddView { .. }
        | ModifyView { .. }
        | AddTrigger { .. }
        | AddEvent { .. }
        | ModifyEvent { .. }
        | AddPolicy { .. }
        | ModifyPolicy { .. }
        | Grant { .. }
        | AddDefaultPrivilege { .. }
        | Revoke { .. }
        | DropDefaultPrivilege { .. }
        | DropColumn { .. }
        | DropTable { .. }
        | DropFunction { .. }
        | DropSequence { .. }
        | DropDomain { .. }
        | DropEnum { .. }
        | DropExtension { .. }
        | DropRole { .. }
        | DropSchema { .. } => 7,
        _ => 0,
    }
}

impl Planner for MysqlPlanner {
    fn statements(&self, input: &PlanInput<'_>) -> Vec<PlannedStatement> {
        let changes = input.changes;
        let created: BTreeSet<String> = changes
            .iter()
            .filter_map(|c| match c {
                Change::AddTable { table, .. } => Some(key(&table.schema, &table.name)),
                _ => None,
            })
            .collect();
        let mut ctx = Ctx {
            d: input.desired.dialect,
            input,
            created,
            altered: BTreeSet::new(),
            qualify: input.desired.schemas.len() > 1 || input.current.schemas.len() > 1,
        };
        // Existing tables whose ALTER may create what foreign keys of other tables need (a
        // table-level change that prints nothing, such as an option no statement sets, does not
        // count).
        let altered: BTreeSet<String> = changes
            .iter()
            .enumerate()
            .filter(|(i, c)| match c {
                Change::RenameColumn { .. }
                | Change::RenameIndex { .. }
                | Change::ModifyColumn { .. }
                | Change::AddColumn { .. }
                | Change::DropColumn { .. }
                | Change::AddIndex { .. }
                | Change::DropIndex { .. }
                | Change::AddPrimaryKey { .. }
                | Change::DropPrimaryKey { .. }
                | Change::AddCheck { .. }
                | Change::DropCheck { .. } => true,
                Change::ModifyTable {
                    table,
                    before,
                    after,
                } => !table_options(&ctx, *i, table, before, after).is_empty(),
                _ => false,
            })
            .filter_map(|(_, c)| c.table())
            .map(|t| key(&t.schema, &t.name))
            .filter(|k| !ctx.created.contains(k))
            .collect();
        ctx.altered = altered;
        let mut alters = collect_clauses(&ctx);
        let replaced_triggers = replaced_triggers(&ctx);

        let mut out = Vec::new();
        let mut emitted = [false; 3];
        for (i, c) in changes.iter().enumerate() {
            let s = slot(c);
            for (phase, at) in [(Phase::Early, 2), (Phase::Main, 6), (Phase::Late, 7)] {
                let n = phase as usize;
                if s >= at && !emitted[n] {
                    emitted[n] = true;
                    emit_phase(&ctx, &mut alters, phase, &mut out);
                }
            }
            standalone(&ctx, i, c, &replaced_triggers, &mut out);
        }
        for phase in [Phase::Early, Phase::Main, Phase::Late] {
            if !emitted[phase as usize] {
                emit_phase(&ctx, &mut alters, phase, &mut out);
            }
        }
        out
    }
}

/// MariaDB replaces a changed trigger in place (`CREATE OR REPLACE TRIGGER`), so the table never
/// runs without it: the drop's index, keyed by the index of the add that replaces it.
fn replaced_triggers(ctx: &Ctx<'_>) -> BTreeMap<usize, usize> {
    let mut out = BTreeMap::new();
    if !ctx.d.is_mariadb() {
        return out;
    }
    for (di, c) in ctx.input.changes.iter().enumerate() {
        let Change::DropTrigger { table, trigger } = c else {
            continue;
        };
        let add = ctx.input.changes.iter().position(|a| {
            matches!(a, Change::AddTrigger { table: t2, trigger: tr2 }
                if key(&t2.schema, &t2.name) == key(&table.schema, &table.name) && tr2.name == trigger.name)
        });
        if let Some(ai) = add {
            out.insert(ai, di);
        }
    }
    out
}

/// Prints the statements of one phase: one `ALTER TABLE` per table that has clauses in it.
fn emit_phase(
    ctx: &Ctx<'_>,
    alters: &mut [TableAlter],
    phase: Phase,
    out: &mut Vec<PlannedStatement>,
) {
    for a in alters.iter_mut() {
        let clauses = match phase {
            Phase::Early => std::mem::take(&mut a.early),
            Phase::Main => std::mem::take(&mut a.main),
            Phase::Late => std::mem::take(&mut a.late),
        };
        if clauses.is_empty() {
            continue;
        }
        out.push(alter_statement(ctx, &a.table, clauses));
    }
}

/// One `ALTER TABLE` from clauses: hazards are their union, the lock the strongest algorithm,
/// and the reverse exists when every clause has one.
fn alter_statement(ctx: &Ctx<'_>, t: &TableRef, mut clauses: Vec<Clause>) -> PlannedStatement {
    clauses.sort_by_key(|c| c.rank);
    let qt = ctx.qt(t);
    let sql = format!(
        "ALTER TABLE {qt} {}",
        clauses
            .iter()
            .map(|c| c.sql.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let reverse = clauses
        .iter()
        .rev()
        .map(|c| c.reverse.clone())
        .collect::<Option<Vec<_>>>()
        .map(|r| format!("ALTER TABLE {qt} {}", r.join(", ")));
    let mut h = Hazards::default();
    let mut algo = Algo::Instant;
    let mut changes = Vec::new();
    for c in &clauses {
        h.destructive |= c.hazards.destructive;
        h.data_dependent |= c.hazards.data_dependent;
        h.backward_incompatible |= c.hazards.backward_incompatible;
        h.rewrites_table |= c.hazards.rewrites_table || c.algo == Algo::Copy;
        h.irreversible |= c.hazards.irreversible;
        algo = algo.max(c.algo);
        for &i in &c.changes {
            if !changes.contains(&i) {
                changes.push(i);
            }
        }
    }
    changes.sort_unstable();
    h.lock = Some(algo.name().to_string());
    let comment = if clauses.len() == 1 {
        capitalised(clauses[0].summary.clone())
    } else {
        format!(
            "Modify table {}: {}",
            t.display(),
            clauses
                .iter()
                .map(|c| c.summary.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    stmt(sql, changes, comment)
        .reverse(reverse)
        .hazards(|x| *x = h)
}

/// Turns every table-level change of an existing table (and the deferred foreign keys of new
/// tables) into clauses, grouped by table in order of first appearance.
fn collect_clauses(ctx: &Ctx<'_>) -> Vec<TableAlter> {
    let changes = ctx.input.changes;
    let mut alters: Vec<TableAlter> = Vec::new();
    let mut at: BTreeMap<String, usize> = BTreeMap::new();
    let mut push = |t: &TableRef, phase: Phase, c: Clause, alters: &mut Vec<TableAlter>| {
        let k = key(&t.schema, &t.name);
        let i = *at.entry(k).or_insert_with(|| {
            alters.push(TableAlter {
                table: t.clone(),
                early: Vec::new(),
                main: Vec::new(),
                late: Vec::new(),
            });
            alters.len() - 1
        });
        match phase {
            Phase::Early => alters[i].early.push(c),
            Phase::Main => alters[i].main.push(c),
            Phase::Late => alters[i].late.push(c),
        }
    };
    // Renamed columns that are also modified become one CHANGE COLUMN: (table, new name) ->
    // the rename's change index and old name.
    let mut renames: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    for (i, c) in changes.iter().enumerate() {
        if let Change::RenameColumn { table, from, to } = c {
            renames.insert(
                (key(&table.schema, &table.name), to.to_lowercase()),
                (i, from.clone()),
            );
        }
    }
    let modified: BTreeSet<(String, String)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::ModifyColumn { table, after, .. } => {
                Some((key(&table.schema, &table.name), after.name.to_lowercase()))
            }
            _ => None,
        })
        .collect();
    // Indexes that are renamed and redefined: the drop names the old index and the add the new
    // one, so the rename clause itself is folded into them.
    let redefined: BTreeSet<(String, String)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropIndex { table, index } => {
                Some((key(&table.schema, &table.name), index.name.clone()))
            }
            _ => None,
        })
        .collect();

    for (i, c) in changes.iter().enumerate() {
        let summary = c.summary();
        let Some(t) = c.table() else { continue };
        if matches!(c, Change::AddTable { .. }) {
            // Foreign keys of new tables that cannot be created with the table are added here.
            if let Change::AddTable { table, def } = c {
                for fk in deferred_fks(ctx, table, def, changes) {
                    let sql = format!("ADD {}", fk_def(ctx, table, &fk));
                    push(
                        table,
                        Phase::Late,
                        clause(
                            sql,
                            i,
                            Algo::Inplace,
                            R_ADD_FK,
                            format!("add foreign key to {}", table.display()),
                        ),
                        &mut alters,
                    );
                }
            }
            continue;
        }
        if ctx.is_new(t) {
            continue;
        }
        let tkey = key(&t.schema, &t.name);
        match c {
            Change::RenameColumn { table, from, to } => {
                if modified.contains(&(tkey.clone(), to.to_lowercase())) {
                    // Folded into the CHANGE COLUMN of the modification.
                    continue;
                }
                let sql = format!("RENAME COLUMN {} TO {}", ctx.q(from), ctx.q(to));
                let rev = format!("RENAME COLUMN {} TO {}", ctx.q(to), ctx.q(from));
                push(
                    table,
                    Phase::Main,
                    clause(sql, i, Algo::Instant, R_RENAME, summary)
                        .reverse(Some(rev))
                        .hazards(|h| h.backward_incompatible = true),
                    &mut alters,
                );
            }
            Change::ModifyColumn {
                table,
                before,
                after,
                changed,
            } => {
                let rename = renames.get(&(tkey.clone(), after.name.to_lowercase()));
                let mut cl = modify_column(
                    ctx,
                    i,
                    before,
                    after,
                    changed,
                    rename.map(|(_, f)| f.as_str()),
                    summary,
                );
                if let Some((ri, _)) = rename {
                    cl.changes.insert(0, *ri);
                    cl.hazards.backward_incompatible = true;
                }
                push(table, Phase::Main, cl, &mut alters);
            }
            Change::AddColumn { table, column } => {
                let existing = !ctx.is_new(table);
                let algo = if column.auto_increment
                    || column.generated.as_ref().is_some_and(|g| g.stored)
                {
                    Algo::Copy
                } else {
                    Algo::Instant
                };
                let data_dependent = existing
                    && !column.nullable
                    && column.default.is_none()
                    && column.generated.is_none()
                    && !column.auto_increment;
                push(
                    table,
                    Phase::Main,
                    clause(
                        format!("ADD COLUMN {}", column_def(ctx, column)),
                        i,
                        algo,
                        R_COLUMN,
                        summary,
                    )
                    .reverse(Some(format!("DROP COLUMN {}", ctx.q(&column.name))))
                    .hazards(|h| h.data_dependent = data_dependent),
                    &mut alters,
                );
            }
            Change::DropColumn { table, column } => {
                // MariaDB (10.4+) drops a column instantly; MySQL rebuilds the table in place
                // (its instant drop, 8.0.29+, has limits this planner cannot see).
                let mariadb = ctx.d.is_mariadb();
                push(
                    table,
                    Phase::Main,
                    clause(
                        format!("DROP COLUMN {}", ctx.q(&column.name)),
                        i,
                        if mariadb {
                            Algo::Instant
                        } else {
                            Algo::Inplace
                        },
                        R_DROP_COLUMN,
                        summary,
                    )
                    .hazards(|h| {
                        h.destructive = true;
                        h.backward_incompatible = true;
                        h.irreversible = true;
                        h.rewrites_table = !mariadb;
                    }),
                    &mut alters,
                )
            }
            Change::AddIndex { table, index } => {
                let fulltext = index.method == IndexMethod::Fulltext;
                push(
                    table,
                    Phase::Main,
                    clause(
                        format!("ADD {}", index_def(ctx, index)),
                        i,
                        Algo::Inplace,
                        R_ADD_INDEX,
                        summary,
                    )
                    .reverse(Some(format!("DROP INDEX {}", ctx.q(&index.name))))
                    .hazards(|h| {
                        h.data_dependent = index.unique;
                        h.rewrites_table = fulltext;
                    }),
                    &mut alters,
                );
            }
            Change::DropIndex { table, index } => push(
                table,
                Phase::Main,
                clause(
                    format!("DROP INDEX {}", ctx.q(&index.name)),
                    i,
                    Algo::Inplace,
                    R_DROP_INDEX,
                    summary,
                )
                .reverse(Some(format!("ADD {}", index_def(ctx, index)))),
                &mut alters,
            ),
            Change::RenameIndex { table, from, to } => {
                if redefined.contains(&(tkey.clone(), from.clone())) {
                    // The drop of the old name and the add of the new one carry it out.
                    continue;
                }
                push(
                    table,
                    Phase::Main,
                    clause(
                        format!("RENAME INDEX {} TO {}", ctx.q(from), ctx.q(to)),
                        i,
                        Algo::Inplace,
                        R_RENAME_INDEX,
                        summary,
                    )
                    .reverse(Some(format!(
                        "RENAME INDEX {} TO {}",
                        ctx.q(to),
                        ctx.q(from)
                    ))),
                    &mut alters,
                );
            }
            Change::AddPrimaryKey { table, key: pk } => push(
                table,
                Phase::Main,
                clause(
                    format!("ADD PRIMARY KEY ({})", ctx.idents(&pk.columns)),
                    i,
                    Algo::Copy,
                    R_ADD_PK,
                    summary,
                )
                .reverse(Some("DROP PRIMARY KEY".into()))
                .hazards(|h| h.data_dependent = true),
                &mut alters,
            ),
            Change::DropPrimaryKey { table, key: pk } => push(
                table,
                Phase::Main,
                clause("DROP PRIMARY KEY".into(), i, Algo::Copy, R_DROP_PK, summary).reverse(Some(
                    format!("ADD PRIMARY KEY ({})", ctx.idents(&pk.columns)),
                )),
                &mut alters,
            ),
            Change::AddForeignKey { table, fk } => {
                let own = tkey.clone();
                let target = ref_key(table, fk);
                let phase = if target != own && ctx.altered.contains(&target) {
                    Phase::Late
                } else {
                    Phase::Main
                };
                // With foreign_key_checks on (as a deployment runs), MySQL and MariaDB copy the
                // table to add a foreign key, and the rows must satisfy it.
                push(
                    table,
                    phase,
                    clause(
                        format!("ADD {}", fk_def(ctx, table, fk)),
                        i,
                        Algo::Copy,
                        R_ADD_FK,
                        summary,
                    )
                    .reverse(
                        fk.name
                            .as_ref()
                            .map(|n| format!("DROP FOREIGN KEY {}", ctx.q(n))),
                    )
                    .hazards(|h| h.data_dependent = true),
                    &mut alters,
                );
            }
            Change::DropForeignKey { table, fk } => {
                let phase = if drop_fk_first(ctx, table, fk) {
                    Phase::Early
                } else {
                    Phase::Main
                };
                let name = fk_name(ctx, table, fk).unwrap_or_default();
                push(
                    table,
                    phase,
                    clause(
                        format!("DROP FOREIGN KEY {}", ctx.q(&name)),
                        i,
                        Algo::Inplace,
                        R_DROP_CONSTRAINT,
                        summary,
                    )
                    .reverse(Some(format!("ADD {}", fk_def(ctx, table, fk)))),
                    &mut alters,
                );
            }
            Change::AddCheck { table, check } => push(
                table,
                Phase::Main,
                clause(
                    format!("ADD {}", check_def(ctx, check)),
                    i,
                    Algo::Copy,
                    R_ADD_CHECK,
                    summary,
                )
                .reverse(
                    check
                        .name
                        .as_ref()
                        .map(|n| format!("DROP CONSTRAINT {}", ctx.q(n))),
                )
                .hazards(|h| h.data_dependent = check.enforced),
                &mut alters,
            ),
            Change::DropCheck { table, check } => {
                let name = check_name(ctx, table, check).unwrap_or_default();
                push(
                    table,
                    Phase::Main,
                    clause(
                        format!("DROP CONSTRAINT {}", ctx.q(&name)),
                        i,
                        Algo::Inplace,
                        R_DROP_CONSTRAINT,
                        summary,
                    )
                    .reverse(Some(format!("ADD {}", check_def(ctx, check)))),
                    &mut alters,
                );
            }
            Change::ModifyTable {
                table,
                before,
                after,
            } => {
                for cl in table_options(ctx, i, table, before, after) {
                    push(table, Phase::Main, cl, &mut alters);
                }
            }
            _ => {}
        }
    }
    alters
}

/// Foreign keys of a new table that cannot be declared in its CREATE TABLE: those to tables this
/// plan creates after it, and those to existing tables this plan alters (whose referenced columns
/// or keys may only exist after their ALTER).
fn deferred_fks(
    ctx: &Ctx<'_>,
    table: &TableRef,
    def: &Table,
    changes: &[Change],
) -> Vec<ForeignKey> {
    let me = key(&table.schema, &table.name);
    let my_pos = changes
        .iter()
        .position(
            |c| matches!(c, Change::AddTable { table: t, .. } if key(&t.schema, &t.name) == me),
        )
        .unwrap_or(0);
    def.foreign_keys
        .iter()
        .filter(|fk| {
            let target = ref_key(table, fk);
            if target == me {
                return false;
            }
            let created_later = changes.iter().enumerate().any(|(j, c)| {
                j > my_pos && matches!(c, Change::AddTable { table: t, .. } if key(&t.schema, &t.name) == target)
            });
            created_later || ctx.altered.contains(&target)
        })
        .cloned()
        .collect()
}

/// Whether a dropped foreign key needs a statement of its own before the table's other changes:
/// when its referenced table changes too (its statement may come first), when the same table
/// drops an index, a column or the primary key (MySQL refuses to drop what a key still uses in
/// the statement that drops the key), when it changes one of the key's columns, or when a key of
/// the same name is added back.
fn drop_fk_first(ctx: &Ctx<'_>, table: &TableRef, fk: &ForeignKey) -> bool {
    let own = key(&table.schema, &table.name);
    let target = ref_key(table, fk);
    if target != own && ctx.altered.contains(&target) {
        return true;
    }
    let uses = |col: &str| fk.columns.iter().any(|c| c.eq_ignore_ascii_case(col));
    ctx.input.changes.iter().any(|c| {
        let same = c.table().is_some_and(|t| key(&t.schema, &t.name) == own);
        same && match c {
            Change::DropIndex { .. }
            | Change::DropColumn { .. }
            | Change::DropPrimaryKey { .. } => true,
            Change::ModifyColumn { before, .. } => uses(&before.name),
            Change::RenameColumn { from, .. } => uses(from),
            Change::AddForeignKey { fk: added, .. } => {
                added.name.is_some() && added.name == fk.name
            }
            _ => false,
        }
    })
}

/// The clause of a column modification: `MODIFY COLUMN` with the full new definition (or
/// `CHANGE COLUMN old new` when the column is also renamed). A change of the generation of a
/// column (added, removed, or STORED switched) cannot be done in place: the column is dropped and
/// added again in the same statement.
fn modify_column(
    ctx: &Ctx<'_>,
    i: usize,
    before: &Column,
    after: &Column,
    changed: &cairn_ir::ColumnChanges,
    renamed_from: Option<&str>,
    summary: String,
) -> Clause {
    let regenerate = changed.generated
        && (before.generated.is_none()
            || after.generated.is_none()
            || before.generated.as_ref().map(|g| g.stored)
                != after.generated.as_ref().map(|g| g.stored));
    // A generated column becomes a regular one in place only on MySQL, and only when STORED
    // (MariaDB refuses it: "not yet supported for generated columns").
    let to_regular_in_place = !ctx.d.is_mariadb()
        && before.generated.as_ref().is_some_and(|g| g.stored)
        && after.generated.is_none();
    if regenerate && (after.generated.is_some() || !to_regular_in_place) {
        let old = renamed_from.unwrap_or(&before.name);
        return clause(
            format!(
                "DROP COLUMN {}, ADD COLUMN {}",
                ctx.q(old),
                column_def(ctx, after)
            ),
            i,
            Algo::Copy,
            R_COLUMN,
            summary,
        )
        .hazards(|h| {
            // A regular column's values are replaced by computed ones, or a computed column
            // starts empty.
            h.destructive = before.generated.is_none() || after.generated.is_none();
            h.irreversible = true;
            h.rewrites_table = true;
        });
    }
    let (sql, rev) = match renamed_from {
        Some(old) => (
            format!("CHANGE COLUMN {} {}", ctx.q(old), column_def(ctx, after)),
            format!(
                "CHANGE COLUMN {} {}",
                ctx.q(&after.name),
                column_def(ctx, &renamed(before, old))
            ),
        ),
        None => (
            format!("MODIFY COLUMN {}", column_def(ctx, after)),
            format!(
                "MODIFY COLUMN {}",
                column_def(ctx, &renamed(before, &after.name))
            ),
        ),
    };
    let mut algo = Algo::Instant;
    let mut data_dependent = false;
    let mut rewrites = false;
    if changed.ty {
        let a = type_change_algo(&before.ty, &after.ty);
        algo = algo.max(a);
        rewrites |= a == Algo::Copy;
        data_dependent |= narrowing(&before.ty, &after.ty);
    }
    if changed.nullable {
        if after.nullable {
            // Dropping NOT NULL rebuilds the table in place.
            algo = algo.max(Algo::Inplace);
            rewrites = true;
        } else {
            algo = Algo::Copy;
            rewrites = true;
            data_dependent = true;
        }
    }
    if changed.collation || changed.auto_increment {
        algo = Algo::Copy;
        rewrites = true;
        data_dependent |= changed.collation;
    }
    if changed.ext {
        let charset = |c: &Column| match &c.ext {
            ColumnExt::Mysql(e) => e.charset.clone(),
            ColumnExt::None => None,
        };
        if charset(before) != charset(after) {
            algo = Algo::Copy;
            rewrites = true;
            data_dependent = true;
        }
    }
    if changed.generated {
        // A new expression of a generated column: recomputed for every row when stored.
        let stored = after.generated.as_ref().is_some_and(|g| g.stored);
        algo = algo.max(if stored { Algo::Copy } else { Algo::Inplace });
        rewrites |= stored;
    }
    clause(sql, i, algo, R_COLUMN, summary)
        .reverse(Some(rev))
        .hazards(|h| {
            h.data_dependent = data_dependent;
            h.rewrites_table = rewrites;
        })
}

fn renamed(c: &Column, name: &str) -> Column {
    let mut c = c.clone();
    c.name = name.to_string();
    c
}

fn my_ext(t: &Table) -> MyTableExt {
    match &t.ext {
        TableExt::Mysql(e) => e.clone(),
        _ => MyTableExt::default(),
    }
}

/// The options of a table before and after, normalised as the differ compares them: each in
/// its schema, the desired one in the desired schema when that declares a charset.
fn normalized_options(
    ctx: &Ctx<'_>,
    t: &TableRef,
    before: &Table,
    after: &Table,
) -> (MyTableExt, MyTableExt) {
    let d = ctx.d;
    let empty = Schema::new(&t.schema);
    let cs = ctx.input.current.schema(&t.schema).unwrap_or(&empty);
    let ds = ctx
        .input
        .desired
        .schema(&t.schema)
        .filter(|s| s.charset.is_some() || s.collation.is_some())
        .unwrap_or(cs);
    let norm = |t: &Table, s: &Schema| my_ext(&normalize_table_copy_in(d, t, s));
    (norm(before, cs), norm(after, ds))
}

/// Table options that changed, as clauses of the table's statement.
fn table_options(
    ctx: &Ctx<'_>,
    i: usize,
    t: &TableRef,
    before: &Table,
    after: &Table,
) -> Vec<Clause> {
    let mut out = Vec::new();
    let summary = format!("modify table {}", after.name);
    if before.comment != after.comment {
        let c = |t: &Table| format!("COMMENT = {}", ctx.lit(t.comment.as_deref().unwrap_or("")));
        out.push(
            clause(
                c(after),
                i,
                Algo::Instant,
                R_OPTIONS,
                "change the table comment".into(),
            )
            .reverse(Some(c(before))),
        );
    }
    let (b, a) = (my_ext(before), my_ext(after));
    // What the options come to (an inherited charset or the default engine is no option), so a
    // spelling that differs from the inspected one plans nothing.
    let (nb, na) = normalized_options(ctx, t, before, after);
    if nb.engine != na.engine {
        let engine =
            |e: &MyTableExt| format!("ENGINE = {}", e.engine.as_deref().unwrap_or("InnoDB"));
        out.push(
            clause(engine(&a), i, Algo::Copy, R_OPTIONS, summary.clone()).reverse(Some(engine(&b))),
        );
    }
    if (&nb.charset, &nb.collation) != (&na.charset, &na.collation) {
        // Columns that declare no character set follow the table's: convert them, so the table
        // reads back as declared. A table that declares nothing takes the schema's.
        let sql = match (&na.charset, &na.collation) {
            (_, Some(coll)) => {
                let cs = a
                    .charset
                    .clone()
                    .unwrap_or_else(|| coll.split('_').next().unwrap_or(coll).to_string());
                format!("CONVERT TO CHARACTER SET {cs} COLLATE {coll}")
            }
            (Some(cs), None) => format!("CONVERT TO CHARACTER SET {cs}"),
            (None, None) => "CONVERT TO CHARACTER SET DEFAULT".to_string(),
        };
        out.push(
            clause(sql, i, Algo::Copy, R_OPTIONS, summary.clone())
                .hazards(|h| h.data_dependent = true),
        );
    }
    if nb.row_format != na.row_format {
        let f = a.row_format.as_deref().unwrap_or("DEFAULT");
        out.push(clause(
            format!("ROW_FORMAT = {f}"),
            i,
            Algo::Copy,
            R_OPTIONS,
            summary.clone(),
        ));
    }
    if b.auto_increment != a.auto_increment
        && let Some(n) = a.auto_increment
    {
        out.push(clause(
            format!("AUTO_INCREMENT = {n}"),
            i,
            Algo::Inplace,
            R_OPTIONS,
            summary.clone(),
        ));
    }
    if b.system_versioned != a.system_versioned && ctx.d.is_mariadb() {
        let (on, off) = (
            "ADD SYSTEM VERSIONING".to_string(),
            "DROP SYSTEM VERSIONING".to_string(),
        );
        let (sql, rev) = if a.system_versioned {
            (on, off)
        } else {
            (off, on)
        };
        out.push(
            clause(sql, i, Algo::Copy, R_OPTIONS, summary.clone())
                .reverse(Some(rev))
                .hazards(|h| {
                    // Dropping versioning deletes the history rows.
                    h.destructive = !a.system_versioned;
                    h.irreversible = !a.system_versioned;
                }),
        );
    }
    if nb.partitioning != na.partitioning {
        let sql = match &a.partitioning {
            Some(p) => p.clone(),
            None => "REMOVE PARTITIONING".into(),
        };
        out.push(clause(sql, i, Algo::Copy, R_OPTIONS + 1, summary));
    }
    out
}

/// Statements for changes that are not clauses of a table's `ALTER TABLE`.
fn standalone(
    ctx: &Ctx<'_>,
    i: usize,
    c: &Change,
    replaced_triggers: &BTreeMap<usize, usize>,
    out: &mut Vec<PlannedStatement>,
) {
    let d = ctx.d;
    let q = |s: &str| ctx.q(s);
    let qn = |schema: &str, name: &str| format!("{}.{}", q(schema), q(name));
    let comment = capitalised(c.summary());
    match c {
        Change::AddSchema { name, comment: cm } => {
            let desired = ctx.input.desired.schema(name);
            let mut sql = format!("CREATE DATABASE {}", q(name));
            if let Some(cs) = desired.and_then(|s| s.charset.as_deref()) {
                sql.push_str(&format!(" CHARACTER SET {cs}"));
            }
            if let Some(coll) = desired.and_then(|s| s.collation.as_deref()) {
                sql.push_str(&format!(" COLLATE {coll}"));
            }
            if let (Some(cm), true) = (cm, d.is_mariadb()) {
                sql.push_str(&format!(" COMMENT {}", ctx.lit(cm)));
            }
            out.push(
                stmt(sql, vec![i], comment).reverse(Some(format!("DROP DATABASE {}", q(name)))),
            );
        }
        Change::DropSchema { name } => out.push(
            stmt(format!("DROP DATABASE {}", q(name)), vec![i], comment).hazards(|h| {
                h.destructive = true;
                h.backward_incompatible = true;
                h.irreversible = true;
            }),
        ),
        Change::ModifySchema {
            name,
            comment: cm,
            charset,
            collation,
        } => {
            let mut parts = Vec::new();
            if let Some(cs) = charset {
                parts.push(format!("CHARACTER SET {cs}"));
            }
            if let Some(coll) = collation {
                parts.push(format!("COLLATE {coll}"));
            }
            let current = ctx.input.current.schema(name);
            if d.is_mariadb() && current.map(|s| &s.comment) != Some(cm) {
                parts.push(format!("COMMENT {}", ctx.lit(cm.as_deref().unwrap_or(""))));
            }
            if !parts.is_empty() {
                out.push(stmt(
                    format!("ALTER DATABASE {} {}", q(name), parts.join(" ")),
                    vec![i],
                    comment,
                ));
            }
        }
        Change::AddTable { table, def } => {
            let mut t = def.clone();
            let later = deferred_fks(ctx, table, def, ctx.input.changes);
            t.foreign_keys.retain(|fk| !later.contains(fk));
            for sql in printed(ctx, |s| s.tables.push(t.into()), &table.schema) {
                out.push(
                    stmt(sql, vec![i], comment.clone())
                        .reverse(Some(format!("DROP TABLE {}", ctx.qt(table)))),
                );
            }
        }
        Change::DropTable { table, .. } => out.push(
            stmt(format!("DROP TABLE {}", ctx.qt(table)), vec![i], comment).hazards(|h| {
                h.destructive = true;
                h.backward_incompatible = true;
                h.irreversible = true;
            }),
        ),
        Change::RenameTable { from, to } => out.push(
            stmt(
                format!("RENAME TABLE {} TO {}", ctx.qt(from), ctx.qt(to)),
                vec![i],
                comment,
            )
            .reverse(Some(format!(
                "RENAME TABLE {} TO {}",
                ctx.qt(to),
                ctx.qt(from)
            )))
            .hazards(|h| {
                h.backward_incompatible = true;
                h.lock = Some(Algo::Instant.name().into());
            }),
        ),
        Change::AddTrigger { table, trigger } => {
            let replaces = replaced_triggers.get(&i).copied();
            let mut changes = vec![i];
            if let Some(di) = replaces {
                changes.insert(0, di);
            }
            for sql in trigger_statements(ctx, table, trigger) {
                let sql = if replaces.is_some() {
                    or_replace(&sql)
                } else {
                    sql
                };
                out.push(
                    stmt(sql, changes.clone(), comment.clone()).reverse(Some(format!(
                        "DROP TRIGGER {}",
                        qn(&table.schema, &trigger.name)
                    ))),
                );
            }
        }
        Change::DropTrigger { table, trigger } => {
            if replaced_triggers.values().any(|&di| di == i) {
                return;
            }
            let rev = trigger_statements(ctx, table, trigger).into_iter().next();
            out.push(
                stmt(
                    format!("DROP TRIGGER {}", qn(&table.schema, &trigger.name)),
                    vec![i],
                    comment,
                )
                .reverse(rev),
            );
        }
        Change::AddView { schema, view, .. } => {
            for sql in view_statements(ctx, schema, view) {
                out.push(
                    stmt(sql, vec![i], comment.clone())
                        .reverse(Some(format!("DROP VIEW {}", qn(schema, &view.name)))),
                );
            }
        }
        Change::DropView { schema, view, .. } => {
            let rev = view_statements(ctx, schema, view).into_iter().next();
            out.push(
                stmt(
                    format!("DROP VIEW {}", qn(schema, &view.name)),
                    vec![i],
                    comment,
                )
                .reverse(rev)
                .hazards(|h| h.backward_incompatible = true),
            );
        }
        Change::ModifyView {
            schema,
            before,
            after,
            ..
        } => {
            let rev = view_statements(ctx, schema, before)
                .into_iter()
                .next()
                .map(|s| or_replace(&s));
            for sql in view_statements(ctx, schema, after) {
                out.push(stmt(or_replace(&sql), vec![i], comment.clone()).reverse(rev.clone()));
            }
        }
        Change::AddFunction {
            schema,
            function,
            procedure,
        } => {
            for sql in routine_statements(ctx, schema, function, *procedure) {
                out.push(
                    stmt(sql, vec![i], comment.clone())
                        .reverse(Some(drop_routine(ctx, schema, function, *procedure))),
                );
            }
        }
        Change::ModifyFunction {
            schema,
            before,
            after,
            procedure,
        } => {
            let rev = routine_statements(ctx, schema, before, *procedure)
                .into_iter()
                .next();
            if d.is_mariadb() {
                for sql in routine_statements(ctx, schema, after, *procedure) {
                    out.push(
                        stmt(or_replace(&sql), vec![i], comment.clone())
                            .reverse(rev.as_ref().map(|r| or_replace(r))),
                    );
                }
            } else {
                // MySQL has no CREATE OR REPLACE for routines: drop, then create.
                out.push(
                    stmt(
                        drop_routine(ctx, schema, before, *procedure),
                        vec![i],
                        comment.clone(),
                    )
                    .reverse(rev.clone()),
                );
                for sql in routine_statements(ctx, schema, after, *procedure) {
                    out.push(
                        stmt(sql, vec![i], comment.clone())
                            .reverse(Some(drop_routine(ctx, schema, after, *procedure))),
                    );
                }
            }
        }
        Change::DropFunction {
            schema,
            function,
            procedure,
        } => {
            let rev = routine_statements(ctx, schema, function, *procedure)
                .into_iter()
                .next();
            out.push(
                stmt(
                    drop_routine(ctx, schema, function, *procedure),
                    vec![i],
                    comment,
                )
                .reverse(rev)
                .hazards(|h| h.backward_incompatible = true),
            );
        }
        Change::AddSequence { schema, sequence } => {
            let s2 = sequence.clone();
            for sql in printed(ctx, |s| s.sequences.push(s2), schema) {
                out.push(stmt(sql, vec![i], comment.clone()).reverse(Some(format!(
                    "DROP SEQUENCE {}",
                    qn(schema, &sequence.name)
                ))));
            }
        }
        Change::DropSequence { schema, sequence } => out.push(
            stmt(
                format!("DROP SEQUENCE {}", qn(schema, &sequence.name)),
                vec![i],
                comment,
            )
            .hazards(|h| h.irreversible = true),
        ),
        Change::ModifySequence { schema, after, .. } => {
            let mut parts = Vec::new();
            if let Some(v) = after.increment {
                parts.push(format!("INCREMENT BY {v}"));
            }
            parts.push(
                after
                    .min_value
                    .map_or("NO MINVALUE".into(), |v| format!("MINVALUE {v}")),
            );
            parts.push(
                after
                    .max_value
                    .map_or("NO MAXVALUE".into(), |v| format!("MAXVALUE {v}")),
            );
            if let Some(v) = after.start {
                parts.push(format!("START WITH {v}"));
            }
            if let Some(v) = after.cache {
                parts.push(format!("CACHE {v}"));
            }
            parts.push(if after.cycle {
                "CYCLE".into()
            } else {
                "NOCYCLE".into()
            });
            out.push(stmt(
                format!(
                    "ALTER SEQUENCE {} {}",
                    qn(schema, &after.name),
                    parts.join(" ")
                ),
                vec![i],
                comment,
            ));
        }
        Change::AddRole { role } => {
            let (sql, drop) = create_account(ctx, role);
            out.push(stmt(sql, vec![i], comment.clone()).reverse(Some(drop)));
            for m in &role.member_of {
                out.push(
                    stmt(
                        format!("GRANT {} TO {}", account(ctx, m), account(ctx, &role.name)),
                        vec![i],
                        comment.clone(),
                    )
                    .reverse(Some(format!(
                        "REVOKE {} FROM {}",
                        account(ctx, m),
                        account(ctx, &role.name)
                    ))),
                );
            }
        }
        Change::DropRole { role } => {
            let (_, drop) = create_account(ctx, role);
            out.push(stmt(drop, vec![i], comment).hazards(|h| {
                h.backward_incompatible = true;
                h.irreversible = true;
            }));
        }
        Change::ModifyRole { before, after } => {
            let is_user = after.login || after.name.contains('@');
            if before.conn_limit != after.conn_limit && is_user {
                let limit = |r: &Role| {
                    format!(
                        "ALTER USER {} WITH MAX_USER_CONNECTIONS {}",
                        account(ctx, &r.name),
                        r.conn_limit.unwrap_or(0)
                    )
                };
                out.push(stmt(limit(after), vec![i], comment.clone()).reverse(Some(limit(before))));
            }
            for m in &after.member_of {
                if !before.member_of.contains(m) {
                    out.push(
                        stmt(
                            format!("GRANT {} TO {}", account(ctx, m), account(ctx, &after.name)),
                            vec![i],
                            comment.clone(),
                        )
                        .reverse(Some(format!(
                            "REVOKE {} FROM {}",
                            account(ctx, m),
                            account(ctx, &after.name)
                        ))),
                    );
                }
            }
            for m in &before.member_of {
                if !after.member_of.contains(m) {
                    out.push(
                        stmt(
                            format!(
                                "REVOKE {} FROM {}",
                                account(ctx, m),
                                account(ctx, &after.name)
                            ),
                            vec![i],
                            comment.clone(),
                        )
                        .reverse(Some(format!(
                            "GRANT {} TO {}",
                            account(ctx, m),
                            account(ctx, &after.name)
                        )))
                        .hazards(|h| h.backward_incompatible = true),
                    );
                }
            }
        }
        Change::Grant { permission } => {
            if let Some(sql) = grant_sql(ctx, permission, true) {
                out.push(stmt(sql, vec![i], comment).reverse(grant_sql(ctx, permission, false)));
            }
        }
        Change::Revoke {
            permission,
            grant_option,
        } => {
            let sql = if *grant_option {
                revoke_grant_option_sql(ctx, permission)
            } else {
                grant_sql(ctx, permission, false)
            };
            if let Some(sql) = sql {
                out.push(
                    stmt(sql, vec![i], comment)
                        .reverse(grant_sql(ctx, permission, true))
                        .hazards(|h| h.backward_incompatible = true),
                );
            }
        }
        Change::AddEvent { schema, event } => {
            let name = event.name.as_deref().unwrap_or_default();
            out.push(
                stmt(event_sql(ctx, schema, &event.raw), vec![i], comment)
                    .reverse(Some(format!("DROP EVENT {}", qn(schema, name)))),
            );
        }
        Change::DropEvent { schema, event } => {
            let name = event.name.as_deref().unwrap_or_default();
            out.push(
                stmt(format!("DROP EVENT {}", qn(schema, name)), vec![i], comment)
                    .reverse(Some(event_sql(ctx, schema, &event.raw)))
                    .hazards(|h| h.backward_incompatible = true),
            );
        }
        // An event is replaced whole: dropped and created again (it holds no data).
        Change::ModifyEvent {
            schema,
            before,
            after,
        } => {
            let name = after.name.as_deref().unwrap_or_default();
            out.push(
                stmt(
                    format!("DROP EVENT {}", qn(schema, name)),
                    vec![i],
                    comment.clone(),
                )
                .reverse(Some(event_sql(ctx, schema, &before.raw))),
            );
            out.push(
                stmt(event_sql(ctx, schema, &after.raw), vec![i], comment)
                    .reverse(Some(format!("DROP EVENT {}", qn(schema, name)))),
            );
        }
        // Table clauses are printed per phase (see `collect_clauses`); the remaining kinds do not
        // exist in this dialect (PostgreSQL's policies, row security, exclusion constraints,
        // standalone enum types, domains, extensions and default privileges), and a realm of this
        // dialect never holds them.
        _ => {}
    }
}

/// An event's `CREATE EVENT` statement as declared, its name qualified when the plan spans
/// several schemas.
fn event_sql(ctx: &Ctx<'_>, schema: &str, raw: &str) -> String {
    let raw = raw.trim().trim_end_matches(';').trim_end();
    if !ctx.qualify {
        return raw.to_string();
    }
    let upper = raw.to_ascii_uppercase();
    let word_at = |from: usize, w: &str| {
        upper[from..].find(w).map(|p| p + from).filter(|&p| {
            let before = upper[..p].chars().next_back();
            let after = upper[p + w.len()..].chars().next();
            before.is_none_or(|c| c.is_whitespace())
                && after.is_none_or(|c| c.is_whitespace() || c == '`')
        })
    };
    let Some(at) = word_at(0, "EVENT") else {
        return raw.to_string();
    };
    let mut name_at = at + "EVENT".len();
    name_at += raw[name_at..].len() - raw[name_at..].trim_start().len();
    if upper[name_at..].starts_with("IF NOT EXISTS") {
        name_at += "IF NOT EXISTS".len();
        name_at += raw[name_at..].len() - raw[name_at..].trim_start().len();
    }
    let rest = &raw[name_at..];
    let name_len = if let Some(quoted) = rest.strip_prefix('`') {
        quoted.find('`').map_or(rest.len(), |e| e + 2)
    } else {
        rest.find(char::is_whitespace).unwrap_or(rest.len())
    };
    if rest[..name_len].contains('.') {
        return raw.to_string();
    }
    format!("{}{}.{}", &raw[..name_at], ctx.q(schema), rest)
}

fn trigger_statements(ctx: &Ctx<'_>, table: &TableRef, trigger: &Trigger) -> Vec<String> {
    vec![print::create_trigger_sql(
        ctx.d,
        &ctx.name(&table.schema, &trigger.name),
        &ctx.qt(table),
        trigger,
    )]
}

fn view_statements(ctx: &Ctx<'_>, schema: &str, view: &View) -> Vec<String> {
    let v = view.clone();
    printed(ctx, |s| s.views.push(v), schema)
}

fn routine_statements(ctx: &Ctx<'_>, schema: &str, f: &Function, procedure: bool) -> Vec<String> {
    vec![print::create_routine_sql(
        ctx.d,
        &ctx.name(schema, &f.name),
        f,
        !procedure,
    )]
}

fn drop_routine(ctx: &Ctx<'_>, schema: &str, f: &Function, procedure: bool) -> String {
    format!(
        "DROP {} {}",
        if procedure { "PROCEDURE" } else { "FUNCTION" },
        ctx.name(schema, &f.name)
    )
}

/// An account as MySQL spells it: `user@host` in the IR is `'user'@'host'`; a name without a
/// host is a MariaDB role.
fn account(ctx: &Ctx<'_>, name: &str) -> String {
    print::account_sql(ctx.d, name)
}

/// The statement that creates an account (as `print` writes it) and the one that drops it.
fn create_account(ctx: &Ctx<'_>, role: &Role) -> (String, String) {
    let kind = if role.login || role.name.contains('@') {
        "USER"
    } else {
        "ROLE"
    };
    (
        print::create_role_sql(ctx.d, role),
        format!("DROP {kind} {}", account(ctx, &role.name)),
    )
}

/// `GRANT` as `print` writes it, or the `REVOKE` that takes the same privileges back.
fn grant_sql(ctx: &Ctx<'_>, p: &Permission, grant: bool) -> Option<String> {
    let current = (!ctx.qualify)
        .then(|| ctx.input.desired.schemas.first().map(|s| s.name.as_str()))
        .flatten();
    let sql = print::grant_sql(ctx.d, p, current)?;
    if grant {
        return Some(sql);
    }
    let sql = sql.strip_suffix(" WITH GRANT OPTION").unwrap_or(&sql);
    let body = sql.strip_prefix("GRANT ")?;
    let (what, grantee) = body.rsplit_once(" TO ")?;
    Some(format!("REVOKE {what} FROM {grantee}"))
}

/// `REVOKE GRANT OPTION ON ... FROM ...`: MySQL's grant option is one privilege per object, the
/// others stay.
fn revoke_grant_option_sql(ctx: &Ctx<'_>, p: &Permission) -> Option<String> {
    let sql = grant_sql(ctx, p, false)?;
    let body = sql.strip_prefix("REVOKE ")?;
    let (_, rest) = body.split_once(" ON ")?;
    Some(format!("REVOKE GRANT OPTION ON {rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int_col(name: &str) -> Column {
        let mut c = Column::new(name, ColumnType::Mysql(MyType::Int { unsigned: false }));
        c.nullable = false;
        c
    }

    fn fk(name: Option<&str>, col: &str, target: &str) -> ForeignKey {
        ForeignKey {
            name: name.map(str::to_string),
            columns: vec![col.into()],
            ref_table: cairn_ir::QualifiedName::unqualified(target),
            ref_columns: vec!["id".into()],
            on_update: Default::default(),
            on_delete: Default::default(),
            deferrable: Default::default(),
            not_valid: false,
        }
    }

    /// Plans `changes` (ordered as the core orders them) from `current` to an empty desired
    /// state of the same dialect.
    fn plan_sql(d: Dialect, current: &Realm, changes: Vec<Change>) -> Vec<PlannedStatement> {
        let changes = cairn_core::order::order_changes(changes);
        let mut desired = Realm::new(d);
        desired.schemas.push(Schema::new("app"));
        MysqlPlanner.statements(&PlanInput {
            changes: &changes,
            current,
            desired: &desired,
            options: &Default::default(),
        })
    }

    fn realm_with(d: Dialect, tables: Vec<Table>) -> Realm {
        let mut r = Realm::new(d);
        let mut s = Schema::new("app");
        s.tables = tables.into_iter().map(Into::into).collect();
        r.schemas.push(s);
        r
    }

    #[test]
    fn changes_to_one_table_share_one_statement() {
        let t = TableRef::new("app", "users");
        let mut email = Column::new("email", ColumnType::Mysql(MyType::Varchar(100)));
        email.nullable = true;
        let stmts = plan_sql(
            Dialect::MARIADB,
            &realm_with(Dialect::MARIADB, vec![Table::new("users")]),
            vec![
                Change::AddColumn {
                    table: t.clone(),
                    column: email,
                },
                Change::DropColumn {
                    table: t.clone(),
                    column: int_col("legacy"),
                },
                Change::AddIndex {
                    table: t.clone(),
                    index: Index::on_columns("users_email", &["email"], true),
                },
                Change::RenameColumn {
                    table: t.clone(),
                    from: "nick".into(),
                    to: "handle".into(),
                },
            ],
        );
        assert_eq!(stmts.len(), 1, "{stmts:#?}");
        let s = &stmts[0];
        assert_eq!(
            s.sql,
            "ALTER TABLE `users` RENAME COLUMN `nick` TO `handle`, DROP COLUMN `legacy`, \
             ADD COLUMN `email` varchar(100), ADD UNIQUE KEY `users_email` (`email`)"
        );
        assert_eq!(s.changes.len(), 4);
        assert!(s.hazards.destructive && s.hazards.data_dependent && s.hazards.irreversible);
        assert_eq!(s.hazards.lock.as_deref(), Some("INPLACE"));
        // A dropped column cannot be brought back, so the statement has no reverse.
        assert_eq!(s.reverse, None);
    }

    #[test]
    fn dropping_a_foreign_key_and_its_index_takes_two_statements() {
        let t = TableRef::new("app", "posts");
        let mut posts = Table::new("posts");
        posts.foreign_keys.push(fk(None, "user_id", "users"));
        let stmts = plan_sql(
            Dialect::MYSQL,
            &realm_with(Dialect::MYSQL, vec![posts]),
            vec![
                Change::DropIndex {
                    table: t.clone(),
                    index: Index::on_columns("user_id", &["user_id"], false),
                },
                Change::DropForeignKey {
                    table: t.clone(),
                    fk: fk(None, "user_id", "users"),
                },
            ],
        );
        let sql: Vec<&str> = stmts.iter().map(|s| s.sql.as_str()).collect();
        // The inspector reports a generated name as None: the server's name is computed.
        assert_eq!(
            sql,
            [
                "ALTER TABLE `posts` DROP FOREIGN KEY `posts_ibfk_1`",
                "ALTER TABLE `posts` DROP INDEX `user_id`"
            ]
        );
        assert_eq!(
            stmts[0].reverse.as_deref(),
            Some("ALTER TABLE `posts` ADD FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)")
        );
    }

    #[test]
    fn foreign_keys_to_altered_tables_wait_for_their_alter() {
        let inv = TableRef::new("app", "invoices");
        let acc = TableRef::new("app", "accounts");
        let stmts = plan_sql(
            Dialect::MARIADB,
            &realm_with(
                Dialect::MARIADB,
                vec![Table::new("invoices"), Table::new("accounts")],
            ),
            vec![
                Change::AddColumn {
                    table: inv.clone(),
                    column: int_col("account_id"),
                },
                Change::AddForeignKey {
                    table: inv.clone(),
                    fk: fk(Some("inv_acc"), "account_id", "accounts"),
                },
                Change::AddColumn {
                    table: acc.clone(),
                    column: int_col("code"),
                },
            ],
        );
        let sql: Vec<&str> = stmts.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(sql.len(), 3, "{sql:#?}");
        assert!(sql[0].starts_with("ALTER TABLE `invoices` ADD COLUMN"));
        assert!(sql[1].starts_with("ALTER TABLE `accounts` ADD COLUMN"));
        assert!(sql[2].starts_with("ALTER TABLE `invoices` ADD CONSTRAINT `inv_acc` FOREIGN KEY"));
        assert!(stmts[2].hazards.data_dependent && stmts[2].hazards.rewrites_table);
    }

    #[test]
    fn routines_are_replaced_per_flavour() {
        let f = |body: &str| Function {
            name: "twice".into(),
            args: vec![],
            returns: Some("int".into()),
            language: "SQL".into(),
            body: body.into(),
            volatility: Default::default(),
            strict: false,
            security_definer: true,
            leakproof: false,
            parallel: None,
            deterministic: true,
            config: vec![],
            comment: None,
        };
        let change = Change::ModifyFunction {
            schema: "app".into(),
            before: f("RETURN 2"),
            after: f("RETURN 3"),
            procedure: false,
        };
        let maria = plan_sql(
            Dialect::MARIADB,
            &realm_with(Dialect::MARIADB, vec![]),
            vec![change.clone()],
        );
        assert_eq!(maria.len(), 1);
        assert!(
            maria[0]
                .sql
                .starts_with("CREATE OR REPLACE FUNCTION `twice`()"),
            "{}",
            maria[0].sql
        );
        assert!(
            maria[0]
                .reverse
                .as_deref()
                .is_some_and(|r| r.contains("RETURN 2"))
        );
        let my = plan_sql(
            Dialect::MYSQL,
            &realm_with(Dialect::MYSQL, vec![]),
            vec![change],
        );
        let sql: Vec<&str> = my.iter().map(|s| s.sql.as_str()).collect();
        assert_eq!(sql[0], "DROP FUNCTION `twice`");
        assert!(sql[1].starts_with("CREATE FUNCTION `twice`()"));
    }

    #[test]
    fn not_null_without_default_is_data_dependent() {
        let t = TableRef::new("app", "users");
        let stmts = plan_sql(
            Dialect::MARIADB,
            &realm_with(Dialect::MARIADB, vec![Table::new("users")]),
            vec![Change::AddColumn {
                table: t,
                column: int_col("age"),
            }],
        );
        assert!(stmts[0].hazards.data_dependent);
        assert_eq!(
            stmts[0].reverse.as_deref(),
            Some("ALTER TABLE `users` DROP COLUMN `age`")
        );
    }

    #[test]
    fn or_replace_once() {
        assert_eq!(
            or_replace("CREATE VIEW v AS SELECT 1"),
            "CREATE OR REPLACE VIEW v AS SELECT 1"
        );
        assert_eq!(
            or_replace("create or replace view v as select 1"),
            "create or replace view v as select 1"
        );
    }

    #[test]
    fn narrowing_types() {
        let my = |t: MyType| ColumnType::Mysql(t);
        assert!(narrowing(
            &my(MyType::Varchar(20)),
            &my(MyType::Varchar(10))
        ));
        assert!(!narrowing(&my(MyType::Varchar(10)), &my(MyType::Text)));
        assert!(narrowing(
            &my(MyType::BigInt { unsigned: false }),
            &my(MyType::Int { unsigned: false })
        ));
        assert!(!narrowing(
            &my(MyType::Int { unsigned: false }),
            &my(MyType::BigInt { unsigned: false })
        ));
        assert!(narrowing(
            &my(MyType::Enum(vec!["a".into(), "b".into()])),
            &my(MyType::Enum(vec!["a".into()]))
        ));
        assert_eq!(
            type_change_algo(
                &my(MyType::Enum(vec!["a".into()])),
                &my(MyType::Enum(vec!["a".into(), "b".into()]))
            ),
            Algo::Instant
        );
        assert_eq!(
            type_change_algo(&my(MyType::Varchar(10)), &my(MyType::Varchar(20))),
            Algo::Inplace
        );
        assert_eq!(
            type_change_algo(&my(MyType::Varchar(10)), &my(MyType::Varchar(100))),
            Algo::Copy
        );
    }

    #[test]
    fn accounts_are_quoted() {
        let realm = Realm::new(Dialect::MARIADB);
        let input = PlanInput {
            changes: &[],
            current: &realm,
            desired: &realm,
            options: &Default::default(),
        };
        let ctx = Ctx {
            d: Dialect::MARIADB,
            input: &input,
            created: BTreeSet::new(),
            altered: BTreeSet::new(),
            qualify: false,
        };
        assert_eq!(account(&ctx, "app@%"), "'app'@'%'");
        assert_eq!(account(&ctx, "reader"), "'reader'");
    }
}
