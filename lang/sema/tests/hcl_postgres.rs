//! The PostgreSQL HCL front end on a realistic schema: every object kind lands in the IR with
//! the right content, and the source map points at each object's label.

use cairn_ir::*;
use cairn_sema::compile;

const SCHEMA: &str = r#"
schema "public" { comment = "app schema" }
schema "audit" {}

variable "tenant_roles" {
  type    = list(string)
  default = ["reader", "writer"]
}

locals {
  prefix = "app"
}

extension "pgcrypto" {
  schema  = schema.public
  version = "1.3"
}

enum "order_status" {
  schema = schema.public
  values = ["new", "paid", "shipped"]
}

domain "email" {
  schema = schema.public
  type   = text
  null   = false
  check "has_at" { expr = "VALUE LIKE '%@%'" }
}

composite "address" {
  schema = schema.public
  field "street" { type = text }
  field "zip" { type = varchar(10) }
}

sequence "invoice_seq" {
  schema    = schema.public
  type      = integer
  start     = 1000
  increment = 10
  cycle     = true
}

table "users" {
  schema = schema.public
  column "id" {
    type = bigint
    identity {
      generated = ALWAYS
    }
  }
  column "email" { type = varchar(255) } # NOT NULL (null defaults to false)
  column "nickname" {
    type = text
    null = true
  }
  column "created_at" {
    type    = timestamptz
    default = sql("now()")
  }
  column "active" {
    type    = boolean
    default = true
  }
  column "score" {
    type    = double_precision
    default = 0
  }
  column "name2"      {
    type         = character_varying(64)
    null         = true
    renamed_from = "name"
  }
  primary_key { columns = [column.id] }
  index "users_email_uq" {
    unique  = true
    columns = [column.email]
  }
  index "users_active_idx" {
    columns = [column.created_at]
    where   = "active"
  }
  index "users_lower_email" {
    on {
      expr = "lower(email)"
      ops  = text_pattern_ops
    }
    on {
      column = column.created_at
      desc   = true
    }
    type = BTREE
  }
  check "email_has_at" { expr = "email LIKE '%@%'" }
  row_security { enabled = true }
}

table "orders" {
  schema = schema.public
  column "id"      { type = bigserial }
  column "user_id" { type = bigint }
  column "status" {
    type    = enum.order_status
    default = "new"
  }
  column "total" { type = numeric(10,2) }
  column "tags" {
    type = sql("text[]")
    null = true
  }
  column "created" { type = date }
  primary_key { columns = [column.id, column.created] }
  foreign_key "orders_user_fk" {
    columns     = [column.user_id]
    ref_columns = [table.users.column.id]
    on_delete   = CASCADE
    on_update   = NO_ACTION
  }
  unique "orders_user_total" { columns = [column.user_id, column.total] }
  partition {
    type    = RANGE
    columns = [column.created]
  }
}

table "audit" "log" {
  schema = schema.audit
  column "id" { type = bigint }
  column "payload" { type = jsonb }
}

view "active_users" {
  schema = schema.public
  column "id" { type = bigint }
  as = "SELECT id FROM ${table.users.name} WHERE active"
  depends_on = [table.users]
}

materialized "user_counts" {
  schema = schema.public
  as     = "SELECT count(*) AS n FROM users"
  column "n" { type = bigint }
  index "user_counts_n" { columns = [column.n] }
}

function "touch" {
  schema = schema.public
  lang   = PLpgSQL
  return = trigger
  as     = <<-SQL
  BEGIN NEW.updated_at = now(); RETURN NEW; END;
  SQL
}

function "add" {
  schema = schema.public
  lang   = SQL
  arg "a" { type = integer }
  arg "b" { type = integer }
  return     = integer
  as         = "SELECT a + b"
  volatility = IMMUTABLE
  strict     = true
}

procedure "cleanup" {
  schema = schema.public
  lang   = SQL
  as     = "DELETE FROM orders WHERE total = 0"
}

aggregate "my_sum" {
  schema     = schema.public
  arg { type = integer }
  state_type = integer
  state_func = "int4pl"
}

trigger "orders_touch" {
  on = table.orders
  before { update = true }
  for = ROW
  execute { function = function.touch }
}

policy "own_orders" {
  on    = table.orders
  for   = SELECT
  to    = ["app_user"]
  using = "(user_id = current_setting('app.uid')::bigint)"
}

role "app_user" {
  login      = true
  conn_limit = 5
}

role "tenant" {
  for_each = toset(var.tenant_roles)
  name     = "${local.prefix}_${each.value}"
  member_of = [role.app_user]
}

permission "read_users" {
  to         = role.app_user
  for        = table.users
  privileges = [SELECT, INSERT]
}

permission "reader_orders" {
  for_each   = toset(var.tenant_roles)
  to         = "app_${each.value}"
  for        = table.orders
  privileges = [SELECT]
}
"#;

fn compiled() -> cairn_sema::Compiled {
    compile(
        &[("schema.pg.hcl".to_string(), SCHEMA.to_string())],
        Dialect::Postgres,
    )
}

#[test]
fn compiles_without_diagnostics() {
    let c = compiled();
    assert!(c.diagnostics.is_empty(), "{:#?}", c.diagnostics);
}

#[test]
fn tables_columns_and_constraints() {
    let c = compiled();
    let public = c.realm.schema("public").unwrap();
    assert_eq!(public.comment.as_deref(), Some("app schema"));
    let users = public.table("users", Dialect::Postgres).unwrap();
    let id = users.column("id").unwrap();
    assert_eq!(id.ty, ColumnType::Postgres(PgType::BigInt));
    assert!(!id.nullable);
    assert_eq!(
        id.identity.as_ref().unwrap().generated,
        IdentityKind::Always
    );
    let email = users.column("email").unwrap();
    assert_eq!(email.ty, ColumnType::Postgres(PgType::Varchar(Some(255))));
    assert!(!email.nullable);
    assert!(users.column("nickname").unwrap().nullable);
    assert_eq!(
        users.column("created_at").unwrap().default,
        Some(Default::Expr(Expr::new("now()")))
    );
    assert_eq!(
        users.column("active").unwrap().default,
        Some(Default::Literal(Literal::Bool(true)))
    );
    assert_eq!(
        users.column("score").unwrap().ty,
        ColumnType::Postgres(PgType::DoublePrecision)
    );
    let name2 = users.column("name2").unwrap();
    assert_eq!(name2.ty, ColumnType::Postgres(PgType::Varchar(Some(64))));
    assert_eq!(name2.renamed_from.as_deref(), Some("name"));
    assert_eq!(users.primary_key.as_ref().unwrap().columns, ["id"]);
    let uq = users.index("users_email_uq").unwrap();
    assert!(uq.unique);
    assert_eq!(uq.column_names().unwrap(), ["email"]);
    assert_eq!(
        users.index("users_active_idx").unwrap().predicate,
        Some(Expr::new("active"))
    );
    let lower = users.index("users_lower_email").unwrap();
    assert_eq!(
        lower.parts[0].key,
        IndexKey::Expr(Expr::new("lower(email)"))
    );
    assert_eq!(lower.parts[0].opclass.as_deref(), Some("text_pattern_ops"));
    assert!(lower.parts[1].desc);
    assert_eq!(users.checks[0].name.as_deref(), Some("email_has_at"));
    assert!(users.row_security.enabled);

    let orders = public.table("orders", Dialect::Postgres).unwrap();
    assert_eq!(
        orders.column("id").unwrap().ty,
        ColumnType::Postgres(PgType::BigSerial)
    );
    assert_eq!(
        orders.column("status").unwrap().ty,
        ColumnType::Postgres(PgType::Named(QualifiedName::new(
            Some("public"),
            "order_status"
        )))
    );
    assert_eq!(
        orders.column("status").unwrap().default,
        Some(Default::Literal(Literal::String("new".into())))
    );
    assert_eq!(
        orders.column("total").unwrap().ty,
        ColumnType::Postgres(PgType::Numeric {
            precision: Some(10),
            scale: Some(2)
        })
    );
    assert_eq!(
        orders.column("tags").unwrap().ty,
        ColumnType::Postgres(PgType::Array(Box::new(PgType::Text)))
    );
    let fk = &orders.foreign_keys[0];
    assert_eq!(fk.name.as_deref(), Some("orders_user_fk"));
    assert_eq!(fk.ref_table, QualifiedName::new(Some("public"), "users"));
    assert_eq!(fk.ref_columns, ["id"]);
    assert_eq!(fk.on_delete, FkAction::Cascade);
    let uq = orders.index("orders_user_total").unwrap();
    assert!(uq.unique && uq.constraint);
    let part = orders.partition_by.as_ref().unwrap();
    assert_eq!(part.strategy, PartitionStrategy::Range);
    assert_eq!(part.keys, [IndexKey::Column("created".into())]);
    assert_eq!(orders.triggers[0].name, "orders_touch");
    assert_eq!(
        orders.triggers[0].function,
        Some(QualifiedName::new(Some("public"), "touch"))
    );
    assert!(orders.triggers[0].for_each_row);
    assert_eq!(orders.policies[0].command, PolicyCommand::Select);
    assert_eq!(orders.policies[0].roles, ["app_user"]);

    let audit = c.realm.schema("audit").unwrap();
    assert!(audit.table("log", Dialect::Postgres).is_some());
}

#[test]
fn other_objects() {
    let c = compiled();
    let public = c.realm.schema("public").unwrap();
    assert_eq!(public.enums[0].values, ["new", "paid", "shipped"]);
    assert_eq!(public.extensions[0].version.as_deref(), Some("1.3"));
    let dom = &public.domains[0];
    assert_eq!(dom.base, ColumnType::Postgres(PgType::Text));
    assert!(!dom.nullable);
    assert_eq!(dom.checks[0].expr, Expr::new("VALUE LIKE '%@%'"));
    assert_eq!(public.composites[0].fields.len(), 2);
    let seq = &public.sequences[0];
    assert_eq!(
        (seq.start, seq.increment, seq.cycle),
        (Some(1000), Some(10), true)
    );
    assert_eq!(seq.data_type, Some(ColumnType::Postgres(PgType::Integer)));
    let view = &public.views[0];
    assert_eq!(view.definition, "SELECT id FROM users WHERE active");
    assert_eq!(view.columns, ["id"]);
    assert_eq!(public.materialized_views[0].indexes.len(), 1);
    let touch = public.functions.iter().find(|f| f.name == "touch").unwrap();
    assert_eq!(touch.returns.as_deref(), Some("trigger"));
    assert_eq!(touch.language, "plpgsql");
    assert!(touch.body.starts_with("BEGIN NEW.updated_at"));
    let add = public.functions.iter().find(|f| f.name == "add").unwrap();
    assert_eq!(add.args.len(), 2);
    assert_eq!(add.args[0].ty, "integer");
    assert_eq!(add.volatility, Volatility::Immutable);
    assert!(add.strict);
    assert_eq!(public.procedures[0].name, "cleanup");
    assert_eq!(public.aggregates[0].state_func, "int4pl");

    let names: Vec<&str> = c.realm.roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["app_user", "app_reader", "app_writer"]);
    assert_eq!(c.realm.roles[1].member_of, ["app_user"]);
    assert_eq!(c.realm.roles[0].conn_limit, Some(5));
    assert_eq!(c.realm.permissions.len(), 3);
    assert_eq!(
        c.realm.permissions[0].privileges,
        [Privilege::Select, Privilege::Insert]
    );
    assert_eq!(
        c.realm.permissions[0].object,
        GrantObject::Table(QualifiedName::new(Some("public"), "users"))
    );
    assert_eq!(c.realm.permissions[2].grantee, "app_writer");
}

#[test]
fn source_map_points_at_labels() {
    let c = compiled();
    let loc = c
        .source_map
        .get(&ObjectPath::Table("public".into(), "users".into()))
        .unwrap();
    assert_eq!(&SCHEMA[loc.span.range()], "\"users\"");
    let loc = c
        .source_map
        .get(&ObjectPath::Column(
            "public".into(),
            "orders".into(),
            "status".into(),
        ))
        .unwrap();
    assert_eq!(&SCHEMA[loc.span.range()], "\"status\"");
    let loc = c
        .source_map
        .get(&ObjectPath::Trigger(
            "public".into(),
            "orders".into(),
            "orders_touch".into(),
        ))
        .unwrap();
    assert_eq!(&SCHEMA[loc.span.range()], "\"orders_touch\"");
    assert!(
        c.source_map
            .get(&ObjectPath::Role("app_reader".into()))
            .is_some()
    );
}
