//! Where each object of a compiled realm was declared: spans live here, never in the IR.

use cairn_ir::ObjectPath;
use cairn_syntax::Span;
use rustc_hash::FxHashMap;

/// A place in a source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: String,
    pub span: Span,
}

/// Maps objects of a realm to the place that declared them. (Fx hashing: a large schema's
/// map holds hundreds of thousands of paths, and SipHash showed in profiles.)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceMap {
    entries: FxHashMap<ObjectPath, Location>,
}

impl SourceMap {
    pub fn insert(&mut self, path: ObjectPath, file: &str, span: Span) {
        self.entries.insert(
            path,
            Location {
                file: file.to_string(),
                span,
            },
        );
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
