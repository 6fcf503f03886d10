//! The rules language (`*.cairn`): lexer, parser with item- and clause-level error recovery, and
//! the syntax tree with byte spans. Name resolution, type checking and evaluation live in
//! `cairn-sema` (`cairn_sema::rules`). The language is described in `docs/rules-language.md`.
//!
//! Diagnostic codes of this stage: `E4000` syntax error, `E4001` unexpected character,
//! `E4002` unknown escape, `E4003` unterminated string, `E4004` text outside any item, `E4005`
//! doc comment that documents nothing (warning), `E4006` integer out of range, `E4007`
//! expression nested too deeply, `E4008` a string of the wrong kind for its place.

pub mod ast;
mod doc;
pub mod fmt;
pub mod lex;
mod parse;

pub use ast::*;
pub use doc::split_doc;
pub use parse::{
    CLAUSE_KEYWORDS, E_DEPTH, E_DOC, E_INT, E_STRAY, E_STRING_KIND, E_SYNTAX, ITEM_KEYWORDS,
    MAX_DEPTH, ParsedRules, RESERVED, is_reserved, parse,
};
