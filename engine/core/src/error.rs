//! Errors that reach the world: connections, queries, IO. They carry only redacted URLs, so a
//! password never appears in a message.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error("cannot connect to {url}: {message}")]
    Connect { url: String, message: String },
    #[error("{context}: {message}")]
    Query { context: String, message: String },
    #[error("statement failed: {message}\n  statement: {statement}")]
    Statement { statement: String, message: String },
    #[error("{0}")]
    Other(String),
}
