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
    GrantObject, Identity, Literal, PgType, QualifiedName, Realm, Schema, Sequence, Table,
    TableExt,
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
        }
    }
}

/// Normalises a table of schema `schema` (before the dialect-independent rules run).
pub(super) fn normalize_table(t: &mut Table, schema: Option<&str>) {
    let table = t.name.clone();
    for c in &mut t.columns {
        column_type(schema, &mut c.ty);
        if let Some(id) = &mut c.identity {
            identity(&c.ty, id);
        }
        c.default = time_default(&c.ty, c.default.take());
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
        if c.name
            .as_deref()
            .is_some_and(|n| n.starts_with(table.as_str()) && is_implicit_suffix(n, "check"))
        {
            c.name = None;
        }
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

/// Normalises the realm-level objects (grants).
pub(super) fn normalize_realm(r: &mut Realm) {
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

/// Time and interval defaults as PostgreSQL prints them.
fn time_default(ty: &ColumnType, def: Option<ColDefault>) -> Option<ColDefault> {
    let is_time = matches!(
        ty,
        ColumnType::Postgres(PgType::Time { .. } | PgType::Interval { .. })
    );
    match def {
        Some(ColDefault::Literal(Literal::String(s))) if is_time => {
            Some(ColDefault::Literal(Literal::String(time_text(&s))))
        }
        other => other,
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
fn exclude_definition(def: &str) -> String {
    let def = collapse_ws(def.trim());
    let (head, pred) = match find_word(&def, " WHERE ") {
        Some(i) => (&def[..i], Some(&def[i + " WHERE ".len()..])),
        None => (def.as_str(), None),
    };
    let mut out = unquote_simple(head);
    if let Some(rest) = strip_prefix_ci(&out, "using ") {
        let (method, tail) = rest.split_once(' ').unwrap_or((rest, ""));
        out = format!("USING {} {}", method.to_lowercase(), tail)
            .trim_end()
            .to_string();
    }
    if let Some(p) = pred {
        out.push_str(&format!(" WHERE ({})", canonical(D, &Expr::new(p)).0));
    }
    out
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
fn unquote_simple(s: &str) -> String {
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

/// View bodies: `GROUP BY n` names the n-th output column, and a join PostgreSQL prints in
/// parentheses (`FROM (a JOIN b ON ...)`) is the same join without them.
pub(super) fn rewrite_query(stmt: &mut sql::Statement) {
    struct Rewrite;
    impl VisitorMut for Rewrite {
        type Break = ();
        fn post_visit_select(&mut self, select: &mut sql::Select) -> ControlFlow<()> {
            for twj in &mut select.from {
                flatten_join(twj);
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
            kind: sql::CastKind::DoubleColon | sql::CastKind::Cast,
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
            true
        }
        _ => false,
    }
}

/// Literals as PostgreSQL prints them: a bit string `B'0101'` is the string `'0101'` (printed
/// `'0101'::"bit"`), and a `money` value (`'$1,000.00'`) is its number.
pub(super) fn rewrite_value(v: &mut sql::Value) {
    match v {
        sql::Value::SingleQuotedByteStringLiteral(s) => {
            *v = sql::Value::SingleQuotedString(std::mem::take(s));
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
/// `TRIM(BOTH FROM x)` is `TRIM(x)`.
pub(super) fn prepare_text(text: &str) -> std::borrow::Cow<'_, str> {
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
    }
}
