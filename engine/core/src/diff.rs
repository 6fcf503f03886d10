//! The differ: `diff(current, desired)` computes the typed changes that turn one realm into the
//! other. Objects are compared after normalisation (so a schema and its own applied form are
//! always synced); the changes carry the desired side's objects as written.
//!
//! Renames: a `renamed_from` hint on a table, column or index plans a rename (a no-op once the
//! rename has happened; an error when both names exist). Without a hint, a drop and an add that
//! look like a rename are reported as `PossibleRename`s beside the changes, for apply to block on.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use cairn_ir::{
    Change, Check, Column, ColumnChanges, Dialect, Enum, GrantObject, Index, Permission,
    PossibleRename, Privilege, Realm, Schema, Table, TableRef,
};

use crate::normalize::{
    canonical_event, normalize_column, normalize_table_copy_in, normalize_view_copy_in,
};

/// What the caller decides about the scope of the diff.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// Drop roles the desired state does not mention (the project says it is authoritative).
    pub roles_authoritative: bool,
    /// The project's `diff { skip { drop_table = true ... } }`: change kinds left out of the
    /// diff, in Atlas's names (`{add,drop,modify}_{schema,table,column,index,foreign_key,view,
    /// func,proc,trigger}`, `rename_{table,column,index,view,func,proc,trigger}`, `drop_role`,
    /// `drop_user`).
    pub skip: Vec<String>,
}

/// The name `diff { skip { ... } }` gives a change's kind.
pub fn skip_key(c: &Change) -> String {
    let k = c.kind();
    let k = k
        .replace("_materialized_view", "_view")
        .replace("_function", "_func")
        .replace("_procedure", "_proc");
    match k.as_str() {
        "enable_rls" | "disable_rls" | "modify_table" => "modify_table".into(),
        _ => k,
    }
}

impl Diff {
    /// Leaves out the changes whose kind `skip` names (and the possible renames a skipped drop
    /// would have been half of).
    pub fn apply_skip(&mut self, skip: &[String]) {
        if skip.is_empty() {
            return;
        }
        let has = |k: &str| skip.iter().any(|s| s == k);
        self.changes.retain(|c| {
            let key = skip_key(c);
            !(has(&key) || (key == "drop_role" && has("drop_user")))
        });
        self.possible_renames.retain(|r| match r {
            PossibleRename::Column { .. } => !has("drop_column"),
            PossibleRename::Table { .. } => !has("drop_table"),
        });
    }
}

/// The result of a diff.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub changes: Vec<Change>,
    /// Drops and adds that look like renames; apply waits until each is settled.
    pub possible_renames: Vec<PossibleRename>,
    /// Contradictions in the desired state that stop planning (a `renamed_from` whose old and new
    /// names both exist).
    pub errors: Vec<String>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

pub fn diff(current: &Realm, desired: &Realm, opts: &DiffOptions) -> Diff {
    let mut out = diff_all(current, desired, opts);
    out.apply_skip(&opts.skip);
    out
}

fn diff_all(current: &Realm, desired: &Realm, opts: &DiffOptions) -> Diff {
    let d = desired.dialect;
    let mut out = Diff::default();
    for ds in &desired.schemas {
        match current.schema(&ds.name) {
            Some(cs) => diff_schema(d, cs, ds, &mut out),
            None => {
                out.changes.push(Change::AddSchema {
                    name: ds.name.clone(),
                    comment: ds.comment.clone(),
                });
                diff_schema(d, &Schema::new(&ds.name), ds, &mut out);
            }
        }
    }
    for cs in &current.schemas {
        if desired.schema(&cs.name).is_none() {
            // A database's one schema (SQLite's `main`) cannot go: a desired state without it
            // has it empty.
            if d.fixed_schema() == Some(cs.name.as_str()) {
                diff_schema(d, cs, &Schema::new(&cs.name), &mut out);
                continue;
            }
            out.changes.push(Change::DropSchema {
                name: cs.name.clone(),
            });
        }
    }
    diff_roles(current, desired, opts, &mut out);
    out
}

fn diff_schema(d: Dialect, cs: &Schema, ds: &Schema, out: &mut Diff) {
    if cs.comment != ds.comment
        || cs.charset != ds.charset && ds.charset.is_some()
        || cs.collation != ds.collation && ds.collation.is_some()
    {
        out.changes.push(Change::ModifySchema {
            name: ds.name.clone(),
            comment: ds.comment.clone(),
            charset: ds.charset.clone(),
            collation: ds.collation.clone(),
        });
    }
    let schema = ds.name.as_str();
    // One schema-level object, normalised alone in this schema.
    let solo = |fill: &dyn Fn(&mut Schema)| {
        let mut s = Schema::new(schema);
        fill(&mut s);
        crate::normalize::normalize_schema_copy(d, &s)
    };
    // Types, sequences and extensions first: tables use them.
    diff_named(
        &cs.extensions,
        &ds.extensions,
        |e| &e.name,
        |_, _| false,
        out,
        |e| Change::AddExtension {
            schema: schema.into(),
            def: e.clone(),
        },
        |e| Change::DropExtension {
            schema: schema.into(),
            def: e.clone(),
        },
        |_, _| None,
    );
    diff_enums(schema, &cs.enums, &ds.enums, out);
    diff_named(
        &cs.domains,
        &ds.domains,
        |x| &x.name,
        |a, b| {
            solo(&|s| s.domains.push(a.clone())).domains
                != solo(&|s| s.domains.push(b.clone())).domains
        },
        out,
        |x| Change::AddDomain {
            schema: schema.into(),
            def: x.clone(),
        },
        |x| Change::DropDomain {
            schema: schema.into(),
            def: x.clone(),
        },
        |a, b| {
            Some(Change::ModifyDomain {
                schema: schema.into(),
                before: a.clone(),
                after: b.clone(),
            })
        },
    );
    diff_named(
        &cs.sequences,
        &ds.sequences,
        |x| &x.name,
        |a, b| {
            solo(&|s| s.sequences.push(a.clone())).sequences
                != solo(&|s| s.sequences.push(b.clone())).sequences
        },
        out,
        |x| Change::AddSequence {
            schema: schema.into(),
            sequence: x.clone(),
        },
        |x| Change::DropSequence {
            schema: schema.into(),
            sequence: x.clone(),
        },
        |a, b| {
            Some(Change::ModifySequence {
                schema: schema.into(),
                before: a.clone(),
                after: b.clone(),
            })
        },
    );
    for (cur, des, procedure) in [
        (&cs.functions, &ds.functions, false),
        (&cs.procedures, &ds.procedures, true),
    ] {
        diff_named(
            cur,
            des,
            |x| &x.name,
            |a, b| {
                let ws = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                // Normalised alone in this schema (PostgreSQL: types as `format_type` spells
                // them, implied results).
                let norm = |f: &cairn_ir::Function| {
                    let f = crate::normalize::normalize_routine_copy(d, f);
                    let mut n = solo(&|s| {
                        if procedure {
                            s.procedures.push(f.clone())
                        } else {
                            s.functions.push(f.clone())
                        }
                    });
                    let mut f = if procedure {
                        n.procedures.pop()
                    } else {
                        n.functions.pop()
                    }
                    .unwrap_or(f);
                    f.body = ws(&f.body);
                    f
                };
                norm(a) != norm(b)
            },
            out,
            |x| Change::AddFunction {
                schema: schema.into(),
                function: x.clone(),
                procedure,
            },
            |x| Change::DropFunction {
                schema: schema.into(),
                function: x.clone(),
                procedure,
            },
            |a, b| {
                Some(Change::ModifyFunction {
                    schema: schema.into(),
                    before: a.clone(),
                    after: b.clone(),
                    procedure,
                })
            },
        );
    }
    diff_tables(d, schema, cs, ds, out);
    for (cur, des, materialized) in [
        (&cs.views, &ds.views, false),
        (&cs.materialized_views, &ds.materialized_views, true),
    ] {
        diff_named(
            cur,
            des,
            |x| &x.name,
            |a, b| normalize_view_copy_in(d, a, schema) != normalize_view_copy_in(d, b, schema),
            out,
            |x| Change::AddView {
                schema: schema.into(),
                view: x.clone(),
                materialized,
            },
            |x| Change::DropView {
                schema: schema.into(),
                view: x.clone(),
                materialized,
            },
            |a, b| {
                Some(Change::ModifyView {
                    schema: schema.into(),
                    before: a.clone(),
                    after: b.clone(),
                    materialized,
                })
            },
        );
    }
    // SQLite keeps triggers on views whole; they are planned as trigger changes on the view.
    if d == Dialect::Sqlite {
        out.changes
            .extend(crate::diff_sqlite::view_trigger_changes(schema, cs, ds));
    }
    if d.is_mysql_family() {
        diff_events(d, schema, cs, ds, out);
    }
}

/// MySQL/MariaDB events (kept whole as their statement), paired by name and compared in their
/// canonical spelling.
fn diff_events(d: Dialect, schema: &str, cs: &Schema, ds: &Schema, out: &mut Diff) {
    let events = |s: &Schema| -> Vec<cairn_ir::Unsupported> {
        s.unsupported
            .iter()
            .filter(|u| u.kind == "event" && u.name.is_some())
            .cloned()
            .collect()
    };
    let (cur, des) = (events(cs), events(ds));
    let same_name = |a: &cairn_ir::Unsupported, b: &cairn_ir::Unsupported| {
        d.idents_equal(
            a.name.as_deref().unwrap_or(""),
            b.name.as_deref().unwrap_or(""),
        )
    };
    for c in &cur {
        if !des.iter().any(|x| same_name(c, x)) {
            out.changes.push(Change::DropEvent {
                schema: schema.into(),
                event: c.clone(),
            });
        }
    }
    for x in &des {
        match cur.iter().find(|c| same_name(c, x)) {
            None => out.changes.push(Change::AddEvent {
                schema: schema.into(),
                event: x.clone(),
            }),
            Some(c) if canonical_event(&c.raw) != canonical_event(&x.raw) => {
                out.changes.push(Change::ModifyEvent {
                    schema: schema.into(),
                    before: c.clone(),
                    after: x.clone(),
                })
            }
            Some(_) => {}
        }
    }
}

/// Pairs objects by name: adds, drops, and a modification when `differs`.
#[allow(clippy::too_many_arguments)]
fn diff_named<T>(
    current: &[T],
    desired: &[T],
    name: impl Fn(&T) -> &String,
    differs: impl Fn(&T, &T) -> bool,
    out: &mut Diff,
    add: impl Fn(&T) -> Change,
    drop: impl Fn(&T) -> Change,
    modify: impl Fn(&T, &T) -> Option<Change>,
) {
    for des in desired {
        match current.iter().find(|c| name(c) == name(des)) {
            None => out.changes.push(add(des)),
            Some(cur) if differs(cur, des) => out.changes.extend(modify(cur, des)),
            Some(_) => {}
        }
    }
    for cur in current {
        if !desired.iter().any(|d| name(d) == name(cur)) {
            out.changes.push(drop(cur));
        }
    }
}

fn diff_enums(schema: &str, current: &[Enum], desired: &[Enum], out: &mut Diff) {
    for des in desired {
        let Some(cur) = current.iter().find(|c| c.name == des.name) else {
            out.changes.push(Change::AddEnum {
                schema: schema.into(),
                def: des.clone(),
            });
            continue;
        };
        if cur.values == des.values {
            if cur.comment != des.comment {
                // Only the comment: the planner comments on the type in place.
                out.changes.push(Change::ModifyEnum {
                    schema: schema.into(),
                    before: cur.clone(),
                    after: des.clone(),
                });
            }
            continue;
        }
        // Values only added (existing ones keep their order): ALTER TYPE ... ADD VALUE in place.
        let kept: Vec<&String> = des
            .values
            .iter()
            .filter(|v| cur.values.contains(v))
            .collect();
        let only_added =
            kept.len() == cur.values.len() && kept.iter().zip(&cur.values).all(|(a, b)| *a == b);
        if only_added {
            for (i, v) in des.values.iter().enumerate() {
                if !cur.values.contains(v) {
                    let before = des.values[i + 1..]
                        .iter()
                        .find(|n| cur.values.contains(n))
                        .cloned();
                    out.changes.push(Change::AddEnumValue {
                        schema: schema.into(),
                        name: des.name.clone(),
                        value: v.clone(),
                        before,
                    });
                }
            }
        } else {
            out.changes.push(Change::ModifyEnum {
                schema: schema.into(),
                before: cur.clone(),
                after: des.clone(),
            });
        }
    }
    for cur in current {
        if !desired.iter().any(|d| d.name == cur.name) {
            out.changes.push(Change::DropEnum {
                schema: schema.into(),
                def: cur.clone(),
            });
        }
    }
}

/// The tables of a schema by name as the dialect compares names (the first of equal names wins,
/// as `Schema::table` finds it): one lookup per table instead of a scan.
fn tables_by_name(d: Dialect, s: &Schema) -> HashMap<Cow<'_, str>, &Table> {
    let mut out: HashMap<Cow<'_, str>, &Table> = HashMap::with_capacity(s.tables.len());
    for t in &s.tables {
        out.entry(d.ident_key(&t.name)).or_insert(t);
    }
    out
}

fn diff_tables(d: Dialect, schema: &str, cs: &Schema, ds: &Schema, out: &mut Diff) {
    let cur_names: BTreeSet<&str> = cs.tables.iter().map(|t| t.name.as_str()).collect();
    let cur_by_name = tables_by_name(d, cs);
    let cur_table = |name: &str| cur_by_name.get(&d.ident_key(name)).copied();
    // desired name -> current table it continues.
    let mut pairs: Vec<(&Table, &Table)> = Vec::new();
    let mut matched_current: BTreeSet<&str> = BTreeSet::new();
    let mut added: Vec<&Table> = Vec::new();
    for des in &ds.tables {
        if let Some(cur) = cur_table(&des.name) {
            if let Some(old) = &des.renamed_from
                && cur_names.contains(old.as_str())
                && old != &des.name
            {
                out.errors.push(format!(
                        "table {schema}.{} says renamed_from = {old:?}, but both {old} and {} exist: drop the hint, or drop one of them first",
                        des.name, des.name
                    ));
            }
            pairs.push((cur, des));
            matched_current.insert(cur.name.as_str());
            continue;
        }
        if let Some(old) = des.renamed_from.as_deref().and_then(cur_table) {
            out.changes.push(Change::RenameTable {
                from: TableRef::new(schema, &old.name),
                to: TableRef::new(schema, &des.name),
            });
            pairs.push((old, des));
            matched_current.insert(old.name.as_str());
            continue;
        }
        added.push(des);
    }
    let dropped: Vec<&Table> = cs
        .tables
        .iter()
        .filter(|t| !matched_current.contains(t.name.as_str()))
        .map(|t| &**t)
        .collect();
    for a in &added {
        for dr in &dropped {
            if tables_look_alike(d, dr, a) {
                out.possible_renames.push(PossibleRename::Table {
                    schema: schema.into(),
                    from: dr.name.clone(),
                    to: a.name.clone(),
                });
            }
        }
        out.changes.push(Change::AddTable {
            table: TableRef::new(schema, &a.name),
            def: (*a).clone(),
        });
    }
    for (cur, des) in pairs {
        // A desired table inherits from its schema as the schema will be: as declared, else as it
        // is now.
        let des_schema = if ds.charset.is_some() || ds.collation.is_some() {
            ds
        } else {
            cs
        };
        let parents = (cs, des_schema);
        diff_table(d, &TableRef::new(schema, &des.name), cur, des, parents, out);
    }
    for dr in dropped {
        out.changes.push(Change::DropTable {
            table: TableRef::new(schema, &dr.name),
            def: dr.clone(),
        });
    }
}

/// Two tables look alike when most of their columns share names and types.
fn tables_look_alike(d: Dialect, a: &Table, b: &Table) -> bool {
    let cols = |t: &Table| -> BTreeSet<(String, String)> {
        t.columns
            .iter()
            .map(|c| (c.name.to_lowercase(), normalize_column(d, c).ty.sql()))
            .collect()
    };
    let (ca, cb) = (cols(a), cols(b));
    let common = ca.intersection(&cb).count();
    common * 3 >= ca.len().max(cb.len()) * 2 && common > 0
}

fn column_changes(d: Dialect, a: &Column, b: &Column) -> ColumnChanges {
    let (a, b) = (normalize_column(d, a), normalize_column(d, b));
    ColumnChanges {
        ty: a.ty != b.ty,
        nullable: a.nullable != b.nullable,
        default: a.default != b.default,
        identity: a.identity != b.identity,
        generated: a.generated != b.generated,
        collation: a.collation != b.collation,
        comment: a.comment != b.comment,
        auto_increment: a.auto_increment != b.auto_increment,
        ext: a.ext != b.ext,
    }
}

fn diff_table(
    d: Dialect,
    tref: &TableRef,
    cur: &Table,
    des: &Table,
    (cs, ds): (&Schema, &Schema),
    out: &mut Diff,
) {
    // Equal as written, and inheriting the same defaults from their schemas: nothing changes.
    // Most tables of a large schema are untouched between two versions, and this skips
    // normalising their copies.
    if cur == des && crate::normalize::same_table_context(d, cs, ds) {
        return;
    }
    // The changes of this table start here (its index renames among them).
    let start = out.changes.len();
    let (nc, nd) = (
        normalize_table_copy_in(d, cur, cs),
        normalize_table_copy_in(d, des, ds),
    );
    // Foreign keys, checks and exclusions, normalised one by one in their order.
    let fks = |t: &Table, s: &Schema| {
        normalized_each(
            d,
            t,
            s,
            &t.foreign_keys,
            |x, f| x.foreign_keys.push(f),
            |mut x| x.foreign_keys.pop(),
        )
    };
    let checks = |t: &Table, s: &Schema| {
        normalized_each(
            d,
            t,
            s,
            &t.checks,
            |x, c| x.checks.push(c),
            |mut x| x.checks.pop(),
        )
    };
    let (mut nc_fks, mut nd_fks) = (fks(cur, cs), fks(des, ds));
    let (mut nc_checks, mut nd_checks) = (checks(cur, cs), checks(des, ds));
    // NOT VALID is compared apart: a validated constraint satisfies one declared NOT VALID, and
    // one still to validate gets a VALIDATE change rather than a drop and an add.
    nc_fks
        .iter_mut()
        .chain(&mut nd_fks)
        .for_each(|f| f.not_valid = false);
    nc_checks
        .iter_mut()
        .chain(&mut nd_checks)
        .for_each(|c| c.not_valid = false);
    let nc_excludes = normalized_each(
        d,
        cur,
        cs,
        &cur.excludes,
        |x, e| x.excludes.push(e),
        |mut x| x.excludes.pop(),
    );
    let nd_excludes = normalized_each(
        d,
        des,
        ds,
        &des.excludes,
        |x, e| x.excludes.push(e),
        |mut x| x.excludes.pop(),
    );
    // Foreign keys pair by name, or by what they are when the name is the implicit one (the
    // inspector reads a key declared without a name under the name the server gave it).
    let fk_key = |f: &cairn_ir::ForeignKey| match &f.name {
        Some(n) if !crate::normalize::fk_name_is_implicit(d, &cur.name, f) => n.clone(),
        _ => format!("{:?}", (&f.columns, &f.ref_table, &f.ref_columns)),
    };
    // Columns compare as normalised within their tables (what they inherit counts).
    let column_changes = |a: &Column, b: &Column| {
        let of = |t: &Table, c: &Column| {
            t.columns
                .iter()
                .find(|x| d.idents_equal(&x.name, &c.name))
                .cloned()
                .unwrap_or_else(|| c.clone())
        };
        column_changes(d, &of(&nc, a), &of(&nd, b))
    };
    // Columns.
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    let mut added: Vec<&Column> = Vec::new();
    for dc in &des.columns {
        if let Some(cc) = cur
            .column(&dc.name)
            .filter(|c| d.idents_equal(&c.name, &dc.name))
        {
            if let Some(old) = &dc.renamed_from
                && old != &dc.name
                && cur.column(old).is_some()
            {
                out.errors.push(format!(
                    "column {}.{} says renamed_from = {old:?}, but both {old} and {} exist",
                    tref.display(),
                    dc.name,
                    dc.name
                ));
            }
            matched.insert(cc.name.as_str());
            let ch = column_changes(cc, dc);
            if ch.any() {
                out.changes.push(Change::ModifyColumn {
                    table: tref.clone(),
                    before: cc.clone(),
                    after: dc.clone(),
                    changed: ch,
                });
            }
            continue;
        }
        if let Some(cc) = dc.renamed_from.as_deref().and_then(|o| cur.column(o)) {
            matched.insert(cc.name.as_str());
            out.changes.push(Change::RenameColumn {
                table: tref.clone(),
                from: cc.name.clone(),
                to: dc.name.clone(),
            });
            let ch = column_changes(cc, dc);
            if ch.any() {
                out.changes.push(Change::ModifyColumn {
                    table: tref.clone(),
                    before: cc.clone(),
                    after: dc.clone(),
                    changed: ch,
                });
            }
            continue;
        }
        added.push(dc);
    }
    let dropped: Vec<&Column> = cur
        .columns
        .iter()
        .filter(|c| !matched.contains(c.name.as_str()))
        .collect();
    for a in &added {
        for dr in &dropped {
            if dr.ty.category() == a.ty.category() {
                out.possible_renames.push(PossibleRename::Column {
                    table: tref.clone(),
                    from: dr.name.clone(),
                    to: a.name.clone(),
                });
            }
        }
    }
    // Constraints that depend on dropped columns go first, so they are planned before the drop.
    if nc.primary_key != nd.primary_key
        && let Some(pk) = &cur.primary_key
    {
        out.changes.push(Change::DropPrimaryKey {
            table: tref.clone(),
            key: pk.clone(),
        });
    }
    diff_keyed(
        &cur.foreign_keys,
        &des.foreign_keys,
        &nc_fks,
        &nd_fks,
        fk_key,
        out,
        |f| Change::DropForeignKey {
            table: tref.clone(),
            fk: f.clone(),
        },
        |f| Change::AddForeignKey {
            table: tref.clone(),
            fk: f.clone(),
        },
        true,
    );
    diff_keyed(
        &cur.checks,
        &des.checks,
        &nc_checks,
        &nd_checks,
        |c| c.name.clone().unwrap_or_else(|| c.expr.0.clone()),
        out,
        |c| Change::DropCheck {
            table: tref.clone(),
            check: c.clone(),
        },
        |c| Change::AddCheck {
            table: tref.clone(),
            check: c.clone(),
        },
        true,
    );
    diff_indexes(tref, cur, des, &nc, &nd, out);
    for a in &added {
        out.changes.push(Change::AddColumn {
            table: tref.clone(),
            column: (*a).clone(),
        });
    }
    for dr in &dropped {
        out.changes.push(Change::DropColumn {
            table: tref.clone(),
            column: (*dr).clone(),
        });
    }
    if nc.primary_key != nd.primary_key
        && let Some(pk) = &des.primary_key
    {
        out.changes.push(Change::AddPrimaryKey {
            table: tref.clone(),
            key: pk.clone(),
        });
    }
    diff_keyed(
        &cur.foreign_keys,
        &des.foreign_keys,
        &nc_fks,
        &nd_fks,
        fk_key,
        out,
        |f| Change::DropForeignKey {
            table: tref.clone(),
            fk: f.clone(),
        },
        |f| Change::AddForeignKey {
            table: tref.clone(),
            fk: f.clone(),
        },
        false,
    );
    diff_keyed(
        &cur.checks,
        &des.checks,
        &nc_checks,
        &nd_checks,
        |c| c.name.clone().unwrap_or_else(|| c.expr.0.clone()),
        out,
        |c| Change::DropCheck {
            table: tref.clone(),
            check: c.clone(),
        },
        |c| Change::AddCheck {
            table: tref.clone(),
            check: c.clone(),
        },
        false,
    );
    let check_key = |c: &Check| c.name.clone().unwrap_or_else(|| c.expr.0.clone());
    for (i, f) in des.foreign_keys.iter().enumerate() {
        if let Some(j) = to_validate(&cur.foreign_keys, &nc_fks, &nd_fks[i], fk_key, |x| {
            x.not_valid
        }) && !f.not_valid
        {
            out.changes.push(Change::ValidateForeignKey {
                table: tref.clone(),
                fk: cur.foreign_keys[j].clone(),
            });
        }
    }
    for (i, c) in des.checks.iter().enumerate() {
        if let Some(j) = to_validate(&cur.checks, &nc_checks, &nd_checks[i], check_key, |x| {
            x.not_valid
        }) && !c.not_valid
        {
            out.changes.push(Change::ValidateCheck {
                table: tref.clone(),
                check: cur.checks[j].clone(),
            });
        }
    }
    // Exclusions compare normalised (name and definition).
    for (e, n) in cur.excludes.iter().zip(&nc_excludes) {
        if !nd_excludes.contains(n) {
            out.changes.push(Change::DropExclude {
                table: tref.clone(),
                exclude: e.clone(),
            });
        }
    }
    for (e, n) in des.excludes.iter().zip(&nd_excludes) {
        if !nc_excludes.contains(n) {
            out.changes.push(Change::AddExclude {
                table: tref.clone(),
                exclude: e.clone(),
            });
        }
    }
    // Triggers compare normalised (`nc`/`nd` hold them in name order).
    let same_trigger = |name: &str| {
        let a = nc.triggers.iter().find(|x| x.name == name);
        let b = nd.triggers.iter().find(|x| x.name == name);
        a.is_some() && a == b
    };
    for t in &cur.triggers {
        match des.triggers.iter().find(|x| x.name == t.name) {
            Some(_) if same_trigger(&t.name) => {}
            _ => out.changes.push(Change::DropTrigger {
                table: tref.clone(),
                trigger: t.clone(),
            }),
        }
    }
    for t in &des.triggers {
        match cur.triggers.iter().find(|x| x.name == t.name) {
            Some(_) if same_trigger(&t.name) => {}
            _ => out.changes.push(Change::AddTrigger {
                table: tref.clone(),
                trigger: t.clone(),
            }),
        }
    }
    for (i, p) in nd.policies.iter().enumerate() {
        let orig = des
            .policies
            .iter()
            .find(|x| x.name == p.name)
            .unwrap_or(&des.policies[i]);
        match nc.policies.iter().find(|x| x.name == p.name) {
            None => out.changes.push(Change::AddPolicy {
                table: tref.clone(),
                policy: orig.clone(),
            }),
            Some(x) if x != p => {
                let before = cur
                    .policies
                    .iter()
                    .find(|c| c.name == p.name)
                    .cloned()
                    .unwrap_or_else(|| x.clone());
                out.changes.push(Change::ModifyPolicy {
                    table: tref.clone(),
                    before,
                    after: orig.clone(),
                });
            }
            Some(_) => {}
        }
    }
    for p in &cur.policies {
        if !des.policies.iter().any(|x| x.name == p.name) {
            out.changes.push(Change::DropPolicy {
                table: tref.clone(),
                policy: p.clone(),
            });
        }
    }
    if cur.row_security != des.row_security {
        out.changes.push(Change::SetRowSecurity {
            table: tref.clone(),
            before: cur.row_security,
            after: des.row_security,
        });
    }
    // PostgreSQL keeps an index's comment apart from its definition: a new comment alone
    // changes with the table (`COMMENT ON INDEX`), the index is not built again.
    if cur.comment != des.comment
        || nc.ext != nd.ext
        || nc.partition_by != nd.partition_by
        || nc.partition_of != nd.partition_of
        || (d == Dialect::Postgres && index_comment_changed(tref, cur, des, &out.changes[start..]))
    {
        out.changes.push(Change::ModifyTable {
            table: tref.clone(),
            before: cur.clone(),
            after: des.clone(),
        });
    }
}

/// Whether an index that stays (same name, or renamed) has a new comment; `changes` holds the
/// table's changes planned so far (its index renames).
fn index_comment_changed(tref: &TableRef, cur: &Table, des: &Table, changes: &[Change]) -> bool {
    let text = |c: &Option<String>| c.clone().filter(|c| !c.is_empty());
    des.indexes.iter().any(|di| {
        let renamed = changes.iter().find_map(|c| match c {
            Change::RenameIndex { table, from, to } if table == tref && to == &di.name => {
                cur.index(from)
            }
            _ => None,
        });
        renamed
            .or_else(|| cur.index(&di.name))
            .is_some_and(|ci| text(&ci.comment) != text(&di.comment))
    })
}

/// The index in `cur` of the constraint that pairs with the desired `want` (normalised, like
/// `ncur`) and is still NOT VALID.
fn to_validate<T: PartialEq>(
    cur: &[T],
    ncur: &[T],
    want: &T,
    key: impl Fn(&T) -> String,
    not_valid: impl Fn(&T) -> bool,
) -> Option<usize> {
    let k = key(want);
    ncur.iter()
        .position(|n| key(n) == k && n == want)
        .filter(|&j| not_valid(&cur[j]))
}

/// Pairs constraints by key on their normalised forms; `drops` selects the drop pass (run before
/// column changes) or the add pass (after).
#[allow(clippy::too_many_arguments)]
fn diff_keyed<T: PartialEq + Clone>(
    cur: &[T],
    des: &[T],
    ncur: &[T],
    ndes: &[T],
    key: impl Fn(&T) -> String,
    out: &mut Diff,
    drop: impl Fn(&T) -> Change,
    add: impl Fn(&T) -> Change,
    drops: bool,
) {
    // `ncur` and `ndes` hold the normalised copies in the originals' order: the key is the
    // normalised one (an implicit name the inspector reports and a schema's missing name pair).
    // Two alike (two unnamed checks of one expression) are two: the second is keyed apart.
    let index = |orig: &[T], norm: &[T]| -> BTreeMap<String, (T, T)> {
        debug_assert_eq!(orig.len(), norm.len());
        let mut out = BTreeMap::new();
        for (o, n) in orig.iter().zip(norm) {
            let base = key(n);
            let mut k = base.clone();
            let mut seen = 1;
            while out.contains_key(&k) {
                seen += 1;
                k = format!("{base}\u{0}{seen}");
            }
            out.insert(k, (o.clone(), n.clone()));
        }
        out
    };
    let c = index(cur, ncur);
    let d = index(des, ndes);
    if drops {
        for (k, (o, n)) in &c {
            match d.get(k) {
                Some((_, dn)) if dn == n => {}
                _ => out.changes.push(drop(o)),
            }
        }
    } else {
        for (k, (o, n)) in &d {
            match c.get(k) {
                Some((_, cn)) if cn == n => {}
                _ => out.changes.push(add(o)),
            }
        }
    }
}

/// The normalised copy of each of a table's foreign keys, checks or exclusions, in their order
/// (normalising the whole table sorts them): each is normalised alone, on a table of the same
/// name in the same schema.
fn normalized_each<T: Clone>(
    d: Dialect,
    t: &Table,
    s: &Schema,
    items: &[T],
    put: impl Fn(&mut Table, T),
    get: impl Fn(Table) -> Option<T>,
) -> Vec<T> {
    items
        .iter()
        .map(|x| {
            let mut one = Table::new(&t.name);
            put(&mut one, x.clone());
            get(normalize_table_copy_in(d, &one, s)).unwrap_or_else(|| x.clone())
        })
        .collect()
}

/// Whether an index the database keeps for a foreign key (left out by normalisation) still has
/// its key in the desired table: then it stays; once the key goes, it goes too.
fn backs_a_kept_key(i: &Index, des: &Table) -> bool {
    let cols: Vec<String> = i
        .parts
        .iter()
        .map(|p| match &p.key {
            cairn_ir::IndexKey::Column(c) => c.to_lowercase(),
            cairn_ir::IndexKey::Expr(e) => e.as_str().to_string(),
        })
        .collect();
    des.foreign_keys.iter().any(|fk| {
        fk.columns
            .iter()
            .map(|c| c.to_lowercase())
            .collect::<Vec<_>>()
            == cols
    })
}

fn diff_indexes(tref: &TableRef, cur: &Table, des: &Table, nc: &Table, nd: &Table, out: &mut Diff) {
    let norm = |t: &Table, name: &str| -> Option<Index> {
        t.indexes
            .iter()
            .find(|i| i.name == name)
            .cloned()
            .map(|mut i| {
                i.name = String::new();
                i.renamed_from = None;
                i.comment = None;
                i
            })
    };
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    let mut adds: Vec<&Index> = Vec::new();
    for di in &des.indexes {
        let continues = cur
            .index(&di.name)
            .or_else(|| di.renamed_from.as_deref().and_then(|o| cur.index(o)));
        match continues {
            Some(ci) => {
                matched.insert(ci.name.as_str());
                if ci.name != di.name {
                    out.changes.push(Change::RenameIndex {
                        table: tref.clone(),
                        from: ci.name.clone(),
                        to: di.name.clone(),
                    });
                }
                if norm(nc, &ci.name) != norm(nd, &di.name) {
                    out.changes.push(Change::DropIndex {
                        table: tref.clone(),
                        index: ci.clone(),
                    });
                    adds.push(di);
                }
            }
            // An index normalisation leaves out (the one MySQL keeps for a foreign key) comes
            // with its key.
            None if nd.index(&di.name).is_none() => {}
            None => adds.push(di),
        }
    }
    let mut drops: Vec<&Index> = cur
        .indexes
        .iter()
        .filter(|i| !matched.contains(i.name.as_str()))
        .filter(|i| nc.index(&i.name).is_some() || !backs_a_kept_key(i, des))
        .collect();
    // An index whose definition is unchanged but whose name is new is a rename: no data at stake.
    adds.retain(|a| {
        if let Some(pos) = drops
            .iter()
            .position(|dr| norm(nc, &dr.name) == norm(nd, &a.name) && cur.index(&a.name).is_none())
        {
            let dr = drops.remove(pos);
            out.changes.push(Change::RenameIndex {
                table: tref.clone(),
                from: dr.name.clone(),
                to: a.name.clone(),
            });
            false
        } else {
            true
        }
    });
    for dr in drops {
        out.changes.push(Change::DropIndex {
            table: tref.clone(),
            index: dr.clone(),
        });
    }
    for a in adds {
        out.changes.push(Change::AddIndex {
            table: tref.clone(),
            index: a.clone(),
        });
    }
}

fn diff_roles(current: &Realm, desired: &Realm, opts: &DiffOptions, out: &mut Diff) {
    // Roles and grants are managed only when the desired state declares them.
    let manages_roles = desired.roles.iter().any(|r| !r.external);
    if manages_roles {
        for r in desired.roles.iter().filter(|r| !r.external) {
            match current.role(&r.name) {
                None => out.changes.push(Change::AddRole { role: r.clone() }),
                Some(c) if c != r => {
                    let mut cmp = c.clone();
                    cmp.external = r.external;
                    cmp.comment = r.comment.clone();
                    if &cmp != r {
                        out.changes.push(Change::ModifyRole {
                            before: c.clone(),
                            after: r.clone(),
                        });
                    }
                }
                Some(_) => {}
            }
        }
        if opts.roles_authoritative {
            for r in &current.roles {
                if desired.role(&r.name).is_none() {
                    out.changes.push(Change::DropRole { role: r.clone() });
                }
            }
        }
    }
    if !desired.permissions.is_empty() || manages_roles {
        let managed: BTreeSet<&str> = desired
            .permissions
            .iter()
            .map(|p| p.grantee.as_str())
            .chain(desired.roles.iter().map(|r| r.name.as_str()))
            .collect();
        diff_permissions(current, desired, &managed, out);
    }
    if !desired.default_privileges.is_empty() {
        for p in &desired.default_privileges {
            if !current.default_privileges.contains(p) {
                out.changes
                    .push(Change::AddDefaultPrivilege { def: p.clone() });
            }
        }
        for p in &current.default_privileges {
            if !desired.default_privileges.contains(p) {
                out.changes
                    .push(Change::DropDefaultPrivilege { def: p.clone() });
            }
        }
    }
}

/// One privilege of one grantee on one object (a column grant is one per column): what grants
/// compare by, whatever statements granted them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct GrantAtom {
    grantee: String,
    /// The normalised object (`Columns` holds the one column).
    object: String,
    privilege: Privilege,
}

/// The grants of one side, atom by atom: whether each is held with the grant option, and the
/// object as that side spells it (for the statements).
#[derive(Default)]
struct GrantAtoms {
    held: BTreeMap<GrantAtom, bool>,
    objects: BTreeMap<String, GrantObject>,
    /// The (grantee, object) pairs granted `ALL`, whatever privileges the server has for it.
    all: BTreeSet<(String, String)>,
    /// The order atoms were first seen, so statements follow the source's order.
    order: Vec<GrantAtom>,
}

impl GrantAtoms {
    fn new(r: &Realm) -> GrantAtoms {
        let d = r.dialect;
        let mut out = GrantAtoms::default();
        // Grants compare normalised (names qualified, column lists in any order, routine
        // signatures spelled alike).
        let normalized = crate::normalize::normalize_permissions(r);
        for (p, n) in r.permissions.iter().zip(&normalized) {
            let objects: Vec<(GrantObject, GrantObject)> = match (&p.object, &n.object) {
                // Normalising sorts the columns, and keeps their names.
                (GrantObject::Columns(t, _), GrantObject::Columns(nt, ncols)) => ncols
                    .iter()
                    .map(|c| {
                        (
                            GrantObject::Columns(t.clone(), vec![c.clone()]),
                            GrantObject::Columns(nt.clone(), vec![c.clone()]),
                        )
                    })
                    .collect(),
                _ => vec![(p.object.clone(), n.object.clone())],
            };
            for (object, nobject) in objects {
                let key = format!("{nobject:?}");
                out.objects.entry(key.clone()).or_insert(object);
                let expanded = nobject.all_privileges(d);
                let mut privileges = Vec::new();
                for x in &n.privileges {
                    match (x, &expanded) {
                        (Privilege::All, Some(all)) => {
                            out.all.insert((n.grantee.clone(), key.clone()));
                            privileges.extend(all.iter().cloned());
                        }
                        _ => privileges.push(x.clone()),
                    }
                }
                for privilege in privileges {
                    let atom = GrantAtom {
                        grantee: n.grantee.clone(),
                        object: key.clone(),
                        privilege,
                    };
                    match out.held.get_mut(&atom) {
                        Some(g) => *g |= n.grantable,
                        None => {
                            out.held.insert(atom.clone(), n.grantable);
                            out.order.push(atom);
                        }
                    }
                }
            }
        }
        out
    }
}

/// Grants and revokes privilege by privilege: a privilege is granted when the desired state holds
/// it and the database does not (or holds it without the grant option the desired state adds),
/// its grant option is revoked when only that differs, and it is revoked when a managed grantee
/// holds it and the desired state does not. An object granted `ALL` keeps whatever the server
/// counts in it. The statements group the privileges of one grantee on one object (and a column
/// grant's columns) back together.
fn diff_permissions(current: &Realm, desired: &Realm, managed: &BTreeSet<&str>, out: &mut Diff) {
    let cur = GrantAtoms::new(current);
    let des = GrantAtoms::new(desired);
    // (grantee, object, grantable) -> privileges, in order of first appearance.
    type Groups = Vec<((String, String, bool), Vec<Privilege>)>;
    fn add(groups: &mut Groups, a: &GrantAtom, grantable: bool) {
        let key = (a.grantee.clone(), a.object.clone(), grantable);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(a.privilege.clone()),
            None => groups.push((key, vec![a.privilege.clone()])),
        }
    }
    let mut grants: Groups = Vec::new();
    for a in &des.order {
        let want = des.held[a];
        match cur.held.get(a) {
            Some(&have) if have || !want => {}
            _ => add(&mut grants, a, want),
        }
    }
    let mut revokes: Groups = Vec::new();
    let mut revoke_options: Groups = Vec::new();
    for a in &cur.order {
        let have = cur.held[a];
        match des.held.get(a) {
            Some(&want) if have && !want => add(&mut revoke_options, a, true),
            Some(_) => {}
            None if managed.contains(a.grantee.as_str())
                && !des.all.contains(&(a.grantee.clone(), a.object.clone())) =>
            {
                add(&mut revokes, a, have)
            }
            None => {}
        }
    }
    let permission = |side: &GrantAtoms,
                      ((grantee, object, grantable), mut privileges): (
        (String, String, bool),
        Vec<Privilege>,
    )|
     -> Permission {
        // A grant of everything `ALL` stands for is written `ALL`, as the desired state did.
        if side.all.contains(&(grantee.clone(), object.clone())) {
            let d = desired.dialect;
            let all = side.objects[&object].all_privileges(d);
            if all.is_some_and(|all| all.iter().all(|x| privileges.contains(x))) {
                privileges = vec![Privilege::All];
            }
        }
        Permission {
            grantee,
            privileges,
            object: side.objects[&object].clone(),
            grantable,
        }
    };
    let grants: Vec<Permission> = merge_columns(grants.into_iter().map(|g| permission(&des, g)));
    let revokes: Vec<Permission> = merge_columns(revokes.into_iter().map(|g| permission(&cur, g)));
    let revoke_options: Vec<Permission> =
        merge_columns(revoke_options.into_iter().map(|g| permission(&cur, g)));
    out.changes.extend(
        grants
            .into_iter()
            .map(|permission| Change::Grant { permission }),
    );
    out.changes
        .extend(revoke_options.into_iter().map(|permission| Change::Revoke {
            permission,
            grant_option: true,
        }));
    out.changes
        .extend(revokes.into_iter().map(|permission| Change::Revoke {
            permission,
            grant_option: false,
        }));
}

/// Puts one-column grants back together: the columns of one grantee's privilege on one table in
/// one statement, then the privileges that name the same columns.
fn merge_columns(perms: impl Iterator<Item = Permission>) -> Vec<Permission> {
    let mut out: Vec<Permission> = Vec::new();
    let mut columns: Vec<Permission> = Vec::new();
    for p in perms {
        let GrantObject::Columns(t, cols) = &p.object else {
            out.push(p);
            continue;
        };
        for privilege in &p.privileges {
            match columns.iter_mut().find(|c| {
                c.grantee == p.grantee
                    && c.grantable == p.grantable
                    && c.privileges == [privilege.clone()]
                    && matches!(&c.object, GrantObject::Columns(ct, _) if ct == t)
            }) {
                Some(c) => {
                    if let GrantObject::Columns(_, cs) = &mut c.object {
                        cs.extend(cols.iter().cloned());
                    }
                }
                None => columns.push(Permission {
                    grantee: p.grantee.clone(),
                    privileges: vec![privilege.clone()],
                    object: p.object.clone(),
                    grantable: p.grantable,
                }),
            }
        }
    }
    for c in columns {
        match out
            .iter_mut()
            .find(|o| o.grantee == c.grantee && o.grantable == c.grantable && o.object == c.object)
        {
            Some(o) => o.privileges.extend(c.privileges),
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_ir::{ColumnType, Default as ColDefault, Expr, Literal, PgType, PrimaryKey};

    fn pg_col(name: &str, ty: PgType, nullable: bool) -> Column {
        let mut c = Column::new(name, ColumnType::Postgres(ty));
        c.nullable = nullable;
        c
    }

    fn realm(tables: Vec<Table>) -> Realm {
        let mut r = Realm::new(Dialect::Postgres);
        let mut s = Schema::new("public");
        s.tables = tables.into_iter().map(Into::into).collect();
        r.schemas.push(s);
        r
    }

    fn users(cols: Vec<Column>) -> Table {
        let mut t = Table::new("users");
        t.columns = cols;
        t.primary_key = Some(PrimaryKey {
            name: None,
            columns: vec!["id".into()],
            include: vec![],
            deferrable: Default::default(),
        });
        t
    }

    #[test]
    fn equal_up_to_normalisation_is_synced() {
        let mut a = pg_col("status", PgType::Text, false);
        a.default = Some(ColDefault::Expr(Expr::new("'new'::text")));
        let mut b = pg_col("status", PgType::Text, false);
        b.default = Some(ColDefault::Literal(Literal::String("new".into())));
        let cur = realm(vec![users(vec![pg_col("id", PgType::BigInt, false), a])]);
        let des = realm(vec![users(vec![b, pg_col("id", PgType::BigInt, false)])]);
        let d = diff(&cur, &des, &DiffOptions::default());
        assert!(d.is_empty(), "{:?}", d.changes);
    }

    #[test]
    fn hinted_rename_is_a_rename_and_then_a_noop() {
        let cur = realm(vec![users(vec![
            pg_col("id", PgType::BigInt, false),
            pg_col("username", PgType::Text, false),
        ])]);
        let mut renamed = pg_col("handle", PgType::Text, true);
        renamed.renamed_from = Some("username".into());
        let des = realm(vec![users(vec![
            pg_col("id", PgType::BigInt, false),
            renamed.clone(),
        ])]);
        let d = diff(&cur, &des, &DiffOptions::default());
        assert_eq!(d.changes.len(), 2, "{:?}", d.changes);
        assert!(
            matches!(&d.changes[0], Change::RenameColumn { from, to, .. } if from == "username" && to == "handle")
        );
        assert!(
            matches!(&d.changes[1], Change::ModifyColumn { changed, .. } if changed.nullable && !changed.ty)
        );
        assert!(d.possible_renames.is_empty());
        // After the rename the hint is a no-op.
        let applied = realm(vec![users(vec![
            pg_col("id", PgType::BigInt, false),
            pg_col("handle", PgType::Text, true),
        ])]);
        assert!(diff(&applied, &des, &DiffOptions::default()).is_empty());
    }

    #[test]
    fn unhinted_drop_and_add_is_a_possible_rename() {
        let cur = realm(vec![users(vec![
            pg_col("id", PgType::BigInt, false),
            pg_col("username", PgType::Text, false),
        ])]);
        let des = realm(vec![users(vec![
            pg_col("id", PgType::BigInt, false),
            pg_col("handle", PgType::Text, false),
        ])]);
        let d = diff(&cur, &des, &DiffOptions::default());
        assert_eq!(d.possible_renames.len(), 1);
        assert_eq!(d.possible_renames[0].drop_name(), "users.username");
        assert!(d.changes.iter().any(|c| c.kind() == "drop_column"));
        assert!(d.changes.iter().any(|c| c.kind() == "add_column"));
    }

    #[test]
    fn rename_hint_with_both_names_is_an_error() {
        let cur = realm(vec![users(vec![
            pg_col("id", PgType::BigInt, false),
            pg_col("a", PgType::Text, false),
            pg_col("b", PgType::Text, false),
        ])]);
        let mut b = pg_col("b", PgType::Text, false);
        b.renamed_from = Some("a".into());
        let des = realm(vec![users(vec![
            pg_col("id", PgType::BigInt, false),
            pg_col("a", PgType::Text, false),
            b,
        ])]);
        assert_eq!(diff(&cur, &des, &DiffOptions::default()).errors.len(), 1);
    }

    #[test]
    fn enum_values_added_in_place() {
        let e = |vals: &[&str]| Enum {
            name: "mood".into(),
            values: vals.iter().map(|s| s.to_string()).collect(),
            comment: None,
        };
        let mut cur = realm(vec![]);
        cur.schemas[0].enums.push(e(&["sad", "happy"]));
        let mut des = realm(vec![]);
        des.schemas[0]
            .enums
            .push(e(&["sad", "ok", "happy", "ecstatic"]));
        let d = diff(&cur, &des, &DiffOptions::default());
        assert_eq!(d.changes.len(), 2);
        assert!(
            matches!(&d.changes[0], Change::AddEnumValue { value, before: Some(b), .. } if value == "ok" && b == "happy")
        );
        assert!(
            matches!(&d.changes[1], Change::AddEnumValue { value, before: None, .. } if value == "ecstatic")
        );
    }

    fn grant(
        grantee: &str,
        object: GrantObject,
        privileges: &[Privilege],
        grantable: bool,
    ) -> Permission {
        Permission {
            grantee: grantee.into(),
            privileges: privileges.to_vec(),
            object,
            grantable,
        }
    }

    fn users_table(schema: Option<&str>) -> GrantObject {
        GrantObject::Table(cairn_ir::QualifiedName::new(schema, "users"))
    }

    fn users_columns(schema: Option<&str>, cols: &[&str]) -> GrantObject {
        GrantObject::Columns(
            cairn_ir::QualifiedName::new(schema, "users"),
            cols.iter().map(|c| c.to_string()).collect(),
        )
    }

    /// The grant changes between a database holding `current` and a schema declaring `desired`.
    fn grant_changes(current: Vec<Permission>, desired: Vec<Permission>) -> Vec<String> {
        let mut cur = realm(vec![users(vec![pg_col("id", PgType::BigInt, false)])]);
        let mut des = cur.clone();
        cur.permissions = current;
        des.permissions = desired;
        diff(&cur, &des, &DiffOptions::default())
            .changes
            .iter()
            .map(|c| match c {
                Change::Grant { permission: p } => format!(
                    "grant {:?} on {:?} to {}{}",
                    p.privileges,
                    p.object,
                    p.grantee,
                    if p.grantable {
                        " with grant option"
                    } else {
                        ""
                    }
                ),
                Change::Revoke {
                    permission: p,
                    grant_option,
                } => format!(
                    "revoke {}{:?} on {:?} from {}",
                    if *grant_option {
                        "grant option for "
                    } else {
                        ""
                    },
                    p.privileges,
                    p.object,
                    p.grantee
                ),
                other => other.summary(),
            })
            .collect()
    }

    #[test]
    fn an_unqualified_grant_is_the_inspected_qualified_one() {
        use Privilege::*;
        let changes = grant_changes(
            vec![grant("ro", users_table(Some("public")), &[Select], false)],
            vec![grant("ro", users_table(None), &[Select], false)],
        );
        assert!(changes.is_empty(), "{changes:?}");
    }

    #[test]
    fn grants_differ_privilege_by_privilege() {
        use Privilege::*;
        let changes = grant_changes(
            vec![grant(
                "app",
                users_table(Some("public")),
                &[Select, Insert, Delete],
                false,
            )],
            vec![grant("app", users_table(None), &[Select, Update], false)],
        );
        assert_eq!(
            changes,
            vec![
                "grant [Update] on Table(QualifiedName { schema: None, name: \"users\" }) to app",
                "revoke [Insert, Delete] on Table(QualifiedName { schema: Some(\"public\"), name: \"users\" }) from app",
            ]
        );
    }

    #[test]
    fn all_privileges_is_every_privilege_of_the_object() {
        use Privilege::*;
        let every = [
            Select, Insert, Update, Delete, Truncate, References, Trigger,
        ];
        // ALL is what the catalog lists.
        let changes = grant_changes(
            vec![grant("admin", users_table(Some("public")), &every, false)],
            vec![grant("admin", users_table(None), &[All], false)],
        );
        assert!(changes.is_empty(), "{changes:?}");
        // Narrowing ALL revokes the rest.
        let changes = grant_changes(
            vec![grant("admin", users_table(Some("public")), &every, false)],
            vec![grant(
                "admin",
                users_table(None),
                &[Select, Insert, Update],
                false,
            )],
        );
        assert_eq!(
            changes,
            vec![
                "revoke [Delete, Truncate, References, Trigger] on Table(QualifiedName { schema: Some(\"public\"), name: \"users\" }) from admin"
            ]
        );
        // Granting ALL from nothing says ALL; a privilege the server adds to ALL (MAINTAIN on
        // PostgreSQL 17) is never revoked from an ALL grant.
        let changes = grant_changes(
            vec![],
            vec![grant("admin", users_table(None), &[All], false)],
        );
        assert_eq!(
            changes,
            vec!["grant [All] on Table(QualifiedName { schema: None, name: \"users\" }) to admin"]
        );
        let mut with_maintain = every.to_vec();
        with_maintain.push(Other("MAINTAIN".into()));
        let changes = grant_changes(
            vec![grant(
                "admin",
                users_table(Some("public")),
                &with_maintain,
                false,
            )],
            vec![grant("admin", users_table(None), &[All], false)],
        );
        assert!(changes.is_empty(), "{changes:?}");
    }

    #[test]
    fn the_grant_option_is_added_and_revoked_on_its_own() {
        use Privilege::*;
        let plain = vec![grant("ro", users_table(Some("public")), &[Select], false)];
        let option = vec![grant("ro", users_table(None), &[Select], true)];
        assert_eq!(
            grant_changes(plain.clone(), option.clone()),
            vec![
                "grant [Select] on Table(QualifiedName { schema: None, name: \"users\" }) to ro with grant option"
            ]
        );
        let mut held = option.clone();
        held[0].object = users_table(Some("public"));
        let mut wanted = plain.clone();
        wanted[0].object = users_table(None);
        assert_eq!(
            grant_changes(held.clone(), wanted),
            vec![
                "revoke grant option for [Select] on Table(QualifiedName { schema: Some(\"public\"), name: \"users\" }) from ro"
            ]
        );
        assert!(grant_changes(held, option).is_empty());
    }

    #[test]
    fn column_grants_differ_column_by_column() {
        use Privilege::*;
        let changes = grant_changes(
            vec![grant(
                "ro",
                users_columns(Some("public"), &["id", "f_secret"]),
                &[Select],
                false,
            )],
            vec![
                grant("ro", users_columns(None, &["id"]), &[Select], false),
                grant(
                    "ro",
                    users_columns(None, &["id", "f_public"]),
                    &[Update],
                    false,
                ),
            ],
        );
        assert_eq!(
            changes,
            vec![
                "grant [Update] on Columns(QualifiedName { schema: None, name: \"users\" }, [\"f_public\", \"id\"]) to ro",
                "revoke [Select] on Columns(QualifiedName { schema: Some(\"public\"), name: \"users\" }, [\"f_secret\"]) from ro",
            ]
        );
        // Listed in another order, the columns are the same grant.
        let changes = grant_changes(
            vec![grant(
                "ro",
                users_columns(Some("public"), &["f_secret", "id"]),
                &[Select],
                false,
            )],
            vec![grant(
                "ro",
                users_columns(None, &["id", "f_secret"]),
                &[Select],
                false,
            )],
        );
        assert!(changes.is_empty(), "{changes:?}");
    }

    #[test]
    fn grants_of_grantees_the_desired_state_does_not_name_stay() {
        use Privilege::*;
        let changes = grant_changes(
            vec![
                grant("other", users_table(Some("public")), &[Insert], false),
                grant("ro", users_table(Some("public")), &[Select, Insert], false),
            ],
            vec![grant("ro", users_table(None), &[Select], false)],
        );
        assert_eq!(
            changes,
            vec![
                "revoke [Insert] on Table(QualifiedName { schema: Some(\"public\"), name: \"users\" }) from ro"
            ]
        );
    }

    #[test]
    fn a_sequence_grant_resolves_to_the_only_schema() {
        use Privilege::*;
        let seq = |s: Option<&str>| {
            GrantObject::Sequence(cairn_ir::QualifiedName::new(s, "counters_n_seq"))
        };
        let changes = grant_changes(
            vec![grant("ro", seq(Some("public")), &[Select, Usage], false)],
            vec![grant("ro", seq(None), &[Usage, Select], false)],
        );
        assert!(changes.is_empty(), "{changes:?}");
    }
}
