//! The parser of rule files: chumsky over the lexer's tokens. A file is first cut into items at
//! every item keyword that begins a line (outside braces, or in column 0 whatever the braces
//! say), and each item is parsed on its own: a broken item is a diagnostic and every other item
//! still parses. Inside a rule body, a broken clause is skipped up to the next clause keyword.

use chumsky::input::ValueInput;
use chumsky::pratt::{infix, left, postfix, prefix, right};
use chumsky::prelude::*;

use super::ast::*;
use super::doc::parse_doc;
use super::lex::{self, Punct, RawKind, Tok, cook_raw, cook_template_text};
use crate::diag::{Diagnostic, Span};

/// A syntax error: a token the grammar does not expect where it stands.
pub const E_SYNTAX: &str = "E4000";
/// Text outside any item.
pub const E_STRAY: &str = "E4004";
/// A `///` comment that documents nothing.
pub const E_DOC: &str = "E4005";
/// A number that does not fit in 64 bits.
pub const E_INT: &str = "E4006";
/// An expression nested deeper than the parser accepts.
pub const E_DEPTH: &str = "E4007";
/// A string of the wrong kind for its place (`sql"..."` in an expression, a hole in a path).
pub const E_STRING_KIND: &str = "E4008";

/// Expressions nest at most this deep (parentheses, operators, holes).
pub const MAX_DEPTH: usize = 200;

/// Keywords that start an item.
pub const ITEM_KEYWORDS: [&str; 6] = ["use", "param", "let", "predicate", "rule", "test"];
/// Keywords that start a clause of a rule body.
pub const CLAUSE_KEYWORDS: [&str; 10] = [
    "for", "where", "require", "deny", "message", "help", "at", "dialects", "tags", "suggest",
];
/// Words that cannot name a variable (they are operators, literals, or start items and clauses).
pub const RESERVED: [&str; 28] = [
    "and",
    "or",
    "not",
    "in",
    "is",
    "matches",
    "contains",
    "starts_with",
    "ends_with",
    "true",
    "false",
    "null",
    "use",
    "param",
    "let",
    "predicate",
    "rule",
    "test",
    "for",
    "where",
    "require",
    "deny",
    "message",
    "help",
    "at",
    "dialects",
    "tags",
    "suggest",
];

pub fn is_reserved(word: &str) -> bool {
    RESERVED.contains(&word)
}

/// The result of parsing one rules file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ParsedRules {
    pub file: RulesFile,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a rules file. Never fails and never panics: what does not parse is a diagnostic.
pub fn parse(path: &str, src: &str) -> ParsedRules {
    let lexed = lex::lex(path, src);
    let mut diagnostics = lexed.diagnostics;
    let tokens: Vec<(Tok<'_>, SimpleSpan)> = lexed
        .tokens
        .iter()
        .map(|(t, s)| (*t, SimpleSpan::from(s.range())))
        .collect();

    // Cut the token stream into items.
    let mut starts = Vec::new();
    let mut depth = 0i64;
    for (i, (tok, _)) in lexed.tokens.iter().enumerate() {
        let (first, col0) = lexed.line_start[i];
        if let Tok::Ident(w) = tok
            && ITEM_KEYWORDS.contains(w)
            && first
            && (depth <= 0 || col0)
        {
            starts.push(i);
            depth = 0;
        }
        match tok {
            Tok::P(Punct::LBrace) => depth += 1,
            Tok::P(Punct::RBrace) => depth -= 1,
            _ => {}
        }
    }
    let first_item = starts.first().copied().unwrap_or(tokens.len());
    if first_item > 0 {
        let span = lexed.tokens[0].1.cover(lexed.tokens[first_item - 1].1);
        diagnostics.push(
            Diagnostic::error(
                E_STRAY,
                path,
                span,
                "expected an item: `use`, `param`, `let`, `predicate`, `rule` or `test`",
            )
            .with_help("items start at the beginning of a line"),
        );
    }

    // Attach doc comments: the `///` lines between an item keyword and the token before it.
    let mut docs = lexed.docs.iter().peekable();
    let mut item_docs: Vec<Option<Doc>> = Vec::with_capacity(starts.len());
    for &s in &starts {
        let item_start = lexed.tokens[s].1.start;
        let prev_end = if s == 0 { 0 } else { lexed.tokens[s - 1].1.end };
        let mut lines = Vec::new();
        while let Some(d) = docs.peek() {
            if d.span.start >= item_start {
                break;
            }
            let d = docs.next().expect("peeked");
            if d.span.start >= prev_end {
                lines.push(*d);
            } else {
                diagnostics.push(unattached_doc(path, d.span));
            }
        }
        item_docs.push(if lines.is_empty() {
            None
        } else {
            Some(parse_doc(&lines))
        });
    }
    for d in docs {
        diagnostics.push(unattached_doc(path, d.span));
    }

    let parser = item_parser(src);
    let mut items = Vec::with_capacity(starts.len());
    for (n, &s) in starts.iter().enumerate() {
        let e = starts.get(n + 1).copied().unwrap_or(tokens.len());
        let chunk = &tokens[s..e];
        let end = chunk.last().map_or(0, |(_, sp)| sp.end);
        let eoi = SimpleSpan::from(end..end);
        let (out, errs) = parser
            .parse(chunk.map(eoi, |(t, s)| (t, s)))
            .into_output_errors();
        let had_errors = !errs.is_empty();
        for e in errs {
            diagnostics.push(rich_to_diagnostic(path, &e));
        }
        if let Some((kind, span)) = out {
            let item = Item {
                doc: item_docs[n].take(),
                kind,
                span,
                recovered: had_errors,
            };
            let d = item_depth(&item);
            if d > MAX_DEPTH {
                diagnostics.push(Diagnostic::error(
                    E_DEPTH,
                    path,
                    item.span,
                    format!("this item nests expressions {d} deep; the limit is {MAX_DEPTH}"),
                ));
            } else if !had_errors || keep_after_recovery(&item) {
                items.push(item);
            }
        }
    }
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    ParsedRules {
        file: RulesFile { items },
        diagnostics,
    }
}

/// A recovered item is kept when its shape is complete enough to check (a rule whose broken
/// clause was skipped); other recovered items are dropped so the checker does not report
/// errors that only echo the syntax error.
fn keep_after_recovery(item: &Item) -> bool {
    matches!(item.kind, ItemKind::Rule(_) | ItemKind::Test(_))
}

fn unattached_doc(path: &str, span: Span) -> Diagnostic {
    Diagnostic::warning(
        E_DOC,
        path,
        span,
        "this `///` comment documents nothing: doc comments go right before an item",
    )
    .with_help("use `//` for an ordinary comment")
}

fn item_depth(item: &Item) -> usize {
    let mut d = 0;
    let mut see = |e: &Expr| d = d.max(depth(e));
    match &item.kind {
        ItemKind::Use(_) => {}
        ItemKind::Param(p) => see(&p.default),
        ItemKind::Let(l) => see(&l.value),
        ItemKind::Predicate(p) => see(&p.body),
        ItemKind::Rule(r) => {
            for c in &r.clauses {
                match &c.kind {
                    ClauseKind::For { iter, .. } => see(iter),
                    ClauseKind::Where(e)
                    | ClauseKind::Require(e)
                    | ClauseKind::Message(e)
                    | ClauseKind::Help(e)
                    | ClauseKind::At(e)
                    | ClauseKind::Deny(Some(e)) => see(e),
                    ClauseKind::Suggest { title, fields } => {
                        see(title);
                        fields.iter().for_each(|f| see(&f.value));
                    }
                    _ => {}
                }
            }
        }
        ItemKind::Test(t) => t.params.iter().for_each(|f| see(&f.value)),
    }
    d
}

fn rich_to_diagnostic(path: &str, e: &Rich<'_, Tok<'_>, SimpleSpan>) -> Diagnostic {
    let span = Span::new(e.span().start, e.span().end);
    let message = match e.reason() {
        chumsky::error::RichReason::Custom(msg) => msg.clone(),
        chumsky::error::RichReason::ExpectedFound { expected, found } => {
            let mut exp: Vec<String> = expected
                .iter()
                .filter_map(|p| match p {
                    chumsky::error::RichPattern::Token(t) => Some(t.describe()),
                    chumsky::error::RichPattern::Label(l) => Some(l.to_string()),
                    chumsky::error::RichPattern::Identifier(i) => Some(format!("`{i}`")),
                    chumsky::error::RichPattern::EndOfInput => Some("the end of the item".into()),
                    _ => None,
                })
                .collect();
            exp.sort();
            exp.dedup();
            let found = match found {
                Some(t) => t.describe(),
                None => "the end of the item".to_string(),
            };
            match exp.len() {
                0 => format!("unexpected {found}"),
                1..=8 => format!("expected {}, found {found}", or_list(&exp)),
                _ => format!(
                    "expected {} or something else, found {found}",
                    exp[..8].join(", ")
                ),
            }
        }
    };
    Diagnostic::error(E_SYNTAX, path, span, message)
}

fn or_list(xs: &[String]) -> String {
    match xs {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

type Err<'t, 's> = extra::Err<Rich<'t, Tok<'s>, SimpleSpan>>;

fn span_of(s: SimpleSpan) -> Span {
    Span::new(s.start, s.end)
}

fn kw<'t, 's: 't, I>(word: &'static str) -> impl Parser<'t, I, Span, Err<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Tok<'s>, Span = SimpleSpan>,
{
    just(Tok::Ident(word)).map_with(|_, e| span_of(e.span()))
}

fn punct<'t, 's: 't, I>(p: Punct) -> impl Parser<'t, I, Span, Err<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Tok<'s>, Span = SimpleSpan>,
{
    just(Tok::P(p)).map_with(|_, e| span_of(e.span()))
}

/// A name that may stand for a variable (not a reserved word).
fn ident<'t, 's: 't, I>() -> impl Parser<'t, I, Ident, Err<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Tok<'s>, Span = SimpleSpan>,
{
    select! { Tok::Ident(s) if !is_reserved(s) => s }
        .map_with(|s: &str, e| Ident {
            name: s.to_string(),
            span: span_of(e.span()),
        })
        .labelled("a name")
}

/// Any word, reserved or not (field names: `i.where`, `c.type`).
fn any_word<'t, 's: 't, I>() -> impl Parser<'t, I, Ident, Err<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Tok<'s>, Span = SimpleSpan>,
{
    select! { Tok::Ident(s) => s }
        .map_with(|s: &str, e| Ident {
            name: s.to_string(),
            span: span_of(e.span()),
        })
        .labelled("a name")
}

/// `word(-word)*`, as one name spanning its parts (`drop-table`).
fn kebab<'t, 's: 't, I>(src: &'s str) -> impl Parser<'t, I, Ident, Err<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Tok<'s>, Span = SimpleSpan>,
{
    let word = select! { Tok::Ident(s) => s, Tok::Int(s) => s };
    word.then(just(Tok::P(Punct::Minus)).then(word).repeated())
        .map_with(move |_, e| {
            let s: SimpleSpan = e.span();
            Ident {
                name: src.get(s.start..s.end).unwrap_or_default().to_string(),
                span: span_of(s),
            }
        })
        .labelled("a kebab-case name")
}

/// A string with no holes, as a plain value.
fn str_lit<'t, 's: 't, I>() -> impl Parser<'t, I, StrLit, Err<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Tok<'s>, Span = SimpleSpan>,
{
    let text = select! { Tok::TplText(s) => s };
    let plain = just(Tok::TplStart)
        .ignore_then(text.or_not())
        .then_ignore(just(Tok::TplEnd))
        .map(|t: Option<&str>| t.map(cook_template_text).unwrap_or_default());
    let raw =
        select! { Tok::Raw(r) if matches!(r.kind, RawKind::Raw | RawKind::Triple) => cook_raw(&r) };
    plain
        .or(raw)
        .map_with(|value, e| StrLit {
            value,
            span: span_of(e.span()),
        })
        .labelled("a string")
}

/// The expression parser.
fn expr_parser<'t, 's: 't, I>() -> impl Parser<'t, I, Expr, Err<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Tok<'s>, Span = SimpleSpan>,
{
    recursive(|expr| {
        let int = select! { Tok::Int(s) => s }.validate(|s: &str, e, emitter| {
            let digits: String = s.chars().filter(|c| *c != '_').collect();
            match digits.parse::<i64>() {
                Ok(v) => ExprKind::Int(v),
                Err(_) => {
                    emitter.emit(Rich::custom(
                        e.span(),
                        format!("[{E_INT}] `{s}` does not fit in a 64-bit integer"),
                    ));
                    ExprKind::Error
                }
            }
        });

        let text = select! { Tok::TplText(s) => TemplatePart::Text(cook_template_text(s)) };
        let hole = just(Tok::HoleStart)
            .ignore_then(expr.clone())
            .then_ignore(just(Tok::HoleEnd))
            .map(TemplatePart::Hole)
            .recover_with(via_parser(
                just(Tok::HoleStart)
                    .then(any().and_is(just(Tok::HoleEnd).not()).repeated())
                    .then(just(Tok::HoleEnd))
                    .map_with(|_, e| {
                        TemplatePart::Hole(Expr::new(ExprKind::Error, span_of(e.span())))
                    }),
            ));
        let template = just(Tok::TplStart)
            .ignore_then(text.or(hole).repeated().collect::<Vec<_>>())
            .then_ignore(just(Tok::TplEnd))
            .map(|parts| ExprKind::Template(merge_text(parts)));

        let raw = select! { Tok::Raw(r) => r }.validate(|r, e, emitter| match r.kind {
            RawKind::Raw | RawKind::Triple => {
                ExprKind::Template(merge_text(vec![TemplatePart::Text(cook_raw(&r))]))
            }
            _ => {
                emitter.emit(Rich::custom(
                    e.span(),
                    format!(
                        "[{E_STRING_KIND}] `sql\"...\"` and `hcl\"...\"` strings belong in `test` blocks"
                    ),
                ));
                ExprKind::Error
            }
        });

        let list = expr
            .clone()
            .separated_by(punct(Punct::Comma))
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(punct(Punct::LBrack), punct(Punct::RBrack))
            .map(ExprKind::List);

        let quant_kind = select! {
            Tok::Ident("any") => Quantifier::Any,
            Tok::Ident("all") => Quantifier::All,
            Tok::Ident("count") => Quantifier::Count,
            Tok::Ident("first") => Quantifier::First,
        };
        let quantifier = quant_kind
            .then_ignore(punct(Punct::LParen))
            .then(ident())
            .then_ignore(kw("in"))
            .then(expr.clone())
            .then_ignore(punct(Punct::Colon))
            .then(expr.clone())
            .then_ignore(punct(Punct::RParen))
            .map(|(((kind, var), iter), body)| ExprKind::Quantifier {
                kind,
                var,
                iter: Box::new(iter),
                body: Box::new(body),
            });

        let literal = select! {
            Tok::Ident("true") => ExprKind::Bool(true),
            Tok::Ident("false") => ExprKind::Bool(false),
            Tok::Ident("null") => ExprKind::Null,
        };

        let atom = choice((
            literal,
            int,
            template,
            raw,
            list,
            quantifier,
            ident().map(ExprKind::Name),
        ))
        .map_with(|kind, e| Expr::new(kind, span_of(e.span())))
        .or(expr
            .clone()
            .delimited_by(punct(Punct::LParen), punct(Punct::RParen))
            .map_with(|mut inner: Expr, e| {
                // The parentheses belong to the expression's span.
                inner.span = span_of(e.span());
                inner
            }))
        .recover_with(via_parser(nested_delimiters(
            Tok::P(Punct::LParen),
            Tok::P(Punct::RParen),
            [(Tok::P(Punct::LBrack), Tok::P(Punct::RBrack))],
            |s| Expr::new(ExprKind::Error, span_of(s)),
        )))
        .labelled("an expression")
        .boxed();

        enum Post {
            Field(Ident),
            Call(Vec<Expr>),
            Is(bool, Ident),
            Matches(StrLit),
        }

        let args = expr
            .clone()
            .separated_by(punct(Punct::Comma))
            .allow_trailing()
            .collect::<Vec<_>>()
            .delimited_by(punct(Punct::LParen), punct(Punct::RParen));
        let field = punct(Punct::Dot).ignore_then(any_word()).map(Post::Field);
        let call = args.map(Post::Call);
        let is = kw("is")
            .ignore_then(kw("not").or_not())
            .then(any_word())
            .map(|(not, k)| Post::Is(not.is_some(), k));
        let regex =
            select! { Tok::Raw(r) if r.kind == RawKind::Regex || r.kind == RawKind::Raw => r }
                .map_with(|r, e| StrLit {
                    value: cook_raw(&r),
                    span: span_of(e.span()),
                })
                .labelled("a regex string");
        let matches = kw("matches").ignore_then(regex).map(Post::Matches);

        let bin = |op: BinaryOp, p: Punct| punct(p).map(move |s| (op, s));
        let bin_kw = |op: BinaryOp, w: &'static str| kw(w).map(move |s| (op, s));
        let fold = |l: Expr,
                    (op, op_span): (BinaryOp, Span),
                    r: Expr,
                    e: &mut chumsky::input::MapExtra<'t, '_, I, Err<'t, 's>>| {
            Expr::new(
                ExprKind::Binary {
                    op,
                    op_span,
                    lhs: Box::new(l),
                    rhs: Box::new(r),
                },
                span_of(e.span()),
            )
        };
        let cond = punct(Punct::Question)
            .ignore_then(expr.clone())
            .then_ignore(punct(Punct::Colon));

        atom.pratt((
            infix(right(1), cond, |c: Expr, t: Expr, o: Expr, e| {
                Expr::new(
                    ExprKind::Cond {
                        cond: Box::new(c),
                        then: Box::new(t),
                        otherwise: Box::new(o),
                    },
                    span_of(e.span()),
                )
            }),
            infix(left(2), bin_kw(BinaryOp::Or, "or"), fold),
            infix(left(3), bin_kw(BinaryOp::And, "and"), fold),
            prefix(4, kw("not"), |_, x: Expr, e| {
                Expr::new(
                    ExprKind::Unary {
                        op: UnaryOp::Not,
                        expr: Box::new(x),
                    },
                    span_of(e.span()),
                )
            }),
            infix(
                left(5),
                choice((
                    bin(BinaryOp::Eq, Punct::EqEq),
                    bin(BinaryOp::Ne, Punct::Ne),
                    bin(BinaryOp::Le, Punct::Le),
                    bin(BinaryOp::Ge, Punct::Ge),
                    bin(BinaryOp::Lt, Punct::Lt),
                    bin(BinaryOp::Gt, Punct::Gt),
                    bin_kw(BinaryOp::In, "in"),
                    bin_kw(BinaryOp::Contains, "contains"),
                    bin_kw(BinaryOp::StartsWith, "starts_with"),
                    bin_kw(BinaryOp::EndsWith, "ends_with"),
                )),
                fold,
            ),
            postfix(5, is.or(matches), |x: Expr, p: Post, e| {
                let span = span_of(e.span());
                match p {
                    Post::Is(negated, kind) => Expr::new(
                        ExprKind::Is {
                            expr: Box::new(x),
                            negated,
                            kind,
                        },
                        span,
                    ),
                    Post::Matches(regex) => Expr::new(
                        ExprKind::Matches {
                            expr: Box::new(x),
                            regex,
                        },
                        span,
                    ),
                    _ => x,
                }
            }),
            infix(left(6), bin(BinaryOp::Coalesce, Punct::Coalesce), fold),
            infix(
                left(7),
                bin(BinaryOp::Add, Punct::Plus).or(bin(BinaryOp::Sub, Punct::Minus)),
                fold,
            ),
            infix(left(8), bin(BinaryOp::Mul, Punct::Star), fold),
            prefix(9, punct(Punct::Minus), |_, x: Expr, e| {
                Expr::new(
                    ExprKind::Unary {
                        op: UnaryOp::Neg,
                        expr: Box::new(x),
                    },
                    span_of(e.span()),
                )
            }),
            postfix(10, field.or(call), |x: Expr, p: Post, e| {
                let span = span_of(e.span());
                match p {
                    Post::Field(field) => Expr::new(
                        ExprKind::Field {
                            base: Box::new(x),
                            field,
                        },
                        span,
                    ),
                    Post::Call(args) => Expr::new(
                        ExprKind::Call {
                            callee: Box::new(x),
                            args,
                        },
                        span,
                    ),
                    _ => x,
                }
            }),
        ))
        .labelled("an expression")
    })
}

fn merge_text(parts: Vec<TemplatePart>) -> Vec<TemplatePart> {
    let mut out: Vec<TemplatePart> = Vec::with_capacity(parts.len());
    for p in parts {
        match (out.last_mut(), p) {
            (Some(TemplatePart::Text(a)), TemplatePart::Text(b)) => a.push_str(&b),
            (_, TemplatePart::Text(b)) if b.is_empty() => {}
            (_, p) => out.push(p),
        }
    }
    out
}

fn type_parser<'t, 's: 't, I>() -> impl Parser<'t, I, TypeExpr, Err<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Tok<'s>, Span = SimpleSpan>,
{
    recursive(|ty| {
        let list = kw("list")
            .ignore_then(ty.delimited_by(punct(Punct::LBrack), punct(Punct::RBrack)))
            .map(|t| TypeExprKind::List(Box::new(t)));
        let named = any_word().map(TypeExprKind::Named);
        list.or(named)
            .map_with(|kind, e| TypeExpr {
                kind,
                span: span_of(e.span()),
            })
            .then(punct(Punct::Question).or_not())
            .map_with(|(t, q), e| match q {
                Some(_) => TypeExpr {
                    kind: TypeExprKind::Optional(Box::new(t)),
                    span: span_of(e.span()),
                },
                None => t,
            })
            .labelled("a type")
    })
}

fn item_parser<'t, 's: 't, I>(
    src: &'s str,
) -> impl Parser<'t, I, (ItemKind, Span), Err<'t, 's>> + Clone
where
    I: ValueInput<'t, Token = Tok<'s>, Span = SimpleSpan>,
{
    let expr = expr_parser();
    let ty = type_parser();

    let use_ =
        kw("use")
            .ignore_then(any_word().map(UseTarget::Builtin).or(str_lit().map(|s| {
                UseTarget::Path {
                    path: s.value,
                    span: s.span,
                }
            })))
            .then(kw("as").ignore_then(ident()).or_not())
            .map(|(target, alias)| ItemKind::Use(Use { target, alias }));

    let param = kw("param")
        .ignore_then(ident())
        .then_ignore(punct(Punct::Colon))
        .then(ty.clone())
        .then_ignore(punct(Punct::Assign))
        .then(expr.clone())
        .map(|((name, ty), default)| ItemKind::Param(Param { name, ty, default }));

    let let_ = kw("let")
        .ignore_then(ident())
        .then_ignore(punct(Punct::Assign))
        .then(expr.clone())
        .map(|(name, value)| ItemKind::Let(Let { name, value }));

    let pred_param = ident()
        .then_ignore(punct(Punct::Colon))
        .then(ty.clone())
        .map(|(name, ty)| PredicateParam { name, ty });
    let predicate = kw("predicate")
        .ignore_then(ident())
        .then(
            pred_param
                .separated_by(punct(Punct::Comma))
                .allow_trailing()
                .collect::<Vec<_>>()
                .delimited_by(punct(Punct::LParen), punct(Punct::RParen)),
        )
        .then_ignore(punct(Punct::Assign))
        .then(expr.clone())
        .map(|((name, params), body)| ItemKind::Predicate(Predicate { name, params, body }));

    // Rule bodies.
    let clause_start = select! { Tok::Ident(w) if CLAUSE_KEYWORDS.contains(&w) => () };
    let word_list = kebab(src)
        .separated_by(punct(Punct::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(punct(Punct::LBrack), punct(Punct::RBrack));
    let field = any_word()
        .then_ignore(punct(Punct::Assign))
        .then(expr.clone())
        .then_ignore(punct(Punct::Semi).or_not())
        .map(|(key, value)| Field { key, value });
    let clause = choice((
        kw("for")
            .ignore_then(ident())
            .then_ignore(kw("in"))
            .then(expr.clone())
            .map(|(var, iter)| ClauseKind::For { var, iter }),
        kw("where").ignore_then(expr.clone()).map(ClauseKind::Where),
        kw("require")
            .ignore_then(expr.clone())
            .map(ClauseKind::Require),
        kw("deny")
            .ignore_then(
                clause_start
                    .or(just(Tok::P(Punct::RBrace)).ignored())
                    .or(just(Tok::P(Punct::Semi)).ignored())
                    .rewind()
                    .to(None)
                    .or(expr.clone().map(Some)),
            )
            .map(ClauseKind::Deny),
        kw("message")
            .ignore_then(expr.clone())
            .map(ClauseKind::Message),
        kw("help").ignore_then(expr.clone()).map(ClauseKind::Help),
        kw("at").ignore_then(expr.clone()).map(ClauseKind::At),
        kw("dialects")
            .ignore_then(word_list.clone())
            .map(ClauseKind::Dialects),
        kw("tags").ignore_then(word_list).map(ClauseKind::Tags),
        kw("suggest")
            .ignore_then(expr.clone())
            .then(
                field
                    .clone()
                    .repeated()
                    .collect::<Vec<_>>()
                    .delimited_by(punct(Punct::LBrace), punct(Punct::RBrace)),
            )
            .map(|(title, fields)| ClauseKind::Suggest { title, fields }),
    ))
    .map_with(|kind, e| Clause {
        kind,
        span: span_of(e.span()),
    })
    .labelled("a clause (for, where, require, deny, message, help, at, dialects, tags, suggest)")
    .then_ignore(punct(Punct::Semi).or_not())
    .recover_with(skip_then_retry_until(
        any().ignored(),
        clause_start
            .or(just(Tok::P(Punct::RBrace)).ignored())
            .rewind(),
    ));

    let rule_head = any_word()
        .then(kebab(src))
        .map(|(code, name)| (Some(code), name))
        .or(kebab(src).map(|name| (None, name)));
    let rule = kw("rule")
        .ignore_then(rule_head)
        .then_ignore(punct(Punct::Colon))
        .then(any_word())
        .then_ignore(kw("on"))
        .then(any_word())
        .then(
            clause
                .repeated()
                .collect::<Vec<_>>()
                .delimited_by(punct(Punct::LBrace), punct(Punct::RBrace)),
        )
        .map(|((((code, name), severity), target), clauses)| {
            ItemKind::Rule(Rule {
                code,
                name,
                severity,
                target,
                clauses,
            })
        });

    // Test blocks.
    let source = select! { Tok::Raw(r) => r }
        .map_with(|r, e| (r, span_of(e.span())))
        .validate(|(r, span), e, emitter| {
            let kind = match r.kind {
                RawKind::Sql => TestSourceKind::Sql,
                RawKind::Hcl => TestSourceKind::Hcl,
                _ => {
                    emitter.emit(Rich::custom(
                        e.span(),
                        format!(
                            "[{E_STRING_KIND}] a state is sql\"...\", hcl\"...\" or a \"path\""
                        ),
                    ));
                    TestSourceKind::Sql
                }
            };
            TestSource {
                kind,
                text: cook_raw(&r),
                span,
                text_offset: r.body_start as u32,
            }
        })
        .or(str_lit().map(|s| TestSource {
            kind: TestSourceKind::Path,
            text: s.value,
            span: s.span,
            text_offset: s.span.start + 1,
        }))
        .labelled("sql\"...\", hcl\"...\" or a \"path\"");
    enum TestField {
        Before(TestSource),
        After(TestSource),
        Migration(TestSource),
        Expect(Expect),
        Params(Vec<Field>),
    }
    let expect = kw("expect")
        .ignore_then(
            kw("none").map(|s| (None, s)).or(kebab(src)
                .then(kw("at").ignore_then(str_lit()).or_not())
                .map(|(code, at)| (Some((code, at)), code_span_placeholder()))),
        )
        .map_with(|(what, none_span), e| match what {
            None => Expect::None(none_span),
            Some((code, at)) => Expect::Finding {
                code,
                at,
                span: span_of(e.span()),
            },
        })
        .map(TestField::Expect);
    let test_field = choice((
        kw("before")
            .ignore_then(punct(Punct::Assign))
            .ignore_then(source.clone())
            .map(TestField::Before),
        kw("after")
            .ignore_then(punct(Punct::Assign))
            .ignore_then(source.clone())
            .map(TestField::After),
        kw("migration")
            .ignore_then(punct(Punct::Assign))
            .ignore_then(source)
            .map(TestField::Migration),
        expect,
        kw("params")
            .ignore_then(
                field
                    .repeated()
                    .collect::<Vec<_>>()
                    .delimited_by(punct(Punct::LBrace), punct(Punct::RBrace)),
            )
            .map(TestField::Params),
    ))
    .labelled("`before`, `after`, `migration`, `expect` or `params`")
    .then_ignore(punct(Punct::Semi).or_not());
    let test = kw("test")
        .ignore_then(kebab(src))
        .then(str_lit())
        .then(any_word())
        .then(
            test_field
                .repeated()
                .collect::<Vec<_>>()
                .delimited_by(punct(Punct::LBrace), punct(Punct::RBrace)),
        )
        .map(|(((rule, title), dialect), fields)| {
            let mut t = Test {
                rule,
                title,
                dialect,
                before: None,
                after: None,
                migration: None,
                expects: Vec::new(),
                params: Vec::new(),
            };
            for f in fields {
                match f {
                    TestField::Before(s) => t.before = Some(s),
                    TestField::After(s) => t.after = Some(s),
                    TestField::Migration(s) => t.migration = Some(s),
                    TestField::Expect(x) => t.expects.push(x),
                    TestField::Params(p) => t.params.extend(p),
                }
            }
            ItemKind::Test(t)
        });

    choice((use_, param, let_, predicate, rule, test))
        .map_with(|k, e| (k, span_of(e.span())))
        .then_ignore(punct(Punct::Semi).repeated())
        .then_ignore(end())
}

fn code_span_placeholder() -> Span {
    Span::default()
}
