//! Lint findings in schema files: the standard library's and the workspace's own `on schema`
//! rules, evaluated by `cairn_core::lint` (the runner `cairn lint` uses) over the project's
//! realm, and the rule codes offered inside `nolint` comments.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use cairn_core::lint::{Located, schema_findings};
use cairn_sema::rules::{CompiledRules, RulesSet, compile_rules};
use cairn_sema::{Db, Project, project_realm};
use cairn_syntax::{Diagnostic, Span};

use crate::{Completion, CompletionKind};

/// The standard library, compiled once per process.
pub(crate) fn stdlib() -> &'static [CompiledRules] {
    static STDLIB: OnceLock<Vec<CompiledRules>> = OnceLock::new();
    STDLIB.get_or_init(cairn_rules_stdlib::compile_all)
}

/// The findings of every schema rule over a project's realm. Re-runs only when the realm (or a
/// rules file of the workspace) changes; a realm with compile errors is not linted, as in
/// `cairn lint`.
#[salsa::tracked(returns(ref))]
pub(crate) fn project_lint(db: &dyn Db, project: Project, rules: RulesSet) -> Vec<Located> {
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
    let mut found = schema_findings(
        compiled,
        &compiled.realm,
        stdlib().iter().chain(own),
        &BTreeMap::new(),
        &text_of,
        &fallback,
    );
    found.retain(|l| !l.suppressed);
    found
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
}
