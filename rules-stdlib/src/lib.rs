//! Cairn's standard library of lint rules, written in the rules language: one rule per
//! `rules/<family>/<CODE>-<name>.cairn` file, with its documentation and its own `test` blocks.
//!
//! The files are embedded with `include_str!`; [`RULES`] lists them (kept by hand: the test
//! `every_rule_file_is_listed` fails when a file under `rules/` is missing from it).

pub mod docs;

use cairn_sema::rules::{CompiledRules, compile_rules_text};

/// Every standard rule file: its path under `rules/` and its text.
pub const RULES: &[(&str, &str)] = &[
    // BEGIN RULES
    (
        "constraint/CD101-drop-foreign-key.cairn",
        include_str!("../rules/constraint/CD101-drop-foreign-key.cairn"),
    ),
    (
        "constraint/CD102-drop-check.cairn",
        include_str!("../rules/constraint/CD102-drop-check.cairn"),
    ),
    (
        "constraint/CD103-drop-primary-key.cairn",
        include_str!("../rules/constraint/CD103-drop-primary-key.cairn"),
    ),
    (
        "data-dependent/MF101-unique-index-on-existing-column.cairn",
        include_str!("../rules/data-dependent/MF101-unique-index-on-existing-column.cairn"),
    ),
    (
        "data-dependent/MF102-make-index-unique.cairn",
        include_str!("../rules/data-dependent/MF102-make-index-unique.cairn"),
    ),
    (
        "data-dependent/MF103-add-required-column.cairn",
        include_str!("../rules/data-dependent/MF103-add-required-column.cairn"),
    ),
    (
        "data-dependent/MF104-set-not-null.cairn",
        include_str!("../rules/data-dependent/MF104-set-not-null.cairn"),
    ),
    (
        "destructive/DS101-drop-schema.cairn",
        include_str!("../rules/destructive/DS101-drop-schema.cairn"),
    ),
    (
        "destructive/DS102-drop-table.cairn",
        include_str!("../rules/destructive/DS102-drop-table.cairn"),
    ),
    (
        "destructive/DS103-drop-column.cairn",
        include_str!("../rules/destructive/DS103-drop-column.cairn"),
    ),
    (
        "incompatible/BC101-rename-table.cairn",
        include_str!("../rules/incompatible/BC101-rename-table.cairn"),
    ),
    (
        "incompatible/BC102-rename-column.cairn",
        include_str!("../rules/incompatible/BC102-rename-column.cairn"),
    ),
    (
        "incompatible/BC103-drop-table-still-used.cairn",
        include_str!("../rules/incompatible/BC103-drop-table-still-used.cairn"),
    ),
    (
        "incompatible/BC104-drop-column-still-used.cairn",
        include_str!("../rules/incompatible/BC104-drop-column-still-used.cairn"),
    ),
    (
        "incompatible/BC105-drop-not-null.cairn",
        include_str!("../rules/incompatible/BC105-drop-not-null.cairn"),
    ),
    (
        "locking/LK101-rewrite-large-table.cairn",
        include_str!("../rules/locking/LK101-rewrite-large-table.cairn"),
    ),
    (
        "locking/LK102-lock-large-table.cairn",
        include_str!("../rules/locking/LK102-lock-large-table.cairn"),
    ),
    (
        "locking/LK103-lock-timeout.cairn",
        include_str!("../rules/locking/LK103-lock-timeout.cairn"),
    ),
    (
        "locking/LK104-statement-timeout.cairn",
        include_str!("../rules/locking/LK104-statement-timeout.cairn"),
    ),
    (
        "mysql/MY101-add-not-null-column-without-default.cairn",
        include_str!("../rules/mysql/MY101-add-not-null-column-without-default.cairn"),
    ),
    (
        "mysql/MY102-inline-references.cairn",
        include_str!("../rules/mysql/MY102-inline-references.cairn"),
    ),
    (
        "mysql/MY110-enum-value-removed.cairn",
        include_str!("../rules/mysql/MY110-enum-value-removed.cairn"),
    ),
    (
        "mysql/MY111-enum-values-reordered.cairn",
        include_str!("../rules/mysql/MY111-enum-values-reordered.cairn"),
    ),
    (
        "mysql/MY112-enum-value-not-at-end.cairn",
        include_str!("../rules/mysql/MY112-enum-value-not-at-end.cairn"),
    ),
    (
        "mysql/MY113-enum-storage-grows.cairn",
        include_str!("../rules/mysql/MY113-enum-storage-grows.cairn"),
    ),
    (
        "mysql/MY120-set-value-removed.cairn",
        include_str!("../rules/mysql/MY120-set-value-removed.cairn"),
    ),
    (
        "mysql/MY121-set-values-reordered.cairn",
        include_str!("../rules/mysql/MY121-set-values-reordered.cairn"),
    ),
    (
        "mysql/MY122-set-value-not-at-end.cairn",
        include_str!("../rules/mysql/MY122-set-value-not-at-end.cairn"),
    ),
    (
        "mysql/MY123-set-storage-grows.cairn",
        include_str!("../rules/mysql/MY123-set-storage-grows.cairn"),
    ),
    (
        "mysql/MY130-column-type-copy.cairn",
        include_str!("../rules/mysql/MY130-column-type-copy.cairn"),
    ),
    (
        "mysql/MY131-foreign-key-blocks-writes.cairn",
        include_str!("../rules/mysql/MY131-foreign-key-blocks-writes.cairn"),
    ),
    (
        "mysql/MY132-add-primary-key.cairn",
        include_str!("../rules/mysql/MY132-add-primary-key.cairn"),
    ),
    (
        "mysql/MY133-drop-primary-key.cairn",
        include_str!("../rules/mysql/MY133-drop-primary-key.cairn"),
    ),
    (
        "mysql/MY134-fulltext-index.cairn",
        include_str!("../rules/mysql/MY134-fulltext-index.cairn"),
    ),
    (
        "mysql/MY135-spatial-index.cairn",
        include_str!("../rules/mysql/MY135-spatial-index.cairn"),
    ),
    (
        "mysql/MY136-table-charset.cairn",
        include_str!("../rules/mysql/MY136-table-charset.cairn"),
    ),
    (
        "mysql/MY137-modify-primary-key.cairn",
        include_str!("../rules/mysql/MY137-modify-primary-key.cairn"),
    ),
    (
        "mysql/MY138-table-engine.cairn",
        include_str!("../rules/mysql/MY138-table-engine.cairn"),
    ),
    (
        "mysql/MY139-partitioning.cairn",
        include_str!("../rules/mysql/MY139-partitioning.cairn"),
    ),
    (
        "mysql/MY140-stored-generated-column.cairn",
        include_str!("../rules/mysql/MY140-stored-generated-column.cairn"),
    ),
    (
        "mysql/MY141-auto-increment-column.cairn",
        include_str!("../rules/mysql/MY141-auto-increment-column.cairn"),
    ),
    (
        "mysql/MY142-column-not-added-last.cairn",
        include_str!("../rules/mysql/MY142-column-not-added-last.cairn"),
    ),
    (
        "mysql/MY143-generated-column-change.cairn",
        include_str!("../rules/mysql/MY143-generated-column-change.cairn"),
    ),
    (
        "mysql/MY144-add-check.cairn",
        include_str!("../rules/mysql/MY144-add-check.cairn"),
    ),
    (
        "mysql/MY145-enforce-check.cairn",
        include_str!("../rules/mysql/MY145-enforce-check.cairn"),
    ),
    (
        "mysql/MY146-drop-system-versioning.cairn",
        include_str!("../rules/mysql/MY146-drop-system-versioning.cairn"),
    ),
    (
        "mysql/MY147-nullability-rebuild.cairn",
        include_str!("../rules/mysql/MY147-nullability-rebuild.cairn"),
    ),
    (
        "mysql/MY148-column-charset.cairn",
        include_str!("../rules/mysql/MY148-column-charset.cairn"),
    ),
    (
        "naming/NM101-schema-name.cairn",
        include_str!("../rules/naming/NM101-schema-name.cairn"),
    ),
    (
        "naming/NM102-table-name.cairn",
        include_str!("../rules/naming/NM102-table-name.cairn"),
    ),
    (
        "naming/NM103-column-name.cairn",
        include_str!("../rules/naming/NM103-column-name.cairn"),
    ),
    (
        "naming/NM104-index-name.cairn",
        include_str!("../rules/naming/NM104-index-name.cairn"),
    ),
    (
        "naming/NM105-foreign-key-name.cairn",
        include_str!("../rules/naming/NM105-foreign-key-name.cairn"),
    ),
    (
        "naming/NM106-check-name.cairn",
        include_str!("../rules/naming/NM106-check-name.cairn"),
    ),
    (
        "naming/NM107-identifier-too-long.cairn",
        include_str!("../rules/naming/NM107-identifier-too-long.cairn"),
    ),
    (
        "ownership/OW101-table-owned-by-another-team.cairn",
        include_str!("../rules/ownership/OW101-table-owned-by-another-team.cairn"),
    ),
    (
        "ownership/OW102-object-owned-by-another-team.cairn",
        include_str!("../rules/ownership/OW102-object-owned-by-another-team.cairn"),
    ),
    (
        "postgres/PG101-create-index-not-concurrently.cairn",
        include_str!("../rules/postgres/PG101-create-index-not-concurrently.cairn"),
    ),
    (
        "postgres/PG102-drop-index-not-concurrently.cairn",
        include_str!("../rules/postgres/PG102-drop-index-not-concurrently.cairn"),
    ),
    (
        "postgres/PG103-concurrently-in-transaction.cairn",
        include_str!("../rules/postgres/PG103-concurrently-in-transaction.cairn"),
    ),
    (
        "postgres/PG104-add-primary-key.cairn",
        include_str!("../rules/postgres/PG104-add-primary-key.cairn"),
    ),
    (
        "postgres/PG105-add-unique-constraint.cairn",
        include_str!("../rules/postgres/PG105-add-unique-constraint.cairn"),
    ),
    (
        "postgres/PG108-index-on-partitioned-table.cairn",
        include_str!("../rules/postgres/PG108-index-on-partitioned-table.cairn"),
    ),
    (
        "postgres/PG109-add-exclusion-constraint.cairn",
        include_str!("../rules/postgres/PG109-add-exclusion-constraint.cairn"),
    ),
    (
        "postgres/PG110-column-alignment-padding.cairn",
        include_str!("../rules/postgres/PG110-column-alignment-padding.cairn"),
    ),
    (
        "postgres/PG201-enum-value-without-position.cairn",
        include_str!("../rules/postgres/PG201-enum-value-without-position.cairn"),
    ),
    (
        "postgres/PG301-column-type-rewrite.cairn",
        include_str!("../rules/postgres/PG301-column-type-rewrite.cairn"),
    ),
    (
        "postgres/PG302-volatile-default.cairn",
        include_str!("../rules/postgres/PG302-volatile-default.cairn"),
    ),
    (
        "postgres/PG303-set-not-null-scan.cairn",
        include_str!("../rules/postgres/PG303-set-not-null-scan.cairn"),
    ),
    (
        "postgres/PG304-primary-key-on-nullable-columns.cairn",
        include_str!("../rules/postgres/PG304-primary-key-on-nullable-columns.cairn"),
    ),
    (
        "postgres/PG305-check-without-not-valid.cairn",
        include_str!("../rules/postgres/PG305-check-without-not-valid.cairn"),
    ),
    (
        "postgres/PG306-foreign-key-without-not-valid.cairn",
        include_str!("../rules/postgres/PG306-foreign-key-without-not-valid.cairn"),
    ),
    (
        "postgres/PG307-set-logged.cairn",
        include_str!("../rules/postgres/PG307-set-logged.cairn"),
    ),
    (
        "postgres/PG308-trigger-on-existing-table.cairn",
        include_str!("../rules/postgres/PG308-trigger-on-existing-table.cairn"),
    ),
    (
        "postgres/PG309-stored-generated-column.cairn",
        include_str!("../rules/postgres/PG309-stored-generated-column.cairn"),
    ),
    (
        "postgres/PG310-identity-column.cairn",
        include_str!("../rules/postgres/PG310-identity-column.cairn"),
    ),
    (
        "postgres/PG311-access-method.cairn",
        include_str!("../rules/postgres/PG311-access-method.cairn"),
    ),
    (
        "postgres/PG312-redefine-primary-key.cairn",
        include_str!("../rules/postgres/PG312-redefine-primary-key.cairn"),
    ),
    (
        "postgres/PG314-replica-identity.cairn",
        include_str!("../rules/postgres/PG314-replica-identity.cairn"),
    ),
    (
        "postgres/PG320-autovacuum-disabled.cairn",
        include_str!("../rules/postgres/PG320-autovacuum-disabled.cairn"),
    ),
    (
        "security/SA101-dynamic-sql-concatenation.cairn",
        include_str!("../rules/security/SA101-dynamic-sql-concatenation.cairn"),
    ),
    (
        "security/SA102-vulnerable-extension.cairn",
        include_str!("../rules/security/SA102-vulnerable-extension.cairn"),
    ),
    (
        "security/SEC101-superuser-role.cairn",
        include_str!("../rules/security/SEC101-superuser-role.cairn"),
    ),
    (
        "security/SEC102-grant-to-public.cairn",
        include_str!("../rules/security/SEC102-grant-to-public.cairn"),
    ),
    (
        "security/SEC103-grant-all.cairn",
        include_str!("../rules/security/SEC103-grant-all.cairn"),
    ),
    (
        "security/SEC104-rls-without-policies.cairn",
        include_str!("../rules/security/SEC104-rls-without-policies.cairn"),
    ),
    (
        "security/SEC105-policies-without-rls.cairn",
        include_str!("../rules/security/SEC105-policies-without-rls.cairn"),
    ),
    (
        "sqlite/LT101-set-not-null-without-default.cairn",
        include_str!("../rules/sqlite/LT101-set-not-null-without-default.cairn"),
    ),
    (
        "transactions/TX101-statement-outside-transaction.cairn",
        include_str!("../rules/transactions/TX101-statement-outside-transaction.cairn"),
    ),
    (
        "transactions/TX201-transaction-control-in-file.cairn",
        include_str!("../rules/transactions/TX201-transaction-control-in-file.cairn"),
    ),
    (
        "types/TA101-prefer-bigint-over-int.cairn",
        include_str!("../rules/types/TA101-prefer-bigint-over-int.cairn"),
    ),
    (
        "types/TA102-prefer-text-over-varchar.cairn",
        include_str!("../rules/types/TA102-prefer-text-over-varchar.cairn"),
    ),
    (
        "types/TA103-prefer-timestamptz.cairn",
        include_str!("../rules/types/TA103-prefer-timestamptz.cairn"),
    ),
    (
        "types/TA104-ban-char-field.cairn",
        include_str!("../rules/types/TA104-ban-char-field.cairn"),
    ),
    (
        "types/TA105-prefer-jsonb.cairn",
        include_str!("../rules/types/TA105-prefer-jsonb.cairn"),
    ),
    (
        "types/TA106-prefer-identity.cairn",
        include_str!("../rules/types/TA106-prefer-identity.cairn"),
    ),
    // END RULES
];

/// The path a stdlib file is reported under (`stdlib/destructive/DS102-drop-table.cairn`).
pub fn display_path(path: &str) -> String {
    format!("stdlib/{path}")
}

/// Compiles every standard rule file (each stands alone: `use std` only).
pub fn compile_all() -> Vec<CompiledRules> {
    RULES
        .iter()
        .map(|(path, text)| compile_rules_text(&display_path(path), text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_file_is_listed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk = Vec::new();
        for family in std::fs::read_dir(&root).unwrap() {
            let family = family.unwrap().path();
            for f in std::fs::read_dir(&family).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|e| e == "cairn") {
                    let rel = f
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    on_disk.push(rel);
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = RULES.iter().map(|(p, _)| p.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn every_file_compiles_cleanly_with_one_documented_rule() {
        for c in compile_all() {
            assert!(c.diagnostics.is_empty(), "{}: {:#?}", c.path, c.diagnostics);
            assert_eq!(c.rules.len(), 1, "{}: one rule per file", c.path);
            let rule = &c.rules[0];
            let code = rule.code.as_deref().expect("stdlib rules have codes");
            assert!(
                c.path.contains(&format!("/{code}-{}.cairn", rule.name)),
                "{}",
                c.path
            );
            let doc = rule.doc.as_ref().expect("stdlib rules are documented");
            assert!(!doc.summary.is_empty(), "{}: no summary", c.path);
            assert!(
                doc.section("Why it matters").is_some(),
                "{}: no `## Why it matters`",
                c.path
            );
            assert!(
                doc.section("Use instead").is_some(),
                "{}: no `## Use instead`",
                c.path
            );
            assert!(
                c.tests.iter().any(|t| t.expects.is_empty())
                    && c.tests.iter().any(|t| !t.expects.is_empty()),
                "{}: needs a firing and a clean test",
                c.path
            );
        }
    }
}

#[cfg(test)]
mod docs_tests {
    /// docs/rules/ is generated from the rule files; it must say what they say.
    #[test]
    fn the_checked_in_rule_reference_is_current() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules");
        let pages = super::docs::pages(&super::compile_all());
        let mut stale = Vec::new();
        for (name, text) in &pages {
            let on_disk = std::fs::read_to_string(root.join(name)).unwrap_or_default();
            if &on_disk != text {
                stale.push(name.clone());
            }
        }
        assert!(
            stale.is_empty(),
            "docs/rules is stale ({stale:?}): run `cargo run -p cairn-cli -- rules docs`"
        );
    }
}
