//! PostgreSQL: what a compiled schema states and what the inspector reads back compare equal
//! when they come to the same thing.
//!
//! - Names a schema's objects refer to are compared without the schema they live in: the
//!   inspector qualifies every type, foreign key target, trigger function and partition parent,
//!   a schema may leave them unqualified (`None` means "this schema").
//! - Implicit constraint names (`t_pkey`, `t_a_fkey`, `t_a_check`, `t_a_b_excl`, with the digits
//!   PostgreSQL appends on a collision) are `None`; inspectors report the real names.
//! - Sequence and identity options at their defaults (`START 1`, `INCREMENT 1`, `CACHE 1`, the
//!   type's range, `AS bigint`) are unset.
//! - Types written in routine signatures compare as `format_type` spells them; routine bodies
//!   compare without regard to layout.
//! - Time and interval literals compare as PostgreSQL prints them (`'08:00'` is `'08:00:00'`).
//! - Exclusion constraints compare with their predicate canonical and identifiers unquoted.
//! - View bodies: `GROUP BY 1` means the first output column, and the parentheses PostgreSQL puts
//!   around a join do not change it.

use std::ops::ControlFlow;

use cairn_ir::{
    Aggregate, ArgMode, ColumnType, Default as ColDefault, Dialect, Expr, FuncArg, Function,
    GrantObject, Identity, Index, IndexKey, IndexMethod, Literal, PgType, QualifiedName, Realm,
    Schema, Sequence, Table, TableExt,
};
use sqlparser::ast::{self as sql, VisitMut, VisitorMut};

use super::canonical;

const D: Dialect = Dialect::Postgres;

/// Normalises the schema-level objects of `s` (tables are done by `normalize_table`).
pub(super) fn normalize_schema(s: &mut Schema) {
    let own = s.name.clone();
    let own = Some(own.as_str());
    for q in &mut s.sequences {
        sequence(q);
    }
    for f in &mut s.functions {
        function(own, f);
        if f.returns.is_none() {
            // A function with OUT parameters returns them: the one's type, or a record.
            let outs: Vec<&FuncArg> = f
                .args
                .iter()
                .filter(|a| matches!(a.mode, ArgMode::Out | ArgMode::InOut))
                .collect();
            f.returns = match outs.as_slice() {
                [] => None,
                [one] => Some(one.ty.clone()),
                _ => Some("record".to_string()),
            };
        }
    }
    for f in &mut s.procedures {
        function(own, f);
    }
    for a in &mut s.aggregates {
        aggregate(own, a);
    }
    for c in &mut s.composites {
        for (_, ty) in &mut c.fields {
            column_type(own, ty);
        }
    }
    for dom in &mut s.domains {
        column_type(own, &mut dom.base);
        for c in &mut dom.checks {
            if c.name
                .as_deref()
                .is_some_and(|n| is_implicit(n, &dom.name, "check"))
            {
                c.name = None;
            }
        }
    }
    for v in s.materialized_views.iter_mut() {
        for i in &mut v.indexes {
            i.comment = i.comment.take().filter(|c| !c.is_empty());
            index(i);
        }
    }
    partition_bounds(s);
}

/// A partition bound of a `timestamp` key as `pg_get_expr` prints it: `FROM ('2024-01-01')` is
/// `FROM ('2024-01-01 00:00:00')`.
fn partition_bounds(s: &mut Schema) {
    let timestamp_keyed: Vec<String> = s
        .tables
        .iter()
        .filter(|t| {
            t.partition_by.as_ref().is_some_and(|p| {
                !p.keys.is_empty()
                    && p.keys.iter().all(|k| match k {
                        IndexKey::Column(c) => t.columns.iter().any(|col| {
                            col.name == *c && {
                                let ty = col.ty.sql().to_ascii_lowercase();
                                ty.starts_with("timestamp") && !ty.contains("with time zone")
                            }
                        }),
                        _ => false,
                    })
            })
        })
        .map(|t| t.name.clone())
        .collect();
    if timestamp_keyed.is_empty() {
        return;
    }
    let own = s.name.clone();
    for t in &mut s.tables {
        let Some(p) = &mut t.partition_of else {
            continue;
        };
        if p.parent.schema.as_deref().is_some_and(|x| x != own)
            || !timestamp_keyed.contains(&p.parent.name)
        {
            continue;
        }
        p.bound = midnight_dates(&p.bound);
    }
}

/// `'YYYY-MM-DD'` literals of `text` as `'YYYY-MM-DD 00:00:00'`.
fn midnight_dates(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\'') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let Some(end) = rest.find('\'') else {
            break;
        };
        let lit = &rest[..end];
        let b = lit.as_bytes();
        let is_date = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            });
        out.push_str(lit);
        if is_date {
            out.push_str(" 00:00:00");
        }
        out.push('\'');
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Normalises a table of schema `schema` (before the dialect-independent rules run).
pub(super) fn normalize_table(t: &mut Table, schema: Option<&str>) {
    let table = t.name.clone();
    for c in &mut t.columns {
        column_type(schema, &mut c.ty);
        if let Some(id) = &mut c.identity {
            identity(&c.ty, id);
        }
        c.default = typed_default(&c.ty, super::normalize_default(D, c.default.take()));
    }
    if let Some(pk) = &mut t.primary_key
        && pk
            .name
            .as_deref()
            .is_some_and(|n| is_implicit(n, &table, "pkey"))
    {
        pk.name = None;
    }
    for fk in &mut t.foreign_keys {
        strip_own(schema, &mut fk.ref_table);
        let cols = fk.columns.join("_");
        if fk
            .name
            .as_deref()
            .is_some_and(|n| is_implicit(n, &format!("{table}_{cols}"), "fkey"))
        {
            fk.name = None;
        }
    }
    for c in &mut t.checks {
        // The column in the name is the one the expression mentions (the differ normalises a
        // check on a table without its columns).
        let columns = expr_words(c.expr.as_str());
        if c.name.as_deref().is_some_and(|n| {
            n.starts_with(table.as_str()) && is_implicit_suffix(n, "check")
                || is_generated_name(n, &table, &columns, "check")
        }) {
            c.name = None;
        }
    }
    for i in &mut t.indexes {
        index(i);
    }
    for x in &mut t.excludes {
        if x.name
            .as_deref()
            .is_some_and(|n| n.starts_with(table.as_str()) && is_implicit_suffix(n, "excl"))
        {
            x.name = None;
        }
        x.definition = exclude_definition(&x.definition);
    }
    for tr in &mut t.triggers {
        if let Some(f) = &mut tr.function {
            strip_own(schema, f);
        }
        tr.when = tr.when.as_ref().map(|e| canonical(D, e));
        tr.extra = tr.extra.as_deref().map(trigger_extra);
    }
    if let Some(p) = &mut t.partition_of {
        strip_own(schema, &mut p.parent);
    }
    if let TableExt::Postgres(ext) = &mut t.ext {
        for q in &mut ext.inherits {
            strip_own(schema, q);
        }
    }
    if matches!(&t.ext, TableExt::Postgres(e) if *e == Default::default()) {
        t.ext = TableExt::None;
    }
}

/// The schema an unqualified name in a grant resolves to: the one schema holding an object of
/// that name and kind (`public` first when several do, as the default `search_path` finds it),
/// else the realm's only schema, else `public` when the realm has it. `None` when nothing says.
fn grant_schema(schemas: &[Schema], object: &GrantObject) -> Option<String> {
    let (name, holds): (&str, fn(&Schema, &str) -> bool) = match object {
        GrantObject::Table(q) | GrantObject::Columns(q, _) => (&q.name, |s, n| {
            s.tables.iter().any(|t| t.name == n)
                || s.views.iter().any(|v| v.name == n)
                || s.materialized_views.iter().any(|v| v.name == n)
                || s.sequences.iter().any(|q| q.name == n)
        }),
        GrantObject::Sequence(q) => (&q.name, |s, n| s.sequences.iter().any(|q| q.name == n)),
        GrantObject::Function(q, _) => (&q.name, |s, n| {
            s.functions.iter().any(|f| f.name == n) || s.aggregates.iter().any(|f| f.name == n)
        }),
        GrantObject::Procedure(q, _) => (&q.name, |s, n| s.procedures.iter().any(|f| f.name == n)),
        GrantObject::Type(q) => (&q.name, |s, n| {
            s.enums.iter().any(|e| e.name == n)
                || s.domains.iter().any(|d| d.name == n)
                || s.composites.iter().any(|c| c.name == n)
        }),
        _ => return None,
    };
    let default = D.default_schema().unwrap_or("public");
    let found: Vec<&str> = schemas
        .iter()
        .filter(|s| holds(s, name))
        .map(|s| s.name.as_str())
        .collect();
    match found[..] {
        [one] => return Some(one.to_string()),
        [] => {}
        _ => return found.contains(&default).then(|| default.to_string()),
    }
    if let [only] = schemas {
        return Some(only.name.clone());
    }
    schemas
        .iter()
        .any(|s| s.name == default)
        .then(|| default.to_string())
}

/// Qualifies the unqualified names grants use (`GRANT SELECT ON users`), as PostgreSQL resolves
/// them, so they compare equal to the inspector's qualified ones. A `TABLE` grant that names a
/// sequence is the sequence's grant, as the catalog records it.
pub(super) fn qualify_grants(perms: &mut [cairn_ir::Permission], schemas: &[Schema]) {
    for p in perms {
        let to_sequence = match &p.object {
            GrantObject::Table(q) => {
                let schema = match &q.schema {
                    Some(s) => Some(s.clone()),
                    None => grant_schema(schemas, &p.object),
                };
                schema.is_some_and(|sn| {
                    schemas.iter().find(|s| s.name == sn).is_some_and(|s| {
                        s.sequences.iter().any(|x| x.name == q.name)
                            && !s.tables.iter().any(|t| t.name == q.name)
                            && !s.views.iter().any(|v| v.name == q.name)
                            && !s.materialized_views.iter().any(|v| v.name == q.name)
                    })
                })
            }
            _ => false,
        };
        if to_sequence && let GrantObject::Table(q) = &p.object {
            p.object = GrantObject::Sequence(q.clone());
        }
        let schema = grant_schema(schemas, &p.object);
        let q = match &mut p.object {
            GrantObject::Table(q)
            | GrantObject::Columns(q, _)
            | GrantObject::Sequence(q)
            | GrantObject::Function(q, _)
            | GrantObject::Procedure(q, _)
            | GrantObject::Type(q) => q,
            _ => continue,
        };
        if q.schema.is_none() {
            q.schema = schema;
        }
    }
}

/// Normalises the realm-level objects (grants).
pub(super) fn normalize_realm(r: &mut Realm) {
    qualify_grants(&mut r.permissions, &r.schemas);
    let schemas = &r.schemas;
    // The input argument types of the one routine of that name, when there is exactly one.
    let signature = |q: &QualifiedName, procedure: bool| -> Option<Vec<String>> {
        let s = schemas
            .iter()
            .find(|s| Some(&s.name) == q.schema.as_ref())?;
        let list = if procedure {
            &s.procedures
        } else {
            &s.functions
        };
        let mut found = list.iter().filter(|f| f.name == q.name);
        let f = found.next()?;
        if found.next().is_some() {
            return None;
        }
        Some(
            f.args
                .iter()
                .filter(|a| a.mode != ArgMode::Out)
                .map(|a| a.ty.clone())
                .collect(),
        )
    };
    for p in &mut r.permissions {
        let procedure = matches!(p.object, GrantObject::Procedure(..));
        match &mut p.object {
            GrantObject::Columns(_, cols) => cols.sort(),
            GrantObject::Function(q, args) | GrantObject::Procedure(q, args) => {
                let own = q.schema.clone();
                for a in args.iter_mut() {
                    *a = type_text(own.as_deref(), a);
                }
                // A grant that names a routine without its arguments (HCL) names the only
                // routine of that name.
                if args.is_empty()
                    && let Some(sig) = signature(q, procedure)
                {
                    *args = sig;
                }
            }
            _ => {}
        }
    }
}

/// Whether `name` is `{base}_{suffix}`, possibly followed by the digits PostgreSQL appends to
/// avoid a collision. Long names are truncated by PostgreSQL; those are matched by suffix.
fn is_implicit(name: &str, base: &str, suffix: &str) -> bool {
    let Some(rest) = name.strip_prefix(base) else {
        return name.len() >= 63 - 4 && is_implicit_suffix(name, suffix);
    };
    rest.strip_prefix('_')
        .and_then(|r| r.strip_prefix(suffix))
        .is_some_and(|d| d.chars().all(|c| c.is_ascii_digit()))
}

/// Whether `name` ends in `_{suffix}`, possibly followed by digits.
fn is_implicit_suffix(name: &str, suffix: &str) -> bool {
    let n = name.trim_end_matches(|c: char| c.is_ascii_digit());
    n.ends_with(&format!("_{suffix}"))
}

fn strip_own(schema: Option<&str>, q: &mut QualifiedName) {
    if q.schema.is_some() && q.schema.as_deref() == schema {
        q.schema = None;
    }
}

fn column_type(schema: Option<&str>, ty: &mut ColumnType) {
    if let ColumnType::Postgres(p) = ty {
        pg_type(schema, p);
    }
}

fn pg_type(schema: Option<&str>, p: &mut PgType) {
    match p {
        PgType::Named(q) => strip_own(schema, q),
        PgType::Array(e) => pg_type(schema, e),
        _ => {}
    }
}

/// A type as written in a routine signature, spelled as `format_type` does.
fn type_text(schema: Option<&str>, text: &str) -> String {
    let t = text.trim();
    if let Some(rest) = strip_prefix_ci(t, "setof ") {
        return format!("SETOF {}", type_text(schema, rest));
    }
    if let Some(inner) = strip_prefix_ci(t, "table")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('('))
        .and_then(|r| r.strip_suffix(')'))
    {
        let cols: Vec<String> = split_top_level(inner)
            .iter()
            .map(|c| {
                let c = c.trim();
                match c.split_once(char::is_whitespace) {
                    Some((name, ty)) => format!("{} {}", ident(name), type_text(schema, ty)),
                    None => c.to_string(),
                }
            })
            .collect();
        return format!("TABLE({})", cols.join(", "));
    }
    let mut ty = ColumnType::parse(D, t);
    column_type(schema, &mut ty);
    ty.sql()
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

/// An identifier as PostgreSQL stores it: unquoted ones folded to lower case.
fn ident(s: &str) -> String {
    match s.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Some(q) => q.replace("\"\"", "\""),
        None => s.to_lowercase(),
    }
}

fn split_top_level(s: &str) -> Vec<String> {
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

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn args(schema: Option<&str>, args: &mut [FuncArg]) {
    for a in args {
        a.ty = type_text(schema, &a.ty);
        a.name = a.name.take().filter(|n| !n.is_empty());
        a.default = a.default.as_ref().map(|e| canonical(D, e));
    }
}

fn function(schema: Option<&str>, f: &mut Function) {
    args(schema, &mut f.args);
    f.returns = f.returns.as_deref().map(|r| type_text(schema, r));
    f.language = f.language.to_lowercase();
    f.body = collapse_ws(&f.body);
    if f.parallel
        .as_deref()
        .is_some_and(|p| p.eq_ignore_ascii_case("unsafe"))
    {
        f.parallel = None;
    }
    f.parallel = f.parallel.as_deref().map(str::to_ascii_uppercase);
    // Setting names are case-insensitive (the catalog keeps `TimeZone` for `SET timezone`).
    for (k, _) in &mut f.config {
        *k = k.to_ascii_lowercase();
    }
}

fn aggregate(schema: Option<&str>, a: &mut Aggregate) {
    args(schema, &mut a.args);
    a.state_type = type_text(schema, &a.state_type);
    a.state_func = routine_ref(schema, &a.state_func);
    a.final_func = a.final_func.as_deref().map(|f| routine_ref(schema, f));
}

/// A routine named in an option (`SFUNC = app.f`), without the schema it lives in.
fn routine_ref(schema: Option<&str>, f: &str) -> String {
    let q = match f.rsplit_once('.') {
        Some((s, n)) => QualifiedName::new(Some(&ident(s)), &ident(n)),
        None => QualifiedName::new(None, &ident(f)),
    };
    match (&q.schema, schema) {
        (Some(s), Some(own)) if s == own => q.name,
        _ => q.display(),
    }
}

/// The range of a sequence or identity type: `(min, max)`.
fn type_range(ty: Option<&ColumnType>) -> (i64, i64) {
    match ty {
        Some(ColumnType::Postgres(PgType::SmallInt | PgType::SmallSerial)) => {
            (i16::MIN as i64, i16::MAX as i64)
        }
        Some(ColumnType::Postgres(PgType::Integer | PgType::Serial)) => {
            (i32::MIN as i64, i32::MAX as i64)
        }
        _ => (i64::MIN, i64::MAX),
    }
}

fn sequence(s: &mut Sequence) {
    if matches!(
        &s.data_type,
        Some(ColumnType::Postgres(PgType::BigInt | PgType::BigSerial))
    ) {
        s.data_type = None;
    }
    let (tmin, tmax) = type_range(s.data_type.as_ref());
    let inc = s.increment.unwrap_or(1);
    let (dmin, dmax) = if inc > 0 { (1, tmax) } else { (tmin, -1) };
    if s.min_value == Some(dmin) {
        s.min_value = None;
    }
    if s.max_value == Some(dmax) {
        s.max_value = None;
    }
    let dstart = if inc > 0 {
        s.min_value.unwrap_or(dmin)
    } else {
        s.max_value.unwrap_or(dmax)
    };
    if s.start == Some(dstart) {
        s.start = None;
    }
    if s.increment == Some(1) {
        s.increment = None;
    }
    if s.cache == Some(1) {
        s.cache = None;
    }
}

fn identity(ty: &ColumnType, id: &mut Identity) {
    // Options kept verbatim: read them, drop those at their defaults, and print the rest in the
    // inspector's order.
    let mut seq_name = None;
    let (mut min, mut max, mut cache, mut cycle) = (None, None, None, false);
    if let Some(opts) = &id.options {
        let words: Vec<String> = opts.split_whitespace().map(str::to_string).collect();
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        let num = |i: usize| words.get(i).and_then(|w| w.parse::<i64>().ok());
        let mut i = 0;
        while i < words.len() {
            let w = upper[i].as_str();
            let next = upper.get(i + 1).map(String::as_str);
            match (w, next) {
                ("SEQUENCE", Some("NAME")) => {
                    seq_name = words.get(i + 2).cloned();
                    i += 3;
                }
                ("START", Some("WITH")) | ("INCREMENT", Some("BY")) => {
                    let v = num(i + 2);
                    if w == "START" {
                        id.start = id.start.or(v);
                    } else {
                        id.increment = id.increment.or(v);
                    }
                    i += 3;
                }
                ("START", _) | ("INCREMENT", _) => {
                    let v = num(i + 1);
                    if w == "START" {
                        id.start = id.start.or(v);
                    } else {
                        id.increment = id.increment.or(v);
                    }
                    i += 2;
                }
                ("MINVALUE", _) => {
                    min = num(i + 1);
                    i += 2;
                }
                ("MAXVALUE", _) => {
                    max = num(i + 1);
                    i += 2;
                }
                ("CACHE", _) => {
                    cache = num(i + 1);
                    i += 2;
                }
                ("NO", Some("MINVALUE" | "MAXVALUE" | "CYCLE")) => i += 2,
                ("CYCLE", _) => {
                    cycle = true;
                    i += 1;
                }
                _ => {
                    // Not an option this reads: keep the text as it is.
                    id.options = Some(collapse_ws(opts));
                    return;
                }
            }
        }
    }
    let inc = id.increment.unwrap_or(1);
    let (tmin, tmax) = type_range(Some(ty));
    let (dmin, dmax) = if inc > 0 { (1, tmax) } else { (tmin, -1) };
    let min = min.filter(|m| *m != dmin);
    let max = max.filter(|m| *m != dmax);
    let dstart = if inc > 0 {
        min.unwrap_or(dmin)
    } else {
        max.unwrap_or(dmax)
    };
    if id.start == Some(dstart) {
        id.start = None;
    }
    if id.increment == Some(1) {
        id.increment = None;
    }
    let mut out = Vec::new();
    if let Some(n) = seq_name {
        out.push(format!("SEQUENCE NAME {n}"));
    }
    if let Some(m) = min {
        out.push(format!("MINVALUE {m}"));
    }
    if let Some(m) = max {
        out.push(format!("MAXVALUE {m}"));
    }
    if let Some(c) = cache.filter(|c| *c != 1) {
        out.push(format!("CACHE {c}"));
    }
    if cycle {
        out.push("CYCLE".to_string());
    }
    id.options = (!out.is_empty()).then(|| out.join(" "));
}

/// Literal defaults as PostgreSQL stores them for the column's type: times and intervals as it
/// prints them, a boolean's text (`'yes'`) as the boolean, a `money` amount rounded to cents.
fn typed_default(ty: &ColumnType, def: Option<ColDefault>) -> Option<ColDefault> {
    let is_time = matches!(
        ty,
        ColumnType::Postgres(PgType::Time { .. } | PgType::Interval { .. })
    );
    let lit = |l| Some(ColDefault::Literal(l));
    match (ty, def) {
        (_, Some(ColDefault::Literal(Literal::String(s)))) if is_time => {
            lit(Literal::String(time_text(&s)))
        }
        (
            ColumnType::Postgres(PgType::Boolean),
            Some(ColDefault::Literal(Literal::String(s) | Literal::Number(s))),
        ) if bool_text(&s).is_some() => lit(Literal::Bool(bool_text(&s)?)),
        (ColumnType::Postgres(PgType::Money), Some(ColDefault::Literal(Literal::Number(n)))) => {
            lit(Literal::Number(round_cents(&n)))
        }
        (_, other) => other,
    }
}

/// The boolean a text reads as (`boolin`): `t`, `yes`, `on`, `1` and unique prefixes.
fn bool_text(s: &str) -> Option<bool> {
    let t = s.trim().to_ascii_lowercase();
    let prefix = |w: &str| !t.is_empty() && w.starts_with(t.as_str());
    match t.as_str() {
        "1" | "on" => Some(true),
        "0" | "of" | "off" => Some(false),
        _ if prefix("true") || prefix("yes") => Some(true),
        _ if prefix("false") || prefix("no") => Some(false),
        _ => None,
    }
}

/// A decimal number rounded half away from zero to two places, without trailing zeros.
fn round_cents(n: &str) -> String {
    let (neg, digits) = match n.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, n),
    };
    let Some((int, frac)) = digits.split_once('.') else {
        return n.to_string();
    };
    if frac.len() <= 2 || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return n.to_string();
    }
    let cents: String = format!("{int}{}", &frac[..2]);
    let Ok(mut v) = cents.parse::<u128>() else {
        return n.to_string();
    };
    if frac.as_bytes()[2] >= b'5' {
        v += 1;
    }
    let (i, f) = (v / 100, v % 100);
    let f = format!("{f:02}");
    let f = f.trim_end_matches('0');
    let body = if f.is_empty() {
        i.to_string()
    } else {
        format!("{i}.{f}")
    };
    if neg && body != "0" {
        format!("-{body}")
    } else {
        body
    }
}

/// `08:00` is `08:00:00`; an interval of words (`1 hour`, `2 days`) reads as PostgreSQL
/// prints it (`01:00:00`, `2 days`).
fn time_text(s: &str) -> String {
    let t = s.trim();
    let clock = |c: &str| -> Option<String> {
        let parts: Vec<&str> = c.split(':').collect();
        if !(2..=3).contains(&parts.len())
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit() || c == '.'))
        {
            return None;
        }
        let h: u64 = parts[0].parse().ok()?;
        let sec = parts.get(2).copied().unwrap_or("00");
        Some(format!("{h:02}:{}:{}", parts[1], sec))
    };
    if let Some(c) = clock(t) {
        return c;
    }
    // Interval words: `N unit` pairs and an optional clock.
    let words: Vec<&str> = t.split_whitespace().collect();
    let (mut years, mut months, mut days, mut secs) = (0i64, 0i64, 0i64, 0i64);
    let mut clock_part: Option<String> = None;
    let mut i = 0;
    while i < words.len() {
        if let Some(c) = clock(words[i]) {
            clock_part = Some(c);
            i += 1;
            continue;
        }
        let Ok(n) = words[i].parse::<i64>() else {
            return t.to_string();
        };
        let Some(unit) = words.get(i + 1) else {
            return t.to_string();
        };
        match unit.to_ascii_lowercase().trim_end_matches('s') {
            "year" | "y" | "yr" => years += n,
            "mon" | "month" => months += n,
            "week" | "w" => days += 7 * n,
            "day" | "d" => days += n,
            "hour" | "h" | "hr" => secs += 3600 * n,
            "minute" | "min" | "m" => secs += 60 * n,
            "second" | "sec" => secs += n,
            _ => return t.to_string(),
        }
        i += 2;
    }
    let mut out = Vec::new();
    let plural = |n: i64, one: &str, many: &str| {
        format!("{n} {}", if n == 1 || n == -1 { one } else { many })
    };
    if years != 0 {
        out.push(plural(years, "year", "years"));
    }
    if months != 0 {
        out.push(plural(months, "mon", "mons"));
    }
    if days != 0 {
        out.push(plural(days, "day", "days"));
    }
    match clock_part {
        Some(c) if secs == 0 => out.push(c),
        Some(_) => return t.to_string(),
        None if secs != 0 => out.push(format!(
            "{:02}:{:02}:{:02}",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        )),
        None => {}
    }
    if out.is_empty() {
        return "00:00:00".to_string();
    }
    out.join(" ")
}

/// An exclusion constraint's definition (after `EXCLUDE`): white space collapsed, simple
/// identifiers unquoted, the method lower-cased, and the `WHERE` predicate canonical.
/// The access method is spelled out (`btree` when none is named), each element's expression
/// is canonical, and the timing comes last as `pg_get_constraintdef` prints it.
fn exclude_definition(def: &str) -> String {
    let mut def = collapse_ws(def.trim());
    let (mut deferrable, mut deferred) = (false, false);
    loop {
        let upper = def.to_ascii_uppercase();
        let Some(cut) = [
            " NOT DEFERRABLE",
            " DEFERRABLE",
            " INITIALLY DEFERRED",
            " INITIALLY IMMEDIATE",
        ]
        .into_iter()
        .find(|c| upper.ends_with(c)) else {
            break;
        };
        match cut {
            " DEFERRABLE" => deferrable = true,
            " INITIALLY DEFERRED" => deferred = true,
            _ => {}
        }
        def.truncate(def.len() - cut.len());
    }
    let (head, pred) = match find_word(&def, " WHERE ") {
        Some(i) => (&def[..i], Some(&def[i + " WHERE ".len()..])),
        None => (def.as_str(), None),
    };
    let mut out = unquote_simple(head);
    if out.starts_with('(') {
        out = format!("USING btree {out}");
    }
    if let Some(rest) = strip_prefix_ci(&out, "using ") {
        let (method, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        out = format!("USING {} {}", method.to_lowercase(), exclude_elements(tail))
            .trim_end()
            .to_string();
    }
    if let Some(p) = pred {
        out.push_str(&format!(" WHERE ({})", canonical(D, &Expr::new(p)).0));
    }
    if deferrable {
        out.push_str(" DEFERRABLE");
        if deferred {
            out.push_str(" INITIALLY DEFERRED");
        }
    }
    out
}

/// `(elem WITH op, ...) rest` with each element's expression canonical (an operator class,
/// ordering or `NULLS` words after it are kept as written).
fn exclude_elements(s: &str) -> String {
    let Some(body) = s.strip_prefix('(') else {
        return s.to_string();
    };
    let (mut depth, mut quote, mut close) = (0i32, None::<char>, None);
    for (j, c) in body.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') if depth == 0 => {
                close = Some(j);
                break;
            }
            (None, ')') => depth -= 1,
            _ => {}
        }
    }
    let Some(close) = close else {
        return s.to_string();
    };
    let elems: Vec<String> = split_top_level(&body[..close])
        .iter()
        .map(|e| match e.to_ascii_lowercase().rfind(" with ") {
            Some(k) => format!("{} WITH {}", exclude_key(&e[..k]), e[k + 6..].trim()),
            None => e.clone(),
        })
        .collect();
    format!("({}){}", elems.join(", "), &body[close + 1..])
}

/// An exclusion element's key: its expression canonical, the words after it as written.
fn exclude_key(s: &str) -> String {
    let mut words: Vec<&str> = s.split_whitespace().collect();
    let mut tail: Vec<&str> = Vec::new();
    while !words.is_empty() && tail.len() <= 3 {
        let text = words.join(" ");
        if super::parse_expr(D, &text).is_some() {
            let mut out = canonical(D, &Expr::new(&text)).0;
            for w in tail.iter().rev() {
                out.push(' ');
                out.push_str(w);
            }
            return out;
        }
        tail.extend(words.pop());
    }
    s.trim().to_string()
}

/// The byte offset of `needle` (ASCII, matched case-insensitively) outside quotes.
fn find_word(s: &str, needle: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
            continue;
        }
        if lower[i..].starts_with(&needle) {
            return Some(i);
        }
    }
    None
}

/// Removes the double quotes around identifiers that would read the same without them.
pub(super) fn unquote_simple(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    let mut in_string = false;
    while let Some((i, c)) = chars.next() {
        if in_string {
            out.push(c);
            if c == '\'' {
                in_string = false;
            }
            continue;
        }
        match c {
            '\'' => {
                in_string = true;
                out.push(c);
            }
            '"' => {
                let rest = &s[i + 1..];
                match rest.find('"') {
                    Some(end)
                        if !rest[..end].is_empty()
                            && rest[..end].chars().all(|c| {
                                c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'
                            })
                            && !rest[..end].starts_with(|c: char| c.is_ascii_digit()) =>
                    {
                        out.push_str(&rest[..end]);
                        for _ in 0..=end {
                            chars.next();
                        }
                    }
                    _ => out.push(c),
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// View bodies as `pg_get_viewdef` prints them:
/// - `GROUP BY n` names the n-th output column, and `GROUP BY alias` the output column's
///   expression (when no input column of the select list has that name);
/// - a join PostgreSQL prints in parentheses (`FROM (a JOIN b ON ...)`) is the same join without
///   them, `INNER JOIN` is `JOIN`, `LEFT OUTER JOIN` is `LEFT JOIN`;
/// - a table alias is written without `AS`, and the alias PostgreSQL invents for a repeated
///   table (`points points_1`) is none;
/// - a parenthesised operand of a set operation (`(SELECT 1) UNION (SELECT 2)`) is the operand;
/// - `SELECT *` from a CTE or a derived table lists that query's output columns.
pub(super) fn rewrite_query(stmt: &mut sql::Statement) {
    struct Rewrite;
    impl VisitorMut for Rewrite {
        type Break = ();
        fn post_visit_table_factor(&mut self, tf: &mut sql::TableFactor) -> ControlFlow<()> {
            let (alias, table) = match tf {
                sql::TableFactor::Table { name, alias, .. } => {
                    // An unquoted name is folded to lower case.
                    for part in &mut name.0 {
                        if let sql::ObjectNamePart::Identifier(i) = part
                            && i.quote_style.is_none()
                        {
                            i.value = i.value.to_lowercase();
                        }
                    }
                    (alias, name.0.last().cloned())
                }
                sql::TableFactor::Derived { alias, .. }
                | sql::TableFactor::Function { alias, .. }
                | sql::TableFactor::UNNEST { alias, .. }
                | sql::TableFactor::NestedJoin { alias, .. } => (alias, None),
                _ => return ControlFlow::Continue(()),
            };
            if let Some(a) = alias {
                a.explicit = false;
                if let Some(sql::ObjectNamePart::Identifier(t)) = table
                    && a.columns.is_empty()
                    && a.name
                        .value
                        .strip_prefix(t.value.as_str())
                        .and_then(|r| r.strip_prefix('_'))
                        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                {
                    *alias = None;
                }
            }
            ControlFlow::Continue(())
        }
        fn post_visit_query(&mut self, q: &mut sql::Query) -> ControlFlow<()> {
            unwrap_set_operands(&mut q.body);
            expand_star(q);
            ControlFlow::Continue(())
        }
        fn post_visit_select(&mut self, select: &mut sql::Select) -> ControlFlow<()> {
            for twj in &mut select.from {
                flatten_join(twj);
                for j in &mut twj.joins {
                    let op = std::mem::replace(
                        &mut j.join_operator,
                        sql::JoinOperator::CrossJoin(sql::JoinConstraint::None),
                    );
                    j.join_operator = match op {
                        sql::JoinOperator::Inner(c) => sql::JoinOperator::Join(c),
                        sql::JoinOperator::LeftOuter(c) => sql::JoinOperator::Left(c),
                        sql::JoinOperator::RightOuter(c) => sql::JoinOperator::Right(c),
                        other => other,
                    };
                }
            }
            // `GROUP BY alias` groups by the output column's expression, unless an input
            // column of the same name is in the select list (input columns come first).
            if let sql::GroupByExpr::Expressions(exprs, _) = &mut select.group_by {
                for e in exprs.iter_mut() {
                    let sql::Expr::Identifier(name) = &*e else {
                        continue;
                    };
                    let name = name.value.to_lowercase();
                    let is_input = select.projection.iter().any(|item| {
                        matches!(item, sql::SelectItem::UnnamedExpr(sql::Expr::Identifier(i))
                            if i.value.to_lowercase() == name)
                    });
                    if is_input {
                        continue;
                    }
                    let aliased = select.projection.iter().find_map(|item| match item {
                        sql::SelectItem::ExprWithAlias { expr, alias }
                            if alias.value.to_lowercase() == name =>
                        {
                            Some(expr.clone())
                        }
                        _ => None,
                    });
                    if let Some(x) = aliased
                        && !matches!(x, sql::Expr::Identifier(_))
                    {
                        *e = x;
                    }
                }
            }
            // PostgreSQL prints the name of every output column that is not a plain column
            // reference, implicit names included (`count(*) AS count`, `0 AS "?column?"`).
            for item in &mut select.projection {
                if let sql::SelectItem::ExprWithAlias { expr, alias } = item {
                    let name = if alias.quote_style.is_some() {
                        alias.value.clone()
                    } else {
                        alias.value.to_lowercase()
                    };
                    if implicit_column_name(expr).as_deref() == Some(name.as_str()) {
                        *item = sql::SelectItem::UnnamedExpr(expr.clone());
                    }
                }
            }
            if let sql::GroupByExpr::Expressions(exprs, _) = &mut select.group_by {
                for e in exprs.iter_mut() {
                    let ordinal = match e {
                        sql::Expr::Value(v) => match &v.value {
                            sql::Value::Number(n, _) => n.parse::<usize>().ok(),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(n) = ordinal
                        && n >= 1
                        && let Some(item) = select.projection.get(n - 1)
                    {
                        match item {
                            sql::SelectItem::UnnamedExpr(x) => *e = x.clone(),
                            sql::SelectItem::ExprWithAlias { expr, .. } => *e = expr.clone(),
                            _ => {}
                        }
                    }
                }
            }
            ControlFlow::Continue(())
        }
    }
    let _ = stmt.visit(&mut Rewrite);
}

/// A query with nothing around its body (no WITH, ORDER BY, LIMIT, ...).
fn is_bare_query(q: &sql::Query) -> bool {
    q.with.is_none()
        && q.order_by.is_none()
        && q.limit_clause.is_none()
        && q.fetch.is_none()
        && q.locks.is_empty()
        && q.for_clause.is_none()
        && q.settings.is_none()
        && q.format_clause.is_none()
        && q.pipe_operators.is_empty()
}

/// `(SELECT ...) UNION (SELECT ...)`: the parentheses around a bare operand of a set operation,
/// or around a whole bare body, change nothing.
fn unwrap_set_operands(body: &mut sql::SetExpr) {
    loop {
        match body {
            sql::SetExpr::Query(q) if is_bare_query(q) => {
                let inner = std::mem::replace(
                    q.body.as_mut(),
                    sql::SetExpr::Values(sql::Values {
                        explicit_row: false,
                        value_keyword: false,
                        rows: vec![],
                    }),
                );
                *body = inner;
            }
            sql::SetExpr::SetOperation { left, right, .. } => {
                unwrap_set_operands(left);
                unwrap_set_operands(right);
                return;
            }
            _ => return,
        }
    }
}

/// The output column names of a query, when every one is known.
fn output_names(body: &sql::SetExpr) -> Option<Vec<String>> {
    match body {
        sql::SetExpr::Select(s) => s
            .projection
            .iter()
            .map(|item| match item {
                sql::SelectItem::UnnamedExpr(e) => {
                    implicit_column_name(e).filter(|n| n != "?column?")
                }
                sql::SelectItem::ExprWithAlias { alias, .. } => {
                    Some(if alias.quote_style.is_some() {
                        alias.value.clone()
                    } else {
                        alias.value.to_lowercase()
                    })
                }
                _ => None,
            })
            .collect(),
        sql::SetExpr::SetOperation { left, .. } => output_names(left),
        sql::SetExpr::Query(q) => output_names(&q.body),
        _ => None,
    }
}

/// `SELECT * FROM cte` / `SELECT * FROM (subquery) t`: PostgreSQL stores the star expanded.
fn expand_star(q: &mut sql::Query) {
    let ctes: Vec<(String, Option<Vec<String>>)> = q
        .with
        .iter()
        .flat_map(|w| w.cte_tables.iter())
        .map(|c| {
            let names = if c.alias.columns.is_empty() {
                output_names(&c.query.body)
            } else {
                Some(
                    c.alias
                        .columns
                        .iter()
                        .map(|c| c.name.value.to_lowercase())
                        .collect(),
                )
            };
            (c.alias.name.value.to_lowercase(), names)
        })
        .collect();
    let sql::SetExpr::Select(s) = q.body.as_mut() else {
        return;
    };
    if !matches!(s.projection.as_slice(), [sql::SelectItem::Wildcard(_)])
        || s.from.len() != 1
        || !s.from[0].joins.is_empty()
    {
        return;
    }
    let names = match &s.from[0].relation {
        sql::TableFactor::Table { name, .. } if name.0.len() == 1 => {
            let sql::ObjectNamePart::Identifier(n) = &name.0[0] else {
                return;
            };
            let n = n.value.to_lowercase();
            ctes.iter()
                .find(|(c, _)| *c == n)
                .and_then(|(_, names)| names.clone())
        }
        sql::TableFactor::Derived {
            subquery, alias, ..
        } if alias.as_ref().is_none_or(|a| a.columns.is_empty()) => output_names(&subquery.body),
        _ => None,
    };
    if let Some(names) = names {
        s.projection = names
            .into_iter()
            .map(|n| sql::SelectItem::UnnamedExpr(sql::Expr::Identifier(sql::Ident::new(n))))
            .collect();
    }
}

/// The name PostgreSQL gives an output column that has no alias.
fn implicit_column_name(e: &sql::Expr) -> Option<String> {
    use sql::Expr as E;
    let ident = |i: &sql::Ident| {
        if i.quote_style.is_some() {
            i.value.clone()
        } else {
            i.value.to_lowercase()
        }
    };
    Some(match e {
        E::Identifier(i) => ident(i),
        E::CompoundIdentifier(is) => ident(is.last()?),
        E::Nested(inner) => return implicit_column_name(inner),
        E::Function(f) => match f.name.0.last()? {
            sql::ObjectNamePart::Identifier(i) => ident(i),
            _ => return None,
        },
        E::Cast {
            expr, data_type, ..
        } => match implicit_column_name(expr).filter(|n| n != "?column?") {
            Some(n) => n,
            None => data_type
                .to_string()
                .to_lowercase()
                .split(['(', '.'])
                .next()
                .unwrap_or_default()
                .trim()
                .to_string(),
        },
        E::Array(_) => "array".to_string(),
        E::Case { .. } => "case".to_string(),
        E::Exists { .. } => "exists".to_string(),
        E::Extract { .. } => "extract".to_string(),
        E::Substring { .. } => "substring".to_string(),
        E::Position { .. } => "position".to_string(),
        E::Overlay { .. } => "overlay".to_string(),
        E::Trim { .. } => "btrim".to_string(),
        E::Subquery(_) => return None,
        _ => "?column?".to_string(),
    })
}

fn flatten_join(twj: &mut sql::TableWithJoins) {
    loop {
        match &mut twj.relation {
            sql::TableFactor::NestedJoin {
                table_with_joins,
                alias: None,
            } => {
                let inner = std::mem::replace(
                    table_with_joins.as_mut(),
                    sql::TableWithJoins {
                        relation: sql::TableFactor::Table {
                            name: sql::ObjectName::from(vec![]),
                            alias: None,
                            args: None,
                            with_hints: vec![],
                            version: None,
                            with_ordinality: false,
                            partitions: vec![],
                            json_path: None,
                            sample: None,
                            index_hints: vec![],
                        },
                        joins: vec![],
                    },
                );
                let outer_joins = std::mem::take(&mut twj.joins);
                *twj = inner;
                twj.joins.extend(outer_joins);
            }
            _ => return,
        }
    }
}

/// Rewrites one expression node the way PostgreSQL prints it (or drops what it adds);
/// `true` when it changed the node. Children are already rewritten.
///
/// - `x BETWEEN a AND b` is `x >= a AND x <= b` (and `NOT BETWEEN` is `x < a OR x > b`);
/// - a cast of a column reference is an implicit conversion PostgreSQL spells out
///   (`name::text` for a `varchar` column in a `text` context): the column is compared;
/// - `~~` is `LIKE`, `~~*` is `ILIKE`;
/// - `TRIM(BOTH FROM x)` is `TRIM(x)`;
/// - `INTERVAL '1 day'` is the literal `'1 day'` (whose `::interval` cast is dropped anyway).
pub(super) fn rewrite_expr(x: &mut sql::Expr) -> bool {
    use sql::{BinaryOperator as Op, Expr as E};
    let take = |e: &mut Box<E>| std::mem::replace(e.as_mut(), E::value(sql::Value::Null));
    match x {
        // A CASE without ELSE is `ELSE NULL`.
        E::Case {
            else_result: else_result @ Some(_),
            ..
        } if matches!(else_result.as_deref(), Some(E::Value(v)) if v.value == sql::Value::Null) => {
            *else_result = None;
            true
        }
        // `CAST(x AS t)` is `x::t`.
        E::Cast {
            kind: kind @ sql::CastKind::Cast,
            ..
        } => {
            *kind = sql::CastKind::DoubleColon;
            true
        }
        E::Between {
            expr,
            negated,
            low,
            high,
        } => {
            let (e, lo, hi) = (take(expr), take(low), take(high));
            let (op_lo, op_hi, join) = if *negated {
                (Op::Lt, Op::Gt, Op::Or)
            } else {
                (Op::GtEq, Op::LtEq, Op::And)
            };
            let bin = |l: E, op: Op, r: E| E::BinaryOp {
                left: Box::new(l),
                op,
                right: Box::new(r),
            };
            *x = bin(bin(e.clone(), op_lo, lo), join, bin(e, op_hi, hi));
            true
        }
        E::Cast {
            kind: sql::CastKind::DoubleColon,
            expr,
            format: None,
            ..
        } if matches!(expr.as_ref(), E::Identifier(_) | E::CompoundIdentifier(_)) => {
            *x = take(expr);
            true
        }
        E::BinaryOp { left, op, right }
            if matches!(
                op,
                Op::PGLikeMatch | Op::PGNotLikeMatch | Op::PGILikeMatch | Op::PGNotILikeMatch
            ) =>
        {
            let negated = matches!(op, Op::PGNotLikeMatch | Op::PGNotILikeMatch);
            let ilike = matches!(op, Op::PGILikeMatch | Op::PGNotILikeMatch);
            let (expr, pattern) = (Box::new(take(left)), Box::new(take(right)));
            *x = if ilike {
                E::ILike {
                    negated,
                    any: false,
                    expr,
                    pattern,
                    escape_char: None,
                }
            } else {
                E::Like {
                    negated,
                    any: false,
                    expr,
                    pattern,
                    escape_char: None,
                }
            };
            true
        }
        E::Trim {
            trim_where: w @ Some(sql::TrimWhereField::Both),
            trim_what: None,
            trim_characters: None,
            ..
        } => {
            *w = None;
            true
        }
        E::Interval(iv)
            if iv.leading_field.is_none()
                && iv.last_field.is_none()
                && iv.leading_precision.is_none()
                && iv.fractional_seconds_precision.is_none()
                && matches!(iv.value.as_ref(), E::Value(_)) =>
        {
            *x = take(&mut iv.value);
            // The interval's text as PostgreSQL prints it (`'1 YEAR'` is `'1 year'`).
            if let E::Value(v) = x
                && let sql::Value::SingleQuotedString(s) = &mut v.value
            {
                *s = time_text(s);
            }
            true
        }
        // `INTERVAL '90' MINUTE` is the interval PostgreSQL prints (`'01:30:00'`).
        E::Interval(iv) if iv.last_field.is_none() && iv.leading_field.is_some() => {
            let text = match iv.value.as_ref() {
                E::Value(v) => match &v.value {
                    sql::Value::SingleQuotedString(s) | sql::Value::Number(s, _) => iv
                        .leading_field
                        .as_ref()
                        .and_then(|f| qualified_interval(s, f)),
                    _ => None,
                },
                _ => None,
            };
            match text {
                Some(t) => {
                    *x = E::value(sql::Value::SingleQuotedString(t));
                    true
                }
                None => false,
            }
        }
        // A typed literal (`DATE '2024-01-01'`, `uuid '…'`) is its string, as a cast literal is.
        E::TypedString(ts) if !matches!(ts.data_type, sql::DataType::Interval { .. }) => {
            *x = E::Value(ts.value.clone());
            true
        }
        E::Cast {
            kind: sql::CastKind::DoubleColon,
            expr,
            data_type,
            format: None,
            ..
        } => {
            // PostgreSQL casts each element of an array constructor
            // (`ARRAY['a', 'b']::text[]` is `ARRAY['a'::text, 'b'::text]`).
            if let (E::Array(arr), sql::DataType::Array(def)) = (expr.as_ref(), &*data_type)
                && !arr.elem.is_empty()
                && let sql::ArrayElemTypeDef::SquareBracket(elem_ty, _)
                | sql::ArrayElemTypeDef::AngleBracket(elem_ty) = def
            {
                let elem: Vec<E> = arr
                    .elem
                    .iter()
                    .map(|e| {
                        super::simplify(
                            D,
                            E::Cast {
                                kind: sql::CastKind::DoubleColon,
                                expr: Box::new(e.clone()),
                                data_type: elem_ty.as_ref().clone(),
                                format: None,
                            },
                        )
                    })
                    .collect();
                *x = E::Array(sql::Array {
                    elem,
                    named: arr.named,
                });
                return true;
            }
            // Type names as `format_type` spells them (`int[]` is `integer[]`).
            let canon = cast_type(data_type);
            if canon.to_string() != data_type.to_string() {
                *data_type = canon;
            }
            // A cast to text of a built-in that returns text is no cast.
            if data_type.to_string() == "text"
                && let E::Function(f) = expr.as_ref()
                && f.name.0.len() == 1
                && TEXT_FUNCTIONS.contains(&f.name.to_string().to_ascii_lowercase().as_str())
            {
                *x = take(expr);
                return true;
            }
            // A cast to the type the expression already has is no cast, and neither is the
            // implicit widening of an integer cast PostgreSQL spells out for a function's
            // argument (`to_timestamp(x::bigint)` prints as `x::bigint::double precision`).
            if let E::Cast {
                data_type: inner, ..
            } = expr.as_ref()
            {
                let (inner, outer) = (inner.to_string(), data_type.to_string());
                let integer = ["smallint", "integer", "bigint"];
                let widening = ["double precision", "real", "numeric"];
                if inner == outer
                    || integer.contains(&inner.as_str()) && widening.contains(&outer.as_str())
                {
                    *x = take(expr);
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}

/// Built-in functions that return `text`, whose `::text` casts PostgreSQL drops.
const TEXT_FUNCTIONS: &[&str] = &[
    "current_setting",
    "lower",
    "upper",
    "concat",
    "concat_ws",
    "btrim",
    "ltrim",
    "rtrim",
    "replace",
    "substr",
    "format",
    "md5",
    "to_char",
    "initcap",
    "repeat",
    "reverse",
    "translate",
    "lpad",
    "rpad",
];

/// A cast's target type as `format_type` spells it, for comparison.
fn cast_type(t: &sql::DataType) -> sql::DataType {
    let text = t.to_string();
    let canon = ColumnType::parse(D, &text).sql();
    if canon == text {
        return t.clone();
    }
    sql::DataType::Custom(sql::ObjectName::from(vec![sql::Ident::new(canon)]), vec![])
}

/// The interval `value` with a one-field qualifier means, as PostgreSQL prints it: the value
/// counts units of `field`, and fractions of any field but seconds are dropped.
fn qualified_interval(value: &str, field: &sql::DateTimeField) -> Option<String> {
    use sql::DateTimeField as F;
    let v = value.trim();
    let (neg, digits) = match v.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let n: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let sign = if neg { "-" } else { "" };
    let unit = match field {
        F::Year | F::Years => "years",
        F::Month | F::Months => "mons",
        F::Day | F::Days => "days",
        F::Hour | F::Hours => return Some(format!("{sign}{n:02}:00:00")),
        F::Minute | F::Minutes => {
            return Some(format!("{sign}{:02}:{:02}:00", n / 60, n % 60));
        }
        F::Second | F::Seconds => {
            let frac = frac.trim_end_matches('0');
            let frac = if frac.is_empty() {
                String::new()
            } else {
                format!(".{frac}")
            };
            return Some(format!(
                "{sign}{:02}:{:02}:{:02}{frac}",
                n / 3600,
                n % 3600 / 60,
                n % 60
            ));
        }
        _ => return None,
    };
    if n == 0 {
        return Some("00:00:00".to_string());
    }
    let unit = if n == 1 && !neg {
        unit.trim_end_matches('s')
    } else {
        unit
    };
    Some(format!("{sign}{n} {unit}"))
}

/// Literals as PostgreSQL prints them: a bit string `B'0101'` is the string `'0101'` (printed
/// `'0101'::"bit"`), and a `money` value (`'$1,000.00'`) is its number.
pub(super) fn rewrite_value(v: &mut sql::Value) {
    match v {
        sql::Value::SingleQuotedByteStringLiteral(s) => {
            *v = sql::Value::SingleQuotedString(std::mem::take(s));
        }
        // `X'1F'` is the bit string `B'00011111'`, four bits a digit.
        sql::Value::HexStringLiteral(h) if h.chars().all(|c| c.is_ascii_hexdigit()) => {
            let bits: String = h
                .chars()
                .filter_map(|c| c.to_digit(16))
                .map(|n| format!("{n:04b}"))
                .collect();
            *v = sql::Value::SingleQuotedString(bits);
        }
        // A numeric constant compares by value: PostgreSQL prints a default of a `numeric(4,1)`
        // column written `40` as `40.0`.
        sql::Value::Number(n, _) if n.contains('.') && !n.contains(['e', 'E']) => {
            let t = n.trim_end_matches('0').trim_end_matches('.');
            *n = if t.is_empty() || t == "-" || t == "-0" {
                "0".to_string()
            } else {
                t.to_string()
            };
        }
        sql::Value::SingleQuotedString(s) => {
            let (neg, rest) = match s.strip_prefix('-') {
                Some(r) => (true, r),
                None => (false, s.as_str()),
            };
            let Some(digits) = rest.strip_prefix('$') else {
                return;
            };
            let digits = digits.replace(',', "");
            let ok = !digits.is_empty()
                && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
                && digits.matches('.').count() <= 1;
            if !ok {
                return;
            }
            let n = if digits.contains('.') {
                digits
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string()
            } else {
                digits
            };
            let n = if n.is_empty() { "0".to_string() } else { n };
            *v = sql::Value::Number(if neg { format!("-{n}") } else { n }, false);
        }
        _ => {}
    }
}

/// Rewrites expression text PostgreSQL prints in a form the SQL parser does not read:
/// `TRIM(BOTH FROM x)` is `TRIM(x)`, and `f(x, VARIADIC ARRAY[a, b])` is `f(x, a, b)` (the
/// call of a variadic function as `pg_get_expr` prints it).
pub(super) fn prepare_text(text: &str) -> std::borrow::Cow<'_, str> {
    match variadic_args(text) {
        Some(t) => std::borrow::Cow::Owned(trim_both(&t).into_owned()),
        None => trim_both(text),
    }
}

/// `VARIADIC ARRAY[a, b]` as the arguments `a, b`; `None` when the text has none.
fn variadic_args(text: &str) -> Option<String> {
    const VARIADIC: &str = "variadic array[";
    let mut i = find_word(text, VARIADIC)?;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let inner = &rest[i + VARIADIC.len()..];
        // The `]` that closes the array, outside quotes and nested brackets.
        let (mut depth, mut quote, mut close) = (0i32, None::<char>, None);
        for (j, c) in inner.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '[') => depth += 1,
                (None, ']') if depth == 0 => {
                    close = Some(j);
                    break;
                }
                (None, ']') => depth -= 1,
                _ => {}
            }
        }
        let close = close?;
        out.push_str(&rest[..i]);
        out.push_str(&inner[..close]);
        rest = &inner[close + 1..];
        match find_word(rest, VARIADIC) {
            Some(n) => i = n,
            None => break,
        }
    }
    out.push_str(rest);
    Some(out)
}

fn trim_both(text: &str) -> std::borrow::Cow<'_, str> {
    const BOTH: &str = "trim(both from ";
    if !text.to_ascii_lowercase().contains(BOTH) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = find_word(rest, BOTH) {
        out.push_str(&rest[..i]);
        out.push_str(&rest[i..i + "trim(".len()]);
        rest = &rest[i + BOTH.len()..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A trigger's `CONSTRAINT ... DEFERRABLE` / `REFERENCING` clause, without the defaults
/// `pg_get_triggerdef` spells out (`NOT DEFERRABLE`, `INITIALLY IMMEDIATE`).
fn trigger_extra(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i].to_ascii_uppercase();
        let next = words.get(i + 1).map(|n| n.to_ascii_uppercase());
        match (w.as_str(), next.as_deref()) {
            ("NOT", Some("DEFERRABLE")) | ("INITIALLY", Some("IMMEDIATE")) => i += 2,
            (
                "CONSTRAINT" | "DEFERRABLE" | "INITIALLY" | "DEFERRED" | "REFERENCING" | "NEW"
                | "OLD" | "TABLE" | "AS" | "FROM",
                _,
            ) => {
                out.push(w);
                i += 1;
            }
            _ => {
                out.push(words[i].to_string());
                i += 1;
            }
        }
    }
    out.join(" ")
}

/// Comparisons with a list, as PostgreSQL prints them (`true` when the node changed):
/// `x <> ALL (ARRAY[...])` is `x NOT IN (...)`, and a list of one value is a comparison with
/// that value (`x IN ('a')` is `x = 'a'`, `x NOT IN ('a')` is `x <> 'a'`).
pub(super) fn rewrite_list_op(x: &mut sql::Expr) -> bool {
    use sql::{BinaryOperator as Op, Expr as E};
    match x {
        E::AllOp {
            left,
            compare_op: Op::NotEq,
            right,
        } => {
            let E::Array(arr) = super::strip_nested(right) else {
                return false;
            };
            let list = arr.elem.clone();
            let left = std::mem::replace(left.as_mut(), E::value(sql::Value::Null));
            *x = E::InList {
                expr: Box::new(left),
                list,
                negated: true,
            };
            true
        }
        E::InList {
            expr,
            list,
            negated,
        } if list.len() == 1 => {
            let op = if *negated { Op::NotEq } else { Op::Eq };
            let right = list.pop().unwrap_or(E::value(sql::Value::Null));
            let left = std::mem::replace(expr.as_mut(), E::value(sql::Value::Null));
            *x = E::BinaryOp {
                left: Box::new(left),
                op,
                right: Box::new(right),
            };
            true
        }
        _ => false,
    }
}

/// `ROW(a, b)` (as PostgreSQL prints a row constructor) is `(a, b)`.
pub(super) fn row_tuple(f: &sql::Function) -> Option<sql::Expr> {
    if !f.name.to_string().eq_ignore_ascii_case("row") || f.filter.is_some() || f.over.is_some() {
        return None;
    }
    let sql::FunctionArguments::List(l) = &f.args else {
        return None;
    };
    if l.args.len() < 2 || l.duplicate_treatment.is_some() || !l.clauses.is_empty() {
        return None;
    }
    let mut out = Vec::with_capacity(l.args.len());
    for a in &l.args {
        match a {
            sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(e)) => out.push(e.clone()),
            _ => return None,
        }
    }
    Some(sql::Expr::Tuple(out))
}

/// An index as PostgreSQL keeps it: an operator class that is its type's default for the
/// access method is none (the inspector reports only the others), a key that is an expression
/// naming one column is that column, and a storage parameter's value is unquoted.
fn index(i: &mut Index) {
    let method = match &i.method {
        IndexMethod::Default => "btree",
        IndexMethod::Hash => "hash",
        IndexMethod::Gin => "gin",
        IndexMethod::Gist => "gist",
        IndexMethod::SpGist => "spgist",
        IndexMethod::Brin => "brin",
        IndexMethod::Other(o) => o.as_str(),
        _ => "",
    };
    for p in &mut i.parts {
        if let Some(o) = &p.opclass {
            let name = ident(o.rsplit('.').next().unwrap_or(o).trim());
            p.opclass = (!is_default_opclass(method, &name)).then_some(name);
        }
        if let IndexKey::Expr(e) = &p.key {
            let c = canonical(D, e).0;
            if !c.is_empty()
                && c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
                && !c.starts_with(|ch: char| ch.is_ascii_digit())
            {
                p.key = IndexKey::Column(c);
            }
        }
    }
    for (k, v) in &mut i.storage_params {
        *k = k.to_ascii_lowercase();
        if let Some(u) = v.strip_prefix('\'').and_then(|u| u.strip_suffix('\'')) {
            *v = u.replace("''", "'");
        }
    }
}

/// Whether `opclass` is the default operator class of some type for access method `method`
/// (an operator class name is unique within its method): the built-in ones, and those of the
/// common extensions (btree_gist, btree_gin, citext, hstore, intarray, ltree, PostGIS).
fn is_default_opclass(method: &str, opclass: &str) -> bool {
    const SCALAR: &[&str] = &[
        "bit",
        "bool",
        "bpchar",
        "bytea",
        "char",
        "date",
        "float4",
        "float8",
        "inet",
        "int2",
        "int4",
        "int8",
        "interval",
        "macaddr",
        "macaddr8",
        "name",
        "numeric",
        "oid",
        "text",
        "time",
        "timestamp",
        "timestamptz",
        "timetz",
        "uuid",
    ];
    let stem = |suffix: &str| opclass.strip_suffix(suffix).unwrap_or("");
    match method {
        "btree" => {
            let t = stem("_ops");
            SCALAR.contains(&t)
                || [
                    "array",
                    "enum",
                    "jsonb",
                    "money",
                    "multirange",
                    "oidvector",
                    "pg_lsn",
                    "range",
                    "record",
                    "tid",
                    "tsquery",
                    "tsvector",
                    "varbit",
                    "xid8",
                    "citext",
                    "ltree",
                    "btree_hstore",
                    "btree_geometry",
                ]
                .contains(&t)
        }
        "hash" => {
            let t = stem("_ops");
            SCALAR.contains(&t)
                || [
                    "aclitem",
                    "array",
                    "cid",
                    "enum",
                    "jsonb",
                    "multirange",
                    "oidvector",
                    "pg_lsn",
                    "range",
                    "record",
                    "tid",
                    "xid",
                    "xid8",
                    "citext",
                    "hash_hstore",
                ]
                .contains(&t)
        }
        "gin" => {
            let t = stem("_ops");
            // btree_gin's classes are the defaults for their scalar types.
            SCALAR.contains(&t)
                || [
                    "array",
                    "jsonb",
                    "tsvector",
                    "gin_hstore",
                    "money",
                    "cidr",
                    "varchar",
                    "enum",
                    "varbit",
                ]
                .contains(&t)
        }
        "gist" => {
            let t = stem("_ops");
            [
                "box", "circle", "multirange", "point", "poly", "range", "tsquery", "tsvector",
                "gist_hstore", "gist__int", "gist_ltree",
            ]
            .contains(&t)
                || opclass == "gist_geometry_ops_2d"
                // btree_gist: `gist_int4_ops` and the like.
                || t.strip_prefix("gist_").is_some_and(|s| {
                    SCALAR.contains(&s)
                        || ["oid", "cash", "vbit", "cidr", "enum"].contains(&s)
                })
        }
        "spgist" => [
            "box_ops",
            "inet_ops",
            "poly_ops",
            "quad_point_ops",
            "range_ops",
            "text_ops",
        ]
        .contains(&opclass),
        "brin" => {
            let minmax = stem("_minmax_ops");
            (SCALAR.contains(&minmax) && minmax != "inet" && minmax != "bool")
                || ["pg_lsn", "tid", "varbit"].contains(&minmax)
                || [
                    "box_inclusion_ops",
                    "inet_inclusion_ops",
                    "range_inclusion_ops",
                ]
                .contains(&opclass)
        }
        _ => false,
    }
}

/// The identifiers an expression's text mentions (unquoted ones folded to lower case).
fn expr_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut quote: Option<char> = None;
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
                if q == '"' {
                    out.push(std::mem::take(&mut word));
                }
            } else if q == '"' {
                word.push(c);
            }
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word).to_lowercase());
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether `name` is one PostgreSQL makes up for a constraint declared without one:
/// `{table}_{column}_{label}` or `{table}_{label}`, shortened to fit 63 bytes as
/// `makeObjectName` does, with the digits `ChooseConstraintName` appends to the label when the
/// name is taken (`_check1`).
fn is_generated_name(name: &str, table: &str, columns: &[String], label: &str) -> bool {
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    if !stem.ends_with(&format!("_{label}")) {
        return false;
    }
    let label = format!("{label}{}", &name[stem.len()..]);
    std::iter::once("")
        .chain(columns.iter().map(String::as_str))
        .any(|c| cairn_ir::pg_object_name(table, c, &label) == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_intervals_read_as_printed() {
        assert_eq!(time_text("08:00"), "08:00:00");
        assert_eq!(time_text("00:15"), "00:15:00");
        assert_eq!(time_text("30 days"), "30 days");
        assert_eq!(time_text("1 hour"), "01:00:00");
        assert_eq!(time_text("1 day 02:00"), "1 day 02:00:00");
    }

    #[test]
    fn trim_both_reads_as_trim() {
        assert_eq!(
            prepare_text("f(TRIM(BOTH FROM body), 'x')"),
            "f(TRIM(body), 'x')"
        );
        assert_eq!(prepare_text("'trim(both from x)'"), "'trim(both from x)'");
    }

    #[test]
    fn implicit_names() {
        assert!(is_implicit("t_a_fkey", "t_a", "fkey"));
        assert!(is_implicit("t_a_fkey1", "t_a", "fkey"));
        assert!(!is_implicit("t_a_fkeys", "t_a", "fkey"));
    }

    #[test]
    fn routine_types_read_as_format_type() {
        assert_eq!(type_text(None, "DOUBLE PRECISION[]"), "double precision[]");
        assert_eq!(type_text(None, "TRIGGER"), "trigger");
        assert_eq!(type_text(Some("app"), "app.mood"), "mood");
        assert_eq!(
            type_text(None, "TABLE(id BIGINT, Name TEXT)"),
            "TABLE(id bigint, name text)"
        );
    }

    #[test]
    fn exclusions_compare_canonically() {
        assert_eq!(
            exclude_definition(
                "USING gist (\"room_id\" WITH =, during WITH &&) WHERE ((status <> 'x'::s))"
            ),
            exclude_definition("USING GIST (room_id WITH =, during WITH &&) WHERE (status <> 'x')")
        );
        // No method is btree; element expressions compare canonically.
        assert_eq!(
            exclude_definition("USING btree (name WITH =)"),
            exclude_definition("(name WITH =)")
        );
        assert_eq!(
            exclude_definition(
                "USING btree (lower(name::text) WITH =) WHERE (name::text <> ''::text)"
            ),
            exclude_definition("USING btree (lower(name::TEXT) WITH =) WHERE (name::TEXT <> '')")
        );
        assert_eq!(
            exclude_definition("USING gist (a gist_int4_ops WITH =) DEFERRABLE INITIALLY DEFERRED"),
            exclude_definition(
                "USING GIST (\"a\" gist_int4_ops WITH =) DEFERRABLE INITIALLY DEFERRED"
            )
        );
        assert_ne!(
            exclude_definition("USING gist (a WITH =) DEFERRABLE"),
            exclude_definition("USING gist (a WITH =)")
        );
    }

    fn c(s: &str) -> String {
        canonical(D, &Expr::new(s)).0
    }

    #[test]
    fn lists_read_as_printed() {
        assert_eq!(
            c("(status <> ALL (ARRAY['deleted'::text, 'cancelled'::text]))"),
            c("status NOT IN ('deleted', 'cancelled')")
        );
        assert_ne!(
            c("(status <> ALL (ARRAY['deleted'::text, 'cancelled'::text]))"),
            c("status IN ('deleted', 'cancelled')")
        );
        assert_eq!(c("(status = 'pending'::text)"), c("status IN ('pending')"));
        assert_eq!(
            c("(status <> 'pending'::text)"),
            c("status NOT IN ('pending')")
        );
        assert_eq!(
            c(
                "((status)::text = ANY ((ARRAY['active'::character varying, 'pending'::character varying])::text[]))"
            ),
            c(
                "(status)::text = ANY (ARRAY['active'::character varying, 'pending'::character varying]::text[])"
            )
        );
    }

    #[test]
    fn rows_and_variadic_calls_read_as_printed() {
        assert_eq!(c("((ROW(a, b) > ROW(0, 0)))"), c("(a, b) > (0, 0)"));
        assert_eq!(
            c("jsonb_extract_path_text(col, VARIADIC ARRAY['foo'::text, 'bar'::text])"),
            c("jsonb_extract_path_text(col, 'foo', 'bar')")
        );
        assert_ne!(
            c("jsonb_extract_path_text(col, VARIADIC ARRAY['foo'::text])"),
            c("jsonb_extract_path_text(col, 'foo', 'bar')")
        );
        assert_eq!(
            c("(d2 >= '2022-01-01'::date)"),
            c("d2 >= date '2022-01-01'")
        );
    }

    #[test]
    fn default_operator_classes_are_none() {
        let mut i = Index::on_columns("i", &["name"], false);
        i.parts[0].opclass = Some("text_ops".into());
        index(&mut i);
        assert_eq!(i.parts[0].opclass, None);
        let mut i = Index::on_columns("i", &["name"], false);
        i.parts[0].opclass = Some("text_pattern_ops".into());
        index(&mut i);
        assert_eq!(i.parts[0].opclass.as_deref(), Some("text_pattern_ops"));
        for (m, o, default) in [
            (IndexMethod::Gin, "array_ops", true),
            (IndexMethod::Gin, "jsonb_ops", true),
            (IndexMethod::Gin, "jsonb_path_ops", false),
            (IndexMethod::Gin, "gin_trgm_ops", false),
            (IndexMethod::Gist, "gist_int4_ops", true),
            (IndexMethod::Gist, "gist_trgm_ops", false),
            (IndexMethod::Gist, "inet_ops", false),
            (IndexMethod::Default, "pg_catalog.int4_ops", true),
            (IndexMethod::Default, "varchar_pattern_ops", false),
            (IndexMethod::Brin, "int4_minmax_ops", true),
            (IndexMethod::Brin, "int4_minmax_multi_ops", false),
        ] {
            let mut i = Index::on_columns("i", &["c"], false);
            i.method = m.clone();
            i.parts[0].opclass = Some(o.into());
            index(&mut i);
            assert_eq!(i.parts[0].opclass.is_none(), default, "{m:?} {o}");
        }
    }

    #[test]
    fn generated_constraint_names_are_recognised() {
        let cols = vec!["a".to_string(), "b".to_string()];
        let t = "表".repeat(20);
        assert!(is_generated_name(
            &format!("{}_a_check", "表".repeat(18)),
            &t,
            &cols,
            "check"
        ));
        let long = "s".repeat(62) + "x";
        let name = format!("{}_a_check1", "s".repeat(54));
        assert!(is_generated_name(&name, &long, &cols, "check"));
        assert!(!is_generated_name("t_c_check", "t", &cols, "check"));
        assert!(is_generated_name("t_check2", "t", &cols, "check"));
    }
}
