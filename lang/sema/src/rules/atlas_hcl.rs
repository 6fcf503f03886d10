//! Atlas policy files (`*.rule.hcl`) compiled to the same rule IR as `*.cairn` files.
//!
//! The file is parsed with the HCL front end, then translated item by item into rules-language
//! source: `variable` -> `param`, `predicate "KIND" "NAME"` -> `predicate KIND_NAME(self: KIND,
//! vars...)`, `rule "schema"` -> `on schema` rules (one per `assert`, iterating the object path
//! with its `match` filters), `rule "migrate"` -> `on plan` rules over the changes of the kinds
//! the `add` / `drop` / `modify` / `rename` blocks name. The translation is then checked by the
//! same checker as any rule file, so the evaluator, `nolint`, the lint policy and the tests
//! treat both syntaxes alike. Every diagnostic (the translator's and the checker's) is mapped
//! back to the HCL block it came from, so errors carry the `.rule.hcl` file's own line and
//! column.
//!
//! Atlas's attribute names are mapped to Cairn's model (`null` -> `nullable`, `query` ->
//! `definition`, `row_security_enabled` -> `rls_enabled`...; see [`KINDS`]). A bare child block
//! inside a predicate (`column { ... }` in a table predicate) means "some column matches"; `all`,
//! `any` / `exists` and `count` quantify explicitly. A Cairn extension: `test "RULE" "TITLE" {
//! dialect = "postgres" before = "SQL" after = "SQL" expect = ["RULE"] }` blocks are the rule's
//! own cases, run by `cairn rules test` (an empty `expect` means none).

use std::collections::BTreeMap;
use std::fmt::Write;

use cairn_syntax::hcl::parse::{Attr, BlockAst, HclExpr, Step, TemplatePart, parse_body};
use cairn_syntax::{Diagnostic, Span};

use super::check;
use super::ir::CompiledRules;

/// The code of every translation error (an unknown attribute, an unsupported expression).
pub const E4200: &str = "E4200";

/// Whether a path names an Atlas policy file.
pub fn is_rule_hcl(path: &str) -> bool {
    path.ends_with(".rule.hcl")
}

/// An Atlas object kind: its Cairn type, its attributes (Atlas name -> Cairn expression over
/// `$`, the object) and its children (Atlas block -> Cairn list field, child kind).
struct Kind {
    atlas: &'static str,
    ty: &'static str,
    global: &'static str,
    attrs: &'static [(&'static str, &'static str)],
    children: &'static [(&'static str, &'static str, &'static str)],
}

const KINDS: &[Kind] = &[
    Kind {
        atlas: "schema",
        ty: "schema",
        global: "schemas",
        attrs: &[("name", "$.name"), ("comment", "$.comment")],
        children: &[
            ("table", "tables", "table"),
            ("view", "views", "view"),
            ("function", "functions", "function"),
            ("procedure", "procedures", "procedure"),
        ],
    },
    Kind {
        atlas: "table",
        ty: "table",
        global: "tables",
        attrs: &[
            ("name", "$.name"),
            ("comment", "$.comment"),
            ("schema", "$.schema.name"),
            ("primary_key", "$.primary_key"),
            ("row_security_enabled", "$.rls_enabled"),
            ("row_security_enforced", "$.rls_forced"),
        ],
        children: &[
            ("column", "columns", "column"),
            ("index", "indexes", "index"),
            ("foreign_key", "foreign_keys", "foreign_key"),
            ("check", "checks", "check"),
            ("trigger", "triggers", "trigger"),
            ("permission", "permissions", "permission"),
            ("policy", "policies", "policy"),
        ],
    },
    Kind {
        atlas: "column",
        ty: "column",
        global: "columns",
        attrs: &[
            ("name", "$.name"),
            ("type", "$.type.name"),
            ("null", "$.nullable"),
            ("default", "$.default"),
            ("comment", "$.comment"),
            ("table", "$.table.name"),
        ],
        children: &[("permission", "permissions", "permission")],
    },
    Kind {
        atlas: "index",
        ty: "index",
        global: "indexes",
        attrs: &[
            ("name", "$.name"),
            ("comment", "$.comment"),
            ("unique", "$.unique"),
            ("type", "$.method"),
            ("where", "$.where"),
            ("table", "$.table.name"),
        ],
        children: &[("part", "parts", "part")],
    },
    Kind {
        atlas: "part",
        ty: "index_part",
        global: "",
        attrs: &[
            ("column", "$.column"),
            ("expr", "$.expr"),
            ("desc", "$.desc"),
        ],
        children: &[],
    },
    Kind {
        atlas: "foreign_key",
        ty: "foreign_key",
        global: "foreign_keys",
        attrs: &[
            ("name", "$.name"),
            ("table", "$.table.name"),
            ("ref_table", "$.ref_table_name"),
            ("on_update", "$.on_update"),
            ("on_delete", "$.on_delete"),
            ("deferrable", "$.deferrable"),
        ],
        children: &[],
    },
    Kind {
        atlas: "check",
        ty: "check",
        global: "checks",
        attrs: &[
            ("name", "$.name"),
            ("expr", "$.expr"),
            ("table", "$.table.name"),
        ],
        children: &[],
    },
    Kind {
        atlas: "trigger",
        ty: "trigger",
        global: "triggers",
        attrs: &[("name", "$.name"), ("table", "$.table.name")],
        children: &[],
    },
    Kind {
        atlas: "view",
        ty: "view",
        global: "views",
        attrs: &[
            ("name", "$.name"),
            ("query", "$.definition"),
            ("comment", "$.comment"),
            ("schema", "$.schema.name"),
            ("security_invoker", "$.security_invoker"),
        ],
        children: &[("index", "indexes", "index")],
    },
    Kind {
        atlas: "function",
        ty: "function",
        global: "functions",
        attrs: &[
            ("name", "$.name"),
            ("schema", "$.schema.name"),
            ("lang", "$.language"),
            ("body", "$.body"),
            ("volatility", "$.volatility"),
            (
                "security",
                "($.security_definer ? \"DEFINER\" : \"INVOKER\")",
            ),
        ],
        children: &[],
    },
    Kind {
        atlas: "procedure",
        ty: "procedure",
        global: "procedures",
        attrs: &[
            ("name", "$.name"),
            ("schema", "$.schema.name"),
            ("lang", "$.language"),
            ("body", "$.body"),
            (
                "security",
                "($.security_definer ? \"DEFINER\" : \"INVOKER\")",
            ),
        ],
        children: &[],
    },
    Kind {
        atlas: "policy",
        ty: "policy",
        global: "policies",
        attrs: &[
            ("name", "$.name"),
            ("table", "$.table.name"),
            ("for", "$.command"),
            ("using", "$.using"),
            ("check", "$.check"),
            ("restrictive", "(not $.permissive)"),
        ],
        children: &[],
    },
    Kind {
        atlas: "role",
        ty: "role",
        global: "roles",
        attrs: ROLE_ATTRS,
        children: &[],
    },
    Kind {
        atlas: "user",
        ty: "role",
        global: "roles",
        attrs: ROLE_ATTRS,
        children: &[],
    },
    Kind {
        atlas: "permission",
        ty: "permission",
        global: "permissions",
        attrs: &[
            ("grantee", "$.grantee"),
            ("privilege", "$.privileges"),
            ("grantable", "$.grantable"),
            ("table", "$.table.name"),
            ("column", "$.column"),
        ],
        children: &[],
    },
];

const ROLE_ATTRS: &[(&str, &str)] = &[
    ("name", "$.name"),
    ("login", "$.login"),
    ("superuser", "$.superuser"),
    ("create_db", "$.create_db"),
    ("create_role", "$.create_role"),
    ("inherit", "$.inherit"),
    ("replication", "$.replication"),
    ("bypass_rls", "$.bypass_rls"),
    ("conn_limit", "$.conn_limit"),
];

fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.atlas == name)
}

/// A predicate's signature: its Cairn name and its variables (name, default as Cairn text).
struct PredSig {
    cairn: String,
    vars: Vec<(String, Option<String>)>,
}

/// What a name stands for in an expression: a Cairn expression and the object kind, if known.
#[derive(Clone)]
struct Bound {
    expr: String,
    kind: Option<&'static Kind>,
}

struct Tr<'a> {
    path: &'a str,
    text: &'a str,
    out: String,
    /// Generated byte ranges and the HCL spans they came from.
    map: Vec<(usize, usize, Span)>,
    diags: Vec<Diagnostic>,
    preds: BTreeMap<(String, String), PredSig>,
    /// File-level `variable` blocks (params).
    params: Vec<String>,
    fresh: usize,
    rule_names: Vec<String>,
}

fn q(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            '\r' => o.push_str("\\r"),
            '{' => o.push_str("\\{"),
            '}' => o.push_str("\\}"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// A regex as a string literal: the rules language keeps a regex's backslashes and braces as
/// written, so only quotes are escaped.
fn q_regex(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\\\""))
}

/// An identifier from an Atlas name: `-` and other separators become `_`.
fn ident(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// A kebab-case rule name from an Atlas rule name.
fn kebab(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        format!("rule-{out}")
    } else {
        out
    }
}

impl<'a> Tr<'a> {
    fn err(&mut self, span: Span, msg: impl Into<String>) {
        self.diags
            .push(Diagnostic::error(E4200, self.path, span, msg.into()));
    }

    /// Appends generated text that came from `span`.
    fn emit(&mut self, span: Span, text: &str) {
        let start = self.out.len();
        self.out.push_str(text);
        self.map.push((start, self.out.len(), span));
    }

    fn fresh(&mut self, base: &str) -> String {
        self.fresh += 1;
        format!("{}{}", base.chars().next().unwrap_or('x'), self.fresh)
    }

    fn label(&mut self, b: &BlockAst, i: usize, what: &str) -> Option<String> {
        match b.labels.get(i) {
            Some(l) => Some(l.value.clone()),
            None => {
                self.err(b.ident_span, format!("`{}` needs {what}", b.ident));
                None
            }
        }
    }

    /// The byte span mapping of a checker diagnostic: the innermost generated range holding it.
    fn remap(&self, s: Span, fallback: Span) -> Span {
        let at = s.start as usize;
        self.map
            .iter()
            .filter(|(a, b, _)| *a <= at && at <= *b)
            .min_by_key(|(a, b, _)| b - a)
            .map_or(fallback, |(_, _, sp)| *sp)
    }

    // ---- values and expressions ----

    /// A literal of an HCL expression as Cairn text (for defaults and op values).
    fn literal(&mut self, e: &HclExpr, env: &Env) -> Option<String> {
        match e {
            HclExpr::Null(_) => Some("null".into()),
            HclExpr::Bool(b, _) => Some(b.to_string()),
            HclExpr::Number(n, s) => match n.parse::<i64>() {
                Ok(i) => Some(i.to_string()),
                Err(_) => {
                    self.err(*s, format!("{n}: only whole numbers are supported"));
                    None
                }
            },
            HclExpr::String(s, _) => Some(q(s)),
            HclExpr::List(xs, _) => {
                let items: Option<Vec<String>> = xs.iter().map(|x| self.literal(x, env)).collect();
                Some(format!("[{}]", items?.join(", ")))
            }
            other => self.expr(other, env).map(|b| b.expr),
        }
    }

    /// An HCL expression over `self`, variables and bound names, as a Cairn expression.
    fn expr(&mut self, e: &HclExpr, env: &Env) -> Option<Bound> {
        let plain = |s: String| {
            Some(Bound {
                expr: s,
                kind: None,
            })
        };
        match e {
            HclExpr::Null(_) | HclExpr::Bool(..) | HclExpr::Number(..) | HclExpr::String(..) => {
                let l = self.literal(e, env)?;
                plain(l)
            }
            HclExpr::Template(parts, _) => {
                let t = self.template(parts, env)?;
                plain(t)
            }
            HclExpr::List(..) => {
                let l = self.literal(e, env)?;
                plain(l)
            }
            HclExpr::Paren(x, _) => {
                let b = self.expr(x, env)?;
                plain(format!("({})", b.expr))
            }
            HclExpr::Traversal { root, steps, span } => {
                let mut cur = if root == "var" {
                    let Some(Step::Attr(name, s)) = steps.first() else {
                        self.err(*span, "`var` needs a variable name: var.NAME");
                        return None;
                    };
                    if !env.vars.contains(name) && !self.params.contains(name) {
                        self.err(*s, format!("no variable {name:?} is declared"));
                        return None;
                    }
                    return self.steps(
                        Bound {
                            expr: ident(name),
                            kind: None,
                        },
                        &steps[1..],
                    );
                } else if let Some(b) = env.names.get(root.as_str()) {
                    b.clone()
                } else {
                    self.err(
                        *span,
                        format!(
                            "unknown name {root:?}: expressions here see `self`, `var.NAME` and the variables of `for` expressions"
                        ),
                    );
                    return None;
                };
                cur = self.steps(cur, steps)?;
                Some(cur)
            }
            HclExpr::Unary { op, expr, span } => {
                let b = self.expr(expr, env)?;
                match op.as_str() {
                    "!" => plain(format!("(not {})", b.expr)),
                    "-" => plain(format!("(-{})", b.expr)),
                    _ => {
                        self.err(*span, format!("unsupported operator {op}"));
                        None
                    }
                }
            }
            HclExpr::Binary { op, lhs, rhs, span } => {
                // Comparisons with null are `is null` / `is not null`.
                let is_null = |x: &HclExpr| matches!(x, HclExpr::Null(_));
                if (op == "==" || op == "!=") && (is_null(lhs) || is_null(rhs)) {
                    let other = if is_null(lhs) { rhs } else { lhs };
                    let b = self.expr(other, env)?;
                    let not = if op == "!=" { " not" } else { "" };
                    return plain(format!("({} is{not} null)", b.expr));
                }
                let l = self.expr(lhs, env)?;
                let r = self.expr(rhs, env)?;
                let o = match op.as_str() {
                    "&&" => "and",
                    "||" => "or",
                    "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" => op.as_str(),
                    _ => {
                        self.err(*span, format!("unsupported operator {op}"));
                        return None;
                    }
                };
                plain(format!("({} {o} {})", l.expr, r.expr))
            }
            HclExpr::Conditional {
                cond,
                then,
                otherwise,
                ..
            } => {
                let c = self.expr(cond, env)?;
                let t = self.expr(then, env)?;
                let o = self.expr(otherwise, env)?;
                plain(format!("({} ? {} : {})", c.expr, t.expr, o.expr))
            }
            HclExpr::Call { name, args, span } => self.call(name, args, *span, env),
            HclExpr::For(_, span) => {
                self.err(
                    *span,
                    "a `for` expression is supported only inside alltrue([...]) or anytrue([...])",
                );
                None
            }
            HclExpr::Object(_, span) | HclExpr::Unsupported(_, span) => {
                self.err(*span, "this expression is not supported in a rule file");
                None
            }
        }
    }

    /// Attribute steps from a bound object: Atlas attribute names map to the model's fields.
    fn steps(&mut self, mut cur: Bound, steps: &[Step]) -> Option<Bound> {
        for s in steps {
            match s {
                Step::Attr(a, span) => {
                    cur = match cur.kind {
                        Some(k) => {
                            if a == "schema" || (a == "table" && k.atlas != "table") {
                                // The parent object (`self.table.name`); as a condition block
                                // (`table { eq = "t" }`), the attribute is its name.
                                Bound {
                                    expr: format!("{}.{a}", cur.expr),
                                    kind: kind(a),
                                }
                            } else if let Some((_, t)) = k.attrs.iter().find(|(n, _)| n == a) {
                                Bound {
                                    expr: t.replace('$', &cur.expr),
                                    kind: None,
                                }
                            } else if let Some((_, field, child)) =
                                k.children.iter().find(|(n, _, _)| n == a)
                            {
                                let _ = child;
                                Bound {
                                    expr: format!("{}.{field}", cur.expr),
                                    kind: None,
                                }
                            } else {
                                let known: Vec<&str> = k
                                    .attrs
                                    .iter()
                                    .map(|(n, _)| *n)
                                    .chain(k.children.iter().map(|(n, _, _)| *n))
                                    .collect();
                                let hint = cairn_syntax::diag::did_you_mean(a, known)
                                    .map(|s| format!(" (did you mean `{s}`?)"))
                                    .unwrap_or_default();
                                self.err(
                                    *span,
                                    format!("a {} has no attribute {a:?}{hint}", k.atlas),
                                );
                                return None;
                            }
                        }
                        None => Bound {
                            expr: format!("{}.{a}", cur.expr),
                            kind: None,
                        },
                    };
                }
                Step::Index(x) => {
                    self.err(x.span(), "indexing is not supported in a rule file");
                    return None;
                }
                Step::Splat(span) => {
                    self.err(*span, "splat expressions are not supported in a rule file");
                    return None;
                }
            }
        }
        Some(cur)
    }

    fn call(&mut self, name: &str, args: &[HclExpr], span: Span, env: &Env) -> Option<Bound> {
        let plain = |s: String| {
            Some(Bound {
                expr: s,
                kind: None,
            })
        };
        match (name, args) {
            ("length" | "lower" | "upper", [x]) => {
                let b = self.expr(x, env)?;
                let f = if name == "length" { "len" } else { name };
                plain(format!("{f}({})", b.expr))
            }
            ("contains", [list, v]) => {
                let l = self.expr(list, env)?;
                let v = self.expr(v, env)?;
                plain(format!("({} contains {})", l.expr, v.expr))
            }
            ("startswith" | "endswith", [s, p]) => {
                let s = self.expr(s, env)?;
                let p = self.expr(p, env)?;
                let op = if name == "startswith" {
                    "starts_with"
                } else {
                    "ends_with"
                };
                plain(format!("({} {op} {})", s.expr, p.expr))
            }
            ("alltrue" | "anytrue", [HclExpr::For(f, fspan)]) => {
                if f.key_var.is_some() || f.key.is_some() {
                    self.err(*fspan, "use `for x in LIST : COND` here");
                    return None;
                }
                let coll = self.collection(&f.collection, env)?;
                let var = self.fresh(&f.value_var);
                let mut inner = env.clone();
                inner.names.insert(
                    f.value_var.clone(),
                    Bound {
                        expr: var.clone(),
                        kind: coll.kind,
                    },
                );
                let mut body = self.expr(&f.value, &inner)?.expr;
                if let Some(c) = &f.cond {
                    // Items the `if` leaves out count as true for alltrue, false for anytrue.
                    let c = self.expr(c, &inner)?.expr;
                    body = if name == "alltrue" {
                        format!("(not {c} or {body})")
                    } else {
                        format!("({c} and {body})")
                    };
                }
                let q = if name == "alltrue" { "all" } else { "any" };
                plain(format!("{q}({var} in {}: {body})", coll.expr))
            }
            _ => {
                self.err(
                    span,
                    format!(
                        "unsupported function {name}({} argument{}): rule files take length, lower, upper, contains, startswith, endswith, alltrue([for ...]) and anytrue([for ...])",
                        args.len(),
                        if args.len() == 1 { "" } else { "s" }
                    ),
                );
                None
            }
        }
    }

    /// A collection expression: its element kind is known when it is an object's children.
    fn collection(&mut self, e: &HclExpr, env: &Env) -> Option<Bound> {
        if let HclExpr::Traversal { root, steps, .. } = e
            && let Some(b) = env.names.get(root.as_str())
            && let (Some(k), [Step::Attr(a, _)]) = (b.kind, steps.as_slice())
            && let Some((_, field, child)) = k.children.iter().find(|(n, _, _)| n == a)
        {
            // `self.columns` (Atlas's plural spelling is the child block name: `self.column`).
            return Some(Bound {
                expr: format!("{}.{field}", b.expr),
                kind: kind(child),
            });
        }
        if let HclExpr::Traversal { root, steps, .. } = e
            && let Some(b) = env.names.get(root.as_str())
            && let (Some(k), [Step::Attr(a, _)]) = (b.kind, steps.as_slice())
            && let Some((_, field, child)) = k.children.iter().find(|(_, f, _)| f == a)
        {
            return Some(Bound {
                expr: format!("{}.{field}", b.expr),
                kind: kind(child),
            });
        }
        self.expr(e, env)
    }

    fn template(&mut self, parts: &[TemplatePart], env: &Env) -> Option<String> {
        let mut o = String::from("\"");
        for p in parts {
            match p {
                TemplatePart::Lit(s) => {
                    let quoted = q(s);
                    o.push_str(&quoted[1..quoted.len() - 1]);
                }
                TemplatePart::Interp(x) => {
                    let b = self.expr(x, env)?;
                    let _ = write!(o, "{{{}}}", b.expr);
                }
            }
        }
        o.push('"');
        Some(o)
    }

    fn message(&mut self, e: &HclExpr, env: &Env) -> Option<String> {
        match e {
            HclExpr::String(s, _) => Some(q(s)),
            HclExpr::Template(parts, _) => self.template(parts, env),
            other => {
                let b = self.expr(other, env)?;
                Some(format!("\"{{{}}}\"", b.expr))
            }
        }
    }

    // ---- conditions ----

    /// The conditions of a predicate-like body over `obj` (AND of every item); `None` after an
    /// error.
    fn conds(&mut self, b: &BlockAst, obj: &Bound, env: &Env, skip: &[&str]) -> Option<String> {
        let k = obj.kind?;
        let mut parts: Vec<String> = Vec::new();
        let mut ok = true;
        for a in &b.attributes {
            if skip.contains(&a.name.as_str()) {
                continue;
            }
            match a.name.as_str() {
                "condition" => {
                    let mut inner = env.clone();
                    inner.names.insert("self".into(), obj.clone());
                    match self.expr(&a.expr, &inner) {
                        Some(x) => parts.push(x.expr),
                        None => ok = false,
                    }
                }
                "predicate" => match self.pred_call(a, b.attr("vars"), obj, k, env) {
                    Some(x) => parts.push(x),
                    None => ok = false,
                },
                "vars" => {}
                other => {
                    self.err(
                        a.name_span,
                        format!(
                            "unknown attribute {other:?} here: a condition body holds `condition`, `predicate` (with `vars`), attribute blocks, `and`, `or`, `not`, `all`, `any`, `exists`, `count` and child blocks"
                        ),
                    );
                    ok = false;
                }
            }
        }
        for x in &b.blocks {
            match self.cond_block(x, obj, k, env) {
                Some(c) => parts.push(c),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        Some(match parts.len() {
            0 => "true".into(),
            1 => parts.pop().unwrap_or_default(),
            _ => format!("({})", parts.join(" and ")),
        })
    }

    fn pred_call(
        &mut self,
        a: &Attr,
        vars: Option<&Attr>,
        obj: &Bound,
        k: &'static Kind,
        env: &Env,
    ) -> Option<String> {
        let path = a.expr.path();
        let Some(["predicate", pk, pn]) = path.as_deref() else {
            self.err(
                a.expr.span(),
                "predicate = ... takes a reference: predicate.KIND.NAME",
            );
            return None;
        };
        if *pk != k.atlas && !(k.ty == "role" && (*pk == "role" || *pk == "user")) {
            self.err(
                a.expr.span(),
                format!(
                    "predicate.{pk}.{pn} is a {pk} predicate, used on a {}",
                    k.atlas
                ),
            );
            return None;
        }
        let key = (pk.to_string(), pn.to_string());
        let Some(sig) = self.preds.get(&key) else {
            let known: Vec<String> = self
                .preds
                .keys()
                .filter(|(kk, _)| kk == pk)
                .map(|(_, n)| n.clone())
                .collect();
            let hint = cairn_syntax::diag::did_you_mean(pn, known.iter().map(String::as_str))
                .map(|s| format!(" (did you mean predicate.{pk}.{s}?)"))
                .unwrap_or_default();
            self.err(
                a.expr.span(),
                format!("no predicate \"{pk}\" \"{pn}\" in this file{hint}"),
            );
            return None;
        };
        let cairn = sig.cairn.clone();
        let sig_vars = sig.vars.clone();
        let mut given: BTreeMap<String, (String, Span)> = BTreeMap::new();
        if let Some(v) = vars {
            match &v.expr {
                HclExpr::Object(items, _) => {
                    for (key, val) in items {
                        let name = match key {
                            cairn_syntax::hcl::parse::ObjKey::Ident(n) => n.clone(),
                            cairn_syntax::hcl::parse::ObjKey::Expr(HclExpr::String(s, _)) => {
                                s.clone()
                            }
                            cairn_syntax::hcl::parse::ObjKey::Expr(x) => {
                                self.err(x.span(), "a variable name");
                                return None;
                            }
                        };
                        let value = self.literal(val, env)?;
                        given.insert(name, (value, val.span()));
                    }
                }
                other => {
                    self.err(
                        other.span(),
                        "vars takes an object: vars = { name = value }",
                    );
                    return None;
                }
            }
        }
        let mut args = vec![obj.expr.clone()];
        for (n, default) in &sig_vars {
            match given.remove(n).map(|(v, _)| v).or_else(|| default.clone()) {
                Some(v) => args.push(v),
                None => {
                    self.err(
                        a.expr.span(),
                        format!("predicate.{pk}.{pn} needs vars = {{ {n} = ... }} (its variable has no default)"),
                    );
                    return None;
                }
            }
        }
        if let Some((n, (_, s))) = given.into_iter().next() {
            self.err(s, format!("predicate.{pk}.{pn} declares no variable {n:?}"));
            return None;
        }
        Some(format!("{cairn}({})", args.join(", ")))
    }

    fn cond_block(
        &mut self,
        x: &BlockAst,
        obj: &Bound,
        k: &'static Kind,
        env: &Env,
    ) -> Option<String> {
        let id = x.ident.as_str();
        match id {
            "and" | "or" | "not" => {
                let mut parts = Vec::new();
                let mut ok = true;
                for a in &x.attributes {
                    self.err(
                        a.name_span,
                        format!("`{id}` holds condition blocks, not attributes"),
                    );
                    ok = false;
                }
                for b in &x.blocks {
                    match self.cond_block(b, obj, k, env) {
                        Some(c) => parts.push(c),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                if parts.is_empty() {
                    return Some("true".into());
                }
                Some(match id {
                    "or" => format!("({})", parts.join(" or ")),
                    "and" => format!("({})", parts.join(" and ")),
                    _ => format!("(not ({}))", parts.join(" and ")),
                })
            }
            "all" | "any" | "exists" | "count" => {
                let mut parts = Vec::new();
                let mut cmp: Option<String> = None;
                for a in &x.attributes {
                    let op = match a.name.as_str() {
                        "eq" => "==",
                        "ne" => "!=",
                        "lt" => "<",
                        "le" => "<=",
                        "gt" => ">",
                        "ge" => ">=",
                        other => {
                            self.err(
                                a.name_span,
                                format!("unknown attribute {other:?} in `{id}` (count takes eq, ne, lt, le, gt, ge)"),
                            );
                            return None;
                        }
                    };
                    if id != "count" {
                        self.err(a.name_span, format!("`{id}` takes no {:?}", a.name));
                        return None;
                    }
                    let v = self.literal(&a.expr, env)?;
                    cmp = Some(format!("{op} {v}"));
                }
                for b in &x.blocks {
                    let Some((_, field, child)) = k.children.iter().find(|(n, _, _)| *n == b.ident)
                    else {
                        self.err(
                            b.ident_span,
                            format!(
                                "a {} has no child {:?} to quantify over (children: {})",
                                k.atlas,
                                b.ident,
                                k.children
                                    .iter()
                                    .map(|(n, _, _)| *n)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                        return None;
                    };
                    let var = self.fresh(child);
                    let inner = Bound {
                        expr: var.clone(),
                        kind: kind(child),
                    };
                    let body = self.conds(b, &inner, env, &[])?;
                    let q = match id {
                        "all" => "all",
                        "count" => "count",
                        _ => "any",
                    };
                    let e = format!("{q}({var} in {}.{field}: {body})", obj.expr);
                    parts.push(match (&cmp, id) {
                        (Some(c), "count") => format!("({e} {c})"),
                        (None, "count") => format!("({e} > 0)"),
                        _ => e,
                    });
                }
                Some(if parts.is_empty() {
                    "true".into()
                } else {
                    format!("({})", parts.join(" and "))
                })
            }
            "attr" => {
                self.err(
                    x.ident_span,
                    "`attr` blocks (untyped attributes) are not supported: Cairn's model types every attribute",
                );
                None
            }
            _ => {
                if let Some((_, field, child)) = k.children.iter().find(|(n, _, _)| *n == id) {
                    // A bare child block: some child matches.
                    let var = self.fresh(child);
                    let inner = Bound {
                        expr: var.clone(),
                        kind: kind(child),
                    };
                    let body = self.conds(x, &inner, env, &[])?;
                    return Some(format!("any({var} in {}.{field}: {body})", obj.expr));
                }
                if let Some((_, t)) = k.attrs.iter().find(|(n, _)| *n == id) {
                    let value = t.replace('$', &obj.expr);
                    return self.attr_ops(x, &value, env);
                }
                let known: Vec<&str> = k
                    .attrs
                    .iter()
                    .map(|(n, _)| *n)
                    .chain(k.children.iter().map(|(n, _, _)| *n))
                    .chain(["and", "or", "not", "all", "any", "exists", "count"])
                    .collect();
                let hint = cairn_syntax::diag::did_you_mean(id, known)
                    .map(|s| format!(" (did you mean `{s}`?)"))
                    .unwrap_or_default();
                self.err(
                    x.ident_span,
                    format!("a {} has no attribute or child {id:?}{hint}", k.atlas),
                );
                None
            }
        }
    }

    /// `<attr> { eq = v  match = "re"  condition = ... }` over the attribute's value.
    fn attr_ops(&mut self, x: &BlockAst, value: &str, env: &Env) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(b) = x.blocks.first() {
            self.err(
                b.ident_span,
                format!(
                    "an attribute condition holds operators, not a {:?} block",
                    b.ident
                ),
            );
            return None;
        }
        for a in &x.attributes {
            let is_null = matches!(a.expr, HclExpr::Null(_));
            let part = match a.name.as_str() {
                "eq" | "ne" if is_null => {
                    let not = if a.name == "ne" { " not" } else { "" };
                    format!("({value} is{not} null)")
                }
                "eq" | "ne" | "lt" | "le" | "gt" | "ge" => {
                    let v = self.literal(&a.expr, env)?;
                    let op = match a.name.as_str() {
                        "eq" => "==",
                        "ne" => "!=",
                        "lt" => "<",
                        "le" => "<=",
                        "gt" => ">",
                        _ => ">=",
                    };
                    format!("({value} {op} {v})")
                }
                "eq_fold" => {
                    let v = self.literal(&a.expr, env)?;
                    format!("(lower({value}) == lower({v}))")
                }
                "contains" => {
                    let v = self.literal(&a.expr, env)?;
                    format!("({value} contains {v})")
                }
                "contains_fold" => {
                    let v = self.literal(&a.expr, env)?;
                    format!("(lower({value}) contains lower({v}))")
                }
                "in" => {
                    let v = self.literal(&a.expr, env)?;
                    format!("({value} in {v})")
                }
                "match" => match &a.expr {
                    HclExpr::String(re, _) => format!("({value} matches {})", q_regex(re)),
                    other => {
                        let v = self.expr(other, env)?;
                        format!("({value} matches {})", v.expr)
                    }
                },
                "condition" => {
                    let mut inner = env.clone();
                    inner.names.insert(
                        "self".into(),
                        Bound {
                            expr: format!("({value})"),
                            kind: None,
                        },
                    );
                    self.expr(&a.expr, &inner)?.expr
                }
                other => {
                    self.err(
                        a.name_span,
                        format!("unknown operator {other:?}: expected eq, ne, lt, le, gt, ge, eq_fold, contains, contains_fold, in, match or condition"),
                    );
                    return None;
                }
            };
            parts.push(part);
        }
        Some(match parts.len() {
            0 => "true".into(),
            1 => parts.pop().unwrap_or_default(),
            _ => format!("({})", parts.join(" and ")),
        })
    }

    // ---- items ----

    fn var_type(&mut self, v: &BlockAst) -> Option<(String, Option<String>)> {
        let ty = match v.attr("type").map(|a| &a.expr) {
            None => "string".to_string(),
            Some(HclExpr::Traversal { root, steps, .. }) if steps.is_empty() => {
                match root.as_str() {
                    "string" => "string".into(),
                    "number" => "int".into(),
                    "bool" => "bool".into(),
                    other => {
                        self.err(v.span, format!("unsupported variable type {other}: string, number, bool or list(...)"));
                        return None;
                    }
                }
            }
            Some(HclExpr::Call { name, args, .. })
                if (name == "list" || name == "set") && args.len() == 1 =>
            {
                let inner = match args[0].path().as_deref() {
                    Some(["string"]) => "string",
                    Some(["number"]) => "int",
                    Some(["bool"]) => "bool",
                    _ => {
                        self.err(args[0].span(), "list(string), list(number) or list(bool)");
                        return None;
                    }
                };
                format!("list[{inner}]")
            }
            Some(other) => {
                self.err(other.span(), "unsupported variable type");
                return None;
            }
        };
        let env = Env::default();
        let default = match v.attr("default") {
            Some(a) => Some(self.literal(&a.expr, &env)?),
            None => None,
        };
        Some((ty, default))
    }

    fn predicate_sig(&mut self, b: &BlockAst) {
        let (Some(k), Some(n)) = (self.label(b, 0, "a kind"), self.label(b, 1, "a name")) else {
            return;
        };
        if kind(&k).is_none() {
            self.err(b.labels[0].span, format!("unknown object kind {k:?}"));
            return;
        }
        let mut vars = Vec::new();
        for v in b.blocks_named("variable") {
            if let Some(name) = v.labels.first() {
                let default = v
                    .attr("default")
                    .and_then(|a| self.literal(&a.expr, &Env::default()));
                vars.push((name.value.clone(), default));
            }
        }
        let cairn = format!("{}_{}", ident(&k), ident(&n));
        self.preds.insert((k, n), PredSig { cairn, vars });
    }

    fn predicate(&mut self, b: &BlockAst) {
        let (Some(k), Some(n)) = (b.labels.first(), b.labels.get(1)) else {
            return;
        };
        let Some(kd) = kind(&k.value) else { return };
        let cairn = format!("{}_{}", ident(&k.value), ident(&n.value));
        let mut env = Env::default();
        let mut args = vec![format!("self_: {}", kd.ty)];
        for v in b.blocks_named("variable") {
            let Some(name) = v.labels.first() else {
                self.err(v.ident_span, "`variable` needs a name");
                return;
            };
            let Some((ty, _)) = self.var_type(v) else {
                return;
            };
            env.vars.push(name.value.clone());
            args.push(format!("{}: {ty}", ident(&name.value)));
        }
        let obj = Bound {
            expr: "self_".into(),
            kind: Some(kd),
        };
        let body = BlockAst {
            blocks: b
                .blocks
                .iter()
                .filter(|x| x.ident != "variable")
                .cloned()
                .collect(),
            ..b.clone()
        };
        let Some(cond) = self.conds(&body, &obj, &env, &[]) else {
            return;
        };
        let text = format!("predicate {cairn}({}) = {cond}\n\n", args.join(", "));
        self.emit(b.span, &text);
    }

    fn rule_name(&mut self, base: &str, suffix: &str) -> String {
        let mut name = if suffix.is_empty() {
            kebab(base)
        } else {
            format!("{}-{}", kebab(base), kebab(suffix))
        };
        let mut i = 2;
        while self.rule_names.contains(&name) {
            name = format!("{}-{i}", kebab(base));
            i += 1;
        }
        self.rule_names.push(name.clone());
        name
    }

    /// One rule per `assert` of an object path of a `rule "schema"` block.
    #[allow(clippy::too_many_arguments)]
    fn schema_path(
        &mut self,
        rule: &BlockAst,
        name: &str,
        doc: &str,
        b: &BlockAst,
        k: &'static Kind,
        fors: Vec<String>,
        parent: Option<&Bound>,
        env: &Env,
    ) {
        let var = self.fresh(k.atlas);
        let iter = match parent {
            Some(p) => {
                let field = p
                    .kind
                    .and_then(|pk| pk.children.iter().find(|(n, _, _)| *n == k.atlas))
                    .map(|(_, f, _)| *f)
                    .unwrap_or(k.global);
                format!("{}.{field}", p.expr)
            }
            None => k.global.to_string(),
        };
        let obj = Bound {
            expr: var.clone(),
            kind: Some(k),
        };
        let mut fors = fors;
        fors.push(format!("for {var} in {iter}"));
        self.object_body(rule, name, doc, b, k, fors, &obj, env, Target::Schema);
    }

    /// The `match`, `assert` and child blocks of an object block (schema or migrate rule).
    #[allow(clippy::too_many_arguments)]
    fn object_body(
        &mut self,
        rule: &BlockAst,
        name: &str,
        doc: &str,
        b: &BlockAst,
        k: &'static Kind,
        mut fors: Vec<String>,
        obj: &Bound,
        env: &Env,
        target: Target,
    ) {
        for a in &b.attributes {
            self.err(
                a.name_span,
                format!("unexpected attribute {:?}: an object block holds `match`, `assert` and child blocks", a.name),
            );
        }
        let mut inner_env = env.clone();
        inner_env.names.insert("self".into(), obj.clone());
        if let Some(m) = b.blocks_named("match").next()
            && let Some(c) = self.conds(m, obj, env, &[])
        {
            fors.push(format!("where {c}"));
        }
        for a in b.blocks_named("assert") {
            let Some(cond) = self.conds(a, obj, env, &["message"]) else {
                continue;
            };
            let message = match a.attr("message") {
                Some(m) => self.message(&m.expr, &inner_env),
                None => {
                    let rule_name = rule.labels.get(1).map_or("", |l| l.value.as_str());
                    let quoted = q(&format!(" violates rule {rule_name}"));
                    Some(format!(
                        "\"{} {{{}.name}}{}",
                        k.atlas,
                        obj.expr,
                        &quoted[1..]
                    ))
                }
            };
            let Some(message) = message else { continue };
            let suffix = if self.rule_names.iter().any(|n| n == &kebab(name)) {
                k.atlas
            } else {
                ""
            };
            let rname = self.rule_name(name, suffix);
            let on = match target {
                Target::Schema => "schema",
                Target::Plan => "plan",
            };
            let mut text = String::new();
            for line in doc.lines() {
                let _ = writeln!(text, "/// {line}");
            }
            let _ = writeln!(text, "rule {rname}: warning on {on} {{");
            for f in &fors {
                let _ = writeln!(text, "  {f}");
            }
            self.emit(rule.span, &text);
            self.emit(a.span, &format!("  require {cond}\n  message {message}\n"));
            self.emit(rule.span, "}\n\n");
        }
        for x in &b.blocks {
            if x.ident == "match" || x.ident == "assert" {
                continue;
            }
            let Some((_, field, child)) = k.children.iter().find(|(n, _, _)| *n == x.ident) else {
                self.err(
                    x.ident_span,
                    format!(
                        "a {} block holds `match`, `assert` and child blocks ({}), not {:?}",
                        k.atlas,
                        k.children
                            .iter()
                            .map(|(n, _, _)| *n)
                            .collect::<Vec<_>>()
                            .join(", "),
                        x.ident
                    ),
                );
                continue;
            };
            let ck = kind(child).expect("child kinds are kinds");
            let var = self.fresh(child);
            let mut f = fors.clone();
            f.push(format!("for {var} in {}.{field}", obj.expr));
            let cobj = Bound {
                expr: var,
                kind: Some(ck),
            };
            self.object_body(rule, name, doc, x, ck, f, &cobj, env, target);
        }
    }

    fn rule(&mut self, b: &BlockAst) {
        let (Some(t), Some(n)) = (
            self.label(b, 0, "a type (\"schema\" or \"migrate\")"),
            self.label(b, 1, "a name"),
        ) else {
            return;
        };
        let mut doc = String::new();
        for a in &b.attributes {
            match a.name.as_str() {
                "description" => match &a.expr {
                    HclExpr::String(s, _) => doc = s.clone(),
                    other => self.err(other.span(), "description takes a string"),
                },
                other => self.err(
                    a.name_span,
                    format!("unknown attribute {other:?} in a rule (it takes `description` and object blocks)"),
                ),
            }
        }
        let env = Env::default();
        match t.as_str() {
            "schema" => {
                for x in &b.blocks {
                    match kind(&x.ident).filter(|k| !k.global.is_empty()) {
                        Some(k) => self.schema_path(b, &n, &doc, x, k, Vec::new(), None, &env),
                        None => self.err(
                            x.ident_span,
                            format!("unknown object kind {:?} in a schema rule", x.ident),
                        ),
                    }
                }
            }
            "migrate" => {
                for verb in &b.blocks {
                    let (prefix, side) = match verb.ident.as_str() {
                        "add" => ("add", "after"),
                        "drop" => ("drop", "before"),
                        "modify" => ("modify", "after"),
                        "rename" => ("rename", "after"),
                        other => {
                            self.err(
                                verb.ident_span,
                                format!("unknown block {other:?} in a migrate rule: add, drop, modify or rename"),
                            );
                            continue;
                        }
                    };
                    for x in &verb.blocks {
                        let Some(k) = kind(&x.ident).filter(|k| !k.global.is_empty()) else {
                            self.err(x.ident_span, format!("unknown object kind {:?}", x.ident));
                            continue;
                        };
                        // `add { table { column { ... } } }`: the columns the migration adds
                        // (to existing tables, and those of the tables it creates).
                        self.migrate_path(b, &n, &doc, x, k, prefix, side, &env);
                    }
                }
            }
            other => self.err(
                b.labels[0].span,
                format!("unknown rule type {other:?}: expected \"schema\" or \"migrate\""),
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn migrate_path(
        &mut self,
        rule: &BlockAst,
        name: &str,
        doc: &str,
        b: &BlockAst,
        k: &'static Kind,
        prefix: &str,
        side: &str,
        env: &Env,
    ) {
        let ch = self.fresh("change");
        let kind_name = match k.atlas {
            "user" => "role",
            other => other,
        };
        let obj = Bound {
            expr: format!("{ch}.{side}"),
            kind: Some(k),
        };
        let fors = vec![format!(
            "for {ch} in changes where {ch} is {prefix}_{kind_name}"
        )];
        // The object's own match/assert; its children are the changed children of that kind.
        let own = BlockAst {
            blocks: b
                .blocks
                .iter()
                .filter(|x| x.ident == "match" || x.ident == "assert")
                .cloned()
                .collect(),
            ..b.clone()
        };
        self.object_body(rule, name, doc, &own, k, fors, &obj, env, Target::Plan);
        for x in &b.blocks {
            if x.ident == "match" || x.ident == "assert" {
                continue;
            }
            let Some((_, field, child)) = k.children.iter().find(|(n, _, _)| *n == x.ident) else {
                self.err(
                    x.ident_span,
                    format!("a {} has no child {:?}", k.atlas, x.ident),
                );
                continue;
            };
            let ck = kind(child).expect("child kinds are kinds");
            // Children changed on their own (add_column on an existing table) ...
            self.migrate_path(rule, name, doc, x, ck, prefix, side, env);
            // ... and, for add and drop, the children of a table added or dropped whole.
            if prefix == "add" || prefix == "drop" {
                let ch = self.fresh("change");
                let var = self.fresh(child);
                let fors = vec![
                    format!("for {ch} in changes where {ch} is {prefix}_{kind_name}"),
                    format!("for {var} in {ch}.{side}.{field}"),
                ];
                let cobj = Bound {
                    expr: var,
                    kind: Some(ck),
                };
                let own = BlockAst {
                    blocks: x
                        .blocks
                        .iter()
                        .filter(|y| y.ident == "match" || y.ident == "assert")
                        .cloned()
                        .collect(),
                    ..x.clone()
                };
                self.object_body(rule, name, doc, &own, ck, fors, &cobj, env, Target::Plan);
            }
        }
    }

    fn test(&mut self, b: &BlockAst) {
        let (Some(r), Some(title)) = (
            self.label(b, 0, "the rule's name"),
            self.label(b, 1, "a title"),
        ) else {
            return;
        };
        let text_of = |a: Option<&Attr>| match a.map(|a| &a.expr) {
            Some(HclExpr::String(s, _)) => Some(s.clone()),
            _ => None,
        };
        let Some(dialect) = text_of(b.attr("dialect")) else {
            self.err(
                b.ident_span,
                "a test needs dialect = \"postgres\" (or mysql, mariadb, sqlite)",
            );
            return;
        };
        let mut text = format!("test {} {} {} {{\n", kebab(&r), q(&title), ident(&dialect));
        for side in ["before", "after"] {
            if let Some(a) = b.attr(side) {
                match &a.expr {
                    HclExpr::String(s, _) => {
                        let _ = writeln!(
                            text,
                            "  {side} = sql\"{}\"",
                            s.replace('\\', "\\\\").replace('"', "\\\"")
                        );
                    }
                    other => {
                        self.err(other.span(), format!("{side} takes a SQL string"));
                        return;
                    }
                }
            }
        }
        match b.attr("expect").map(|a| &a.expr) {
            Some(HclExpr::List(xs, _)) if xs.is_empty() => text.push_str("  expect none\n"),
            Some(HclExpr::List(xs, _)) => {
                for x in xs {
                    match x {
                        HclExpr::String(s, _) => {
                            let _ = writeln!(text, "  expect {}", kebab(s));
                        }
                        other => {
                            self.err(other.span(), "expect takes rule names");
                            return;
                        }
                    }
                }
            }
            _ => {
                self.err(
                    b.ident_span,
                    "a test needs expect = [\"rule-name\", ...] (or [] for none)",
                );
                return;
            }
        }
        text.push_str("}\n\n");
        self.emit(b.span, &text);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Schema,
    Plan,
}

/// The names an expression sees.
#[derive(Clone, Default)]
struct Env {
    names: BTreeMap<String, Bound>,
    /// The variables of the predicate being translated.
    vars: Vec<String>,
}

/// `null { eq = false }` is Atlas's condition on a column's nullability, but `null` is a
/// keyword to the HCL parser: such blocks are renamed to `nul_` (same length, so every offset
/// stays) before parsing, and back after.
fn hide_null_blocks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = line.len() - body.len();
        match body.strip_prefix("null") {
            Some(rest) if rest.trim_start().starts_with('{') => {
                out.push_str(&line[..indent]);
                out.push_str("nul_");
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

fn restore_null_blocks(b: &mut BlockAst) {
    if b.ident == "nul_" {
        b.ident = "null".into();
    }
    for x in &mut b.blocks {
        restore_null_blocks(x);
    }
}

/// Compiles an Atlas policy file into the rule IR. Never fails: errors are diagnostics located
/// in the `.rule.hcl` file, and the rules that translate still run.
pub fn compile(path: &str, text: &str) -> CompiledRules {
    let body = match parse_body(&hide_null_blocks(text)) {
        Ok(mut b) => {
            for x in &mut b.blocks {
                restore_null_blocks(x);
            }
            b
        }
        Err(d) => {
            let mut d = *d;
            d.file = path.to_string();
            return CompiledRules {
                path: path.to_string(),
                diagnostics: vec![d],
                ..CompiledRules::default()
            };
        }
    };
    let mut tr = Tr {
        path,
        text,
        out: String::new(),
        map: Vec::new(),
        diags: Vec::new(),
        preds: BTreeMap::new(),
        params: Vec::new(),
        fresh: 0,
        rule_names: Vec::new(),
    };
    for a in &body.attributes {
        tr.err(
            a.name_span,
            format!("unexpected attribute {:?}: a rule file holds variable, predicate, rule and test blocks", a.name),
        );
    }
    // Signatures first, so rules and predicates may refer to predicates declared later.
    for b in &body.blocks {
        match b.ident.as_str() {
            "variable" => {
                if let Some(n) = b.labels.first() {
                    tr.params.push(n.value.clone());
                }
            }
            "predicate" => tr.predicate_sig(b),
            _ => {}
        }
    }
    for b in &body.blocks {
        match b.ident.as_str() {
            "variable" => {
                let Some(n) = tr.label(b, 0, "a name") else {
                    continue;
                };
                let Some((ty, default)) = tr.var_type(b) else {
                    continue;
                };
                let Some(default) = default else {
                    tr.err(b.span, format!("variable {n:?} needs a default (rule-file variables are params; override them in lint {{ params = {{ ... }} }})"));
                    continue;
                };
                let text = format!("param {}: {ty} = {default}\n\n", ident(&n));
                tr.emit(b.span, &text);
            }
            "predicate" => tr.predicate(b),
            "rule" => tr.rule(b),
            "test" => tr.test(b),
            other => {
                let hint = cairn_syntax::diag::did_you_mean(
                    other,
                    ["variable", "predicate", "rule", "test"],
                )
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
                tr.err(
                    b.ident_span,
                    format!("unknown block {other:?}: a rule file holds variable, predicate, rule and test blocks{hint}"),
                );
            }
        }
    }
    let _ = tr.text;
    let parsed = cairn_syntax::rules::parse(path, &tr.out);
    let mut compiled = check::check(path, &parsed, &|_| None);
    let whole = Span {
        start: 0,
        end: text.len().min(u32::MAX as usize) as u32,
    };
    for d in &mut compiled.diagnostics {
        d.span = tr.remap(d.span, whole);
        d.labels.clear();
        d.suggestion = None;
        d.message = format!("{} (in the rules this block compiles to)", d.message);
    }
    for r in &mut compiled.rules {
        r.span = tr.remap(r.span, whole);
        r.name_span = r.span;
    }
    for t in &mut compiled.tests {
        t.span = tr.remap(t.span, whole);
    }
    let mut diags = tr.diags;
    diags.append(&mut compiled.diagnostics);
    compiled.diagnostics = diags;
    compiled
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
variable "max_columns" {
  type    = number
  default = 3
}

predicate "column" "required_or_default" {
  or {
    null    { eq = false }
    default { ne = null }
  }
}

predicate "table" "has_pk" {
  primary_key { condition = self != null }
}

predicate "table" "not_too_wide" {
  count {
    column { condition = true }
    le = var.max_columns
  }
}

rule "schema" "tables-need-pk" {
  description = "every table must have a primary key"
  table {
    match {
      name { ne = "legacy" }
    }
    assert {
      predicate = predicate.table.has_pk
      message   = "table ${self.name} has no primary key"
    }
  }
}

rule "schema" "narrow-tables" {
  table {
    assert {
      predicate = predicate.table.not_too_wide
      message   = "table ${self.name} is too wide"
    }
    column {
      match {
        name { match = "^[a-z]{1,2}$" }
      }
      assert {
        condition = false
        message   = "column ${self.table.name}.${self.name}: too short"
      }
    }
  }
}

rule "migrate" "new-columns-required" {
  description = "columns added by migrations must be NOT NULL or have a default"
  add {
    table {
      column {
        assert {
          predicate = predicate.column.required_or_default
          message   = "${self.table.name}.${self.name} is nullable without a default"
        }
      }
    }
  }
}

test "tables-need-pk" "fires on a table without a key" {
  dialect = "postgres"
  after   = "CREATE TABLE t (id int);"
  expect  = ["tables-need-pk"]
}
"#;

    #[test]
    fn translates_atlas_rules() {
        let c = compile("policy.rule.hcl", EXAMPLE);
        assert!(!c.has_errors(), "{:#?}", c.diagnostics);
        let names: Vec<&str> = c.rules.iter().map(|r| r.name.as_str()).collect();
        assert!(names.contains(&"tables-need-pk"), "{names:?}");
        assert!(names.contains(&"narrow-tables"), "{names:?}");
        assert!(names.contains(&"narrow-tables-column"), "{names:?}");
        assert!(names.contains(&"new-columns-required"), "{names:?}");
        assert_eq!(c.tests.len(), 1);
        assert_eq!(
            c.params.iter().filter(|p| p.name == "max_columns").count(),
            1
        );
    }

    #[test]
    fn errors_point_into_the_hcl() {
        let text = "predicate \"column\" \"x\" {\n  nul { eq = false }\n}\n\nrule \"schema\" \"r\" {\n  table {\n    assert {\n      predicate = predicate.table.nope\n    }\n  }\n}\n";
        let c = compile("p.rule.hcl", text);
        let msgs: Vec<(String, u32)> = c
            .diagnostics
            .iter()
            .map(|d| (d.message.clone(), d.span.start))
            .collect();
        assert!(
            msgs.iter()
                .any(|(m, s)| m.contains("did you mean `null`") && *s == 27),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|(m, _)| m.contains("no predicate \"table\" \"nope\"")),
            "{msgs:?}"
        );
        let c = compile("p.rule.hcl", "rule \"schema\" {\n");
        assert!(c.has_errors());
    }
}
