//! Resolution and lowering: every top-level block of every file becomes a declaration (after
//! `for_each` expansion), declarations form the symbol table references resolve against, and
//! each declaration is then lowered into the realm on its own, so a broken block costs only
//! itself.

mod attrs;
mod objects;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use cairn_ir::{Dialect, ObjectPath, QualifiedName, Realm};
use cairn_syntax::diag::did_you_mean;
use cairn_syntax::hcl::parse::{BlockAst, HclExpr, Step, TemplatePart};
use cairn_syntax::hcl::scan::ItemKind;
use cairn_syntax::{Diagnostic, Span};

use super::HclFile;
use super::eval::{self, Ref, Value};
use crate::db::Compiled;
use crate::source_map::{Places, SourceMap};

/// Where a block came from: its file and the offset its spans are relative to.
#[derive(Clone, Copy)]
pub(super) struct Src<'a> {
    pub file: &'a str,
    pub offset: usize,
}

/// One object declaration: a top-level block, or one instance of a `for_each` block.
struct Decl<'a> {
    kind: &'static str,
    /// The block; `None` for a declaration of another item, known by its summary only (when
    /// one item is lowered on its own).
    block: Option<&'a BlockAst>,
    src: Src<'a>,
    /// The block's last label (what references name).
    label: String,
    /// The first of two labels (`table "a" "users"`): the qualifier references use.
    qualifier: Option<String>,
    /// The object's name: the `name` attribute, else the label.
    name: String,
    /// The schema it lives in (schema-level objects), once resolved.
    schema: Option<String>,
    each: Option<(Value, Value)>,
    /// The names of its `column` blocks (tables and views), for `column.x` references.
    columns: Vec<String>,
    /// The block's index in its item.
    index: usize,
}

/// What other items see of a declaration: everything but its block. Equal summaries resolve
/// references the same way, so an item that only references another is not lowered again when
/// the other changes inside (a column's type) but not in its summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DeclInfo {
    kind: &'static str,
    label: String,
    qualifier: Option<String>,
    name: String,
    schema: Option<String>,
    each: Option<(Value, Value)>,
    columns: Vec<String>,
    /// The block's index among the item's blocks.
    index: usize,
}

impl DeclInfo {
    pub(crate) fn kind(&self) -> &'static str {
        self.kind
    }

    pub(crate) fn label(&self) -> &str {
        &self.label
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    fn of(d: &Decl<'_>) -> DeclInfo {
        DeclInfo {
            kind: d.kind,
            label: d.label.clone(),
            qualifier: d.qualifier.clone(),
            name: d.name.clone(),
            schema: d.schema.clone(),
            each: d.each.clone(),
            columns: d.columns.clone(),
            index: d.index,
        }
    }

    fn decl<'a>(&self, block: Option<&'a BlockAst>, src: Src<'a>) -> Decl<'a> {
        Decl {
            kind: self.kind,
            block,
            src,
            label: self.label.clone(),
            qualifier: self.qualifier.clone(),
            name: self.name.clone(),
            schema: self.schema.clone(),
            each: self.each.clone(),
            columns: self.columns.clone(),
            index: self.index,
        }
    }
}

/// What one item declares, on its own (the project's declarations are every item's, schemas
/// first: see `super::project_decls`).
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ItemDecls {
    /// Its declarations: its schemas first, then its other objects, in block order.
    pub decls: Vec<Arc<DeclInfo>>,
    /// What declaring them reported (spans relative to the item, no file).
    pub diagnostics: Vec<Diagnostic>,
    /// Whether the item can be declared alone: not when it has `variable` or `locals` blocks
    /// (their values are evaluated once, where first used), nor when declaring it looked up
    /// anything but a schema. A project with such an item is resolved in one pass.
    pub alone: bool,
}

/// How an item lowered on its own reaches the rest of the project (salsa queries, so that the
/// item depends only on what it looked up).
pub(crate) trait Resolver {
    fn lookup(&self, kind: &'static str, label: &str) -> Vec<Arc<DeclInfo>>;
    fn labels(&self, kind: &'static str) -> Vec<String>;
}

/// A trigger or policy waiting for its table: attached once every table is lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Attached {
    Trigger(cairn_ir::Trigger),
    Policy(cairn_ir::Policy),
}

/// What lowering one item gives: its objects, the places it declared them at (in order, for
/// duplicate checks and the source map), its diagnostics and what it attaches to tables. In a
/// fragment lowered on its own, spans are relative to the item and files are empty.
#[derive(Clone, Debug)]
pub(crate) struct Fragment {
    /// This lowering's identity, unique in the process: a fragment reused from the memo keeps
    /// it, one lowered again gets a new one (even when equal). Not part of equality.
    pub id: u64,
    pub realm: Realm,
    pub places: Arc<Places>,
    /// The declaration span of each of `realm.permissions`.
    pub permissions: Vec<Span>,
    pub attach: Vec<(String, String, Attached)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl PartialEq for Fragment {
    fn eq(&self, other: &Self) -> bool {
        self.realm == other.realm
            && self.places == other.places
            && self.permissions == other.permissions
            && self.attach == other.attach
            && self.diagnostics == other.diagnostics
    }
}
impl Eq for Fragment {}

/// The next [`Fragment::id`] (0 is never one).
static NEXT_FRAGMENT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// The evaluation environment of one block.
#[derive(Clone, Copy)]
struct Env<'e, 'a> {
    src: Src<'a>,
    each: Option<&'e (Value, Value)>,
    /// The table (or view) whose body is being lowered: `column.x` resolves in it.
    relation: Option<usize>,
}

/// The top-level block types and the dialects that have them.
const OBJECT_KINDS: &[(&str, &[DialectTag])] = &[
    ("schema", &[DialectTag::Pg, DialectTag::My, DialectTag::Lt]),
    ("table", &[DialectTag::Pg, DialectTag::My, DialectTag::Lt]),
    ("view", &[DialectTag::Pg, DialectTag::My, DialectTag::Lt]),
    ("materialized", &[DialectTag::Pg]),
    ("enum", &[DialectTag::Pg]),
    ("function", &[DialectTag::Pg, DialectTag::My]),
    ("procedure", &[DialectTag::Pg, DialectTag::My]),
    ("aggregate", &[DialectTag::Pg]),
    ("trigger", &[DialectTag::Pg, DialectTag::My, DialectTag::Lt]),
    ("sequence", &[DialectTag::Pg]),
    ("domain", &[DialectTag::Pg]),
    ("composite", &[DialectTag::Pg]),
    ("extension", &[DialectTag::Pg]),
    ("policy", &[DialectTag::Pg]),
    ("role", &[DialectTag::Pg, DialectTag::My]),
    ("user", &[DialectTag::Pg, DialectTag::My]),
    ("permission", &[DialectTag::Pg, DialectTag::My]),
    ("default_privilege", &[DialectTag::Pg]),
    // A MySQL event: its statement, kept whole (`as`).
    ("event", &[DialectTag::My]),
];

/// Block types Atlas has that Cairn recognises but does not lower yet.
const NOT_YET: &[&str] = &[
    "event_trigger",
    "range",
    "server",
    "foreign_table",
    "user_mapping",
    "collation",
    "cast",
    "data",
    "event",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum DialectTag {
    Pg,
    My,
    Lt,
}

fn tag(d: Dialect) -> DialectTag {
    match d {
        Dialect::Postgres => DialectTag::Pg,
        Dialect::Mysql(_) => DialectTag::My,
        Dialect::Sqlite => DialectTag::Lt,
    }
}

fn kind_static(kind: &str) -> Option<&'static str> {
    OBJECT_KINDS.iter().map(|(k, _)| *k).find(|k| *k == kind)
}

struct Lowerer<'a> {
    dialect: Dialect,
    decls: Vec<Decl<'a>>,
    vars: HashMap<String, (Option<&'a HclExpr>, Src<'a>)>,
    locals: HashMap<String, (&'a HclExpr, Src<'a>)>,
    cache: HashMap<String, Value>,
    evaluating: HashSet<String>,
    /// Declarations by kind and by label (and name), for reference lookup.
    by_label: HashMap<(&'static str, String), Vec<usize>>,
    realm: Realm,
    source_map: SourceMap,
    diags: Vec<Diagnostic>,
    /// Where each object was declared first, for duplicate reports.
    seen: HashMap<ObjectPath, (String, Span)>,
    /// Triggers and policies for their tables, in order.
    attach: Vec<(String, String, Attached)>,
    /// Lowering one item: how it resolves other items' declarations (looked up once each, and
    /// appended to `decls`), and the places and permission spans it records.
    resolver: Option<&'a dyn Resolver>,
    looked_up: HashMap<(&'static str, String), Vec<usize>>,
    places: Vec<(ObjectPath, Span)>,
    permission_spans: Vec<Span>,
    /// How many of `decls` are the item's own (the rest were looked up).
    own: usize,
    /// How many references were looked up without a resolver.
    lookups: usize,
    /// Declaring one item on its own: the names of every schema of the project (else the
    /// schemas among `decls` are all of them).
    schema_names: Option<&'a [String]>,
}

impl Fragment {
    pub(crate) fn empty(dialect: Dialect) -> Fragment {
        Fragment {
            id: 0,
            realm: Realm::new(dialect),
            places: Arc::default(),
            permissions: Vec::new(),
            attach: Vec::new(),
            diagnostics: Vec::new(),
        }
    }
}

impl<'a> Lowerer<'a> {
    fn new(dialect: Dialect, resolver: Option<&'a dyn Resolver>) -> Lowerer<'a> {
        Lowerer {
            dialect,
            decls: Vec::new(),
            vars: HashMap::new(),
            locals: HashMap::new(),
            cache: HashMap::new(),
            evaluating: HashSet::new(),
            by_label: HashMap::new(),
            realm: Realm::new(dialect),
            source_map: SourceMap::default(),
            diags: Vec::new(),
            seen: HashMap::new(),
            attach: Vec::new(),
            resolver,
            looked_up: HashMap::new(),
            places: Vec::new(),
            permission_spans: Vec::new(),
            own: 0,
            lookups: 0,
            schema_names: None,
        }
    }
}

pub(super) fn lower_files(files: &[&HclFile], dialect: Dialect) -> Compiled {
    let mut l = Lowerer::new(dialect, None);
    l.collect(files);
    l.own = l.decls.len();
    l.lower_all();
    for (schema, table, what) in std::mem::take(&mut l.attach) {
        attach(&mut l.realm, dialect, &schema, &table, what);
    }
    Compiled {
        realm: l.realm,
        source_map: l.source_map,
        diagnostics: l.diags,
        origins: Default::default(),
    }
}

/// Attaches a trigger or policy to its table (created by then unless it was broken).
pub(crate) fn attach(
    realm: &mut Realm,
    dialect: Dialect,
    schema: &str,
    table: &str,
    what: Attached,
) {
    if let Some(t) = realm.schema_or_insert(schema).table_mut(table, dialect) {
        match what {
            Attached::Trigger(x) => t.triggers.push(x),
            Attached::Policy(x) => t.policies.push(x),
        }
    }
}

/// The declarations of one item on its own, as a one-pass lowering of the project declares
/// them: `schemas` are the names of the project's schemas, and references resolve through
/// `resolver` (so the result depends only on what it looked up, not on every other item).
/// Whether declaring it looked up anything but a schema is the resolver's to tell.
pub(super) fn item_symbols<'a>(
    body: &'a cairn_syntax::hcl::parse::BodyAst,
    dialect: Dialect,
    resolver: &'a dyn Resolver,
    schemas: &'a [String],
) -> ItemDecls {
    let mut l = Lowerer::new(dialect, Some(resolver));
    l.schema_names = Some(schemas);
    let src = Src {
        file: "",
        offset: 0,
    };
    for a in &body.attributes {
        l.diags.push(top_level_attribute(src, a));
    }
    let alone = !body
        .blocks
        .iter()
        .any(|b| matches!(b.ident.as_str(), "variable" | "locals"));
    let blocks = body
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| !matches!(b.ident.as_str(), "variable" | "locals"));
    // Schemas first, as `collect` declares them.
    let (first, rest): (Vec<_>, Vec<_>) = blocks.partition(|(_, b)| b.ident == "schema");
    for (index, b) in first.into_iter().chain(rest) {
        l.declare(b, src, index);
    }
    // Declarations of other items that references looked up have no block.
    let decls = l
        .decls
        .iter()
        .filter(|d| d.block.is_some())
        .map(|d| Arc::new(DeclInfo::of(d)))
        .collect();
    ItemDecls {
        decls,
        diagnostics: l.diags,
        alone,
    }
}

/// The schemas one item declares, seeing no other item (what every other item's declaration
/// needs first), and whether that was enough: `false` when declaring them looked anything up.
pub(super) fn schema_symbols(
    body: &cairn_syntax::hcl::parse::BodyAst,
    dialect: Dialect,
) -> (Vec<Arc<DeclInfo>>, bool) {
    let mut l = Lowerer::new(dialect, None);
    let src = Src {
        file: "",
        offset: 0,
    };
    for (index, b) in body.blocks.iter().enumerate() {
        if b.ident == "schema" {
            l.declare(b, src, index);
        }
    }
    let decls = l.decls.iter().map(|d| Arc::new(DeclInfo::of(d))).collect();
    (decls, l.lookups == 0)
}

/// The diagnostic of an attribute at the top level of a file.
fn top_level_attribute(src: Src<'_>, a: &cairn_syntax::hcl::parse::Attr) -> Diagnostic {
    d(
        src,
        a.name_span,
        "E2011",
        format!("unexpected top-level attribute `{}`", a.name),
    )
    .with_help("top-level values belong in a `locals { ... }` block")
}

/// Lowers one item on its own: `decls` are its declarations (from [`Symbols::item`]), `src`
/// where it is (file `""` and offset 0 for a fragment that any place of equal text can use),
/// `seen` the places declared before it (empty for such a fragment).
pub(super) fn lower_item<'a>(
    body: &'a cairn_syntax::hcl::parse::BodyAst,
    decls: &[Arc<DeclInfo>],
    src: Src<'a>,
    dialect: Dialect,
    resolver: &'a dyn Resolver,
    seen: HashMap<ObjectPath, (String, Span)>,
) -> Fragment {
    let mut l = Lowerer::new(dialect, Some(resolver));
    l.seen = seen;
    for d in decls {
        l.decls.push(d.decl(body.blocks.get(d.index), src));
    }
    l.own = l.decls.len();
    l.lower_all();
    Fragment {
        id: NEXT_FRAGMENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        realm: l.realm,
        places: Arc::new(Places::new(l.places)),
        permissions: l.permission_spans,
        attach: l.attach,
        diagnostics: l.diags,
    }
}

fn d(src: Src<'_>, span: Span, code: &str, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, src.file, span.shift(src.offset), msg)
}

fn norm_keyword(s: &str) -> String {
    s.trim().to_ascii_uppercase().replace([' ', '-'], "_")
}

impl<'a> Lowerer<'a> {
    // ----- collection and for_each expansion -----

    fn collect(&mut self, files: &[&'a HclFile]) {
        let mut objects: Vec<(&'a BlockAst, Src<'a>, usize)> = Vec::new();
        for f in files {
            for item in &f.items {
                let Some(body) = &item.body else { continue };
                let src = Src {
                    file: &f.path,
                    offset: item.offset,
                };
                for a in &body.attributes {
                    self.diags.push(top_level_attribute(src, a));
                }
                debug_assert!(item.kind == ItemKind::Block || body.blocks.is_empty());
                for (index, b) in body.blocks.iter().enumerate() {
                    match b.ident.as_str() {
                        "variable" => match b.labels.first() {
                            Some(l) => {
                                self.vars.insert(
                                    l.value.clone(),
                                    (b.attr("default").map(|a| &a.expr), src),
                                );
                            }
                            None => self.diags.push(d(
                                src,
                                b.ident_span,
                                "E2012",
                                "a variable needs a name: `variable \"name\" { ... }`",
                            )),
                        },
                        "locals" => {
                            for a in &b.attributes {
                                self.locals.insert(a.name.clone(), (&a.expr, src));
                            }
                        }
                        _ => objects.push((b, src, index)),
                    }
                }
            }
        }
        // Schemas first: every other object's `schema` attribute resolves against them.
        let (schemas, others): (Vec<_>, Vec<_>) =
            objects.into_iter().partition(|(b, ..)| b.ident == "schema");
        for (b, src, index) in schemas.into_iter().chain(others) {
            self.declare(b, src, index);
        }
    }

    fn declare(&mut self, b: &'a BlockAst, src: Src<'a>, index: usize) {
        let Some(kind) = kind_static(&b.ident).filter(|k| {
            OBJECT_KINDS
                .iter()
                .any(|(n, ds)| n == k && ds.contains(&tag(self.dialect)))
        }) else {
            self.unknown_block(b, src, true);
            return;
        };
        let env = Env {
            src,
            each: None,
            relation: None,
        };
        let instances = match b.attr("for_each") {
            None => vec![None],
            Some(a) => match self.eval(env, &a.expr).items() {
                Some(items) => items.into_iter().map(Some).collect(),
                None => {
                    self.diags.push(d(
                        src,
                        a.expr.span(),
                        "E2013",
                        "`for_each` expects a list, a set or an object",
                    ));
                    return;
                }
            },
        };
        for each in instances {
            let label = b.labels.last().map(|l| l.value.clone());
            let qualifier = (b.labels.len() == 2).then(|| b.labels[0].value.clone());
            let env = Env {
                src,
                each: each.as_ref(),
                relation: None,
            };
            let name = match b.attr("name") {
                Some(a) => self.eval(env, &a.expr).as_text(),
                None => label.clone(),
            };
            let Some(name) = name else {
                self.diags.push(
                    d(
                        src,
                        b.ident_span,
                        "E2012",
                        format!("this `{kind}` block has no name"),
                    )
                    .with_help(format!("write `{kind} \"name\" {{ ... }}`")),
                );
                return;
            };
            let schema = self.decl_schema(kind, b, env, qualifier.as_deref());
            let idx = self.decls.len();
            let label = label.unwrap_or_else(|| name.clone());
            self.by_label
                .entry((kind, label.clone()))
                .or_default()
                .push(idx);
            if name != label {
                self.by_label
                    .entry((kind, name.clone()))
                    .or_default()
                    .push(idx);
            }
            let columns = if matches!(kind, "table" | "view" | "materialized") {
                b.blocks_named("column")
                    .filter_map(|c| c.labels.last().map(|l| l.value.clone()))
                    .collect()
            } else {
                Vec::new()
            };
            self.decls.push(Decl {
                kind,
                block: Some(b),
                src,
                label,
                qualifier,
                name,
                schema,
                each,
                columns,
                index,
            });
        }
    }

    /// The schema of a schema-level object: its `schema` attribute, else the only schema
    /// declared, else the dialect's default schema.
    fn decl_schema(
        &mut self,
        kind: &str,
        b: &'a BlockAst,
        env: Env<'_, 'a>,
        qualifier: Option<&str>,
    ) -> Option<String> {
        if matches!(
            kind,
            "schema" | "role" | "user" | "permission" | "default_privilege" | "trigger" | "policy"
        ) {
            return None;
        }
        if let Some(a) = b.attr("schema") {
            return match self.eval(env, &a.expr) {
                Value::Ref(Ref::Schema(s)) => Some(s),
                Value::Error => None,
                other => {
                    self.diags.push(d(
                        env.src,
                        a.expr.span(),
                        "E2013",
                        format!(
                            "`schema` expects a schema reference such as `schema.public`, not {}",
                            other.kind_name()
                        ),
                    ));
                    None
                }
            };
        }
        if let Some(q) = qualifier {
            return Some(q.to_string());
        }
        let schemas: Vec<&str> = match self.schema_names {
            Some(names) => names.iter().map(String::as_str).collect(),
            None => self
                .decls
                .iter()
                .filter(|d| d.kind == "schema")
                .map(|d| d.name.as_str())
                .collect(),
        };
        if let [only] = schemas.as_slice() {
            return Some(only.to_string());
        }
        if let Some(s) = self.dialect.default_schema() {
            return Some(s.to_string());
        }
        self.diags.push(
            d(
                env.src,
                b.ident_span,
                "E2012",
                format!(
                    "this `{kind}` needs a `schema` attribute: the files declare {} schemas",
                    schemas.len()
                ),
            )
            .with_help("add `schema = schema.<name>`"),
        );
        None
    }

    fn unknown_block(&mut self, b: &BlockAst, src: Src<'a>, top: bool) {
        if top && NOT_YET.contains(&b.ident.as_str()) {
            self.diags.push(Diagnostic::warning(
                "E2019",
                src.file,
                b.ident_span.shift(src.offset),
                format!(
                    "`{}` blocks are not supported yet; this block is ignored",
                    b.ident
                ),
            ));
            return;
        }
        let known: Vec<&str> = OBJECT_KINDS
            .iter()
            .filter(|(_, ds)| ds.contains(&tag(self.dialect)))
            .map(|(k, _)| *k)
            .chain(["variable", "locals"])
            .collect();
        let mut diag = if kind_static(&b.ident).is_some() {
            d(
                src,
                b.ident_span,
                "E2010",
                format!("`{}` blocks do not exist in {}", b.ident, self.dialect),
            )
        } else {
            d(
                src,
                b.ident_span,
                "E2010",
                format!("unknown block type `{}`", b.ident),
            )
        };
        if let Some(s) = did_you_mean(&b.ident, known.iter().copied()) {
            diag = diag
                .with_help(format!("did you mean `{s}`?"))
                .with_suggestion(format!("replace with `{s}`"), s);
        }
        self.diags.push(diag);
    }

    // ----- evaluation -----

    fn eval(&mut self, env: Env<'_, 'a>, e: &HclExpr) -> Value {
        match e {
            HclExpr::Null(_) => Value::Null,
            HclExpr::Bool(b, _) => Value::Bool(*b),
            HclExpr::Number(n, _) => Value::Num(n.clone()),
            HclExpr::String(s, _) => Value::Str(s.clone()),
            HclExpr::Template(parts, _) => {
                let mut out = String::new();
                for p in parts {
                    match p {
                        TemplatePart::Lit(s) => out.push_str(s),
                        TemplatePart::Interp(x) => match self.eval(env, x) {
                            Value::Error => return Value::Error,
                            v => match v.as_text() {
                                Some(s) => out.push_str(&s),
                                None => {
                                    self.diags.push(d(
                                        env.src,
                                        x.span(),
                                        "E2013",
                                        format!(
                                            "cannot interpolate {} into a string",
                                            v.kind_name()
                                        ),
                                    ));
                                    return Value::Error;
                                }
                            },
                        },
                    }
                }
                Value::Str(out)
            }
            HclExpr::List(xs, _) => Value::List(xs.iter().map(|x| self.eval(env, x)).collect()),
            HclExpr::Object(kv, _) => {
                let mut out = Vec::new();
                for (k, v) in kv {
                    let key = match k {
                        cairn_syntax::hcl::parse::ObjKey::Ident(s) => s.clone(),
                        cairn_syntax::hcl::parse::ObjKey::Expr(x) => {
                            match self.eval(env, x).as_text() {
                                Some(s) => s,
                                None => return Value::Error,
                            }
                        }
                    };
                    out.push((key, self.eval(env, v)));
                }
                Value::Map(out)
            }
            HclExpr::Paren(x, _) => self.eval(env, x),
            HclExpr::Call { name, args, span } => {
                let args: Vec<Value> = args.iter().map(|a| self.eval(env, a)).collect();
                if args.contains(&Value::Error) {
                    return Value::Error;
                }
                match eval::call(name, args) {
                    Ok(v) => v,
                    Err(msg) => {
                        let mut diag = d(env.src, *span, "E2018", msg);
                        if !eval::FUNCTIONS.contains(&name.as_str())
                            && let Some(s) = did_you_mean(name, eval::FUNCTIONS.iter().copied())
                        {
                            diag = diag.with_help(format!("did you mean `{s}`?"));
                        }
                        self.diags.push(diag);
                        Value::Error
                    }
                }
            }
            HclExpr::Conditional {
                cond,
                then,
                otherwise,
                ..
            } => match self.eval(env, cond) {
                Value::Bool(true) => self.eval(env, then),
                Value::Bool(false) => self.eval(env, otherwise),
                Value::Error => Value::Error,
                other => {
                    self.diags.push(d(
                        env.src,
                        cond.span(),
                        "E2013",
                        format!("a condition must be a boolean, not {}", other.kind_name()),
                    ));
                    Value::Error
                }
            },
            HclExpr::Unary { op, expr, span } => match (op.as_str(), self.eval(env, expr)) {
                ("!", Value::Bool(b)) => Value::Bool(!b),
                ("-", Value::Num(n)) => Value::Num(match n.strip_prefix('-') {
                    Some(p) => p.to_string(),
                    None => format!("-{n}"),
                }),
                (_, Value::Error) => Value::Error,
                (op, v) => {
                    self.diags.push(d(
                        env.src,
                        *span,
                        "E2013",
                        format!("`{op}` does not apply to {}", v.kind_name()),
                    ));
                    Value::Error
                }
            },
            HclExpr::Binary { op, lhs, rhs, span } => {
                let (l, r) = (self.eval(env, lhs), self.eval(env, rhs));
                self.binary(env, op, l, r, *span)
            }
            HclExpr::For(f, span) => {
                let coll = self.eval(env, &f.collection);
                let Some(items) = coll.items() else {
                    if coll != Value::Error {
                        self.diags.push(d(
                            env.src,
                            *span,
                            "E2013",
                            "a `for` expression iterates a list or an object",
                        ));
                    }
                    return Value::Error;
                };
                let mut list = Vec::new();
                let mut map = Vec::new();
                for (k, v) in items {
                    let mut bound = HashMap::new();
                    if let Some(kv) = &f.key_var {
                        bound.insert(kv.clone(), k.clone());
                    }
                    bound.insert(f.value_var.clone(), v.clone());
                    let keep = match &f.cond {
                        Some(c) => self.eval_bound(env, c, &bound) == Value::Bool(true),
                        None => true,
                    };
                    if !keep {
                        continue;
                    }
                    let val = self.eval_bound(env, &f.value, &bound);
                    match &f.key {
                        Some(kx) => {
                            let key = self
                                .eval_bound(env, kx, &bound)
                                .as_text()
                                .unwrap_or_default();
                            map.push((key, val));
                        }
                        None => list.push(val),
                    }
                }
                if f.key.is_some() {
                    Value::Map(map)
                } else {
                    Value::List(list)
                }
            }
            HclExpr::Traversal { root, steps, span } => self.traverse(env, root, steps, *span),
            HclExpr::Unsupported(text, span) => {
                self.diags.push(d(
                    env.src,
                    *span,
                    "E2013",
                    format!("`{text}` is not supported in schema files"),
                ));
                Value::Error
            }
        }
    }

    /// Evaluates `e` with `for` variables bound, by substituting them as locals of a scope.
    fn eval_bound(
        &mut self,
        env: Env<'_, 'a>,
        e: &HclExpr,
        bound: &HashMap<String, Value>,
    ) -> Value {
        match e {
            HclExpr::Traversal { root, steps, span } if bound.contains_key(root) => {
                let mut v = bound[root].clone();
                for s in steps {
                    let key = match s {
                        Step::Attr(a, _) => Value::Str(a.clone()),
                        Step::Index(x) => self.eval_bound(env, x, bound),
                        Step::Splat(_) => return Value::Error,
                    };
                    v = match v.index(&key) {
                        Some(v) => v,
                        None => {
                            self.diags.push(d(
                                env.src,
                                *span,
                                "E2015",
                                format!(
                                    "`{root}` has no element `{}`",
                                    key.as_text().unwrap_or_default()
                                ),
                            ));
                            return Value::Error;
                        }
                    };
                }
                v
            }
            HclExpr::Template(parts, span) => {
                let mut out = String::new();
                for p in parts {
                    match p {
                        TemplatePart::Lit(s) => out.push_str(s),
                        TemplatePart::Interp(x) => match self.eval_bound(env, x, bound).as_text() {
                            Some(s) => out.push_str(&s),
                            None => {
                                self.diags.push(d(
                                    env.src,
                                    *span,
                                    "E2013",
                                    "cannot interpolate this value into a string",
                                ));
                                return Value::Error;
                            }
                        },
                    }
                }
                Value::Str(out)
            }
            HclExpr::Call { name, args, span } => {
                let args: Vec<Value> = args
                    .iter()
                    .map(|a| self.eval_bound(env, a, bound))
                    .collect();
                match eval::call(name, args) {
                    Ok(v) => v,
                    Err(m) => {
                        self.diags.push(d(env.src, *span, "E2018", m));
                        Value::Error
                    }
                }
            }
            HclExpr::Binary { op, lhs, rhs, span } => {
                let (l, r) = (
                    self.eval_bound(env, lhs, bound),
                    self.eval_bound(env, rhs, bound),
                );
                self.binary(env, op, l, r, *span)
            }
            HclExpr::List(xs, _) => {
                Value::List(xs.iter().map(|x| self.eval_bound(env, x, bound)).collect())
            }
            HclExpr::Paren(x, _) => self.eval_bound(env, x, bound),
            _ => self.eval(env, e),
        }
    }

    fn binary(&mut self, env: Env<'_, 'a>, op: &str, l: Value, r: Value, span: Span) -> Value {
        if l == Value::Error || r == Value::Error {
            return Value::Error;
        }
        let num = |v: &Value| match v {
            Value::Num(n) => n.parse::<f64>().ok(),
            _ => None,
        };
        let fmt = |x: f64| {
            if x.fract() == 0.0 && x.abs() < 1e15 {
                format!("{}", x as i64)
            } else {
                x.to_string()
            }
        };
        let out = match op {
            "==" => Some(Value::Bool(l == r)),
            "!=" => Some(Value::Bool(l != r)),
            "&&" | "||" => match (&l, &r) {
                (Value::Bool(a), Value::Bool(b)) => {
                    Some(Value::Bool(if op == "&&" { *a && *b } else { *a || *b }))
                }
                _ => None,
            },
            _ => match (num(&l), num(&r)) {
                (Some(a), Some(b)) => match op {
                    "+" => Some(Value::Num(fmt(a + b))),
                    "-" => Some(Value::Num(fmt(a - b))),
                    "*" => Some(Value::Num(fmt(a * b))),
                    "/" if b != 0.0 => Some(Value::Num(fmt(a / b))),
                    "%" if b != 0.0 => Some(Value::Num(fmt(a % b))),
                    "<" => Some(Value::Bool(a < b)),
                    ">" => Some(Value::Bool(a > b)),
                    "<=" => Some(Value::Bool(a <= b)),
                    ">=" => Some(Value::Bool(a >= b)),
                    _ => None,
                },
                _ => None,
            },
        };
        out.unwrap_or_else(|| {
            self.diags.push(d(
                env.src,
                span,
                "E2013",
                format!(
                    "`{op}` does not apply to {} and {}",
                    l.kind_name(),
                    r.kind_name()
                ),
            ));
            Value::Error
        })
    }

    fn var(&mut self, env: Env<'_, 'a>, kind: &str, name: &str, span: Span) -> Value {
        let key = format!("{kind}.{name}");
        if let Some(v) = self.cache.get(&key) {
            return v.clone();
        }
        if !self.evaluating.insert(key.clone()) {
            self.diags.push(d(
                env.src,
                span,
                "E2018",
                format!("`{key}` refers to itself"),
            ));
            return Value::Error;
        }
        let value = if kind == "var" {
            match self.vars.get(name).copied() {
                Some((Some(expr), src)) => self.eval(
                    Env {
                        src,
                        each: None,
                        relation: None,
                    },
                    expr,
                ),
                Some((None, _)) => {
                    self.diags.push(
                        d(
                            env.src,
                            span,
                            "E2018",
                            format!("variable `{name}` has no value"),
                        )
                        .with_help("give the variable a `default`"),
                    );
                    Value::Error
                }
                None => {
                    let names: Vec<&str> = self.vars.keys().map(String::as_str).collect();
                    let mut diag = d(env.src, span, "E2018", format!("unknown variable `{name}`"));
                    if let Some(s) = did_you_mean(name, names) {
                        diag = diag.with_help(format!("did you mean `var.{s}`?"));
                    }
                    self.diags.push(diag);
                    Value::Error
                }
            }
        } else {
            match self.locals.get(name).copied() {
                Some((expr, src)) => self.eval(
                    Env {
                        src,
                        each: None,
                        relation: None,
                    },
                    expr,
                ),
                None => {
                    let names: Vec<&str> = self.locals.keys().map(String::as_str).collect();
                    let mut diag = d(env.src, span, "E2018", format!("unknown local `{name}`"));
                    if let Some(s) = did_you_mean(name, names) {
                        diag = diag.with_help(format!("did you mean `local.{s}`?"));
                    }
                    self.diags.push(diag);
                    Value::Error
                }
            }
        };
        self.evaluating.remove(&key);
        self.cache.insert(key, value.clone());
        value
    }

    fn step_key(&mut self, env: Env<'_, 'a>, s: &Step) -> Value {
        match s {
            Step::Attr(a, _) => Value::Str(a.clone()),
            Step::Index(x) => self.eval(env, x),
            Step::Splat(_) => Value::Error,
        }
    }

    fn index_steps(&mut self, env: Env<'_, 'a>, mut v: Value, steps: &[Step], span: Span) -> Value {
        for s in steps {
            let key = self.step_key(env, s);
            v = match v.index(&key) {
                Some(v) => v,
                None => {
                    if v != Value::Error && key != Value::Error {
                        self.diags.push(d(
                            env.src,
                            span,
                            "E2015",
                            format!(
                                "{} has no element `{}`",
                                v.kind_name(),
                                key.as_text().unwrap_or_default()
                            ),
                        ));
                    }
                    return Value::Error;
                }
            };
        }
        v
    }

    fn traverse(&mut self, env: Env<'_, 'a>, root: &str, steps: &[Step], span: Span) -> Value {
        match root {
            "var" | "local" => {
                let Some(Step::Attr(name, _)) = steps.first() else {
                    self.diags.push(d(
                        env.src,
                        span,
                        "E2018",
                        format!("`{root}` needs a name: `{root}.name`"),
                    ));
                    return Value::Error;
                };
                let v = self.var(env, root, name, span);
                self.index_steps(env, v, &steps[1..], span)
            }
            "each" => {
                let Some((k, v)) = env.each else {
                    self.diags.push(d(
                        env.src,
                        span,
                        "E2018",
                        "`each` is only defined inside a block with `for_each`",
                    ));
                    return Value::Error;
                };
                let base = match steps.first() {
                    Some(Step::Attr(a, _)) if a == "key" => k.clone(),
                    Some(Step::Attr(a, _)) if a == "value" => v.clone(),
                    _ => {
                        self.diags.push(d(
                            env.src,
                            span,
                            "E2018",
                            "`each` has `each.key` and `each.value`",
                        ));
                        return Value::Error;
                    }
                };
                self.index_steps(env, base, &steps[1..], span)
            }
            "column" => {
                let Some(rel) = env.relation else {
                    self.diags.push(
                        d(
                            env.src,
                            span,
                            "E2015",
                            "`column.x` names a column of the enclosing table; here there is none",
                        )
                        .with_help("write `table.<name>.column.<column>`"),
                    );
                    return Value::Error;
                };
                self.member(env, rel, root, steps, span)
            }
            _ => match kind_static(root) {
                Some(kind) => self.object_ref(env, kind, steps, span),
                None if steps.is_empty() => Value::Keyword(root.to_string()),
                None => {
                    self.diags.push(d(
                        env.src,
                        span,
                        "E2015",
                        format!("`{root}` is not a kind of object that can be referenced"),
                    ));
                    Value::Error
                }
            },
        }
    }

    /// `table.users`, `table.public.users`, `schema.tenant["a"]`, `enum.status`, ... followed
    /// by optional members (`.column.id`, `.name`).
    fn object_ref(
        &mut self,
        env: Env<'_, 'a>,
        kind: &'static str,
        steps: &[Step],
        span: Span,
    ) -> Value {
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(a, _)) => Some(a.as_str()),
            Some(Step::Index(HclExpr::String(s, _))) => Some(s.as_str()),
            _ => None,
        };
        let Some(first) = attr(0) else {
            self.diags.push(d(
                env.src,
                span,
                "E2015",
                format!("`{kind}` needs a name: `{kind}.name`"),
            ));
            return Value::Error;
        };
        // Qualified: `table.<schema or qualifier>.<label>`.
        if let Some(second) = attr(1) {
            let hits: Vec<usize> = self
                .lookup(kind, second)
                .into_iter()
                .filter(|&i| {
                    let dcl = &self.decls[i];
                    dcl.qualifier.as_deref() == Some(first) || dcl.schema.as_deref() == Some(first)
                })
                .collect();
            if let [i] = hits.as_slice() {
                return self.member(env, *i, kind, &steps[2..], span);
            }
        }
        let mut hits: Vec<usize> = self.lookup(kind, first);
        let mut rest = &steps[1..];
        // `schema.tenant[each.value]`: pick the `for_each` instance.
        if let Some(Step::Index(x)) = rest.first()
            && hits.iter().any(|&i| self.decls[i].each.is_some())
        {
            let key = self.eval(env, x);
            let key = key.as_text();
            hits.retain(|&i| {
                let dcl = &self.decls[i];
                dcl.each
                    .as_ref()
                    .is_some_and(|(k, v)| k.as_text() == key || v.as_text() == key)
                    || Some(&dcl.name) == key.as_ref()
            });
            rest = &rest[1..];
        }
        match hits.as_slice() {
            [i] => self.member(env, *i, kind, rest, span),
            [] => {
                let names: Vec<String> = match self.resolver {
                    Some(r) => r.labels(kind),
                    None => self
                        .by_label
                        .keys()
                        .filter(|(k, _)| *k == kind)
                        .map(|(_, n)| n.clone())
                        .collect(),
                };
                let mut diag = d(
                    env.src,
                    span,
                    "E2015",
                    format!("`{kind}.{first}` does not exist"),
                );
                if let Some(s) = did_you_mean(first, names.iter().map(String::as_str)) {
                    diag = diag.with_help(format!("did you mean `{kind}.{s}`?"));
                }
                self.diags.push(diag);
                Value::Error
            }
            many => {
                let schemas: Vec<String> = many
                    .iter()
                    .filter_map(|&i| self.decls[i].schema.clone())
                    .collect();
                self.diags.push(
                    d(
                        env.src,
                        span,
                        "E2016",
                        format!(
                            "`{kind}.{first}` is ambiguous: it exists in schemas {}",
                            schemas.join(", ")
                        ),
                    )
                    .with_help(format!(
                        "qualify it: `{kind}.{}.{first}`",
                        schemas.first().map_or("<schema>", String::as_str)
                    )),
                );
                Value::Error
            }
        }
    }

    /// The declarations `kind.label` can name, as indexes into `decls`. Lowering one item, a
    /// declaration of another item is looked up through the resolver and appended (an equal
    /// summary among the item's own declarations is that declaration).
    fn lookup(&mut self, kind: &'static str, label: &str) -> Vec<usize> {
        let Some(resolver) = self.resolver else {
            self.lookups += 1;
            return self
                .by_label
                .get(&(kind, label.to_string()))
                .cloned()
                .unwrap_or_default();
        };
        let key = (kind, label.to_string());
        if let Some(hits) = self.looked_up.get(&key) {
            return hits.clone();
        }
        let mut hits = Vec::new();
        for info in resolver.lookup(kind, label) {
            let own = (0..self.own).find(|&i| DeclInfo::of(&self.decls[i]) == *info);
            hits.push(own.unwrap_or_else(|| {
                let src = Src {
                    file: "",
                    offset: 0,
                };
                self.decls.push(info.decl(None, src));
                self.decls.len() - 1
            }));
        }
        self.looked_up.insert(key, hits.clone());
        hits
    }

    fn qname(&self, i: usize) -> QualifiedName {
        let dcl = &self.decls[i];
        QualifiedName {
            schema: dcl.schema.clone(),
            name: dcl.name.clone(),
        }
    }

    /// The reference to declaration `i`, followed by member steps (`.name`, `.column.x`).
    fn member(
        &mut self,
        env: Env<'_, 'a>,
        i: usize,
        root: &str,
        steps: &[Step],
        span: Span,
    ) -> Value {
        if root == "column" {
            return self.column_of(env, i, steps, span);
        }
        let dcl = &self.decls[i];
        let base = match dcl.kind {
            "schema" => Ref::Schema(dcl.name.clone()),
            "table" | "view" | "materialized" => Ref::Relation {
                kind: dcl.kind,
                name: self.qname(i),
            },
            k => Ref::Object {
                kind: k,
                name: self.qname(i),
            },
        };
        match steps {
            [] => Value::Ref(base),
            [Step::Attr(a, _)] if a == "name" => Value::Str(dcl.name.clone()),
            [Step::Attr(a, _), rest @ ..]
                if a == "column" && matches!(dcl.kind, "table" | "view" | "materialized") =>
            {
                self.column_of(env, i, rest, span)
            }
            [Step::Attr(a, _), ..] => {
                self.diags.push(d(
                    env.src,
                    span,
                    "E2015",
                    format!("`{}.{}` has no member `{a}`", dcl.kind, dcl.label),
                ));
                Value::Error
            }
            _ => {
                self.diags.push(d(
                    env.src,
                    span,
                    "E2015",
                    format!("`{}.{}` cannot be indexed", dcl.kind, dcl.label),
                ));
                Value::Error
            }
        }
    }

    /// The column named by `steps[0]` of relation `i`.
    fn column_of(&mut self, env: Env<'_, 'a>, i: usize, steps: &[Step], span: Span) -> Value {
        let name = match steps.first() {
            Some(Step::Attr(a, _)) => a.clone(),
            Some(Step::Index(HclExpr::String(s, _))) => s.clone(),
            _ => {
                self.diags.push(d(
                    env.src,
                    span,
                    "E2015",
                    "a column reference needs a name: `column.id`",
                ));
                return Value::Error;
            }
        };
        let dcl = &self.decls[i];
        let columns: Vec<&str> = dcl.columns.iter().map(String::as_str).collect();
        // A view that declares no columns has the columns of its query, which only a database
        // can tell: any name is taken.
        let open = columns.is_empty() && matches!(dcl.kind, "view" | "materialized");
        if !open && !columns.contains(&name.as_str()) {
            let prefix = if env.relation == Some(i) {
                "column".to_string()
            } else {
                format!("{}.{}.column", dcl.kind, dcl.label)
            };
            let mut diag = d(
                env.src,
                span,
                "E2015",
                format!("`{}.{}` has no column `{name}`", dcl.kind, dcl.label),
            );
            if let Some(s) = did_you_mean(&name, columns.iter().copied()) {
                diag = diag
                    .with_help(format!("did you mean `{prefix}.{s}`?"))
                    .with_suggestion(
                        format!("replace with `{prefix}.{s}`"),
                        format!("{prefix}.{s}"),
                    );
            }
            self.diags.push(diag);
            return Value::Error;
        }
        match &steps[1..] {
            [] => Value::Ref(Ref::Column {
                table: self.qname(i),
                column: name,
            }),
            [Step::Attr(a, _)] if a == "name" => Value::Str(name),
            _ => {
                self.diags.push(d(
                    env.src,
                    span,
                    "E2015",
                    format!("column `{name}` has no such member"),
                ));
                Value::Error
            }
        }
    }
}
