//! The top-level scanner: splits an HCL file into its top-level blocks and attributes in one
//! pass, so each block can be parsed (and cached) on its own and a broken block does not hide
//! the rest of the file.
//!
//! The scanner understands just enough HCL to find where a block ends: quoted strings with
//! `${ }` / `%{ }` interpolations (which nest), heredocs (`<<EOT`, `<<-EOT`) and comments
//! (`#`, `//`, `/* */`). Everything else is left to the block parser.
//!
//! Diagnostics: `E2002` unterminated string, `E2003` unterminated block, heredoc or comment,
//! `E2004` text that is neither a block nor an attribute.

use crate::diag::{Diagnostic, Span};

/// What a top-level item is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// `ident labels* { ... }`
    Block,
    /// `ident = expr`
    Attribute,
}

/// A comment, with its text (without the `#`, `//` or `/* */` markers, trimmed).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

/// One top-level item of a file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    pub kind: ItemKind,
    /// The block type or attribute name (`table`, `schema`, `locals`).
    pub ident: String,
    /// The item's text in the file: from its first identifier to its closing `}` (blocks) or the
    /// end of its expression (attributes).
    pub span: Span,
    /// The comments directly above the item (no blank line between), so a directive such as
    /// `# atlas:nolint DS103` stays with the block it names.
    pub comments: Vec<Comment>,
    /// The scanner already reported this item as broken (an unterminated string or block): it
    /// should not be parsed.
    pub broken: bool,
}

/// The result of scanning a file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Scan {
    pub items: Vec<Item>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Splits `text` (the contents of `file`) into its top-level items.
pub fn scan(file: &str, text: &str) -> Scan {
    scan_from(file, text, 0, |_| false).0
}

/// Scans `text` from `from`, which must be where a scan of the whole text would be between
/// items with no comment pending: the start of the text or the end of an unbroken block. After
/// each unbroken block, `resume(end)` is asked whether the rest is known already (its text and
/// the scan of it are unchanged); the scan stops there if so, and returns that end. The items
/// and diagnostics are the ones a whole scan finds from `from` on (up to the stop).
pub fn scan_from(
    file: &str,
    text: &str,
    from: usize,
    resume: impl FnMut(usize) -> bool,
) -> (Scan, Option<usize>) {
    let mut s = Scanner {
        b: text.as_bytes(),
        text,
        pos: from,
        file,
        out: Scan::default(),
        pending: Vec::new(),
    };
    let stopped = s.run(resume);
    (s.out, stopped)
}

struct Scanner<'a> {
    b: &'a [u8],
    text: &'a str,
    pos: usize,
    file: &'a str,
    out: Scan,
    /// Comments seen since the last item, in order, that may belong to the next one.
    pending: Vec<Comment>,
}

/// Why the scan of a block body stopped early.
struct Stop {
    code: &'static str,
    span: Span,
    message: String,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

impl Scanner<'_> {
    fn peek(&self, at: usize) -> u8 {
        self.b.get(at).copied().unwrap_or(0)
    }

    fn run(&mut self, mut resume: impl FnMut(usize) -> bool) -> Option<usize> {
        loop {
            self.skip_trivia_top();
            if self.pos >= self.b.len() {
                return None;
            }
            let c = self.b[self.pos];
            if is_ident_start(c) {
                self.item();
                let clean = self.out.items.last().is_some_and(|i| {
                    i.kind == ItemKind::Block && !i.broken && i.span.end as usize == self.pos
                });
                if clean && resume(self.pos) {
                    return Some(self.pos);
                }
            } else {
                let start = self.pos;
                let end = self.line_end(start);
                self.out.diagnostics.push(
                    Diagnostic::error(
                        "E2004",
                        self.file,
                        Span::new(start, end),
                        format!(
                            "unexpected `{}` at the top level: expected a block (`table \"t\" {{ ... }}`) or an attribute",
                            char_at(self.text, start)
                        ),
                    )
                    .with_help("every top-level item starts with an identifier"),
                );
                self.pending.clear();
                self.pos = self.resync_from(end);
            }
        }
    }

    /// Skips white space and comments between top-level items, collecting comments; a blank
    /// line separates comments from the item below.
    fn skip_trivia_top(&mut self) {
        let mut newlines = 0;
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            match c {
                b'\n' => {
                    newlines += 1;
                    if newlines >= 2 {
                        self.pending.clear();
                    }
                    self.pos += 1;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'#' => {
                    self.line_comment(1);
                    newlines = 0;
                }
                b'/' if self.peek(self.pos + 1) == b'/' => {
                    self.line_comment(2);
                    newlines = 0;
                }
                b'/' if self.peek(self.pos + 1) == b'*' => {
                    let start = self.pos;
                    match find(self.b, self.pos + 2, b"*/") {
                        Some(end) => {
                            self.pending.push(Comment {
                                span: Span::new(start, end + 2),
                                text: self.text[start + 2..end].trim().to_string(),
                            });
                            self.pos = end + 2;
                            newlines = 0;
                        }
                        None => {
                            self.out.diagnostics.push(Diagnostic::error(
                                "E2003",
                                self.file,
                                Span::new(start, start + 2),
                                "unterminated comment: `/*` has no matching `*/`",
                            ));
                            self.pos = self.b.len();
                        }
                    }
                }
                _ => break,
            }
        }
    }

    fn line_comment(&mut self, marker: usize) {
        let start = self.pos;
        let end = self.line_end(start);
        self.pending.push(Comment {
            span: Span::new(start, end),
            text: self.text[start + marker..end].trim().to_string(),
        });
        self.pos = end;
    }

    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', &self.b[from..]).map_or(self.b.len(), |i| from + i)
    }

    fn ident_end(&self, from: usize) -> usize {
        let mut i = from;
        while i < self.b.len() && is_ident_char(self.b[i]) {
            i += 1;
        }
        i
    }

    fn skip_inline_space(&self, mut i: usize) -> usize {
        while i < self.b.len() && matches!(self.b[i], b' ' | b'\t' | b'\r') {
            i += 1;
        }
        i
    }

    /// Reads one top-level item starting at an identifier.
    fn item(&mut self) {
        let start = self.pos;
        let ident_end = self.ident_end(start);
        let ident = self.text[start..ident_end].to_string();
        let comments = std::mem::take(&mut self.pending);
        let mut i = self.skip_inline_space(ident_end);
        if self.peek(i) == b'=' && self.peek(i + 1) != b'=' {
            // A top-level attribute: its expression ends at the end of the line outside any
            // bracket, string or heredoc.
            match self.scan_code(i + 1, Mode::Attribute) {
                Ok(end) => self.push(ItemKind::Attribute, ident, start, end, comments, false),
                Err(stop) => self.broken(ItemKind::Attribute, ident, start, comments, stop),
            }
            return;
        }
        // Labels: quoted strings or identifiers, then `{`.
        loop {
            match self.peek(i) {
                b'"' => match self.string_end(i) {
                    Some(end) => i = self.skip_inline_space(end),
                    None => {
                        let end = self.line_end(i);
                        let stop = Stop {
                            code: "E2002",
                            span: Span::new(i, end),
                            message: "unterminated string: a block label must close on its line"
                                .to_string(),
                        };
                        self.broken(ItemKind::Block, ident, start, comments, stop);
                        return;
                    }
                },
                c if is_ident_start(c) => i = self.skip_inline_space(self.ident_end(i)),
                b'{' => break,
                _ => {
                    let end = self.line_end(i);
                    let stop = Stop {
                        code: "E2004",
                        span: Span::new(start, end.max(i + 1).min(self.b.len())),
                        message: format!(
                            "`{ident}` must be followed by labels and `{{` (a block) or by `=` (an attribute)"
                        ),
                    };
                    self.broken(ItemKind::Block, ident, start, comments, stop);
                    return;
                }
            }
        }
        match self.scan_code(i + 1, Mode::Block { open: i }) {
            Ok(end) => self.push(ItemKind::Block, ident, start, end, comments, false),
            Err(stop) => self.broken(ItemKind::Block, ident, start, comments, stop),
        }
    }

    fn push(
        &mut self,
        kind: ItemKind,
        ident: String,
        start: usize,
        end: usize,
        comments: Vec<Comment>,
        broken: bool,
    ) {
        self.out.items.push(Item {
            kind,
            ident,
            span: Span::new(start, end),
            comments,
            broken,
        });
        self.pos = end;
    }

    /// Records a broken item and resynchronises at the next line that starts a block at
    /// column 0.
    fn broken(
        &mut self,
        kind: ItemKind,
        ident: String,
        start: usize,
        comments: Vec<Comment>,
        stop: Stop,
    ) {
        self.out.diagnostics.push(Diagnostic::error(
            stop.code,
            self.file,
            stop.span,
            stop.message,
        ));
        let next = self.resync_from(self.line_end(start));
        let end = trim_end(self.b, start, next);
        self.push(kind, ident, start, end, comments, true);
        self.pos = next;
    }

    /// The start of the first line at or after `from` that begins, at column 0, with an
    /// identifier followed by a label or `{`; the end of the text when there is none.
    fn resync_from(&self, from: usize) -> usize {
        let mut line = from;
        while line < self.b.len() {
            if (line == 0 || self.b[line - 1] == b'\n') && self.starts_block(line) {
                return line;
            }
            line = self.line_end(line) + 1;
        }
        self.b.len()
    }

    fn starts_block(&self, at: usize) -> bool {
        if !is_ident_start(self.peek(at)) {
            return false;
        }
        let i = self.skip_inline_space(self.ident_end(at));
        matches!(self.peek(i), b'"' | b'{') || is_ident_start(self.peek(i))
    }

    /// The end (exclusive) of the quoted string starting at `at`, if it closes on its line.
    fn string_end(&self, at: usize) -> Option<usize> {
        let mut i = at + 1;
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                b'\n' => return None,
                _ => i += 1,
            }
        }
        None
    }

    /// Scans code from `from` (after a block's `{` or an attribute's `=`) to the end of the
    /// item, returning the end offset (exclusive).
    fn scan_code(&self, from: usize, mode: Mode) -> Result<usize, Stop> {
        // The stack holds what the innermost open construct is: a brace of code, a bracket or
        // parenthesis of code, or a quoted template. Braces opened by `${` / `%{` are code.
        let mut stack: Vec<Frame> = Vec::with_capacity(8);
        if let Mode::Block { open } = mode {
            stack.push(Frame::Brace(open));
        }
        let b = self.b;
        let mut i = from;
        while i < b.len() {
            // Skip the bytes that cannot change the state (most of them), a table lookup each.
            let in_str = matches!(stack.last(), Some(Frame::Str(_)));
            let skip = if in_str { &STR_SPECIAL } else { &CODE_SPECIAL };
            while i < b.len() && !skip[b[i] as usize] {
                i += 1;
            }
            if i >= b.len() {
                break;
            }
            let c = b[i];
            if let Some(Frame::Str(start)) = stack.last() {
                match c {
                    b'\\' => i += 2,
                    b'"' => {
                        stack.pop();
                        i += 1;
                    }
                    b'$' | b'%' if self.peek(i + 1) == b'{' => {
                        stack.push(Frame::Brace(i + 1));
                        i += 2;
                    }
                    b'$' | b'%' if self.peek(i + 1) == c && self.peek(i + 2) == b'{' => i += 3,
                    b'\n' => {
                        return Err(Stop {
                            code: "E2002",
                            span: Span::new(*start, i),
                            message: "unterminated string: a quoted string must close on its line (use a heredoc for several lines)".to_string(),
                        });
                    }
                    _ => i += 1,
                }
                continue;
            }
            match c {
                b'"' => {
                    stack.push(Frame::Str(i));
                    i += 1;
                }
                b'{' => {
                    stack.push(Frame::Brace(i));
                    i += 1;
                }
                b'(' | b'[' => {
                    stack.push(Frame::Bracket(i));
                    i += 1;
                }
                b')' | b']' => {
                    if let Some(Frame::Bracket(_)) = stack.last() {
                        stack.pop();
                    }
                    i += 1;
                }
                b'}' => {
                    match stack.last() {
                        Some(Frame::Brace(_)) => {
                            stack.pop();
                        }
                        // A `}` that closes nothing open inside an attribute ends it (the
                        // parser reports what is wrong).
                        _ if matches!(mode, Mode::Attribute) => return Ok(trim_end(b, from, i)),
                        _ => {
                            // Unbalanced brackets: unwind to the nearest brace.
                            while let Some(Frame::Bracket(_)) = stack.last() {
                                stack.pop();
                            }
                            stack.pop();
                        }
                    }
                    i += 1;
                    if stack.is_empty() && matches!(mode, Mode::Block { .. }) {
                        return Ok(i);
                    }
                }
                b'#' => i = self.line_end(i),
                b'/' if self.peek(i + 1) == b'/' => i = self.line_end(i),
                b'/' if self.peek(i + 1) == b'*' => match find(b, i + 2, b"*/") {
                    Some(end) => i = end + 2,
                    None => {
                        return Err(Stop {
                            code: "E2003",
                            span: Span::new(i, i + 2),
                            message: "unterminated comment: `/*` has no matching `*/`".to_string(),
                        });
                    }
                },
                b'<' if self.peek(i + 1) == b'<' => i = self.heredoc(i)?,
                b'\n' if stack.is_empty() => return Ok(trim_end(b, from, i)),
                _ => i += 1,
            }
        }
        match (mode, stack.last()) {
            (Mode::Attribute, None) => Ok(trim_end(b, from, b.len())),
            (_, Some(Frame::Str(start))) => Err(Stop {
                code: "E2002",
                span: Span::new(*start, b.len()),
                message: "unterminated string".to_string(),
            }),
            (_, Some(Frame::Brace(open))) | (_, Some(Frame::Bracket(open))) => {
                let open = match mode {
                    Mode::Block { open } => open,
                    Mode::Attribute => *open,
                };
                let (what, close) = match b[open] {
                    b'{' => ("block", "}"),
                    b'(' => ("parenthesis", ")"),
                    _ => ("bracket", "]"),
                };
                Err(Stop {
                    code: "E2003",
                    span: Span::new(open, open + 1),
                    message: format!(
                        "unterminated {what}: this `{}` has no matching `{close}`",
                        b[open] as char
                    ),
                })
            }
            (Mode::Block { open }, None) => Err(Stop {
                code: "E2003",
                span: Span::new(open, open + 1),
                message: "unterminated block: this `{` has no matching `}`".to_string(),
            }),
        }
    }

    /// Skips a heredoc starting at `<<`, returning the offset after its closing delimiter line
    /// (before the newline). `<<` not followed by a delimiter and a newline is left to the
    /// parser.
    fn heredoc(&self, at: usize) -> Result<usize, Stop> {
        let mut i = at + 2;
        if self.peek(i) == b'-' {
            i += 1;
        }
        if !is_ident_start(self.peek(i)) {
            return Ok(at + 2);
        }
        let name_end = self.ident_end(i);
        let delim = &self.b[i..name_end];
        let after = self.skip_inline_space(name_end);
        if !matches!(self.peek(after), b'\n') {
            return Ok(at + 2);
        }
        let mut line = after + 1;
        while line < self.b.len() {
            let end = self.line_end(line);
            let content = self.text[line..end].trim();
            if content.as_bytes() == delim {
                return Ok(end);
            }
            line = end + 1;
        }
        Err(Stop {
            code: "E2003",
            span: Span::new(at, name_end),
            message: format!(
                "unterminated heredoc: no line holds the closing `{}`",
                String::from_utf8_lossy(delim)
            ),
        })
    }
}

/// The bytes a table marks: those that can change the scanner's state.
const fn special(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

/// In code: strings, braces, brackets, comments, heredocs, and the newline that ends a
/// top-level attribute.
static CODE_SPECIAL: [bool; 256] = special(b"\"{}()[]#/<\n");
/// In a quoted string: escapes, its end, interpolations, and the newline that breaks it.
static STR_SPECIAL: [bool; 256] = special(b"\\\"$%\n");

#[derive(Clone, Copy)]
enum Mode {
    Block { open: usize },
    Attribute,
}

#[derive(Clone, Copy)]
enum Frame {
    Brace(usize),
    Bracket(usize),
    Str(usize),
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| from + i)
}

/// `end` moved back over trailing white space, but not before `start`.
fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

fn char_at(text: &str, at: usize) -> char {
    text[at..].chars().next().unwrap_or(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(s: &Scan) -> Vec<&str> {
        s.items.iter().map(|i| i.ident.as_str()).collect()
    }

    #[test]
    fn splits_blocks_with_tricky_contents() {
        let text = r#"# header

# atlas:nolint DS103
table "a" {
  x = "}${ "{" }"
  y = <<-EOT
  }}}
  EOT
  /* } */ z = 1 # }
}
schema "s" {}
v = [1,
  2]
"#;
        let s = scan("f.hcl", text);
        assert!(s.diagnostics.is_empty(), "{:?}", s.diagnostics);
        assert_eq!(idents(&s), ["table", "schema", "v"]);
        assert_eq!(s.items[0].comments.len(), 1);
        assert_eq!(s.items[0].comments[0].text, "atlas:nolint DS103");
        assert!(s.items[0].span.range().len() > 10);
        assert_eq!(&text[s.items[1].span.range()], "schema \"s\" {}");
        assert_eq!(&text[s.items[2].span.range()], "v = [1,\n  2]");
    }

    #[test]
    fn unterminated_block_resynchronises() {
        let text = "table \"a\" {\n  column \"x\" {\n}\n\ntable \"b\" {\n}\n";
        let s = scan("f.hcl", text);
        assert_eq!(idents(&s), ["table", "table"]);
        assert!(s.items[0].broken);
        assert!(!s.items[1].broken);
        assert_eq!(s.diagnostics.len(), 1);
        assert_eq!(s.diagnostics[0].code, "E2003");
        assert_eq!(s.diagnostics[0].span.start, 10);
    }

    #[test]
    fn unterminated_string_resynchronises() {
        let text = "table \"a\" {\n  comment = \"oops\n}\ntable \"b\" {\n}\n";
        let s = scan("f.hcl", text);
        assert_eq!(idents(&s), ["table", "table"]);
        assert_eq!(s.diagnostics[0].code, "E2002");
        assert!(s.items[0].broken && !s.items[1].broken);
    }
}
