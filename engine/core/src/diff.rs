//! The differ: `diff(current, desired)` computes the typed changes that turn one realm into the
//! other. Objects are compared after normalisation (so a schema and its own applied form are
//! always synced); the changes carry the desired side's objects as written.
//!
//! Renames: a `renamed_from` hint on a table, column or index plans a rename (a no-op once the
//! rename has happened; an error when both names exist). Without a hint, a drop and an add that
//! look like a rename are reported as `PossibleRename`s beside the changes, for apply to block on.

use std::collections::{BTreeMap, BTreeSet};

use cairn_ir::{
    Change, Column, ColumnChanges, Dialect, Enum, Index, PossibleRename, Realm, Schema, Table,
    TableRef,
};

use crate::normalize::{normalize_column, normalize_table_copy_in, normalize_view_copy_in};

/// What the caller decides about the scope of the diff.
#[derive(Clone, Debug, Default)]
pub struct DiffOptions {
    /// Drop roles the desired state does not mention (the project says it is authoritative).
    pub roles_authoritative: bool,
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

fn diff_tables(d: Dialect, schema: &str, cs: &Schema, ds: &Schema, out: &mut Diff) {
    let cur_names: BTreeSet<&str> = cs.tables.iter().map(|t| t.name.as_str()).collect();
    // desired name -> current table it continues.
    let mut pairs: Vec<(&Table, &Table)> = Vec::new();
    let mut matched_current: BTreeSet<&str> = BTreeSet::new();
    let mut added: Vec<&Table> = Vec::new();
    for des in &ds.tables {
        if let Some(cur) = cs.table(&des.name, d) {
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
        if let Some(old) = des.renamed_from.as_deref().and_then(|o| cs.table(o, d)) {
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
    let (nc_fks, nd_fks) = (fks(cur, cs), fks(des, ds));
    let (nc_checks, nd_checks) = (checks(cur, cs), checks(des, ds));
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
    if cur.comment != des.comment
        || nc.ext != nd.ext
        || nc.partition_by != nd.partition_by
        || nc.partition_of != nd.partition_of
    {
        out.changes.push(Change::ModifyTable {
            table: tref.clone(),
            before: cur.clone(),
            after: des.clone(),
        });
    }
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
    let index = |orig: &[T], norm: &[T]| -> BTreeMap<String, (T, T)> {
        debug_assert_eq!(orig.len(), norm.len());
        orig.iter()
            .zip(norm)
            .map(|(o, n)| (key(n), (o.clone(), n.clone())))
            .collect()
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
        // Grants compare normalised (column lists in any order, routine signatures spelled
        // alike).
        let (ncur, ndes) = (
            crate::normalize::normalize_permissions(current),
            crate::normalize::normalize_permissions(desired),
        );
        for (p, n) in desired.permissions.iter().zip(&ndes) {
            if !ncur.contains(n) {
                out.changes.push(Change::Grant {
                    permission: p.clone(),
                });
            }
        }
        for (p, n) in current.permissions.iter().zip(&ncur) {
            if managed.contains(p.grantee.as_str()) && !ndes.contains(n) {
                out.changes.push(Change::Revoke {
                    permission: p.clone(),
                });
            }
        }
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
        s.tables = tables;
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
}
