//! Lint findings in schema files: the standard library's and the workspace's own `on schema`
//! rules, evaluated by `cairn_core::lint` (the runner `cairn lint` uses) over the project's
//! realm, and the rule codes offered inside `nolint` comments.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use cairn_core::lint::{Located, locate};
use cairn_ir::{Realm, Schema, Shared, Table};
use cairn_sema::rules::{
    CExpr, CExprKind, CPart, CompiledRule, CompiledRules, Finding, Global, LintTarget, ParamValue,
    RulesSet, Step, Target, Ty, Verdict, compile_rules, evaluate,
};
use cairn_sema::{Db, Origins, Project, project_realm};
use cairn_syntax::{Diagnostic, Span};
use rustc_hash::FxHashMap;

use crate::{Completion, CompletionKind};

/// The standard library, compiled once per process.
pub(crate) fn stdlib() -> &'static [CompiledRules] {
    static STDLIB: OnceLock<Vec<CompiledRules>> = OnceLock::new();
    STDLIB.get_or_init(cairn_rules_stdlib::compile_all)
}

/// The findings of every schema rule over a project's realm. Re-runs only when the realm (or a
/// rules file of the workspace) changes; a realm with compile errors is not linted, as in
/// `cairn lint`. Rules that look at one table at a time run per table, and a table equal to
/// the one linted last time keeps its findings (see [`TableLint`]): an edit inside one table
/// re-runs them for that table only.
#[salsa::tracked(returns(ref))]
pub(crate) fn project_lint(
    db: &dyn Db,
    project: Project,
    rules: RulesSet,
    memo: LintMemo,
) -> Vec<Located> {
    let compiled = project_realm(db, project);
    if compiled.has_errors() {
        return Vec::new();
    }
    let own: Vec<&CompiledRules> = rules
        .files(db)
        .iter()
        .map(|f| compile_rules(db, rules, *f))
        // A rules file with errors is reported in that file, and not run.
        .filter(|c| !c.diagnostics.iter().any(Diagnostic::is_error))
        .collect();
    let files = project.files(db);
    let text_of = |path: &str| {
        files
            .iter()
            .find(|f| f.path(db) == path)
            .map(|f| f.text(db).as_str())
    };
    let fallback = files
        .first()
        .map(|f| f.path(db).clone())
        .unwrap_or_default();
    let sets: Vec<&CompiledRules> = stdlib().iter().chain(own).collect();
    let params = BTreeMap::new();
    let findings = memo
        .cache(db)
        .0
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .findings(&sets, &params, &compiled.realm, &compiled.origins);
    let mut found = locate(compiled, findings, &text_of, &fallback);
    found.retain(|l| !l.suppressed);
    found
}

/// The per-table memo of [`project_lint`], held by the host for the whole session.
#[salsa::input]
pub(crate) struct LintMemo {
    #[returns(ref)]
    pub cache: SharedTableLint,
}

/// A [`TableLint`] behind a lock; equal to itself only (it is state, not a value).
#[derive(Clone, Default)]
pub(crate) struct SharedTableLint(Arc<Mutex<TableLint>>);

impl PartialEq for SharedTableLint {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}
impl Eq for SharedTableLint {}

impl std::fmt::Debug for SharedTableLint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedTableLint")
    }
}

/// Schema rule findings per table, for the rules that look at one table at a time (see
/// [`table_local`]): such a rule finds over the whole realm exactly what it finds over each
/// table alone, in table order. A table copied unchanged from a memoized item lowering is
/// known by that lowering's identity ([`Origins`]): its findings are reused without looking
/// at the table. Any other table is linted again only when it differs from the table of the
/// same name linted last time. The other rules run over the whole realm every time.
#[derive(Default)]
pub(crate) struct TableLint {
    /// The rule sets and params the entries were computed with.
    sets: Vec<CompiledRules>,
    params: BTreeMap<String, ParamValue>,
    /// Per rule set: its rules split into table-local and the others.
    plans: Vec<SetPlan>,
    /// (schema, table) -> the table as linted (a shared handle: keeping it copies nothing, and
    /// the realm's table is often the same one) and its findings (set index, finding with the
    /// rule's index in its set), for tables of no known origin.
    tables: FxHashMap<(String, String), LintedTable>,
    /// Origin -> the findings of the table of that origin.
    by_origin: FxHashMap<u64, Vec<(usize, Finding)>>,
}

/// A table as linted, and its findings: (rule set index, finding).
type LintedTable = (Shared<Table>, Vec<(usize, Finding)>);

/// One rule set split in two: `local` holds its table-local rules, `global` the others; each
/// with the indexes of its rules in the original set.
struct SetPlan {
    local: CompiledRules,
    local_index: Vec<usize>,
    global: CompiledRules,
    global_index: Vec<usize>,
}

impl SetPlan {
    fn new(set: &CompiledRules) -> SetPlan {
        let (mut local, mut global) = (set.clone(), set.clone());
        local.rules.clear();
        global.rules.clear();
        let (mut local_index, mut global_index) = (Vec::new(), Vec::new());
        for (i, rule) in set.rules.iter().enumerate() {
            if table_local(set, rule) {
                local.rules.push(rule.clone());
                local_index.push(i);
            } else {
                global.rules.push(rule.clone());
                global_index.push(i);
            }
        }
        SetPlan {
            local,
            local_index,
            global,
            global_index,
        }
    }
}

impl TableLint {
    /// The findings of every rule of `sets` over `realm`, in the order
    /// [`cairn_core::lint::schema_findings`] gives them: set by set, rule by rule.
    fn findings(
        &mut self,
        sets: &[&CompiledRules],
        params: &BTreeMap<String, ParamValue>,
        realm: &Realm,
        origins: &Origins,
    ) -> Vec<Finding> {
        let same_rules = self.sets.len() == sets.len()
            && self.sets.iter().zip(sets).all(|(a, b)| a == *b)
            && &self.params == params;
        if !same_rules {
            self.sets = sets.iter().map(|s| (*s).clone()).collect();
            self.params = params.clone();
            self.plans = sets.iter().map(|s| SetPlan::new(s)).collect();
            self.tables.clear();
            self.by_origin.clear();
        }
        // buckets[set][rule]: the findings of that rule, in order.
        let mut buckets: Vec<Vec<Vec<Finding>>> = sets
            .iter()
            .map(|s| vec![Vec::new(); s.rules.len()])
            .collect();
        let mut old = std::mem::take(&mut self.tables);
        let mut old_by_origin = std::mem::take(&mut self.by_origin);
        for (si, schema) in realm.schemas.iter().enumerate() {
            for (ti, table) in schema.tables.iter().enumerate() {
                if let Some(origin) = origins.table(si, ti) {
                    let found = match old_by_origin.remove(&origin) {
                        Some(f) => f,
                        None => self.lint_table(realm, schema, table),
                    };
                    for (s, f) in &found {
                        buckets[*s][f.rule].push(f.clone());
                    }
                    self.by_origin.insert(origin, found);
                    continue;
                }
                let key = (schema.name.clone(), table.name.clone());
                let entry = match old.remove(&key) {
                    Some(e) if e.0 == *table => e,
                    _ => (table.clone(), self.lint_table(realm, schema, table)),
                };
                for (s, f) in &entry.1 {
                    buckets[*s][f.rule].push(f.clone());
                }
                self.tables.insert(key, entry);
            }
        }
        let target = LintTarget::schema(realm);
        for (s, plan) in self.plans.iter().enumerate() {
            if plan.global.rules.is_empty() {
                continue;
            }
            for mut f in evaluate(&plan.global, &target, params).findings {
                f.rule = plan.global_index[f.rule];
                buckets[s][f.rule].push(f);
            }
        }
        buckets.into_iter().flatten().flatten().collect()
    }

    /// The findings of the table-local rules over `table` alone.
    fn lint_table(
        &self,
        realm: &Realm,
        schema: &Schema,
        table: &Shared<Table>,
    ) -> Vec<(usize, Finding)> {
        let mut alone = Realm::new(realm.dialect);
        let mut s = Schema::new(&schema.name);
        s.tables.push(table.clone());
        alone.schemas.push(s);
        let target = LintTarget::schema(&alone);
        let mut out = Vec::new();
        for (i, plan) in self.plans.iter().enumerate() {
            if plan.local.rules.is_empty() {
                continue;
            }
            for mut f in evaluate(&plan.local, &target, &self.params).findings {
                f.rule = plan.local_index[f.rule];
                out.push((i, f));
            }
        }
        out
    }
}

/// The globals a table-local rule may iterate first: one table's objects, in table order.
const PER_TABLE: &[&str] = &["tables", "columns", "indexes", "foreign_keys", "checks"];

/// The fields, per object type, whose value comes from the object's own table (no lookup of
/// another object of the realm). A field not listed makes a rule whole-schema.
const LOCAL_FIELDS: &[(&str, &[&str])] = &[
    (
        "table",
        &[
            "name",
            "qualified_name",
            "comment",
            "columns",
            "primary_key",
            "indexes",
            "foreign_keys",
            "checks",
            "triggers",
            "policies",
            "rls_enabled",
            "rls_forced",
            "partitioned",
            "renamed_from",
        ],
    ),
    (
        "column",
        &[
            "name",
            "table",
            "type",
            "nullable",
            "default",
            "identity",
            "auto_increment",
            "generated",
            "collation",
            "comment",
            "renamed_from",
            "in_primary_key",
        ],
    ),
    (
        "type",
        &[
            "name",
            "size",
            "precision",
            "scale",
            "array",
            "unsupported",
            "raw",
        ],
    ),
    (
        "index",
        &[
            "name",
            "table",
            "unique",
            "columns",
            "parts",
            "where",
            "method",
            "include",
            "comment",
            "constraint",
            "renamed_from",
        ],
    ),
    ("index_part", &["column", "expr", "desc"]),
    ("primary_key", &["name", "table", "columns"]),
    (
        "foreign_key",
        &[
            "name",
            "table",
            "columns",
            "ref_table_name",
            "ref_columns",
            "on_delete",
            "on_update",
            "deferrable",
        ],
    ),
    ("check", &["name", "table", "expr", "enforced"]),
];

/// Whether `rule` looks at one table at a time: an `on schema` rule whose first step iterates
/// the tables (or their columns, indexes, foreign keys or checks) of the realm, and whose every
/// other expression reads only fields of that table's objects, params and the dialect.
pub(crate) fn table_local(set: &CompiledRules, rule: &CompiledRule) -> bool {
    if rule.target != Target::Schema {
        return false;
    }
    let Some((Step::For { iter, .. }, rest)) = rule.steps.split_first() else {
        return false;
    };
    if !matches!(&iter.kind, CExprKind::Global(Global::Scope(g)) if PER_TABLE.contains(g)) {
        return false;
    }
    let local = |e: &CExpr| expr_local(set, e, 0);
    let verdict = match &rule.verdict {
        Verdict::Require(c) | Verdict::Deny(Some(c)) => local(c),
        Verdict::Deny(None) => true,
    };
    verdict
        && rest.iter().all(|s| match s {
            Step::For { iter, .. } => local(iter),
            Step::Where(c) => local(c),
        })
        && [&rule.message, &rule.help, &rule.at]
            .into_iter()
            .flatten()
            .all(local)
        && rule
            .suggestions
            .iter()
            .all(|s| local(&s.title) && [&s.sql, &s.renamed_from].into_iter().flatten().all(local))
}

fn expr_local(set: &CompiledRules, e: &CExpr, depth: usize) -> bool {
    // Deeply nested (or recursive) lets and predicates: not worth proving.
    if depth > 32 {
        return false;
    }
    let local = |x: &CExpr| expr_local(set, x, depth + 1);
    match &e.kind {
        CExprKind::Null
        | CExprKind::Bool(_)
        | CExprKind::Int(_)
        | CExprKind::Str(_)
        | CExprKind::Local(_)
        | CExprKind::Param(_) => true,
        CExprKind::Template(parts) => parts.iter().all(|p| match p {
            CPart::Text(_) => true,
            CPart::Hole(x) => local(x),
        }),
        CExprKind::List(xs) | CExprKind::Builtin(_, xs) => xs.iter().all(local),
        CExprKind::Let(i) => set.lets.get(*i).is_some_and(|l| local(&l.value)),
        CExprKind::Global(Global::Scope(g)) => matches!(*g, "dialect" | "server_version"),
        CExprKind::Field(x, name) => {
            let fields = match x.ty.base() {
                Ty::Obj(t) => LOCAL_FIELDS.iter().find(|(n, _)| n == t).map(|(_, f)| *f),
                _ => None,
            };
            fields.is_some_and(|f| f.contains(name)) && local(x)
        }
        CExprKind::CallPredicate(i, args) => {
            args.iter().all(local) && set.predicates.get(*i).is_some_and(|p| local(&p.body))
        }
        CExprKind::Quantifier { iter, body, .. } => local(iter) && local(body),
        CExprKind::Not(x) | CExprKind::Neg(x) => local(x),
        CExprKind::Binary(_, l, r) => local(l) && local(r),
        CExprKind::IsKind { expr, .. } | CExprKind::IsNull { expr, .. } => local(expr),
        CExprKind::Matches(x, _) => local(x),
        CExprKind::Cond(c, t, f) => local(c) && local(t) && local(f),
    }
}

/// Where a rule's documentation is: a page of the rule reference (`docs/rules/CODE.md`) for the
/// standard library, else the rule's declaration in a workspace rules file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleDocs {
    Stdlib { code: String },
    File { file: String, span: Span },
}

/// A diagnostic of a file, with its rule's documentation when a rule reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileDiagnostic {
    pub diagnostic: Diagnostic,
    pub docs: Option<RuleDocs>,
}

pub(crate) fn finding_diagnostic(l: &Located) -> FileDiagnostic {
    let f = &l.finding;
    let code = f.code.clone().unwrap_or_else(|| f.name.clone());
    let mut diagnostic = Diagnostic::new(&code, f.severity, &l.file, l.span, f.message.clone());
    diagnostic.help = f.help.clone();
    let stdlib_rule = stdlib().iter().any(|s| s.path == f.rule_file);
    let docs = match &f.code {
        Some(code) if stdlib_rule => RuleDocs::Stdlib { code: code.clone() },
        _ => RuleDocs::File {
            file: f.rule_file.clone(),
            span: f.rule_span,
        },
    };
    FileDiagnostic {
        diagnostic,
        docs: Some(docs),
    }
}

/// Inside a `nolint` comment (`# cairn:nolint`, `// atlas:nolint`, `-- cairn:nolint`) before
/// the cursor: the rule codes to offer, else `None`.
pub(crate) fn nolint_completions<'a>(
    text: &str,
    offset: usize,
    own: impl Iterator<Item = &'a CompiledRules>,
) -> Option<Vec<Completion>> {
    let offset = offset.min(text.len());
    let line_start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..offset].trim_start();
    let body = line
        .strip_prefix("--")
        .or_else(|| line.strip_prefix('#'))
        .or_else(|| line.strip_prefix("//"))?
        .trim_start();
    let rest = body
        .strip_prefix("cairn:nolint")
        .or_else(|| body.strip_prefix("atlas:nolint"))?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let mut out = Vec::new();
    for set in stdlib().iter().chain(own) {
        for rule in &set.rules {
            let Some(code) = &rule.code else { continue };
            if out.iter().any(|c: &Completion| &c.label == code) {
                continue;
            }
            out.push(Completion {
                label: code.clone(),
                kind: CompletionKind::Keyword,
                detail: Some(rule.name.clone()),
                doc: rule.doc.as_ref().map(|d| d.summary.clone()),
            });
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_offered_only_after_a_nolint_directive() {
        let none = std::iter::empty();
        let got = nolint_completions("# cairn:nolint ", 15, none).unwrap();
        assert!(got.iter().any(|c| c.label == "NM102"));
        assert!(nolint_completions("-- atlas:nolint DS1", 19, std::iter::empty()).is_some());
        assert!(nolint_completions("# cairn:nolintx", 15, std::iter::empty()).is_none());
        assert!(nolint_completions("x = 1", 5, std::iter::empty()).is_none());
        assert!(nolint_completions("é", 1, std::iter::empty()).is_none());
    }

    /// A table of no known origin is kept by handle (no copy), found unchanged by the pointer,
    /// and linted again once it differs; the findings stay those of linting from scratch.
    #[test]
    fn table_lint_keeps_tables_by_handle() {
        let hcl = r#"schema "public" {}
table "Users" {
  schema = schema.public
  column "id" {
    type = int
  }
}
table "posts" {
  schema = schema.public
  column "id" {
    type = int
  }
}
"#;
        let compiled = cairn_sema::compile(
            &[("a.pg.hcl".to_string(), hcl.to_string())],
            cairn_ir::Dialect::Postgres,
        );
        assert!(!compiled.has_errors(), "{:?}", compiled.diagnostics);
        let sets: Vec<&CompiledRules> = stdlib().iter().collect();
        let params = BTreeMap::new();
        let origins = Origins::default();
        let fresh = |realm: &Realm| TableLint::default().findings(&sets, &params, realm, &origins);
        let mut memo = TableLint::default();
        let realm = compiled.realm;
        let first = memo.findings(&sets, &params, &realm, &origins);
        assert!(!first.is_empty());
        assert_eq!(first, fresh(&realm));
        let kept = |memo: &TableLint, name: &str| -> Shared<Table> {
            memo.tables[&("public".to_string(), name.to_string())]
                .0
                .clone()
        };
        let handle = |realm: &Realm, name: &str| -> Shared<Table> {
            realm.schemas[0]
                .tables
                .iter()
                .find(|t| t.name == name)
                .unwrap()
                .clone()
        };
        assert!(Shared::ptr_eq(
            &kept(&memo, "Users"),
            &handle(&realm, "Users")
        ));
        // An edit of `posts` in a copy of the realm (sharing the tables, until written).
        let mut edited = realm.clone();
        let posts = edited.schemas[0]
            .tables
            .iter_mut()
            .find(|t| t.name == "posts")
            .unwrap();
        posts.columns[0].name = "PostId".to_string();
        let second = memo.findings(&sets, &params, &edited, &origins);
        assert_eq!(second, fresh(&edited));
        assert_ne!(first, second);
        assert!(Shared::ptr_eq(
            &kept(&memo, "Users"),
            &handle(&realm, "Users")
        ));
        assert!(Shared::ptr_eq(
            &kept(&memo, "posts"),
            &handle(&edited, "posts")
        ));
        assert!(!Shared::ptr_eq(
            &kept(&memo, "posts"),
            &handle(&realm, "posts")
        ));
    }
}
