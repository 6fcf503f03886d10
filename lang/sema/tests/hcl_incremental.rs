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
