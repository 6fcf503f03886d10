//! Data sources of the project file, end to end through the binary: `external_schema` (the
//! SQLAlchemy provider, a failing program, invalid SQL), `hcl_schema` with `vars`,
//! `composite_schema`, `sql` (PostgreSQL and MariaDB), `external`, `runtimevar` and
//! `template_dir`.

use std::path::{Path, PathBuf};
use std::process::Command;

use cairn_tests::{
    cairn, cairn_bin, mysql_scratch, pg_scratch, stderr, stdout, unique_name, with_search_path,
};

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(unique_name("cairn_data"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn run_env(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(cairn_bin());
    c.args(args).current_dir(dir);
    for (k, v) in envs {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// The SQLAlchemy provider is installed (`pip install atlas-provider-sqlalchemy`).
fn provider_installed() -> bool {
    let ok = Command::new("atlas-provider-sqlalchemy")
        .arg("--help")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("atlas-provider-sqlalchemy is not installed under CI=true");
        }
        eprintln!(
            "SKIPPED: atlas-provider-sqlalchemy is not installed (pip install atlas-provider-sqlalchemy)"
        );
    }
    ok
}

const MODELS: &str = r#"from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
"#;

const BAD_MODEL: &str = r#"

class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40))
    __table_args__ = (Index("ix_sku", "sku"), Index("ix_sku", "id"))
"#;

fn sqlalchemy_project(dir: &Path, dialect: &str, url: &str) {
    write(dir, "models/__init__.py", "");
    write(dir, "models/shop.py", MODELS);
    write(
        dir,
        "atlas.hcl",
        &format!(
            r#"data "external_schema" "sqlalchemy" {{
  program = [
    "atlas-provider-sqlalchemy",
    "--path", "./models",
    "--dialect", "{dialect}",
  ]
}}

env "sqlalchemy" {{
  src = data.external_schema.sqlalchemy.url
  url = "{url}"
}}
"#
        ),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlalchemy_models_apply_on_postgres_and_diagnostics_point_at_the_model() {
    if !provider_installed() {
        return;
    }
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    let url = with_search_path(&scratch.url, "public");
    sqlalchemy_project(&dir, "postgresql", &url);
    let apply = cairn(
        &dir,
        &["schema", "apply", "--env", "sqlalchemy", "--auto-approve"],
    );
    assert!(apply.status.success(), "{}", stderr(&apply));
    let diff = cairn(&dir, &["schema", "diff", "--env", "sqlalchemy"]);
    assert!(
        stdout(&diff).contains("Schemas are synced"),
        "{}{}",
        stdout(&diff),
        stderr(&diff)
    );
    let inspect = cairn(
        &dir,
        &[
            "schema",
            "inspect",
            "--env",
            "sqlalchemy",
            "--format",
            "sql",
        ],
    );
    assert!(stdout(&inspect).contains("orders"), "{}", stdout(&inspect));

    // A model whose DDL is wrong: the diagnostic names the Python file and the class's line.
    let mut models = MODELS.to_string();
    models.push_str(BAD_MODEL);
    write(&dir, "models/shop.py", &models);
    let class_line = models
        .lines()
        .position(|l| l.starts_with("class Product"))
        .unwrap()
        + 1;
    let bad = cairn(&dir, &["schema", "diff", "--env", "sqlalchemy"]);
    assert_eq!(bad.status.code(), Some(1), "{}", stdout(&bad));
    let err = stderr(&bad);
    assert!(err.contains("ix_sku"), "{err}");
    assert!(
        err.contains(&format!("models/shop.py:{class_line}:1")),
        "the diagnostic points at the model: {err}"
    );
    assert!(
        err.contains("data.external_schema.sqlalchemy"),
        "it names the data block: {err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sqlalchemy_models_apply_on_sqlite() {
    if !provider_installed() {
        return;
    }
    let dir = tempdir();
    sqlalchemy_project(&dir, "sqlite", "sqlite://app.db");
    let apply = cairn(
        &dir,
        &["schema", "apply", "--env", "sqlalchemy", "--auto-approve"],
    );
    assert!(apply.status.success(), "{}", stderr(&apply));
    let diff = cairn(&dir, &["schema", "diff", "--env", "sqlalchemy", "--check"]);
    assert_eq!(diff.status.code(), Some(0), "{}", stdout(&diff));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn failing_programs_and_invalid_sql_name_the_project_line() {
    let dir = tempdir();
    write(
        &dir,
        "atlas.hcl",
        r#"data "external_schema" "broken" {
  program = ["sh", "-c", "echo 'boom: models not found' >&2; exit 3"]
}

data "external_schema" "garbage" {
  program = ["echo", "CREATE TABLE t (id int);\nCREATE TABLE (;"]
}

env "broken" {
  src = data.external_schema.broken.url
  url = "sqlite://a.db"
}

env "garbage" {
  src = data.external_schema.garbage.url
  url = "sqlite://a.db"
}
"#,
    );
    let o = cairn(
        &dir,
        &["schema", "apply", "--env", "broken", "--auto-approve"],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("atlas.hcl:2:13"), "{e}");
    assert!(
        e.contains("boom: models not found") && e.contains("exit status: 3"),
        "{e}"
    );
    assert!(!dir.join("a.db").exists(), "nothing was applied");

    let o = cairn(
        &dir,
        &["schema", "apply", "--env", "garbage", "--auto-approve"],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("atlas.hcl:6:13"), "{e}");
    assert!(e.contains("invalid SQL") && e.contains("line 2"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hcl_schema_vars_external_and_runtimevars_on_sqlite() {
    let dir = tempdir();
    write(
        &dir,
        "schema/users.hcl",
        r#"variable "plan" {
  type = string
}

schema "main" {}

table "users" {
  schema = schema.main
  column "id" {
    type = int
  }
  column "plan" {
    type    = text
    default = var.plan
  }
  primary_key {
    columns = [column.id]
  }
}
"#,
    );
    write(&dir, "dbname.txt", "tenant.db\n");
    write(
        &dir,
        "atlas.hcl",
        r#"data "runtimevar" "db" {
  url = "file://dbname.txt"
}

data "runtimevar" "plan" {
  url = "env://CAIRN_TEST_PLAN"
}

data "runtimevar" "unused" {
  url = "constant://?decoder=string&val=ok"
}

data "external" "suffix" {
  program = ["printf", "%s", "_x"]
}

data "hcl_schema" "app" {
  path = "schema"
  vars = {
    plan = "${data.runtimevar.plan}${data.external.suffix}"
  }
}

env "local" {
  src = data.hcl_schema.app.url
  url = "sqlite://${data.runtimevar.db}"
}
"#,
    );
    let envs = [("CAIRN_TEST_PLAN", "gold")];
    let o = run_env(
        &dir,
        &["schema", "apply", "--env", "local", "--auto-approve"],
        &envs,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        dir.join("tenant.db").is_file(),
        "file:// runtimevar names the db"
    );
    let o = run_env(
        &dir,
        &["schema", "inspect", "--env", "local", "--format", "sql"],
        &envs,
    );
    assert!(stdout(&o).contains("'gold_x'"), "{}", stdout(&o));
    let o = run_env(
        &dir,
        &["schema", "diff", "--env", "local", "--check"],
        &envs,
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    // Another value of the variable is a change.
    let o = run_env(
        &dir,
        &["schema", "diff", "--env", "local", "--check"],
        &[("CAIRN_TEST_PLAN", "free")],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    // An unset environment variable is an error at the data block.
    let o = cairn(&dir, &["schema", "diff", "--env", "local"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("atlas.hcl:6:9") && stderr(&o).contains("CAIRN_TEST_PLAN is not set"),
        "{}",
        stderr(&o)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn composite_schema_and_sql_data_on_postgres() {
    let Some(scratch) = pg_scratch().await else {
        return;
    };
    let dir = tempdir();
    write(
        &dir,
        "auth.sql",
        "CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL);\n",
    );
    write(
        &dir,
        "app/app.pg.hcl",
        r#"schema "app" {}
table "posts" {
  schema = schema.app
  column "id" {
    type = int
  }
  primary_key {
    columns = [column.id]
  }
}
"#,
    );
    write(
        &dir,
        "atlas.hcl",
        r#"variable "url" {
  type = string
}

data "external_schema" "auth" {
  program = ["cat", "auth.sql"]
}

data "hcl_schema" "app" {
  paths = glob("app/*.hcl")
}

data "composite_schema" "all" {
  schema "auth" {
    url = data.external_schema.auth.url
  }
  schema "app" {
    url = data.hcl_schema.app.url
  }
}

data "sql" "schemas" {
  url   = var.url
  query = "SELECT nspname FROM pg_namespace WHERE nspname = ANY(ARRAY[$1, $2]) ORDER BY 1"
  args  = ["app", "auth"]
}

data "sql" "bad" {
  url   = var.url
  query = "SELEC nope"
}

env "all" {
  src     = data.composite_schema.all.url
  url     = var.url
  schemas = ["app", "auth"]
}

env "listed" {
  url     = var.url
  src     = data.composite_schema.all.url
  schemas = data.sql.schemas.values
  count   = data.sql.schemas.count
}

env "bad" {
  url = var.url
  src = data.sql.bad.value
}
"#,
    );
    let var = format!("url={}", scratch.url);
    let o = cairn(
        &dir,
        &[
            "schema",
            "apply",
            "--env",
            "all",
            "--var",
            &var,
            "--auto-approve",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cairn(
        &dir,
        &[
            "schema", "inspect", "--env", "listed", "--var", &var, "--format", "sql",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("\"auth\".\"accounts\"") && out.contains("\"app\".\"posts\""),
        "{out}"
    );
    let o = cairn(
        &dir,
        &[
            "schema", "diff", "--env", "listed", "--var", &var, "--check",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let o = cairn(&dir, &["schema", "diff", "--env", "bad", "--var", &var]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("atlas.hcl:30:11") && e.contains("the query failed"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_data_source_on_mariadb() {
    let Some(scratch) = mysql_scratch().await else {
        return;
    };
    let dir = tempdir();
    write(&dir, "schema.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
    write(
        &dir,
        "atlas.hcl",
        &format!(
            r#"data "sql" "db" {{
  url   = "{url}"
  query = "SELECT schema_name FROM information_schema.schemata WHERE schema_name = ?"
  args  = ["{name}"]
}}

env "local" {{
  url = "{base}/${{data.sql.db.value}}"
  src = "file://schema.sql"
}}
"#,
            url = scratch.url,
            name = scratch.name,
            base = scratch.url.rsplit_once('/').unwrap().0,
        ),
    );
    let o = cairn(
        &dir,
        &["schema", "apply", "--env", "local", "--auto-approve"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = cairn(&dir, &["schema", "diff", "--env", "local", "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn template_dir_renders_and_applies_on_sqlite() {
    let dir = tempdir();
    write(
        &dir,
        "migrations/shared/cols.tmpl",
        "{{ define \"audit\" }}created_at text NOT NULL DEFAULT ''{{ end }}",
    );
    write(
        &dir,
        "migrations/20240101000000_init.sql",
        "CREATE TABLE {{ .prefix }}_users (\n  id integer PRIMARY KEY\n  {{- if .with_email }},\n  email text{{ end }},\n  {{ template \"audit\" }}\n);\n{{- range $t := .extra }}\nCREATE TABLE {{ $.prefix }}_{{ $t }} (id integer PRIMARY KEY);\n{{- end }}\n",
    );
    write(
        &dir,
        "atlas.hcl",
        r#"variable "missing" {
  type    = bool
  default = false
}

data "template_dir" "migrations" {
  path = "migrations"
  vars = var.missing ? {} : {
    prefix     = "acme"
    with_email = true
    extra      = ["orders", "items"]
  }
}

env "local" {
  url = "sqlite://app.db"
  migration {
    dir = data.template_dir.migrations.url
  }
}
"#,
    );
    let o = cairn(&dir, &["migrate", "apply", "--env", "local"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let o = cairn(&dir, &["migrate", "status", "--env", "local"]);
    assert!(
        stdout(&o).starts_with("Migration Status: OK"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
    let o = cairn(
        &dir,
        &[
            "schema",
            "inspect",
            "--url",
            "sqlite://app.db",
            "--format",
            "sql",
        ],
    );
    let out = stdout(&o);
    assert!(
        out.contains("acme_users") && out.contains("acme_items") && out.contains("email"),
        "{out}"
    );
    // A variable the template needs and vars lacks: the template's line and the data block.
    let o = cairn(
        &dir,
        &[
            "migrate",
            "status",
            "--env",
            "local",
            "--var",
            "missing=true",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("atlas.hcl:7:10")
            && e.contains("20240101000000_init.sql:1")
            && e.contains("prefix"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
