//! The compiled, resolved form of rule files: what the checker produces and the evaluator runs.
//! Names are resolved to slots, params, lets, predicates, globals and model fields; every
//! expression carries its type and span; regexes are compiled.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use cairn_ir::Dialect;
use cairn_syntax::rules::{BinaryOp, Doc, Quantifier, TestSource};
use cairn_syntax::{Diagnostic, Severity, Span};

use super::model;

/// A type of the rules language.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ty {
    /// Unknown (after an error): compatible with everything, so one mistake is one diagnostic.
    Any,
    /// The type of the `null` literal.
    Null,
    Bool,
    Int,
    Str,
    /// A model type by name (`table`, `change`, `state`...), from [`model::TYPES`].
    Obj(&'static str),
    /// Some model object whose type is not known statically (`c.before` of an un-narrowed
    /// change): any field of any model type may be read, and reads `null` where absent.
    Object,
    List(Box<Ty>),
    Opt(Box<Ty>),
}

impl Ty {
    pub fn opt(self) -> Ty {
        match self {
            Ty::Opt(_) | Ty::Null | Ty::Any => self,
            t => Ty::Opt(Box::new(t)),
        }
    }

    /// The type without its `?`.
    pub fn base(&self) -> &Ty {
        match self {
            Ty::Opt(t) => t,
            t => t,
        }
    }

    pub fn is_optional(&self) -> bool {
        matches!(self, Ty::Opt(_) | Ty::Null)
    }

    /// Parses a type as the model tables write it (`list[column]`, `int?`).
    pub fn from_desc(s: &str) -> Ty {
        if let Some(inner) = s.strip_suffix('?') {
            return Ty::from_desc(inner).opt();
        }
        if let Some(inner) = s.strip_prefix("list[").and_then(|r| r.strip_suffix(']')) {
            return Ty::List(Box::new(Ty::from_desc(inner)));
        }
        match s {
            "bool" => Ty::Bool,
            "int" => Ty::Int,
            "string" => Ty::Str,
            "object" => Ty::Object,
            name => match model::type_def(name) {
                Some(t) => Ty::Obj(t.name),
                None => Ty::Any,
            },
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::Any => f.write_str("unknown"),
            Ty::Null => f.write_str("null"),
            Ty::Bool => f.write_str("bool"),
            Ty::Int => f.write_str("int"),
            Ty::Str => f.write_str("string"),
            Ty::Obj(n) => f.write_str(n),
            Ty::Object => f.write_str("object"),
            Ty::List(t) => write!(f, "list[{t}]"),
            Ty::Opt(t) => write!(f, "{t}?"),
        }
    }
}

/// What a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Schema,
    Plan,
}

/// A compiled regex, compared by its pattern (so compiled rules can be salsa values).
#[derive(Clone, Debug)]
pub struct Regex(pub Arc<regex::Regex>);

impl PartialEq for Regex {
    fn eq(&self, other: &Regex) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}
impl Eq for Regex {}

/// A value of a `param`, from a default or from the project file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamValue {
    Bool(bool),
    Int(i64),
    Str(String),
    List(Vec<ParamValue>),
}

impl ParamValue {
    pub fn ty(&self) -> Ty {
        match self {
            ParamValue::Bool(_) => Ty::Bool,
            ParamValue::Int(_) => Ty::Int,
            ParamValue::Str(_) => Ty::Str,
            ParamValue::List(xs) => Ty::List(Box::new(xs.first().map_or(Ty::Any, |x| x.ty()))),
        }
    }
}

/// Everything compiled from one rules file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompiledRules {
    pub path: String,
    /// The rules of this file, in source order (a rule with errors is left out).
    pub rules: Vec<CompiledRule>,
    /// Params of this file and of the modules it uses.
    pub params: Vec<CompiledParam>,
    /// Lets of this file and of the modules it uses, in evaluation order of `let_order`.
    pub lets: Vec<CompiledLet>,
    pub let_order: Vec<usize>,
    /// Predicates of this file and of the modules it uses (`CExprKind::CallPredicate` indexes).
    pub predicates: Vec<CompiledPredicate>,
    pub tests: Vec<CompiledTest>,
    /// Diagnostics about this file (parse and check).
    pub diagnostics: Vec<Diagnostic>,
}

impl CompiledRules {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The rule with this code or name.
    pub fn rule(&self, code_or_name: &str) -> Option<&CompiledRule> {
        self.rules
            .iter()
            .find(|r| r.code.as_deref() == Some(code_or_name) || r.name == code_or_name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledRule {
    pub code: Option<String>,
    pub name: String,
    pub severity: Severity,
    pub target: Target,
    pub doc: Option<Doc>,
    pub tags: Vec<String>,
    /// `None`: every dialect.
    pub dialects: Option<Vec<String>>,
    pub file: String,
    /// The whole rule item.
    pub span: Span,
    /// The rule's name in its header (for go-to-definition and `nolint` hints).
    pub name_span: Span,
    pub steps: Vec<Step>,
    pub verdict: Verdict,
    pub message: Option<CExpr>,
    pub help: Option<CExpr>,
    pub at: Option<CExpr>,
    pub suggestions: Vec<CompiledSuggestion>,
    /// How many variable slots a binding of this rule needs.
    pub slots: usize,
}

impl CompiledRule {
    /// Whether the rule applies to `dialect` (`mysql` covers MariaDB unless `mariadb` is named).
    pub fn applies_to(&self, dialect: Dialect) -> bool {
        match &self.dialects {
            None => true,
            Some(names) => {
                let has = |n: &str| names.iter().any(|x| x == n);
                has(dialect.name())
                    || (dialect == Dialect::MARIADB && has("mysql") && !has("mariadb"))
            }
        }
    }

    /// `CODE name` or `name`, for messages.
    pub fn label(&self) -> String {
        match &self.code {
            Some(c) => format!("{c} {}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A `for` or a `where` of a rule body, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    For { slot: usize, iter: CExpr },
    Where(CExpr),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Require(CExpr),
    Deny(Option<CExpr>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledSuggestion {
    pub title: CExpr,
    /// A SQL statement to insert.
    pub sql: Option<CExpr>,
    /// A `renamed_from` hint to add.
    pub renamed_from: Option<CExpr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledParam {
    pub name: String,
    /// The module (file path, or `std`) that declares it.
    pub module: String,
    pub ty: Ty,
    pub default: ParamValue,
    pub doc: Option<Doc>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledLet {
    pub name: String,
    pub module: String,
    pub value: CExpr,
    /// Slots for quantifier variables in `value`.
    pub slots: usize,
    pub doc: Option<Doc>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledPredicate {
    pub name: String,
    pub module: String,
    pub params: Vec<(String, Ty)>,
    pub ret: Ty,
    pub body: CExpr,
    /// Slots for its arguments and quantifier variables.
    pub slots: usize,
    pub doc: Option<Doc>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompiledTest {
    /// The rule under test: an index into `CompiledRules::rules` (None when that rule did not
    /// compile).
    pub rule: Option<usize>,
    pub rule_ref: String,
    pub title: String,
    pub dialect: Dialect,
    pub before: Option<TestSource>,
    pub after: Option<TestSource>,
    /// A migration file applied to `before` (instead of `after`), linted as `cairn lint` does.
    pub migration: Option<TestSource>,
    /// Expected findings: a code and optionally the text the finding's span must start with.
    /// Empty means `expect none`.
    pub expects: Vec<(String, Option<String>)>,
    pub params: BTreeMap<String, ParamValue>,
    pub span: Span,
}

/// A built-in global.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Global {
    /// A field of the state the rule looks at (`tables`, `roles`...) or of the plan's scope
    /// (`changes`, `before`...), by its model name.
    Scope(&'static str),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Len,
    Lower,
    Upper,
    Str,
    Join,
    /// `human_count(n)`: `120M`, `1.2K`.
    HumanCount,
    /// `regex_match(s, pattern)`: `s matches pattern` with the regex given as a value.
    RegexMatch,
    /// `mentions(text, name)`: the text names the identifier as a whole word.
    Mentions,
    /// `substring_before(s, sep)` / `substring_after(s, sep)`: the part of `s` before (after)
    /// the first `sep`; null when `sep` does not occur.
    SubstringBefore,
    SubstringAfter,
    /// `version_matches(version, constraint)`: a dotted version against `<3.1.10`, `<=1.2`,
    /// `@1.4`, ... (see [`crate::rules::version`]); null when the version is null.
    VersionMatches,
}

/// A compiled expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CExpr {
    pub kind: CExprKind,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CExprKind {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Template(Vec<CPart>),
    List(Vec<CExpr>),
    /// A variable of the current frame.
    Local(usize),
    Param(usize),
    Let(usize),
    Global(Global),
    Field(Box<CExpr>, &'static str),
    Builtin(Builtin, Vec<CExpr>),
    CallPredicate(usize, Vec<CExpr>),
    Quantifier {
        kind: Quantifier,
        slot: usize,
        iter: Box<CExpr>,
        body: Box<CExpr>,
    },
    Not(Box<CExpr>),
    Neg(Box<CExpr>),
    Binary(BinaryOp, Box<CExpr>, Box<CExpr>),
    /// `x is kind` on a change.
    IsKind {
        expr: Box<CExpr>,
        kind: &'static str,
        negated: bool,
    },
    IsNull {
        expr: Box<CExpr>,
        negated: bool,
    },
    Matches(Box<CExpr>, Regex),
    Cond(Box<CExpr>, Box<CExpr>, Box<CExpr>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CPart {
    Text(String),
    Hole(CExpr),
}
