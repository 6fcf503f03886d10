//! One catalog column row into an IR column: the type through `ColumnType::parse`, the default in
//! either flavour's spelling, and what `EXTRA` says (auto_increment, ON UPDATE, generated,
//! invisible).

use cairn_ir::{
    Column, ColumnExt, ColumnType, Default as ColDefault, Dialect, Expr, Generated, Literal,
    MyColumnExt, MyType, TypeCategory,
};

/// The fields of an `information_schema.COLUMNS` row that make a column.
pub(crate) struct ColumnRow {
    pub(crate) name: String,
    pub(crate) column_type: String,
    pub(crate) nullable: bool,
    /// `COLUMN_DEFAULT`, with SQL NULL as `None`.
    pub(crate) default: Option<String>,
    pub(crate) extra: String,
    pub(crate) generation: Option<String>,
    pub(crate) comment: String,
    /// The spatial reference of a geometry column (0: none).
    pub(crate) srid: Option<u32>,
}

/// Builds the column. `charset` and `collation` are already reduced to what differs from the
/// table's defaults.
pub(crate) fn column(
    dialect: Dialect,
    row: &ColumnRow,
    charset: Option<String>,
    collation: Option<String>,
) -> Column {
    let ty = ColumnType::parse(dialect, &row.column_type);
    let extra = row.extra.to_ascii_lowercase();
    let mut col = Column::new(&row.name, ty);
    col.nullable = row.nullable;
    col.auto_increment = extra.contains("auto_increment");
    col.comment = (!row.comment.is_empty()).then(|| row.comment.clone());
    col.collation = collation;
    let generated_kind = if extra.contains("stored generated") || extra.contains("persistent") {
        Some(true)
    } else if extra.contains("virtual generated") {
        Some(false)
    } else {
        None
    };
    if let (Some(stored), Some(expr)) = (generated_kind, row.generation.as_deref()) {
        col.generated = Some(Generated {
            expr: Expr::new(expr),
            stored,
        });
    } else {
        col.default = default(dialect, &col.ty, row.default.as_deref(), &extra);
    }
    let ext = MyColumnExt {
        charset,
        on_update: on_update(&row.extra),
        invisible: extra.split_whitespace().any(|w| w == "invisible"),
        srid: row.srid.filter(|s| *s != 0),
    };
    if ext != MyColumnExt::default() {
        col.ext = ColumnExt::Mysql(ext);
    }
    col
}

/// `ON UPDATE CURRENT_TIMESTAMP[(p)]` as `EXTRA` spells it in either flavour.
fn on_update(extra: &str) -> Option<Expr> {
    let lower = extra.to_ascii_lowercase();
    let at = lower.find("on update ")?;
    let rest = extra[at + "on update ".len()..].trim();
    let expr = rest.split_whitespace().next()?;
    Some(Expr::new(expr))
}

/// Reads `COLUMN_DEFAULT`. MariaDB quotes string literals and prints an explicit NULL default
/// as the bare word `NULL`; MySQL prints literals unquoted and marks expressions with
/// `DEFAULT_GENERATED` in `EXTRA`.
fn default(
    dialect: Dialect,
    ty: &ColumnType,
    raw: Option<&str>,
    extra: &str,
) -> Option<ColDefault> {
    let raw = raw?;
    if dialect.is_mariadb() {
        if raw.eq_ignore_ascii_case("null") {
            return None;
        }
        if raw.len() >= 2 && raw.starts_with('\'') && raw.ends_with('\'') {
            return Some(ColDefault::Literal(Literal::String(unquote(raw))));
        }
        if is_number(raw) {
            return Some(ColDefault::Literal(Literal::Number(raw.to_string())));
        }
        return Some(ColDefault::Expr(Expr::new(raw)));
    }
    if extra.contains("default_generated") {
        return Some(ColDefault::Expr(Expr::new(raw)));
    }
    let numeric = matches!(
        ty.category(),
        TypeCategory::Integer | TypeCategory::Numeric | TypeCategory::Boolean
    );
    if numeric && is_number(raw) {
        return Some(ColDefault::Literal(Literal::Number(raw.to_string())));
    }
    if matches!(ty, ColumnType::Mysql(MyType::Bit(_))) {
        return Some(ColDefault::Expr(Expr::new(raw)));
    }
    if raw.eq_ignore_ascii_case("current_timestamp")
        || raw.to_ascii_lowercase().starts_with("current_timestamp(")
    {
        return Some(ColDefault::Expr(Expr::new(raw)));
    }
    Some(ColDefault::Literal(Literal::String(raw.to_string())))
}

fn is_number(s: &str) -> bool {
    let t = s.strip_prefix('-').unwrap_or(s);
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')
        && t.starts_with(|c: char| c.is_ascii_digit())
}

/// The value of a quoted MariaDB literal: `'it''s a \\ path'` is `it's a \ path`.
pub(crate) fn unquote(raw: &str) -> String {
    let inner = &raw[1..raw.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('0') => out.push('\0'),
                Some('Z') => out.push('\u{1a}'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            '\'' if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push('\'');
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(ty: &str, default: Option<&str>, extra: &str) -> ColumnRow {
        ColumnRow {
            name: "c".into(),
            column_type: ty.into(),
            nullable: true,
            default: default.map(str::to_string),
            extra: extra.into(),
            generation: None,
            comment: String::new(),
            srid: None,
        }
    }

    #[test]
    fn mariadb_defaults() {
        let d = Dialect::MARIADB;
        let c = column(d, &row("varchar(20)", Some("'a\\\\b''c'"), ""), None, None);
        assert_eq!(
            c.default,
            Some(ColDefault::Literal(Literal::String("a\\b'c".into())))
        );
        let c = column(d, &row("varchar(5)", Some("'NULL'"), ""), None, None);
        assert_eq!(
            c.default,
            Some(ColDefault::Literal(Literal::String("NULL".into())))
        );
        let c = column(d, &row("varchar(5)", Some("NULL"), ""), None, None);
        assert_eq!(c.default, None);
        let c = column(d, &row("decimal(10,2)", Some("0.00"), ""), None, None);
        assert_eq!(
            c.default,
            Some(ColDefault::Literal(Literal::Number("0.00".into())))
        );
        let c = column(
            d,
            &row(
                "timestamp",
                Some("current_timestamp()"),
                "on update current_timestamp()",
            ),
            None,
            None,
        );
        assert_eq!(
            c.default,
            Some(ColDefault::Expr(Expr::new("current_timestamp()")))
        );
        let ColumnExt::Mysql(ext) = &c.ext else {
            panic!("{:?}", c.ext)
        };
        assert_eq!(ext.on_update, Some(Expr::new("current_timestamp()")));
    }

    #[test]
    fn mysql_defaults() {
        let d = Dialect::MYSQL;
        let c = column(d, &row("varchar(20)", Some("it's"), ""), None, None);
        assert_eq!(
            c.default,
            Some(ColDefault::Literal(Literal::String("it's".into())))
        );
        let c = column(d, &row("int", Some("7"), ""), None, None);
        assert_eq!(
            c.default,
            Some(ColDefault::Literal(Literal::Number("7".into())))
        );
        let c = column(
            d,
            &row(
                "datetime(3)",
                Some("CURRENT_TIMESTAMP(3)"),
                "DEFAULT_GENERATED on update CURRENT_TIMESTAMP(3)",
            ),
            None,
            None,
        );
        assert_eq!(
            c.default,
            Some(ColDefault::Expr(Expr::new("CURRENT_TIMESTAMP(3)")))
        );
        assert!(
            matches!(&c.ext, ColumnExt::Mysql(e) if e.on_update == Some(Expr::new("CURRENT_TIMESTAMP(3)")))
        );
    }

    #[test]
    fn generated_and_invisible() {
        let mut r = row("int(11)", None, "STORED GENERATED INVISIBLE");
        r.generation = Some("`a` + 1".into());
        let c = column(Dialect::MARIADB, &r, None, None);
        assert_eq!(
            c.generated,
            Some(Generated {
                expr: Expr::new("`a` + 1"),
                stored: true
            })
        );
        assert!(matches!(&c.ext, ColumnExt::Mysql(e) if e.invisible));
        assert_eq!(c.ty, ColumnType::Mysql(MyType::Int { unsigned: false }));
    }
}
