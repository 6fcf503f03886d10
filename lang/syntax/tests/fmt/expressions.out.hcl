locals {
  list       = [column.a, column.b]
  call       = sql("now()")
  cmp        = a == b && !c || d != e
  neg        = -1
  sub        = a-1
  sub2       = a - -1
  math       = (1 + 2) * 3 / 4 % 5
  cond       = x ? "y" : "z"
  forl       = [for s in var.list : upper(s) if s != ""]
  form       = { for k, v in var.map : k => v }
  splat      = var.list[*].id
  attr_splat = var.obj.*.name
  idx        = var.list[0]
  nested     = { a = { b = [1, 2, { c = 3 }] } }
  empty_obj  = {}
  empty_list = []
  expand     = f(var.args...)
  multi = [
    "a",
    "b",
  ]
  call_multi = format(
    "%s-%s",
    "a",
    "b"
  )
  types    = numeric(10, 2)
  float    = 1.5e10
  each_ref = each.value.name
}
