//! What an inspection covers: `--schema` names and `--exclude` globs, applied the same way by
//! every driver and command.

/// The scope options of inspect, diff, apply and lint.
#[derive(Clone, Debug, Default)]
pub struct InspectOptions {
    /// Schemas to inspect; empty means the URL's scope (its bound schema, or every non-system
    /// schema).
    pub schemas: Vec<String>,
    /// Atlas exclude globs: `tbl*`, `tbl.col*` (schema scope), `schema.tbl` (database scope),
    /// with an optional `[type=table|view|...]` suffix.
    pub exclude: Vec<String>,
}

impl InspectOptions {
    /// Whether an object named by `path` (`[schema, table, column]` prefix) of `kind` is excluded.
    /// In schema scope the schema is left out of the path.
    pub fn excludes(&self, path: &[&str], kind: &str) -> bool {
        self.exclude.iter().any(|pattern| {
            let (glob, kinds) = match pattern.split_once('[') {
                Some((g, rest)) => (g, Some(rest.trim_end_matches(']'))),
                None => (pattern.as_str(), None),
            };
            if let Some(kinds) = kinds {
                let kinds = kinds.trim_start_matches("type=");
                if !kinds.split('|').any(|k| k == kind) {
                    return false;
                }
            }
            let parts: Vec<&str> = glob.split('.').collect();
            parts.len() == path.len() && parts.iter().zip(path).all(|(g, n)| glob_match(g, n))
        })
    }
}

/// Shell-style glob matching with `*` and `?`.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Removes from a compiled realm what the scope leaves out, so `--schema` and `--exclude` mean
/// the same for files as for databases. With one schema, paths start at the table (schema
/// scope); with several, at the schema (database scope).
pub fn filter_realm(realm: &mut cairn_ir::Realm, opts: &InspectOptions) {
    if !opts.schemas.is_empty() {
        realm
            .schemas
            .retain(|s| opts.schemas.iter().any(|n| n == &s.name));
    }
    if opts.exclude.is_empty() {
        return;
    }
    let qualified = realm.schemas.len() > 1;
    for schema in &mut realm.schemas {
        let sname = schema.name.clone();
        let path = |name: &str| -> Vec<String> {
            if qualified {
                vec![sname.clone(), name.to_string()]
            } else {
                vec![name.to_string()]
            }
        };
        let hit = |name: &str, kind: &str| {
            let p = path(name);
            let refs: Vec<&str> = p.iter().map(String::as_str).collect();
            opts.excludes(&refs, kind)
        };
        schema.tables.retain(|t| !hit(&t.name, "table"));
        schema.views.retain(|v| !hit(&v.name, "view"));
        schema
            .materialized_views
            .retain(|v| !hit(&v.name, "materialized"));
        schema.functions.retain(|f| !hit(&f.name, "function"));
        schema.procedures.retain(|f| !hit(&f.name, "procedure"));
        schema.sequences.retain(|s| !hit(&s.name, "sequence"));
        schema.enums.retain(|e| !hit(&e.name, "enum"));
        schema.domains.retain(|d| !hit(&d.name, "domain"));
        for table in &mut schema.tables {
            let tname = table.name.clone();
            let col_hit = |c: &str, kind: &str| {
                let mut p = path(&tname);
                p.push(c.to_string());
                let refs: Vec<&str> = p.iter().map(String::as_str).collect();
                opts.excludes(&refs, kind)
            };
            table.columns.retain(|c| !col_hit(&c.name, "column"));
            table.triggers.retain(|t| !col_hit(&t.name, "trigger"));
            table.policies.retain(|p| !col_hit(&p.name, "policy"));
            table.indexes.retain(|i| !col_hit(&i.name, "index"));
        }
    }
}

/// In schema scope (one schema on each side), the desired schema is the target's schema whatever
/// its source called it: unqualified SQL lands in the dialect's default schema, and an HCL file
/// written for `public` applies to a database scoped to `app`.
pub fn align_schemas(current: &mut cairn_ir::Realm, desired: &mut cairn_ir::Realm) {
    if current.schemas.len() == 1
        && desired.schemas.len() == 1
        && current.schemas[0].name != desired.schemas[0].name
    {
        let from = desired.schemas[0].name.clone();
        let to = current.schemas[0].name.clone();
        desired.schemas[0].name = to.clone();
        let refers = |fk: &cairn_ir::ForeignKey| fk.ref_table.schema.as_deref() == Some(&from);
        // Written only where a key refers to the renamed schema: a table shared with another
        // realm (the language server's compile) is copied only then.
        for t in &mut desired.schemas[0].tables {
            if !t.foreign_keys.iter().any(refers) {
                continue;
            }
            for fk in &mut t.foreign_keys {
                if refers(fk) {
                    fk.ref_table.schema = Some(to.clone());
                }
            }
        }
    }
    // An empty desired state against one schema means that schema, emptied (never the schema,
    // or in MySQL's case the database, dropped).
    if desired.schemas.is_empty() && current.schemas.len() == 1 {
        let name = current.schemas[0].name.clone();
        desired.schemas.push(cairn_ir::Schema::new(&name));
    }
    // An empty database in schema scope has its (empty) schema; a file source that declares no
    // schema lands in the same one.
    if current.schemas.is_empty()
        && desired.schemas.len() == 1
        && let Some(d) = current.dialect.fixed_schema()
    {
        current.schemas.push(cairn_ir::Schema::new(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("tbl*", "tbl_users"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "abbc"));
        assert!(glob_match("*_tmp_*", "x_tmp_y"));
    }

    #[test]
    fn excludes_by_path_and_kind() {
        let o = InspectOptions {
            schemas: vec![],
            exclude: vec![
                "tmp_*".into(),
                "users.secret*".into(),
                "*[type=view]".into(),
            ],
        };
        assert!(o.excludes(&["tmp_a"], "table"));
        assert!(!o.excludes(&["users"], "table"));
        assert!(o.excludes(&["users", "secret_key"], "column"));
        assert!(o.excludes(&["v_active"], "view"));
        assert!(!o.excludes(&["orders"], "table"));
    }
}
