//! The schema objects: tables with their columns, keys, indexes, checks, partitions and triggers,
//! then views, routines and events. One query per kind for every schema in scope.

use std::collections::HashMap;

use cairn_core::EngineError;
use cairn_ir::{
    ArgMode, Check, ColumnExt, ColumnType, Deferrable, FkAction, ForeignKey, FuncArg, Function,
    Index, IndexKey, IndexMethod, IndexPart, MyTableExt, MyType, PrimaryKey, QualifiedName, Realm,
    Table, TableExt, Trigger, TriggerEvent, TriggerTiming, Unsupported, View,
};

use super::columns::{ColumnRow, column};
use super::{
    Catalog, Collations, REVISIONS_TABLE, Scope, ServerDefaults, number, text, text_or_empty,
};

/// What every reader needs: the connection, the scope and the defaults objects inherit.
pub(crate) struct Context<'a> {
    pub(crate) catalog: &'a Catalog<'a>,
    pub(crate) scope: &'a Scope<'a>,
    pub(crate) names: &'a [String],
    pub(crate) server: &'a ServerDefaults,
    pub(crate) collations: &'a Collations,
    /// Each schema's default charset and collation.
    pub(crate) schema_defaults: &'a HashMap<String, (String, String)>,
}

/// Where each inspected table sits in the realm, with the defaults its columns inherit.
struct TableIndex {
    at: HashMap<(String, String), (usize, usize)>,
    /// The table's charset and collation, as the catalog gives them.
    defaults: HashMap<(String, String), (String, String)>,
}

impl TableIndex {
    fn get<'r>(&self, realm: &'r mut Realm, schema: &str, table: &str) -> Option<&'r mut Table> {
        let (s, t) = *self.at.get(&(schema.to_string(), table.to_string()))?;
        Some(&mut realm.schemas[s].tables[t])
    }
}

pub(crate) async fn read_tables(ctx: &Context<'_>, realm: &mut Realm) -> Result<(), EngineError> {
    let index = tables(ctx, realm).await?;
    if index.at.is_empty() {
        return Ok(());
    }
    columns(ctx, realm, &index).await?;
    indexes(ctx, realm, &index).await?;
    foreign_keys(ctx, realm, &index).await?;
    checks(ctx, realm, &index).await?;
    partitions(ctx, realm, &index).await?;
    triggers(ctx, realm, &index).await?;
    Ok(())
}

async fn tables(ctx: &Context<'_>, realm: &mut Realm) -> Result<TableIndex, EngineError> {
    let rows = ctx
        .catalog
        .fetch(
            "tables",
            "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, TABLE_COLLATION, \
             CREATE_OPTIONS, TABLE_COMMENT FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA IN ({schemas}) AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') \
             ORDER BY TABLE_SCHEMA, TABLE_NAME",
            ctx.names,
        )
        .await?;
    let mut index = TableIndex {
        at: HashMap::new(),
        defaults: HashMap::new(),
    };
    for row in &rows {
        let schema = text_or_empty(row, 0);
        let name = text_or_empty(row, 1);
        if name.eq_ignore_ascii_case(REVISIONS_TABLE)
            || ctx.scope.excluded(&schema, &[&name], "table")
        {
            continue;
        }
        let Some(si) = realm.schemas.iter().position(|s| s.name == schema) else {
            continue;
        };
        let collation = text(row, 5);
        let charset = collation
            .as_deref()
            .and_then(|c| ctx.collations.charset_of(c))
            .map(str::to_string);
        let parent = ctx
            .schema_defaults
            .get(&schema)
            .cloned()
            .unwrap_or_default();
        let (decl_charset, decl_collation) = ctx.collations.declared(
            charset.as_deref(),
            collation.as_deref(),
            (&parent.0, &parent.1),
        );
        let options = text_or_empty(row, 6);
        let engine = text(row, 3).filter(|e| !e.eq_ignore_ascii_case(&ctx.server.engine));
        let mut table = Table::new(&name);
        table.rows = Some(number(row, 4).unwrap_or(0));
        let comment = text_or_empty(row, 7);
        table.comment = (!comment.is_empty()).then_some(comment);
        table.ext = TableExt::Mysql(MyTableExt {
            engine,
            charset: decl_charset,
            collation: decl_collation,
            auto_increment: None,
            row_format: create_option(&options, "row_format").map(|v| v.to_ascii_uppercase()),
            system_versioned: text_or_empty(row, 2).eq_ignore_ascii_case("SYSTEM VERSIONED"),
            partitioning: None,
        });
        let ti = realm.schemas[si].tables.len();
        realm.schemas[si].tables.push(table.into());
        index.at.insert((schema.clone(), name.clone()), (si, ti));
        index.defaults.insert(
            (schema, name),
            (charset.unwrap_or(parent.0), collation.unwrap_or(parent.1)),
        );
    }
    Ok(index)
}

/// The value of `key=value` in `CREATE_OPTIONS`.
fn create_option(options: &str, key: &str) -> Option<String> {
    options.split_whitespace().find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        k.eq_ignore_ascii_case(key)
            .then(|| v.trim_matches('\'').to_string())
    })
}

async fn columns(
    ctx: &Context<'_>,
    realm: &mut Realm,
    index: &TableIndex,
) -> Result<(), EngineError> {
    // The spatial reference of geometry columns: MySQL lists it with the columns, MariaDB in
    // GEOMETRY_COLUMNS (looked up for geometry columns only).
    let srid = if ctx.catalog.dialect.is_mariadb() {
        "CASE WHEN c.DATA_TYPE IN ('geometry', 'point', 'linestring', 'polygon', 'multipoint', \
         'multilinestring', 'multipolygon', 'geometrycollection') THEN \
         (SELECT g.SRID FROM information_schema.GEOMETRY_COLUMNS g \
          WHERE g.G_TABLE_SCHEMA = c.TABLE_SCHEMA AND g.G_TABLE_NAME = c.TABLE_NAME \
          AND g.G_GEOMETRY_COLUMN = c.COLUMN_NAME LIMIT 1) END"
    } else {
        "c.SRS_ID"
    };
    let sql = format!(
        "SELECT c.TABLE_SCHEMA, c.TABLE_NAME, c.COLUMN_NAME, c.COLUMN_TYPE, c.IS_NULLABLE, \
         c.COLUMN_DEFAULT, c.EXTRA, c.GENERATION_EXPRESSION, c.CHARACTER_SET_NAME, \
         c.COLLATION_NAME, c.COLUMN_COMMENT, {srid} \
         FROM information_schema.COLUMNS c WHERE c.TABLE_SCHEMA IN ({{schemas}}) \
         ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME, c.ORDINAL_POSITION"
    );
    let rows = ctx.catalog.fetch("columns", &sql, ctx.names).await?;
    let dialect = ctx.catalog.dialect;
    for row in &rows {
        let schema = text_or_empty(row, 0);
        let table = text_or_empty(row, 1);
        let name = text_or_empty(row, 2);
        if ctx.scope.excluded(&schema, &[&table, &name], "column") {
            continue;
        }
        let Some(defaults) = index.defaults.get(&(schema.clone(), table.clone())) else {
            continue;
        };
        let (charset, collation) = ctx.collations.declared(
            text(row, 8).as_deref(),
            text(row, 9).as_deref(),
            (&defaults.0, &defaults.1),
        );
        let extra = text_or_empty(row, 6);
        let generation = text(row, 7).filter(|g| !g.is_empty());
        let col_row = ColumnRow {
            name,
            column_type: text_or_empty(row, 3),
            nullable: text_or_empty(row, 4).eq_ignore_ascii_case("yes"),
            default: text(row, 5),
            extra,
            generation,
            comment: text_or_empty(row, 10),
            srid: number(row, 11).map(|n| n as u32),
        };
        let col = column(dialect, &col_row, charset, collation);
        if let Some(t) = index.get(realm, &schema, &table) {
            t.columns.push(col);
        }
    }
    Ok(())
}

async fn indexes(
    ctx: &Context<'_>,
    realm: &mut Realm,
    index: &TableIndex,
) -> Result<(), EngineError> {
    // MySQL 8 has functional key parts (`EXPRESSION`); MariaDB has none.
    let expression = if ctx.catalog.dialect.is_mariadb() {
        "NULL"
    } else {
        "EXPRESSION"
    };
    let sql = format!(
        "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, \
         COLLATION, SUB_PART, INDEX_TYPE, INDEX_COMMENT, {expression} \
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN ({{schemas}}) \
         ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
    );
    let rows = ctx.catalog.fetch("indexes", &sql, ctx.names).await?;
    for row in &rows {
        let schema = text_or_empty(row, 0);
        let table_name = text_or_empty(row, 1);
        let name = text_or_empty(row, 2);
        let Some(table) = index.get(realm, &schema, &table_name) else {
            continue;
        };
        let key = match text(row, 5) {
            Some(c) => IndexKey::Column(c),
            None => IndexKey::Expr(cairn_ir::Expr::new(
                text(row, 10).unwrap_or_default().trim().to_string(),
            )),
        };
        let part = IndexPart {
            key,
            desc: text(row, 6).is_some_and(|c| c.eq_ignore_ascii_case("D")),
            nulls_first: None,
            opclass: None,
            collation: None,
            // A spatial index reports the size of its key as a prefix no statement declares.
            prefix: number(row, 7)
                .map(|n| n as u32)
                .filter(|_| !text_or_empty(row, 8).eq_ignore_ascii_case("SPATIAL")),
        };
        if name == "PRIMARY" {
            let IndexKey::Column(c) = part.key else {
                continue;
            };
            table
                .primary_key
                .get_or_insert_with(|| PrimaryKey {
                    name: None,
                    columns: Vec::new(),
                    include: Vec::new(),
                    deferrable: Deferrable::No,
                })
                .columns
                .push(c);
            continue;
        }
        if ctx.scope.excluded(&schema, &[&table_name, &name], "index") {
            continue;
        }
        if let Some(existing) = table.indexes.iter_mut().find(|i| i.name == name) {
            existing.parts.push(part);
            continue;
        }
        let method = match text_or_empty(row, 8).to_ascii_uppercase().as_str() {
            "FULLTEXT" => IndexMethod::Fulltext,
            "SPATIAL" | "RTREE" => IndexMethod::Spatial,
            "HASH" => IndexMethod::Hash,
            _ => IndexMethod::Default,
        };
        let mut idx = Index::on_columns(&name, &[], text_or_empty(row, 3) == "0");
        idx.parts.push(part);
        idx.method = method;
        let comment = text_or_empty(row, 9);
        idx.comment = (!comment.is_empty()).then_some(comment);
        table.indexes.push(idx);
    }
    Ok(())
}

async fn foreign_keys(
    ctx: &Context<'_>,
    realm: &mut Realm,
    index: &TableIndex,
) -> Result<(), EngineError> {
    let rows = ctx
        .catalog
        .fetch(
            "foreign keys",
            "SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, \
             k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, \
             r.UPDATE_RULE, r.DELETE_RULE \
             FROM information_schema.KEY_COLUMN_USAGE k \
             JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
               ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
              AND r.TABLE_NAME = k.TABLE_NAME \
             WHERE k.TABLE_SCHEMA IN ({schemas}) AND k.REFERENCED_TABLE_NAME IS NOT NULL \
             ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
            ctx.names,
        )
        .await?;
    // The constraints of each table by name, as read so far. Names are kept as the catalog has
    // them (a generated `t_ibfk_1` too): drops need the real name; normalisation compares
    // generated names as none.
    let mut names: HashMap<(String, String), Vec<String>> = HashMap::new();
    for row in &rows {
        let schema = text_or_empty(row, 0);
        let table_name = text_or_empty(row, 1);
        let name = text_or_empty(row, 2);
        let Some(table) = index.get(realm, &schema, &table_name) else {
            continue;
        };
        let seen = names
            .entry((schema.clone(), table_name.clone()))
            .or_default();
        let column = text_or_empty(row, 3);
        let ref_column = text_or_empty(row, 6);
        if let Some(i) = seen.iter().position(|n| n == &name) {
            table.foreign_keys[i].columns.push(column);
            table.foreign_keys[i].ref_columns.push(ref_column);
            continue;
        }
        let ref_schema = text_or_empty(row, 4);
        seen.push(name.clone());
        table.foreign_keys.push(ForeignKey {
            name: Some(name),
            columns: vec![column],
            ref_table: QualifiedName::new(
                (ref_schema != schema).then_some(ref_schema.as_str()),
                &text_or_empty(row, 5),
            ),
            ref_columns: vec![ref_column],
            on_update: fk_action(&text_or_empty(row, 7)),
            on_delete: fk_action(&text_or_empty(row, 8)),
            deferrable: Deferrable::No,
            not_valid: false,
        });
    }
    Ok(())
}

/// RESTRICT and NO ACTION are the same in both flavours (InnoDB checks immediately), and MariaDB
/// reports an FK that names no action as RESTRICT: both read as the default, `NoAction`.
fn fk_action(rule: &str) -> FkAction {
    match rule.to_ascii_uppercase().as_str() {
        "CASCADE" => FkAction::Cascade,
        "SET NULL" => FkAction::SetNull,
        "SET DEFAULT" => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

async fn checks(
    ctx: &Context<'_>,
    realm: &mut Realm,
    index: &TableIndex,
) -> Result<(), EngineError> {
    let mariadb = ctx.catalog.dialect.is_mariadb();
    let sql = if mariadb {
        // MariaDB names checks per table, so the table is part of the key.
        "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE, LEVEL, 'YES' \
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN ({schemas}) \
         ORDER BY CONSTRAINT_SCHEMA, TABLE_NAME, CONSTRAINT_NAME"
    } else {
        "SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.CONSTRAINT_NAME, c.CHECK_CLAUSE, 'Table', t.ENFORCED \
         FROM information_schema.TABLE_CONSTRAINTS t \
         JOIN information_schema.CHECK_CONSTRAINTS c \
           ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME \
         WHERE t.CONSTRAINT_TYPE = 'CHECK' AND t.TABLE_SCHEMA IN ({schemas}) \
         ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME, t.CONSTRAINT_NAME"
    };
    let rows = ctx.catalog.fetch("checks", sql, ctx.names).await?;
    let dialect = ctx.catalog.dialect;
    for row in &rows {
        let schema = text_or_empty(row, 0);
        let table_name = text_or_empty(row, 1);
        let name = text_or_empty(row, 2);
        let clause = text_or_empty(row, 3);
        let column_level = text_or_empty(row, 4).eq_ignore_ascii_case("column");
        let Some(table) = index.get(realm, &schema, &table_name) else {
            continue;
        };
        // MariaDB's JSON is LONGTEXT with this check: it reads back as the JSON type.
        if mariadb
            && column_level
            && clause == format!("json_valid({})", dialect.quote_ident(&name))
            && let Some(col) = table.columns.iter_mut().find(|c| c.name == name)
            && col.ty == ColumnType::Mysql(MyType::LongText)
        {
            col.ty = ColumnType::Mysql(MyType::Json);
            col.collation = None;
            if let ColumnExt::Mysql(ext) = &mut col.ext {
                ext.charset = None;
                if *ext == Default::default() {
                    col.ext = ColumnExt::None;
                }
            }
            continue;
        }
        let implicit = if mariadb {
            (column_level
                && dialect
                    .implicit_check_name(&table_name, Some(&name), 0)
                    .as_deref()
                    == Some(name.as_str()))
                || is_numbered(&name, "CONSTRAINT_")
        } else {
            name.strip_prefix(table_name.as_str())
                .is_some_and(|r| is_numbered(r, "_chk_"))
        };
        table.checks.push(Check {
            name: (!implicit).then_some(name),
            expr: cairn_ir::Expr::new(clause),
            enforced: !text_or_empty(row, 5).eq_ignore_ascii_case("no"),
            no_inherit: false,
            not_valid: false,
            comment: None,
        });
    }
    Ok(())
}

/// `<prefix><digits>`.
fn is_numbered(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

async fn partitions(
    ctx: &Context<'_>,
    realm: &mut Realm,
    index: &TableIndex,
) -> Result<(), EngineError> {
    let rows = ctx
        .catalog
        .fetch(
            "partitions",
            "SELECT TABLE_SCHEMA, TABLE_NAME, PARTITION_NAME, PARTITION_METHOD, PARTITION_EXPRESSION, \
             PARTITION_DESCRIPTION, NULL, SUBPARTITION_METHOD, SUBPARTITION_EXPRESSION \
             FROM information_schema.PARTITIONS \
             WHERE TABLE_SCHEMA IN ({schemas}) AND PARTITION_NAME IS NOT NULL \
             ORDER BY TABLE_SCHEMA, TABLE_NAME, PARTITION_ORDINAL_POSITION, SUBPARTITION_ORDINAL_POSITION",
            ctx.names,
        )
        .await?;
    let mut by_table: Vec<((String, String), Vec<PartitionRow>)> = Vec::new();
    for row in &rows {
        let key = (text_or_empty(row, 0), text_or_empty(row, 1));
        let p = PartitionRow {
            name: text_or_empty(row, 2),
            method: text_or_empty(row, 3),
            expression: text(row, 4),
            description: text(row, 5),
            sub_method: text(row, 7),
            sub_expression: text(row, 8),
        };
        match by_table.last_mut() {
            Some((k, v)) if *k == key => v.push(p),
            _ => by_table.push((key, vec![p])),
        }
    }
    for ((schema, table_name), parts) in by_table {
        if let Some(table) = index.get(realm, &schema, &table_name)
            && let TableExt::Mysql(ext) = &mut table.ext
        {
            ext.partitioning = Some(partition_clause(&parts));
        }
    }
    Ok(())
}

struct PartitionRow {
    name: String,
    method: String,
    expression: Option<String>,
    description: Option<String>,
    sub_method: Option<String>,
    sub_expression: Option<String>,
}

/// Rebuilds the `PARTITION BY ...` clause from the partitions' rows.
fn partition_clause(rows: &[PartitionRow]) -> String {
    let first = &rows[0];
    let method = first.method.to_ascii_uppercase();
    let expr = first.expression.clone().unwrap_or_default();
    let mut names: Vec<(&str, Option<&str>)> = Vec::new();
    for r in rows {
        if names.last().is_none_or(|(n, _)| *n != r.name) {
            names.push((&r.name, r.description.as_deref()));
        }
    }
    let mut out = match method.as_str() {
        "RANGE COLUMNS" | "LIST COLUMNS" => format!("PARTITION BY {method}({expr})"),
        "SYSTEM_TIME" => "PARTITION BY SYSTEM_TIME".to_string(),
        _ => format!("PARTITION BY {method} ({expr})"),
    };
    if let Some(sub) = &first.sub_method {
        let per = rows.iter().filter(|r| r.name == first.name).count();
        out.push_str(&format!(
            " SUBPARTITION BY {} ({}) SUBPARTITIONS {per}",
            sub.to_ascii_uppercase(),
            first.sub_expression.clone().unwrap_or_default()
        ));
    }
    let hashed = method.contains("HASH") || method.contains("KEY");
    let default_names = names
        .iter()
        .enumerate()
        .all(|(i, (n, _))| *n == format!("p{i}"));
    if hashed && default_names {
        out.push_str(&format!(" PARTITIONS {}", names.len()));
        return out;
    }
    let defs: Vec<String> = names
        .iter()
        .map(|(n, desc)| {
            let q = format!("PARTITION `{}`", n.replace('`', "``"));
            match (method.as_str(), desc) {
                (m, Some(d)) if m.starts_with("RANGE") => {
                    if d.eq_ignore_ascii_case("MAXVALUE") {
                        format!("{q} VALUES LESS THAN MAXVALUE")
                    } else {
                        format!("{q} VALUES LESS THAN ({d})")
                    }
                }
                // The catalog lists a LIST partition's DEFAULT as MAXVALUE.
                (m, Some(d)) if m.starts_with("LIST") && d.eq_ignore_ascii_case("MAXVALUE") => {
                    format!("{q} DEFAULT")
                }
                (m, Some(d)) if m.starts_with("LIST") => format!("{q} VALUES IN ({d})"),
                ("SYSTEM_TIME", Some(d)) => format!("{q} {d}"),
                _ => q,
            }
        })
        .collect();
    out.push_str(&format!(" ({})", defs.join(", ")));
    out
}

async fn triggers(
    ctx: &Context<'_>,
    realm: &mut Realm,
    index: &TableIndex,
) -> Result<(), EngineError> {
    let rows = ctx
        .catalog
        .fetch(
            "triggers",
            "SELECT TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, TRIGGER_NAME, EVENT_MANIPULATION, \
             ACTION_TIMING, ACTION_STATEMENT, ACTION_ORIENTATION \
             FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN ({schemas}) \
             ORDER BY TRIGGER_SCHEMA, EVENT_OBJECT_TABLE, ACTION_TIMING, EVENT_MANIPULATION, ACTION_ORDER",
            ctx.names,
        )
        .await?;
    for row in &rows {
        let schema = text_or_empty(row, 0);
        let table_name = text_or_empty(row, 1);
        let name = text_or_empty(row, 2);
        if ctx
            .scope
            .excluded(&schema, &[&table_name, &name], "trigger")
        {
            continue;
        }
        let Some(table) = index.get(realm, &schema, &table_name) else {
            continue;
        };
        let event = match text_or_empty(row, 3).to_ascii_uppercase().as_str() {
            "INSERT" => TriggerEvent::Insert,
            "UPDATE" => TriggerEvent::Update {
                columns: Vec::new(),
            },
            _ => TriggerEvent::Delete,
        };
        let timing = if text_or_empty(row, 4).eq_ignore_ascii_case("before") {
            TriggerTiming::Before
        } else {
            TriggerTiming::After
        };
        table.triggers.push(Trigger {
            name,
            timing,
            events: vec![event],
            for_each_row: !text_or_empty(row, 6).eq_ignore_ascii_case("statement"),
            when: None,
            function: None,
            function_args: Vec::new(),
            body: Some(text_or_empty(row, 5)),
            extra: None,
        });
    }
    Ok(())
}

pub(crate) async fn read_views(ctx: &Context<'_>, realm: &mut Realm) -> Result<(), EngineError> {
    let algorithm = if ctx.catalog.dialect.is_mariadb() {
        "ALGORITHM"
    } else {
        "NULL"
    };
    let sql = format!(
        "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION, CHECK_OPTION, SECURITY_TYPE, {algorithm} \
         FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN ({{schemas}}) \
         ORDER BY TABLE_SCHEMA, TABLE_NAME"
    );
    let rows = ctx.catalog.fetch("views", &sql, ctx.names).await?;
    let dialect = ctx.catalog.dialect;
    for row in &rows {
        let schema = text_or_empty(row, 0);
        let name = text_or_empty(row, 1);
        if ctx.scope.excluded(&schema, &[&name], "view") {
            continue;
        }
        let Some(s) = realm.schemas.iter_mut().find(|s| s.name == schema) else {
            continue;
        };
        // The catalog qualifies every name with the view's own schema; without it the view
        // reads the same in any database it is created in.
        let own = format!("{}.", dialect.quote_ident(&schema));
        let definition = text_or_empty(row, 2).replace(&own, "");
        let check_option = text(row, 3)
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| c != "NONE");
        let mut options = Vec::new();
        if let Some(a) = text(row, 5).filter(|a| !a.eq_ignore_ascii_case("UNDEFINED")) {
            options.push(("ALGORITHM".to_string(), a.to_ascii_uppercase()));
        }
        if text_or_empty(row, 4).eq_ignore_ascii_case("INVOKER") {
            options.push(("SQL SECURITY".to_string(), "INVOKER".to_string()));
        }
        s.views.push(View {
            name,
            definition,
            columns: Vec::new(),
            comment: None,
            check_option,
            security_invoker: None,
            options,
            indexes: Vec::new(),
            with_data: true,
        });
    }
    Ok(())
}

pub(crate) async fn read_routines(ctx: &Context<'_>, realm: &mut Realm) -> Result<(), EngineError> {
    let rows = ctx
        .catalog
        .fetch(
            "routines",
            "SELECT ROUTINE_SCHEMA, ROUTINE_NAME, ROUTINE_TYPE, DTD_IDENTIFIER, ROUTINE_DEFINITION, \
             IS_DETERMINISTIC, SQL_DATA_ACCESS, SECURITY_TYPE, ROUTINE_COMMENT \
             FROM information_schema.ROUTINES \
             WHERE ROUTINE_SCHEMA IN ({schemas}) AND ROUTINE_TYPE IN ('FUNCTION', 'PROCEDURE') \
             ORDER BY ROUTINE_SCHEMA, ROUTINE_NAME",
            ctx.names,
        )
        .await?;
    let params = ctx
        .catalog
        .fetch(
            "routine parameters",
            "SELECT SPECIFIC_SCHEMA, SPECIFIC_NAME, ROUTINE_TYPE, PARAMETER_MODE, PARAMETER_NAME, \
             DTD_IDENTIFIER FROM information_schema.PARAMETERS \
             WHERE SPECIFIC_SCHEMA IN ({schemas}) AND ORDINAL_POSITION > 0 \
             ORDER BY SPECIFIC_SCHEMA, SPECIFIC_NAME, ORDINAL_POSITION",
            ctx.names,
        )
        .await?;
    let dialect = ctx.catalog.dialect;
    let mut args: HashMap<(String, String, String), Vec<FuncArg>> = HashMap::new();
    for row in &params {
        let key = (
            text_or_empty(row, 0),
            text_or_empty(row, 1),
            text_or_empty(row, 2).to_ascii_uppercase(),
        );
        let mode = match text(row, 3)
            .unwrap_or_default()
            .to_ascii_uppercase()
            .as_str()
        {
            "OUT" => ArgMode::Out,
            "INOUT" => ArgMode::InOut,
            _ => ArgMode::In,
        };
        args.entry(key).or_default().push(FuncArg {
            name: text(row, 4),
            ty: canonical_type(dialect, &text_or_empty(row, 5)),
            mode,
            default: None,
        });
    }
    for row in &rows {
        let schema = text_or_empty(row, 0);
        let name = text_or_empty(row, 1);
        let kind = text_or_empty(row, 2).to_ascii_uppercase();
        let is_function = kind == "FUNCTION";
        let exclude_kind = if is_function { "function" } else { "procedure" };
        if ctx.scope.excluded(&schema, &[&name], exclude_kind) {
            continue;
        }
        let Some(s) = realm.schemas.iter_mut().find(|s| s.name == schema) else {
            continue;
        };
        let mut config = Vec::new();
        let access = text_or_empty(row, 6).to_ascii_uppercase();
        if !access.is_empty() && access != "CONTAINS SQL" {
            config.push(("SQL DATA ACCESS".to_string(), access));
        }
        let comment = text_or_empty(row, 8);
        let f = Function {
            args: args
                .remove(&(schema.clone(), name.clone(), kind.clone()))
                .unwrap_or_default(),
            name,
            returns: is_function.then(|| canonical_type(dialect, &text_or_empty(row, 3))),
            language: "SQL".to_string(),
            body: text_or_empty(row, 4),
            volatility: Default::default(),
            strict: false,
            security_definer: !text_or_empty(row, 7).eq_ignore_ascii_case("INVOKER"),
            leakproof: false,
            parallel: None,
            deterministic: text_or_empty(row, 5).eq_ignore_ascii_case("YES"),
            config,
            comment: (!comment.is_empty()).then_some(comment),
        };
        if is_function {
            s.functions.push(f);
        } else {
            s.procedures.push(f);
        }
    }
    Ok(())
}

/// A routine's argument or return type in its canonical spelling (display widths dropped);
/// what the type parser does not know is kept as the catalog prints it.
fn canonical_type(dialect: cairn_ir::Dialect, dtd: &str) -> String {
    match ColumnType::parse(dialect, dtd) {
        t @ ColumnType::Mysql(_) => t.sql(),
        _ => dtd.trim().to_string(),
    }
}

pub(crate) async fn read_events(ctx: &Context<'_>, realm: &mut Realm) -> Result<(), EngineError> {
    let rows = ctx
        .catalog
        .fetch(
            "events",
            "SELECT EVENT_SCHEMA, EVENT_NAME, EVENT_DEFINITION, EVENT_TYPE, \
             CAST(EXECUTE_AT AS CHAR), INTERVAL_VALUE, INTERVAL_FIELD, CAST(ENDS AS CHAR), STATUS, ON_COMPLETION, EVENT_COMMENT \
             FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN ({schemas}) \
             ORDER BY EVENT_SCHEMA, EVENT_NAME",
            ctx.names,
        )
        .await?;
    let dialect = ctx.catalog.dialect;
    for row in &rows {
        let schema = text_or_empty(row, 0);
        let name = text_or_empty(row, 1);
        if ctx.scope.excluded(&schema, &[&name], "event") {
            continue;
        }
        let Some(s) = realm.schemas.iter_mut().find(|s| s.name == schema) else {
            continue;
        };
        // The schedule's start is when the event was created, unless declared: it is left out
        // so the same event created later reads the same.
        let schedule = if text_or_empty(row, 3).eq_ignore_ascii_case("ONE TIME") {
            format!("AT {}", dialect.quote_string(&text_or_empty(row, 4)))
        } else {
            // A compound interval (`'1 4' DAY_HOUR`) stays quoted; a number does not.
            let value = text_or_empty(row, 5);
            let value = value.trim_matches('\'');
            let value = if value.chars().all(|c| c.is_ascii_digit()) {
                value.to_string()
            } else {
                dialect.quote_string(value)
            };
            let mut s = format!("EVERY {value} {}", text_or_empty(row, 6));
            if let Some(ends) = text(row, 7) {
                s.push_str(&format!(" ENDS {}", dialect.quote_string(&ends)));
            }
            s
        };
        let status = match text_or_empty(row, 8).to_ascii_uppercase().as_str() {
            "DISABLED" => " DISABLE",
            "SLAVESIDE_DISABLED" => " DISABLE ON SLAVE",
            _ => "",
        };
        let comment = text_or_empty(row, 10);
        let comment = if comment.is_empty() {
            String::new()
        } else {
            format!(" COMMENT {}", dialect.quote_string(&comment))
        };
        let raw = format!(
            "CREATE EVENT {} ON SCHEDULE {schedule} ON COMPLETION {}{status}{comment} DO {}",
            dialect.quote_ident(&name),
            text_or_empty(row, 9).to_ascii_uppercase(),
            text_or_empty(row, 2)
        );
        s.unsupported.push(Unsupported {
            kind: "event".to_string(),
            name: Some(name),
            raw,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, method: &str, expr: &str, desc: Option<&str>) -> PartitionRow {
        PartitionRow {
            name: name.into(),
            method: method.into(),
            expression: Some(expr.into()),
            description: desc.map(str::to_string),
            sub_method: None,
            sub_expression: None,
        }
    }

    #[test]
    fn partition_clauses() {
        let hash = [p("p0", "HASH", "`id`", None), p("p1", "HASH", "`id`", None)];
        assert_eq!(
            partition_clause(&hash),
            "PARTITION BY HASH (`id`) PARTITIONS 2"
        );
        let range = [
            p("p0", "RANGE", "year(`d`)", Some("2020")),
            p("pmax", "RANGE", "year(`d`)", Some("MAXVALUE")),
        ];
        assert_eq!(
            partition_clause(&range),
            "PARTITION BY RANGE (year(`d`)) (PARTITION `p0` VALUES LESS THAN (2020), PARTITION `pmax` VALUES LESS THAN MAXVALUE)"
        );
        let list = [p("a", "LIST COLUMNS", "`c`", Some("'x','y'"))];
        assert_eq!(
            partition_clause(&list),
            "PARTITION BY LIST COLUMNS(`c`) (PARTITION `a` VALUES IN ('x','y'))"
        );
    }

    #[test]
    fn implicit_names() {
        assert!(is_numbered("CONSTRAINT_3", "CONSTRAINT_"));
        assert!(!is_numbered("CONSTRAINT_x", "CONSTRAINT_"));
        assert_eq!(fk_action("RESTRICT"), FkAction::NoAction);
        assert_eq!(fk_action("SET NULL"), FkAction::SetNull);
    }
}
