//! A rule's full documentation inline, from the compiled rules themselves (the standard
//! library's embedded `///` docs, or a workspace rule's): on hover over a rule code or name in a
//! `nolint` directive, and over a lint finding. The same page `cairn rules docs` writes to
//! `docs/rules/CODE.md`, so it is there without the network.

use cairn_sema::rules::{CompiledRule, CompiledRules};
use cairn_syntax::Span;

use crate::Hover;

/// The rule a code or a name designates, among `sets` (the first that has it).
pub(crate) fn find<'a>(
    sets: impl Iterator<Item = &'a CompiledRules>,
    code_or_name: &str,
) -> Option<&'a CompiledRule> {
    sets.flat_map(|s| s.rules.iter())
        .find(|r| r.code.as_deref() == Some(code_or_name) || r.name == code_or_name)
}

/// The rule's page, Markdown.
pub(crate) fn markdown(rule: &CompiledRule) -> String {
    cairn_rules_stdlib::docs::page(rule)
}

/// On a code or a name after `cairn:nolint` / `atlas:nolint` on the line of `offset`: that
/// rule's page over the word.
pub(crate) fn nolint_hover<'a>(
    text: &str,
    offset: usize,
    sets: impl Iterator<Item = &'a CompiledRules>,
) -> Option<Hover> {
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let directive_end = ["cairn:nolint", "atlas:nolint"]
        .iter()
        .filter_map(|d| line.find(d).map(|i| line_start + i + d.len()))
        .min()?;
    if offset < directive_end {
        return None;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let start = text[..offset]
        .rfind(|c: char| !is_word(c))
        .map_or(0, |i| i + 1)
        .max(directive_end);
    let end = text[offset..]
        .find(|c: char| !is_word(c))
        .map_or(text.len(), |i| offset + i);
    let word = text.get(start..end).filter(|w| !w.is_empty())?;
    let rule = find(sets, word)?;
    Some(Hover {
        markdown: markdown(rule),
        span: Span::new(start, end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_in_a_directive_shows_its_page() {
        let stdlib = crate::lint::stdlib();
        let text = "# cairn:nolint NM102 DS102\ntable \"x\" {}\n";
        let h = nolint_hover(text, 24, stdlib.iter()).unwrap();
        assert!(h.markdown.starts_with("# DS102 "), "{}", h.markdown);
        assert_eq!(&text[h.span.range()], "DS102");
        let h = nolint_hover(text, 16, stdlib.iter()).unwrap();
        assert!(h.markdown.starts_with("# NM102 "), "{}", h.markdown);
        // Not in a directive, or before it: nothing.
        assert!(nolint_hover(text, 3, stdlib.iter()).is_none());
        assert!(nolint_hover(text, 30, stdlib.iter()).is_none());
        assert!(nolint_hover("-- atlas:nolint XX999", 18, stdlib.iter()).is_none());
        assert!(nolint_hover("é", 1, stdlib.iter()).is_none());
    }
}
