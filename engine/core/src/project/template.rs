//! The subset of Go's `text/template` that Atlas's templated migration directories use
//! (`data "template_dir"`): text and `{{ actions }}` with `{{-`/`-}}` trimming and `{{/* */}}`
//! comments; `.`, `.field.path`, `$`, `$var`, literals; `if`/`else if`/`else`, `range` (with
//! `$i, $v :=`), `with`, `define`, `template`, `block`; the functions `printf`, `print`,
//! `println`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `not`, `and`, `or`, `len`, `index`, `join`
//! and pipelines (`.x | printf "%q"`). A missing map key is an error (`missingkey=error`).

use std::collections::BTreeMap;

use super::value::{Value, fmt_number};

#[derive(Clone, Debug)]
enum Node {
    Text(String),
    Action(Pipe),
    If(Pipe, Vec<Node>, Vec<Node>),
    Range(Option<String>, Option<String>, Pipe, Vec<Node>, Vec<Node>),
    With(Pipe, Vec<Node>, Vec<Node>),
    Template(String, Option<Pipe>),
}

/// `$x := cmd | cmd ...`.
#[derive(Clone, Debug)]
struct Pipe {
    decl: Option<String>,
    cmds: Vec<Vec<Arg>>,
    line: usize,
}

#[derive(Clone, Debug)]
enum Arg {
    Dot(Vec<String>),
    Var(String, Vec<String>),
    Str(String),
    Num(f64),
    Bool(bool),
    Nil,
    Func(String),
    Sub(Pipe),
}

/// Templates by name: every file (by its path) and every `define`.
#[derive(Default)]
pub struct Set {
    templates: BTreeMap<String, (String, Vec<Node>)>,
}

enum Tok {
    Text(String),
    Action(String, usize),
}

fn lex(file: &str, src: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut rest = src;
    let mut line = 1;
    let mut trim_next = false;
    while let Some(i) = rest.find("{{") {
        let mut text = &rest[..i];
        if trim_next {
            text = text.trim_start();
        }
        let after = &rest[i + 2..];
        let trim_left =
            after.starts_with("- ") || after.starts_with("-\t") || after.starts_with("-\n");
        if trim_left {
            text = text.trim_end();
        }
        line += rest[..i].matches('\n').count();
        out.push(Tok::Text(text.to_string()));
        let end = after
            .find("}}")
            .ok_or_else(|| format!("{file}:{line}: unclosed action (missing }}}})"))?;
        let mut inner = &after[..end];
        if trim_left {
            inner = &inner[1..];
        }
        trim_next = inner.ends_with(" -") || inner.ends_with("\t-") || inner.ends_with("\n-");
        if trim_next {
            inner = &inner[..inner.len() - 1];
        }
        let inner = inner.trim();
        if !(inner.starts_with("/*") && inner.ends_with("*/")) {
            out.push(Tok::Action(inner.to_string(), line));
        }
        line += after[..end].matches('\n').count();
        rest = &after[end + 2..];
    }
    let text = if trim_next { rest.trim_start() } else { rest };
    out.push(Tok::Text(text.to_string()));
    Ok(out)
}

/// Splits an action into words, keeping strings and parentheses whole.
fn words(file: &str, line: usize, s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        if ch == '"' || ch == '`' {
            i += 1;
            while i < c.len() && c[i] != ch {
                if ch == '"' && c[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            if i >= c.len() {
                return Err(format!("{file}:{line}: unterminated string"));
            }
            i += 1;
        } else if ch == '(' {
            let mut depth = 0;
            while i < c.len() {
                match c[i] {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            if depth != 0 {
                return Err(format!("{file}:{line}: unbalanced parentheses"));
            }
        } else if ch == '|' || ch == ',' {
            i += 1;
        } else {
            while i < c.len() && !c[i].is_whitespace() && !matches!(c[i], '|' | '(' | ',') {
                i += 1;
            }
        }
        out.push(c[start..i].iter().collect());
    }
    Ok(out)
}

fn path_of(s: &str) -> Vec<String> {
    s.split('.')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_pipe(file: &str, line: usize, s: &str) -> Result<Pipe, String> {
    let mut ws = words(file, line, s)?;
    let mut decl = None;
    if ws.len() >= 2 && ws[0].starts_with('$') && (ws[1] == ":=" || ws[1] == "=") {
        decl = Some(ws[0].clone());
        ws.drain(..2);
    }
    let mut cmds = vec![Vec::new()];
    for w in ws {
        if w == "|" {
            cmds.push(Vec::new());
            continue;
        }
        let arg = if w == "." {
            Arg::Dot(Vec::new())
        } else if let Some(rest) = w.strip_prefix('.') {
            Arg::Dot(path_of(rest))
        } else if let Some(rest) = w.strip_prefix('$') {
            let (name, p) = rest.split_once('.').unwrap_or((rest, ""));
            Arg::Var(format!("${name}"), path_of(p))
        } else if w.starts_with('"') {
            Arg::Str(
                serde_json::from_str(&w).map_err(|_| format!("{file}:{line}: bad string {w}"))?,
            )
        } else if w.starts_with('`') {
            Arg::Str(w[1..w.len() - 1].to_string())
        } else if w.starts_with('(') {
            Arg::Sub(parse_pipe(file, line, &w[1..w.len() - 1])?)
        } else if w == "true" || w == "false" {
            Arg::Bool(w == "true")
        } else if w == "nil" {
            Arg::Nil
        } else if let Ok(n) = w.parse::<f64>() {
            Arg::Num(n)
        } else if w.chars().all(|c| c.is_alphanumeric() || c == '_') {
            Arg::Func(w)
        } else {
            return Err(format!("{file}:{line}: unexpected {w:?} in action"));
        };
        cmds.last_mut().expect("one command").push(arg);
    }
    if cmds.iter().any(Vec::is_empty) {
        return Err(format!("{file}:{line}: empty command in pipeline {s:?}"));
    }
    Ok(Pipe { decl, cmds, line })
}

/// Nodes up to a stop keyword, and the stop action (text, line) when one was met.
type Parsed = (Vec<Node>, Option<(String, usize)>);

struct Parser<'t> {
    file: String,
    toks: &'t [Tok],
    pos: usize,
    defines: Vec<(String, Vec<Node>)>,
}

impl Parser<'_> {
    /// Parses nodes until one of `stops` (an action keyword); returns the nodes and the stop.
    fn nodes(&mut self, stops: &[&str]) -> Result<Parsed, String> {
        let mut out = Vec::new();
        while self.pos < self.toks.len() {
            let tok = &self.toks[self.pos];
            self.pos += 1;
            let (a, line) = match tok {
                Tok::Text(t) => {
                    if !t.is_empty() {
                        out.push(Node::Text(t.clone()));
                    }
                    continue;
                }
                Tok::Action(a, l) => (a.clone(), *l),
            };
            let kw = a.split_whitespace().next().unwrap_or("").to_string();
            if stops.contains(&kw.as_str()) {
                return Ok((out, Some((a, line))));
            }
            let rest = a[kw.len()..].trim().to_string();
            let f = self.file.clone();
            match kw.as_str() {
                "if" | "with" => {
                    let pipe = parse_pipe(&f, line, &rest)?;
                    let (body, stop) = self.nodes(&["else", "end"])?;
                    let els = self.else_part(stop, line, &kw)?;
                    out.push(if kw == "if" {
                        Node::If(pipe, body, els)
                    } else {
                        Node::With(pipe, body, els)
                    });
                }
                "range" => {
                    let (mut k, mut v, mut src) = (None, None, rest.clone());
                    if let Some((vars, p)) = rest.split_once(":=") {
                        let names: Vec<String> = vars
                            .split(',')
                            .map(|x| x.trim().to_string())
                            .filter(|x| !x.is_empty())
                            .collect();
                        match names.as_slice() {
                            [one] => v = Some(one.clone()),
                            [a, b] => {
                                k = Some(a.clone());
                                v = Some(b.clone());
                            }
                            _ => {
                                return Err(format!(
                                    "{f}:{line}: range takes one or two variables"
                                ));
                            }
                        }
                        src = p.trim().to_string();
                    }
                    let pipe = parse_pipe(&f, line, &src)?;
                    let (body, stop) = self.nodes(&["else", "end"])?;
                    let els = self.else_part(stop, line, "range")?;
                    out.push(Node::Range(k, v, pipe, body, els));
                }
                "define" | "block" => {
                    let ws = words(&f, line, &rest)?;
                    let name: String = ws
                        .first()
                        .and_then(|w| serde_json::from_str(w).ok())
                        .ok_or_else(|| format!("{f}:{line}: {kw} needs a quoted name"))?;
                    let (body, stop) = self.nodes(&["end"])?;
                    if stop.is_none() {
                        return Err(format!("{f}:{line}: {kw} {name:?} has no {{{{ end }}}}"));
                    }
                    self.defines.push((name.clone(), body));
                    if kw == "block" {
                        let p = if ws.len() > 1 {
                            Some(parse_pipe(&f, line, &ws[1..].join(" "))?)
                        } else {
                            None
                        };
                        out.push(Node::Template(name, p));
                    }
                }
                "template" => {
                    let ws = words(&f, line, &rest)?;
                    let name: String = ws
                        .first()
                        .and_then(|w| serde_json::from_str(w).ok())
                        .ok_or_else(|| format!("{f}:{line}: template needs a quoted name"))?;
                    let p = if ws.len() > 1 {
                        Some(parse_pipe(&f, line, &ws[1..].join(" "))?)
                    } else {
                        None
                    };
                    out.push(Node::Template(name, p));
                }
                "else" | "end" => return Err(format!("{f}:{line}: unexpected {{{{ {kw} }}}}")),
                _ => out.push(Node::Action(parse_pipe(&f, line, &a)?)),
            }
        }
        Ok((out, None))
    }

    fn else_part(
        &mut self,
        stop: Option<(String, usize)>,
        line: usize,
        kw: &str,
    ) -> Result<Vec<Node>, String> {
        let f = self.file.clone();
        match stop {
            None => Err(format!("{f}:{line}: {kw} has no {{{{ end }}}}")),
            Some((a, _)) if a == "end" => Ok(Vec::new()),
            Some((a, l)) => {
                let rest = a["else".len()..].trim();
                if let Some(cond) = rest.strip_prefix("if ") {
                    // `else if c`: an if nested in the else branch, closed by the same end.
                    let pipe = parse_pipe(&f, l, cond)?;
                    let (body, stop) = self.nodes(&["else", "end"])?;
                    let els = self.else_part(stop, l, "if")?;
                    Ok(vec![Node::If(pipe, body, els)])
                } else {
                    let (body, stop) = self.nodes(&["end"])?;
                    if stop.is_none() {
                        return Err(format!("{f}:{l}: else has no {{{{ end }}}}"));
                    }
                    Ok(body)
                }
            }
        }
    }
}

impl Set {
    /// Parses `text` as the template named `name` (and its `define`s).
    pub fn add(&mut self, name: &str, text: &str) -> Result<(), String> {
        let toks = lex(name, text)?;
        let mut p = Parser {
            file: name.to_string(),
            toks: &toks,
            pos: 0,
            defines: Vec::new(),
        };
        let (nodes, stop) = p.nodes(&[])?;
        debug_assert!(stop.is_none());
        for (n, body) in p.defines {
            self.templates.insert(n, (name.to_string(), body));
        }
        self.templates
            .insert(name.to_string(), (name.to_string(), nodes));
        Ok(())
    }

    /// Executes the template `name` with `data` as dot.
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, String> {
        let mut out = String::new();
        let mut vars = vec![("$".to_string(), data.clone())];
        self.run(name, data, &mut vars, &mut out, 0)?;
        Ok(out)
    }

    fn run(
        &self,
        name: &str,
        dot: &Value,
        vars: &mut Vec<(String, Value)>,
        out: &mut String,
        depth: usize,
    ) -> Result<(), String> {
        if depth > 50 {
            return Err(format!("template {name:?} calls itself too deeply"));
        }
        let (file, nodes) = self
            .templates
            .get(name)
            .ok_or_else(|| format!("no template named {name:?} is defined"))?;
        let ex = Exec {
            set: self,
            file,
            depth,
        };
        ex.nodes(nodes, dot, vars, out)
    }
}

struct Exec<'s> {
    set: &'s Set,
    file: &'s str,
    depth: usize,
}

impl Exec<'_> {
    fn nodes(
        &self,
        nodes: &[Node],
        dot: &Value,
        vars: &mut Vec<(String, Value)>,
        out: &mut String,
    ) -> Result<(), String> {
        for n in nodes {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Action(p) => {
                    let v = self.pipe(p, dot, vars)?;
                    if p.decl.is_none() {
                        out.push_str(&show(&v));
                    }
                }
                Node::If(p, a, b) | Node::With(p, a, b) => {
                    let v = self.pipe(p, dot, vars)?;
                    let depth = vars.len();
                    let r = if truthy(&v) {
                        let d = if matches!(n, Node::With(..)) {
                            v.clone()
                        } else {
                            dot.clone()
                        };
                        self.nodes(a, &d, vars, out)
                    } else {
                        self.nodes(b, dot, vars, out)
                    };
                    vars.truncate(depth);
                    r?;
                }
                Node::Range(k, v, p, body, els) => {
                    let coll = self.pipe(p, dot, vars)?;
                    let items: Vec<(Value, Value)> = match coll {
                        Value::List(l) => l
                            .into_iter()
                            .enumerate()
                            .map(|(i, x)| (Value::Number(i as f64), x))
                            .collect(),
                        Value::Object(m) => {
                            m.into_iter().map(|(k, x)| (Value::String(k), x)).collect()
                        }
                        Value::Null => Vec::new(),
                        Value::Number(n) if n >= 0.0 => (0..n as usize)
                            .map(|i| (Value::Number(i as f64), Value::Number(i as f64)))
                            .collect(),
                        other => {
                            return Err(format!(
                                "{}:{}: range can't iterate over {}",
                                self.file,
                                p.line,
                                other.kind_name()
                            ));
                        }
                    };
                    if items.is_empty() {
                        self.nodes(els, dot, vars, out)?;
                    }
                    for (key, item) in items {
                        let depth = vars.len();
                        if let Some(k) = k {
                            vars.push((k.clone(), key));
                        }
                        if let Some(v) = v {
                            vars.push((v.clone(), item.clone()));
                        }
                        let r = self.nodes(body, &item, vars, out);
                        vars.truncate(depth);
                        r?;
                    }
                }
                Node::Template(name, p) => {
                    let d = match p {
                        Some(p) => self.pipe(p, dot, vars)?,
                        None => Value::Null,
                    };
                    let mut inner = vec![("$".to_string(), d.clone())];
                    self.set.run(name, &d, &mut inner, out, self.depth + 1)?;
                }
            }
        }
        Ok(())
    }

    fn pipe(
        &self,
        p: &Pipe,
        dot: &Value,
        vars: &mut Vec<(String, Value)>,
    ) -> Result<Value, String> {
        let mut prev: Option<Value> = None;
        for cmd in &p.cmds {
            prev = Some(self.command(cmd, prev, dot, vars, p.line)?);
        }
        let v = prev.unwrap_or(Value::Null);
        if let Some(d) = &p.decl {
            vars.push((d.clone(), v.clone()));
        }
        Ok(v)
    }

    fn command(
        &self,
        cmd: &[Arg],
        piped: Option<Value>,
        dot: &Value,
        vars: &mut Vec<(String, Value)>,
        line: usize,
    ) -> Result<Value, String> {
        let err = |m: String| format!("{}:{line}: {m}", self.file);
        match &cmd[0] {
            Arg::Func(f) => {
                let mut args = Vec::new();
                for a in &cmd[1..] {
                    args.push(self.arg(a, dot, vars, line)?);
                }
                args.extend(piped);
                call(f, &args).map_err(err)
            }
            a => {
                if cmd.len() > 1 || piped.is_some() {
                    return Err(err("only a function takes arguments".into()));
                }
                self.arg(a, dot, vars, line)
            }
        }
    }

    fn arg(
        &self,
        a: &Arg,
        dot: &Value,
        vars: &mut Vec<(String, Value)>,
        line: usize,
    ) -> Result<Value, String> {
        let err = |m: String| format!("{}:{line}: {m}", self.file);
        match a {
            Arg::Dot(path) => walk(dot.clone(), path).map_err(err),
            Arg::Var(name, path) => {
                let v = vars
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| err(format!("undefined variable {name}")))?;
                walk(v, path).map_err(err)
            }
            Arg::Str(s) => Ok(Value::String(s.clone())),
            Arg::Num(n) => Ok(Value::Number(*n)),
            Arg::Bool(b) => Ok(Value::Bool(*b)),
            Arg::Nil => Ok(Value::Null),
            Arg::Func(f) => call(f, &[]).map_err(err),
            Arg::Sub(p) => self.pipe(p, dot, vars),
        }
    }
}

fn walk(mut v: Value, path: &[String]) -> Result<Value, String> {
    for k in path {
        v = match v {
            Value::Object(mut m) => m
                .remove(k)
                .ok_or_else(|| format!("map has no entry for key {k:?}"))?,
            other => return Err(format!("can't evaluate field {k} in {}", other.kind_name())),
        };
    }
    Ok(v)
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0,
        Value::String(s) | Value::Keyword(s) => !s.is_empty(),
        Value::List(l) => !l.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// How Go prints a value.
fn show(v: &Value) -> String {
    match v {
        Value::Null => "<no value>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => fmt_number(*n),
        Value::String(s) | Value::Keyword(s) => s.clone(),
        Value::List(l) => format!("[{}]", l.iter().map(show).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => format!(
            "map[{}]",
            m.iter()
                .map(|(k, v)| format!("{k}:{}", show(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn cmp(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn call(f: &str, args: &[Value]) -> Result<Value, String> {
    let need = |n: usize| {
        if args.len() < n {
            Err(format!("{f} needs {n} argument(s), got {}", args.len()))
        } else {
            Ok(())
        }
    };
    Ok(match f {
        "printf" => {
            need(1)?;
            Value::String(printf(&show(&args[0]), &args[1..])?)
        }
        "print" => Value::String(args.iter().map(show).collect::<Vec<_>>().join("")),
        "println" => Value::String(format!(
            "{}\n",
            args.iter().map(show).collect::<Vec<_>>().join(" ")
        )),
        "eq" => {
            need(2)?;
            Value::Bool(args[1..].iter().any(|x| *x == args[0]))
        }
        "ne" => {
            need(2)?;
            Value::Bool(args[0] != args[1])
        }
        "lt" | "le" | "gt" | "ge" => {
            need(2)?;
            let o = cmp(&args[0], &args[1])
                .ok_or_else(|| format!("{f}: incompatible types for comparison"))?;
            Value::Bool(match f {
                "lt" => o.is_lt(),
                "le" => o.is_le(),
                "gt" => o.is_gt(),
                _ => o.is_ge(),
            })
        }
        "not" => {
            need(1)?;
            Value::Bool(!truthy(&args[0]))
        }
        "and" => {
            need(1)?;
            args.iter()
                .find(|a| !truthy(a))
                .unwrap_or(&args[args.len() - 1])
                .clone()
        }
        "or" => {
            need(1)?;
            args.iter()
                .find(|a| truthy(a))
                .unwrap_or(&args[args.len() - 1])
                .clone()
        }
        "len" => {
            need(1)?;
            Value::Number(match &args[0] {
                Value::String(s) => s.len(),
                Value::List(l) => l.len(),
                Value::Object(m) => m.len(),
                other => return Err(format!("len of {}", other.kind_name())),
            } as f64)
        }
        "index" => {
            need(2)?;
            let mut v = args[0].clone();
            for k in &args[1..] {
                v = match (v, k) {
                    (Value::List(l), Value::Number(i)) => l
                        .get(*i as usize)
                        .cloned()
                        .ok_or_else(|| format!("index out of range: {}", fmt_number(*i)))?,
                    (Value::Object(m), k) => {
                        let key = show(k);
                        m.get(&key)
                            .cloned()
                            .ok_or_else(|| format!("map has no entry for key {key:?}"))?
                    }
                    (other, _) => return Err(format!("can't index {}", other.kind_name())),
                };
            }
            v
        }
        "join" => {
            need(2)?;
            let (list, sep) = match (&args[0], &args[1]) {
                (Value::List(l), s) | (s, Value::List(l)) => (l, show(s)),
                _ => return Err("join takes a list and a separator".into()),
            };
            Value::String(list.iter().map(show).collect::<Vec<_>>().join(&sep))
        }
        other => return Err(format!("function {other:?} not defined")),
    })
}

/// Go's `fmt.Sprintf` for the verbs templates use: `%s %v %d %q %%`.
fn printf(f: &str, args: &[Value]) -> Result<String, String> {
    let mut out = String::new();
    let mut it = args.iter();
    let mut chars = f.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(v @ ('s' | 'v' | 'd' | 'q')) => {
                let a = it.next().ok_or("printf: missing argument")?;
                match v {
                    'q' => out.push_str(&serde_json::to_string(&show(a)).unwrap_or_default()),
                    'd' => out.push_str(
                        &a.to_number()
                            .map(|n| fmt_number(n.trunc()))
                            .unwrap_or_else(|| show(a)),
                    ),
                    _ => out.push_str(&show(a)),
                }
            }
            other => {
                return Err(format!(
                    "printf: unsupported verb %{}",
                    other.unwrap_or(' ')
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(src: &str, data: Value) -> Result<String, String> {
        let mut s = Set::default();
        s.add("t.sql", src)?;
        s.execute("t.sql", &data)
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn fields_conditions_ranges_and_trimming() {
        let data = obj(&[
            ("schema", Value::String("app".into())),
            ("email", Value::Bool(true)),
            (
                "tables",
                Value::List(vec![Value::String("a".into()), Value::String("b".into())]),
            ),
        ]);
        let src = "CREATE TABLE {{ .schema }}.users (\n  id int\n  {{- if .email }}, email text{{ else }}, x int{{ end }}\n);\n{{- range $i, $t := .tables }}\nCREATE TABLE {{ $.schema }}.{{ $t }}_{{ $i }} (id int);\n{{- end }}\n";
        assert_eq!(
            render(src, data).unwrap(),
            "CREATE TABLE app.users (\n  id int, email text\n);\nCREATE TABLE app.a_0 (id int);\nCREATE TABLE app.b_1 (id int);\n"
        );
    }

    #[test]
    fn partials_functions_and_missing_keys() {
        let mut s = Set::default();
        s.add(
            "shared/cols.tmpl",
            "{{ define \"cols\" }}id int, name {{ . }}{{ end }}",
        )
        .unwrap();
        s.add("1.sql", "{{/* c */}}CREATE TABLE {{ printf \"%s_%s\" .p \"t\" }} ({{ template \"cols\" .ty }});{{ if eq .p \"x\" }}!{{ else if ne .p \"y\" }}?{{ end }}").unwrap();
        let data = obj(&[
            ("p", Value::String("x".into())),
            ("ty", Value::String("text".into())),
        ]);
        assert_eq!(
            s.execute("1.sql", &data).unwrap(),
            "CREATE TABLE x_t (id int, name text);!"
        );
        let e = render("{{ .nope }}", obj(&[])).unwrap_err();
        assert!(
            e.contains("t.sql:1") && e.contains("no entry for key"),
            "{e}"
        );
        assert!(
            render("{{ if .x }}", obj(&[]))
                .unwrap_err()
                .contains("no {{ end }}")
        );
    }
}
