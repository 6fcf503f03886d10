//! HCL: a fast scanner that splits a file into top-level blocks, a parser (hcl-edit) for each
//! block, and the canonical formatter behind `cairn schema fmt`.

pub mod fmt;
pub mod parse;
pub mod scan;
