//! The rules-language parser: every example of the reference and the design, a file with every
//! construct, error recovery, exact spans of template holes, and no panics on any prefix of a
//! valid file.

use cairn_syntax::rules::*;
use cairn_syntax::{Diagnostic, Span};

const REFERENCE: &str = include_str!("data/rules/reference.cairn");
const DESIGN: &str = include_str!("data/rules/design.cairn");
const EVERYTHING: &str = include_str!("data/rules/everything.cairn");
const BROKEN: &str = include_str!("data/rules/broken.cairn");

fn ok(path: &str, src: &str) -> RulesFile {
    let p = parse(path, src);
    assert!(p.diagnostics.is_empty(), "{:#?}", p.diagnostics);
    p.file
}

/// A compact rendering of the tree: one line per item and clause, expressions as s-expressions
/// with the source text of each span checked against the node.
struct Printer<'s> {
    src: &'s str,
    out: String,
}

impl Printer<'_> {
    fn text(&self, s: Span) -> &str {
        &self.src[s.range()]
    }

    fn expr(&self, e: &Expr) -> String {
        match &e.kind {
            ExprKind::Error => "<error>".into(),
            ExprKind::Null => "null".into(),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Template(parts) => {
                let mut s = String::from("(str");
                for p in parts {
                    match p {
                        TemplatePart::Text(t) => s.push_str(&format!(" {t:?}")),
                        TemplatePart::Hole(h) => {
                            s.push_str(&format!(" {{{}}}", self.expr(h)));
                        }
                    }
                }
                s + ")"
            }
            ExprKind::List(xs) => format!(
                "[{}]",
                xs.iter()
                    .map(|x| self.expr(x))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            ExprKind::Name(n) => {
                assert_eq!(self.text(n.span), n.name);
                n.name.clone()
            }
            ExprKind::Field { base, field } => {
                assert_eq!(self.text(field.span), field.name);
                format!("{}.{}", self.expr(base), field.name)
            }
            ExprKind::Call { callee, args } => format!(
                "(call {} {})",
                self.expr(callee),
                args.iter()
                    .map(|x| self.expr(x))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            ExprKind::Quantifier {
                kind,
                var,
                iter,
                body,
            } => format!(
                "({} {} {} {})",
                kind.name(),
                var.name,
                self.expr(iter),
                self.expr(body)
            ),
            ExprKind::Unary { op, expr } => format!("({op:?} {})", self.expr(expr)),
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => {
                assert_eq!(self.text(*op_span), op.symbol());
                format!("({} {} {})", op.symbol(), self.expr(lhs), self.expr(rhs))
            }
            ExprKind::Is {
                expr,
                negated,
                kind,
            } => format!(
                "(is{} {} {})",
                if *negated { "-not" } else { "" },
                self.expr(expr),
                kind.name
            ),
            ExprKind::Matches { expr, regex } => {
                format!("(matches {} {:?})", self.expr(expr), regex.value)
            }
            ExprKind::Cond {
                cond,
                then,
                otherwise,
            } => format!(
                "(? {} {} {})",
                self.expr(cond),
                self.expr(then),
                self.expr(otherwise)
            ),
        }
    }

    fn ty(t: &TypeExpr) -> String {
        match &t.kind {
            TypeExprKind::Named(n) => n.name.clone(),
            TypeExprKind::List(x) => format!("list[{}]", Self::ty(x)),
            TypeExprKind::Optional(x) => format!("{}?", Self::ty(x)),
        }
    }

    fn line(&mut self, s: String) {
        self.out.push_str(&s);
        self.out.push('\n');
    }

    fn file(&mut self, f: &RulesFile) {
        for item in &f.items {
            if let Some(d) = &item.doc {
                self.line(format!("doc summary={:?} body={:?}", d.summary, d.body));
                for s in &d.sections {
                    self.line(format!("  section {:?}: {:?}", s.title, s.body));
                }
            }
            match &item.kind {
                ItemKind::Use(u) => {
                    let t = match &u.target {
                        UseTarget::Builtin(i) => i.name.clone(),
                        UseTarget::Path { path, .. } => format!("{path:?}"),
                    };
                    self.line(format!(
                        "use {t} as {:?}",
                        u.alias.as_ref().map(|a| &a.name)
                    ));
                }
                ItemKind::Param(p) => {
                    let line = format!(
                        "param {}: {} = {}",
                        p.name.name,
                        Self::ty(&p.ty),
                        self.expr(&p.default)
                    );
                    self.line(line);
                }
                ItemKind::Let(l) => {
                    let line = format!("let {} = {}", l.name.name, self.expr(&l.value));
                    self.line(line);
                }
                ItemKind::Predicate(p) => {
                    let params: Vec<String> = p
                        .params
                        .iter()
                        .map(|a| format!("{}: {}", a.name.name, Self::ty(&a.ty)))
                        .collect();
                    let line = format!(
                        "predicate {}({}) = {}",
                        p.name.name,
                        params.join(", "),
                        self.expr(&p.body)
                    );
                    self.line(line);
                }
                ItemKind::Rule(r) => {
                    assert_eq!(self.text(r.name.span), r.name.name);
                    self.line(format!(
                        "rule {:?} {}: {} on {}",
                        r.code.as_ref().map(|c| &c.name),
                        r.name.name,
                        r.severity.name,
                        r.target.name
                    ));
                    for c in &r.clauses {
                        let body = match &c.kind {
                            ClauseKind::For { var, iter } => {
                                format!("for {} in {}", var.name, self.expr(iter))
                            }
                            ClauseKind::Where(e) => format!("where {}", self.expr(e)),
                            ClauseKind::Require(e) => format!("require {}", self.expr(e)),
                            ClauseKind::Deny(e) => format!(
                                "deny {}",
                                e.as_ref().map_or("-".to_string(), |e| self.expr(e))
                            ),
                            ClauseKind::Message(e) => format!("message {}", self.expr(e)),
                            ClauseKind::Help(e) => format!("help {}", self.expr(e)),
                            ClauseKind::At(e) => format!("at {}", self.expr(e)),
                            ClauseKind::Dialects(d) => format!(
                                "dialects {:?}",
                                d.iter().map(|x| &x.name).collect::<Vec<_>>()
                            ),
                            ClauseKind::Tags(d) => {
                                format!("tags {:?}", d.iter().map(|x| &x.name).collect::<Vec<_>>())
                            }
                            ClauseKind::Suggest { title, fields } => format!(
                                "suggest {} {{{}}}",
                                self.expr(title),
                                fields
                                    .iter()
                                    .map(|f| format!("{} = {}", f.key.name, self.expr(&f.value)))
                                    .collect::<Vec<_>>()
                                    .join("; ")
                            ),
                        };
                        self.line(format!("  {body}"));
                    }
                }
                ItemKind::Test(t) => {
                    self.line(format!(
                        "test {} {:?} {}",
                        t.rule.name, t.title.value, t.dialect.name
                    ));
                    for (n, s) in [("before", &t.before), ("after", &t.after)] {
                        if let Some(s) = s {
                            self.line(format!("  {n} {:?} {:?}", s.kind, s.text));
                        }
                    }
                    for e in &t.expects {
                        match e {
                            Expect::None(_) => self.line("  expect none".into()),
                            Expect::Finding { code, at, .. } => self.line(format!(
                                "  expect {} at {:?}",
                                code.name,
                                at.as_ref().map(|a| &a.value)
                            )),
                        }
                    }
                    for f in &t.params {
                        let line = format!("  param {} = {}", f.key.name, self.expr(&f.value));
                        self.line(line);
                    }
                }
            }
        }
    }
}

fn render(src: &str, f: &RulesFile) -> String {
    let mut p = Printer {
        src,
        out: String::new(),
    };
    p.file(f);
    p.out
}

fn render_diags(src: &str, ds: &[Diagnostic]) -> String {
    ds.iter()
        .map(|d| {
            format!(
                "{} {:?} at {:?}: {}\n",
                d.code,
                d.severity,
                &src[d.span.range()],
                d.message
            )
        })
        .collect()
}

#[test]
fn parses_the_reference_example() {
    let f = ok("reference.cairn", REFERENCE);
    insta::assert_snapshot!(render(REFERENCE, &f));
}

#[test]
fn parses_the_design_example() {
    let f = ok("design.cairn", DESIGN);
    insta::assert_snapshot!(render(DESIGN, &f));
}

#[test]
fn parses_every_construct() {
    let f = ok("everything.cairn", EVERYTHING);
    insta::assert_snapshot!(render(EVERYTHING, &f));
}

#[test]
fn doc_comments_are_raw_and_split() {
    let f = ok("reference.cairn", REFERENCE);
    let rule = f
        .items
        .iter()
        .find(|i| matches!(i.kind, ItemKind::Rule(_)))
        .unwrap();
    let doc = rule.doc.as_ref().unwrap();
    assert_eq!(doc.summary, "Dropping a table deletes all of its rows.");
    assert!(
        doc.raw
            .starts_with("Dropping a table deletes all of its rows.\n\n## Why it matters\n")
    );
    assert_eq!(
        doc.section("why it matters"),
        Some("The data is gone once the statement commits; a backup restore is the only way back.")
    );
    assert_eq!(
        doc.section("Use instead"),
        Some("Rename the table first, and drop it in a later release once nothing reads it.")
    );
    assert_eq!(
        &REFERENCE[doc.span.range()].lines().next().unwrap()[..3],
        "///"
    );
}

#[test]
fn template_holes_have_file_spans() {
    let src = "let x = \"a {b.c ?? \"d{e}\"} f\"\n";
    let f = ok("t.cairn", src);
    let ItemKind::Let(l) = &f.items[0].kind else {
        panic!()
    };
    let ExprKind::Template(parts) = &l.value.kind else {
        panic!()
    };
    let TemplatePart::Hole(h) = &parts[1] else {
        panic!()
    };
    assert_eq!(&src[h.span.range()], "b.c ?? \"d{e}\"");
    let ExprKind::Binary { rhs, .. } = &h.kind else {
        panic!()
    };
    let ExprKind::Template(inner) = &rhs.kind else {
        panic!()
    };
    let TemplatePart::Hole(e) = &inner[1] else {
        panic!()
    };
    assert_eq!(&src[e.span.range()], "e");
    assert_eq!(&src[l.value.span.range()], "\"a {b.c ?? \"d{e}\"} f\"");
}

#[test]
fn escapes_and_braces() {
    let src = r#"let x = "{{a}} \"q\" \n \{ \}""#;
    let f = ok("t.cairn", src);
    let ItemKind::Let(l) = &f.items[0].kind else {
        panic!()
    };
    assert_eq!(
        l.value.kind,
        ExprKind::Template(vec![TemplatePart::Text("{a} \"q\" \n { }".into())])
    );
}

#[test]
fn regex_after_matches_keeps_braces_and_backslashes() {
    let src = r#"predicate p(s: string) = s matches "^a{2}\d+\"$""#;
    let f = ok("t.cairn", src);
    let ItemKind::Predicate(p) = &f.items[0].kind else {
        panic!()
    };
    let ExprKind::Matches { regex, .. } = &p.body.kind else {
        panic!()
    };
    assert_eq!(regex.value, r#"^a{2}\d+"$"#);
    assert_eq!(&src[regex.span.range()], r#""^a{2}\d+\"$""#);
}

#[test]
fn integers_take_underscores_and_report_overflow() {
    let f = ok("t.cairn", "let a = 1_000_000\n");
    let ItemKind::Let(l) = &f.items[0].kind else {
        panic!()
    };
    assert_eq!(l.value.kind, ExprKind::Int(1_000_000));
    let p = parse("t.cairn", "let a = 99999999999999999999\nlet b = 2\n");
    assert_eq!(p.diagnostics.len(), 1, "{:#?}", p.diagnostics);
    assert!(p.diagnostics[0].message.contains("64-bit"));
    assert_eq!(p.file.items.len(), 1);
}

#[test]
fn recovers_from_two_broken_items() {
    let p = parse("broken.cairn", BROKEN);
    insta::assert_snapshot!(format!(
        "{}---\n{}",
        render_diags(BROKEN, &p.diagnostics),
        render(BROKEN, &p.file)
    ));
    // The broken rule keeps its good clauses; the broken predicate is dropped; the rest parse.
    let names: Vec<&str> = p
        .file
        .items
        .iter()
        .map(|i| match &i.kind {
            ItemKind::Rule(r) => r.name.name.as_str(),
            ItemKind::Predicate(p) => p.name.name.as_str(),
            ItemKind::Let(l) => l.name.name.as_str(),
            ItemKind::Use(_) => "use",
            _ => "?",
        })
        .collect();
    assert_eq!(names, ["use", "ok1", "broken-one", "fine", "ok-two"]);
}

#[test]
fn an_unclosed_brace_does_not_swallow_the_next_item() {
    let src = "rule a: error on schema {\n  for t in tables\n  require t.name == \"x\"\n\nrule b: error on schema { for t in tables require true }\n";
    let p = parse("t.cairn", src);
    assert!(!p.diagnostics.is_empty());
    assert!(p.file.items.iter().any(
        |i| matches!(&i.kind, ItemKind::Rule(r) if r.name.name == "b" && r.clauses.len() == 2)
    ));
}

#[test]
fn unterminated_strings_end_at_the_line() {
    let src = "let a = \"open\nlet b = 2\n";
    let p = parse("t.cairn", src);
    assert!(p.diagnostics.iter().any(|d| d.code == "E4003"));
    assert!(
        p.file
            .items
            .iter()
            .any(|i| matches!(&i.kind, ItemKind::Let(l) if l.name.name == "b"))
    );
}

#[test]
fn stray_text_and_lonely_docs_are_reported() {
    let src = "garbage here\n/// floating\n\n// plain\nlet a = 1\n/// at the end\n";
    let p = parse("t.cairn", src);
    let codes: Vec<&str> = p.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E4004", "E4005"], "{:#?}", p.diagnostics);
    // `/// floating` is attached to `let a` (only comments and blank lines between).
    assert!(p.file.items[0].doc.is_some());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    // Parentheses alone add no depth to the tree.
    let src = format!(
        "let a = {}1{}\nlet b = 1\n",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let p = parse("t.cairn", &src);
    assert!(p.diagnostics.is_empty());
    let src = format!(
        "let a = {}1{}\nlet b = 1\n",
        "[".repeat(3000),
        "]".repeat(3000)
    );
    let p = parse("t.cairn", &src);
    assert!(p.diagnostics.iter().any(|d| d.code == "E4007"));
    assert!(
        p.file
            .items
            .iter()
            .any(|i| matches!(&i.kind, ItemKind::Let(l) if l.name.name == "b"))
    );
    let chain = format!("let a = 1{}\n", " + 1".repeat(5000));
    let p = parse("t.cairn", &chain);
    assert!(p.diagnostics.iter().any(|d| d.code == "E4007"));
    let nots = format!("let a = {}true\n", "not ".repeat(3000));
    assert!(
        parse("t.cairn", &nots)
            .diagnostics
            .iter()
            .any(|d| d.code == "E4007")
    );
}

/// Every prefix of the valid files (cut at every char boundary) parses without a panic.
#[test]
fn no_panic_on_any_prefix() {
    for src in [REFERENCE, DESIGN, EVERYTHING, BROKEN] {
        for (i, _) in src.char_indices() {
            let _ = parse("t.cairn", &src[..i]);
        }
    }
}

/// Pseudo-random byte soup made of the language's own pieces.
#[test]
fn no_panic_on_shuffled_tokens() {
    let pieces = [
        "rule", "test", "let", "use", "{", "}", "(", ")", "[", "]", "\"", "{x}", "\"a{", "r\"",
        "sql\"", "\"\"\"", "matches", "for", "in", "where", "deny", "?", "??", ":", "\n", "///",
        "//", "x", "1_0", "-", ".", ",", "=", "==", "é", "\\", "is", "not",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..300 {
        let mut s = String::new();
        for _ in 0..60 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            s.push(' ');
        }
        let _ = parse("t.cairn", &s);
    }
}

#[test]
fn bare_deny_before_a_semicolon_or_brace() {
    let f = ok(
        "t.cairn",
        "rule a: info on schema { for t in tables; deny; }\nrule b: info on schema { deny }\n",
    );
    assert_eq!(f.items.len(), 2);
}
