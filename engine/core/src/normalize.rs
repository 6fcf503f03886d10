//! Normalisation: what "equal" ignores when a compiled schema meets an inspected one, and
//! nothing more (DESIGN.md, "Normalisation"): type aliases (resolved by `ColumnType::parse`),
//! identifier case folding (done by the front ends), the spelling of default, check and other
//! expressions, implicit names of constraints and indexes, column order, and MySQL display
//! widths (dropped by `ColumnType::parse`). Defaults, checks, comments and nullability always
//! count.
//!
//! `normalize` returns a canonical copy of a realm; two realms are equal up to normalisation when
//! their canonical copies are `==`.

use std::ops::ControlFlow;

use cairn_ir::{
    Check, Default as ColDefault, Dialect, Expr, Generated, Index, IndexKey, Literal, Realm, Table,
    View,
};
use sqlparser::ast::{
    self as sql, BinaryOperator, CastKind, FunctionArguments, UnaryOperator, Value,
    visit_expressions_mut,
};
use sqlparser::dialect::{Dialect as SqlDialect, GenericDialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;

mod mysql;
mod postgres;
mod sqlite;

pub(crate) use sqlite::canonical_trigger_sql as sqlite_trigger_sql;

/// A canonical copy of `realm`: equal realms (up to the contract's normalisation) give `==`
/// copies.
pub fn normalize(realm: &Realm) -> Realm {
    let mut r = realm.clone();
    let d = r.dialect;
    r.schemas.sort_by(|a, b| a.name.cmp(&b.name));
    for s in &mut r.schemas {
        if d == Dialect::Postgres {
            postgres::normalize_schema(s);
        }
        if d == Dialect::Sqlite {
            sqlite::normalize_schema(s);
        }
        s.tables.sort_by(|a, b| a.name.cmp(&b.name));
        let parent = schema_parent(d, s);
        let schema = s.name.clone();
        for t in &mut s.tables {
            normalize_table_in(d, t, Some(&schema), parent.as_deref());
        }
        for v in s.views.iter_mut().chain(s.materialized_views.iter_mut()) {
            normalize_view_in(d, v, Some(&schema));
        }
        s.views.sort_by(|a, b| a.name.cmp(&b.name));
        s.materialized_views.sort_by(|a, b| a.name.cmp(&b.name));
        s.functions
            .sort_by_key(|f| format!("{}{:?}", f.name, f.args));
        s.procedures.sort_by(|a, b| a.name.cmp(&b.name));
        if d.is_mysql_family() {
            for f in s.functions.iter_mut().chain(s.procedures.iter_mut()) {
                mysql::normalize_routine(d, f);
            }
        }
        s.aggregates.sort_by(|a, b| a.name.cmp(&b.name));
        s.sequences.sort_by(|a, b| a.name.cmp(&b.name));
        s.enums.sort_by(|a, b| a.name.cmp(&b.name));
        s.domains.sort_by(|a, b| a.name.cmp(&b.name));
        for dom in &mut s.domains {
            dom.default = normalize_default(d, dom.default.take());
            for c in &mut dom.checks {
                c.expr = canonical(d, &c.expr);
                if c.name.as_deref() == Some(&format!("{}_check", dom.name)) {
                    c.name = None;
                }
            }
            dom.checks.sort_by(|a, b| a.expr.0.cmp(&b.expr.0));
        }
        s.composites.sort_by(|a, b| a.name.cmp(&b.name));
        s.extensions.sort_by(|a, b| a.name.cmp(&b.name));
        for e in &mut s.extensions {
            // A schema that does not pin a version accepts whatever is installed.
            e.version = None;
        }
        if d.is_mysql_family() {
            for u in s.unsupported.iter_mut().filter(|u| u.kind == "event") {
                u.raw = mysql::canonical_event(&u.raw);
            }
        }
        s.unsupported
            .sort_by(|a, b| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)));
    }
    if d == Dialect::Postgres {
        postgres::normalize_realm(&mut r);
    }
    r.roles.sort_by(|a, b| a.name.cmp(&b.name));
    for role in &mut r.roles {
        role.member_of.sort();
    }
    let only_schema = (r.schemas.len() == 1).then(|| r.schemas[0].name.clone());
    for p in &mut r.permissions {
        p.privileges.sort();
        p.privileges.dedup();
        if d.is_mysql_family() {
            mysql::normalize_grant_object(&mut p.object, only_schema.as_deref());
        }
    }
    r.permissions
        .sort_by_key(|p| format!("{:?}", (&p.grantee, &p.object, p.grantable, &p.privileges)));
    r.default_privileges.sort_by_key(|p| format!("{p:?}"));
    r
}

/// What a schema's tables inherit (MySQL: the schema's effective collation; PostgreSQL: the
/// schema itself, which their unqualified references name).
fn schema_parent(d: Dialect, s: &cairn_ir::Schema) -> Option<String> {
    if d == Dialect::Postgres {
        return Some(s.name.clone());
    }
    d.is_mysql_family()
        .then(|| mysql::schema_collation(d, s.charset.as_deref(), s.collation.as_deref()))
}

/// Whether tables of `a` and of `b` normalise alike: same schema name, same inherited defaults.
pub(crate) fn same_table_context(d: Dialect, a: &cairn_ir::Schema, b: &cairn_ir::Schema) -> bool {
    a.name == b.name && schema_parent(d, a) == schema_parent(d, b)
}

fn normalize_table(d: Dialect, t: &mut Table) {
    normalize_table_in(d, t, None, None);
}

/// Normalises a table of `schema`, whose tables inherit `parent` (see `schema_parent`).
fn normalize_table_in(d: Dialect, t: &mut Table, schema: Option<&str>, parent: Option<&str>) {
    if d.is_mysql_family() {
        mysql::normalize_table(d, t, schema, parent);
    }
    if d == Dialect::Postgres {
        postgres::normalize_table(t, parent);
    }
    normalize_table_common(d, t);
}

fn normalize_table_common(d: Dialect, t: &mut Table) {
    // Hints and live estimates describe how we got here, not the state.
    t.rows = None;
    t.renamed_from = None;
    let table = t.name.clone();
    for c in &mut t.columns {
        c.renamed_from = None;
        c.default = normalize_default(d, c.default.take());
        if let Some(g) = &mut c.generated {
            *g = Generated {
                expr: canonical(d, &g.expr),
                stored: g.stored,
            };
        }
        if let cairn_ir::ColumnExt::Mysql(ext) = &mut c.ext
            && let Some(on_update) = &ext.on_update
        {
            ext.on_update = Some(canonical(d, on_update));
        }
    }
    t.columns.sort_by(|a, b| a.name.cmp(&b.name));
    // MySQL ignores a primary key's name: it is always `PRIMARY`.
    if let Some(pk) = &mut t.primary_key
        && pk.name.is_some()
        && (d.is_mysql_family() || pk.name == d.implicit_primary_key_name(&table))
    {
        pk.name = None;
    }
    // Foreign keys: implicit names are positional in MySQL, so compare them by content.
    let mut unnamed_fk = 0;
    for fk in &mut t.foreign_keys {
        unnamed_fk += 1;
        let cols: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
        let implicit = d.implicit_foreign_key_name(&table, &cols, unnamed_fk);
        if fk.name.is_some() && fk.name == implicit {
            fk.name = None;
        }
        if d.is_mysql_family()
            && fk
                .name
                .as_deref()
                .is_some_and(|n| is_mysql_generated_fk(&table, n))
        {
            fk.name = None;
        }
        if fk.ref_table.schema.is_some() && d.fixed_schema().is_some() {
            fk.ref_table.schema = None;
        }
    }
    t.foreign_keys
        .sort_by_key(|f| format!("{:?}", (&f.name, &f.columns, &f.ref_table, &f.ref_columns)));
    let mut unnamed_check = 0;
    for c in &mut t.checks {
        unnamed_check += 1;
        normalize_check(d, &table, c, unnamed_check);
    }
    t.checks
        .sort_by(|a, b| (&a.name, &a.expr.0).cmp(&(&b.name, &b.expr.0)));
    for i in &mut t.indexes {
        normalize_index(d, i);
    }
    t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
    if d == Dialect::Sqlite {
        for tr in &mut t.triggers {
            sqlite::normalize_trigger(tr);
        }
    }
    t.triggers.sort_by(|a, b| a.name.cmp(&b.name));
    for p in &mut t.policies {
        p.using = p.using.as_ref().map(|e| canonical(d, e));
        p.check = p.check.as_ref().map(|e| canonical(d, e));
        p.roles.sort();
    }
    t.policies.sort_by(|a, b| a.name.cmp(&b.name));
    t.excludes.sort_by(|a, b| a.definition.cmp(&b.definition));
}

/// Whether a foreign key has no name of its own: none, or the one the database gives a key
/// declared without one (PostgreSQL's `t_col_fkey`, MySQL's `t_ibfk_<n>`).
pub fn fk_name_is_implicit(d: Dialect, table: &str, fk: &cairn_ir::ForeignKey) -> bool {
    let Some(n) = &fk.name else {
        return true;
    };
    let cols: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
    if d.is_mysql_family() {
        return is_mysql_generated_fk(table, n);
    }
    d.implicit_foreign_key_name(table, &cols, 1).as_deref() == Some(n.as_str())
}

fn is_mysql_generated_fk(table: &str, name: &str) -> bool {
    name.strip_prefix(table)
        .and_then(|r| r.strip_prefix("_ibfk_"))
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

fn normalize_check(d: Dialect, table: &str, c: &mut Check, ordinal: usize) {
    c.expr = canonical(d, &c.expr);
    if let Some(name) = &c.name {
        let column_named = d.implicit_check_name(table, None, ordinal).as_deref() == Some(name)
            || (d == Dialect::Postgres && name.starts_with(table) && name.ends_with("_check"))
            || (d.is_mysql_family()
                && (name.starts_with("CONSTRAINT_") || is_mysql_chk(table, name)));
        if column_named {
            c.name = None;
        }
    }
}

fn is_mysql_chk(table: &str, name: &str) -> bool {
    name.strip_prefix(table)
        .and_then(|r| r.strip_prefix("_chk_"))
        .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
}

fn normalize_index(d: Dialect, i: &mut Index) {
    i.renamed_from = None;
    for p in &mut i.parts {
        if let IndexKey::Expr(e) = &p.key {
            p.key = IndexKey::Expr(canonical(d, e));
        }
    }
    i.predicate = i.predicate.as_ref().map(|e| canonical(d, e));
}

fn normalize_view(d: Dialect, v: &mut View) {
    normalize_view_in(d, v, None)
}

/// A view of `schema` (MySQL: a name qualified with it is the name alone).
fn normalize_view_in(d: Dialect, v: &mut View, schema: Option<&str>) {
    if d.is_mysql_family() {
        // MySQL prints a view's column list as the aliases of its select list.
        v.definition = mysql::canonical_view_in(d, &v.definition, &v.columns, schema);
        v.columns.clear();
        v.options.sort();
    } else {
        v.definition = canonical_query(d, &v.definition);
    }
    for i in &mut v.indexes {
        normalize_index(d, i);
    }
    v.indexes.sort_by(|a, b| a.name.cmp(&b.name));
}

/// Defaults compare by value: an expression that is only a (cast) literal is that literal;
/// `DEFAULT NULL` is no default.
fn normalize_default(d: Dialect, def: Option<ColDefault>) -> Option<ColDefault> {
    let lit = match def? {
        ColDefault::Literal(l) => l,
        ColDefault::Expr(e) => match parse_expr(d, e.as_str()).map(|x| simplify(d, x)) {
            Some(sql::Expr::Value(v)) => match value_literal(&v.value) {
                Some(l) => l,
                None => return Some(ColDefault::Expr(canonical(d, &e))),
            },
            _ => return Some(ColDefault::Expr(canonical(d, &e))),
        },
    };
    match lit {
        Literal::Null => None,
        Literal::Bool(b) if d.is_mysql_family() => Some(ColDefault::Literal(Literal::Number(
            if b { "1" } else { "0" }.into(),
        ))),
        Literal::String(s) if looks_numeric(&s) => Some(ColDefault::Literal(Literal::Number(
            canonical_number(d, &s),
        ))),
        Literal::Number(n) => Some(ColDefault::Literal(Literal::Number(canonical_number(
            d, &n,
        )))),
        other => Some(ColDefault::Literal(other)),
    }
}

fn value_literal(v: &Value) -> Option<Literal> {
    Some(match v {
        Value::Null => Literal::Null,
        Value::Boolean(b) => Literal::Bool(*b),
        Value::Number(n, _) => Literal::Number(n.to_string()),
        Value::SingleQuotedString(s)
        | Value::EscapedStringLiteral(s)
        | Value::DoubleQuotedString(s) => Literal::String(s.clone()),
        _ => return None,
    })
}

fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    !t.is_empty()
        && t.chars().all(|c| c.is_ascii_digit() || c == '.')
        && t.chars().filter(|c| *c == '.').count() <= 1
        && !t.starts_with('.')
}

fn canonical_number(d: Dialect, s: &str) -> String {
    let s = s.trim();
    // MySQL stores a default as a value of the column's type: `DEFAULT 0` on a `decimal(10,2)`
    // reads back as `0.00` (PostgreSQL: `40` on a `numeric(4,1)` as `40.0`). Numbers compare by
    // value there, and in SQLite, where the compiler reads `0.0` as `0` (the column's affinity
    // decides what is stored).
    if (d.is_mysql_family() || d == Dialect::Postgres || d == Dialect::Sqlite)
        && looks_numeric(s)
        && s.contains('.')
    {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        return if matches!(t, "" | "-" | "-0") {
            "0".into()
        } else {
            t.to_string()
        };
    }
    s.to_string()
}

fn sql_dialect(d: Dialect) -> Box<dyn SqlDialect> {
    match d {
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::Mysql(_) => Box::new(MySqlDialect {}),
        // sqlparser's SQLite dialect, with `NOT GLOB`, `IS NOT expr` and the bit shifts.
        Dialect::Sqlite => Box::new(cairn_syntax::sql::SqliteDialect::default()),
    }
}

fn parse_expr(d: Dialect, text: &str) -> Option<sql::Expr> {
    let dialect = sql_dialect(d);
    let text = match d {
        Dialect::Postgres => postgres::prepare_text(text),
        _ => std::borrow::Cow::Borrowed(text),
    };
    let mut p = Parser::new(dialect.as_ref()).try_with_sql(&text).ok()?;
    let e = p.parse_expr().ok()?;
    // The whole text must be one expression.
    if p.peek_token().token != sqlparser::tokenizer::Token::EOF {
        return None;
    }
    Some(e)
}

/// The canonical spelling of an expression: parsed, stripped of redundant parentheses and of
/// casts on literals, `x = ANY (ARRAY[...])` read as `x IN (...)`, unquoted identifiers and
/// function names folded, then printed. Text that does not parse is compared with white space
/// collapsed.
/// A MySQL/MariaDB event's `CREATE EVENT` statement in one spelling (defaults spelled out, the
/// implicit start left out, the definer ignored): two events are the same when these are equal.
pub fn canonical_event(raw: &str) -> String {
    mysql::canonical_event(raw)
}

pub fn canonical(d: Dialect, e: &Expr) -> Expr {
    if d.is_mysql_family() {
        // MySQL's `a MOD b`, which sqlparser reads only as `a % b`.
        let text = mysql::mod_operator(e.as_str());
        if text != e.as_str() {
            return canonical(d, &Expr::new(text));
        }
    }
    match parse_expr(d, e.as_str()) {
        Some(x) => Expr(simplify(d, x).to_string()),
        None => Expr(collapse_ws(e.as_str())),
    }
}

/// The canonical spelling of a query (view bodies): as `canonical`, and column references are
/// compared without their table qualifier (PostgreSQL adds them when it prints a view).
pub fn canonical_query(d: Dialect, text: &str) -> String {
    let dialect = sql_dialect(d);
    let trimmed = text.trim().trim_end_matches(';');
    let prepared = match d {
        Dialect::Postgres => postgres::prepare_text(trimmed),
        _ => std::borrow::Cow::Borrowed(trimmed),
    };
    let trimmed: &str = &prepared;
    let parsed = Parser::parse_sql(dialect.as_ref(), trimmed)
        .or_else(|_| Parser::parse_sql(&GenericDialect {}, trimmed));
    match parsed {
        Ok(mut stmts) if stmts.len() == 1 => {
            if d == Dialect::Postgres {
                postgres::rewrite_query(&mut stmts[0]);
            }
            let _ = visit_expressions_mut(&mut stmts, |x: &mut sql::Expr| {
                if let sql::Expr::CompoundIdentifier(parts) = x
                    && parts.len() == 2
                {
                    *x = sql::Expr::Identifier(parts[1].clone());
                }
                simplify_node(d, x);
                ControlFlow::<()>::Continue(())
            });
            let s = stmts.remove(0).to_string();
            match d {
                // `4 AS "time"`, as PostgreSQL quotes a keyword alias, is `4 AS time`.
                Dialect::Postgres => postgres::unquote_simple(&collapse_ws(&s)),
                _ => collapse_ws(&s),
            }
        }
        _ => collapse_ws(&text.to_ascii_lowercase()),
    }
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn simplify(d: Dialect, mut e: sql::Expr) -> sql::Expr {
    let _ = visit_expressions_mut(&mut e, |x: &mut sql::Expr| {
        simplify_node(d, x);
        ControlFlow::<()>::Continue(())
    });
    // The visitor works bottom-up; a parenthesised root may remain.
    while let sql::Expr::Nested(inner) = e {
        e = *inner;
    }
    simplify_node(d, &mut e);
    e
}

fn simplify_node(d: Dialect, x: &mut sql::Expr) {
    loop {
        match x {
            sql::Expr::Nested(inner) => {
                *x = std::mem::replace(inner.as_mut(), sql::Expr::value(Value::Null));
            }
            sql::Expr::Cast {
                kind: CastKind::DoubleColon | CastKind::Cast,
                expr,
                ..
            } if is_literal(expr)
                || matches!(expr.as_ref(), sql::Expr::Nested(_))
                    && is_literal(strip_nested(expr)) =>
            {
                let inner = strip_nested(expr).clone();
                *x = inner;
            }
            sql::Expr::UnaryOp {
                op: UnaryOperator::Minus,
                expr,
            } if matches!(expr.as_ref(), sql::Expr::Value(v) if matches!(v.value, Value::Number(..))) => {
                if let sql::Expr::Value(v) = expr.as_ref()
                    && let Value::Number(n, l) = &v.value
                {
                    *x = sql::Expr::value(Value::Number(format!("-{n}"), *l));
                }
            }
            sql::Expr::AnyOp {
                left,
                compare_op: BinaryOperator::Eq,
                right,
                ..
            } => {
                let list = match strip_nested(right) {
                    sql::Expr::Array(arr) => Some(arr.elem.clone()),
                    _ => None,
                };
                match list {
                    Some(list) => {
                        let left = std::mem::replace(left.as_mut(), sql::Expr::value(Value::Null));
                        let list = list.into_iter().map(|e| simplify(d, e)).collect();
                        *x = sql::Expr::InList {
                            expr: Box::new(left),
                            list,
                            negated: false,
                        };
                    }
                    None => return,
                }
            }
            sql::Expr::Identifier(id) => {
                fold_ident(d, id);
                return;
            }
            sql::Expr::CompoundIdentifier(ids) => {
                ids.iter_mut().for_each(|id| fold_ident(d, id));
                return;
            }
            sql::Expr::Value(v) => {
                if d == Dialect::Postgres {
                    postgres::rewrite_value(&mut v.value);
                }
                if let Value::SingleQuotedString(s) = &v.value
                    && looks_numeric(s)
                {
                    v.value = Value::Number(s.clone(), false);
                }
                return;
            }
            sql::Expr::Function(f) => {
                for part in f.name.0.iter_mut() {
                    // PostgreSQL quotes a function named by a keyword (`"current_schema"()`):
                    // a quoted name that folding leaves alone is the same name.
                    let same_unquoted = |v: &str| {
                        d == Dialect::Postgres
                            && v.chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                    };
                    if let sql::ObjectNamePart::Identifier(id) = part
                        && (id.quote_style.is_none()
                            || d.is_mysql_family()
                            || same_unquoted(&id.value))
                    {
                        id.value = id.value.to_ascii_lowercase();
                        id.quote_style = None;
                    }
                }
                let name = f.name.to_string();
                // `CURRENT_TIMESTAMP` and `current_timestamp()` are one function; MySQL's
                // `now()` is a synonym that MariaDB prints as `current_timestamp()`.
                let niladic = [
                    "current_timestamp",
                    "current_date",
                    "current_time",
                    "localtimestamp",
                    "localtime",
                    "current_user",
                    "session_user",
                ];
                if niladic.contains(&name.as_str()) || (d.is_mysql_family() && name == "now") {
                    if d.is_mysql_family() && name == "now" {
                        f.name = sql::ObjectName::from(vec![sql::Ident::new("current_timestamp")]);
                    }
                    if matches!(&f.args, FunctionArguments::None) {
                        f.args = FunctionArguments::List(sql::FunctionArgumentList {
                            duplicate_treatment: None,
                            args: vec![],
                            clauses: vec![],
                        });
                    }
                }
                if d == Dialect::Postgres
                    && let Some(row) = postgres::row_tuple(f)
                {
                    *x = row;
                }
                return;
            }
            _ => {
                if !(d == Dialect::Postgres
                    && (postgres::rewrite_expr(x) || postgres::rewrite_list_op(x)))
                {
                    return;
                }
            }
        }
    }
}

fn strip_nested(e: &sql::Expr) -> &sql::Expr {
    match e {
        sql::Expr::Nested(inner) => strip_nested(inner),
        other => other,
    }
}

fn is_literal(e: &sql::Expr) -> bool {
    match e {
        sql::Expr::Value(_) => true,
        sql::Expr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => matches!(expr.as_ref(), sql::Expr::Value(_)),
        _ => false,
    }
}

fn fold_ident(d: Dialect, id: &mut sql::Ident) {
    match d {
        // MySQL and SQLite column names are case-insensitive; MariaDB prints them in backticks.
        Dialect::Mysql(_) | Dialect::Sqlite => {
            id.value = id.value.to_ascii_lowercase();
            id.quote_style = None;
        }
        Dialect::Postgres => {
            if id.quote_style.is_none() {
                id.value = id.value.to_lowercase();
            } else if id
                .value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                id.quote_style = None;
            }
        }
    }
}

/// A normalised copy of one table (for the differ's per-object comparisons).
pub fn normalize_table_copy(d: Dialect, t: &Table) -> Table {
    let mut t = t.clone();
    normalize_table(d, &mut t);
    t
}

/// A normalised copy of one table of schema `s` (what the table inherits from it counts).
pub fn normalize_table_copy_in(d: Dialect, t: &Table, s: &cairn_ir::Schema) -> Table {
    let mut t = t.clone();
    normalize_table_in(d, &mut t, Some(&s.name), schema_parent(d, s).as_deref());
    t
}

/// A normalised copy of one column; its name and rename hint are kept out of the comparison.
/// What a MySQL column inherits from its table is not known here: compare columns of tables
/// normalised whole (`normalize_table_copy_in`) for their charsets and collations to count.
pub fn normalize_column(d: Dialect, c: &cairn_ir::Column) -> cairn_ir::Column {
    let mut t = Table::new("t");
    t.columns.push(c.clone());
    normalize_table_common(d, &mut t);
    let mut c = t.columns.remove(0);
    c.name = String::new();
    c
}

/// A normalised copy of a function or procedure (MySQL: canonical types and body layout).
pub fn normalize_routine_copy(d: Dialect, f: &cairn_ir::Function) -> cairn_ir::Function {
    let mut f = f.clone();
    if d.is_mysql_family() {
        mysql::normalize_routine(d, &mut f);
    }
    f
}

/// A normalised copy of a schema's objects other than its tables (which are left out: the
/// differ normalises those one by one). For comparing functions, sequences and the like.
pub fn normalize_schema_copy(d: Dialect, s: &cairn_ir::Schema) -> cairn_ir::Schema {
    let mut one = s.clone();
    one.tables.clear();
    let mut r = Realm::new(d);
    r.schemas.push(one);
    normalize(&r).schemas.remove(0)
}

/// The realm's permissions, each normalised, in their order (for the differ, which pairs them
/// with the originals).
pub fn normalize_permissions(r: &Realm) -> Vec<cairn_ir::Permission> {
    let d = r.dialect;
    let mut light = Realm::new(d);
    for s in &r.schemas {
        let mut x = cairn_ir::Schema::new(&s.name);
        x.functions = s.functions.clone();
        x.procedures = s.procedures.clone();
        light.schemas.push(x);
    }
    light.permissions = r.permissions.clone();
    if d == Dialect::Postgres {
        postgres::qualify_grants(&mut light.permissions, &r.schemas);
        for s in &mut light.schemas {
            postgres::normalize_schema(s);
        }
        postgres::normalize_realm(&mut light);
    }
    for p in &mut light.permissions {
        p.privileges.sort();
        p.privileges.dedup();
    }
    light.permissions
}

/// A normalised copy of a view.
pub fn normalize_view_copy(d: Dialect, v: &View) -> View {
    let mut v = v.clone();
    normalize_view(d, &mut v);
    v
}

/// A normalised copy of a view of `schema`.
pub fn normalize_view_copy_in(d: Dialect, v: &View, schema: &str) -> View {
    let mut v = v.clone();
    normalize_view_in(d, &mut v, Some(schema));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(d: Dialect, s: &str) -> String {
        canonical(d, &Expr::new(s)).0
    }

    #[test]
    fn postgres_prints_meet_source() {
        let pg = Dialect::Postgres;
        assert_eq!(c(pg, "((price > (0)::numeric))"), c(pg, "price > 0"));
        assert_eq!(
            c(pg, "(status = ANY (ARRAY['a'::text, 'b'::text]))"),
            c(pg, "status IN ('a', 'b')")
        );
        assert_eq!(c(pg, "NOW()"), c(pg, "now()"));
        assert_eq!(
            c(
                pg,
                "((\"current_schema\"())::uuid = (current_database())::uuid)"
            ),
            c(pg, "current_schema()::uuid = current_database()::uuid")
        );
        assert_eq!(c(pg, "nextval('s'::regclass)"), c(pg, "nextval('s')"));
        assert_ne!(c(pg, "price > 0"), c(pg, "price >= 0"));
    }

    #[test]
    fn mysql_prints_meet_source() {
        let my = Dialect::MARIADB;
        assert_eq!(c(my, "`price` > 0"), c(my, "price > 0"));
        assert_eq!(c(my, "current_timestamp()"), c(my, "CURRENT_TIMESTAMP"));
        assert_eq!(c(my, "now()"), c(my, "CURRENT_TIMESTAMP"));
    }

    #[test]
    fn literal_defaults_compare_by_value() {
        let pg = Dialect::Postgres;
        let a = normalize_default(pg, Some(ColDefault::Expr(Expr::new("'active'::text"))));
        let b = normalize_default(
            pg,
            Some(ColDefault::Literal(Literal::String("active".into()))),
        );
        assert_eq!(a, b);
        let a = normalize_default(pg, Some(ColDefault::Expr(Expr::new("'-1'::integer"))));
        let b = normalize_default(pg, Some(ColDefault::Literal(Literal::Number("-1".into()))));
        assert_eq!(a, b);
        assert_eq!(
            normalize_default(pg, Some(ColDefault::Literal(Literal::Null))),
            None
        );
        let t = normalize_default(
            Dialect::MARIADB,
            Some(ColDefault::Literal(Literal::Bool(true))),
        );
        assert_eq!(t, Some(ColDefault::Literal(Literal::Number("1".into()))));
    }

    /// A column default as written in a schema and as PostgreSQL prints it compare equal.
    fn pg_default_eq(ty: &str, declared: &str, printed: &str) -> bool {
        let pg = Dialect::Postgres;
        let col = |d: &str| {
            let mut t = Table::new("t");
            let mut c = cairn_ir::Column::new("c", cairn_ir::ColumnType::parse(pg, ty));
            c.default = Some(ColDefault::Expr(Expr::new(d)));
            t.columns.push(c);
            normalize_table_copy(pg, &t).columns.remove(0).default
        };
        col(declared) == col(printed)
    }

    #[test]
    fn postgres_typed_literal_defaults_meet_printed() {
        for (ty, declared, printed) in [
            ("date", "DATE '2024-01-01'", "'2024-01-01'::date"),
            ("time", "TIME '12:00'", "'12:00:00'::time without time zone"),
            (
                "timestamp",
                "TIMESTAMP '2024-01-01 12:00:00'",
                "'2024-01-01 12:00:00'::timestamp without time zone",
            ),
            ("bit(8)", "x'1F'", "'00011111'::\"bit\""),
            ("bit(4)", "X'A'", "'1010'::\"bit\""),
            ("json", "json '{}'", "'{}'::json"),
            (
                "uuid",
                "uuid '00000000-0000-0000-0000-000000000000'",
                "'00000000-0000-0000-0000-000000000000'::uuid",
            ),
            ("numeric", "numeric '1.5'", "1.5"),
            ("bigint", "bigint '2'", "'2'::bigint"),
            ("boolean", "boolean 'true'", "true"),
            ("boolean", "'yes'", "true"),
            ("interval", "interval '1' year", "'1 year'::interval"),
            ("interval", "interval '90' minute", "'01:30:00'::interval"),
            ("interval", "interval '1.5' year", "'1 year'::interval"),
            ("interval", "interval '1.5' hour", "'01:00:00'::interval"),
            ("money", "'1.999'::money", "'$2.00'::money"),
            ("money", "1.00::money", "(1.00)::money"),
            ("int[]", "ARRAY[]::int[]", "ARRAY[]::integer[]"),
            (
                "text[]",
                "ARRAY['a', 'b']::text[]",
                "ARRAY['a'::text, 'b'::text]",
            ),
            (
                "text[]",
                "ARRAY[current_date::text]::text[]",
                "ARRAY[(CURRENT_DATE)::text]",
            ),
            ("numeric[]", "ARRAY[numeric '1']", "ARRAY['1'::numeric]"),
        ] {
            assert!(
                pg_default_eq(ty, declared, printed),
                "{declared} vs {printed}"
            );
        }
        assert!(!pg_default_eq(
            "interval",
            "interval '2' year",
            "'1 year'::interval"
        ));
        assert!(!pg_default_eq("money", "'1.994'::money", "'$2.00'::money"));
        assert!(!pg_default_eq(
            "text[]",
            "ARRAY['a']::text[]",
            "ARRAY['b'::text]"
        ));
    }

    #[test]
    fn view_bodies_ignore_qualifiers_and_layout() {
        let pg = Dialect::Postgres;
        assert_eq!(
            canonical_query(
                pg,
                " SELECT users.id,\n    users.email\n   FROM users\n  WHERE users.active;"
            ),
            canonical_query(pg, "select id, email from users where active")
        );
    }
}
