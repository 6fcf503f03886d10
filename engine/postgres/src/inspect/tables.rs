//! Tables and what they own: columns, keys, checks, exclusion constraints, indexes, triggers and
//! row-level-security policies.

use cairn_core::EngineError;
use cairn_ir::{
    Check, Column, Default as ColDefault, Deferrable, Exclude, Expr, FkAction, ForeignKey,
    Generated, Identity, IdentityKind, Index, IndexKey, IndexMethod, IndexPart, PartitionBy,
    PartitionOf, PartitionStrategy, PgTableExt, Policy, PolicyCommand, PrimaryKey, QualifiedName,
    RowSecurity, Table, TableExt, Trigger, TriggerEvent, TriggerTiming, Unsupported,
};

use super::{Build, Catalog, Ctx, REVISIONS_TABLE, get, key_values, queries};

pub(super) async fn tables(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    for row in cat.rows(queries::TABLES, &b.schema_names).await? {
        let schema: String = get(&row, "schema")?;
        let name: String = get(&row, "name")?;
        if name == REVISIONS_TABLE || ctx.scope.excludes(&schema, &name, "table") {
            continue;
        }
        let Some(&si) = b.schema_index.get(&schema) else {
            continue;
        };
        let mut t = Table::new(&name);
        t.comment = get(&row, "comment")?;
        let reltuples: f64 = get(&row, "reltuples")?;
        let relpages: i64 = get(&row, "relpages")?;
        // -1 means never analysed; a table without pages has no rows either way.
        t.rows = if reltuples >= 0.0 {
            Some(reltuples as u64)
        } else if relpages == 0 && get::<String>(&row, "kind")? == "r" {
            Some(0)
        } else {
            None
        };
        t.row_security = RowSecurity {
            enabled: get(&row, "rls")?,
            forced: get(&row, "rls_forced")?,
        };
        if let Some(key) = get::<Option<String>>(&row, "partkey")? {
            t.partition_by = partition_by(&key);
        }
        let parent_schemas: Vec<String> = get(&row, "parent_schemas")?;
        let parent_names: Vec<String> = get(&row, "parent_names")?;
        let parents: Vec<QualifiedName> = parent_schemas
            .iter()
            .zip(&parent_names)
            .map(|(s, n)| QualifiedName::new(Some(s), n))
            .collect();
        let is_partition: bool = get(&row, "is_partition")?;
        let mut ext = PgTableExt {
            unlogged: get::<String>(&row, "persistence")? == "u",
            access_method: get(&row, "access_method")?,
            storage_params: key_values(get(&row, "options")?),
            replica_identity: None,
            owner: None,
            inherits: Vec::new(),
        };
        if is_partition {
            if let Some(parent) = parents.into_iter().next() {
                t.partition_of = Some(PartitionOf {
                    parent,
                    bound: get::<Option<String>>(&row, "partbound")?.unwrap_or_default(),
                });
            }
        } else {
            ext.inherits = parents;
        }
        ext.replica_identity = match get::<String>(&row, "replident")?.as_str() {
            "n" => Some("NOTHING".to_string()),
            "f" => Some("FULL".to_string()),
            "i" => get::<Option<String>>(&row, "replident_index")?
                .map(|i| format!("USING INDEX {}", ctx.dialect().quote_ident(&i))),
            _ => None,
        };
        if ext != PgTableExt::default() {
            t.ext = TableExt::Postgres(ext);
        }
        let oid: i64 = get(&row, "oid")?;
        let tables = &mut b.realm.schemas[si].tables;
        tables.push(t.into());
        b.tables.insert(oid, (si, tables.len() - 1));
    }
    Ok(())
}

/// Reads `pg_get_partkeydef` output: `RANGE (created_at)`, `LIST (lower(name))`, `HASH (a, b)`.
fn partition_by(def: &str) -> Option<PartitionBy> {
    let (strategy, rest) = def.split_once(' ')?;
    let strategy = match strategy {
        "RANGE" => PartitionStrategy::Range,
        "LIST" => PartitionStrategy::List,
        "HASH" => PartitionStrategy::Hash,
        _ => return None,
    };
    let inner = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    let keys = split_top_level(inner)
        .into_iter()
        .map(|k| match plain_identifier(&k) {
            Some(c) => IndexKey::Column(c),
            None => IndexKey::Expr(Expr(k)),
        })
        .collect();
    Some(PartitionBy { strategy, keys })
}

/// The identifier an expression consists of, if it is only one (bare or double-quoted).
fn plain_identifier(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        let unescaped = inner.replace("\"\"", "\"");
        // A quote in the middle that is not doubled means this was not one identifier.
        if unescaped.replace('"', "").len() + inner.matches("\"\"").count() == inner.len() {
            return Some(unescaped);
        }
        return None;
    }
    let ok = !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    ok.then(|| s.to_string())
}

/// Splits a comma-separated list at depth zero, outside quotes.
pub(super) fn split_top_level(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut cur = String::new();
    for c in s.chars() {
        if let Some(q) = quote {
            cur.push(c);
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                cur.push(c);
            }
            '(' | '[' => {
                depth += 1;
                cur.push(c);
            }
            ')' | ']' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

pub(super) async fn columns(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    for row in cat.rows(queries::COLUMNS, &b.schema_names).await? {
        let oid: i64 = get(&row, "table_oid")?;
        let Some(&(si, ti)) = b.tables.get(&oid) else {
            continue;
        };
        let name: String = get(&row, "name")?;
        let schema = &b.realm.schemas[si];
        if ctx
            .scope
            .excludes_member(&schema.name, &schema.tables[ti].name, &name, "column")
        {
            continue;
        }
        // A partition's (or inheriting table's) columns that come only from its parent are the
        // parent's: the IR keeps them there.
        if !get::<bool>(&row, "is_local")? {
            continue;
        }
        let mut c = Column::new(&name, ctx.column_type(&get::<String>(&row, "type")?));
        c.nullable = !get::<bool>(&row, "not_null")?;
        c.default = get::<Option<String>>(&row, "default_expr")?.map(|e| ColDefault::Expr(Expr(e)));
        c.generated = get::<Option<String>>(&row, "generated_expr")?.map(|e| Generated {
            expr: Expr(e),
            stored: true,
        });
        c.identity = match get::<String>(&row, "identity")?.as_str() {
            "a" => Some(IdentityKind::Always),
            "d" => Some(IdentityKind::ByDefault),
            _ => None,
        }
        .map(|generated| Identity {
            generated,
            start: None,
            increment: None,
            options: None,
        });
        c.collation = get(&row, "collation")?;
        c.comment = get(&row, "comment")?;
        b.realm.schemas[si].tables[ti].columns.push(c);
    }
    Ok(())
}

fn deferrable(row: &sqlx::postgres::PgRow) -> Result<Deferrable, EngineError> {
    Ok(
        match (
            get::<bool>(row, "deferrable")?,
            get::<bool>(row, "deferred")?,
        ) {
            (false, _) => Deferrable::No,
            (true, false) => Deferrable::InitiallyImmediate,
            (true, true) => Deferrable::InitiallyDeferred,
        },
    )
}

fn fk_action(code: &str) -> FkAction {
    match code {
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

/// The UNIQUE constraint facts that live on the constraint rather than on its index.
pub(super) struct UniqueConstraint {
    deferrable: Deferrable,
    comment: Option<String>,
}

pub(super) async fn constraints(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    let _ = ctx;
    for row in cat.rows(queries::CONSTRAINTS, &b.schema_names).await? {
        let oid: i64 = get(&row, "table_oid")?;
        let Some(&(si, ti)) = b.tables.get(&oid) else {
            continue;
        };
        let table = &mut b.realm.schemas[si].tables[ti];
        let name: String = get(&row, "name")?;
        let columns: Vec<String> = get(&row, "columns")?;
        let definition: String = get(&row, "definition")?;
        match get::<String>(&row, "kind")?.as_str() {
            // Constraint names are kept as the database has them, implicit or not: the planner
            // drops constraints by name, and normalisation compares implicit names as `None`.
            "p" => {
                table.primary_key = Some(PrimaryKey {
                    name: Some(name),
                    columns,
                    include: Vec::new(),
                    deferrable: deferrable(&row)?,
                });
            }
            "u" => {
                if let Some(index) = get::<Option<String>>(&row, "index_name")? {
                    b.unique_constraints.insert(
                        (oid, index),
                        UniqueConstraint {
                            deferrable: deferrable(&row)?,
                            comment: get(&row, "comment")?,
                        },
                    );
                }
            }
            "f" => {
                let ref_schema: Option<String> = get(&row, "ref_schema")?;
                let ref_table: Option<String> = get(&row, "ref_table")?;
                table.foreign_keys.push(ForeignKey {
                    name: Some(name),
                    columns,
                    ref_table: QualifiedName::new(
                        ref_schema.as_deref(),
                        ref_table.as_deref().unwrap_or_default(),
                    ),
                    ref_columns: get(&row, "ref_columns")?,
                    on_update: fk_action(&get::<String>(&row, "on_update")?),
                    on_delete: fk_action(&get::<String>(&row, "on_delete")?),
                    deferrable: deferrable(&row)?,
                    not_valid: get(&row, "not_valid")?,
                });
            }
            "c" => {
                let no_inherit: bool = get(&row, "no_inherit")?;
                table.checks.push(Check {
                    name: Some(name),
                    expr: Expr(check_expr(&definition)),
                    enforced: true,
                    no_inherit,
                    not_valid: get(&row, "not_valid")?,
                    comment: get(&row, "comment")?,
                });
            }
            "x" => {
                let def = definition
                    .strip_prefix("EXCLUDE ")
                    .unwrap_or(&definition)
                    .to_string();
                table.excludes.push(Exclude {
                    name: Some(name),
                    definition: def,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// The expression of a `pg_get_constraintdef` check: `CHECK ((a > 0)) NO INHERIT` gives
/// `((a > 0))`.
pub(super) fn check_expr(def: &str) -> String {
    let mut s = def.trim();
    s = s.strip_prefix("CHECK ").unwrap_or(s);
    for suffix in [" NOT VALID", " NO INHERIT"] {
        s = s.strip_suffix(suffix).unwrap_or(s);
    }
    s.trim().to_string()
}

fn index_method(am: &str) -> IndexMethod {
    match am {
        "btree" => IndexMethod::Default,
        "hash" => IndexMethod::Hash,
        "gin" => IndexMethod::Gin,
        "gist" => IndexMethod::Gist,
        "spgist" => IndexMethod::SpGist,
        "brin" => IndexMethod::Brin,
        other => IndexMethod::Other(other.to_string()),
    }
}

pub(super) async fn indexes(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    for row in cat.rows(queries::INDEXES, &b.schema_names).await? {
        let oid: i64 = get(&row, "table_oid")?;
        let name: String = get(&row, "name")?;
        let key_count = get::<i32>(&row, "key_count")?.max(0) as usize;
        let column_names: Vec<String> = get(&row, "column_names")?;
        let include: Vec<String> = column_names.iter().skip(key_count).cloned().collect();
        let constraint_kind: Option<String> = get(&row, "constraint_kind")?;
        match constraint_kind.as_deref() {
            Some("p") => {
                if let Some(&(si, ti)) = b.tables.get(&oid)
                    && let Some(pk) = &mut b.realm.schemas[si].tables[ti].primary_key
                {
                    pk.include = include;
                }
                continue;
            }
            // Exclusion constraints are kept whole, as their definition.
            Some("x") => continue,
            _ => {}
        }
        let defs: Vec<Option<String>> = get(&row, "defs")?;
        let options: Vec<i16> = get(&row, "options")?;
        let opclasses: Vec<String> = get(&row, "opclasses")?;
        let collations: Vec<String> = get(&row, "collations")?;
        let parts = (0..key_count)
            .map(|k| {
                let column = column_names.get(k).filter(|c| !c.is_empty());
                let key = match column {
                    Some(c) => IndexKey::Column(c.clone()),
                    None => {
                        IndexKey::Expr(Expr(defs.get(k).cloned().flatten().unwrap_or_default()))
                    }
                };
                let opt = options.get(k).copied().unwrap_or(0);
                let desc = opt & 1 != 0;
                let nulls_first = opt & 2 != 0;
                IndexPart {
                    key,
                    desc,
                    // NULLS FIRST is the default for DESC, NULLS LAST for ASC.
                    nulls_first: (nulls_first != desc).then_some(nulls_first),
                    opclass: opclasses.get(k).filter(|o| !o.is_empty()).cloned(),
                    collation: collations.get(k).filter(|c| !c.is_empty()).cloned(),
                    prefix: None,
                }
            })
            .collect();
        let mut index = Index::on_columns(&name, &[], get(&row, "is_unique")?);
        index.parts = parts;
        index.include = include;
        index.method = index_method(&get::<String>(&row, "method")?);
        index.predicate = get::<Option<String>>(&row, "predicate")?.map(Expr);
        index.storage_params = key_values(get(&row, "storage")?);
        index.nulls_distinct = get::<bool>(&row, "nulls_not_distinct")?.then_some(false);
        index.comment = get(&row, "comment")?;
        if constraint_kind.as_deref() == Some("u") {
            index.constraint = true;
            if let Some(u) = b.unique_constraints.remove(&(oid, name.clone())) {
                index.deferrable = u.deferrable;
                index.comment = u.comment;
            }
        }
        if let Some(&(si, ti)) = b.tables.get(&oid) {
            let schema = &mut b.realm.schemas[si];
            let table = &mut schema.tables[ti];
            if !index.constraint
                && ctx
                    .scope
                    .excludes_member(&schema.name, &table.name, &name, "index")
            {
                continue;
            }
            table.indexes.push(index);
        } else if let Some(&(si, vi)) = b.matviews.get(&oid) {
            b.realm.schemas[si].materialized_views[vi]
                .indexes
                .push(index);
        }
    }
    Ok(())
}

pub(super) async fn triggers(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    for row in cat.rows(queries::TRIGGERS, &b.schema_names).await? {
        let oid: i64 = get(&row, "table_oid")?;
        let name: String = get(&row, "name")?;
        let definition: String = get(&row, "definition")?;
        let Some(&(si, ti)) = b.tables.get(&oid) else {
            // Triggers on views (INSTEAD OF) have no place in the IR's views: keep them whole.
            if get::<String>(&row, "table_kind")? == "v"
                && let Some(&(si, _)) = b.views.get(&oid)
            {
                b.realm.schemas[si].unsupported.push(Unsupported {
                    kind: "trigger".to_string(),
                    name: Some(name),
                    raw: definition,
                });
            }
            continue;
        };
        let schema = &mut b.realm.schemas[si];
        let table = &mut schema.tables[ti];
        if ctx
            .scope
            .excludes_member(&schema.name, &table.name, &name, "trigger")
        {
            continue;
        }
        let ty: i32 = get(&row, "type")?;
        let timing = if ty & 2 != 0 {
            TriggerTiming::Before
        } else if ty & 64 != 0 {
            TriggerTiming::InsteadOf
        } else {
            TriggerTiming::After
        };
        let mut events = Vec::new();
        if ty & 4 != 0 {
            events.push(TriggerEvent::Insert);
        }
        if ty & 16 != 0 {
            events.push(TriggerEvent::Update {
                columns: get(&row, "columns")?,
            });
        }
        if ty & 8 != 0 {
            events.push(TriggerEvent::Delete);
        }
        if ty & 32 != 0 {
            events.push(TriggerEvent::Truncate);
        }
        let nargs = get::<i32>(&row, "nargs")?.max(0) as usize;
        let raw_args: Vec<u8> = get(&row, "args")?;
        let function_args = raw_args
            .split(|b| *b == 0)
            .take(nargs)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let fschema: String = get(&row, "function_schema")?;
        let fname: String = get(&row, "function_name")?;
        let extra = if get::<bool>(&row, "is_constraint")? || get::<bool>(&row, "has_transition")? {
            trigger_extra(&definition, get(&row, "is_constraint")?)
        } else {
            None
        };
        table.triggers.push(Trigger {
            name,
            timing,
            events,
            for_each_row: ty & 1 != 0,
            when: trigger_when(&definition).map(Expr),
            function: Some(QualifiedName::new(Some(&fschema), &fname)),
            function_args,
            body: None,
            extra,
        });
    }
    Ok(())
}

/// The `WHEN (...)` condition of a `pg_get_triggerdef`, without its parentheses.
fn trigger_when(def: &str) -> Option<String> {
    let each = def.find(" FOR EACH ")?;
    let rest = &def[each..];
    let start = rest.find(" WHEN (")? + " WHEN (".len();
    let end = rest.rfind(") EXECUTE ")?;
    (end >= start).then(|| rest[start..end].to_string())
}

/// What a constraint trigger or a trigger with transition tables has between its table and
/// `FOR EACH`: `DEFERRABLE INITIALLY DEFERRED`, `REFERENCING NEW TABLE AS n`. A constraint
/// trigger's clause starts with `CONSTRAINT`.
fn trigger_extra(def: &str, constraint: bool) -> Option<String> {
    let on = def.find(" ON ")? + " ON ".len();
    let each = def.find(" FOR EACH ")?;
    let after_table = skip_name(&def[on..each]);
    let clause = after_table.trim();
    let text = match (constraint, clause.is_empty()) {
        (true, true) => "CONSTRAINT".to_string(),
        (true, false) => format!("CONSTRAINT {clause}"),
        (false, true) => return None,
        (false, false) => clause.to_string(),
    };
    Some(text)
}

/// Skips a possibly qualified, possibly quoted name at the start of `s`.
fn skip_name(s: &str) -> &str {
    let mut rest = s.trim_start();
    loop {
        if let Some(r) = rest.strip_prefix('"') {
            let mut i = 0;
            let bytes = r.as_bytes();
            while i < bytes.len() {
                if bytes[i] == b'"' {
                    if bytes.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            rest = &r[(i + 1).min(r.len())..];
        } else {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == '.')
                .unwrap_or(rest.len());
            rest = &rest[end..];
        }
        match rest.strip_prefix('.') {
            Some(r) => rest = r,
            None => return rest,
        }
    }
}

pub(super) async fn policies(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    for row in cat.rows(queries::POLICIES, &b.schema_names).await? {
        let oid: i64 = get(&row, "table_oid")?;
        let Some(&(si, ti)) = b.tables.get(&oid) else {
            continue;
        };
        let name: String = get(&row, "name")?;
        let schema = &mut b.realm.schemas[si];
        let table = &mut schema.tables[ti];
        if ctx
            .scope
            .excludes_member(&schema.name, &table.name, &name, "policy")
        {
            continue;
        }
        let command = match get::<String>(&row, "command")?.as_str() {
            "r" => PolicyCommand::Select,
            "a" => PolicyCommand::Insert,
            "w" => PolicyCommand::Update,
            "d" => PolicyCommand::Delete,
            _ => PolicyCommand::All,
        };
        table.policies.push(Policy {
            name,
            permissive: get(&row, "permissive")?,
            command,
            roles: get(&row, "roles")?,
            using: get::<Option<String>>(&row, "using_expr")?.map(Expr),
            check: get::<Option<String>>(&row, "check_expr")?.map(Expr),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_partition_keys() {
        let p = partition_by("RANGE (created_at)").unwrap();
        assert_eq!(p.strategy, PartitionStrategy::Range);
        assert_eq!(p.keys, vec![IndexKey::Column("created_at".into())]);
        let p = partition_by("LIST (lower(name), \"Kind\")").unwrap();
        assert_eq!(
            p.keys,
            vec![
                IndexKey::Expr(Expr("lower(name)".into())),
                IndexKey::Column("Kind".into())
            ]
        );
    }

    #[test]
    fn reads_trigger_clauses() {
        let def = "CREATE TRIGGER t AFTER INSERT ON s.orders REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION s.f()";
        assert_eq!(
            trigger_extra(def, false).as_deref(),
            Some("REFERENCING NEW TABLE AS n")
        );
        let def = "CREATE TRIGGER t BEFORE UPDATE ON \"O.x\" FOR EACH ROW WHEN ((old.* IS DISTINCT FROM new.*)) EXECUTE FUNCTION f('a')";
        assert_eq!(
            trigger_when(def).as_deref(),
            Some("(old.* IS DISTINCT FROM new.*)")
        );
        assert_eq!(trigger_extra(def, false), None);
    }

    #[test]
    fn strips_check_definitions() {
        assert_eq!(check_expr("CHECK ((a > 0)) NO INHERIT"), "((a > 0))");
        assert_eq!(check_expr("CHECK ((a > 0)) NOT VALID"), "((a > 0))");
    }
}
