//! Diagnostics of the HCL front end: code, message and line/column, and the partial realm that
//! the rest of a broken file still lowers into.

use cairn_ir::Dialect;
use cairn_sema::{Compiled, compile};
use cairn_syntax::diag::line_col;

fn pg(files: &[(&str, &str)]) -> Compiled {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    compile(&files, Dialect::Postgres)
}

/// (code, line, column, message) of each diagnostic, in order.
fn summary(c: &Compiled, text: &str) -> Vec<(String, usize, usize, String)> {
    c.diagnostics
        .iter()
        .map(|d| {
            let (l, col) = line_col(text, d.span.start as usize);
            (d.code.clone(), l, col, d.message.clone())
        })
        .collect()
}

#[test]
fn syntax_error_keeps_the_rest_of_the_file() {
    let text = "schema \"public\" {}\ntable \"a\" {\n  column \"x\" { type = }\n}\ntable \"b\" {\n  column \"id\" {\n    type = int\n  }\n}\n";
    let c = pg(&[("s.pg.hcl", text)]);
    let s = summary(&c, text);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!((s[0].0.as_str(), s[0].1), ("E2001", 3));
    assert!(s[0].3.starts_with("syntax error"), "{s:?}");
    let public = c.realm.schema("public").unwrap();
    assert!(public.table("a", Dialect::Postgres).is_none());
    assert!(public.table("b", Dialect::Postgres).is_some());
}

#[test]
fn unterminated_block_and_string() {
    let text = "table \"a\" {\n  comment = \"oops\n}\n\ntable \"b\" {\n  column \"id\" {\n    type = int\n  }\n}\n";
    let c = pg(&[("s.pg.hcl", text)]);
    let s = summary(&c, text);
    assert_eq!(s[0].0, "E2002");
    assert_eq!((s[0].1, s[0].2), (2, 13));
    assert!(
        c.realm
            .schema("public")
            .unwrap()
            .table("b", Dialect::Postgres)
            .is_some()
    );
}

#[test]
fn unknown_block_attribute_and_type_suggest_names() {
    let text = r#"schema "public" {}
tabl "x" {}
table "t" {
  schema = schema.public
  column "a" {
    type = bigintt
  }
  column "b" {
    type = text
    nul  = true
  }
}
"#;
    let c = pg(&[("s.pg.hcl", text)]);
    let s = summary(&c, text);
    assert_eq!(s.len(), 3, "{s:?}");
    assert_eq!((s[0].0.as_str(), s[0].1, s[0].2), ("E2010", 2, 1));
    assert_eq!(
        c.diagnostics[0].help.as_deref(),
        Some("did you mean `table`?")
    );
    assert_eq!((s[1].0.as_str(), s[1].1, s[1].2), ("E2014", 6, 12));
    assert_eq!(s[1].3, "unknown postgres type `bigintt`");
    assert_eq!(
        c.diagnostics[1].help.as_deref(),
        Some("did you mean `bigint`?")
    );
    assert_eq!((s[2].0.as_str(), s[2].1, s[2].2), ("E2011", 10, 5));
    assert_eq!(
        c.diagnostics[2].help.as_deref(),
        Some("did you mean `null`?")
    );
    // The table still lowers, with the column whose type was understood.
    let t = c
        .realm
        .schema("public")
        .unwrap()
        .table("t", Dialect::Postgres)
        .unwrap();
    assert!(t.column("b").is_some() && t.column("a").is_none());
}

#[test]
fn dangling_references_across_files() {
    let a = r#"schema "public" {}
table "users" {
  schema = schema.public
  column "id" { type = bigint }
  column "email" { type = text }
  index "i" { columns = [column.emall] }
}
"#;
    let b = r#"table "posts" {
  schema = schema.public
  column "author" { type = bigint }
  foreign_key "fk" {
    columns     = [column.author]
    ref_columns = [table.user.column.id]
  }
}
"#;
    let c = pg(&[("a.pg.hcl", a), ("b.pg.hcl", b)]);
    assert_eq!(c.diagnostics.len(), 2, "{:#?}", c.diagnostics);
    let da = &c.diagnostics[0];
    assert_eq!((da.code.as_str(), da.file.as_str()), ("E2015", "a.pg.hcl"));
    assert_eq!(da.message, "`table.users` has no column `emall`");
    assert_eq!(da.help.as_deref(), Some("did you mean `column.email`?"));
    assert_eq!(&a[da.span.range()], "column.emall");
    let db = &c.diagnostics[1];
    assert_eq!((db.code.as_str(), db.file.as_str()), ("E2015", "b.pg.hcl"));
    assert_eq!(db.message, "`table.user` does not exist");
    assert_eq!(db.help.as_deref(), Some("did you mean `table.users`?"));
    assert_eq!(line_col(b, db.span.start as usize), (6, 20));
}

#[test]
fn ambiguous_table_needs_a_schema() {
    let text = r#"schema "a" {}
schema "b" {}
table "a" "users" {
  schema = schema.a
  column "id" { type = int }
}
table "b" "users" {
  schema = schema.b
  column "id" { type = int }
}
table "x" {
  schema = schema.a
  column "u" { type = int }
  foreign_key "f1" {
    columns     = [column.u]
    ref_columns = [table.users.column.id]
  }
  foreign_key "f2" {
    columns     = [column.u]
    ref_columns = [table.b.users.column.id]
  }
}
"#;
    let c = pg(&[("s.pg.hcl", text)]);
    let s = summary(&c, text);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!((s[0].0.as_str(), s[0].1), ("E2016", 16));
    assert!(
        c.diagnostics[0]
            .help
            .as_deref()
            .unwrap()
            .contains("table.a.users")
    );
    let x = c
        .realm
        .schema("a")
        .unwrap()
        .table("x", Dialect::Postgres)
        .unwrap();
    assert_eq!(x.foreign_keys.len(), 1);
    assert_eq!(x.foreign_keys[0].ref_table.schema.as_deref(), Some("b"));
}

#[test]
fn duplicates_and_missing_type() {
    let text = r#"schema "public" {}
table "t" {
  schema = schema.public
  column "a" { type = int }
  column "a" { type = int }
  column "b" {
    null = true
  }
}
table "t" {
  schema = schema.public
  column "z" { type = int }
}
"#;
    let c = pg(&[("s.pg.hcl", text)]);
    let s = summary(&c, text);
    let codes: Vec<(&str, usize)> = s.iter().map(|x| (x.0.as_str(), x.1)).collect();
    assert_eq!(codes, [("E2017", 5), ("E2012", 6), ("E2017", 10)], "{s:?}");
    assert_eq!(s[1].3, "column `b` has no `type`");
    assert_eq!(c.diagnostics[0].labels[0].message, "first declared here");
}

#[test]
fn variables_locals_and_errors() {
    let text = r#"variable "n" {
  default = "x"
}
locals {
  t = "${var.n}_t"
}
schema "public" {}
table "tbl" {
  schema = schema.public
  name   = local.t
  column "id" { type = int }
  comment = var.missing
}
"#;
    let c = pg(&[("s.pg.hcl", text)]);
    let s = summary(&c, text);
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!((s[0].0.as_str(), s[0].1), ("E2018", 12));
    assert!(
        c.realm
            .schema("public")
            .unwrap()
            .table("x_t", Dialect::Postgres)
            .is_some()
    );
}

#[test]
fn empty_schema_still_exists() {
    let c = compile(
        &[("s.my.hcl".to_string(), "schema \"empty\" {}\n".to_string())],
        Dialect::MYSQL,
    );
    assert!(c.diagnostics.is_empty());
    assert!(c.realm.schema("empty").unwrap().is_empty());
}
