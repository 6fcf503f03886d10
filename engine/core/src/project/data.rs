//! Data sources (`data "KIND" "NAME" { ... }`), evaluated when an expression refers to them
//! (`data.sql.tenants.values`), once each.
//!
//! - `sql`: a query against a database (through the caller's [`DataHost`]): `.count`, `.value`
//!   (first row, first column), `.values` (first column of every row).
//! - `external`: a program's standard output, as a string.
//! - `runtimevar`: `env://NAME` (a process environment variable), `file://PATH`,
//!   `constant://?val=VALUE`: the value as a string.
//! - `hcl_schema`, `external_schema`, `composite_schema`: schema sources, `.url` is
//!   `mem://KIND/NAME`; what it stands for is in [`super::Project::sources`].
//! - `template_dir`: a migration directory rendered from Go-like templates into a scratch
//!   directory with a fresh `atlas.sum`; `.url` is its `file://` URL.
//!
//! A failing program, a failing query or a bad attribute is an error at the data block.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cairn_syntax::diag::Span;
use cairn_syntax::hcl::parse::BlockAst;

use super::ProjectError;
use super::eval::{Scope, suggest};
use super::template;
use super::value::Value;

/// What the project needs from the outside world to evaluate `data "sql"`: a query against a
/// database URL, returning rows of text cells (`None` for NULL).
pub trait DataHost: Send + Sync {
    fn query(&self, url: &str, sql: &str) -> Result<Vec<Vec<Option<String>>>, String>;
}

/// A shared [`DataHost`] (a newtype so [`super::Inputs`] stays `Debug`).
#[derive(Clone)]
pub struct Host(pub Arc<dyn DataHost>);

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Host")
    }
}

/// A schema source that exists only in the project (`mem://KIND/NAME`).
#[derive(Clone, Debug, PartialEq)]
pub enum MemSource {
    /// Schema files compiled together (path as shown, text). An `external_schema` is one SQL
    /// file holding the program's output; an `hcl_schema` with `vars` gets one more file that
    /// declares the variables' values.
    Files {
        files: Vec<(String, String)>,
        /// `atlas.hcl:12:1 (data.external_schema.app)`: where diagnostics say the text came from.
        origin: String,
    },
    /// `composite_schema`: sources merged in order, each into the schema its label names
    /// (`None`: the source keeps its own schemas).
    Composite {
        parts: Vec<(Option<String>, String)>,
        origin: String,
    },
}

type R<T> = Result<T, ProjectError>;

const ATTRS: &[(&str, &[&str])] = &[
    ("sql", &["url", "query", "args"]),
    ("external", &["program", "working_dir"]),
    ("runtimevar", &["url"]),
    ("template_dir", &["path", "vars"]),
    ("hcl_schema", &["path", "paths", "vars"]),
    ("external_schema", &["program", "working_dir"]),
    ("composite_schema", &[]),
];

impl<'a> Scope<'a> {
    /// The value of `data.KIND.NAME`, evaluated once.
    pub(crate) fn data_source(&self, kind: &str, name: &str, span: Span) -> R<Value> {
        let key = (kind.to_string(), name.to_string());
        if let Some(v) = self.data_cache.borrow().get(&key) {
            return Ok(v.clone());
        }
        let Some(block) = self.data_blocks.get(&key).copied() else {
            return Err(self.err(
                span,
                format!(
                    "no data source `data \"{kind}\" \"{name}\"` is declared{}",
                    suggest(
                        name,
                        self.data_blocks
                            .keys()
                            .filter(|(k, _)| k == kind)
                            .map(|(_, n)| n.as_str())
                    )
                ),
            ));
        };
        let label = format!("data.{kind}.{name}");
        if self.in_progress.borrow().contains(&label) {
            return Err(self.err(span, format!("{label} refers to itself")));
        }
        self.in_progress.borrow_mut().push(label.clone());
        // A data block sees no `for` bindings of the place that refers to it.
        let saved = std::mem::take(&mut *self.bound.borrow_mut());
        let r = self.eval_data(kind, name, block);
        *self.bound.borrow_mut() = saved;
        self.in_progress.borrow_mut().pop();
        let v = r?;
        self.data_cache.borrow_mut().insert(key, v.clone());
        Ok(v)
    }

    fn eval_data(&self, kind: &str, name: &str, b: &BlockAst) -> R<Value> {
        let label = format!("data.{kind}.{name}");
        let Some((_, attrs)) = ATTRS.iter().find(|(k, _)| *k == kind) else {
            return Err(self.err(
                b.labels[0].span,
                format!(
                    "the `{kind}` data source is not supported (Cairn supports {})",
                    ATTRS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        for a in &b.attributes {
            if !attrs.contains(&a.name.as_str()) {
                return Err(self.err(
                    a.name_span,
                    format!(
                        "unknown attribute {:?} in data \"{kind}\"{}; it takes {}",
                        a.name,
                        suggest(&a.name, attrs.iter().copied()),
                        attrs.join(", ")
                    ),
                ));
            }
        }
        if kind != "composite_schema"
            && let Some(x) = b.blocks.first()
        {
            return Err(self.err(
                x.ident_span,
                format!("unexpected block {:?} in data \"{kind}\"", x.ident),
            ));
        }
        let req = |n: &str| {
            b.attr(n).ok_or_else(|| {
                self.err(
                    b.labels[1].span,
                    format!("{label} needs the attribute `{n}`"),
                )
            })
        };
        let origin = {
            let e = self.err(b.ident_span, "");
            format!(
                "{}:{}:{} ({label})",
                e.file,
                e.position.map_or(0, |p| p.0),
                e.position.map_or(0, |p| p.1)
            )
        };
        match kind {
            "sql" => {
                let url = self.text_of(&req("url")?.expr)?;
                let q = req("query")?;
                let mut query = self.text_of(&q.expr)?;
                if let Some(a) = b.attr("args") {
                    let args = match self.eval(&a.expr)? {
                        Value::List(l) => l,
                        other => vec![other],
                    };
                    query = bind_args(&query, &args, &url)
                        .map_err(|m| self.err(a.expr.span(), format!("{label}: {m}")))?;
                }
                let host = self.host.as_ref().ok_or_else(|| {
                    self.err(
                        b.ident_span,
                        format!("{label}: no database connection is available here"),
                    )
                })?;
                let rows = host.0.query(&url, &query).map_err(|m| {
                    self.err(
                        q.expr.span(),
                        format!("{label}: the query failed: {}", crate::url::redact(&m)),
                    )
                })?;
                let cell = |r: &Vec<Option<String>>| {
                    r.first()
                        .cloned()
                        .flatten()
                        .map_or(Value::Null, Value::String)
                };
                let mut o = BTreeMap::new();
                o.insert("count".into(), Value::Number(rows.len() as f64));
                o.insert("value".into(), rows.first().map_or(Value::Null, cell));
                o.insert(
                    "values".into(),
                    Value::List(rows.iter().map(cell).collect()),
                );
                Ok(Value::Object(o))
            }
            "external" | "external_schema" => {
                let p = req("program")?;
                let argv = match self.eval(&p.expr)? {
                    Value::List(l) => l
                        .iter()
                        .map(|v| v.to_text())
                        .collect::<Option<Vec<_>>>()
                        .unwrap_or_default(),
                    _ => Vec::new(),
                };
                if argv.is_empty() {
                    return Err(self.err(
                        p.expr.span(),
                        format!("{label}: program must be a non-empty list of strings, e.g. [\"python3\", \"gen.py\"]"),
                    ));
                }
                let wd = match b.attr("working_dir") {
                    Some(a) => self.path_of(&self.text_of(&a.expr)?),
                    None => self.base_dir.clone(),
                };
                let out = run_program(&argv, &wd)
                    .map_err(|m| self.err(p.expr.span(), format!("{label}: {m}")))?;
                if kind == "external" {
                    return Ok(Value::String(out));
                }
                if out.trim().is_empty() {
                    return Err(self.err(
                        p.expr.span(),
                        format!("{label}: the program printed no schema (expected SQL DDL on its standard output)"),
                    ));
                }
                self.check_sql(&out).map_err(|m| {
                    self.err(
                        p.expr.span(),
                        format!("{label}: the program printed invalid SQL: {m}"),
                    )
                })?;
                let url = format!("mem://{kind}/{name}");
                self.sources.borrow_mut().insert(
                    url.clone(),
                    MemSource::Files {
                        files: vec![(format!("{label}.sql"), out)],
                        origin,
                    },
                );
                Ok(url_object(url))
            }
            "runtimevar" => {
                let u = req("url")?;
                let url = self.text_of(&u.expr)?;
                runtimevar(&url, &self.base_dir)
                    .map(Value::String)
                    .map_err(|m| self.err(u.expr.span(), format!("{label}: {m}")))
            }
            "hcl_schema" => {
                let mut paths = Vec::new();
                match (b.attr("path"), b.attr("paths")) {
                    (Some(a), None) => paths.push((self.text_of(&a.expr)?, a.expr.span())),
                    (None, Some(a)) => match self.eval(&a.expr)? {
                        Value::List(l) => {
                            for v in l {
                                let t = v.to_text().ok_or_else(|| {
                                    self.err(a.expr.span(), "paths must hold strings")
                                })?;
                                paths.push((t, a.expr.span()));
                            }
                        }
                        other => {
                            return Err(self.err(
                                a.expr.span(),
                                format!("paths must be a list, got {}", other.kind_name()),
                            ));
                        }
                    },
                    (Some(_), Some(a)) => {
                        return Err(self.err(a.name_span, "set either path or paths, not both"));
                    }
                    (None, None) => {
                        return Err(
                            self.err(b.labels[1].span, format!("{label} needs `path` or `paths`"))
                        );
                    }
                }
                let mut files = Vec::new();
                for (p, sp) in &paths {
                    let full = self.path_of(p);
                    let list =
                        hcl_files(&full).map_err(|m| self.err(*sp, format!("{label}: {m}")))?;
                    for f in list {
                        let text = std::fs::read_to_string(&f).map_err(|e| {
                            self.err(*sp, format!("{label}: cannot read {}: {e}", f.display()))
                        })?;
                        files.push((f.display().to_string(), text));
                    }
                }
                if files.is_empty() {
                    return Err(self.err(
                        paths.first().map_or(b.ident_span, |p| p.1),
                        format!("{label}: no .hcl files found"),
                    ));
                }
                if let Some(a) = b.attr("vars") {
                    let vars = match self.eval(&a.expr)? {
                        Value::Object(m) => m,
                        other => {
                            return Err(self.err(
                                a.expr.span(),
                                format!("vars must be an object, got {}", other.kind_name()),
                            ));
                        }
                    };
                    files.push((format!("{label}.vars.hcl"), vars_file(&vars)));
                }
                let url = format!("mem://hcl_schema/{name}");
                self.sources
                    .borrow_mut()
                    .insert(url.clone(), MemSource::Files { files, origin });
                Ok(url_object(url))
            }
            "composite_schema" => {
                let mut parts = Vec::new();
                for x in &b.blocks {
                    if x.ident != "schema" {
                        return Err(self.err(
                            x.ident_span,
                            format!("unexpected block {:?} in data \"composite_schema\": it holds schema \"NAME\" {{ url = ... }} blocks", x.ident),
                        ));
                    }
                    if x.labels.len() > 1 {
                        return Err(self.err(x.labels[1].span, "a schema block takes one label"));
                    }
                    if let Some(a) = x.attributes.iter().find(|a| a.name != "url") {
                        return Err(self.err(
                            a.name_span,
                            format!("unknown attribute {:?} in schema: it takes url", a.name),
                        ));
                    }
                    let u = x.attr("url").ok_or_else(|| {
                        self.err(x.ident_span, "a composite schema block needs `url`")
                    })?;
                    parts.push((
                        x.labels.first().map(|l| l.value.clone()),
                        self.text_of(&u.expr)?,
                    ));
                }
                if parts.is_empty() {
                    return Err(self.err(
                        b.labels[1].span,
                        format!("{label} holds no schema \"NAME\" {{ url = ... }} blocks"),
                    ));
                }
                let url = format!("mem://composite_schema/{name}");
                self.sources
                    .borrow_mut()
                    .insert(url.clone(), MemSource::Composite { parts, origin });
                Ok(url_object(url))
            }
            "template_dir" => {
                let p = req("path")?;
                let dir = self.path_of(&self.text_of(&p.expr)?);
                let vars = match b.attr("vars") {
                    Some(a) => match self.eval(&a.expr)? {
                        Value::Object(m) => m,
                        other => {
                            return Err(self.err(
                                a.expr.span(),
                                format!("vars must be an object, got {}", other.kind_name()),
                            ));
                        }
                    },
                    None => BTreeMap::new(),
                };
                let out = render_template_dir(&dir, &vars, name)
                    .map_err(|m| self.err(p.expr.span(), format!("{label}: {m}")))?;
                Ok(url_object(format!("file://{}", out.display())))
            }
            _ => unreachable!("ATTRS lists every kind"),
        }
    }

    fn path_of(&self, p: &str) -> PathBuf {
        let p = p.strip_prefix("file://").unwrap_or(p);
        let path = Path::new(p);
        if path.is_absolute() || self.base_dir == Path::new(".") {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }

    /// Parses SQL printed by a program in each dialect; valid when one of them reads every
    /// statement. Else the first syntax error, as `line L: message`.
    fn check_sql(&self, sql: &str) -> Result<(), String> {
        use cairn_ir::Dialect;
        let mut first = None;
        for d in [Dialect::Postgres, Dialect::MYSQL, Dialect::Sqlite] {
            let compiled = cairn_sema::compile(&[("out.sql".to_string(), sql.to_string())], d);
            match compiled
                .diagnostics
                .iter()
                .find(|x| x.is_error() && x.code.starts_with("E30"))
            {
                Some(x) => {
                    if first.is_none() {
                        let line = sql[..(x.span.start as usize).min(sql.len())]
                            .matches('\n')
                            .count()
                            + 1;
                        first = Some(format!("line {line}: {}", x.message));
                    }
                }
                None => return Ok(()),
            }
        }
        Err(first.unwrap_or_default())
    }
}

fn url_object(url: String) -> Value {
    let mut o = BTreeMap::new();
    o.insert("url".into(), Value::String(url));
    Value::Object(o)
}

/// Replaces `$1`.. (PostgreSQL) or `?` (MySQL, SQLite) placeholders with quoted literals.
fn bind_args(query: &str, args: &[Value], url: &str) -> Result<String, String> {
    let lit = |v: &Value| -> Result<String, String> {
        match v {
            Value::Number(_) | Value::Bool(_) => Ok(v.to_text().unwrap_or_default()),
            Value::Null => Ok("NULL".into()),
            other => other
                .to_text()
                .map(|t| format!("'{}'", t.replace('\'', "''")))
                .ok_or_else(|| {
                    format!(
                        "args must be strings, numbers or bools, got {}",
                        other.kind_name()
                    )
                }),
        }
    };
    let mut out = String::new();
    let postgres = url.starts_with("postgres");
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    let mut next = 0;
    let mut in_str = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            in_str = !in_str;
        }
        if !in_str && postgres && c == '$' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()) {
            let mut j = i + 1;
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            let n: usize = chars[i + 1..j]
                .iter()
                .collect::<String>()
                .parse()
                .unwrap_or(0);
            let v = args
                .get(n.wrapping_sub(1))
                .ok_or_else(|| format!("${n} has no argument (args holds {})", args.len()))?;
            out.push_str(&lit(v)?);
            i = j;
            continue;
        }
        if !in_str && !postgres && c == '?' {
            let v = args.get(next).ok_or_else(|| {
                format!(
                    "placeholder {} has no argument (args holds {})",
                    next + 1,
                    args.len()
                )
            })?;
            next += 1;
            out.push_str(&lit(v)?);
            i += 1;
            continue;
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

/// Runs `argv` in `wd`; its standard output, or an error with its standard error.
fn run_program(argv: &[String], wd: &Path) -> Result<String, String> {
    let out = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(wd)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {:?} (in {}): {e}", argv[0], wd.display()))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = err.trim().lines().rev().take(5).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!(
            "the program {:?} failed ({}){}",
            argv.join(" "),
            out.status,
            if tail.is_empty() {
                String::new()
            } else {
                format!(": {}", tail.join(" | "))
            }
        ));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| format!("{:?} printed text that is not UTF-8", argv[0]))
}

/// `runtimevar` URLs: `env://NAME`, `file://PATH`, `constant://?val=VALUE`.
fn runtimevar(url: &str, base: &Path) -> Result<String, String> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| {
        format!("{url:?} is not a URL: use env://NAME, file://PATH or constant://?val=VALUE")
    })?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let params: Vec<(String, String)> = query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    if let Some((_, d)) = params.iter().find(|(k, _)| k == "decoder")
        && d != "string"
    {
        return Err(format!(
            "decoder={d} is not supported: runtimevar values are strings"
        ));
    }
    match scheme {
        "env" => {
            std::env::var(path).map_err(|_| format!("the environment variable {path} is not set"))
        }
        "file" => {
            let p = if Path::new(path).is_absolute() {
                PathBuf::from(path)
            } else {
                base.join(path)
            };
            let t = std::fs::read_to_string(&p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            // One trailing newline (as editors write files) is not part of the value.
            Ok(t.strip_suffix('\n')
                .map(|s| s.strip_suffix('\r').unwrap_or(s))
                .unwrap_or(&t)
                .to_string())
        }
        "constant" => params
            .iter()
            .find(|(k, _)| k == "val")
            .map(|(_, v)| v.clone())
            .ok_or_else(|| "constant:// needs ?val=VALUE".to_string()),
        other => Err(format!(
            "runtimevar scheme {other}:// is not supported: Cairn reads env://, file:// and constant://"
        )),
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(x) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(x);
                i += 3;
                continue;
            }
        } else if b[i] == b'+' {
            out.push(b' ');
            i += 1;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The `.hcl` schema files a path names: the file, or the directory's (not project files).
fn hcl_files(p: &Path) -> Result<Vec<PathBuf>, String> {
    let meta = std::fs::metadata(p).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
    if meta.is_file() {
        return Ok(vec![p.to_path_buf()]);
    }
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).map_err(|e| format!("cannot list {}: {e}", p.display()))? {
        let f = e.map_err(|e| e.to_string())?.path();
        let n = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if f.is_file()
            && n.ends_with(".hcl")
            && !matches!(n, "atlas.hcl" | "cairn.hcl")
            && !n.ends_with(".rule.hcl")
            && !n.ends_with(".test.hcl")
            && !n.ends_with(".plan.hcl")
        {
            out.push(f);
        }
    }
    out.sort();
    Ok(out)
}

/// An HCL file declaring `vars` as variables with defaults: compiled after the schema files,
/// its declarations give the schema's `variable` blocks their values.
pub fn vars_file(vars: &BTreeMap<String, Value>) -> String {
    let mut out = String::new();
    for (k, v) in vars {
        out.push_str(&format!(
            "variable \"{k}\" {{\n  default = {}\n}}\n",
            hcl_literal(v)
        ));
    }
    out
}

fn hcl_literal(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(_) => v.to_text().unwrap_or_default(),
        Value::String(s) | Value::Keyword(s) => {
            let j = serde_json::to_string(s).unwrap_or_default();
            j.replace("${", "$${").replace("%{", "%%{")
        }
        Value::List(l) => format!(
            "[{}]",
            l.iter().map(hcl_literal).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(m) => format!(
            "{{ {} }}",
            m.iter()
                .map(|(k, v)| format!(
                    "{} = {}",
                    serde_json::to_string(k).unwrap_or_default(),
                    hcl_literal(v)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Renders the top-level `*.sql` templates of `dir` (partials in subdirectories define
/// `{{ define "x" }}` blocks) into a scratch directory and writes a fresh `atlas.sum` there.
fn render_template_dir(
    dir: &Path,
    vars: &BTreeMap<String, Value>,
    name: &str,
) -> Result<PathBuf, String> {
    let mut all = Vec::new();
    collect_files(dir, &mut all).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut set = template::Set::default();
    let mut top = Vec::new();
    for f in &all {
        let text =
            std::fs::read_to_string(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?;
        let shown = f.display().to_string();
        set.add(&shown, &text)?;
        let is_top = f.parent() == Some(dir) && f.extension().is_some_and(|e| e == "sql");
        if is_top {
            top.push((
                f.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned(),
                shown,
            ));
        }
    }
    if top.is_empty() {
        return Err(format!("{} holds no .sql templates", dir.display()));
    }
    let data = Value::Object(vars.clone());
    // One scratch directory per template directory and values: a rerun overwrites it.
    let key = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(
            std::fs::canonicalize(dir)
                .unwrap_or_else(|_| dir.to_path_buf())
                .display()
                .to_string(),
        );
        h.update(format!("{data:?}"));
        h.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let out = std::env::temp_dir().join(format!("cairn-template-dir-{name}-{key}"));
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    top.sort();
    for (file, shown) in &top {
        let text = set.execute(shown, &data)?;
        std::fs::write(out.join(file), text).map_err(|e| format!("cannot write {file}: {e}"))?;
    }
    let local = crate::migrate::LocalDir::open(&out, crate::migrate::DirFormat::Atlas, false)
        .map_err(|e| e.to_string())?;
    local.write_sum().map_err(|e| e.to_string())?;
    Ok(out)
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if n.starts_with('.') || n == "atlas.sum" {
            continue;
        }
        if p.is_dir() {
            collect_files(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_placeholders() {
        let a = [Value::String("t'x".into()), Value::Number(3.0)];
        assert_eq!(
            bind_args("select $1, $2, '$1'", &a, "postgres://x").unwrap(),
            "select 't''x', 3, '$1'"
        );
        assert_eq!(
            bind_args("select ?, ?", &a, "mysql://x").unwrap(),
            "select 't''x', 3"
        );
        assert!(bind_args("select $3", &a, "postgres://x").is_err());
    }

    #[test]
    fn runtimevar_schemes() {
        assert_eq!(
            runtimevar("constant://?decoder=string&val=a%20b", Path::new(".")).unwrap(),
            "a b"
        );
        assert!(
            runtimevar("gcpsecretmanager://x", Path::new("."))
                .unwrap_err()
                .contains("not supported")
        );
        assert!(
            runtimevar("env://CAIRN_SURELY_UNSET_VAR", Path::new("."))
                .unwrap_err()
                .contains("not set")
        );
    }

    #[test]
    fn vars_become_declarations() {
        let mut m = BTreeMap::new();
        m.insert("tenant".to_string(), Value::String("a${b}".into()));
        m.insert("n".to_string(), Value::List(vec![Value::Number(1.0)]));
        assert_eq!(
            vars_file(&m),
            "variable \"n\" {\n  default = [1]\n}\nvariable \"tenant\" {\n  default = \"a$${b}\"\n}\n"
        );
    }
}
