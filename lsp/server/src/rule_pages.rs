//! The standard rules' reference pages on disk, where `codeDescription` links point by default
//! (there is no hosted rule reference): the pages `cairn rules docs` writes to `docs/rules/`,
//! written once per version into the user's cache, `$XDG_CACHE_HOME/cairn/docs/<version>/rules/`
//! (else `~/.cache/...`, else the temporary directory's `cairn-<user>/...`). They are written
//! the first time a link is needed, on a thread of their own (the diagnostics carrying the link
//! are not held back), each file atomically (written beside, then renamed), and a stamp of their
//! contents written last: when the stamp matches and every page is there, nothing is written
//! again. The `rulesDocsUrl` initialization option links a hosted copy instead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, Once};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

/// Where this version's pages go.
pub(crate) fn dir() -> PathBuf {
    let absolute = |v: Option<std::ffi::OsString>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    let cache = absolute(std::env::var_os("XDG_CACHE_HOME"))
        .or_else(|| absolute(std::env::var_os("HOME")).map(|h| h.join(".cache")))
        .unwrap_or_else(|| {
            let user = std::env::var("USER").unwrap_or_else(|_| "user".into());
            std::env::temp_dir().join(format!("cairn-{user}"))
        });
    cache
        .join("cairn")
        .join("docs")
        .join(env!("CARGO_PKG_VERSION"))
        .join("rules")
}

/// The pages of one directory, written at most once per server. Dropping it (the server
/// ending) waits for a write under way, so no half-written set is left behind.
pub(crate) struct Pages {
    dir: PathBuf,
    once: Once,
    writer: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Pages {
    fn drop(&mut self) {
        let writer = self.writer.get_mut().ok().and_then(Option::take);
        if let Some(w) = writer {
            let _ = w.join();
        }
    }
}

impl Pages {
    pub(crate) fn new(dir: PathBuf) -> Pages {
        Pages {
            dir,
            once: Once::new(),
            writer: Mutex::new(None),
        }
    }

    /// The base of the links: the directory's `file://` URI, with its final `/`.
    pub(crate) fn base_url(&self) -> String {
        format!("{}/", crate::workspace::path_to_uri(&self.dir))
    }

    /// A link to a page is about to be sent: the pages are written (once, in the background) if
    /// they are not there yet.
    pub(crate) fn ensure(&self) {
        self.once.call_once(|| {
            let dir = self.dir.clone();
            let spawned = std::thread::Builder::new()
                .name("cairn-rule-pages".into())
                .spawn(move || {
                    if let Err(e) = write(&dir, &cairn_ide::rule_reference()) {
                        eprintln!(
                            "cairn lsp: cannot write the rule reference to {}: {e}",
                            dir.display()
                        );
                    }
                });
            match spawned {
                Ok(w) => {
                    if let Ok(mut slot) = self.writer.lock() {
                        *slot = Some(w);
                    }
                }
                Err(e) => eprintln!("cairn lsp: cannot start the rule reference writer: {e}"),
            }
        });
    }
}

/// The name of the stamp file: the hash of the pages it stands for.
const STAMP: &str = ".stamp";

/// Writes `pages` (file name, contents) into `dir` unless its stamp says they are there: each
/// file written beside its place, then renamed onto it, the stamp last. Whether it wrote.
pub(crate) fn write(dir: &Path, pages: &[(String, String)]) -> std::io::Result<bool> {
    let stamp = format!("{:016x}\n", fingerprint(pages));
    let current = std::fs::read_to_string(dir.join(STAMP)).ok().as_deref() == Some(stamp.as_str())
        && pages.iter().all(|(name, _)| {
            std::fs::metadata(dir.join(name)).is_ok_and(|m| m.is_file() && m.len() > 0)
        });
    if current {
        return Ok(false);
    }
    std::fs::create_dir_all(dir)?;
    remove_stale_temporaries(dir);
    for (name, text) in pages {
        replace(dir, name, text.as_bytes())?;
    }
    replace(dir, STAMP, stamp.as_bytes())?;
    Ok(true)
}

/// Removes the temporary files a writer killed mid-way left (older than a minute: a writer at
/// work now is left alone).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let old = SystemTime::now() - Duration::from_secs(60);
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < old);
        if name.starts_with('.') && name.ends_with(".tmp") && stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes `dir/name` atomically: a temporary file of its own beside it (this process's, this
/// call's: servers in other processes or threads may write the same pages), renamed onto it.
fn replace(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
    // No fsync: a cache, checked again (stamp, pages present and not empty) at every start.
    let written = std::fs::File::create(&tmp).and_then(|mut f| f.write_all(bytes));
    let renamed = written.and_then(|()| std::fs::rename(&tmp, dir.join(name)));
    if renamed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    renamed
}

/// FNV-1a over the names and contents (stable across builds, unlike `DefaultHasher`).
fn fingerprint(pages: &[(String, String)]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, text) in pages {
        for b in name.bytes().chain([0]).chain(text.bytes()).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!(
            "cairn_{name}_{}_{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ))
    }

    #[test]
    fn the_server_ending_waits_for_the_pages() {
        let dir = scratch("rule_pages_drop");
        let pages = Pages::new(dir.clone());
        pages.ensure();
        pages.ensure();
        drop(pages);
        assert!(dir.join(STAMP).is_file());
        let reference = cairn_ide::rule_reference();
        for (name, text) in &reference {
            assert_eq!(&std::fs::read_to_string(dir.join(name)).unwrap(), text);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn pages_are_written_once_and_again_when_they_change() {
        let dir = scratch("rule_pages");
        // A temporary file a killed writer left a while ago goes; a fresh one stays.
        std::fs::create_dir_all(&dir).unwrap();
        let left = std::fs::File::create(dir.join(".AB101.md.1-0.tmp")).unwrap();
        left.set_modified(SystemTime::now() - Duration::from_secs(3600))
            .unwrap();
        std::fs::write(dir.join(".AB101.md.2-0.tmp"), "").unwrap();
        let pages = vec![
            ("README.md".to_string(), "# index\n".to_string()),
            ("AB101.md".to_string(), "# AB101\n".to_string()),
        ];
        assert!(write(&dir, &pages).unwrap());
        assert_eq!(
            std::fs::read_to_string(dir.join("AB101.md")).unwrap(),
            "# AB101\n"
        );
        assert!(!dir.join(".AB101.md.1-0.tmp").exists());
        std::fs::remove_file(dir.join(".AB101.md.2-0.tmp")).unwrap();
        // Present: nothing written; a page gone: written again.
        assert!(!write(&dir, &pages).unwrap());
        std::fs::remove_file(dir.join("README.md")).unwrap();
        assert!(write(&dir, &pages).unwrap());
        assert!(dir.join("README.md").exists());
        // Changed: written again, and no temporary file is left.
        let changed = vec![pages[0].clone(), ("AB101.md".into(), "# AB101 v2\n".into())];
        assert!(write(&dir, &changed).unwrap());
        assert_eq!(
            std::fs::read_to_string(dir.join("AB101.md")).unwrap(),
            "# AB101 v2\n"
        );
        assert!(dir.join("README.md").exists());
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
