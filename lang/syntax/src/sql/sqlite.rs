//! SQLite specifics shared by the compiler and the normaliser: the sqlparser dialect that reads
//! the expressions SQLite has and sqlparser's own SQLite dialect lacks, and a reader of
//! `CREATE TRIGGER` statements that keeps the `WHEN` condition and the body as written (SQLite
//! stores trigger text verbatim, and its bodies hold statements sqlparser does not read).

use std::any::TypeId;

use sqlparser::ast::{Expr, Statement, UnaryOperator};
use sqlparser::dialect::{Dialect, Precedence, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::Token;

use super::lex::{Tok, tokens};

/// sqlparser's SQLite dialect, and also: `x NOT GLOB|REGEXP|MATCH y` (read as
/// `(NOT x GLOB y)`), `x IS [NOT] y` for any `y` (read as `IS [NOT] DISTINCT FROM`, which it
/// is in SQLite), and the bit shifts `<<` and `>>`. It is SQLite to sqlparser in every other
/// respect.
#[derive(Debug, Default, Clone, Copy)]
pub struct SqliteDialect(SQLiteDialect);

fn word_is(t: &Token, kws: &[Keyword]) -> bool {
    matches!(t, Token::Word(w) if kws.contains(&w.keyword))
}

impl Dialect for SqliteDialect {
    fn dialect(&self) -> TypeId {
        TypeId::of::<SQLiteDialect>()
    }

    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        self.0.is_delimited_identifier_start(ch)
    }

    fn identifier_quote_style(&self, identifier: &str) -> Option<char> {
        self.0.identifier_quote_style(identifier)
    }

    fn is_identifier_start(&self, ch: char) -> bool {
        self.0.is_identifier_start(ch)
    }

    fn is_identifier_part(&self, ch: char) -> bool {
        self.0.is_identifier_part(ch)
    }

    fn supports_filter_during_aggregation(&self) -> bool {
        self.0.supports_filter_during_aggregation()
    }

    fn supports_start_transaction_modifier(&self) -> bool {
        self.0.supports_start_transaction_modifier()
    }

    fn parse_statement(&self, parser: &mut Parser) -> Option<Result<Statement, ParserError>> {
        self.0.parse_statement(parser)
    }

    fn parse_infix(
        &self,
        parser: &mut Parser,
        expr: &Expr,
        precedence: u8,
    ) -> Option<Result<Expr, ParserError>> {
        let first = parser.peek_nth_token(0).token;
        let second = parser.peek_nth_token(1).token;
        if word_is(&first, &[Keyword::NOT])
            && word_is(&second, &[Keyword::GLOB, Keyword::REGEXP, Keyword::MATCH])
        {
            parser.next_token();
            return Some(self.0.parse_infix(parser, expr, precedence)?.map(|e| {
                Expr::Nested(Box::new(Expr::UnaryOp {
                    op: UnaryOperator::Not,
                    expr: Box::new(e),
                }))
            }));
        }
        if word_is(&first, &[Keyword::IS]) {
            let negated = word_is(&second, &[Keyword::NOT]);
            let operand = if negated {
                parser.peek_nth_token(2).token
            } else {
                second
            };
            // What sqlparser reads itself after `IS [NOT]`.
            let known = word_is(
                &operand,
                &[
                    Keyword::NULL,
                    Keyword::TRUE,
                    Keyword::FALSE,
                    Keyword::UNKNOWN,
                    Keyword::DISTINCT,
                    Keyword::JSON,
                    Keyword::NORMALIZED,
                    Keyword::NFC,
                    Keyword::NFD,
                    Keyword::NFKC,
                    Keyword::NFKD,
                ],
            );
            if !known {
                parser.next_token();
                if negated {
                    parser.next_token();
                }
                let right = match parser.parse_subexpr(self.prec_value(Precedence::Is)) {
                    Ok(e) => e,
                    Err(e) => return Some(Err(e)),
                };
                let (l, r) = (Box::new(expr.clone()), Box::new(right));
                return Some(Ok(if negated {
                    Expr::IsDistinctFrom(l, r)
                } else {
                    Expr::IsNotDistinctFrom(l, r)
                }));
            }
        }
        self.0.parse_infix(parser, expr, precedence)
    }

    fn supports_in_empty_list(&self) -> bool {
        self.0.supports_in_empty_list()
    }

    fn supports_limit_comma(&self) -> bool {
        self.0.supports_limit_comma()
    }

    fn supports_asc_desc_in_column_definition(&self) -> bool {
        self.0.supports_asc_desc_in_column_definition()
    }

    fn supports_dollar_placeholder(&self) -> bool {
        self.0.supports_dollar_placeholder()
    }

    fn supports_notnull_operator(&self) -> bool {
        self.0.supports_notnull_operator()
    }

    fn supports_comma_separated_trim(&self) -> bool {
        self.0.supports_comma_separated_trim()
    }

    fn supports_numeric_literal_underscores(&self) -> bool {
        self.0.supports_numeric_literal_underscores()
    }

    fn supports_bitwise_shift_operators(&self) -> bool {
        true
    }
}

/// When a SQLite trigger fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SqliteTriggerTiming {
    Before,
    After,
    InsteadOf,
}

/// What fires a SQLite trigger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqliteTriggerEvent {
    Insert,
    Delete,
    /// `UPDATE [OF columns]`.
    Update(Vec<String>),
}

/// A SQLite `CREATE TRIGGER`, names unquoted, the condition and the body as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqliteTrigger {
    pub name: String,
    pub if_not_exists: bool,
    pub temporary: bool,
    /// `BEFORE` when the statement names no time (SQLite's default).
    pub timing: SqliteTriggerTiming,
    pub event: SqliteTriggerEvent,
    /// The table or view, without a schema.
    pub table: String,
    /// The text of the `WHEN` condition.
    pub when: Option<String>,
    /// `BEGIN ... END` as written.
    pub body: String,
    /// The byte range of the trigger's name in the text.
    pub name_range: (usize, usize),
    /// The byte range of the statement in the text, `CREATE` to `END`.
    pub range: (usize, usize),
}

/// Reads `CREATE [TEMP] TRIGGER [IF NOT EXISTS] [schema.]name [BEFORE | AFTER | INSTEAD OF]
/// {DELETE | INSERT | UPDATE [OF col, ...]} ON [schema.]table [FOR EACH ROW] [WHEN expr]
/// BEGIN ... END`; `None` when the text does not have that shape.
pub fn parse_sqlite_trigger(text: &str) -> Option<SqliteTrigger> {
    let toks = tokens(text);
    let s = |i: usize| toks.get(i).map_or("", |t| &text[t.start..t.end]);
    let kw = |i: usize, w: &str| {
        toks.get(i)
            .is_some_and(|t| t.kind == Tok::Word && s(i).eq_ignore_ascii_case(w))
    };
    let name_at = |i: usize| -> Option<String> {
        let t = toks.get(i)?;
        match t.kind {
            Tok::Word => Some(s(i).to_string()),
            Tok::QuotedIdent | Tok::Str => {
                let raw = s(i);
                let q = &raw[..1];
                Some(raw[1..raw.len() - 1].replace(&format!("{q}{q}"), q))
            }
            Tok::Punct if s(i) == "[" && s(i + 2) == "]" => Some(s(i + 1).to_string()),
            _ => None,
        }
    };
    let name_len = |i: usize| if s(i) == "[" { 3 } else { 1 };
    // `[schema.]name`: the name and the index after it.
    let object = |i: usize| -> Option<(String, usize, usize)> {
        let first = name_at(i)?;
        let after = i + name_len(i);
        if s(after) == "." {
            let j = after + 1;
            return Some((name_at(j)?, j, j + name_len(j)));
        }
        Some((first, i, after))
    };
    let mut i = 0;
    if !kw(i, "CREATE") {
        return None;
    }
    i += 1;
    let temporary = kw(i, "TEMP") || kw(i, "TEMPORARY");
    if temporary {
        i += 1;
    }
    if !kw(i, "TRIGGER") {
        return None;
    }
    i += 1;
    let if_not_exists = kw(i, "IF") && kw(i + 1, "NOT") && kw(i + 2, "EXISTS");
    if if_not_exists {
        i += 3;
    }
    let (name, name_tok, next) = object(i)?;
    let name_range = (toks[name_tok].start, toks[next - 1].end);
    i = next;
    let timing = if kw(i, "BEFORE") {
        i += 1;
        SqliteTriggerTiming::Before
    } else if kw(i, "AFTER") {
        i += 1;
        SqliteTriggerTiming::After
    } else if kw(i, "INSTEAD") && kw(i + 1, "OF") {
        i += 2;
        SqliteTriggerTiming::InsteadOf
    } else {
        SqliteTriggerTiming::Before
    };
    let event = if kw(i, "INSERT") {
        i += 1;
        SqliteTriggerEvent::Insert
    } else if kw(i, "DELETE") {
        i += 1;
        SqliteTriggerEvent::Delete
    } else if kw(i, "UPDATE") {
        i += 1;
        let mut columns = Vec::new();
        if kw(i, "OF") {
            i += 1;
            loop {
                columns.push(name_at(i)?);
                i += name_len(i);
                if s(i) == "," {
                    i += 1;
                } else {
                    break;
                }
            }
        }
        SqliteTriggerEvent::Update(columns)
    } else {
        return None;
    };
    if !kw(i, "ON") {
        return None;
    }
    let (table, _, next) = object(i + 1)?;
    i = next;
    if kw(i, "FOR") && kw(i + 1, "EACH") && kw(i + 2, "ROW") {
        i += 3;
    }
    let begin = (i..toks.len()).find(|&j| kw(j, "BEGIN"))?;
    let when = if kw(i, "WHEN") && i + 1 < begin {
        Some(text[toks[i + 1].start..toks[begin - 1].end].to_string())
    } else if i == begin {
        None
    } else {
        return None;
    };
    let end = (begin..toks.len()).rev().find(|&j| kw(j, "END"))?;
    if toks[end + 1..]
        .iter()
        .any(|t| !(t.kind == Tok::Punct && &text[t.start..t.end] == ";"))
    {
        return None;
    }
    Some(SqliteTrigger {
        name,
        if_not_exists,
        temporary,
        timing,
        event,
        table,
        when,
        body: text[toks[begin].start..toks[end].end].to_string(),
        name_range,
        range: (toks[0].start, toks[end].end),
    })
}

impl SqliteTrigger {
    /// The `CREATE TRIGGER` statement, without a trailing semicolon; names are quoted.
    pub fn to_sql(&self) -> String {
        let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let timing = match self.timing {
            SqliteTriggerTiming::Before => "BEFORE",
            SqliteTriggerTiming::After => "AFTER",
            SqliteTriggerTiming::InsteadOf => "INSTEAD OF",
        };
        let event = match &self.event {
            SqliteTriggerEvent::Insert => "INSERT".to_string(),
            SqliteTriggerEvent::Delete => "DELETE".to_string(),
            SqliteTriggerEvent::Update(cols) if cols.is_empty() => "UPDATE".to_string(),
            SqliteTriggerEvent::Update(cols) => {
                let cols: Vec<String> = cols.iter().map(|c| q(c)).collect();
                format!("UPDATE OF {}", cols.join(", "))
            }
        };
        let mut s = format!(
            "CREATE TRIGGER {} {timing} {event} ON {} FOR EACH ROW",
            q(&self.name),
            q(&self.table)
        );
        if let Some(w) = &self.when {
            s.push_str(" WHEN ");
            s.push_str(w);
        }
        s.push('\n');
        s.push_str(&self.body);
        s
    }
}

/// `CREATE TABLE 'name' ('column' type, ...)`: SQLite takes a string where a table or column
/// name is expected (a quirk it keeps for compatibility). The text with those strings turned
/// into quoted identifiers (same length, so positions hold), or `None` when there are none.
pub(crate) fn single_quoted_names(text: &str) -> Option<String> {
    let toks = tokens(text);
    let s = |i: usize| toks.get(i).map_or("", |t| &text[t.start..t.end]);
    let kw = |i: usize, w: &str| {
        toks.get(i)
            .is_some_and(|t| t.kind == Tok::Word && s(i).eq_ignore_ascii_case(w))
    };
    if !kw(0, "CREATE") {
        return None;
    }
    let mut i = 1;
    if kw(i, "TEMP") || kw(i, "TEMPORARY") {
        i += 1;
    }
    if !kw(i, "TABLE") {
        return None;
    }
    i += 1;
    if kw(i, "IF") && kw(i + 1, "NOT") && kw(i + 2, "EXISTS") {
        i += 3;
    }
    let mut names = Vec::new();
    let is_name = |j: usize| toks[j].kind == Tok::Str && !s(j).contains("''");
    // `[schema.]table`
    if i < toks.len() && is_name(i) {
        names.push(i);
    }
    if s(i + 1) == "." && i + 2 < toks.len() && is_name(i + 2) {
        names.push(i + 2);
    }
    let open = (i..toks.len()).find(|&j| s(j) == "(")?;
    let mut depth = 0;
    for j in open..toks.len() {
        match s(j) {
            "(" => depth += 1,
            ")" => depth -= 1,
            "," if depth == 1 && j + 1 < toks.len() && is_name(j + 1) => names.push(j + 1),
            _ => {}
        }
        if j == open && j + 1 < toks.len() && is_name(j + 1) {
            names.push(j + 1);
        }
    }
    if names.is_empty() {
        return None;
    }
    let mut out = text.as_bytes().to_vec();
    for j in names {
        out[toks[j].start] = b'"';
        out[toks[j].end - 1] = b'"';
    }
    String::from_utf8(out).ok()
}

/// The tokens of SQLite text, for comparing texts that differ only in layout: white space and
/// comments dropped, words and quoted identifiers lower-cased (SQLite identifiers are
/// case-insensitive) and unquoted, strings and numbers as written, joined by single spaces.
pub fn sqlite_token_text(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for t in tokens(text) {
        let raw = &text[t.start..t.end];
        out.push(match t.kind {
            Tok::Word => raw.to_ascii_lowercase(),
            Tok::QuotedIdent => {
                let q = &raw[..1];
                raw[1..raw.len().saturating_sub(1).max(1)]
                    .replace(&format!("{q}{q}"), q)
                    .to_ascii_lowercase()
            }
            _ => raw.to_string(),
        });
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_expr(text: &str) -> String {
        let d = SqliteDialect::default();
        let mut p = Parser::new(&d).try_with_sql(text).unwrap();
        p.parse_expr().unwrap().to_string()
    }

    #[test]
    fn reads_what_sqlite_has() {
        assert_eq!(
            parse_expr("a IS NULL OR a NOT GLOB '*[^0-9]*'"),
            "a IS NULL OR (NOT a GLOB '*[^0-9]*')"
        );
        assert_eq!(
            parse_expr("old.d IS NOT new.d"),
            "old.d IS DISTINCT FROM new.d"
        );
        assert_eq!(parse_expr("a IS b AND c"), "a IS NOT DISTINCT FROM b AND c");
        assert_eq!(parse_expr("a IS NOT NULL"), "a IS NOT NULL");
        assert_eq!(parse_expr("min(1 << n, 3600)"), "min(1 << n, 3600)");
    }

    #[test]
    fn reads_triggers() {
        let t = parse_sqlite_trigger(
            "CREATE TRIGGER IF NOT EXISTS main.\"t x\"\nINSTEAD OF UPDATE OF a, \"b\" ON v\n\
             FOR EACH ROW WHEN NEW.a IS NOT OLD.a\nBEGIN\n  SELECT 1;\nEND;",
        )
        .unwrap();
        assert_eq!(t.name, "t x");
        assert!(t.if_not_exists);
        assert_eq!(t.timing, SqliteTriggerTiming::InsteadOf);
        assert_eq!(
            t.event,
            SqliteTriggerEvent::Update(vec!["a".into(), "b".into()])
        );
        assert_eq!(t.table, "v");
        assert_eq!(t.when.as_deref(), Some("NEW.a IS NOT OLD.a"));
        assert_eq!(t.body, "BEGIN\n  SELECT 1;\nEND");
        let t = parse_sqlite_trigger("create trigger t delete on x begin select 1; end").unwrap();
        assert_eq!(t.timing, SqliteTriggerTiming::Before);
        assert_eq!(t.event, SqliteTriggerEvent::Delete);
        assert_eq!(t.when, None);
        assert_eq!(
            t.to_sql(),
            "CREATE TRIGGER \"t\" BEFORE DELETE ON \"x\" FOR EACH ROW\nbegin select 1; end"
        );
        assert!(parse_sqlite_trigger("CREATE TABLE t (a)").is_none());
    }

    #[test]
    fn strings_as_names() {
        assert_eq!(
            single_quoted_names("CREATE TABLE 'b' (\n  'data' integer, x text DEFAULT 'y')")
                .as_deref(),
            Some("CREATE TABLE \"b\" (\n  \"data\" integer, x text DEFAULT 'y')")
        );
        assert_eq!(
            single_quoted_names("CREATE TABLE b (x text DEFAULT 'y')"),
            None
        );
    }

    #[test]
    fn token_text_ignores_layout() {
        assert_eq!(
            sqlite_token_text("BEGIN\n  UPDATE \"T\" SET a = 'X y'; -- c\nEND"),
            sqlite_token_text("begin update t set A = 'X y';  end")
        );
    }
}
