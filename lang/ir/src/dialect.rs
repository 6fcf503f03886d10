//! Dialects and their capabilities: every dialect difference that lang/ needs is a method here,
//! so callers never write `if dialect == X`.

use std::fmt;

/// The SQL dialect a source or a database speaks. MariaDB is a flavour of the MySQL dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dialect {
    Postgres,
    Mysql(Flavor),
    Sqlite,
}

/// The flavour of the MySQL dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Flavor {
    Mysql,
    Mariadb,
}

impl Dialect {
    pub const MYSQL: Dialect = Dialect::Mysql(Flavor::Mysql);
    pub const MARIADB: Dialect = Dialect::Mysql(Flavor::Mariadb);
    pub const ALL: [Dialect; 4] = [
        Dialect::Postgres,
        Dialect::MYSQL,
        Dialect::MARIADB,
        Dialect::Sqlite,
    ];

    /// Parses the names the CLI and project files use: `postgres`, `postgresql`, `pg`, `mysql`,
    /// `mariadb`, `maria`, `sqlite`, `sqlite3`.
    pub fn from_name(name: &str) -> Option<Dialect> {
        Some(match name.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" | "pg" => Dialect::Postgres,
            "mysql" | "my" => Dialect::MYSQL,
            "mariadb" | "maria" | "ma" => Dialect::MARIADB,
            "sqlite" | "sqlite3" | "lt" => Dialect::Sqlite,
            _ => return None,
        })
    }

    /// The dialect a file suffix names: `.pg.hcl`, `.my.sql`, `.ma.hcl`, `.lt.hcl`...
    pub fn from_path_suffix(path: &str) -> Option<Dialect> {
        let stem = path
            .strip_suffix(".hcl")
            .or_else(|| path.strip_suffix(".sql"))?;
        let (_, tag) = stem.rsplit_once('.')?;
        match tag {
            "pg" => Some(Dialect::Postgres),
            "my" => Some(Dialect::MYSQL),
            "ma" => Some(Dialect::MARIADB),
            "lt" => Some(Dialect::Sqlite),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "postgres",
            Dialect::Mysql(Flavor::Mysql) => "mysql",
            Dialect::Mysql(Flavor::Mariadb) => "mariadb",
            Dialect::Sqlite => "sqlite",
        }
    }

    pub fn is_mysql_family(self) -> bool {
        matches!(self, Dialect::Mysql(_))
    }

    pub fn is_mariadb(self) -> bool {
        self == Dialect::MARIADB
    }

    /// How an unquoted identifier is stored: PostgreSQL folds to lower case; MySQL and SQLite
    /// keep the spelling (and compare case-insensitively, see `idents_equal`).
    pub fn fold_unquoted(self, ident: &str) -> String {
        match self {
            Dialect::Postgres => ident.to_lowercase(),
            Dialect::Mysql(_) | Dialect::Sqlite => ident.to_string(),
        }
    }

    /// Whether two stored identifiers name the same object.
    pub fn idents_equal(self, a: &str, b: &str) -> bool {
        match self {
            Dialect::Postgres => a == b,
            Dialect::Mysql(_) | Dialect::Sqlite => a.eq_ignore_ascii_case(b),
        }
    }

    /// The key under which this dialect finds an identifier: names that [`Dialect::idents_equal`]
    /// calls equal share one key (for hash lookups by name).
    pub fn ident_key(self, name: &str) -> std::borrow::Cow<'_, str> {
        match self {
            Dialect::Mysql(_) | Dialect::Sqlite if name.bytes().any(|b| b.is_ascii_uppercase()) => {
                std::borrow::Cow::Owned(name.to_ascii_lowercase())
            }
            _ => std::borrow::Cow::Borrowed(name),
        }
    }

    /// Quotes an identifier for this dialect's SQL.
    pub fn quote_ident(self, ident: &str) -> String {
        match self {
            Dialect::Mysql(_) => format!("`{}`", ident.replace('`', "``")),
            Dialect::Postgres | Dialect::Sqlite => format!("\"{}\"", ident.replace('"', "\"\"")),
        }
    }

    /// Quotes a string literal for this dialect's SQL.
    pub fn quote_string(self, s: &str) -> String {
        match self {
            Dialect::Mysql(_) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
            Dialect::Postgres | Dialect::Sqlite => format!("'{}'", s.replace('\'', "''")),
        }
    }

    /// Whether DDL runs inside transactions (and rolls back with them).
    pub fn transactional_ddl(self) -> bool {
        !self.is_mysql_family()
    }

    /// The schema a single-schema database always has, if the dialect has only one.
    pub fn fixed_schema(self) -> Option<&'static str> {
        match self {
            Dialect::Sqlite => Some("main"),
            _ => None,
        }
    }

    /// The schema unqualified names land in when nothing else says.
    pub fn default_schema(self) -> Option<&'static str> {
        match self {
            Dialect::Postgres => Some("public"),
            Dialect::Sqlite => Some("main"),
            Dialect::Mysql(_) => None,
        }
    }

    /// Whether the dialect has a separate namespace of schemas inside one database (as
    /// PostgreSQL does); in MySQL a schema *is* a database.
    pub fn has_roles(self) -> bool {
        !matches!(self, Dialect::Sqlite)
    }
}

/// PostgreSQL's identifier limit (NAMEDATALEN - 1).
const PG_MAX_IDENT: usize = 63;

/// Builds `name1_name2_label` the way PostgreSQL's `makeObjectName` does: when too long, the
/// longer of the two names is shortened one character at a time until everything fits.
pub fn pg_object_name(name1: &str, name2: &str, label: &str) -> String {
    let overhead = label.len() + 1 + usize::from(!name2.is_empty());
    let avail = PG_MAX_IDENT.saturating_sub(overhead);
    let (mut n1, mut n2) = (name1.len(), name2.len());
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let cut = |s: &str, mut n: usize| {
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        s[..n].to_string()
    };
    let mut out = cut(name1, n1);
    if !name2.is_empty() {
        out.push('_');
        out.push_str(&cut(name2, n2));
    }
    out.push('_');
    out.push_str(label);
    out
}

/// The names a database gives constraints and indexes that were declared without one. Front ends
/// and inspectors use them so that a schema that never named its constraints compares equal to
/// the database it was applied to.
impl Dialect {
    /// The name of an unnamed primary key, or `None` where it has no name of its own.
    pub fn implicit_primary_key_name(self, table: &str) -> Option<String> {
        match self {
            Dialect::Postgres => Some(pg_object_name(table, "", "pkey")),
            Dialect::Mysql(_) => Some("PRIMARY".to_string()),
            Dialect::Sqlite => None,
        }
    }

    /// The name of the `ordinal`-th (1-based) unnamed foreign key of `table`.
    pub fn implicit_foreign_key_name(
        self,
        table: &str,
        columns: &[&str],
        ordinal: usize,
    ) -> Option<String> {
        match self {
            Dialect::Postgres => Some(pg_object_name(table, &columns.join("_"), "fkey")),
            Dialect::Mysql(_) => Some(format!("{table}_ibfk_{ordinal}")),
            Dialect::Sqlite => None,
        }
    }

    /// The name of an unnamed check: on a column (`column` is `Some`) or on the table, the
    /// `ordinal`-th (1-based) of the table's unnamed checks.
    pub fn implicit_check_name(
        self,
        table: &str,
        column: Option<&str>,
        ordinal: usize,
    ) -> Option<String> {
        match self {
            Dialect::Postgres => Some(pg_object_name(table, column.unwrap_or(""), "check")),
            Dialect::Mysql(Flavor::Mariadb) => Some(match column {
                Some(c) => c.to_string(),
                None => format!("CONSTRAINT_{ordinal}"),
            }),
            Dialect::Mysql(Flavor::Mysql) => Some(format!("{table}_chk_{ordinal}")),
            Dialect::Sqlite => None,
        }
    }

    /// The name of an unnamed UNIQUE constraint (PostgreSQL) or unique key (MySQL).
    pub fn implicit_unique_name(self, table: &str, columns: &[&str]) -> Option<String> {
        match self {
            Dialect::Postgres => Some(pg_object_name(table, &columns.join("_"), "key")),
            Dialect::Mysql(_) => columns.first().map(|c| c.to_string()),
            Dialect::Sqlite => None,
        }
    }

    /// The name of an unnamed `CREATE INDEX` (PostgreSQL) or `KEY (...)` (MySQL).
    pub fn implicit_index_name(self, table: &str, columns: &[&str]) -> Option<String> {
        match self {
            Dialect::Postgres => Some(pg_object_name(table, &columns.join("_"), "idx")),
            Dialect::Mysql(_) => columns.first().map(|c| c.to_string()),
            Dialect::Sqlite => None,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_name_dialects() {
        assert_eq!(
            Dialect::from_path_suffix("a/schema.pg.hcl"),
            Some(Dialect::Postgres)
        );
        assert_eq!(
            Dialect::from_path_suffix("x.ma.sql"),
            Some(Dialect::MARIADB)
        );
        assert_eq!(Dialect::from_path_suffix("x.hcl"), None);
        assert_eq!(Dialect::from_path_suffix("x.lt.hcl"), Some(Dialect::Sqlite));
    }

    #[test]
    fn implicit_names_follow_postgres() {
        let d = Dialect::Postgres;
        assert_eq!(d.implicit_primary_key_name("users").unwrap(), "users_pkey");
        assert_eq!(
            d.implicit_foreign_key_name("orders", &["user_id"], 1)
                .unwrap(),
            "orders_user_id_fkey"
        );
        assert_eq!(
            d.implicit_unique_name("u", &["a", "b"]).unwrap(),
            "u_a_b_key"
        );
        let long = "a".repeat(40);
        let name = d
            .implicit_foreign_key_name(&long, &[&"b".repeat(40)], 1)
            .unwrap();
        assert_eq!(name.len(), 63);
        assert!(name.ends_with("_fkey"));
        assert_eq!(
            Dialect::MARIADB
                .implicit_check_name("t", Some("c"), 1)
                .unwrap(),
            "c"
        );
        assert_eq!(Dialect::Sqlite.implicit_primary_key_name("t"), None);
    }

    #[test]
    fn quoting_escapes() {
        assert_eq!(Dialect::Postgres.quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(Dialect::MYSQL.quote_ident("a`b"), "`a``b`");
        assert_eq!(Dialect::MYSQL.quote_string("it's\\"), "'it''s\\\\'");
    }
}
