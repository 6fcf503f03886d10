//! `atlas.sum`, the directory's integrity file, computed exactly as Atlas computes it so a
//! directory hashed by either tool validates with the other.
//!
//! One running SHA-256 goes over the directory: for each file in order, its name is written,
//! then (unless its first line is an `atlas:sum ignore` directive) its bytes, and the file's
//! entry is the base64 of the running digest so far: each entry chains every earlier file, so
//! reordering, renaming or editing any file changes the entries after it. The header is the
//! base64 SHA-256 of every entry's name followed by its base64 hash.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use super::dir::MigrationFile;

/// The name of the integrity file inside a migration directory.
pub const SUM_FILE: &str = "atlas.sum";

/// The parsed or computed contents of `atlas.sum`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashFile {
    /// The header hash (base64, without the `h1:` prefix).
    pub total: String,
    /// `(file name, base64 running hash)` per hashed file, in directory order.
    pub entries: Vec<(String, String)>,
}

/// Why a directory does not match its `atlas.sum`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SumError {
    /// The sum file's header does not match its own lines: it was edited by hand or merged.
    Corrupt { line: usize, detail: String },
    /// The directory holds migration files but no `atlas.sum`.
    Missing,
    /// The first line (1-based, counting the header as line 1) where directory and sum part.
    Mismatch {
        line: usize,
        file: String,
        reason: MismatchReason,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MismatchReason {
    Added,
    Edited,
    Removed,
}

impl MismatchReason {
    pub fn as_str(self) -> &'static str {
        match self {
            MismatchReason::Added => "added",
            MismatchReason::Edited => "edited",
            MismatchReason::Removed => "removed",
        }
    }
}

impl std::fmt::Display for SumError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SumError::Corrupt { line, detail } => {
                write!(
                    f,
                    "{SUM_FILE}:{line}: the checksum file is malformed: {detail}"
                )
            }
            SumError::Missing => write!(
                f,
                "the migration directory has no {SUM_FILE}; run `cairn migrate hash` to create it"
            ),
            SumError::Mismatch { line, file, reason } => write!(
                f,
                "checksum mismatch: {SUM_FILE}:{line}: {file} was {}; if the change is intended, \
                 run `cairn migrate hash` to update {SUM_FILE}",
                reason.as_str()
            ),
        }
    }
}

impl std::error::Error for SumError {}

/// Whether the first line of `bytes` carries an `atlas:sum ignore` directive, read as Atlas
/// reads it: the last `atlas:` on the first line, a word, then the rest of the line.
pub fn sum_ignored(bytes: &[u8]) -> bool {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    // Atlas's pattern only admits printable ASCII before and after the directive.
    let printable_end = first
        .iter()
        .position(|b| !(b' '..=b'~').contains(b))
        .unwrap_or(first.len());
    let line = &first[..printable_end];
    let Ok(line) = std::str::from_utf8(line) else {
        return false;
    };
    let Some(at) = line.rfind("atlas:") else {
        return false;
    };
    let rest = &line[at + "atlas:".len()..];
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    if &rest[..name_len] != "sum" {
        return false;
    }
    let args = &rest[name_len..];
    args.starts_with(' ') && args.trim() == "ignore"
}

impl HashFile {
    /// Hashes `files`, which must be in directory order.
    pub fn compute(files: &[MigrationFile]) -> HashFile {
        let mut running = Sha256::new();
        let mut entries = Vec::with_capacity(files.len());
        for f in files {
            running.update(f.name.as_bytes());
            if sum_ignored(&f.bytes) {
                continue;
            }
            running.update(&f.bytes);
            let so_far = running.clone().finalize();
            entries.push((f.name.clone(), STANDARD.encode(so_far)));
        }
        let total = total_of(&entries);
        HashFile { total, entries }
    }

    /// The text of `atlas.sum`, byte-identical to Atlas's.
    pub fn to_text(&self) -> String {
        let mut out = format!("h1:{}\n", self.total);
        for (name, hash) in &self.entries {
            out.push_str(name);
            out.push_str(" h1:");
            out.push_str(hash);
            out.push('\n');
        }
        out
    }

    /// Parses `atlas.sum` and checks its header against its lines.
    pub fn parse(text: &str) -> Result<HashFile, SumError> {
        let mut lines = text.lines().enumerate();
        let Some((_, header)) = lines.next() else {
            return Err(SumError::Corrupt {
                line: 1,
                detail: "the file is empty".into(),
            });
        };
        let total = header
            .strip_prefix("h1:")
            .ok_or_else(|| SumError::Corrupt {
                line: 1,
                detail: format!("expected `h1:<hash>`, found `{header}`"),
            })?
            .to_string();
        let mut entries = Vec::new();
        for (i, line) in lines {
            if line.is_empty() {
                continue;
            }
            // The name may hold spaces; the hash is the last field.
            let Some((name, hash)) = line.rsplit_once(' ') else {
                return Err(SumError::Corrupt {
                    line: i + 1,
                    detail: format!("expected `<file> h1:<hash>`, found `{line}`"),
                });
            };
            let Some(hash) = hash.strip_prefix("h1:") else {
                return Err(SumError::Corrupt {
                    line: i + 1,
                    detail: format!("expected `h1:<hash>` after the file name, found `{hash}`"),
                });
            };
            entries.push((name.to_string(), hash.to_string()));
        }
        let want = total_of(&entries);
        if want != total {
            return Err(SumError::Corrupt {
                line: 1,
                detail: "checksum mismatch: the header does not match the file lines (was it \
                         edited by hand, or merged?)"
                    .into(),
            });
        }
        Ok(HashFile { total, entries })
    }

    /// The hash recorded for `name`.
    pub fn entry(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, h)| h.as_str())
    }
}

fn total_of(entries: &[(String, String)]) -> String {
    let mut h = Sha256::new();
    for (name, hash) in entries {
        h.update(name.as_bytes());
        h.update(hash.as_bytes());
    }
    STANDARD.encode(h.finalize())
}

/// Checks a directory's files against the text of its `atlas.sum` (None when absent), naming
/// the first file that was added, edited or removed.
pub fn validate(files: &[MigrationFile], sum_text: Option<&str>) -> Result<(), SumError> {
    let Some(text) = sum_text else {
        return if files.is_empty() {
            Ok(())
        } else {
            Err(SumError::Missing)
        };
    };
    let recorded = HashFile::parse(text)?;
    let actual = HashFile::compute(files);
    if recorded.total == actual.total {
        return Ok(());
    }
    // Walk both lists: the first position where they part says what happened.
    let n = recorded.entries.len().max(actual.entries.len());
    for i in 0..n {
        let line = i + 2;
        match (recorded.entries.get(i), actual.entries.get(i)) {
            (Some((rn, rh)), Some((an, ah))) => {
                if rn == an {
                    if rh != ah {
                        return Err(SumError::Mismatch {
                            line,
                            file: an.clone(),
                            reason: MismatchReason::Edited,
                        });
                    }
                } else if recorded.entries.iter().any(|(n, _)| n == an) {
                    // The recorded file at this position is gone.
                    return Err(SumError::Mismatch {
                        line,
                        file: rn.clone(),
                        reason: MismatchReason::Removed,
                    });
                } else {
                    return Err(SumError::Mismatch {
                        line,
                        file: an.clone(),
                        reason: MismatchReason::Added,
                    });
                }
            }
            (Some((rn, _)), None) => {
                return Err(SumError::Mismatch {
                    line,
                    file: rn.clone(),
                    reason: MismatchReason::Removed,
                });
            }
            (None, Some((an, _))) => {
                return Err(SumError::Mismatch {
                    line,
                    file: an.clone(),
                    reason: MismatchReason::Added,
                });
            }
            (None, None) => break,
        }
    }
    // Same files and hashes but another total: a file marked `sum ignore` changed its name
    // or position.
    Err(SumError::Corrupt {
        line: 1,
        detail: "the directory's hash differs from the recorded one".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> MigrationFile {
        MigrationFile {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn ignore_directive_is_read_as_atlas_reads_it() {
        assert!(sum_ignored(b"-- atlas:sum ignore\nSELECT 1;"));
        assert!(sum_ignored(b"/* atlas:sum ignore */"[..19].as_ref()));
        assert!(!sum_ignored(b"-- atlas:sum\nSELECT 1;"));
        assert!(!sum_ignored(b"SELECT 1;\n-- atlas:sum ignore"));
        assert!(!sum_ignored(b"-- atlas:summary ignore"));
        assert!(!sum_ignored(b"-- atlas:sum keep"));
    }

    #[test]
    fn round_trips_and_detects_each_kind_of_change() {
        let files = vec![file("1_a.sql", "A;"), file("2_b.sql", "B;")];
        let sum = HashFile::compute(&files);
        let text = sum.to_text();
        assert_eq!(HashFile::parse(&text).unwrap(), sum);
        assert!(validate(&files, Some(&text)).is_ok());

        let edited = vec![file("1_a.sql", "A2;"), file("2_b.sql", "B;")];
        let e = validate(&edited, Some(&text)).unwrap_err();
        assert!(matches!(
            e,
            SumError::Mismatch { line: 2, ref file, reason: MismatchReason::Edited } if file == "1_a.sql"
        ));

        let added = vec![
            file("1_a.sql", "A;"),
            file("2_b.sql", "B;"),
            file("3_c.sql", "C;"),
        ];
        let e = validate(&added, Some(&text)).unwrap_err();
        assert!(matches!(
            e,
            SumError::Mismatch { line: 4, ref file, reason: MismatchReason::Added } if file == "3_c.sql"
        ));

        let removed = vec![file("2_b.sql", "B;")];
        let e = validate(&removed, Some(&text)).unwrap_err();
        assert!(matches!(
            e,
            SumError::Mismatch { line: 2, ref file, reason: MismatchReason::Removed } if file == "1_a.sql"
        ));

        let mut tampered = text.clone();
        tampered.push_str("3_c.sql h1:xyz\n");
        assert!(matches!(
            HashFile::parse(&tampered),
            Err(SumError::Corrupt { line: 1, .. })
        ));
        assert_eq!(validate(&files, None), Err(SumError::Missing));
        assert!(validate(&[], None).is_ok());
    }
}
