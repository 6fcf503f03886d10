//! Where each object of a compiled realm was declared: spans live here, never in the IR.

use std::sync::Arc;

use cairn_ir::ObjectPath;
use cairn_syntax::Span;
use rustc_hash::FxHashMap;

/// A place in a source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file, shared by every location in it (a large schema has hundreds of thousands).
    pub file: Arc<str>,
    pub span: Span,
}

/// Maps objects of a realm to the place that declared them. (Fx hashing: a large schema's
/// map holds hundreds of thousands of paths, and SipHash showed in profiles.)
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    entries: FxHashMap<ObjectPath, Location>,
    /// The file of the last insert, reused while inserts stay in one file.
    last_file: Option<Arc<str>>,
}

impl PartialEq for SourceMap {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}
impl Eq for SourceMap {}

impl SourceMap {
    pub fn insert(&mut self, path: ObjectPath, file: &str, span: Span) {
        let file = match &self.last_file {
            Some(f) if **f == *file => f.clone(),
            _ => {
                let f: Arc<str> = Arc::from(file);
                self.last_file = Some(f.clone());
                f
            }
        };
        self.entries.insert(path, Location { file, span });
    }

    /// Inserts `path` unless it is there already: whether it was inserted.
    pub fn insert_new(&mut self, path: &ObjectPath, file: &Arc<str>, span: Span) -> bool {
        if self.entries.contains_key(path) {
            return false;
        }
        self.entries.insert(
            path.clone(),
            Location {
                file: file.clone(),
                span,
            },
        );
        true
    }

    /// Takes `path` out (undoing an [`SourceMap::insert_new`]).
    pub fn remove(&mut self, path: &ObjectPath) {
        self.entries.remove(path);
    }

    /// Room for `n` more entries.
    pub fn reserve(&mut self, n: usize) {
        self.entries.reserve(n);
    }

    pub fn get(&self, path: &ObjectPath) -> Option<&Location> {
        self.entries.get(path)
    }

    pub fn extend(&mut self, other: SourceMap) {
        self.entries.extend(other.entries);
    }

    pub fn iter(&self) -> impl Iterator<Item = (&ObjectPath, &Location)> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
