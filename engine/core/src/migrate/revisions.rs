//! Atlas's revisions table, `atlas_schema_revisions`: one row per migration file the database
//! has seen, with Atlas's columns and type flags, so Cairn and Atlas read each other's history.
//!
//! Placement (DESIGN.md, "Revisions and locks"): `--revisions-schema` when given; else the
//! URL's schema when the URL is schema-scoped (SQLite: `main`); else a schema named
//! `atlas_schema_revisions`, created on demand (database-scoped PostgreSQL or MySQL).
//!
//! Every statement is built here with literals quoted for the dialect: strings through
//! `Dialect::quote_string` on PostgreSQL and SQLite, and as hex literals on MySQL/MariaDB
//! (which mean the same whatever the server's `sql_mode` says about backslashes).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cairn_ir::Dialect;
use sha2::{Digest, Sha256};

use crate::driver::Session;
use crate::error::EngineError;

/// The table's name, and the schema's name in database scope.
pub const REVISIONS_TABLE: &str = "atlas_schema_revisions";

/// The sentinel row Atlas Cloud uses to identify a revisions table; never a migration.
pub const CLOUD_IDENTIFIER: &str = ".atlas_cloud_identifier";

/// Bit flags of the `type` column.
pub const TYPE_BASELINE: u64 = 1;
pub const TYPE_EXECUTE: u64 = 2;
pub const TYPE_RESOLVED: u64 = 4;

/// `operator_version`: `Cairn v<version>`.
pub fn operator_version() -> String {
    format!("Cairn v{}", env!("CARGO_PKG_VERSION"))
}

/// One row of the revisions table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    pub version: String,
    pub description: String,
    /// Bit flags: 1 baseline, 2 executed, 4 resolved (set by hand with `migrate set`).
    pub kind: u64,
    /// Statements applied.
    pub applied: u64,
    /// Statements in the file.
    pub total: u64,
    /// When execution started, as the database prints it (UTC when Cairn wrote it).
    pub executed_at: String,
    /// Nanoseconds.
    pub execution_time: i64,
    pub error: Option<String>,
    pub error_stmt: Option<String>,
    /// The file's `atlas.sum` entry (base64, without `h1:`).
    pub hash: String,
    /// `h1:` + base64 of the running SHA-256 over the texts of the applied statements, one per
    /// applied statement, while the file is partially applied.
    pub partial_hashes: Vec<String>,
    pub operator_version: String,
}

impl Revision {
    /// A new row for `version`, started now.
    pub fn new(version: &str, description: &str, kind: u64, hash: &str) -> Revision {
        Revision {
            version: version.to_string(),
            description: description.to_string(),
            kind,
            applied: 0,
            total: 0,
            executed_at: now_utc(),
            execution_time: 0,
            error: None,
            error_stmt: None,
            hash: hash.to_string(),
            partial_hashes: Vec::new(),
            operator_version: operator_version(),
        }
    }

    /// Whether only some of the file's statements ran.
    pub fn is_partial(&self) -> bool {
        self.applied < self.total
    }

    pub fn is_baseline(&self) -> bool {
        self.kind & TYPE_BASELINE != 0
    }
}

/// The running statement hashes Atlas records in `partial_hashes`: entry `i` covers statements
/// `0..=i`.
pub fn statement_hashes<S: AsRef<str>>(statements: &[S]) -> Vec<String> {
    let mut h = Sha256::new();
    statements
        .iter()
        .map(|s| {
            h.update(s.as_ref().as_bytes());
            format!("h1:{}", STANDARD.encode(h.clone().finalize()))
        })
        .collect()
}

/// The current time in UTC as `YYYY-MM-DD HH:MM:SS.ffffff`.
pub fn now_utc() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let (y, m, day) = super::dir::civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{m:02}-{day:02} {:02}:{:02}:{:02}.{:06}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        d.subsec_micros()
    )
}

/// Where the revisions table lives on one database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevisionTable {
    pub dialect: Dialect,
    /// The schema (MySQL: database) holding the table.
    pub schema: String,
    /// Whether the schema may need creating (it is not the URL's own schema).
    create_schema: bool,
}

impl RevisionTable {
    /// Places the table as the contract says: `revisions_schema`, else the URL's schema, else
    /// the schema `atlas_schema_revisions`.
    pub fn locate(
        dialect: Dialect,
        bound_schema: Option<&str>,
        revisions_schema: Option<&str>,
    ) -> Result<RevisionTable, EngineError> {
        if let Some(fixed) = dialect.fixed_schema() {
            if let Some(s) = revisions_schema.filter(|s| *s != fixed) {
                return Err(EngineError::Other(format!(
                    "--revisions-schema {s:?}: SQLite keeps the revisions table in {fixed:?}"
                )));
            }
            return Ok(RevisionTable {
                dialect,
                schema: fixed.to_string(),
                create_schema: false,
            });
        }
        let (schema, create_schema) = match (revisions_schema, bound_schema) {
            (Some(r), b) => (r.to_string(), Some(r) != b),
            (None, Some(b)) => (b.to_string(), false),
            (None, None) => (REVISIONS_TABLE.to_string(), true),
        };
        Ok(RevisionTable {
            dialect,
            schema,
            create_schema,
        })
    }

    /// `schema.atlas_schema_revisions`, quoted.
    pub fn qualified(&self) -> String {
        format!(
            "{}.{}",
            self.dialect.quote_ident(&self.schema),
            self.dialect.quote_ident(REVISIONS_TABLE)
        )
    }

    /// A string literal, safe whatever the text holds.
    pub fn lit(&self, s: &str) -> String {
        match self.dialect {
            Dialect::Mysql(_) => {
                let mut hex = String::with_capacity(s.len() * 2 + 12);
                hex.push_str("_utf8mb4 X'");
                for b in s.as_bytes() {
                    hex.push_str(&format!("{b:02X}"));
                }
                hex.push('\'');
                hex
            }
            // PostgreSQL text cannot hold NUL; SQLite would cut the string there.
            _ => self.dialect.quote_string(&s.replace('\0', "")),
        }
    }

    fn opt_lit(&self, s: Option<&str>) -> String {
        s.map_or_else(|| "NULL".to_string(), |s| self.lit(s))
    }

    fn as_text(&self, col: &str) -> String {
        let q = self.dialect.quote_ident(col);
        match self.dialect {
            Dialect::Postgres => format!("{q}::text"),
            Dialect::Mysql(_) => format!("CAST({q} AS CHAR)"),
            Dialect::Sqlite => format!("CAST({q} AS TEXT)"),
        }
    }

    /// Whether the table exists.
    pub async fn exists(&self, s: &mut dyn Session) -> Result<bool, EngineError> {
        let sql = match self.dialect {
            Dialect::Postgres => format!(
                "SELECT count(*)::text FROM pg_catalog.pg_tables WHERE schemaname = {} AND tablename = {}",
                self.lit(&self.schema),
                self.lit(REVISIONS_TABLE)
            ),
            Dialect::Mysql(_) => format!(
                "SELECT CAST(count(*) AS CHAR) FROM information_schema.tables WHERE table_schema = {} AND table_name = {}",
                self.lit(&self.schema),
                self.lit(REVISIONS_TABLE)
            ),
            Dialect::Sqlite => format!(
                "SELECT CAST(count(*) AS TEXT) FROM {}.sqlite_master WHERE type = 'table' AND name = {}",
                self.dialect.quote_ident(&self.schema),
                self.lit(REVISIONS_TABLE)
            ),
        };
        let rows = s.query(&sql).await?;
        Ok(first_cell(&rows).is_some_and(|c| c != "0"))
    }

    /// Creates the schema (when it is not the URL's own) and the table, if missing.
    pub async fn ensure(&self, s: &mut dyn Session) -> Result<(), EngineError> {
        if self.exists(s).await? {
            return Ok(());
        }
        let d = self.dialect;
        if self.create_schema {
            let sql = match d {
                Dialect::Mysql(_) => format!(
                    "CREATE DATABASE IF NOT EXISTS {}",
                    d.quote_ident(&self.schema)
                ),
                _ => format!(
                    "CREATE SCHEMA IF NOT EXISTS {}",
                    d.quote_ident(&self.schema)
                ),
            };
            s.execute(&sql).await?;
        }
        let q = |c: &str| d.quote_ident(c);
        let (string, big, unsigned, time, text, json, suffix) = match d {
            Dialect::Postgres => (
                "character varying",
                "bigint",
                "bigint",
                "timestamptz",
                "text",
                "jsonb",
                "",
            ),
            Dialect::Mysql(_) => (
                "varchar(255)",
                "bigint",
                "bigint unsigned",
                "timestamp",
                "longtext",
                "json",
                " CHARSET utf8mb4 COLLATE utf8mb4_bin",
            ),
            Dialect::Sqlite => ("text", "integer", "integer", "datetime", "text", "json", ""),
        };
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {table} ({v} {string} NOT NULL, {de} {string} NOT NULL, \
             {ty} {unsigned} NOT NULL DEFAULT 2, {ap} {big} NOT NULL DEFAULT 0, \
             {to} {big} NOT NULL DEFAULT 0, {ea} {time} NOT NULL, {et} {big} NOT NULL, \
             {er} {text} NULL, {es} {text} NULL, {ha} {string} NOT NULL, {ph} {json} NULL, \
             {ov} {string} NOT NULL, PRIMARY KEY ({v})){suffix}",
            table = self.qualified(),
            v = q("version"),
            de = q("description"),
            ty = q("type"),
            ap = q("applied"),
            to = q("total"),
            ea = q("executed_at"),
            et = q("execution_time"),
            er = q("error"),
            es = q("error_stmt"),
            ha = q("hash"),
            ph = q("partial_hashes"),
            ov = q("operator_version"),
        );
        s.execute(&sql).await
    }

    const COLUMNS: [&'static str; 12] = [
        "version",
        "description",
        "type",
        "applied",
        "total",
        "executed_at",
        "execution_time",
        "error",
        "error_stmt",
        "hash",
        "partial_hashes",
        "operator_version",
    ];

    /// Every revision, in version order (as file names sort: by bytes), without Atlas Cloud's
    /// sentinel row. An absent table reads as no revisions.
    pub async fn read_all(&self, s: &mut dyn Session) -> Result<Vec<Revision>, EngineError> {
        if !self.exists(s).await? {
            return Ok(Vec::new());
        }
        let cols: Vec<String> = Self::COLUMNS.iter().map(|c| self.as_text(c)).collect();
        let sql = format!("SELECT {} FROM {}", cols.join(", "), self.qualified());
        let rows = s.query(&sql).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let get = |i: usize| r.get(i).cloned().flatten();
            let num = |i: usize| {
                get(i)
                    .and_then(|v| v.trim().parse::<i64>().ok())
                    .unwrap_or(0)
            };
            let version = get(0).unwrap_or_default();
            if version == CLOUD_IDENTIFIER {
                continue;
            }
            out.push(Revision {
                version,
                description: get(1).unwrap_or_default(),
                kind: num(2).max(0) as u64,
                applied: num(3).max(0) as u64,
                total: num(4).max(0) as u64,
                executed_at: get(5).unwrap_or_default(),
                execution_time: num(6),
                error: get(7),
                error_stmt: get(8),
                hash: get(9).unwrap_or_default(),
                partial_hashes: get(10).map(|j| parse_string_list(&j)).unwrap_or_default(),
                operator_version: get(11).unwrap_or_default(),
            });
        }
        out.sort_by(|a, b| a.version.as_bytes().cmp(b.version.as_bytes()));
        Ok(out)
    }

    /// Inserts or updates one revision.
    pub async fn write(&self, s: &mut dyn Session, r: &Revision) -> Result<(), EngineError> {
        let hashes = (!r.partial_hashes.is_empty()).then(|| json_string_list(&r.partial_hashes));
        let executed_at = match self.dialect {
            // PostgreSQL reads the offset; MySQL's timestamp has none (written as UTC).
            Dialect::Postgres => self.lit(&format!("{}+00:00", strip_offset(&r.executed_at))),
            Dialect::Sqlite => self.lit(&r.executed_at),
            Dialect::Mysql(_) => self.lit(strip_offset(&r.executed_at)),
        };
        let values = [
            self.lit(&r.version),
            self.lit(&r.description),
            r.kind.to_string(),
            r.applied.to_string(),
            r.total.to_string(),
            executed_at,
            r.execution_time.to_string(),
            self.opt_lit(r.error.as_deref()),
            self.opt_lit(r.error_stmt.as_deref()),
            self.lit(&r.hash),
            self.opt_lit(hashes.as_deref()),
            self.lit(&r.operator_version),
        ];
        let d = self.dialect;
        let cols: Vec<String> = Self::COLUMNS.iter().map(|c| d.quote_ident(c)).collect();
        let updates: Vec<String> = cols[1..]
            .iter()
            .map(|c| match d {
                Dialect::Mysql(_) => format!("{c} = VALUES({c})"),
                _ => format!("{c} = excluded.{c}"),
            })
            .collect();
        let conflict = match d {
            Dialect::Mysql(_) => "ON DUPLICATE KEY UPDATE".to_string(),
            _ => format!("ON CONFLICT ({}) DO UPDATE SET", cols[0]),
        };
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({}) {conflict} {}",
            self.qualified(),
            cols.join(", "),
            values.join(", "),
            updates.join(", ")
        );
        s.execute(&sql).await
    }

    /// Deletes the revision of `version`.
    pub async fn delete(&self, s: &mut dyn Session, version: &str) -> Result<(), EngineError> {
        let sql = format!(
            "DELETE FROM {} WHERE {} = {}",
            self.qualified(),
            self.dialect.quote_ident("version"),
            self.lit(version)
        );
        s.execute(&sql).await
    }
}

fn first_cell(rows: &[Vec<Option<String>>]) -> Option<&str> {
    rows.first()?.first()?.as_deref()
}

/// `2024-01-01 12:00:00.000001+00` -> `2024-01-01 12:00:00.000001`.
fn strip_offset(ts: &str) -> &str {
    match ts.get(10..).and_then(|t| t.rfind(['+', '-'])) {
        Some(i) => &ts[..10 + i],
        None => ts.strip_suffix('Z').unwrap_or(ts),
    }
}

/// A JSON array of strings (the partial hashes are base64, but escape anyway).
fn json_string_list(items: &[String]) -> String {
    let mut out = String::from("[");
    for (i, s) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
    }
    out.push(']');
    out
}

/// Reads a JSON array of strings as written by Cairn, Atlas or the database (`["a", "b"]`).
fn parse_string_list(json: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = json.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut item = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => item.push('\n'),
                    Some('t') => item.push('\t'),
                    Some('u') => {
                        let hex: String = chars.by_ref().take(4).collect();
                        if let Some(ch) =
                            u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32)
                        {
                            item.push(ch);
                        }
                    }
                    Some(other) => item.push(other),
                    None => break,
                },
                c => item.push(c),
            }
        }
        out.push(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement() {
        let pg = Dialect::Postgres;
        assert_eq!(
            RevisionTable::locate(pg, Some("app"), None).unwrap().schema,
            "app"
        );
        assert_eq!(
            RevisionTable::locate(pg, None, None).unwrap().schema,
            "atlas_schema_revisions"
        );
        assert_eq!(
            RevisionTable::locate(pg, Some("app"), Some("ops"))
                .unwrap()
                .schema,
            "ops"
        );
        let lite = RevisionTable::locate(Dialect::Sqlite, Some("main"), None).unwrap();
        assert_eq!(lite.qualified(), "\"main\".\"atlas_schema_revisions\"");
        assert!(RevisionTable::locate(Dialect::Sqlite, Some("main"), Some("x")).is_err());
    }

    #[test]
    fn literals_cannot_escape() {
        let pg = RevisionTable::locate(Dialect::Postgres, Some("s"), None).unwrap();
        assert_eq!(pg.lit("it's"), "'it''s'");
        let my = RevisionTable::locate(Dialect::MARIADB, Some("s"), None).unwrap();
        assert_eq!(my.lit("a'\\"), "_utf8mb4 X'61275C'");
        assert_eq!(my.lit(""), "_utf8mb4 X''");
    }

    #[test]
    fn hashes_and_lists() {
        let h = statement_hashes(&["CREATE TABLE t (a int);", "CREATE TABLE u (a int);"]);
        assert_eq!(h.len(), 2);
        assert!(h[0].starts_with("h1:"));
        // Running: the second entry depends on the first statement.
        assert_ne!(h[1], statement_hashes(&["CREATE TABLE u (a int);"])[0]);
        let j = json_string_list(&h);
        assert_eq!(parse_string_list(&j), h);
        assert_eq!(parse_string_list("[\"a\", \"b\\\"c\"]"), vec!["a", "b\"c"]);
        assert_eq!(
            strip_offset("2024-01-01 12:00:00.5+00"),
            "2024-01-01 12:00:00.5"
        );
        assert_eq!(strip_offset("2024-01-01 12:00:00"), "2024-01-01 12:00:00");
        assert!(operator_version().starts_with("Cairn v"));
    }
}
