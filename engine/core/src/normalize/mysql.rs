//! MySQL and MariaDB: what a compiled schema states and what the inspector reads back compare
//! equal when they come to the same thing. Table options (the default engine, an inherited
//! charset or collation, the AUTO_INCREMENT counter), the index InnoDB adds for a foreign key,
//! BIT defaults, partition bounds the server evaluated, views and events as the server prints
//! them, routine types, and grant objects of the one schema in schema scope.
//!
//! Charsets and collations: a table or column that declares nothing inherits its parent's collation (the schema's, or the
//! table's); the inspector reports only what differs from the parent. A charset names its default
//! collation, and a collation implies its charset. So each side is reduced to the one collation
//! it comes to, kept only when it differs from the parent's; a charset is kept alone only when
//! its default collation is not known here.

use std::ops::ControlFlow;

use sqlparser::ast::{self as sql, visit_expressions_mut, visit_relations_mut};
use sqlparser::dialect::MySqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use cairn_ir::{
    ColumnExt, ColumnType, Default as ColDefault, Dialect, Flavor, Function, GrantObject, IndexKey,
    IndexMethod, Literal, MyColumnExt, MyTableExt, MyType, Table, TableExt,
};

/// The engine every server uses when a table names none.
const DEFAULT_ENGINE: &str = "innodb";

/// The collation a schema has when it declares nothing: the server's default, which is
/// `utf8mb4`'s default collation on current servers.
pub(super) fn server_collation(d: Dialect) -> &'static str {
    match d {
        Dialect::Mysql(Flavor::Mysql) => "utf8mb4_0900_ai_ci",
        _ => "utf8mb4_general_ci",
    }
}

/// The effective collation of a schema that declares `charset` and `collation`.
pub(super) fn schema_collation(
    d: Dialect,
    charset: Option<&str>,
    collation: Option<&str>,
) -> String {
    effective(d, charset, collation)
        .map(|e| match e {
            Effective::Collation(c) => c,
            // A charset whose default collation is unknown here: its conventional name.
            Effective::Charset(cs) => format!("{cs}_general_ci"),
        })
        .unwrap_or_else(|| server_collation(d).to_string())
}

/// Normalises a table's options and its columns' charsets and collations, given the effective
/// collation of the schema the table is in (`None`: the server's default).
pub(super) fn normalize_table(
    d: Dialect,
    t: &mut Table,
    schema: Option<&str>,
    schema_collation: Option<&str>,
) {
    fold_column_names(t);
    // A foreign key to a table of its own schema, however written.
    for fk in &mut t.foreign_keys {
        if fk.ref_table.schema.is_some() && fk.ref_table.schema.as_deref() == schema {
            fk.ref_table.schema = None;
        }
    }
    drop_foreign_key_indexes(t);
    for c in &mut t.columns {
        if let Some(ColDefault::Expr(e)) = &c.default
            && let Some(n) = bit_literal(e.as_str())
        {
            c.default = Some(ColDefault::Literal(Literal::Number(n.to_string())));
        }
    }
    let parent = schema_collation
        .map(str::to_string)
        .unwrap_or_else(|| server_collation(d).to_string());
    let mut ext = match std::mem::take(&mut t.ext) {
        TableExt::Mysql(e) => e,
        TableExt::None => MyTableExt::default(),
        other => {
            t.ext = other;
            return;
        }
    };
    ext.engine = ext
        .engine
        .map(|e| e.to_ascii_lowercase())
        .filter(|e| e != DEFAULT_ENGINE);
    // The next AUTO_INCREMENT value is the state of a counter, not of the schema.
    ext.auto_increment = None;
    ext.row_format = ext.row_format.map(|r| r.to_ascii_uppercase());
    ext.partitioning = ext.partitioning.map(|p| canonical_partitioning(&p));
    let (charset, collation) = reduce(d, ext.charset.take(), ext.collation.take(), &parent);
    // What the table's columns inherit.
    let table_collation = collation.clone().unwrap_or(parent);
    ext.charset = charset;
    ext.collation = collation;
    t.ext = if ext == MyTableExt::default() {
        TableExt::None
    } else {
        TableExt::Mysql(ext)
    };
    for tr in &mut t.triggers {
        // Every MySQL trigger is a row trigger; its body compares without layout.
        tr.for_each_row = true;
        tr.body = tr
            .body
            .as_deref()
            .map(|b| collapse_ws(b.trim().trim_end_matches(';')));
    }
    for c in &mut t.columns {
        let mut cext = match std::mem::take(&mut c.ext) {
            ColumnExt::Mysql(e) => e,
            ColumnExt::None => MyColumnExt::default(),
        };
        let (charset, collation) =
            reduce(d, cext.charset.take(), c.collation.take(), &table_collation);
        cext.charset = charset;
        c.collation = collation;
        c.ext = if cext == MyColumnExt::default() {
            ColumnExt::None
        } else {
            ColumnExt::Mysql(cext)
        };
    }
}

/// Column names are case-insensitive: each is compared in lower case, wherever it is named.
fn fold_column_names(t: &mut Table) {
    let fold = |n: &mut String| *n = n.to_ascii_lowercase();
    t.columns.iter_mut().for_each(|c| fold(&mut c.name));
    if let Some(pk) = &mut t.primary_key {
        pk.columns.iter_mut().for_each(fold);
        pk.include.iter_mut().for_each(fold);
    }
    for i in &mut t.indexes {
        for p in &mut i.parts {
            if let IndexKey::Column(c) = &mut p.key {
                fold(c);
            }
        }
        i.include.iter_mut().for_each(fold);
    }
    for fk in &mut t.foreign_keys {
        fk.columns.iter_mut().for_each(fold);
        fk.ref_columns.iter_mut().for_each(fold);
    }
}

/// A stored routine: types in their canonical spelling, the body without layout or a trailing
/// `;`, the language's case.
pub(super) fn normalize_routine(d: Dialect, f: &mut Function) {
    let ty = |t: &str| match ColumnType::parse(d, t) {
        // MariaDB's JSON is LONGTEXT; a routine's parameter has no check to tell them apart.
        ColumnType::Mysql(MyType::Json) if d.is_mariadb() => "longtext".to_string(),
        c @ ColumnType::Mysql(_) => c.sql(),
        _ => collapse_ws(t).to_ascii_lowercase(),
    };
    for a in &mut f.args {
        a.ty = ty(&a.ty);
        if let Some(n) = &mut a.name {
            *n = n.to_ascii_lowercase();
        }
    }
    f.returns = f.returns.as_deref().map(ty);
    f.language = f.language.to_ascii_uppercase();
    f.body = collapse_ws(f.body.trim().trim_end_matches(';'));
}

/// A view's query as MariaDB and MySQL print it and as it was written compare alike: the
/// view's column list becomes the aliases of its select list, an alias that repeats its column
/// is dropped, joins are not parenthesised, `INNER JOIN` is `JOIN`, `MOD` is `%`, and names
/// are compared unquoted and case-folded. In a view of `schema`, a name qualified with that
/// schema is the name alone, as the inspector reads it.
pub(super) fn canonical_view_in(
    d: Dialect,
    text: &str,
    columns: &[String],
    schema: Option<&str>,
) -> String {
    let text = mod_operator(text.trim().trim_end_matches(';'));
    let parsed = Parser::parse_sql(&MySqlDialect {}, &text);
    let Ok(mut stmts) = parsed else {
        return fold_tokens(&text);
    };
    if stmts.len() != 1 {
        return fold_tokens(&text);
    }
    if let Some(schema) = schema {
        let own = |i: &sql::Ident| i.value == schema;
        let _ = visit_relations_mut(&mut stmts, |n: &mut sql::ObjectName| {
            if n.0.len() == 2 && n.0[0].as_ident().is_some_and(own) {
                n.0.remove(0);
            }
            ControlFlow::<()>::Continue(())
        });
        let _ = visit_expressions_mut(&mut stmts, |x: &mut sql::Expr| {
            if let sql::Expr::CompoundIdentifier(parts) = x
                && parts.len() == 3
                && own(&parts[0])
            {
                parts.remove(0);
            }
            ControlFlow::<()>::Continue(())
        });
    }
    if let sql::Statement::Query(q) = &mut stmts[0] {
        name_columns(&mut q.body, columns);
        query(q);
    }
    let _ = visit_expressions_mut(&mut stmts, |x: &mut sql::Expr| {
        if let sql::Expr::CompoundIdentifier(parts) = x
            && parts.len() == 2
        {
            *x = sql::Expr::Identifier(parts[1].clone());
        }
        view_node(d, x);
        ControlFlow::<()>::Continue(())
    });
    // Aliases that repeat their column, now that qualifiers are gone.
    if let sql::Statement::Query(q) = &mut stmts[0] {
        drop_redundant_aliases(d, q);
    }
    fold_tokens(&stmts[0].to_string())
}

/// A column list (of a view, or of a common table expression) as the aliases of the first
/// select's items, as the server prints it.
fn name_columns(body: &mut sql::SetExpr, columns: &[String]) {
    if columns.is_empty() {
        return;
    }
    let sel = match body {
        sql::SetExpr::Select(sel) => sel,
        sql::SetExpr::SetOperation { left, .. } => return name_columns(left, columns),
        sql::SetExpr::Query(q) => return name_columns(&mut q.body, columns),
        _ => return,
    };
    if sel.projection.len() != columns.len() {
        return;
    }
    for (item, name) in sel.projection.iter_mut().zip(columns) {
        let expr = match item {
            sql::SelectItem::UnnamedExpr(e) | sql::SelectItem::ExprWithAlias { expr: e, .. } => {
                e.clone()
            }
            _ => continue,
        };
        *item = sql::SelectItem::ExprWithAlias {
            expr,
            alias: sql::Ident::new(name.clone()),
        };
    }
}

/// One expression of a view as the server keeps it: simplified as any expression, and
/// `count(*)` as `count(0)` (MariaDB's spelling).
fn view_node(d: Dialect, x: &mut sql::Expr) {
    super::simplify_node(d, x);
    // `substring(x FROM a FOR b)` is `substr(x,a,b)`.
    if let sql::Expr::Substring {
        special, shorthand, ..
    } = x
    {
        *special = true;
        *shorthand = true;
    }
    if let sql::Expr::Function(f) = x
        && f.name.to_string().eq_ignore_ascii_case("count")
        && let sql::FunctionArguments::List(list) = &mut f.args
        && list.args.len() == 1
        && matches!(
            list.args[0],
            sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Wildcard)
        )
    {
        list.args[0] = sql::FunctionArg::Unnamed(sql::FunctionArgExpr::Expr(sql::Expr::value(
            sql::Value::Number("0".into(), false),
        )));
    }
}

fn query(q: &mut sql::Query) {
    if let Some(with) = &mut q.with {
        for cte in &mut with.cte_tables {
            let names: Vec<String> = cte
                .alias
                .columns
                .iter()
                .map(|c| c.name.value.clone())
                .collect();
            name_columns(&mut cte.query.body, &names);
            query(&mut cte.query);
        }
    }
    set_expr(&mut q.body);
}

fn set_expr(s: &mut sql::SetExpr) {
    match s {
        sql::SetExpr::Select(sel) => {
            for twj in &mut sel.from {
                flatten_joins(twj);
            }
        }
        sql::SetExpr::Query(q) => query(q),
        sql::SetExpr::SetOperation { left, right, .. } => {
            set_expr(left);
            set_expr(right);
        }
        _ => {}
    }
}

/// `(a JOIN b ON …) LEFT JOIN c ON …` is `a JOIN b ON … LEFT JOIN c ON …`.
fn flatten_joins(twj: &mut sql::TableWithJoins) {
    while let sql::TableFactor::NestedJoin {
        table_with_joins: inner,
        alias: None,
    } = &twj.relation
    {
        let inner = (**inner).clone();
        let mut joins = inner.joins;
        joins.append(&mut twj.joins);
        twj.relation = inner.relation;
        twj.joins = joins;
    }
    table_factor(&mut twj.relation);
    for j in &mut twj.joins {
        table_factor(&mut j.relation);
        j.join_operator =
            match std::mem::replace(&mut j.join_operator, sql::JoinOperator::CrossApply) {
                sql::JoinOperator::Inner(c) => sql::JoinOperator::Join(c),
                sql::JoinOperator::LeftOuter(c) => sql::JoinOperator::Left(c),
                sql::JoinOperator::RightOuter(c) => sql::JoinOperator::Right(c),
                other => other,
            };
    }
}

fn table_factor(t: &mut sql::TableFactor) {
    match t {
        sql::TableFactor::Table { alias: Some(a), .. } => a.explicit = false,
        sql::TableFactor::Derived {
            subquery, alias, ..
        } => {
            query(subquery);
            if let Some(a) = alias {
                a.explicit = false;
            }
        }
        sql::TableFactor::NestedJoin {
            table_with_joins, ..
        } => flatten_joins(table_with_joins),
        _ => {}
    }
}

/// Drops the aliases that only name an item as the server would unasked: a column by its name,
/// an expression by its own text (MySQL names an unaliased expression so).
fn drop_redundant_aliases(d: Dialect, q: &mut sql::Query) {
    if let Some(with) = &mut q.with {
        for cte in &mut with.cte_tables {
            drop_redundant_aliases(d, &mut cte.query);
        }
    }
    fn body(d: Dialect, s: &mut sql::SetExpr) {
        match s {
            sql::SetExpr::Select(sel) => {
                for item in &mut sel.projection {
                    if let sql::SelectItem::ExprWithAlias { expr, alias } = item
                        && names_itself(d, expr, &alias.value)
                    {
                        *item = sql::SelectItem::UnnamedExpr(expr.clone());
                    }
                }
            }
            sql::SetExpr::Query(q) => drop_redundant_aliases(d, q),
            sql::SetExpr::SetOperation { left, right, .. } => {
                body(d, left);
                body(d, right);
            }
            _ => {}
        }
    }
    body(d, &mut q.body);
}

/// Whether `alias` is the name the server gives `expr` unasked.
fn names_itself(d: Dialect, expr: &sql::Expr, alias: &str) -> bool {
    if let sql::Expr::Identifier(id) = expr {
        return id.value.eq_ignore_ascii_case(alias);
    }
    let Ok(mut p) = Parser::new(&MySqlDialect {}).try_with_sql(&mod_operator(alias)) else {
        return false;
    };
    let Ok(mut e) = p.parse_expr() else {
        return false;
    };
    if p.peek_token().token != Token::EOF {
        return false;
    }
    let _ = visit_expressions_mut(&mut e, |x: &mut sql::Expr| {
        if let sql::Expr::CompoundIdentifier(parts) = x
            && parts.len() == 2
        {
            *x = sql::Expr::Identifier(parts[1].clone());
        }
        view_node(d, x);
        ControlFlow::<()>::Continue(())
    });
    view_node(d, &mut e);
    fold_tokens(&e.to_string()) == fold_tokens(&expr.to_string())
}

/// MySQL's `a MOD b` as `a % b` (sqlparser reads only the latter).
pub(super) fn mod_operator(text: &str) -> String {
    let Ok(tokens) = Tokenizer::new(&MySqlDialect {}, text).tokenize() else {
        return text.to_string();
    };
    if !tokens
        .iter()
        .any(|t| matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("MOD")))
    {
        return text.to_string();
    }
    tokens
        .iter()
        .map(|t| match t {
            Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("MOD") => {
                "%".to_string()
            }
            other => other.to_string(),
        })
        .collect()
}

/// The text's tokens with names unquoted and case-folded, layout collapsed.
pub(super) fn fold_tokens(text: &str) -> String {
    let Ok(tokens) = Tokenizer::new(&MySqlDialect {}, text).tokenize() else {
        return collapse_ws(text).to_ascii_lowercase();
    };
    let words: Vec<String> = tokens
        .iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .map(|t| match t {
            Token::Word(w) => w.value.to_ascii_lowercase(),
            other => other.to_string(),
        })
        .collect();
    words.join(" ")
}

/// A `PARTITION BY` clause as the server keeps it: bounds that are functions of a date
/// literal are the values the server computed (`TO_DAYS('2024-02-01')` is `739282`;
/// `UNIX_TIMESTAMP(…)` is taken in UTC), `(MAXVALUE)` is `MAXVALUE`, names are unquoted and
/// case-folded, layout is collapsed.
fn canonical_partitioning(text: &str) -> String {
    let Ok(tokens) = Tokenizer::new(&MySqlDialect {}, text).tokenize() else {
        return collapse_ws(text).to_ascii_lowercase();
    };
    let toks: Vec<Token> = tokens
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let word = |t: &Token, w: &str| matches!(t, Token::Word(x) if x.value.eq_ignore_ascii_case(w));
    let mut out: Vec<String> = vec!["partition".into(), "by".into()];
    // The clause, with or without its leading `PARTITION BY`.
    let mut i = if toks.len() > 2 && word(&toks[0], "partition") && word(&toks[1], "by") {
        2
    } else {
        0
    };
    while i < toks.len() {
        if i + 3 < toks.len()
            && matches!(toks[i + 1], Token::LParen)
            && matches!(toks[i + 3], Token::RParen)
            && let Token::SingleQuotedString(lit) = &toks[i + 2]
        {
            let value = if word(&toks[i], "to_days") {
                date_days(lit).map(|d| d + 719_528)
            } else if word(&toks[i], "unix_timestamp") {
                timestamp_seconds(lit)
            } else {
                None
            };
            if let Some(v) = value {
                out.push(v.to_string());
                i += 4;
                continue;
            }
        }
        if i + 2 < toks.len()
            && matches!(toks[i], Token::LParen)
            && word(&toks[i + 1], "maxvalue")
            && matches!(toks[i + 2], Token::RParen)
        {
            out.push("maxvalue".into());
            i += 3;
            continue;
        }
        out.push(match &toks[i] {
            Token::Word(w) => w.value.to_ascii_lowercase(),
            other => other.to_string(),
        });
        i += 1;
    }
    // `PARTITIONS 1` is what a HASH or KEY partitioning without a count has.
    if out.len() > 2 && out[out.len() - 2] == "partitions" && out[out.len() - 1] == "1" {
        out.truncate(out.len() - 2);
    }
    out.join(" ")
}

/// Days from 1970-01-01 to the date `YYYY-MM-DD` that starts `s`.
fn date_days(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let mut parts = date.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from the civil date (proleptic Gregorian calendar).
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Seconds from the epoch to `YYYY-MM-DD[ HH:MM:SS]`, in UTC.
fn timestamp_seconds(s: &str) -> Option<i64> {
    let days = date_days(s)?;
    let rest = s.trim().get(10..).unwrap_or("").trim();
    let mut secs = 0;
    if !rest.is_empty() {
        let mut hms = rest.split(':');
        let h: i64 = hms.next()?.parse().ok()?;
        let m: i64 = hms.next().unwrap_or("0").parse().ok()?;
        let sec: i64 = hms.next().unwrap_or("0").parse().ok()?;
        secs = h * 3600 + m * 60 + sec;
    }
    Some(days * 86_400 + secs)
}

/// The index InnoDB creates for a foreign key that no index covers: named after the constraint
/// (or, for a key without a name, after its first column) on exactly its columns. Declared or
/// not, it is the same table.
fn drop_foreign_key_indexes(t: &mut Table) {
    let table = t.name.clone();
    let fks = t.foreign_keys.clone();
    t.indexes.retain(|i| {
        let plain = !i.unique && i.method == IndexMethod::Default && i.predicate.is_none();
        let cols: Option<Vec<&str>> = i
            .parts
            .iter()
            .map(|p| match &p.key {
                IndexKey::Column(c) if p.prefix.is_none() && !p.desc => Some(c.as_str()),
                _ => None,
            })
            .collect();
        let Some(cols) = cols.filter(|_| plain) else {
            return true;
        };
        !fks.iter().any(|fk| {
            let same_columns = fk.columns.len() == cols.len()
                && fk
                    .columns
                    .iter()
                    .zip(&cols)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b));
            let named = fk
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&i.name))
                || (fk
                    .name
                    .as_deref()
                    .is_none_or(|n| super::is_mysql_generated_fk(&table, n))
                    && fk.columns[0].eq_ignore_ascii_case(&i.name));
            same_columns && named
        })
    });
}

/// The value of a bit literal `b'0101'` (as MariaDB prints a BIT default).
fn bit_literal(s: &str) -> Option<u64> {
    let s = s.trim();
    let inner = s
        .strip_prefix("b'")
        .or_else(|| s.strip_prefix("B'"))?
        .strip_suffix('\'')?;
    if inner.is_empty() || !inner.chars().all(|c| c == '0' || c == '1') || inner.len() > 64 {
        return None;
    }
    u64::from_str_radix(inner, 2).ok()
}

/// A MySQL event's statement (`CREATE [DEFINER = …] EVENT [IF NOT EXISTS] name ON SCHEDULE …
/// [ON COMPLETION [NOT] PRESERVE] [ENABLE | DISABLE [ON SLAVE]] [COMMENT '…'] DO body`), as
/// written or as the inspector rebuilds it, in one spelling: the defaults spelled out, the
/// schedule's start (when it was created, unless declared) left out, tokens folded.
pub(super) fn canonical_event(raw: &str) -> String {
    let Ok(tokens) = Tokenizer::new(&MySqlDialect {}, raw.trim().trim_end_matches(';')).tokenize()
    else {
        return collapse_ws(raw);
    };
    let toks: Vec<Token> = tokens
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let is = |i: usize, w: &str| matches!(toks.get(i), Some(Token::Word(x)) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    let text = |r: &[Token]| {
        r.iter()
            .map(|t| match t {
                Token::Word(w) => w.value.to_ascii_lowercase(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let Some(event_at) = (0..toks.len()).find(|&i| is(i, "EVENT")) else {
        return collapse_ws(raw);
    };
    let mut i = event_at + 1;
    if is(i, "IF") && is(i + 1, "NOT") && is(i + 2, "EXISTS") {
        i += 3;
    }
    let name = text(&toks[i..(i + 1).min(toks.len())]);
    i += 1;
    let Some(do_at) = (i..toks.len()).find(|&j| is(j, "DO")) else {
        return collapse_ws(raw);
    };
    let body = text(&toks[do_at + 1..]);
    let clauses = &toks[i..do_at];
    // Split the clauses at their leading keywords.
    let mut schedule = Vec::new();
    let mut completion = "not preserve".to_string();
    let mut status = "enable".to_string();
    let mut comment = String::new();
    let mut j = 0;
    let kw = |j: usize, w: &str| is(i + j, w);
    let mut in_starts = false;
    while j < clauses.len() {
        if kw(j, "ON") && kw(j + 1, "SCHEDULE") {
            j += 2;
            continue;
        }
        if kw(j, "ON") && kw(j + 1, "COMPLETION") {
            let not = kw(j + 2, "NOT");
            completion = if not { "not preserve" } else { "preserve" }.into();
            j += if not { 4 } else { 3 };
            continue;
        }
        if kw(j, "ENABLE") {
            status = "enable".into();
            j += 1;
            continue;
        }
        if kw(j, "DISABLE") {
            let slave = kw(j + 1, "ON") && kw(j + 2, "SLAVE");
            status = if slave { "disable on slave" } else { "disable" }.into();
            j += if slave { 3 } else { 1 };
            continue;
        }
        if kw(j, "COMMENT") {
            comment = clauses
                .get(j + 1)
                .map(|t| t.to_string())
                .unwrap_or_default();
            j += 2;
            continue;
        }
        if kw(j, "STARTS") {
            in_starts = true;
            j += 1;
            continue;
        }
        if kw(j, "ENDS") {
            in_starts = false;
        }
        if !in_starts {
            schedule.push(clauses[j].clone());
        }
        j += 1;
    }
    // `EVERY '1' MINUTE` is `EVERY 1 MINUTE`.
    let schedule: Vec<Token> = schedule
        .into_iter()
        .map(|t| match t {
            Token::SingleQuotedString(v) if v.chars().all(|c| c.is_ascii_digit()) => {
                Token::Number(v, false)
            }
            other => other,
        })
        .collect();
    format!(
        "event {name} schedule {} completion {completion} status {status} comment {comment} do {body}",
        text(&schedule)
    )
}

/// The object of a grant in schema scope: an object of the one schema is named without it.
pub(super) fn normalize_grant_object(o: &mut GrantObject, only_schema: Option<&str>) {
    let q = match o {
        GrantObject::Table(q)
        | GrantObject::Columns(q, _)
        | GrantObject::Function(q, _)
        | GrantObject::Procedure(q, _) => q,
        _ => return,
    };
    if q.schema
        .as_deref()
        .is_some_and(|s| s.is_empty() || Some(s) == only_schema)
    {
        q.schema = None;
    }
}

enum Effective {
    Collation(String),
    /// A charset whose default collation is not known here.
    Charset(String),
}

/// What a declared charset and collation come to.
fn effective(d: Dialect, charset: Option<&str>, collation: Option<&str>) -> Option<Effective> {
    if let Some(c) = collation {
        return Some(Effective::Collation(canonical_collation(c)));
    }
    let cs = canonical_charset(charset?);
    Some(match default_collation(d, &cs) {
        Some(c) => Effective::Collation(c.to_string()),
        None => Effective::Charset(cs),
    })
}

/// Reduces a declared charset and collation to what differs from the parent's collation.
fn reduce(
    d: Dialect,
    charset: Option<String>,
    collation: Option<String>,
    parent: &str,
) -> (Option<String>, Option<String>) {
    match effective(d, charset.as_deref(), collation.as_deref()) {
        None => (None, None),
        Some(Effective::Collation(c)) if c.eq_ignore_ascii_case(parent) => (None, None),
        Some(Effective::Collation(c)) => (None, Some(c)),
        Some(Effective::Charset(cs)) if charset_of(parent) == cs => (None, None),
        Some(Effective::Charset(cs)) => (Some(cs), None),
    }
}

/// The charset a collation belongs to: the part of its name before the first `_`.
fn charset_of(collation: &str) -> String {
    canonical_charset(collation.split('_').next().unwrap_or(collation))
}

/// `utf8` is `utf8mb3`, which is how current servers print it.
fn canonical_charset(cs: &str) -> String {
    let cs = cs.trim().to_ascii_lowercase();
    if cs == "utf8" { "utf8mb3".into() } else { cs }
}

fn canonical_collation(c: &str) -> String {
    let c = c.trim().to_ascii_lowercase();
    match c.strip_prefix("utf8_") {
        Some(rest) => format!("utf8mb3_{rest}"),
        None => c,
    }
}

/// The default collation of the charsets schemas commonly use.
fn default_collation(d: Dialect, cs: &str) -> Option<&'static str> {
    Some(match cs {
        "utf8mb4" => match d {
            Dialect::Mysql(Flavor::Mysql) => "utf8mb4_0900_ai_ci",
            _ => "utf8mb4_general_ci",
        },
        "utf8mb3" => "utf8mb3_general_ci",
        "latin1" => "latin1_swedish_ci",
        "latin2" => "latin2_general_ci",
        "ascii" => "ascii_general_ci",
        "binary" => "binary",
        "ucs2" => "ucs2_general_ci",
        "utf16" => "utf16_general_ci",
        "utf16le" => "utf16le_general_ci",
        "utf32" => "utf32_general_ci",
        "cp1250" => "cp1250_general_ci",
        "cp1251" => "cp1251_general_ci",
        "cp1252" | "cp1256" | "cp1257" => return None,
        "greek" => "greek_general_ci",
        "hebrew" => "hebrew_general_ci",
        "gbk" => "gbk_chinese_ci",
        "gb2312" => "gb2312_chinese_ci",
        "big5" => "big5_chinese_ci",
        "sjis" => "sjis_japanese_ci",
        "ujis" => "ujis_japanese_ci",
        "euckr" => "euckr_korean_ci",
        _ => return None,
    })
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_ir::Table;

    fn canonical_view(d: Dialect, text: &str, columns: &[String]) -> String {
        canonical_view_in(d, text, columns, None)
    }

    fn table(charset: Option<&str>, collation: Option<&str>, engine: Option<&str>) -> Table {
        let mut t = Table::new("t");
        t.ext = TableExt::Mysql(MyTableExt {
            engine: engine.map(str::to_string),
            charset: charset.map(str::to_string),
            collation: collation.map(str::to_string),
            ..MyTableExt::default()
        });
        t
    }

    fn norm(mut t: Table) -> TableExt {
        normalize_table(Dialect::MARIADB, &mut t, None, None);
        t.ext
    }

    #[test]
    fn inherited_options_are_no_options() {
        assert_eq!(norm(table(None, None, None)), TableExt::None);
        assert_eq!(
            norm(table(Some("utf8mb4"), None, Some("InnoDB"))),
            TableExt::None
        );
        assert_eq!(
            norm(table(Some("utf8mb4"), Some("utf8mb4_general_ci"), None)),
            TableExt::None
        );
    }

    #[test]
    fn views_name_their_own_schema_unqualified() {
        let d = Dialect::MARIADB;
        let own = |s: &str| canonical_view_in(d, s, &[], Some("app"));
        assert_eq!(
            own(
                "SELECT app.users.id AS id FROM app.users JOIN other.t ON other.t.id = app.users.id"
            ),
            own(
                "select `users`.`id` AS `id` from (`users` join `other`.`t` on(`other`.`t`.`id` = `users`.`id`))"
            )
        );
        assert_eq!(
            own("SELECT substring(x FROM 1 FOR 4) AS c FROM t"),
            own("select substr(`x`,1,4) AS `c` from `t`")
        );
    }

    #[test]
    fn column_names_compare_case_insensitively() {
        let mut a = Table::new("t");
        a.columns.push(cairn_ir::Column::new(
            "Name",
            ColumnType::Mysql(MyType::Text),
        ));
        a.primary_key = Some(cairn_ir::PrimaryKey {
            name: None,
            columns: vec!["NAME".into()],
            include: vec![],
            deferrable: Default::default(),
        });
        let mut b = a.clone();
        b.columns[0].name = "name".into();
        b.primary_key.as_mut().unwrap().columns[0] = "name".into();
        normalize_table(Dialect::MARIADB, &mut a, None, None);
        normalize_table(Dialect::MARIADB, &mut b, None, None);
        assert_eq!(a, b);
    }

    #[test]
    fn views_read_back_as_written() {
        let d = Dialect::MARIADB;
        let v = |s: &str| canonical_view(d, s, &[]);
        assert_eq!(
            v(
                "SELECT s.account_id, a.email FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.expires_at > now()"
            ),
            v(
                "select `s`.`account_id` AS `account_id`,`a`.`email` AS `email` from (`sessions` `s` join `accounts` `a` on(`a`.`id` = `s`.`account_id`)) where `s`.`expires_at` > current_timestamp()"
            )
        );
        assert_eq!(
            v(
                "SELECT o.id, count(l.n) AS c FROM orders o JOIN customers c ON c.id = o.customer_id LEFT OUTER JOIN lines l ON l.o = o.id GROUP BY o.id"
            ),
            v(
                "select `o`.`id` AS `id`,count(`l`.`n`) AS `c` from ((`orders` `o` join `customers` `c` on(`c`.`id` = `o`.`customer_id`)) left join `lines` `l` on(`l`.`o` = `o`.`id`)) group by `o`.`id`"
            )
        );
        assert_eq!(
            canonical_view(
                d,
                "SELECT e.id, concat(e.a, ' ', e.b) FROM employees e",
                &["id".into(), "full_name".into()]
            ),
            v(
                "select `e`.`id` AS `id`,concat(`e`.`a`,' ',`e`.`b`) AS `full_name` from `employees` `e`"
            )
        );
        // An expression without an alias is named by its text.
        assert_eq!(
            v("SELECT a MOD 2, count(t.b) FROM t"),
            v("select `t`.`a` MOD 2 AS `a MOD 2`,count(`t`.`b`) AS `count(t.b)` from `t`")
        );
        assert_ne!(
            v("SELECT a FROM t WHERE b = 'X'"),
            v("SELECT a FROM t WHERE b = 'x'")
        );
        assert_eq!(
            v(
                "WITH RECURSIVE c (a, n) AS (SELECT id, 1 FROM t UNION ALL SELECT a, n + 1 FROM c) SELECT a, count(*) FROM c"
            ),
            v(
                "with recursive c(a,n) as (select `t`.`id` AS `a`,1 AS `n` from `t` union all select `c`.`a` AS `a`,`c`.`n` + 1 AS `n + 1` from `c`) select `c`.`a` AS `a`,count(0) AS `count(*)` from `c`"
            )
        );
    }

    #[test]
    fn generated_foreign_key_names() {
        // The inspector keeps `orders_ibfk_12`; it compares as a key without a name.
        assert!(super::super::is_mysql_generated_fk(
            "orders",
            "orders_ibfk_12"
        ));
        assert!(!super::super::is_mysql_generated_fk(
            "orders",
            "orders_ibfk_"
        ));
        assert!(!super::super::is_mysql_generated_fk("orders", "fk_orders"));
    }

    #[test]
    fn partition_bounds_are_values() {
        assert_eq!(
            canonical_partitioning(
                "PARTITION BY RANGE (TO_DAYS(d)) (PARTITION a VALUES LESS THAN (TO_DAYS('2024-02-01')), PARTITION b VALUES LESS THAN (MAXVALUE))"
            ),
            canonical_partitioning(
                "PARTITION BY RANGE (to_days(`d`)) (PARTITION `a` VALUES LESS THAN (739282), PARTITION `b` VALUES LESS THAN MAXVALUE)"
            )
        );
        assert_eq!(
            timestamp_seconds("2024-06-02 00:00:00"),
            Some(1_717_286_400)
        );
    }

    #[test]
    fn a_collation_implies_its_charset() {
        assert_eq!(
            norm(table(Some("utf8mb4"), Some("utf8mb4_unicode_ci"), None)),
            norm(table(None, Some("utf8mb4_unicode_ci"), None))
        );
        assert_eq!(
            norm(table(Some("latin1"), None, None)),
            norm(table(None, Some("latin1_swedish_ci"), None))
        );
        assert_ne!(norm(table(None, None, Some("MEMORY"))), TableExt::None);
    }
}
