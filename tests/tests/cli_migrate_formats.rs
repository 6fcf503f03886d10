//! Other tools' migration directories (golang-migrate, goose, dbmate, flyway, liquibase): each
//! fixture directory, written here, is hashed, listed, applied in place and reported by
//! `migrate status` on SQLite and PostgreSQL, then converted by `migrate import` into an Atlas
//! directory that validates and applies to the same tables.

use std::path::{Path, PathBuf};

use cairn_tests::{
    cairn, pg_rows, pg_scratch, sqlite_rows, stderr, stdout, unique_name, with_search_path,
};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_formats"));
    std::fs::create_dir_all(d.join("src")).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join("src").join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[derive(Clone, Copy, PartialEq)]
enum Db {
    Sqlite,
    Postgres,
}

/// A statement that holds `;` inside: a trigger body on SQLite, a function body on PostgreSQL.
fn block(db: Db) -> &'static str {
    match db {
        Db::Sqlite => {
            "CREATE TRIGGER users_log AFTER INSERT ON users BEGIN\n  INSERT INTO posts (id, user_id) VALUES (NEW.id, NEW.id);\nEND;\n"
        }
        Db::Postgres => {
            "CREATE FUNCTION one() RETURNS int AS $$\nBEGIN\n  RETURN 1;\nEND;\n$$ LANGUAGE plpgsql;\n"
        }
    }
}

/// Writes a fixture directory of `format`; returns the converted file names `migrate ls` shows
/// and the tables the migrations create.
fn fixture(dir: &Path, format: &str, db: Db) -> (Vec<&'static str>, Vec<&'static str>) {
    match format {
        "golang-migrate" => {
            write(
                dir,
                "000001_users.up.sql",
                "CREATE TABLE users (id int PRIMARY KEY, name text);\n",
            );
            write(dir, "000001_users.down.sql", "DROP TABLE users;\n");
            write(
                dir,
                "000002_posts.up.sql",
                "CREATE TABLE posts (id int, user_id int);\nCREATE INDEX posts_user ON posts (user_id);\n",
            );
            write(dir, "000002_posts.down.sql", "DROP TABLE posts;\n");
            (
                vec!["000001_users.sql", "000002_posts.sql"],
                vec!["posts", "users"],
            )
        }
        "goose" => {
            write(
                dir,
                "00001_users.sql",
                "-- +goose Up\nCREATE TABLE users (id int PRIMARY KEY, name text);\nCREATE TABLE posts (id int, user_id int);\n\n-- +goose Down\nDROP TABLE posts;\nDROP TABLE users;\n",
            );
            write(
                dir,
                "00002_block.sql",
                &format!(
                    "-- +goose Up\n-- +goose StatementBegin\n{}-- +goose StatementEnd\nCREATE TABLE tags (id int);\n\n-- +goose Down\nDROP TABLE tags;\n",
                    block(db)
                ),
            );
            write(
                dir,
                "00003_index.sql",
                "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX tags_id ON tags (id);\n-- +goose Down\nDROP INDEX tags_id;\n",
            );
            (
                vec!["00001_users.sql", "00002_block.sql", "00003_index.sql"],
                vec!["posts", "tags", "users"],
            )
        }
        "dbmate" => {
            write(
                dir,
                "20240101000001_users.sql",
                "-- migrate:up\nCREATE TABLE users (id int PRIMARY KEY, name text);\n\n-- migrate:down\nDROP TABLE users;\n",
            );
            write(
                dir,
                "20240101000002_posts.sql",
                "-- migrate:up transaction:false\nCREATE TABLE posts (id int, user_id int);\n\n-- migrate:down\nDROP TABLE posts;\n",
            );
            (
                vec!["20240101000001_users.sql", "20240101000002_posts.sql"],
                vec!["posts", "users"],
            )
        }
        "flyway" => {
            write(
                dir,
                "V1__users.sql",
                "CREATE TABLE users (id int PRIMARY KEY, name text);\n",
            );
            write(dir, "U1__users.sql", "DROP TABLE users;\n");
            write(
                dir,
                "more/V2__posts.sql",
                "CREATE TABLE posts (id int, user_id int);\n",
            );
            write(
                dir,
                "R__names.sql",
                "CREATE VIEW names AS SELECT name FROM users;\n",
            );
            (
                vec!["1_users.sql", "2_posts.sql", "2R1_names.sql"],
                vec!["posts", "users"],
            )
        }
        "liquibase" => {
            write(
                dir,
                "1_init.sql",
                "--liquibase formatted sql\n\n--changeset ada:1\nCREATE TABLE users (id int PRIMARY KEY, name text);\n--rollback DROP TABLE users;\n\n--changeset ada:2\n--comment: posts of users\nCREATE TABLE posts (id int, user_id int);\n--rollback DROP TABLE posts;\n",
            );
            (vec!["1_init.sql"], vec!["posts", "users"])
        }
        other => panic!("no fixture for {other}"),
    }
}

const FORMATS: [&str; 5] = ["golang-migrate", "goose", "dbmate", "flyway", "liquibase"];

async fn sqlite_tables(db: &Path) -> Vec<String> {
    sqlite_rows(
        db,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'atlas_schema_revisions' ORDER BY name",
    )
    .await
    .into_iter()
    .filter_map(|r| r[0].clone())
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_applies_each_format_in_place_and_after_import() {
    for format in FORMATS {
        let dir = tempdir();
        let (names, tables) = fixture(&dir, format, Db::Sqlite);
        let src = format!("file://src?format={format}");
        let o = cairn(&dir, &["migrate", "hash", "--dir", &src]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        let ls = cairn(&dir, &["migrate", "ls", "--dir", &src]);
        assert_eq!(
            stdout(&ls).lines().collect::<Vec<_>>(),
            names,
            "{format}: {}",
            stderr(&ls)
        );

        let db = dir.join("in_place.db");
        let url = format!("sqlite://{}", db.display());
        let o = cairn(&dir, &["migrate", "apply", "--dir", &src, "--url", &url]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert_eq!(sqlite_tables(&db).await, tables, "{format}");
        let st = cairn(&dir, &["migrate", "status", "--dir", &src, "--url", &url]);
        assert!(
            stdout(&st).starts_with("Migration Status: OK"),
            "{format}: {}",
            stdout(&st)
        );
        let again = cairn(&dir, &["migrate", "apply", "--dir", &src, "--url", &url]);
        assert!(
            stdout(&again).contains("No migration files to execute"),
            "{format}"
        );

        // --dir-format says the same as ?format=.
        let ls = cairn(
            &dir,
            &[
                "migrate",
                "ls",
                "--dir",
                "file://src",
                "--dir-format",
                format,
            ],
        );
        assert_eq!(stdout(&ls).lines().collect::<Vec<_>>(), names, "{format}");

        let o = cairn(
            &dir,
            &[
                "migrate",
                "import",
                "--from",
                &src,
                "--to",
                "file://migrations",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert!(dir.join("migrations/atlas.sum").exists());
        let o = cairn(&dir, &["migrate", "validate"]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        let imported = dir.join("imported.db");
        let url = format!("sqlite://{}", imported.display());
        let o = cairn(&dir, &["migrate", "apply", "--url", &url]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        assert_eq!(sqlite_tables(&imported).await, tables, "{format}");
        // No down statement survives the import.
        for entry in std::fs::read_dir(dir.join("migrations")).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            assert!(!text.contains("DROP"), "{format}: {text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_applies_each_format_in_place_and_after_import() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    for format in FORMATS {
        let dir = tempdir();
        let (_, tables) = fixture(&dir, format, Db::Postgres);
        let schema = format.replace('-', "_");
        pg_rows(&scratch.url, &format!("CREATE SCHEMA {schema}")).await;
        let src = format!("file://src?format={format}");
        let o = cairn(&dir, &["migrate", "hash", "--dir", &src]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        let url = with_search_path(&scratch.url, &schema);
        let o = cairn(&dir, &["migrate", "apply", "--dir", &src, "--url", &url]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        let got: Vec<String> = pg_rows(
            &scratch.url,
            &format!(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = '{schema}' AND tablename <> 'atlas_schema_revisions' ORDER BY 1"
            ),
        )
        .await
        .into_iter()
        .filter_map(|r| r[0].clone())
        .collect();
        assert_eq!(got, tables, "{format}");
        let st = cairn(&dir, &["migrate", "status", "--dir", &src, "--url", &url]);
        assert!(
            stdout(&st).starts_with("Migration Status: OK"),
            "{format}: {}",
            stdout(&st)
        );

        let o = cairn(
            &dir,
            &[
                "migrate",
                "import",
                "--from",
                &src,
                "--to",
                "file://migrations",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        let imported = format!("{schema}_imported");
        pg_rows(&scratch.url, &format!("CREATE SCHEMA {imported}")).await;
        let url = with_search_path(&scratch.url, &imported);
        let o = cairn(&dir, &["migrate", "apply", "--url", &url]);
        assert_eq!(o.status.code(), Some(0), "{format}: {}", stderr(&o));
        let got: Vec<String> = pg_rows(
            &scratch.url,
            &format!(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = '{imported}' AND tablename <> 'atlas_schema_revisions' ORDER BY 1"
            ),
        )
        .await
        .into_iter()
        .filter_map(|r| r[0].clone())
        .collect();
        assert_eq!(got, tables, "{format} imported");
    }
}

#[test]
fn import_and_writes_refuse_bad_input() {
    let dir = tempdir();
    write(&dir, "00001_x.sql", "CREATE TABLE x (id int);\n");
    // A goose file without its annotation.
    let o = cairn(
        &dir,
        &[
            "migrate",
            "import",
            "--from",
            "file://src?format=goose",
            "--to",
            "file://migrations",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("00001_x.sql: not a goose migration"),
        "{}",
        stderr(&o)
    );
    // An Atlas source, and writing Atlas files into another tool's directory.
    let o = cairn(&dir, &["migrate", "import", "--from", "file://src"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("give its format"), "{}", stderr(&o));
    let o = cairn(
        &dir,
        &["migrate", "new", "x", "--dir", "file://src?format=dbmate"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("migrate import"), "{}", stderr(&o));
    // A version V10 after V9: flyway's numeric order, kept by zero-padding on import.
    let dir = tempdir();
    write(&dir, "V9__a.sql", "CREATE TABLE a (id int);\n");
    write(&dir, "V10__b.sql", "CREATE TABLE b (id int);\n");
    let o = cairn(
        &dir,
        &[
            "migrate",
            "import",
            "--from",
            "file://src?format=flyway",
            "--to",
            "file://migrations",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ls = cairn(&dir, &["migrate", "ls"]);
    assert_eq!(stdout(&ls), "09_a.sql\n10_b.sql\n");
}
