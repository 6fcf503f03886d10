//! Where each object of a compiled realm was declared: spans live here, never in the IR.
//!
//! A map holds plain entries (absolute spans: the SQL front end, the one-pass HCL lowering) and
//! pieces: the places of one top-level HCL item, with spans relative to the item, shared
//! (`Arc`) with the item's memoized lowering and shifted by the item's offset when looked up.
//! An edit inside one block of a large file so changes one piece; the others are reused as
//! they are, wherever the edit moved them, and assembling the map costs one step per item, not
//! one per object.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use cairn_ir::ObjectPath;
use cairn_syntax::Span;
use rustc_hash::{FxHashMap, FxHasher};

/// A place in a source file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file, shared by every location in it (a large schema has hundreds of thousands).
    pub file: Arc<str>,
    pub span: Span,
}

/// The places one item declared, with spans relative to the item, indexed by path.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Places {
    list: Vec<(ObjectPath, Span)>,
    index: FxHashMap<ObjectPath, u32>,
    /// The distinct heads ([`head`]) of the paths, in first-seen order.
    heads: Vec<u64>,
}

impl Places {
    /// `list` has no path twice (the lowering reports a duplicate instead of placing it).
    pub fn new(list: Vec<(ObjectPath, Span)>) -> Places {
        let mut index = FxHashMap::default();
        index.reserve(list.len());
        let mut heads = Vec::new();
        for (i, (p, _)) in list.iter().enumerate() {
            index.entry(p.clone()).or_insert(i as u32);
            let h = head(p);
            if !heads.contains(&h) {
                heads.push(h);
            }
        }
        Places { list, index, heads }
    }

    pub fn get(&self, path: &ObjectPath) -> Option<Span> {
        self.index.get(path).map(|&i| self.list[i as usize].1)
    }

    pub fn contains(&self, path: &ObjectPath) -> bool {
        self.index.contains_key(path)
    }

    pub fn iter(&self) -> impl Iterator<Item = &(ObjectPath, Span)> {
        self.list.iter()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

/// The hash of the object a path belongs to: the schema and the name of its top-level object
/// (a column's table), so that the places of one item share one or a few heads.
fn head(path: &ObjectPath) -> u64 {
    let mut h = FxHasher::default();
    match path {
        ObjectPath::Schema(s) => (0u8, s).hash(&mut h),
        ObjectPath::Role(r) => (1u8, r).hash(&mut h),
        ObjectPath::Permission(i) => (2u8, i).hash(&mut h),
        ObjectPath::Table(s, n)
        | ObjectPath::Column(s, n, _)
        | ObjectPath::Index(s, n, _)
        | ObjectPath::PrimaryKey(s, n)
        | ObjectPath::ForeignKey(s, n, _)
        | ObjectPath::Check(s, n, _)
        | ObjectPath::Trigger(s, n, _)
        | ObjectPath::Policy(s, n, _)
        | ObjectPath::View(s, n)
        | ObjectPath::MaterializedView(s, n)
        | ObjectPath::Function(s, n)
        | ObjectPath::Procedure(s, n)
        | ObjectPath::Aggregate(s, n)
        | ObjectPath::Sequence(s, n)
        | ObjectPath::Enum(s, n)
        | ObjectPath::Domain(s, n)
        | ObjectPath::Composite(s, n)
        | ObjectPath::Extension(s, n) => (3u8, s, n).hash(&mut h),
    }
    h.finish()
}

/// One item's places where they are: its file and its offset in the file.
#[derive(Clone, Debug)]
struct Piece {
    file: Arc<str>,
    offset: usize,
    places: Arc<Places>,
}

/// Maps objects of a realm to the place that declared them. (Fx hashing: a large schema's
/// map holds hundreds of thousands of paths, and SipHash showed in profiles.)
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    entries: FxHashMap<ObjectPath, Location>,
    pieces: Vec<Piece>,
    /// Which pieces hold paths of each head, in order.
    by_head: FxHashMap<u64, Vec<u32>>,
    /// The file of the last insert, reused while inserts stay in one file.
    last_file: Option<Arc<str>>,
}

/// Two maps are equal when they locate the same paths at the same places, however they hold
/// them (entries or pieces).
impl PartialEq for SourceMap {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(p, l)| other.get(p).as_ref() == Some(&l))
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

    /// Adds the places of one item of `file`, at `offset`, unless one of them is in the map
    /// already: whether they were added. Nothing is copied: the map shares `places`.
    pub fn insert_piece(&mut self, file: &Arc<str>, offset: usize, places: &Arc<Places>) -> bool {
        if places.is_empty() {
            return true;
        }
        for h in &places.heads {
            if let Some(pieces) = self.by_head.get(h)
                && pieces.iter().any(|&i| {
                    let other = &self.pieces[i as usize].places;
                    places.iter().any(|(p, _)| other.contains(p))
                })
            {
                return false;
            }
        }
        if !self.entries.is_empty() && places.iter().any(|(p, _)| self.entries.contains_key(p)) {
            return false;
        }
        let at = self.pieces.len() as u32;
        for h in &places.heads {
            self.by_head.entry(*h).or_default().push(at);
        }
        self.pieces.push(Piece {
            file: file.clone(),
            offset,
            places: places.clone(),
        });
        true
    }

    /// Whether `path` is in the map.
    pub fn contains(&self, path: &ObjectPath) -> bool {
        self.get(path).is_some()
    }

    /// Room for `n` more entries.
    pub fn reserve(&mut self, n: usize) {
        self.entries.reserve(n);
    }

    pub fn get(&self, path: &ObjectPath) -> Option<Location> {
        if let Some(l) = self.entries.get(path) {
            return Some(l.clone());
        }
        if self.pieces.is_empty() {
            return None;
        }
        self.by_head.get(&head(path))?.iter().find_map(|&i| {
            let piece = &self.pieces[i as usize];
            piece.places.get(path).map(|span| Location {
                file: piece.file.clone(),
                span: span.shift(piece.offset),
            })
        })
    }

    pub fn extend(&mut self, other: SourceMap) {
        for (p, l) in other.iter() {
            self.entries.insert(p.clone(), l);
        }
    }

    /// Every path and its place, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&ObjectPath, Location)> {
        self.entries
            .iter()
            .map(|(p, l)| (p, l.clone()))
            .chain(self.pieces.iter().flat_map(|piece| {
                piece.places.iter().map(|(p, span)| {
                    (
                        p,
                        Location {
                            file: piece.file.clone(),
                            span: span.shift(piece.offset),
                        },
                    )
                })
            }))
    }

    pub fn len(&self) -> usize {
        self.entries.len() + self.pieces.iter().map(|p| p.places.len()).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
