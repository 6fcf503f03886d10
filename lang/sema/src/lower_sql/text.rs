//! Small scans over a statement's text: turning sqlparser's line/column locations into byte
//! spans, finding a name, the extent of a column definition, and the comments inside a statement.

use cairn_syntax::Span;

/// The byte offset of 1-based `line` and character `column` in `text`.
pub(crate) fn offset_of(text: &str, line: u64, column: u64) -> Option<usize> {
    if line == 0 || column == 0 {
        return None;
    }
    let mut start = 0usize;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let line_text = text[start..].split('\n').next().unwrap_or("");
    let within = line_text
        .char_indices()
        .nth((column - 1) as usize)
        .map_or(line_text.len(), |(i, _)| i);
    Some(start + within)
}

/// The file span of a sqlparser span within the statement `text` that starts at `stmt.start`.
pub(crate) fn location_span(
    text: &str,
    stmt: Span,
    span: sqlparser::tokenizer::Span,
) -> Option<Span> {
    let s = offset_of(text, span.start.line, span.start.column)?;
    let e = offset_of(text, span.end.line, span.end.column).unwrap_or(s);
    let base = stmt.start as usize;
    Some(Span::new(base + s, base + e.max(s)))
}

/// The first whole-word, case-insensitive occurrence of `needle` in `text` outside strings and
/// comments, as a byte range of `text`. Quoted identifiers match with their quotes.
pub(crate) fn find_word(text: &str, needle: &str) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let n = needle.to_ascii_lowercase();
    let code = code_mask(text);
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let mut from = 0;
    while let Some(i) = lower[from..].find(&n) {
        let s = from + i;
        let e = s + n.len();
        let before_ok = s == 0 || !is_word(bytes[s - 1]);
        let after_ok = e >= bytes.len() || !is_word(bytes[e]);
        let quoted_ok = s > 0 && matches!(bytes[s - 1], b'"' | b'`');
        if (before_ok || quoted_ok) && after_ok && code.get(s).copied().unwrap_or(true) {
            return Some((s, e));
        }
        from = s + 1;
    }
    None
}

/// For each byte of `text`: whether it is code (outside single-quoted strings and comments).
fn code_mask(text: &str) -> Vec<bool> {
    let b = text.as_bytes();
    let mut mask = vec![true; b.len()];
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\'' {
            let s = i;
            i += 1;
            while i < b.len() {
                if b[i] == b'\'' {
                    if b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            let e = (i + 1).min(b.len());
            mask[s..e].fill(false);
            i = e;
        } else if b[i] == b'-' && b.get(i + 1) == Some(&b'-') {
            let e = text[i..].find('\n').map_or(b.len(), |n| i + n);
            mask[i..e].fill(false);
            i = e;
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            let e = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
            mask[i..e].fill(false);
            i = e;
        } else {
            i += 1;
        }
    }
    mask
}

/// The comments inside `text`: `(start, end)` byte ranges of `-- …` (and, for MySQL, `# …`)
/// line comments and `/* … */` block comments, outside strings and quoted identifiers.
pub(crate) fn comments(text: &str, hash_comments: bool) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && q == b'\'' && hash_comments {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                let e = text[i..].find('\n').map_or(b.len(), |n| i + n);
                out.push((i, e));
                i = e;
            }
            b'#' if hash_comments => {
                let e = text[i..].find('\n').map_or(b.len(), |n| i + n);
                out.push((i, e));
                i = e;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let e = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                out.push((i, e));
                i = e;
            }
            _ => i += 1,
        }
    }
    out
}

/// The end of the element of a parenthesised list that starts at `from`: the byte offset of the
/// next `,` or `)` at the same depth, outside strings and comments.
pub(crate) fn element_end(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let code = code_mask(text);
    let mut depth = 0i32;
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else if code[i] {
            match c {
                b'"' | b'`' => quote = Some(c),
                b'(' => depth += 1,
                b')' if depth == 0 => return trim_end(text, from, i),
                b')' => depth -= 1,
                b',' if depth == 0 => return trim_end(text, from, i),
                _ => {}
            }
        }
        i += 1;
    }
    trim_end(text, from, b.len())
}

fn trim_end(text: &str, from: usize, end: usize) -> usize {
    from + text[from..end].trim_end().len()
}

/// The leading keywords of a statement, upper-cased (`CREATE EVENT`), for messages.
pub(crate) fn statement_kind(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .take(2)
        .map(|w| w.to_ascii_uppercase())
        .collect();
    let kind = words.join(" ");
    if kind.is_empty() {
        "statement".to_string()
    } else {
        format!("{kind} statement")
    }
}

/// Whether `expr` is `nextval('<name>'::regclass)` (or without the cast), returning `<name>`.
pub(crate) fn nextval_target(expr: &str) -> Option<String> {
    let e = expr.trim();
    let lower = e.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("nextval(")
        .or_else(|| lower.strip_prefix("pg_catalog.nextval("))?;
    let off = e.len() - rest.len();
    let inner = e[off..].strip_suffix(')')?.trim();
    let inner = inner
        .strip_suffix("::regclass")
        .or_else(|| inner.strip_suffix("::REGCLASS"))
        .unwrap_or(inner);
    let s = inner.strip_prefix('\'')?.strip_suffix('\'')?;
    Some(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_words_outside_strings() {
        let t = "CREATE TABLE t (a int DEFAULT 'users', users int)";
        let (s, _) = find_word(t, "users").unwrap();
        assert_eq!(&t[s - 2..s], ", ");
        assert_eq!(
            find_word("ALTER TABLE \"Users\" ADD x int", "Users"),
            Some((13, 18))
        );
    }

    #[test]
    fn element_ends_at_depth_zero_commas() {
        let t = "a numeric(10,2) DEFAULT 'x,y', b int)";
        let e = element_end(t, 0);
        assert_eq!(&t[..e], "a numeric(10,2) DEFAULT 'x,y'");
    }

    #[test]
    fn reads_nextval() {
        assert_eq!(
            nextval_target("nextval('public.t_id_seq'::regclass)").as_deref(),
            Some("public.t_id_seq")
        );
        assert_eq!(nextval_target("now()"), None);
    }
}
