schema "public" {
  comment = "app schema"
}

enum "order_status" {
  schema = schema.public
  values = ["new", "paid", "shipped"]
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
  primary_key {
    columns = [column.id]
  }
  index "users_email_uq" {
    unique  = true
    columns = [column.email]
  }
  check "email_has_at" {
    expr = "email LIKE '%@%'"
  }
}

table "orders" {
  schema = schema.public
  column "total" {
    type = numeric(10, 2)
  }
  foreign_key "orders_user_fk" {
    columns     = [column.user_id]
    ref_columns = [table.users.column.id]
    on_delete   = CASCADE
    on_update   = NO_ACTION
  }
  index "orders_user_idx" {
    on {
      column = column.user_id
    }
    on {
      column = column.total
      desc   = true
    }
  }
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
