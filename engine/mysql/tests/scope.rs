//! What an inspection covers: exclude globs in schema and database scope, `--schema` narrowing,
//! the revisions table, qualified printing of several databases, and accounts with their global
//! privileges in server scope.

mod common;

use cairn_core::{Driver, InspectOptions};
use cairn_ir::{GrantObject, Privilege, QualifiedName, Realm};
use common::{Cleanup, assert_same, connect, inspect, rename_schema, scratch, unique};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excludes_in_schema_scope() {
    let Some(db) = scratch().await else { return };
    let driver = connect(Some(&db.name)).await;
    driver
        .execute(
            "CREATE TABLE users (id int PRIMARY KEY, email varchar(100), secret_token varchar(64), secret_salt varchar(64));
             CREATE TABLE tmp_import (id int);
             CREATE TABLE tmp_stage (id int);
             CREATE TABLE atlas_schema_revisions (version varchar(255) PRIMARY KEY);
             CREATE TRIGGER trg_users_audit BEFORE INSERT ON users FOR EACH ROW SET NEW.email = lower(NEW.email);
             CREATE TRIGGER keep_me BEFORE UPDATE ON users FOR EACH ROW SET NEW.email = lower(NEW.email);
             CREATE VIEW v_users AS SELECT id FROM users;
             CREATE VIEW users_view AS SELECT id FROM users;
             CREATE FUNCTION f_one() RETURNS int DETERMINISTIC RETURN 1;
             CREATE FUNCTION two() RETURNS int DETERMINISTIC RETURN 2",
        )
        .await
        .unwrap();

    let all = inspect(&driver, &InspectOptions::default()).await;
    let s = &all.schemas[0];
    let tables: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        tables,
        ["tmp_import", "tmp_stage", "users"],
        "the revisions table is never inspected"
    );

    let opts = InspectOptions {
        schemas: vec![],
        exclude: vec![
            "tmp_*".into(),
            "users.secret*".into(),
            "v_*[type=view]".into(),
            "users.trg_*[type=trigger]".into(),
            "f_*[type=function]".into(),
        ],
    };
    let realm = inspect(&driver, &opts).await;
    driver.close().await;
    let s = &realm.schemas[0];
    let tables: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tables, ["users"]);
    let users = &s.tables[0];
    let columns: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(columns, ["id", "email"]);
    let triggers: Vec<&str> = users.triggers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(triggers, ["keep_me"]);
    let views: Vec<&str> = s.views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(views, ["users_view"]);
    let functions: Vec<&str> = s.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(functions, ["two"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_scope_narrows_excludes_and_prints_qualified() {
    let Some(a) = scratch().await else { return };
    let Some(b) = scratch().await else { return };
    let Some(other) = scratch().await else { return };
    let server = connect(None).await;
    let (qa, qb) = (format!("`{}`", a.name), format!("`{}`", b.name));
    server
        .execute(&format!(
            "CREATE TABLE {qb}.customers (id int PRIMARY KEY, name varchar(50) NOT NULL);
             CREATE TABLE {qa}.orders (id int PRIMARY KEY, customer_id int NOT NULL,
               CONSTRAINT fk_customer FOREIGN KEY (customer_id) REFERENCES {qb}.customers (id));
             CREATE TABLE {qa}.skip_me (id int);
             CREATE VIEW {qa}.order_view AS SELECT o.id, c.name FROM {qa}.orders o JOIN {qb}.customers c ON c.id = o.customer_id;
             CREATE TABLE `{}`.not_in_scope (id int)",
            other.name
        ))
        .await
        .unwrap();

    let opts = InspectOptions {
        schemas: vec![a.name.clone(), b.name.clone()],
        exclude: vec![format!("{}.skip_me", a.name)],
    };
    let mut realm = inspect(&server, &opts).await;
    let names: Vec<&str> = realm.schemas.iter().map(|s| s.name.as_str()).collect();
    let mut expected = vec![a.name.as_str(), b.name.as_str()];
    expected.sort();
    assert_eq!(names, expected, "only the schemas asked for");
    let sa = realm.schema(&a.name).unwrap();
    let tables: Vec<&str> = sa.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        tables,
        ["orders"],
        "`schema.table` excludes in database scope"
    );
    assert_eq!(
        sa.tables[0].foreign_keys[0].ref_table,
        QualifiedName::new(Some(&b.name), "customers"),
        "a reference to another schema is qualified"
    );
    assert!(!realm.roles.is_empty(), "server scope reads the accounts");

    // Printed for two fresh databases (accounts aside: they are the server's), the statements
    // create both, qualified, and inspect back the same.
    realm.roles.clear();
    realm.permissions.clear();
    let (a2, b2) = (unique("cairn_t"), unique("cairn_t"));
    let _drop = Cleanup(format!(
        "SET SESSION foreign_key_checks = 0; DROP DATABASE IF EXISTS `{a2}`; DROP DATABASE IF EXISTS `{b2}`"
    ));
    let mut copy = realm.clone();
    rename_schema(&mut copy, &a.name, &a2);
    rename_schema(&mut copy, &b.name, &b2);
    for v in &mut copy.schemas.iter_mut().flat_map(|s| s.views.iter_mut()) {
        v.definition = v.definition.replace(&b.name, &b2).replace(&a.name, &a2);
    }
    let statements = cairn_mysql::create_statements(&copy);
    assert!(
        statements
            .iter()
            .any(|s| s == &format!("CREATE DATABASE `{a2}`")),
        "{statements:?}"
    );
    if let Err(e) = server.execute_batch(&statements, false).await {
        panic!(
            "statement {} failed: {}\n{}",
            e.applied + 1,
            e.error,
            statements.join(";\n")
        );
    }
    let opts2 = InspectOptions {
        schemas: vec![a2.clone(), b2.clone()],
        exclude: vec![],
    };
    let mut back = inspect(&server, &opts2).await;
    server.close().await;
    back.roles.clear();
    back.permissions.clear();
    for v in &mut back.schemas.iter_mut().flat_map(|s| s.views.iter_mut()) {
        v.definition = v.definition.replace(&b2, &b.name).replace(&a2, &a.name);
    }
    rename_schema(&mut back, &a2, &a.name);
    rename_schema(&mut back, &b2, &b.name);
    back.schemas.sort_by(|x, y| x.name.cmp(&y.name));
    // Row estimates depend on the data, not on the schema.
    for s in &mut realm.schemas {
        s.tables.iter_mut().for_each(|t| t.rows = None);
    }
    assert_same("two databases", &realm, &back);
}

/// Users, roles, membership and global privileges in server scope; printed under new names,
/// they are created and inspected back the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_in_server_scope() {
    let Some(db) = scratch().await else { return };
    let id = unique("x");
    let (user, role) = (format!("cairn_u_{id}"), format!("cairn_r_{id}"));
    let (user2, role2) = (format!("cairn_u2_{id}"), format!("cairn_r2_{id}"));
    let _accounts = Cleanup(format!(
        "DROP USER IF EXISTS '{user}'@'%'; DROP ROLE IF EXISTS {role}; DROP USER IF EXISTS '{user2}'@'%'; DROP ROLE IF EXISTS {role2}"
    ));
    let server = connect(None).await;
    server
        .execute(&format!(
            "CREATE USER '{user}'@'%' IDENTIFIED BY 'pw-{id}';
             CREATE ROLE {role};
             GRANT {role} TO '{user}'@'%';
             GRANT PROCESS, RELOAD ON *.* TO '{user}'@'%';
             GRANT SELECT ON `{}`.* TO {role}",
            db.name
        ))
        .await
        .unwrap();
    let opts = InspectOptions {
        schemas: vec![db.name.clone()],
        exclude: vec![],
    };
    let realm = inspect(&server, &opts).await;
    let account = format!("{user}@%");
    let u = realm.role(&account).expect("the user, as user@host");
    assert!(u.login && u.password_set);
    assert_eq!(u.member_of, std::slice::from_ref(&role));
    let r = realm.role(&role).expect("the role, by name");
    assert!(!r.login);
    let global = realm
        .permissions
        .iter()
        .find(|p| p.grantee == account && p.object == GrantObject::Global)
        .expect("global privileges");
    assert_eq!(
        global.privileges,
        [
            Privilege::Other("PROCESS".into()),
            Privilege::Other("RELOAD".into())
        ]
    );
    assert!(realm.permissions.iter().any(|p| p.grantee == role
        && p.object == GrantObject::Schema(db.name.clone())
        && p.privileges == [Privilege::Select]));

    // The same accounts under new names, printed and read back.
    let rename = |s: &str| s.replace(&user, &user2).replace(&role, &role2);
    let mut mine = Realm::new(realm.dialect);
    mine.roles = realm
        .roles
        .iter()
        .filter(|r| r.name == account || r.name == role)
        .cloned()
        .map(|mut r| {
            r.name = rename(&r.name);
            r.member_of = r.member_of.iter().map(|m| rename(m)).collect();
            // The password itself never enters the IR, so the copy has none.
            r.password_set = false;
            r
        })
        .collect();
    mine.permissions = realm
        .permissions
        .iter()
        .filter(|p| p.grantee == account || p.grantee == role)
        .cloned()
        .map(|mut p| {
            p.grantee = rename(&p.grantee);
            p
        })
        .collect();
    let statements = cairn_mysql::create_statements(&mine);
    if let Err(e) = server.execute_batch(&statements, false).await {
        panic!(
            "statement {} failed: {}\n{}",
            e.applied + 1,
            e.error,
            statements.join(";\n")
        );
    }
    let back = inspect(&server, &opts).await;
    server.close().await;
    let mut again = Realm::new(back.dialect);
    let names = [format!("{user2}@%"), role2.clone()];
    again.roles = back
        .roles
        .iter()
        .filter(|r| names.contains(&r.name))
        .cloned()
        .collect();
    again.permissions = back
        .permissions
        .iter()
        .filter(|p| names.contains(&p.grantee))
        .cloned()
        .collect();
    assert_same("accounts", &mine, &again);
}
