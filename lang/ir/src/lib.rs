//! The typed schema graph: one `Realm` type that the HCL compiler, the SQL compiler and every
//! live-database inspector produce, so the differ always compares like with like.
//!
//! Invariants:
//! - Plain data. No syntax, no spans (they live in the source map of `cairn-sema`), no IO.
//! - No dialect strings: dialect specifics are typed (`ColumnType::Postgres(PgType::Jsonb)`,
//!   `TableExt::Mysql { engine, .. }`); what no variant covers is an explicit `Unsupported { raw }`.
//! - Objects refer to each other by name (`QualifiedName`), the way SQL does; names are stored
//!   as the database would store them (case folding is applied by the front ends).
//! - No `Serialize`: wire formats are defined at the edges.
//! - Tables are held by [`Shared`] handles (copy-on-write), so realms assembled from pieces
//!   share them; reading goes through `Deref`, writing copies a table only when it is shared.

mod count;
mod dialect;
mod object;
mod plan;
mod shared;
mod type_names;
mod types;

pub use count::human_count;
pub use dialect::{Dialect, Flavor, pg_object_name};
pub use object::*;
pub use plan::*;
pub use shared::Shared;
pub use types::*;
