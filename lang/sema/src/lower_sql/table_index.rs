//! Where each table sits in its schema's `tables`, by name: the replay finds the table of an
//! `ALTER TABLE` or `CREATE INDEX` without scanning every table (which made a long migration
//! quadratic).
//!
//! The index is a cache beside the realm, not the realm's truth: a hit is checked against the
//! table at that position, and a schema whose table count changed behind the index's back is
//! indexed again before use. The replay keeps it exact through `take_table`, `put_table`,
//! `remove_table` and `create_table`, the only places that add, move, rename or remove tables.

use cairn_ir::{Dialect, Realm, Schema};
use rustc_hash::FxHashMap;

#[derive(Clone, Debug, Default)]
pub(crate) struct TableIndex {
    /// By the schema's name key: its tables' positions by name key, and how many tables the
    /// schema had when the positions were last complete.
    schemas: FxHashMap<String, SchemaTables>,
}

#[derive(Clone, Debug, Default)]
struct SchemaTables {
    at: FxHashMap<String, usize>,
    len: usize,
}

impl TableIndex {
    /// Makes the index of `schema` complete (indexing it again when its table count changed
    /// behind the index's back).
    pub(crate) fn sync(&mut self, realm: &Realm, schema: &str) {
        let Some(s) = realm.schema(schema) else {
            return;
        };
        let d = realm.dialect;
        let fresh = self
            .schemas
            .get(d.ident_key(&s.name).as_ref())
            .is_some_and(|e| e.len == s.tables.len());
        if !fresh {
            self.reindex(d, s);
        }
    }

    /// [`TableIndex::sync`] for every schema of the realm.
    pub(crate) fn sync_all(&mut self, realm: &Realm) {
        for s in &realm.schemas {
            self.sync(realm, &s.name);
        }
    }

    fn reindex(&mut self, d: Dialect, s: &Schema) {
        let e = self
            .schemas
            .entry(d.ident_key(&s.name).into_owned())
            .or_default();
        e.at.clear();
        // The first of two equal names wins, as a scan finds it.
        for (i, t) in s.tables.iter().enumerate().rev() {
            e.at.insert(d.ident_key(&t.name).into_owned(), i);
        }
        e.len = s.tables.len();
    }

    /// The position of table `name` in `schema` (whose index [`TableIndex::sync`] made
    /// complete): what a scan with `Dialect::idents_equal` finds.
    pub(crate) fn position(&self, realm: &Realm, schema: &str, name: &str) -> Option<usize> {
        let s = realm.schema(schema)?;
        let d = realm.dialect;
        let found = self
            .schemas
            .get(d.ident_key(&s.name).as_ref())
            .filter(|e| e.len == s.tables.len())
            .and_then(|e| e.at.get(d.ident_key(name).as_ref()).copied())
            .filter(|&i| {
                s.tables
                    .get(i)
                    .is_some_and(|t| d.idents_equal(&t.name, name))
            });
        debug_assert_eq!(
            found,
            s.tables.iter().position(|t| d.idents_equal(&t.name, name)),
            "the table index of schema {} is stale for {name}",
            s.name
        );
        found
    }

    /// Records that table `name` sits at `at` in `schema`, whose table count is now `len`
    /// (a table was put back into its slot, or pushed at the end).
    pub(crate) fn set(&mut self, d: Dialect, schema: &str, name: &str, at: usize, len: usize) {
        let Some(e) = self.schemas.get_mut(d.ident_key(schema).as_ref()) else {
            return;
        };
        // Positions are complete only if they were before this change.
        if e.len == len || e.len + 1 == len && at + 1 == len {
            e.at.insert(d.ident_key(name).into_owned(), at);
            e.len = len;
        } else {
            e.len = usize::MAX;
        }
    }

    /// Forgets `schema`'s positions (tables moved): it is indexed again on next use.
    pub(crate) fn invalidate(&mut self, d: Dialect, schema: &str) {
        if let Some(e) = self.schemas.get_mut(d.ident_key(schema).as_ref()) {
            e.len = usize::MAX;
        }
    }
}
