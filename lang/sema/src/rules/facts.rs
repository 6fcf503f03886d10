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
    /// `CREATE TABLE`: the columns declared with an inline `REFERENCES` clause, as
    /// `table.column` (the table as written, without its schema).
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
    let references = contains_ci(sql, "references") && contains_ci(sql, "create");
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
                let table = t
                    .name
                    .0
                    .last()
                    .and_then(|p| p.as_ident())
                    .map_or_else(String::new, |i| i.value.clone());
                for c in &t.columns {
                    if c.options
                        .iter()
                        .any(|o| matches!(o.option, ColumnOption::ForeignKey(_)))
                    {
                        out.inline_references
                            .push(format!("{table}.{}", c.name.value));
                    }
                }
            }
            _ => {}
        }
    }
    out
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
    }
}
