//! A small SQL tokenizer for the targeted statement parser: words, quoted identifiers, strings
//! (including `E'…'` and dollar quotes), numbers and punctuation, each with its byte range in the
//! statement text. It never fails: an unterminated string runs to the end of the text.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// An unquoted word: keyword or identifier.
    Word,
    /// `"name"` (or `` `name` `` in MySQL).
    QuotedIdent,
    /// `'text'`, `E'text'`, `$$text$$`.
    Str,
    Number,
    /// One punctuation character, or a run of operator characters (`::`, `=>`, `&&`).
    Punct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub start: usize,
    pub end: usize,
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

// A backtick is never an operator: it always opens a MySQL quoted identifier.
const OPERATOR_CHARS: &[u8] = b"+-*/<>=~!@#%^&|?:";

/// Tokenizes `text`, skipping whitespace and comments.
pub(crate) fn tokens(text: &str) -> Vec<Token> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let kind = match c {
            _ if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n + 1);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                continue;
            }
            b'\'' => {
                i = string_end(b, i, b'\'', false);
                Tok::Str
            }
            b'E' | b'e' if b.get(i + 1) == Some(&b'\'') => {
                i = string_end(b, i + 1, b'\'', true);
                Tok::Str
            }
            b'"' => {
                i = string_end(b, i, b'"', false);
                Tok::QuotedIdent
            }
            b'`' => {
                i = string_end(b, i, b'`', false);
                Tok::QuotedIdent
            }
            b'$' => match dollar_tag(b, i) {
                Some(tag_end) => {
                    let tag = &text[i..tag_end];
                    i = text[tag_end..]
                        .find(tag)
                        .map_or(b.len(), |n| tag_end + n + tag.len());
                    Tok::Str
                }
                None => {
                    i += 1;
                    while i < b.len() && b[i].is_ascii_digit() {
                        i += 1;
                    }
                    Tok::Word
                }
            },
            _ if c.is_ascii_digit()
                || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.' || b[i] == b'_')
                {
                    i += 1;
                }
                Tok::Number
            }
            _ if is_word_start(c) => {
                while i < b.len() && is_word(b[i]) {
                    i += 1;
                }
                Tok::Word
            }
            _ if OPERATOR_CHARS.contains(&c) => {
                while i < b.len()
                    && OPERATOR_CHARS.contains(&b[i])
                    && !(b[i] == b'-' && b.get(i + 1) == Some(&b'-'))
                    && !(b[i] == b'/' && b.get(i + 1) == Some(&b'*'))
                {
                    i += 1;
                }
                Tok::Punct
            }
            _ => {
                // One character, whole (it may be multi-byte).
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                Tok::Punct
            }
        };
        out.push(Token {
            kind,
            start,
            end: i,
        });
    }
    out
}

fn string_end(b: &[u8], open: usize, q: u8, escapes: bool) -> usize {
    let mut j = open + 1;
    while j < b.len() {
        if escapes && b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j] == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

fn dollar_tag(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if j < b.len() && is_word_start(b[j]) {
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] >= 0x80) {
            j += 1;
        }
    }
    (j < b.len() && b[j] == b'$').then_some(j + 1)
}

/// The value of a string token: quotes removed and doubled quotes collapsed; the body of a
/// dollar-quoted string as written; `E''` escapes resolved for the common cases.
pub(crate) fn string_value(raw: &str) -> String {
    if let Some(rest) = raw.strip_prefix('$') {
        let tag_len = rest.find('$').map_or(0, |n| n + 2);
        if raw.len() >= 2 * tag_len && tag_len > 0 {
            return raw[tag_len..raw.len() - tag_len].to_string();
        }
        return raw.to_string();
    }
    let (escaped, body) = match raw.strip_prefix(['E', 'e']) {
        Some(r) => (true, r),
        None => (false, raw),
    };
    let inner = body
        .strip_prefix('\'')
        .map(|r| r.strip_suffix('\'').unwrap_or(r))
        .unwrap_or(body);
    let s = inner.replace("''", "'");
    if !escaped {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &str) -> Vec<(Tok, &str)> {
        tokens(t)
            .into_iter()
            .map(|k| (k.kind, &t[k.start..k.end]))
            .collect()
    }

    #[test]
    fn tokenizes_the_usual_suspects() {
        let t = "ALTER TABLE \"a\"\"b\".c -- x\n ADD (x::int, E'it\\'s', $f$ ; $f$, 1.5) /* y */;";
        let k = kinds(t);
        assert_eq!(k[2], (Tok::QuotedIdent, "\"a\"\"b\""));
        assert_eq!(k[3], (Tok::Punct, "."));
        assert_eq!(k[8], (Tok::Punct, "::"));
        assert_eq!(k[11], (Tok::Str, "E'it\\'s'"));
        assert_eq!(k[13], (Tok::Str, "$f$ ; $f$"));
        assert_eq!(k[15], (Tok::Number, "1.5"));
        assert_eq!(k.last().unwrap().1, ";");
        assert_eq!(string_value("E'it\\'s'"), "it's");
        assert_eq!(string_value("'a''b'"), "a'b");
        assert_eq!(string_value("$f$ x $f$"), " x ");
    }
}
