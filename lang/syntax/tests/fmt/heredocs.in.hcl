function "f" {
schema = schema.public
    as = <<-SQL
  BEGIN
      RETURN 1;   
  END;
    SQL
  lang    =    plpgsql
}
view "v" {
  as = <<EOT
SELECT ${table.users.name}
  FROM x
EOT
  schema = schema.public
}
locals {
  x = upper(<<-EOT
    hello
    EOT
  )
}
