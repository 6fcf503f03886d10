schema "main" {}

table "users" {
  schema = schema.main
  column "id" {
    type = integer
  }
  column "email" {
    type = text
  }
  primary_key {
    columns = [column.id]
  }
  index "users_email" {
    unique  = true
    columns = [column.email]
  }
}
