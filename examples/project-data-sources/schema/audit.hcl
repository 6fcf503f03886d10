variable "retention_days" {
  type = number
}

schema "main" {}

table "audit_log" {
  schema = schema.main
  column "id" {
    type = integer
  }
  column "retention_days" {
    type    = integer
    default = var.retention_days
  }
  primary_key {
    columns = [column.id]
  }
}
