//! The rules language's middle: name resolution and type checking of `*.cairn` files into a
//! compiled rule IR ([`CompiledRules`]), the schema and plan model the rules see ([`model`]),
//! and the evaluator ([`evaluate`]) that runs compiled rules over realms and plans.
//!
//! Entry points: [`compile_rules_text`] (one file, no other files to `use`),
//! [`compile_rules_files`] (a set of files that may `use` each other), and for the language
//! server the salsa input [`RulesSet`] with the tracked queries [`parse_rules`] and
//! [`compile_rules`].
//!
//! Diagnostic codes: `E40xx` are syntax errors (see `cairn_syntax::rules`), `E41xx` are
//! resolution and type errors (the constants in [`check`]); `docs/rules-language.md` lists them.

pub mod atlas_hcl;
pub mod check;
mod eval;
pub mod facts;
pub mod ir;
pub mod model;
pub mod version;

use std::sync::Arc;

use cairn_syntax::rules::{self, ParsedRules};

use crate::db::{Db, SourceFile};

pub use check::{STD_PATH, STD_SOURCE, assignable, compile_regex, resolve_use_path};
pub use eval::{
    Anchor, Evaluation, Evaluator, FileStatement, Finding, Fix, LintTarget, MigrationFile,
    ReportScope, Side, check_param_overrides, evaluate,
};
pub use ir::*;

/// Compiles one rules file on its own: `use std` works; `use "./other.cairn"` reports that the
/// file cannot be found (use [`compile_rules_files`] for several files).
pub fn compile_rules_text(path: &str, text: &str) -> CompiledRules {
    if atlas_hcl::is_rule_hcl(path) {
        return atlas_hcl::compile(path, text);
    }
    let parsed = rules::parse(path, text);
    check::check(path, &parsed, &|_| None)
}

/// Compiles every file of a set of rule files (path, text), each against the others for
/// `use "./x.cairn"`. Returns one result per file, in order.
pub fn compile_rules_files(files: &[(String, String)]) -> Vec<CompiledRules> {
    let parsed: Vec<(String, Arc<ParsedRules>)> = files
        .iter()
        .map(|(p, t)| (p.clone(), Arc::new(rules::parse(p, t))))
        .collect();
    let load = |path: &str| {
        parsed
            .iter()
            .find(|(p, _)| normalize(p) == normalize(path))
            .map(|(_, x)| x.clone())
    };
    parsed
        .iter()
        .zip(files)
        .map(|((p, x), (_, text))| {
            // Atlas policy files (`*.rule.hcl`) compile to the same IR on their own.
            if atlas_hcl::is_rule_hcl(p) {
                atlas_hcl::compile(p, text)
            } else {
                check::check(p, x, &load)
            }
        })
        .collect()
}

/// `./a/../b.cairn` -> `b.cairn`: paths compare after `.` and `..` are resolved.
fn normalize(p: &str) -> String {
    resolve_use_path("", p)
}

/// A set of rule files that may `use` each other (the language server's project).
#[salsa::input(debug)]
pub struct RulesSet {
    #[returns(ref)]
    pub files: Vec<SourceFile>,
}

/// Parses one rules file. Re-runs only when its text changes.
#[salsa::tracked(returns(ref))]
pub fn parse_rules(db: &dyn Db, file: SourceFile) -> ParsedRules {
    rules::parse(file.path(db), file.text(db))
}

/// Checks one rules file of `set` (resolving its `use` paths among the set's files).
#[salsa::tracked(returns(ref))]
pub fn compile_rules(db: &dyn Db, set: RulesSet, file: SourceFile) -> CompiledRules {
    let files = set.files(db);
    if atlas_hcl::is_rule_hcl(file.path(db)) {
        return atlas_hcl::compile(file.path(db), file.text(db));
    }
    let load = |path: &str| {
        let want = normalize(path);
        files
            .iter()
            .find(|f| normalize(f.path(db)) == want)
            .map(|f| Arc::new(parse_rules(db, *f).clone()))
    };
    check::check(file.path(db), parse_rules(db, file), &load)
}
