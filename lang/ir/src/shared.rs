//! [`Shared`]: a copy-on-write handle, so a realm assembled from pieces (the language server's
//! memoized per-item fragments) shares its tables with those pieces instead of copying them.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// A value shared by reference count, read through `Deref` and written copy-on-write through
/// `DerefMut` (`Arc::make_mut`: the value is copied only when another handle shares it).
///
/// It behaves as the value it holds: `Clone` gives another handle to the same value (cheap),
/// equality and hashing are the value's (handles to one value are equal without comparing it),
/// `Debug` prints the value as is.
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Arc::new(value))
    }

    /// Whether both handles hold the same value (not merely equal ones).
    pub fn ptr_eq(a: &Shared<T>, b: &Shared<T>) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }

    /// The value, without copying it when this is its only handle.
    pub fn into_inner(this: Shared<T>) -> T
    where
        T: Clone,
    {
        Arc::unwrap_or_clone(this.0)
    }

    /// The value for writing, copied first when another handle shares it (what `DerefMut`
    /// does, spelled out).
    pub fn make_mut(this: &mut Shared<T>) -> &mut T
    where
        T: Clone,
    {
        Arc::make_mut(&mut this.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T: Default> Default for Shared<T> {
    fn default() -> Self {
        Shared::new(T::default())
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Shared::ptr_eq(self, other) || *self.0 == *other.0
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T: PartialEq> PartialEq<T> for Shared<T> {
    fn eq(&self, other: &T) -> bool {
        *self.0 == *other
    }
}

impl<T: Hash> Hash for Shared<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        (*self.0).hash(state)
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (*self.0).fmt(f)
    }
}

impl<T> AsRef<T> for Shared<T> {
    fn as_ref(&self) -> &T {
        &self.0
    }
}

impl<T> Borrow<T> for Shared<T> {
    fn borrow(&self) -> &T {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;

    #[test]
    fn clones_share_and_writes_copy() {
        let a = Shared::new(vec![1, 2]);
        let mut b = a.clone();
        assert!(Shared::ptr_eq(&a, &b));
        assert_eq!(a, b);
        b.push(3);
        assert!(!Shared::ptr_eq(&a, &b));
        assert_eq!(*a, vec![1, 2]);
        assert_eq!(*b, vec![1, 2, 3]);
        assert_ne!(a, b);
    }

    #[test]
    fn sole_handle_writes_in_place() {
        let mut a = Shared::new(vec![1]);
        let p = &*a as *const Vec<i32>;
        a.push(2);
        assert_eq!(p, &*a as *const Vec<i32>);
        assert_eq!(Shared::into_inner(a), vec![1, 2]);
    }

    #[test]
    fn equal_values_in_different_handles_are_equal() {
        let a = Shared::new(String::from("t"));
        let b = Shared::from(String::from("t"));
        assert!(!Shared::ptr_eq(&a, &b));
        assert_eq!(a, b);
        assert_eq!(format!("{a:?}"), "\"t\"");
    }
}
