//! Inspection of a live MySQL or MariaDB server into the IR, with row estimates, in a fixed
//! number of catalog queries: each object kind is read for every schema in scope at once and
//! grouped in Rust, so the count never grows with the number of tables.

mod columns;
mod objects;
mod privileges;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use cairn_core::{EngineError, InspectOptions};
use cairn_ir::{Dialect, Realm, Schema};
use sqlx::mysql::MySqlRow;
use sqlx::{MySqlPool, Row};

/// The revisions table of the versioned workflow: never part of an inspected schema.
const REVISIONS_TABLE: &str = "atlas_schema_revisions";

/// Schemas the server owns; never inspected.
const SYSTEM_SCHEMAS: [&str; 4] = ["information_schema", "mysql", "performance_schema", "sys"];

pub(crate) async fn inspect_realm(
    pool: &MySqlPool,
    dialect: Dialect,
    bound_schema: Option<&str>,
    opts: &InspectOptions,
) -> Result<Realm, EngineError> {
    let catalog = Catalog::new(pool, dialect);
    inspect_with(&catalog, bound_schema, opts).await
}

/// Inspects like `inspect_realm` and also says how many catalog queries it took.
#[cfg(test)]
pub(crate) async fn inspect_counting(
    pool: &MySqlPool,
    dialect: Dialect,
    bound_schema: Option<&str>,
    opts: &InspectOptions,
) -> Result<(Realm, usize), EngineError> {
    let catalog = Catalog::new(pool, dialect);
    let realm = inspect_with(&catalog, bound_schema, opts).await?;
    Ok((realm, catalog.queries.load(Ordering::Relaxed)))
}

/// The connection, the flavour and a count of the queries sent, which tests assert on.
pub(crate) struct Catalog<'a> {
    pool: &'a MySqlPool,
    pub(crate) dialect: Dialect,
    queries: AtomicUsize,
}

impl<'a> Catalog<'a> {
    fn new(pool: &'a MySqlPool, dialect: Dialect) -> Catalog<'a> {
        Catalog {
            pool,
            dialect,
            queries: AtomicUsize::new(0),
        }
    }

    /// Runs one catalog query with the schema names bound to every `{schemas}` placeholder
    /// (an IN-list), so one statement covers every schema in scope.
    pub(crate) async fn fetch(
        &self,
        what: &str,
        sql: &str,
        schemas: &[String],
    ) -> Result<Vec<MySqlRow>, EngineError> {
        let placeholders = vec!["?"; schemas.len().max(1)].join(", ");
        let occurrences = sql.matches("{schemas}").count();
        let text = sql.replace("{schemas}", &placeholders);
        let mut query = sqlx::query::<sqlx::MySql>(sqlx::AssertSqlSafe(text));
        for _ in 0..occurrences {
            if schemas.is_empty() {
                // An empty IN-list is not SQL; a name no schema has matches nothing instead.
                query = query.bind("");
            }
            for s in schemas {
                query = query.bind(s.clone());
            }
        }
        self.queries.fetch_add(1, Ordering::Relaxed);
        query
            .fetch_all(self.pool)
            .await
            .map_err(|e| EngineError::Query {
                context: format!("reading {what} from the catalog"),
                message: e.to_string(),
            })
    }
}

/// Reads column `i` of a catalog row as text, whatever the server's wire type for it (MySQL 8
/// returns some catalog columns as binary strings, MariaDB as text; numbers are printed).
pub(crate) fn text(row: &MySqlRow, i: usize) -> Option<String> {
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return v;
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
        return v.map(|b| String::from_utf8_lossy(&b).into_owned());
    }
    if let Ok(v) = row.try_get::<Option<u64>, _>(i) {
        return v.map(|n| n.to_string());
    }
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return v.map(|n| n.to_string());
    }
    None
}

/// Reads column `i` as text, empty when NULL.
pub(crate) fn text_or_empty(row: &MySqlRow, i: usize) -> String {
    text(row, i).unwrap_or_default()
}

/// Reads column `i` as an unsigned number.
pub(crate) fn number(row: &MySqlRow, i: usize) -> Option<u64> {
    text(row, i).and_then(|s| s.trim().parse().ok())
}

/// Charsets and collations: which collation is each charset's default, and which charset each
/// collation belongs to.
pub(crate) struct Collations {
    default_of: HashMap<String, String>,
    charset_of: HashMap<String, String>,
}

impl Collations {
    pub(crate) fn charset_of(&self, collation: &str) -> Option<&str> {
        self.charset_of.get(collation).map(String::as_str)
    }

    /// The charset and collation an object declares, given what it inherits from its parent:
    /// only what differs is kept, so a declaration that says nothing compares equal.
    pub(crate) fn declared(
        &self,
        charset: Option<&str>,
        collation: Option<&str>,
        parent: (&str, &str),
    ) -> (Option<String>, Option<String>) {
        let charset = charset.map(str::to_string).or_else(|| {
            collation
                .and_then(|c| self.charset_of(c))
                .map(str::to_string)
        });
        let Some(cs) = charset else {
            return (None, None);
        };
        if !cs.eq_ignore_ascii_case(parent.0) {
            let default = self.default_of.get(&cs).map(String::as_str);
            let coll = collation
                .filter(|c| Some(*c) != default)
                .map(str::to_string);
            (Some(cs), coll)
        } else {
            let coll = collation
                .filter(|c| !c.eq_ignore_ascii_case(parent.1))
                .map(str::to_string);
            (None, coll)
        }
    }
}

/// What the server uses when a schema or table declares nothing.
pub(crate) struct ServerDefaults {
    pub(crate) charset: String,
    pub(crate) collation: String,
    pub(crate) engine: String,
}

/// The scope of one inspection: the schemas in it and how exclude paths are spelled.
pub(crate) struct Scope<'o> {
    /// Database scope: exclude paths start at the schema.
    pub(crate) qualified: bool,
    pub(crate) opts: &'o InspectOptions,
}

impl Scope<'_> {
    /// Whether the object at `path` (below its schema) of `kind` is excluded.
    pub(crate) fn excluded(&self, schema: &str, path: &[&str], kind: &str) -> bool {
        if self.opts.exclude.is_empty() {
            return false;
        }
        if self.qualified {
            let mut full = vec![schema];
            full.extend_from_slice(path);
            self.opts.excludes(&full, kind)
        } else {
            self.opts.excludes(path, kind)
        }
    }
}

async fn inspect_with(
    catalog: &Catalog<'_>,
    bound_schema: Option<&str>,
    opts: &InspectOptions,
) -> Result<Realm, EngineError> {
    let dialect = catalog.dialect;
    let mut realm = Realm::new(dialect);
    let scope = Scope {
        qualified: bound_schema.is_none(),
        opts,
    };

    let server = server_defaults(catalog).await?;
    let collations = collations(catalog).await?;
    let schema_rows = catalog
        .fetch(
            "schemas",
            "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME \
             FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME",
            &[],
        )
        .await?;
    // Each schema's own defaults, which its tables inherit.
    let mut schema_defaults: HashMap<String, (String, String)> = HashMap::new();
    for row in &schema_rows {
        let name = text_or_empty(row, 0);
        let in_scope = if !opts.schemas.is_empty() {
            opts.schemas.iter().any(|s| s == &name)
        } else if let Some(b) = bound_schema {
            name == b
        } else {
            !SYSTEM_SCHEMAS.iter().any(|s| s.eq_ignore_ascii_case(&name))
        };
        if !in_scope {
            continue;
        }
        let cs = text_or_empty(row, 1);
        let coll = text_or_empty(row, 2);
        let (charset, collation) =
            collations.declared(Some(&cs), Some(&coll), (&server.charset, &server.collation));
        let mut schema = Schema::new(&name);
        schema.charset = charset;
        schema.collation = collation;
        realm.schemas.push(schema);
        schema_defaults.insert(name, (cs, coll));
    }
    let names: Vec<String> = realm.schemas.iter().map(|s| s.name.clone()).collect();
    if names.is_empty() {
        return Ok(realm);
    }

    let ctx = objects::Context {
        catalog,
        scope: &scope,
        names: &names,
        server: &server,
        collations: &collations,
        schema_defaults: &schema_defaults,
    };
    objects::read_tables(&ctx, &mut realm).await?;
    objects::read_views(&ctx, &mut realm).await?;
    objects::read_routines(&ctx, &mut realm).await?;
    objects::read_events(&ctx, &mut realm).await?;
    privileges::read_privileges(&ctx, bound_schema, &mut realm).await?;

    // The revisions schema of database scope holds only the revisions table: not a user schema.
    realm
        .schemas
        .retain(|s| !(s.name == REVISIONS_TABLE && s.is_empty()));
    Ok(realm)
}

async fn server_defaults(catalog: &Catalog<'_>) -> Result<ServerDefaults, EngineError> {
    let rows = catalog
        .fetch(
            "the server's defaults",
            "SELECT @@character_set_server, @@collation_server, @@default_storage_engine",
            &[],
        )
        .await?;
    let row = rows.first();
    let get = |i| row.map(|r| text_or_empty(r, i)).unwrap_or_default();
    Ok(ServerDefaults {
        charset: get(0),
        collation: get(1),
        engine: get(2),
    })
}

async fn collations(catalog: &Catalog<'_>) -> Result<Collations, EngineError> {
    let rows = catalog
        .fetch(
            "collations",
            "SELECT COLLATION_NAME, CHARACTER_SET_NAME, IS_DEFAULT FROM information_schema.COLLATIONS",
            &[],
        )
        .await?;
    let mut c = Collations {
        default_of: HashMap::new(),
        charset_of: HashMap::new(),
    };
    for row in &rows {
        let coll = text_or_empty(row, 0);
        let cs = text_or_empty(row, 1);
        if text_or_empty(row, 2).eq_ignore_ascii_case("yes") {
            c.default_of.insert(cs.clone(), coll.clone());
        }
        c.charset_of.entry(coll).or_insert(cs);
    }
    Ok(c)
}

#[cfg(test)]
mod tests;
