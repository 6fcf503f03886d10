# A tenant fleet: one SQLite database per tenant, the canary first, then the rest four at a
# time. `cairn schema apply --env tenants --auto-approve` reaches every tenant.
variable "tenants" {
  type    = list(string)
  default = ["acme", "globex", "initech", "umbrella", "hooli", "stark"]
}

locals {
  canary = "acme"
}

deployment "staged" {
  group "canary" {
    match = each.value == local.canary
  }
  group "rest" {
    parallel = 4
  }
}

env "tenants" {
  for_each = toset(var.tenants)
  url      = "sqlite://tenant_${each.value}.db"
  src      = "file://schema.sql"
  rollout {
    deployment = deployment.staged
  }
}
