//! Parsing one top-level item (the text the scanner cut out) with hcl-edit, converted into a
//! plain, spanned AST that the lowering reads. Spans are relative to the item's text; the caller
//! shifts them by the item's offset in the file.
//!
//! Diagnostics: `E2001` syntax error (at the exact place hcl-edit stopped).

use hcl_edit::Decorate;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{BlockLabel, Body, Structure};
use hcl_edit::template::{Element, Template};

use crate::diag::{Diagnostic, Span};

/// A block: `ident "label"... { attributes and blocks }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockAst {
    pub ident: String,
    pub ident_span: Span,
    pub labels: Vec<LabelAst>,
    pub attributes: Vec<Attr>,
    pub blocks: Vec<BlockAst>,
    pub span: Span,
    /// Comments directly above the block (the text after `#` or `//`, trimmed), for directives
    /// such as `# atlas:nolint`.
    pub comments: Vec<String>,
}

impl BlockAst {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn blocks_named<'a>(&'a self, ident: &'a str) -> impl Iterator<Item = &'a BlockAst> + 'a {
        self.blocks.iter().filter(move |b| b.ident == ident)
    }

    /// The span of the first label (what names the object), else of the identifier.
    pub fn name_span(&self) -> Span {
        self.labels.last().map_or(self.ident_span, |l| l.span)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelAst {
    pub value: String,
    pub span: Span,
}

/// An attribute: `name = expr`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    pub name: String,
    pub name_span: Span,
    pub expr: HclExpr,
    pub span: Span,
}

/// The body of a parsed item: its attributes and blocks, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BodyAst {
    pub attributes: Vec<Attr>,
    pub blocks: Vec<BlockAst>,
}

/// An HCL expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HclExpr {
    Null(Span),
    Bool(bool, Span),
    /// A number as written.
    Number(String, Span),
    /// A string without interpolations (quoted or heredoc).
    String(String, Span),
    /// A string with interpolations (quoted or heredoc).
    Template(Vec<TemplatePart>, Span),
    /// `root.a.b[0]`; a bare variable is a traversal without steps.
    Traversal {
        root: String,
        steps: Vec<Step>,
        span: Span,
    },
    Call {
        name: String,
        args: Vec<HclExpr>,
        span: Span,
    },
    List(Vec<HclExpr>, Span),
    Object(Vec<(ObjKey, HclExpr)>, Span),
    Conditional {
        cond: Box<HclExpr>,
        then: Box<HclExpr>,
        otherwise: Box<HclExpr>,
        span: Span,
    },
    Unary {
        op: String,
        expr: Box<HclExpr>,
        span: Span,
    },
    Binary {
        op: String,
        lhs: Box<HclExpr>,
        rhs: Box<HclExpr>,
        span: Span,
    },
    Paren(Box<HclExpr>, Span),
    /// `[for k, v in coll : value if cond]` or `{for k, v in coll : key => value}`.
    For(Box<ForAst>, Span),
    /// What the converter does not support (template directives, splats), with its text.
    Unsupported(String, Span),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForAst {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: HclExpr,
    pub key: Option<HclExpr>,
    pub value: HclExpr,
    pub cond: Option<HclExpr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplatePart {
    Lit(String),
    Interp(HclExpr),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Attr(String, Span),
    Index(HclExpr),
    Splat(Span),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjKey {
    Ident(String),
    Expr(HclExpr),
}

impl HclExpr {
    pub fn span(&self) -> Span {
        match self {
            HclExpr::Null(s)
            | HclExpr::Bool(_, s)
            | HclExpr::Number(_, s)
            | HclExpr::String(_, s)
            | HclExpr::Template(_, s)
            | HclExpr::List(_, s)
            | HclExpr::Object(_, s)
            | HclExpr::Paren(_, s)
            | HclExpr::For(_, s)
            | HclExpr::Unsupported(_, s) => *s,
            HclExpr::Traversal { span, .. }
            | HclExpr::Call { span, .. }
            | HclExpr::Conditional { span, .. }
            | HclExpr::Unary { span, .. }
            | HclExpr::Binary { span, .. } => *span,
        }
    }

    /// The path of a traversal made only of attribute steps (`table.users.column.id` gives
    /// `["table", "users", "column", "id"]`).
    pub fn path(&self) -> Option<Vec<&str>> {
        let HclExpr::Traversal { root, steps, .. } = self else {
            return None;
        };
        let mut out = vec![root.as_str()];
        for s in steps {
            match s {
                Step::Attr(a, _) => out.push(a),
                _ => return None,
            }
        }
        Some(out)
    }
}

/// Parses the text of one item (a block or an attribute) into its AST.
/// The error is boxed: it is rare, and the success path should stay small.
pub fn parse_body(text: &str) -> Result<BodyAst, Box<Diagnostic>> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| Box::new(syntax_error(text, &e)))?;
    Ok(convert_body(text, &body))
}

fn syntax_error(text: &str, e: &hcl_edit::parser::Error) -> Diagnostic {
    let loc = e.location();
    // hcl-edit reports the offset where it stopped; the span covers the token there.
    let start = loc.offset().min(text.len());
    let end = token_end(text, start);
    let msg = e.message().trim();
    let msg = if msg.is_empty() {
        "invalid syntax"
    } else {
        msg
    };
    Diagnostic::error(
        "E2001",
        "",
        Span::new(start, end),
        format!("syntax error: {msg}"),
    )
}

fn token_end(text: &str, start: usize) -> usize {
    let rest = &text.as_bytes()[start..];
    let n = rest
        .iter()
        .position(|c| c.is_ascii_whitespace())
        .unwrap_or(rest.len());
    let mut end = start + n.max(1).min(rest.len());
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

fn span_of(x: &impl hcl_edit::Span) -> Span {
    x.span().map(Span::from).unwrap_or_default()
}

fn comments_of(prefix: Option<&hcl_edit::RawString>) -> Vec<String> {
    let Some(p) = prefix else {
        return Vec::new();
    };
    // After parsing, hcl-edit holds decor as the text itself.
    let raw: &str = p;
    raw.lines()
        .filter_map(|l| {
            let l = l.trim();
            l.strip_prefix('#')
                .or_else(|| l.strip_prefix("//"))
                .map(|c| c.trim().to_string())
        })
        .collect()
}

fn convert_body(text: &str, body: &Body) -> BodyAst {
    let mut out = BodyAst::default();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => out.attributes.push(Attr {
                name: a.key.as_str().to_string(),
                name_span: span_of(&a.key),
                expr: convert_expr(text, &a.value),
                span: span_of(a),
            }),
            Structure::Block(b) => {
                let inner = convert_body(text, &b.body);
                out.blocks.push(BlockAst {
                    ident: b.ident.as_str().to_string(),
                    ident_span: span_of(&b.ident),
                    labels: b
                        .labels
                        .iter()
                        .map(|l| LabelAst {
                            value: l.as_str().to_string(),
                            span: match l {
                                BlockLabel::Ident(i) => span_of(i),
                                BlockLabel::String(s) => span_of(s),
                            },
                        })
                        .collect(),
                    attributes: inner.attributes,
                    blocks: inner.blocks,
                    span: span_of(b),
                    comments: comments_of(b.decor().prefix()),
                });
            }
        }
    }
    out
}

fn convert_template(text: &str, t: &Template, span: Span) -> HclExpr {
    let mut parts = Vec::new();
    for el in t.iter() {
        match el {
            Element::Literal(l) => match parts.last_mut() {
                Some(TemplatePart::Lit(s)) => s.push_str(l.value()),
                _ => parts.push(TemplatePart::Lit(l.value().to_string())),
            },
            Element::Interpolation(i) => {
                parts.push(TemplatePart::Interp(convert_expr(text, &i.expr)))
            }
            Element::Directive(d) => {
                let s = span_of(&**d);
                return HclExpr::Unsupported(text.get(s.range()).unwrap_or("%{ }").to_string(), s);
            }
        }
    }
    match parts.as_slice() {
        [] => HclExpr::String(String::new(), span),
        [TemplatePart::Lit(s)] => HclExpr::String(s.clone(), span),
        _ => HclExpr::Template(parts, span),
    }
}

fn convert_expr(text: &str, e: &Expression) -> HclExpr {
    let span = span_of(e);
    match e {
        Expression::Null(_) => HclExpr::Null(span),
        Expression::Bool(b) => HclExpr::Bool(*b.value(), span),
        Expression::Number(n) => {
            let written = text.get(span.range()).unwrap_or_default().trim();
            let s = if written.is_empty() {
                n.value().to_string()
            } else {
                written.to_string()
            };
            HclExpr::Number(s, span)
        }
        Expression::String(s) => HclExpr::String(s.value().clone(), span),
        Expression::StringTemplate(t) => convert_template(text, t, span),
        Expression::HeredocTemplate(h) => convert_template(text, &h.template, span),
        Expression::Array(a) => {
            HclExpr::List(a.iter().map(|x| convert_expr(text, x)).collect(), span)
        }
        Expression::Object(o) => HclExpr::Object(
            o.iter()
                .map(|(k, v)| {
                    let key = match k {
                        ObjectKey::Ident(i) => ObjKey::Ident(i.as_str().to_string()),
                        ObjectKey::Expression(x) => match convert_expr(text, x) {
                            HclExpr::Traversal { root, steps, .. } if steps.is_empty() => {
                                ObjKey::Ident(root)
                            }
                            other => ObjKey::Expr(other),
                        },
                    };
                    (key, convert_expr(text, v.expr()))
                })
                .collect(),
            span,
        ),
        Expression::Parenthesis(p) => HclExpr::Paren(Box::new(convert_expr(text, p.inner())), span),
        Expression::Variable(v) => HclExpr::Traversal {
            root: v.as_str().to_string(),
            steps: Vec::new(),
            span,
        },
        Expression::Conditional(c) => HclExpr::Conditional {
            cond: Box::new(convert_expr(text, &c.cond_expr)),
            then: Box::new(convert_expr(text, &c.true_expr)),
            otherwise: Box::new(convert_expr(text, &c.false_expr)),
            span,
        },
        Expression::FuncCall(f) => {
            let mut name: String = f
                .name
                .namespace
                .iter()
                .map(|n| format!("{}::", n.as_str()))
                .collect();
            name.push_str(f.name.name.as_str());
            HclExpr::Call {
                name,
                args: f.args.iter().map(|a| convert_expr(text, a)).collect(),
                span,
            }
        }
        Expression::Traversal(t) => {
            let mut steps = Vec::new();
            for op in &t.operators {
                let s = span_of(op);
                steps.push(match op.value() {
                    TraversalOperator::GetAttr(i) => Step::Attr(i.as_str().to_string(), s),
                    TraversalOperator::Index(x) => Step::Index(convert_expr(text, x)),
                    TraversalOperator::LegacyIndex(n) => {
                        Step::Index(HclExpr::Number(n.value().to_string(), s))
                    }
                    TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                        Step::Splat(s)
                    }
                });
            }
            match convert_expr(text, &t.expr) {
                HclExpr::Traversal {
                    root,
                    steps: mut first,
                    ..
                } => {
                    first.extend(steps);
                    HclExpr::Traversal {
                        root,
                        steps: first,
                        span,
                    }
                }
                other => HclExpr::Unsupported(
                    text.get(span.range())
                        .map_or_else(|| format!("{other:?}"), str::to_string),
                    span,
                ),
            }
        }
        Expression::UnaryOp(u) => HclExpr::Unary {
            op: u.operator.value().as_str().to_string(),
            expr: Box::new(convert_expr(text, &u.expr)),
            span,
        },
        Expression::BinaryOp(b) => HclExpr::Binary {
            op: b.operator.value().as_str().to_string(),
            lhs: Box::new(convert_expr(text, &b.lhs_expr)),
            rhs: Box::new(convert_expr(text, &b.rhs_expr)),
            span,
        },
        Expression::ForExpr(f) => HclExpr::For(
            Box::new(ForAst {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: convert_expr(text, &f.intro.collection_expr),
                key: f.key_expr.as_ref().map(|k| convert_expr(text, k)),
                value: convert_expr(text, &f.value_expr),
                cond: f.cond.as_ref().map(|c| convert_expr(text, &c.expr)),
            }),
            span,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_references_calls_and_templates() {
        let text = r#"table "users" {
  column "id" { type = varchar(255) }
  x = [column.id, table.users.column.id]
  y = "FROM ${table.users.name} x"
  d = sql("now()")
}"#;
        let body = parse_body(text).unwrap();
        let t = &body.blocks[0];
        assert_eq!(t.ident, "table");
        assert_eq!(t.labels[0].value, "users");
        assert_eq!(&text[t.labels[0].span.range()], "\"users\"");
        let col = &t.blocks[0];
        assert!(
            matches!(&col.attr("type").unwrap().expr, HclExpr::Call { name, args, .. } if name == "varchar" && args.len() == 1)
        );
        let HclExpr::List(items, _) = &t.attr("x").unwrap().expr else {
            panic!()
        };
        assert_eq!(items[1].path().unwrap(), ["table", "users", "column", "id"]);
        assert_eq!(&text[items[1].span().range()], "table.users.column.id");
        let HclExpr::Template(parts, _) = &t.attr("y").unwrap().expr else {
            panic!()
        };
        assert_eq!(parts.len(), 3);
    }

    #[test]
    fn syntax_errors_point_at_the_problem() {
        let text = "table \"t\" {\n  column \"a\" { type = }\n}";
        let d = parse_body(text).unwrap_err();
        assert_eq!(d.code, "E2001");
        assert_eq!(crate::diag::line_col(text, d.span.start as usize).0, 2);
    }
}
