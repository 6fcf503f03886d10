//! The statement splitter: one pass over the bytes of a SQL file that cuts it into statements the
//! way Atlas's scanner does (delimiters, quotes, dollar quotes, `BEGIN ATOMIC`, compound
//! `BEGIN … END`, `DELIMITER` commands, `GO` batches), keeping byte spans and attached comments.
//!
//! Agreement with Atlas matters because statement counts and texts are recorded in the revisions
//! table (`applied`, `total`, partial hashes): a file must split into the same statements under
//! both tools. The deviations below are deliberate and only touch inputs Atlas mishandles:
//! `E'…'` strings really honour backslash escapes, a `$` inside an identifier never opens a dollar
//! quote, `BEGIN TRANSACTION`/`BEGIN WORK` never open a compound block, an `END` inside a body must
//! be a whole word, and a broken file still yields statements (with diagnostics) instead of none.
//! Under the MySQL options an executable comment (`/*!50001 CREATE VIEW … */;`, as mysqldump and
//! mariadb-dump write views, triggers and events) is statement text, not a leading comment: the
//! server runs it, while Atlas would keep only the `;`. Statement boundaries, and so counts, are
//! the same under both tools.

use crate::diag::{Diagnostic, Span};

use super::directive::{self, Directive};

/// Which lexical features the splitter honours; each dialect has its own set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitOptions {
    /// `BEGIN … END` compound statements (MySQL and SQLite triggers, procedures) stay whole.
    pub begin_end: bool,
    /// `BEGIN ATOMIC … END` bodies of SQL-standard functions stay whole (PostgreSQL 14+).
    pub begin_atomic: bool,
    /// `$tag$ … $tag$` strings (PostgreSQL).
    pub dollar_quotes: bool,
    /// A backslash escapes the next character inside every quoted string (MySQL, MariaDB).
    pub backslash_escapes: bool,
    /// A backslash escapes inside `E'…'` strings (PostgreSQL).
    pub escape_strings: bool,
    /// `#` starts a comment anywhere, not only at the start of a statement (MySQL, MariaDB).
    pub hash_comments: bool,
    /// A line `GO [count]` ends a batch (SQL Server scripts).
    pub go_batches: bool,
    /// A `\` at the start of a statement is a psql meta-command (`\connect`, pg_dump's
    /// `\restrict`) that ends at the end of its line, with no `;`.
    pub psql_meta: bool,
    /// `/*!50001 … */` and MariaDB's `/*M!100101 … */` are executable comments: the server runs
    /// their content, so it is statement text rather than a comment (MySQL, MariaDB).
    pub executable_comments: bool,
}

impl SplitOptions {
    /// The options of Atlas's generic scanner (used for files of unknown dialect and by Atlas's
    /// own golden tests): `BEGIN ATOMIC` and dollar quotes.
    pub const fn generic() -> SplitOptions {
        SplitOptions {
            begin_end: false,
            begin_atomic: true,
            dollar_quotes: true,
            backslash_escapes: false,
            escape_strings: false,
            hash_comments: false,
            go_batches: false,
            psql_meta: false,
            executable_comments: false,
        }
    }

    pub const fn postgres() -> SplitOptions {
        SplitOptions {
            escape_strings: true,
            psql_meta: true,
            ..SplitOptions::generic()
        }
    }

    pub const fn mysql() -> SplitOptions {
        SplitOptions {
            begin_end: true,
            begin_atomic: false,
            dollar_quotes: false,
            backslash_escapes: true,
            escape_strings: false,
            hash_comments: true,
            go_batches: false,
            psql_meta: false,
            executable_comments: true,
        }
    }

    pub const fn sqlite() -> SplitOptions {
        SplitOptions {
            begin_end: true,
            begin_atomic: false,
            dollar_quotes: false,
            backslash_escapes: false,
            escape_strings: false,
            hash_comments: false,
            go_batches: false,
            psql_meta: false,
            executable_comments: false,
        }
    }
}

impl Default for SplitOptions {
    fn default() -> SplitOptions {
        SplitOptions::generic()
    }
}

/// One statement of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The statement as Atlas executes it: trimmed, with a custom delimiter removed (a `;`
    /// delimiter stays part of the text).
    pub text: String,
    /// The byte range of `text` in the file.
    pub span: Span,
    /// The comments directly above the statement (no blank line in between), in order.
    pub comments: Vec<Span>,
    /// Directives of those comments, then sqldef `@renamed` hints found inside the statement.
    pub directives: Vec<Directive>,
}

impl Statement {
    /// The directives with this name (`nolint`, `renamed_from`, …), in source order.
    pub fn directives_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Directive> {
        self.directives.iter().filter(move |d| d.name == name)
    }
}

/// A split file: its statements, its file-level directives and what went wrong.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SplitFile {
    pub statements: Vec<Statement>,
    pub file_directives: Vec<Directive>,
    pub diagnostics: Vec<Diagnostic>,
}

impl SplitFile {
    /// Moves every span by `by` bytes: the split text was a part of a larger file (a member of
    /// a txtar archive) that starts at that offset.
    pub fn shift(&mut self, by: u32) {
        let mv = |s: &mut Span| {
            s.start += by;
            s.end += by;
        };
        for st in &mut self.statements {
            mv(&mut st.span);
            st.comments.iter_mut().for_each(mv);
            st.directives.iter_mut().for_each(|d| mv(&mut d.span));
        }
        self.file_directives
            .iter_mut()
            .for_each(|d| mv(&mut d.span));
        for d in &mut self.diagnostics {
            mv(&mut d.span);
            d.labels.iter_mut().for_each(|l| mv(&mut l.span));
            if let Some(s) = &mut d.suggestion {
                mv(&mut s.span);
            }
        }
    }
}

/// Diagnostic codes of the splitter.
const E_UNCLOSED: &str = "E3001";
const E_UNBALANCED: &str = "E3002";
const E_DELIMITER: &str = "E3003";

/// Splits `text` into statements. Never fails: problems become diagnostics (with an empty file
/// name, filled in by the caller) and the statements around them are still returned.
pub fn split(text: &str, opts: SplitOptions) -> SplitFile {
    let mut out = SplitFile {
        file_directives: directive::file_directives(text),
        ..SplitFile::default()
    };
    let mut sc = Scanner::new(text, 0, opts, false);
    if let Some(first_line) = directive::delimiter_directive(text) {
        match text.find('\n') {
            Some(nl) => {
                match unescape_delimiter(first_line.args.as_str()) {
                    Some(d) => sc.delim = d,
                    None => out.diagnostics.push(Diagnostic::error(
                        E_DELIMITER,
                        "",
                        first_line.span,
                        "the delimiter directive names no delimiter",
                    )),
                }
                sc.pos = nl + 1;
            }
            None => {
                out.diagnostics.push(Diagnostic::warning(
                    E_DELIMITER,
                    "",
                    first_line.span,
                    "no statements follow the delimiter directive",
                ));
                return out;
            }
        }
    }
    loop {
        match sc.scan() {
            Ok(Some(raw)) => out.statements.push(sc.statement(raw)),
            Ok(None) => break,
            Err(fail) => {
                out.diagnostics.push(Diagnostic::error(
                    fail.code,
                    "",
                    Span::new(fail.at, fail.at + 1),
                    fail.message,
                ));
                if let Some(raw) = fail.partial {
                    out.statements.push(sc.statement(raw));
                }
                sc.pos = text.len();
            }
        }
    }
    out.diagnostics.append(&mut sc.diagnostics);
    let all = out
        .file_directives
        .iter()
        .chain(out.statements.iter().flat_map(|s| s.directives.iter()));
    let typos: Vec<Diagnostic> = all.filter_map(directive::misspelled).collect();
    out.diagnostics.extend(typos);
    out
}

/// The raw extent of one scanned statement, before trimming.
#[derive(Debug)]
struct Raw {
    start: usize,
    end: usize,
    comments: Vec<Span>,
    inline: Vec<Span>,
}

/// A scan that cannot continue (Atlas rejects the whole file); `partial` is the statement that
/// was being scanned, extended to the end of the file, so the caller keeps what it can.
struct Fail {
    code: &'static str,
    at: usize,
    message: String,
    partial: Option<Raw>,
}

struct Scanner<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    delim: String,
    opts: SplitOptions,
    /// A body scanner (inside `BEGIN … END`) fails instead of reporting, so the block is
    /// rejected and the outer scanner reports the problem once.
    nested: bool,
    /// Searches for a comment terminator that failed once fail for every later start too;
    /// remembering them keeps many unterminated `/*` from making the scan quadratic.
    no_newline_from: usize,
    no_block_end_from: usize,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Scanner<'a> {
    fn new(src: &'a str, pos: usize, opts: SplitOptions, nested: bool) -> Scanner<'a> {
        Scanner {
            src,
            b: src.as_bytes(),
            pos,
            delim: ";".to_string(),
            opts,
            nested,
            no_newline_from: usize::MAX,
            no_block_end_from: usize::MAX,
            diagnostics: Vec::new(),
        }
    }

    fn statement(&self, raw: Raw) -> Statement {
        let span = self.trimmed(raw.start, raw.end);
        let mut directives: Vec<Directive> = raw
            .comments
            .iter()
            .filter_map(|c| directive::parse_comment(&self.src[c.range()], c.start as usize))
            .collect();
        directives.extend(
            raw.inline
                .iter()
                .filter_map(|c| directive::parse_comment(&self.src[c.range()], c.start as usize))
                .filter(|d| d.namespace == directive::DirectiveNamespace::Sqldef),
        );
        Statement {
            text: self.src[span.range()].to_string(),
            span,
            comments: raw.comments,
            directives,
        }
    }

    /// The span of the statement text: the custom delimiter removed, then whitespace trimmed.
    fn trimmed(&self, start: usize, mut end: usize) -> Span {
        if self.delim != ";" && self.src[start..end].ends_with(self.delim.as_str()) {
            end -= self.delim.len();
        }
        let s = &self.src[start..end];
        let lead = s.len() - s.trim_start().len();
        let trail = s.len() - s.trim_end().len();
        if lead == s.len() {
            return Span::new(start, start);
        }
        Span::new(start + lead, end - trail)
    }

    fn skip_ws(&mut self) {
        let rest = &self.src[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn fail(&self, code: &'static str, at: usize, message: &str, start: usize) -> Fail {
        Fail {
            code,
            at,
            message: message.to_string(),
            partial: Some(Raw {
                start,
                end: self.src.len(),
                comments: Vec::new(),
                inline: Vec::new(),
            }),
        }
    }

    /// Scans the next statement; `Ok(None)` at the end of the input.
    fn scan(&mut self) -> Result<Option<Raw>, Fail> {
        let b = self.b;
        let len = b.len();
        self.skip_ws();
        let mut start = self.pos;
        let mut comments = Vec::new();
        let mut inline = Vec::new();
        let mut depth = 0usize;
        let mut open_at = 0usize;
        loop {
            let i = self.pos;
            if i >= len {
                if depth > 0 {
                    let mut f = self.fail(E_UNBALANCED, open_at, "unclosed '('", start);
                    if let Some(p) = &mut f.partial {
                        p.comments = comments;
                    }
                    return Err(f);
                }
                if i > start {
                    return Ok(Some(Raw {
                        start,
                        end: len,
                        comments,
                        inline,
                    }));
                }
                return Ok(None);
            }
            let c = b[i];
            match c {
                b'(' => {
                    if depth == 0 {
                        open_at = i;
                    }
                    depth += 1;
                    self.pos += 1;
                    continue;
                }
                b')' => {
                    if depth == 0 {
                        if self.nested {
                            return Err(self.fail(E_UNBALANCED, i, "unexpected ')'", start));
                        }
                        self.diagnostics.push(Diagnostic::error(
                            E_UNBALANCED,
                            "",
                            Span::new(i, i + 1),
                            "unexpected ')'",
                        ));
                    } else {
                        depth -= 1;
                    }
                    self.pos += 1;
                    continue;
                }
                b'\'' | b'"' | b'`' => {
                    match self.quote_end(i) {
                        Some(end) => self.pos = end,
                        None => {
                            let q = c as char;
                            let mut f = self.fail(
                                E_UNCLOSED,
                                i,
                                &format!("unclosed quote {q}: the rest of the file is inside it"),
                                start,
                            );
                            if let Some(p) = &mut f.partial {
                                p.comments = comments;
                            }
                            return Err(f);
                        }
                    }
                    continue;
                }
                _ => {}
            }
            if c == b'\\' && i == start && self.opts.psql_meta {
                let end = self.src[i..].find('\n').map_or(len, |n| i + n);
                self.pos = end;
                return Ok(Some(Raw {
                    start,
                    end,
                    comments,
                    inline,
                }));
            }
            // The MySQL client's `DELIMITER x` command, only at the start of a statement.
            if i == start
                && len - i > 9
                && b[i..i + 9].eq_ignore_ascii_case(b"delimiter")
                && (c == b'd' || c == b'D')
            {
                if b[i + 9] != b' ' {
                    self.pos = i + 9;
                    continue;
                }
                let line_end = self.src[i..].find('\n').map_or(len, |n| i + n);
                let mut d = self.src[i + 9..line_end].trim().to_string();
                if d.len() >= 2 && d.starts_with('\'') && d.ends_with('\'') {
                    d = d[1..d.len() - 1].replace("''", "'");
                }
                match unescape_delimiter(&d) {
                    Some(d) => self.delim = d,
                    None => {
                        if self.nested {
                            return Err(self.fail(E_DELIMITER, i, "empty delimiter", start));
                        }
                        self.diagnostics.push(Diagnostic::error(
                            E_DELIMITER,
                            "",
                            Span::new(i, line_end),
                            "DELIMITER names no delimiter",
                        ));
                    }
                }
                self.pos = (line_end + 1).min(len);
                comments.clear();
                inline.clear();
                self.skip_ws();
                start = self.pos;
                continue;
            }
            if self.opts.go_batches {
                let go_at = if c == b'\n' && self.go_at(i + 1) {
                    Some(i + 1)
                } else if (i == start || b[i - 1] == b'\n') && self.go_at(i) {
                    Some(i)
                } else {
                    None
                };
                if let Some(g) = go_at {
                    return self.finish_go(start, g, comments, inline).map(Some);
                }
            }
            // Delimiters take precedence over comments and dollar quotes (`$$`, `-- end`).
            if depth == 0 && b[i..].starts_with(self.delim.as_bytes()) {
                self.pos = i + self.delim.len();
                return Ok(Some(Raw {
                    start,
                    end: self.pos,
                    comments,
                    inline,
                }));
            }
            if c == b'$'
                && self.opts.dollar_quotes
                && let Some(tag_end) = self.dollar_tag(i)
            {
                let tag = &self.src[i..tag_end];
                match self.src[tag_end..].find(tag) {
                    Some(n) => self.pos = tag_end + n + tag.len(),
                    None => {
                        // Atlas accepts an unterminated dollar quote as running to the end.
                        if !self.nested {
                            self.diagnostics.push(Diagnostic::warning(
                                E_UNCLOSED,
                                "",
                                Span::new(i, tag_end),
                                format!("unterminated dollar quote {tag}"),
                            ));
                        }
                        self.pos = len;
                    }
                }
                continue;
            }
            if c == b'/'
                && self.opts.executable_comments
                && let Some(body) = executable_comment_body(b, i)
            {
                // The markers are skipped; the content is scanned as SQL (quotes, delimiters).
                self.pos = body;
                continue;
            }
            let comment = match c {
                b'#' if self.opts.hash_comments || i == start => Some((1, true)),
                b'-' if b.get(i + 1) == Some(&b'-') => Some((2, true)),
                b'/' if b.get(i + 1) == Some(&b'*') => Some((2, false)),
                _ => None,
            };
            if let Some((open, line)) = comment {
                let Some(end) = self.comment_end(i + open, line) else {
                    // Without its terminator it is not a comment (Atlas's rule).
                    self.pos = i + open;
                    continue;
                };
                let span = comment_span(self.src, i, end, line);
                self.pos = end;
                if i != start {
                    inline.push(span);
                    continue;
                }
                comments.push(span);
                // A blank line detaches the comments above it from the statement below.
                let rest = &b[end..];
                if starts_with_newline(rest)
                    && (line || starts_with_newline(&rest[newline_len(rest)..]))
                {
                    comments.clear();
                }
                self.skip_ws();
                start = self.pos;
                continue;
            }
            if (c == b'B' || c == b'b') && self.delim == ";" && (i == 0 || !is_ident(b[i - 1])) {
                if self.opts.begin_atomic
                    && let Some(body) = self.begin_atomic_at(i)
                    && let Some(end) = self.body_end(body, is_atomic_end)
                {
                    self.pos = end;
                    return Ok(Some(Raw {
                        start,
                        end,
                        comments,
                        inline,
                    }));
                }
                if self.opts.begin_end
                    && (i == start || is_go_space(b[i - 1]))
                    && let Some(body) = self.begin_block_at(i)
                    && let Some(end) = self.body_end(body, is_compound_end)
                {
                    self.pos = end;
                    return Ok(Some(Raw {
                        start,
                        end,
                        comments,
                        inline,
                    }));
                }
            }
            self.pos = i + 1;
        }
    }

    /// The end (exclusive) of the quoted string opening at `i`, if it is closed.
    fn quote_end(&self, i: usize) -> Option<usize> {
        let b = self.b;
        let q = b[i];
        let escapes = self.opts.backslash_escapes
            || (self.opts.escape_strings
                && q == b'\''
                && i > 0
                && (b[i - 1] == b'E' || b[i - 1] == b'e')
                && (i < 2 || !is_ident(b[i - 2])));
        let mut j = i + 1;
        while j < b.len() {
            let c = b[j];
            if c == q {
                return Some(j + 1);
            }
            j += if c == b'\\' && escapes { 2 } else { 1 };
        }
        None
    }

    /// The end of a dollar-quote tag (`$$`, `$body$`) starting at `i`, if one starts there.
    fn dollar_tag(&self, i: usize) -> Option<usize> {
        let b = self.b;
        // Inside an identifier (`a$b`) a dollar sign is part of the name.
        if i > 0 && (is_ident(b[i - 1]) || b[i - 1] == b'$') {
            return None;
        }
        let mut j = i + 1;
        if j < b.len() && (b[j].is_ascii_alphabetic() || b[j] == b'_' || b[j] >= 0x80) {
            j += 1;
            while j < b.len() && (is_ident(b[j]) || b[j] >= 0x80) {
                j += 1;
            }
        }
        (j < b.len() && b[j] == b'$').then_some(j + 1)
    }

    /// The end of the comment whose body starts at `from` (after its terminator), if terminated.
    fn comment_end(&mut self, from: usize, line: bool) -> Option<usize> {
        let (cache, pat) = if line {
            (&mut self.no_newline_from, "\n")
        } else {
            (&mut self.no_block_end_from, "*/")
        };
        if from >= *cache {
            return None;
        }
        match self.src[from..].find(pat) {
            Some(n) => Some(from + n + pat.len()),
            None => {
                *cache = from;
                None
            }
        }
    }

    /// Whether a `GO` batch separator starts at `i`: `GO` then whitespace or the end.
    fn go_at(&self, i: usize) -> bool {
        let b = self.b;
        i + 2 <= b.len()
            && b[i..i + 2].eq_ignore_ascii_case(b"go")
            && (i + 2 == b.len() || is_go_space(b[i + 2]))
    }

    fn finish_go(
        &mut self,
        start: usize,
        go: usize,
        comments: Vec<Span>,
        inline: Vec<Span>,
    ) -> Result<Raw, Fail> {
        let b = self.b;
        self.pos = go + 2;
        if b.get(self.pos) == Some(&b' ') {
            let line_end = self.src[self.pos..]
                .find('\n')
                .map_or(b.len(), |n| self.pos + n + 1);
            let count = self.src[go + 2..line_end].trim();
            let digits = count.strip_prefix(['+', '-']).unwrap_or(count);
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                let message = format!("invalid GO command: expected a count, found {count:?}");
                if self.nested {
                    return Err(self.fail(E_DELIMITER, go, &message, start));
                }
                self.diagnostics.push(Diagnostic::error(
                    E_DELIMITER,
                    "",
                    Span::new(go, line_end),
                    message,
                ));
            }
            self.pos = line_end;
        }
        Ok(Raw {
            start,
            end: go,
            comments,
            inline,
        })
    }

    /// After `BEGIN ATOMIC ` at `i`: where the body starts.
    fn begin_atomic_at(&self, i: usize) -> Option<usize> {
        let j = self.keyword_then_space(i, b"begin")?;
        self.keyword_then_space(j, b"atomic")
    }

    /// After `BEGIN ` at `i`, unless it begins a transaction rather than a compound statement.
    fn begin_block_at(&self, i: usize) -> Option<usize> {
        let j = self.keyword_then_space(i, b"begin")?;
        let word_end = self.b[j..]
            .iter()
            .position(|c| !is_ident(*c))
            .map_or(self.b.len(), |n| j + n);
        let word = &self.b[j..word_end];
        let txn: [&[u8]; 5] = [
            b"transaction",
            b"work",
            b"deferred",
            b"immediate",
            b"exclusive",
        ];
        if txn.iter().any(|k| word.eq_ignore_ascii_case(k)) {
            return None;
        }
        Some(j)
    }

    /// If the keyword `kw` starts at `i` and whitespace follows, the position after that space.
    fn keyword_then_space(&self, i: usize, kw: &[u8]) -> Option<usize> {
        let b = self.b;
        let end = i + kw.len();
        if end >= b.len() || !b[i..end].eq_ignore_ascii_case(kw) || !is_go_space(b[end]) {
            return None;
        }
        let mut j = end;
        while j < b.len() && is_go_space(b[j]) {
            j += 1;
        }
        Some(j)
    }

    /// Scans the statements of a body starting at `from` until one satisfies `is_end`; returns
    /// the position after it, or `None` when the body never ends (then it was not a block).
    fn body_end(&self, from: usize, is_end: fn(&str) -> bool) -> Option<usize> {
        let mut body = Scanner::new(self.src, from, self.opts, true);
        body.no_newline_from = self.no_newline_from;
        body.no_block_end_from = self.no_block_end_from;
        loop {
            let raw = body.scan().ok()??;
            let span = body.trimmed(raw.start, raw.end);
            if is_end(&self.src[span.range()]) {
                return Some(body.pos);
            }
        }
    }
}

/// Where the content of an executable comment opening at `i` starts (after `/*!` or `/*M!` and
/// the version digits). MariaDB's `/*M!999999\- … */` wraps a client command, not SQL, so it
/// stays a comment.
pub(crate) fn executable_comment_body(b: &[u8], i: usize) -> Option<usize> {
    let mut j = if b[i..].starts_with(b"/*!") {
        i + 3
    } else if b[i..].starts_with(b"/*M!") {
        i + 4
    } else {
        return None;
    };
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    (b.get(j) != Some(&b'\\')).then_some(j)
}

/// `END` as a whole word at the start: the end of a `BEGIN ATOMIC` body.
fn is_atomic_end(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 3 && b[..3].eq_ignore_ascii_case(b"end") && (b.len() == 3 || !is_ident(b[3]))
}

/// `END`, optionally followed by `;`: the end of a compound statement (`END IF;` is not).
fn is_compound_end(text: &str) -> bool {
    is_atomic_end(text) && matches!(text[3..].trim_start(), "" | ";")
}

fn comment_span(src: &str, start: usize, end: usize, line: bool) -> Span {
    let mut e = end;
    if line {
        e -= 1;
        if e > start && src.as_bytes()[e - 1] == b'\r' {
            e -= 1;
        }
    }
    Span::new(start, e)
}

fn starts_with_newline(b: &[u8]) -> bool {
    b.first() == Some(&b'\n') || b.starts_with(b"\r\n")
}

fn newline_len(b: &[u8]) -> usize {
    if b.first() == Some(&b'\r') { 2 } else { 1 }
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Whitespace as Go's regular expressions spell `\s`, which Atlas's scanner uses.
fn is_go_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// Unescapes `\n`, `\r` and `\t` in a delimiter; `None` when it is empty.
pub(crate) fn unescape_delimiter(d: &str) -> Option<String> {
    if d.is_empty() {
        return None;
    }
    Some(
        d.replace("\\n", "\n")
            .replace("\\r", "\r")
            .replace("\\t", "\t"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str, opts: SplitOptions) -> Vec<String> {
        split(sql, opts)
            .statements
            .into_iter()
            .map(|s| s.text)
            .collect()
    }

    #[test]
    fn spans_point_at_the_text() {
        let sql = "  CREATE TABLE a(x int);\n\n-- c\nCREATE TABLE b(y int);";
        let f = split(sql, SplitOptions::postgres());
        assert_eq!(f.statements.len(), 2);
        for s in &f.statements {
            assert_eq!(&sql[s.span.range()], s.text);
        }
        assert_eq!(&sql[f.statements[1].comments[0].range()], "-- c");
    }

    #[test]
    fn blank_line_detaches_comments() {
        let f = split("-- a\n\n-- b\n/* c */\nSELECT 1;", SplitOptions::postgres());
        assert_eq!(f.statements[0].comments.len(), 2);
    }

    #[test]
    fn mysql_trigger_body_stays_whole() {
        let sql = "CREATE TRIGGER t BEFORE INSERT ON x FOR EACH ROW BEGIN\n  IF NEW.a > 1 THEN SET NEW.b = 1; END IF;\nEND;\nSELECT 1;";
        let t = texts(sql, SplitOptions::mysql());
        assert_eq!(t.len(), 2, "{t:?}");
        assert!(t[0].ends_with("END;"));
    }

    #[test]
    fn begin_transaction_is_not_a_block() {
        let t = texts(
            "BEGIN TRANSACTION;\nCREATE TABLE a(x);\nEND;\n",
            SplitOptions::sqlite(),
        );
        assert_eq!(t, ["BEGIN TRANSACTION;", "CREATE TABLE a(x);", "END;"]);
    }

    #[test]
    fn escape_strings_and_backslashes() {
        let t = texts("SELECT E'a\\';b';SELECT 2;", SplitOptions::postgres());
        assert_eq!(t, ["SELECT E'a\\';b';", "SELECT 2;"]);
        let t = texts("SELECT 'a\\';b';SELECT 2;", SplitOptions::mysql());
        assert_eq!(t, ["SELECT 'a\\';b';", "SELECT 2;"]);
    }

    #[test]
    fn broken_input_still_yields_statements() {
        let f = split(
            "SELECT 1;\nSELECT 'oops;\nSELECT 3;",
            SplitOptions::postgres(),
        );
        assert_eq!(f.statements.len(), 2);
        assert_eq!(f.diagnostics[0].code, E_UNCLOSED);
        let f = split("SELECT 1);\nSELECT 2;", SplitOptions::postgres());
        assert_eq!(f.statements.len(), 2);
        assert_eq!(f.diagnostics[0].code, E_UNBALANCED);
    }

    #[test]
    fn many_unterminated_comment_openers_stay_linear() {
        let sql = "SELECT 1 /* x ".repeat(20_000);
        let f = split(&sql, SplitOptions::postgres());
        assert_eq!(f.statements.len(), 1);
    }

    #[test]
    fn sqldef_inline_hints_are_directives() {
        let f = split(
            "CREATE TABLE users ( -- @renamed from=accounts\n  id int\n);",
            SplitOptions::postgres(),
        );
        let d = &f.statements[0].directives[0];
        assert_eq!(d.name, "renamed");
        assert_eq!(d.renamed_from().as_deref(), Some("accounts"));
    }
}
