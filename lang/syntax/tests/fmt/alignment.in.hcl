table "t" {
  schema = schema.public
  comment = "aligned with schema"
  column "a" {
    type = int
    null = true
    default = 0
    comment = "x"
  }

  # A blank line or a comment ends a run of aligned attributes.
  renamed_from = "old"
  x = 1
  longer_name = [
    1,
    2,
  ]
  after_multi_line = true
  y = 2
}
locals {
  a = 1
  bb = { c = 1, dddd = 2 }
  obj = {
    k = 1
    long_key = 2
    "quoted key" = 3
  }
}
