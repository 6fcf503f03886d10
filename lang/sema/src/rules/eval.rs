//! The evaluator of compiled rules. Values borrow the IR (realm objects, plan changes and
//! statements); nothing is copied out of the realms. Evaluation is linear in what the rules
//! iterate: lookups across objects (a foreign key's referenced table, a table's grants, a
//! change's statements) go through indexes built once per evaluation, on first use.
//!
//! Semantics that the checker cannot rule out are total: a field of `null` is `null`, an
//! ordering comparison with `null` is false, arithmetic saturates, and a `null` condition is
//! false. Evaluation never fails and never panics.

use std::cell::{OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use cairn_ir::*;
use cairn_syntax::rules::{BinaryOp, Quantifier};
use cairn_syntax::{Severity, Span};

use super::ir::*;

mod fields;
mod uses;

/// What rules are evaluated over.
#[derive(Clone, Copy, Debug)]
pub struct LintTarget<'a> {
    pub dialect: Dialect,
    /// The current state (the live database, or the state before a migration file); `None`
    /// reads as an empty state.
    pub before: Option<&'a Realm>,
    /// The desired state (or the state after a migration file): what `on schema` rules see.
    pub after: &'a Realm,
    /// The plan from `before` to `after`; `on plan` rules run only when there is one.
    pub plan: Option<&'a Plan>,
    /// The server version (major*10000 + minor*100 + patch), when a live database is known.
    pub server_version: Option<i64>,
    /// Whether `on schema` rules run (over `after`).
    pub schema_rules: bool,
    /// The migration file being linted, when the plan comes from one (`file` in the plan
    /// model); `None` for plans Cairn computes.
    pub file: Option<&'a MigrationFile>,
    /// Report only findings on objects that one file declares (`cairn lint` on a migration
    /// file reports schema findings for what the file itself declares): a finding anchored at
    /// an object declared elsewhere is dropped before its message is rendered. `None`: every
    /// finding.
    pub report_scope: Option<ReportScope<'a>>,
}

/// The objects findings are reported for: those `source_map` places in `file`.
#[derive(Clone, Copy, Debug)]
pub struct ReportScope<'a> {
    pub source_map: &'a crate::SourceMap,
    pub file: &'a str,
}

impl ReportScope<'_> {
    /// Whether a finding at `anchor` is reported: anything but an object, or an object
    /// declared in the file.
    pub fn reports(&self, anchor: &Anchor) -> bool {
        match anchor {
            Anchor::Object { path, .. } => self
                .source_map
                .get(path)
                .is_some_and(|loc| *loc.file == *self.file),
            _ => true,
        }
    }
}

/// A migration file as `on plan` rules see it: its statements as written, with the session
/// settings in force when each runs and the plan changes it brings about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MigrationFile {
    pub path: String,
    /// The file-level directives (`atlas:txmode none`, ...), without the comment marker.
    pub directives: Vec<String>,
    /// The file runs inside one transaction (no `txmode none` directive).
    pub transactional: bool,
    pub statements: Vec<FileStatement>,
    /// For each change of the plan, the index in `statements` of the statement that brings it
    /// about (when one was found).
    pub change_statement: Vec<Option<usize>>,
}

/// One statement of a migration file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileStatement {
    pub sql: String,
    /// The directives in the comment lines right above it.
    pub directives: Vec<String>,
    /// The session settings in force when it runs (`SET [SESSION | LOCAL] name = value` earlier
    /// in the file; MySQL `SET [SESSION] name = value`), as lower-case names and their values in
    /// SQL text, the latest value of each name last.
    pub settings: Vec<(String, String)>,
    /// The plan changes it brings about (indexes into the plan's changes, ascending): the
    /// inverse of [`MigrationFile::change_statement`], kept so a statement's `changes` cost
    /// what they hold, not a scan of every change.
    pub changes: Vec<usize>,
    /// What the statement says that the states around it cannot tell (`facts.rs`), computed
    /// the first time a rule reads one.
    pub facts: std::sync::OnceLock<super::facts::StatementFacts>,
}

impl FileStatement {
    /// The value of the setting `name` in force, if any.
    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl<'a> LintTarget<'a> {
    /// A target for `on schema` rules only.
    pub fn schema(after: &'a Realm) -> LintTarget<'a> {
        LintTarget {
            dialect: after.dialect,
            before: None,
            after,
            plan: None,
            server_version: None,
            schema_rules: true,
            file: None,
            report_scope: None,
        }
    }

    /// A target for `on plan` rules only.
    pub fn plan(before: &'a Realm, after: &'a Realm, plan: &'a Plan) -> LintTarget<'a> {
        LintTarget {
            dialect: after.dialect,
            before: Some(before),
            after,
            plan: Some(plan),
            server_version: None,
            schema_rules: false,
            file: None,
            report_scope: None,
        }
    }
}

/// Which state an object was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Before,
    After,
}

/// What a finding points at; the caller maps it to a span through the source map (objects) or
/// the plan's statement spans (changes, statements).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// Nothing in particular (a rule without bindings): the file, or the whole target.
    None,
    /// A change of the plan, by index into `Plan::changes`.
    Change(usize),
    /// A statement of the plan, by index into `Plan::statements`.
    Statement(usize),
    /// A statement of the migration file being linted, by index into
    /// `MigrationFile::statements`.
    FileStatement(usize),
    /// An object of one of the states.
    Object { side: Side, path: ObjectPath },
}

/// A fix a finding offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub sql: Option<String>,
    pub renamed_from: Option<String>,
}

/// One report of a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub code: Option<String>,
    pub name: String,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub tags: Vec<String>,
    pub anchor: Anchor,
    pub fixes: Vec<Fix>,
    /// The index of the rule in `CompiledRules::rules`.
    pub rule: usize,
    /// Where the rule is declared.
    pub rule_file: String,
    pub rule_span: Span,
}

/// The result of evaluating one file's rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    /// Problems with the inputs (a param override of the wrong type).
    pub errors: Vec<String>,
}

/// Evaluates every rule of `rules` that applies to the target's dialect.
pub fn evaluate(
    rules: &CompiledRules,
    target: &LintTarget<'_>,
    params: &BTreeMap<String, ParamValue>,
) -> Evaluation {
    Evaluator::new(target).evaluate(rules, params)
}

/// Checks param overrides from a project file against every compiled file: names that no file
/// declares, and values of the wrong type. Returns one message per problem.
pub fn check_param_overrides(
    files: &[&CompiledRules],
    params: &BTreeMap<String, ParamValue>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (name, value) in params {
        let decls: Vec<&CompiledParam> = files
            .iter()
            .flat_map(|f| f.params.iter())
            .filter(|p| &p.name == name)
            .collect();
        if decls.is_empty() {
            let all: Vec<&str> = files
                .iter()
                .flat_map(|f| f.params.iter().map(|p| p.name.as_str()))
                .collect();
            let hint = cairn_syntax::diag::did_you_mean(name, all)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            out.push(format!("no rule file declares a param `{name}`{hint}"));
        } else if let Some(p) = decls
            .iter()
            .find(|p| !super::check::assignable(&value.ty(), &p.ty))
        {
            out.push(format!(
                "param `{name}` is {}, not {} ({})",
                p.ty,
                value.ty(),
                p.module
            ));
        }
    }
    out
}

/// A string value: borrowed from the IR or the rules, or computed.
#[derive(Clone, Debug)]
enum S<'a> {
    B(&'a str),
    O(Rc<str>),
}

impl S<'_> {
    fn as_str(&self) -> &str {
        match self {
            S::B(s) => s,
            S::O(s) => s,
        }
    }
}

/// Where an object was read: a state, or the data a change carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sd {
    Before,
    After,
    Change(usize),
}

/// A table as context of a sub-object: the table itself, or only its name (objects carried by
/// a change).
#[derive(Clone, Copy, Debug)]
enum Tc<'a> {
    T(&'a Table),
    N(&'a str),
}

impl<'a> Tc<'a> {
    fn name(&self) -> &'a str {
        match self {
            Tc::T(t) => &t.name,
            Tc::N(n) => n,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Obj<'a> {
    State(Sd),
    Schema(Sd, &'a Schema),
    Table(Sd, &'a str, &'a Table),
    Column(Sd, &'a str, Tc<'a>, &'a Column),
    Type(Sd, &'a str, &'a ColumnType),
    Index(Sd, &'a str, Option<Tc<'a>>, &'a Index),
    IndexPart(&'a IndexPart),
    PrimaryKey(Sd, &'a str, Tc<'a>, &'a PrimaryKey),
    ForeignKey(Sd, &'a str, Tc<'a>, &'a ForeignKey),
    Check(Sd, &'a str, Tc<'a>, &'a cairn_ir::Check),
    View(Sd, &'a str, &'a View, bool),
    Function(Sd, &'a str, &'a Function, bool),
    FunctionArg(&'a FuncArg),
    Trigger(Sd, &'a str, Tc<'a>, &'a Trigger),
    Sequence(Sd, &'a str, &'a Sequence),
    Enum(Sd, &'a str, &'a Enum),
    Domain(Sd, &'a str, &'a Domain),
    Extension(Sd, &'a str, &'a Extension),
    Policy(Sd, &'a str, Tc<'a>, &'a Policy),
    Role(Sd, &'a Role),
    Permission(Sd, &'a Permission),
    Change(usize),
    Changed(usize),
    Statement(usize),
    File,
    FileStatement(usize),
}

#[derive(Clone, Debug)]
enum Value<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Str(S<'a>),
    List(Rc<Vec<Value<'a>>>),
    Obj(Obj<'a>),
}

fn b<'a>(s: &'a str) -> Value<'a> {
    Value::Str(S::B(s))
}

/// A regex given as a value (`regex_match`), compiled once per pattern and thread; `None`
/// when it does not compile.
fn regex_value(pattern: &str) -> Option<regex::Regex> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static CACHE: RefCell<HashMap<String, Option<regex::Regex>>> = RefCell::new(HashMap::new());
    }
    CACHE.with(|c| {
        if let Some(r) = c.borrow().get(pattern) {
            return r.clone();
        }
        let r = regex::Regex::new(pattern).ok();
        c.borrow_mut().insert(pattern.to_string(), r.clone());
        r
    })
}

fn owned<'a>(s: String) -> Value<'a> {
    Value::Str(S::O(Rc::from(s)))
}
fn opt_str(s: &Option<String>) -> Value<'_> {
    s.as_deref().map_or(Value::Null, b)
}
fn opt_int(i: Option<impl Into<i64>>) -> Value<'static> {
    i.map_or(Value::Null, |i| Value::Int(i.into()))
}
fn u64_int(i: Option<u64>) -> Value<'static> {
    i.map_or(Value::Null, |i| Value::Int(i.min(i64::MAX as u64) as i64))
}
fn list<'a>(items: impl IntoIterator<Item = Value<'a>>) -> Value<'a> {
    Value::List(Rc::new(items.into_iter().collect()))
}
fn strs<'a>(items: &'a [String]) -> Value<'a> {
    list(items.iter().map(|s| b(s)))
}
fn obj_or_null(o: Option<Obj<'_>>) -> Value<'_> {
    o.map_or(Value::Null, Value::Obj)
}

fn empty_realm(d: Dialect) -> &'static Realm {
    static EMPTY: [Realm; 4] = [
        empty(Dialect::Postgres),
        empty(Dialect::MYSQL),
        empty(Dialect::MARIADB),
        empty(Dialect::Sqlite),
    ];
    const fn empty(dialect: Dialect) -> Realm {
        Realm {
            dialect,
            schemas: Vec::new(),
            roles: Vec::new(),
            permissions: Vec::new(),
            default_privileges: Vec::new(),
            unsupported: Vec::new(),
        }
    }
    match d {
        Dialect::Postgres => &EMPTY[0],
        Dialect::Mysql(Flavor::Mysql) => &EMPTY[1],
        Dialect::Mysql(Flavor::Mariadb) => &EMPTY[2],
        Dialect::Sqlite => &EMPTY[3],
    }
}

type Key = (String, String);

/// Lookups into one state, built on first use.
#[derive(Default)]
struct SideIx<'a> {
    schemas: HashMap<String, &'a Schema>,
    tables: HashMap<Key, (&'a str, &'a Table)>,
    enums: HashMap<Key, (&'a str, &'a Enum)>,
    functions: HashMap<Key, (&'a str, &'a Function, bool)>,
    roles: HashMap<String, &'a Role>,
    perms_table: HashMap<Key, Vec<&'a Permission>>,
    perms_column: HashMap<(String, String, String), Vec<&'a Permission>>,
    perms_grantee: HashMap<String, Vec<&'a Permission>>,
}

/// Lookups into the plan, built on first use.
struct PlanIx {
    statements_of: Vec<Vec<usize>>,
    new_tables: HashSet<Key>,
}

struct Ev<'a> {
    rules: &'a CompiledRules,
    dialect: Dialect,
    before: &'a Realm,
    after: &'a Realm,
    plan: Option<&'a Plan>,
    file: Option<&'a MigrationFile>,
    server_version: Option<i64>,
    report_scope: Option<ReportScope<'a>>,
    params: Vec<Value<'a>>,
    lets: Vec<Value<'a>>,
    stack: Vec<Value<'a>>,
    /// The lookups and globals of the target, shared by the rule files evaluated over it.
    cache: Rc<Cache<'a>>,
}

/// What evaluation builds from the target alone, on first use: the lookups into both states
/// and the plan, and the globals (`changes`, `tables`, ...). One [`Evaluator`] keeps it for
/// every rule file it evaluates.
#[derive(Default)]
struct Cache<'a> {
    ix_before: OnceCell<SideIx<'a>>,
    ix_after: OnceCell<SideIx<'a>>,
    ix_plan: OnceCell<PlanIx>,
    globals: RefCell<HashMap<(u8, &'static str), Value<'a>>>,
    /// The object lists of `before` and `after` (`after.foreign_keys`...), built once: a rule
    /// that asks for one per change would otherwise walk every table per change.
    /// `[before, after]`.
    states: [RefCell<HashMap<String, Value<'a>>>; 2],
    /// `uses` and `uses_columns` of each view, routine and policy, by the object's address and
    /// whether it is of `before` (see `eval/uses.rs`).
    uses: RefCell<HashMap<(usize, bool), [Value<'a>; 2]>>,
    /// The plan's changes by kind, in plan order: `for c in changes where c is KIND` walks only
    /// its kind's.
    changes_by_kind: OnceCell<HashMap<&'static str, Value<'a>>>,
}

/// Evaluates rule files over one target, building the target's lookups and globals once for
/// all of them (what [`evaluate`] does for one file). Not `Send`: one per thread.
pub struct Evaluator<'a> {
    target: LintTarget<'a>,
    cache: Rc<Cache<'a>>,
}

impl<'a> Evaluator<'a> {
    pub fn new(target: &LintTarget<'a>) -> Evaluator<'a> {
        Evaluator {
            target: *target,
            cache: Rc::new(Cache::default()),
        }
    }

    /// [`evaluate`] over this evaluator's target.
    pub fn evaluate(
        &self,
        rules: &'a CompiledRules,
        params: &BTreeMap<String, ParamValue>,
    ) -> Evaluation {
        let target = &self.target;
        let mut out = Evaluation::default();
        let mut ev = Ev::new(rules, target, params, &mut out.errors, self.cache.clone());
        for (i, rule) in rules.rules.iter().enumerate() {
            if !rule.applies_to(target.dialect) {
                continue;
            }
            let run = match rule.target {
                Target::Schema => target.schema_rules,
                Target::Plan => target.plan.is_some(),
            };
            if run {
                ev.run_rule(i, rule, &mut out.findings);
            }
        }
        out
    }
}

fn param_value<'a>(v: &ParamValue) -> Value<'a> {
    match v {
        ParamValue::Bool(x) => Value::Bool(*x),
        ParamValue::Int(i) => Value::Int(*i),
        ParamValue::Str(s) => owned(s.clone()),
        ParamValue::List(xs) => list(xs.iter().map(param_value)),
    }
}

impl<'a> Ev<'a> {
    fn new(
        rules: &'a CompiledRules,
        target: &LintTarget<'a>,
        overrides: &BTreeMap<String, ParamValue>,
        errors: &mut Vec<String>,
        cache: Rc<Cache<'a>>,
    ) -> Ev<'a> {
        let params = rules
            .params
            .iter()
            .map(|p| match overrides.get(&p.name) {
                Some(v) if super::check::assignable(&v.ty(), &p.ty) => param_value(v),
                Some(v) => {
                    errors.push(format!(
                        "param `{}` of {} is {}, not {}: using its default",
                        p.name,
                        p.module,
                        p.ty,
                        v.ty()
                    ));
                    param_value(&p.default)
                }
                None => param_value(&p.default),
            })
            .collect();
        let mut ev = Ev {
            rules,
            dialect: target.dialect,
            before: target.before.unwrap_or_else(|| empty_realm(target.dialect)),
            after: target.after,
            plan: target.plan,
            file: target.file,
            server_version: target.server_version,
            report_scope: target.report_scope,
            params,
            lets: vec![Value::Null; rules.lets.len()],
            stack: Vec::new(),
            cache,
        };
        for &i in &rules.let_order {
            if let Some(l) = rules.lets.get(i) {
                ev.stack.clear();
                ev.stack.resize(l.slots, Value::Null);
                let v = ev.eval(&l.value, 0, Target::Schema);
                ev.lets[i] = v;
            }
        }
        ev
    }

    fn key(&self, s: &str) -> String {
        self.dialect.ident_key(s).into_owned()
    }

    fn realm(&self, sd: Sd) -> &'a Realm {
        match sd {
            Sd::Before => self.before,
            Sd::After | Sd::Change(_) => self.after,
        }
    }

    fn ix(&self, before: bool) -> &SideIx<'a> {
        let (cell, realm) = if before {
            (&self.cache.ix_before, self.before)
        } else {
            (&self.cache.ix_after, self.after)
        };
        cell.get_or_init(|| self.build_ix(realm))
    }

    fn build_ix(&self, realm: &'a Realm) -> SideIx<'a> {
        let mut ix = SideIx::default();
        let default_schema = self.dialect.default_schema().unwrap_or("");
        for s in &realm.schemas {
            ix.schemas.insert(self.key(&s.name), s);
            for t in &s.tables {
                ix.tables
                    .insert((self.key(&s.name), self.key(&t.name)), (&s.name, t));
            }
            for e in &s.enums {
                ix.enums
                    .insert((self.key(&s.name), self.key(&e.name)), (&s.name, e));
            }
            for f in &s.functions {
                ix.functions
                    .insert((self.key(&s.name), self.key(&f.name)), (&s.name, f, false));
            }
            for f in &s.procedures {
                ix.functions
                    .insert((self.key(&s.name), self.key(&f.name)), (&s.name, f, true));
            }
        }
        for r in &realm.roles {
            ix.roles.insert(r.name.clone(), r);
        }
        let only_schema = match realm.schemas.as_slice() {
            [s] => s.name.as_str(),
            _ => default_schema,
        };
        for p in &realm.permissions {
            ix.perms_grantee
                .entry(p.grantee.clone())
                .or_default()
                .push(p);
            match &p.object {
                GrantObject::Table(q) => {
                    let k = (
                        self.key(q.schema.as_deref().unwrap_or(only_schema)),
                        self.key(&q.name),
                    );
                    ix.perms_table.entry(k).or_default().push(p);
                }
                GrantObject::Columns(q, cols) => {
                    let s = self.key(q.schema.as_deref().unwrap_or(only_schema));
                    let t = self.key(&q.name);
                    ix.perms_table
                        .entry((s.clone(), t.clone()))
                        .or_default()
                        .push(p);
                    for c in cols {
                        ix.perms_column
                            .entry((s.clone(), t.clone(), self.key(c)))
                            .or_default()
                            .push(p);
                    }
                }
                _ => {}
            }
        }
        ix
    }

    fn plan_ix(&self) -> &PlanIx {
        self.cache.ix_plan.get_or_init(|| {
            let plan = self.plan;
            let n = plan.map_or(0, |p| p.changes.len());
            let mut statements_of = vec![Vec::new(); n];
            let mut new_tables = HashSet::new();
            if let Some(p) = plan {
                for (si, s) in p.statements.iter().enumerate() {
                    for &ci in &s.changes {
                        if let Some(v) = statements_of.get_mut(ci) {
                            v.push(si);
                        }
                    }
                }
                for c in &p.changes {
                    if let Change::AddTable { table, .. } = c {
                        new_tables.insert((self.key(&table.schema), self.key(&table.name)));
                    }
                }
            }
            PlanIx {
                statements_of,
                new_tables,
            }
        })
    }

    /// Finds a table in a side (a change's objects look in the current state, then the
    /// desired one).
    fn table(&self, sd: Sd, schema: &str, name: &str) -> Option<Obj<'a>> {
        let k = (self.key(schema), self.key(name));
        let find = |before: bool| {
            self.ix(before)
                .tables
                .get(&k)
                .map(|&(s, t)| Obj::Table(if before { Sd::Before } else { Sd::After }, s, t))
        };
        match sd {
            Sd::Before => find(true),
            Sd::After => find(false),
            Sd::Change(_) => find(true).or_else(|| find(false)),
        }
    }

    fn schema(&self, sd: Sd, name: &str) -> Option<Obj<'a>> {
        let k = self.key(name);
        let find = |before: bool| {
            self.ix(before)
                .schemas
                .get(&k)
                .map(|s| Obj::Schema(if before { Sd::Before } else { Sd::After }, s))
        };
        match sd {
            Sd::Before => find(true),
            Sd::After => find(false),
            Sd::Change(_) => find(true).or_else(|| find(false)),
        }
    }

    fn side_is_before(sd: Sd) -> bool {
        matches!(sd, Sd::Before | Sd::Change(_))
    }

    fn table_of(&self, sd: Sd, schema: &'a str, tc: Tc<'a>) -> Option<Obj<'a>> {
        match tc {
            Tc::T(t) => Some(Obj::Table(sd, schema, t)),
            Tc::N(n) => self.table(sd, schema, n),
        }
    }

    fn table_ref(&self, sd: Sd, schema: &'a str, tc: Tc<'a>) -> Option<&'a Table> {
        match self.table_of(sd, schema, tc)? {
            Obj::Table(_, _, t) => Some(t),
            _ => None,
        }
    }

    fn run_rule(&mut self, index: usize, rule: &'a CompiledRule, out: &mut Vec<Finding>) {
        self.stack.clear();
        self.stack.resize(rule.slots, Value::Null);
        self.steps(index, rule, 0, out);
    }

    fn steps(&mut self, index: usize, rule: &'a CompiledRule, k: usize, out: &mut Vec<Finding>) {
        let Some(step) = rule.steps.get(k) else {
            self.verdict(index, rule, out);
            return;
        };
        match step {
            Step::For { slot, iter } => {
                // `for c in changes where c is KIND [and ...]`: the changes of that kind only
                // (the others would fail the `where`), the kind test skipped.
                if let Some((kind, rest)) = kind_filter(rule, k, *slot, iter) {
                    let Value::List(items) = self.changes_of_kind(kind) else {
                        return;
                    };
                    for item in items.iter() {
                        self.stack[*slot] = item.clone();
                        if rest.is_none_or(|c| truthy(&self.eval(c, 0, rule.target))) {
                            self.steps(index, rule, k + 2, out);
                        }
                    }
                    return;
                }
                let items = self.eval(iter, 0, rule.target);
                if let Value::List(items) = items {
                    for item in items.iter() {
                        self.stack[*slot] = item.clone();
                        self.steps(index, rule, k + 1, out);
                    }
                }
            }
            Step::Where(c) => {
                if truthy(&self.eval(c, 0, rule.target)) {
                    self.steps(index, rule, k + 1, out);
                }
            }
        }
    }

    fn verdict(&mut self, index: usize, rule: &'a CompiledRule, out: &mut Vec<Finding>) {
        let t = rule.target;
        let fire = match &rule.verdict {
            Verdict::Require(c) => !truthy(&self.eval(c, 0, t)),
            Verdict::Deny(None) => true,
            Verdict::Deny(Some(c)) => truthy(&self.eval(c, 0, t)),
        };
        if !fire {
            return;
        }
        // The anchor first: a finding outside the report scope is dropped before its message
        // is rendered (evaluation is pure, so the order does not change what is reported).
        let anchor = match &rule.at {
            Some(at) => {
                let v = self.eval(at, 0, t);
                self.anchor(&v)
            }
            None => Anchor::None,
        };
        let anchor = if anchor == Anchor::None {
            self.default_anchor(rule)
        } else {
            anchor
        };
        if self.report_scope.is_some_and(|s| !s.reports(&anchor)) {
            return;
        }
        let message = match &rule.message {
            Some(m) => self.render_expr(m, t),
            None => rule
                .doc
                .as_ref()
                .map(|d| d.summary.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| rule.name.replace('-', " ")),
        };
        let help = rule.help.as_ref().map(|h| self.render_expr(h, t));
        let fixes = rule
            .suggestions
            .iter()
            .map(|s| Fix {
                title: self.render_expr(&s.title, t),
                sql: s.sql.as_ref().map(|x| self.render_expr(x, t)),
                renamed_from: s.renamed_from.as_ref().map(|x| self.render_expr(x, t)),
            })
            .collect();
        out.push(Finding {
            code: rule.code.clone(),
            name: rule.name.clone(),
            severity: rule.severity,
            message,
            help,
            tags: rule.tags.clone(),
            anchor,
            fixes,
            rule: index,
            rule_file: rule.file.clone(),
            rule_span: rule.span,
        });
    }

    /// The changes of the plan of one kind, in plan order (an empty list without a plan).
    fn changes_of_kind(&self, kind: &str) -> Value<'a> {
        let by_kind = self.cache.changes_by_kind.get_or_init(|| {
            let mut by_kind: HashMap<&'static str, Vec<Value<'a>>> = HashMap::new();
            for (i, c) in self
                .plan
                .into_iter()
                .flat_map(|p| p.changes.iter())
                .enumerate()
            {
                by_kind
                    .entry(c.kind())
                    .or_default()
                    .push(Value::Obj(Obj::Change(i)));
            }
            by_kind
                .into_iter()
                .map(|(k, v)| (k, Value::List(Rc::new(v))))
                .collect()
        });
        by_kind
            .get(kind)
            .cloned()
            .unwrap_or_else(|| Value::List(Rc::new(Vec::new())))
    }

    /// The innermost bound variable that can be pointed at.
    fn default_anchor(&self, rule: &CompiledRule) -> Anchor {
        for step in rule.steps.iter().rev() {
            if let Step::For { slot, .. } = step {
                let a = self.anchor(&self.stack[*slot]);
                if a != Anchor::None {
                    return a;
                }
            }
        }
        Anchor::None
    }

    fn anchor(&self, v: &Value<'a>) -> Anchor {
        let Value::Obj(o) = v else {
            return Anchor::None;
        };
        let obj_sd = |sd: Sd, path: ObjectPath| match sd {
            Sd::Before => Anchor::Object {
                side: Side::Before,
                path,
            },
            Sd::After => Anchor::Object {
                side: Side::After,
                path,
            },
            Sd::Change(i) => Anchor::Change(i),
        };
        let o = *o;
        let st = |s: &str| s.to_string();
        match o {
            Obj::Change(i) | Obj::Changed(i) => Anchor::Change(i),
            Obj::Statement(i) => Anchor::Statement(i),
            Obj::FileStatement(i) => Anchor::FileStatement(i),
            Obj::Schema(sd, s) => obj_sd(sd, ObjectPath::Schema(st(&s.name))),
            Obj::Table(sd, s, t) => obj_sd(sd, ObjectPath::Table(st(s), st(&t.name))),
            Obj::Column(sd, s, tc, c) => {
                obj_sd(sd, ObjectPath::Column(st(s), st(tc.name()), st(&c.name)))
            }
            Obj::Index(sd, s, Some(tc), i) => {
                obj_sd(sd, ObjectPath::Index(st(s), st(tc.name()), st(&i.name)))
            }
            Obj::PrimaryKey(sd, s, tc, _) => {
                obj_sd(sd, ObjectPath::PrimaryKey(st(s), st(tc.name())))
            }
            Obj::ForeignKey(sd, s, tc, fk) => obj_sd(
                sd,
                ObjectPath::ForeignKey(
                    st(s),
                    st(tc.name()),
                    self.fk_name(sd, s, tc, fk).unwrap_or_default(),
                ),
            ),
            Obj::Check(sd, s, tc, c) => obj_sd(
                sd,
                ObjectPath::Check(st(s), st(tc.name()), c.name.clone().unwrap_or_default()),
            ),
            Obj::Trigger(sd, s, tc, t) => {
                obj_sd(sd, ObjectPath::Trigger(st(s), st(tc.name()), st(&t.name)))
            }
            Obj::Policy(sd, s, tc, p) => {
                obj_sd(sd, ObjectPath::Policy(st(s), st(tc.name()), st(&p.name)))
            }
            Obj::View(sd, s, v, false) => obj_sd(sd, ObjectPath::View(st(s), st(&v.name))),
            Obj::View(sd, s, v, true) => {
                obj_sd(sd, ObjectPath::MaterializedView(st(s), st(&v.name)))
            }
            Obj::Function(sd, s, f, false) => obj_sd(sd, ObjectPath::Function(st(s), st(&f.name))),
            Obj::Function(sd, s, f, true) => obj_sd(sd, ObjectPath::Procedure(st(s), st(&f.name))),
            Obj::Sequence(sd, s, x) => obj_sd(sd, ObjectPath::Sequence(st(s), st(&x.name))),
            Obj::Enum(sd, s, x) => obj_sd(sd, ObjectPath::Enum(st(s), st(&x.name))),
            Obj::Domain(sd, s, x) => obj_sd(sd, ObjectPath::Domain(st(s), st(&x.name))),
            Obj::Extension(sd, s, x) => obj_sd(sd, ObjectPath::Extension(st(s), st(&x.name))),
            Obj::Role(sd, r) => obj_sd(sd, ObjectPath::Role(st(&r.name))),
            Obj::Permission(sd, p) => {
                let realm = self.realm(sd);
                match realm.permissions.iter().position(|x| std::ptr::eq(x, p)) {
                    Some(i) => obj_sd(sd, ObjectPath::Permission(i)),
                    None => match sd {
                        Sd::Change(i) => Anchor::Change(i),
                        _ => Anchor::None,
                    },
                }
            }
            Obj::State(_)
            | Obj::File
            | Obj::Type(..)
            | Obj::Index(_, _, None, _)
            | Obj::IndexPart(_)
            | Obj::FunctionArg(_) => Anchor::None,
        }
    }

    fn render_expr(&mut self, e: &'a CExpr, t: Target) -> String {
        let v = self.eval(e, 0, t);
        let mut s = String::new();
        self.render(&v, &mut s);
        s
    }

    fn render(&self, v: &Value<'a>, out: &mut String) {
        match v {
            Value::Null => out.push_str("null"),
            Value::Bool(x) => out.push_str(if *x { "true" } else { "false" }),
            Value::Int(i) => out.push_str(&i.to_string()),
            Value::Str(s) => out.push_str(s.as_str()),
            Value::List(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.render(x, out);
                }
            }
            Value::Obj(o) => out.push_str(&self.display(*o)),
        }
    }

    /// How an object reads in a message.
    fn display(&self, o: Obj<'a>) -> String {
        let plan = self.plan;
        match o {
            Obj::State(Sd::Before) => "the current state".into(),
            Obj::State(_) => "the desired state".into(),
            Obj::Schema(_, s) => s.name.clone(),
            Obj::Table(_, s, t) => qual(s, &t.name),
            Obj::Column(_, _, tc, c) => format!("{}.{}", tc.name(), c.name),
            Obj::Type(_, _, t) => t.sql(),
            Obj::Index(_, _, _, i) => i.name.clone(),
            Obj::IndexPart(p) => match &p.key {
                IndexKey::Column(c) => c.clone(),
                IndexKey::Expr(e) => e.0.clone(),
            },
            Obj::PrimaryKey(_, _, tc, pk) => pk
                .name
                .clone()
                .unwrap_or_else(|| format!("primary key of {}", tc.name())),
            Obj::ForeignKey(sd, s, tc, fk) => self
                .fk_name(sd, s, tc, fk)
                .unwrap_or_else(|| format!("{}({})", tc.name(), fk.columns.join(", "))),
            Obj::Check(_, _, tc, c) => c
                .name
                .clone()
                .unwrap_or_else(|| format!("check on {}", tc.name())),
            Obj::View(_, s, v, _) => qual(s, &v.name),
            Obj::Function(_, s, f, _) => qual(s, &f.name),
            Obj::FunctionArg(a) => a.name.clone().unwrap_or_else(|| a.ty.clone()),
            Obj::Trigger(_, _, _, t) => t.name.clone(),
            Obj::Sequence(_, s, x) => qual(s, &x.name),
            Obj::Enum(_, s, x) => qual(s, &x.name),
            Obj::Domain(_, s, x) => qual(s, &x.name),
            Obj::Extension(_, _, x) => x.name.clone(),
            Obj::Policy(_, _, _, p) => p.name.clone(),
            Obj::Role(_, r) => r.name.clone(),
            Obj::Permission(_, p) => format!(
                "{} to {}",
                p.privileges
                    .iter()
                    .map(|x| x.sql())
                    .collect::<Vec<_>>()
                    .join(", "),
                p.grantee
            ),
            Obj::Change(i) | Obj::Changed(i) => plan
                .and_then(|p| p.changes.get(i))
                .map(|c| c.summary())
                .unwrap_or_default(),
            Obj::Statement(i) => plan
                .and_then(|p| p.statements.get(i))
                .map(|s| s.sql.clone())
                .unwrap_or_default(),
            Obj::File => self.file.map(|f| f.path.clone()).unwrap_or_default(),
            Obj::FileStatement(i) => self
                .file
                .and_then(|f| f.statements.get(i))
                .map(|s| s.sql.clone())
                .unwrap_or_default(),
        }
    }

    fn fk_name(&self, sd: Sd, schema: &'a str, tc: Tc<'a>, fk: &ForeignKey) -> Option<String> {
        if let Some(n) = &fk.name {
            return Some(n.clone());
        }
        let ordinal = match self.table_ref(sd, schema, tc) {
            Some(t) => {
                t.foreign_keys
                    .iter()
                    .filter(|f| f.name.is_none())
                    .position(|f| std::ptr::eq(f, fk))
                    .unwrap_or(0)
                    + 1
            }
            None => 1,
        };
        let cols: Vec<&str> = fk.columns.iter().map(String::as_str).collect();
        self.dialect
            .implicit_foreign_key_name(tc.name(), &cols, ordinal)
    }

    fn global(&self, name: &'static str, target: Target) -> Value<'a> {
        match name {
            "dialect" => return b(self.dialect.name()),
            "server_version" => return opt_int(self.server_version),
            "before" => return Value::Obj(Obj::State(Sd::Before)),
            "after" => return Value::Obj(Obj::State(Sd::After)),
            "file" => return self.file.map_or(Value::Null, |_| Value::Obj(Obj::File)),
            _ => {}
        }
        let key = (u8::from(target == Target::Plan), name);
        if let Some(v) = self.cache.globals.borrow().get(&key) {
            return v.clone();
        }
        let v = match name {
            "changes" => list(
                (0..self.plan.map_or(0, |p| p.changes.len())).map(|i| Value::Obj(Obj::Change(i))),
            ),
            "statements" => list(
                (0..self.plan.map_or(0, |p| p.statements.len()))
                    .map(|i| Value::Obj(Obj::Statement(i))),
            ),
            _ => self.state_field(Sd::After, name),
        };
        self.cache.globals.borrow_mut().insert(key, v.clone());
        v
    }

    /// [`Ev::state_field`] of `before` or `after`, built once per target.
    fn state_field_cached(&self, sd: Sd, name: &str) -> Value<'a> {
        let memo = match sd {
            Sd::Before => &self.cache.states[0],
            Sd::After => &self.cache.states[1],
            Sd::Change(_) => return self.state_field(sd, name),
        };
        if let Some(v) = memo.borrow().get(name) {
            return v.clone();
        }
        let v = self.state_field(sd, name);
        if matches!(v, Value::List(_)) {
            memo.borrow_mut().insert(name.to_string(), v.clone());
        }
        v
    }

    /// The globals of a state: every object of a kind, across schemas.
    fn state_field(&self, sd: Sd, name: &str) -> Value<'a> {
        let realm = self.realm(sd);
        let schemas = realm.schemas.iter();
        let tables = || {
            realm
                .schemas
                .iter()
                .flat_map(|s| s.tables.iter().map(move |t| (s.name.as_str(), t)))
        };
        match name {
            "schemas" => list(schemas.map(|s| Value::Obj(Obj::Schema(sd, s)))),
            "tables" => list(tables().map(|(s, t)| Value::Obj(Obj::Table(sd, s, t)))),
            "columns" => list(tables().flat_map(|(s, t)| {
                t.columns
                    .iter()
                    .map(move |c| Value::Obj(Obj::Column(sd, s, Tc::T(t), c)))
            })),
            "indexes" => list(tables().flat_map(|(s, t)| {
                t.indexes
                    .iter()
                    .map(move |i| Value::Obj(Obj::Index(sd, s, Some(Tc::T(t)), i)))
            })),
            "foreign_keys" => list(tables().flat_map(|(s, t)| {
                t.foreign_keys
                    .iter()
                    .map(move |f| Value::Obj(Obj::ForeignKey(sd, s, Tc::T(t), f)))
            })),
            "checks" => list(tables().flat_map(|(s, t)| {
                t.checks
                    .iter()
                    .map(move |c| Value::Obj(Obj::Check(sd, s, Tc::T(t), c)))
            })),
            "triggers" => list(tables().flat_map(|(s, t)| {
                t.triggers
                    .iter()
                    .map(move |x| Value::Obj(Obj::Trigger(sd, s, Tc::T(t), x)))
            })),
            "policies" => list(tables().flat_map(|(s, t)| {
                t.policies
                    .iter()
                    .map(move |x| Value::Obj(Obj::Policy(sd, s, Tc::T(t), x)))
            })),
            "views" => list(schemas.flat_map(|s| {
                s.views
                    .iter()
                    .map(move |v| Value::Obj(Obj::View(sd, &s.name, v, false)))
            })),
            "materialized_views" => list(schemas.flat_map(|s| {
                s.materialized_views
                    .iter()
                    .map(move |v| Value::Obj(Obj::View(sd, &s.name, v, true)))
            })),
            "functions" => list(schemas.flat_map(|s| {
                s.functions
                    .iter()
                    .map(move |f| Value::Obj(Obj::Function(sd, &s.name, f, false)))
            })),
            "procedures" => list(schemas.flat_map(|s| {
                s.procedures
                    .iter()
                    .map(move |f| Value::Obj(Obj::Function(sd, &s.name, f, true)))
            })),
            "sequences" => list(schemas.flat_map(|s| {
                s.sequences
                    .iter()
                    .map(move |x| Value::Obj(Obj::Sequence(sd, &s.name, x)))
            })),
            "enums" => list(schemas.flat_map(|s| {
                s.enums
                    .iter()
                    .map(move |x| Value::Obj(Obj::Enum(sd, &s.name, x)))
            })),
            "domains" => list(schemas.flat_map(|s| {
                s.domains
                    .iter()
                    .map(move |x| Value::Obj(Obj::Domain(sd, &s.name, x)))
            })),
            "extensions" => list(schemas.flat_map(|s| {
                s.extensions
                    .iter()
                    .map(move |x| Value::Obj(Obj::Extension(sd, &s.name, x)))
            })),
            "roles" => list(realm.roles.iter().map(|r| Value::Obj(Obj::Role(sd, r)))),
            "permissions" => list(
                realm
                    .permissions
                    .iter()
                    .map(|p| Value::Obj(Obj::Permission(sd, p))),
            ),
            "dialect" => b(self.dialect.name()),
            "server_version" => opt_int(self.server_version),
            _ => Value::Null,
        }
    }

    fn eval(&mut self, e: &'a CExpr, base: usize, t: Target) -> Value<'a> {
        match &e.kind {
            CExprKind::Null => Value::Null,
            CExprKind::Bool(x) => Value::Bool(*x),
            CExprKind::Int(i) => Value::Int(*i),
            CExprKind::Str(s) => b(s),
            CExprKind::Template(parts) => {
                let mut out = String::new();
                for p in parts {
                    match p {
                        CPart::Text(s) => out.push_str(s),
                        CPart::Hole(h) => {
                            let v = self.eval(h, base, t);
                            self.render(&v, &mut out);
                        }
                    }
                }
                owned(out)
            }
            CExprKind::List(xs) => {
                let items: Vec<Value<'a>> = xs.iter().map(|x| self.eval(x, base, t)).collect();
                Value::List(Rc::new(items))
            }
            CExprKind::Local(slot) => self.stack.get(base + slot).cloned().unwrap_or(Value::Null),
            CExprKind::Param(i) => self.params.get(*i).cloned().unwrap_or(Value::Null),
            CExprKind::Let(i) => self.lets.get(*i).cloned().unwrap_or(Value::Null),
            CExprKind::Global(Global::Scope(name)) => self.global(name, t),
            CExprKind::Field(x, name) => match self.eval(x, base, t) {
                Value::Obj(o) => self.field(o, name),
                _ => Value::Null,
            },
            CExprKind::Builtin(bi, args) => {
                let vals: Vec<Value<'a>> = args.iter().map(|a| self.eval(a, base, t)).collect();
                self.builtin(*bi, &vals)
            }
            CExprKind::CallPredicate(p, args) => {
                let Some(pred) = self.rules.predicates.get(*p) else {
                    return Value::Null;
                };
                let vals: Vec<Value<'a>> = args.iter().map(|a| self.eval(a, base, t)).collect();
                let new_base = self.stack.len();
                self.stack.extend(vals);
                self.stack
                    .resize(new_base + pred.slots.max(args.len()), Value::Null);
                let v = self.eval(&pred.body, new_base, t);
                self.stack.truncate(new_base);
                v
            }
            CExprKind::Quantifier {
                kind,
                slot,
                iter,
                body,
            } => {
                let items = match self.eval(iter, base, t) {
                    Value::List(xs) => xs,
                    _ => Rc::new(Vec::new()),
                };
                let at = base + slot;
                if self.stack.len() <= at {
                    self.stack.resize(at + 1, Value::Null);
                }
                let saved = self.stack[at].clone();
                let mut count = 0i64;
                let mut found = Value::Null;
                let mut result = match kind {
                    Quantifier::Any => false,
                    Quantifier::All => true,
                    Quantifier::Count | Quantifier::First => false,
                };
                for item in items.iter() {
                    self.stack[at] = item.clone();
                    let ok = truthy(&self.eval(body, base, t));
                    match kind {
                        Quantifier::First if ok => {
                            found = item.clone();
                            break;
                        }
                        Quantifier::Any if ok => {
                            result = true;
                            break;
                        }
                        Quantifier::All if !ok => {
                            result = false;
                            break;
                        }
                        Quantifier::Count if ok => count += 1,
                        _ => {}
                    }
                }
                self.stack[at] = saved;
                match kind {
                    Quantifier::Count => Value::Int(count),
                    Quantifier::First => found,
                    _ => Value::Bool(result),
                }
            }
            CExprKind::Not(x) => Value::Bool(!truthy(&self.eval(x, base, t))),
            CExprKind::Neg(x) => match self.eval(x, base, t) {
                Value::Int(i) => Value::Int(i.saturating_neg()),
                _ => Value::Null,
            },
            CExprKind::Binary(op, l, r) => self.binary(*op, l, r, base, t),
            CExprKind::IsKind {
                expr,
                kind,
                negated,
            } => {
                let is = match self.eval(expr, base, t) {
                    Value::Obj(Obj::Change(i)) => self
                        .plan
                        .and_then(|p| p.changes.get(i))
                        .is_some_and(|c| c.kind() == *kind),
                    _ => false,
                };
                Value::Bool(is != *negated)
            }
            CExprKind::IsNull { expr, negated } => {
                let is = matches!(self.eval(expr, base, t), Value::Null);
                Value::Bool(is != *negated)
            }
            CExprKind::Matches(x, re) => match self.eval(x, base, t) {
                Value::Str(s) => Value::Bool(re.0.is_match(s.as_str())),
                _ => Value::Bool(false),
            },
            CExprKind::Cond(c, a, o) => {
                if truthy(&self.eval(c, base, t)) {
                    self.eval(a, base, t)
                } else {
                    self.eval(o, base, t)
                }
            }
        }
    }

    fn builtin(&self, bi: Builtin, vals: &[Value<'a>]) -> Value<'a> {
        let first = vals.first().cloned().unwrap_or(Value::Null);
        match bi {
            Builtin::Len => match first {
                Value::Str(s) => Value::Int(s.as_str().chars().count() as i64),
                Value::List(xs) => Value::Int(xs.len() as i64),
                _ => Value::Null,
            },
            Builtin::Lower => match first {
                Value::Str(s) => owned(s.as_str().to_lowercase()),
                _ => Value::Null,
            },
            Builtin::Upper => match first {
                Value::Str(s) => owned(s.as_str().to_uppercase()),
                _ => Value::Null,
            },
            Builtin::RegexMatch => match (&first, vals.get(1)) {
                (Value::Str(s), Some(Value::Str(p))) => regex_value(p.as_str())
                    .map_or(Value::Null, |r| Value::Bool(r.is_match(s.as_str()))),
                _ => Value::Bool(false),
            },
            Builtin::Mentions => match (&first, vals.get(1)) {
                (Value::Str(s), Some(Value::Str(n))) => {
                    Value::Bool(mentions(s.as_str(), n.as_str()))
                }
                _ => Value::Bool(false),
            },
            Builtin::SubstringBefore | Builtin::SubstringAfter => match (&first, vals.get(1)) {
                (Value::Str(s), Some(Value::Str(sep))) => s
                    .as_str()
                    .split_once(sep.as_str())
                    .map_or(Value::Null, |(a, z)| {
                        owned(if bi == Builtin::SubstringBefore { a } else { z }.to_string())
                    }),
                _ => Value::Null,
            },
            Builtin::VersionMatches => match (&first, vals.get(1)) {
                (Value::Str(v), Some(Value::Str(c))) => {
                    crate::rules::version::version_matches(Some(v.as_str()), c.as_str())
                        .map_or(Value::Null, Value::Bool)
                }
                (Value::Null, Some(Value::Str(c))) => {
                    crate::rules::version::version_matches(None, c.as_str())
                        .map_or(Value::Null, Value::Bool)
                }
                _ => Value::Null,
            },
            Builtin::HumanCount => match first {
                Value::Int(n) if n < 0 => {
                    owned(format!("-{}", cairn_ir::human_count(n.unsigned_abs())))
                }
                Value::Int(n) => owned(cairn_ir::human_count(n as u64)),
                _ => Value::Null,
            },
            Builtin::Str => {
                let mut out = String::new();
                self.render(&first, &mut out);
                owned(out)
            }
            Builtin::Join => {
                let sep = match vals.get(1) {
                    Some(Value::Str(s)) => s.as_str().to_string(),
                    _ => String::new(),
                };
                let mut out = String::new();
                if let Value::List(xs) = first {
                    for (i, x) in xs.iter().enumerate() {
                        if i > 0 {
                            out.push_str(&sep);
                        }
                        self.render(x, &mut out);
                    }
                }
                owned(out)
            }
        }
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        l: &'a CExpr,
        r: &'a CExpr,
        base: usize,
        t: Target,
    ) -> Value<'a> {
        match op {
            BinaryOp::And => {
                return Value::Bool(
                    truthy(&self.eval(l, base, t)) && truthy(&self.eval(r, base, t)),
                );
            }
            BinaryOp::Or => {
                return Value::Bool(
                    truthy(&self.eval(l, base, t)) || truthy(&self.eval(r, base, t)),
                );
            }
            BinaryOp::Coalesce => {
                let lv = self.eval(l, base, t);
                return if matches!(lv, Value::Null) {
                    self.eval(r, base, t)
                } else {
                    lv
                };
            }
            _ => {}
        }
        let lv = self.eval(l, base, t);
        let rv = self.eval(r, base, t);
        match op {
            BinaryOp::Eq => Value::Bool(values_eq(&lv, &rv)),
            BinaryOp::Ne => Value::Bool(!values_eq(&lv, &rv)),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let ord = match (&lv, &rv) {
                    (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
                    (Value::Str(a), Value::Str(b)) => Some(a.as_str().cmp(b.as_str())),
                    _ => None,
                };
                Value::Bool(ord.is_some_and(|o| match op {
                    BinaryOp::Lt => o.is_lt(),
                    BinaryOp::Le => o.is_le(),
                    BinaryOp::Gt => o.is_gt(),
                    _ => o.is_ge(),
                }))
            }
            BinaryOp::In => Value::Bool(contains(&rv, &lv)),
            BinaryOp::Contains => Value::Bool(contains(&lv, &rv)),
            BinaryOp::StartsWith | BinaryOp::EndsWith => {
                let start = op == BinaryOp::StartsWith;
                Value::Bool(match (&lv, &rv) {
                    (Value::Str(a), Value::Str(b)) => {
                        if start {
                            a.as_str().starts_with(b.as_str())
                        } else {
                            a.as_str().ends_with(b.as_str())
                        }
                    }
                    (Value::List(a), Value::List(b)) => {
                        b.len() <= a.len()
                            && if start {
                                a.iter().zip(b.iter()).all(|(x, y)| values_eq(x, y))
                            } else {
                                a[a.len() - b.len()..]
                                    .iter()
                                    .zip(b.iter())
                                    .all(|(x, y)| values_eq(x, y))
                            }
                    }
                    _ => false,
                })
            }
            BinaryOp::Add => match (lv, rv) {
                (Value::Int(a), Value::Int(b)) => Value::Int(a.saturating_add(b)),
                (Value::Str(a), Value::Str(b)) => owned(format!("{}{}", a.as_str(), b.as_str())),
                _ => Value::Null,
            },
            BinaryOp::Sub => match (lv, rv) {
                (Value::Int(a), Value::Int(b)) => Value::Int(a.saturating_sub(b)),
                _ => Value::Null,
            },
            BinaryOp::Mul => match (lv, rv) {
                (Value::Int(a), Value::Int(b)) => Value::Int(a.saturating_mul(b)),
                _ => Value::Null,
            },
            BinaryOp::And | BinaryOp::Or | BinaryOp::Coalesce => Value::Null,
        }
    }
}

/// Whether step `k` of `rule` is `for x in changes` and the step after it `where x is KIND` or
/// `where x is KIND and REST`: the kind, and REST if any.
fn kind_filter<'r>(
    rule: &'r CompiledRule,
    k: usize,
    slot: usize,
    iter: &CExpr,
) -> Option<(&'static str, Option<&'r CExpr>)> {
    if !matches!(iter.kind, CExprKind::Global(Global::Scope("changes"))) {
        return None;
    }
    let Some(Step::Where(cond)) = rule.steps.get(k + 1) else {
        return None;
    };
    let is_kind = |e: &CExpr| match &e.kind {
        CExprKind::IsKind {
            expr,
            kind,
            negated: false,
        } if matches!(expr.kind, CExprKind::Local(s) if s == slot) => Some(*kind),
        _ => None,
    };
    match &cond.kind {
        CExprKind::Binary(BinaryOp::And, l, r) => is_kind(l).map(|kind| (kind, Some(&**r))),
        _ => is_kind(cond).map(|kind| (kind, None)),
    }
}

/// `schema.name`, or the bare name in a schema without a name (MySQL's current database).
fn qual(schema: &str, name: &str) -> String {
    if schema.is_empty() {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}

/// `text` names the identifier `name` as a whole word, ignoring ASCII case: not as part of a
/// longer identifier (`users` is not in `users_archive`); quoted (`"users"`) or qualified
/// (`public.users`) spellings count.
fn mentions(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let (t, n) = (text.as_bytes(), name.as_bytes());
    if n.len() > t.len() {
        return false;
    }
    (0..=t.len() - n.len()).any(|i| {
        t[i..i + n.len()].eq_ignore_ascii_case(n)
            && (i == 0 || !word(t[i - 1]))
            && t.get(i + n.len()).is_none_or(|b| !word(*b))
    })
}

fn truthy(v: &Value<'_>) -> bool {
    matches!(v, Value::Bool(true))
}

fn contains(coll: &Value<'_>, item: &Value<'_>) -> bool {
    match (coll, item) {
        (Value::List(xs), _) => xs.iter().any(|x| values_eq(x, item)),
        (Value::Str(s), Value::Str(sub)) => s.as_str().contains(sub.as_str()),
        _ => false,
    }
}

fn values_eq(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x.as_str() == y.as_str(),
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| values_eq(p, q))
        }
        (Value::Obj(x), Value::Obj(y)) => obj_eq(*x, *y),
        _ => false,
    }
}

fn obj_eq(a: Obj<'_>, b: Obj<'_>) -> bool {
    use std::ptr::eq;
    match (a, b) {
        (Obj::State(x), Obj::State(y)) => x == y,
        (Obj::Schema(_, x), Obj::Schema(_, y)) => eq(x, y),
        (Obj::Table(_, _, x), Obj::Table(_, _, y)) => eq(x, y),
        (Obj::Column(_, _, _, x), Obj::Column(_, _, _, y)) => eq(x, y),
        (Obj::Type(_, _, x), Obj::Type(_, _, y)) => x == y,
        (Obj::Index(_, _, _, x), Obj::Index(_, _, _, y)) => eq(x, y),
        (Obj::IndexPart(x), Obj::IndexPart(y)) => eq(x, y),
        (Obj::PrimaryKey(_, _, _, x), Obj::PrimaryKey(_, _, _, y)) => eq(x, y),
        (Obj::ForeignKey(_, _, _, x), Obj::ForeignKey(_, _, _, y)) => eq(x, y),
        (Obj::Check(_, _, _, x), Obj::Check(_, _, _, y)) => eq(x, y),
        (Obj::View(_, _, x, _), Obj::View(_, _, y, _)) => eq(x, y),
        (Obj::Function(_, _, x, _), Obj::Function(_, _, y, _)) => eq(x, y),
        (Obj::FunctionArg(x), Obj::FunctionArg(y)) => eq(x, y),
        (Obj::Trigger(_, _, _, x), Obj::Trigger(_, _, _, y)) => eq(x, y),
        (Obj::Sequence(_, _, x), Obj::Sequence(_, _, y)) => eq(x, y),
        (Obj::Enum(_, _, x), Obj::Enum(_, _, y)) => eq(x, y),
        (Obj::Domain(_, _, x), Obj::Domain(_, _, y)) => eq(x, y),
        (Obj::Extension(_, _, x), Obj::Extension(_, _, y)) => eq(x, y),
        (Obj::Policy(_, _, _, x), Obj::Policy(_, _, _, y)) => eq(x, y),
        (Obj::Role(_, x), Obj::Role(_, y)) => eq(x, y),
        (Obj::Permission(_, x), Obj::Permission(_, y)) => eq(x, y),
        (Obj::Change(x), Obj::Change(y))
        | (Obj::Changed(x), Obj::Changed(y))
        | (Obj::Statement(x), Obj::Statement(y))
        | (Obj::FileStatement(x), Obj::FileStatement(y)) => x == y,
        (Obj::File, Obj::File) => true,
        _ => false,
    }
}
