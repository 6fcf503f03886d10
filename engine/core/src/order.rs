//! Dependency order for changes, shared by every dialect's planner: what others depend on is
//! created first (schemas, extensions, types, sequences, functions, then tables with referenced
//! tables first, then columns, keys, indexes, views, triggers, policies, grants), renames come
//! before what uses the new names, and drops come last in reverse dependency order.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

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
        DropTrigger { .. } | DropPolicy { .. } | DropEvent { .. } => 9,
        DropForeignKey { .. } => 10,
        DropCheck { .. } | DropExclude { .. } | DropIndex { .. } => 11,
        DropPrimaryKey { .. } => 12,
        AddTable { .. } => 13,
        AddColumn { .. } | ModifyColumn { .. } | ModifyTable { .. } => 14,
        AddPrimaryKey { .. } => 15,
        AddIndex { .. } | AddCheck { .. } | AddExclude { .. } => 16,
        AddForeignKey { .. } => 17,
        ValidateCheck { .. } | ValidateForeignKey { .. } => 17,
        SetRowSecurity { .. } => 18,
        AddView { .. } | ModifyView { .. } => 19,
        // Events after the tables their bodies use; dropped ones before the tables go.
        AddTrigger { .. } | AddEvent { .. } | ModifyEvent { .. } => 20,
        AddPolicy { .. } | ModifyPolicy { .. } => 21,
        // Revokes first: revoking a table's privilege also revokes it on the table's columns,
        // which a column grant of the same plan then gives back.
        Revoke { .. } => 22,
        Grant { .. } | AddDefaultPrivilege { .. } => 23,
        DropDefaultPrivilege { .. } => 24,
        DropColumn { .. } => 25,
        DropTable { .. } => 26,
        DropFunction { .. } => 27,
        DropSequence { .. } => 28,
        DropDomain { .. } | DropEnum { .. } => 29,
        DropExtension { .. } => 30,
        DropRole { .. } => 31,
        DropSchema { .. } => 32,
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
    // Added domains whose checks call a function this plan adds: after that function (unless
    // the function's signature uses the domain).
    let mut i = 0;
    while i < changes.len() {
        let Change::AddDomain { def, .. } = &changes[i] else {
            i += 1;
            continue;
        };
        let dom = def.name.clone();
        let texts: Vec<String> = def
            .checks
            .iter()
            .map(|c| c.expr.as_str().to_string())
            .collect();
        let last_called = changes
            .iter()
            .enumerate()
            .skip(i + 1)
            .filter(|(_, c)| match c {
                Change::AddFunction { function, .. } => {
                    texts.iter().any(|t| mentions(t, &function.name))
                        && !function.args.iter().any(|a| mentions(&a.ty, &dom))
                        && !function
                            .returns
                            .as_deref()
                            .is_some_and(|r| mentions(r, &dom))
                }
                _ => false,
            })
            .map(|(j, _)| j)
            .next_back();
        match last_called {
            Some(j) => {
                let d = changes.remove(i);
                changes.insert(j, d);
            }
            None => i += 1,
        }
    }
    // Dropped views: a view is dropped before the views it names (which it depends on).
    let dropped_views: Vec<(String, String, String)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropView { schema, view, .. } => Some((
                format!("{schema}.{}", view.name),
                view.name.clone(),
                view.definition.clone(),
            )),
            _ => None,
        })
        .collect();
    sort_run(&mut changes, |c| match c {
        Change::DropView { schema, view, .. } => {
            let me = format!("{schema}.{}", view.name);
            let dependents: Vec<String> = dropped_views
                .iter()
                .filter(|(k, _, def)| *k != me && mentions(def, &view.name))
                .map(|(k, _, _)| k.clone())
                .collect();
            Some((me, dependents))
        }
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
    // Dropped types: a domain is dropped before the domain or enum it is based on.
    let type_key = |schema: &str, name: &str| format!("{schema}.{name}");
    let domain_bases: Vec<(String, String)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropDomain { schema, def } => match &def.base {
                cairn_ir::ColumnType::Postgres(cairn_ir::PgType::Named(q)) => Some((
                    type_key(schema, &def.name),
                    type_key(q.schema.as_deref().unwrap_or(schema), &q.name),
                )),
                _ => None,
            },
            _ => None,
        })
        .collect();
    sort_run(&mut changes, |c| {
        let me = match c {
            Change::DropDomain { schema, def } => type_key(schema, &def.name),
            Change::DropEnum { schema, def } => type_key(schema, &def.name),
            _ => return None,
        };
        let based_on_me: Vec<String> = domain_bases
            .iter()
            .filter(|(d, base)| *base == me && *d != me)
            .map(|(d, _)| d.clone())
            .collect();
        Some((me, based_on_me))
    });
    changes
}

/// Whether `sql` mentions the identifier `name` as a whole word (quoted or not).
pub fn mentions(sql: &str, name: &str) -> bool {
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
    // Mostly the first remaining one is ready (input in dependency order): taking it from the
    // front is constant time.
    let mut remaining: VecDeque<usize> = (0..len).collect();
    while !remaining.is_empty() {
        let ready = remaining.iter().position(|&i| {
            nodes[i].1.iter().all(|d| {
                d == &nodes[i].0 || !keys.contains(d.as_str()) || done.contains(d.as_str())
            })
        });
        // A cycle: take the first remaining one as it stands.
        let Some(pick) = remaining.remove(ready.unwrap_or(0)) else {
            break;
        };
        done.insert(nodes[pick].0.as_str());
        placed.push(pick);
    }
    permute(run, &placed);
}

/// Reorders `items` so that slot `i` holds what `items[order[i]]` held (`order` is a
/// permutation), by swaps along its cycles: nothing is copied.
fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut settled = vec![false; order.len()];
    for start in 0..order.len() {
        if settled[start] {
            continue;
        }
        let mut j = start;
        loop {
            settled[j] = true;
            let k = order[j];
            if k == start {
                break;
            }
            items.swap(j, k);
            j = k;
        }
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
                not_valid: false,
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
    fn views_drop_before_the_views_they_name() {
        let drop = |name: &str, def: &str| Change::DropView {
            schema: "public".into(),
            view: cairn_ir::View {
                name: name.into(),
                definition: def.into(),
                columns: vec![],
                comment: None,
                check_option: None,
                security_invoker: None,
                options: vec![],
                indexes: vec![],
                with_data: true,
            },
            materialized: false,
        };
        let ordered = order_changes(vec![
            drop("base", "SELECT id FROM t"),
            drop("middle", "SELECT id FROM base"),
            drop("top", "SELECT id FROM middle JOIN base USING (id)"),
        ]);
        let n: Vec<&str> = ordered
            .iter()
            .map(|c| match c {
                Change::DropView { view, .. } => view.name.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(n, ["top", "middle", "base"]);
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
    fn domains_drop_before_their_base() {
        use cairn_ir::{ColumnType, Dialect, Domain};
        let dom = |name: &str, base: &str| Change::DropDomain {
            schema: "public".into(),
            def: Domain {
                name: name.into(),
                base: ColumnType::parse(Dialect::Postgres, base),
                nullable: true,
                default: None,
                collation: None,
                checks: vec![],
                comment: None,
            },
        };
        let ordered = order_changes(vec![dom("base_text", "text"), dom("derived", "base_text")]);
        let n: Vec<String> = ordered
            .iter()
            .filter_map(|c| match c {
                Change::DropDomain { def, .. } => Some(def.name.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(n, vec!["derived", "base_text"]);
    }

    #[test]
    fn permute_follows_the_order() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        permute(&mut items, &[3, 0, 5, 1, 2, 4]);
        assert_eq!(items, vec!['d', 'a', 'f', 'b', 'c', 'e']);
        let mut same = vec![1, 2, 3];
        permute(&mut same, &[0, 1, 2]);
        assert_eq!(same, vec![1, 2, 3]);
    }

    #[test]
    fn mentions_whole_words() {
        assert!(mentions("SELECT * FROM \"active_users\" a", "active_users"));
        assert!(!mentions("SELECT * FROM active_users_2", "active_users"));
    }

    #[test]
    fn revokes_run_before_grants() {
        use cairn_ir::{GrantObject, Permission, Privilege};
        let p = |object: GrantObject| Permission {
            grantee: "ro".into(),
            privileges: vec![Privilege::Select],
            object,
            grantable: false,
        };
        let users = QualifiedName::new(None, "users");
        let changes = order_changes(vec![
            Change::Grant {
                permission: p(GrantObject::Columns(users.clone(), vec!["id".into()])),
            },
            Change::Revoke {
                permission: p(GrantObject::Table(users)),
                grant_option: false,
            },
        ]);
        assert_eq!(changes[0].kind(), "revoke");
        assert_eq!(changes[1].kind(), "grant");
    }
}
