//! The engine's shared core: URLs and scope, the driver interface every database implements,
//! and (as the declarative and versioned workflows land) diff, planning and apply orchestration.
//! Depends on lang/ only; drivers depend on it, never the reverse.

pub mod apply;
pub mod dev;
pub mod diff;
mod diff_sqlite;
pub mod driver;
pub mod error;
pub mod lint;
pub mod migrate;
pub mod normalize;
pub mod order;
pub mod plan;
pub mod policy;
pub mod project;
pub mod rules_test;
pub mod safety;
pub mod scope;
pub mod url;

pub use driver::{APPLY_LOCK, BatchError, BoxFuture, DeployLock, Driver, Session};
pub use error::EngineError;
pub use scope::{InspectOptions, glob_match};
pub use url::{DbUrl, SourceUrl, UrlError};
