//! Directives: comments that instruct the tool (`-- atlas:nolint DS102`, `-- cairn:renamed_from
//! old`, sqldef's `-- @renamed from=old`), read from the comment text and kept with their span.
//!
//! Atlas's grammar is `<comment marker>atlas:<name>[ <args>]`. File directives are the `--` or
//! `#` lines at the very top of a file, separated from the statements by a blank line; statement
//! directives are the comments attached to a statement, including single-line `/* … */`.

use crate::diag::{Diagnostic, Span, did_you_mean};

/// Whose directive it is: Atlas's, Cairn's own, or sqldef's rename hint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DirectiveNamespace {
    Atlas,
    Cairn,
    Sqldef,
}

/// One directive comment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Directive {
    pub namespace: DirectiveNamespace,
    /// The name after the prefix: `nolint`, `txmode`, `renamed_from`; `renamed` for sqldef.
    pub name: String,
    /// Everything after the name, trimmed (`DS102 destructive`, `from=old`); may be empty.
    pub args: String,
    /// The span of the whole comment.
    pub span: Span,
}

/// The directive names Atlas knows; Cairn writes these with the `atlas:` prefix so that a
/// directory it writes stays an Atlas directory.
pub const ATLAS_DIRECTIVES: &[&str] = &[
    "txmode",
    "delimiter",
    "checkpoint",
    "nolint",
    "sum",
    "assert",
    "renamed_from",
    "import",
    "sensitive",
    "txtar",
];

impl Directive {
    /// The arguments split on whitespace (`nolint DS102 destructive` → `["DS102", "destructive"]`).
    pub fn arg_list(&self) -> impl Iterator<Item = &str> {
        self.args.split_whitespace()
    }

    /// The old name of a rename hint, in any of the three spellings: `atlas:renamed_from old`,
    /// `cairn:renamed_from old`, sqldef's `@renamed from=old` (quotes removed).
    pub fn renamed_from(&self) -> Option<String> {
        let raw = match self.namespace {
            DirectiveNamespace::Atlas | DirectiveNamespace::Cairn => {
                if self.name != "renamed_from" {
                    return None;
                }
                self.args.trim()
            }
            DirectiveNamespace::Sqldef => {
                if self.name != "renamed" {
                    return None;
                }
                self.args
                    .trim()
                    .strip_prefix("from")?
                    .trim_start()
                    .strip_prefix('=')?
                    .trim()
            }
        };
        let name = unquote(raw);
        (!name.is_empty()).then_some(name)
    }
}

fn unquote(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() >= 2 {
        let (first, last) = (b[0], b[b.len() - 1]);
        if first == last && matches!(first, b'"' | b'`' | b'\'') {
            let q = first as char;
            let doubled = format!("{q}{q}");
            return s[1..s.len() - 1].replace(&doubled, &q.to_string());
        }
    }
    // An unquoted name ends at the first space (`renamed_from old -- why`).
    s.split_whitespace().next().unwrap_or("").to_string()
}

/// Reads a directive from one comment (`-- …`, `# …`, or a single-line `/* … */`) starting at
/// byte `offset` of the file. `None` when the comment is not a directive.
pub fn parse_comment(comment: &str, offset: usize) -> Option<Directive> {
    let text = comment.trim_end_matches(['\n', '\r']);
    let body = if let Some(rest) = text.strip_prefix("--") {
        rest
    } else if let Some(rest) = text.strip_prefix('#') {
        rest
    } else if let Some(rest) = text.strip_prefix("/*") {
        if text.contains('\n') {
            return None;
        }
        rest.strip_suffix("*/")?
    } else {
        return None;
    };
    let body = body.trim_start_matches([' ', '\t']);
    let span = Span::new(offset, offset + text.len());
    let (namespace, rest) = if let Some(r) = body.strip_prefix("atlas:") {
        (DirectiveNamespace::Atlas, r)
    } else if let Some(r) = body.strip_prefix("cairn:") {
        (DirectiveNamespace::Cairn, r)
    } else if let Some(r) = body.strip_prefix('@') {
        (DirectiveNamespace::Sqldef, r)
    } else {
        return None;
    };
    let name_len = rest
        .bytes()
        .position(|c| !(c.is_ascii_alphanumeric() || c == b'_'))
        .unwrap_or(rest.len());
    if name_len == 0 {
        return None;
    }
    let after = &rest[name_len..];
    // As in Atlas, arguments follow the name after spaces; anything else ends the directive.
    let args = if after.starts_with([' ', '\t']) {
        after.trim()
    } else {
        ""
    };
    Some(Directive {
        namespace,
        name: rest[..name_len].to_string(),
        args: args.to_string(),
        span,
    })
}

/// A warning for an `atlas:`/`cairn:` directive whose name is a near miss of a known one
/// (`atlas:nolnt`): Atlas ignores unknown names silently, so a typo would disable a safeguard.
pub(crate) fn misspelled(d: &Directive) -> Option<Diagnostic> {
    if d.namespace == DirectiveNamespace::Sqldef || ATLAS_DIRECTIVES.contains(&d.name.as_str()) {
        return None;
    }
    let known = did_you_mean(&d.name, ATLAS_DIRECTIVES.iter().copied())?;
    Some(
        Diagnostic::warning(
            "E3004",
            "",
            d.span,
            format!("unknown directive `{}`", d.name),
        )
        .with_help(format!("did you mean `{known}`?")),
    )
}

/// The file directives: the `--`/`#` lines at the very top of the file, provided a blank line
/// separates them from what follows (otherwise they are the first statement's comments).
pub(crate) fn file_directives(text: &str) -> Vec<Directive> {
    let mut found = Vec::new();
    let mut pos = 0;
    loop {
        let rest = &text[pos..];
        if !(rest.starts_with('#') || rest.starts_with("--")) {
            break;
        }
        let Some(nl) = rest.find('\n') else {
            // A file of comments only has no blank line after them: no file directives.
            return Vec::new();
        };
        if let Some(d) = parse_comment(&rest[..nl], pos) {
            found.push(d);
        }
        pos += nl + 1;
    }
    let rest = &text[pos..];
    if rest.starts_with('\n') || rest.starts_with("\r\n") {
        found
    } else {
        Vec::new()
    }
}

/// The `-- atlas:delimiter X` directive on the first line, which changes how the file splits.
/// Its argument is kept verbatim (escapes such as `\n` are still to be resolved).
pub(crate) fn delimiter_directive(text: &str) -> Option<Directive> {
    let line = text.split('\n').next().unwrap_or("");
    let line = line.strip_suffix('\r').unwrap_or(line);
    let rest = line.strip_prefix("-- atlas:delimiter")?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some(Directive {
        namespace: DirectiveNamespace::Atlas,
        name: "delimiter".to_string(),
        args: rest.trim_start_matches(' ').to_string(),
        span: Span::new(0, line.len()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(c: &str) -> Option<(DirectiveNamespace, String, String)> {
        parse_comment(c, 0).map(|d| (d.namespace, d.name, d.args))
    }

    #[test]
    fn comment_forms() {
        use DirectiveNamespace::*;
        let s = |x: &str| x.to_string();
        assert_eq!(
            d("-- atlas:nolint DS102 destructive\n"),
            Some((Atlas, s("nolint"), s("DS102 destructive")))
        );
        assert_eq!(d("--atlas:nolint"), Some((Atlas, s("nolint"), s(""))));
        assert_eq!(
            d("# atlas:txmode none"),
            Some((Atlas, s("txmode"), s("none")))
        );
        assert_eq!(
            d("/*atlas:nolint DS101*/"),
            Some((Atlas, s("nolint"), s("DS101")))
        );
        assert_eq!(
            d("/* cairn:renamed_from old */"),
            Some((Cairn, s("renamed_from"), s("old")))
        );
        assert_eq!(
            d("-- @renamed from=old"),
            Some((Sqldef, s("renamed"), s("from=old")))
        );
        assert_eq!(
            d("/* @renamed from=\"a b\" */"),
            Some((Sqldef, s("renamed"), s("from=\"a b\"")))
        );
        assert_eq!(d("/*\natlas:nolint\n*/"), None);
        assert_eq!(d("-- create the table"), None);
        assert_eq!(d("-- atlas:"), None);
        assert_eq!(
            d("-- atlas:sum ignore"),
            Some((Atlas, s("sum"), s("ignore")))
        );
    }

    #[test]
    fn rename_hints_in_every_spelling() {
        for c in [
            "-- atlas:renamed_from old",
            "-- cairn:renamed_from \"old\"",
            "-- @renamed from=old",
            "/* @renamed from = `old` */",
        ] {
            assert_eq!(
                parse_comment(c, 0)
                    .and_then(|d| d.renamed_from())
                    .as_deref(),
                Some("old"),
                "{c}"
            );
        }
        assert_eq!(
            parse_comment("-- @renamed from=\"user name\"", 0)
                .and_then(|d| d.renamed_from())
                .as_deref(),
            Some("user name")
        );
        assert_eq!(
            parse_comment("-- atlas:nolint", 0).unwrap().renamed_from(),
            None
        );
    }

    #[test]
    fn file_directives_need_a_blank_line() {
        let f = file_directives(
            "-- atlas:txmode none\n# atlas:nolint DS102\n\nCREATE TABLE t(id int);",
        );
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].name.as_str(), f[0].args.as_str()), ("txmode", "none"));
        assert_eq!(f[1].span, Span::new(21, 41));
        assert!(file_directives("-- atlas:txmode none\nCREATE TABLE t(id int);").is_empty());
        assert!(file_directives("-- atlas:txmode none\n").is_empty());
        assert!(file_directives("CREATE TABLE t(id int);\n\n-- atlas:txmode none\n\n").is_empty());
    }

    #[test]
    fn near_miss_names_warn() {
        let d = parse_comment("-- atlas:nolnt DS102", 0).unwrap();
        let w = misspelled(&d).unwrap();
        assert_eq!(w.help.as_deref(), Some("did you mean `nolint`?"));
        assert!(misspelled(&parse_comment("-- atlas:nolint", 0).unwrap()).is_none());
        assert!(misspelled(&parse_comment("-- cairn:somethingelse", 0).unwrap()).is_none());
    }

    #[test]
    fn delimiter_directive_keeps_its_argument() {
        let d = delimiter_directive("-- atlas:delimiter \\n---\\n\n\nX").unwrap();
        assert_eq!(d.args, "\\n---\\n");
        assert!(delimiter_directive("--atlas:delimiter x\n").is_none());
        assert!(delimiter_directive("-- atlas:delimiters x\n").is_none());
    }
}
