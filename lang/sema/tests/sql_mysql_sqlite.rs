//! Lowering MySQL (enums, sets, unsigned, ON UPDATE, table options) and SQLite (WITHOUT ROWID,
//! STRICT, AUTOINCREMENT) DDL.

use cairn_ir::*;
use cairn_sema::{Compiled, compile};

fn run(sql: &str, d: Dialect) -> Compiled {
    let c = compile(&[("schema.sql".to_string(), sql.to_string())], d);
    let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    c
}

fn my(t: MyType) -> ColumnType {
    ColumnType::Mysql(t)
}

const MYSQL_SHOP: &str = r#"
CREATE TABLE products (
  id int unsigned NOT NULL AUTO_INCREMENT,
  sku varchar(32) NOT NULL COMMENT 'stock keeping unit',
  kind enum('physical','digital') NOT NULL DEFAULT 'physical',
  tags set('new','sale') DEFAULT NULL,
  price decimal(10,2) unsigned NOT NULL DEFAULT '0.00',
  active tinyint(1) NOT NULL DEFAULT 1,
  updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  name varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
  PRIMARY KEY (id),
  UNIQUE KEY products_sku (sku),
  KEY name_prefix (name(10)),
  FULLTEXT KEY ft_name (name)
) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='catalog';
CREATE TABLE order_lines (
  id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
  product_id int unsigned NOT NULL,
  qty smallint NOT NULL,
  KEY (product_id),
  CONSTRAINT fk_product FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE RESTRICT ON UPDATE CASCADE
) ENGINE=InnoDB;
"#;

#[test]
fn mysql_shop() {
    let c = run(MYSQL_SHOP, Dialect::MYSQL);
    let s = c
        .realm
        .schema("")
        .expect("unqualified MySQL names land in the URL's schema \"\"");
    let p = s.table("products", Dialect::MYSQL).unwrap();
    let id = p.column("id").unwrap();
    assert_eq!(id.ty, my(MyType::Int { unsigned: true }));
    assert!(id.auto_increment && !id.nullable);
    let sku = p.column("sku").unwrap();
    assert_eq!(sku.comment.as_deref(), Some("stock keeping unit"));
    let kind = p.column("kind").unwrap();
    assert_eq!(
        kind.ty,
        my(MyType::Enum(vec!["physical".into(), "digital".into()]))
    );
    assert_eq!(
        kind.default,
        Some(Default::Literal(Literal::String("physical".into())))
    );
    let tags = p.column("tags").unwrap();
    assert_eq!(tags.ty, my(MyType::Set(vec!["new".into(), "sale".into()])));
    assert_eq!(tags.default, Some(Default::Literal(Literal::Null)));
    assert_eq!(
        p.column("price").unwrap().ty,
        my(MyType::Decimal {
            precision: Some(10),
            scale: Some(2),
            unsigned: true
        })
    );
    assert_eq!(p.column("active").unwrap().ty, my(MyType::Bool));
    let upd = p.column("updated_at").unwrap();
    assert_eq!(
        upd.default,
        Some(Default::Expr(Expr::new("CURRENT_TIMESTAMP")))
    );
    let ColumnExt::Mysql(ext) = &upd.ext else {
        panic!("{:?}", upd.ext)
    };
    assert_eq!(ext.on_update, Some(Expr::new("CURRENT_TIMESTAMP")));
    let name = p.column("name").unwrap();
    assert_eq!(name.collation.as_deref(), Some("utf8mb4_bin"));
    assert!(matches!(&name.ext, ColumnExt::Mysql(e) if e.charset.as_deref() == Some("utf8mb4")));
    assert_eq!(
        p.primary_key.as_ref().unwrap().columns,
        vec!["id".to_string()]
    );
    assert!(p.index("products_sku").unwrap().unique);
    let prefix = p.index("name_prefix").unwrap();
    assert_eq!(prefix.parts[0].key, IndexKey::Column("name".into()));
    assert_eq!(prefix.parts[0].prefix, Some(10));
    assert_eq!(p.index("ft_name").unwrap().method, IndexMethod::Fulltext);
    assert_eq!(p.comment.as_deref(), Some("catalog"));
    assert_eq!(
        p.ext,
        TableExt::Mysql(MyTableExt {
            engine: Some("InnoDB".into()),
            charset: Some("utf8mb4".into()),
            collation: Some("utf8mb4_unicode_ci".into()),
            auto_increment: Some(42),
            ..MyTableExt::default()
        })
    );
    let lines = s.table("order_lines", Dialect::MYSQL).unwrap();
    assert!(
        lines.index("product_id").is_some(),
        "an unnamed KEY takes its first column's name"
    );
    let fk = &lines.foreign_keys[0];
    assert_eq!(fk.name.as_deref(), Some("fk_product"));
    // MySQL checks keys immediately: RESTRICT is NO ACTION, as the catalog reads it back.
    assert_eq!(
        (fk.on_delete, fk.on_update),
        (FkAction::NoAction, FkAction::Cascade)
    );
}

#[test]
fn mysql_use_names_the_schema() {
    let c = run(
        "CREATE DATABASE shop DEFAULT CHARACTER SET utf8mb4;\nUSE shop;\nCREATE TABLE t (id int PRIMARY KEY);\nALTER TABLE t MODIFY id bigint NOT NULL;\nALTER TABLE t ADD COLUMN n varchar(10) AFTER id;\nCREATE INDEX n_idx ON t (n);\nDROP INDEX n_idx ON t;",
        Dialect::MARIADB,
    );
    let s = c.realm.schema("shop").unwrap();
    let t = s.table("t", Dialect::MARIADB).unwrap();
    assert_eq!(
        t.column("id").unwrap().ty,
        my(MyType::BigInt { unsigned: false })
    );
    assert_eq!(t.column("n").unwrap().ty, my(MyType::Varchar(10)));
    assert!(t.indexes.is_empty());
    assert!(c.realm.schema("").is_none());
}

#[test]
fn sqlite_tables() {
    let sql = r#"
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  score REAL DEFAULT -1.5
);
CREATE TABLE kv (
  k TEXT PRIMARY KEY,
  v BLOB
) WITHOUT ROWID;
CREATE TABLE strict_t (a INT NOT NULL, b ANY) STRICT;
CREATE INDEX kv_v ON kv (v) WHERE v IS NOT NULL;
CREATE TRIGGER users_ai AFTER INSERT ON users BEGIN UPDATE users SET score = 0 WHERE id = NEW.id; END;
"#;
    let c = run(sql, Dialect::Sqlite);
    let main = c.realm.schema("main").unwrap();
    let users = main.table("users", Dialect::Sqlite).unwrap();
    let id = users.column("id").unwrap();
    assert_eq!(id.ty, ColumnType::Sqlite(SqliteType::new("integer")));
    assert!(id.auto_increment);
    assert_eq!(users.primary_key.as_ref().unwrap().name, None);
    let email = users.column("email").unwrap();
    assert_eq!(email.collation.as_deref(), Some("NOCASE"));
    let unique = users
        .index("sqlite_autoindex_users_1")
        .expect("SQLite's own name");
    assert!(unique.unique);
    assert_eq!(
        users.column("score").unwrap().default,
        Some(Default::Literal(Literal::Number("-1.5".into())))
    );
    let kv = main.table("kv", Dialect::Sqlite).unwrap();
    assert_eq!(
        kv.ext,
        TableExt::Sqlite(SqliteTableExt {
            strict: false,
            without_rowid: true
        })
    );
    assert_eq!(
        kv.index("kv_v").unwrap().predicate,
        Some(Expr::new("v IS NOT NULL"))
    );
    let st = main.table("strict_t", Dialect::Sqlite).unwrap();
    assert_eq!(
        st.ext,
        TableExt::Sqlite(SqliteTableExt {
            strict: true,
            without_rowid: false
        })
    );
    let tr = &users.triggers[0];
    assert_eq!(
        (tr.timing, tr.events.clone()),
        (TriggerTiming::After, vec![TriggerEvent::Insert])
    );
    assert!(
        tr.body
            .as_deref()
            .unwrap()
            .contains("UPDATE users SET score = 0")
    );
}

#[test]
fn mysql_triggers_keep_their_body_and_routines_are_lowered() {
    let sql = "CREATE TABLE t (id int, n int);\n\
DELIMITER ;;\n\
CREATE DEFINER=`root`@`%` TRIGGER t_bi BEFORE INSERT ON `t` FOR EACH ROW BEGIN SET NEW.n = 1; END;;\n\
CREATE PROCEDURE p() BEGIN SELECT 1; END;;\n\
DELIMITER ;\n";
    let c = compile(&[("s.sql".to_string(), sql.to_string())], Dialect::MYSQL);
    assert!(!c.has_errors(), "{:#?}", c.diagnostics);
    let s = c.realm.schema("").unwrap();
    let t = s.table("t", Dialect::MYSQL).unwrap();
    assert_eq!(t.triggers.len(), 1, "{:#?}", c.diagnostics);
    let tr = &t.triggers[0];
    assert_eq!(
        (tr.name.as_str(), tr.timing),
        ("t_bi", TriggerTiming::Before)
    );
    assert_eq!(tr.body.as_deref(), Some("BEGIN SET NEW.n = 1; END"));
    assert!(s.unsupported.is_empty(), "{:?}", s.unsupported);
    assert_eq!(s.procedures.len(), 1);
    let p = &s.procedures[0];
    assert_eq!(p.name, "p");
    assert_eq!(p.body, "BEGIN SELECT 1; END");
    assert!(
        p.security_definer,
        "MySQL routines run as their definer by default"
    );
}

#[test]
fn sqlite_triggers_keys_and_quirks() {
    let sql = r#"
PRAGMA foreign_keys = ON;
CREATE TABLE 'countries' (
  code TEXT PRIMARY KEY,
  'name' TEXT NOT NULL UNIQUE CHECK (name NOT GLOB '*[0-9]*')
);
CREATE TABLE cities (
  id INTEGER PRIMARY KEY,
  country TEXT REFERENCES countries,
  name TEXT COLLATE NOCASE,
  UNIQUE (country, name)
);
CREATE INDEX cities_name ON cities (name COLLATE BINARY, country COLLATE NOCASE);
CREATE VIEW big_cities AS SELECT id, name FROM cities;
CREATE TRIGGER cities_renamed UPDATE OF name ON cities
WHEN OLD.name IS NOT NEW.name
BEGIN
  SELECT RAISE(ABORT, 'no renames');
END;
CREATE TRIGGER big_cities_delete INSTEAD OF DELETE ON big_cities
BEGIN
  DELETE FROM cities WHERE id = OLD.id;
END;
CREATE TRIGGER big_cities_insert INSTEAD OF INSERT ON big_cities BEGIN SELECT 1; END;
DROP TRIGGER big_cities_insert;
"#;
    let c = run(sql, Dialect::Sqlite);
    let main = c.realm.schema("main").unwrap();
    let countries = main.table("countries", Dialect::Sqlite).unwrap();
    // The text key has an index of its own, numbered before the UNIQUE constraint's.
    assert!(countries.index("sqlite_autoindex_countries_2").is_some());
    assert_eq!(
        countries.checks[0].expr.as_str(),
        "(NOT name GLOB '*[0-9]*')"
    );
    let cities = main.table("cities", Dialect::Sqlite).unwrap();
    // The rowid has no index: the constraint is the first.
    assert!(cities.index("sqlite_autoindex_cities_1").is_some());
    assert_eq!(cities.foreign_keys[0].ref_columns, vec!["code".to_string()]);
    let ix = cities.index("cities_name").unwrap();
    assert_eq!(ix.parts[0].key, IndexKey::Column("name".into()));
    assert_eq!(ix.parts[0].collation.as_deref(), Some("BINARY"));
    assert_eq!(ix.parts[1].collation.as_deref(), Some("NOCASE"));
    let tr = &cities.triggers[0];
    assert_eq!(tr.timing, TriggerTiming::Before, "SQLite's default");
    assert!(tr.for_each_row);
    assert_eq!(
        tr.when.as_ref().unwrap().as_str(),
        "OLD.name IS NOT NEW.name"
    );
    assert_eq!(
        tr.body.as_deref(),
        Some("BEGIN\n  SELECT RAISE(ABORT, 'no renames');\nEND")
    );
    // A trigger on a view is kept whole, as the inspector keeps it; dropping it removes it.
    let on_views: Vec<_> = main
        .unsupported
        .iter()
        .filter(|u| u.kind == "trigger")
        .collect();
    assert_eq!(on_views.len(), 1, "{on_views:?}");
    assert_eq!(on_views[0].name.as_deref(), Some("big_cities_delete"));
    assert!(
        on_views[0]
            .raw
            .starts_with("CREATE TRIGGER big_cities_delete INSTEAD OF DELETE")
    );
    assert!(on_views[0].raw.ends_with("END"));
}

#[test]
fn mariadb_column_spellings() {
    let c = run(
        "CREATE TABLE t (\n  id int PRIMARY KEY,\n  doc LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin CHECK (json_valid(doc)),\n  word varchar(64) BINARY NOT NULL,\n  blob_key tinyblob NOT NULL,\n  UNIQUE KEY blob_key (blob_key) USING HASH COMMENT 'by hash'\n) DEFAULT CHARSET=latin1;",
        Dialect::MARIADB,
    );
    let t = c.realm.schemas[0].table("t", Dialect::MARIADB).unwrap();
    // MariaDB's JSON is LONGTEXT with that check: the column is JSON, with no check beside.
    let doc = t.column("doc").unwrap();
    assert_eq!(doc.ty, my(MyType::Json));
    assert_eq!(doc.collation, None);
    assert!(t.checks.is_empty());
    // BINARY is the binary collation of the column's charset (here the table's).
    assert_eq!(
        t.column("word").unwrap().collation.as_deref(),
        Some("latin1_bin")
    );
    let ix = t.index("blob_key").unwrap();
    assert_eq!(ix.method, IndexMethod::Hash);
    assert_eq!(ix.comment.as_deref(), Some("by hash"));
}
