//! The lexer of rule files. Hand-written rather than a chumsky text parser because two things
//! depend on context: a string template's `{expr}` holes are lexed as ordinary tokens at their
//! real offsets (so the parser sees `TplStart TplText HoleStart ...tokens... HoleEnd TplEnd`
//! and every hole expression gets exact spans), and the string after `matches` is a regex
//! literal whose braces and backslashes are the regex's own. Never fails: what it cannot read is
//! an `Error` token plus a diagnostic.

use crate::diag::{Diagnostic, Span};

/// A token. String-like tokens borrow their raw text from the source; escapes are applied by
/// the parser (see [`cook_template_text`], [`cook_source_text`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tok<'s> {
    Ident(&'s str),
    /// Digits, possibly with `_` separators.
    Int(&'s str),
    /// A string without holes: `r"..."`, `sql"..."`, `hcl"..."`, `"""..."""`, and the regex
    /// literal after `matches`.
    Raw(RawStr<'s>),
    /// The opening `"` of a template.
    TplStart,
    /// Literal text of a template, raw (escapes not yet applied).
    TplText(&'s str),
    /// `{` opening a hole in a template.
    HoleStart,
    /// `}` closing a hole.
    HoleEnd,
    /// The closing `"` of a template.
    TplEnd,
    P(Punct),
    /// A character that starts no token.
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RawStr<'s> {
    pub kind: RawKind,
    /// The text between the quotes, as written.
    pub body: &'s str,
    /// Where `body` starts in the file.
    pub body_start: usize,
    pub triple: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RawKind {
    /// `r"..."`.
    Raw,
    /// `"""..."""` without a prefix.
    Triple,
    Sql,
    Hcl,
    /// The string right after `matches`.
    Regex,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Punct {
    LBrace,
    RBrace,
    LParen,
    RParen,
    LBrack,
    RBrack,
    Comma,
    Colon,
    Semi,
    Dot,
    Assign,
    EqEq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Question,
    Coalesce,
}

impl Punct {
    pub fn text(self) -> &'static str {
        match self {
            Punct::LBrace => "{",
            Punct::RBrace => "}",
            Punct::LParen => "(",
            Punct::RParen => ")",
            Punct::LBrack => "[",
            Punct::RBrack => "]",
            Punct::Comma => ",",
            Punct::Colon => ":",
            Punct::Semi => ";",
            Punct::Dot => ".",
            Punct::Assign => "=",
            Punct::EqEq => "==",
            Punct::Ne => "!=",
            Punct::Lt => "<",
            Punct::Le => "<=",
            Punct::Gt => ">",
            Punct::Ge => ">=",
            Punct::Plus => "+",
            Punct::Minus => "-",
            Punct::Star => "*",
            Punct::Question => "?",
            Punct::Coalesce => "??",
        }
    }
}

impl Tok<'_> {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Int(s) => format!("number `{s}`"),
            Tok::Raw(_) | Tok::TplStart => "a string".to_string(),
            Tok::TplText(_) => "string text".to_string(),
            Tok::HoleStart => "`{` (a template hole)".to_string(),
            Tok::HoleEnd => "`}` (end of a template hole)".to_string(),
            Tok::TplEnd => "the end of the string".to_string(),
            Tok::P(p) => format!("`{}`", p.text()),
            Tok::Error => "an unexpected character".to_string(),
        }
    }
}

/// A `///` line: its span and its text after the marker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocLine<'s> {
    pub span: Span,
    pub text: &'s str,
}

/// The lexer's output.
#[derive(Clone, Debug, Default)]
pub struct Lexed<'s> {
    pub tokens: Vec<(Tok<'s>, Span)>,
    /// Per token: whether it is the first token on its line, and whether it starts in column 0.
    pub line_start: Vec<(bool, bool)>,
    pub docs: Vec<DocLine<'s>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The code of lexical errors (see `docs/rules-language.md`).
pub const E_LEX: &str = "E4001";
/// An invalid escape in a string.
pub const E_ESCAPE: &str = "E4002";
/// An unterminated string or hole.
pub const E_UNTERMINATED: &str = "E4003";

/// Templates nest (a hole may hold a string with holes) at most this deep.
const MAX_TEMPLATE_NESTING: usize = 8;

enum Mode {
    /// Ordinary code; inside a hole, `depth` counts unclosed `{`.
    Code { in_hole: bool, depth: u32 },
    /// Inside a template's text; `start` is the offset of its opening quote.
    Str { start: usize },
}

pub fn lex<'s>(file: &str, src: &'s str) -> Lexed<'s> {
    Lexer {
        file,
        src,
        bytes: src.as_bytes(),
        pos: 0,
        out: Lexed::default(),
        line_has_token: false,
        modes: vec![Mode::Code {
            in_hole: false,
            depth: 0,
        }],
    }
    .run()
}

struct Lexer<'f, 's> {
    file: &'f str,
    src: &'s str,
    bytes: &'s [u8],
    pos: usize,
    out: Lexed<'s>,
    line_has_token: bool,
    modes: Vec<Mode>,
}

impl<'s> Lexer<'_, 's> {
    fn run(mut self) -> Lexed<'s> {
        while self.pos < self.bytes.len() {
            match self.modes.last() {
                Some(Mode::Str { start }) => {
                    let start = *start;
                    self.string_text(start);
                }
                _ => self.code(),
            }
        }
        // Close what is still open at the end of the file.
        while let Some(mode) = self.modes.pop() {
            match mode {
                Mode::Str { start } => {
                    self.error(
                        E_UNTERMINATED,
                        Span::new(start, start + 1),
                        "unterminated string",
                    );
                    self.push(Tok::TplEnd, self.pos, self.pos);
                }
                Mode::Code { in_hole: true, .. } => {
                    self.push(Tok::HoleEnd, self.pos, self.pos);
                }
                Mode::Code { .. } => {}
            }
        }
        self.out
    }

    fn error(&mut self, code: &str, span: Span, msg: impl Into<String>) {
        self.out
            .diagnostics
            .push(Diagnostic::error(code, self.file, span, msg));
    }

    fn push(&mut self, tok: Tok<'s>, start: usize, end: usize) {
        let col0 = start == 0 || self.bytes.get(start - 1) == Some(&b'\n');
        self.out.tokens.push((tok, Span::new(start, end)));
        self.out.line_start.push((!self.line_has_token, col0));
        self.line_has_token = true;
    }

    fn peek(&self, off: usize) -> u8 {
        self.bytes.get(self.pos + off).copied().unwrap_or(0)
    }

    fn prev_is_matches(&self) -> bool {
        matches!(self.out.tokens.last(), Some((Tok::Ident("matches"), _)))
    }

    fn code(&mut self) {
        let c = self.peek(0);
        let start = self.pos;
        match c {
            b'\n' => {
                self.pos += 1;
                self.line_has_token = false;
                if let Some(Mode::Code { in_hole: true, .. }) = self.modes.last() {
                    // A template and its holes stay on one line.
                    self.modes.pop();
                    self.push(Tok::HoleEnd, start, start);
                    if let Some(Mode::Str { start: s }) = self.modes.pop() {
                        self.error(
                            E_UNTERMINATED,
                            Span::new(s, start),
                            "unterminated string: a template and its `{...}` holes must end on the line they start",
                        );
                        self.push(Tok::TplEnd, start, start);
                    }
                    self.line_has_token = false;
                }
            }
            b' ' | b'\t' | b'\r' => self.pos += 1,
            b'/' if self.peek(1) == b'/' => {
                let end = self.src[start..]
                    .find('\n')
                    .map(|i| start + i)
                    .unwrap_or(self.src.len());
                let text = &self.src[start..end];
                if text.starts_with("///") && !text.starts_with("////") {
                    let body = &text[3..];
                    let body = body.strip_prefix(' ').unwrap_or(body);
                    let body = body.trim_end_matches('\r');
                    self.out.docs.push(DocLine {
                        span: Span::new(start, end),
                        text: body,
                    });
                }
                self.pos = end;
            }
            b'"' => {
                if self.prev_is_matches() {
                    self.raw_string(RawKind::Regex, start, start);
                } else if self.src[start..].starts_with("\"\"\"") {
                    self.raw_string(RawKind::Triple, start, start);
                } else if self.modes.len() > MAX_TEMPLATE_NESTING * 2 {
                    self.error(
                        E_LEX,
                        Span::new(start, start + 1),
                        "strings nested too deeply inside template holes",
                    );
                    self.skip_line();
                } else {
                    self.pos += 1;
                    self.push(Tok::TplStart, start, start + 1);
                    self.modes.push(Mode::Str { start });
                }
            }
            b'0'..=b'9' => {
                while matches!(self.peek(0), b'0'..=b'9' | b'_') {
                    self.pos += 1;
                }
                // `1abc` is one bad token, not a number and a name.
                if self.peek(0).is_ascii_alphabetic() {
                    while self.peek(0).is_ascii_alphanumeric() || self.peek(0) == b'_' {
                        self.pos += 1;
                    }
                    self.error(
                        E_LEX,
                        Span::new(start, self.pos),
                        format!("`{}` is not a number", &self.src[start..self.pos]),
                    );
                    self.push(Tok::Error, start, self.pos);
                } else {
                    self.push(Tok::Int(&self.src[start..self.pos]), start, self.pos);
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while self.peek(0).is_ascii_alphanumeric() || self.peek(0) == b'_' {
                    self.pos += 1;
                }
                let word = &self.src[start..self.pos];
                if self.peek(0) == b'"' {
                    let kind = match word {
                        "r" => Some(RawKind::Raw),
                        "sql" => Some(RawKind::Sql),
                        "hcl" => Some(RawKind::Hcl),
                        _ => None,
                    };
                    if let Some(kind) = kind {
                        let quote = self.pos;
                        self.raw_string(kind, start, quote);
                        return;
                    }
                }
                self.push(Tok::Ident(word), start, self.pos);
            }
            b'{' => {
                self.pos += 1;
                if let Some(Mode::Code {
                    in_hole: true,
                    depth,
                }) = self.modes.last_mut()
                {
                    *depth += 1;
                }
                self.push(Tok::P(Punct::LBrace), start, start + 1);
            }
            b'}' => {
                self.pos += 1;
                if let Some(Mode::Code {
                    in_hole: true,
                    depth,
                }) = self.modes.last_mut()
                {
                    if *depth == 0 {
                        self.modes.pop();
                        self.push(Tok::HoleEnd, start, start + 1);
                        return;
                    }
                    *depth -= 1;
                }
                self.push(Tok::P(Punct::RBrace), start, start + 1);
            }
            _ => {
                let two = &self.bytes[start..(start + 2).min(self.bytes.len())];
                let (p, len) = match two {
                    b"==" => (Some(Punct::EqEq), 2),
                    b"!=" => (Some(Punct::Ne), 2),
                    b"<=" => (Some(Punct::Le), 2),
                    b">=" => (Some(Punct::Ge), 2),
                    b"??" => (Some(Punct::Coalesce), 2),
                    _ => (
                        match c {
                            b'(' => Some(Punct::LParen),
                            b')' => Some(Punct::RParen),
                            b'[' => Some(Punct::LBrack),
                            b']' => Some(Punct::RBrack),
                            b',' => Some(Punct::Comma),
                            b':' => Some(Punct::Colon),
                            b';' => Some(Punct::Semi),
                            b'.' => Some(Punct::Dot),
                            b'=' => Some(Punct::Assign),
                            b'<' => Some(Punct::Lt),
                            b'>' => Some(Punct::Gt),
                            b'+' => Some(Punct::Plus),
                            b'-' => Some(Punct::Minus),
                            b'*' => Some(Punct::Star),
                            b'?' => Some(Punct::Question),
                            _ => None,
                        },
                        1,
                    ),
                };
                match p {
                    Some(p) => {
                        self.pos += len;
                        self.push(Tok::P(p), start, start + len);
                    }
                    None => {
                        // One diagnostic for a run of characters that start no token.
                        let mut end = start;
                        while end < self.bytes.len() {
                            let ch = self.src[end..].chars().next().unwrap_or(' ');
                            if ch.is_ascii_alphanumeric()
                                || ch.is_ascii_whitespace()
                                || "\"_{}()[],:;.=!<>+-*?/".contains(ch)
                            {
                                break;
                            }
                            end += ch.len_utf8();
                        }
                        if end == start {
                            // A lone `!` or `/`.
                            end = start + 1;
                        }
                        self.pos = end;
                        self.error(
                            E_LEX,
                            Span::new(start, end),
                            format!("unexpected `{}`", &self.src[start..end]),
                        );
                        self.push(Tok::Error, start, end);
                    }
                }
            }
        }
    }

    fn skip_line(&mut self) {
        self.pos = self.src[self.pos..]
            .find('\n')
            .map(|i| self.pos + i)
            .unwrap_or(self.src.len());
    }

    /// Text of a template, up to a hole, the closing quote or the end of the line.
    fn string_text(&mut self, str_start: usize) {
        let start = self.pos;
        loop {
            let c = self.peek(0);
            if self.pos >= self.bytes.len() || c == b'\n' {
                if self.pos > start {
                    self.push(Tok::TplText(&self.src[start..self.pos]), start, self.pos);
                }
                self.error(
                    E_UNTERMINATED,
                    Span::new(str_start, self.pos),
                    "unterminated string (a `\"...\"` string ends on the line it starts; use `\"\"\"` for text over several lines)",
                );
                self.modes.pop();
                self.push(Tok::TplEnd, self.pos, self.pos);
                return;
            }
            match c {
                b'"' => {
                    if self.pos > start {
                        self.push(Tok::TplText(&self.src[start..self.pos]), start, self.pos);
                    }
                    self.push(Tok::TplEnd, self.pos, self.pos + 1);
                    self.pos += 1;
                    self.modes.pop();
                    return;
                }
                b'\\' => {
                    let next = self.src[self.pos + 1..].chars().next();
                    match next {
                        Some('\\' | '"' | 'n' | 't' | 'r' | '{' | '}') => self.pos += 2,
                        Some('\n') | None => self.pos += 1,
                        Some(ch) => {
                            let len = 1 + ch.len_utf8();
                            self.error(
                                E_ESCAPE,
                                Span::new(self.pos, self.pos + len),
                                format!(
                                    "unknown escape `\\{ch}` (strings know \\\\, \\\", \\n, \\t, \\r, \\{{ and \\}}; write regexes after `matches` or as r\"...\")"
                                ),
                            );
                            self.pos += len;
                        }
                    }
                }
                b'{' if self.peek(1) == b'{' => self.pos += 2,
                b'}' if self.peek(1) == b'}' => self.pos += 2,
                b'{' => {
                    if self.pos > start {
                        self.push(Tok::TplText(&self.src[start..self.pos]), start, self.pos);
                    }
                    self.push(Tok::HoleStart, self.pos, self.pos + 1);
                    self.pos += 1;
                    self.modes.push(Mode::Code {
                        in_hole: true,
                        depth: 0,
                    });
                    return;
                }
                b'}' => {
                    self.error(
                        E_LEX,
                        Span::new(self.pos, self.pos + 1),
                        "a single `}` in a string: write `}}` for a literal brace",
                    );
                    self.pos += 1;
                }
                _ => {
                    let ch = self.src[self.pos..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
                    self.pos += ch;
                }
            }
        }
    }

    /// A string without holes, starting at `quote` (the prefix, if any, starts at `start`).
    fn raw_string(&mut self, kind: RawKind, start: usize, quote: usize) {
        let triple = self.src[quote..].starts_with("\"\"\"");
        let body_start = quote + if triple { 3 } else { 1 };
        let multiline = triple || matches!(kind, RawKind::Sql | RawKind::Hcl);
        let escapes = !triple && kind != RawKind::Raw;
        let mut i = body_start;
        let end_body;
        let end;
        loop {
            if i >= self.bytes.len() || (!multiline && self.bytes[i] == b'\n') {
                self.error(
                    E_UNTERMINATED,
                    Span::new(start, i),
                    if multiline {
                        "unterminated string"
                    } else {
                        "unterminated string (it ends on the line it starts)"
                    },
                );
                end_body = i;
                end = i;
                break;
            }
            let b = self.bytes[i];
            if triple {
                if self.src[i..].starts_with("\"\"\"") {
                    end_body = i;
                    end = i + 3;
                    break;
                }
            } else if b == b'"' {
                end_body = i;
                end = i + 1;
                break;
            } else if b == b'\\' && escapes && i + 1 < self.bytes.len() {
                i += 1;
            }
            i += self.src[i..].chars().next().map_or(1, char::len_utf8);
        }
        self.pos = end;
        self.push(
            Tok::Raw(RawStr {
                kind,
                body: &self.src[body_start..end_body],
                body_start,
                triple,
            }),
            start,
            end,
        );
    }
}

/// Applies the escapes of a template's text: `\\ \" \n \t \r \{ \}`, `{{` and `}}`.
pub fn cook_template_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            '{' | '}' if chars.peek() == Some(&c) => {
                chars.next();
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The value of a string without holes: `r"..."` and `"""..."""` verbatim; `sql"..."`,
/// `hcl"..."` and regexes with `\"` as a quote (and, except in regexes, `\\` as a backslash);
/// every other backslash is kept, so `\d` reaches the regex engine as written.
pub fn cook_raw(s: &RawStr<'_>) -> String {
    if s.triple || s.kind == RawKind::Raw || s.kind == RawKind::Triple {
        return s.body.to_string();
    }
    let mut out = String::with_capacity(s.body.len());
    let mut chars = s.body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('"') => {
                    out.push('"');
                    chars.next();
                }
                Some('\\') => {
                    // A regex keeps `\\` (its own escaped backslash); SQL and HCL get one.
                    out.push('\\');
                    if s.kind == RawKind::Regex {
                        out.push('\\');
                    }
                    chars.next();
                }
                _ => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}
