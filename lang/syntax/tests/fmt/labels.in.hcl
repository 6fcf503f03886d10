variable foo {
  type = string
}
table "a" "b" {
  schema = schema.a
}
user "app@%" { password = var.pw }
