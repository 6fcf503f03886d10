//! `cairn lint --url DB`: the live database's row estimates reach the row-count-aware rules
//! (LK101 rewrites, LK102 long locks) — on PostgreSQL and MariaDB scratch databases holding
//! 20,000 rows, with `big_table_rows` lowered by the project's lint policy.

use std::path::{Path, PathBuf};

use cairn_tests::{
    cairn, mysql_scratch, pg_scratch, stderr, stdout, unique_name, with_search_path,
};
use sqlx::Connection;

fn project(files: &[(&str, &str)]) -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_rows"));
    std::fs::create_dir_all(d.join("m")).unwrap();
    std::fs::write(d.join("m/atlas.sum"), "").unwrap();
    for (n, t) in files {
        std::fs::write(d.join("m").join(n), t).unwrap();
    }
    std::fs::write(
        d.join("atlas.hcl"),
        "lint {\n  params = { big_table_rows = 10000 }\n}\n",
    )
    .unwrap();
    d
}

fn lint(dir: &Path, url: &str) -> (Option<i32>, Vec<(String, String)>) {
    let o = cairn(dir, &["lint", "m", "--url", url, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o))
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(&o), stderr(&o)));
    let d = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (o.status.code(), d)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_row_estimates_feed_lk_rules() {
    let Some(db) = pg_scratch().await else { return };
    let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE events (id int, n int, kind text);
         INSERT INTO events SELECT g, g, 'k' FROM generate_series(1, 20000) g;
         CREATE TABLE small (id int, n int);
         ANALYZE events; ANALYZE small;",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    let dir = project(&[
        (
            "1_init.sql",
            "CREATE TABLE events (id int, n int, kind text);\nCREATE TABLE small (id int, n int);\n",
        ),
        (
            "2_change.sql",
            // Timeouts set, so the lock findings are the row-count-aware ones (LK101/LK102).
            "SET lock_timeout = '2s';\nSET statement_timeout = '10min';\nALTER TABLE events ALTER COLUMN n TYPE bigint;\nALTER TABLE small ALTER COLUMN n TYPE bigint;\nCREATE INDEX events_kind ON events (kind);\n",
        ),
    ]);
    let url = with_search_path(&db.url, "public");
    let (code, d) = lint(&dir, &url);
    assert_eq!(code, Some(0), "{d:?}");
    let lk: Vec<&(String, String)> = d.iter().filter(|x| x.0.starts_with("LK")).collect();
    assert_eq!(lk.len(), 2, "{d:?}");
    assert_eq!(lk[0].0, "LK101");
    assert!(
        lk[0].1.starts_with("rewrites events, about ")
            && lk[0].1.ends_with(" rows, under ACCESS EXCLUSIVE"),
        "{d:?}"
    );
    // At human scale: about 20K rows.
    let shown = lk[0].1["rewrites events, about ".len()..]
        .split(' ')
        .next()
        .unwrap();
    let thousands: f64 = shown
        .strip_suffix('K')
        .unwrap_or_else(|| panic!("{shown}"))
        .parse()
        .unwrap();
    assert!((15.0..=25.0).contains(&thousands), "{shown}");
    assert_eq!(lk[1].0, "LK102");
    assert!(lk[1].1.contains("holds SHARE on events"), "{d:?}");
    // The small table's rewrite is PG301 only; without --url no LK finding at all.
    assert_eq!(d.iter().filter(|x| x.0 == "PG301").count(), 2, "{d:?}");
    let o = cairn(
        &dir,
        &["lint", "m", "--dialect", "postgres", "--format", "json"],
    );
    assert!(!stdout(&o).contains("LK10"), "{}", stdout(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_row_estimates_feed_lk_rules() {
    let Some(db) = mysql_scratch().await else {
        return;
    };
    let mut c = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
    sqlx::raw_sql(
        "SET SESSION max_recursive_iterations = 100000;
         CREATE TABLE events (id int, n int);
         INSERT INTO events WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < 20000) SELECT g, g FROM s;
         ANALYZE TABLE events;",
    )
    .execute(&mut c)
    .await
    .unwrap();
    c.close().await.unwrap();
    let dir = project(&[
        ("1_init.sql", "CREATE TABLE events (id int, n int);\n"),
        ("2_change.sql", "ALTER TABLE events MODIFY n bigint;\n"),
    ]);
    let (code, d) = lint(&dir, &db.url);
    assert_eq!(code, Some(0), "{d:?}");
    let lk: Vec<&(String, String)> = d.iter().filter(|x| x.0 == "LK101").collect();
    assert_eq!(lk.len(), 1, "{d:?}");
    assert!(lk[0].1.starts_with("rewrites events, about "), "{d:?}");
    assert!(d.iter().any(|x| x.0 == "MY130"), "{d:?}");
}
