//! The rules language's checker and evaluator: every checker error with its span and
//! suggestion, the reference examples compiled, schema rules over realms compiled from SQL,
//! plan rules over hand-built plans, modules, params, and no panics on truncated input.

use std::collections::BTreeMap;

use cairn_ir::*;
use cairn_sema::rules::*;
use cairn_sema::{Compiled, compile};

const REFERENCE: &str = include_str!("../../syntax/tests/data/rules/reference.cairn");
const DESIGN: &str = include_str!("../../syntax/tests/data/rules/design.cairn");
const EVERYTHING: &str = include_str!("../../syntax/tests/data/rules/everything.cairn");

fn compiled(src: &str) -> CompiledRules {
    compile_rules_text("r.cairn", src)
}

fn clean(src: &str) -> CompiledRules {
    let c = compiled(src);
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    c
}

/// `CODE severity at "spanned text": message [help] [suggestion]`, one per line.
fn diags(src: &str) -> String {
    let c = compiled(src);
    c.diagnostics
        .iter()
        .map(|d| {
            let mut s = format!(
                "{} {} at {:?}: {}",
                d.code,
                d.severity.name(),
                &src[d.span.range()],
                d.message
            );
            if let Some(h) = &d.help {
                s.push_str(&format!(" [help: {h}]"));
            }
            if let Some(x) = &d.suggestion {
                s.push_str(&format!(" [fix: {}]", x.replacement));
            }
            s + "\n"
        })
        .collect()
}

fn pg(sql: &str) -> Compiled {
    let c = compile(&[("schema.sql".into(), sql.into())], Dialect::Postgres);
    let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    c
}

fn run_schema(rules: &CompiledRules, realm: &Realm) -> Vec<Finding> {
    let e = evaluate(rules, &LintTarget::schema(realm), &BTreeMap::new());
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    e.findings
}

fn messages(f: &[Finding]) -> Vec<String> {
    f.iter().map(|f| f.message.clone()).collect()
}

#[test]
fn reference_examples_compile() {
    // The reference `use`s "./naming.cairn": give it one.
    let files = vec![
        ("rules/reference.cairn".to_string(), REFERENCE.to_string()),
        (
            "rules/naming.cairn".to_string(),
            "predicate snake(s: string) = s matches \"^[a-z_]+$\"\n".to_string(),
        ),
    ];
    let out = compile_rules_files(&files);
    assert!(out[0].diagnostics.is_empty(), "{:#?}", out[0].diagnostics);
    assert_eq!(out[0].rules.len(), 1);
    assert_eq!(out[0].tests.len(), 2);
    assert_eq!(
        out[0].tests[0].expects,
        [("DS102".to_string(), Some("DROP TABLE".to_string()))]
    );
    assert!(out[0].tests[1].expects.is_empty());
    let d = clean(DESIGN);
    assert_eq!(d.rules.len(), 2);
    let e = clean(EVERYTHING);
    assert_eq!(e.rules.len(), 2);
    assert_eq!(e.rules[0].suggestions.len(), 2);
}

#[test]
fn std_library_compiles_and_is_scoped() {
    let c = compile_rules_text(STD_PATH, STD_SOURCE);
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    // Without `use std`, its predicates are not in scope, and the help says so.
    let d = diags("rule a: error on schema { for t in tables require has_primary_key(t) }");
    assert!(d.contains("E4102") && d.contains("add `use std`"), "{d}");
}

#[test]
fn checker_errors() {
    let src = r#"use std
use nonsense
use "./missing.cairn" as missing
param p: strnig = 1
param q: int = "x"
param r: int = 1 + 2
let dup = 1
let dup = 2
let selfish = selfish + 1
predicate rec(x: int) = rec2(x)
predicate rec2(x: int) = rec(x) > 0
predicate wide(t: tabel) = true

/// Unknown names and fields.
rule AB001 names: error on schema {
  for t in tabels
  for c in columns
  where c.nulable
  where c.type.categroy == "jsn"
  require c.type.category == "jsn"
  message "{c.name} of {tt.name}"
}

rule AB002 types: warning on plan {
  for c in changes where c is drop_tabel
  where c.rows > 10
  where c.summary == 3
  where c.summary matches "(unclosed"
  where len(c) > 0
  deny c.summary
  at c.summary
}

rule ab003 BadName: fatal on plans {
  deny
}

rule AB004 no-verdict: error on schema {
  for t in tables
  message "x"
  message "y"
}

rule AB001 names: error on schema {
  for r in roles
  require r.login
  dialects [postgres, oracle]
}

rule AB005 suggests: error on schema {
  for t in tables
  where has_primary_key(t, t)
  where t.name is drop_table
  require true
  suggest "x" { sqll = "y" }
}

test AB009 "no such rule" postgres {
  after = sql""
  expect none
}

test AB001 "bad dialect" oracle {
  after = sql""
  expect none
}

test AB001 "expects nothing" postgres {
  after = sql""
}
"#;
    insta::assert_snapshot!(diags(src));
}

#[test]
fn optional_comparisons_warn_unless_null_is_handled() {
    let warn = |src: &str| {
        compiled(src)
            .diagnostics
            .iter()
            .filter(|d| d.code == "E4110")
            .count()
    };
    assert_eq!(
        warn("rule a: info on schema { for t in tables require t.rows > 5 }"),
        1
    );
    assert_eq!(
        warn("rule a: info on schema { for t in tables require (t.rows ?? 0) > 5 }"),
        0
    );
    assert_eq!(
        warn("rule a: info on schema { for t in tables require t.rows != null and t.rows > 5 }"),
        0
    );
    assert_eq!(
        warn(
            "rule a: info on schema { for t in tables where t.rows is not null require t.rows > 5 }"
        ),
        0
    );
    assert_eq!(
        warn("rule a: info on schema { for t in tables require t.rows == null or t.rows > 5 }"),
        0
    );
}

#[test]
fn narrowing_gives_before_and_after_their_types() {
    // After `c is modify_column`, `c.before` is a column: `.type.size` checks.
    clean(
        "rule n: warning on plan {\n for c in changes where c is modify_column\n deny (c.before.type.size ?? 0) > (c.after.type.size ?? 0)\n}",
    );
    // Without narrowing it is any object: a field no object has is an error.
    let d = diags("rule n: warning on plan { for c in changes deny c.before.sizee == 1 }");
    assert!(d.contains("E4101") && d.contains("`size`"), "{d}");
    // A field of the wrong object for the narrowed kind is an error.
    let d = diags(
        "rule n: warning on plan { for c in changes where c is drop_role deny c.before.nullable }",
    );
    assert!(d.contains("`role` has no field `nullable`"), "{d}");
}

#[test]
fn templates_name_only_bound_variables() {
    let src = "rule a: info on schema {\n  for t in tables\n  deny\n  message \"{t.name} and {x.name}\"\n}";
    let d = diags(src);
    assert_eq!(
        d,
        "E4100 error at \"x\": unknown name `x` [help: did you mean `t`?] [fix: t]\n"
    );
}

#[test]
fn predicates_do_not_see_globals() {
    let d = diags("predicate p(x: int) = count(t in tables: true) > x");
    assert!(
        d.contains("predicates do not see globals like `tables`"),
        "{d}"
    );
    let d = diags("rule a: info on schema { for c in changes deny }");
    assert!(d.contains("a global of `on plan` rules"), "{d}");
}

const SHOP: &str = r#"
CREATE ROLE app_rw LOGIN SUPERUSER;
CREATE ROLE reporting LOGIN;
CREATE TABLE customers (
    id bigserial PRIMARY KEY,
    email varchar(255) NOT NULL UNIQUE,
    profile jsonb,
    note text
);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id),
    total numeric(10,2) NOT NULL DEFAULT 0
);
CREATE TABLE audit (at timestamptz NOT NULL, what text);
CREATE INDEX audit_at_idx ON audit (at);
GRANT SELECT ON customers TO reporting;
"#;

#[test]
fn schema_rules_over_a_compiled_realm() {
    let c = pg(SHOP);
    let rules = clean(
        r#"use std
param json_allowed: list[string] = ["profile"]
let app = "^app_"

/// Every table has a primary key.
rule PK001 table-without-primary-key: error on schema {
  for t in tables
  require has_primary_key(t)
  message "table {t.qualified_name} has no primary key"
}

/// Application roles must not be SUPERUSER.
rule SEC101 app-role-superuser: error on schema {
  for r in roles where r.name matches "^app_"
  require not r.superuser
  message "role {r.name} is SUPERUSER"
  help "grant what it needs instead"
  tags [security]
}

rule FK001 unindexed-foreign-key: warning on schema {
  for fk in foreign_keys
  require fk_indexed(fk)
  message "{fk.table.name}({join(fk.columns, ", ")}) references {fk.ref_table.name} ({fk.ref_table_name}) without an index; on delete {fk.on_delete}"
}

rule TY001 json-columns: info on schema {
  for t in tables
  for c in t.columns
  where c.type.category == "json" and not (c.name in json_allowed)
  deny
}

rule TY002 sizes: info on schema {
  for c in columns where c.type.size != null
  deny
  message "{c.table.name}.{c.name} is {c.type.name}, size {c.type.size}, nullable {c.nullable}"
}

rule GR001 grants: info on schema {
  for t in tables
  where len(t.permissions) > 0
  deny
  message "{t.name}: {join(t.permissions, "; ")} (grantee role known: {all(p in t.permissions: p.role != null)})"
}

rule CT001 counts: hint on schema {
  for s in schemas
  deny count(t in s.tables: t.primary_key == null) >= 1
  message "{s.name} has {count(t in s.tables: t.primary_key == null)} tables without a key, {len(s.tables)} in all"
}
"#,
    );
    let f = run_schema(&rules, &c.realm);
    insta::assert_snapshot!(
        f.iter()
            .map(|f| format!(
                "{} {} {:?}: {} | help={:?} tags={:?} anchor={:?}\n",
                f.code.as_deref().unwrap_or("-"),
                f.severity.name(),
                f.name,
                f.message,
                f.help,
                f.tags,
                f.anchor
            ))
            .collect::<String>()
    );
    // Anchors map to declarations through the source map.
    let pk = f
        .iter()
        .find(|f| f.code.as_deref() == Some("PK001"))
        .unwrap();
    let Anchor::Object { path, side } = &pk.anchor else {
        panic!("{:?}", pk.anchor)
    };
    assert_eq!(*side, Side::After);
    let loc = c.source_map.get(path).expect("audit is in the source map");
    assert!(SHOP[loc.span.range()].contains("audit"));
}

#[test]
fn params_override_and_dialect_filters() {
    let c = pg(SHOP);
    let rules = clean(
        r#"param min_columns: int = 10
rule WD001 narrow-table: info on schema {
  for t in tables
  require len(t.columns) >= min_columns
  dialects [postgres]
}
rule MY001 mysql-only: info on schema {
  for t in tables
  deny
  dialects [mysql]
}
"#,
    );
    assert_eq!(run_schema(&rules, &c.realm).len(), 3);
    let mut params = BTreeMap::new();
    params.insert("min_columns".to_string(), ParamValue::Int(3));
    let e = evaluate(&rules, &LintTarget::schema(&c.realm), &params);
    assert_eq!(e.findings.len(), 1, "{:#?}", e.findings);
    params.insert("min_columns".to_string(), ParamValue::Str("x".into()));
    let e = evaluate(&rules, &LintTarget::schema(&c.realm), &params);
    assert_eq!(e.errors.len(), 1);
    assert_eq!(e.findings.len(), 3);
    // `mysql` covers MariaDB unless `mariadb` is named.
    let my = &rules.rules[1];
    assert!(my.applies_to(Dialect::MYSQL) && my.applies_to(Dialect::MARIADB));
    assert!(!my.applies_to(Dialect::Postgres));
    let both = clean("rule a: info on schema { deny dialects [mysql, mariadb] }");
    assert!(both.rules[0].applies_to(Dialect::MARIADB));
    let only_my = clean("rule a: info on schema { deny dialects [mariadb] }");
    assert!(!only_my.rules[0].applies_to(Dialect::MYSQL));
    // Unknown override names are reported with a suggestion.
    let mut bad = BTreeMap::new();
    bad.insert("min_column".to_string(), ParamValue::Int(1));
    let problems = check_param_overrides(&[&rules], &bad);
    assert_eq!(
        problems,
        ["no rule file declares a param `min_column` (did you mean `min_columns`?)"]
    );
}

fn tref(t: &str) -> TableRef {
    TableRef::new("public", t)
}

fn stmt(sql: &str, changes: Vec<usize>, hazards: Hazards, rows: Option<u64>) -> PlannedStatement {
    PlannedStatement {
        sql: sql.into(),
        reverse: None,
        changes,
        hazards,
        rows,
        comment: String::new(),
    }
}

#[test]
fn plan_rules_over_a_hand_built_plan() {
    let before = pg(
        "CREATE TABLE users (id int PRIMARY KEY, email text, name varchar(10));\nCREATE TABLE logs (id int);\nCREATE ROLE app_x LOGIN;",
    );
    let mut before_realm = before.realm.clone();
    // A live database knows row counts.
    for t in &mut before_realm.schemas[0].tables {
        t.rows = Some(if t.name == "users" { 50_000_000 } else { 10 });
    }
    let after = pg(
        "CREATE TABLE users (id int PRIMARY KEY, name varchar(5));\nCREATE TABLE fresh (id int);\nCREATE INDEX fresh_id ON fresh (id);\nCREATE ROLE app_x LOGIN SUPERUSER;",
    );
    let users = before_realm.schemas[0]
        .table("users", Dialect::Postgres)
        .unwrap()
        .clone();
    let logs = before_realm.schemas[0]
        .table("logs", Dialect::Postgres)
        .unwrap()
        .clone();
    let fresh = after.realm.schemas[0]
        .table("fresh", Dialect::Postgres)
        .unwrap()
        .clone();
    let email = users.column("email").unwrap().clone();
    let name_before = users.column("name").unwrap().clone();
    let name_after = after.realm.schemas[0]
        .table("users", Dialect::Postgres)
        .unwrap()
        .column("name")
        .unwrap()
        .clone();
    let role_before = before.realm.role("app_x").unwrap().clone();
    let role_after = after.realm.role("app_x").unwrap().clone();
    let plan = Plan {
        changes: vec![
            Change::DropTable {
                table: tref("logs"),
                def: logs,
            },
            Change::DropColumn {
                table: tref("users"),
                column: email,
            },
            Change::ModifyColumn {
                table: tref("users"),
                before: name_before,
                after: name_after,
                changed: ColumnChanges {
                    ty: true,
                    ..ColumnChanges::default()
                },
            },
            Change::AddTable {
                table: tref("fresh"),
                def: fresh.clone(),
            },
            Change::AddIndex {
                table: tref("fresh"),
                index: fresh.indexes[0].clone(),
            },
            Change::ModifyRole {
                before: role_before,
                after: role_after,
            },
        ],
        statements: vec![
            stmt(
                "DROP TABLE logs",
                vec![0],
                Hazards {
                    destructive: true,
                    lock: Some("ACCESS EXCLUSIVE".into()),
                    ..Hazards::default()
                },
                Some(10),
            ),
            stmt(
                "ALTER TABLE users DROP COLUMN email",
                vec![1],
                Hazards {
                    destructive: true,
                    backward_incompatible: true,
                    ..Hazards::default()
                },
                None,
            ),
            stmt(
                "ALTER TABLE users ALTER COLUMN name TYPE varchar(5)",
                vec![2],
                Hazards {
                    rewrites_table: true,
                    data_dependent: true,
                    lock: Some("ACCESS EXCLUSIVE".into()),
                    ..Hazards::default()
                },
                Some(50_000_000),
            ),
            stmt(
                "CREATE TABLE fresh (id int)",
                vec![3],
                Hazards::default(),
                None,
            ),
            stmt(
                "CREATE INDEX fresh_id ON fresh (id)",
                vec![4],
                Hazards {
                    lock: Some("SHARE".into()),
                    ..Hazards::default()
                },
                None,
            ),
            stmt(
                "ALTER ROLE app_x SUPERUSER",
                vec![5],
                Hazards::default(),
                None,
            ),
        ],
    };
    let rules = clean(
        r#"param big_table_rows: int = 10_000_000

rule DS102 drop-table: error on plan {
  for c in changes where c is drop_table
  deny
  message "dropping table {c.table.name} deletes its data (about {c.rows ?? 0} rows by the last estimate)"
  help "rename it first; drop it in a later release"
  tags [destructive]
}

rule DS103 drop-column: error on plan {
  for c in changes where c is drop_column
  deny
  message "dropping {c.before.name} ({c.before.type.name}) from {c.table.name}; backward incompatible: {c.backward_incompatible}"
}

rule LK301 large-table-rewrite: warning on plan {
  for c in changes where c.rewrites_table and (c.rows ?? 0) > big_table_rows
  deny
  message "{c.summary} rewrites {c.table.name} (about {c.table.rows} rows) under {c.lock}"
}

rule MF101 narrowing: warning on plan {
  for c in changes where c is modify_column and c.changed.type
  deny (c.after.type.size ?? 0) < (c.before.type.size ?? 0)
  message "{c.column.name} narrows from {c.before.type.size} to {c.after.type.size} ({join(c.changed.names, ", ")})"
}

rule IX001 index-on-existing-table: info on plan {
  for c in changes where c is add_index
  deny not c.in_new_table
}

rule IX002 index-on-new-table: info on plan {
  for c in changes where c is add_index and c.in_new_table
  deny
  message "{c.index.name} on new table {c.table.name} at statement {c.statement.ordinal}: {c.statement.sql}"
}

rule SEC102 became-superuser: error on plan {
  for c in changes where c is modify_role
  deny c.after.superuser and not c.before.superuser
  message "{c.role.name} becomes SUPERUSER"
}

rule ST001 locks: hint on plan {
  for s in statements where s.lock == "ACCESS EXCLUSIVE"
  deny
  message "{s.ordinal}: {s.sql} ({len(s.changes)} change)"
}

rule CNT001 whole-plan: info on plan {
  deny count(c in changes: c.destructive) > 1
  message "{count(c in changes: c.destructive)} destructive changes; before has {len(before.tables)} tables, after {len(after.tables)}; {dialect}"
}
"#,
    );
    let target = LintTarget::plan(&before_realm, &after.realm, &plan);
    let e = evaluate(&rules, &target, &BTreeMap::new());
    assert!(e.errors.is_empty());
    insta::assert_snapshot!(
        e.findings
            .iter()
            .map(|f| format!(
                "{} {:?}: {}\n",
                f.code.as_deref().unwrap_or("-"),
                f.anchor,
                f.message
            ))
            .collect::<String>()
    );
    // Schema rules do not run on a plan-only target, plan rules not on a schema target.
    assert!(run_schema(&rules, &after.realm).is_empty());
}

#[test]
fn at_points_findings_at_objects() {
    let c = pg(SHOP);
    let rules = clean(
        r#"rule AT001 point: info on schema {
  for t in tables
  for c in t.columns
  where c.name == "email"
  deny
  at t
}
rule AT002 default-point: info on schema {
  for t in tables
  for c in t.columns
  where c.name == "email"
  deny
}
rule AT003 index-point: info on schema {
  for i in indexes where i.name == "audit_at_idx"
  deny
  message "{i.name}: {i.columns} {i.method} unique={i.unique}"
}
"#,
    );
    let f = run_schema(&rules, &c.realm);
    assert_eq!(
        f[0].anchor,
        Anchor::Object {
            side: Side::After,
            path: ObjectPath::Table("public".into(), "customers".into())
        }
    );
    assert_eq!(
        f[1].anchor,
        Anchor::Object {
            side: Side::After,
            path: ObjectPath::Column("public".into(), "customers".into(), "email".into())
        }
    );
    assert_eq!(f[2].message, "audit_at_idx: at btree unique=false");
    assert!(
        c.source_map
            .get(&ObjectPath::Column(
                "public".into(),
                "customers".into(),
                "email".into()
            ))
            .is_some()
    );
}

#[test]
fn modules_and_lets() {
    let files = vec![
        (
            "rules/main.cairn".to_string(),
            r#"use "./lib/naming.cairn" as naming
let suffix = naming.suffix + "!"
rule NM001 snake: warning on schema {
  for t in tables
  require naming.snake(t.name)
  message "{t.name} is not snake_case{suffix}"
}
"#
            .to_string(),
        ),
        (
            "rules/lib/naming.cairn".to_string(),
            "let suffix = \" (see the guide)\"\npredicate snake(s: string) = s matches \"^[a-z][a-z0-9_]*$\"\n".to_string(),
        ),
    ];
    let out = compile_rules_files(&files);
    assert!(out[0].diagnostics.is_empty(), "{:#?}", out[0].diagnostics);
    let c = compile(
        &[(
            "s.sql".into(),
            "CREATE TABLE \"BadName\" (id int); CREATE TABLE good (id int);".into(),
        )],
        Dialect::Postgres,
    );
    let f = run_schema(&out[0], &c.realm);
    assert_eq!(messages(&f), ["BadName is not snake_case (see the guide)!"]);
    // A module with errors is reported at the `use`.
    let files = vec![
        (
            "a.cairn".to_string(),
            "use \"./b.cairn\" as b\nlet x = b.y\n".to_string(),
        ),
        ("b.cairn".to_string(), "let y = nope\n".to_string()),
    ];
    let out = compile_rules_files(&files);
    let codes: Vec<&str> = out[0].diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E4114"], "{:#?}", out[0].diagnostics);
    // Cyclic uses terminate.
    let files = vec![
        (
            "a.cairn".to_string(),
            "use \"./b.cairn\" as b\npredicate pa(x: int) = x > 1\n".to_string(),
        ),
        (
            "b.cairn".to_string(),
            "use \"./a.cairn\" as a\npredicate pb(x: int) = a.pa(x)\n".to_string(),
        ),
    ];
    let out = compile_rules_files(&files);
    assert!(out.iter().all(|o| o.diagnostics.is_empty()), "{out:#?}");
}

#[test]
fn salsa_queries_compile_rule_sets() {
    use cairn_sema::{Database, SourceFile, SourceKind};
    use salsa::Setter;
    let mut db = Database::default();
    let a = SourceFile::new(
        &db,
        "a.cairn".into(),
        "use \"./b.cairn\" as b\nrule x: info on schema { for t in tables require b.ok(t) }\n"
            .into(),
        SourceKind::Rules,
    );
    let b = SourceFile::new(
        &db,
        "b.cairn".into(),
        "predicate ok(t: table) = t.name != \"\"\n".into(),
        SourceKind::Rules,
    );
    let set = RulesSet::new(&db, vec![a, b]);
    assert!(compile_rules(&db, set, a).diagnostics.is_empty());
    b.set_text(&mut db)
        .to("predicate ok(t: tabel) = true\n".into());
    let c = compile_rules(&db, set, a);
    assert_eq!(c.diagnostics.len(), 1, "{:#?}", c.diagnostics);
    assert_eq!(SourceKind::of_path("x/y.cairn"), Some(SourceKind::Rules));
}

/// Every prefix of the valid files goes through the parser and the checker without a panic,
/// and evaluating what compiles does not panic either.
#[test]
fn no_panic_on_truncations() {
    let c = pg(SHOP);
    let srcs = [REFERENCE, DESIGN, EVERYTHING, STD_SOURCE];
    for src in srcs {
        let mut i = 0;
        while i < src.len() {
            if src.is_char_boundary(i) {
                let r = compiled(&src[..i]);
                let _ = evaluate(&r, &LintTarget::schema(&c.realm), &BTreeMap::new());
            }
            i += 3;
        }
    }
}

#[test]
fn human_count_prints_counts_at_human_scale() {
    let c = pg("CREATE TABLE events (id int);");
    let mut realm = c.realm.clone();
    for s in &mut realm.schemas {
        for t in &mut s.tables {
            t.rows = Some(123_456_789);
        }
    }
    let rules = clean(
        r#"/// Rows.
rule RW001 rows: warning on schema {
  for t in tables
  deny
  message "{t.name}: about {human_count(t.rows ?? 0)} rows, {human_count(950)}, {human_count(1234)}"
}
"#,
    );
    assert_eq!(
        messages(&run_schema(&rules, &realm)),
        vec!["events: about 123M rows, 950, 1.2K".to_string()]
    );
    assert!(diags("rule X1 x: warning on schema {\n  for t in tables\n  deny\n  message \"{human_count(t.name)}\"\n}\n").contains("takes an int"));
}
