//! MariaDB events through `cairn schema apply` / `schema diff` / `schema inspect`: an event is
//! created after the table its body uses, a changed event is replaced, a removed one is dropped,
//! and after every step the next plan is empty.

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, my_rows, mysql_scratch, stderr, stdout, unique_name};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_events"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn apply(dir: &Path, url: &str, file: &str) -> String {
    let to = format!("file://{file}");
    let o = cairn(
        dir,
        &[
            "schema",
            "apply",
            "--url",
            url,
            "--to",
            &to,
            "--auto-approve",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(!stderr(&o).contains("E101"), "{}", stderr(&o));
    stdout(&o)
}

fn assert_synced(dir: &Path, url: &str, file: &str) {
    let to = format!("file://{file}");
    let o = cairn(dir, &["schema", "diff", "--from", url, "--to", &to]);
    assert!(
        stdout(&o).contains("Schemas are synced"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
}

async fn events(url: &str, schema: &str) -> Vec<Vec<Option<String>>> {
    my_rows(
        url,
        &format!(
            "SELECT EVENT_NAME, EVENT_TYPE, CAST(INTERVAL_VALUE AS CHAR), INTERVAL_FIELD, \
             CAST(EXECUTE_AT AS CHAR), STATUS, ON_COMPLETION, EVENT_COMMENT \
             FROM information_schema.EVENTS WHERE EVENT_SCHEMA = '{schema}' ORDER BY EVENT_NAME"
        ),
    )
    .await
}

fn row(cells: &[&str]) -> Vec<Option<String>> {
    cells
        .iter()
        .map(|c| (*c != "NULL").then(|| c.to_string()))
        .collect()
}

const V1: &str = "
CREATE TABLE records (id int PRIMARY KEY, created_at datetime NOT NULL);
CREATE EVENT cleanup
  ON SCHEDULE EVERY 1 DAY
  DO BEGIN
    DELETE FROM records WHERE created_at < NOW() - INTERVAL 30 DAY;
  END;
";

const V2: &str = "
CREATE TABLE records (id int PRIMARY KEY, created_at datetime NOT NULL);
CREATE EVENT cleanup
  ON SCHEDULE EVERY 2 HOUR
  ON COMPLETION PRESERVE
  DISABLE
  COMMENT 'purge old data'
  DO DELETE FROM records WHERE created_at < NOW() - INTERVAL 7 DAY;
CREATE EVENT compact ON SCHEDULE EVERY '1 4' DAY_HOUR DO DELETE FROM records WHERE id < 0;
CREATE EVENT once ON SCHEDULE AT '2035-01-01 00:00:00' ON COMPLETION PRESERVE DO DELETE FROM records;
";

const V3: &str = "
CREATE TABLE records (id int PRIMARY KEY, created_at datetime NOT NULL);
CREATE EVENT compact ON SCHEDULE EVERY '1 4' DAY_HOUR DO DELETE FROM records WHERE id < 0;
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_events_create_modify_drop_converge() {
    let Some(db) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    for (name, text) in [("v1.sql", V1), ("v2.sql", V2), ("v3.sql", V3)] {
        std::fs::write(dir.join(name), text).unwrap();
    }

    // Create: the table first, then the event that uses it.
    let out = apply(&dir, &db.url, "v1.sql");
    let table_at = out.find("CREATE TABLE").expect(&out);
    let event_at = out.find("CREATE EVENT").expect(&out);
    assert!(table_at < event_at, "{out}");
    assert_synced(&dir, &db.url, "v1.sql");
    assert_eq!(
        events(&db.url, &db.name).await,
        vec![row(&[
            "cleanup",
            "RECURRING",
            "1",
            "DAY",
            "NULL",
            "ENABLED",
            "NOT PRESERVE",
            ""
        ])]
    );

    // Inspect shows the event under its own key.
    let o = cairn(
        &dir,
        &["schema", "inspect", "--url", &db.url, "--format", "json"],
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("{e}: {}", stderr(&o)));
    let names: Vec<&str> = json["schemas"][0]["events"]
        .as_array()
        .expect("an events key")
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cleanup"]);

    // Modify one event (schedule, completion, status, comment, body) and add two more.
    let plan = cairn(
        &dir,
        &["schema", "diff", "--from", &db.url, "--to", "file://v2.sql"],
    );
    let plan = stdout(&plan);
    assert!(plan.contains("DROP EVENT"), "{plan}");
    assert_eq!(plan.matches("CREATE EVENT").count(), 3, "{plan}");
    apply(&dir, &db.url, "v2.sql");
    assert_synced(&dir, &db.url, "v2.sql");
    assert_eq!(
        events(&db.url, &db.name).await,
        vec![
            row(&[
                "cleanup",
                "RECURRING",
                "2",
                "HOUR",
                "NULL",
                "DISABLED",
                "PRESERVE",
                "purge old data"
            ]),
            row(&[
                "compact",
                "RECURRING",
                "'1 4'",
                "DAY_HOUR",
                "NULL",
                "ENABLED",
                "NOT PRESERVE",
                ""
            ]),
            row(&[
                "once",
                "ONE TIME",
                "NULL",
                "NULL",
                "2035-01-01 00:00:00",
                "ENABLED",
                "PRESERVE",
                ""
            ]),
        ]
    );

    // Drop two; the one kept is untouched.
    let out = apply(&dir, &db.url, "v3.sql");
    assert_eq!(out.matches("DROP EVENT").count(), 2, "{out}");
    assert!(!out.contains("CREATE EVENT"), "{out}");
    assert_synced(&dir, &db.url, "v3.sql");
    let left: Vec<_> = events(&db.url, &db.name)
        .await
        .into_iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(left, vec![Some("compact".to_string())]);
    let _ = std::fs::remove_dir_all(&dir);
}
