//! Why a question could not be answered.

use specdex_store::StoreError;

/// A failed query. Every face maps these the same way: [`QueryError::code`]
/// and [`QueryError::status`] give the machine-readable kind and the HTTP
/// status, `to_string()` the message for a person.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    /// Something named in the question does not exist.
    #[error("{}", not_found_message(what, name, suggestions))]
    NotFound {
        /// `provider`, `API`, `version`, `endpoint` or `schema`.
        what: &'static str,
        /// What was asked for, with its context (`jumpcloud 2.0: DELETE /x`).
        name: String,
        /// The closest existing names, best first.
        suggestions: Vec<String>,
    },
    /// A provider was named where an API is meant, and it has several.
    #[error("provider `{provider}` has {} APIs; name one of them: {}", apis.len(), apis.join(", "))]
    Ambiguous {
        /// The provider named.
        provider: String,
        /// Its APIs' ids.
        apis: Vec<String>,
    },
    /// A parameter is malformed or out of range.
    #[error("invalid `{parameter}`: {message}")]
    BadRequest {
        parameter: &'static str,
        message: String,
    },
    /// No key, or one the catalog does not accept, where a key is needed.
    #[error("{0}")]
    Unauthorized(String),
    /// A key that may not do what was asked.
    #[error("{0}")]
    Forbidden(String),
    /// A published document that cannot be ingested (syntax, version,
    /// limits, a reference outside the document).
    #[error("{0}")]
    Unreadable(String),
    /// The catalog failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for QueryError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::ApiNotFound { api } => QueryError::NotFound {
                what: "API",
                name: api,
                suggestions: Vec::new(),
            },
            StoreError::KeyNotFound { name } => QueryError::NotFound {
                what: "key",
                name,
                suggestions: Vec::new(),
            },
            StoreError::SourceNotFound { api } => QueryError::NotFound {
                what: "source",
                name: api,
                suggestions: Vec::new(),
            },
            other => QueryError::Store(other),
        }
    }
}

fn not_found_message(what: &str, name: &str, suggestions: &[String]) -> String {
    if suggestions.is_empty() {
        format!("no {what} `{name}`")
    } else {
        format!("no {what} `{name}`; closest: {}", suggestions.join(", "))
    }
}

impl QueryError {
    /// `not_found`, `ambiguous`, `bad_request`, `unauthorized`,
    /// `forbidden`, `unreadable`, `conflict`, `unavailable` or `internal`.
    pub fn code(&self) -> &'static str {
        match self {
            QueryError::NotFound { .. } => "not_found",
            QueryError::Ambiguous { .. } => "ambiguous",
            QueryError::BadRequest { .. } => "bad_request",
            QueryError::Unauthorized(_) => "unauthorized",
            QueryError::Forbidden(_) => "forbidden",
            QueryError::Unreadable(_) => "unreadable",
            QueryError::Store(StoreError::KeyExists { .. }) => "conflict",
            QueryError::Store(StoreError::Busy { .. }) => "unavailable",
            QueryError::Store(_) => "internal",
        }
    }

    /// The HTTP status for this error.
    pub fn status(&self) -> u16 {
        match self {
            QueryError::NotFound { .. } | QueryError::Ambiguous { .. } => 404,
            QueryError::BadRequest { .. } => 400,
            QueryError::Unauthorized(_) => 401,
            QueryError::Forbidden(_) => 403,
            QueryError::Unreadable(_) => 422,
            QueryError::Store(StoreError::KeyExists { .. }) => 409,
            QueryError::Store(StoreError::Busy { .. }) => 503,
            QueryError::Store(_) => 500,
        }
    }

    pub(crate) fn bad(parameter: &'static str, message: impl Into<String>) -> QueryError {
        QueryError::BadRequest {
            parameter,
            message: message.into(),
        }
    }
}
