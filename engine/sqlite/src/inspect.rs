//! Inspection of a live SQLite database into the IR, with row estimates, in a fixed number of
//! catalog queries.
//!
//! Each kind is fetched for every table with one query that joins the pragma table-valued
//! functions over `pragma_table_list` (objects, columns, indexes, foreign keys), then grouped in
//! Rust, so the number of queries does not depend on the number of tables. What the pragmas do
//! not report (constraint names, checks, generated expressions, collations, AUTOINCREMENT, view
//! bodies, trigger clauses, index expressions and predicates) is read from the CREATE text in
//! `sqlite_schema.sql` by the scanner in `ddl`.
//!
//! Choices:
//! - The schema is always `main`; attached and temporary databases are not inspected, nor are
//!   SQLite's internal tables (`sqlite_sequence`, `sqlite_stat*`) and virtual tables' shadow
//!   tables. Virtual tables, and triggers on views (the IR attaches triggers to tables), are
//!   kept verbatim as `Unsupported` objects of the schema.
//! - Row estimates come from `sqlite_stat1` when it exists (tables it does not cover have
//!   none). Without it, the exact counts of all tables come from one `UNION ALL` query when there
//!   are at most 200 tables (a count is a scan, and the query would grow with the tables beyond
//!   that); with more, tables have no estimate.
//! - Unnamed constraints have no name in SQLite: primary keys, foreign keys and checks declared
//!   without `CONSTRAINT name` are inspected with `name: None`. A `UNIQUE` constraint is a unique
//!   index named by its constraint name, or else by the index name SQLite gave it
//!   (`sqlite_autoindex_<table>_<n>`); like the SQL front end, it is not flagged `constraint`
//!   (that flag is PostgreSQL's), and the printer recognises the automatic names instead.
//! - Primary-key columns are NOT NULL, as the front ends read a key: the rowid alias can never be
//!   NULL, and a rowid table's other keys admitting NULL is a legacy quirk the IR does not model.
//! - Triggers are row triggers (SQLite has no other kind); a trigger without a time is BEFORE.
//! - The catalog queries are a fixed list: `BEGIN`, objects, columns, indexes, foreign keys, row
//!   estimates (when there are tables), `ROLLBACK`.
//! - Everything is read in one read transaction, so the queries see one snapshot.

mod ddl;

use std::collections::{BTreeMap, HashMap};

use cairn_core::{EngineError, InspectOptions};
use cairn_ir::{
    Check, Column, ColumnType, Default as ColDefault, Dialect, Expr, FkAction, ForeignKey,
    Generated, Index, IndexKey, IndexPart, PrimaryKey, QualifiedName, Realm, Schema,
    SqliteTableExt, SqliteType, Table, TableExt, Trigger, Unsupported, View,
};
use sqlx::sqlite::SqliteRow;
use sqlx::{Executor, Row, SqliteConnection, SqlitePool};

pub(crate) use ddl::{is_single_term, mentioned_names};

/// The revisions table of the versioned workflow, never part of an inspected schema.
const REVISIONS_TABLE: &str = "atlas_schema_revisions";

/// The only schema this driver inspects.
const MAIN: &str = "main";

/// Above this many tables, row counts are not taken (see the module documentation).
const MAX_COUNTED_TABLES: usize = 200;

/// Every object of `main`, with what `pragma_table_list` knows of tables. Internal objects
/// (`sqlite_*`) are left out, except `sqlite_stat1`, whose presence decides the row estimates.
const OBJECTS: &str = "SELECT m.type, m.name, m.tbl_name, m.sql, \
       coalesce(l.type, ''), coalesce(l.wr, 0), coalesce(l.strict, 0) \
     FROM main.sqlite_schema AS m \
     LEFT JOIN pragma_table_list AS l ON l.schema = 'main' AND l.name = m.name \
     WHERE m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' OR m.name = 'sqlite_stat1' \
     ORDER BY m.rowid";

/// The ordinary tables of `main`, as the pragma joins below iterate them.
const TABLES: &str = "pragma_table_list AS l";
const TABLES_WHERE: &str = "l.schema = 'main' AND l.type = 'table' \
     AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

fn columns_query() -> String {
    format!(
        "SELECT l.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
         FROM {TABLES} JOIN pragma_table_xinfo(l.name, l.schema) AS p \
         WHERE {TABLES_WHERE} ORDER BY l.name, p.cid"
    )
}

fn indexes_query() -> String {
    format!(
        "SELECT l.name, il.name, il.\"unique\", il.origin, il.partial, x.cid, x.name, x.\"desc\", \
           x.coll \
         FROM {TABLES} JOIN pragma_index_list(l.name, l.schema) AS il \
           JOIN pragma_index_xinfo(il.name, l.schema) AS x \
         WHERE {TABLES_WHERE} AND x.key = 1 ORDER BY l.name, il.name, x.seqno"
    )
}

fn foreign_keys_query() -> String {
    format!(
        "SELECT l.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
         FROM {TABLES} JOIN pragma_foreign_key_list(l.name, l.schema) AS f \
         WHERE {TABLES_WHERE} ORDER BY l.name, f.id, f.seq"
    )
}

const STAT1: &str = "SELECT tbl, stat FROM main.sqlite_stat1";

pub(crate) async fn inspect_realm(
    pool: &SqlitePool,
    dialect: Dialect,
    bound_schema: Option<&str>,
    opts: &InspectOptions,
) -> Result<Realm, EngineError> {
    inspect_realm_counted(pool, dialect, bound_schema, opts)
        .await
        .map(|(realm, _)| realm)
}

/// Inspects like `Driver::inspect`, and also returns how many statements were sent to the
/// database: a number that must not depend on how many tables the database holds.
pub async fn inspect_realm_counted(
    pool: &SqlitePool,
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
    cat.exec("BEGIN").await?;
    let result = inspect_in_transaction(&mut cat, dialect, bound_schema, opts).await;
    // The transaction only read; ending it releases the snapshot.
    let end = cat.exec("ROLLBACK").await;
    let statements = cat.statements;
    let realm = result?;
    end?;
    Ok((realm, statements))
}

/// The connection the catalog queries go through, counting them.
struct Catalog<'c> {
    conn: &'c mut SqliteConnection,
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

    async fn rows(&mut self, sql: String) -> Result<Vec<SqliteRow>, EngineError> {
        self.statements += 1;
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(&mut *self.conn)
            .await
            .map_err(|e| query_error(&sql, e))
    }
}

fn query_error(context: &str, e: sqlx::Error) -> EngineError {
    EngineError::Query {
        context: format!("inspecting the SQLite catalog ({context})"),
        message: e.to_string(),
    }
}

fn text(row: &SqliteRow, i: usize) -> String {
    row.try_get::<Option<String>, _>(i)
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn opt_text(row: &SqliteRow, i: usize) -> Option<String> {
    row.try_get::<Option<String>, _>(i).ok().flatten()
}

fn int(row: &SqliteRow, i: usize) -> i64 {
    row.try_get::<Option<i64>, _>(i)
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// What the scope keeps: `--schema` and `--exclude` applied to paths of this schema.
struct Scope<'a> {
    opts: &'a InspectOptions,
    /// Database scope qualifies paths with the schema name; schema scope does not.
    qualified: bool,
}

impl Scope<'_> {
    fn excludes(&self, names: &[&str], kind: &str) -> bool {
        let mut path: Vec<&str> = Vec::with_capacity(names.len() + 1);
        if self.qualified {
            path.push(MAIN);
        }
        path.extend_from_slice(names);
        self.opts.excludes(&path, kind)
    }
}

/// One table while it is being assembled.
struct Building {
    table: Table,
    def: ddl::TableDef,
    /// `CREATE INDEX` texts by index name.
    index_sql: HashMap<String, String>,
    /// The primary key's columns with their positions in the key.
    pk: Vec<(i64, String)>,
}

/// One key column of an index, as `pragma_index_xinfo` reports it.
struct KeyPart {
    /// The table column's number; -1 is the rowid, -2 an expression.
    cid: i64,
    name: String,
    desc: bool,
    collation: String,
}

/// One index of a table, as `pragma_index_list` reports it, with its key columns.
struct IndexRows {
    /// `c` (CREATE INDEX), `u` (UNIQUE constraint) or `pk`.
    origin: String,
    unique: bool,
    parts: Vec<KeyPart>,
}

/// One foreign key as the pragma reports it; `to` is `None` where the clause named no column.
struct ForeignKeyRows {
    fk: ForeignKey,
    to: Vec<Option<String>>,
}

/// The realm being assembled from the catalog, one kind at a time.
struct Build<'a> {
    scope: Scope<'a>,
    schema: Schema,
    tables: BTreeMap<String, Building>,
    has_stat1: bool,
    /// `CREATE TRIGGER` texts: (table or view, trigger, text).
    triggers: Vec<(String, String, String)>,
}

async fn inspect_in_transaction(
    cat: &mut Catalog<'_>,
    dialect: Dialect,
    bound_schema: Option<&str>,
    opts: &InspectOptions,
) -> Result<Realm, EngineError> {
    let mut realm = Realm::new(dialect);
    // SQLite has one schema; a scope that names others does not include it.
    let in_scope = bound_schema.is_none_or(|s| dialect.idents_equal(s, MAIN))
        && (opts.schemas.is_empty() || opts.schemas.iter().any(|s| dialect.idents_equal(s, MAIN)));
    if !in_scope {
        return Ok(realm);
    }
    let mut b = Build {
        scope: Scope {
            opts,
            qualified: bound_schema.is_none(),
        },
        schema: Schema::new(MAIN),
        tables: BTreeMap::new(),
        has_stat1: false,
        triggers: Vec::new(),
    };
    b.objects(cat).await?;
    b.columns(cat).await?;
    b.indexes(cat).await?;
    b.foreign_keys(cat).await?;
    b.attach_triggers();
    let rows = b.row_estimates(cat).await?;
    let mut schema = b.schema;
    for (name, mut t) in b.tables {
        t.table.rows = rows.get(&name).copied();
        t.table.triggers.sort_by(|x, y| x.name.cmp(&y.name));
        schema.tables.push(t.table.into());
    }
    schema.views.sort_by(|a, b| a.name.cmp(&b.name));
    schema
        .unsupported
        .sort_by(|a, b| (&a.kind, &a.name).cmp(&(&b.kind, &b.name)));
    realm.schemas.push(schema);
    Ok(realm)
}

impl Build<'_> {
    /// Tables, views, virtual tables, and the texts of indexes and triggers.
    async fn objects(&mut self, cat: &mut Catalog<'_>) -> Result<(), EngineError> {
        let mut index_sql: Vec<(String, String, String)> = Vec::new();
        for row in cat.rows(OBJECTS.to_string()).await? {
            let (kind, name, tbl_name, sql) =
                (text(&row, 0), text(&row, 1), text(&row, 2), text(&row, 3));
            let (list_kind, without_rowid, strict) =
                (text(&row, 4), int(&row, 5) != 0, int(&row, 6) != 0);
            match kind.as_str() {
                "table" if name == "sqlite_stat1" => self.has_stat1 = true,
                "table" if name.eq_ignore_ascii_case(REVISIONS_TABLE) => {}
                "table" if self.scope.excludes(&[&name], "table") => {}
                "table" if list_kind == "virtual" => self.schema.unsupported.push(Unsupported {
                    kind: "virtual_table".into(),
                    name: Some(name),
                    raw: sql,
                }),
                "table" if list_kind == "table" => {
                    let mut table = Table::new(&name);
                    if strict || without_rowid {
                        table.ext = TableExt::Sqlite(SqliteTableExt {
                            strict,
                            without_rowid,
                        });
                    }
                    let def = ddl::parse_create_table(&sql).unwrap_or_default();
                    let building = Building {
                        table,
                        def,
                        index_sql: HashMap::new(),
                        pk: Vec::new(),
                    };
                    self.tables.insert(name, building);
                }
                "index" => index_sql.push((tbl_name, name, sql)),
                "view" if !self.scope.excludes(&[&name], "view") => {
                    let def = ddl::parse_create_view(&sql).unwrap_or_default();
                    self.schema.views.push(View {
                        name,
                        definition: def.definition,
                        columns: def.columns,
                        comment: None,
                        check_option: None,
                        security_invoker: None,
                        options: Vec::new(),
                        indexes: Vec::new(),
                        with_data: true,
                    });
                }
                "trigger" => self.triggers.push((tbl_name, name, sql)),
                // Shadow tables of virtual tables belong to them; excluded views are dropped.
                _ => {}
            }
        }
        for (table, name, sql) in index_sql {
            if let Some(b) = self.tables.get_mut(&table) {
                b.index_sql.insert(name, sql);
            }
        }
        Ok(())
    }

    /// Columns, and with them the primary key and the checks.
    async fn columns(&mut self, cat: &mut Catalog<'_>) -> Result<(), EngineError> {
        for row in cat.rows(columns_query()).await? {
            let table = text(&row, 0);
            let name = text(&row, 1);
            if self.scope.excludes(&[&table, &name], "column") {
                continue;
            }
            let Some(b) = self.tables.get_mut(&table) else {
                continue;
            };
            let (decl, notnull, default, pk, hidden) = (
                text(&row, 2),
                int(&row, 3) != 0,
                opt_text(&row, 4),
                int(&row, 5),
                int(&row, 6),
            );
            let mut col = Column::new(&name, declared_type(&decl));
            // A primary key column is NOT NULL, as the SQL and HCL front ends read it: the rowid
            // alias can never be NULL, and a key that admits NULL is a legacy quirk of SQLite.
            col.nullable = !notnull && pk == 0;
            col.default = default.as_deref().map(default_from_catalog);
            if let Some(cd) = b.def.column(&name) {
                col.collation = cd.collation.clone();
                col.auto_increment = cd.autoincrement;
                // Hidden columns of ordinary tables are generated ones (2 virtual, 3 stored).
                if hidden == 2 || hidden == 3 {
                    col.generated = cd.generated.as_ref().map(|e| Generated {
                        expr: Expr::new(e.clone()),
                        stored: hidden == 3,
                    });
                }
            }
            if pk > 0 {
                b.pk.push((pk, name));
            }
            b.table.columns.push(col);
        }
        for b in self.tables.values_mut() {
            // `pk` is the position of the column in the key, not the column's position.
            b.pk.sort();
            if !b.pk.is_empty() {
                b.table.primary_key = Some(PrimaryKey {
                    name: b.def.primary_key_name.clone(),
                    columns: b.pk.iter().map(|(_, c)| c.clone()).collect(),
                    include: Vec::new(),
                    deferrable: Default::default(),
                });
            }
            // Checks are known from the text only.
            b.table.checks = b
                .def
                .checks
                .iter()
                .map(|(name, expr)| Check {
                    name: name.clone(),
                    expr: Expr::new(expr.clone()),
                    enforced: true,
                    no_inherit: false,
                    not_valid: false,
                    comment: None,
                })
                .collect();
        }
        Ok(())
    }

    /// Indexes and UNIQUE constraints (the primary key's own index is the key).
    async fn indexes(&mut self, cat: &mut Catalog<'_>) -> Result<(), EngineError> {
        let mut found: BTreeMap<(String, String), IndexRows> = BTreeMap::new();
        for row in cat.rows(indexes_query()).await? {
            let key = (text(&row, 0), text(&row, 1));
            let entry = found.entry(key).or_insert_with(|| IndexRows {
                origin: text(&row, 3),
                unique: int(&row, 2) != 0,
                parts: Vec::new(),
            });
            entry.parts.push(KeyPart {
                cid: int(&row, 5),
                name: text(&row, 6),
                desc: int(&row, 7) != 0,
                collation: text(&row, 8),
            });
        }
        let mut per_table: BTreeMap<String, Vec<(u32, Index)>> = BTreeMap::new();
        for ((table, name), rows) in found {
            let Some(b) = self.tables.get(&table) else {
                continue;
            };
            let ix = match rows.origin.as_str() {
                "pk" => continue,
                "u" => unique_constraint(b, &name, &rows.parts),
                _ => created_index(b, &name, rows.unique, &rows.parts),
            };
            if !self.scope.excludes(&[&table, &ix.name], "index") {
                // UNIQUE constraints in declaration order (the numbers of their automatic
                // indexes), then indexes by name, so printing declares the constraints in the
                // same order and SQLite numbers them alike.
                let order = autoindex_number(&name).unwrap_or(u32::MAX);
                per_table.entry(table).or_default().push((order, ix));
            }
        }
        for (table, mut list) in per_table {
            list.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.name.cmp(&y.1.name)));
            if let Some(b) = self.tables.get_mut(&table) {
                b.table.indexes = list.into_iter().map(|(_, ix)| ix).collect();
            }
        }
        Ok(())
    }

    /// Foreign keys: one row per column pair, grouped by the pragma's id.
    async fn foreign_keys(&mut self, cat: &mut Catalog<'_>) -> Result<(), EngineError> {
        let mut found: BTreeMap<(String, i64), ForeignKeyRows> = BTreeMap::new();
        for row in cat.rows(foreign_keys_query()).await? {
            let entry = found
                .entry((text(&row, 0), int(&row, 1)))
                .or_insert_with(|| ForeignKeyRows {
                    fk: ForeignKey {
                        name: None,
                        columns: Vec::new(),
                        ref_table: QualifiedName::unqualified(&text(&row, 2)),
                        ref_columns: Vec::new(),
                        on_update: fk_action(&text(&row, 5)),
                        on_delete: fk_action(&text(&row, 6)),
                        deferrable: Default::default(),
                        not_valid: false,
                    },
                    to: Vec::new(),
                });
            entry.fk.columns.push(text(&row, 3));
            entry.to.push(opt_text(&row, 4));
        }
        let mut per_table: BTreeMap<String, Vec<ForeignKey>> = BTreeMap::new();
        for ((table, _), ForeignKeyRows { mut fk, to }) in found {
            // `REFERENCES t` without columns means t's primary key.
            fk.ref_columns = if to.iter().all(Option::is_some) {
                to.into_iter().flatten().collect()
            } else {
                self.primary_key_of(&fk.ref_table.name)
            };
            per_table.entry(table).or_default().push(fk);
        }
        for (table, fks) in per_table {
            if let Some(b) = self.tables.get_mut(&table) {
                b.table.foreign_keys = order_foreign_keys(&b.def, fks);
            }
        }
        Ok(())
    }

    fn primary_key_of(&self, table: &str) -> Vec<String> {
        self.tables
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(table))
            .and_then(|(_, b)| b.table.primary_key.as_ref())
            .map(|k| k.columns.clone())
            .unwrap_or_default()
    }

    /// Triggers on tables belong to the table; on views they are kept verbatim.
    fn attach_triggers(&mut self) {
        for (table, name, sql) in std::mem::take(&mut self.triggers) {
            if self.scope.excludes(&[&table, &name], "trigger") {
                continue;
            }
            let def = ddl::parse_create_trigger(&sql);
            match (self.tables.get_mut(&table), def) {
                (Some(b), Some(def)) => b.table.triggers.push(Trigger {
                    name,
                    timing: def.timing,
                    events: vec![def.event],
                    // SQLite has row triggers only.
                    for_each_row: true,
                    when: def.when.map(Expr::new),
                    function: None,
                    function_args: Vec::new(),
                    body: Some(def.body),
                    extra: None,
                }),
                _ => self.schema.unsupported.push(Unsupported {
                    kind: "trigger".into(),
                    name: Some(name),
                    raw: sql,
                }),
            }
        }
    }

    /// Row estimates by table name (see the module documentation for where they come from).
    async fn row_estimates(
        &self,
        cat: &mut Catalog<'_>,
    ) -> Result<HashMap<String, u64>, EngineError> {
        if self.has_stat1 {
            let mut rows: HashMap<String, u64> = HashMap::new();
            for row in cat.rows(STAT1.to_string()).await? {
                // Every entry starts with the number of rows its table or index holds; a
                // partial index holds fewer, so the largest is the table's.
                let first = text(&row, 1)
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<u64>().ok());
                if let Some(n) = first {
                    let e = rows.entry(text(&row, 0)).or_default();
                    *e = (*e).max(n);
                }
            }
            return Ok(rows);
        }
        if self.tables.is_empty() || self.tables.len() > MAX_COUNTED_TABLES {
            return Ok(HashMap::new());
        }
        let q = self
            .tables
            .keys()
            .map(|t| {
                format!(
                    "SELECT {}, count(*) FROM main.{}",
                    Dialect::Sqlite.quote_string(t),
                    Dialect::Sqlite.quote_ident(t)
                )
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        Ok(cat
            .rows(q)
            .await?
            .iter()
            .map(|r| (text(r, 0), u64::try_from(int(r, 1)).unwrap_or(0)))
            .collect())
    }
}

/// A declared type as the front ends spell it: SQLite keeps the declaration verbatim, and the
/// IR lower-cases it and collapses white space; the space around the parentheses and commas of
/// its arguments is dropped too (`DECIMAL(8, 3)` is `decimal(8,3)`), as SQL front ends print it.
fn declared_type(decl: &str) -> ColumnType {
    let mut text = ColumnType::parse(Dialect::Sqlite, decl).sql();
    for (from, to) in [
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (", ", ","),
        (" ,", ","),
    ] {
        text = text.replace(from, to);
    }
    ColumnType::Sqlite(SqliteType::new(&text))
}

/// A default as `pragma_table_xinfo` prints it: a literal when it is one, otherwise the
/// expression without enclosing parentheses.
fn default_from_catalog(text: &str) -> ColDefault {
    match ddl::literal(text) {
        Some(l) => ColDefault::Literal(l),
        None => ColDefault::Expr(Expr::new(ddl::strip_outer_parens(text))),
    }
}

fn fk_action(s: &str) -> FkAction {
    match s.to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        "RESTRICT" => FkAction::Restrict,
        _ => FkAction::NoAction,
    }
}

/// The number SQLite gave an automatic index: `sqlite_autoindex_t_3` is 3.
pub(crate) fn autoindex_number(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("sqlite_autoindex_")?;
    let (_, n) = rest.rsplit_once('_')?;
    n.parse().ok()
}

/// The parts of an index on columns (`cid >= 0`) or on expressions (`cid == -2`, whose text
/// comes from `exprs`).
fn index_parts(b: &Building, cols: &[KeyPart], exprs: &[String]) -> Vec<IndexPart> {
    cols.iter()
        .enumerate()
        .map(
            |(
                i,
                KeyPart {
                    cid,
                    name,
                    desc,
                    collation: coll,
                },
            )| {
                let (key, default_coll) = if *cid >= 0 {
                    let coll = b
                        .def
                        .column(name)
                        .and_then(|c| c.collation.clone())
                        .unwrap_or_else(|| "BINARY".into());
                    (IndexKey::Column(name.clone()), coll)
                } else {
                    let text = exprs.get(i).cloned().unwrap_or_default();
                    let key = if *cid == -1 {
                        IndexKey::Column(ddl::unquote(&text))
                    } else {
                        IndexKey::Expr(Expr::new(text))
                    };
                    (key, "BINARY".to_string())
                };
                IndexPart {
                    key,
                    desc: *desc,
                    nulls_first: None,
                    opclass: None,
                    collation: (!coll.eq_ignore_ascii_case(&default_coll)).then(|| coll.clone()),
                    prefix: None,
                }
            },
        )
        .collect()
}

fn unique_constraint(b: &Building, name: &str, cols: &[KeyPart]) -> Index {
    let columns: Vec<String> = cols.iter().map(|c| c.name.to_ascii_lowercase()).collect();
    let declared = b.def.uniques.iter().find(|u| {
        u.columns.len() == columns.len()
            && u.columns
                .iter()
                .zip(&columns)
                .all(|(a, c)| a.eq_ignore_ascii_case(c))
    });
    let mut ix = Index::on_columns(
        declared.and_then(|u| u.name.as_deref()).unwrap_or(name),
        &[],
        true,
    );
    // The front ends flag only PostgreSQL's unique constraints; SQLite's are told apart by
    // their automatic names when printed.
    ix.parts = index_parts(b, cols, &[]);
    ix
}

fn created_index(b: &Building, name: &str, unique: bool, cols: &[KeyPart]) -> Index {
    let def = b
        .index_sql
        .get(name)
        .and_then(|sql| ddl::parse_create_index(sql))
        .unwrap_or_default();
    let mut ix = Index::on_columns(name, &[], unique);
    ix.parts = index_parts(b, cols, &def.parts);
    ix.predicate = def.predicate.map(Expr::new);
    ix
}

/// The foreign keys in declaration order, with the names and deferrability the text gives.
fn order_foreign_keys(def: &ddl::TableDef, mut fks: Vec<ForeignKey>) -> Vec<ForeignKey> {
    let mut out = Vec::with_capacity(fks.len());
    for d in &def.foreign_keys {
        let found = fks.iter().position(|fk| {
            fk.ref_table.name.eq_ignore_ascii_case(&d.ref_table)
                && fk.columns.len() == d.columns.len()
                && fk
                    .columns
                    .iter()
                    .zip(&d.columns)
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
        });
        if let Some(i) = found {
            let mut fk = fks.remove(i);
            fk.name = d.name.clone();
            fk.deferrable = d.deferrable;
            out.push(fk);
        }
    }
    // The pragma numbers foreign keys last-declared first; what the text did not show keeps
    // declaration order too.
    fks.reverse();
    out.extend(fks);
    out
}
