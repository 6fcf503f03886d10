//! One function per object kind: the SQL that creates it, for `create_statements` and for the
//! planner's ADD changes.

use cairn_ir::{
    ArgMode, Check, Column, Composite, Default as ColDefault, DefaultPrivilege,
    DefaultPrivilegeKind, Deferrable, Dialect, Domain, Enum, Exclude, Extension, FkAction,
    ForeignKey, FuncArg, Function, GrantObject, IdentityKind, Index, IndexKey, IndexMethod,
    Literal, Permission, Policy, PrimaryKey, QualifiedName, Role, Sequence, Table, TableExt,
    Trigger, TriggerEvent, TriggerTiming, View, Volatility,
};

const D: Dialect = Dialect::Postgres;

pub(crate) fn q(s: &str) -> String {
    D.quote_ident(s)
}

/// `"schema"."name"`.
pub(crate) fn qn(schema: &str, name: &str) -> String {
    format!("{}.{}", q(schema), q(name))
}

/// A qualified name; an unqualified one is taken to be in `schema`.
pub(crate) fn qname(name: &QualifiedName, schema: &str) -> String {
    qn(name.schema.as_deref().unwrap_or(schema), &name.name)
}

fn idents(names: &[String]) -> String {
    names.iter().map(|n| q(n)).collect::<Vec<_>>().join(", ")
}

fn deferrable_sql(d: Deferrable) -> &'static str {
    match d {
        Deferrable::No => "",
        Deferrable::InitiallyImmediate => " DEFERRABLE",
        Deferrable::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

/// `WITH (key=value, ...)`: a value that is not a plain word or number is quoted.
pub(crate) fn storage_sql(params: &[(String, String)]) -> String {
    if params.is_empty() {
        return String::new();
    }
    let list: Vec<String> = params
        .iter()
        .map(|(k, v)| {
            let plain = !v.is_empty()
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
            if plain {
                format!("{k}={v}")
            } else {
                format!("{k}={}", D.quote_string(v))
            }
        })
        .collect();
    format!(" WITH ({})", list.join(", "))
}

pub(crate) fn default_sql(d: &ColDefault) -> String {
    match d {
        ColDefault::Expr(e) => default_expr_sql(e.as_str()),
        ColDefault::Literal(Literal::Null) => "NULL".to_string(),
        ColDefault::Literal(Literal::Bool(b)) => b.to_string(),
        ColDefault::Literal(Literal::Number(n)) => n.clone(),
        ColDefault::Literal(Literal::String(s)) => D.quote_string(s),
    }
}

/// A default expression as `DEFAULT` takes it. PostgreSQL reads only a restricted expression
/// there (`b_expr`): one with a top-level `AT TIME ZONE`, `AND`, `IS NULL`, `LIKE`, `IN`,
/// `BETWEEN`, `COLLATE` and the like is put in parentheses.
pub(crate) fn default_expr_sql(text: &str) -> String {
    const NEEDS_PARENS: &[&str] = &[
        "AT", "AND", "OR", "NOT", "IS", "ISNULL", "NOTNULL", "LIKE", "ILIKE", "SIMILAR", "IN",
        "BETWEEN", "COLLATE", "OVERLAPS",
    ];
    let t = text.trim();
    let b = t.as_bytes();
    let (mut depth, mut i) = (0i32, 0usize);
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' => {
                let q = b[i];
                i += 1;
                while i < b.len() {
                    if b[i] == q {
                        if b.get(i + 1) == Some(&q) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            c if depth == 0 && (c.is_ascii_alphabetic() || c == b'_') => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$')
                {
                    i += 1;
                }
                let word = t[start..i].to_ascii_uppercase();
                let after_dot = start > 0 && b[start - 1] == b'.';
                if !after_dot && NEEDS_PARENS.contains(&word.as_str()) {
                    return format!("({t})");
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    t.to_string()
}

/// A column as it appears inside `CREATE TABLE (...)` or after `ADD COLUMN`.
pub(crate) fn column_def_sql(c: &Column) -> String {
    let mut s = format!("{} {}", q(&c.name), c.ty.sql());
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", q(coll)));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) STORED",
            g.expr.as_str()
        ));
    }
    if let Some(id) = &c.identity {
        let kind = match id.generated {
            IdentityKind::Always => "ALWAYS",
            IdentityKind::ByDefault => "BY DEFAULT",
        };
        s.push_str(&format!(" GENERATED {kind} AS IDENTITY"));
        let mut opts = Vec::new();
        if let Some(start) = id.start {
            opts.push(format!("START WITH {start}"));
        }
        if let Some(inc) = id.increment {
            opts.push(format!("INCREMENT BY {inc}"));
        }
        if let Some(o) = &id.options {
            opts.push(o.clone());
        }
        if !opts.is_empty() {
            s.push_str(&format!(" ({})", opts.join(" ")));
        }
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {}", default_sql(d)));
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    s
}

pub(crate) fn primary_key_sql(pk: &PrimaryKey) -> String {
    let mut s = String::new();
    if let Some(n) = &pk.name {
        s.push_str(&format!("CONSTRAINT {} ", q(n)));
    }
    s.push_str(&format!("PRIMARY KEY ({})", idents(&pk.columns)));
    if !pk.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", idents(&pk.include)));
    }
    s.push_str(deferrable_sql(pk.deferrable));
    s
}

/// A UNIQUE constraint (an index with `constraint` set) as a table constraint.
pub(crate) fn unique_constraint_sql(ix: &Index) -> String {
    let cols: Vec<String> = ix
        .parts
        .iter()
        .map(|p| match &p.key {
            IndexKey::Column(c) => q(c),
            IndexKey::Expr(e) => format!("({})", e.as_str()),
        })
        .collect();
    let mut s = format!("CONSTRAINT {} UNIQUE", q(&ix.name));
    if ix.nulls_distinct == Some(false) {
        s.push_str(" NULLS NOT DISTINCT");
    }
    s.push_str(&format!(" ({})", cols.join(", ")));
    if !ix.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", idents(&ix.include)));
    }
    s.push_str(&storage_sql(&ix.storage_params));
    s.push_str(deferrable_sql(ix.deferrable));
    s
}

pub(crate) fn check_sql(c: &Check) -> String {
    let mut s = String::new();
    if let Some(n) = &c.name {
        s.push_str(&format!("CONSTRAINT {} ", q(n)));
    }
    s.push_str(&format!("CHECK ({})", c.expr.as_str()));
    if c.no_inherit {
        s.push_str(" NO INHERIT");
    }
    s
}

pub(crate) fn exclude_sql(x: &Exclude) -> String {
    match &x.name {
        Some(n) => format!("CONSTRAINT {} EXCLUDE {}", q(n), x.definition),
        None => format!("EXCLUDE {}", x.definition),
    }
}

pub(crate) fn foreign_key_sql(fk: &ForeignKey, schema: &str) -> String {
    let mut s = String::new();
    if let Some(n) = &fk.name {
        s.push_str(&format!("CONSTRAINT {} ", q(n)));
    }
    s.push_str(&format!(
        "FOREIGN KEY ({}) REFERENCES {}",
        idents(&fk.columns),
        qname(&fk.ref_table, schema),
    ));
    // No columns: the referenced table's primary key.
    if !fk.ref_columns.is_empty() {
        s.push_str(&format!(" ({})", idents(&fk.ref_columns)));
    }
    if fk.on_update != FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    if fk.on_delete != FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    s.push_str(deferrable_sql(fk.deferrable));
    s
}

/// `CREATE TABLE`, with the columns and the table constraints that can be declared inline;
/// `inline_fks` says which of the table's foreign keys to include (the others are added later).
pub(crate) fn create_table_sql(schema: &str, t: &Table, inline_fks: &[bool]) -> String {
    let mut items: Vec<String> = Vec::new();
    if t.partition_of.is_none() {
        items.extend(t.columns.iter().map(column_def_sql));
    }
    if let Some(pk) = &t.primary_key {
        items.push(primary_key_sql(pk));
    }
    items.extend(
        t.indexes
            .iter()
            .filter(|i| i.constraint)
            .map(unique_constraint_sql),
    );
    // NOT VALID constraints exist only through ALTER TABLE: they are added after the table.
    items.extend(t.checks.iter().filter(|c| !c.not_valid).map(check_sql));
    items.extend(t.excludes.iter().map(exclude_sql));
    items.extend(
        t.foreign_keys
            .iter()
            .zip(inline_fks)
            .filter(|(fk, inline)| **inline && !fk.not_valid)
            .map(|(fk, _)| foreign_key_sql(fk, schema)),
    );
    let ext = match &t.ext {
        TableExt::Postgres(e) => Some(e),
        _ => None,
    };
    let unlogged = if ext.is_some_and(|e| e.unlogged) {
        "UNLOGGED "
    } else {
        ""
    };
    let mut s = format!("CREATE {unlogged}TABLE {}", qn(schema, &t.name));
    let body = if items.is_empty() {
        String::new()
    } else {
        format!("\n  {}\n", items.join(",\n  "))
    };
    if let Some(p) = &t.partition_of {
        s.push_str(&format!(" PARTITION OF {}", qname(&p.parent, schema)));
        if !items.is_empty() {
            s.push_str(&format!(" ({body})"));
        }
        s.push(' ');
        s.push_str(&p.bound);
    } else {
        s.push_str(&format!(" ({body})"));
        if let Some(e) = ext
            && !e.inherits.is_empty()
        {
            let parents: Vec<String> = e.inherits.iter().map(|p| qname(p, schema)).collect();
            s.push_str(&format!(" INHERITS ({})", parents.join(", ")));
        }
    }
    if let Some(pb) = &t.partition_by {
        let strategy = match pb.strategy {
            cairn_ir::PartitionStrategy::Range => "RANGE",
            cairn_ir::PartitionStrategy::List => "LIST",
            cairn_ir::PartitionStrategy::Hash => "HASH",
        };
        let keys: Vec<String> = pb
            .keys
            .iter()
            .map(|k| match k {
                IndexKey::Column(c) => q(c),
                IndexKey::Expr(e) => format!("({})", e.as_str()),
            })
            .collect();
        s.push_str(&format!(" PARTITION BY {strategy} ({})", keys.join(", ")));
    }
    if let Some(e) = ext {
        if let Some(am) = &e.access_method {
            s.push_str(&format!(" USING {}", q(am)));
        }
        s.push_str(&storage_sql(&e.storage_params));
    }
    s
}

fn method_name(m: &IndexMethod) -> Option<&str> {
    Some(match m {
        IndexMethod::Default => return None,
        IndexMethod::Hash => "hash",
        IndexMethod::Gin | IndexMethod::Fulltext => "gin",
        IndexMethod::Gist | IndexMethod::Spatial => "gist",
        IndexMethod::SpGist => "spgist",
        IndexMethod::Brin => "brin",
        IndexMethod::Other(s) => s,
    })
}

/// `CREATE INDEX` on a table or materialized view `relation` of `schema`.
pub(crate) fn create_index_sql(schema: &str, relation: &str, ix: &Index) -> String {
    let parts: Vec<String> = ix
        .parts
        .iter()
        .map(|p| {
            let mut s = match &p.key {
                IndexKey::Column(c) => q(c),
                IndexKey::Expr(e) => format!("({})", e.as_str()),
            };
            if let Some(c) = &p.collation {
                s.push_str(&format!(" COLLATE {}", q(c)));
            }
            if let Some(o) = &p.opclass {
                s.push_str(&format!(" {o}"));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            match p.nulls_first {
                Some(true) => s.push_str(" NULLS FIRST"),
                Some(false) => s.push_str(" NULLS LAST"),
                None => {}
            }
            s
        })
        .collect();
    let mut s = format!(
        "CREATE {}INDEX {} ON {}",
        if ix.unique { "UNIQUE " } else { "" },
        q(&ix.name),
        qn(schema, relation)
    );
    if let Some(m) = method_name(&ix.method) {
        s.push_str(&format!(" USING {}", q(m)));
    }
    s.push_str(&format!(" ({})", parts.join(", ")));
    if !ix.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", idents(&ix.include)));
    }
    if ix.nulls_distinct == Some(false) {
        s.push_str(" NULLS NOT DISTINCT");
    }
    s.push_str(&storage_sql(&ix.storage_params));
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" WHERE {}", p.as_str()));
    }
    s
}

pub(crate) fn add_foreign_key_sql(schema: &str, table: &str, fk: &ForeignKey) -> String {
    format!(
        "ALTER TABLE {} ADD {}{}",
        qn(schema, table),
        foreign_key_sql(fk, schema),
        if fk.not_valid { " NOT VALID" } else { "" }
    )
}

/// `ALTER TABLE ... ADD CHECK ... NOT VALID`, for a check not validated yet.
pub(crate) fn add_not_valid_check_sql(schema: &str, table: &str, c: &Check) -> String {
    format!(
        "ALTER TABLE {} ADD {} NOT VALID",
        qn(schema, table),
        check_sql(c)
    )
}

pub(crate) fn create_view_sql(schema: &str, v: &View, materialized: bool) -> String {
    let mut s = format!(
        "CREATE {}VIEW {}",
        if materialized { "MATERIALIZED " } else { "" },
        qn(schema, &v.name)
    );
    if !v.columns.is_empty() {
        s.push_str(&format!(" ({})", idents(&v.columns)));
    }
    let mut opts = v.options.clone();
    if let Some(si) = v.security_invoker {
        opts.push(("security_invoker".to_string(), si.to_string()));
    }
    s.push_str(&storage_sql(&opts));
    s.push_str(&format!(" AS\n{}", v.definition));
    if materialized {
        s.push_str(if v.with_data {
            "\nWITH DATA"
        } else {
            "\nWITH NO DATA"
        });
    } else if let Some(co) = &v.check_option {
        s.push_str(&format!("\nWITH {} CHECK OPTION", co.to_ascii_uppercase()));
    }
    s
}

fn arg_sql(a: &FuncArg) -> String {
    let mut s = String::new();
    match a.mode {
        ArgMode::In => {}
        ArgMode::Out => s.push_str("OUT "),
        ArgMode::InOut => s.push_str("INOUT "),
        ArgMode::Variadic => s.push_str("VARIADIC "),
    }
    if let Some(n) = &a.name {
        s.push_str(&q(n));
        s.push(' ');
    }
    s.push_str(&a.ty);
    if let Some(d) = &a.default {
        s.push_str(&format!(" DEFAULT {}", d.as_str()));
    }
    s
}

/// The argument types that identify a routine (for COMMENT ON and GRANT).
pub(crate) fn identity_args(args: &[FuncArg]) -> String {
    args.iter()
        .filter(|a| a.mode != ArgMode::Out)
        .map(|a| a.ty.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A dollar-quoting tag that does not occur in `body`.
fn dollar_tag(body: &str) -> String {
    let mut tag = "$body$".to_string();
    let mut n = 0;
    while body.contains(&tag) {
        n += 1;
        tag = format!("$body{n}$");
    }
    tag
}

/// Whether a SQL function has a SQL-standard body (`BEGIN ATOMIC ... END`, `RETURN expr`),
/// which is written without `AS`.
fn is_standard_body(f: &Function) -> bool {
    f.language.eq_ignore_ascii_case("sql") && {
        let b = f.body.trim_start();
        b.starts_with("BEGIN ATOMIC") || b.starts_with("RETURN ")
    }
}

pub(crate) fn create_function_sql(schema: &str, f: &Function, procedure: bool) -> String {
    let args: Vec<String> = f.args.iter().map(arg_sql).collect();
    let mut s = format!(
        "CREATE {} {}({})",
        if procedure { "PROCEDURE" } else { "FUNCTION" },
        qn(schema, &f.name),
        args.join(", ")
    );
    if !procedure && let Some(r) = &f.returns {
        s.push_str(&format!(" RETURNS {r}"));
    }
    s.push_str(&format!(" LANGUAGE {}", q(&f.language)));
    if !procedure {
        match f.volatility {
            Volatility::Immutable => s.push_str(" IMMUTABLE"),
            Volatility::Stable => s.push_str(" STABLE"),
            Volatility::Volatile => {}
        }
        if f.strict {
            s.push_str(" STRICT");
        }
        if f.leakproof {
            s.push_str(" LEAKPROOF");
        }
        if let Some(p) = &f.parallel {
            s.push_str(&format!(" PARALLEL {p}"));
        }
    }
    if f.security_definer {
        s.push_str(" SECURITY DEFINER");
    }
    for (k, v) in &f.config {
        // search_path is a list of identifiers and is printed as the catalog keeps it.
        let value = if k == "search_path" {
            v.clone()
        } else {
            D.quote_string(v)
        };
        s.push_str(&format!(" SET {k} = {value}"));
    }
    if is_standard_body(f) {
        s.push('\n');
        s.push_str(f.body.trim());
    } else {
        let tag = dollar_tag(&f.body);
        s.push_str(&format!("\nAS {tag}{}{tag}", f.body));
    }
    s
}

pub(crate) fn create_aggregate_sql(schema: &str, a: &cairn_ir::Aggregate) -> String {
    let args: Vec<String> = a.args.iter().map(arg_sql).collect();
    let mut opts = vec![
        format!("SFUNC = {}", a.state_func),
        format!("STYPE = {}", a.state_type),
    ];
    if let Some(f) = &a.final_func {
        opts.push(format!("FINALFUNC = {f}"));
    }
    if let Some(i) = &a.initial_value {
        opts.push(format!("INITCOND = {}", D.quote_string(i)));
    }
    format!(
        "CREATE AGGREGATE {}({}) ({})",
        qn(schema, &a.name),
        if args.is_empty() {
            "*".to_string()
        } else {
            args.join(", ")
        },
        opts.join(", ")
    )
}

pub(crate) fn create_enum_sql(schema: &str, e: &Enum) -> String {
    let values: Vec<String> = e.values.iter().map(|v| D.quote_string(v)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        qn(schema, &e.name),
        values.join(", ")
    )
}

pub(crate) fn create_domain_sql(schema: &str, d: &Domain) -> String {
    let mut s = format!("CREATE DOMAIN {} AS {}", qn(schema, &d.name), d.base.sql());
    if let Some(c) = &d.collation {
        s.push_str(&format!(" COLLATE {}", q(c)));
    }
    if let Some(def) = &d.default {
        s.push_str(&format!(" DEFAULT {}", default_sql(def)));
    }
    if !d.nullable {
        s.push_str(" NOT NULL");
    }
    for c in &d.checks {
        s.push(' ');
        s.push_str(&check_sql(c));
    }
    s
}

pub(crate) fn create_composite_sql(schema: &str, c: &Composite) -> String {
    let fields: Vec<String> = c
        .fields
        .iter()
        .map(|(n, t)| format!("{} {}", q(n), t.sql()))
        .collect();
    format!(
        "CREATE TYPE {} AS ({})",
        qn(schema, &c.name),
        fields.join(", ")
    )
}

/// `CREATE SEQUENCE`, without `OWNED BY` (the owning table may not exist yet).
pub(crate) fn create_sequence_sql(schema: &str, seq: &Sequence) -> String {
    let mut s = format!("CREATE SEQUENCE {}", qn(schema, &seq.name));
    if let Some(t) = &seq.data_type {
        s.push_str(&format!(" AS {}", t.sql()));
    }
    if let Some(v) = seq.increment {
        s.push_str(&format!(" INCREMENT BY {v}"));
    }
    if let Some(v) = seq.min_value {
        s.push_str(&format!(" MINVALUE {v}"));
    }
    if let Some(v) = seq.max_value {
        s.push_str(&format!(" MAXVALUE {v}"));
    }
    if let Some(v) = seq.start {
        s.push_str(&format!(" START WITH {v}"));
    }
    if let Some(v) = seq.cache {
        s.push_str(&format!(" CACHE {v}"));
    }
    if seq.cycle {
        s.push_str(" CYCLE");
    }
    s
}

pub(crate) fn create_extension_sql(schema: &str, e: &Extension) -> String {
    let mut s = format!(
        "CREATE EXTENSION IF NOT EXISTS {} WITH SCHEMA {}",
        q(&e.name),
        q(schema)
    );
    if let Some(v) = &e.version {
        s.push_str(&format!(" VERSION {}", D.quote_string(v)));
    }
    s
}

pub(crate) fn create_trigger_sql(schema: &str, table: &str, t: &Trigger) -> String {
    let (constraint, extra) = match t.extra.as_deref() {
        Some("CONSTRAINT") => (true, None),
        Some(e) => match e.strip_prefix("CONSTRAINT ") {
            Some(rest) => (true, Some(rest)),
            None => (false, Some(e)),
        },
        None => (false, None),
    };
    let timing = match t.timing {
        TriggerTiming::Before => "BEFORE",
        TriggerTiming::After => "AFTER",
        TriggerTiming::InsteadOf => "INSTEAD OF",
    };
    let events: Vec<String> = t
        .events
        .iter()
        .map(|e| match e {
            TriggerEvent::Insert => "INSERT".to_string(),
            TriggerEvent::Update { columns } if columns.is_empty() => "UPDATE".to_string(),
            TriggerEvent::Update { columns } => format!("UPDATE OF {}", idents(columns)),
            TriggerEvent::Delete => "DELETE".to_string(),
            TriggerEvent::Truncate => "TRUNCATE".to_string(),
        })
        .collect();
    let mut s = format!(
        "CREATE {}TRIGGER {} {timing} {} ON {}",
        if constraint { "CONSTRAINT " } else { "" },
        q(&t.name),
        events.join(" OR "),
        qn(schema, table)
    );
    if let Some(e) = extra {
        s.push(' ');
        s.push_str(e);
    }
    s.push_str(if t.for_each_row {
        " FOR EACH ROW"
    } else {
        " FOR EACH STATEMENT"
    });
    if let Some(w) = &t.when {
        s.push_str(&format!(" WHEN ({})", w.as_str()));
    }
    let args: Vec<String> = t.function_args.iter().map(|a| D.quote_string(a)).collect();
    let function = t
        .function
        .as_ref()
        .map(|f| qname(f, schema))
        .unwrap_or_default();
    s.push_str(&format!(
        " EXECUTE FUNCTION {function}({})",
        args.join(", ")
    ));
    s
}

fn role_ref(r: &str) -> String {
    if r.eq_ignore_ascii_case("public") {
        "PUBLIC".to_string()
    } else {
        q(r)
    }
}

pub(crate) fn create_policy_sql(schema: &str, table: &str, p: &Policy) -> String {
    let mut s = format!("CREATE POLICY {} ON {}", q(&p.name), qn(schema, table));
    if !p.permissive {
        s.push_str(" AS RESTRICTIVE");
    }
    s.push_str(&format!(" FOR {}", p.command.sql()));
    if !p.roles.is_empty() {
        let roles: Vec<String> = p.roles.iter().map(|r| role_ref(r)).collect();
        s.push_str(&format!(" TO {}", roles.join(", ")));
    }
    if let Some(u) = &p.using {
        s.push_str(&format!(" USING ({})", u.as_str()));
    }
    if let Some(c) = &p.check {
        s.push_str(&format!(" WITH CHECK ({})", c.as_str()));
    }
    s
}

pub(crate) fn create_role_sql(r: &Role) -> String {
    let mut s = format!("CREATE ROLE {}", q(&r.name));
    let flag = |on: bool, yes: &str, no: &str| if on { yes.to_string() } else { no.to_string() };
    let opts = [
        flag(r.login, "LOGIN", "NOLOGIN"),
        flag(r.superuser, "SUPERUSER", "NOSUPERUSER"),
        flag(r.create_db, "CREATEDB", "NOCREATEDB"),
        flag(r.create_role, "CREATEROLE", "NOCREATEROLE"),
        flag(r.bypass_rls, "BYPASSRLS", "NOBYPASSRLS"),
        flag(r.replication, "REPLICATION", "NOREPLICATION"),
        flag(r.inherit, "INHERIT", "NOINHERIT"),
    ];
    s.push(' ');
    s.push_str(&opts.join(" "));
    if let Some(l) = r.conn_limit {
        s.push_str(&format!(" CONNECTION LIMIT {l}"));
    }
    s
}

/// `GRANT ... ON ...`; `None` for what has no SQL form in PostgreSQL (MySQL's global grants).
pub(crate) fn grant_sql(p: &Permission) -> Option<String> {
    let privs: Vec<&str> = p.privileges.iter().map(|x| x.sql()).collect();
    let privs = privs.join(", ");
    let grantee = role_ref(&p.grantee);
    let option = if p.grantable {
        " WITH GRANT OPTION"
    } else {
        ""
    };
    let default_schema = "public";
    let on = match &p.object {
        GrantObject::Database => {
            // GRANT needs the database's name, which the realm does not hold.
            let inner = format!(
                "GRANT {privs} ON DATABASE %I TO {}{option}",
                grantee.replace('%', "%%")
            );
            return Some(format!(
                "DO $grant$ BEGIN EXECUTE format({}, current_database()); END $grant$",
                D.quote_string(&inner)
            ));
        }
        GrantObject::Schema(s) => format!("SCHEMA {}", q(s)),
        GrantObject::Table(t) => format!("TABLE {}", qname(t, default_schema)),
        GrantObject::Columns(t, cols) => {
            let list = idents(cols);
            let privs: Vec<String> = p
                .privileges
                .iter()
                .map(|x| format!("{} ({list})", x.sql()))
                .collect();
            return Some(format!(
                "GRANT {} ON TABLE {} TO {grantee}{option}",
                privs.join(", "),
                qname(t, default_schema)
            ));
        }
        GrantObject::Sequence(t) => format!("SEQUENCE {}", qname(t, default_schema)),
        GrantObject::Function(f, args) => {
            format!("FUNCTION {}({})", qname(f, default_schema), args.join(", "))
        }
        GrantObject::Procedure(f, args) => {
            format!(
                "PROCEDURE {}({})",
                qname(f, default_schema),
                args.join(", ")
            )
        }
        GrantObject::Type(t) => format!("TYPE {}", qname(t, default_schema)),
        GrantObject::Global => return None,
    };
    Some(format!("GRANT {privs} ON {on} TO {grantee}{option}"))
}

pub(crate) fn default_privilege_sql(d: &DefaultPrivilege) -> String {
    let mut s = "ALTER DEFAULT PRIVILEGES".to_string();
    if let Some(r) = &d.for_role {
        s.push_str(&format!(" FOR ROLE {}", q(r)));
    }
    if let Some(sc) = &d.schema {
        s.push_str(&format!(" IN SCHEMA {}", q(sc)));
    }
    let kind = match d.object_kind {
        DefaultPrivilegeKind::Tables => "TABLES",
        DefaultPrivilegeKind::Sequences => "SEQUENCES",
        DefaultPrivilegeKind::Functions => "FUNCTIONS",
        DefaultPrivilegeKind::Types => "TYPES",
        DefaultPrivilegeKind::Schemas => "SCHEMAS",
    };
    let privs: Vec<&str> = d.privileges.iter().map(|x| x.sql()).collect();
    s.push_str(&format!(
        " GRANT {} ON {kind} TO {}{}",
        privs.join(", "),
        role_ref(&d.grantee),
        if d.grantable {
            " WITH GRANT OPTION"
        } else {
            ""
        }
    ));
    s
}

pub(crate) fn comment_sql(target: &str, comment: &str) -> String {
    format!("COMMENT ON {target} IS {}", D.quote_string(comment))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_ir::{ColumnType, Expr, PgType};

    #[test]
    fn prints_columns() {
        let mut c = Column::new(
            "price",
            ColumnType::Postgres(PgType::Numeric {
                precision: Some(10),
                scale: Some(2),
            }),
        );
        c.nullable = false;
        c.default = Some(ColDefault::Expr(Expr::new("0")));
        assert_eq!(
            column_def_sql(&c),
            "\"price\" numeric(10,2) DEFAULT 0 NOT NULL"
        );
    }

    #[test]
    fn dollar_tags_avoid_the_body() {
        assert_eq!(dollar_tag("select 1"), "$body$");
        assert_eq!(dollar_tag("x $body$ y"), "$body1$");
    }
}
