//! Reading attributes of a block as typed values, with one diagnostic per wrong value, and the
//! check that a block holds only the attributes and blocks its kind allows.

use cairn_ir::{Expr, Literal, QualifiedName};
use cairn_syntax::diag::did_you_mean;
use cairn_syntax::hcl::parse::BlockAst;

use super::super::eval::{Ref, Value};
use super::{Env, Lowerer, d};

impl<'a> Lowerer<'a> {
    /// Reports attributes and blocks of `b` that its kind does not allow.
    pub(super) fn check_shape(
        &mut self,
        env: Env<'_, 'a>,
        b: &BlockAst,
        attrs: &[&str],
        blocks: &[&str],
    ) {
        for a in &b.attributes {
            if !attrs.contains(&a.name.as_str()) {
                let mut diag = d(
                    env.src,
                    a.name_span,
                    "E2011",
                    format!(
                        "unknown attribute `{}` in a `{}` block ({})",
                        a.name, b.ident, self.dialect
                    ),
                );
                if let Some(s) = did_you_mean(&a.name, attrs.iter().copied()) {
                    diag = diag
                        .with_help(format!("did you mean `{s}`?"))
                        .with_suggestion(format!("replace with `{s}`"), s);
                }
                self.diags.push(diag);
            }
        }
        for nb in &b.blocks {
            if !blocks.contains(&nb.ident.as_str()) {
                let mut diag = d(
                    env.src,
                    nb.ident_span,
                    "E2010",
                    format!(
                        "unknown block `{}` in a `{}` block ({})",
                        nb.ident, b.ident, self.dialect
                    ),
                );
                if let Some(s) = did_you_mean(&nb.ident, blocks.iter().copied()) {
                    diag = diag
                        .with_help(format!("did you mean `{s}`?"))
                        .with_suggestion(format!("replace with `{s}`"), s);
                }
                self.diags.push(diag);
            }
        }
    }

    pub(super) fn val(&mut self, env: Env<'_, 'a>, b: &BlockAst, name: &str) -> Option<Value> {
        let a = b.attr(name)?;
        match self.eval(env, &a.expr) {
            Value::Error => None,
            v => Some(v),
        }
    }

    fn wrong(&mut self, env: Env<'_, 'a>, b: &BlockAst, name: &str, expected: &str, got: &Value) {
        if let Some(a) = b.attr(name) {
            self.diags.push(d(
                env.src,
                a.expr.span(),
                "E2013",
                format!("`{name}` expects {expected}, not {}", got.kind_name()),
            ));
        }
    }

    pub(super) fn text(&mut self, env: Env<'_, 'a>, b: &BlockAst, name: &str) -> Option<String> {
        let v = self.val(env, b, name)?;
        match &v {
            Value::Str(_) | Value::Num(_) | Value::Keyword(_) | Value::Ref(_) | Value::Sql(_) => {
                v.as_text()
            }
            _ => {
                self.wrong(env, b, name, "a string", &v);
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, env: Env<'_, 'a>, b: &BlockAst, name: &str) -> Option<bool> {
        match self.val(env, b, name)? {
            Value::Bool(x) => Some(x),
            v => {
                self.wrong(env, b, name, "`true` or `false`", &v);
                None
            }
        }
    }

    pub(super) fn flag(&mut self, env: Env<'_, 'a>, b: &BlockAst, name: &str) -> bool {
        self.boolean(env, b, name).unwrap_or(false)
    }

    pub(super) fn int(&mut self, env: Env<'_, 'a>, b: &BlockAst, name: &str) -> Option<i64> {
        let v = self.val(env, b, name)?;
        match &v {
            Value::Num(n) => match n.parse::<i64>() {
                Ok(x) => Some(x),
                Err(_) => {
                    self.wrong(env, b, name, "an integer", &v);
                    None
                }
            },
            _ => {
                self.wrong(env, b, name, "an integer", &v);
                None
            }
        }
    }

    /// A keyword attribute (`on_delete = CASCADE`, `for = ROW`; strings are accepted too),
    /// upper-cased with `_` for spaces, checked against `allowed`.
    pub(super) fn keyword(
        &mut self,
        env: Env<'_, 'a>,
        b: &BlockAst,
        name: &str,
        allowed: &[&str],
    ) -> Option<String> {
        let v = self.val(env, b, name)?;
        let Some(text) = (match &v {
            Value::Keyword(s) | Value::Str(s) => Some(super::norm_keyword(s)),
            _ => None,
        }) else {
            self.wrong(env, b, name, &format!("one of {}", allowed.join(", ")), &v);
            return None;
        };
        if allowed.contains(&text.as_str()) {
            return Some(text);
        }
        let a = b.attr(name).expect("evaluated above");
        let mut diag = d(
            env.src,
            a.expr.span(),
            "E2013",
            format!(
                "`{name}` must be one of {}, not `{text}`",
                allowed.join(", ")
            ),
        );
        if let Some(s) = did_you_mean(&text, allowed.iter().copied()) {
            diag = diag
                .with_help(format!("did you mean `{s}`?"))
                .with_suggestion(format!("replace with `{s}`"), s);
        }
        self.diags.push(diag);
        None
    }

    /// A SQL expression attribute: a string, a heredoc or `sql("...")`.
    pub(super) fn sql_expr(&mut self, env: Env<'_, 'a>, b: &BlockAst, name: &str) -> Option<Expr> {
        let v = self.val(env, b, name)?;
        match v {
            Value::Str(s) | Value::Sql(s) => Some(Expr::new(s.trim().to_string())),
            Value::Num(s) | Value::Keyword(s) => Some(Expr::new(s)),
            Value::Bool(x) => Some(Expr::new(x.to_string())),
            v => {
                self.wrong(
                    env,
                    b,
                    name,
                    "a SQL expression (a string or `sql(\"...\")`)",
                    &v,
                );
                None
            }
        }
    }

    /// A list of names: strings, keywords or references (whose names are taken).
    pub(super) fn names(&mut self, env: Env<'_, 'a>, b: &BlockAst, name: &str) -> Vec<String> {
        match self.val(env, b, name) {
            None => Vec::new(),
            Some(Value::List(xs)) => xs.iter().filter_map(Value::as_text).collect(),
            Some(v @ (Value::Str(_) | Value::Ref(_) | Value::Keyword(_))) => {
                v.as_text().into_iter().collect()
            }
            Some(v) => {
                self.wrong(env, b, name, "a list", &v);
                Vec::new()
            }
        }
    }

    /// A list of column references, each checked to belong to `table` when given.
    pub(super) fn columns(
        &mut self,
        env: Env<'_, 'a>,
        b: &BlockAst,
        name: &str,
        table: Option<&QualifiedName>,
    ) -> Vec<String> {
        let Some(v) = self.val(env, b, name) else {
            return Vec::new();
        };
        let items = match v {
            Value::List(xs) => xs,
            other => vec![other],
        };
        let mut out = Vec::new();
        for x in items {
            match x {
                Value::Ref(Ref::Column { table: t, column }) => {
                    if let Some(want) = table
                        && (t.name != want.name || t.schema != want.schema)
                    {
                        let a = b.attr(name).expect("evaluated above");
                        self.diags.push(d(
                                env.src,
                                a.expr.span(),
                                "E2013",
                                format!(
                                    "`{name}` lists column `{column}` of table `{}`; expected a column of `{}`",
                                    t.display(),
                                    want.display()
                                ),
                            ));
                    }
                    out.push(column);
                }
                Value::Str(s) => out.push(s),
                Value::Error => {}
                other => {
                    let a = b.attr(name).expect("evaluated above");
                    self.diags.push(d(
                        env.src,
                        a.expr.span(),
                        "E2013",
                        format!(
                            "`{name}` expects column references such as `column.id`, not {}",
                            other.kind_name()
                        ),
                    ));
                }
            }
        }
        out
    }

    /// A literal default (`0`, `"x"`, `true`) or an expression one (`sql("now()")`).
    pub(super) fn default_value(
        &mut self,
        env: Env<'_, 'a>,
        b: &BlockAst,
    ) -> Option<cairn_ir::Default> {
        let v = self.val(env, b, "default")?;
        Some(match v {
            Value::Sql(s) => cairn_ir::Default::Expr(Expr::new(s)),
            Value::Str(s) => cairn_ir::Default::Literal(Literal::String(s)),
            Value::Num(n) => cairn_ir::Default::Literal(Literal::Number(n)),
            Value::Bool(x) => cairn_ir::Default::Literal(Literal::Bool(x)),
            Value::Null => cairn_ir::Default::Literal(Literal::Null),
            other => {
                self.wrong(env, b, "default", "a literal or `sql(\"...\")`", &other);
                return None;
            }
        })
    }

    /// A reference of one of `kinds`, e.g. `on = table.orders`.
    pub(super) fn reference(
        &mut self,
        env: Env<'_, 'a>,
        b: &BlockAst,
        name: &str,
        kinds: &[&str],
    ) -> Option<Ref> {
        let v = self.val(env, b, name)?;
        let ok = match &v {
            Value::Ref(Ref::Relation { kind, .. } | Ref::Object { kind, .. }) => {
                kinds.contains(kind)
            }
            Value::Ref(Ref::Schema(_)) => kinds.contains(&"schema"),
            Value::Ref(Ref::Column { .. }) => kinds.contains(&"column"),
            _ => false,
        };
        if ok {
            let Value::Ref(r) = v else {
                unreachable!("checked above")
            };
            return Some(r);
        }
        let expected: Vec<String> = kinds.iter().map(|k| format!("`{k}.<name>`")).collect();
        self.wrong(
            env,
            b,
            name,
            &format!("a reference ({})", expected.join(" or ")),
            &v,
        );
        None
    }
}
