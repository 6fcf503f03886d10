//! Inspection of a live Postgres database into the IR, with row estimates, in a fixed number of
//! catalog queries.
//!
//! Every object kind is fetched for all schemas in scope with one query (filtered on the schema
//! names), then grouped in Rust, so the number of queries is the same for 1 table as for 5,000.
//! All queries run in one read-only transaction with a fixed `search_path` (the bound schema in
//! schema scope, `public` in database scope), so what the catalog prints (`format_type`,
//! `pg_get_expr`, view bodies) qualifies names the same way on every run.

mod access;
mod objects;
pub(crate) use objects::implicit_sequence_name;
mod queries;
mod tables;

use std::collections::HashMap;

use cairn_core::{EngineError, InspectOptions};
use cairn_ir::{ColumnType, Dialect, PgType, QualifiedName, Realm, Schema};
use sqlx::postgres::PgRow;
use sqlx::{Decode, Executor, PgConnection, PgPool, Postgres, Row, Type};

/// The revisions table of the versioned workflow, never part of an inspected schema.
const REVISIONS_TABLE: &str = "atlas_schema_revisions";

pub(crate) async fn inspect_realm(
    pool: &PgPool,
    dialect: Dialect,
    bound_schema: Option<&str>,
    opts: &InspectOptions,
) -> Result<Realm, EngineError> {
    inspect_realm_counted(pool, dialect, bound_schema, opts)
        .await
        .map(|(realm, _)| realm)
}

/// Inspects like `Driver::inspect`, and also returns how many statements were sent to the
/// server: a number that must not depend on how many tables the database holds.
pub async fn inspect_realm_counted(
    pool: &PgPool,
    dialect: Dialect,
    bound_schema: Option<&str>,
    opts: &InspectOptions,
) -> Result<(Realm, usize), EngineError> {
    let mut conn = pool
        .acquire()
        .await
        .map_err(|e| query_error("connecting", e))?;
    let mut cat = Catalog {
        conn: &mut conn,
        statements: 0,
    };
    cat.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await?;
    let result = inspect_in_transaction(&mut cat, dialect, bound_schema, opts).await;
    // A read-only transaction has nothing to keep; ending it also resets `search_path`.
    let end = cat.exec("ROLLBACK").await;
    let statements = cat.statements;
    let realm = result?;
    end?;
    Ok((realm, statements))
}

async fn inspect_in_transaction(
    cat: &mut Catalog<'_>,
    dialect: Dialect,
    bound_schema: Option<&str>,
    opts: &InspectOptions,
) -> Result<Realm, EngineError> {
    let search_path = match bound_schema {
        Some(s) => dialect.quote_ident(s),
        None => "public".to_string(),
    };
    cat.rows_with(queries::SET_SEARCH_PATH, &search_path)
        .await?;

    let scope = Scope {
        bound: bound_schema.map(str::to_string),
        opts,
    };
    let mut b = Build {
        realm: Realm::new(dialect),
        schema_names: Vec::new(),
        schema_index: HashMap::new(),
        tables: HashMap::new(),
        views: HashMap::new(),
        matviews: HashMap::new(),
        unique_constraints: HashMap::new(),
    };
    for row in cat.rows(queries::SCHEMAS, &[]).await? {
        let name: String = get(&row, "name")?;
        if !scope.includes_schema(&name) {
            continue;
        }
        let mut schema = Schema::new(&name);
        schema.comment = get(&row, "comment")?;
        schema.owner = get(&row, "owner")?;
        b.schema_index.insert(name.clone(), b.realm.schemas.len());
        b.schema_names.push(name);
        b.realm.schemas.push(schema);
    }
    let ctx = Ctx {
        scope,
        dialect,
        search_schema: bound_schema.unwrap_or("public").to_string(),
    };

    // The order matters where one kind completes another: sequences turn columns into serial
    // and identity columns, constraints come before the indexes that back them, and views before
    // the indexes of materialized views.
    tables::tables(cat, &ctx, &mut b).await?;
    tables::columns(cat, &ctx, &mut b).await?;
    objects::sequences(cat, &ctx, &mut b).await?;
    tables::constraints(cat, &ctx, &mut b).await?;
    objects::views(cat, &ctx, &mut b).await?;
    tables::indexes(cat, &ctx, &mut b).await?;
    tables::triggers(cat, &ctx, &mut b).await?;
    tables::policies(cat, &ctx, &mut b).await?;
    objects::routines(cat, &ctx, &mut b).await?;
    objects::types(cat, &ctx, &mut b).await?;
    objects::extensions(cat, &ctx, &mut b).await?;
    if bound_schema.is_none() {
        access::roles(cat, &ctx, &mut b).await?;
        access::permissions(cat, &ctx, &mut b).await?;
        access::default_privileges(cat, &ctx, &mut b).await?;
    }
    Ok(b.realm)
}

/// The realm being built, with where each relation landed (by oid) so that the queries for
/// columns, constraints, indexes and the rest can find their table.
pub(crate) struct Build {
    realm: Realm,
    schema_names: Vec<String>,
    schema_index: HashMap<String, usize>,
    tables: HashMap<i64, (usize, usize)>,
    views: HashMap<i64, (usize, usize)>,
    matviews: HashMap<i64, (usize, usize)>,
    unique_constraints: HashMap<(i64, String), tables::UniqueConstraint>,
}

/// What is in scope: the bound schema (or every non-system schema), narrowed by `--schema`,
/// minus `--exclude` globs.
pub(crate) struct Scope<'o> {
    bound: Option<String>,
    opts: &'o InspectOptions,
}

impl Scope<'_> {
    fn includes_schema(&self, name: &str) -> bool {
        let bound_ok = match &self.bound {
            Some(b) => b == name,
            // In database scope the revisions table lives in a schema of its own.
            None => name != REVISIONS_TABLE,
        };
        bound_ok && (self.opts.schemas.is_empty() || self.opts.schemas.iter().any(|s| s == name))
    }

    /// Whether a schema-level object (table, view, function...) is excluded by a glob. In schema
    /// scope the path leaves the schema out.
    pub(crate) fn excludes(&self, schema: &str, name: &str, kind: &str) -> bool {
        if self.bound.is_some() {
            self.opts.excludes(&[name], kind)
        } else {
            self.opts.excludes(&[schema, name], kind)
        }
    }

    /// Whether an object of a table (column, index, trigger, policy) is excluded by a glob.
    pub(crate) fn excludes_member(
        &self,
        schema: &str,
        table: &str,
        name: &str,
        kind: &str,
    ) -> bool {
        if self.bound.is_some() {
            self.opts.excludes(&[table, name], kind)
        } else {
            self.opts.excludes(&[schema, table, name], kind)
        }
    }
}

/// Shared inspection state: the scope and the schema unqualified catalog names resolve to.
pub(crate) struct Ctx<'o> {
    pub(crate) scope: Scope<'o>,
    pub(crate) dialect: Dialect,
    /// The schema on the `search_path`: an unqualified user type printed by `format_type`
    /// lives there.
    pub(crate) search_schema: String,
}

impl Ctx<'_> {
    pub(crate) fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The IR type of a catalog type name (`format_type` output). User-defined types are always
    /// schema-qualified in the IR, whatever the `search_path` made the catalog print.
    pub(crate) fn column_type(&self, catalog_text: &str) -> ColumnType {
        match ColumnType::parse(Dialect::Postgres, catalog_text) {
            ColumnType::Postgres(t) => ColumnType::Postgres(self.qualify(t)),
            other => other,
        }
    }

    fn qualify(&self, t: PgType) -> PgType {
        match t {
            PgType::Named(QualifiedName { schema: None, name }) => PgType::Named(QualifiedName {
                schema: Some(self.search_schema.clone()),
                name,
            }),
            PgType::Array(elem) => PgType::Array(Box::new(self.qualify(*elem))),
            other => other,
        }
    }
}

/// One connection inside the inspection transaction, counting the statements it sends.
pub(crate) struct Catalog<'c> {
    conn: &'c mut PgConnection,
    statements: usize,
}

impl Catalog<'_> {
    async fn exec(&mut self, sql: &'static str) -> Result<(), EngineError> {
        self.statements += 1;
        self.conn
            .execute(sql)
            .await
            .map(|_| ())
            .map_err(|e| query_error(sql, e))
    }

    /// Runs a catalog query whose only parameter is the list of schemas in scope.
    pub(crate) async fn rows(
        &mut self,
        sql: &'static str,
        schemas: &[String],
    ) -> Result<Vec<PgRow>, EngineError> {
        self.statements += 1;
        sqlx::query(sql)
            .bind(schemas.to_vec())
            .fetch_all(&mut *self.conn)
            .await
            .map_err(|e| query_error(sql, e))
    }

    /// Runs a query with one text parameter.
    pub(crate) async fn rows_with(
        &mut self,
        sql: &'static str,
        param: &str,
    ) -> Result<Vec<PgRow>, EngineError> {
        self.statements += 1;
        sqlx::query(sql)
            .bind(param.to_string())
            .fetch_all(&mut *self.conn)
            .await
            .map_err(|e| query_error(sql, e))
    }
}

fn query_error(sql: &str, e: sqlx::Error) -> EngineError {
    // The first line of a catalog query is a comment naming it, which makes a better context
    // than the whole text.
    let context = sql
        .trim()
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("--")
        .trim()
        .to_string();
    EngineError::Query {
        context: format!("inspecting the database ({context})"),
        message: e.to_string(),
    }
}

/// Reads one column of a catalog row.
pub(crate) fn get<'r, T>(row: &'r PgRow, column: &str) -> Result<T, EngineError>
where
    T: Decode<'r, Postgres> + Type<Postgres>,
{
    row.try_get(column).map_err(|e| EngineError::Query {
        context: format!("reading catalog column {column}"),
        message: e.to_string(),
    })
}

/// Splits `key=value` option strings (`reloptions`, `proconfig`) into pairs.
pub(crate) fn key_values(options: Vec<String>) -> Vec<(String, String)> {
    options
        .into_iter()
        .map(|o| match o.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (o, String::new()),
        })
        .collect()
}
