# Environments and variables: one schema, a local SQLite database and a CI env whose URL
# comes from the command line or the environment.
variable "db_url" {
  type    = string
  default = "sqlite://local.db"
}

variable "schemas" {
  type    = list(string)
  default = ["main"]
}

locals {
  schema_src = "file://schema.lt.hcl"
}

env "local" {
  url     = var.db_url
  src     = local.schema_src
  dev     = "sqlite://dev?mode=memory"
  schemas = var.schemas
}

env "ci" {
  url = getenv("CI_DATABASE_URL") != "" ? getenv("CI_DATABASE_URL") : "sqlite://ci.db"
  src = local.schema_src
}

# Any other --env NAME: a database named after it.
env {
  name = atlas.env
  url  = "sqlite://${atlas.env}.db"
  src  = local.schema_src
}
