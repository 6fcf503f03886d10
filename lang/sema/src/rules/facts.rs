//! Facts about a migration file's statement as written, which the states before and after it
//! cannot tell: where `ALTER TYPE ... ADD VALUE` puts the value, and which columns of a
//! `CREATE TABLE` declare an inline `REFERENCES` (MySQL parses and ignores those). The rules
//! see them as fields of `file_statement` (`model.rs`).
//!
//! They are computed on first use (a cheap text test first, so most statements are never
//! parsed) and kept with the statement.

use cairn_ir::Dialect;
use sqlparser::ast::{self, AlterTypeAddValuePosition, AlterTypeOperation, ColumnOption};
use sqlparser::dialect::{MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

/// What a statement says that the states around it do not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatementFacts {
    /// `ALTER TYPE t ADD VALUE 'v' [BEFORE | AFTER 'w']`: the value added.
    pub enum_value_added: Option<String>,
    /// The position of that value as written: `BEFORE 'w'` or `AFTER 'w'`; `None` when the
    /// statement gives none (PostgreSQL then puts the value last).
    pub enum_value_position: Option<String>,
    /// `CREATE TABLE` and `ALTER TABLE ... ADD COLUMN`: the columns declared with an inline
    /// `REFERENCES` clause, as `table.column` (the table as written, without its schema).
    pub inline_references: Vec<String>,
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn literal(v: &ast::Ident) -> String {
    format!("'{}'", v.value.replace('\'', "''"))
}

/// The facts of one statement of a migration file in `dialect`. A statement that does not
/// parse has none.
pub fn statement_facts(sql: &str, dialect: Dialect) -> StatementFacts {
    let mut out = StatementFacts::default();
    let enum_value = dialect == Dialect::Postgres && contains_ci(sql, "value");
    let references = contains_ci(sql, "references");
    if !enum_value && !references {
        return out;
    }
    let parsed = match dialect {
        Dialect::Postgres => Parser::parse_sql(&PostgreSqlDialect {}, sql),
        Dialect::Mysql(_) => Parser::parse_sql(&MySqlDialect {}, sql),
        Dialect::Sqlite => Parser::parse_sql(&SQLiteDialect {}, sql),
    };
    let Ok(stmts) = parsed else {
        return out;
    };
    for st in &stmts {
        match st {
            ast::Statement::AlterType(ast::AlterType {
                operation: AlterTypeOperation::AddValue(add),
                ..
            }) => {
                out.enum_value_added = Some(add.value.value.clone());
                out.enum_value_position = add.position.as_ref().map(|p| match p {
                    AlterTypeAddValuePosition::Before(v) => format!("BEFORE {}", literal(v)),
                    AlterTypeAddValuePosition::After(v) => format!("AFTER {}", literal(v)),
                });
            }
            ast::Statement::CreateTable(t) => {
                let table = last_name(&t.name);
                for c in &t.columns {
                    inline_reference(&mut out, &table, c);
                }
            }
            ast::Statement::AlterTable(t) => {
                let table = last_name(&t.name);
                for op in &t.operations {
                    if let ast::AlterTableOperation::AddColumn { column_def, .. } = op {
                        inline_reference(&mut out, &table, column_def);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn last_name(n: &ast::ObjectName) -> String {
    n.0.last()
        .and_then(|p| p.as_ident())
        .map_or_else(String::new, |i| i.value.clone())
}

fn inline_reference(out: &mut StatementFacts, table: &str, c: &ast::ColumnDef) {
    if c.options
        .iter()
        .any(|o| matches!(o.option, ColumnOption::ForeignKey(_)))
    {
        out.inline_references
            .push(format!("{table}.{}", c.name.value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_value_positions() {
        let f = statement_facts(
            "ALTER TYPE my_enum ADD VALUE 'new_value';",
            Dialect::Postgres,
        );
        assert_eq!(f.enum_value_added.as_deref(), Some("new_value"));
        assert_eq!(f.enum_value_position, None);
        let f = statement_facts(
            "alter type s.mood add value if not exists 'meh' before 'sad'",
            Dialect::Postgres,
        );
        assert_eq!(f.enum_value_added.as_deref(), Some("meh"));
        assert_eq!(f.enum_value_position.as_deref(), Some("BEFORE 'sad'"));
        let f = statement_facts(
            "ALTER TYPE m ADD VALUE 'x' AFTER 'it''s'",
            Dialect::Postgres,
        );
        assert_eq!(f.enum_value_position.as_deref(), Some("AFTER 'it''s'"));
        // A value named like the keywords is not a position.
        let f = statement_facts("ALTER TYPE m ADD VALUE 'after'", Dialect::Postgres);
        assert_eq!(f.enum_value_position, None);
        assert_eq!(
            statement_facts("UPDATE t SET value = 1", Dialect::Postgres),
            StatementFacts::default()
        );
    }

    #[test]
    fn inline_references() {
        let f = statement_facts(
            "CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users (id), \
             other int, FOREIGN KEY (other) REFERENCES users (id))",
            Dialect::MYSQL,
        );
        assert_eq!(f.inline_references, vec!["orders.user_id".to_string()]);
        let f = statement_facts(
            "CREATE TABLE orders (id int, FOREIGN KEY (id) REFERENCES users (id))",
            Dialect::MYSQL,
        );
        assert!(f.inline_references.is_empty());
        let f = statement_facts(
            "ALTER TABLE orders ADD COLUMN user_id int REFERENCES users (id)",
            Dialect::MARIADB,
        );
        assert_eq!(f.inline_references, vec!["orders.user_id".to_string()]);
    }
}

/// How PostgreSQL stores a value of a type in a row: its fixed length in bytes (`typlen`;
/// `None` for variable-length types) and its alignment in bytes (`typalign`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub length: Option<i64>,
    pub align: i64,
}

const fn fixed(length: i64, align: i64) -> Option<Layout> {
    Some(Layout {
        length: Some(length),
        align,
    })
}

const fn var(align: i64) -> Option<Layout> {
    Some(Layout {
        length: None,
        align,
    })
}

/// The layout of a built-in PostgreSQL type (`pg_type.typlen`, `typalign`); `named` resolves
/// the user-defined types of the realm (enums, domains). `None` when unknown (extension types).
pub fn pg_layout(
    t: &cairn_ir::PgType,
    named: &dyn Fn(&cairn_ir::QualifiedName) -> Option<Layout>,
) -> Option<Layout> {
    use cairn_ir::PgType as P;
    match t {
        P::Boolean => fixed(1, 1),
        P::SmallInt | P::SmallSerial => fixed(2, 2),
        P::Integer | P::Serial | P::Real | P::Date => fixed(4, 4),
        P::BigInt | P::BigSerial | P::DoublePrecision | P::Money => fixed(8, 8),
        P::Time { with_tz: false, .. } | P::Timestamp { .. } => fixed(8, 8),
        P::Time { with_tz: true, .. } => fixed(12, 8),
        P::Interval { .. } => fixed(16, 8),
        P::Uuid => fixed(16, 1),
        P::Macaddr => fixed(6, 4),
        P::Macaddr8 => fixed(8, 4),
        P::Numeric { .. }
        | P::Text
        | P::Varchar(_)
        | P::Char(_)
        | P::Bytea
        | P::Json
        | P::Jsonb
        | P::Xml
        | P::Inet
        | P::Cidr
        | P::Bit { .. }
        | P::TsVector
        | P::TsQuery => var(4),
        P::Geometric(g) => match g.to_ascii_lowercase().as_str() {
            "point" => fixed(16, 8),
            "line" | "circle" => fixed(24, 8),
            "lseg" | "box" => fixed(32, 8),
            "path" | "polygon" => var(8),
            _ => None,
        },
        P::Range(r) => {
            let r = r.to_ascii_lowercase();
            var(if r.starts_with("int8") || r.starts_with("ts") {
                8
            } else {
                4
            })
        }
        // An array is aligned like its element, at least 4.
        P::Array(e) => var(pg_layout(e, named).map_or(4, |l| l.align.max(4))),
        P::Named(q) => named(q),
        P::Other(_) => None,
    }
}

/// Bytes of alignment padding between the fixed-length values of a row with columns in this
/// order, variable-length values taking no room (as when they are NULL; a short one is stored
/// unaligned). `None` when a column's layout is unknown.
pub fn row_padding(layouts: &[Option<Layout>]) -> Option<i64> {
    let mut offset = 0i64;
    let mut padding = 0i64;
    for l in layouts {
        let l = (*l)?;
        let Some(len) = l.length else { continue };
        let aligned = (offset + l.align - 1) / l.align * l.align;
        padding += aligned - offset;
        offset = aligned + len;
    }
    Some(padding)
}

/// The padding of the same columns in the usual best order: fixed-length values by alignment,
/// largest first (longer first on a tie), then the variable-length ones.
pub fn best_row_padding(layouts: &[Option<Layout>]) -> Option<i64> {
    let mut v: Vec<Layout> = layouts.iter().copied().collect::<Option<_>>()?;
    v.sort_by_key(|l| {
        (
            l.length.is_none(),
            std::cmp::Reverse(l.align),
            std::cmp::Reverse(l.length.unwrap_or(0)),
        )
    });
    row_padding(&v.into_iter().map(Some).collect::<Vec<_>>())
}

#[cfg(test)]
mod layout_tests {
    use super::*;
    use cairn_ir::PgType;

    fn l(t: PgType) -> Option<Layout> {
        pg_layout(&t, &|_| None)
    }

    #[test]
    fn padding_of_orders() {
        // int, bigint, bool, bigint: 4 after the int, 7 after the bool.
        let cols = [
            l(PgType::Integer),
            l(PgType::BigInt),
            l(PgType::Boolean),
            l(PgType::BigInt),
        ];
        assert_eq!(row_padding(&cols), Some(11));
        assert_eq!(best_row_padding(&cols), Some(0));
        // Variable-length values take no room.
        let cols = [l(PgType::Text), l(PgType::Integer), l(PgType::Text)];
        assert_eq!(row_padding(&cols), Some(0));
        // timetz is 12 bytes aligned at 8: something must pad after it.
        let cols = [
            l(PgType::Time {
                precision: None,
                with_tz: true,
            }),
            l(PgType::BigInt),
        ];
        assert_eq!(row_padding(&cols), Some(4));
        assert_eq!(best_row_padding(&cols), Some(4));
        assert_eq!(row_padding(&[l(PgType::Other("vector(3)".into()))]), None);
    }
}
