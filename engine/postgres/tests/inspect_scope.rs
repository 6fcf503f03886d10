//! Live tests of what an inspection covers (`--schema`, `--exclude`, the revisions table) and of
//! its cost: the number of statements sent does not grow with the number of tables.

mod common;

use cairn_core::{Driver, InspectOptions};
use cairn_ir::Dialect;
use common::{TempDatabase, TempSchema};

fn opts(schemas: &[&str], exclude: &[&str]) -> InspectOptions {
    InspectOptions {
        schemas: schemas.iter().map(|s| s.to_string()).collect(),
        exclude: exclude.iter().map(|s| s.to_string()).collect(),
    }
}

#[tokio::test]
async fn excludes_apply_in_schema_scope() {
    let Some(admin) = common::server().await else {
        return;
    };
    let schema = TempSchema::create(&admin).await;
    let d = schema.driver().await;
    d.execute(
        "CREATE TABLE users (id int PRIMARY KEY, email text, password_hash text);
         CREATE INDEX users_email_idx ON users (email);
         CREATE TABLE secret_keys (id int);
         CREATE TABLE atlas_schema_revisions (version text PRIMARY KEY);
         CREATE VIEW active_users AS SELECT id FROM users;
         CREATE FUNCTION f_keep() RETURNS int LANGUAGE sql AS 'SELECT 1';
         CREATE FUNCTION f_drop() RETURNS int LANGUAGE sql AS 'SELECT 2';",
    )
    .await
    .expect("schema runs");

    let all = d.inspect(&InspectOptions::default()).await.unwrap();
    let s = &all.schemas[0];
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        ["secret_keys", "users"],
        "the revisions table is never inspected"
    );
    assert_eq!(s.views.len(), 1);

    let o = opts(
        &[],
        &[
            "secret*",
            "users.password_hash",
            "users.users_email_idx",
            "*[type=view]",
            "f_drop",
        ],
    );
    let some = d.inspect(&o).await.unwrap();
    let s = &some.schemas[0];
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["users"]);
    let cols: Vec<&str> = s.tables[0]
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(cols, ["id", "email"]);
    assert!(s.tables[0].indexes.is_empty());
    assert!(s.views.is_empty());
    let fns: Vec<&str> = s.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(fns, ["f_keep"]);

    // Naming another schema leaves nothing in a schema-scoped inspection.
    let other = d.inspect(&opts(&["elsewhere"], &[])).await.unwrap();
    assert!(other.schemas.is_empty());
    d.close().await;
    admin.close().await;
}

#[tokio::test]
async fn schemas_and_excludes_apply_in_database_scope() {
    let Some(admin) = common::server().await else {
        return;
    };
    let db = TempDatabase::create(&admin).await;
    let d = db.driver().await;
    d.execute(
        "CREATE SCHEMA a; CREATE SCHEMA b;
         CREATE TABLE a.keep (id int); CREATE TABLE a.tmp_1 (id int);
         CREATE TABLE b.other (id int, note text);
         CREATE SCHEMA atlas_schema_revisions;
         CREATE TABLE atlas_schema_revisions.atlas_schema_revisions (version text);",
    )
    .await
    .expect("schemas run");

    let all = d.inspect(&InspectOptions::default()).await.unwrap();
    let names: Vec<&str> = all.schemas.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "public"]);

    let only_a = d.inspect(&opts(&["a"], &["a.tmp_*"])).await.unwrap();
    assert_eq!(only_a.schemas.len(), 1);
    let tables: Vec<&str> = only_a.schemas[0]
        .tables
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(tables, ["keep"]);

    let no_note = d.inspect(&opts(&[], &["b.other.note"])).await.unwrap();
    let other = no_note
        .schema("b")
        .unwrap()
        .table("other", Dialect::Postgres)
        .unwrap();
    assert_eq!(other.columns.len(), 1);
    d.close().await;
    drop(db);
    admin.close().await;
}

/// Creates `n` tables with keys, a check, an index and a foreign key each.
fn tables_sql(from: usize, to: usize) -> String {
    (from..to)
        .map(|i| {
            format!(
                "CREATE TABLE t{i} (id serial PRIMARY KEY, parent int REFERENCES t0 (id), \
                 name text NOT NULL CHECK (name <> ''), created timestamptz DEFAULT now());
                 CREATE INDEX t{i}_name_idx ON t{i} (lower(name));
                 COMMENT ON TABLE t{i} IS 'table {i}';"
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn catalog_queries_do_not_grow_with_tables() {
    let Some(admin) = common::server().await else {
        return;
    };
    let schema = TempSchema::create(&admin).await;
    let d = schema.driver().await;
    d.execute(&tables_sql(0, 1)).await.expect("one table");
    let count = |d: &cairn_postgres::PostgresDriver, bound: Option<String>| {
        let pool = d.pool().clone();
        async move {
            cairn_postgres::inspect::inspect_realm_counted(
                &pool,
                Dialect::Postgres,
                bound.as_deref(),
                &InspectOptions::default(),
            )
            .await
            .expect("inspection succeeds")
        }
    };
    let (one, with_one) = count(&d, Some(schema.name.clone())).await;
    assert_eq!(one.schemas[0].tables.len(), 1);
    d.execute(&tables_sql(1, 50)).await.expect("49 more tables");
    let (fifty, with_fifty) = count(&d, Some(schema.name.clone())).await;
    assert_eq!(fifty.schemas[0].tables.len(), 50);
    assert_eq!(fifty.schemas[0].tables[1].indexes.len(), 1);
    assert_eq!(with_one, with_fifty);
    // BEGIN, search_path, 12 catalog queries, ROLLBACK.
    assert_eq!(with_fifty, 15);

    // Database scope adds roles, privileges and default privileges, still a fixed list. A
    // database of its own keeps other tests' schemas out of the count.
    let db = TempDatabase::create(&admin).await;
    let dd = db.driver().await;
    dd.execute(&tables_sql(0, 1)).await.expect("one table");
    let (_, db_one) = count(&dd, None).await;
    dd.execute(&tables_sql(1, 50))
        .await
        .expect("49 more tables");
    let (db_realm, db_more) = count(&dd, None).await;
    assert_eq!(db_realm.schema("public").unwrap().tables.len(), 50);
    assert_eq!(db_one, db_more);
    assert_eq!(db_more, 19);
    dd.close().await;
    drop(db);
    d.close().await;
    admin.close().await;
}
