//! `cairn init --url URL`: a starter project for an existing database. Inspects the database,
//! writes its schema as HCL (`schema.pg.hcl`, `schema.my.hcl`, `schema.ma.hcl` or
//! `schema.lt.hcl`) and a `cairn.hcl` whose `local` env points at both, so the next
//! `cairn schema diff --env local` is empty. Refuses to overwrite any file.

use std::path::PathBuf;

use anyhow::{Result, bail};
use cairn_core::{InspectOptions, SourceUrl};
use cairn_ir::Dialect;
use clap::Args;

use crate::Outcome;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The database to start from.
    #[arg(long = "url", value_name = "URL")]
    pub url: String,
    /// Where to write the files (default: the working directory).
    #[arg(long = "dir", value_name = "PATH", default_value = ".")]
    pub dir: String,
    /// Only these schemas (repeatable).
    #[arg(short = 's', long = "schema", value_name = "NAME")]
    pub schemas: Vec<String>,
}

pub async fn run(args: InitArgs) -> Result<Outcome> {
    let db = match SourceUrl::parse(&args.url)? {
        SourceUrl::Database(db) => db,
        _ => bail!("--url must name a database (sqlite://, postgres://, mysql://, maria://)"),
    };
    let dir = PathBuf::from(&args.dir);
    let project = dir.join("cairn.hcl");
    for existing in [dir.join("cairn.hcl"), dir.join("atlas.hcl")] {
        if existing.exists() {
            bail!(
                "{} already exists: cairn init does not overwrite a project file",
                existing.display()
            );
        }
    }
    let opts = InspectOptions {
        schemas: args.schemas.clone(),
        exclude: Vec::new(),
    };
    let realm = crate::load::inspect(&db, &opts).await?;
    let suffix = match realm.dialect {
        Dialect::Postgres => "pg",
        Dialect::Sqlite => "lt",
        d if d == Dialect::MARIADB => "ma",
        _ => "my",
    };
    let schema_name = format!("schema.{suffix}.hcl");
    let schema_path = dir.join(&schema_name);
    if schema_path.exists() {
        bail!(
            "{} already exists: cairn init does not overwrite it",
            schema_path.display()
        );
    }
    let hcl = cairn_sema::print_hcl::realm_to_hcl(&realm);
    // A password is never written: the env reads the URL from the environment instead.
    let has_password = cairn_core::url::redact(&args.url) != args.url;
    let url_line = if has_password {
        "  # The URL holds a password: it is read from the environment, not written here.\n  url = getenv(\"DATABASE_URL\")\n".to_string()
    } else {
        format!("  url = {}\n", serde_json::to_string(&args.url)?)
    };
    let dev = match realm.dialect {
        Dialect::Sqlite => "  dev = \"sqlite://dev?mode=memory\"\n".to_string(),
        _ => "  # A scratch database Cairn may use to normalise and replay (optional):\n  # dev = \"...\"\n".to_string(),
    };
    let schemas = if args.schemas.is_empty() {
        String::new()
    } else {
        format!("  schemas = {}\n", serde_json::to_string(&args.schemas)?)
    };
    let text = format!(
        "# The Cairn project file (Atlas-compatible: it may be renamed atlas.hcl).\n\
         # Written by `cairn init` from {}.\n\
         #   cairn schema diff --env local     # the database against {schema_name}\n\
         #   cairn schema apply --env local    # make the database match {schema_name}\n\
         \n\
         env \"local\" {{\n{url_line}  src = \"file://{schema_name}\"\n{dev}{schemas}  migration {{\n    dir = \"file://migrations\"\n  }}\n}}\n",
        db.redacted()
    );
    std::fs::create_dir_all(&dir)?;
    std::fs::write(&schema_path, hcl)?;
    std::fs::write(&project, text)?;
    let tables: usize = realm.schemas.iter().map(|s| s.tables.len()).sum();
    eprintln!(
        "Wrote {} ({} schema(s), {tables} table(s)) and {}",
        schema_path.display(),
        realm.schemas.len(),
        project.display()
    );
    Ok(Outcome::Success)
}
