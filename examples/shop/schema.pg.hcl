# A small shop, in Atlas schema HCL for PostgreSQL: the README tour uses it.

schema "public" {
  comment = "the shop"
}

enum "order_status" {
  schema = schema.public
  values = ["new", "paid", "shipped", "cancelled"]
}

table "customers" {
  schema = schema.public
  column "id" {
    type = bigint
    identity {
      generated = ALWAYS
    }
  }
  column "email" {
    type = varchar(255)
  }
  column "name" {
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
  index "customers_email_key" {
    unique  = true
    columns = [column.email]
  }
}

table "products" {
  schema = schema.public
  column "id" {
    type = bigserial
  }
  column "sku" {
    type = varchar(32)
  }
  column "price" {
    type = numeric(10, 2)
  }
  column "active" {
    type    = boolean
    default = true
  }
  primary_key {
    columns = [column.id]
  }
  check "price_positive" {
    expr = "price > 0"
  }
}

table "orders" {
  schema = schema.public
  column "id" {
    type = bigserial
  }
  column "customer_id" {
    type = bigint
  }
  column "status" {
    type    = enum.order_status
    default = "new"
  }
  column "placed_at" {
    type    = timestamptz
    default = sql("now()")
  }
  primary_key {
    columns = [column.id]
  }
  foreign_key "orders_customer_fk" {
    columns     = [column.customer_id]
    ref_columns = [table.customers.column.id]
    on_delete   = CASCADE
  }
  index "orders_customer_idx" {
    columns = [column.customer_id, column.placed_at]
  }
}
