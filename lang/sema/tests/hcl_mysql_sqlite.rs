//! MySQL, MariaDB and SQLite HCL schemas: dialect attributes of tables and columns reach the IR.

use cairn_ir::*;
use cairn_sema::compile;

fn one(path: &str, text: &str, dialect: Dialect) -> cairn_sema::Compiled {
    compile(&[(path.to_string(), text.to_string())], dialect)
}

const MYSQL: &str = r#"
schema "shop" {
  charset = "utf8mb4"
  collate = "utf8mb4_0900_ai_ci"
}

table "products" {
  schema  = schema.shop
  engine  = InnoDB
  charset = "utf8mb4"
  column "id" {
    type           = bigint
    unsigned       = true
    auto_increment = true
  }
  column "kind" {
    type    = enum("book", "toy")
    default = "book"
  }
  column "flags" {
    type = set("a", "b")
    null = true
  }
  column "title" {
    type    = varchar(200)
    collate = "utf8mb4_bin"
  }
  column "body" { type = text }
  column "updated_at" {
    type      = timestamp
    default   = sql("CURRENT_TIMESTAMP")
    on_update = sql("CURRENT_TIMESTAMP")
  }
  primary_key { columns = [column.id] }
  index "ft_body" {
    type    = FULLTEXT
    columns = [column.body]
  }
  index "title_prefix" {
    on {
      column = column.title
      prefix = 10
    }
  }
  check "title_len" {
    expr     = "char_length(title) > 0"
    enforced = false
  }
}
"#;

#[test]
fn mysql_table_and_column_attributes() {
    let c = one("s.my.hcl", MYSQL, Dialect::MYSQL);
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    let shop = c.realm.schema("shop").unwrap();
    assert_eq!(shop.charset.as_deref(), Some("utf8mb4"));
    let t = shop.table("products", Dialect::MYSQL).unwrap();
    let TableExt::Mysql(ext) = &t.ext else {
        panic!("{:?}", t.ext)
    };
    assert_eq!(ext.engine.as_deref(), Some("InnoDB"));
    let id = t.column("id").unwrap();
    assert_eq!(id.ty, ColumnType::Mysql(MyType::BigInt { unsigned: true }));
    assert!(id.auto_increment);
    assert_eq!(
        t.column("kind").unwrap().ty,
        ColumnType::Mysql(MyType::Enum(vec!["book".into(), "toy".into()]))
    );
    assert_eq!(
        t.column("flags").unwrap().ty,
        ColumnType::Mysql(MyType::Set(vec!["a".into(), "b".into()]))
    );
    assert_eq!(
        t.column("title").unwrap().collation.as_deref(),
        Some("utf8mb4_bin")
    );
    let ColumnExt::Mysql(cext) = &t.column("updated_at").unwrap().ext else {
        panic!()
    };
    assert_eq!(cext.on_update, Some(Expr::new("CURRENT_TIMESTAMP")));
    assert_eq!(t.index("ft_body").unwrap().method, IndexMethod::Fulltext);
    assert_eq!(t.index("title_prefix").unwrap().parts[0].prefix, Some(10));
    assert!(!t.checks[0].enforced);
}

#[test]
fn mariadb_system_versioning_and_mysql_rejects_it() {
    let text = r#"
schema "app" {}
table "t" {
  schema           = schema.app
  system_versioned = true
  column "id" { type = int }
}
"#;
    let c = one("s.ma.hcl", text, Dialect::MARIADB);
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    let t = c
        .realm
        .schema("app")
        .unwrap()
        .table("t", Dialect::MARIADB)
        .unwrap();
    assert!(matches!(&t.ext, TableExt::Mysql(e) if e.system_versioned));
    let c = one("s.my.hcl", text, Dialect::MYSQL);
    assert_eq!(c.diagnostics.len(), 1);
    assert_eq!(c.diagnostics[0].code, "E2011");
}

#[test]
fn sqlite_strict_without_rowid_autoincrement() {
    let text = r#"
schema "main" {}
table "notes" {
  schema        = schema.main
  strict        = true
  without_rowid = true
  column "id" {
    type           = integer
    auto_increment = true
  }
  column "body" {
    type = text
    null = true
  }
  column "n" { type = unsigned_big_int }
  primary_key { columns = [column.id] }
  index "notes_body" {
    columns = [column.body]
    where   = "body IS NOT NULL"
  }
}
"#;
    let c = one("s.lt.hcl", text, Dialect::Sqlite);
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
    let t = c
        .realm
        .schema("main")
        .unwrap()
        .table("notes", Dialect::Sqlite)
        .unwrap();
    assert_eq!(
        t.ext,
        TableExt::Sqlite(SqliteTableExt {
            strict: true,
            without_rowid: true
        })
    );
    assert!(t.column("id").unwrap().auto_increment);
    assert_eq!(
        t.column("n").unwrap().ty,
        ColumnType::Sqlite(SqliteType::new("unsigned big int"))
    );
    assert!(t.index("notes_body").unwrap().predicate.is_some());
}
