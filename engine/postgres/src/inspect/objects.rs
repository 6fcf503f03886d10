//! Schema-level objects: sequences (and the serial and identity columns they back), views,
//! functions, procedures, aggregates, enums, domains, composite types and extensions.

use cairn_core::EngineError;
use cairn_ir::{
    Aggregate, ArgMode, Check, ColumnType, Composite, Default as ColDefault, Domain, Enum, Expr,
    Extension, FuncArg, Function, PgType, Sequence, Unsupported, View, Volatility,
};

use super::tables::{check_expr, split_top_level};
use super::{Build, Catalog, Ctx, get, key_values, queries};

/// The range of a sequence type: `(min, max)`.
fn type_range(ty: &PgType) -> (i64, i64) {
    match ty {
        PgType::SmallInt => (i16::MIN as i64, i16::MAX as i64),
        PgType::Integer => (i32::MIN as i64, i32::MAX as i64),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Sequence options, read from `pg_sequence`.
struct SeqOptions {
    ty: PgType,
    start: i64,
    increment: i64,
    min: i64,
    max: i64,
    cache: i64,
    cycle: bool,
}

impl SeqOptions {
    fn default_min(&self) -> i64 {
        if self.increment > 0 {
            1
        } else {
            type_range(&self.ty).0
        }
    }
    fn default_max(&self) -> i64 {
        if self.increment > 0 {
            type_range(&self.ty).1
        } else {
            -1
        }
    }
    fn default_start(&self) -> i64 {
        if self.increment > 0 {
            self.min
        } else {
            self.max
        }
    }
    /// Whether the options are what `CREATE SEQUENCE` without options gives (as a serial does).
    fn all_default(&self) -> bool {
        self.increment == 1
            && self.min == self.default_min()
            && self.max == self.default_max()
            && self.start == self.default_start()
            && self.cache == 1
            && !self.cycle
    }
    /// The options other than start and increment that differ from the defaults, as SQL.
    fn extra_sql(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.min != self.default_min() {
            out.push(format!("MINVALUE {}", self.min));
        }
        if self.max != self.default_max() {
            out.push(format!("MAXVALUE {}", self.max));
        }
        if self.cache != 1 {
            out.push(format!("CACHE {}", self.cache));
        }
        if self.cycle {
            out.push("CYCLE".to_string());
        }
        out
    }
}

/// The name PostgreSQL gives the sequence of a serial or identity column: `table_column_seq`,
/// shortened (the longer part first) to fit 63 bytes.
pub(crate) fn implicit_sequence_name(table: &str, column: &str) -> String {
    const MAX: usize = 63;
    let avail = MAX - "_seq".len() - 1;
    let (mut a, mut b) = (table.len(), column.len());
    while a + b > avail {
        if a > b {
            a -= 1;
        } else {
            b -= 1;
        }
    }
    let cut = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    format!("{}_{}_seq", cut(table, a), cut(column, b))
}

pub(super) async fn sequences(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    let d = ctx.dialect();
    for row in cat.rows(queries::SEQUENCES, &b.schema_names).await? {
        let schema: String = get(&row, "schema")?;
        let name: String = get(&row, "name")?;
        let ty = match ctx.column_type(&get::<String>(&row, "type")?) {
            ColumnType::Postgres(t) => t,
            _ => PgType::BigInt,
        };
        let o = SeqOptions {
            ty,
            start: get(&row, "start")?,
            increment: get(&row, "increment")?,
            min: get(&row, "min")?,
            max: get(&row, "max")?,
            cache: get(&row, "cache")?,
            cycle: get(&row, "cycle")?,
        };
        let owner_oid: Option<i64> = get(&row, "owner_oid")?;
        let owner_kind: Option<String> = get(&row, "owner_kind")?;
        let owner_column: Option<String> = get(&row, "owner_column")?;
        let owner = owner_oid.and_then(|oid| b.tables.get(&oid).copied());
        if let (Some((si, ti)), Some(col)) = (owner, owner_column.as_deref()) {
            let table = &mut b.realm.schemas[si].tables[ti];
            let implicit_name = implicit_sequence_name(&table.name, col);
            let table_name = table.name.clone();
            if let Some(column) = table.columns.iter_mut().find(|c| c.name == col) {
                if owner_kind.as_deref() == Some("i")
                    && let Some(identity) = &mut column.identity
                {
                    identity.start = Some(o.start);
                    identity.increment = Some(o.increment);
                    let mut extra = o.extra_sql();
                    if name != implicit_name {
                        extra.insert(0, format!("SEQUENCE NAME {}", d.quote_ident(&name)));
                    }
                    identity.options = (!extra.is_empty()).then(|| extra.join(" "));
                    continue;
                }
                let regclass: String = get(&row, "regclass")?;
                let nextval = format!("nextval({}::regclass)", d.quote_string(&regclass));
                let serial = match (&column.ty, &o.ty) {
                    (ColumnType::Postgres(PgType::SmallInt), PgType::SmallInt) => {
                        Some(PgType::SmallSerial)
                    }
                    (ColumnType::Postgres(PgType::Integer), PgType::Integer) => {
                        Some(PgType::Serial)
                    }
                    (ColumnType::Postgres(PgType::BigInt), PgType::BigInt) => {
                        Some(PgType::BigSerial)
                    }
                    _ => None,
                };
                let default_matches = matches!(&column.default,
                    Some(ColDefault::Expr(e)) if e.as_str() == nextval);
                if owner_kind.as_deref() == Some("a")
                    && default_matches
                    && o.all_default()
                    && name == implicit_name
                    && let Some(serial) = serial
                {
                    column.ty = ColumnType::Postgres(serial);
                    column.default = None;
                    continue;
                }
            }
            if ctx.scope.excludes(&schema, &name, "sequence") {
                continue;
            }
            let seq = sequence(&row, &name, &o, Some((table_name, col.to_string())))?;
            if let Some(&si) = b.schema_index.get(&schema) {
                b.realm.schemas[si].sequences.push(seq);
            }
            continue;
        }
        if ctx.scope.excludes(&schema, &name, "sequence") {
            continue;
        }
        let seq = sequence(&row, &name, &o, None)?;
        if let Some(&si) = b.schema_index.get(&schema) {
            b.realm.schemas[si].sequences.push(seq);
        }
    }
    Ok(())
}

/// A standalone sequence: options at their defaults are left unset.
fn sequence(
    row: &sqlx::postgres::PgRow,
    name: &str,
    o: &SeqOptions,
    owned_by: Option<(String, String)>,
) -> Result<Sequence, EngineError> {
    let differs = |v: i64, default: i64| (v != default).then_some(v);
    Ok(Sequence {
        name: name.to_string(),
        data_type: (o.ty != PgType::BigInt).then(|| ColumnType::Postgres(o.ty.clone())),
        start: differs(o.start, o.default_start()),
        increment: differs(o.increment, 1),
        min_value: differs(o.min, o.default_min()),
        max_value: differs(o.max, o.default_max()),
        cache: differs(o.cache, 1),
        cycle: o.cycle,
        owned_by,
        comment: get(row, "comment")?,
    })
}

pub(super) async fn views(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    for row in cat.rows(queries::VIEWS, &b.schema_names).await? {
        let schema: String = get(&row, "schema")?;
        let name: String = get(&row, "name")?;
        let materialized = get::<String>(&row, "kind")? == "m";
        let kind = if materialized { "materialized" } else { "view" };
        if ctx.scope.excludes(&schema, &name, kind) {
            continue;
        }
        let Some(&si) = b.schema_index.get(&schema) else {
            continue;
        };
        let definition: String = get(&row, "definition")?;
        let definition = definition
            .trim()
            .trim_end_matches(';')
            .trim_end()
            .to_string();
        let mut view = View {
            name,
            definition,
            columns: Vec::new(),
            comment: get(&row, "comment")?,
            check_option: None,
            security_invoker: None,
            options: Vec::new(),
            indexes: Vec::new(),
            with_data: if materialized {
                get(&row, "populated")?
            } else {
                true
            },
        };
        for (k, v) in key_values(get(&row, "options")?) {
            match k.as_str() {
                "check_option" => view.check_option = Some(v.to_ascii_uppercase()),
                "security_invoker" => view.security_invoker = Some(v == "true" || v == "on"),
                _ => view.options.push((k, v)),
            }
        }
        let oid: i64 = get(&row, "oid")?;
        let s = &mut b.realm.schemas[si];
        if materialized {
            s.materialized_views.push(view);
            b.matviews.insert(oid, (si, s.materialized_views.len() - 1));
        } else {
            s.views.push(view);
            b.views.insert(oid, (si, s.views.len() - 1));
        }
    }
    Ok(())
}

/// Reads the arguments of a routine from the catalog arrays, with the defaults taken from
/// `pg_get_function_arguments` (the catalog keeps them only as one expression list).
fn routine_args(row: &sqlx::postgres::PgRow) -> Result<Vec<FuncArg>, EngineError> {
    let names: Vec<String> = get(row, "arg_names")?;
    let modes: Vec<String> = get(row, "arg_modes")?;
    let types: Vec<String> = get(row, "arg_types")?;
    let text: String = get(row, "args_text")?;
    let printed = split_top_level(&text);
    let mut args = Vec::new();
    let mut printed_iter = printed.iter();
    for (i, ty) in types.iter().enumerate() {
        let mode = match modes.get(i).map(String::as_str) {
            Some("o") => ArgMode::Out,
            Some("b") => ArgMode::InOut,
            Some("v") => ArgMode::Variadic,
            // TABLE columns are part of the result type.
            Some("t") => continue,
            _ => ArgMode::In,
        };
        let default = printed_iter
            .next()
            .and_then(|p| p.split_once(" DEFAULT "))
            .map(|(_, d)| Expr(d.trim().to_string()));
        args.push(FuncArg {
            name: names.get(i).filter(|n| !n.is_empty()).cloned(),
            ty: ty.clone(),
            mode,
            default,
        });
    }
    Ok(args)
}

pub(super) async fn routines(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    for row in cat.rows(queries::ROUTINES, &b.schema_names).await? {
        let schema: String = get(&row, "schema")?;
        let name: String = get(&row, "name")?;
        let kind: String = get(&row, "kind")?;
        let Some(&si) = b.schema_index.get(&schema) else {
            continue;
        };
        let args = routine_args(&row)?;
        let comment: Option<String> = get(&row, "comment")?;
        if kind == "a" {
            if ctx.scope.excludes(&schema, &name, "aggregate") {
                continue;
            }
            b.realm.schemas[si].aggregates.push(Aggregate {
                name,
                args,
                state_func: get::<Option<String>>(&row, "state_func")?.unwrap_or_default(),
                state_type: get::<Option<String>>(&row, "state_type")?.unwrap_or_default(),
                final_func: get(&row, "final_func")?,
                initial_value: get(&row, "initial_value")?,
                comment,
            });
            continue;
        }
        let procedure = kind == "p";
        if ctx.scope.excludes(
            &schema,
            &name,
            if procedure { "procedure" } else { "function" },
        ) {
            continue;
        }
        let sql_body: Option<String> = get(&row, "sql_body")?;
        let body = match sql_body {
            Some(b) => b,
            None => get(&row, "source")?,
        };
        let parallel = match get::<String>(&row, "parallel")?.as_str() {
            "s" => Some("SAFE".to_string()),
            "r" => Some("RESTRICTED".to_string()),
            _ => None,
        };
        let f = Function {
            name,
            args,
            returns: get(&row, "returns")?,
            language: get(&row, "language")?,
            body,
            volatility: match get::<String>(&row, "volatility")?.as_str() {
                "i" => Volatility::Immutable,
                "s" => Volatility::Stable,
                _ => Volatility::Volatile,
            },
            strict: get(&row, "strict")?,
            security_definer: get(&row, "security_definer")?,
            leakproof: get(&row, "leakproof")?,
            parallel,
            deterministic: false,
            config: key_values(get(&row, "config")?),
            comment,
        };
        let s = &mut b.realm.schemas[si];
        if procedure {
            s.procedures.push(f);
        } else {
            s.functions.push(f);
        }
    }
    Ok(())
}

pub(super) async fn types(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    let d = ctx.dialect();
    for row in cat.rows(queries::TYPES, &b.schema_names).await? {
        let schema: String = get(&row, "schema")?;
        let name: String = get(&row, "name")?;
        let Some(&si) = b.schema_index.get(&schema) else {
            continue;
        };
        let comment: Option<String> = get(&row, "comment")?;
        let s = &mut b.realm.schemas[si];
        match get::<String>(&row, "kind")?.as_str() {
            "e" => {
                if ctx.scope.excludes(&schema, &name, "enum") {
                    continue;
                }
                s.enums.push(Enum {
                    name,
                    values: get(&row, "labels")?,
                    comment,
                });
            }
            "d" => {
                if ctx.scope.excludes(&schema, &name, "domain") {
                    continue;
                }
                let names: Vec<String> = get(&row, "check_names")?;
                let defs: Vec<String> = get(&row, "check_defs")?;
                // Implicit names (`d_check`, `d_check1`) are kept: a plan drops a check by name.
                // The normaliser leaves them out of comparisons.
                let checks = names
                    .into_iter()
                    .zip(defs)
                    .map(|(n, def)| Check {
                        name: Some(n),
                        expr: Expr(check_expr(&def)),
                        enforced: true,
                        no_inherit: false,
                        not_valid: false,
                        comment: None,
                    })
                    .collect();
                s.domains.push(Domain {
                    base: ctx
                        .column_type(&get::<Option<String>>(&row, "base")?.unwrap_or_default()),
                    nullable: !get::<bool>(&row, "not_null")?,
                    default: get::<Option<String>>(&row, "default_expr")?
                        .map(|e| ColDefault::Expr(Expr(e))),
                    collation: get(&row, "collation")?,
                    checks,
                    comment,
                    name,
                });
            }
            "c" => {
                if ctx.scope.excludes(&schema, &name, "composite") {
                    continue;
                }
                let names: Vec<String> = get(&row, "field_names")?;
                let types: Vec<String> = get(&row, "field_types")?;
                s.composites.push(Composite {
                    name,
                    fields: names
                        .into_iter()
                        .zip(types)
                        .map(|(n, t)| (n, ctx.column_type(&t)))
                        .collect(),
                    comment,
                });
            }
            "r" => {
                // The IR has no range types: keep the definition so nothing is lost.
                let subtype: Option<String> = get(&row, "range_subtype")?;
                s.unsupported.push(Unsupported {
                    kind: "range type".to_string(),
                    raw: format!(
                        "CREATE TYPE {}.{} AS RANGE (SUBTYPE = {})",
                        d.quote_ident(&schema),
                        d.quote_ident(&name),
                        subtype.unwrap_or_default()
                    ),
                    name: Some(name),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

pub(super) async fn extensions(
    cat: &mut Catalog<'_>,
    ctx: &Ctx<'_>,
    b: &mut Build,
) -> Result<(), EngineError> {
    for row in cat.rows(queries::EXTENSIONS, &b.schema_names).await? {
        let schema: String = get(&row, "schema")?;
        let name: String = get(&row, "name")?;
        if ctx.scope.excludes(&schema, &name, "extension") {
            continue;
        }
        let Some(&si) = b.schema_index.get(&schema) else {
            continue;
        };
        b.realm.schemas[si].extensions.push(Extension {
            name,
            version: get(&row, "version")?,
            comment: get(&row, "comment")?,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_names_fit_identifiers() {
        assert_eq!(implicit_sequence_name("users", "id"), "users_id_seq");
        let long = implicit_sequence_name(&"t".repeat(60), &"c".repeat(10));
        assert_eq!(long.len(), 63);
        assert!(long.ends_with("cccccccccc_seq"));
    }

    #[test]
    fn default_sequence_options() {
        let o = SeqOptions {
            ty: PgType::Integer,
            start: 1,
            increment: 1,
            min: 1,
            max: i32::MAX as i64,
            cache: 1,
            cycle: false,
        };
        assert!(o.all_default());
        let desc = SeqOptions {
            ty: PgType::BigInt,
            start: -1,
            increment: -1,
            min: i64::MIN,
            max: -1,
            cache: 1,
            cycle: false,
        };
        assert!(desc.extra_sql().is_empty());
    }
}
