//! Routine bodies read as tokens, for what cannot be parsed whole (PL/pgSQL, MySQL compound
//! statements): the relations and columns they name ([`uses`]), and the `EXECUTE` statements
//! that splice values into dynamic SQL ([`spliced_executes`]).

use super::{Rel, Scope, Uses};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// An identifier or keyword; `quoted` when written `"..."`.
    Word { quoted: bool },
    /// A string literal (`'...'`, `E'...'`, `$tag$...$tag$`).
    Str,
    /// A number or a `$n` parameter.
    Num,
    /// Punctuation or an operator (`||`, `::`, `.`, `(`, ...).
    Op,
}

#[derive(Clone, Debug)]
struct Tok {
    kind: Kind,
    /// The identifier as stored (unquoted and case-folded), the string's content, or the
    /// operator's text.
    text: String,
    start: usize,
    end: usize,
}

impl Tok {
    fn is_word(&self, w: &str) -> bool {
        matches!(self.kind, Kind::Word { quoted: false }) && self.text.eq_ignore_ascii_case(w)
    }
    fn is_op(&self, o: &str) -> bool {
        self.kind == Kind::Op && self.text == o
    }
}

fn ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}
fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The tokens of `src`, without comments. Identifiers are lower-cased unless quoted.
fn tokenize(src: &str) -> Vec<Tok> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let at = |i: usize| src[i..].chars().next().unwrap_or('\0');
    while i < b.len() {
        let c = at(i);
        let start = i;
        if c.is_whitespace() {
            i += c.len_utf8();
        } else if src[i..].starts_with("--") {
            i = src[i..].find('\n').map_or(b.len(), |n| i + n);
        } else if src[i..].starts_with("/*") {
            // Nested, as PostgreSQL reads them.
            let mut depth = 0;
            while i < b.len() {
                if src[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if src[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += at(i).len_utf8();
                }
            }
        } else if c == '\'' || ((c == 'e' || c == 'E') && b.get(i + 1) == Some(&b'\'')) {
            let backslash = c != '\'';
            if backslash {
                i += 1;
            }
            i += 1;
            let mut text = String::new();
            while i < b.len() {
                let ch = at(i);
                if backslash && ch == '\\' {
                    i += 1;
                    if i < b.len() {
                        let n = at(i);
                        text.push(n);
                        i += n.len_utf8();
                    }
                } else if ch == '\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        text.push('\'');
                        i += 2;
                    } else {
                        i += 1;
                        break;
                    }
                } else {
                    text.push(ch);
                    i += ch.len_utf8();
                }
            }
            out.push(Tok {
                kind: Kind::Str,
                text,
                start,
                end: i,
            });
        } else if c == '$' {
            // `$1`, or a dollar quote `$tag$...$tag$`.
            let rest = &src[i + 1..];
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits > 0 {
                i += 1 + digits;
                out.push(Tok {
                    kind: Kind::Num,
                    text: src[start..i].to_string(),
                    start,
                    end: i,
                });
                continue;
            }
            let tag_len = rest
                .char_indices()
                .take_while(|&(k, ch)| {
                    if k == 0 {
                        ident_start(ch)
                    } else {
                        ident_start(ch) || ch.is_ascii_digit()
                    }
                })
                .map(|(_, ch)| ch.len_utf8())
                .sum::<usize>();
            if rest[tag_len..].starts_with('$') {
                let tag = &src[i..i + tag_len + 2];
                let body_start = i + tag.len();
                let end = src[body_start..]
                    .find(tag)
                    .map_or(b.len(), |n| body_start + n);
                i = (end + tag.len()).min(b.len());
                out.push(Tok {
                    kind: Kind::Str,
                    text: src[body_start..end].to_string(),
                    start,
                    end: i,
                });
            } else {
                i += 1;
                out.push(op(src, start, i));
            }
        } else if c == '"' || c == '`' {
            i += 1;
            let mut text = String::new();
            while i < b.len() {
                let ch = at(i);
                i += ch.len_utf8();
                if ch == c {
                    if at(i) == c && i < b.len() {
                        text.push(c);
                        i += 1;
                    } else {
                        break;
                    }
                } else {
                    text.push(ch);
                }
            }
            out.push(Tok {
                kind: Kind::Word { quoted: true },
                text,
                start,
                end: i,
            });
        } else if ident_start(c) {
            while i < b.len() && ident_char(at(i)) {
                i += at(i).len_utf8();
            }
            out.push(Tok {
                kind: Kind::Word { quoted: false },
                text: src[start..i].to_lowercase(),
                start,
                end: i,
            });
        } else if c.is_ascii_digit() {
            while i < b.len() && (at(i).is_ascii_alphanumeric() || at(i) == '.') {
                i += 1;
            }
            out.push(Tok {
                kind: Kind::Num,
                text: src[start..i].to_string(),
                start,
                end: i,
            });
        } else {
            let two = src.get(i..i + 2).unwrap_or("");
            i += if matches!(two, "||" | "::" | ":=" | "<>" | "!=" | "<=" | ">=") {
                2
            } else {
                c.len_utf8()
            };
            out.push(op(src, start, i));
        }
    }
    out
}

fn op(src: &str, start: usize, end: usize) -> Tok {
    Tok {
        kind: Kind::Op,
        text: src[start..end].to_string(),
        start,
        end,
    }
}

/// Words that are never a column (keywords of SQL and PL/pgSQL).
const KEYWORDS: &[&str] = &[
    "select",
    "from",
    "where",
    "and",
    "or",
    "not",
    "null",
    "is",
    "in",
    "as",
    "on",
    "join",
    "left",
    "right",
    "inner",
    "outer",
    "full",
    "cross",
    "natural",
    "lateral",
    "using",
    "group",
    "by",
    "order",
    "having",
    "limit",
    "offset",
    "fetch",
    "insert",
    "into",
    "values",
    "update",
    "set",
    "delete",
    "returning",
    "begin",
    "end",
    "declare",
    "return",
    "returns",
    "if",
    "then",
    "else",
    "elsif",
    "elseif",
    "loop",
    "for",
    "foreach",
    "while",
    "exit",
    "continue",
    "perform",
    "execute",
    "raise",
    "notice",
    "warning",
    "info",
    "log",
    "debug",
    "exception",
    "when",
    "case",
    "true",
    "false",
    "new",
    "old",
    "found",
    "strict",
    "distinct",
    "all",
    "any",
    "some",
    "exists",
    "between",
    "like",
    "ilike",
    "similar",
    "asc",
    "desc",
    "nulls",
    "first",
    "last",
    "with",
    "recursive",
    "union",
    "except",
    "intersect",
    "record",
    "query",
    "next",
    "do",
    "nothing",
    "conflict",
    "table",
    "only",
    "truncate",
    "cascade",
    "restrict",
    "get",
    "diagnostics",
    "row_count",
    "sqlstate",
    "sqlerrm",
    "others",
    "constant",
    "default",
    "collate",
    "interval",
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "session_user",
    "localtime",
    "localtimestamp",
    "tg_op",
    "tg_table_name",
    "tg_table_schema",
    "tg_name",
    "reverse",
    "slice",
    "array",
    "open",
    "close",
    "cursor",
    "move",
    "assert",
    "commit",
    "rollback",
    "call",
    "rowtype",
    "type",
    "integer",
    "int",
    "bigint",
    "smallint",
    "text",
    "varchar",
    "boolean",
    "bool",
    "numeric",
    "date",
    "timestamp",
    "timestamptz",
    "jsonb",
    "json",
    "uuid",
    "void",
    "trigger",
    "setof",
    "language",
    "plpgsql",
    "sql",
    "out",
    "inout",
    "variadic",
    "character",
    "varying",
    "precision",
    "double",
    "real",
    "zone",
    "time",
    "without",
    "handler",
    "sqlexception",
    "sqlwarning",
    "leave",
    "iterate",
    "repeat",
    "until",
    "signal",
];

fn keyword(w: &str) -> bool {
    KEYWORDS.contains(&w)
}

/// Function words whose parentheses may hold a `FROM` that is not a relation's.
const FROM_CALLS: &[&str] = &["extract", "substring", "trim", "overlay", "position"];

/// A run of words joined by dots (`s.t.c`), starting at token `i`: its parts and the index
/// after it.
fn chain(toks: &[Tok], i: usize) -> Option<(Vec<String>, usize)> {
    let mut parts = Vec::new();
    let mut j = i;
    loop {
        let t = toks.get(j)?;
        if !matches!(t.kind, Kind::Word { .. }) {
            return (!parts.is_empty()).then_some((parts, j));
        }
        parts.push(t.text.clone());
        j += 1;
        if toks.get(j).is_some_and(|t| t.is_op("."))
            && toks
                .get(j + 1)
                .is_some_and(|t| matches!(t.kind, Kind::Word { .. }))
        {
            j += 1;
        } else {
            return Some((parts, j));
        }
    }
}

/// What a body names, read from its tokens (see the module docs of [`super`]).
pub fn uses(scope: &Scope<'_>, body: &str, args: &[String]) -> Uses {
    let d = scope.realm.dialect;
    let toks = tokenize(body);
    let fold = |s: &str| d.ident_key(s).into_owned();
    let mut args: Vec<String> = args.iter().map(|a| fold(a)).collect();
    // Variables of `DECLARE` sections: the first word of each declaration.
    let mut in_declare = false;
    for (k, t) in toks.iter().enumerate() {
        if t.is_word("declare") {
            in_declare = true;
        } else if t.is_word("begin") {
            in_declare = false;
        } else if in_declare
            && matches!(t.kind, Kind::Word { .. })
            && toks[k - 1].is_word("declare") | toks[k - 1].is_op(";")
        {
            args.push(fold(&t.text));
        }
    }
    let rel_of = |parts: &[String]| -> Rel {
        match parts {
            [name] => (scope.default_schema.clone(), name.clone()),
            [.., s, n] => (s.clone(), n.clone()),
            [] => unreachable!("chains are not empty"),
        }
    };
    // Pass 1: relations (and their aliases), and which token runs name them.
    let mut relations: Vec<Rel> = Vec::new();
    let mut aliases: Vec<(String, Rel)> = Vec::new();
    let mut taken = vec![false; toks.len()];
    let mut calls: Vec<Option<String>> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_op("(") {
            calls.push(i.checked_sub(1).map(|p| toks[p].text.clone()));
        } else if t.is_op(")") {
            calls.pop();
        }
        let prev = i.checked_sub(1).map(|p| &toks[p]);
        let table_kw = (t.is_word("from")
            && !prev.is_some_and(|p| p.is_word("distinct"))
            && !calls
                .last()
                .and_then(|c| c.as_deref())
                .is_some_and(|c| FROM_CALLS.contains(&c)))
            || t.is_word("join")
            || t.is_word("update")
            || t.is_word("truncate")
            || t.is_word("only")
            || (t.is_word("table")
                && !prev.is_some_and(|p| p.is_word("return") || p.is_word("returns")))
            || (t.is_word("into")
                && prev.is_some_and(|p| p.is_word("insert") || p.is_word("merge")));
        if table_kw {
            let mut j = i + 1;
            loop {
                while toks.get(j).is_some_and(|t| {
                    t.is_word("only") || t.is_word("table") || t.is_word("lateral")
                }) {
                    j += 1;
                }
                let Some((parts, next)) = chain(&toks, j) else {
                    break;
                };
                if parts.len() == 1
                    && !matches!(toks[j].kind, Kind::Word { quoted: true })
                    && keyword(&parts[0])
                {
                    break;
                }
                if (t.is_word("from") || t.is_word("join"))
                    && toks.get(next).is_some_and(|t| t.is_op("("))
                {
                    break; // a set-returning function
                }
                let rel = rel_of(&parts);
                taken[j..next].iter_mut().for_each(|x| *x = true);
                relations.push(rel.clone());
                aliases.push((fold(parts.last().expect("not empty")), rel.clone()));
                let mut k = next;
                if toks.get(k).is_some_and(|t| t.is_word("as")) {
                    k += 1;
                }
                if let Some(a) = toks
                    .get(k)
                    .filter(|a| matches!(a.kind, Kind::Word { .. }) && !keyword(&a.text))
                {
                    aliases.push((fold(&a.text), rel));
                    taken[k] = true;
                    k += 1;
                }
                if toks.get(k).is_some_and(|t| t.is_op(",")) && t.is_word("from") {
                    j = k + 1;
                    continue;
                }
                break;
            }
        } else if t.is_op("%") && toks.get(i + 1).is_some_and(|n| n.is_word("rowtype")) {
            // `t%ROWTYPE`: walk back over the chain.
            let mut s = i;
            while s >= 2 && toks[s - 2].is_op(".") {
                s -= 2;
            }
            if s >= 1
                && matches!(toks[s - 1].kind, Kind::Word { .. })
                && let Some((parts, next)) = chain(&toks, s - 1)
                && next == i
            {
                taken[s - 1..next].iter_mut().for_each(|x| *x = true);
                relations.push(rel_of(&parts));
            }
        }
        i += 1;
    }
    relations.sort();
    relations.dedup();
    // Pass 2: columns.
    let mut columns: Vec<(String, String, String)> = Vec::new();
    let lookup = |q: &str| {
        aliases
            .iter()
            .find(|(a, _)| d.idents_equal(a, q))
            .map(|(_, r)| r.clone())
    };
    let mut i = 0;
    while i < toks.len() {
        if taken[i] || !matches!(toks[i].kind, Kind::Word { .. }) {
            i += 1;
            continue;
        }
        let Some((parts, next)) = chain(&toks, i) else {
            i += 1;
            continue;
        };
        i = next;
        if toks.get(next).is_some_and(|t| t.is_op("("))
            || toks.get(next).is_some_and(|t| t.is_op(":="))
        {
            continue; // a call, or a variable assigned
        }
        match parts.as_slice() {
            [c] => {
                let c = c.clone();
                let quoted = matches!(toks[next - 1].kind, Kind::Word { quoted: true });
                if (!quoted && keyword(&c))
                    || args.contains(&fold(&c))
                    || aliases.iter().any(|(a, _)| d.idents_equal(a, &c))
                {
                    continue;
                }
                let having: Vec<&Rel> = relations
                    .iter()
                    .filter(|r| scope.has_column(r, &c) == Some(true))
                    .collect();
                let to: Vec<&Rel> = if having.is_empty() {
                    relations.iter().collect()
                } else {
                    having
                };
                for r in to {
                    columns.push((r.0.clone(), r.1.clone(), c.clone()));
                }
            }
            [q, c] => {
                if let Some(r) = lookup(q) {
                    columns.push((r.0, r.1, c.clone()));
                }
            }
            [.., s, t, c] => {
                let r = (s.clone(), t.clone());
                if relations.contains(&r) {
                    columns.push((r.0, r.1, c.clone()));
                }
            }
            [] => {}
        }
    }
    columns.sort();
    columns.dedup();
    Uses { relations, columns }
}

/// The `EXECUTE` statements of a PL/pgSQL body that splice a value into the SQL they run: for
/// each, the offending fragment as written. A statement splices when its SQL text concatenates
/// (`||`) an operand that is not a string literal nor a call of `quote_ident`, `quote_literal`,
/// `quote_nullable` or of a safe `format`, or when it calls `format` with a `%s` fed by
/// something other than a literal. `USING` parameters and `INTO` targets are not part of it.
pub fn spliced_executes(body: &str) -> Vec<String> {
    let toks = tokenize(body);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !toks[i].is_word("execute") {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        let mut depth = 0i32;
        while j < toks.len() {
            let t = &toks[j];
            if t.is_op("(") {
                depth += 1;
            } else if t.is_op(")") {
                depth -= 1;
                if depth < 0 {
                    break;
                }
            } else if depth == 0 && (t.is_op(";") || t.is_word("using") || t.is_word("into")) {
                break;
            }
            j += 1;
        }
        expr(body, &toks[start..j], false, &mut out);
        i = j.max(i + 1);
    }
    out
}

fn text(body: &str, toks: &[Tok]) -> String {
    match (toks.first(), toks.last()) {
        (Some(a), Some(z)) => body[a.start..z.end].to_string(),
        _ => String::new(),
    }
}

/// Splits `toks` at `sep` outside parentheses.
fn split<'t>(toks: &'t [Tok], sep: &str) -> Vec<&'t [Tok]> {
    let mut parts = Vec::new();
    let (mut depth, mut from) = (0i32, 0);
    for (k, t) in toks.iter().enumerate() {
        if t.is_op("(") || t.is_op("[") {
            depth += 1;
        } else if t.is_op(")") || t.is_op("]") {
            depth -= 1;
        } else if depth == 0 && t.is_op(sep) {
            parts.push(&toks[from..k]);
            from = k + 1;
        }
    }
    parts.push(&toks[from..]);
    parts
}

/// `f(args)` spanning all of `toks` (a trailing `::type` allowed): `f` and the argument tokens.
fn call(toks: &[Tok]) -> Option<(&str, &[Tok])> {
    let f = toks
        .first()
        .filter(|t| matches!(t.kind, Kind::Word { quoted: false }))?;
    if !toks.get(1)?.is_op("(") {
        return None;
    }
    let mut depth = 0;
    for (k, t) in toks.iter().enumerate().skip(1) {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
            if depth == 0 {
                let rest = &toks[k + 1..];
                let cast = rest.is_empty()
                    || (rest.len() >= 2
                        && rest[0].is_op("::")
                        && rest[1..]
                            .iter()
                            .all(|t| matches!(t.kind, Kind::Word { .. })));
                return cast.then(|| (f.text.as_str(), &toks[2..k]));
            }
        }
    }
    None
}

/// The operand inside one pair of parentheses around all of `toks`.
fn parenthesized(toks: &[Tok]) -> Option<&[Tok]> {
    if toks.len() < 2 || !toks[0].is_op("(") || !toks[toks.len() - 1].is_op(")") {
        return None;
    }
    let mut depth = 0;
    for (k, t) in toks.iter().enumerate() {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
            if depth == 0 && k != toks.len() - 1 {
                return None;
            }
        }
    }
    Some(&toks[1..toks.len() - 1])
}

fn literal(toks: &[Tok]) -> bool {
    match toks {
        [t] => {
            t.kind == Kind::Str
                || (t.kind == Kind::Num && !t.text.starts_with('$'))
                || t.is_word("null")
        }
        [s, t, ..] if s.kind == Kind::Str && t.is_op("::") => true,
        _ => false,
    }
}

/// Checks an `EXECUTE` operand list; `concat` when it is itself an operand of `||`.
fn expr(body: &str, toks: &[Tok], concat: bool, out: &mut Vec<String>) {
    let ops = split(toks, "||");
    let concat = concat || ops.len() > 1;
    for op in &ops {
        if let Some(inner) = parenthesized(op) {
            expr(body, inner, concat, out);
            continue;
        }
        if op.is_empty() || literal(op) {
            continue;
        }
        match call(op) {
            Some(("quote_ident" | "quote_literal" | "quote_nullable", _)) => continue,
            Some(("format", args)) => {
                format_call(body, args, out);
                continue;
            }
            _ => {}
        }
        if concat {
            out.push(text(body, op));
        } else {
            // No concatenation: only the `format` calls inside can splice.
            let mut k = 0;
            while k < op.len() {
                if op[k].is_word("format")
                    && op.get(k + 1).is_some_and(|t| t.is_op("("))
                    && let Some((_, args)) =
                        call(&op[k..close(op, k + 1).map_or(op.len(), |c| c + 1)])
                {
                    format_call(body, args, out);
                }
                k += 1;
            }
        }
    }
}

/// The index of the `)` closing the `(` at `open`.
fn close(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (k, t) in toks.iter().enumerate().skip(open) {
        if t.is_op("(") {
            depth += 1;
        } else if t.is_op(")") {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// `format(fmt, args...)`: reports each argument a `%s` takes that is not a literal. A format
/// string that is not a literal cannot be read and is not reported.
fn format_call(body: &str, args: &[Tok], out: &mut Vec<String>) {
    let args = split(args, ",");
    let Some(fmt) = args.first().and_then(|f| match f {
        [t] if t.kind == Kind::Str => Some(t.text.as_str()),
        _ => None,
    }) else {
        return;
    };
    let mut next = 1usize;
    let chars: Vec<char> = fmt.chars().collect();
    let mut k = 0;
    while k < chars.len() {
        if chars[k] != '%' {
            k += 1;
            continue;
        }
        k += 1;
        if chars.get(k) == Some(&'%') {
            k += 1;
            continue;
        }
        // %[position$][flags][width]type
        let digits: String = chars[k..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let mut arg = None;
        if !digits.is_empty() && chars.get(k + digits.len()) == Some(&'$') {
            arg = digits.parse::<usize>().ok();
            k += digits.len() + 1;
        }
        while chars.get(k) == Some(&'-') {
            k += 1;
        }
        if chars.get(k) == Some(&'*') {
            k += 1;
            let d: String = chars[k..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .collect();
            if !d.is_empty() && chars.get(k + d.len()) == Some(&'$') {
                k += d.len() + 1;
            } else {
                next += 1;
            }
        } else {
            k += chars[k..].iter().take_while(|c| c.is_ascii_digit()).count();
        }
        let ty = chars.get(k).copied();
        k += 1;
        let n = arg.unwrap_or(next);
        next = n + 1;
        if ty == Some('s')
            && let Some(a) = args.get(n)
            && !literal(a)
            && !matches!(
                call(a),
                Some(("quote_ident" | "quote_literal" | "quote_nullable", _))
            )
        {
            out.push(text(body, a));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spliced(body: &str) -> Vec<String> {
        spliced_executes(body)
    }

    #[test]
    fn tokens_skip_comments_and_strings() {
        let t = tokenize(
            "a -- users\n /* users /* nested */ */ 'users' $x$ users $x$ E'it\\'s' \"Users\"",
        );
        let words: Vec<_> = t
            .iter()
            .filter(|t| matches!(t.kind, Kind::Word { .. }))
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(words, ["a", "Users"]);
    }

    #[test]
    fn executes() {
        assert_eq!(
            spliced("EXECUTE 'DELETE FROM t WHERE n = ''' || name || '''';"),
            ["name"]
        );
        assert!(
            spliced("EXECUTE 'SELECT 1' || quote_ident(t) || '.' || quote_literal(v);").is_empty()
        );
        assert!(
            spliced("EXECUTE format('SELECT %I FROM %I WHERE k = $1', c, t) INTO n USING k;")
                .is_empty()
        );
        assert_eq!(
            spliced("EXECUTE format('SELECT count(*) FROM %s', t) INTO n;"),
            ["t"]
        );
        assert!(spliced("EXECUTE format('SELECT %s', 'x');").is_empty());
        assert_eq!(spliced("EXECUTE format('%2$s %1$I', a, b);"), ["b"]);
        assert!(spliced("EXECUTE 'SELECT * FROM t WHERE id = $1' USING a || b;").is_empty());
        assert_eq!(
            spliced("EXECUTE format('TRUNCATE %I', t); EXECUTE 'DROP TABLE ' || t;"),
            ["t"]
        );
        assert_eq!(spliced("EXECUTE ('SELECT ' || (x));"), ["x"]);
        assert!(spliced("-- EXECUTE 'a' || b;\nRAISE NOTICE 'EXECUTE x || y';").is_empty());
    }
}
