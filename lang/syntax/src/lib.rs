//! Parsers with spans and error recovery: HCL (over hcl-edit, one top-level block at a time) and
//! SQL (a statement splitter that agrees with Atlas's, then sqlparser and targeted parsers for
//! the forms it lacks). Pure: no IO, no IR; lowering to the IR is `cairn-sema`'s job.

pub mod diag;
pub mod hcl;
pub mod rules;
pub mod sql;

pub use diag::{Diagnostic, Label, Severity, Span, Suggestion};
