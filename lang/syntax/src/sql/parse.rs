//! Parsing one split statement: session noise is skipped, the PostgreSQL forms sqlparser lacks go
//! to the targeted parser (`extra.rs`), everything else to sqlparser. When sqlparser rejects a
//! table or trigger statement, the clauses it lacks are blanked out and it tries again
//! (`clauses.rs`). A failure is a diagnostic pointing at the offending token, never a panic.

use sqlparser::dialect::{Dialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;

use crate::diag::{Diagnostic, Span};

use super::clauses;
use super::extra::{self, ExtraStatement, ParseFail, Targeted};
use super::lex::{Tok, tokens};
use super::split::{self, Statement};

/// The SQL dialect a statement is parsed in (MariaDB parses as MySQL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SqlDialect {
    Postgres,
    Mysql,
    Sqlite,
}

/// What one statement is.
#[derive(Clone, Debug, PartialEq)]
pub enum ParsedStatement {
    /// Parsed by sqlparser.
    Ast(Box<sqlparser::ast::Statement>),
    /// Parsed by the targeted parser.
    Extra(ExtraStatement),
    /// Not schema: psql meta-commands, session settings, comment-only chunks.
    Skipped { reason: String },
    /// Could not be parsed; the diagnostic points at the offending token.
    Error(Diagnostic),
}

/// Diagnostic code of a statement that does not parse.
const E_PARSE: &str = "E3010";

/// Parses one statement of a split file.
pub fn parse_statement(stmt: &Statement, dialect: SqlDialect) -> ParsedStatement {
    let base = stmt.span.start as usize;
    let owned;
    let text = if dialect == SqlDialect::Mysql
        && (stmt.text.contains("/*!") || stmt.text.contains("/*M!"))
    {
        owned = unwrap_versioned_comments(&stmt.text);
        owned.as_str()
    } else {
        stmt.text.as_str()
    };
    let toks = tokens(text);
    let meaningful: Vec<_> = toks
        .iter()
        .filter(|t| !(t.kind == Tok::Punct && &text[t.start..t.end] == ";"))
        .collect();
    if text.starts_with('\\') {
        return skipped("psql meta-command");
    }
    let Some(first) = meaningful.first() else {
        return skipped("no statement, only comments");
    };
    let word = |n: usize| {
        meaningful
            .get(n)
            .filter(|t| t.kind == Tok::Word)
            .map(|t| text[t.start..t.end].to_ascii_uppercase())
            .unwrap_or_default()
    };
    let w0 = word(0);
    if first.kind == Tok::Word && (w0 == "SET" || w0 == "RESET") {
        return skipped("session setting");
    }
    if w0 == "SELECT" {
        let call: String = meaningful
            .iter()
            .skip(1)
            .take(4)
            .map(|t| text[t.start..t.end].to_ascii_lowercase())
            .collect();
        if call.starts_with("pg_catalog.set_config(") || call.starts_with("set_config(") {
            return skipped("session setting");
        }
        if call.starts_with("pg_catalog.setval(") || call.starts_with("setval(") {
            return skipped("sequence value");
        }
    }
    // SQLite's `PRAGMA name = value` sets connection state (sqlparser reads few of its values).
    if dialect == SqlDialect::Sqlite && w0 == "PRAGMA" {
        return skipped("session setting");
    }
    if dialect == SqlDialect::Mysql && (w0 == "LOCK" || w0 == "UNLOCK") {
        return skipped("table lock");
    }
    // MySQL's `DO expr` evaluates and discards (mariadb-dump's `DO SETVAL(…)`); PostgreSQL's
    // `DO` block is parsed below because it may change the schema.
    if dialect == SqlDialect::Mysql && w0 == "DO" {
        return skipped("expression evaluation");
    }
    if dialect == SqlDialect::Postgres && w0 == "REFRESH" && word(1) == "MATERIALIZED" {
        return skipped("materialized view refresh");
    }
    if dialect == SqlDialect::Postgres {
        match extra::parse_postgres(text, base) {
            Targeted::Parsed(s) => return ParsedStatement::Extra(*s),
            Targeted::Failed(f) => return error(stmt, f),
            Targeted::NotMine => {}
        }
    }
    // MySQL routines (sqlparser reads few of their characteristics and bodies), accounts and
    // role grants.
    if dialect == SqlDialect::Mysql
        && let Some(r) =
            extra::mysql_routine(text, base).or_else(|| extra::mysql_access(text, base))
    {
        return match r {
            Ok(s) => ParsedStatement::Extra(s),
            Err(f) => error(stmt, f),
        };
    }
    if dialect != SqlDialect::Sqlite
        && let Some(parsed) = parse_blanked(text, base, dialect)
    {
        return parsed;
    }
    match Parser::parse_sql(sqlparser_dialect(dialect).as_ref(), text) {
        Ok(mut v) if v.len() == 1 => ParsedStatement::Ast(Box::new(v.remove(0))),
        Ok(v) if v.is_empty() => skipped("no statement"),
        Ok(v) => ParsedStatement::Error(Diagnostic::error(
            E_PARSE,
            "",
            stmt.span,
            format!(
                "this chunk holds {} statements; end each with the file's delimiter",
                v.len()
            ),
        )),
        Err(e) => {
            if dialect == SqlDialect::Postgres
                && let Some(s) = typed_literals(text, &e.to_string())
            {
                return ParsedStatement::Ast(s);
            }
            if let Some(s) = reparse_without_clauses(text, base, dialect) {
                return ParsedStatement::Extra(s);
            }
            if dialect == SqlDialect::Sqlite
                && let Some(fixed) = super::sqlite::single_quoted_names(text)
                && let Ok(mut v) = Parser::parse_sql(sqlparser_dialect(dialect).as_ref(), &fixed)
                && v.len() == 1
            {
                return ParsedStatement::Ast(Box::new(v.remove(0)));
            }
            if dialect == SqlDialect::Postgres
                && let Some(s) = extra::create_extension(text, base)
            {
                return ParsedStatement::Ast(Box::new(s));
            }
            if dialect == SqlDialect::Postgres
                && let Some(r) = extra::parse_postgres_fallback(text, base)
            {
                return match r {
                    Ok(s) => ParsedStatement::Extra(s),
                    Err(f) => error(stmt, f),
                };
            }
            if dialect != SqlDialect::Postgres
                && let Some(s) = mysql_sqlite_fallback(text, base)
            {
                return ParsedStatement::Extra(s);
            }
            sqlparser_error(stmt, text, &e.to_string())
        }
    }
}

fn skipped(reason: &str) -> ParsedStatement {
    ParsedStatement::Skipped {
        reason: reason.to_string(),
    }
}

fn sqlparser_dialect(d: SqlDialect) -> Box<dyn Dialect> {
    match d {
        SqlDialect::Postgres => Box::new(PostgreSqlDialect {}),
        SqlDialect::Mysql => Box::new(MySqlDialect {}),
        SqlDialect::Sqlite => Box::new(super::sqlite::SqliteDialect::default()),
    }
}

/// `CREATE INDEX … ON ONLY …` and views ending in `WITH [NO] DATA` / `CHECK OPTION`: the clause
/// is blanked out (positions kept) so sqlparser parses the rest, then put back as a field.
fn parse_blanked(text: &str, base: usize, dialect: SqlDialect) -> Option<ParsedStatement> {
    let (is_index, b) = extra::blank_clauses(text, base)?;
    if b.ranges.is_empty() || (is_index && dialect != SqlDialect::Postgres) {
        return None;
    }
    let stmt = parse_with_blanks(text, &b.ranges, dialect)?;
    Some(ParsedStatement::Extra(if is_index {
        ExtraStatement::CreateIndex {
            index: stmt,
            only: b.only,
            tablespace: b.tablespace,
        }
    } else {
        ExtraStatement::CreateView {
            view: stmt,
            with_data: b.with_data,
            check_option: b.check_option,
        }
    }))
}

/// `text` with the byte ranges replaced by spaces, parsed by sqlparser as one statement.
fn parse_with_blanks(
    text: &str,
    ranges: &[(usize, usize)],
    dialect: SqlDialect,
) -> Option<Box<sqlparser::ast::Statement>> {
    let mut bytes = text.as_bytes().to_vec();
    for &(s, e) in ranges {
        bytes.get_mut(s..e)?.fill(b' ');
    }
    // Ranges are whole tokens, so the text stays UTF-8 (checked all the same).
    let blanked = String::from_utf8(bytes).ok()?;
    let mut v = Parser::parse_sql(sqlparser_dialect(dialect).as_ref(), &blanked).ok()?;
    if v.len() != 1 {
        return None;
    }
    Some(Box::new(v.remove(0)))
}

/// A second sqlparser attempt once the clauses it rejects are taken out of a table or trigger
/// statement (see `clauses.rs`); `None` when there is nothing to take out or it still fails.
fn reparse_without_clauses(text: &str, base: usize, dialect: SqlDialect) -> Option<ExtraStatement> {
    if let Some(b) = clauses::table_blanks(text, base, dialect) {
        if b.ranges.is_empty() {
            return None;
        }
        let Some(statement) = parse_with_blanks(text, &b.ranges, dialect) else {
            // sqlparser reads `(LIKE t)` only alone; with columns beside it the table is kept
            // as an unmodelled statement rather than an error.
            let like = b
                .clauses
                .iter()
                .any(|c| matches!(c, clauses::TableClause::LikeOptions { .. }));
            return like.then(|| ExtraStatement::Other {
                command: "CREATE TABLE".to_string(),
                name: clauses::table_name(text, base),
            });
        };
        return Some(ExtraStatement::TableWithClauses {
            statement,
            clauses: b.clauses,
        });
    }
    if dialect == SqlDialect::Postgres
        && let Some((ranges, args)) = clauses::trigger_args(text, base)
    {
        let trigger = parse_with_blanks(text, &ranges, dialect)?;
        return Some(ExtraStatement::CreateTrigger { trigger, args });
    }
    None
}

/// MySQL and SQLite objects sqlparser does not parse (events, procedures with a `DEFINER`).
fn mysql_sqlite_fallback(text: &str, base: usize) -> Option<ExtraStatement> {
    let mut p = extra::Parser::new(text, base);
    if p.peek_kw("DROP") || p.peek_kw("ALTER") {
        let command = p.upper_words(0, 2.min(p.toks.len()));
        if !matches!(command.as_str(), "DROP EVENT" | "ALTER EVENT") {
            return None;
        }
        p.i = 2;
        extra::if_exists(&mut p);
        let name = p.object_name().ok();
        return Some(ExtraStatement::Other { command, name });
    }
    if !p.eat_kw("CREATE") {
        return None;
    }
    if p.peek_kw("SEQUENCE")
        || p.peek_kws(&["OR", "REPLACE", "SEQUENCE"])
        || p.peek_kws(&["TEMPORARY", "SEQUENCE"])
    {
        return extra::mariadb_sequence(&mut p).ok();
    }
    p.eat_kws(&["OR", "REPLACE"]);
    if p.eat_kw("DEFINER") {
        // `DEFINER = user@host`: skip to the object keyword.
        while !p.at_end()
            && !["PROCEDURE", "FUNCTION", "EVENT", "TRIGGER", "VIEW"]
                .iter()
                .any(|k| p.peek_kw(k))
        {
            p.i += 1;
        }
    }
    let kind = ["PROCEDURE", "FUNCTION", "EVENT", "TRIGGER"]
        .into_iter()
        .find(|k| p.peek_kw(k))?;
    p.i += 1;
    p.eat_kws(&["IF", "NOT", "EXISTS"]);
    let name = p.object_name().ok();
    Some(ExtraStatement::Other {
        command: format!("CREATE {kind}"),
        name,
    })
}

/// MySQL's executable comments (`/*!40101 SET … */`, which mysqldump wraps around trigger and
/// view clauses) run on MySQL, so their content is SQL: the markers are blanked out.
fn unwrap_versioned_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while let Some(n) = text[i..].find("/*") {
        let s = i + n;
        let Some(j) = split::executable_comment_body(b, s) else {
            // An ordinary comment: skip it whole so its content is not searched.
            match text[s + 2..].find("*/") {
                Some(m) => {
                    i = s + 2 + m + 2;
                    continue;
                }
                None => break,
            }
        };
        out[s..j].fill(b' ');
        match text[j..].find("*/") {
            Some(m) => {
                out[j + m..j + m + 2].fill(b' ');
                i = j + m + 2;
            }
            None => break,
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

fn error(stmt: &Statement, f: ParseFail) -> ParsedStatement {
    let base = stmt.span.start as usize;
    let span = Span::new(
        base + f.at,
        base + f.end.max(f.at + 1).min(stmt.text.len().max(f.at)),
    );
    ParsedStatement::Error(Diagnostic::error(E_PARSE, "", span, f.message))
}

/// A sqlparser error, its `Line: L, Column: C` turned into the span of the token there.
fn sqlparser_error(stmt: &Statement, text: &str, message: &str) -> ParsedStatement {
    let message = message
        .strip_prefix("sql parser error: ")
        .unwrap_or(message);
    let (clean, at) = match message.rfind(" at Line: ") {
        Some(k) => {
            let pos = &message[k + " at Line: ".len()..];
            let mut parts = pos.split(", Column: ");
            let line = parts.next().and_then(|l| l.trim().parse::<usize>().ok());
            let col = parts.next().and_then(|c| c.trim().parse::<usize>().ok());
            let at = line.zip(col).and_then(|(l, c)| offset_of(text, l, c));
            (&message[..k], at)
        }
        None => (message, None),
    };
    let base = stmt.span.start as usize;
    let span = match at {
        Some(at) => {
            let end = tokens(&text[at..])
                .first()
                .filter(|t| t.start == 0)
                .map_or(at + 1, |t| at + t.end)
                .min(text.len());
            Span::new(base + at, base + end.max(at))
        }
        None => stmt.span,
    };
    ParsedStatement::Error(Diagnostic::error(E_PARSE, "", span, clean.to_string()))
}

/// PostgreSQL's typed literal of a type sqlparser reads only as a name (`money '1.00'`,
/// `inet '10.0.0.1'`), where sqlparser stopped at the string: the type name is blanked out (byte
/// offsets kept), the statement parsed again, and each such string read back as a cast of the
/// literal to that type (`'1.00'::money`, the same constant).
fn typed_literals(text: &str, first_error: &str) -> Option<Box<sqlparser::ast::Statement>> {
    use sqlparser::ast::{CastKind, DataType, Expr, Ident, ObjectName, visit_expressions_mut};
    let toks = tokens(text);
    let mut blanked = text.to_string();
    let mut typed: Vec<(usize, String)> = Vec::new();
    let mut error = first_error.to_string();
    for _ in 0..32 {
        let at = error_offset(&blanked, &error)?;
        let i = toks
            .iter()
            .position(|t| t.start == at && t.kind == Tok::Str)?;
        let word = toks.get(i.checked_sub(1)?)?;
        if word.kind != Tok::Word
            || typed.iter().any(|(s, _)| *s == at)
            || i >= 2 && &text[toks[i - 2].start..toks[i - 2].end] == "."
        {
            return None;
        }
        typed.push((at, text[word.start..word.end].to_string()));
        // SAFETY of the slice: a word is ASCII or whole UTF-8 characters, replaced by spaces.
        blanked.replace_range(word.start..word.end, &" ".repeat(word.end - word.start));
        match Parser::parse_sql(&PostgreSqlDialect {}, &blanked) {
            Ok(mut v) if v.len() == 1 => {
                let mut stmt = v.remove(0);
                let mut found = 0;
                let _ = visit_expressions_mut(&mut stmt, |e: &mut Expr| {
                    if let Expr::Value(v) = e {
                        let start = v.span.start;
                        let at = offset_of(text, start.line as usize, start.column as usize);
                        if let Some((_, ty)) = typed.iter().find(|(s, _)| Some(*s) == at) {
                            found += 1;
                            *e = Expr::Cast {
                                kind: CastKind::DoubleColon,
                                expr: Box::new(Expr::Value(v.clone())),
                                data_type: DataType::Custom(
                                    ObjectName::from(vec![Ident::new(ty.to_ascii_lowercase())]),
                                    vec![],
                                ),
                                format: None,
                            };
                        }
                    }
                    std::ops::ControlFlow::<()>::Continue(())
                });
                return (found == typed.len()).then(|| Box::new(stmt));
            }
            Ok(_) => return None,
            Err(e) => error = e.to_string(),
        }
    }
    None
}

/// The byte offset a sqlparser error message names (`… at Line: L, Column: C`).
fn error_offset(text: &str, message: &str) -> Option<usize> {
    let k = message.rfind(" at Line: ")?;
    let pos = &message[k + " at Line: ".len()..];
    let mut parts = pos.split(", Column: ");
    let line = parts.next()?.trim().parse::<usize>().ok()?;
    let col = parts.next()?.trim().parse::<usize>().ok()?;
    offset_of(text, line, col)
}

/// The byte offset of 1-based `line` and character `col` in `text`.
fn offset_of(text: &str, line: usize, col: usize) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let line_text = text[start..].split('\n').next().unwrap_or("");
    let within = line_text
        .char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line_text.len(), |(i, _)| i);
    Some(start + within)
}
