//! Dependency order for changes, shared by every dialect's planner: what others depend on is
//! created first (schemas, extensions, types, sequences, functions, then tables with referenced
//! tables first, then columns, keys, indexes, views, triggers, policies, grants), renames come
//! before what uses the new names, and drops come last in reverse dependency order.

use std::collections::{BTreeMap, BTreeSet};

use cairn_ir::Change;

/// The phase of a change; changes run in ascending rank, and keep their relative order within a
/// rank (except added tables and views, which are sorted by their dependencies).
fn rank(c: &Change) -> u8 {
    use Change::*;
    match c {
        AddSchema { .. } | ModifySchema { .. } => 0,
        AddExtension { .. } => 1,
        AddRole { .. } | ModifyRole { .. } => 2,
        AddEnum { .. }
        | AddEnumValue { .. }
        | ModifyEnum { .. }
        | AddDomain { .. }
        | ModifyDomain { .. } => 3,
        AddSequence { .. } | ModifySequence { .. } => 4,
        AddFunction { .. } | ModifyFunction { .. } => 5,
        RenameTable { .. } => 6,
        RenameColumn { .. } | RenameIndex { .. } => 7,
        // What depends on columns that may change goes before the change.
        DropView { .. } => 8,
        DropTrigger { .. } | DropPolicy { .. } => 9,
        DropForeignKey { .. } => 10,
        DropCheck { .. } | DropExclude { .. } | DropIndex { .. } => 11,
        DropPrimaryKey { .. } => 12,
        AddTable { .. } => 13,
        AddColumn { .. } | ModifyColumn { .. } | ModifyTable { .. } => 14,
        AddPrimaryKey { .. } => 15,
        AddIndex { .. } | AddCheck { .. } | AddExclude { .. } => 16,
        AddForeignKey { .. } => 17,
        SetRowSecurity { .. } => 18,
        AddView { .. } | ModifyView { .. } => 19,
        AddTrigger { .. } => 20,
        AddPolicy { .. } | ModifyPolicy { .. } => 21,
        Grant { .. } | AddDefaultPrivilege { .. } => 22,
        Revoke { .. } | DropDefaultPrivilege { .. } => 23,
        DropColumn { .. } => 24,
        DropTable { .. } => 25,
        DropFunction { .. } => 26,
        DropSequence { .. } => 27,
        DropDomain { .. } | DropEnum { .. } => 28,
        DropExtension { .. } => 29,
        DropRole { .. } => 30,
        DropSchema { .. } => 31,
    }
}

/// Orders changes for execution.
pub fn order_changes(mut changes: Vec<Change>) -> Vec<Change> {
    changes.sort_by_key(rank);
    // Added tables: referenced tables first (a cycle keeps its input order; the planner adds the
    // foreign keys that close it afterwards).
    sort_run(&mut changes, |c| match c {
        Change::AddTable { table, def } => Some((
            table.display(),
            def.foreign_keys
                .iter()
                .map(|f| {
                    format!(
                        "{}.{}",
                        f.ref_table.schema.as_deref().unwrap_or(&table.schema),
                        f.ref_table.name
                    )
                })
                .collect(),
        )),
        _ => None,
    });
    // Added views: a view that names another comes after it.
    let view_names: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| match c {
            Change::AddView { view, .. } | Change::ModifyView { after: view, .. } => {
                Some(view.name.clone())
            }
            _ => None,
        })
        .collect();
    sort_run(&mut changes, |c| match c {
        Change::AddView { schema, view, .. }
        | Change::ModifyView {
            schema,
            after: view,
            ..
        } => Some((
            format!("{schema}.{}", view.name),
            view_names
                .iter()
                .filter(|n| *n != &view.name && mentions(&view.definition, n))
                .map(|n| format!("{schema}.{n}"))
                .collect(),
        )),
        _ => None,
    });
    // Dropped tables: a table referencing another is dropped first.
    sort_run(&mut changes, |c| match c {
        Change::DropTable { table, .. } => Some((table.display(), Vec::new())),
        _ => None,
    });
    let drops: BTreeMap<String, Vec<String>> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropTable { table, def } => Some((
                table.display(),
                def.foreign_keys
                    .iter()
                    .map(|f| {
                        format!(
                            "{}.{}",
                            f.ref_table.schema.as_deref().unwrap_or(&table.schema),
                            f.ref_table.name
                        )
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    // Reverse topological order for drops: referencing tables first.
    sort_run(&mut changes, |c| match c {
        Change::DropTable { table, .. } => {
            let me = table.display();
            let referencing: Vec<String> = drops
                .iter()
                .filter(|(k, refs)| **k != me && refs.contains(&me))
                .map(|(k, _)| k.clone())
                .collect();
            Some((me, referencing))
        }
        _ => None,
    });
    changes
}

/// Whether `sql` mentions the identifier `name` as a whole word (quoted or not).
fn mentions(sql: &str, name: &str) -> bool {
    let lower = sql.to_lowercase();
    let name = name.to_lowercase();
    let bytes = lower.as_bytes();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&name) {
        let start = from + i;
        let end = start + name.len();
        let before_ok = start == 0 || !is_ident_byte(bytes[start - 1]);
        let after_ok = end >= bytes.len() || !is_ident_byte(bytes[end]);
        if before_ok && after_ok {
            return true;
        }
        from = end;
    }
    false
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Topologically sorts the contiguous run of changes for which `node` returns `(key, deps)`:
/// a change comes after the changes of the run whose keys it depends on. Stable otherwise.
fn sort_run(changes: &mut [Change], node: impl Fn(&Change) -> Option<(String, Vec<String>)>) {
    let Some(start) = changes.iter().position(|c| node(c).is_some()) else {
        return;
    };
    let len = changes[start..]
        .iter()
        .take_while(|c| node(c).is_some())
        .count();
    let run = &mut changes[start..start + len];
    let nodes: Vec<(String, Vec<String>)> = run.iter().map(|c| node(c).expect("in run")).collect();
    let keys: BTreeSet<&str> = nodes.iter().map(|(k, _)| k.as_str()).collect();
    let mut placed: Vec<usize> = Vec::with_capacity(len);
    let mut done: BTreeSet<&str> = BTreeSet::new();
    let mut remaining: Vec<usize> = (0..len).collect();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|&i| {
            nodes[i].1.iter().all(|d| {
                d == &nodes[i].0 || !keys.contains(d.as_str()) || done.contains(d.as_str())
            })
        });
        // A cycle: take the first remaining one as it stands.
        let pick = remaining.remove(ready.unwrap_or(0));
        done.insert(nodes[pick].0.as_str());
        placed.push(pick);
    }
    let original: Vec<Change> = run.to_vec();
    for (slot, i) in placed.into_iter().enumerate() {
        run[slot] = original[i].clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_ir::{ForeignKey, QualifiedName, Table, TableRef};

    fn add(name: &str, refs: &[&str]) -> Change {
        let mut t = Table::new(name);
        for r in refs {
            t.foreign_keys.push(ForeignKey {
                name: None,
                columns: vec!["x".into()],
                ref_table: QualifiedName::new(None, r),
                ref_columns: vec!["id".into()],
                on_update: Default::default(),
                on_delete: Default::default(),
                deferrable: Default::default(),
            });
        }
        Change::AddTable {
            table: TableRef::new("public", name),
            def: t,
        }
    }

    fn names(cs: &[Change]) -> Vec<String> {
        cs.iter()
            .filter_map(|c| c.table().map(|t| t.name.clone()))
            .collect()
    }

    #[test]
    fn referenced_tables_come_first() {
        let ordered = order_changes(vec![
            add("order_lines", &["orders", "products"]),
            add("orders", &["users"]),
            add("products", &[]),
            add("users", &[]),
        ]);
        let n = names(&ordered);
        let pos = |x: &str| n.iter().position(|y| y == x).unwrap();
        assert!(pos("users") < pos("orders"));
        assert!(pos("orders") < pos("order_lines"));
        assert!(pos("products") < pos("order_lines"));
    }

    #[test]
    fn drops_run_last_and_referencing_first() {
        let drop = |c: Change| match c {
            Change::AddTable { table, def } => Change::DropTable { table, def },
            _ => unreachable!(),
        };
        let ordered = order_changes(vec![
            drop(add("users", &[])),
            drop(add("orders", &["users"])),
            add("fresh", &[]),
        ]);
        assert_eq!(names(&ordered), vec!["fresh", "orders", "users"]);
    }

    #[test]
    fn mentions_whole_words() {
        assert!(mentions("SELECT * FROM \"active_users\" a", "active_users"));
        assert!(!mentions("SELECT * FROM active_users_2", "active_users"));
    }
}
