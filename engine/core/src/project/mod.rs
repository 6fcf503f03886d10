//! The project file (`cairn.hcl` / `atlas.hcl`): finding it, evaluating its variables, locals
//! and functions, and decoding the selected `env` block into typed configuration.
//!
//! Evaluation is lazy as in Atlas: only the selected environment is decoded (a labeled `env`
//! of that name, else the unlabeled `env { name = atlas.env }` blocks); locals are evaluated
//! when referenced; every variable is checked (type, required, `validation`). Every error
//! names `file:line:column`.

pub mod data;
mod eval;
mod template;
#[cfg(test)]
mod tests;
pub mod value;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use cairn_syntax::diag::Span;
use cairn_syntax::hcl::parse::{Attr, BlockAst, BodyAst, HclExpr, parse_body};

pub use data::{DataHost, Host, MemSource};
pub use eval::FUNCTIONS;
use eval::{Scope, suggest};
pub use value::Value;

/// An error in the project file (or in finding it), with its place when it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectError {
    pub file: String,
    /// 1-based line and column, when the error has a place in the file.
    pub position: Option<(usize, usize)>,
    pub message: String,
    /// When the fix is a variable's value (a `--var` on the command line): which variable and
    /// why, so a program that passes values another way (the language server) can say its way.
    pub var: Option<VarProblem>,
}

/// A variable the inputs get wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarProblem {
    /// A variable without a default was given no value.
    Missing(String),
    /// A value was given for a variable the file does not declare.
    Undeclared(String),
}

impl ProjectError {
    pub fn at(file: &str, text: &str, span: Span, message: impl Into<String>) -> ProjectError {
        let off = (span.start as usize).min(text.len());
        let before = &text[..off];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        ProjectError {
            file: file.to_string(),
            position: Some((line, col)),
            message: message.into(),
            var: None,
        }
    }

    fn whole(file: &str, message: impl Into<String>) -> ProjectError {
        ProjectError {
            file: file.to_string(),
            position: None,
            message: message.into(),
            var: None,
        }
    }

    fn about(mut self, var: VarProblem) -> ProjectError {
        self.var = Some(var);
        self
    }
}

impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some((l, c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ProjectError {}

/// The project file names tried, in order, when `-c` is not given.
pub const DEFAULT_FILES: &[&str] = &["cairn.hcl", "atlas.hcl"];

/// Finds the project file: `-c file://PATH` (or a plain path), else `cairn.hcl`, else
/// `atlas.hcl` in `dir`. `Ok(None)` when there is none and none was named.
pub fn find(config: Option<&str>, dir: &Path) -> Result<Option<PathBuf>, ProjectError> {
    if let Some(c) = config {
        let path = c.strip_prefix("file://").unwrap_or(c);
        if c.contains("://") && !c.starts_with("file://") {
            return Err(ProjectError::whole(
                c,
                "-c/--config takes a file:// URL, e.g. -c file://atlas.hcl",
            ));
        }
        let p = dir.join(path);
        if !p.is_file() {
            return Err(ProjectError::whole(path, "no such project file"));
        }
        return Ok(Some(p));
    }
    Ok(DEFAULT_FILES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file()))
}

/// What the caller passes in: the selected env and the `--var` values.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    pub env: Option<String>,
    /// `--var name=value`, in order (a name given twice makes a list for list variables).
    pub vars: Vec<(String, String)>,
    /// Runs the queries of `data "sql"` blocks (none: such a block is an error).
    pub host: Option<Host>,
    /// With a `for_each` env: the one instance (its `each.key`) to decode as `env`.
    pub instance: Option<String>,
}

/// Parses one `--var` argument.
pub fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("--var {s:?}: expected name=value")),
    }
}

/// A loaded project: the selected environment (if one was asked for) and the global policy
/// blocks, with the variables' final values.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Project {
    pub file: PathBuf,
    pub vars: BTreeMap<String, Value>,
    pub env: Option<Env>,
    /// The names of the labeled `env` blocks, in file order.
    pub env_names: Vec<String>,
    pub lint: Option<Lint>,
    pub diff: Option<Diff>,
    /// The schema sources that data blocks define, by their `mem://KIND/NAME` URL.
    pub sources: BTreeMap<String, MemSource>,
    /// The selected env has `for_each` and no instance was asked for: every target, in
    /// rollout groups.
    pub fleet: Option<Fleet>,
}

/// The instances of a `for_each` env, grouped for a staged rollout.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fleet {
    pub targets: Vec<Target>,
    /// In rollout order; without a `rollout { deployment = ... }`, one group of all targets,
    /// one at a time.
    pub groups: Vec<Group>,
}

/// One instance of a `for_each` env.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// `each.key` (for a set, the element).
    pub key: String,
    pub env: Env,
    /// Index into [`Fleet::groups`].
    pub group: usize,
}

/// A `group` of a `deployment` block.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub name: String,
    /// How many targets of the group run at once.
    pub parallel: usize,
    /// `on_error = CONTINUE`: later groups run even when a target of this one failed.
    pub continue_on_error: bool,
}

/// One `env` block, decoded.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Env {
    pub name: String,
    /// The `each.key` of a `for_each` env's instance.
    pub instance: Option<String>,
    pub url: Option<String>,
    pub dev: Option<String>,
    /// `src` (a string or a list) or `schema { src }`.
    pub src: Vec<String>,
    pub schemas: Vec<String>,
    pub exclude: Vec<String>,
    pub migration: Option<Migration>,
    /// The env's `lint` block, merged with the global one as Atlas does.
    pub lint: Option<Lint>,
    /// The env's `diff` block, merged with the global one as Atlas does.
    pub diff: Option<Diff>,
    /// `format { migrate { apply = "..." } ... }`: command -> subcommand -> template.
    pub format: BTreeMap<String, BTreeMap<String, String>>,
    /// Any other attribute (Atlas passes them to HCL schemas as inputs; `env://NAME` reads them).
    pub attrs: BTreeMap<String, Value>,
}

impl Env {
    /// The value `env://NAME` stands for: a known attribute or an extra one.
    pub fn attribute(&self, name: &str) -> Option<String> {
        match name {
            "url" => self.url.clone(),
            "dev" => self.dev.clone(),
            "src" => self.src.first().cloned(),
            _ => self.attrs.get(name).and_then(Value::to_text),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Migration {
    pub dir: Option<String>,
    pub format: Option<String>,
    pub baseline: Option<String>,
    pub exec_order: Option<String>,
    pub lock_timeout: Option<String>,
    pub revisions_schema: Option<String>,
    pub exclude: Vec<String>,
}

/// A `lint` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lint {
    pub review: Option<String>,
    pub latest: Option<u64>,
    pub git_base: Option<String>,
    pub git_dir: Option<String>,
    pub format: Option<String>,
    /// Cairn: rule files.
    pub rules: Vec<String>,
    /// Cairn: rule parameters.
    pub params: BTreeMap<String, Value>,
    /// Cairn: severity overrides by code or family (`DS = "warning"`).
    pub severity: BTreeMap<String, String>,
    /// Cairn: lint files on `migrate apply`.
    pub on_apply: Option<bool>,
    /// Analyzer blocks (`destructive { error = true }`, `check "PG301" { ... }`), by name
    /// (`check.PG301` for labeled ones), with their attributes.
    pub analyzers: BTreeMap<String, Section>,
}

/// A nested block kept as evaluated attributes and sub-blocks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Section {
    pub attrs: BTreeMap<String, Value>,
    pub blocks: BTreeMap<String, Section>,
}

/// A `diff` block.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    /// `skip { drop_table = true ... }`: the kinds of change left out of plans.
    pub skip: Option<BTreeMap<String, bool>>,
    /// `concurrent_index { add drop }` (`create` is read as `add`).
    pub concurrent_index_add: Option<bool>,
    pub concurrent_index_drop: Option<bool>,
    /// `online_constraints = false`: PostgreSQL plans add foreign keys and checks to existing
    /// tables validated in one statement, not NOT VALID then VALIDATE (the default).
    pub online_constraints: Option<bool>,
    /// Other blocks (`add_table { if_not_exists = true }` ...), kept as written.
    pub other: BTreeMap<String, Section>,
}

/// The change kinds `diff { skip { ... } }` takes.
pub fn skip_kinds() -> Vec<String> {
    let mut out = Vec::new();
    for verb in ["add", "drop", "modify"] {
        for obj in [
            "schema",
            "table",
            "column",
            "index",
            "foreign_key",
            "view",
            "func",
            "proc",
            "trigger",
        ] {
            out.push(format!("{verb}_{obj}"));
        }
    }
    for r in [
        "table",
        "view",
        "func",
        "proc",
        "trigger",
        "constraint",
        "column",
        "index",
    ] {
        out.push(format!("rename_{r}"));
    }
    out.push("drop_role".into());
    out.push("drop_user".into());
    out
}

const TOP_BLOCKS: &[&str] = &[
    "env",
    "variable",
    "locals",
    "data",
    "lint",
    "diff",
    "deployment",
];
const UNSUPPORTED_TOP: &[&str] = &["docker", "atlas", "hook", "test"];
const DATA_KINDS: &[&str] = &[
    "sql",
    "external",
    "runtimevar",
    "template_dir",
    "hcl_schema",
    "external_schema",
    "composite_schema",
    "aws_rds_token",
    "gcp_cloudsql_token",
    "remote_dir",
    "remote_schema",
];

/// Reads and evaluates a project file.
pub fn load(path: &Path, inputs: &Inputs) -> Result<Project, ProjectError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ProjectError::whole(&shown, format!("cannot read the project file: {e}")))?;
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    evaluate(&shown, &text, &base, inputs).map(|mut p| {
        p.file = path.to_path_buf();
        p
    })
}

/// Evaluates project-file text (`file` names it in errors; `base_dir` anchors `file()` and
/// `glob()`).
pub fn evaluate(
    file: &str,
    text: &str,
    base_dir: &Path,
    inputs: &Inputs,
) -> Result<Project, ProjectError> {
    let body: BodyAst =
        parse_body(text).map_err(|d| ProjectError::at(file, text, d.span, d.message.clone()))?;
    let mut scope = Scope {
        file: file.to_string(),
        text,
        base_dir: base_dir.to_path_buf(),
        vars: BTreeMap::new(),
        locals: BTreeMap::new(),
        local_cache: RefCell::new(BTreeMap::new()),
        in_progress: RefCell::new(Vec::new()),
        env_name: inputs.env.clone(),
        data_blocks: BTreeMap::new(),
        data_cache: RefCell::new(BTreeMap::new()),
        host: inputs.host.clone(),
        sources: RefCell::new(BTreeMap::new()),
        bound: RefCell::new(Vec::new()),
    };
    if let Some(a) = body.attributes.first() {
        return Err(scope.err(
            a.name_span,
            format!("unexpected attribute {:?} at the top level: the project file holds blocks (env, variable, locals, data, lint, diff)", a.name),
        ));
    }
    // Pass 1: the names of locals and data sources; unknown blocks.
    let mut var_blocks = Vec::new();
    for b in &body.blocks {
        match b.ident.as_str() {
            "locals" => {
                no_labels(&scope, b, 0)?;
                if let Some(x) = b.blocks.first() {
                    return Err(scope.err(x.ident_span, "locals holds attributes only"));
                }
                for a in &b.attributes {
                    if scope.locals.insert(a.name.clone(), &a.expr).is_some() {
                        return Err(
                            scope.err(a.name_span, format!("local {:?} is defined twice", a.name))
                        );
                    }
                }
            }
            "data" => {
                no_labels(&scope, b, 2)?;
                let kind = &b.labels[0].value;
                if !DATA_KINDS.contains(&kind.as_str()) {
                    return Err(scope.err(
                        b.labels[0].span,
                        format!(
                            "unknown data source kind {kind:?}{}",
                            suggest(kind, DATA_KINDS.iter().copied())
                        ),
                    ));
                }
                let key = (kind.clone(), b.labels[1].value.clone());
                if scope.data_blocks.insert(key, b).is_some() {
                    return Err(scope.err(
                        b.labels[1].span,
                        format!(
                            "data \"{kind}\" \"{}\" is declared twice",
                            b.labels[1].value
                        ),
                    ));
                }
            }
            "variable" => {
                no_labels(&scope, b, 1)?;
                var_blocks.push(b);
            }
            "env" | "lint" | "diff" => {}
            "deployment" => no_labels(&scope, b, 1)?,
            word if UNSUPPORTED_TOP.contains(&word) => {
                return Err(scope.err(
                    b.ident_span,
                    format!("the `{word}` block is not supported yet"),
                ));
            }
            other => {
                return Err(scope.err(
                    b.ident_span,
                    format!(
                        "unknown block {other:?}{}; the project file holds {}",
                        suggest(other, TOP_BLOCKS.iter().copied()),
                        TOP_BLOCKS.join(", ")
                    ),
                ));
            }
        }
    }
    // Variables: declared, typed, given by --var or default, validated.
    let mut given: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in &inputs.vars {
        given.entry(k.as_str()).or_default().push(v.as_str());
    }
    for (k, _) in &inputs.vars {
        if !var_blocks.iter().any(|b| b.labels[0].value == *k) {
            return Err(ProjectError::whole(
                file,
                format!(
                    "--var {k}: no variable {k:?} is declared{}",
                    suggest(k, var_blocks.iter().map(|b| b.labels[0].value.as_str()))
                ),
            )
            .about(VarProblem::Undeclared(k.clone())));
        }
    }
    let mut declared = Vec::new();
    for b in &var_blocks {
        let name = b.labels[0].value.clone();
        if declared.contains(&name) {
            return Err(scope.err(
                b.labels[0].span,
                format!("variable {name:?} is declared twice"),
            ));
        }
        declared.push(name.clone());
        check_attrs(
            &scope,
            b,
            &["type", "default", "description", "sensitive", "nullable"],
            &["validation"],
        )?;
        let ty = match b.attr("type") {
            Some(a) => VarType::parse(&scope, &a.expr)?,
            None => VarType::Any,
        };
        let value = match given.get(name.as_str()) {
            Some(raw) => ty
                .parse_flags(raw)
                .map_err(|m| ProjectError::whole(file, format!("--var {name}: {m}")))?,
            None => match b.attr("default") {
                Some(a) => {
                    let v = scope.eval(&a.expr)?;
                    ty.convert(v).map_err(|m| {
                        scope.err(
                            a.expr.span(),
                            format!("the default of variable {name:?} {m}"),
                        )
                    })?
                }
                None => {
                    return Err(scope.err(
                        b.labels[0].span,
                        format!("missing value for required variable {name:?}: give it with --var {name}=VALUE or add a default"),
                    ).about(VarProblem::Missing(name)));
                }
            },
        };
        scope.vars.insert(name, value);
    }
    for b in &var_blocks {
        let name = &b.labels[0].value;
        for v in b.blocks_named("validation") {
            check_attrs(&scope, v, &["condition", "error_message"], &[])?;
            let cond = v
                .attr("condition")
                .ok_or_else(|| scope.err(v.ident_span, "validation needs a condition"))?;
            if !scope.bool_of(&cond.expr)? {
                let msg = match v.attr("error_message") {
                    Some(m) => scope.text_of(&m.expr)?,
                    None => "the validation condition is false".into(),
                };
                let value = &scope.vars[name];
                let origin = if given.contains_key(name.as_str()) {
                    " (from --var)"
                } else {
                    ""
                };
                return Err(scope.err(
                    cond.expr.span(),
                    format!("invalid value {value} for variable {name:?}{origin}: {msg}"),
                ));
            }
        }
    }
    // Global policy blocks.
    let mut lint = None;
    let mut diff = None;
    for b in &body.blocks {
        match b.ident.as_str() {
            "lint" => {
                no_labels(&scope, b, 0)?;
                lint = Some(decode_lint(&scope, b)?);
            }
            "diff" => {
                if !b.labels.is_empty() {
                    return Err(scope.err(b.labels[0].span, "dialect-specific diff blocks (diff \"postgres\" { ... }) are not supported yet"));
                }
                diff = Some(decode_diff(&scope, b)?);
            }
            _ => {}
        }
    }
    // Environments.
    let envs: Vec<&BlockAst> = body.blocks.iter().filter(|b| b.ident == "env").collect();
    let mut env_names = Vec::new();
    for b in &envs {
        if b.labels.len() > 1 {
            return Err(scope.err(b.labels[1].span, "an env block takes one label: its name"));
        }
        if let Some(l) = b.labels.first()
            && !env_names.contains(&l.value)
        {
            env_names.push(l.value.clone());
        }
    }
    let mut env = None;
    let mut fleet = None;
    if let Some(wanted) = &inputs.env {
        let labeled: Vec<&&BlockAst> = envs
            .iter()
            .filter(|b| b.labels.first().is_some_and(|l| l.value == *wanted))
            .collect();
        let chosen: Vec<&BlockAst> = if labeled.is_empty() {
            let mut out = Vec::new();
            for b in envs.iter().filter(|b| b.labels.is_empty()) {
                let n = b.attr("name").ok_or_else(|| {
                    scope.err(
                        b.ident_span,
                        "an unlabeled env block needs `name = atlas.env` (or a name)",
                    )
                })?;
                if scope.text_of(&n.expr)? == *wanted {
                    out.push(*b);
                }
            }
            out
        } else {
            labeled.into_iter().copied().collect()
        };
        match chosen.as_slice() {
            [] => {
                let list = if env_names.is_empty() {
                    "the file defines no env blocks".to_string()
                } else {
                    format!("available: {}", env_names.join(", "))
                };
                return Err(ProjectError::whole(
                    file,
                    format!(
                        "no env named {wanted:?}{}; {list}",
                        suggest(wanted, env_names.iter().map(String::as_str))
                    ),
                ));
            }
            [one] if one.attr("for_each").is_some() => {
                let instances = for_each_instances(&scope, one)?;
                let mut targets = Vec::new();
                let (groups, matchers) = rollout(&scope, &body, one)?;
                for (key, value) in instances {
                    let each = each_value(&key, value);
                    scope.bound.borrow_mut().push(("each".into(), each));
                    let r = (|| -> Result<(Env, usize), ProjectError> {
                        let mut e = decode_env(&scope, one, wanted)?;
                        e.instance = Some(key.clone());
                        e.lint = merge_lint(lint.as_ref(), e.lint.take());
                        e.diff = merge_diff(diff.as_ref(), e.diff.take());
                        let mut group = None;
                        for (i, m) in matchers.iter().enumerate() {
                            let hit = match m {
                                Some(x) => scope.bool_of(x)?,
                                None => true,
                            };
                            if hit {
                                group = Some(i);
                                break;
                            }
                        }
                        let group = group.ok_or_else(|| {
                            scope.err(
                                one.ident_span,
                                format!("target {key:?} matches no group of the deployment: add a group without `match` for the rest"),
                            )
                        })?;
                        Ok((e, group))
                    })();
                    scope.bound.borrow_mut().pop();
                    let (e, group) = r?;
                    targets.push(Target { key, env: e, group });
                }
                match &inputs.instance {
                    Some(k) => {
                        let t = targets.into_iter().find(|t| t.key == *k).ok_or_else(|| {
                            ProjectError::whole(
                                file,
                                format!("env {wanted:?} has no instance {k:?}"),
                            )
                        })?;
                        env = Some(t.env);
                    }
                    None => fleet = Some(Fleet { targets, groups }),
                }
            }
            [one] => {
                let mut e = decode_env(&scope, one, wanted)?;
                e.lint = merge_lint(lint.as_ref(), e.lint.take());
                e.diff = merge_diff(diff.as_ref(), e.diff.take());
                env = Some(e);
            }
            [_, second, ..] => {
                return Err(scope.err(
                    second.ident_span,
                    format!("several env blocks match {wanted:?}; running one command on several environments is not supported yet"),
                ));
            }
        }
    }
    Ok(Project {
        file: PathBuf::from(file),
        vars: scope.vars.clone(),
        env,
        env_names,
        lint,
        diff,
        sources: scope.sources.borrow().clone(),
        fleet,
    })
}

/// The `(each.key, each.value)` pairs of a `for_each` env: a list or set (key = the element),
/// or an object (its keys).
fn for_each_instances(scope: &Scope, b: &BlockAst) -> Result<Vec<(String, Value)>, ProjectError> {
    let a = b.attr("for_each").expect("checked by the caller");
    let v = scope.eval(&a.expr)?;
    let out: Vec<(String, Value)> = match v {
        Value::List(l) => {
            let mut out: Vec<(String, Value)> = Vec::new();
            for x in l {
                let k = x.to_text().ok_or_else(|| {
                    scope.err(
                        a.expr.span(),
                        format!("for_each over a list needs strings, got {}", x.kind_name()),
                    )
                })?;
                if !out.iter().any(|(o, _)| *o == k) {
                    out.push((k, x));
                }
            }
            out
        }
        Value::Object(m) => m.into_iter().collect(),
        other => {
            return Err(scope.err(
                a.expr.span(),
                format!(
                    "for_each needs a set, list or map, got {}",
                    other.kind_name()
                ),
            ));
        }
    };
    if out.is_empty() {
        return Err(scope.err(a.expr.span(), "for_each is empty: the env has no targets"));
    }
    Ok(out)
}

fn each_value(key: &str, value: Value) -> Value {
    let mut m = BTreeMap::new();
    m.insert("key".to_string(), Value::String(key.to_string()));
    m.insert("value".to_string(), value);
    Value::Object(m)
}

/// The rollout groups of a `for_each` env: its `rollout { deployment = deployment.NAME }`'s
/// `group` blocks (each with its `match` expression, evaluated per target), else one group.
#[allow(clippy::type_complexity)]
fn rollout<'b>(
    scope: &Scope,
    body: &'b BodyAst,
    env: &BlockAst,
) -> Result<(Vec<Group>, Vec<Option<&'b HclExpr>>), ProjectError> {
    let Some(r) = env.blocks_named("rollout").next() else {
        return Ok((
            vec![Group {
                name: "all".into(),
                parallel: 1,
                continue_on_error: false,
            }],
            vec![None],
        ));
    };
    check_attrs(scope, r, &["deployment"], &[])?;
    let a = r
        .attr("deployment")
        .ok_or_else(|| scope.err(r.ident_span, "rollout needs `deployment = deployment.NAME`"))?;
    let name = match &a.expr {
        HclExpr::Traversal { root, steps, .. } if root == "deployment" && steps.len() == 1 => {
            match &steps[0] {
                cairn_syntax::hcl::parse::Step::Attr(n, _) => n.clone(),
                _ => String::new(),
            }
        }
        other => scope.text_of(other)?,
    };
    let d = body
        .blocks
        .iter()
        .find(|b| b.ident == "deployment" && b.labels.first().is_some_and(|l| l.value == name))
        .ok_or_else(|| scope.err(a.expr.span(), format!("no deployment {name:?} is declared")))?;
    check_attrs(scope, d, &[], &["group"])?;
    let mut groups = Vec::new();
    let mut matchers = Vec::new();
    for g in d.blocks_named("group") {
        no_labels(scope, g, 1)?;
        check_attrs(scope, g, &["match", "parallel", "on_error"], &[])?;
        let parallel = match g.attr("parallel") {
            Some(p) => scope
                .eval(&p.expr)?
                .to_number()
                .filter(|n| *n >= 1.0 && n.fract() == 0.0)
                .ok_or_else(|| scope.err(p.expr.span(), "parallel must be a whole number >= 1"))?
                as usize,
            None => 1,
        };
        let on_error = opt_word(scope, g, "on_error", &["FAIL", "CONTINUE"])?;
        groups.push(Group {
            name: g.labels[0].value.clone(),
            parallel,
            continue_on_error: on_error.is_some_and(|w| w.eq_ignore_ascii_case("CONTINUE")),
        });
        matchers.push(g.attr("match").map(|m| &m.expr));
    }
    if groups.is_empty() {
        return Err(scope.err(
            d.ident_span,
            format!("deployment {name:?} has no group blocks"),
        ));
    }
    Ok((groups, matchers))
}

fn no_labels(scope: &Scope, b: &BlockAst, want: usize) -> Result<(), ProjectError> {
    if b.labels.len() == want {
        return Ok(());
    }
    let shape = match (b.ident.as_str(), want) {
        ("data", _) => "data \"KIND\" \"NAME\" { ... }".to_string(),
        ("variable", _) => "variable \"NAME\" { ... }".to_string(),
        (i, _) => format!("{i} {{ ... }}"),
    };
    Err(scope.err(
        b.labels.first().map_or(b.ident_span, |l| l.span),
        format!("expected {shape}"),
    ))
}

/// Rejects attributes and blocks a block does not take, with a suggestion.
fn check_attrs(
    scope: &Scope,
    b: &BlockAst,
    attrs: &[&str],
    blocks: &[&str],
) -> Result<(), ProjectError> {
    for a in &b.attributes {
        if !attrs.contains(&a.name.as_str()) {
            return Err(scope.err(
                a.name_span,
                format!(
                    "unknown attribute {:?} in {}{}",
                    a.name,
                    b.ident,
                    suggest(&a.name, attrs.iter().copied())
                ),
            ));
        }
    }
    for x in &b.blocks {
        if !blocks.contains(&x.ident.as_str()) {
            return Err(scope.err(
                x.ident_span,
                format!(
                    "unknown block {:?} in {}{}",
                    x.ident,
                    b.ident,
                    suggest(&x.ident, blocks.iter().copied())
                ),
            ));
        }
    }
    Ok(())
}

fn opt_text(scope: &Scope, b: &BlockAst, name: &str) -> Result<Option<String>, ProjectError> {
    b.attr(name).map(|a| scope.text_of(&a.expr)).transpose()
}

/// An enum-like attribute: a bare word (`LINEAR`) or a string.
fn opt_word(
    scope: &Scope,
    b: &BlockAst,
    name: &str,
    allowed: &[&str],
) -> Result<Option<String>, ProjectError> {
    let Some(a) = b.attr(name) else {
        return Ok(None);
    };
    let v = scope.eval(&a.expr)?;
    let w = match &v {
        Value::Keyword(w) | Value::String(w) => w.clone(),
        other => {
            return Err(scope.err(
                a.expr.span(),
                format!(
                    "{name} must be one of {}, got {}",
                    allowed.join(", "),
                    other.kind_name()
                ),
            ));
        }
    };
    if !allowed.iter().any(|x| x.eq_ignore_ascii_case(&w)) {
        return Err(scope.err(
            a.expr.span(),
            format!(
                "{name} must be one of {}, got {w:?}{}",
                allowed.join(", "),
                suggest(&w, allowed.iter().copied())
            ),
        ));
    }
    Ok(Some(w))
}

fn opt_bool(scope: &Scope, b: &BlockAst, name: &str) -> Result<Option<bool>, ProjectError> {
    b.attr(name).map(|a| scope.bool_of(&a.expr)).transpose()
}

/// A string or a list of strings.
fn text_list(scope: &Scope, a: &Attr) -> Result<Vec<String>, ProjectError> {
    match scope.eval(&a.expr)? {
        Value::List(l) => l
            .iter()
            .map(|v| {
                v.to_text().ok_or_else(|| {
                    scope.err(
                        a.expr.span(),
                        format!("{} must hold strings, got {}", a.name, v.kind_name()),
                    )
                })
            })
            .collect(),
        v => v.to_text().map(|s| vec![s]).ok_or_else(|| {
            scope.err(
                a.expr.span(),
                format!(
                    "{} must be a string or a list of strings, got {}",
                    a.name,
                    v.kind_name()
                ),
            )
        }),
    }
}

fn decode_env(scope: &Scope, b: &BlockAst, name: &str) -> Result<Env, ProjectError> {
    let mut env = Env {
        name: name.to_string(),
        ..Env::default()
    };
    for a in &b.attributes {
        match a.name.as_str() {
            "name" | "for_each" => {}
            "url" => env.url = Some(scope.text_of(&a.expr)?),
            "dev" => env.dev = Some(scope.text_of(&a.expr)?),
            "src" => env.src = text_list(scope, a)?,
            "schemas" => env.schemas = text_list(scope, a)?,
            "exclude" => env.exclude = text_list(scope, a)?,
            "include" => {
                return Err(scope.err(a.name_span, "`include` is not supported yet; use exclude"));
            }
            _ => {
                env.attrs.insert(a.name.clone(), scope.eval(&a.expr)?);
            }
        }
    }
    for x in &b.blocks {
        match x.ident.as_str() {
            "schema" => {
                check_attrs(scope, x, &["src"], &[])?;
                if let Some(a) = x.attr("src") {
                    if !env.src.is_empty() {
                        return Err(scope.err(
                            a.name_span,
                            "the env sets both `src` and `schema { src }`: keep one",
                        ));
                    }
                    env.src = text_list(scope, a)?;
                }
            }
            "migration" => {
                check_attrs(
                    scope,
                    x,
                    &[
                        "dir",
                        "format",
                        "baseline",
                        "exec_order",
                        "lock_timeout",
                        "revisions_schema",
                        "exclude",
                    ],
                    &[],
                )?;
                env.migration = Some(Migration {
                    dir: opt_text(scope, x, "dir")?,
                    format: opt_word(
                        scope,
                        x,
                        "format",
                        &[
                            "atlas",
                            "golang-migrate",
                            "goose",
                            "flyway",
                            "liquibase",
                            "dbmate",
                        ],
                    )?,
                    baseline: opt_text(scope, x, "baseline")?,
                    exec_order: opt_word(
                        scope,
                        x,
                        "exec_order",
                        &["LINEAR", "LINEAR_SKIP", "NON_LINEAR"],
                    )?,
                    lock_timeout: opt_text(scope, x, "lock_timeout")?,
                    revisions_schema: opt_text(scope, x, "revisions_schema")?,
                    exclude: x
                        .attr("exclude")
                        .map(|a| text_list(scope, a))
                        .transpose()?
                        .unwrap_or_default(),
                });
            }
            "lint" => env.lint = Some(decode_lint(scope, x)?),
            "diff" => env.diff = Some(decode_diff(scope, x)?),
            // Read by the fleet (`for_each` envs); outside one it has no targets to order.
            "rollout" if b.attr("for_each").is_some() => {}
            "format" => {
                for cmd in &x.blocks {
                    let m = env.format.entry(cmd.ident.clone()).or_default();
                    for a in &cmd.attributes {
                        m.insert(a.name.clone(), scope.text_of(&a.expr)?);
                    }
                }
                if let Some(a) = x.attributes.first() {
                    return Err(scope.err(a.name_span, "format holds blocks per command: format { migrate { apply = \"{{ json . }}\" } }"));
                }
            }
            "test" | "data" | "check" | "script" | "repo" => {
                return Err(scope.err(
                    x.ident_span,
                    format!("the env `{}` block is not supported yet", x.ident),
                ));
            }
            other => {
                const KNOWN: &[&str] = &["schema", "migration", "lint", "diff", "format"];
                return Err(scope.err(
                    x.ident_span,
                    format!(
                        "unknown block {other:?} in env{}",
                        suggest(other, KNOWN.iter().copied())
                    ),
                ));
            }
        }
    }
    Ok(env)
}

fn section(scope: &Scope, b: &BlockAst) -> Result<Section, ProjectError> {
    let mut s = Section::default();
    for a in &b.attributes {
        s.attrs.insert(a.name.clone(), scope.eval(&a.expr)?);
    }
    for x in &b.blocks {
        let key = std::iter::once(x.ident.as_str())
            .chain(x.labels.iter().map(|l| l.value.as_str()))
            .collect::<Vec<_>>()
            .join(".");
        s.blocks.insert(key, section(scope, x)?);
    }
    Ok(s)
}

fn decode_lint(scope: &Scope, b: &BlockAst) -> Result<Lint, ProjectError> {
    let mut l = Lint::default();
    for a in &b.attributes {
        match a.name.as_str() {
            "review" => l.review = opt_word(scope, b, "review", &["ALWAYS", "WARNING", "ERROR"])?,
            "latest" => {
                let v = scope.eval(&a.expr)?;
                l.latest = Some(
                    v.to_number()
                        .filter(|n| *n >= 0.0 && n.fract() == 0.0)
                        .ok_or_else(|| scope.err(a.expr.span(), "latest must be a whole number"))?
                        as u64,
                );
            }
            "format" | "log" => l.format = Some(scope.text_of(&a.expr)?),
            "rules" => l.rules = text_list(scope, a)?,
            "on_apply" => l.on_apply = Some(scope.bool_of(&a.expr)?),
            "params" | "severity" => match scope.eval(&a.expr)? {
                Value::Object(m) => {
                    if a.name == "params" {
                        l.params = m;
                    } else {
                        for (k, v) in m {
                            let s = v.to_text().unwrap_or_default().to_lowercase();
                            if !["error", "warning", "info", "hint", "off"].contains(&s.as_str()) {
                                return Err(scope.err(a.expr.span(), format!("severity of {k}: expected error, warning, info, hint or off, got {v}")));
                            }
                            l.severity.insert(k, s);
                        }
                    }
                }
                other => {
                    return Err(scope.err(
                        a.expr.span(),
                        format!("{} must be an object, got {}", a.name, other.kind_name()),
                    ));
                }
            },
            other => {
                const KNOWN: &[&str] = &[
                    "review", "latest", "format", "log", "rules", "params", "severity", "on_apply",
                ];
                return Err(scope.err(
                    a.name_span,
                    format!(
                        "unknown attribute {other:?} in lint{}",
                        suggest(other, KNOWN.iter().copied())
                    ),
                ));
            }
        }
    }
    for x in &b.blocks {
        if x.ident == "git" {
            check_attrs(scope, x, &["base", "dir"], &[])?;
            l.git_base = opt_text(scope, x, "base")?;
            l.git_dir = opt_text(scope, x, "dir")?;
            continue;
        }
        if x.ident == "rule" {
            // Atlas's `rule "hcl" "NAME" { src = [...] vars = {...} }`: its policy files join
            // the rule files, its vars the params.
            if x.labels.first().map(|l| l.value.as_str()) != Some("hcl") {
                return Err(scope.err(
                    x.ident_span,
                    "only `rule \"hcl\" \"NAME\" { src = [...] }` blocks are understood here",
                ));
            }
            check_attrs(scope, x, &["src", "vars"], &[])?;
            if let Some(a) = x.attr("src") {
                l.rules.extend(text_list(scope, a)?);
            }
            if let Some(a) = x.attr("vars") {
                match scope.eval(&a.expr)? {
                    Value::Object(m) => l.params.extend(m),
                    other => {
                        return Err(scope.err(
                            a.expr.span(),
                            format!("vars must be an object, got {}", other.kind_name()),
                        ));
                    }
                }
            }
            continue;
        }
        let key = std::iter::once(x.ident.as_str())
            .chain(x.labels.iter().map(|l| l.value.as_str()))
            .collect::<Vec<_>>()
            .join(".");
        let s = section(scope, x)?;
        if let Some(v) = s.attrs.get("error")
            && !matches!(v, Value::Bool(_))
        {
            return Err(scope.err(
                x.attr("error").map_or(x.ident_span, |a| a.expr.span()),
                "error must be true or false",
            ));
        }
        l.analyzers.insert(key, s);
    }
    Ok(l)
}

fn decode_diff(scope: &Scope, b: &BlockAst) -> Result<Diff, ProjectError> {
    let mut d = Diff::default();
    for a in &b.attributes {
        if a.name == "online_constraints" {
            d.online_constraints = Some(scope.bool_of(&a.expr)?);
            continue;
        }
        return Err(scope.err(
            a.name_span,
            format!(
                "unknown attribute {:?} in diff: it holds online_constraints and blocks (skip, concurrent_index, ...)",
                a.name
            ),
        ));
    }
    let kinds = skip_kinds();
    for x in &b.blocks {
        match x.ident.as_str() {
            "skip" => {
                let mut m = BTreeMap::new();
                for a in &x.attributes {
                    if !kinds.contains(&a.name) {
                        return Err(scope.err(
                            a.name_span,
                            format!(
                                "unknown change kind {:?} in diff.skip{}",
                                a.name,
                                suggest(&a.name, kinds.iter().map(String::as_str))
                            ),
                        ));
                    }
                    m.insert(a.name.clone(), scope.bool_of(&a.expr)?);
                }
                d.skip = Some(m);
            }
            "concurrent_index" => {
                check_attrs(scope, x, &["add", "create", "drop"], &[])?;
                d.concurrent_index_add =
                    opt_bool(scope, x, "add")?.or(opt_bool(scope, x, "create")?);
                d.concurrent_index_drop = opt_bool(scope, x, "drop")?;
            }
            _ => {
                d.other.insert(x.ident.clone(), section(scope, x)?);
            }
        }
    }
    Ok(d)
}

/// Atlas's `Lint.Extend`: env attributes win; analyzers inherited when unset; `git`/`latest`
/// inherited only when the env sets neither.
fn merge_lint(global: Option<&Lint>, env: Option<Lint>) -> Option<Lint> {
    let Some(g) = global else { return env };
    let Some(mut e) = env else {
        return Some(g.clone());
    };
    e.review = e.review.or_else(|| g.review.clone());
    e.format = e.format.or_else(|| g.format.clone());
    if e.latest.is_none() && e.git_base.is_none() && e.git_dir.is_none() {
        e.latest = g.latest;
        e.git_base = g.git_base.clone();
        e.git_dir = g.git_dir.clone();
    }
    for (k, v) in &g.analyzers {
        e.analyzers.entry(k.clone()).or_insert_with(|| v.clone());
    }
    if e.rules.is_empty() {
        e.rules = g.rules.clone();
    }
    for (k, v) in &g.params {
        e.params.entry(k.clone()).or_insert_with(|| v.clone());
    }
    for (k, v) in &g.severity {
        e.severity.entry(k.clone()).or_insert_with(|| v.clone());
    }
    e.on_apply = e.on_apply.or(g.on_apply);
    Some(e)
}

/// Atlas's `Diff.Extend`: an env `diff` inherits only the global `skip`, and only if it has none
/// (and Cairn's `online_constraints` when it does not set it).
fn merge_diff(global: Option<&Diff>, env: Option<Diff>) -> Option<Diff> {
    let Some(g) = global else { return env };
    let Some(mut e) = env else {
        return Some(g.clone());
    };
    if e.skip.is_none() {
        e.skip = g.skip.clone();
    }
    e.online_constraints = e.online_constraints.or(g.online_constraints);
    Some(e)
}

/// A variable's declared type.
#[derive(Clone, Debug, PartialEq)]
enum VarType {
    Any,
    String,
    Number,
    Bool,
    List(Box<VarType>),
    Map(Box<VarType>),
}

impl VarType {
    fn parse(scope: &Scope, e: &HclExpr) -> Result<VarType, ProjectError> {
        match e {
            HclExpr::Traversal { root, steps, .. } if steps.is_empty() => match root.as_str() {
                "string" => Ok(VarType::String),
                "number" => Ok(VarType::Number),
                "bool" => Ok(VarType::Bool),
                "any" => Ok(VarType::Any),
                other => Err(scope.err(e.span(), format!("unknown type {other:?}: expected string, number, bool, any, list(T), set(T) or map(T)"))),
            },
            HclExpr::Call { name, args, .. } if args.len() == 1 => {
                let inner = Box::new(VarType::parse(scope, &args[0])?);
                match name.as_str() {
                    "list" | "set" => Ok(VarType::List(inner)),
                    "map" => Ok(VarType::Map(inner)),
                    other => Err(scope.err(e.span(), format!("unknown type constructor {other}(): expected list, set or map"))),
                }
            }
            _ => Err(scope.err(e.span(), "expected a type: string, number, bool, any, list(T), set(T) or map(T)")),
        }
    }

    fn name(&self) -> String {
        match self {
            VarType::Any => "any".into(),
            VarType::String => "string".into(),
            VarType::Number => "number".into(),
            VarType::Bool => "bool".into(),
            VarType::List(t) => format!("list({})", t.name()),
            VarType::Map(t) => format!("map({})", t.name()),
        }
    }

    /// Converts a value to this type, as HCL does (numbers and bools to strings and back).
    fn convert(&self, v: Value) -> Result<Value, String> {
        let bad = |v: &Value| format!("must be {}, got {}", self.name(), v.kind_name());
        match self {
            VarType::Any => Ok(v),
            VarType::String => v.to_text().map(Value::String).ok_or_else(|| bad(&v)),
            VarType::Number => v.to_number().map(Value::Number).ok_or_else(|| bad(&v)),
            VarType::Bool => v.to_bool().map(Value::Bool).ok_or_else(|| bad(&v)),
            VarType::List(t) => match v {
                Value::List(l) => l
                    .into_iter()
                    .map(|x| t.convert(x))
                    .collect::<Result<_, _>>()
                    .map(Value::List),
                other => Err(bad(&other)),
            },
            VarType::Map(t) => match v {
                Value::Object(m) => m
                    .into_iter()
                    .map(|(k, x)| t.convert(x).map(|x| (k, x)))
                    .collect::<Result<_, _>>()
                    .map(Value::Object),
                other => Err(bad(&other)),
            },
        }
    }

    /// The value of `--var name=...` given one or more times.
    fn parse_flags(&self, raw: &[&str]) -> Result<Value, String> {
        match self {
            VarType::List(t) => raw
                .iter()
                .map(|r| t.convert(Value::String(r.to_string())))
                .collect::<Result<_, _>>()
                .map(Value::List),
            VarType::Map(_) => {
                let j: serde_json::Value =
                    serde_json::from_str(raw[raw.len() - 1]).map_err(|_| {
                        "a map variable takes a JSON object, e.g. --var m='{\"k\":\"v\"}'"
                            .to_string()
                    })?;
                self.convert(Value::from_json(&j))
            }
            _ => {
                if raw.len() > 1 {
                    return Err(format!(
                        "given {} times, but the variable is {}, not a list",
                        raw.len(),
                        self.name()
                    ));
                }
                self.convert(Value::String(raw[0].to_string()))
            }
        }
    }
}
