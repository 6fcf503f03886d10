schema "public" {}

table "t" {
  schema = schema.public
  as = <<-SQL
  SELECT 1
  SQL
}
