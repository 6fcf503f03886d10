//! Evaluation of project-file expressions: variables, locals, `atlas.env`, operators, `for`
//! expressions, templates and the functions Atlas projects use.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cairn_syntax::diag::Span;
use cairn_syntax::hcl::parse::{BlockAst, HclExpr, ObjKey, Step, TemplatePart};

use super::ProjectError;
use super::value::{Value, fmt_number};

/// Everything an expression can refer to.
pub(crate) struct Scope<'a> {
    pub file: String,
    pub text: &'a str,
    pub base_dir: PathBuf,
    pub vars: BTreeMap<String, Value>,
    pub locals: BTreeMap<String, &'a HclExpr>,
    pub local_cache: RefCell<BTreeMap<String, Value>>,
    pub in_progress: RefCell<Vec<String>>,
    pub env_name: Option<String>,
    /// Declared data sources, by `(kind, name)`.
    pub data_blocks: BTreeMap<(String, String), &'a BlockAst>,
    /// Evaluated data sources.
    pub data_cache: RefCell<BTreeMap<(String, String), Value>>,
    /// Runs `data "sql"` queries.
    pub host: Option<super::data::Host>,
    /// The schema sources data blocks defined (`mem://KIND/NAME`).
    pub sources: RefCell<BTreeMap<String, super::data::MemSource>>,
    /// Names bound by `for` expressions (innermost last).
    pub bound: RefCell<Vec<(String, Value)>>,
}

type R<T> = Result<T, ProjectError>;

impl<'a> Scope<'a> {
    pub fn err(&self, span: Span, message: impl Into<String>) -> ProjectError {
        ProjectError::at(&self.file, self.text, span, message)
    }

    pub fn eval(&self, e: &HclExpr) -> R<Value> {
        match e {
            HclExpr::Null(_) => Ok(Value::Null),
            HclExpr::Bool(b, _) => Ok(Value::Bool(*b)),
            HclExpr::Number(n, s) => n
                .parse::<f64>()
                .map(Value::Number)
                .map_err(|_| self.err(*s, format!("invalid number {n:?}"))),
            HclExpr::String(s, _) => Ok(Value::String(s.clone())),
            HclExpr::Template(parts, _) => {
                let mut out = String::new();
                for p in parts {
                    match p {
                        TemplatePart::Lit(s) => out.push_str(s),
                        TemplatePart::Interp(x) => {
                            let v = self.eval(x)?;
                            match v.to_text() {
                                Some(t) => out.push_str(&t),
                                None => {
                                    return Err(self.err(
                                        x.span(),
                                        format!(
                                            "cannot interpolate {} into a string",
                                            v.kind_name()
                                        ),
                                    ));
                                }
                            }
                        }
                    }
                }
                Ok(Value::String(out))
            }
            HclExpr::Traversal { root, steps, span } => self.traverse(root, steps, *span),
            HclExpr::Call { name, args, span } => self.call(name, args, *span),
            HclExpr::List(items, _) => Ok(Value::List(
                items.iter().map(|i| self.eval(i)).collect::<R<_>>()?,
            )),
            HclExpr::Object(entries, _) => {
                let mut m = BTreeMap::new();
                for (k, v) in entries {
                    let key = match k {
                        ObjKey::Ident(s) => s.clone(),
                        ObjKey::Expr(x) => self.text_of(x)?,
                    };
                    m.insert(key, self.eval(v)?);
                }
                Ok(Value::Object(m))
            }
            HclExpr::Conditional {
                cond,
                then,
                otherwise,
                ..
            } => {
                if self.bool_of(cond)? {
                    self.eval(then)
                } else {
                    self.eval(otherwise)
                }
            }
            HclExpr::Unary { op, expr, span } => {
                let v = self.eval(expr)?;
                match op.as_str() {
                    "!" => v.to_bool().map(|b| Value::Bool(!b)).ok_or_else(|| {
                        self.err(*span, format!("`!` needs a bool, got {}", v.kind_name()))
                    }),
                    "-" => v.to_number().map(|n| Value::Number(-n)).ok_or_else(|| {
                        self.err(*span, format!("`-` needs a number, got {}", v.kind_name()))
                    }),
                    other => Err(self.err(*span, format!("unknown operator {other:?}"))),
                }
            }
            HclExpr::Binary { op, lhs, rhs, span } => self.binary(op, lhs, rhs, *span),
            HclExpr::Paren(x, _) => self.eval(x),
            HclExpr::For(f, span) => {
                let coll = self.eval(&f.collection)?;
                let pairs: Vec<(Value, Value)> = match coll {
                    Value::List(l) => l
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (Value::Number(i as f64), v))
                        .collect(),
                    Value::Object(m) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
                    other => {
                        return Err(self.err(
                            f.collection.span(),
                            format!(
                                "a for expression needs a list or object, got {}",
                                other.kind_name()
                            ),
                        ));
                    }
                };
                let mut list = Vec::new();
                let mut map = BTreeMap::new();
                for (k, v) in pairs {
                    let depth = self.bound.borrow().len();
                    if let Some(kv) = &f.key_var {
                        self.bound.borrow_mut().push((kv.clone(), k));
                    }
                    self.bound.borrow_mut().push((f.value_var.clone(), v));
                    let r = (|| -> R<()> {
                        if let Some(c) = &f.cond
                            && !self.bool_of(c)?
                        {
                            return Ok(());
                        }
                        let val = self.eval(&f.value)?;
                        match &f.key {
                            Some(kx) => {
                                map.insert(self.text_of(kx)?, val);
                            }
                            None => list.push(val),
                        }
                        Ok(())
                    })();
                    self.bound.borrow_mut().truncate(depth);
                    r?;
                }
                let _ = span;
                Ok(if f.key.is_some() {
                    Value::Object(map)
                } else {
                    Value::List(list)
                })
            }
            HclExpr::Unsupported(text, s) => Err(self.err(
                *s,
                format!("this expression is not supported in the project file: {text}"),
            )),
        }
    }

    pub fn text_of(&self, e: &HclExpr) -> R<String> {
        let v = self.eval(e)?;
        v.to_text().ok_or_else(|| {
            self.err(
                e.span(),
                format!("expected a string, got {}", v.kind_name()),
            )
        })
    }

    pub fn bool_of(&self, e: &HclExpr) -> R<bool> {
        let v = self.eval(e)?;
        v.to_bool()
            .ok_or_else(|| self.err(e.span(), format!("expected a bool, got {}", v.kind_name())))
    }

    fn binary(&self, op: &str, lhs: &HclExpr, rhs: &HclExpr, span: Span) -> R<Value> {
        match op {
            "&&" => return Ok(Value::Bool(self.bool_of(lhs)? && self.bool_of(rhs)?)),
            "||" => return Ok(Value::Bool(self.bool_of(lhs)? || self.bool_of(rhs)?)),
            _ => {}
        }
        let (a, b) = (self.eval(lhs)?, self.eval(rhs)?);
        match op {
            "==" => return Ok(Value::Bool(a == b)),
            "!=" => return Ok(Value::Bool(a != b)),
            _ => {}
        }
        let (Some(x), Some(y)) = (a.to_number(), b.to_number()) else {
            return Err(self.err(
                span,
                format!(
                    "`{op}` needs numbers, got {} and {}",
                    a.kind_name(),
                    b.kind_name()
                ),
            ));
        };
        Ok(match op {
            "+" => Value::Number(x + y),
            "-" => Value::Number(x - y),
            "*" => Value::Number(x * y),
            "/" => Value::Number(x / y),
            "%" => Value::Number(x % y),
            "<" => Value::Bool(x < y),
            ">" => Value::Bool(x > y),
            "<=" => Value::Bool(x <= y),
            ">=" => Value::Bool(x >= y),
            other => return Err(self.err(span, format!("unknown operator {other:?}"))),
        })
    }

    fn traverse(&self, root: &str, steps: &[Step], span: Span) -> R<Value> {
        let bound = self
            .bound
            .borrow()
            .iter()
            .rev()
            .find(|(n, _)| n == root)
            .map(|(_, v)| v.clone());
        let (mut value, rest) = if let Some(v) = bound {
            (v, steps)
        } else {
            match root {
                "var" => {
                    let (name, nspan) = self.attr_step(steps, span, "var.NAME")?;
                    let v = self.vars.get(name).cloned().ok_or_else(|| {
                        self.err(
                            nspan,
                            format!(
                                "no variable named {name:?} is declared{}",
                                suggest(name, self.vars.keys().map(String::as_str))
                            ),
                        )
                    })?;
                    (v, &steps[1..])
                }
                "local" => {
                    let (name, nspan) = self.attr_step(steps, span, "local.NAME")?;
                    (self.local(name, nspan)?, &steps[1..])
                }
                "atlas" if steps.is_empty() => return Ok(Value::Keyword(root.to_string())),
                "atlas" => {
                    let (name, nspan) = self.attr_step(steps, span, "atlas.env")?;
                    if name != "env" {
                        return Err(
                            self.err(nspan, format!("atlas.{name} is not defined; atlas.env is"))
                        );
                    }
                    (
                        self.env_name.clone().map_or(Value::Null, Value::String),
                        &steps[1..],
                    )
                }
                "data" => {
                    let (kind, kspan) = self.attr_step(steps, span, "data.KIND.NAME")?;
                    let (name, nspan) = self.attr_step(&steps[1..], kspan, "data.KIND.NAME")?;
                    (self.data_source(kind, name, nspan)?, &steps[2..])
                }
                "each" => {
                    return Err(self.err(
                        span,
                        "each.key and each.value exist only in an env block with for_each",
                    ));
                }
                word if steps.is_empty() => return Ok(Value::Keyword(word.to_string())),
                other => {
                    return Err(self.err(
                        span,
                        format!(
                            "unknown reference `{other}`: expected var.NAME, local.NAME, atlas.env or data.KIND.NAME"
                        ),
                    ));
                }
            }
        };
        for s in rest {
            value = match s {
                Step::Attr(a, aspan) => match value {
                    Value::Object(mut m) => m.remove(a).ok_or_else(|| {
                        self.err(*aspan, format!("the object has no attribute {a:?}"))
                    })?,
                    other => {
                        return Err(
                            self.err(*aspan, format!("cannot read .{a} of {}", other.kind_name()))
                        );
                    }
                },
                Step::Index(ix) => {
                    let k = self.eval(ix)?;
                    match (value, &k) {
                        (Value::List(l), _) => {
                            let i = k.to_number().ok_or_else(|| {
                                self.err(ix.span(), "a list index must be a number")
                            })?;
                            let len = l.len();
                            l.into_iter()
                                .nth(i as usize)
                                .filter(|_| i >= 0.0)
                                .ok_or_else(|| {
                                    self.err(
                                        ix.span(),
                                        format!(
                                            "index {} is out of range (length {len})",
                                            fmt_number(i)
                                        ),
                                    )
                                })?
                        }
                        (Value::Object(mut m), _) => {
                            let key = k.to_text().unwrap_or_default();
                            m.remove(&key).ok_or_else(|| {
                                self.err(ix.span(), format!("the object has no key {key:?}"))
                            })?
                        }
                        (other, _) => {
                            return Err(
                                self.err(ix.span(), format!("cannot index {}", other.kind_name()))
                            );
                        }
                    }
                }
                Step::Splat(sp) => {
                    return Err(self.err(
                        *sp,
                        "splat expressions are not supported in the project file",
                    ));
                }
            };
        }
        Ok(value)
    }

    fn attr_step<'s>(&self, steps: &'s [Step], span: Span, shape: &str) -> R<(&'s str, Span)> {
        match steps.first() {
            Some(Step::Attr(a, s)) => Ok((a, *s)),
            _ => Err(self.err(span, format!("expected {shape}"))),
        }
    }

    fn local(&self, name: &str, span: Span) -> R<Value> {
        if let Some(v) = self.local_cache.borrow().get(name) {
            return Ok(v.clone());
        }
        let Some(expr) = self.locals.get(name).copied() else {
            return Err(self.err(
                span,
                format!(
                    "no local named {name:?} is defined{}",
                    suggest(name, self.locals.keys().map(String::as_str))
                ),
            ));
        };
        if self.in_progress.borrow().iter().any(|n| n == name) {
            let chain = self.in_progress.borrow().join(" -> ");
            return Err(self.err(
                span,
                format!("local.{name} refers to itself ({chain} -> {name})"),
            ));
        }
        self.in_progress.borrow_mut().push(name.to_string());
        // Locals see no `for` bindings of the place that refers to them.
        let saved = std::mem::take(&mut *self.bound.borrow_mut());
        let r = self.eval(expr);
        *self.bound.borrow_mut() = saved;
        self.in_progress.borrow_mut().pop();
        let v = r?;
        self.local_cache
            .borrow_mut()
            .insert(name.to_string(), v.clone());
        Ok(v)
    }

    fn path(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    fn call(&self, name: &str, args: &[HclExpr], span: Span) -> R<Value> {
        // Functions that evaluate their arguments lazily.
        match name {
            "try" => {
                let mut last = None;
                for a in args {
                    match self.eval(a) {
                        Ok(v) => return Ok(v),
                        Err(e) => last = Some(e),
                    }
                }
                return Err(
                    last.unwrap_or_else(|| self.err(span, "try() needs at least one argument"))
                );
            }
            "can" => {
                self.arity(name, args, 1, span)?;
                return Ok(Value::Bool(self.eval(&args[0]).is_ok()));
            }
            _ => {}
        }
        let vals: Vec<Value> = args.iter().map(|a| self.eval(a)).collect::<R<_>>()?;
        let text = |i: usize| -> R<String> {
            vals[i].to_text().ok_or_else(|| {
                self.err(
                    args[i].span(),
                    format!(
                        "{name}(): argument {} must be a string, got {}",
                        i + 1,
                        vals[i].kind_name()
                    ),
                )
            })
        };
        let list = |i: usize| -> R<Vec<Value>> {
            match &vals[i] {
                Value::List(l) => Ok(l.clone()),
                other => Err(self.err(
                    args[i].span(),
                    format!(
                        "{name}(): argument {} must be a list, got {}",
                        i + 1,
                        other.kind_name()
                    ),
                )),
            }
        };
        let strings = |v: Vec<Value>, i: usize| -> R<Vec<String>> {
            v.iter()
                .map(|x| {
                    x.to_text().ok_or_else(|| {
                        self.err(
                            args[i].span(),
                            format!("{name}(): expected a list of strings"),
                        )
                    })
                })
                .collect()
        };
        let n = vals.len();
        let fixed = |k: usize| self.arity(name, args, k, span);
        let strs = |v: Vec<String>| Value::List(v.into_iter().map(Value::String).collect());
        Ok(match name {
            "getenv" => {
                fixed(1)?;
                Value::String(std::env::var(text(0)?).unwrap_or_default())
            }
            "file" => {
                fixed(1)?;
                let p = self.path(&text(0)?);
                Value::String(std::fs::read_to_string(&p).map_err(|e| {
                    self.err(span, format!("file(): cannot read {}: {e}", p.display()))
                })?)
            }
            "glob" | "fileset" => {
                let pattern = if name == "fileset" && n == 2 {
                    format!("{}/{}", text(0)?.trim_end_matches('/'), text(1)?)
                } else {
                    fixed(1)?;
                    text(0)?
                };
                strs(glob(&self.base_dir, &pattern))
            }
            "format" => {
                if n == 0 {
                    return Err(self.err(span, "format() needs a format string"));
                }
                Value::String(format_values(&text(0)?, &vals[1..]).map_err(|m| self.err(span, m))?)
            }
            "join" => {
                fixed(2)?;
                Value::String(strings(list(1)?, 1)?.join(&text(0)?))
            }
            "split" => {
                fixed(2)?;
                let (sep, s) = (text(0)?, text(1)?);
                if s.is_empty() {
                    Value::List(vec![Value::String(String::new())])
                } else {
                    strs(s.split(sep.as_str()).map(str::to_string).collect())
                }
            }
            "lower" => {
                fixed(1)?;
                Value::String(text(0)?.to_lowercase())
            }
            "upper" => {
                fixed(1)?;
                Value::String(text(0)?.to_uppercase())
            }
            "title" => {
                fixed(1)?;
                let s = text(0)?;
                let mut out = String::new();
                let mut start = true;
                for c in s.chars() {
                    if start {
                        out.extend(c.to_uppercase());
                    } else {
                        out.push(c);
                    }
                    start = c.is_whitespace();
                }
                Value::String(out)
            }
            "trimspace" => {
                fixed(1)?;
                Value::String(text(0)?.trim().to_string())
            }
            "trimprefix" => {
                fixed(2)?;
                let (s, p) = (text(0)?, text(1)?);
                Value::String(s.strip_prefix(p.as_str()).unwrap_or(&s).to_string())
            }
            "trimsuffix" => {
                fixed(2)?;
                let (s, p) = (text(0)?, text(1)?);
                Value::String(s.strip_suffix(p.as_str()).unwrap_or(&s).to_string())
            }
            "startswith" => {
                fixed(2)?;
                Value::Bool(text(0)?.starts_with(&text(1)?))
            }
            "endswith" => {
                fixed(2)?;
                Value::Bool(text(0)?.ends_with(&text(1)?))
            }
            "replace" => {
                fixed(3)?;
                let (s, from, to) = (text(0)?, text(1)?, text(2)?);
                if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                    let re = regex::Regex::new(&from[1..from.len() - 1]).map_err(|e| {
                        self.err(args[1].span(), format!("replace(): invalid regex: {e}"))
                    })?;
                    Value::String(
                        re.replace_all(&s, to.replace("$", "$$").as_str())
                            .into_owned(),
                    )
                } else {
                    Value::String(s.replace(&from, &to))
                }
            }
            "jsonencode" => {
                fixed(1)?;
                Value::String(vals[0].to_json().to_string())
            }
            "jsondecode" => {
                fixed(1)?;
                let j: serde_json::Value = serde_json::from_str(&text(0)?).map_err(|e| {
                    self.err(args[0].span(), format!("jsondecode(): invalid JSON: {e}"))
                })?;
                Value::from_json(&j)
            }
            "concat" => {
                let mut out = Vec::new();
                for i in 0..n {
                    out.extend(list(i)?);
                }
                Value::List(out)
            }
            "merge" => {
                let mut out = BTreeMap::new();
                for (i, v) in vals.iter().enumerate() {
                    match v {
                        Value::Object(m) => out.extend(m.clone()),
                        Value::Null => {}
                        other => {
                            return Err(self.err(
                                args[i].span(),
                                format!(
                                    "merge(): arguments must be objects, got {}",
                                    other.kind_name()
                                ),
                            ));
                        }
                    }
                }
                Value::Object(out)
            }
            "toset" | "distinct" => {
                fixed(1)?;
                let mut out: Vec<Value> = Vec::new();
                for v in list(0)? {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
                Value::List(out)
            }
            "tolist" => {
                fixed(1)?;
                Value::List(list(0)?)
            }
            "tostring" => {
                fixed(1)?;
                Value::String(text(0)?)
            }
            "tonumber" => {
                fixed(1)?;
                Value::Number(vals[0].to_number().ok_or_else(|| {
                    self.err(
                        args[0].span(),
                        format!("tonumber(): cannot convert {}", vals[0]),
                    )
                })?)
            }
            "tobool" => {
                fixed(1)?;
                Value::Bool(vals[0].to_bool().ok_or_else(|| {
                    self.err(
                        args[0].span(),
                        format!("tobool(): cannot convert {}", vals[0]),
                    )
                })?)
            }
            "length" => {
                fixed(1)?;
                Value::Number(match &vals[0] {
                    Value::List(l) => l.len(),
                    Value::Object(m) => m.len(),
                    Value::String(s) => s.chars().count(),
                    other => {
                        return Err(self.err(
                            args[0].span(),
                            format!("length(): cannot measure {}", other.kind_name()),
                        ));
                    }
                } as f64)
            }
            "contains" => {
                fixed(2)?;
                Value::Bool(list(0)?.contains(&vals[1]))
            }
            "keys" | "values" => {
                fixed(1)?;
                match &vals[0] {
                    Value::Object(m) if name == "keys" => {
                        Value::List(m.keys().cloned().map(Value::String).collect())
                    }
                    Value::Object(m) => Value::List(m.values().cloned().collect()),
                    other => {
                        return Err(self.err(
                            args[0].span(),
                            format!("{name}(): needs an object, got {}", other.kind_name()),
                        ));
                    }
                }
            }
            "coalesce" => vals
                .iter()
                .find(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
                .cloned()
                .ok_or_else(|| self.err(span, "coalesce(): every argument is null or empty"))?,
            "compact" => {
                fixed(1)?;
                Value::List(
                    list(0)?
                        .into_iter()
                        .filter(|v| !matches!(v, Value::Null) && v.as_str() != Some(""))
                        .collect(),
                )
            }
            "flatten" => {
                fixed(1)?;
                fn flat(v: Vec<Value>, out: &mut Vec<Value>) {
                    for x in v {
                        match x {
                            Value::List(l) => flat(l, out),
                            other => out.push(other),
                        }
                    }
                }
                let mut out = Vec::new();
                flat(list(0)?, &mut out);
                Value::List(out)
            }
            "element" => {
                fixed(2)?;
                let l = list(0)?;
                let i = vals[1].to_number().unwrap_or(0.0) as usize;
                if l.is_empty() {
                    return Err(self.err(span, "element(): the list is empty"));
                }
                l[i % l.len()].clone()
            }
            "urlescape" => {
                fixed(1)?;
                Value::String(query_escape(&text(0)?))
            }
            "urlsetpath" => {
                fixed(2)?;
                let u = UrlParts::split(&text(0)?);
                let p = text(1)?;
                let path = if p.is_empty() || p.starts_with('/') {
                    p
                } else {
                    format!("/{p}")
                };
                Value::String(UrlParts { path, ..u }.join())
            }
            "urlqueryset" => {
                fixed(3)?;
                let mut u = UrlParts::split(&text(0)?);
                let (k, v) = (text(1)?, text(2)?);
                let mut pairs: Vec<(String, String)> = u
                    .query
                    .split('&')
                    .filter(|kv| !kv.is_empty())
                    .map(|kv| {
                        let (a, b) = kv.split_once('=').unwrap_or((kv, ""));
                        (a.to_string(), b.to_string())
                    })
                    .filter(|(a, _)| *a != query_escape(&k))
                    .collect();
                pairs.push((query_escape(&k), query_escape(&v)));
                pairs.sort();
                u.query = pairs
                    .into_iter()
                    .map(|(a, b)| format!("{a}={b}"))
                    .collect::<Vec<_>>()
                    .join("&");
                Value::String(u.join())
            }
            "abs" | "ceil" | "floor" => {
                fixed(1)?;
                let x = vals[0]
                    .to_number()
                    .ok_or_else(|| self.err(args[0].span(), format!("{name}(): needs a number")))?;
                Value::Number(match name {
                    "abs" => x.abs(),
                    "ceil" => x.ceil(),
                    _ => x.floor(),
                })
            }
            "min" | "max" => {
                let nums: Vec<f64> = vals.iter().filter_map(Value::to_number).collect();
                if nums.len() != n || n == 0 {
                    return Err(self.err(span, format!("{name}(): needs one or more numbers")));
                }
                Value::Number(if name == "min" {
                    nums.iter().copied().fold(f64::INFINITY, f64::min)
                } else {
                    nums.iter().copied().fold(f64::NEG_INFINITY, f64::max)
                })
            }
            "sql" => {
                return Err(self.err(
                    span,
                    "the sql() function is not supported yet in the project file",
                ));
            }
            other => {
                return Err(self.err(
                    span,
                    format!(
                        "unknown function {other}(){}",
                        suggest(other, FUNCTIONS.iter().copied())
                    ),
                ));
            }
        })
    }

    fn arity(&self, name: &str, args: &[HclExpr], k: usize, span: Span) -> R<()> {
        if args.len() == k {
            Ok(())
        } else {
            Err(self.err(
                span,
                format!(
                    "{name}() takes {k} argument{}, got {}",
                    if k == 1 { "" } else { "s" },
                    args.len()
                ),
            ))
        }
    }
}

/// The functions the project file knows (for suggestions).
pub const FUNCTIONS: &[&str] = &[
    "abs",
    "can",
    "ceil",
    "coalesce",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "endswith",
    "file",
    "fileset",
    "flatten",
    "floor",
    "format",
    "getenv",
    "glob",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lower",
    "max",
    "merge",
    "min",
    "replace",
    "split",
    "startswith",
    "title",
    "tobool",
    "tolist",
    "tonumber",
    "toset",
    "tostring",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "upper",
    "urlescape",
    "urlqueryset",
    "urlsetpath",
    "values",
];

/// ` (did you mean "x"?)` when a candidate is close to `name`.
pub fn suggest<'s>(name: &str, candidates: impl Iterator<Item = &'s str>) -> String {
    let best = candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1) && *d < name.len().max(1))
        .min();
    match best {
        Some((_, c)) => format!(" (did you mean {c:?}?)"),
        None => String::new(),
    }
}

/// Edit distance with adjacent transpositions (`evn` is one step from `env`).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// `format()`: `%s %d %v %q %f %%`, with an optional precision on `%f`.
fn format_values(f: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut it = f.chars().peekable();
    let mut next = 0;
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = it.peek() {
            if d.is_ascii_digit() || d == '.' {
                spec.push(d);
                it.next();
            } else {
                break;
            }
        }
        let Some(verb) = it.next() else {
            return Err("format(): the format string ends with %".into());
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            return Err(format!("format(): not enough arguments for {f:?}"));
        };
        next += 1;
        match verb {
            's' | 'v' => match arg.to_text() {
                Some(t) => out.push_str(&t),
                None => out.push_str(&arg.to_json().to_string()),
            },
            'q' => out.push_str(
                &serde_json::Value::String(arg.to_text().unwrap_or_default()).to_string(),
            ),
            'd' => match arg.to_number() {
                Some(n) => out.push_str(&format!("{}", n.trunc() as i64)),
                None => {
                    return Err(format!(
                        "format(): %d needs a number, got {}",
                        arg.kind_name()
                    ));
                }
            },
            'f' => match arg.to_number() {
                Some(n) => {
                    let prec = spec
                        .split_once('.')
                        .and_then(|(_, p)| p.parse().ok())
                        .unwrap_or(6);
                    out.push_str(&format!("{n:.prec$}"));
                }
                None => {
                    return Err(format!(
                        "format(): %f needs a number, got {}",
                        arg.kind_name()
                    ));
                }
            },
            other => return Err(format!("format(): unsupported verb %{other}")),
        }
    }
    if next < args.len() {
        return Err(format!("format(): too many arguments for {f:?}"));
    }
    Ok(out)
}

fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A URL cut into its parts by hand (`file://` paths must not go through a WHATWG parser).
struct UrlParts {
    prefix: String,
    path: String,
    query: String,
    fragment: Option<String>,
}

impl UrlParts {
    fn split(u: &str) -> UrlParts {
        let (rest, fragment) = match u.split_once('#') {
            Some((a, b)) => (a, Some(b.to_string())),
            None => (u, None),
        };
        let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (prefix, path) = match rest.find("://") {
            Some(i) => {
                let after = &rest[i + 3..];
                match after.find('/') {
                    Some(j) => (rest[..i + 3 + j].to_string(), after[j..].to_string()),
                    None => (rest.to_string(), String::new()),
                }
            }
            None => (String::new(), rest.to_string()),
        };
        UrlParts {
            prefix,
            path,
            query: query.to_string(),
            fragment,
        }
    }

    fn join(&self) -> String {
        let mut s = format!("{}{}", self.prefix, self.path);
        if !self.query.is_empty() {
            s.push('?');
            s.push_str(&self.query);
        }
        if let Some(f) = &self.fragment {
            s.push('#');
            s.push_str(f);
        }
        s
    }
}

/// `glob(pattern)`: files matching a pattern relative to `base` (`*`, `?` within a segment,
/// `**` across directories), sorted, as written relative to `base`.
fn glob(base: &Path, pattern: &str) -> Vec<String> {
    let absolute = pattern.starts_with('/');
    let segs: Vec<&str> = pattern
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let start = if absolute {
        PathBuf::from("/")
    } else {
        base.to_path_buf()
    };
    let mut out = Vec::new();
    walk(&start, "", &segs, absolute, &mut out);
    out.sort();
    out.dedup();
    out
}

fn walk(dir: &Path, shown: &str, segs: &[&str], absolute: bool, out: &mut Vec<String>) {
    let Some((first, rest)) = segs.split_first() else {
        return;
    };
    let join = |name: &str| {
        if shown.is_empty() {
            if absolute {
                format!("/{name}")
            } else {
                name.to_string()
            }
        } else {
            format!("{shown}/{name}")
        }
    };
    if *first == "**" {
        walk(dir, shown, rest, absolute, out);
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                if e.path().is_dir() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    walk(&e.path(), &join(&name), segs, absolute, out);
                }
            }
        }
        return;
    }
    if !first.contains(['*', '?', '[']) {
        let p = dir.join(first);
        if rest.is_empty() {
            if p.is_file() {
                out.push(join(first));
            }
        } else if p.is_dir() {
            walk(&p, &join(first), rest, absolute, out);
        }
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && !first.starts_with('.') {
            continue;
        }
        if !crate::scope::glob_match(first, &name) {
            continue;
        }
        let p = e.path();
        if rest.is_empty() {
            if p.is_file() {
                out.push(join(&name));
            }
        } else if p.is_dir() {
            walk(&p, &join(&name), rest, absolute, out);
        }
    }
}
