//! The objects of a realm: schemas and what they hold, tables and what they own, and the
//! realm-level roles, permissions and default privileges.

use crate::{ColumnType, Dialect, Shared};

/// An identifier as the database stores it.
pub type Ident = String;

/// A name, optionally qualified by its schema. An unqualified name means "the schema of the
/// object that refers to it" (or the dialect's default schema).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QualifiedName {
    pub schema: Option<Ident>,
    pub name: Ident,
}

impl QualifiedName {
    pub fn new(schema: Option<&str>, name: &str) -> QualifiedName {
        QualifiedName {
            schema: schema.map(str::to_string),
            name: name.to_string(),
        }
    }

    pub fn unqualified(name: &str) -> QualifiedName {
        QualifiedName::new(None, name)
    }

    /// `schema.name`, or `name` when unqualified (unquoted; for messages, not SQL).
    pub fn display(&self) -> String {
        match &self.schema {
            Some(s) => format!("{s}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A SQL expression, kept as text in the dialect of its source (defaults, checks, index
/// expressions, predicates, generated columns, view bodies).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr(pub String);

impl Expr {
    pub fn new(s: impl Into<String>) -> Expr {
        Expr(s.into())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The whole desired or inspected state: every schema in scope, and the realm-level objects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Realm {
    pub dialect: Dialect,
    pub schemas: Vec<Schema>,
    pub roles: Vec<Role>,
    pub permissions: Vec<Permission>,
    pub default_privileges: Vec<DefaultPrivilege>,
    /// Realm-level objects the IR cannot represent (kept, never dropped silently).
    pub unsupported: Vec<Unsupported>,
}

impl Realm {
    pub fn new(dialect: Dialect) -> Realm {
        Realm {
            dialect,
            schemas: Vec::new(),
            roles: Vec::new(),
            permissions: Vec::new(),
            default_privileges: Vec::new(),
            unsupported: Vec::new(),
        }
    }

    pub fn schema(&self, name: &str) -> Option<&Schema> {
        self.schemas
            .iter()
            .find(|s| self.dialect.idents_equal(&s.name, name))
    }

    pub fn schema_mut(&mut self, name: &str) -> Option<&mut Schema> {
        let d = self.dialect;
        self.schemas
            .iter_mut()
            .find(|s| d.idents_equal(&s.name, name))
    }

    /// The schema named `name`, created empty if it does not exist yet.
    pub fn schema_or_insert(&mut self, name: &str) -> &mut Schema {
        let d = self.dialect;
        match self
            .schemas
            .iter()
            .position(|s| d.idents_equal(&s.name, name))
        {
            Some(i) => &mut self.schemas[i],
            None => {
                self.schemas.push(Schema::new(name));
                self.schemas.last_mut().expect("just pushed")
            }
        }
    }

    /// Finds a table by qualified name; an unqualified name is looked up in `default_schema`.
    pub fn table(&self, name: &QualifiedName, default_schema: &str) -> Option<&Table> {
        let schema = name.schema.as_deref().unwrap_or(default_schema);
        self.schema(schema)?.table(&name.name, self.dialect)
    }

    pub fn tables(&self) -> impl Iterator<Item = (&Schema, &Table)> {
        self.schemas
            .iter()
            .flat_map(|s| s.tables.iter().map(move |t| (s, &**t)))
    }

    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }
}

/// A schema (a database, in MySQL; `main` in SQLite).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    pub name: Ident,
    pub comment: Option<String>,
    /// MySQL: the schema's default character set and collation.
    pub charset: Option<String>,
    pub collation: Option<String>,
    /// PostgreSQL: the owner role, when known and declared.
    pub owner: Option<Ident>,
    /// Shared handles: a copy of a schema shares its tables until one is written to.
    pub tables: Vec<Shared<Table>>,
    pub views: Vec<View>,
    pub materialized_views: Vec<View>,
    pub functions: Vec<Function>,
    pub procedures: Vec<Function>,
    pub aggregates: Vec<Aggregate>,
    pub sequences: Vec<Sequence>,
    pub enums: Vec<Enum>,
    pub domains: Vec<Domain>,
    pub composites: Vec<Composite>,
    pub extensions: Vec<Extension>,
    /// MySQL/MariaDB events and other schema-level objects the IR cannot represent.
    pub unsupported: Vec<Unsupported>,
}

impl Schema {
    pub fn new(name: &str) -> Schema {
        Schema {
            name: name.to_string(),
            ..Schema::default()
        }
    }

    pub fn table(&self, name: &str, dialect: Dialect) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| dialect.idents_equal(&t.name, name))
            .map(|t| &**t)
    }

    pub fn table_mut(&mut self, name: &str, dialect: Dialect) -> Option<&mut Table> {
        self.tables
            .iter_mut()
            .find(|t| dialect.idents_equal(&t.name, name))
            .map(|t| &mut **t)
    }

    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
            && self.views.is_empty()
            && self.materialized_views.is_empty()
            && self.functions.is_empty()
            && self.procedures.is_empty()
            && self.aggregates.is_empty()
            && self.sequences.is_empty()
            && self.enums.is_empty()
            && self.domains.is_empty()
            && self.composites.is_empty()
            && self.extensions.is_empty()
            && self.unsupported.is_empty()
    }
}

/// Something the IR cannot represent, kept verbatim so rules can see it and nothing is lost.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Unsupported {
    /// What kind of object it is, as the source or catalog names it (`event`, `cast`, `rule`...).
    pub kind: String,
    pub name: Option<Ident>,
    pub raw: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub name: Ident,
    pub comment: Option<String>,
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<Check>,
    /// PostgreSQL EXCLUDE constraints, kept as their definition.
    pub excludes: Vec<Exclude>,
    pub triggers: Vec<Trigger>,
    pub policies: Vec<Policy>,
    pub row_security: RowSecurity,
    /// Declarative partitioning: how this table is partitioned.
    pub partition_by: Option<PartitionBy>,
    /// This table is a partition of another.
    pub partition_of: Option<PartitionOf>,
    pub ext: TableExt,
    /// The live row estimate, when the table came from a database.
    pub rows: Option<u64>,
    /// The name this table had before, as the schema declares (`renamed_from`).
    pub renamed_from: Option<Ident>,
}

impl Table {
    pub fn new(name: &str) -> Table {
        Table {
            name: name.to_string(),
            ..Table::default()
        }
    }

    /// The column named `name`: an exact match first, then (for the case-insensitive dialects'
    /// sake) one that differs only in ASCII case.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name).or_else(|| {
            self.columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name))
        })
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        let exact = self.columns.iter().position(|c| c.name == name);
        let i = exact.or_else(|| {
            self.columns
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(name))
        })?;
        Some(&mut self.columns[i])
    }

    pub fn index(&self, name: &str) -> Option<&Index> {
        self.indexes.iter().find(|i| i.name == name)
    }
}

/// Dialect-specific table attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TableExt {
    #[default]
    None,
    Postgres(PgTableExt),
    Mysql(MyTableExt),
    Sqlite(SqliteTableExt),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PgTableExt {
    pub unlogged: bool,
    /// `USING method`, when not the default heap.
    pub access_method: Option<String>,
    /// `WITH (fillfactor = 70, ...)`, as `key=value` pairs in catalog order.
    pub storage_params: Vec<(String, String)>,
    /// `REPLICA IDENTITY` when not DEFAULT: `FULL`, `NOTHING` or `USING INDEX name`.
    pub replica_identity: Option<String>,
    pub owner: Option<Ident>,
    /// `INHERITS (parent, ...)` (legacy inheritance, not declarative partitioning).
    pub inherits: Vec<QualifiedName>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MyTableExt {
    pub engine: Option<String>,
    pub charset: Option<String>,
    pub collation: Option<String>,
    pub auto_increment: Option<u64>,
    pub row_format: Option<String>,
    /// MariaDB `WITH SYSTEM VERSIONING`.
    pub system_versioned: bool,
    /// `PARTITION BY ...` clause, kept verbatim.
    pub partitioning: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SqliteTableExt {
    pub strict: bool,
    pub without_rowid: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: Ident,
    pub ty: ColumnType,
    pub nullable: bool,
    pub default: Option<Default>,
    pub identity: Option<Identity>,
    /// MySQL `AUTO_INCREMENT`; SQLite `AUTOINCREMENT` on an integer primary key.
    pub auto_increment: bool,
    pub generated: Option<Generated>,
    pub collation: Option<String>,
    pub comment: Option<String>,
    pub ext: ColumnExt,
    pub renamed_from: Option<Ident>,
}

impl Column {
    pub fn new(name: &str, ty: ColumnType) -> Column {
        Column {
            name: name.to_string(),
            ty,
            nullable: true,
            default: None,
            identity: None,
            auto_increment: false,
            generated: None,
            collation: None,
            comment: None,
            ext: ColumnExt::None,
            renamed_from: None,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ColumnExt {
    #[default]
    None,
    Mysql(MyColumnExt),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MyColumnExt {
    pub charset: Option<String>,
    /// `ON UPDATE CURRENT_TIMESTAMP[(p)]`.
    pub on_update: Option<Expr>,
    pub invisible: bool,
    pub srid: Option<u32>,
}

/// A column default: a literal value, or an expression the database evaluates.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Default {
    Literal(Literal),
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Literal {
    Null,
    Bool(bool),
    /// A number, as written in canonical decimal form (`0`, `-1`, `3.14`).
    Number(String),
    String(String),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Identity {
    pub generated: IdentityKind,
    pub start: Option<i64>,
    pub increment: Option<i64>,
    /// Other sequence options (`MINVALUE 1`, `CACHE 10`, `SEQUENCE NAME s`), kept verbatim.
    pub options: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdentityKind {
    Always,
    ByDefault,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Generated {
    pub expr: Expr,
    pub stored: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrimaryKey {
    /// The constraint name; `None` means the dialect's implicit name.
    pub name: Option<Ident>,
    pub columns: Vec<Ident>,
    /// PostgreSQL `INCLUDE (...)`.
    pub include: Vec<Ident>,
    pub deferrable: Deferrable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    pub name: Ident,
    pub unique: bool,
    pub parts: Vec<IndexPart>,
    /// Partial index predicate (`WHERE ...`).
    pub predicate: Option<Expr>,
    pub method: IndexMethod,
    /// PostgreSQL `INCLUDE (...)`.
    pub include: Vec<Ident>,
    /// PostgreSQL 15 `NULLS NOT DISTINCT` when `Some(false)`.
    pub nulls_distinct: Option<bool>,
    /// PostgreSQL: the index backs a `UNIQUE` constraint rather than standing alone.
    pub constraint: bool,
    pub deferrable: Deferrable,
    pub comment: Option<String>,
    /// PostgreSQL `WITH (...)` storage parameters.
    pub storage_params: Vec<(String, String)>,
    /// MySQL FULLTEXT `WITH PARSER`.
    pub parser: Option<String>,
    pub renamed_from: Option<Ident>,
}

impl Index {
    pub fn on_columns(name: &str, columns: &[&str], unique: bool) -> Index {
        Index {
            name: name.to_string(),
            unique,
            parts: columns.iter().map(|c| IndexPart::column(c)).collect(),
            predicate: None,
            method: IndexMethod::Default,
            include: Vec::new(),
            nulls_distinct: None,
            constraint: false,
            deferrable: Deferrable::No,
            comment: None,
            storage_params: Vec::new(),
            parser: None,
            renamed_from: None,
        }
    }

    /// The column names of the index, or `None` when a part is an expression.
    pub fn column_names(&self) -> Option<Vec<&str>> {
        self.parts
            .iter()
            .map(|p| match &p.key {
                IndexKey::Column(c) => Some(c.as_str()),
                IndexKey::Expr(_) => None,
            })
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IndexPart {
    pub key: IndexKey,
    pub desc: bool,
    /// PostgreSQL `NULLS FIRST` / `NULLS LAST` when not the default for the direction.
    pub nulls_first: Option<bool>,
    /// PostgreSQL operator class (`text_pattern_ops`), when not the default.
    pub opclass: Option<String>,
    pub collation: Option<String>,
    /// MySQL prefix length (`name(10)`).
    pub prefix: Option<u32>,
}

impl IndexPart {
    pub fn column(name: &str) -> IndexPart {
        IndexPart {
            key: IndexKey::Column(name.to_string()),
            desc: false,
            nulls_first: None,
            opclass: None,
            collation: None,
            prefix: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IndexKey {
    Column(Ident),
    Expr(Expr),
}

/// The access method of an index. `Default` is the dialect's default (btree).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub enum IndexMethod {
    #[default]
    Default,
    Hash,
    Gin,
    Gist,
    SpGist,
    Brin,
    Fulltext,
    Spatial,
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Deferrable {
    #[default]
    No,
    InitiallyImmediate,
    InitiallyDeferred,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    /// The constraint name; `None` means the dialect's implicit name.
    pub name: Option<Ident>,
    pub columns: Vec<Ident>,
    pub ref_table: QualifiedName,
    pub ref_columns: Vec<Ident>,
    pub on_update: FkAction,
    pub on_delete: FkAction,
    pub deferrable: Deferrable,
    /// PostgreSQL: added `NOT VALID` and not validated since, so existing rows are unchecked
    /// (`pg_constraint.convalidated` false). `ALTER TABLE ... VALIDATE CONSTRAINT` clears it.
    pub not_valid: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum FkAction {
    #[default]
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// The constraint name; `None` means the dialect's implicit name.
    pub name: Option<Ident>,
    pub expr: Expr,
    /// MySQL `NOT ENFORCED` when false.
    pub enforced: bool,
    /// PostgreSQL `NO INHERIT`.
    pub no_inherit: bool,
    /// PostgreSQL: added `NOT VALID` and not validated since (see [`ForeignKey::not_valid`]).
    pub not_valid: bool,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exclude {
    pub name: Option<Ident>,
    /// The definition after `EXCLUDE`, as `pg_get_constraintdef` prints it.
    pub definition: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RowSecurity {
    pub enabled: bool,
    pub forced: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionBy {
    pub strategy: PartitionStrategy,
    pub keys: Vec<IndexKey>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PartitionStrategy {
    Range,
    List,
    Hash,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionOf {
    pub parent: QualifiedName,
    /// The bound as `pg_get_expr(relpartbound)` prints it: `FOR VALUES FROM (...) TO (...)`,
    /// `DEFAULT`.
    pub bound: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub name: Ident,
    pub timing: TriggerTiming,
    pub events: Vec<TriggerEvent>,
    pub for_each_row: bool,
    pub when: Option<Expr>,
    /// PostgreSQL: `EXECUTE FUNCTION f(args)`.
    pub function: Option<QualifiedName>,
    pub function_args: Vec<String>,
    /// MySQL/SQLite: the trigger body; PostgreSQL: none.
    pub body: Option<String>,
    /// PostgreSQL `CONSTRAINT TRIGGER`, `REFERENCING`, and the rest, when present, verbatim.
    pub extra: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TriggerTiming {
    Before,
    After,
    InsteadOf,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TriggerEvent {
    Insert,
    Update { columns: Vec<Ident> },
    Delete,
    Truncate,
}

/// A row-level-security policy (PostgreSQL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub name: Ident,
    pub permissive: bool,
    pub command: PolicyCommand,
    /// Role names; `public` for PUBLIC.
    pub roles: Vec<Ident>,
    pub using: Option<Expr>,
    pub check: Option<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyCommand {
    All,
    Select,
    Insert,
    Update,
    Delete,
}

impl PolicyCommand {
    pub fn sql(self) -> &'static str {
        match self {
            PolicyCommand::All => "ALL",
            PolicyCommand::Select => "SELECT",
            PolicyCommand::Insert => "INSERT",
            PolicyCommand::Update => "UPDATE",
            PolicyCommand::Delete => "DELETE",
        }
    }
}

/// A view or a materialized view.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    pub name: Ident,
    /// The query, as written (compiled) or as the database prints it (inspected).
    pub definition: String,
    /// Explicit column names (`CREATE VIEW v (a, b) AS ...`), empty when implied.
    pub columns: Vec<Ident>,
    pub comment: Option<String>,
    /// `WITH [CASCADED | LOCAL] CHECK OPTION`.
    pub check_option: Option<String>,
    pub security_invoker: Option<bool>,
    /// MySQL `SQL SECURITY DEFINER|INVOKER`, `ALGORITHM=...`, kept verbatim.
    pub options: Vec<(String, String)>,
    /// Materialized views: their indexes.
    pub indexes: Vec<Index>,
    /// Materialized views: `WITH NO DATA` when false.
    pub with_data: bool,
}

/// A function or a procedure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    pub name: Ident,
    pub args: Vec<FuncArg>,
    /// The return type as SQL (`integer`, `trigger`, `SETOF t`, `TABLE (a int)`); `None` for
    /// procedures.
    pub returns: Option<String>,
    pub language: String,
    pub body: String,
    pub volatility: Volatility,
    pub strict: bool,
    pub security_definer: bool,
    pub leakproof: bool,
    /// PostgreSQL `PARALLEL SAFE|RESTRICTED|UNSAFE` when not UNSAFE.
    pub parallel: Option<String>,
    /// MySQL `DETERMINISTIC`.
    pub deterministic: bool,
    /// `SET search_path = ...` and the like.
    pub config: Vec<(String, String)>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FuncArg {
    pub name: Option<Ident>,
    /// The argument type as SQL.
    pub ty: String,
    pub mode: ArgMode,
    pub default: Option<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum ArgMode {
    #[default]
    In,
    Out,
    InOut,
    Variadic,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Volatility {
    #[default]
    Volatile,
    Stable,
    Immutable,
}

/// A PostgreSQL aggregate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aggregate {
    pub name: Ident,
    pub args: Vec<FuncArg>,
    pub state_func: String,
    pub state_type: String,
    pub final_func: Option<String>,
    pub initial_value: Option<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sequence {
    pub name: Ident,
    /// `AS smallint|integer|bigint`, when not bigint.
    pub data_type: Option<ColumnType>,
    pub start: Option<i64>,
    pub increment: Option<i64>,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub cache: Option<i64>,
    pub cycle: bool,
    /// `OWNED BY table.column`.
    pub owned_by: Option<(Ident, Ident)>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enum {
    pub name: Ident,
    pub values: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Domain {
    pub name: Ident,
    pub base: ColumnType,
    pub nullable: bool,
    pub default: Option<Default>,
    pub collation: Option<String>,
    pub checks: Vec<Check>,
    pub comment: Option<String>,
}

/// A PostgreSQL composite type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composite {
    pub name: Ident,
    pub fields: Vec<(Ident, ColumnType)>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    pub name: Ident,
    /// The version, when declared (inspection always knows it; a schema that does not pin one
    /// accepts any).
    pub version: Option<String>,
    pub comment: Option<String>,
}

/// A role (PostgreSQL) or user (MySQL, where the name is `user@host`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub name: Ident,
    pub login: bool,
    pub superuser: bool,
    pub create_db: bool,
    pub create_role: bool,
    pub bypass_rls: bool,
    pub replication: bool,
    pub inherit: bool,
    pub conn_limit: Option<i64>,
    pub member_of: Vec<Ident>,
    /// Whether the role has a password; the password itself never enters the IR.
    pub password_set: bool,
    /// Referenced (granted to) but not created by the source: managed elsewhere.
    pub external: bool,
    pub comment: Option<String>,
}

impl Role {
    pub fn new(name: &str) -> Role {
        Role {
            name: name.to_string(),
            login: false,
            superuser: false,
            create_db: false,
            create_role: false,
            bypass_rls: false,
            replication: false,
            inherit: true,
            conn_limit: None,
            member_of: Vec::new(),
            password_set: false,
            external: false,
            comment: None,
        }
    }
}

/// A privilege granted on an object (`GRANT ... ON ... TO grantee`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Permission {
    /// The role receiving the privilege; `PUBLIC` for everyone.
    pub grantee: Ident,
    pub privileges: Vec<Privilege>,
    pub object: GrantObject,
    pub grantable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Privilege {
    All,
    Select,
    Insert,
    Update,
    Delete,
    Truncate,
    References,
    Trigger,
    Usage,
    Create,
    Connect,
    Temporary,
    Execute,
    Other(String),
}

impl Privilege {
    pub fn from_sql(s: &str) -> Privilege {
        match s.trim().to_ascii_uppercase().as_str() {
            "ALL" | "ALL PRIVILEGES" => Privilege::All,
            "SELECT" => Privilege::Select,
            "INSERT" => Privilege::Insert,
            "UPDATE" => Privilege::Update,
            "DELETE" => Privilege::Delete,
            "TRUNCATE" => Privilege::Truncate,
            "REFERENCES" => Privilege::References,
            "TRIGGER" => Privilege::Trigger,
            "USAGE" => Privilege::Usage,
            "CREATE" => Privilege::Create,
            "CONNECT" => Privilege::Connect,
            "TEMPORARY" | "TEMP" => Privilege::Temporary,
            "EXECUTE" => Privilege::Execute,
            other => Privilege::Other(other.to_string()),
        }
    }

    pub fn sql(&self) -> &str {
        match self {
            Privilege::All => "ALL",
            Privilege::Select => "SELECT",
            Privilege::Insert => "INSERT",
            Privilege::Update => "UPDATE",
            Privilege::Delete => "DELETE",
            Privilege::Truncate => "TRUNCATE",
            Privilege::References => "REFERENCES",
            Privilege::Trigger => "TRIGGER",
            Privilege::Usage => "USAGE",
            Privilege::Create => "CREATE",
            Privilege::Connect => "CONNECT",
            Privilege::Temporary => "TEMPORARY",
            Privilege::Execute => "EXECUTE",
            Privilege::Other(s) => s,
        }
    }
}

/// What a privilege is granted on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GrantObject {
    Database,
    Schema(Ident),
    Table(QualifiedName),
    /// Column privileges: `GRANT SELECT (a, b) ON t`.
    Columns(QualifiedName, Vec<Ident>),
    Sequence(QualifiedName),
    /// A function, with its argument types for overload resolution.
    Function(QualifiedName, Vec<String>),
    Procedure(QualifiedName, Vec<String>),
    Type(QualifiedName),
    /// `GRANT role TO role` is membership, kept in `Role::member_of`; this is for MySQL's
    /// `*.*` global privileges.
    Global,
}

impl GrantObject {
    /// The privileges `ALL` stands for on this object in dialect `d`, when the dialect spells
    /// them out (PostgreSQL's catalog lists each privilege an `ALL` grant gave); `None` keeps
    /// `ALL` as a privilege of its own. PostgreSQL 17's `MAINTAIN` on tables is not listed: an
    /// `ALL` grant covers it where the server has it.
    pub fn all_privileges(&self, d: crate::Dialect) -> Option<Vec<Privilege>> {
        use Privilege::*;
        if d != crate::Dialect::Postgres {
            return None;
        }
        Some(match self {
            GrantObject::Table(_) => vec![
                Select, Insert, Update, Delete, Truncate, References, Trigger,
            ],
            GrantObject::Columns(..) => vec![Select, Insert, Update, References],
            GrantObject::Sequence(_) => vec![Select, Update, Usage],
            GrantObject::Database => vec![Create, Connect, Temporary],
            GrantObject::Schema(_) => vec![Usage, Create],
            GrantObject::Function(..) | GrantObject::Procedure(..) => vec![Execute],
            GrantObject::Type(_) => vec![Usage],
            GrantObject::Global => return None,
        })
    }
}

/// `ALTER DEFAULT PRIVILEGES [FOR ROLE r] [IN SCHEMA s] GRANT ... ON kind TO grantee`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DefaultPrivilege {
    pub for_role: Option<Ident>,
    pub schema: Option<Ident>,
    pub object_kind: DefaultPrivilegeKind,
    pub grantee: Ident,
    pub privileges: Vec<Privilege>,
    pub grantable: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DefaultPrivilegeKind {
    Tables,
    Sequences,
    Functions,
    Types,
    Schemas,
}

/// A path to an object in a realm: the key of source maps and of diagnostics about objects.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObjectPath {
    Schema(Ident),
    Table(Ident, Ident),
    Column(Ident, Ident, Ident),
    Index(Ident, Ident, Ident),
    PrimaryKey(Ident, Ident),
    ForeignKey(Ident, Ident, Ident),
    Check(Ident, Ident, Ident),
    Trigger(Ident, Ident, Ident),
    Policy(Ident, Ident, Ident),
    View(Ident, Ident),
    MaterializedView(Ident, Ident),
    Function(Ident, Ident),
    Procedure(Ident, Ident),
    Aggregate(Ident, Ident),
    Sequence(Ident, Ident),
    Enum(Ident, Ident),
    Domain(Ident, Ident),
    Composite(Ident, Ident),
    Extension(Ident, Ident),
    Role(Ident),
    Permission(usize),
}
