# The versioned workflow: migration files in migrations/, checked by atlas.sum, applied and
# tracked in atlas_schema_revisions; migrate diff writes the next file from schema.sql.
env "local" {
  url = "sqlite://app.db"
  dev = "sqlite://dev?mode=memory"
  src = "file://schema.sql"
  migration {
    dir = "file://migrations"
  }
}
