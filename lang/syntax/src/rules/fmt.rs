//! The canonical formatter of rule files (`cairn rules fmt`, and the language server's
//! formatting). It works on the token stream, so nothing the author wrote is lost: comments
//! (`//` and `///`, on their own line or after code) are kept where they are, strings and
//! regexes are copied byte for byte, and the author's line breaks stay (the formatter joins no
//! lines). What it decides:
//!
//! - indentation: two spaces per bracket (`{`, `(`, `[`) left open by an earlier line, plus one
//!   level for a continuation line (a top-level line that starts no item; in a block, a line
//!   that starts with an operator or follows one that ends with one);
//! - spacing inside a line: one space between tokens, none inside `()` and `[]`, before `,` and
//!   `.`, before a call's `(`, before `:` of a type or quantifier (`x: int`, `any(x in xs: c)`)
//!   and `?` of an optional type; spaces around a ternary's `?` and `:`; `{ a }` on one line;
//!   kebab-case names (`drop-table`) stay joined; template text is untouched;
//! - the `=` of consecutive `name = value` lines of a block aligned (`before = ...` /
//!   `after  = ...`);
//! - a code row wider than [`MAX_WIDTH`] is split before an `and` / `or` / binary `+` or after
//!   a `,` of an argument list or list (see [`Printer::split_point`]); strings, templates and comments
//!   never are;
//! - blank lines: at most one in a row, none at the start or end of a block or the file, and one
//!   between top-level items (consecutive one-line `use` / `param` / `let` items without docs may
//!   stay together).
//!
//! A file with syntax errors is not formatted: its errors are returned instead.

use super::lex::{Punct, Tok, lex};
use super::parse::{CLAUSE_KEYWORDS, ITEM_KEYWORDS, RESERVED, parse};
use crate::diag::Diagnostic;

/// The file formatted, or its syntax errors.
pub fn format(path: &str, src: &str) -> Result<String, Vec<Diagnostic>> {
    let errors: Vec<Diagnostic> = parse(path, src)
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let lexed = lex(path, src);
    let toks: Vec<(Tok<'_>, usize, usize)> = lexed
        .tokens
        .iter()
        .map(|(t, s)| (*t, s.start as usize, s.end as usize))
        .collect();
    let rows = rows(src, &toks);
    Ok(Printer::new(src, &toks).print(rows))
}

/// A line of the output, before indentation.
#[derive(Clone, Debug)]
enum Row {
    Blank,
    /// A comment on its own line (trimmed).
    Comment(String),
    /// Tokens `first..end` (indexes), and a comment after them.
    Code {
        first: usize,
        end: usize,
        trailing: Option<String>,
    },
}

/// Splits the token stream into rows at the line breaks between tokens, with the comments and
/// blank lines found there.
fn rows(src: &str, toks: &[(Tok<'_>, usize, usize)]) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut open: Option<(usize, Option<String>)> = None; // first token of the current row
    let mut prev_end = 0;
    let mut newlines_since_content = 0usize;
    let flush = |rows: &mut Vec<Row>, open: &mut Option<(usize, Option<String>)>, end: usize| {
        if let Some((first, trailing)) = open.take() {
            rows.push(Row::Code {
                first,
                end,
                trailing,
            });
        }
    };
    for i in 0..=toks.len() {
        let gap_end = toks.get(i).map_or(src.len(), |t| t.1);
        let gap = &src[prev_end.min(gap_end)..gap_end];
        let mut k = 0;
        let bytes = gap.as_bytes();
        while k < bytes.len() {
            match bytes[k] {
                b'\n' => {
                    flush(&mut rows, &mut open, i);
                    newlines_since_content += 1;
                    if newlines_since_content == 2 {
                        rows.push(Row::Blank);
                    }
                    k += 1;
                }
                b'/' if bytes.get(k + 1) == Some(&b'/') => {
                    let end = gap[k..].find('\n').map_or(gap.len(), |n| k + n);
                    let text = gap[k..end].trim_end().to_string();
                    match &mut open {
                        Some((_, trailing)) => *trailing = Some(text),
                        None => rows.push(Row::Comment(text)),
                    }
                    newlines_since_content = 0;
                    k = end;
                }
                _ => k += 1,
            }
        }
        if i < toks.len() {
            if open.is_none() {
                open = Some((i, None));
            }
            newlines_since_content = 0;
            prev_end = toks[i].2;
        }
    }
    flush(&mut rows, &mut open, toks.len());
    rows
}

fn is_open(t: &Tok<'_>) -> bool {
    matches!(t, Tok::P(Punct::LBrace | Punct::LParen | Punct::LBrack))
}

fn is_close(t: &Tok<'_>) -> bool {
    matches!(t, Tok::P(Punct::RBrace | Punct::RParen | Punct::RBrack))
}

/// Operators a continuation line may start or end with.
fn is_operator(t: &Tok<'_>) -> bool {
    match t {
        Tok::Ident(w) => matches!(
            *w,
            "and"
                | "or"
                | "not"
                | "in"
                | "is"
                | "matches"
                | "contains"
                | "starts_with"
                | "ends_with"
        ),
        Tok::P(p) => matches!(
            p,
            Punct::Assign
                | Punct::EqEq
                | Punct::Ne
                | Punct::Lt
                | Punct::Le
                | Punct::Gt
                | Punct::Ge
                | Punct::Plus
                | Punct::Minus
                | Punct::Star
                | Punct::Question
                | Punct::Coalesce
                | Punct::Colon
        ),
        _ => false,
    }
}

struct Printer<'a, 's> {
    src: &'a str,
    toks: &'a [(Tok<'s>, usize, usize)],
}

/// What the spacing rules need to know about the tokens before the current one.
#[derive(Clone, Default)]
struct Ctx {
    /// Per template nesting: `true` inside template text, `false` in a hole (code).
    templates: Vec<bool>,
    /// Per bracket level: ternary `?` still waiting for their `:`.
    ternaries: Vec<usize>,
    /// The previous token was a unary minus.
    after_unary: bool,
}

impl<'a, 's> Printer<'a, 's> {
    fn new(src: &'a str, toks: &'a [(Tok<'s>, usize, usize)]) -> Self {
        Printer { src, toks }
    }

    fn text(&self, i: usize) -> &'a str {
        &self.src[self.toks[i].1..self.toks[i].2]
    }

    fn print(&self, mut rows: Vec<Row>) -> String {
        // Pass 1: each row's indentation level and text.
        struct Out {
            level: usize,
            text: String,
            /// For alignment: the length of `name` when the row is `name = ...`.
            assign_key: Option<usize>,
            item: Option<&'static str>,
            blank: bool,
            comment: bool,
            /// The row closes a block (starts with a closer) / opens one it does not close.
            closes: bool,
            opens: bool,
        }
        let mut out: Vec<Out> = Vec::new();
        // Open brackets: (token, row that opened it).
        let mut stack: Vec<(Tok<'s>, usize)> = Vec::new();
        let mut ctx = Ctx {
            ternaries: vec![0],
            ..Ctx::default()
        };
        let level_of = |stack: &[(Tok<'s>, usize)]| {
            let mut rows: Vec<usize> = stack.iter().map(|(_, r)| *r).collect();
            rows.dedup();
            rows.len()
        };
        let mut prev_code_continues = false;
        // A row too long for `MAX_WIDTH` is split in two where it is printed (the second half
        // goes back in the queue as the next row), so both halves get the indentation the
        // author's own line break there would have given them.
        let mut ri = 0;
        while ri < rows.len() {
            let row = rows[ri].clone();
            match &row {
                Row::Blank => out.push(Out {
                    level: 0,
                    text: String::new(),
                    assign_key: None,
                    item: None,
                    blank: true,
                    comment: false,
                    closes: false,
                    opens: false,
                }),
                Row::Comment(c) => out.push(Out {
                    level: level_of(&stack),
                    text: c.clone(),
                    assign_key: None,
                    item: None,
                    blank: false,
                    comment: true,
                    closes: false,
                    opens: false,
                }),
                Row::Code {
                    first,
                    end,
                    trailing,
                } => {
                    let (first, end) = (*first, *end);
                    let mut leading_closers = 0;
                    while first + leading_closers < end
                        && is_close(&self.toks[first + leading_closers].0)
                    {
                        leading_closers += 1;
                    }
                    let outer = &stack[..stack.len().saturating_sub(leading_closers)];
                    let mut level = level_of(outer);
                    let first_tok = &self.toks[first].0;
                    let item = match first_tok {
                        Tok::Ident(w) if ITEM_KEYWORDS.contains(w) && stack.is_empty() => {
                            ITEM_KEYWORDS.iter().find(|k| *k == w).copied()
                        }
                        _ => None,
                    };
                    let in_brace = matches!(outer.last(), Some((Tok::P(Punct::LBrace), _)));
                    let continuation = if leading_closers > 0 {
                        false
                    } else if outer.is_empty() {
                        item.is_none()
                    } else if in_brace {
                        let clause =
                            matches!(first_tok, Tok::Ident(w) if CLAUSE_KEYWORDS.contains(w));
                        !clause && (is_operator(first_tok) || prev_code_continues)
                    } else {
                        false
                    };
                    if continuation {
                        level += 1;
                    }
                    if let Some(k) =
                        self.split_point(first, end, trailing.as_deref(), level, &stack, &ctx)
                    {
                        let trailing = trailing.clone();
                        rows[ri] = Row::Code {
                            first,
                            end: k,
                            trailing: None,
                        };
                        rows.insert(
                            ri + 1,
                            Row::Code {
                                first: k,
                                end,
                                trailing,
                            },
                        );
                        continue;
                    }
                    let opens_before = stack.len();
                    let text = self.line(first, end, &mut stack, ri, &mut ctx, None);
                    let text = match trailing {
                        Some(c) => format!("{text} {c}"),
                        None => text,
                    };
                    let assign_key = match (self.toks.get(first), self.toks.get(first + 1)) {
                        (Some((Tok::Ident(w), _, _)), Some((Tok::P(Punct::Assign), _, _)))
                            if first + 1 < end && !RESERVED.contains(w) =>
                        {
                            Some(w.chars().count())
                        }
                        _ => None,
                    };
                    let last = &self.toks[end - 1].0;
                    prev_code_continues = is_operator(last);
                    out.push(Out {
                        level,
                        text,
                        assign_key,
                        item,
                        blank: false,
                        comment: false,
                        closes: leading_closers > 0,
                        opens: stack.len() > opens_before.saturating_sub(leading_closers),
                    });
                }
            }
            ri += 1;
        }

        // Pass 2: alignment of `name = value` runs at one level.
        let mut i = 0;
        while i < out.len() {
            if out[i].assign_key.is_none() {
                i += 1;
                continue;
            }
            let mut j = i;
            let mut width = 0;
            while j < out.len() && out[j].assign_key.is_some() && out[j].level == out[i].level {
                width = width.max(out[j].assign_key.unwrap_or(0));
                j += 1;
            }
            for o in &mut out[i..j] {
                let key = o.assign_key.unwrap_or(0);
                if key < width {
                    // `name = value` -> `name   = value`.
                    let byte = o
                        .text
                        .char_indices()
                        .nth(key)
                        .map_or(o.text.len(), |(b, _)| b);
                    o.text.insert_str(byte, &" ".repeat(width - key));
                }
            }
            i = j;
        }

        // Pass 3: blank lines, and the text.
        let mut s = String::new();
        let mut prev: Option<usize> = None; // the last printed row
        let mut pending_blank = false;
        // The current top-level item: its keyword, its rows, whether comments lead it.
        let mut item_kind: Option<&str> = None;
        let mut item_rows = 0usize;
        let mut item_commented = false;
        for (k, o) in out.iter().enumerate() {
            if o.blank {
                pending_blank = true;
                continue;
            }
            let mut blank = false;
            if let Some(p) = prev.map(|p| &out[p]) {
                blank = pending_blank && !p.opens && !o.closes;
                let top = o.level == 0 && !(p.comment && p.level == 0);
                if top && o.comment {
                    // The comments above the next item.
                    blank = true;
                } else if top && let Some(kind) = o.item {
                    let compact = item_kind == Some(kind)
                        && matches!(kind, "use" | "param" | "let")
                        && item_rows == 1
                        && !item_commented
                        && !o.opens;
                    blank = if compact { pending_blank } else { true };
                }
            }
            if let Some(kind) = o.item {
                item_kind = Some(kind);
                item_rows = 0;
                item_commented = prev.is_some_and(|p| out[p].comment && out[p].level == 0);
            }
            if !o.comment {
                item_rows += 1;
            }
            if blank {
                s.push('\n');
            }
            pending_blank = false;
            push_row(&mut s, o.level, &o.text);
            prev = Some(k);
        }
        s
    }

    /// Where to split the row `first..end`, printed at `level` after `stack` and `ctx`, when it
    /// is wider than [`MAX_WIDTH`]: the index of the token that starts the second half, or
    /// `None` to keep it whole. A row breaks after the `=` of a top-level item (`predicate`,
    /// `let`, `param`), before an `and` / `or` / binary `+`, or after a `,` of an argument list or list
    /// (`(` / `[`), never inside a string or template; of the breaks that make the first half
    /// fit, an item's `=` wins, then the one least deep in brackets opened on the row, then the
    /// rightmost. When none fits, the row breaks at its first break point (the first half then
    /// has none, so formatting the output again splits nothing more).
    fn split_point(
        &self,
        first: usize,
        end: usize,
        trailing: Option<&str>,
        level: usize,
        stack: &[(Tok<'s>, usize)],
        ctx: &Ctx,
    ) -> Option<usize> {
        let mut starts = Vec::with_capacity(end - first);
        let text = self.line(
            first,
            end,
            &mut stack.to_vec(),
            usize::MAX,
            &mut ctx.clone(),
            Some(&mut starts),
        );
        let width = |chars: usize| level * 2 + chars;
        let full = width(text.chars().count()) + trailing.map_or(0, |c| c.chars().count() + 1);
        if full <= MAX_WIDTH {
            return None;
        }
        // (token index, bracket depth within the row); brackets of earlier rows are outside.
        let mut breaks: Vec<(usize, i32)> = Vec::new();
        let mut open: Vec<Tok<'s>> = Vec::new();
        let outer = stack.last().map(|(t, _)| *t);
        let mut depth = 0i32;
        let mut templates = 0usize;
        for i in first..end {
            let t = self.toks[i].0;
            match t {
                Tok::TplStart => templates += 1,
                Tok::TplEnd => templates = templates.saturating_sub(1),
                _ => {}
            }
            if templates > 0 || matches!(t, Tok::TplEnd) {
                continue;
            }
            if i > first {
                let prev = self.toks[i - 1].0;
                // Not a field (`x.or`) nor the first word of a kebab-case name (`and-then`).
                let word_op = matches!(t, Tok::Ident("and" | "or"))
                    && !matches!(prev, Tok::P(Punct::Dot))
                    && !(matches!(self.toks.get(i + 1), Some((Tok::P(Punct::Minus), _, _)))
                        && self.kebab(i + 1));
                let innermost = open.last().copied().or(outer);
                let after_comma = matches!(prev, Tok::P(Punct::Comma))
                    && matches!(innermost, Some(Tok::P(Punct::LParen | Punct::LBrack)))
                    && !is_close(&t);
                // The `=` of a top-level item (`predicate p(x: t) =`): the body goes below.
                let after_item_assign =
                    matches!(prev, Tok::P(Punct::Assign)) && depth == 0 && stack.is_empty();
                // A binary `+` (string concatenation in long messages and ternaries): a
                // break there keeps a call's arguments together.
                let plus_op = matches!(t, Tok::P(Punct::Plus))
                    && matches!(
                        prev,
                        Tok::Ident(_)
                            | Tok::Int(_)
                            | Tok::Raw(_)
                            | Tok::TplEnd
                            | Tok::P(Punct::RParen | Punct::RBrack)
                    );
                if after_item_assign {
                    breaks.push((i, i32::MIN));
                } else if word_op || after_comma || plus_op {
                    breaks.push((i, depth));
                }
            }
            if is_open(&t) {
                open.push(t);
                depth += 1;
            } else if is_close(&t) {
                open.pop();
                depth -= 1;
            }
        }
        let fits = |&&(k, _): &&(usize, i32)| {
            width(
                text[..byte_of(&text, starts[k - first])]
                    .trim_end()
                    .chars()
                    .count(),
            ) <= MAX_WIDTH
        };
        let best = breaks
            .iter()
            .filter(fits)
            .min_by_key(|(k, d)| (*d, std::cmp::Reverse(*k)));
        best.or(breaks.first()).map(|(k, _)| *k)
    }

    /// The tokens `first..end` as one line with canonical spacing; updates the bracket stack.
    /// `starts` receives the column (in chars) where each token starts.
    fn line(
        &self,
        first: usize,
        end: usize,
        stack: &mut Vec<(Tok<'s>, usize)>,
        row: usize,
        ctx: &mut Ctx,
        mut starts: Option<&mut Vec<usize>>,
    ) -> String {
        let mut s = String::new();
        let mut chars = 0;
        for i in first..end {
            let t = self.toks[i].0;
            if i > first && self.space_before(i, ctx) {
                s.push(' ');
                chars += 1;
            }
            if let Some(starts) = starts.as_deref_mut() {
                starts.push(chars);
            }
            let text = self.text(i);
            chars += text.chars().count();
            s.push_str(text);
            // Update the context after the token.
            ctx.after_unary = false;
            match t {
                Tok::TplStart => ctx.templates.push(true),
                Tok::HoleStart => {
                    if let Some(top) = ctx.templates.last_mut() {
                        *top = false;
                    }
                }
                Tok::HoleEnd => {
                    if let Some(top) = ctx.templates.last_mut() {
                        *top = true;
                    }
                }
                Tok::TplEnd => {
                    ctx.templates.pop();
                }
                Tok::P(Punct::Minus) if self.unary_minus(i) => ctx.after_unary = true,
                Tok::P(Punct::Question) if !self.optional_mark(i) => {
                    if let Some(n) = ctx.ternaries.last_mut() {
                        *n += 1;
                    }
                }
                Tok::P(Punct::Colon) => {
                    if let Some(n) = ctx.ternaries.last_mut() {
                        *n = n.saturating_sub(1);
                    }
                }
                _ => {}
            }
            if is_open(&t) {
                stack.push((t, row));
                ctx.ternaries.push(0);
            } else if is_close(&t) {
                stack.pop();
                if ctx.ternaries.len() > 1 {
                    ctx.ternaries.pop();
                }
            }
        }
        s
    }

    /// Whether `?` at `i` marks an optional type (`int?`) rather than a ternary.
    fn optional_mark(&self, i: usize) -> bool {
        let prev = i.checked_sub(1).map(|p| self.toks[p].0);
        let next = self.toks.get(i + 1).map(|t| t.0);
        matches!(prev, Some(Tok::Ident(_) | Tok::P(Punct::RBrack)))
            && matches!(
                next,
                None | Some(Tok::P(
                    Punct::Assign | Punct::Comma | Punct::RParen | Punct::RBrack | Punct::LBrace
                ))
            )
    }

    /// Whether `-` at `i` is a unary minus.
    fn unary_minus(&self, i: usize) -> bool {
        match i.checked_sub(1).map(|p| self.toks[p].0) {
            None => true,
            Some(Tok::Ident(w)) => RESERVED.contains(&w),
            Some(Tok::Int(_) | Tok::Raw(_) | Tok::TplEnd) => false,
            Some(Tok::P(Punct::RParen | Punct::RBrack)) => false,
            Some(_) => true,
        }
    }

    /// A `-` written between two words without spaces: part of a kebab-case name.
    fn kebab(&self, i: usize) -> bool {
        let (Some(p), Some(n)) = (i.checked_sub(1), self.toks.get(i + 1)) else {
            return false;
        };
        matches!(self.toks[p].0, Tok::Ident(_))
            && matches!(n.0, Tok::Ident(_))
            && self.toks[p].2 == self.toks[i].1
            && self.toks[i].2 == n.1
    }

    fn space_before(&self, i: usize, ctx: &Ctx) -> bool {
        let t = self.toks[i].0;
        let p = self.toks[i - 1].0;
        // Inside template text everything is verbatim; a hole's edges are tight.
        if matches!(
            t,
            Tok::TplText(_) | Tok::HoleStart | Tok::HoleEnd | Tok::TplEnd
        ) || matches!(p, Tok::TplStart | Tok::TplText(_) | Tok::HoleStart)
        {
            return false;
        }
        if ctx.templates.last() == Some(&true) {
            return false;
        }
        if ctx.after_unary {
            return false;
        }
        if let Tok::P(Punct::Minus) = t
            && self.kebab(i)
        {
            return false;
        }
        if let Tok::P(Punct::Minus) = p
            && self.kebab(i - 1)
        {
            return false;
        }
        match (p, t) {
            (
                _,
                Tok::P(Punct::Comma | Punct::RParen | Punct::RBrack | Punct::Dot | Punct::Semi),
            ) => false,
            (Tok::P(Punct::LParen | Punct::LBrack | Punct::Dot), _) => false,
            (Tok::P(Punct::LBrace), Tok::P(Punct::RBrace)) => false,
            (Tok::Ident(w), Tok::P(Punct::LParen)) => RESERVED.contains(&w),
            (Tok::Ident("list"), Tok::P(Punct::LBrack)) => false,
            (_, Tok::P(Punct::Question)) => !self.optional_mark(i),
            (_, Tok::P(Punct::Colon)) => ctx.ternaries.last().is_some_and(|n| *n > 0),
            _ => true,
        }
    }
}

/// The widest a code row may be printed (indentation included) before it is split; comments,
/// strings and templates are never split, so a row of them may stay wider.
pub const MAX_WIDTH: usize = 100;

/// The byte offset of the `chars`-th char of `s`.
fn byte_of(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(b, _)| b)
}

fn push_row(s: &mut String, level: usize, text: &str) {
    if !text.is_empty() {
        for _ in 0..level {
            s.push_str("  ");
        }
        s.push_str(text);
    }
    s.push('\n');
}

#[cfg(test)]
mod tests {
    use super::format;

    fn fmt(src: &str) -> String {
        let out = format("t.cairn", src).unwrap_or_else(|e| panic!("{e:#?}"));
        assert_eq!(
            format("t.cairn", &out).unwrap(),
            out,
            "not idempotent:\n{out}"
        );
        out
    }

    #[test]
    fn messy_input_is_made_canonical_and_comments_stay() {
        let src = "use std\n\n\n// a comment about the param\nparam   max:int=3\n/// Docs.\nrule XX001   some-rule : warning on schema{\n      for t in tables   where len( t.name )>max // trailing\n\n\n  require   snake_case(t.name)and t.name!=\"x\"\n  message \"table {t.name}  is {  t.name ?? \"?\" }\"\n   tags [ naming,other-tag ]\n\n}\ntest XX001 \"fires\" postgres {\n  before = sql\"CREATE TABLE a (id int);\"\n  after   = sql\"CREATE TABLE \\\"A\\\" (id int);\"\n  params {max = -1}\n  expect XX001\n}\n\n\n";
        let want = "use std\n\n// a comment about the param\nparam max: int = 3\n\n/// Docs.\nrule XX001 some-rule: warning on schema {\n  for t in tables where len(t.name) > max // trailing\n\n  require snake_case(t.name) and t.name != \"x\"\n  message \"table {t.name}  is {t.name ?? \"?\"}\"\n  tags [naming, other-tag]\n}\n\ntest XX001 \"fires\" postgres {\n  before = sql\"CREATE TABLE a (id int);\"\n  after  = sql\"CREATE TABLE \\\"A\\\" (id int);\"\n  params { max = -1 }\n  expect XX001\n}\n";
        assert_eq!(fmt(src), want);
    }

    #[test]
    fn ternaries_optionals_and_continuations() {
        let src = "param p: string? = null\npredicate ok(c: column, xs: list[string]) =\nc.nullable ? any(x in xs: x == c.name) : c.name matches \"^a\"\n    or c.default == null\n";
        let want = "param p: string? = null\n\npredicate ok(c: column, xs: list[string]) =\n  c.nullable ? any(x in xs: x == c.name) : c.name matches \"^a\"\n  or c.default == null\n";
        assert_eq!(fmt(src), want);
    }

    #[test]
    fn compact_lets_stay_together() {
        let src = "let a = 1\nlet b = 2\n\nlet c = 3 - -1\n";
        assert_eq!(fmt(src), src);
    }

    #[test]
    fn a_broken_file_is_refused_with_its_errors() {
        let e = format(
            "t.cairn",
            "rule XX001 x: warning on schema {\n  for t in\n}\n",
        )
        .unwrap_err();
        assert!(e.iter().all(|d| d.is_error()) && !e.is_empty());
    }
}
