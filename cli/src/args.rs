//! The command line, as clap derive types. Every command carries examples in its long help.

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "cairn",
    version,
    about = "Database schemas as code: inspect, diff, plan and apply, with every change checked against policy.",
    long_about = None,
    after_help = "Exit codes: 0 success; 1 error (failed statement, refused apply, error findings, unreachable database); 2 usage error; 3 changes pending (with --check).\n\nDocumentation: README.md, docs/ in the Cairn repository."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub project: crate::project::ProjectArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Work with schemas: inspect a database or schema files, format HCL.
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// The versioned workflow: migration directories, atlas.sum and the revisions table.
    #[command(subcommand)]
    Migrate(crate::commands::migrate::MigrateCommand),
    /// Check schema files and migration files against the rules (the standard library and
    /// --rules files); exit 1 when an error-severity finding remains.
    #[command(after_help = crate::commands::lint::LINT_EXAMPLES)]
    Lint(crate::commands::lint::LintArgs),
    /// Rule files: list the rules, run their tests.
    #[command(subcommand)]
    Rules(crate::commands::rules::RulesCommand),
    /// The language server for editors, over stdin/stdout (see editors/README.md).
    Lsp(crate::commands::lsp::LspArgs),
    /// Start a project from an existing database: writes its schema as HCL and a cairn.hcl
    /// with a `local` env (never overwrites a file).
    Init(crate::commands::init::InitArgs),
}

#[derive(Subcommand, Debug)]
pub enum SchemaCommand {
    /// Print the schema of a live database or of schema files (HCL or SQL) as HCL, SQL, JSON or a
    /// Mermaid ER diagram.
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect(InspectArgs),
    /// Format HCL schema files canonically (idempotent; comments are kept).
    #[command(after_help = FMT_EXAMPLES)]
    Fmt(FmtArgs),
    /// Print the SQL that turns one schema into another (databases or files, in any pairing).
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Plan the changes that bring a database to the desired schema, show every hazard, ask, and
    /// apply them.
    #[command(after_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
}

const INSPECT_EXAMPLES: &str = "Examples:
  cairn schema inspect --url sqlite://app.db
  cairn schema inspect --url 'postgres://postgres@localhost:5432/shop?search_path=public' --format sql
  cairn schema inspect --url mysql://root@localhost:3306/shop --exclude 'tmp_*' --format json
  cairn schema inspect --url file://schema.pg.hcl --format sql
  cairn schema inspect --url file://schema.sql --dialect mysql --format mermaid
  cairn schema inspect --url file://migrations/ --dialect postgres   # a migration directory, replayed";

const FMT_EXAMPLES: &str = "Examples:
  cairn schema fmt                 # every .hcl file in the current directory
  cairn schema fmt schema/ app.hcl
  cairn schema fmt --check         # exit 3 when a file is not formatted (CI)";

const DIFF_EXAMPLES: &str = "Examples:
  cairn schema diff --from sqlite://app.db --to file://schema.lt.hcl
  cairn schema diff --from 'postgres://localhost/shop?search_path=public' --to file://schema.pg.hcl --format json
  cairn schema diff --from file://v1.pg.hcl --to file://v2.pg.hcl
  cairn schema diff --from env://url --to file://schema.hcl --check     # exit 3 on drift";

const APPLY_EXAMPLES: &str = "Examples:
  cairn schema apply --url sqlite://app.db --to file://schema.lt.hcl
  cairn schema apply --url 'postgres://localhost/shop?search_path=public' --to file://schema.pg.hcl --dry-run
  cairn schema apply --url mysql://root@localhost/shop --to file://schema.sql --auto-approve
  cairn schema apply --url sqlite://app.db --to file://schema.lt.hcl --allow-drop users.username
  cairn schema apply --url postgres://localhost/shop --to file://schema.pg.hcl --check   # exit 3 when changes are pending

Destructive changes (dropped schemas, tables, columns) are refused unless --allow-destructive or
--allow-drop NAME allows them; a drop that looks like a rename (RN101) waits for a renamed_from hint
or --allow-drop of the old name. Without a terminal and without --auto-approve, the plan is printed
and nothing is applied (exit 1).";

/// Options shared by commands that read schemas.
#[derive(Args, Debug, Clone, Default)]
pub struct ScopeArgs {
    /// Only these schemas (repeatable).
    #[arg(short = 's', long = "schema", value_name = "NAME")]
    pub schemas: Vec<String>,
    /// Leave out objects matching this glob: `tbl*`, `tbl.col*`, `schema.tbl`, `*[type=view]`
    /// (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// The change kinds the project's `diff { skip { ... } }` leaves out of plans.
    #[arg(skip)]
    pub diff_skip: Vec<String>,
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The database (sqlite://, postgres://, mysql://, maria://) or schema files (file://path) to inspect.
    #[arg(
        short = 'u',
        long = "url",
        value_name = "URL",
        default_value = "",
        hide_default_value = true
    )]
    pub url: String,
    /// A dev database URL; its scheme also names the dialect of file sources.
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Option<String>,
    /// The dialect of file sources: postgres, mysql, mariadb or sqlite.
    #[arg(long = "dialect", value_name = "DIALECT")]
    pub dialect: Option<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Output: hcl (default), sql, json, mermaid, or an Atlas template such as `{{ sql . }}`.
    #[arg(long = "format", value_name = "FORMAT", default_value = "hcl")]
    pub format: String,
}

#[derive(Args, Debug)]
pub struct FmtArgs {
    /// Files or directories (default: the current directory). Directories are not searched
    /// recursively, as in Atlas.
    pub paths: Vec<String>,
    /// Do not write; exit 3 when a file is not formatted.
    #[arg(long)]
    pub check: bool,
}

/// How PostgreSQL plans add constraints to existing tables.
#[derive(Args, Debug, Clone)]
pub struct OnlineArgs {
    /// PostgreSQL: add foreign keys and checks to existing tables NOT VALID, then VALIDATE them
    /// at the end of the plan, each in a transaction of its own, and (`schema apply`, `schema
    /// diff`) set columns NOT NULL through a validated check (default). `false` (or the
    /// project's `diff { online_constraints = false }`) plans them in one statement each.
    #[arg(
        long = "online-constraints",
        value_name = "BOOL",
        default_value_t = true,
        num_args = 0..=1,
        default_missing_value = "true",
        action = clap::ArgAction::Set
    )]
    pub online_constraints: bool,
}

impl Default for OnlineArgs {
    fn default() -> Self {
        OnlineArgs {
            online_constraints: true,
        }
    }
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The current state: a database or files.
    #[arg(
        short = 'f',
        long = "from",
        value_name = "URL",
        default_value = "",
        hide_default_value = true
    )]
    pub from: String,
    /// The desired state: a database or files.
    #[arg(
        long = "to",
        value_name = "URL",
        default_value = "",
        hide_default_value = true
    )]
    pub to: String,
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Option<String>,
    /// The dialect of file sources, when neither side is a database.
    #[arg(long = "dialect", value_name = "DIALECT")]
    pub dialect: Option<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub online: OnlineArgs,
    /// Output: sql (default) or json.
    #[arg(long = "format", value_name = "FORMAT", default_value = "sql")]
    pub format: String,
    /// Exit 3 when the schemas differ.
    #[arg(long)]
    pub check: bool,
}

#[derive(Args, Debug)]
pub struct ApplyArgs {
    /// The database to change.
    #[arg(
        short = 'u',
        long = "url",
        value_name = "URL",
        default_value = "",
        hide_default_value = true
    )]
    pub url: String,
    /// The desired state: schema files (file://) or another database.
    #[arg(
        long = "to",
        value_name = "URL",
        default_value = "",
        hide_default_value = true
    )]
    pub to: String,
    #[arg(long = "dev-url", value_name = "URL")]
    pub dev_url: Option<String>,
    #[arg(long = "dialect", value_name = "DIALECT")]
    pub dialect: Option<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Plan only; exit 3 when changes are pending (implies --dry-run).
    #[arg(long)]
    pub check: bool,
    /// Apply without asking.
    #[arg(long)]
    pub auto_approve: bool,
    /// Allow every destructive change (does not settle a possible rename).
    #[arg(long)]
    pub allow_destructive: bool,
    /// Allow dropping this table or `table.column`, and settle a possible rename of it as a drop
    /// (repeatable).
    #[arg(long = "allow-drop", value_name = "NAME")]
    pub allow_drop: Vec<String>,
    /// `file`: one transaction per group of statements (default); `none`: no transactions.
    #[arg(long = "tx-mode", value_name = "MODE", default_value = "file")]
    pub tx_mode: String,
    /// How long to wait for another deployment's lock, e.g. 10s, 1m.
    #[arg(long = "lock-timeout", value_name = "DURATION", default_value = "10s")]
    pub lock_timeout: String,
    /// PostgreSQL: create and drop indexes on existing tables CONCURRENTLY.
    #[arg(long)]
    pub concurrent_index: bool,
    #[command(flatten)]
    pub online: OnlineArgs,
    /// Output: human (default) or json.
    #[arg(long = "format", value_name = "FORMAT", default_value = "human")]
    pub format: String,
    /// The project's lint policy (from the project file's `lint` block, not a flag).
    #[arg(skip)]
    pub policy: Option<Box<cairn_core::policy::LintPolicy>>,
}
