//! Column types written in HCL: `bigint`, `varchar(255)`, `double_precision`, `enum.status`,
//! `sql("int[]")`, MySQL `enum("a","b")`. HCL spells with `_` what SQL spells with spaces; the
//! SQL spelling is then read by `ColumnType::parse`, so HCL and SQL schemas agree on aliases.

use cairn_ir::{ColumnType, Dialect, MyType, PgType};
use cairn_syntax::Span;
use cairn_syntax::hcl::parse::HclExpr;

/// What a type expression says, before references are resolved.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum TypeSpec {
    /// A built-in type name in SQL spelling (`double precision`, `varchar(255)`), to be checked
    /// against the dialect.
    Builtin { sql: String, name: String },
    /// `sql("...")`: taken as written, never reported as unknown.
    Sql(String),
    /// `enum.x`, `domain.x`, `composite.x` (resolved by the caller).
    Ref(HclExpr),
    /// MySQL `enum("a", "b")` / `set("a", "b")`.
    Values { set: bool, values: Vec<String> },
}

/// Reads a type expression; `Err` is the span and message of a diagnostic.
pub(super) fn type_spec(expr: &HclExpr) -> Result<TypeSpec, (Span, String)> {
    match expr {
        HclExpr::Traversal { root, steps, .. } if steps.is_empty() => Ok(TypeSpec::Builtin {
            sql: root.replace('_', " "),
            name: root.clone(),
        }),
        HclExpr::Traversal { .. } => Ok(TypeSpec::Ref(expr.clone())),
        HclExpr::Call { name, args, span } if name == "sql" => match args.as_slice() {
            [HclExpr::String(s, _)] => Ok(TypeSpec::Sql(s.clone())),
            _ => Err((
                *span,
                "`sql()` takes one string: `sql(\"int[]\")`".to_string(),
            )),
        },
        HclExpr::Call { name, args, span } if name == "enum" || name == "set" => {
            let mut values = Vec::new();
            for a in args {
                match a {
                    HclExpr::String(s, _) => values.push(s.clone()),
                    other => {
                        return Err((other.span(), format!("`{name}(...)` takes string values")));
                    }
                }
            }
            if values.is_empty() {
                return Err((*span, format!("`{name}()` needs at least one value")));
            }
            Ok(TypeSpec::Values {
                set: name == "set",
                values,
            })
        }
        HclExpr::Call { name, args, span } => {
            let mut parts = Vec::new();
            for a in args {
                match a {
                    HclExpr::Number(n, _) => parts.push(n.clone()),
                    HclExpr::String(s, _) => parts.push(s.clone()),
                    HclExpr::Traversal { root, steps, .. } if steps.is_empty() => {
                        parts.push(root.clone())
                    }
                    other => {
                        return Err((
                            other.span(),
                            "type arguments are numbers: `varchar(255)`, `numeric(10, 2)`"
                                .to_string(),
                        ));
                    }
                }
            }
            let _ = span;
            Ok(TypeSpec::Builtin {
                sql: format!("{}({})", name.replace('_', " "), parts.join(",")),
                name: name.clone(),
            })
        }
        HclExpr::String(s, span) => Err((
            *span,
            format!("a type is not a string: write `type = {s}` or `type = sql(\"{s}\")`"),
        )),
        other => Err((
            other.span(),
            "expected a type: `bigint`, `varchar(255)`, `enum.name` or `sql(\"...\")`".to_string(),
        )),
    }
}

/// Parses a built-in type in `dialect`, or `None` when the dialect does not know the name.
pub(super) fn builtin(dialect: Dialect, sql: &str) -> Option<ColumnType> {
    let t = ColumnType::parse(dialect, sql);
    match &t {
        ColumnType::Postgres(PgType::Named(_) | PgType::Other(_))
        | ColumnType::Unsupported { .. } => None,
        ColumnType::Postgres(_) | ColumnType::Mysql(_) | ColumnType::Sqlite(_) => Some(t),
    }
}

/// MySQL `unsigned = true` applied to a numeric type; `false` when the type has no sign.
pub(super) fn make_unsigned(t: &mut ColumnType) -> bool {
    let ColumnType::Mysql(m) = t else {
        return false;
    };
    match m {
        MyType::TinyInt { unsigned }
        | MyType::SmallInt { unsigned }
        | MyType::MediumInt { unsigned }
        | MyType::Int { unsigned }
        | MyType::BigInt { unsigned }
        | MyType::Decimal { unsigned, .. }
        | MyType::Float { unsigned, .. }
        | MyType::Double { unsigned } => {
            *unsigned = true;
            true
        }
        _ => false,
    }
}

/// The HCL type names of a dialect, for "did you mean".
pub(super) fn known_names(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Postgres => &[
            "smallint",
            "integer",
            "int",
            "bigint",
            "serial",
            "smallserial",
            "bigserial",
            "numeric",
            "decimal",
            "real",
            "double_precision",
            "float",
            "text",
            "varchar",
            "character_varying",
            "char",
            "character",
            "date",
            "time",
            "timetz",
            "timestamp",
            "timestamptz",
            "timestamp_with_time_zone",
            "timestamp_without_time_zone",
            "interval",
            "bit",
            "bit_varying",
            "bytea",
            "boolean",
            "bool",
            "json",
            "jsonb",
            "uuid",
            "xml",
            "money",
            "inet",
            "cidr",
            "macaddr",
            "macaddr8",
            "point",
            "line",
            "lseg",
            "box",
            "path",
            "polygon",
            "circle",
            "int4range",
            "int8range",
            "numrange",
            "tsrange",
            "tstzrange",
            "daterange",
            "tsvector",
            "tsquery",
        ],
        Dialect::Mysql(_) => &[
            "tinyint",
            "smallint",
            "mediumint",
            "int",
            "integer",
            "bigint",
            "bool",
            "boolean",
            "decimal",
            "numeric",
            "float",
            "double",
            "real",
            "char",
            "varchar",
            "tinytext",
            "text",
            "mediumtext",
            "longtext",
            "binary",
            "varbinary",
            "tinyblob",
            "blob",
            "mediumblob",
            "longblob",
            "bit",
            "date",
            "datetime",
            "time",
            "timestamp",
            "year",
            "json",
            "geometry",
            "point",
            "linestring",
            "polygon",
            "multipoint",
            "multilinestring",
            "multipolygon",
            "geometrycollection",
            "uuid",
            "inet4",
            "inet6",
        ],
        Dialect::Sqlite => &[
            "int", "integer", "real", "numeric", "decimal", "text", "blob", "bool", "boolean",
            "date", "datetime", "json", "uuid", "varchar",
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underscores_become_spaces() {
        let e = HclExpr::Call {
            name: "character_varying".into(),
            args: vec![HclExpr::Number("255".into(), Span::default())],
            span: Span::default(),
        };
        let TypeSpec::Builtin { sql, .. } = type_spec(&e).unwrap() else {
            panic!()
        };
        assert_eq!(sql, "character varying(255)");
        assert_eq!(
            builtin(Dialect::Postgres, &sql),
            Some(ColumnType::Postgres(PgType::Varchar(Some(255))))
        );
        assert_eq!(builtin(Dialect::Postgres, "bigintt"), None);
    }
}
