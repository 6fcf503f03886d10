//! URLs as the contract defines them. `file://` is followed by a path, never parsed as a WHATWG
//! URL; database URLs are parsed strictly and always printed with the password redacted.

use std::fmt;
use std::path::PathBuf;

use cairn_ir::{Dialect, Flavor};

/// What a `--url`, `--to` or `--from` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceUrl {
    /// `file://path`: schema files, a directory of them, or a migration directory.
    Files(PathBuf),
    /// A live database.
    Database(DbUrl),
    /// `env://NAME`: an attribute of the selected environment of the project file.
    Env(String),
    /// `mem://KIND/NAME`: a schema source defined by a data block of the project file
    /// (`data "hcl_schema" "app"` is `mem://hcl_schema/app`).
    Mem(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlError(pub String);

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UrlError {}

/// A database URL. The raw text is private: only `redacted()` and `connect_url()` expose it.
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    raw: String,
    dialect: Dialect,
    /// `maria://` / `mariadb://` name the flavour outright; `mysql://` detects it.
    flavor_explicit: bool,
    schema: Option<String>,
    sqlite: Option<SqliteTarget>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SqliteTarget {
    File(PathBuf),
    Memory(String),
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({})", self.redacted())
    }
}

impl fmt::Display for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

const SCHEMES: &str = "file://, sqlite://, postgres://, postgresql://, mysql://, maria://, mariadb://, env://, mem://";

impl SourceUrl {
    pub fn parse(s: &str) -> Result<SourceUrl, UrlError> {
        let Some((scheme, rest)) = s.split_once("://") else {
            return Err(UrlError(format!(
                "{:?} is not a URL: expected one of {SCHEMES} (for a file, write file://{})",
                redact(s),
                redact(s)
            )));
        };
        match scheme {
            "file" => {
                let path = rest.split('?').next().unwrap_or("");
                if path.is_empty() {
                    return Err(UrlError(
                        "file:// needs a path: file://schema.hcl, file://dir/".into(),
                    ));
                }
                Ok(SourceUrl::Files(PathBuf::from(path)))
            }
            "env" => Ok(SourceUrl::Env(rest.to_string())),
            "mem" => Ok(SourceUrl::Mem(s.to_string())),
            _ => DbUrl::parse(s).map(SourceUrl::Database),
        }
    }
}

impl DbUrl {
    pub fn parse(s: &str) -> Result<DbUrl, UrlError> {
        let (scheme, rest) = s
            .split_once("://")
            .ok_or_else(|| UrlError(format!("{:?} is not a database URL", redact(s))))?;
        let (dialect, flavor_explicit) = match scheme {
            "postgres" | "postgresql" => (Dialect::Postgres, true),
            "mysql" => (Dialect::MYSQL, false),
            "maria" | "mariadb" => (Dialect::MARIADB, true),
            "sqlite" | "sqlite3" => (Dialect::Sqlite, true),
            other => {
                return Err(UrlError(format!(
                    "unknown URL scheme {other:?} in {:?}: expected one of {SCHEMES}",
                    redact(s)
                )));
            }
        };
        if dialect == Dialect::Sqlite {
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            let memory = query.split('&').any(|kv| kv == "mode=memory") || path == ":memory:";
            if path.is_empty() && !memory {
                return Err(UrlError("sqlite:// needs a file: sqlite://app.db, sqlite:///abs/app.db or sqlite://dev?mode=memory".into()));
            }
            let target = if memory {
                SqliteTarget::Memory(path.to_string())
            } else {
                SqliteTarget::File(PathBuf::from(path))
            };
            return Ok(DbUrl {
                raw: s.to_string(),
                dialect,
                flavor_explicit,
                schema: Some("main".into()),
                sqlite: Some(target),
            });
        }
        let parsed = url::Url::parse(s)
            .map_err(|e| UrlError(format!("invalid database URL {:?}: {e}", redact(s))))?;
        if parsed.host_str().unwrap_or("").is_empty() {
            return Err(UrlError(format!(
                "database URL {:?} has no host",
                redact(s)
            )));
        }
        let schema = match dialect {
            Dialect::Postgres => parsed
                .query_pairs()
                .find(|(k, _)| k == "search_path")
                .map(|(_, v)| v.split(',').next().unwrap_or("").trim().to_string())
                .filter(|v| !v.is_empty()),
            _ => {
                let db = parsed.path().trim_start_matches('/');
                (!db.is_empty()).then(|| db.to_string())
            }
        };
        Ok(DbUrl {
            raw: s.to_string(),
            dialect,
            flavor_explicit,
            schema,
            sqlite: None,
        })
    }

    /// The dialect the URL names (a `mysql://` URL may turn out to be MariaDB once connected).
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    pub fn flavor_explicit(&self) -> bool {
        self.flavor_explicit
    }

    /// The schema the URL binds: PostgreSQL `search_path`, the MySQL database, SQLite `main`.
    pub fn schema(&self) -> Option<&str> {
        self.schema.as_deref()
    }

    pub fn sqlite_target(&self) -> Option<&SqliteTarget> {
        self.sqlite.as_ref()
    }

    /// The URL with its password replaced by `****`: the only form that may be printed.
    pub fn redacted(&self) -> String {
        redact(&self.raw)
    }

    /// The URL handed to the database client library. Never print it.
    pub fn connect_url(&self) -> String {
        match self.dialect {
            Dialect::Mysql(Flavor::Mariadb) | Dialect::Mysql(Flavor::Mysql) => {
                let rest = self.raw.split_once("://").map(|(_, r)| r).unwrap_or("");
                format!("mysql://{rest}")
            }
            Dialect::Postgres => {
                // search_path is Cairn's (and Atlas's) scope parameter, not a libpq option.
                match url::Url::parse(&self.raw) {
                    Ok(mut u) => {
                        let pairs: Vec<(String, String)> = u
                            .query_pairs()
                            .filter(|(k, _)| k != "search_path")
                            .map(|(k, v)| (k.into_owned(), v.into_owned()))
                            .collect();
                        if pairs.is_empty() {
                            u.set_query(None);
                        } else {
                            u.query_pairs_mut().clear().extend_pairs(pairs);
                        }
                        u.to_string()
                    }
                    Err(_) => self.raw.clone(),
                }
            }
            Dialect::Sqlite => self.raw.clone(),
        }
    }

    /// This URL with its database (MySQL) or `search_path` (PostgreSQL) replaced.
    pub fn with_schema(&self, schema: Option<&str>) -> DbUrl {
        let mut u = match url::Url::parse(&self.raw) {
            Ok(u) => u,
            Err(_) => return self.clone(),
        };
        match self.dialect {
            Dialect::Postgres => {
                let mut pairs: Vec<(String, String)> = u
                    .query_pairs()
                    .filter(|(k, _)| k != "search_path")
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect();
                if let Some(s) = schema {
                    pairs.push(("search_path".into(), s.into()));
                }
                if pairs.is_empty() {
                    u.set_query(None);
                } else {
                    u.query_pairs_mut().clear().extend_pairs(pairs);
                }
            }
            Dialect::Mysql(_) => u.set_path(&format!("/{}", schema.unwrap_or(""))),
            Dialect::Sqlite => return self.clone(),
        }
        DbUrl::parse(u.as_str()).unwrap_or_else(|_| self.clone())
    }
}

/// Replaces the password of any `scheme://user:password@host` URL inside `text` with `****`.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| {
                c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == '"' || c == '\''
            })
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..colon]);
                out.push_str(":****");
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_paths() {
        assert_eq!(
            SourceUrl::parse("file://Schema.HCL").unwrap(),
            SourceUrl::Files(PathBuf::from("Schema.HCL"))
        );
        assert_eq!(
            SourceUrl::parse("file:///abs/dir/").unwrap(),
            SourceUrl::Files(PathBuf::from("/abs/dir/"))
        );
    }

    #[test]
    fn passwords_never_print() {
        let u = DbUrl::parse("postgres://app:s3cret@db:5432/x?search_path=public").unwrap();
        assert!(!u.redacted().contains("s3cret"));
        assert!(!format!("{u:?} {u}").contains("s3cret"));
        assert_eq!(u.schema(), Some("public"));
        assert!(!u.connect_url().contains("search_path"));
        assert_eq!(
            redact("x mysql://root:pw@h/db y"),
            "x mysql://root:****@h/db y"
        );
        let e = SourceUrl::parse("foo://u:hunter2@h/db").unwrap_err();
        assert!(!e.0.contains("hunter2"), "{}", e.0);
    }

    #[test]
    fn scope_from_url() {
        assert_eq!(DbUrl::parse("postgres://h/db").unwrap().schema(), None);
        assert_eq!(
            DbUrl::parse("mysql://root@h:3306/test").unwrap().schema(),
            Some("test")
        );
        assert_eq!(DbUrl::parse("maria://root@h:3306/").unwrap().schema(), None);
        assert_eq!(
            DbUrl::parse("maria://root@h/x").unwrap().dialect(),
            Dialect::MARIADB
        );
        let m = DbUrl::parse("sqlite://dev?mode=memory").unwrap();
        assert!(matches!(m.sqlite_target(), Some(SqliteTarget::Memory(_))));
        let f = DbUrl::parse("sqlite:///abs/app.db").unwrap();
        assert_eq!(
            f.sqlite_target(),
            Some(&SqliteTarget::File(PathBuf::from("/abs/app.db")))
        );
        assert!(SourceUrl::parse("oracle://x").is_err());
    }
}
