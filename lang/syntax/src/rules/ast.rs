//! The syntax tree of a rules file. Every node carries the byte span it was parsed from (file
//! offsets), so the checker, the formatter and the language server can point back at the source.

use crate::diag::Span;

/// A parsed `*.cairn` file: its items in source order. Items that failed to parse are absent
/// (their diagnostics say why); the rest are complete.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RulesFile {
    pub items: Vec<Item>,
}

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A `///` documentation block: the raw text (the comment markers and one following space
/// removed, lines joined by `\n`), and the same text split into a summary (the first
/// paragraph), further description, and `## Title` sections.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Doc {
    pub raw: String,
    pub span: Span,
    pub summary: String,
    /// Paragraphs after the summary and before the first section.
    pub body: String,
    pub sections: Vec<DocSection>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DocSection {
    pub title: String,
    pub body: String,
}

impl Doc {
    /// The body of the section titled `title` (compared case-insensitively).
    pub fn section(&self, title: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|s| s.title.eq_ignore_ascii_case(title))
            .map(|s| s.body.as_str())
    }
}

/// A top-level item and the documentation attached to it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    pub doc: Option<Doc>,
    pub kind: ItemKind,
    /// From the item keyword to its end (the doc comment is not included).
    pub span: Span,
    /// The item had syntax errors and was recovered (a broken clause skipped): it is kept for
    /// the editor's outline, but the checker does not check it, so one mistake is reported once.
    pub recovered: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ItemKind {
    Use(Use),
    Param(Param),
    Let(Let),
    Predicate(Predicate),
    Rule(Rule),
    Test(Test),
}

impl ItemKind {
    /// The item's keyword, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            ItemKind::Use(_) => "use",
            ItemKind::Param(_) => "param",
            ItemKind::Let(_) => "let",
            ItemKind::Predicate(_) => "predicate",
            ItemKind::Rule(_) => "rule",
            ItemKind::Test(_) => "test",
        }
    }
}

/// `use std` or `use "./naming.cairn" as naming`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Use {
    pub target: UseTarget,
    pub alias: Option<Ident>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum UseTarget {
    /// A built-in library by name (`std`).
    Builtin(Ident),
    /// Another rule file, by a path relative to this one.
    Path { path: String, span: Span },
}

/// `param name: type = default`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Expr,
}

/// `let name = expr`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Let {
    pub name: Ident,
    pub value: Expr,
}

/// `predicate name(a: t, ...) = expr`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Predicate {
    pub name: Ident,
    pub params: Vec<PredicateParam>,
    pub body: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PredicateParam {
    pub name: Ident,
    pub ty: TypeExpr,
}

/// A type as written: `int`, `table`, `string?`, `list[column]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeExprKind {
    Named(Ident),
    List(Box<TypeExpr>),
    Optional(Box<TypeExpr>),
}

/// `rule [CODE] kebab-name: severity on schema|plan { clauses }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rule {
    pub code: Option<Ident>,
    /// The kebab-case name (`drop-table`), spanning all its parts.
    pub name: Ident,
    pub severity: Ident,
    pub target: Ident,
    pub clauses: Vec<Clause>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Clause {
    pub kind: ClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClauseKind {
    /// `for x in EXPR`. (`for x in EXPR where COND` is parsed as a `For` followed by a `Where`.)
    For {
        var: Ident,
        iter: Expr,
    },
    Where(Expr),
    Require(Expr),
    /// `deny` with an optional condition.
    Deny(Option<Expr>),
    Message(Expr),
    Help(Expr),
    At(Expr),
    Dialects(Vec<Ident>),
    Tags(Vec<Ident>),
    /// `suggest "title" { key = expr ... }`.
    Suggest {
        title: Expr,
        fields: Vec<Field>,
    },
}

impl ClauseKind {
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::For { .. } => "for",
            ClauseKind::Where(_) => "where",
            ClauseKind::Require(_) => "require",
            ClauseKind::Deny(_) => "deny",
            ClauseKind::Message(_) => "message",
            ClauseKind::Help(_) => "help",
            ClauseKind::At(_) => "at",
            ClauseKind::Dialects(_) => "dialects",
            ClauseKind::Tags(_) => "tags",
            ClauseKind::Suggest { .. } => "suggest",
        }
    }
}

/// `key = expr` inside a `suggest` block.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    pub key: Ident,
    pub value: Expr,
}

/// `test CODE "title" dialect { before = ...; after = ...; expect ... }`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Test {
    /// The rule code (or rule name) under test.
    pub rule: Ident,
    pub title: StrLit,
    pub dialect: Ident,
    pub before: Option<TestSource>,
    pub after: Option<TestSource>,
    /// `migration = sql"..."`: a migration file applied to `before`, linted the way `cairn
    /// lint` lints one (its state after is `before` plus the file).
    pub migration: Option<TestSource>,
    pub expects: Vec<Expect>,
    /// `params { name = value ... }`: overrides of params for this case.
    pub params: Vec<Field>,
}

/// A string literal without interpolation, with its cooked value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// A state in a test: SQL or HCL text in the test's dialect, or a path to a file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TestSource {
    pub kind: TestSourceKind,
    pub text: String,
    pub span: Span,
    /// Where the text starts in the rules file (for mapping diagnostics back into it); for
    /// `"""` strings and `sql"..."` strings without escapes, offsets map one to one.
    pub text_offset: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TestSourceKind {
    Sql,
    Hcl,
    Path,
}

/// `expect CODE [at "text"]` or `expect none`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expect {
    None(Span),
    Finding {
        code: Ident,
        at: Option<StrLit>,
        span: Span,
    },
}

/// An expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    /// A piece that failed to parse (recovered); the checker ignores it.
    Error,
    Null,
    Bool(bool),
    Int(i64),
    /// A string: literal text and `{expr}` holes. A string without holes is one `Text` part
    /// (or none, when empty).
    Template(Vec<TemplatePart>),
    List(Vec<Expr>),
    /// A name: a bound variable, a `let`, a `param`, a global of the model, a module alias.
    Name(Ident),
    /// `base.field`.
    Field {
        base: Box<Expr>,
        field: Ident,
    },
    /// `f(args)`: a built-in function, a predicate, or `module.predicate(args)`.
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    /// `any(x in xs: cond)`, `all(...)`, `count(...)`.
    Quantifier {
        kind: Quantifier,
        var: Ident,
        iter: Box<Expr>,
        body: Box<Expr>,
    },
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `x is kind`, `x is null`, `x is not kind`.
    Is {
        expr: Box<Expr>,
        negated: bool,
        /// The kind name, or `null`.
        kind: Ident,
    },
    /// `x matches "regex"`.
    Matches {
        expr: Box<Expr>,
        regex: StrLit,
    },
    /// `cond ? a : b`.
    Cond {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TemplatePart {
    /// Literal text, escapes already applied.
    Text(String),
    Hole(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    Any,
    All,
    Count,
    /// `first(x in xs: cond)`: the first item satisfying the condition, or `null`.
    First,
}

impl Quantifier {
    pub fn name(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
            Quantifier::Count => "count",
            Quantifier::First => "first",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Contains,
    StartsWith,
    EndsWith,
    Coalesce,
    Add,
    Sub,
    Mul,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "in",
            BinaryOp::Contains => "contains",
            BinaryOp::StartsWith => "starts_with",
            BinaryOp::EndsWith => "ends_with",
            BinaryOp::Coalesce => "??",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
        }
    }
}

/// Dropping takes the tree apart without recursion, so that a pathologically deep expression
/// (the parser is fed anything) cannot overflow the stack.
impl Drop for Expr {
    fn drop(&mut self) {
        fn take(b: &mut Expr, stack: &mut Vec<ExprKind>) {
            stack.push(std::mem::replace(&mut b.kind, ExprKind::Error));
        }
        if matches!(
            self.kind,
            ExprKind::Error | ExprKind::Null | ExprKind::Bool(_) | ExprKind::Int(_)
        ) {
            return;
        }
        let mut stack = vec![std::mem::replace(&mut self.kind, ExprKind::Error)];
        while let Some(kind) = stack.pop() {
            match kind {
                ExprKind::Template(mut parts) => {
                    for p in &mut parts {
                        if let TemplatePart::Hole(h) = p {
                            take(h, &mut stack);
                        }
                    }
                }
                ExprKind::List(mut xs) => xs.iter_mut().for_each(|x| take(x, &mut stack)),
                ExprKind::Field { mut base, .. } => take(&mut base, &mut stack),
                ExprKind::Call {
                    mut callee,
                    mut args,
                } => {
                    take(&mut callee, &mut stack);
                    args.iter_mut().for_each(|x| take(x, &mut stack));
                }
                ExprKind::Quantifier {
                    mut iter, mut body, ..
                } => {
                    take(&mut iter, &mut stack);
                    take(&mut body, &mut stack);
                }
                ExprKind::Unary { mut expr, .. }
                | ExprKind::Is { mut expr, .. }
                | ExprKind::Matches { mut expr, .. } => take(&mut expr, &mut stack),
                ExprKind::Binary {
                    mut lhs, mut rhs, ..
                } => {
                    take(&mut lhs, &mut stack);
                    take(&mut rhs, &mut stack);
                }
                ExprKind::Cond {
                    mut cond,
                    mut then,
                    mut otherwise,
                } => {
                    take(&mut cond, &mut stack);
                    take(&mut then, &mut stack);
                    take(&mut otherwise, &mut stack);
                }
                _ => {}
            }
        }
    }
}

/// The depth of an expression tree, measured without recursion.
pub fn depth(e: &Expr) -> usize {
    let mut max = 0;
    let mut stack = vec![(e, 1usize)];
    while let Some((e, d)) = stack.pop() {
        max = max.max(d);
        let d = d + 1;
        match &e.kind {
            ExprKind::Template(parts) => {
                for p in parts {
                    if let TemplatePart::Hole(h) = p {
                        stack.push((h, d));
                    }
                }
            }
            ExprKind::List(xs) => stack.extend(xs.iter().map(|x| (x, d))),
            ExprKind::Field { base, .. } => stack.push((base, d)),
            ExprKind::Call { callee, args } => {
                stack.push((callee, d));
                stack.extend(args.iter().map(|x| (x, d)));
            }
            ExprKind::Quantifier { iter, body, .. } => {
                stack.push((iter, d));
                stack.push((body, d));
            }
            ExprKind::Unary { expr, .. }
            | ExprKind::Is { expr, .. }
            | ExprKind::Matches { expr, .. } => stack.push((expr, d)),
            ExprKind::Binary { lhs, rhs, .. } => {
                stack.push((lhs, d));
                stack.push((rhs, d));
            }
            ExprKind::Cond {
                cond,
                then,
                otherwise,
            } => {
                stack.push((cond, d));
                stack.push((then, d));
                stack.push((otherwise, d));
            }
            _ => {}
        }
    }
    max
}
