//! Editing one character inside one block of one file re-runs only that file's split and that
//! one block's parse: the other blocks and the other file are reused from salsa's memo.

use std::sync::{Arc, Mutex};

use cairn_ir::Dialect;
use cairn_sema::{Database, Project, SourceFile, SourceKind, project_realm};
use salsa::{EventKind, Setter};

const A: &str = r#"schema "public" {}

table "users" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  column "email" {
    type = varchar(100)
  }
}

table "posts" {
  schema = schema.public
  column "id" {
    type = bigint
  }
}
"#;

const B: &str = r#"table "comments" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  column "user_id" {
    type = bigint
  }
  foreign_key "fk" {
    columns     = [column.user_id]
    ref_columns = [table.users.column.id]
  }
}
"#;

#[test]
fn one_edit_reparses_one_block() {
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = log.clone();
    let mut db = Database::with_event_log(move |e| {
        if let EventKind::WillExecute { database_key } = e.kind {
            sink.lock().unwrap().push(format!("{database_key:?}"));
        }
    });
    let a = SourceFile::new(&db, "a.pg.hcl".into(), A.into(), SourceKind::Hcl);
    let b = SourceFile::new(&db, "b.pg.hcl".into(), B.into(), SourceKind::Hcl);
    let project = Project::new(&db, vec![a, b], Dialect::Postgres);
    let first = project_realm(&db, project).clone();
    assert!(first.diagnostics.is_empty(), "{:?}", first.diagnostics);
    let count = |log: &[String], what: &str| log.iter().filter(|k| k.starts_with(what)).count();
    {
        let log = log.lock().unwrap();
        assert_eq!(count(&log, "file_syntax"), 2, "{log:?}");
        assert_eq!(count(&log, "parse_block"), 4, "{log:?}");
    }
    log.lock().unwrap().clear();

    // One character inside the `users` block of file a: varchar(100) -> varchar(200).
    a.set_text(&mut db)
        .to(A.replace("varchar(100)", "varchar(200)"));
    let second = project_realm(&db, project).clone();
    assert!(second.diagnostics.is_empty(), "{:?}", second.diagnostics);
    let log = log.lock().unwrap();
    assert_eq!(count(&log, "file_syntax"), 1, "{log:?}");
    assert_eq!(count(&log, "parse_block"), 1, "{log:?}");
    let users = second
        .realm
        .schema("public")
        .unwrap()
        .table("users", Dialect::Postgres)
        .unwrap();
    assert_eq!(
        users.column("email").unwrap().ty,
        cairn_ir::ColumnType::Postgres(cairn_ir::PgType::Varchar(Some(200)))
    );
}

/// One character typed inside one table re-lowers that table's block only: every other block
/// keeps its lowered fragment, though the realm is assembled again.
#[test]
fn one_edit_relowers_one_block() {
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = log.clone();
    let mut db = Database::with_event_log(move |e| {
        if let EventKind::WillExecute { database_key } = e.kind {
            sink.lock().unwrap().push(format!("{database_key:?}"));
        }
    });
    let a = SourceFile::new(&db, "a.pg.hcl".into(), A.into(), SourceKind::Hcl);
    let b = SourceFile::new(&db, "b.pg.hcl".into(), B.into(), SourceKind::Hcl);
    let project = Project::new(&db, vec![a, b], Dialect::Postgres);
    project_realm(&db, project);
    let count = |log: &[String], what: &str| log.iter().filter(|k| k.starts_with(what)).count();
    assert_eq!(count(&log.lock().unwrap(), "lower_block"), 4);
    log.lock().unwrap().clear();

    a.set_text(&mut db)
        .to(A.replace("varchar(100)", "varchar(1000)"));
    let after = project_realm(&db, project).clone();
    let log = log.lock().unwrap();
    let lowered: Vec<&String> = log
        .iter()
        .filter(|k| k.starts_with("lower_block"))
        .collect();
    assert_eq!(lowered.len(), 1, "{log:?}");
    assert_eq!(count(&log, "project_realm"), 1, "{log:?}");
    // The edit changed no declaration: the edited item is declared again (its text is new),
    // the project's declarations are found equal, and nothing that reads them runs again.
    assert_eq!(count(&log, "item_decls"), 1, "{log:?}");
    assert_eq!(count(&log, "project_decls"), 1, "{log:?}");
    assert_eq!(count(&log, "label_index"), 0, "{log:?}");
    assert_eq!(count(&log, "lookup_decls"), 0, "{log:?}");
    assert_eq!(count(&log, "kind_labels"), 0, "{log:?}");
    assert_eq!(
        after,
        compile(&[
            ("a.pg.hcl", &A.replace("varchar(100)", "varchar(1000)")),
            ("b.pg.hcl", B)
        ])
    );
}

/// After an edit inside one table, the other tables keep their origin (the language server's
/// lint memo reuses their findings by it, without comparing them) and the edited table gets a
/// new one; the source map's places after the edit move with their blocks.
#[test]
fn an_edit_renews_the_origin_of_the_edited_table_only() {
    let mut db = Database::default();
    let a = SourceFile::new(&db, "a.pg.hcl".into(), A.into(), SourceKind::Hcl);
    let b = SourceFile::new(&db, "b.pg.hcl".into(), B.into(), SourceKind::Hcl);
    let project = Project::new(&db, vec![a, b], Dialect::Postgres);
    let before = project_realm(&db, project).clone();
    a.set_text(&mut db)
        .to(A.replace("varchar(100)", "varchar(1000)"));
    let after = project_realm(&db, project).clone();
    let origin = |c: &cairn_sema::Compiled, name: &str| {
        let (si, s) = c
            .realm
            .schemas
            .iter()
            .enumerate()
            .find(|(_, s)| s.name == "public")
            .unwrap();
        let ti = s.tables.iter().position(|t| t.name == name).unwrap();
        c.origins
            .table(si, ti)
            .expect("copied from a memoized fragment")
    };
    assert_ne!(origin(&before, "users"), origin(&after, "users"));
    assert_eq!(origin(&before, "posts"), origin(&after, "posts"));
    assert_eq!(origin(&before, "comments"), origin(&after, "comments"));
    let at = |c: &cairn_sema::Compiled, path: cairn_ir::ObjectPath| {
        c.source_map.get(&path).unwrap().span.start
    };
    let posts = || cairn_ir::ObjectPath::Table("public".into(), "posts".into());
    assert_eq!(at(&before, posts()) + 1, at(&after, posts()));
    let comments = || cairn_ir::ObjectPath::Table("public".into(), "comments".into());
    assert_eq!(at(&before, comments()), at(&after, comments()));
}

/// Edits that change declarations (a table renamed away from its references and back, a
/// schema added, a for_each) give what a fresh one-pass compile gives, step after step.
#[test]
fn edits_to_declarations_equal_one_pass() {
    let mut db = Database::default();
    let a = SourceFile::new(&db, "a.pg.hcl".into(), A.into(), SourceKind::Hcl);
    let b = SourceFile::new(&db, "b.pg.hcl".into(), B.into(), SourceKind::Hcl);
    let project = Project::new(&db, vec![a, b], Dialect::Postgres);
    project_realm(&db, project);
    let steps = [
        A.replace("table \"users\"", "table \"people\""),
        A.to_string(),
        A.replace(
            "schema \"public\" {}",
            "schema \"public\" {}\nschema \"other\" {}",
        ),
        format!(
            "{A}\ntable \"t\" {{\n  for_each = toset([\"x\", \"y\"])\n  name = \"t_${{each.value}}\"\n  schema = schema.public\n  column \"id\" {{\n    type = int\n  }}\n}}\n"
        ),
        A.replace("schema = schema.public", "schema = schema.pubilc"),
        A.to_string(),
    ];
    for text in steps {
        a.set_text(&mut db).to(text.clone());
        let got = project_realm(&db, project).clone();
        let want = compile(&[("a.pg.hcl", &text), ("b.pg.hcl", B)]);
        assert_eq!(got, want, "{text}");
    }
}

/// The realm shares its tables with the memoized fragments (`Shared` handles): after an edit
/// inside one table, every other table is the very one of the realm before, and the edited one
/// is new. A trigger or policy attached to a table is attached to a copy: the fragment's table
/// stays as lowered, so the next assembly attaches it once again, not twice.
#[test]
fn an_edit_shares_the_unchanged_tables() {
    const C: &str = r#"trigger "audit" {
  on = table.users
  before { insert = true }
  for = ROW
  execute { function = function.stamp }
}
policy "own" {
  on = table.users
  using = sql("true")
}
function "stamp" {
  schema = schema.public
  lang = PLpgSQL
  return = sql("trigger")
  as = "begin return new; end"
}
"#;
    let mut db = Database::default();
    let a = SourceFile::new(&db, "a.pg.hcl".into(), A.into(), SourceKind::Hcl);
    let b = SourceFile::new(&db, "b.pg.hcl".into(), B.into(), SourceKind::Hcl);
    let c = SourceFile::new(&db, "c.pg.hcl".into(), C.into(), SourceKind::Hcl);
    let project = Project::new(&db, vec![a, b, c], Dialect::Postgres);
    let table = |c: &cairn_sema::Compiled, name: &str| -> cairn_ir::Shared<cairn_ir::Table> {
        let s = c.realm.schemas.iter().find(|s| s.name == "public").unwrap();
        s.tables.iter().find(|t| t.name == name).unwrap().clone()
    };
    let mut before = project_realm(&db, project).clone();
    assert!(before.diagnostics.is_empty(), "{:?}", before.diagnostics);
    // Two edits of `posts` (the second from the memo the first assembly attached to).
    let posts =
        "table \"posts\" {\n  schema = schema.public\n  column \"id\" {\n    type = bigint\n";
    for spaces in [" ", "  "] {
        let edited = A.replace(posts, &posts.replace("bigint", &format!("bigint{spaces}")));
        assert_ne!(edited, A);
        a.set_text(&mut db).to(edited.clone());
        let after = project_realm(&db, project).clone();
        assert!(after.diagnostics.is_empty(), "{:?}", after.diagnostics);
        assert!(cairn_ir::Shared::ptr_eq(
            &table(&before, "comments"),
            &table(&after, "comments")
        ));
        // (Equal, the edit being whitespace, but lowered again.)
        assert!(!cairn_ir::Shared::ptr_eq(
            &table(&before, "posts"),
            &table(&after, "posts")
        ));
        let users = table(&after, "users");
        assert_eq!(users.triggers.len(), 1, "{users:?}");
        assert_eq!(users.policies.len(), 1, "{users:?}");
        assert_eq!(
            after,
            compile(&[("a.pg.hcl", &edited), ("b.pg.hcl", B), ("c.pg.hcl", C)])
        );
        before = after;
    }
}

fn compile(files: &[(&str, &str)]) -> cairn_sema::Compiled {
    compile_in(files, Dialect::Postgres)
}

fn compile_in(files: &[(&str, &str)], dialect: Dialect) -> cairn_sema::Compiled {
    let owned: Vec<(String, String)> = files
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    cairn_sema::compile(&owned, dialect)
}

/// Declarations that meet across blocks: a self-reference, references in both directions,
/// triggers and policies attached to tables declared after them, permissions, `for_each`,
/// duplicates inside and across blocks, and dangling references.
const TRICKY: &str = r#"
trigger "audit" {
  on = table.users
  before = true
  events = [INSERT]
  for = ROW
  execute {
    function = function.stamp
  }
}
policy "own" {
  on = table.users
  using = sql("true")
}
schema "public" {}
schema "other" {
  comment = "x"
}
table "users" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  column "id" {
    type = int
  }
  column "boss" {
    type = bigint
  }
  foreign_key "boss" {
    columns = [column.boss]
    ref_columns = [table.users.column.id]
  }
  foreign_key "post" {
    columns = [column.id]
    ref_columns = [table.posts.column.nope]
  }
  row_security {
    enabled = true
  }
}
table "posts" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  column "author" {
    type = bigint
  }
  foreign_key "author" {
    columns = [column.author]
    ref_columns = [table.users.column.id]
  }
}
table "posts" {
  schema = schema.public
  column "id" {
    type = int
  }
}
table "t" {
  for_each = toset(["a", "b"])
  name = "t_${each.value}"
  schema = schema.other
  column "id" {
    type = int
  }
}
function "stamp" {
  schema = schema.public
  lang = PLpgSQL
  return = sql("trigger")
  as = "begin return new; end"
}
role "reader" {}
permission {
  for = role.reader
  on = table.users
  privileges = [SELECT]
}
permission {
  for = role.reader
  on = table.posts
  privileges = [SELECT, INSERT]
}
view "v" {
  schema = schema.public
  as = "select 1"
  column "x" {}
}
tabel "typo" {}
"#;

/// The schemas of the other HCL tests (their raw string literals) and the examples.
fn corpus() -> Vec<String> {
    let sources = [
        include_str!("hcl_errors.rs"),
        include_str!("hcl_postgres.rs"),
        include_str!("hcl_mysql_sqlite.rs"),
        include_str!("hcl_generated.rs"),
        include_str!("print_hcl.rs"),
        include_str!("../../syntax/tests/fmt/sema_postgres.in.hcl"),
        include_str!("../../syntax/tests/fmt/sema_mysql.in.hcl"),
        include_str!("../../syntax/tests/fmt/expressions.in.hcl"),
        include_str!("../../syntax/tests/fmt/labels.in.hcl"),
        include_str!("../../../examples/shop/schema.pg.hcl"),
        TRICKY,
    ];
    let snapshots = [
        include_str!("snapshots/print_hcl__postgres.snap"),
        include_str!("snapshots/print_hcl__postgres_two_schemas.snap"),
        include_str!("snapshots/print_hcl__mysql.snap"),
        include_str!("snapshots/print_hcl__mariadb.snap"),
        include_str!("snapshots/print_hcl__sqlite.snap"),
        include_str!("snapshots/print_hcl__unrepresentable.snap"),
    ];
    let mut out: Vec<String> = snapshots
        .iter()
        .filter_map(|s| s.splitn(3, "---\n").nth(2).map(str::to_string))
        .collect();
    for s in sources {
        if !s.contains("r#\"") {
            out.push(s.to_string());
            continue;
        }
        let mut rest = s;
        while let Some(start) = rest.find("r#\"") {
            let body = &rest[start + 3..];
            let Some(end) = body.find("\"#") else { break };
            if body[..end].contains('{') {
                out.push(body[..end].to_string());
            }
            rest = &body[end + 2..];
        }
    }
    out
}

/// Resolving block by block gives what one pass over every block gives: the same realm, source
/// map and diagnostics, for every schema of the HCL tests (errors included), alone and in
/// pairs of files, in every dialect.
#[test]
fn block_by_block_equals_one_pass() {
    let corpus = corpus();
    assert!(corpus.len() > 20, "{}", corpus.len());
    let mut cases: Vec<Vec<(String, String)>> = corpus
        .iter()
        .map(|t| vec![("a.hcl".to_string(), t.clone())])
        .collect();
    for w in corpus.windows(2) {
        cases.push(vec![
            ("a.hcl".to_string(), w[0].clone()),
            ("b.hcl".to_string(), w[1].clone()),
        ]);
    }
    // The same file twice: every object is a duplicate.
    for t in corpus.iter().take(10) {
        cases.push(vec![
            ("a.hcl".to_string(), t.clone()),
            ("b.hcl".to_string(), t.clone()),
        ]);
    }
    for dialect in [Dialect::Postgres, Dialect::MYSQL, Dialect::Sqlite] {
        let mut db = Database::default();
        let mut project: Option<(Project, Vec<SourceFile>)> = None;
        for files in &cases {
            let expected = cairn_sema::compile(files, dialect);
            // One database for all cases: each is an edit of the previous one.
            let (p, inputs) = match project.take() {
                Some((p, mut inputs)) => {
                    while inputs.len() < files.len() {
                        inputs.push(SourceFile::new(
                            &db,
                            "b.hcl".into(),
                            String::new(),
                            SourceKind::Hcl,
                        ));
                    }
                    inputs.truncate(files.len());
                    for (input, (_, text)) in inputs.iter().zip(files) {
                        input.set_text(&mut db).to(text.clone());
                    }
                    p.set_files(&mut db).to(inputs.clone());
                    (p, inputs)
                }
                None => {
                    let inputs: Vec<SourceFile> = files
                        .iter()
                        .map(|(path, text)| {
                            SourceFile::new(&db, path.clone(), text.clone(), SourceKind::Hcl)
                        })
                        .collect();
                    (Project::new(&db, inputs.clone(), dialect), inputs)
                }
            };
            let got = project_realm(&db, p);
            assert_eq!(got.diagnostics, expected.diagnostics, "{dialect} {files:?}");
            assert_eq!(got.realm, expected.realm, "{dialect} {files:?}");
            assert_eq!(got.source_map, expected.source_map, "{dialect} {files:?}");
            project = Some((p, inputs));
        }
    }
}

/// A database that keeps each file's last split splits an edited file again only around the
/// edit; the result must be the split from scratch. Random edits (characters that open and
/// close blocks, strings, comments and heredocs, whole lines, deletions) to the schemas of the
/// HCL tests, each compared with a fresh file of the same text in the same database.
#[test]
fn splitting_around_an_edit_equals_splitting_from_scratch() {
    use cairn_sema::{FileSyntax, file_syntax};
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    const PIECES: &[&str] = &[
        "{",
        "}",
        "\"",
        "#",
        "\n",
        "\n\n",
        "/*",
        "*/",
        "//",
        "<<EOT\n",
        "EOT\n",
        "${",
        "x",
        " ",
        "table \"t\" {\n",
        "}\n",
        "# note\n",
        "a = 1\n",
        "column \"c\" {\n type = int\n}\n",
    ];
    let mut db = Database::default().with_split_cache();
    let mut edits = 0;
    for base in corpus().into_iter().take(40) {
        let mut text = base.clone();
        let file = SourceFile::new(&db, "a.pg.hcl".into(), text.clone(), SourceKind::Hcl);
        file_syntax(&db, file, Dialect::Postgres);
        for _ in 0..60 {
            let at = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .nth(next(text.len() + 1))
                .unwrap_or(text.len());
            match next(3) {
                0 => text.insert_str(at, PIECES[next(PIECES.len())]),
                1 => {
                    let mut end = (at + 1 + next(12)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                }
                _ => {
                    // Restore a stretch of the original, as undo does.
                    text = base.clone();
                }
            }
            file.set_text(&mut db).to(text.clone());
            let FileSyntax::Hcl(got) = file_syntax(&db, file, Dialect::Postgres).clone() else {
                panic!("not HCL");
            };
            let fresh = SourceFile::new(&db, "a.pg.hcl".into(), text.clone(), SourceKind::Hcl);
            let FileSyntax::Hcl(want) = file_syntax(&db, fresh, Dialect::Postgres).clone() else {
                panic!("not HCL");
            };
            assert_eq!(got, want, "after an edit at {at}:\n{text}");
            edits += 1;
        }
    }
    assert!(edits >= 1200, "{edits}");
}
