//! Name resolution and type checking of rule files, producing the compiled rule IR.
//!
//! Every mistake is a diagnostic with a span (and a "did you mean" where a name is close to a
//! known one); checking goes on after an error with the type `unknown`, which is compatible with
//! everything, so one mistake gives one diagnostic. Rules with errors are left out of the
//! compiled output; the rest of the file still compiles.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use cairn_ir::Dialect;
use cairn_syntax::diag::did_you_mean;
use cairn_syntax::rules::{
    self, BinaryOp, ClauseKind, Doc, Expect, Expr, ExprKind, Ident, ItemKind, ParsedRules,
    Quantifier, RulesFile, TemplatePart, TypeExpr, TypeExprKind, UnaryOp, UseTarget,
};
use cairn_syntax::{Diagnostic, Severity, Span};

use super::ir::*;
use super::model::{self, CHANGE_KINDS, DIALECTS};

/// An unknown name (variable, let, param, global, module).
pub const E_UNKNOWN_NAME: &str = "E4100";
/// An unknown field of a model type.
pub const E_UNKNOWN_FIELD: &str = "E4101";
/// An unknown function or predicate, or a call with the wrong number of arguments.
pub const E_UNKNOWN_CALL: &str = "E4102";
/// Types that do not fit together.
pub const E_TYPE: &str = "E4103";
/// A regex that does not compile.
pub const E_REGEX: &str = "E4104";
/// An unknown change kind after `is`.
pub const E_KIND: &str = "E4105";
/// An unknown type name in a declaration.
pub const E_UNKNOWN_TYPE: &str = "E4106";
/// A name or code declared twice.
pub const E_DUPLICATE: &str = "E4107";
/// A predicate or let that refers to itself, directly or not.
pub const E_RECURSION: &str = "E4108";
/// A condition (`where`, `require`, `deny`, `and`...) that is not `bool`.
pub const E_NOT_BOOL: &str = "E4109";
/// Warning: an ordering comparison or arithmetic on an optional value that may be null.
pub const W_OPTIONAL: &str = "E4110";
/// A bad rule header: code, name, severity, target or dialect.
pub const E_HEADER: &str = "E4111";
/// A rule body without exactly one `require` / `deny`, or with clauses out of place.
pub const E_BODY: &str = "E4112";
/// A test block that names no rule, no dialect, or expects nothing.
pub const E_TEST: &str = "E4113";
/// A `use` that cannot be resolved, or a module with errors.
pub const E_MODULE: &str = "E4114";
/// A `param` whose default is not a constant of its type, or an override of the wrong type.
pub const E_PARAM: &str = "E4115";
/// An `at` that does not name an object, a change or a statement.
pub const E_AT: &str = "E4117";
/// An unknown or mistyped field of a `suggest` block.
pub const E_SUGGEST: &str = "E4118";
/// Warning: a string compared with a field that never takes that value.
pub const W_VALUE: &str = "E4119";

/// The built-in predicate library (`use std`).
pub const STD_SOURCE: &str = include_str!("std.cairn");
pub const STD_PATH: &str = "<std>";

fn std_parsed() -> &'static ParsedRules {
    static STD: OnceLock<ParsedRules> = OnceLock::new();
    STD.get_or_init(|| rules::parse(STD_PATH, STD_SOURCE))
}

/// Joins a `use` path to the directory of the file that uses it, resolving `.` and `..`.
pub fn resolve_use_path(from_file: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = from_file.split('/').collect();
        p.pop();
        p
    };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(p) if *p != "..") && parts.last() != Some(&"") {
                    parts.pop();
                } else {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if target.starts_with('/') {
        format!("/{joined}")
    } else {
        joined
    }
}

/// A parsed module: borrowed (the entry file), shared (loaded through `load`) or the built-in
/// library.
enum Src<'a> {
    Borrowed(&'a ParsedRules),
    Shared(Arc<ParsedRules>),
}

impl Src<'_> {
    fn get(&self) -> &ParsedRules {
        match self {
            Src::Borrowed(p) => p,
            Src::Shared(p) => p,
        }
    }
}

/// What a `use` item of a module resolved to.
struct UseEdge {
    alias: Option<Ident>,
    target: usize,
    std: bool,
}

/// Checks the rules file `path` (parsed as `parsed`), resolving `use "..."` paths through
/// `load`, which gets the resolved path (see [`resolve_use_path`]) and returns the parsed file.
pub fn check(
    path: &str,
    parsed: &ParsedRules,
    load: &dyn Fn(&str) -> Option<Arc<ParsedRules>>,
) -> CompiledRules {
    // Phase 1: load every module the entry uses, breadth first.
    let mut srcs: Vec<(String, Src<'_>)> = vec![(path.to_string(), Src::Borrowed(parsed))];
    let mut edges: Vec<Vec<UseEdge>> = Vec::new();
    let mut used_at: Vec<Option<(usize, Span)>> = vec![None];
    let mut early: Vec<(usize, Diagnostic)> = Vec::new();
    let mut by_path: HashMap<String, usize> = HashMap::from([(path.to_string(), 0)]);
    let mut next = 0;
    while next < srcs.len() {
        let m = next;
        next += 1;
        let mut my_edges = Vec::new();
        let module_path = srcs[m].0.clone();
        let uses: Vec<(rules::Use, Span)> = srcs[m]
            .1
            .get()
            .file
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Use(u) => Some((u.clone(), i.span)),
                _ => None,
            })
            .collect();
        for (u, item_span) in uses {
            let (key, is_std, span) = match &u.target {
                UseTarget::Builtin(name) if name.name == "std" => {
                    (STD_PATH.to_string(), true, name.span)
                }
                UseTarget::Builtin(name) => {
                    early.push((
                        m,
                        Diagnostic::error(
                            E_MODULE,
                            &module_path,
                            name.span,
                            format!("unknown library `{}`", name.name),
                        )
                        .with_help(
                            "the built-in library is `std`; other rule files are used by path: use \"./naming.cairn\" as naming",
                        ),
                    ));
                    continue;
                }
                UseTarget::Path { path: p, span } => {
                    (resolve_use_path(&module_path, p), false, *span)
                }
            };
            let id = match by_path.get(&key) {
                Some(&id) => id,
                None => {
                    let loaded = if is_std {
                        Some(Arc::new(std_parsed().clone()))
                    } else {
                        load(&key)
                    };
                    let Some(loaded) = loaded else {
                        early.push((
                            m,
                            Diagnostic::error(
                                E_MODULE,
                                &module_path,
                                span,
                                format!("cannot find the rules file `{key}`"),
                            ),
                        ));
                        continue;
                    };
                    let errors = loaded.diagnostics.iter().filter(|d| d.is_error()).count();
                    if errors > 0 && m == 0 {
                        early.push((
                            0,
                            Diagnostic::error(
                                E_MODULE,
                                &module_path,
                                span,
                                format!(
                                    "{key} has {errors} syntax error{}",
                                    if errors == 1 { "" } else { "s" }
                                ),
                            ),
                        ));
                    }
                    let id = srcs.len();
                    srcs.push((key.clone(), Src::Shared(loaded)));
                    used_at.push(Some((m, item_span)));
                    by_path.insert(key, id);
                    id
                }
            };
            if !is_std && u.alias.is_none() {
                early.push((
                    m,
                    Diagnostic::error(
                        E_MODULE,
                        &module_path,
                        span,
                        "name the module: use \"./file.cairn\" as name",
                    ),
                ));
            }
            my_edges.push(UseEdge {
                alias: u.alias.clone(),
                target: id,
                std: is_std,
            });
        }
        edges.push(my_edges);
    }

    // Phase 2: declare, then check.
    let mut c = Checker {
        modules: Vec::new(),
        lets: Vec::new(),
        let_order: Vec::new(),
        params: Vec::new(),
        preds: Vec::new(),
        diags: early,
    };
    for (i, (p, src)) in srcs.iter().enumerate() {
        c.modules.push(Module {
            path: p.clone(),
            file: &src.get().file,
            uses_std: None,
            imports: HashMap::new(),
            lets: HashMap::new(),
            params: HashMap::new(),
            preds: HashMap::new(),
            used_at: used_at[i],
        });
    }
    for (m, es) in edges.into_iter().enumerate() {
        for e in es {
            if let Some(alias) = e.alias {
                let previous = c.modules[m].imports.insert(alias.name.clone(), e.target);
                if previous.is_some() {
                    let msg = format!("`{}` names two modules", alias.name);
                    c.err(m, E_DUPLICATE, alias.span, msg);
                }
            } else if e.std {
                c.modules[m].uses_std = Some(e.target);
            }
        }
    }
    c.declare();
    for i in 0..c.preds.len() {
        c.pred_ret(i, None);
    }
    for i in 0..c.lets.len() {
        c.let_ty(i, None);
    }
    let mut out = CompiledRules {
        path: path.to_string(),
        diagnostics: parsed.diagnostics.clone(),
        ..CompiledRules::default()
    };
    c.rules_and_tests(&mut out);
    out.params = c.params.clone();
    out.let_order = c.let_order.clone();
    for l in &c.lets {
        out.lets.push(l.done.clone().unwrap_or_else(|| CompiledLet {
            name: l.name.clone(),
            module: c.modules[l.module].path.clone(),
            value: CExpr::null(l.span),
            slots: 0,
            doc: None,
            span: l.span,
        }));
    }
    for p in &c.preds {
        out.predicates
            .push(p.done.clone().unwrap_or_else(|| CompiledPredicate {
                name: p.name.clone(),
                module: c.modules[p.module].path.clone(),
                params: Vec::new(),
                ret: Ty::Any,
                body: CExpr::null(p.span),
                slots: 0,
                doc: None,
                span: p.span,
            }));
    }
    // Diagnostics about other files are summarised at the `use` that brought them in.
    let mut per_module: BTreeMap<usize, usize> = BTreeMap::new();
    for (m, d) in std::mem::take(&mut c.diags) {
        if m == 0 {
            out.diagnostics.push(d);
        } else if d.is_error() {
            *per_module.entry(m).or_default() += 1;
        }
    }
    for (m, n) in per_module {
        // Walk up to the use in the entry file that (indirectly) brought the module in.
        let mut at = c.modules[m].used_at;
        let mut guard = 0;
        while let Some((from, _)) = at
            && from != 0
            && guard < c.modules.len()
        {
            at = c.modules[from].used_at;
            guard += 1;
        }
        if let Some((0, span)) = at {
            out.diagnostics.push(Diagnostic::error(
                E_MODULE,
                path,
                span,
                format!(
                    "{} has {n} error{}",
                    c.modules[m].path,
                    if n == 1 { "" } else { "s" }
                ),
            ));
        }
    }
    out.diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.code).cmp(&(b.span.start, b.span.end, &b.code))
    });
    out.diagnostics.dedup();
    out
}

impl CExpr {
    fn null(span: Span) -> CExpr {
        CExpr {
            kind: CExprKind::Null,
            ty: Ty::Any,
            span,
        }
    }

    fn error(span: Span) -> CExpr {
        CExpr::null(span)
    }
}

/// A param default or a test's param value: a literal, a negative literal, or a list of them.
fn const_value(e: &Expr) -> Option<ParamValue> {
    match &e.kind {
        ExprKind::Bool(b) => Some(ParamValue::Bool(*b)),
        ExprKind::Int(i) => Some(ParamValue::Int(*i)),
        ExprKind::Unary {
            op: UnaryOp::Neg,
            expr,
        } => match expr.kind {
            ExprKind::Int(i) => Some(ParamValue::Int(i.saturating_neg())),
            _ => None,
        },
        ExprKind::Template(parts) => {
            let mut s = String::new();
            for p in parts {
                match p {
                    TemplatePart::Text(t) => s.push_str(t),
                    TemplatePart::Hole(_) => return None,
                }
            }
            Some(ParamValue::Str(s))
        }
        ExprKind::List(xs) => xs
            .iter()
            .map(const_value)
            .collect::<Option<Vec<_>>>()
            .map(ParamValue::List),
        _ => None,
    }
}

/// Whether a value of type `from` may stand where `to` is expected.
pub fn assignable(from: &Ty, to: &Ty) -> bool {
    match (from, to) {
        (Ty::Any, _) | (_, Ty::Any) => true,
        (Ty::Null, Ty::Opt(_)) => true,
        (Ty::Opt(a), Ty::Opt(b)) => assignable(a, b),
        // Null-safe: a `T?` may be passed where a `T` is expected (it reads as null).
        (Ty::Opt(a), b) => assignable(a, b),
        (a, Ty::Opt(b)) => assignable(a, b),
        (Ty::Obj(_), Ty::Object) | (Ty::Object, Ty::Obj(_)) => true,
        // Views and materialized views, functions and procedures, share their fields.
        (Ty::Obj(a), Ty::Obj(b)) => {
            a == b
                || matches!(
                    (*a, *b),
                    ("view", "materialized_view")
                        | ("materialized_view", "view")
                        | ("function", "procedure")
                        | ("procedure", "function")
                )
        }
        (Ty::List(a), Ty::List(b)) => assignable(a, b),
        (a, b) => a == b,
    }
}

/// The type both may be: for `??`, `? :`, list literals and comparisons.
fn unify(a: &Ty, b: &Ty) -> Option<Ty> {
    Some(match (a, b) {
        (Ty::Any, t) | (t, Ty::Any) => t.clone(),
        (Ty::Null, Ty::Null) => Ty::Null,
        (Ty::Null, t) | (t, Ty::Null) => t.clone().opt(),
        (Ty::Opt(x), Ty::Opt(y)) => unify(x, y)?.opt(),
        (Ty::Opt(x), y) | (y, Ty::Opt(x)) => unify(x, y)?.opt(),
        (Ty::Obj(_), Ty::Object) | (Ty::Object, Ty::Obj(_)) => Ty::Object,
        (Ty::List(x), Ty::List(y)) => Ty::List(Box::new(unify(x, y)?)),
        (x, y) if x == y => x.clone(),
        _ => return None,
    })
}

fn is_bool(t: &Ty) -> bool {
    matches!(t.base(), Ty::Bool | Ty::Any) || *t == Ty::Null
}

struct Module<'p> {
    path: String,
    file: &'p RulesFile,
    uses_std: Option<usize>,
    imports: HashMap<String, usize>,
    lets: HashMap<String, usize>,
    params: HashMap<String, usize>,
    preds: HashMap<String, usize>,
    used_at: Option<(usize, Span)>,
}

#[derive(PartialEq)]
enum State {
    Todo,
    InProgress,
    Done,
}

struct LetSlot<'p> {
    name: String,
    module: usize,
    ast: &'p rules::Let,
    doc: Option<Doc>,
    span: Span,
    state: State,
    ty: Ty,
    done: Option<CompiledLet>,
}

struct PredSlot<'p> {
    name: String,
    module: usize,
    ast: &'p rules::Predicate,
    doc: Option<Doc>,
    span: Span,
    params: Vec<(String, Ty)>,
    state: State,
    ret: Ty,
    done: Option<CompiledPredicate>,
}

struct Checker<'p> {
    modules: Vec<Module<'p>>,
    lets: Vec<LetSlot<'p>>,
    let_order: Vec<usize>,
    params: Vec<CompiledParam>,
    preds: Vec<PredSlot<'p>>,
    /// (module, diagnostic).
    diags: Vec<(usize, Diagnostic)>,
}

/// Where an expression stands: what it may see.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scope {
    Rule(Target),
    Predicate,
    Let,
}

/// A variable in scope.
struct Local {
    name: String,
    slot: usize,
    ty: Ty,
}

/// The checking context of one rule, predicate or let.
struct Cx {
    module: usize,
    scope: Scope,
    locals: Vec<Local>,
    max_slots: usize,
    /// Paths known not to be null here (`c.rows` after `c.rows != null and ...`).
    non_null: Vec<String>,
    /// Change kinds a variable is narrowed to (`c is drop_column`), innermost last.
    kinds: Vec<(String, Vec<&'static str>)>,
}

impl Cx {
    fn new(module: usize, scope: Scope) -> Cx {
        Cx {
            module,
            scope,
            locals: Vec::new(),
            max_slots: 0,
            non_null: Vec::new(),
            kinds: Vec::new(),
        }
    }

    fn bind(&mut self, name: &str, ty: Ty) -> usize {
        let slot = self.locals.len();
        self.locals.push(Local {
            name: name.to_string(),
            slot,
            ty,
        });
        self.max_slots = self.max_slots.max(self.locals.len());
        slot
    }

    fn unbind(&mut self) {
        self.locals.pop();
    }

    fn local(&self, name: &str) -> Option<&Local> {
        self.locals.iter().rev().find(|l| l.name == name)
    }

    fn kinds_of(&self, name: &str) -> Option<&[&'static str]> {
        self.kinds
            .iter()
            .rev()
            .find(|(s, _)| s == name)
            .map(|(_, k)| k.as_slice())
    }

    /// Adds what `cond` being true (or false) tells; returns the marks to [`Cx::forget`] to.
    fn assume(&mut self, cond: &Expr, truth: bool) -> (usize, usize) {
        let marks = (self.non_null.len(), self.kinds.len());
        if truth {
            facts_when_true(cond, &mut self.non_null, &mut self.kinds);
        } else {
            facts_when_false(cond, &mut self.non_null);
        }
        marks
    }

    fn forget(&mut self, marks: (usize, usize)) {
        self.non_null.truncate(marks.0);
        self.kinds.truncate(marks.1);
    }
}

/// The canonical text of a path expression (`c.table.rows`), for null and kind facts.
fn path_key(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Name(n) => Some(n.name.clone()),
        ExprKind::Field { base, field } => Some(format!("{}.{}", path_key(base)?, field.name)),
        _ => None,
    }
}

/// Facts that hold when `e` is true: paths that are not null, and change kinds of variables.
fn facts_when_true(
    e: &Expr,
    non_null: &mut Vec<String>,
    kinds: &mut Vec<(String, Vec<&'static str>)>,
) {
    match &e.kind {
        ExprKind::Binary {
            op: BinaryOp::And,
            lhs,
            rhs,
            ..
        } => {
            facts_when_true(lhs, non_null, kinds);
            facts_when_true(rhs, non_null, kinds);
        }
        ExprKind::Binary {
            op: BinaryOp::Or,
            lhs,
            rhs,
            ..
        } => {
            // Kind facts survive an `or` when both sides narrow the same variable.
            let (mut n1, mut k1, mut n2, mut k2) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            facts_when_true(lhs, &mut n1, &mut k1);
            facts_when_true(rhs, &mut n2, &mut k2);
            for (v, ks) in k1 {
                if let Some((_, ks2)) = k2.iter().find(|(v2, _)| *v2 == v) {
                    let mut all = ks.clone();
                    all.extend(ks2.iter().copied());
                    kinds.push((v, all));
                }
            }
            for p in n1 {
                if n2.contains(&p) {
                    non_null.push(p);
                }
            }
        }
        ExprKind::Binary {
            op: BinaryOp::Ne,
            lhs,
            rhs,
            ..
        } => {
            if matches!(rhs.kind, ExprKind::Null)
                && let Some(p) = path_key(lhs)
            {
                non_null.push(p);
            } else if matches!(lhs.kind, ExprKind::Null)
                && let Some(p) = path_key(rhs)
            {
                non_null.push(p);
            }
        }
        ExprKind::Binary {
            op: BinaryOp::Eq | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge,
            lhs,
            rhs,
            ..
        } => {
            // `x == 3` or `x > 3` being true means x is not null.
            for side in [lhs, rhs] {
                if !matches!(side.kind, ExprKind::Null)
                    && let Some(p) = path_key(side)
                {
                    let other = if std::ptr::eq(side.as_ref(), lhs.as_ref()) {
                        rhs
                    } else {
                        lhs
                    };
                    if !matches!(other.kind, ExprKind::Null) {
                        non_null.push(p);
                    }
                }
            }
        }
        ExprKind::Is {
            expr,
            negated,
            kind,
        } => {
            if let Some(p) = path_key(expr) {
                if kind.name == "null" {
                    if *negated {
                        non_null.push(p);
                    }
                } else if !*negated && let Some(k) = CHANGE_KINDS.iter().find(|k| **k == kind.name)
                {
                    kinds.push((p, vec![*k]));
                }
            }
        }
        _ => {}
    }
}

/// Facts that hold when `e` is false (the right side of an `or`, the else branch).
fn facts_when_false(e: &Expr, non_null: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Binary {
            op: BinaryOp::Or,
            lhs,
            rhs,
            ..
        } => {
            facts_when_false(lhs, non_null);
            facts_when_false(rhs, non_null);
        }
        ExprKind::Binary {
            op: BinaryOp::Eq,
            lhs,
            rhs,
            ..
        } => {
            if matches!(rhs.kind, ExprKind::Null)
                && let Some(p) = path_key(lhs)
            {
                non_null.push(p);
            }
        }
        ExprKind::Is {
            expr,
            negated: false,
            kind,
        } if kind.name == "null" => {
            if let Some(p) = path_key(expr) {
                non_null.push(p);
            }
        }
        ExprKind::Unary {
            op: UnaryOp::Not,
            expr,
        } => {
            let mut ignored = Vec::new();
            facts_when_true(expr, non_null, &mut ignored);
        }
        _ => {}
    }
}

fn did_you_mean_help(d: &mut Diagnostic, suggestion: Option<&str>) {
    if let Some(s) = suggestion {
        d.help = Some(format!("did you mean `{s}`?"));
        d.suggestion = Some(cairn_syntax::Suggestion {
            title: format!("change to `{s}`"),
            file: d.file.clone(),
            span: d.span,
            replacement: s.to_string(),
        });
    }
}

fn regex_error_text(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(s) => s
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or(s)
            .trim()
            .trim_start_matches("error: ")
            .to_string(),
        regex::Error::CompiledTooBig(_) => "the regex is too large".to_string(),
        other => other.to_string(),
    }
}

/// Compiles a regex literal of a rule file (size-limited, so a rule cannot blow up memory).
pub fn compile_regex(pattern: &str) -> Result<Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .dfa_size_limit(1 << 20)
        .build()
        .map(|r| Regex(Arc::new(r)))
        .map_err(|e| regex_error_text(&e))
}

impl<'p> Checker<'p> {
    fn err(&mut self, m: usize, code: &str, span: Span, msg: impl Into<String>) -> &mut Diagnostic {
        let file = self.modules[m].path.clone();
        self.diags
            .push((m, Diagnostic::error(code, &file, span, msg)));
        &mut self.diags.last_mut().expect("just pushed").1
    }

    fn warn(
        &mut self,
        m: usize,
        code: &str,
        span: Span,
        msg: impl Into<String>,
    ) -> &mut Diagnostic {
        let file = self.modules[m].path.clone();
        self.diags
            .push((m, Diagnostic::warning(code, &file, span, msg)));
        &mut self.diags.last_mut().expect("just pushed").1
    }

    /// Declares every module's lets, params and predicates.
    fn declare(&mut self) {
        for m in 0..self.modules.len() {
            let file = self.modules[m].file;
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for item in &file.items {
                let name = match &item.kind {
                    ItemKind::Let(l) => &l.name,
                    ItemKind::Param(p) => &p.name,
                    ItemKind::Predicate(p) => &p.name,
                    _ => continue,
                };
                if let Some(prev) = seen.get(name.name.as_str()).copied() {
                    let msg = format!("`{}` is declared twice in this file", name.name);
                    let path = self.modules[m].path.clone();
                    self.err(m, E_DUPLICATE, name.span, msg)
                        .labels
                        .push(cairn_syntax::Label {
                            file: path,
                            span: prev,
                            message: "first declared here".into(),
                        });
                    continue;
                }
                seen.insert(&name.name, name.span);
                match &item.kind {
                    ItemKind::Let(l) => {
                        let id = self.lets.len();
                        self.lets.push(LetSlot {
                            name: l.name.name.clone(),
                            module: m,
                            ast: l,
                            doc: item.doc.clone(),
                            span: item.span,
                            state: State::Todo,
                            ty: Ty::Any,
                            done: None,
                        });
                        self.modules[m].lets.insert(l.name.name.clone(), id);
                    }
                    ItemKind::Param(p) => {
                        let ty = self.resolve_type(m, &p.ty, false);
                        let default = match const_value(&p.default) {
                            Some(v) => {
                                let vt = v.ty();
                                if !assignable(&vt, &ty) {
                                    let msg = format!(
                                        "the default of `{}` is {vt}, not {ty}",
                                        p.name.name
                                    );
                                    self.err(m, E_PARAM, p.default.span, msg);
                                }
                                v
                            }
                            None => {
                                self.err(
                                    m,
                                    E_PARAM,
                                    p.default.span,
                                    "a param's default is a constant: a number, a string, true, false, or a list of them",
                                );
                                ParamValue::Bool(false)
                            }
                        };
                        let id = self.params.len();
                        self.params.push(CompiledParam {
                            name: p.name.name.clone(),
                            module: self.modules[m].path.clone(),
                            ty,
                            default,
                            doc: item.doc.clone(),
                            span: item.span,
                        });
                        self.modules[m].params.insert(p.name.name.clone(), id);
                    }
                    ItemKind::Predicate(p) => {
                        let mut params = Vec::new();
                        let mut pseen = HashSet::new();
                        for a in &p.params {
                            if !pseen.insert(a.name.name.as_str()) {
                                let msg = format!("`{}` is declared twice", a.name.name);
                                self.err(m, E_DUPLICATE, a.name.span, msg);
                            }
                            let ty = self.resolve_type(m, &a.ty, true);
                            params.push((a.name.name.clone(), ty));
                        }
                        let id = self.preds.len();
                        self.preds.push(PredSlot {
                            name: p.name.name.clone(),
                            module: m,
                            ast: p,
                            doc: item.doc.clone(),
                            span: item.span,
                            params,
                            state: State::Todo,
                            ret: Ty::Any,
                            done: None,
                        });
                        self.modules[m].preds.insert(p.name.name.clone(), id);
                    }
                    _ => {}
                }
            }
        }
    }

    /// A declared type. Params (`objects == false`) take scalars and lists of scalars.
    fn resolve_type(&mut self, m: usize, t: &TypeExpr, objects: bool) -> Ty {
        match &t.kind {
            TypeExprKind::Optional(inner) => self.resolve_type(m, inner, objects).opt(),
            TypeExprKind::List(inner) => Ty::List(Box::new(self.resolve_type(m, inner, objects))),
            TypeExprKind::Named(id) => {
                let ty = match id.name.as_str() {
                    "bool" => Some(Ty::Bool),
                    "int" => Some(Ty::Int),
                    "string" => Some(Ty::Str),
                    "object" if objects => Some(Ty::Object),
                    "plan" => None,
                    n if objects => model::type_def(n).map(|d| Ty::Obj(d.name)),
                    _ => None,
                };
                if let Some(t) = ty {
                    return t;
                }
                let candidates: Vec<&str> = if objects {
                    model::declarable_types().collect()
                } else {
                    vec!["bool", "int", "string", "list"]
                };
                let s = did_you_mean(&id.name, candidates.iter().copied());
                let what = if objects { "type" } else { "param type" };
                let d = self.err(
                    m,
                    E_UNKNOWN_TYPE,
                    id.span,
                    format!("unknown {what} `{}`", id.name),
                );
                did_you_mean_help(d, s);
                if s.is_none() && !objects {
                    d.help = Some("a param is bool, int, string, or list[...] of them".into());
                }
                Ty::Any
            }
        }
    }

    /// The return type of predicate `i`, checking it first if needed; `call` is the call site
    /// (module, span), for the recursion diagnostic.
    fn pred_ret(&mut self, i: usize, call: Option<(usize, Span)>) -> Ty {
        match self.preds[i].state {
            State::Done => return self.preds[i].ret.clone(),
            State::InProgress => {
                if let Some((m, span)) = call {
                    let msg = format!(
                        "predicate `{}` calls itself (directly or through others): rules always terminate, so recursion is not allowed",
                        self.preds[i].name
                    );
                    self.err(m, E_RECURSION, span, msg);
                }
                return Ty::Any;
            }
            State::Todo => {}
        }
        self.preds[i].state = State::InProgress;
        let m = self.preds[i].module;
        let ast = self.preds[i].ast;
        let mut cx = Cx::new(m, Scope::Predicate);
        for (name, ty) in self.preds[i].params.clone() {
            cx.bind(&name, ty);
        }
        let body = self.expr(&mut cx, &ast.body);
        let ret = body.ty.clone();
        let p = &mut self.preds[i];
        p.ret = ret.clone();
        p.state = State::Done;
        p.done = Some(CompiledPredicate {
            name: p.name.clone(),
            module: self.modules[m].path.clone(),
            params: p.params.clone(),
            ret: ret.clone(),
            body,
            slots: cx.max_slots,
            doc: p.doc.clone(),
            span: p.span,
        });
        ret
    }

    fn let_ty(&mut self, i: usize, use_at: Option<(usize, Span)>) -> Ty {
        match self.lets[i].state {
            State::Done => return self.lets[i].ty.clone(),
            State::InProgress => {
                if let Some((m, span)) = use_at {
                    let msg = format!("`{}` is defined in terms of itself", self.lets[i].name);
                    self.err(m, E_RECURSION, span, msg);
                }
                return Ty::Any;
            }
            State::Todo => {}
        }
        self.lets[i].state = State::InProgress;
        let m = self.lets[i].module;
        let ast = self.lets[i].ast;
        let mut cx = Cx::new(m, Scope::Let);
        let value = self.expr(&mut cx, &ast.value);
        let ty = value.ty.clone();
        let l = &mut self.lets[i];
        l.ty = ty.clone();
        l.state = State::Done;
        l.done = Some(CompiledLet {
            name: l.name.clone(),
            module: self.modules[m].path.clone(),
            value,
            slots: cx.max_slots,
            doc: l.doc.clone(),
            span: l.span,
        });
        self.let_order.push(i);
        ty
    }

    /// The globals visible in a scope.
    fn globals(scope: Scope) -> &'static [model::FieldDef] {
        match scope {
            Scope::Rule(Target::Schema) => model::type_def("state").map_or(&[], |t| t.fields),
            Scope::Rule(Target::Plan) => model::type_def("plan").map_or(&[], |t| t.fields),
            Scope::Predicate | Scope::Let => &[],
        }
    }

    fn visible_names(&self, cx: &Cx) -> Vec<String> {
        let mut v: Vec<String> = cx.locals.iter().map(|l| l.name.clone()).collect();
        let m = &self.modules[cx.module];
        v.extend(m.lets.keys().cloned());
        v.extend(m.params.keys().cloned());
        v.extend(m.imports.keys().cloned());
        v.extend(Self::globals(cx.scope).iter().map(|f| f.name.to_string()));
        if cx.scope != Scope::Let {
            v.push("dialect".into());
        }
        v
    }

    fn name(&mut self, cx: &mut Cx, id: &Ident) -> CExpr {
        let span = id.span;
        let mk = |kind, ty| CExpr { kind, ty, span };
        if let Some(l) = cx.local(&id.name) {
            let ty = if cx.non_null.contains(&id.name) {
                l.ty.base().clone()
            } else {
                l.ty.clone()
            };
            return mk(CExprKind::Local(l.slot), ty);
        }
        let m = cx.module;
        if let Some(&i) = self.modules[m].lets.get(&id.name) {
            let ty = self.let_ty(i, Some((m, span)));
            return mk(CExprKind::Let(i), ty);
        }
        if let Some(&i) = self.modules[m].params.get(&id.name) {
            return mk(CExprKind::Param(i), self.params[i].ty.clone());
        }
        if let Some(g) = Self::globals(cx.scope).iter().find(|f| f.name == id.name) {
            return mk(
                CExprKind::Global(Global::Scope(g.name)),
                Ty::from_desc(g.ty),
            );
        }
        if id.name == "dialect" && cx.scope == Scope::Predicate {
            return mk(CExprKind::Global(Global::Scope("dialect")), Ty::Str);
        }
        if self.modules[m].imports.contains_key(&id.name) {
            let msg = format!(
                "`{}` is a module: use its items as `{}.name`",
                id.name, id.name
            );
            self.err(m, E_UNKNOWN_NAME, span, msg);
            return CExpr::error(span);
        }
        let names = self.visible_names(cx);
        let s = did_you_mean(&id.name, names.iter().map(String::as_str)).map(str::to_string);
        let other_scope = [Target::Schema, Target::Plan].into_iter().find(|t| {
            Self::globals(Scope::Rule(*t))
                .iter()
                .any(|f| f.name == id.name)
        });
        let msg = match (cx.scope, other_scope) {
            (Scope::Rule(_), Some(t)) => format!(
                "`{}` is a global of `on {}` rules, not of this rule",
                id.name,
                if t == Target::Plan { "plan" } else { "schema" }
            ),
            (Scope::Predicate, Some(_)) => format!(
                "predicates do not see globals like `{}`: pass what they need as arguments",
                id.name
            ),
            (Scope::Let, Some(_)) => format!("a `let` cannot read the model global `{}`", id.name),
            _ => format!("unknown name `{}`", id.name),
        };
        let d = self.err(m, E_UNKNOWN_NAME, span, msg);
        did_you_mean_help(d, s.as_deref());
        CExpr::error(span)
    }

    /// The type of field `field` of an object of type `base`, with the checker's knowledge of
    /// narrowed change kinds (`kinds`).
    fn field_type(
        &mut self,
        m: usize,
        base_ty: &Ty,
        field: &Ident,
        kinds: Option<&[&'static str]>,
    ) -> Option<(&'static str, Ty)> {
        match base_ty.base() {
            Ty::Any => Some((leak_field(&field.name)?, Ty::Any)),
            Ty::Obj(tn) => {
                let def = model::type_def(tn)?;
                match def.field(&field.name) {
                    Some(f) => {
                        let mut ty = Ty::from_desc(f.ty);
                        if *tn == "change" && (f.name == "before" || f.name == "after") {
                            ty = change_side(kinds, f.name == "after");
                        }
                        Some((f.name, ty))
                    }
                    None => {
                        let s = did_you_mean(&field.name, def.fields.iter().map(|f| f.name));
                        let msg = format!("`{}` has no field `{}`", def.name, field.name);
                        let d = self.err(m, E_UNKNOWN_FIELD, field.span, msg);
                        did_you_mean_help(d, s);
                        if s.is_none() {
                            let names: Vec<&str> = def.fields.iter().map(|f| f.name).collect();
                            d.help = Some(format!("its fields: {}", names.join(", ")));
                        }
                        None
                    }
                }
            }
            Ty::Object => {
                let mut found: Option<(&'static str, Ty)> = None;
                let mut mixed = false;
                for def in model::TYPES {
                    if matches!(def.name, "state" | "plan") {
                        continue;
                    }
                    if let Some(f) = def.field(&field.name) {
                        let ty = Ty::from_desc(f.ty);
                        match &found {
                            None => found = Some((f.name, ty)),
                            Some((_, t)) if *t != ty => mixed = true,
                            _ => {}
                        }
                    }
                }
                match found {
                    Some((n, t)) => Some((n, if mixed { Ty::Any } else { t.opt() })),
                    None => {
                        let all: Vec<&str> = model::TYPES
                            .iter()
                            .flat_map(|d| d.fields.iter().map(|f| f.name))
                            .collect();
                        let s = did_you_mean(&field.name, all);
                        let msg = format!("no object of the model has a field `{}`", field.name);
                        let d = self.err(m, E_UNKNOWN_FIELD, field.span, msg);
                        did_you_mean_help(d, s);
                        None
                    }
                }
            }
            other => {
                let msg = format!("{other} has no fields (`.{}`)", field.name);
                self.err(m, E_UNKNOWN_FIELD, field.span, msg);
                None
            }
        }
    }

    fn expr(&mut self, cx: &mut Cx, e: &Expr) -> CExpr {
        let span = e.span;
        let m = cx.module;
        let mk = |kind, ty| CExpr { kind, ty, span };
        match &e.kind {
            ExprKind::Error => CExpr::error(span),
            ExprKind::Null => mk(CExprKind::Null, Ty::Null),
            ExprKind::Bool(b) => mk(CExprKind::Bool(*b), Ty::Bool),
            ExprKind::Int(i) => mk(CExprKind::Int(*i), Ty::Int),
            ExprKind::Template(parts) => {
                if parts.is_empty() {
                    return mk(CExprKind::Str(String::new()), Ty::Str);
                }
                if let [TemplatePart::Text(t)] = parts.as_slice() {
                    return mk(CExprKind::Str(t.clone()), Ty::Str);
                }
                let mut out = Vec::new();
                for p in parts {
                    match p {
                        TemplatePart::Text(t) => out.push(CPart::Text(t.clone())),
                        TemplatePart::Hole(h) => out.push(CPart::Hole(self.expr(cx, h))),
                    }
                }
                mk(CExprKind::Template(out), Ty::Str)
            }
            ExprKind::List(xs) => {
                let mut items = Vec::new();
                let mut ty = Ty::Any;
                let mut reported = false;
                for x in xs {
                    let c = self.expr(cx, x);
                    match unify(&ty, &c.ty) {
                        Some(t) => ty = t,
                        None if !reported => {
                            reported = true;
                            let msg = format!("a list holds one type: {ty} and {}", c.ty);
                            self.err(m, E_TYPE, c.span, msg);
                        }
                        None => {}
                    }
                    items.push(c);
                }
                mk(CExprKind::List(items), Ty::List(Box::new(ty)))
            }
            ExprKind::Name(id) => self.name(cx, id),
            ExprKind::Field { base, field } => {
                // `module.item`.
                if let ExprKind::Name(n) = &base.kind
                    && cx.local(&n.name).is_none()
                    && let Some(&target) = self.modules[m].imports.get(&n.name)
                {
                    if let Some(&i) = self.modules[target].lets.get(&field.name) {
                        let ty = self.let_ty(i, Some((m, span)));
                        return mk(CExprKind::Let(i), ty);
                    }
                    if let Some(&i) = self.modules[target].params.get(&field.name) {
                        return mk(CExprKind::Param(i), self.params[i].ty.clone());
                    }
                    let names: Vec<String> = self.modules[target]
                        .lets
                        .keys()
                        .chain(self.modules[target].params.keys())
                        .cloned()
                        .collect();
                    let s = did_you_mean(&field.name, names.iter().map(String::as_str))
                        .map(str::to_string);
                    let msg = format!("module `{}` has no let or param `{}`", n.name, field.name);
                    let d = self.err(m, E_UNKNOWN_NAME, field.span, msg);
                    did_you_mean_help(d, s.as_deref());
                    return CExpr::error(span);
                }
                let b = self.expr(cx, base);
                let kinds = match &b.kind {
                    CExprKind::Local(_) => {
                        path_key(base).and_then(|k| cx.kinds_of(&k).map(<[_]>::to_vec))
                    }
                    _ => None,
                };
                let Some((fname, mut ty)) = self.field_type(m, &b.ty, field, kinds.as_deref())
                else {
                    return CExpr::error(span);
                };
                if b.ty.is_optional() {
                    ty = ty.opt();
                }
                if let Some(k) = path_key(e)
                    && cx.non_null.contains(&k)
                {
                    ty = ty.base().clone();
                }
                mk(CExprKind::Field(Box::new(b), fname), ty)
            }
            ExprKind::Call { callee, args } => self.call(cx, callee, args, span),
            ExprKind::Quantifier {
                kind,
                var,
                iter,
                body,
            } => {
                let it = self.expr(cx, iter);
                let elem = self.elem_type(m, &it);
                let slot = cx.bind(&var.name, elem.clone());
                let b = self.expr(cx, body);
                cx.unbind();
                self.want_bool(m, &b, &format!("the condition of {}(...)", kind.name()));
                let ty = match kind {
                    Quantifier::Count => Ty::Int,
                    Quantifier::First => elem.opt(),
                    _ => Ty::Bool,
                };
                mk(
                    CExprKind::Quantifier {
                        kind: *kind,
                        slot,
                        iter: Box::new(it),
                        body: Box::new(b),
                    },
                    ty,
                )
            }
            ExprKind::Unary { op, expr } => {
                let x = self.expr(cx, expr);
                match op {
                    UnaryOp::Not => {
                        self.want_bool(m, &x, "the operand of `not`");
                        mk(CExprKind::Not(Box::new(x)), Ty::Bool)
                    }
                    UnaryOp::Neg => {
                        if !matches!(x.ty.base(), Ty::Int | Ty::Any) {
                            let msg = format!("`-` takes an int, not {}", x.ty);
                            self.err(m, E_TYPE, x.span, msg);
                        }
                        let ty = if x.ty.is_optional() {
                            Ty::Int.opt()
                        } else {
                            Ty::Int
                        };
                        mk(CExprKind::Neg(Box::new(x)), ty)
                    }
                }
            }
            ExprKind::Binary {
                op,
                op_span,
                lhs,
                rhs,
            } => self.binary(cx, *op, *op_span, lhs, rhs, span),
            ExprKind::Is {
                expr,
                negated,
                kind,
            } => {
                let x = self.expr(cx, expr);
                if kind.name == "null" {
                    return mk(
                        CExprKind::IsNull {
                            expr: Box::new(x),
                            negated: *negated,
                        },
                        Ty::Bool,
                    );
                }
                if !matches!(x.ty.base(), Ty::Obj("change") | Ty::Any | Ty::Object) {
                    let msg = format!(
                        "only changes have kinds (`c is drop_table`); this is {}",
                        x.ty
                    );
                    self.err(m, E_TYPE, x.span, msg).help =
                        Some("`is null` and `is not null` work on any value".into());
                    return CExpr::error(span);
                }
                match CHANGE_KINDS.iter().find(|k| **k == kind.name) {
                    Some(k) => mk(
                        CExprKind::IsKind {
                            expr: Box::new(x),
                            kind: k,
                            negated: *negated,
                        },
                        Ty::Bool,
                    ),
                    None => {
                        let s = did_you_mean(&kind.name, CHANGE_KINDS.iter().copied());
                        let msg = format!("unknown change kind `{}`", kind.name);
                        let d = self.err(m, E_KIND, kind.span, msg);
                        did_you_mean_help(d, s);
                        CExpr::error(span)
                    }
                }
            }
            ExprKind::Matches { expr, regex } => {
                let x = self.expr(cx, expr);
                if !matches!(x.ty.base(), Ty::Str | Ty::Any | Ty::Null) {
                    let msg = format!("`matches` tests a string, not {}", x.ty);
                    self.err(m, E_TYPE, x.span, msg);
                }
                match compile_regex(&regex.value) {
                    Ok(r) => mk(CExprKind::Matches(Box::new(x), r), Ty::Bool),
                    Err(why) => {
                        let msg = format!("this regex does not compile: {why}");
                        self.err(m, E_REGEX, regex.span, msg);
                        CExpr::error(span)
                    }
                }
            }
            ExprKind::Cond {
                cond,
                then,
                otherwise,
            } => {
                let c = self.expr(cx, cond);
                self.want_bool(m, &c, "the condition of `? :`");
                let marks = cx.assume(cond, true);
                let t = self.expr(cx, then);
                cx.forget(marks);
                let marks = cx.assume(cond, false);
                let o = self.expr(cx, otherwise);
                cx.forget(marks);
                let ty = match unify(&t.ty, &o.ty) {
                    Some(t) => t,
                    None => {
                        let msg = format!("the two branches differ: {} and {}", t.ty, o.ty);
                        self.err(m, E_TYPE, span, msg);
                        Ty::Any
                    }
                };
                mk(CExprKind::Cond(Box::new(c), Box::new(t), Box::new(o)), ty)
            }
        }
    }

    /// The element type of something iterated (`for`, quantifiers).
    fn elem_type(&mut self, m: usize, it: &CExpr) -> Ty {
        match it.ty.base() {
            Ty::List(t) => (**t).clone(),
            Ty::Any | Ty::Null => Ty::Any,
            other => {
                let msg = format!("this iterates over a list, but it is {other}");
                self.err(m, E_TYPE, it.span, msg);
                Ty::Any
            }
        }
    }

    fn want_bool(&mut self, m: usize, x: &CExpr, what: &str) {
        if !is_bool(&x.ty) {
            let msg = format!("{what} must be bool, but it is {}", x.ty);
            self.err(m, E_NOT_BOOL, x.span, msg);
        }
    }

    fn optional_warning(&mut self, cx: &Cx, x: &CExpr, src: &Expr, what: &str) {
        if x.ty.is_optional() && x.ty != Ty::Null {
            let known = path_key(src).is_some_and(|k| cx.non_null.contains(&k));
            if !known {
                let msg = format!(
                    "{what} an optional value ({}): it is null when unknown, and the comparison is then false",
                    x.ty
                );
                self.warn(cx.module, W_OPTIONAL, x.span, msg).help = Some(
                    "say what null means: `(x ?? 0) > n`, or test `x != null and ...` first".into(),
                );
            }
        }
    }

    fn value_warning(&mut self, m: usize, field: &CExpr, lit: &CExpr) {
        let (CExprKind::Field(base, name), CExprKind::Str(s)) = (&field.kind, &lit.kind) else {
            return;
        };
        let Ty::Obj(tn) = base.ty.base() else { return };
        let Some(f) = model::type_def(tn).and_then(|d| d.field(name)) else {
            return;
        };
        if f.values.is_empty() || f.values.contains(&s.as_str()) {
            return;
        }
        let sug = did_you_mean(s, f.values.iter().copied());
        let msg = format!(
            "`{}.{}` is never \"{s}\"; it is one of: {}",
            tn,
            name,
            f.values.join(", ")
        );
        let d = self.warn(m, W_VALUE, lit.span, msg);
        if let Some(v) = sug {
            d.help = Some(format!("did you mean \"{v}\"?"));
            d.suggestion = Some(cairn_syntax::Suggestion {
                title: format!("change to \"{v}\""),
                file: d.file.clone(),
                span: d.span,
                replacement: format!("\"{v}\""),
            });
        }
    }

    fn binary(
        &mut self,
        cx: &mut Cx,
        op: BinaryOp,
        op_span: Span,
        lhs: &Expr,
        rhs: &Expr,
        span: Span,
    ) -> CExpr {
        let m = cx.module;
        let l = self.expr(cx, lhs);
        // The right side of `and` knows the left is true; of `or`, that it is false.
        let r = match op {
            BinaryOp::And => {
                let marks = cx.assume(lhs, true);
                let r = self.expr(cx, rhs);
                cx.forget(marks);
                r
            }
            BinaryOp::Or => {
                let marks = cx.assume(lhs, false);
                let r = self.expr(cx, rhs);
                cx.forget(marks);
                r
            }
            _ => self.expr(cx, rhs),
        };
        let sym = op.symbol();
        let mismatch = |c: &mut Self, l: &CExpr, r: &CExpr| {
            let msg = format!("`{sym}` cannot take {} and {}", l.ty, r.ty);
            let file = c.modules[m].path.clone();
            c.err(m, E_TYPE, op_span, msg).labels.extend([
                cairn_syntax::Label {
                    file: file.clone(),
                    span: l.span,
                    message: format!("this is {}", l.ty),
                },
                cairn_syntax::Label {
                    file,
                    span: r.span,
                    message: format!("this is {}", r.ty),
                },
            ]);
        };
        let ty = match op {
            BinaryOp::And | BinaryOp::Or => {
                self.want_bool(m, &l, &format!("the left side of `{sym}`"));
                self.want_bool(m, &r, &format!("the right side of `{sym}`"));
                Ty::Bool
            }
            BinaryOp::Eq | BinaryOp::Ne => {
                if unify(l.ty.base(), r.ty.base()).is_none() && l.ty != Ty::Null && r.ty != Ty::Null
                {
                    mismatch(self, &l, &r);
                }
                self.value_warning(m, &l, &r);
                self.value_warning(m, &r, &l);
                Ty::Bool
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let ok = matches!(
                    (l.ty.base(), r.ty.base()),
                    (Ty::Int, Ty::Int) | (Ty::Str, Ty::Str) | (Ty::Any, _) | (_, Ty::Any)
                ) && !matches!(
                    (l.ty.base(), r.ty.base()),
                    (Ty::Any, Ty::Obj(_) | Ty::List(_) | Ty::Bool)
                        | (Ty::Obj(_) | Ty::List(_) | Ty::Bool, Ty::Any)
                );
                if !ok {
                    mismatch(self, &l, &r);
                } else {
                    self.optional_warning(cx, &l, lhs, "this compares");
                    self.optional_warning(cx, &r, rhs, "this compares");
                }
                Ty::Bool
            }
            BinaryOp::In | BinaryOp::Contains => {
                let (item, coll) = if op == BinaryOp::In {
                    (&l, &r)
                } else {
                    (&r, &l)
                };
                let ok = match coll.ty.base() {
                    Ty::List(t) => unify(item.ty.base(), t.base()).is_some(),
                    Ty::Str => matches!(item.ty.base(), Ty::Str | Ty::Any),
                    Ty::Any | Ty::Null => true,
                    _ => false,
                };
                if !ok {
                    mismatch(self, &l, &r);
                }
                Ty::Bool
            }
            BinaryOp::StartsWith | BinaryOp::EndsWith => {
                let ok = match (l.ty.base(), r.ty.base()) {
                    (Ty::Str, Ty::Str) => true,
                    (Ty::List(a), Ty::List(b)) => unify(a, b).is_some(),
                    (Ty::Any, _) | (_, Ty::Any) | (Ty::Null, _) | (_, Ty::Null) => true,
                    _ => false,
                };
                if !ok {
                    mismatch(self, &l, &r);
                }
                Ty::Bool
            }
            BinaryOp::Coalesce => match unify(l.ty.base(), &r.ty) {
                Some(t) => {
                    if r.ty.is_optional() {
                        t.opt()
                    } else {
                        t.base().clone()
                    }
                }
                None => {
                    mismatch(self, &l, &r);
                    Ty::Any
                }
            },
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul => {
                let base = match (l.ty.base(), r.ty.base()) {
                    (Ty::Int, Ty::Int) => Ty::Int,
                    (Ty::Str, Ty::Str) if op == BinaryOp::Add => Ty::Str,
                    (Ty::Any, t) | (t, Ty::Any)
                        if matches!(t, Ty::Int | Ty::Any)
                            || (op == BinaryOp::Add && *t == Ty::Str) =>
                    {
                        t.clone()
                    }
                    _ => {
                        mismatch(self, &l, &r);
                        Ty::Any
                    }
                };
                if l.ty.is_optional() || r.ty.is_optional() {
                    base.opt()
                } else {
                    base
                }
            }
        };
        CExpr {
            kind: CExprKind::Binary(op, Box::new(l), Box::new(r)),
            ty,
            span,
        }
    }

    fn call(&mut self, cx: &mut Cx, callee: &Expr, args: &[Expr], span: Span) -> CExpr {
        let m = cx.module;
        // Which predicate (or built-in) is called?
        let (name, target_module, name_span) = match &callee.kind {
            ExprKind::Name(n) => (n, None, n.span),
            ExprKind::Field { base, field } => match &base.kind {
                ExprKind::Name(b) if self.modules[m].imports.contains_key(&b.name) => (
                    field,
                    self.modules[m].imports.get(&b.name).copied(),
                    field.span,
                ),
                _ => {
                    self.err(
                        m,
                        E_UNKNOWN_CALL,
                        callee.span,
                        "only predicates and built-in functions can be called",
                    );
                    return CExpr::error(span);
                }
            },
            _ => {
                self.err(
                    m,
                    E_UNKNOWN_CALL,
                    callee.span,
                    "only predicates and built-in functions can be called",
                );
                return CExpr::error(span);
            }
        };
        let compiled: Vec<CExpr> = args.iter().map(|a| self.expr(cx, a)).collect();
        if target_module.is_none() {
            let builtin = match name.name.as_str() {
                "len" => Some(Builtin::Len),
                "lower" => Some(Builtin::Lower),
                "upper" => Some(Builtin::Upper),
                "str" => Some(Builtin::Str),
                "join" => Some(Builtin::Join),
                "human_count" => Some(Builtin::HumanCount),
                "regex_match" => Some(Builtin::RegexMatch),
                "mentions" => Some(Builtin::Mentions),
                "substring_before" => Some(Builtin::SubstringBefore),
                "substring_after" => Some(Builtin::SubstringAfter),
                "version_matches" => Some(Builtin::VersionMatches),
                _ => None,
            };
            if let Some(b) = builtin {
                return self.builtin(m, b, name, compiled, span);
            }
            if matches!(name.name.as_str(), "any" | "all" | "count") {
                let msg = format!("write `{}(x in list: condition)`", name.name);
                self.err(m, E_UNKNOWN_CALL, span, msg);
                return CExpr::error(span);
            }
        }
        let pred = match target_module {
            Some(t) => self.modules[t].preds.get(&name.name).copied(),
            None => self.modules[m].preds.get(&name.name).copied().or_else(|| {
                self.modules[m]
                    .uses_std
                    .and_then(|s| self.modules[s].preds.get(&name.name).copied())
            }),
        };
        let Some(p) = pred else {
            let mut candidates: Vec<String> = match target_module {
                Some(t) => self.modules[t].preds.keys().cloned().collect(),
                None => {
                    let mut v: Vec<String> = self.modules[m].preds.keys().cloned().collect();
                    if let Some(s) = self.modules[m].uses_std {
                        v.extend(self.modules[s].preds.keys().cloned());
                    }
                    v.extend(
                        [
                            "len",
                            "lower",
                            "upper",
                            "str",
                            "join",
                            "human_count",
                            "regex_match",
                            "mentions",
                            "substring_before",
                            "substring_after",
                            "version_matches",
                        ]
                        .map(String::from),
                    );
                    v
                }
            };
            candidates.sort();
            let s =
                did_you_mean(&name.name, candidates.iter().map(String::as_str)).map(str::to_string);
            let in_std =
                target_module.is_none()
                    && self.modules[m].uses_std.is_none()
                    && std_parsed().file.items.iter().any(
                        |i| matches!(&i.kind, ItemKind::Predicate(p) if p.name.name == name.name),
                    );
            let msg = format!("unknown predicate or function `{}`", name.name);
            let d = self.err(m, E_UNKNOWN_CALL, name_span, msg);
            did_you_mean_help(d, s.as_deref());
            if in_std {
                d.help = Some("it is in the built-in library: add `use std`".into());
            }
            return CExpr::error(span);
        };
        let ret = self.pred_ret(p, Some((m, name_span)));
        let params = self.preds[p].params.clone();
        if params.len() != compiled.len() {
            let msg = format!(
                "`{}` takes {} argument{}, not {}",
                name.name,
                params.len(),
                if params.len() == 1 { "" } else { "s" },
                compiled.len()
            );
            self.err(m, E_UNKNOWN_CALL, span, msg);
            return CExpr::error(span);
        }
        for ((pname, pty), a) in params.iter().zip(&compiled) {
            if !assignable(&a.ty, pty) {
                let msg = format!("`{}` expects {pty} for `{pname}`, not {}", name.name, a.ty);
                self.err(m, E_TYPE, a.span, msg);
            }
        }
        CExpr {
            kind: CExprKind::CallPredicate(p, compiled),
            ty: ret,
            span,
        }
    }

    fn builtin(
        &mut self,
        m: usize,
        b: Builtin,
        name: &Ident,
        args: Vec<CExpr>,
        span: Span,
    ) -> CExpr {
        let arity = if matches!(
            b,
            Builtin::Join
                | Builtin::RegexMatch
                | Builtin::Mentions
                | Builtin::SubstringBefore
                | Builtin::SubstringAfter
                | Builtin::VersionMatches
        ) {
            2
        } else {
            1
        };
        if args.len() != arity {
            let msg = format!(
                "`{}` takes {arity} argument{}, not {}",
                name.name,
                if arity == 1 { "" } else { "s" },
                args.len()
            );
            self.err(m, E_UNKNOWN_CALL, span, msg);
            return CExpr::error(span);
        }
        let a = &args[0];
        let opt = a.ty.is_optional();
        let bad = |c: &mut Self, want: &str| {
            let msg = format!("`{}` takes {want}, not {}", name.name, a.ty);
            c.err(m, E_TYPE, a.span, msg);
        };
        let ty = match b {
            Builtin::Len => {
                if !matches!(a.ty.base(), Ty::Str | Ty::List(_) | Ty::Any | Ty::Null) {
                    bad(self, "a string or a list");
                }
                if opt { Ty::Int.opt() } else { Ty::Int }
            }
            Builtin::Lower | Builtin::Upper => {
                if !matches!(a.ty.base(), Ty::Str | Ty::Any | Ty::Null) {
                    bad(self, "a string");
                }
                if opt { Ty::Str.opt() } else { Ty::Str }
            }
            Builtin::Str => Ty::Str,
            Builtin::RegexMatch => {
                for x in &args {
                    if !matches!(x.ty.base(), Ty::Str | Ty::Any | Ty::Null) {
                        let msg = format!("`regex_match` takes strings, not {}", x.ty);
                        self.err(m, E_TYPE, x.span, msg);
                    }
                }
                Ty::Bool
            }
            Builtin::Mentions => {
                for x in &args {
                    if !matches!(x.ty.base(), Ty::Str | Ty::Any | Ty::Null) {
                        let msg = format!("`mentions` takes strings, not {}", x.ty);
                        self.err(m, E_TYPE, x.span, msg);
                    }
                }
                Ty::Bool
            }
            Builtin::SubstringBefore | Builtin::SubstringAfter => {
                for x in &args {
                    if !matches!(x.ty.base(), Ty::Str | Ty::Any | Ty::Null) {
                        let msg = format!("`{}` takes strings, not {}", name.name, x.ty);
                        self.err(m, E_TYPE, x.span, msg);
                    }
                }
                Ty::Str.opt()
            }
            Builtin::VersionMatches => {
                for x in &args {
                    if !matches!(x.ty.base(), Ty::Str | Ty::Any | Ty::Null) {
                        let msg = format!("`version_matches` takes strings, not {}", x.ty);
                        self.err(m, E_TYPE, x.span, msg);
                    }
                }
                Ty::Bool.opt()
            }
            Builtin::HumanCount => {
                if !matches!(a.ty.base(), Ty::Int | Ty::Any | Ty::Null) {
                    bad(self, "an int");
                }
                if opt { Ty::Str.opt() } else { Ty::Str }
            }
            Builtin::Join => {
                if !matches!(a.ty.base(), Ty::List(_) | Ty::Any | Ty::Null) {
                    bad(self, "a list");
                }
                if !matches!(args[1].ty.base(), Ty::Str | Ty::Any) {
                    let msg = format!("`join` takes a string separator, not {}", args[1].ty);
                    self.err(m, E_TYPE, args[1].span, msg);
                }
                Ty::Str
            }
        };
        CExpr {
            kind: CExprKind::Builtin(b, args),
            ty,
            span,
        }
    }
}

/// The static name of a field that some model type has.
fn leak_field(name: &str) -> Option<&'static str> {
    model::TYPES
        .iter()
        .flat_map(|t| t.fields.iter())
        .find(|f| f.name == name)
        .map(|f| f.name)
}

/// The type of `c.before` / `c.after` given the kinds `c` is narrowed to.
fn change_side(kinds: Option<&[&'static str]>, after: bool) -> Ty {
    let Some(kinds) = kinds.filter(|k| !k.is_empty()) else {
        return Ty::Object.opt();
    };
    let sides: Vec<Option<&str>> = kinds
        .iter()
        .map(|k| model::change_side_type(k, after))
        .collect();
    let present: Vec<&str> = sides.iter().flatten().copied().collect();
    if present.is_empty() {
        return Ty::Null;
    }
    let first = present[0];
    let ty = if present.iter().all(|t| *t == first) {
        Ty::from_desc(first)
    } else {
        Ty::Object
    };
    if present.len() == sides.len() {
        ty
    } else {
        ty.opt()
    }
}

/// `[A-Z]{2,4}[0-9]{3}`.
pub fn is_rule_code(s: &str) -> bool {
    let letters = s.chars().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = &s[letters..];
    (2..=4).contains(&letters) && digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit())
}

/// Lower-case words of letters and digits joined by single `-`, starting with a letter.
pub fn is_kebab(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

impl Checker<'_> {
    fn errors_in_entry(&self) -> usize {
        self.diags
            .iter()
            .filter(|(m, d)| *m == 0 && d.is_error())
            .count()
    }

    fn rules_and_tests(&mut self, out: &mut CompiledRules) {
        let file = self.modules[0].file;
        // Code or name -> index into `out.rules` (None when the rule did not compile).
        let mut known: HashMap<String, Option<usize>> = HashMap::new();
        let mut first_decl: HashMap<String, Span> = HashMap::new();
        for item in &file.items {
            let ItemKind::Rule(r) = &item.kind else {
                continue;
            };
            let mut duplicate = false;
            for id in r.code.iter().chain([&r.name]) {
                if let Some(prev) = first_decl.get(&id.name).copied() {
                    duplicate = true;
                    let msg = format!("`{}` names two rules in this file", id.name);
                    let path = self.modules[0].path.clone();
                    self.err(0, E_DUPLICATE, id.span, msg)
                        .labels
                        .push(cairn_syntax::Label {
                            file: path,
                            span: prev,
                            message: "first used here".into(),
                        });
                } else {
                    first_decl.insert(id.name.clone(), id.span);
                }
            }
            let before = self.errors_in_entry();
            // A rule the parser recovered is not checked: its syntax error is its diagnostic.
            let compiled = if item.recovered {
                None
            } else {
                self.rule(item, r)
            };
            let ok = self.errors_in_entry() == before && !duplicate;
            let index = match compiled {
                Some(c) if ok => {
                    out.rules.push(c);
                    Some(out.rules.len() - 1)
                }
                _ => None,
            };
            for id in r.code.iter().chain([&r.name]) {
                known.entry(id.name.clone()).or_insert(index);
            }
        }
        for item in &file.items {
            if let ItemKind::Test(t) = &item.kind
                && !item.recovered
                && let Some(ct) = self.test(item.span, t, &known, out)
            {
                out.tests.push(ct);
            }
        }
    }

    fn rule(&mut self, item: &rules::Item, r: &rules::Rule) -> Option<CompiledRule> {
        let m = 0;
        if let Some(code) = &r.code
            && !is_rule_code(&code.name)
        {
            let msg = format!(
                "`{}` is not a rule code: two to four capital letters and three digits (DS102, ACME001)",
                code.name
            );
            self.err(m, E_HEADER, code.span, msg);
        }
        if !is_kebab(&r.name.name) {
            let msg = format!(
                "`{}` is not a kebab-case name: lower-case words joined by `-`, without spaces",
                r.name.name
            );
            self.err(m, E_HEADER, r.name.span, msg);
        }
        let severity = match r.severity.name.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            "info" => Severity::Info,
            "hint" => Severity::Hint,
            other => {
                let s = did_you_mean(other, ["error", "warning", "info", "hint"]);
                let msg = format!("unknown severity `{other}`: error, warning, info or hint");
                let d = self.err(m, E_HEADER, r.severity.span, msg);
                did_you_mean_help(d, s);
                Severity::Warning
            }
        };
        let target = match r.target.name.as_str() {
            "schema" => Target::Schema,
            "plan" => Target::Plan,
            other => {
                let s = did_you_mean(other, ["schema", "plan"]);
                let msg = format!("a rule is `on schema` or `on plan`, not `on {other}`");
                let d = self.err(m, E_HEADER, r.target.span, msg);
                did_you_mean_help(d, s);
                return None;
            }
        };
        let mut cx = Cx::new(m, Scope::Rule(target));
        let mut steps = Vec::new();
        let mut verdict: Option<Verdict> = None;
        let mut message = None;
        let mut help = None;
        let mut at = None;
        let mut dialects: Option<Vec<String>> = None;
        let mut tags = Vec::new();
        let mut later: Vec<&rules::Clause> = Vec::new();
        let mut once: HashMap<&str, Span> = HashMap::new();
        for clause in &r.clauses {
            let kw = clause.kind.keyword();
            if matches!(kw, "message" | "help" | "at" | "dialects" | "tags")
                && let Some(prev) = once.insert(kw, clause.span)
            {
                let msg = format!("a rule has one `{kw}` clause");
                let path = self.modules[m].path.clone();
                self.err(m, E_BODY, clause.span, msg)
                    .labels
                    .push(cairn_syntax::Label {
                        file: path,
                        span: prev,
                        message: "the first one".into(),
                    });
                continue;
            }
            match &clause.kind {
                ClauseKind::For { var, iter } => {
                    if verdict.is_some() {
                        self.err(
                            m,
                            E_BODY,
                            clause.span,
                            "`for` comes before `require` / `deny`",
                        );
                    }
                    let it = self.expr(&mut cx, iter);
                    let elem = self.elem_type(m, &it);
                    let slot = cx.bind(&var.name, elem);
                    steps.push(Step::For { slot, iter: it });
                }
                ClauseKind::Where(e) => {
                    if verdict.is_some() {
                        self.err(
                            m,
                            E_BODY,
                            clause.span,
                            "`where` comes before `require` / `deny`",
                        );
                    }
                    let c = self.expr(&mut cx, e);
                    self.want_bool(m, &c, "a `where` condition");
                    cx.assume(e, true);
                    steps.push(Step::Where(c));
                }
                ClauseKind::Require(e) | ClauseKind::Deny(Some(e)) => {
                    let is_require = matches!(clause.kind, ClauseKind::Require(_));
                    if verdict.is_some() {
                        self.err(m, E_BODY, clause.span, "a rule has one `require` or `deny`");
                        continue;
                    }
                    let c = self.expr(&mut cx, e);
                    self.want_bool(
                        m,
                        &c,
                        if is_require {
                            "the condition of `require`"
                        } else {
                            "the condition of `deny`"
                        },
                    );
                    verdict = Some(if is_require {
                        Verdict::Require(c)
                    } else {
                        Verdict::Deny(Some(c))
                    });
                }
                ClauseKind::Deny(None) => {
                    if verdict.is_some() {
                        self.err(m, E_BODY, clause.span, "a rule has one `require` or `deny`");
                        continue;
                    }
                    verdict = Some(Verdict::Deny(None));
                }
                ClauseKind::Dialects(ds) => {
                    let mut names = Vec::new();
                    for d in ds {
                        if DIALECTS.contains(&d.name.as_str()) {
                            names.push(d.name.clone());
                        } else {
                            let s = did_you_mean(&d.name, DIALECTS.iter().copied());
                            let msg = format!(
                                "unknown dialect `{}`: postgres, mysql, mariadb or sqlite",
                                d.name
                            );
                            let dg = self.err(m, E_HEADER, d.span, msg);
                            did_you_mean_help(dg, s);
                        }
                    }
                    dialects = Some(names);
                }
                ClauseKind::Tags(ts) => tags = ts.iter().map(|t| t.name.clone()).collect(),
                _ => later.push(clause),
            }
        }
        let Some(verdict) = verdict else {
            self.err(
                m,
                E_BODY,
                r.name.span,
                "this rule never reports: give it `require CONDITION` or `deny [CONDITION]`",
            );
            return None;
        };
        let mut suggestions = Vec::new();
        for clause in later {
            match &clause.kind {
                ClauseKind::Message(e) | ClauseKind::Help(e) => {
                    let c = self.expr(&mut cx, e);
                    if !matches!(c.ty.base(), Ty::Str | Ty::Any) {
                        let msg =
                            format!("`{}` takes a string, not {}", clause.kind.keyword(), c.ty);
                        self.err(m, E_TYPE, c.span, msg);
                    }
                    if matches!(clause.kind, ClauseKind::Message(_)) {
                        message = Some(c);
                    } else {
                        help = Some(c);
                    }
                }
                ClauseKind::At(e) => {
                    let c = self.expr(&mut cx, e);
                    if !matches!(c.ty.base(), Ty::Obj(_) | Ty::Object | Ty::Any) {
                        let msg = format!(
                            "`at` names an object, a change or a statement, not {}",
                            c.ty
                        );
                        self.err(m, E_AT, c.span, msg);
                    }
                    at = Some(c);
                }
                ClauseKind::Suggest { title, fields } => {
                    let t = self.expr(&mut cx, title);
                    if !matches!(t.ty.base(), Ty::Str | Ty::Any) {
                        let msg = format!("a suggestion's title is a string, not {}", t.ty);
                        self.err(m, E_SUGGEST, t.span, msg);
                    }
                    let mut s = CompiledSuggestion {
                        title: t,
                        sql: None,
                        renamed_from: None,
                    };
                    for f in fields {
                        let v = self.expr(&mut cx, &f.value);
                        if !matches!(v.ty.base(), Ty::Str | Ty::Any) {
                            let msg = format!("`{}` is a string, not {}", f.key.name, v.ty);
                            self.err(m, E_SUGGEST, v.span, msg);
                        }
                        match f.key.name.as_str() {
                            "sql" => s.sql = Some(v),
                            "renamed_from" => s.renamed_from = Some(v),
                            other => {
                                let sug = did_you_mean(other, ["sql", "renamed_from"]);
                                let msg = format!(
                                    "a suggestion has `sql` (a statement to insert) and `renamed_from` (a hint to add), not `{other}`"
                                );
                                let d = self.err(m, E_SUGGEST, f.key.span, msg);
                                did_you_mean_help(d, sug);
                            }
                        }
                    }
                    suggestions.push(s);
                }
                _ => {}
            }
        }
        Some(CompiledRule {
            code: r.code.as_ref().map(|c| c.name.clone()),
            name: r.name.name.clone(),
            severity,
            target,
            doc: item.doc.clone(),
            tags,
            dialects,
            file: self.modules[m].path.clone(),
            span: item.span,
            name_span: r.name.span,
            steps,
            verdict,
            message,
            help,
            at,
            suggestions,
            slots: cx.max_slots,
        })
    }

    fn test(
        &mut self,
        span: Span,
        t: &rules::Test,
        known: &HashMap<String, Option<usize>>,
        out: &CompiledRules,
    ) -> Option<CompiledTest> {
        let m = 0;
        let mut ok = true;
        let rule = match known.get(&t.rule.name) {
            Some(i) => *i,
            None => {
                ok = false;
                let mut names: Vec<&str> = known.keys().map(String::as_str).collect();
                names.sort();
                let s = did_you_mean(&t.rule.name, names);
                let msg = format!("no rule `{}` in this file", t.rule.name);
                let d = self.err(m, E_TEST, t.rule.span, msg);
                did_you_mean_help(d, s);
                None
            }
        };
        let dialect = match Dialect::from_name(&t.dialect.name) {
            Some(d) if DIALECTS.contains(&t.dialect.name.as_str()) => d,
            _ => {
                let s = did_you_mean(&t.dialect.name, DIALECTS.iter().copied());
                let msg = format!(
                    "unknown dialect `{}`: postgres, mysql, mariadb or sqlite",
                    t.dialect.name
                );
                let d = self.err(m, E_TEST, t.dialect.span, msg);
                did_you_mean_help(d, s);
                return None;
            }
        };
        let mut expects = Vec::new();
        let mut none = None;
        for e in &t.expects {
            match e {
                Expect::None(s) => none = Some(*s),
                Expect::Finding { code, at, .. } => {
                    if !known.contains_key(&code.name) {
                        ok = false;
                        let mut names: Vec<&str> = known.keys().map(String::as_str).collect();
                        names.sort();
                        let s = did_you_mean(&code.name, names);
                        let msg = format!("no rule `{}` in this file", code.name);
                        let d = self.err(m, E_TEST, code.span, msg);
                        did_you_mean_help(d, s);
                    }
                    // Expect the rule's code when it has one, whichever way it is named.
                    let name = known
                        .get(&code.name)
                        .copied()
                        .flatten()
                        .and_then(|i| out.rules.get(i))
                        .map(|r| r.code.clone().unwrap_or_else(|| r.name.clone()))
                        .unwrap_or_else(|| code.name.clone());
                    expects.push((name, at.as_ref().map(|a| a.value.clone())));
                }
            }
        }
        if let Some(s) = none
            && !expects.is_empty()
        {
            self.err(
                m,
                E_TEST,
                s,
                "`expect none` and `expect CODE` contradict each other",
            );
            ok = false;
        }
        if none.is_none() && expects.is_empty() {
            self.err(
                m,
                E_TEST,
                t.title.span,
                "this test expects nothing: add `expect CODE at \"text\"` or `expect none`",
            );
            ok = false;
        }
        match (&t.after, &t.migration) {
            (None, None) => {
                self.err(
                    m,
                    E_TEST,
                    t.title.span,
                    "a test needs `after = sql\"...\"` (or hcl\"...\", or a path), or `migration = sql\"...\"`",
                );
                ok = false;
            }
            (Some(_), Some(m_src)) => {
                self.err(
                    m,
                    E_TEST,
                    m_src.span,
                    "a test with `migration` takes its `after` state from it: drop `after`",
                );
                ok = false;
            }
            _ => {}
        }
        let mut params = BTreeMap::new();
        for f in &t.params {
            let Some(&pi) = self.modules[0].params.get(&f.key.name) else {
                let names: Vec<String> = self.modules[0].params.keys().cloned().collect();
                let s =
                    did_you_mean(&f.key.name, names.iter().map(String::as_str)).map(str::to_string);
                let msg = format!("no param `{}` in this file", f.key.name);
                let d = self.err(m, E_PARAM, f.key.span, msg);
                did_you_mean_help(d, s.as_deref());
                ok = false;
                continue;
            };
            match const_value(&f.value) {
                Some(v) if assignable(&v.ty(), &self.params[pi].ty) => {
                    params.insert(f.key.name.clone(), v);
                }
                _ => {
                    let msg = format!("`{}` takes a constant {}", f.key.name, self.params[pi].ty);
                    self.err(m, E_PARAM, f.value.span, msg);
                    ok = false;
                }
            }
        }
        ok.then(|| CompiledTest {
            rule,
            rule_ref: t.rule.name.clone(),
            title: t.title.value.clone(),
            dialect,
            before: t.before.clone(),
            after: t.after.clone(),
            migration: t.migration.clone(),
            expects,
            params,
            span,
        })
    }
}
