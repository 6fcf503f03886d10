//! The canonical HCL formatter behind `cairn schema fmt`: idempotent, keeps comments.
//!
//! It works on tokens, not on a syntax tree, so it never loses or reorders anything: every
//! token of the input is in the output, in order; only the white space between tokens changes.
//! The layout it produces:
//! - two-space indentation, one level per bracket opened on an earlier line;
//! - one attribute or nested block per line: `column "id" { type = int  null = true }` (the
//!   single-line form Atlas documents) is split into one line per attribute;
//! - the `=` of consecutive single-line attributes of a body aligned in one column;
//! - one blank line between top-level blocks, at most one blank line anywhere, none at the
//!   start or end of a body;
//! - single spaces between tokens, none inside `()` and `[]` or around `.`, one after `,`;
//! - no trailing white space and exactly one final newline;
//! - heredocs and the text of strings and comments untouched (trailing white space at the end
//!   of a comment line is removed).

use std::fmt;

/// Why a text could not be formatted, and where (a byte offset into the input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatError {
    pub message: String,
    pub offset: usize,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for FormatError {}

/// Formats an HCL text canonically. Errors are lexical and structural (an unterminated string,
/// heredoc or comment; an unbalanced bracket; a character HCL does not have).
pub fn format(text: &str) -> Result<String, FormatError> {
    let tokens = Lexer::new(text).tokens()?;
    let tokens = Structurer::default().run(tokens, text)?;
    Ok(render(&tokens))
}

// ----- tokens -----

#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Number,
    /// A quoted string, with its templates, as written.
    Str,
    /// A heredoc from `<<` to its closing marker (without the newline after it).
    Heredoc,
    LineComment,
    BlockComment,
    Newline,
    Open(u8),
    Close(u8),
    Op,
}

#[derive(Clone, Debug)]
struct Token {
    kind: Kind,
    text: String,
    offset: usize,
    /// For `{` and `}`: whether the brace delimits a block body (not an object).
    block: bool,
    /// For `-`: whether it is the unary minus.
    unary: bool,
}

impl Token {
    fn new(kind: Kind, text: impl Into<String>, offset: usize) -> Token {
        Token {
            kind,
            text: text.into(),
            offset,
            block: false,
            unary: false,
        }
    }

    fn is_comment(&self) -> bool {
        matches!(self.kind, Kind::LineComment | Kind::BlockComment)
    }

    /// Whether an expression can end with this token.
    fn ends_operand(&self) -> bool {
        matches!(
            self.kind,
            Kind::Ident | Kind::Number | Kind::Str | Kind::Heredoc | Kind::Close(_)
        ) || (self.kind == Kind::Op && self.text == "...")
    }

    fn is_op(&self, op: &str) -> bool {
        self.kind == Kind::Op && self.text == op
    }
}

struct Lexer<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    out: Vec<Token>,
}

fn err(message: impl Into<String>, offset: usize) -> FormatError {
    FormatError {
        message: message.into(),
        offset,
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

impl<'t> Lexer<'t> {
    fn new(text: &'t str) -> Lexer<'t> {
        Lexer {
            text,
            b: text.as_bytes(),
            pos: 0,
            out: Vec::new(),
        }
    }

    fn peek(&self, k: usize) -> u8 {
        self.b.get(self.pos + k).copied().unwrap_or(0)
    }

    fn push(&mut self, kind: Kind, start: usize) {
        let text = &self.text[start..self.pos];
        self.out.push(Token::new(kind, text, start));
    }

    fn tokens(mut self) -> Result<Vec<Token>, FormatError> {
        while self.pos < self.b.len() {
            let start = self.pos;
            let c = self.b[self.pos];
            match c {
                b' ' | b'\t' => self.pos += 1,
                b'\r' if self.peek(1) == b'\n' => self.pos += 1,
                b'\n' => {
                    self.pos += 1;
                    self.push(Kind::Newline, start);
                }
                b'#' => self.line_comment(),
                b'/' if self.peek(1) == b'/' => self.line_comment(),
                b'/' if self.peek(1) == b'*' => {
                    let end = self.text[start + 2..]
                        .find("*/")
                        .ok_or_else(|| err("unterminated comment", start))?;
                    self.pos = start + 2 + end + 2;
                    let text: String = self.text[start..self.pos]
                        .lines()
                        .map(str::trim_end)
                        .collect::<Vec<_>>()
                        .join("\n");
                    self.out.push(Token::new(Kind::BlockComment, text, start));
                }
                b'"' => {
                    self.string()?;
                    self.push(Kind::Str, start);
                }
                b'<' if self.peek(1) == b'<' => self.heredoc()?,
                b'{' | b'[' | b'(' => {
                    self.pos += 1;
                    self.push(Kind::Open(c), start);
                }
                b'}' | b']' | b')' => {
                    self.pos += 1;
                    self.push(Kind::Close(c), start);
                }
                b'0'..=b'9' => {
                    self.number();
                    self.push(Kind::Number, start);
                }
                _ => {
                    let ch = self.text[start..].chars().next().unwrap_or('\0');
                    if is_ident_start(ch) {
                        self.pos += ch.len_utf8();
                        while let Some(n) = self.text[self.pos..].chars().next()
                            && is_ident_continue(n)
                        {
                            self.pos += n.len_utf8();
                        }
                        self.push(Kind::Ident, start);
                    } else {
                        let op = self
                            .op()
                            .ok_or_else(|| err(format!("unexpected character `{ch}`"), start))?;
                        self.pos += op.len();
                        self.push(Kind::Op, start);
                    }
                }
            }
        }
        Ok(self.out)
    }

    fn line_comment(&mut self) {
        let start = self.pos;
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        self.pos = end;
        let text = self.text[start..end].trim_end().to_string();
        self.out.push(Token::new(Kind::LineComment, text, start));
    }

    fn number(&mut self) {
        while self.peek(0).is_ascii_digit() {
            self.pos += 1;
        }
        if self.peek(0) == b'.' && self.peek(1).is_ascii_digit() {
            self.pos += 1;
            while self.peek(0).is_ascii_digit() {
                self.pos += 1;
            }
        }
        if matches!(self.peek(0), b'e' | b'E') {
            let sign = usize::from(matches!(self.peek(1), b'+' | b'-'));
            if self.peek(1 + sign).is_ascii_digit() {
                self.pos += 1 + sign;
                while self.peek(0).is_ascii_digit() {
                    self.pos += 1;
                }
            }
        }
    }

    fn op(&self) -> Option<&'static str> {
        const OPS: &[&str] = &[
            "...", "==", "!=", "<=", ">=", "&&", "||", "=>", "=", "<", ">", "!", "+", "-", "*",
            "/", "%", ".", ",", ":", "?",
        ];
        let rest = &self.text[self.pos..];
        OPS.iter().copied().find(|op| rest.starts_with(op))
    }

    /// Skips a quoted string starting at `pos` (on its `"`), templates included.
    fn string(&mut self) -> Result<(), FormatError> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek(0) {
                0 | b'\n' => return Err(err("unterminated string", start)),
                b'\\' => self.pos += 2,
                b'"' => {
                    self.pos += 1;
                    return Ok(());
                }
                b'$' | b'%' if self.peek(1) == self.peek(0) && self.peek(2) == b'{' => {
                    self.pos += 3;
                }
                b'$' | b'%' if self.peek(1) == b'{' => {
                    self.pos += 2;
                    self.template(start)?;
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Skips the inside of `${ ... }` up to and including its closing brace.
    fn template(&mut self, string_start: usize) -> Result<(), FormatError> {
        let mut depth = 1;
        loop {
            match self.peek(0) {
                0 => return Err(err("unterminated string", string_start)),
                b'"' => self.string()?,
                b'{' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' => {
                    depth -= 1;
                    self.pos += 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                b'<' if self.peek(1) == b'<' => {
                    let before = self.out.len();
                    self.heredoc()?;
                    self.out.truncate(before);
                }
                _ => self.pos += 1,
            }
        }
    }

    /// A heredoc: `<<EOT` or `<<-EOT`, a newline, lines, and a line holding only `EOT`.
    fn heredoc(&mut self) -> Result<(), FormatError> {
        let start = self.pos;
        let mut p = start + 2;
        if self.b.get(p) == Some(&b'-') {
            p += 1;
        }
        let id_start = p;
        while let Some(c) = self.text[p..].chars().next()
            && is_ident_continue(c)
        {
            p += c.len_utf8();
        }
        let marker = &self.text[id_start..p];
        if marker.is_empty() {
            return Err(err("a heredoc needs a marker: `<<EOT`", start));
        }
        let mut line_start = match self.text[p..].find('\n') {
            Some(i) if self.text[p..p + i].trim().is_empty() => p + i + 1,
            _ => return Err(err("a heredoc marker must end its line", start)),
        };
        loop {
            if line_start >= self.text.len() {
                return Err(err(
                    format!("unterminated heredoc: no `{marker}` line"),
                    start,
                ));
            }
            let line_end = self.text[line_start..]
                .find('\n')
                .map_or(self.text.len(), |i| line_start + i);
            if self.text[line_start..line_end].trim() == marker {
                let text = self.text[start..line_end].trim_end_matches('\r');
                self.pos = line_end;
                self.out
                    .push(Token::new(Kind::Heredoc, text.replace("\r\n", "\n"), start));
                return Ok(());
            }
            line_start = line_end + 1;
        }
    }
}

// ----- structure: which braces are blocks, and where lines must break -----

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// A block body (or the file): attributes and blocks, one per line.
    Body,
    /// Inside `{}` of an object, `[]` or `()`.
    Expr,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of an item of a body.
    Start,
    /// In a block header: `ident labels...` before `{`.
    Header,
    /// In an attribute's expression.
    Value,
}

#[derive(Default)]
struct Structurer {
    out: Vec<Token>,
    /// Open brackets: the bracket, the context outside it, and the outer state.
    stack: Vec<(u8, Ctx, State, usize)>,
}

impl Structurer {
    fn ctx(&self) -> Ctx {
        match self.stack.last() {
            None => Ctx::Body,
            Some((b'{', _, _, _)) if self.out_block_open() => Ctx::Body,
            Some(_) => Ctx::Expr,
        }
    }

    fn out_block_open(&self) -> bool {
        self.stack
            .last()
            .is_some_and(|&(_, _, _, i)| self.out[i].block)
    }

    fn last_significant(&self) -> Option<&Token> {
        self.out.iter().rev().find(|t| !t.is_comment())
    }

    fn newline(&mut self, offset: usize) {
        if self.out.last().is_some_and(|t| t.kind != Kind::Newline) {
            self.out.push(Token::new(Kind::Newline, "\n", offset));
        }
    }

    fn run(mut self, tokens: Vec<Token>, text: &str) -> Result<Vec<Token>, FormatError> {
        let mut state = State::Start;
        let mut iter = tokens.into_iter().peekable();
        while let Some(mut t) = iter.next() {
            let ctx = self.ctx();
            match &t.kind {
                Kind::Newline => {
                    if ctx == Ctx::Body {
                        state = State::Start;
                    }
                    self.out.push(t);
                }
                Kind::LineComment | Kind::BlockComment => self.out.push(t),
                Kind::Open(c) => {
                    let c = *c;
                    if c == b'{' && ctx == Ctx::Body && state != State::Value {
                        t.block = true;
                    }
                    self.stack.push((c, ctx, state, self.out.len()));
                    let block = t.block;
                    self.out.push(t);
                    if block {
                        // An empty body is `{}`; otherwise the body starts on its own line.
                        let mut skipped = false;
                        while iter.peek().is_some_and(|n| n.kind == Kind::Newline) {
                            iter.next();
                            skipped = true;
                        }
                        match iter.peek() {
                            Some(n) if n.kind == Kind::Close(b'}') => {}
                            Some(n) if n.kind == Kind::LineComment && !skipped => {}
                            Some(n) => {
                                let off = n.offset;
                                self.out.push(Token::new(Kind::Newline, "\n", off));
                            }
                            None => {}
                        }
                    }
                    state = State::Start;
                }
                Kind::Close(c) => {
                    let c = *c;
                    let want = match c {
                        b'}' => b'{',
                        b']' => b'[',
                        _ => b'(',
                    };
                    let Some((open, _, outer_state, open_idx)) = self.stack.pop() else {
                        return Err(err(format!("unexpected `{}`", c as char), t.offset));
                    };
                    if open != want {
                        return Err(err(
                            format!(
                                "`{}` closes the `{}` opened at byte {}",
                                c as char, open as char, self.out[open_idx].offset
                            ),
                            t.offset,
                        ));
                    }
                    t.block = self.out[open_idx].block;
                    if t.block {
                        let empty = self.out.len() == open_idx + 1;
                        if !empty {
                            self.newline(t.offset);
                        }
                        // Blank lines before `}` go.
                        while self.out.len() > open_idx + 2
                            && self.out[self.out.len() - 1].kind == Kind::Newline
                            && self.out[self.out.len() - 2].kind == Kind::Newline
                        {
                            self.out.pop();
                        }
                    }
                    self.out.push(t);
                    state = if self.out.last().is_some_and(|t| t.block) {
                        // After a block, the body continues with a new item.
                        State::Start
                    } else {
                        outer_state
                    };
                    if self.out.last().is_some_and(|t| t.block) {
                        // The next item starts on its own line (a trailing comment may stay).
                        match iter.peek() {
                            Some(n) if matches!(n.kind, Kind::Newline | Kind::LineComment) => {}
                            Some(n) => {
                                let off = n.offset;
                                self.out.push(Token::new(Kind::Newline, "\n", off));
                            }
                            None => {}
                        }
                    }
                }
                Kind::Ident if ctx == Ctx::Body => {
                    match state {
                        State::Start => {
                            let next_is_eq = iter.peek().is_some_and(|n| n.is_op("="));
                            state = if next_is_eq {
                                State::Value
                            } else {
                                State::Header
                            };
                        }
                        State::Value => {
                            // `a = 1  b = 2`: a new item starts after a complete expression.
                            if self.last_significant().is_some_and(Token::ends_operand) {
                                self.newline(t.offset);
                                let next_is_eq = iter.peek().is_some_and(|n| n.is_op("="));
                                state = if next_is_eq {
                                    State::Value
                                } else {
                                    State::Header
                                };
                            }
                        }
                        State::Header => {}
                    }
                    self.out.push(t);
                }
                Kind::Heredoc => {
                    self.out.push(t);
                    // The heredoc ends its line: the marker line's newline is the lexer's next
                    // token, unless the file ends there.
                    if ctx == Ctx::Body {
                        state = State::Value;
                    }
                }
                Kind::Op => {
                    if t.text == "-" {
                        t.unary = !self.last_significant().is_some_and(Token::ends_operand);
                    }
                    if ctx == Ctx::Body && state == State::Start {
                        state = State::Value;
                    }
                    self.out.push(t);
                }
                _ => {
                    if ctx == Ctx::Body && state == State::Start {
                        state = State::Value;
                    }
                    self.out.push(t);
                }
            }
        }
        if let Some(&(open, _, _, i)) = self.stack.last() {
            return Err(err(
                format!("`{}` is never closed", open as char),
                self.out[i].offset.min(text.len()),
            ));
        }
        Ok(self.out)
    }
}

// ----- rendering -----

/// One output line: its tokens, and what the layout needs to know about it.
struct Line {
    tokens: Vec<Token>,
    indent: usize,
    /// The line closes a top-level block.
    ends_top_block: bool,
    /// The line starts a top-level block.
    starts_top_block: bool,
}

impl Line {
    fn is_blank(&self) -> bool {
        self.tokens.is_empty()
    }

    fn is_comment(&self) -> bool {
        !self.tokens.is_empty() && self.tokens.iter().all(Token::is_comment)
    }

    /// `name = value` on one line: the width of `name` when `=` can be aligned.
    fn attr_key(&self) -> Option<usize> {
        let [key, eq, rest @ ..] = self.tokens.as_slice() else {
            return None;
        };
        if !matches!(key.kind, Kind::Ident | Kind::Str) || !eq.is_op("=") || rest.is_empty() {
            return None;
        }
        let mut depth = 0i32;
        for t in rest {
            match t.kind {
                Kind::Open(_) => depth += 1,
                Kind::Close(_) => depth -= 1,
                Kind::Heredoc => return None,
                Kind::BlockComment if t.text.contains('\n') => return None,
                _ => {}
            }
            if depth < 0 {
                return None;
            }
        }
        (depth == 0).then(|| key.text.chars().count())
    }
}

fn split_lines(tokens: &[Token]) -> Vec<Line> {
    let mut lines = Vec::new();
    // Open brackets: the indent of the line each was opened on, and whether it is a block.
    let mut open: Vec<(usize, bool)> = Vec::new();
    let mut current: Vec<Token> = Vec::new();
    let mut line_indent: Option<usize> = None;
    let mut starts_top_block = false;
    let mut ends_top_block = false;
    let flush = |current: &mut Vec<Token>,
                 line_indent: &mut Option<usize>,
                 open: &Vec<(usize, bool)>,
                 starts: &mut bool,
                 ends: &mut bool,
                 lines: &mut Vec<Line>| {
        let indent = line_indent.unwrap_or_else(|| open.last().map_or(0, |&(i, _)| i + 1));
        lines.push(Line {
            tokens: std::mem::take(current),
            indent,
            ends_top_block: std::mem::take(ends),
            starts_top_block: std::mem::take(starts),
        });
        *line_indent = None;
    };
    for (i, t) in tokens.iter().enumerate() {
        if t.kind == Kind::Newline {
            flush(
                &mut current,
                &mut line_indent,
                &open,
                &mut starts_top_block,
                &mut ends_top_block,
                &mut lines,
            );
            continue;
        }
        if current.is_empty() {
            line_indent = Some(match t.kind {
                Kind::Close(_) => open.last().map_or(0, |&(i, _)| i),
                _ => open.last().map_or(0, |&(i, _)| i + 1),
            });
            if open.is_empty()
                && t.kind == Kind::Ident
                && tokens[i..]
                    .iter()
                    .find(|x| !matches!(x.kind, Kind::Ident | Kind::Str) || x.is_comment())
                    .is_some_and(|x| x.kind == Kind::Open(b'{') && x.block)
            {
                starts_top_block = true;
            }
        }
        let indent = line_indent.unwrap_or(0);
        match t.kind {
            Kind::Open(_) => open.push((indent, t.block)),
            Kind::Close(_) => {
                let was = open.pop();
                if open.is_empty() && was.is_some_and(|(_, b)| b) {
                    ends_top_block = true;
                }
            }
            _ => {}
        }
        current.push(t.clone());
    }
    if !current.is_empty() || starts_top_block || ends_top_block {
        flush(
            &mut current,
            &mut line_indent,
            &open,
            &mut starts_top_block,
            &mut ends_top_block,
            &mut lines,
        );
    }
    lines
}

/// Whether a space goes between two tokens of a line.
fn space_between(prev: &Token, cur: &Token) -> bool {
    if cur.is_comment() || prev.kind == Kind::BlockComment {
        return true;
    }
    if cur.is_op(",") || cur.is_op(".") || cur.is_op("...") || prev.is_op(".") {
        return false;
    }
    if prev.is_op(",") {
        return true;
    }
    match (&prev.kind, &cur.kind) {
        (Kind::Open(b'{'), Kind::Close(b'}')) => false,
        (Kind::Open(b'{'), _) | (_, Kind::Close(b'}')) => true,
        (Kind::Open(_), _) | (_, Kind::Close(_)) => false,
        // `for x in [1, 2]`, `if (x)`: keywords of `for` expressions keep their space.
        (Kind::Ident, Kind::Open(_)) if matches!(prev.text.as_str(), "in" | "if" | "for") => true,
        (Kind::Ident, Kind::Open(b'(')) => false,
        (Kind::Ident | Kind::Close(_) | Kind::Str, Kind::Open(b'[')) => false,
        _ if prev.is_op("!") || (prev.is_op("-") && prev.unary) => false,
        _ => true,
    }
}

fn render_line(line: &Line, key_width: Option<usize>) -> String {
    let mut out = "  ".repeat(line.indent);
    let mut prev: Option<&Token> = None;
    for (i, t) in line.tokens.iter().enumerate() {
        if let Some(p) = prev {
            if i == 1
                && let Some(w) = key_width
            {
                let key = p.text.chars().count();
                out.push_str(&" ".repeat(w - key + 1));
            } else if space_between(p, t) {
                out.push(' ');
            }
        }
        out.push_str(&t.text);
        prev = Some(t);
    }
    out.truncate(out.trim_end_matches([' ', '\t']).len());
    out
}

fn render(tokens: &[Token]) -> String {
    let lines = split_lines(tokens);
    // Decide which lines stay, and where blank lines go.
    let mut kept: Vec<&Line> = Vec::new();
    let mut blank_before: Vec<bool> = Vec::new();
    let mut pending_blank = false;
    let mut force_blank = false;
    for line in &lines {
        if line.is_blank() {
            pending_blank = true;
            continue;
        }
        let prev = kept.last();
        let after_open = prev.is_some_and(|p| {
            p.tokens
                .last()
                .is_some_and(|t| matches!(t.kind, Kind::Open(_)))
        });
        let before_close = line
            .tokens
            .first()
            .is_some_and(|t| matches!(t.kind, Kind::Close(_)));
        let mut blank = (pending_blank || force_blank) && !after_open && !before_close;
        if line.starts_top_block && prev.is_some_and(|p| !p.is_comment() || p.indent > 0) {
            blank = true;
        }
        if prev.is_none() {
            blank = false;
        }
        blank_before.push(blank);
        kept.push(line);
        pending_blank = false;
        force_blank = line.ends_top_block;
    }
    // Align `=` in runs of consecutive single-line attributes at one indent.
    let mut widths: Vec<Option<usize>> = vec![None; kept.len()];
    let mut i = 0;
    while i < kept.len() {
        let Some(_) = kept[i].attr_key() else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < kept.len()
            && !blank_before[j]
            && kept[j].indent == kept[i].indent
            && kept[j].attr_key().is_some()
        {
            j += 1;
        }
        let w = (i..j).filter_map(|k| kept[k].attr_key()).max();
        for slot in &mut widths[i..j] {
            *slot = w;
        }
        i = j;
    }
    let mut out = String::new();
    for (k, line) in kept.iter().enumerate() {
        if blank_before[k] {
            out.push('\n');
        }
        out.push_str(&render_line(line, widths[k]));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_single_line_blocks() {
        let out = format("column \"id\" { type = int  null = true }\n").unwrap();
        assert_eq!(out, "column \"id\" {\n  type = int\n  null = true\n}\n");
    }

    #[test]
    fn errors_are_located() {
        let e = format("a = \"x\nb = 1\n").unwrap_err();
        assert_eq!(e.offset, 4);
        let e = format("t {\n  a = (1]\n}\n").unwrap_err();
        assert_eq!(e.offset, 12);
        let e = format("t {\n").unwrap_err();
        assert_eq!(e.offset, 2);
        assert!(format("x = <<EOT\nabc\n").is_err());
        assert!(format("/* open").is_err());
        assert!(format("a = 1 @ 2").is_err());
    }
}
