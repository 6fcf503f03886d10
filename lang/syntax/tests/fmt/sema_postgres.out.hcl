schema "public" {
  comment = "app schema"
}

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
  check "has_at" {
    expr = "VALUE LIKE '%@%'"
  }
}

composite "address" {
  schema = schema.public
  field "street" {
    type = text
  }
  field "zip" {
    type = varchar(10)
  }
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
  column "email" {
    type = varchar(255)
  } # NOT NULL (null defaults to false)
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
  column "name2" {
    type         = character_varying(64)
    null         = true
    renamed_from = "name"
  }
  primary_key {
    columns = [column.id]
  }
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
  check "email_has_at" {
    expr = "email LIKE '%@%'"
  }
  row_security {
    enabled = true
  }
}

table "orders" {
  schema = schema.public
  column "id" {
    type = bigserial
  }
  column "user_id" {
    type = bigint
  }
  column "status" {
    type    = enum.order_status
    default = "new"
  }
  column "total" {
    type = numeric(10, 2)
  }
  column "tags" {
    type = sql("text[]")
    null = true
  }
  column "created" {
    type = date
  }
  primary_key {
    columns = [column.id, column.created]
  }
  foreign_key "orders_user_fk" {
    columns     = [column.user_id]
    ref_columns = [table.users.column.id]
    on_delete   = CASCADE
    on_update   = NO_ACTION
  }
  unique "orders_user_total" {
    columns = [column.user_id, column.total]
  }
  partition {
    type    = RANGE
    columns = [column.created]
  }
}

table "audit" "log" {
  schema = schema.audit
  column "id" {
    type = bigint
  }
  column "payload" {
    type = jsonb
  }
}

view "active_users" {
  schema = schema.public
  column "id" {
    type = bigint
  }
  as         = "SELECT id FROM ${table.users.name} WHERE active"
  depends_on = [table.users]
}

materialized "user_counts" {
  schema = schema.public
  as     = "SELECT count(*) AS n FROM users"
  column "n" {
    type = bigint
  }
  index "user_counts_n" {
    columns = [column.n]
  }
}

function "touch" {
  schema = schema.public
  lang   = PLpgSQL
  return = trigger
  as = <<-SQL
  BEGIN NEW.updated_at = now(); RETURN NEW; END;
  SQL
}

function "add" {
  schema = schema.public
  lang   = SQL
  arg "a" {
    type = integer
  }
  arg "b" {
    type = integer
  }
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
  schema = schema.public
  arg {
    type = integer
  }
  state_type = integer
  state_func = "int4pl"
}

trigger "orders_touch" {
  on = table.orders
  before {
    update = true
  }
  for = ROW
  execute {
    function = function.touch
  }
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
  for_each  = toset(var.tenant_roles)
  name      = "${local.prefix}_${each.value}"
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
