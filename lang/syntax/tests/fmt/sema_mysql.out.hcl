schema "shop" {
  charset = "utf8mb4"
  collate = "utf8mb4_0900_ai_ci"
}

table "products" {
  schema  = schema.shop
  engine  = InnoDB
  charset = "utf8mb4"
  column "id" {
    type           = bigint
    unsigned       = true
    auto_increment = true
  }
  column "kind" {
    type    = enum("book", "toy")
    default = "book"
  }
  column "flags" {
    type = set("a", "b")
    null = true
  }
  column "title" {
    type    = varchar(200)
    collate = "utf8mb4_bin"
  }
  column "body" {
    type = text
  }
  column "updated_at" {
    type      = timestamp
    default   = sql("CURRENT_TIMESTAMP")
    on_update = sql("CURRENT_TIMESTAMP")
  }
  primary_key {
    columns = [column.id]
  }
  index "ft_body" {
    type    = FULLTEXT
    columns = [column.body]
  }
  index "title_prefix" {
    on {
      column = column.title
      prefix = 10
    }
  }
  check "title_len" {
    expr     = "char_length(title) > 0"
    enforced = false
  }
}
