# Data sources: the ORM's models (SQLAlchemy, through Atlas's provider), an HCL schema with
# variables, a value from the environment, and a templated migration directory.
data "external_schema" "sqlalchemy" {
  program = [
    "atlas-provider-sqlalchemy",
    "--path", "./models",
    "--dialect", "sqlite",
  ]
}

data "runtimevar" "retention" {
  url = "constant://?val=30"
}

data "hcl_schema" "audit" {
  path = "schema"
  vars = {
    retention_days = data.runtimevar.retention
  }
}

data "template_dir" "seed" {
  path = "migrations"
  vars = {
    prefix = "shop"
    keys   = ["currency", "locale"]
  }
}

env "orm" {
  url = "sqlite://orm.db"
  src = data.external_schema.sqlalchemy.url
}

env "audit" {
  url = "sqlite://audit.db"
  src = data.hcl_schema.audit.url
}

env "seed" {
  url = "sqlite://seed.db"
  migration {
    dir = data.template_dir.seed.url
  }
}
