//! Online constraints end to end on PostgreSQL: a foreign key and a check added to a table that
//! holds rows, and a column of it set NOT NULL, are planned NOT VALID and validated at the end of
//! the plan, each VALIDATE in a transaction of its own, and the column set NOT NULL through a
//! validated helper check, by `schema apply` and by `migrate diff` (whose validations, and the
//! helper's SET NOT NULL steps, go to a second file). Applied for real, the constraints end
//! validated (`pg_constraint.convalidated`), the helper checks are gone, the next plan is empty
//! and a dry run changes nothing; the lint rules PG303/PG305/PG306 stay quiet on these plans
//! (and `cairn lint` on the files `migrate diff` wrote) but fire when `online_constraints` is off
//! (flag or project file), as they do on a hand-written migration (see cli_not_valid.rs).

use std::path::{Path, PathBuf};

use cairn_tests::{cairn, pg_rows, pg_scratch, stderr, stdout, unique_name, with_search_path};

const CURRENT: &str = "CREATE TABLE users (id bigint PRIMARY KEY);\n\
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int, note text);\n";

/// The desired state: a foreign key and a check on `orders`, `total` NOT NULL, and a new table
/// whose constraints are created with it.
const DESIRED: &str = "CREATE TABLE users (id bigint PRIMARY KEY);\n\
CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  user_id bigint,\n  total int NOT NULL,\n  note text,\n\
  CONSTRAINT orders_total_positive CHECK (total >= 0),\n\
  CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)\n);\n\
CREATE TABLE items (\n  id bigint PRIMARY KEY,\n  order_id bigint REFERENCES orders (id),\n\
  CONSTRAINT items_id_positive CHECK (id > 0)\n);\n";

fn project(files: &[(&str, &str)]) -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_online"));
    std::fs::create_dir_all(&d).unwrap();
    for (name, text) in files {
        std::fs::write(d.join(name), text).unwrap();
    }
    d
}

/// A fresh database holding CURRENT with 1,000 orders (their rows satisfy DESIRED); its URL.
async fn seeded() -> Option<(cairn_tests::PgScratch, String)> {
    let scratch = pg_scratch().await?;
    for sql in [
        "CREATE TABLE users (id bigint PRIMARY KEY)",
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint, total int, note text)",
        "INSERT INTO users SELECT g FROM generate_series(1, 100) g",
        "INSERT INTO orders SELECT g, g % 100 + 1, g, NULL FROM generate_series(1, 1000) g",
        "ANALYZE",
    ] {
        pg_rows(&scratch.url, sql).await;
    }
    let url = with_search_path(&scratch.url, "public");
    Some((scratch, url))
}

/// The check and foreign key constraints of a table with `convalidated`, by name.
async fn constraints(url: &str, table: &str) -> Vec<(String, String)> {
    pg_rows(
        url,
        &format!(
            "SELECT conname::text, convalidated::text FROM pg_constraint \
             WHERE conrelid = 'public.{table}'::regclass AND contype IN ('c', 'f') ORDER BY conname"
        ),
    )
    .await
    .into_iter()
    .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap()))
    .collect()
}

async fn not_null(url: &str, table: &str, column: &str) -> bool {
    let rows = pg_rows(
        url,
        &format!(
            "SELECT attnotnull::text FROM pg_attribute \
             WHERE attrelid = 'public.{table}'::regclass AND attname = '{column}'"
        ),
    )
    .await;
    rows[0][0].as_deref() == Some("true")
}

fn apply(dir: &Path, url: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "schema",
        "apply",
        "--url",
        url,
        "--to",
        "file://desired.sql",
        "--dialect",
        "postgres",
    ];
    args.extend_from_slice(extra);
    cairn(dir, &args)
}

fn codes(text: &str) -> Vec<&str> {
    ["PG303", "PG305", "PG306"]
        .into_iter()
        .filter(|c| text.contains(&format!("[{c}]")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_apply_validates_in_transactions_of_their_own() {
    let Some((_scratch, url)) = seeded().await else {
        return;
    };
    let dir = project(&[("desired.sql", DESIRED)]);

    // The dry run prints the online plan and changes nothing.
    let dry = apply(&dir, &url, &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(0), "{}", stderr(&dry));
    let plan = stdout(&dry);
    for want in [
        r#"ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_total_positive" CHECK (total >= 0) NOT VALID"#,
        r#"ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_user_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") NOT VALID"#,
        r#"ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "orders_total_positive""#,
        r#"ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "orders_user_fk""#,
        r#"ALTER TABLE "public"."orders" ADD CONSTRAINT "cairn_nn_orders_total" CHECK ("total" IS NOT NULL) NOT VALID"#,
        r#"ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "cairn_nn_orders_total""#,
        r#"ALTER TABLE "public"."orders" ALTER COLUMN "total" SET NOT NULL"#,
        r#"ALTER TABLE "public"."orders" DROP CONSTRAINT "cairn_nn_orders_total""#,
        "-- hazards: data-dependent, lock SHARE UPDATE EXCLUSIVE, in a new transaction",
    ] {
        assert!(plan.contains(want), "missing {want}:\n{plan}");
    }
    // The new table's constraints are created with it, validated.
    assert!(!plan.contains("\"items\" ADD"), "{plan}");
    assert!(!plan.contains("\"items\" VALIDATE"), "{plan}");
    assert_eq!(codes(&stderr(&dry)), Vec::<&str>::new(), "{}", stderr(&dry));
    assert_eq!(constraints(&url, "orders").await, []);
    assert!(!not_null(&url, "orders", "total").await);

    // Applied: the ADDs run in the first transaction, each validation in one of its own.
    let run = apply(&dir, &url, &["--auto-approve"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = format!("{}{}", stdout(&run), stderr(&run));
    let groups = out
        .lines()
        .filter(|l| l.starts_with("-- applying statements"))
        .count();
    assert_eq!(groups, 4, "{out}");
    let t = |s: &str| s.to_string();
    assert_eq!(
        constraints(&url, "orders").await,
        [
            (t("orders_total_positive"), t("true")),
            (t("orders_user_fk"), t("true")),
        ]
    );
    assert_eq!(
        constraints(&url, "items").await,
        [
            (t("items_id_positive"), t("true")),
            (t("items_order_id_fkey"), t("true")),
        ]
    );
    assert!(not_null(&url, "orders", "total").await);

    // Idempotent: the next plan is empty.
    let again = apply(&dir, &url, &["--dry-run"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("Schema is synced, no changes to be made"),
        "{}",
        stdout(&again)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_validation_leaves_the_constraint_not_valid_and_the_rest_applied() {
    let Some((_scratch, url)) = seeded().await else {
        return;
    };
    pg_rows(&url, "INSERT INTO orders VALUES (5000, 999, 1, NULL)").await;
    let dir = project(&[("desired.sql", DESIRED)]);
    let run = apply(&dir, &url, &["--auto-approve"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(stderr(&run).contains("orders_user_fk"), "{}", stderr(&run));
    // The first transaction (the NOT VALID adds, the new table) and the check's validation are
    // committed; the key stays NOT VALID, checking new rows only.
    let t = |s: &str| s.to_string();
    assert_eq!(
        constraints(&url, "orders").await,
        [
            (t("cairn_nn_orders_total"), t("false")),
            (t("orders_total_positive"), t("true")),
            (t("orders_user_fk"), t("false")),
        ]
    );
    // Once the row is fixed, the next apply validates what is left, reusing the helper check
    // (not dropping and adding it again), and drops it.
    pg_rows(&url, "DELETE FROM orders WHERE id = 5000").await;
    let run = apply(&dir, &url, &["--auto-approve"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = stdout(&run);
    assert!(
        !out.contains("ADD CONSTRAINT \"cairn_nn_orders_total\""),
        "{out}"
    );
    assert!(!stderr(&run).contains("CD102"), "{}", stderr(&run));
    assert_eq!(
        constraints(&url, "orders").await,
        [
            (t("orders_total_positive"), t("true")),
            (t("orders_user_fk"), t("true")),
        ]
    );
    assert!(not_null(&url, "orders", "total").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn online_constraints_can_be_turned_off_by_flag_or_project_file() {
    let Some((_scratch, url)) = seeded().await else {
        return;
    };
    let project_file = "env \"local\" {\n  diff {\n    online_constraints = false\n  }\n}\n";
    let dir = project(&[("desired.sql", DESIRED), ("cairn.hcl", project_file)]);
    for extra in [
        &["--dry-run", "--online-constraints=false"][..],
        &["--dry-run", "--env", "local"][..],
    ] {
        let dry = apply(&dir, &url, extra);
        assert_eq!(dry.status.code(), Some(0), "{extra:?}: {}", stderr(&dry));
        let plan = stdout(&dry);
        assert!(!plan.contains("NOT VALID"), "{extra:?}:\n{plan}");
        assert!(!plan.contains("VALIDATE"), "{extra:?}:\n{plan}");
        assert!(
            plan.contains(r#"ALTER TABLE "public"."orders" ALTER COLUMN "total" SET NOT NULL"#),
            "{plan}"
        );
        assert_eq!(
            codes(&stderr(&dry)),
            ["PG303", "PG305", "PG306"],
            "{extra:?}: {}",
            stderr(&dry)
        );
    }
    // The flag wins over the project file.
    let dry = apply(
        &dir,
        &url,
        &["--dry-run", "--env", "local", "--online-constraints"],
    );
    assert!(stdout(&dry).contains("NOT VALID"), "{}", stdout(&dry));
}

fn lint_codes(dir: &Path) -> Vec<String> {
    cairn_tests::lint_migrations_json(dir, "postgres")
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_diff_writes_the_validations_to_a_file_of_their_own() {
    let dir = project(&[("desired.sql", DESIRED)]);
    std::fs::create_dir_all(dir.join("migrations")).unwrap();
    std::fs::write(dir.join("migrations/1_init.sql"), CURRENT).unwrap();
    let o = cairn(&dir, &["migrate", "hash"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let diff = |dir: &Path| {
        cairn(
            dir,
            &[
                "migrate",
                "diff",
                "constraints",
                "--to",
                "file://desired.sql",
                "--dialect",
                "postgres",
            ],
        )
    };
    let o = diff(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(written.len(), 2, "{}", stdout(&o));
    assert!(written[0].ends_with("2_constraints.sql"), "{written:?}");
    assert!(
        written[1].ends_with("3_constraints_validate.sql"),
        "{written:?}"
    );
    let first = std::fs::read_to_string(dir.join(&written[0])).unwrap();
    let second = std::fs::read_to_string(dir.join(&written[1])).unwrap();
    assert!(first.contains("NOT VALID"), "{first}");
    assert!(!first.contains("VALIDATE"), "{first}");
    // The helper check of the online SET NOT NULL is added with the other constraints...
    assert!(
        first.contains(
            r#"ALTER TABLE "public"."orders" ADD CONSTRAINT "cairn_nn_orders_total" CHECK ("total" IS NOT NULL) NOT VALID"#
        ),
        "{first}"
    );
    assert!(!first.contains("SET NOT NULL"), "{first}");
    // More than one validation: each runs on its own, outside a file transaction.
    assert!(second.starts_with("-- atlas:txmode none\n"), "{second}");
    for want in [
        "VALIDATE CONSTRAINT \"orders_total_positive\"",
        "VALIDATE CONSTRAINT \"orders_user_fk\"",
    ] {
        assert!(second.contains(want), "missing {want}:\n{second}");
    }
    // ... and validated, then the column set NOT NULL and the helper dropped, in that order.
    let at = |want: &str| {
        second
            .find(want)
            .unwrap_or_else(|| panic!("missing {want}:\n{second}"))
    };
    let validate =
        at(r#"ALTER TABLE "public"."orders" VALIDATE CONSTRAINT "cairn_nn_orders_total""#);
    let set = at(r#"ALTER TABLE "public"."orders" ALTER COLUMN "total" SET NOT NULL"#);
    let drop = at(r#"ALTER TABLE "public"."orders" DROP CONSTRAINT "cairn_nn_orders_total""#);
    assert!(validate < set && set < drop, "{second}");
    // The directory's own lint does not flag what the planner wrote: no PostgreSQL rule, and
    // no dropped-check warning for the helper.
    let lint = lint_codes(&dir);
    assert!(
        !lint.iter().any(|c| c.starts_with("PG") || c == "CD102"),
        "{lint:?}"
    );
    // The directory is synced with the desired state.
    let o = diff(&dir);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("synced with the desired state"),
        "{}",
        stdout(&o)
    );

    // Applied to a database with rows (the first file is the table's history), for real.
    let Some((_scratch, url)) = seeded().await else {
        return;
    };
    let o = cairn(
        &dir,
        &["migrate", "apply", "--url", &url, "--baseline", "1"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = |s: &str| s.to_string();
    assert_eq!(
        constraints(&url, "orders").await,
        [
            (t("orders_total_positive"), t("true")),
            (t("orders_user_fk"), t("true")),
        ]
    );
    assert!(not_null(&url, "orders", "total").await);
    cairn_tests::assert_synced(&dir, &url, "file://desired.sql", &["--dialect", "postgres"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_diff_sets_not_null_plainly_when_online_constraints_are_off() {
    let project_file = "env \"local\" {\n  diff {\n    online_constraints = false\n  }\n}\n";
    for extra in [&["--online-constraints=false"][..], &["--env", "local"][..]] {
        let dir = project(&[("desired.sql", DESIRED), ("cairn.hcl", project_file)]);
        std::fs::create_dir_all(dir.join("migrations")).unwrap();
        std::fs::write(dir.join("migrations/1_init.sql"), CURRENT).unwrap();
        let o = cairn(&dir, &["migrate", "hash"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let mut args = vec![
            "migrate",
            "diff",
            "constraints",
            "--to",
            "file://desired.sql",
            "--dialect",
            "postgres",
        ];
        args.extend_from_slice(extra);
        let o = cairn(&dir, &args);
        assert_eq!(o.status.code(), Some(0), "{extra:?}: {}", stderr(&o));
        let written: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
        assert_eq!(written.len(), 1, "{extra:?}: {}", stdout(&o));
        let file = std::fs::read_to_string(dir.join(&written[0])).unwrap();
        assert!(
            file.contains(r#"ALTER TABLE "public"."orders" ALTER COLUMN "total" SET NOT NULL"#),
            "{extra:?}:\n{file}"
        );
        for not in ["cairn_nn", "NOT VALID", "VALIDATE"] {
            assert!(!file.contains(not), "{extra:?}: {not}:\n{file}");
        }
        // Lint flags the plain SET NOT NULL and the constraints validated as they are added.
        let lint = lint_codes(&dir);
        for code in ["PG303", "PG305", "PG306"] {
            assert!(lint.iter().any(|c| c == code), "{extra:?}: {lint:?}");
        }
        let Some((_scratch, url)) = seeded().await else {
            return;
        };
        let o = cairn(
            &dir,
            &["migrate", "apply", "--url", &url, "--baseline", "1"],
        );
        assert_eq!(o.status.code(), Some(0), "{extra:?}: {}", stderr(&o));
        assert!(not_null(&url, "orders", "total").await);
        cairn_tests::assert_synced(&dir, &url, "file://desired.sql", &["--dialect", "postgres"]);
    }
}
