//! The compiler's middle: salsa inputs (files), parsing and lowering per file, and resolution per
//! project into one `Realm` plus a source map and diagnostics. Pure: no IO, no async, no clock.
//!
//! Entry points: [`compile`] for one-shot use (the CLI), [`Database`] with [`SourceFile`] and
//! [`Project`] inputs and the [`project_realm`] query for incremental use (the language server).

mod db;
pub mod deps;
mod lower_hcl;
mod lower_sql;
pub mod print_hcl;
pub mod rules;
mod source_map;
mod sqlite_trigger;

pub(crate) use sqlite_trigger::{ir_to_sqlite_trigger, sqlite_trigger_to_ir};

pub use db::{
    Compiled, Database, Db, FileSyntax, Origins, Project, SourceFile, SourceKind, SplitCache,
    SqlStates, compile, compile_with_threads, file_syntax, project_realm,
};
pub use source_map::{Location, Places, SourceMap};
