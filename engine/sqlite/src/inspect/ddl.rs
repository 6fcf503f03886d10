//! A scanner for the CREATE statements SQLite keeps in `sqlite_schema.sql`. What no pragma
//! reports (constraint names, checks, generated expressions, column collations, AUTOINCREMENT,
//! deferrability, view bodies, trigger clauses, index expressions and predicates) is read from
//! the statement text, which SQLite stores as it was written.
//!
//! The scanner tokenizes (strings, quoted identifiers, comments, blobs) and then walks the
//! grammar of the four statements only as far as the IR needs; anything it does not recognise
//! is skipped, never a panic.

/// The kinds of token that matter for finding the structure of a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A bare word: a keyword or an unquoted identifier.
    Word,
    /// A quoted identifier: `"x"`, `` `x` `` or `[x]`.
    Ident,
    /// A string literal `'x'`.
    Str,
    /// A blob literal `X'00'`.
    Blob,
    Num,
    /// Any other single character: parentheses, commas, operators.
    Punct,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
}

fn tokenize(src: &str) -> Vec<Tok> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    // Scans a quoted run starting at `i` (the opening quote) where a doubled `close` escapes it.
    let quoted = |i: usize, close: u8, doubles: bool| -> usize {
        let mut j = i + 1;
        while j < b.len() {
            if b[j] == close {
                if doubles && b.get(j + 1) == Some(&close) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j += 1;
        }
        b.len()
    };
    let word_byte = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = match src[i + 2..].find("*/") {
                Some(k) => i + 2 + k + 2,
                None => b.len(),
            };
            continue;
        }
        let (kind, end) = match c {
            b'\'' => (Kind::Str, quoted(i, b'\'', true)),
            b'"' => (Kind::Ident, quoted(i, b'"', true)),
            b'`' => (Kind::Ident, quoted(i, b'`', true)),
            b'[' => (Kind::Ident, quoted(i, b']', false)),
            b'x' | b'X' if b.get(i + 1) == Some(&b'\'') => (Kind::Blob, quoted(i + 1, b'\'', true)),
            _ if c.is_ascii_digit()
                || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let mut j = i + 1;
                while j < b.len() {
                    let d = b[j];
                    let exp_sign = (d == b'+' || d == b'-') && matches!(b[j - 1], b'e' | b'E');
                    if d.is_ascii_alphanumeric() || d == b'.' || d == b'_' || exp_sign {
                        j += 1;
                    } else {
                        break;
                    }
                }
                (Kind::Num, j)
            }
            _ if word_byte(c) => {
                let mut j = i + 1;
                while j < b.len() && word_byte(b[j]) {
                    j += 1;
                }
                (Kind::Word, j)
            }
            _ => (Kind::Punct, i + 1),
        };
        out.push(Tok {
            kind,
            start: i,
            end,
        });
        i = end;
    }
    out
}

/// Removes the quotes of a quoted identifier or string, undoing doubled quotes.
pub(crate) fn unquote(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() >= 2 {
        let (open, close) = (b[0], b[b.len() - 1]);
        let inner = &s[1..s.len() - 1];
        match (open, close) {
            (b'"', b'"') => return inner.replace("\"\"", "\""),
            (b'`', b'`') => return inner.replace("``", "`"),
            (b'\'', b'\'') => return inner.replace("''", "'"),
            (b'[', b']') => return inner.to_string(),
            _ => {}
        }
    }
    s.to_string()
}

/// A token stream over one statement, with the helpers the statement walkers share.
struct Scan<'a> {
    src: &'a str,
    toks: Vec<Tok>,
}

impl<'a> Scan<'a> {
    fn new(src: &'a str) -> Scan<'a> {
        Scan {
            src,
            toks: tokenize(src),
        }
    }

    fn len(&self) -> usize {
        self.toks.len()
    }

    fn text(&self, i: usize) -> &'a str {
        self.toks.get(i).map_or("", |t| &self.src[t.start..t.end])
    }

    fn is_kw(&self, i: usize, kw: &str) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == Kind::Word && self.text(i).eq_ignore_ascii_case(kw))
    }

    fn is_punct(&self, i: usize, c: char) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == Kind::Punct && self.src[t.start..t.end].starts_with(c))
    }

    /// The name token `i` spells, unquoted, when it can be a name.
    fn name(&self, i: usize) -> Option<String> {
        let t = self.toks.get(i)?;
        match t.kind {
            Kind::Word => Some(self.text(i).to_string()),
            Kind::Ident | Kind::Str => Some(unquote(self.text(i))),
            _ => None,
        }
    }

    /// The index of the `)` closing the `(` at `open` (or the end when unbalanced).
    fn close_of(&self, open: usize) -> usize {
        let mut depth = 0usize;
        for i in open..self.len() {
            if self.is_punct(i, '(') {
                depth += 1;
            } else if self.is_punct(i, ')') {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
        }
        self.len()
    }

    /// The source text of tokens `from..to` (exclusive), as written, trimmed.
    fn slice(&self, from: usize, to: usize) -> String {
        if from >= to || from >= self.len() {
            return String::new();
        }
        let end = self.toks[to.min(self.len()) - 1].end;
        self.src[self.toks[from].start..end].trim().to_string()
    }

    /// The ranges of the comma-separated items between `from` and `to` (exclusive), at depth 0.
    fn items(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = from;
        let mut i = from;
        while i < to {
            if self.is_punct(i, '(') {
                i = self.close_of(i) + 1;
                continue;
            }
            if self.is_punct(i, ',') {
                out.push((start, i));
                start = i + 1;
            }
            i += 1;
        }
        if start < to {
            out.push((start, to));
        }
        out
    }

    /// The names of a parenthesised list of columns at `open` (each item's first name).
    fn name_list(&self, open: usize) -> (Vec<String>, usize) {
        let close = self.close_of(open);
        let names = self
            .items(open + 1, close)
            .into_iter()
            .filter_map(|(s, _)| self.name(s))
            .collect();
        (names, close + 1)
    }

    /// Skips `ON CONFLICT <resolution>` at `i`.
    fn skip_conflict(&self, i: usize) -> usize {
        if self.is_kw(i, "ON") && self.is_kw(i + 1, "CONFLICT") {
            i + 3
        } else {
            i
        }
    }

    /// Skips `IF NOT EXISTS` and a (possibly schema-qualified) object name starting at `i`.
    fn skip_object_name(&self, mut i: usize) -> usize {
        if self.is_kw(i, "IF") && self.is_kw(i + 1, "NOT") && self.is_kw(i + 2, "EXISTS") {
            i += 3;
        }
        i += 1;
        if self.is_punct(i, '.') {
            i += 2;
        }
        i
    }
}

/// What a column definition says beyond what `pragma_table_xinfo` reports.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ColumnDef {
    pub name: String,
    pub collation: Option<String>,
    pub autoincrement: bool,
    /// The expression of a generated column, as written between the parentheses.
    pub generated: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct NamedColumns {
    pub name: Option<String>,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ForeignKeyDef {
    pub name: Option<String>,
    pub columns: Vec<String>,
    pub ref_table: String,
    pub deferrable: cairn_ir::Deferrable,
}

/// What a `CREATE TABLE` statement says beyond the pragmas.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct TableDef {
    pub columns: Vec<ColumnDef>,
    pub primary_key_name: Option<String>,
    /// Checks in declaration order: (name, expression as written inside the parentheses).
    pub checks: Vec<(Option<String>, String)>,
    pub uniques: Vec<NamedColumns>,
    pub foreign_keys: Vec<ForeignKeyDef>,
}

impl TableDef {
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
    }
}

/// Words that end a column's type and start its constraints.
const COLUMN_CONSTRAINT_START: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "NOT",
    "NULL",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "COLLATE",
    "REFERENCES",
    "GENERATED",
    "AS",
];

/// Reads a `CREATE TABLE` statement; `None` when it is not one (virtual tables included).
pub(crate) fn parse_create_table(sql: &str) -> Option<TableDef> {
    let s = Scan::new(sql);
    let table_kw = (0..s.len().min(4)).find(|&i| s.is_kw(i, "TABLE"))?;
    if !s.is_kw(0, "CREATE") || (0..table_kw).any(|i| s.is_kw(i, "VIRTUAL")) {
        return None;
    }
    let open = (table_kw..s.len()).find(|&i| s.is_punct(i, '('))?;
    let close = s.close_of(open);
    let mut def = TableDef::default();
    for (from, to) in s.items(open + 1, close) {
        let mut i = from;
        let mut pending: Option<String> = None;
        if s.is_kw(i, "CONSTRAINT") {
            pending = s.name(i + 1);
            i += 2;
        }
        if s.is_kw(i, "PRIMARY") {
            def.primary_key_name = pending;
        } else if s.is_kw(i, "UNIQUE") && s.is_punct(i + 1, '(') {
            let (columns, _) = s.name_list(i + 1);
            def.uniques.push(NamedColumns {
                name: pending,
                columns,
            });
        } else if s.is_kw(i, "CHECK") && s.is_punct(i + 1, '(') {
            let c = s.close_of(i + 1);
            def.checks.push((pending, s.slice(i + 2, c)));
        } else if s.is_kw(i, "FOREIGN") && s.is_kw(i + 1, "KEY") && s.is_punct(i + 2, '(') {
            let (columns, next) = s.name_list(i + 2);
            if s.is_kw(next, "REFERENCES") {
                let (ref_table, deferrable, _) = references(&s, next, to);
                def.foreign_keys.push(ForeignKeyDef {
                    name: pending,
                    columns,
                    ref_table,
                    deferrable,
                });
            }
        } else if pending.is_none() {
            column_def(&s, from, to, &mut def);
        }
    }
    Some(def)
}

/// Reads one column definition `from..to` into `def`.
fn column_def(s: &Scan<'_>, from: usize, to: usize, def: &mut TableDef) {
    let Some(name) = s.name(from) else { return };
    let mut col = ColumnDef {
        name: name.clone(),
        ..ColumnDef::default()
    };
    let mut i = from + 1;
    // The declared type runs up to the first constraint keyword.
    while i < to && !COLUMN_CONSTRAINT_START.iter().any(|k| s.is_kw(i, k)) {
        i = if s.is_punct(i, '(') {
            s.close_of(i) + 1
        } else {
            i + 1
        };
    }
    let mut pending: Option<String> = None;
    while i < to {
        if s.is_kw(i, "CONSTRAINT") {
            pending = s.name(i + 1);
            i += 2;
        } else if s.is_kw(i, "PRIMARY") {
            def.primary_key_name = pending.take();
            i += 2;
            if s.is_kw(i, "ASC") || s.is_kw(i, "DESC") {
                i += 1;
            }
            i = s.skip_conflict(i);
            if s.is_kw(i, "AUTOINCREMENT") {
                col.autoincrement = true;
                i += 1;
            }
        } else if s.is_kw(i, "NOT") && s.is_kw(i + 1, "NULL") {
            pending = None;
            i = s.skip_conflict(i + 2);
        } else if s.is_kw(i, "NULL") {
            pending = None;
            i = s.skip_conflict(i + 1);
        } else if s.is_kw(i, "UNIQUE") {
            def.uniques.push(NamedColumns {
                name: pending.take(),
                columns: vec![name.clone()],
            });
            i = s.skip_conflict(i + 1);
        } else if s.is_kw(i, "CHECK") && s.is_punct(i + 1, '(') {
            let c = s.close_of(i + 1);
            def.checks.push((pending.take(), s.slice(i + 2, c)));
            i = c + 1;
        } else if s.is_kw(i, "DEFAULT") {
            pending = None;
            i += 1;
            if s.is_punct(i, '(') {
                i = s.close_of(i) + 1;
            } else if s.is_punct(i, '-') || s.is_punct(i, '+') {
                i += 2;
            } else {
                i += 1;
            }
        } else if s.is_kw(i, "COLLATE") {
            pending = None;
            col.collation = s.name(i + 1);
            i += 2;
        } else if s.is_kw(i, "REFERENCES") {
            let (ref_table, deferrable, next) = references(s, i, to);
            def.foreign_keys.push(ForeignKeyDef {
                name: pending.take(),
                columns: vec![name.clone()],
                ref_table,
                deferrable,
            });
            i = next;
        } else if s.is_kw(i, "GENERATED") {
            i += 1;
            if s.is_kw(i, "ALWAYS") {
                i += 1;
            }
        } else if s.is_kw(i, "AS") && s.is_punct(i + 1, '(') {
            pending = None;
            let c = s.close_of(i + 1);
            col.generated = Some(s.slice(i + 2, c));
            i = c + 1;
        } else {
            i += 1;
        }
    }
    def.columns.push(col);
}

/// Reads a `REFERENCES` clause at `i`: the referenced table, the deferrability, and where the
/// clause ends.
fn references(s: &Scan<'_>, i: usize, to: usize) -> (String, cairn_ir::Deferrable, usize) {
    use cairn_ir::Deferrable;
    let table = s.name(i + 1).unwrap_or_default();
    let mut j = i + 2;
    if s.is_punct(j, '(') {
        j = s.close_of(j) + 1;
    }
    let mut deferrable = Deferrable::No;
    while j < to {
        if s.is_kw(j, "ON") {
            // ON DELETE|UPDATE SET NULL|SET DEFAULT|CASCADE|RESTRICT|NO ACTION
            j += 2;
            j += if s.is_kw(j, "SET") || s.is_kw(j, "NO") {
                2
            } else {
                1
            };
        } else if s.is_kw(j, "MATCH") {
            j += 2;
        } else if s.is_kw(j, "NOT") && s.is_kw(j + 1, "DEFERRABLE") {
            deferrable = Deferrable::No;
            j += 2;
            if s.is_kw(j, "INITIALLY") {
                j += 2;
            }
        } else if s.is_kw(j, "DEFERRABLE") {
            j += 1;
            deferrable = Deferrable::InitiallyImmediate;
            if s.is_kw(j, "INITIALLY") {
                if s.is_kw(j + 1, "DEFERRED") {
                    deferrable = Deferrable::InitiallyDeferred;
                }
                j += 2;
            }
        } else {
            break;
        }
    }
    (table, deferrable, j)
}

/// What a `CREATE INDEX` statement says beyond the pragmas.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct IndexDef {
    /// Each part as written, without its `COLLATE` and `ASC`/`DESC`.
    pub parts: Vec<String>,
    pub predicate: Option<String>,
}

pub(crate) fn parse_create_index(sql: &str) -> Option<IndexDef> {
    let s = Scan::new(sql);
    if !s.is_kw(0, "CREATE") {
        return None;
    }
    let on = (1..s.len()).find(|&i| s.is_kw(i, "ON"))?;
    let open = (on..s.len()).find(|&i| s.is_punct(i, '('))?;
    let close = s.close_of(open);
    let parts = s
        .items(open + 1, close)
        .into_iter()
        .map(|(from, mut to)| {
            if to > from + 1 && (s.is_kw(to - 1, "ASC") || s.is_kw(to - 1, "DESC")) {
                to -= 1;
            }
            if to > from + 2 && s.is_kw(to - 2, "COLLATE") {
                to -= 2;
            }
            s.slice(from, to)
        })
        .collect();
    let predicate = s.is_kw(close + 1, "WHERE").then(|| {
        s.slice(close + 2, s.len())
            .trim_end_matches(';')
            .trim()
            .to_string()
    });
    Some(IndexDef { parts, predicate })
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ViewDef {
    pub columns: Vec<String>,
    /// The query after `AS`, as written.
    pub definition: String,
}

pub(crate) fn parse_create_view(sql: &str) -> Option<ViewDef> {
    let s = Scan::new(sql);
    let view_kw = (0..s.len().min(4)).find(|&i| s.is_kw(i, "VIEW"))?;
    let mut i = s.skip_object_name(view_kw + 1);
    let mut columns = Vec::new();
    if s.is_punct(i, '(') {
        let (names, next) = s.name_list(i);
        columns = names;
        i = next;
    }
    if !s.is_kw(i, "AS") || i + 1 >= s.len() {
        return None;
    }
    // Everything after AS, comments included.
    let definition = sql[s.toks[i].end..]
        .trim()
        .trim_end_matches(';')
        .trim_end()
        .to_string();
    Some(ViewDef {
        columns,
        definition,
    })
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct TriggerDef {
    pub timing: cairn_ir::TriggerTiming,
    pub event: cairn_ir::TriggerEvent,
    pub when: Option<String>,
    /// `BEGIN ... END`, as written.
    pub body: String,
}

pub(crate) fn parse_create_trigger(sql: &str) -> Option<TriggerDef> {
    use cairn_ir::{TriggerEvent, TriggerTiming};
    let s = Scan::new(sql);
    let kw = (0..s.len().min(4)).find(|&i| s.is_kw(i, "TRIGGER"))?;
    let mut i = s.skip_object_name(kw + 1);
    let timing = if s.is_kw(i, "BEFORE") {
        i += 1;
        TriggerTiming::Before
    } else if s.is_kw(i, "AFTER") {
        i += 1;
        TriggerTiming::After
    } else if s.is_kw(i, "INSTEAD") && s.is_kw(i + 1, "OF") {
        i += 2;
        TriggerTiming::InsteadOf
    } else {
        // SQLite's default when no time is given.
        TriggerTiming::Before
    };
    let event = if s.is_kw(i, "INSERT") {
        i += 1;
        TriggerEvent::Insert
    } else if s.is_kw(i, "DELETE") {
        i += 1;
        TriggerEvent::Delete
    } else if s.is_kw(i, "UPDATE") {
        i += 1;
        let mut columns = Vec::new();
        if s.is_kw(i, "OF") {
            i += 1;
            loop {
                if let Some(n) = s.name(i) {
                    columns.push(n);
                }
                i += 1;
                if s.is_punct(i, ',') {
                    i += 1;
                } else {
                    break;
                }
            }
        }
        TriggerEvent::Update { columns }
    } else {
        return None;
    };
    // ON table
    if !s.is_kw(i, "ON") {
        return None;
    }
    i = s.skip_object_name(i + 1);
    if s.is_kw(i, "FOR") && s.is_kw(i + 1, "EACH") && s.is_kw(i + 2, "ROW") {
        i += 3;
    }
    let begin = (i..s.len()).find(|&j| s.is_kw(j, "BEGIN"))?;
    let when = s.is_kw(i, "WHEN").then(|| s.slice(i + 1, begin));
    let body = sql[s.toks[begin].start..]
        .trim()
        .trim_end_matches(';')
        .trim_end()
        .to_string();
    Some(TriggerDef {
        timing,
        event,
        when,
        body,
    })
}

/// Strips parentheses that enclose the whole of `text`: `((a + b))` reads as `a + b`.
pub(crate) fn strip_outer_parens(text: &str) -> &str {
    let mut t = text.trim();
    loop {
        let s = Scan::new(t);
        if s.len() >= 2 && s.is_punct(0, '(') && s.close_of(0) == s.len() - 1 {
            t = t[s.toks[0].end..s.toks[s.len() - 1].start].trim();
        } else {
            return t;
        }
    }
}

/// The literal a default's text spells, if it is one: `NULL`, `TRUE`, a signed decimal number,
/// or a single string.
pub(crate) fn literal(text: &str) -> Option<cairn_ir::Literal> {
    use cairn_ir::Literal;
    let s = Scan::new(text);
    let (sign, i) = if s.is_punct(0, '-') {
        ("-", 1)
    } else if s.is_punct(0, '+') {
        ("", 1)
    } else {
        ("", 0)
    };
    if s.len() != i + 1 {
        return None;
    }
    let t = s.text(i);
    match s.toks[i].kind {
        Kind::Num
            if t.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                && t.bytes().filter(|b| *b == b'.').count() <= 1
                && !t.starts_with('.')
                && !t.ends_with('.') =>
        {
            Some(Literal::Number(format!("{sign}{t}")))
        }
        Kind::Str if i == 0 => Some(Literal::String(unquote(t))),
        Kind::Word if i == 0 && t.eq_ignore_ascii_case("NULL") => Some(Literal::Null),
        Kind::Word if i == 0 && t.eq_ignore_ascii_case("TRUE") => Some(Literal::Bool(true)),
        Kind::Word if i == 0 && t.eq_ignore_ascii_case("FALSE") => Some(Literal::Bool(false)),
        _ => None,
    }
}

/// Whether `text` is one token that SQLite accepts without parentheses after `DEFAULT`: a
/// literal, a keyword such as `CURRENT_TIMESTAMP`, or a quoted name (read as a string).
pub(crate) fn is_single_term(text: &str) -> bool {
    let s = Scan::new(text);
    s.len() == 1 && s.toks[0].kind != Kind::Punct
}

/// The names a query text mentions (unquoted, in order), for dependency ordering of views.
pub(crate) fn mentioned_names(text: &str) -> Vec<String> {
    let s = Scan::new(text);
    (0..s.len())
        .filter(|&i| matches!(s.toks[i].kind, Kind::Word | Kind::Ident))
        .filter_map(|i| s.name(i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_ir::{Deferrable, Literal, TriggerEvent, TriggerTiming};

    #[test]
    fn reads_table_text() {
        let def = parse_create_table(
            "CREATE TABLE \"a b\" (\n  id INTEGER CONSTRAINT pk PRIMARY KEY AUTOINCREMENT, -- the key\n  \
             name VARCHAR(10, 2) NOT NULL COLLATE nocase CHECK (length(name) > 0),\n  \
             [x] INT GENERATED ALWAYS AS (id * (2)) STORED,\n  y AS (x + 1),\n  \
             r INTEGER REFERENCES other(id) DEFERRABLE INITIALLY DEFERRED,\n  \
             CONSTRAINT uq UNIQUE (name, `x`),\n  CHECK (x > 0 AND ',' <> ')'),\n  \
             CONSTRAINT fk FOREIGN KEY (y) REFERENCES \"Other\" ON DELETE SET NULL\n) STRICT",
        )
        .unwrap();
        assert_eq!(def.primary_key_name.as_deref(), Some("pk"));
        let names: Vec<&str> = def.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "name", "x", "y", "r"]);
        assert!(def.columns[0].autoincrement);
        assert_eq!(def.columns[1].collation.as_deref(), Some("nocase"));
        assert_eq!(def.columns[2].generated.as_deref(), Some("id * (2)"));
        assert_eq!(def.columns[3].generated.as_deref(), Some("x + 1"));
        assert_eq!(
            def.checks,
            vec![
                (None, "length(name) > 0".to_string()),
                (None, "x > 0 AND ',' <> ')'".to_string())
            ]
        );
        assert_eq!(def.uniques[0].name.as_deref(), Some("uq"));
        assert_eq!(def.uniques[0].columns, ["name", "x"]);
        assert_eq!(def.foreign_keys.len(), 2);
        assert_eq!(
            def.foreign_keys[0].deferrable,
            Deferrable::InitiallyDeferred
        );
        assert_eq!(def.foreign_keys[1].name.as_deref(), Some("fk"));
        assert_eq!(def.foreign_keys[1].ref_table, "Other");
    }

    #[test]
    fn reads_index_view_and_trigger_text() {
        let ix = parse_create_index(
            "CREATE UNIQUE INDEX i ON t (lower(a) COLLATE NOCASE DESC, b, (a || ',')) WHERE a IS NOT NULL",
        )
        .unwrap();
        assert_eq!(ix.parts, ["lower(a)", "b", "(a || ',')"]);
        assert_eq!(ix.predicate.as_deref(), Some("a IS NOT NULL"));
        let v =
            parse_create_view("CREATE VIEW IF NOT EXISTS v(a, \"B\") AS\n SELECT 1, 2;").unwrap();
        assert_eq!(v.columns, ["a", "B"]);
        assert_eq!(v.definition, "SELECT 1, 2");
        let t = parse_create_trigger(
            "CREATE TRIGGER tr AFTER UPDATE OF a, \"b\" ON t FOR EACH ROW WHEN new.a > 1 BEGIN SELECT 1; END",
        )
        .unwrap();
        assert_eq!(t.timing, TriggerTiming::After);
        assert_eq!(
            t.event,
            TriggerEvent::Update {
                columns: vec!["a".into(), "b".into()]
            }
        );
        assert_eq!(t.when.as_deref(), Some("new.a > 1"));
        assert_eq!(t.body, "BEGIN SELECT 1; END");
    }

    #[test]
    fn reads_literals() {
        assert_eq!(literal("-1.5"), Some(Literal::Number("-1.5".into())));
        assert_eq!(literal("'it''s'"), Some(Literal::String("it's".into())));
        assert_eq!(literal("NULL"), Some(Literal::Null));
        assert_eq!(literal("TRUE"), Some(Literal::Bool(true)));
        assert_eq!(literal("CURRENT_TIMESTAMP"), None);
        assert_eq!(literal("1e3"), None);
        assert_eq!(strip_outer_parens("((a) + (b))"), "(a) + (b)");
        assert_eq!(strip_outer_parens("(a) + (b)"), "(a) + (b)");
        assert!(is_single_term("X'00'"));
        assert!(!is_single_term("datetime('now')"));
    }

    #[test]
    fn never_panics_on_fragments() {
        let text = "CREATE TABLE t (a INT CHECK (a > 0), CONSTRAINT c FOREIGN KEY (a) REFERENCES u(b) DEFERRABLE INITIALLY DEFERRED) WITHOUT ROWID";
        for end in 0..=text.len() {
            let _ = parse_create_table(&text[..end]);
            let _ = parse_create_index(&text[..end]);
            let _ = parse_create_view(&text[..end]);
            let _ = parse_create_trigger(&text[..end]);
            let _ = literal(&text[..end]);
            let _ = strip_outer_parens(&text[..end]);
        }
    }
}
