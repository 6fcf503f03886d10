use std::path::Path;

use super::*;

fn eval_env(text: &str, env: &str, vars: &[(&str, &str)]) -> Result<Project, ProjectError> {
    evaluate(
        "atlas.hcl",
        text,
        Path::new("."),
        &Inputs {
            env: Some(env.to_string()),
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Inputs::default()
        },
    )
}

fn env_of(text: &str, env: &str, vars: &[(&str, &str)]) -> Env {
    match eval_env(text, env, vars) {
        Ok(p) => p.env.expect("an env"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn variables_defaults_and_flags() {
    let text = r#"
variable "db" {
  type    = string
  default = "sqlite://app.db"
}
variable "port" {
  type    = number
  default = 5432
}
variable "schemas" {
  type    = list(string)
  default = ["public"]
}
env "local" {
  url     = var.db
  dev     = "postgres://localhost:${var.port}/dev"
  schemas = var.schemas
}
"#;
    let e = env_of(text, "local", &[]);
    assert_eq!(e.url.as_deref(), Some("sqlite://app.db"));
    assert_eq!(e.dev.as_deref(), Some("postgres://localhost:5432/dev"));
    assert_eq!(e.schemas, vec!["public"]);
    let e = env_of(
        text,
        "local",
        &[
            ("db", "sqlite://other.db"),
            ("port", "6543"),
            ("schemas", "a"),
            ("schemas", "b"),
        ],
    );
    assert_eq!(e.url.as_deref(), Some("sqlite://other.db"));
    assert_eq!(e.dev.as_deref(), Some("postgres://localhost:6543/dev"));
    assert_eq!(e.schemas, vec!["a", "b"]);
    let err = eval_env(text, "local", &[("port", "abc")]).unwrap_err();
    assert!(
        err.to_string().contains("--var port: must be number"),
        "{err}"
    );
    let err = eval_env(text, "local", &[("dbb", "x")]).unwrap_err();
    assert!(err.to_string().contains("did you mean \"db\""), "{err}");
    assert_eq!(err.var, Some(VarProblem::Undeclared("dbb".into())));
}

#[test]
fn required_variable_and_validation_failure_name_the_place() {
    let text = r#"variable "token" {
  type = string
}
env "x" {
  url = "sqlite://${var.token}.db"
}
"#;
    let err = eval_env(text, "x", &[]).unwrap_err();
    assert_eq!(err.position, Some((1, 10)), "{err}");
    assert!(
        err.message
            .contains("missing value for required variable \"token\""),
        "{err}"
    );
    assert_eq!(err.var, Some(VarProblem::Missing("token".into())));

    let text = r#"variable "env_kind" {
  type    = string
  default = "dev"
  validation {
    condition     = contains(["dev", "prod"], var.env_kind)
    error_message = "env_kind must be dev or prod"
  }
}
env "x" {
  url = "sqlite://${var.env_kind}.db"
}
"#;
    assert_eq!(
        env_of(text, "x", &[]).url.as_deref(),
        Some("sqlite://dev.db")
    );
    let err = eval_env(text, "x", &[("env_kind", "qa")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "atlas.hcl:5:21: invalid value qa for variable \"env_kind\" (from --var): env_kind must be dev or prod"
    );
}

#[test]
fn locals_refer_to_each_other_and_cycles_are_errors() {
    let text = r#"
locals {
  host = "localhost"
  url  = "postgres://${local.host}:5432/app?sslmode=disable"
  dirs = { prod = "file://migrations/prod" }
}
env "prod" {
  url = local.url
  migration { dir = local.dirs[atlas.env] }
}
"#;
    let e = env_of(text, "prod", &[]);
    assert_eq!(
        e.url.as_deref(),
        Some("postgres://localhost:5432/app?sslmode=disable")
    );
    assert_eq!(
        e.migration.unwrap().dir.as_deref(),
        Some("file://migrations/prod")
    );

    let text = "locals {\n  a = local.b\n  b = local.a\n}\nenv \"x\" {\n  url = local.a\n}\n";
    let err = eval_env(text, "x", &[]).unwrap_err();
    assert!(err.message.contains("refers to itself"), "{err}");
    assert!(err.position.is_some());
}

#[test]
fn functions() {
    // SAFETY-free: a variable name only this test uses.
    let dir = std::env::temp_dir().join(format!("cairn-project-fn-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    std::fs::write(dir.join("schema/a.sql"), "create table a (id int);").unwrap();
    std::fs::write(dir.join("schema/b.sql"), "").unwrap();
    std::fs::write(dir.join("schema/c.txt"), "").unwrap();
    let text = r#"
locals {
  cfg = jsondecode("{\"name\": \"app\", \"n\": 2}")
}
env "t" {
  url     = urlqueryset(urlsetpath("postgres://u@h:5432/old?sslmode=disable", "new"), "search_path", "public")
  dev     = format("%s-%d-%q", upper("ab"), 42, lower("X"))
  src     = [for f in glob("schema/*.sql") : "file://${f}"]
  schemas = concat(split(",", "a,b"), toset(["c", "c"]))
  exclude = [replace(join("/", ["x", "y"]), "/", "."), replace("tmp_1", "/[0-9]+/", "N")]
  j       = jsonencode(merge({ a = 1 }, { b = [true] }))
  app     = local.cfg.name
  files   = fileset("schema", "*.sql")
  content = file("schema/a.sql")
  home    = getenv("CAIRN_PROJECT_TEST_UNSET_VAR")
}
"#;
    let p = evaluate(
        "atlas.hcl",
        text,
        &dir,
        &Inputs {
            env: Some("t".into()),
            vars: vec![],
            ..Inputs::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let e = p.env.unwrap();
    assert_eq!(
        e.url.as_deref(),
        Some("postgres://u@h:5432/new?search_path=public&sslmode=disable")
    );
    assert_eq!(e.dev.as_deref(), Some("AB-42-\"x\""));
    assert_eq!(e.src, vec!["file://schema/a.sql", "file://schema/b.sql"]);
    assert_eq!(e.schemas, vec!["a", "b", "c"]);
    assert_eq!(e.exclude, vec!["x.y", "tmp_N"]);
    assert_eq!(e.attribute("j").as_deref(), Some(r#"{"a":1,"b":[true]}"#));
    assert_eq!(e.attribute("app").as_deref(), Some("app"));
    assert_eq!(
        e.attribute("content").as_deref(),
        Some("create table a (id int);")
    );
    assert_eq!(e.attribute("home").as_deref(), Some(""));
    assert_eq!(
        e.attrs["files"],
        Value::List(vec![
            Value::String("schema/a.sql".into()),
            Value::String("schema/b.sql".into())
        ])
    );
    let _ = std::fs::remove_dir_all(&dir);

    let err = eval_env("env \"t\" {\n  url = lowr(\"X\")\n}\n", "t", &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "atlas.hcl:2:9: unknown function lowr() (did you mean \"lower\"?)"
    );
}

#[test]
fn unlabeled_env_takes_the_name() {
    let text = r#"
env "local" {
  url = "sqlite://local.db"
}
env {
  name = atlas.env
  url  = "sqlite://${atlas.env}.db"
  migration {
    dir              = "file://migrations"
    revisions_schema = "public"
    exec_order       = LINEAR_SKIP
    format           = atlas
  }
}
"#;
    assert_eq!(
        env_of(text, "local", &[]).url.as_deref(),
        Some("sqlite://local.db")
    );
    let e = env_of(text, "staging", &[]);
    assert_eq!(e.name, "staging");
    assert_eq!(e.url.as_deref(), Some("sqlite://staging.db"));
    let m = e.migration.unwrap();
    assert_eq!(m.exec_order.as_deref(), Some("LINEAR_SKIP"));
    assert_eq!(m.format.as_deref(), Some("atlas"));
    assert_eq!(m.revisions_schema.as_deref(), Some("public"));
}

#[test]
fn unknown_env_lists_the_available_ones() {
    let text = "env \"local\" {\n  url = \"sqlite://a.db\"\n}\nenv \"prod\" {\n  url = \"sqlite://b.db\"\n}\n";
    let err = eval_env(text, "locl", &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "atlas.hcl: no env named \"locl\" (did you mean \"local\"?); available: local, prod"
    );
}

#[test]
fn schema_block_lint_and_diff_policies() {
    let text = r#"
lint {
  destructive { error = true }
  review = ERROR
  latest = 3
}
diff {
  skip { drop_schema = true }
}
env "ci" {
  schema { src = ["file://a.sql", "file://b.sql"] }
  lint {
    git { base = "main" }
    severity = { DS = "warning" }
  }
  diff {
    concurrent_index {
      create = true
      drop   = false
    }
  }
}
"#;
    let e = env_of(text, "ci", &[]);
    assert_eq!(e.src, vec!["file://a.sql", "file://b.sql"]);
    let l = e.lint.unwrap();
    assert_eq!(l.review.as_deref(), Some("ERROR"));
    assert_eq!(l.git_base.as_deref(), Some("main"));
    assert_eq!(
        l.latest, None,
        "git set in the env: latest is not inherited"
    );
    assert_eq!(l.analyzers["destructive"].attrs["error"], Value::Bool(true));
    assert_eq!(l.severity["DS"], "warning");
    let d = e.diff.unwrap();
    assert!(d.skip.unwrap()["drop_schema"]);
    assert_eq!(d.concurrent_index_add, Some(true));
    assert_eq!(d.concurrent_index_drop, Some(false));

    let err = eval_env("diff {\n  skip { drop_tabel = true }\n}\n", "x", &[]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("atlas.hcl:2:10: unknown change kind \"drop_tabel\""),
        "{err}"
    );
    assert!(err.message.contains("did you mean \"drop_table\""), "{err}");
}

#[test]
fn diff_online_constraints_is_a_bool_an_env_inherits() {
    let text = "diff {\n  online_constraints = false\n}\nenv \"a\" {}\nenv \"b\" {\n  diff {\n    online_constraints = true\n  }\n}\n";
    assert_eq!(
        env_of(text, "a", &[]).diff.unwrap().online_constraints,
        Some(false)
    );
    assert_eq!(
        env_of(text, "b", &[]).diff.unwrap().online_constraints,
        Some(true)
    );
    assert_eq!(
        env_of("env \"c\" {\n  diff {}\n}\n", "c", &[])
            .diff
            .unwrap()
            .online_constraints,
        None
    );
    let err = eval_env("diff {\n  online_constraints = \"no\"\n}\n", "x", &[]).unwrap_err();
    assert!(err.to_string().contains("expected a bool"), "{err}");
    let err = eval_env("diff {\n  online = false\n}\n", "x", &[]).unwrap_err();
    assert!(
        err.to_string()
            .contains("unknown attribute \"online\" in diff"),
        "{err}"
    );
}

#[test]
fn data_sources_and_unknown_blocks_are_clear_errors() {
    let text = "data \"hcl_schema\" \"app\" {\n  path = \"no-such-schema.hcl\"\n}\nenv \"x\" {\n  src = data.hcl_schema.app.url\n}\n";
    let err = eval_env(text, "x", &[]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("atlas.hcl:2:10: data.hcl_schema.app: cannot read no-such-schema.hcl"),
        "{err}"
    );
    let err = eval_env(
        "env \"x\" {\n  src = data.hcl_schema.nope.url\n}\n",
        "x",
        &[],
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("no data source `data \"hcl_schema\" \"nope\"` is declared"),
        "{err}"
    );
    // Declared but not referenced: fine (lazy, as in Atlas).
    assert!(eval_env("data \"external_schema\" \"orm\" {\n  program = [\"x\"]\n}\nenv \"x\" {\n  url = \"sqlite://a.db\"\n}\n", "x", &[]).is_ok());
    let err = eval_env("evn \"x\" {\n}\n", "x", &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "atlas.hcl:1:1: unknown block \"evn\" (did you mean \"env\"?); the project file holds env, variable, locals, data, lint, diff, deployment"
    );
    let err = eval_env(
        "env \"x\" {\n  migration {\n    dri = \"file://m\"\n  }\n}\n",
        "x",
        &[],
    )
    .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "atlas.hcl:3:5: unknown attribute \"dri\" in migration (did you mean \"dir\"?)"
        ),
        "{err}"
    );
    let err = eval_env("env \"x\" {\n  url = \n}\n", "x", &[]).unwrap_err();
    assert!(err.position.is_some(), "{err}");
}

#[test]
fn find_prefers_cairn_hcl() {
    let dir = std::env::temp_dir().join(format!("cairn-project-find-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    assert_eq!(find(None, &dir).unwrap(), None);
    std::fs::write(dir.join("atlas.hcl"), "").unwrap();
    assert_eq!(find(None, &dir).unwrap(), Some(dir.join("atlas.hcl")));
    std::fs::write(dir.join("cairn.hcl"), "").unwrap();
    assert_eq!(find(None, &dir).unwrap(), Some(dir.join("cairn.hcl")));
    assert_eq!(
        find(Some("file://atlas.hcl"), &dir).unwrap(),
        Some(dir.join("atlas.hcl"))
    );
    assert!(find(Some("file://nope.hcl"), &dir).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn for_each_envs_make_targets_in_groups() {
    let text = r#"
locals {
  canary = "b"
}
deployment "d" {
  group "canary" {
    match = each.value == local.canary
  }
  group "rest" {
    parallel = 3
    on_error = CONTINUE
  }
}
env "t" {
  for_each = toset(["a", "b", "a", "c"])
  url      = "sqlite://${each.value}.db"
  tenant   = each.key
  rollout {
    deployment = deployment.d
  }
}
"#;
    let p = eval_env(text, "t", &[]).unwrap_or_else(|e| panic!("{e}"));
    assert!(p.env.is_none());
    let f = p.fleet.unwrap();
    let keys: Vec<(&str, usize)> = f
        .targets
        .iter()
        .map(|t| (t.key.as_str(), t.group))
        .collect();
    assert_eq!(keys, [("a", 1), ("b", 0), ("c", 1)]);
    assert_eq!(f.targets[2].env.url.as_deref(), Some("sqlite://c.db"));
    assert_eq!(f.groups[1].parallel, 3);
    assert!(f.groups[1].continue_on_error);
    // One instance, as the fleet runner's child process asks for it.
    let p = evaluate(
        "atlas.hcl",
        text,
        Path::new("."),
        &Inputs {
            env: Some("t".into()),
            instance: Some("c".into()),
            ..Inputs::default()
        },
    )
    .unwrap();
    assert_eq!(p.env.unwrap().instance.as_deref(), Some("c"));
    // each outside for_each, and an empty for_each, are errors with places.
    let err = eval_env("env \"x\" {\n  url = each.value\n}\n", "x", &[]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("atlas.hcl:2:9: each.key and each.value"),
        "{err}"
    );
    let err = eval_env("env \"x\" {\n  for_each = []\n}\n", "x", &[]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("atlas.hcl:2:14: for_each is empty"),
        "{err}"
    );
}
