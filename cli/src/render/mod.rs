//! Renderers: the only place where diagnostics, realms and plans become text for people or
//! machines. One file per format.

pub mod diagnostics;
pub mod inspect_json;
pub mod lint;
pub mod mermaid;
pub mod plan;
pub mod style;
