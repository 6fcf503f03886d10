//! `cairn_core::dev::replay_on_dev` on a real (in-memory) SQLite dev database: migration files
//! replayed in order give the state they produce, the dev database is emptied again, a failing
//! statement names its version, and a dev database that is not clean is refused.

use cairn_core::dev::{ReplayFile, replay_on_dev};
use cairn_core::{DbUrl, Driver, InspectOptions};
use cairn_sqlite::{SqliteDriver, connect};

async fn fresh(tag: &str) -> SqliteDriver {
    let name = format!("cairn_replay_{tag}_{}", std::process::id());
    let url = DbUrl::parse(&format!("sqlite://{name}?mode=memory")).expect("a valid URL");
    connect(&url, false).await.expect("an in-memory database")
}

fn file(version: &str, statements: &[&str]) -> ReplayFile {
    ReplayFile {
        version: version.into(),
        statements: statements.iter().map(|s| s.to_string()).collect(),
    }
}

#[tokio::test]
async fn replays_in_order_and_empties_the_dev_database() {
    let dev = fresh("ok").await;
    let files = [
        file("1", &["CREATE TABLE users (id int PRIMARY KEY, name text)"]),
        file(
            "2",
            &[
                "ALTER TABLE users RENAME COLUMN name TO full_name",
                "CREATE INDEX users_name ON users (full_name)",
            ],
        ),
    ];
    let realm = replay_on_dev(&dev, &files, &cairn_sqlite::plan::SqlitePlanner)
        .await
        .expect("replays");
    let users = realm.schemas[0]
        .table("users", cairn_ir::Dialect::Sqlite)
        .expect("users");
    assert!(users.column("full_name").is_some());
    assert!(users.column("name").is_none());
    assert_eq!(users.indexes.len(), 1);
    let after = dev.inspect(&InspectOptions::default()).await.unwrap();
    assert!(after.schemas.iter().all(|s| s.tables.is_empty()), "emptied");
}

#[tokio::test]
async fn a_failing_statement_names_its_version() {
    let dev = fresh("fail").await;
    let files = [
        file("1", &["CREATE TABLE t (id int)"]),
        file("2", &["INSERT INTO nope VALUES (1)"]),
    ];
    let err = replay_on_dev(&dev, &files, &cairn_sqlite::plan::SqlitePlanner)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("from version \"2\""), "{err}");
    assert!(err.contains("INSERT INTO nope"), "{err}");
    let after = dev.inspect(&InspectOptions::default()).await.unwrap();
    assert!(after.schemas.iter().all(|s| s.tables.is_empty()), "emptied");
}

#[tokio::test]
async fn a_dev_database_that_is_not_clean_is_refused() {
    let dev = fresh("dirty").await;
    dev.execute("CREATE TABLE left_over (id int)")
        .await
        .unwrap();
    let err = replay_on_dev(&dev, &[], &cairn_sqlite::plan::SqlitePlanner)
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("not clean"), "{err}");
}
