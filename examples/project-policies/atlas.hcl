# Policies: a diff policy that never drops tables or columns unless asked
# (--var destructive=true), and the lint policy every plan is checked against.
variable "destructive" {
  type    = bool
  default = false
}

diff {
  skip {
    drop_table  = !var.destructive
    drop_column = !var.destructive
  }
}

lint {
  destructive {
    error = true
  }
}

env "local" {
  url = "sqlite://app.db"
  src = "file://schema.sql"
}
