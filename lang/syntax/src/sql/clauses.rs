//! Clauses sqlparser rejects inside otherwise ordinary `CREATE TABLE`, `ALTER TABLE … ADD COLUMN`
//! and `CREATE TRIGGER` statements: PostgreSQL identity option lists and trigger arguments,
//! MariaDB system versioning, periods, partitioning and storage options, SQLite conflict clauses,
//! free-form type names and comma-separated table options.
//!
//! Each clause is blanked out with spaces (so every byte offset, and every span sqlparser
//! reports, stays put), sqlparser parses what is left, and the clause comes back typed beside
//! that statement. The walk only runs after sqlparser rejected the statement as written, so the
//! common path pays nothing for it.

use super::extra::{
    Ident, IdentityKind, ObjectName, Parser, SequenceOptions, if_exists, sequence_options,
};
use super::lex::Tok;
use super::parse::SqlDialect;

/// A clause taken out of a table statement before sqlparser parsed it. Columns and names keep
/// their spelling and quoting; values and expressions are kept as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableClause {
    /// PostgreSQL `GENERATED {ALWAYS | BY DEFAULT} AS IDENTITY (options)` on `column`: the
    /// statement keeps the identity, without its option list.
    IdentityOptions {
        column: Ident,
        kind: IdentityKind,
        options: SequenceOptions,
    },
    /// PostgreSQL `LIKE source INCLUDING … | EXCLUDING …`: the statement keeps `LIKE source`;
    /// each option is upper-cased (`INCLUDING ALL`, `EXCLUDING INDEXES`).
    LikeOptions {
        source: ObjectName,
        options: Vec<String>,
    },
    /// PostgreSQL `TABLESPACE ts` after the column list.
    Tablespace(Ident),
    /// MySQL `ZEROFILL` on a numeric column.
    Zerofill { column: Ident },
    /// MariaDB `GENERATED ALWAYS AS ROW START` (`end: false`) or `… ROW END` (`end: true`): the
    /// column holds the system-versioning period bound.
    RowPeriod { column: Ident, end: bool },
    /// Another column attribute sqlparser lacks, upper-cased as written: `COMPRESSED`,
    /// `COMPRESSED=zlib`, `WITH SYSTEM VERSIONING`, `WITHOUT SYSTEM VERSIONING`,
    /// `REF_SYSTEM_ID=4326`.
    ColumnAttribute { column: Ident, attribute: String },
    /// An index attribute sqlparser lacks (`INVISIBLE`, `IGNORED`, `NOT IGNORED`, `VISIBLE`), on
    /// the named (or unnamed) index of the table.
    IndexAttribute {
        index: Option<Ident>,
        attribute: String,
    },
    /// MariaDB `PERIOD FOR name (start, end)`; `name` is `SYSTEM_TIME` for system versioning.
    Period {
        name: Ident,
        start: Ident,
        end: Ident,
    },
    /// MariaDB `WITH SYSTEM VERSIONING` on the table.
    SystemVersioning,
    /// MySQL `PARTITION BY …` (with its subpartitioning and partition list), as written.
    Partitioning(String),
    /// A MySQL or MariaDB table option sqlparser lacks (`PAGE_CHECKSUM=1`, `ENCRYPTED=YES`):
    /// the name upper-cased, the value as written.
    TableOption { name: String, value: String },
    /// SQLite `STRICT`.
    Strict,
    /// SQLite `WITHOUT ROWID`.
    WithoutRowid,
    /// SQLite `ON CONFLICT resolution` of a column constraint (`column` set) or a table
    /// constraint; the resolution is upper-cased (`REPLACE`, `IGNORE`, `ABORT`).
    OnConflict {
        column: Option<Ident>,
        resolution: String,
    },
    /// A SQLite type name of several words (`UNSIGNED BIG INT`, `VARYING CHARACTER(255)`), which
    /// sqlparser cannot read: the statement's column has no type, this is its declared type.
    ColumnType { column: Ident, type_name: String },
}

/// The byte ranges to blank and the clauses they held.
#[derive(Debug, Default)]
pub(crate) struct Blanks {
    pub ranges: Vec<(usize, usize)>,
    pub clauses: Vec<TableClause>,
}

/// Keywords that start a table constraint rather than a column definition.
const CONSTRAINT_STARTS: &[&str] = &[
    "CONSTRAINT",
    "PRIMARY",
    "UNIQUE",
    "KEY",
    "INDEX",
    "FULLTEXT",
    "SPATIAL",
    "FOREIGN",
    "CHECK",
    "EXCLUDE",
];

/// Keywords that end a SQLite type name (the column constraints that may follow it).
const SQLITE_TYPE_ENDS: &[&str] = &[
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
    "ON",
];

/// MariaDB table options sqlparser does not know.
const MARIADB_TABLE_OPTIONS: &[&str] = &[
    "PAGE_CHECKSUM",
    "TRANSACTIONAL",
    "PAGE_COMPRESSED",
    "PAGE_COMPRESSION_LEVEL",
    "ENCRYPTED",
    "ENCRYPTION_KEY_ID",
    "IETF_QUOTES",
    "SEQUENCE",
];

struct Walk<'a, 'p> {
    p: &'p mut Parser<'a>,
    dialect: SqlDialect,
    out: Blanks,
}

impl Walk<'_, '_> {
    fn blank(&mut self, from_tok: usize, to_tok: usize) {
        let s = self.p.toks[from_tok].start;
        let e = self.p.toks[to_tok].end;
        self.out.ranges.push((s, e));
    }

    fn word(&self, j: usize, kw: &str) -> bool {
        self.p.toks.get(j).is_some_and(|t| {
            t.kind == Tok::Word && self.p.text[t.start..t.end].eq_ignore_ascii_case(kw)
        })
    }

    fn words(&self, j: usize, kws: &[&str]) -> bool {
        kws.iter().enumerate().all(|(n, k)| self.word(j + n, k))
    }

    fn punct(&self, j: usize, p: &str) -> bool {
        self.p
            .toks
            .get(j)
            .is_some_and(|t| t.kind == Tok::Punct && &self.p.text[t.start..t.end] == p)
    }

    fn ident_at(&mut self, j: usize) -> Option<Ident> {
        let save = self.p.i;
        self.p.i = j;
        let r = self.p.ident().ok();
        self.p.i = save;
        r
    }

    fn upper(&self, from: usize, to: usize) -> String {
        self.p.upper_words(from, to)
    }

    /// The index of the `)` matching the `(` at `open`, if it is closed.
    fn close_of(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for j in open..self.p.toks.len() {
            if self.punct(j, "(") {
                depth += 1;
            } else if self.punct(j, ")") {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(j);
                }
            }
        }
        None
    }

    /// The elements of a parenthesised list between `open` and `close`: token ranges split at
    /// top-level commas, each with the index of the comma before it (if any).
    fn elements(&self, open: usize, close: usize) -> Vec<(usize, usize, Option<usize>)> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        let mut start = open + 1;
        let mut comma = None;
        for j in open + 1..close {
            if self.punct(j, "(") {
                depth += 1;
            } else if self.punct(j, ")") {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && self.punct(j, ",") {
                out.push((start, j, comma));
                comma = Some(j);
                start = j + 1;
            }
        }
        out.push((start, close, comma));
        out
    }

    /// One element of a `CREATE TABLE` column list, tokens `[s, e)`.
    fn element(&mut self, s: usize, e: usize, comma: Option<usize>) {
        if s >= e {
            return;
        }
        let d = self.dialect;
        if d == SqlDialect::Mysql && self.words(s, &["PERIOD", "FOR"]) {
            self.period(s, e, comma);
            return;
        }
        if d == SqlDialect::Postgres && self.word(s, "LIKE") {
            self.like(s, e);
            return;
        }
        if CONSTRAINT_STARTS.iter().any(|k| self.word(s, k)) {
            self.table_constraint(s, e);
            return;
        }
        let Some(column) = self.ident_at(s) else {
            return;
        };
        self.column(column, s + 1, e);
    }

    /// MariaDB `PERIOD FOR name (start, end)`: blanked with the comma before it, so the list
    /// stays well formed.
    fn period(&mut self, s: usize, e: usize, comma: Option<usize>) {
        let (Some(name), true) = (self.ident_at(s + 2), self.punct(s + 3, "(")) else {
            return;
        };
        let (Some(start), Some(end)) = (self.ident_at(s + 4), self.ident_at(s + 6)) else {
            return;
        };
        let first = comma.unwrap_or(s);
        self.blank(first, e - 1);
        if comma.is_none() && self.punct(e, ",") {
            self.blank(e, e);
        }
        self.out
            .clauses
            .push(TableClause::Period { name, start, end });
    }

    /// PostgreSQL `LIKE source [INCLUDING | EXCLUDING option]…`.
    fn like(&mut self, s: usize, e: usize) {
        self.p.i = s + 1;
        let Ok(source) = self.p.object_name() else {
            return;
        };
        let mut options = Vec::new();
        let mut j = self.p.i;
        while j + 1 < e && (self.word(j, "INCLUDING") || self.word(j, "EXCLUDING")) {
            self.blank(j, j + 1);
            options.push(self.upper(j, j + 2));
            j += 2;
        }
        if !options.is_empty() {
            self.out
                .clauses
                .push(TableClause::LikeOptions { source, options });
        }
    }

    /// A table constraint: SQLite conflict clauses and MariaDB index attributes come out.
    fn table_constraint(&mut self, s: usize, e: usize) {
        let mut depth = 0usize;
        let mut j = s;
        while j < e {
            if self.punct(j, "(") {
                depth += 1;
            } else if self.punct(j, ")") {
                depth = depth.saturating_sub(1);
            } else if depth == 0 {
                if self.dialect == SqlDialect::Sqlite
                    && self.words(j, &["ON", "CONFLICT"])
                    && j + 2 < e
                {
                    self.blank(j, j + 2);
                    let resolution = self.upper(j + 2, j + 3);
                    self.out.clauses.push(TableClause::OnConflict {
                        column: None,
                        resolution,
                    });
                    j += 3;
                    continue;
                }
                if self.dialect == SqlDialect::Mysql
                    && let Some(n) = self.index_attribute(j)
                {
                    let attribute = self.upper(j, j + n);
                    self.blank(j, j + n - 1);
                    let index = self.index_name(s);
                    self.out
                        .clauses
                        .push(TableClause::IndexAttribute { index, attribute });
                    j += n;
                    continue;
                }
            }
            j += 1;
        }
    }

    /// The number of tokens of a MariaDB index visibility attribute at `j`, if one is there.
    fn index_attribute(&self, j: usize) -> Option<usize> {
        if self.words(j, &["NOT", "IGNORED"]) {
            Some(2)
        } else if ["INVISIBLE", "VISIBLE", "IGNORED"]
            .iter()
            .any(|k| self.word(j, k))
        {
            Some(1)
        } else {
            None
        }
    }

    /// The name of the index defined by the element starting at `s` (`UNIQUE KEY name (…)`).
    fn index_name(&mut self, s: usize) -> Option<Ident> {
        let mut j = s;
        if self.word(j, "CONSTRAINT") {
            j += 2;
        }
        for kw in ["UNIQUE", "FULLTEXT", "SPATIAL", "PRIMARY"] {
            if self.word(j, kw) {
                j += 1;
            }
        }
        if self.word(j, "KEY") || self.word(j, "INDEX") {
            j += 1;
        }
        if self.punct(j, "(") {
            return None;
        }
        self.ident_at(j)
    }

    /// The definition of `column`, tokens `[s, e)` after its name.
    fn column(&mut self, column: Ident, s: usize, e: usize) {
        let mut j = s;
        if self.dialect == SqlDialect::Sqlite {
            j = self.sqlite_type(&column, s, e);
        }
        let mut depth = 0usize;
        while j < e {
            if self.punct(j, "(") {
                depth += 1;
                j += 1;
                continue;
            }
            if self.punct(j, ")") {
                depth = depth.saturating_sub(1);
                j += 1;
                continue;
            }
            if depth > 0 {
                j += 1;
                continue;
            }
            let used = match self.dialect {
                SqlDialect::Postgres => self.pg_column_clause(&column, j, e),
                SqlDialect::Mysql if j > s && self.binary_attribute(j) => {
                    // `varchar(64) BINARY`: the binary collation of the column's charset.
                    self.blank(j, j);
                    self.out.clauses.push(TableClause::ColumnAttribute {
                        column: column.clone(),
                        attribute: "BINARY".to_string(),
                    });
                    1
                }
                SqlDialect::Mysql => self.mysql_column_clause(&column, j, e),
                SqlDialect::Sqlite => self.sqlite_column_clause(&column, j, e),
            };
            j += used.max(1);
        }
    }

    /// `GENERATED … AS IDENTITY (options)` at `j`; the number of tokens used (0 when absent).
    fn pg_column_clause(&mut self, column: &Ident, j: usize, e: usize) -> usize {
        let (kind, n) = if self.words(j, &["GENERATED", "ALWAYS", "AS", "IDENTITY"]) {
            (IdentityKind::Always, 4)
        } else if self.words(j, &["GENERATED", "BY", "DEFAULT", "AS", "IDENTITY"]) {
            (IdentityKind::ByDefault, 5)
        } else {
            return 0;
        };
        let open = j + n;
        if open >= e || !self.punct(open, "(") {
            return n;
        }
        let Some(close) = self.close_of(open).filter(|c| *c < e) else {
            return n;
        };
        self.p.i = open + 1;
        let mut options = SequenceOptions::default();
        if sequence_options(self.p, &mut options).is_err() || self.p.i != close {
            return n;
        }
        self.blank(open, close);
        self.out.clauses.push(TableClause::IdentityOptions {
            column: column.clone(),
            kind,
            options,
        });
        close + 1 - j
    }

    /// Whether the `BINARY` at `j` (past the column's type) is the attribute, not a charset or
    /// collation name or a default's cast.
    fn binary_attribute(&self, j: usize) -> bool {
        self.word(j, "BINARY")
            && !["SET", "CHARSET", "COLLATE", "DEFAULT"]
                .iter()
                .any(|k| self.word(j - 1, k))
            && !self.punct(j - 1, "=")
            && !self.punct(j + 1, "(")
    }

    fn mysql_column_clause(&mut self, column: &Ident, j: usize, e: usize) -> usize {
        if self.word(j, "ZEROFILL") {
            self.blank(j, j);
            self.out.clauses.push(TableClause::Zerofill {
                column: column.clone(),
            });
            return 1;
        }
        for (kws, end) in [(["START"], false), (["END"], true)] {
            let mut all = vec!["GENERATED", "ALWAYS", "AS", "ROW"];
            all.extend(kws);
            if self.words(j, &all) {
                self.blank(j, j + 4);
                self.out.clauses.push(TableClause::RowPeriod {
                    column: column.clone(),
                    end,
                });
                return 5;
            }
        }
        // (`REF_SYSTEM_ID = n` is MariaDB's spatial reference of a geometry column.)
        let n = if self.words(j, &["WITH", "SYSTEM", "VERSIONING"])
            || self.words(j, &["WITHOUT", "SYSTEM", "VERSIONING"])
            || (self.word(j, "REF_SYSTEM_ID") && self.punct(j + 1, "=") && j + 2 < e)
        {
            3
        } else if self.word(j, "COMPRESSED") {
            if self.punct(j + 1, "=") && j + 2 < e {
                3
            } else {
                1
            }
        } else {
            return 0;
        };
        let attribute = self.p.toks[j..j + n]
            .iter()
            .map(|t| self.p.text[t.start..t.end].to_ascii_uppercase())
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" = ", "=");
        self.blank(j, j + n - 1);
        self.out.clauses.push(TableClause::ColumnAttribute {
            column: column.clone(),
            attribute,
        });
        n
    }

    fn sqlite_column_clause(&mut self, column: &Ident, j: usize, e: usize) -> usize {
        if self.words(j, &["ON", "CONFLICT"]) && j + 2 < e {
            self.blank(j, j + 2);
            let resolution = self.upper(j + 2, j + 3);
            self.out.clauses.push(TableClause::OnConflict {
                column: Some(column.clone()),
                resolution,
            });
            return 3;
        }
        0
    }

    /// A SQLite type name of two or more words at `s` is taken out; returns where the
    /// constraints start.
    fn sqlite_type(&mut self, column: &Ident, s: usize, e: usize) -> usize {
        let mut j = s;
        while j < e
            && self.p.toks[j].kind == Tok::Word
            && !SQLITE_TYPE_ENDS.iter().any(|k| self.word(j, k))
        {
            j += 1;
        }
        if j - s < 2 {
            return s;
        }
        let mut last = j - 1;
        if j < e
            && self.punct(j, "(")
            && let Some(close) = self.close_of(j).filter(|c| *c < e)
        {
            last = close;
        }
        let (from, to) = (self.p.toks[s].start, self.p.toks[last].end);
        self.out.ranges.push((from, to));
        self.out.clauses.push(TableClause::ColumnType {
            column: column.clone(),
            type_name: self.p.text[from..to].to_string(),
        });
        last + 1
    }

    /// What follows the column list of a `CREATE TABLE`: table options, partitioning.
    fn tail(&mut self, from: usize) {
        let n = self.p.toks.len();
        match self.dialect {
            SqlDialect::Postgres => {
                let mut j = from;
                while j < n {
                    if self.word(j, "TABLESPACE")
                        && let Some(ts) = self.ident_at(j + 1)
                    {
                        self.blank(j, j + 1);
                        self.out.clauses.push(TableClause::Tablespace(ts));
                        j += 2;
                        continue;
                    }
                    j += 1;
                }
            }
            SqlDialect::Sqlite => {
                // `STRICT, WITHOUT ROWID`: sqlparser reads either option alone, not the list.
                let has_comma = (from..n).any(|j| self.punct(j, ","));
                if !has_comma || from >= n {
                    return;
                }
                let mut clauses = Vec::new();
                let mut j = from;
                while j < n {
                    if self.word(j, "STRICT") {
                        clauses.push(TableClause::Strict);
                        j += 1;
                    } else if self.words(j, &["WITHOUT", "ROWID"]) {
                        clauses.push(TableClause::WithoutRowid);
                        j += 2;
                    } else if self.punct(j, ",") {
                        j += 1;
                    } else {
                        // Something else is there: leave the tail to sqlparser.
                        return;
                    }
                }
                self.blank(from, n - 1);
                self.out.clauses.extend(clauses);
            }
            SqlDialect::Mysql => {
                let mut j = from;
                while j < n {
                    if self.words(j, &["WITH", "SYSTEM", "VERSIONING"]) {
                        self.blank(j, j + 2);
                        self.out.clauses.push(TableClause::SystemVersioning);
                        j += 3;
                        continue;
                    }
                    if self.words(j, &["PARTITION", "BY"]) {
                        let (s, e) = (self.p.toks[j].start, self.p.toks[n - 1].end);
                        self.out.ranges.push((s, e));
                        self.out
                            .clauses
                            .push(TableClause::Partitioning(self.p.text[s..e].to_string()));
                        return;
                    }
                    if MARIADB_TABLE_OPTIONS.iter().any(|k| self.word(j, k)) {
                        let v = if self.punct(j + 1, "=") { j + 2 } else { j + 1 };
                        if v < n {
                            let t = self.p.toks[v];
                            self.blank(j, v);
                            self.out.clauses.push(TableClause::TableOption {
                                name: self.upper(j, j + 1),
                                value: self.p.text[t.start..t.end].to_string(),
                            });
                            j = v + 1;
                            continue;
                        }
                    }
                    j += 1;
                }
            }
        }
    }
}

/// The clauses to take out of a `CREATE TABLE` or `ALTER TABLE` statement; `None` when the
/// statement is neither.
pub(crate) fn table_blanks(text: &str, base: usize, dialect: SqlDialect) -> Option<Blanks> {
    let mut p = Parser::new(text, base);
    if p.eat_kw("CREATE") {
        p.eat_kws(&["OR", "REPLACE"]);
        while ["TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL"]
            .iter()
            .any(|k| p.eat_kw(k))
        {}
        if !p.eat_kw("TABLE") {
            return None;
        }
        p.eat_kws(&["IF", "NOT", "EXISTS"]);
        p.object_name().ok()?;
        if dialect == SqlDialect::Postgres && p.eat_kws(&["PARTITION", "OF"]) {
            p.object_name().ok()?;
        }
        let mut w = Walk {
            p: &mut p,
            dialect,
            out: Blanks::default(),
        };
        let open = w.p.i;
        let mut after = open;
        if w.punct(open, "(")
            && let Some(close) = w.close_of(open)
        {
            for (s, e, comma) in w.elements(open, close) {
                w.element(s, e, comma);
            }
            after = close + 1;
        }
        w.tail(after);
        return Some(w.out);
    }
    if !p.eat_kws(&["ALTER", "TABLE"]) {
        return None;
    }
    if_exists(&mut p);
    p.eat_kw("ONLY");
    p.object_name().ok()?;
    p.eat_punct("*");
    let start = p.i;
    let n = p.toks.len();
    let mut w = Walk {
        p: &mut p,
        dialect,
        out: Blanks::default(),
    };
    // The actions, split at top-level commas; `ADD [COLUMN] [IF NOT EXISTS] name …` is a column.
    let mut actions = Vec::new();
    let mut depth = 0usize;
    let mut s = start;
    for j in start..n {
        if w.punct(j, "(") {
            depth += 1;
        } else if w.punct(j, ")") {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && w.punct(j, ",") {
            actions.push((s, j));
            s = j + 1;
        }
    }
    actions.push((s, n));
    for (s, e) in actions {
        if !w.word(s, "ADD") {
            continue;
        }
        let mut j = s + 1;
        if w.word(j, "COLUMN") {
            j += 1;
        }
        if w.words(j, &["IF", "NOT", "EXISTS"]) {
            j += 3;
        }
        if j >= e || CONSTRAINT_STARTS.iter().any(|k| w.word(j, k)) || w.word(j, "PERIOD") {
            continue;
        }
        if let Some(column) = w.ident_at(j) {
            w.column(column, j + 1, e);
        }
    }
    Some(w.out)
}

/// The name of the table a `CREATE TABLE` statement creates.
pub(crate) fn table_name(text: &str, base: usize) -> Option<ObjectName> {
    let mut p = Parser::new(text, base);
    p.eat_kw("CREATE");
    while ["TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL"]
        .iter()
        .any(|k| p.eat_kw(k))
    {}
    if !p.eat_kw("TABLE") {
        return None;
    }
    p.eat_kws(&["IF", "NOT", "EXISTS"]);
    p.object_name().ok()
}

/// The byte ranges holding a trigger's arguments, and the arguments as written.
pub(crate) type TriggerArgs = (Vec<(usize, usize)>, Vec<String>);

/// PostgreSQL `CREATE [OR REPLACE] [CONSTRAINT] TRIGGER … EXECUTE {FUNCTION | PROCEDURE} f(args)`
/// with arguments, which sqlparser reads as a type list: the ranges holding the arguments and
/// the arguments as written (`'a'`, `1`).
pub(crate) fn trigger_args(text: &str, base: usize) -> Option<TriggerArgs> {
    let mut p = Parser::new(text, base);
    if !p.eat_kw("CREATE") {
        return None;
    }
    p.eat_kws(&["OR", "REPLACE"]);
    p.eat_kw("CONSTRAINT");
    if !p.eat_kw("TRIGGER") {
        return None;
    }
    while !(p.at_end()
        || p.peek_kws(&["EXECUTE", "FUNCTION"])
        || p.peek_kws(&["EXECUTE", "PROCEDURE"]))
    {
        p.i += 1;
    }
    if p.at_end() {
        return None;
    }
    p.i += 2;
    p.object_name().ok()?;
    let open = p
        .peek()
        .filter(|t| t.kind == Tok::Punct && &text[t.start..t.end] == "(")?;
    let raw = p.parens_raw().ok()?;
    if raw.is_empty() {
        return None;
    }
    let close = p.toks[p.i - 1];
    let args = Parser::split_commas(&raw);
    Some((vec![(open.end, close.start)], args))
}
