//! Why a document was refused.
//!
//! Every variant names the file (as the caller named it) and, where the
//! parser knows it, the line and column or the JSON pointer, so a person can
//! go straight to the fault.

use thiserror::Error;

/// A document that cannot be read as an API description.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SpecError {
    #[error("{file}: {size} bytes is over the {limit}-byte size limit (raise it with --max-bytes)")]
    TooLarge { file: String, size: u64, limit: u64 },

    #[error(
        "{file}:{line}: not UTF-8 text (invalid byte at offset {offset}); save the file as UTF-8"
    )]
    NotUtf8 {
        file: String,
        line: usize,
        offset: usize,
    },

    #[error("{file}:{line}:{column}: {syntax} syntax error: {message}")]
    Syntax {
        file: String,
        syntax: &'static str,
        line: usize,
        column: usize,
        message: String,
    },

    #[error("{file}:{line}:{column}: nesting deeper than {limit} levels; refusing the document")]
    TooDeep {
        file: String,
        line: usize,
        column: usize,
        limit: usize,
    },

    #[error(
        "{file}: YAML aliases expand the document past its limits (an alias bomb?); refusing the document"
    )]
    AliasBomb { file: String },

    #[error("{file}: not an API description: {reason}")]
    NotASpec { file: String, reason: String },

    #[error(
        "{file}: unsupported specification version {field}: {version}; specdex reads Swagger 2.0 and OpenAPI 3.0, 3.1 and 3.2"
    )]
    UnsupportedVersion {
        file: String,
        field: &'static str,
        version: String,
    },

    #[error(
        "{file}: $ref \"{reference}\" at {pointer} leaves the ingest root {root}; widen the root with --root DIR if that file is trusted"
    )]
    RefOutsideRoot {
        file: String,
        pointer: String,
        reference: String,
        root: String,
    },

    #[error("{file}: {reason}")]
    Refused { file: String, reason: String },
}

impl SpecError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            SpecError::TooLarge { file, .. }
            | SpecError::NotUtf8 { file, .. }
            | SpecError::Syntax { file, .. }
            | SpecError::TooDeep { file, .. }
            | SpecError::AliasBomb { file }
            | SpecError::NotASpec { file, .. }
            | SpecError::UnsupportedVersion { file, .. }
            | SpecError::RefOutsideRoot { file, .. }
            | SpecError::Refused { file, .. } => file,
        }
    }
}
