//! Migration directories: Atlas's format (`<version>[_<description>].sql`, sorted by name, with
//! `atlas.sum` beside them), read from and written to disk.

use std::path::{Path, PathBuf};

use cairn_syntax::sql::Directive;
use cairn_syntax::sql::{SplitFile, SplitOptions, split};

use super::sum::{HashFile, SUM_FILE, SumError, validate};

/// The layout of a migration directory.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DirFormat {
    #[default]
    Atlas,
    GolangMigrate,
    Goose,
    Flyway,
    Dbmate,
    Liquibase,
}

impl DirFormat {
    pub fn parse(s: &str) -> Option<DirFormat> {
        Some(match s {
            "atlas" | "" => DirFormat::Atlas,
            "golang-migrate" => DirFormat::GolangMigrate,
            "goose" => DirFormat::Goose,
            "flyway" => DirFormat::Flyway,
            "dbmate" => DirFormat::Dbmate,
            "liquibase" => DirFormat::Liquibase,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DirFormat::Atlas => "atlas",
            DirFormat::GolangMigrate => "golang-migrate",
            DirFormat::Goose => "goose",
            DirFormat::Flyway => "flyway",
            DirFormat::Dbmate => "dbmate",
            DirFormat::Liquibase => "liquibase",
        }
    }
}

/// One migration file: its name in the directory and its exact bytes (hashes are over bytes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl MigrationFile {
    /// The name without `.sql`.
    fn stem(&self) -> &str {
        self.name.strip_suffix(".sql").unwrap_or(&self.name)
    }

    /// The version: the name up to the first `_` (without `.sql`). Any text is a valid version;
    /// versions sort as the file names do.
    pub fn version(&self) -> &str {
        let stem = self.stem();
        stem.split_once('_').map_or(stem, |(v, _)| v)
    }

    /// The description: the rest of the name after the first `_`.
    pub fn description(&self) -> &str {
        self.stem().split_once('_').map_or("", |(_, d)| d)
    }

    /// The text of the file (invalid UTF-8 replaced; hashes always use `bytes`).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.bytes)
    }

    /// Splits the statements the file runs (for a txtar file, those of its `migration.sql`
    /// member) with the options of `split_opts`. Spans are byte offsets in the whole file; a
    /// txtar file's header directives (`-- atlas:txmode none` above the first member) count as
    /// file directives.
    pub fn split(&self, split_opts: SplitOptions) -> SplitFile {
        let text = self.text();
        if !self.is_txtar() {
            return split(&text, split_opts);
        }
        let archive = Txtar::parse(&text);
        let Some(m) = archive.member(MIGRATION_MEMBER) else {
            return SplitFile {
                statements: Vec::new(),
                file_directives: split(archive.header, split_opts).file_directives,
                diagnostics: Vec::new(),
            };
        };
        let mut out = split(m.text, split_opts);
        out.shift(m.offset as u32);
        let mut header = split(archive.header, split_opts).file_directives;
        header.append(&mut out.file_directives);
        out.file_directives = header;
        out
    }

    /// The text of the statements the file runs: a txtar file's `migration.sql` member, or the
    /// whole file.
    pub fn migration_text(&self) -> std::borrow::Cow<'_, str> {
        if !self.is_txtar() {
            return self.text();
        }
        let text = self.text();
        let archive = Txtar::parse(&text);
        std::borrow::Cow::Owned(
            archive
                .member(MIGRATION_MEMBER)
                .map_or(String::new(), |m| m.text.to_string()),
        )
    }

    /// Whether the file is an Atlas txtar archive (`-- atlas:txtar` at its top): pre-migration
    /// checks (`checks.sql`, `checks/*.sql`) beside the statements (`migration.sql`).
    pub fn is_txtar(&self) -> bool {
        self.file_directive("txtar").is_some()
    }

    /// A txtar file's check members (`checks.sql`, `checks/NAME.sql`), in file order: each with
    /// its name, its text and the byte offset of the text in the file.
    pub fn checks(&self) -> Vec<(String, String, usize)> {
        if !self.is_txtar() {
            return Vec::new();
        }
        let text = self.text();
        Txtar::parse(&text)
            .members
            .iter()
            .filter(|m| {
                m.name == "checks.sql"
                    || (m.name.starts_with("checks/") && m.name.ends_with(".sql"))
            })
            .map(|m| (m.name.to_string(), m.text.to_string(), m.offset))
            .collect()
    }

    /// The file-level directives (the comment lines at the top, before a blank line) with this
    /// name, in either namespace (`atlas:` or `cairn:`).
    pub fn file_directive(&self, name: &str) -> Option<Directive> {
        let text = self.text();
        let mut found = None;
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim();
            if trimmed.is_empty() || !(trimmed.starts_with("--") || trimmed.starts_with('#')) {
                break;
            }
            if let Some(d) = cairn_syntax::sql::parse_comment(trimmed, offset)
                && d.name == name
                && found.is_none()
            {
                found = Some(d);
            }
            offset += line.len();
        }
        found
    }

    /// Whether the file is a checkpoint (`-- atlas:checkpoint [tag]` at its top).
    pub fn is_checkpoint(&self) -> bool {
        self.file_directive("checkpoint").is_some()
    }
}

/// The member of a txtar migration file holding the statements that run.
pub const MIGRATION_MEMBER: &str = "migration.sql";

/// A txtar archive: a header, then members each introduced by a marker line `-- NAME --`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Txtar<'a> {
    pub header: &'a str,
    pub members: Vec<TxtarMember<'a>>,
}

/// One member of a txtar archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxtarMember<'a> {
    pub name: &'a str,
    pub text: &'a str,
    /// The byte offset of `text` in the archive.
    pub offset: usize,
}

impl<'a> Txtar<'a> {
    /// Splits an archive at its marker lines (`-- NAME --`, NAME not empty).
    pub fn parse(text: &'a str) -> Txtar<'a> {
        let mut markers = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let l = line.trim_end_matches(['\n', '\r']);
            if let Some(name) = l.strip_prefix("-- ").and_then(|r| r.strip_suffix(" --"))
                && !name.trim().is_empty()
            {
                markers.push((offset, offset + line.len(), name.trim()));
            }
            offset += line.len();
        }
        let header = &text[..markers.first().map_or(text.len(), |m| m.0)];
        let members = markers
            .iter()
            .enumerate()
            .map(|(i, &(_, body, name))| {
                let end = markers.get(i + 1).map_or(text.len(), |m| m.0);
                TxtarMember {
                    name,
                    text: &text[body..end],
                    offset: body,
                }
            })
            .collect();
        Txtar { header, members }
    }

    pub fn member(&self, name: &str) -> Option<&TxtarMember<'a>> {
        self.members.iter().find(|m| m.name == name)
    }
}

/// Why a directory could not be read or written.
#[derive(Debug)]
pub enum DirError {
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    NotADirectory(PathBuf),
    Sum(SumError),
    Unsupported(String),
}

impl std::fmt::Display for DirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DirError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            DirError::NotADirectory(p) => {
                write!(f, "{}: not a migration directory", p.display())
            }
            DirError::Sum(e) => write!(f, "{e}"),
            DirError::Unsupported(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for DirError {}

impl From<SumError> for DirError {
    fn from(e: SumError) -> Self {
        DirError::Sum(e)
    }
}

/// A migration directory on disk.
#[derive(Clone, Debug)]
pub struct LocalDir {
    pub root: PathBuf,
    pub format: DirFormat,
}

impl LocalDir {
    /// Opens `root`; `create` makes it when it does not exist.
    pub fn open(
        root: impl Into<PathBuf>,
        format: DirFormat,
        create: bool,
    ) -> Result<Self, DirError> {
        let root = root.into();
        if !root.exists() && create {
            std::fs::create_dir_all(&root).map_err(|error| DirError::Io {
                path: root.clone(),
                error,
            })?;
        }
        if !root.is_dir() {
            return Err(DirError::NotADirectory(root));
        }
        Ok(LocalDir { root, format })
    }

    fn io<T>(&self, path: &Path, r: std::io::Result<T>) -> Result<T, DirError> {
        r.map_err(|error| DirError::Io {
            path: path.to_path_buf(),
            error,
        })
    }

    /// The migration files in order, as Atlas files: only top-level `*.sql` files count in an
    /// Atlas directory; another tool's directory is converted (`formats`: the up statements of
    /// each migration, named `VERSION_DESCRIPTION.sql`).
    pub fn files(&self) -> Result<Vec<MigrationFile>, DirError> {
        let raw = self.raw_files()?;
        super::formats::to_atlas(self.format, &raw)
    }

    /// The directory's own files, as its format lists them (names relative to the root, in the
    /// format's order): what `atlas.sum` hashes.
    pub fn raw_files(&self) -> Result<Vec<MigrationFile>, DirError> {
        let mut names = Vec::new();
        let recursive = self.format == DirFormat::Flyway;
        self.list(&self.root, "", recursive, &mut names)?;
        names.retain(|n| super::formats::keeps(self.format, n));
        names.sort_by(|a, b| super::formats::raw_order(self.format, a, b));
        let mut files = Vec::with_capacity(names.len());
        for name in names {
            let path = self.root.join(&name);
            let bytes = self.io(&path, std::fs::read(&path))?;
            files.push(MigrationFile { name, bytes });
        }
        Ok(files)
    }

    /// The files under `dir` (relative names with `/`), descending into non-hidden directories
    /// when `recursive`.
    fn list(
        &self,
        dir: &Path,
        prefix: &str,
        recursive: bool,
        out: &mut Vec<String>,
    ) -> Result<(), DirError> {
        let entries = self.io(dir, std::fs::read_dir(dir))?;
        for e in entries {
            let e = self.io(dir, e)?;
            let path = e.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if path.is_dir() {
                if recursive && !name.starts_with('.') {
                    self.list(&path, &format!("{prefix}{name}/"), true, out)?;
                }
                continue;
            }
            if path.is_file() {
                out.push(format!("{prefix}{name}"));
            }
        }
        Ok(())
    }

    /// The text of `atlas.sum`, when present.
    pub fn read_sum(&self) -> Result<Option<String>, DirError> {
        let path = self.root.join(SUM_FILE);
        match std::fs::read_to_string(&path) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(DirError::Io { path, error }),
        }
    }

    /// Recomputes `atlas.sum` from the files and writes it.
    pub fn write_sum(&self) -> Result<HashFile, DirError> {
        let files = self.raw_files()?;
        let sum = HashFile::compute(&files);
        let path = self.root.join(SUM_FILE);
        self.io(&path, std::fs::write(&path, sum.to_text()))?;
        Ok(sum)
    }

    /// Checks the files against `atlas.sum`.
    pub fn validate(&self) -> Result<Vec<MigrationFile>, DirError> {
        let raw = self.raw_files()?;
        let sum = self.read_sum()?;
        validate(&raw, sum.as_deref())?;
        super::formats::to_atlas(self.format, &raw)
    }

    /// Writes a new file (refusing to overwrite one) and re-hashes the directory.
    pub fn add_file(&self, name: &str, contents: &str) -> Result<PathBuf, DirError> {
        let path = self.root.join(name);
        if path.exists() {
            return Err(DirError::Unsupported(format!(
                "{} already exists",
                path.display()
            )));
        }
        self.io(&path, std::fs::write(&path, contents))?;
        self.write_sum()?;
        Ok(path)
    }
}

/// A new version: the current UTC time as `YYYYMMDDHHMMSS`, as Atlas names files.
pub fn new_version(now: std::time::SystemTime) -> String {
    let secs = now
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i64 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_descriptions() {
        let f = MigrationFile {
            name: "20240101120000_add_users.sql".into(),
            bytes: vec![],
        };
        assert_eq!(f.version(), "20240101120000");
        assert_eq!(f.description(), "add_users");
        let g = MigrationFile {
            name: "1.sql".into(),
            bytes: vec![],
        };
        assert_eq!(g.version(), "1");
        assert_eq!(g.description(), "");
    }

    #[test]
    fn checkpoint_and_file_directives() {
        let f = MigrationFile {
            name: "3_cp.sql".into(),
            bytes: b"-- atlas:checkpoint v1\n-- atlas:txmode none\n\nCREATE TABLE t (c int);"
                .to_vec(),
        };
        assert!(f.is_checkpoint());
        assert_eq!(
            f.file_directive("txmode").map(|d| d.args.clone()),
            Some("none".to_string())
        );
    }

    #[test]
    fn versions_are_utc_timestamps() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_704_110_400);
        assert_eq!(new_version(t), "20240101120000");
    }
}
