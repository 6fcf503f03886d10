//! The workspace on disk: the files of the folder the editor opened (rules files and schema
//! files, outside migration directories), read once at start-up so that rules and renames see
//! files the editor has not opened. `file://` URIs <-> paths live here too.

use std::path::{Path, PathBuf};

/// At most this many files are read from a workspace (a guard against opening `/`).
const MAX_FILES: usize = 2000;
const MAX_DEPTH: usize = 6;

/// The path of a `file://` URI (percent-decoded), if it is one.
pub fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(h) = rest
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(h);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// The `file://` URI of an absolute path (bytes outside the unreserved set percent-encoded).
pub fn path_to_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether a file name is a project file (`cairn.hcl`, `atlas.hcl`), not a schema.
pub fn is_project_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "cairn.hcl" || name == "atlas.hcl"
}

/// The workspace files under `root` the server compiles: `*.cairn`, `*.hcl` and `*.sql`, except
/// project files, hidden and build folders, and migration directories (those holding
/// `atlas.sum`: their files are history, not the schema). Sorted.
pub fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(root, 0, &mut out);
    out.sort();
    out
}

/// The workspace's migration directory: `migrations/` when it holds `atlas.sum`, else the first
/// directory (in name order, two levels deep) that does.
pub fn migration_dir(root: &Path) -> Option<PathBuf> {
    let preferred = root.join("migrations");
    if preferred.join("atlas.sum").is_file() {
        return Some(preferred);
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in &dirs {
        if d.join("atlas.sum").is_file() {
            return Some(d.clone());
        }
        let mut inner: Vec<PathBuf> = std::fs::read_dir(d)
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.join("atlas.sum").is_file())
            .collect();
        inner.sort();
        if let Some(first) = inner.into_iter().next() {
            return Some(first);
        }
    }
    None
}

/// A directory's `.sql` files (path, text), sorted by name: the migration order.
pub fn sql_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "sql"));
    files.sort();
    files
        .into_iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?)))
        .collect()
}

/// Whether `path` is (or, deleted, was) a file [`files`] reads under `root`: a schema or rules
/// file, outside hidden and build folders and migration directories.
pub fn is_workspace_file(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let folders: Vec<&str> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.components())
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    cairn_ide::AnalysisHost::is_supported(name)
        && folders.len() <= MAX_DEPTH
        && !folders.iter().any(|f| skipped_folder(f))
        && !in_migration_dir(path)
}

/// Whether a file sits in a migration directory (one holding `atlas.sum`).
pub fn in_migration_dir(path: &Path) -> bool {
    path.parent().is_some_and(|d| d.join("atlas.sum").is_file())
}

fn skipped_folder(name: &str) -> bool {
    name.starts_with('.') || matches!(name, "target" | "node_modules")
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH || out.len() >= MAX_FILES || dir.join("atlas.sum").is_file() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if skipped_folder(name) {
            continue;
        }
        if p.is_dir() {
            walk(&p, depth + 1, out);
        } else if cairn_ide::AnalysisHost::is_supported(name) && out.len() < MAX_FILES {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/tmp/a b/schéma.pg.hcl");
        let uri = path_to_uri(p);
        assert_eq!(uri, "file:///tmp/a%20b/sch%C3%A9ma.pg.hcl");
        assert_eq!(uri_to_path(&uri).unwrap(), p);
        assert!(uri_to_path("untitled:1").is_none());
        assert!(is_project_file("file:///x/atlas.hcl"));
    }
}
