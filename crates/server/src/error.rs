//! The one error shape of the HTTP API: `{"error":{"code","message"}}`.

use std::time::Duration;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use specdex_query::QueryError;
use utoipa::ToSchema;

/// Why a request failed. Every kind maps to a status and a machine-readable
/// code; `to_string()` is the message for a person.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The engine could not answer (unknown name, bad parameter, store failure).
    #[error(transparent)]
    Query(#[from] QueryError),
    /// A query parameter could not be read as its type.
    #[error("invalid `{parameter}`: {message}")]
    BadParameter { parameter: String, message: String },
    /// No route has this path.
    #[error("no route `{path}`; the routes are listed in /openapi.json")]
    NoRoute { path: String },
    /// The route exists but not for this method.
    #[error("method {method} is not allowed on `{path}`; the `Allow` header lists those that are")]
    MethodNotAllowed { method: String, path: String },
    /// The query string is longer than the server accepts.
    #[error("the query string is {length} bytes; at most {max} are accepted")]
    QueryTooLong { length: usize, max: usize },
    /// The request took longer than the server allows.
    #[error("no answer within {0:?}; try a narrower question or again later")]
    Timeout(Duration),
    /// Another failure with its status, reported by a layer (body too large,
    /// a path that is not UTF-8, ...).
    #[error("{message}")]
    Other {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Query(error) => {
                StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            }
            ApiError::BadParameter { .. } => StatusCode::BAD_REQUEST,
            ApiError::NoRoute { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::QueryTooLong { .. } => StatusCode::URI_TOO_LONG,
            ApiError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Other { status, .. } => *status,
        }
    }

    /// The machine-readable kind: the engine's codes (`not_found`,
    /// `bad_request`, `unavailable`, `internal`) plus `method_not_allowed`,
    /// `uri_too_long`, `timeout` and the codes of [`code_for`].
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Query(error) => error.code(),
            ApiError::BadParameter { .. } => "bad_request",
            ApiError::NoRoute { .. } => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::QueryTooLong { .. } => "uri_too_long",
            ApiError::Timeout(_) => "timeout",
            ApiError::Other { code, .. } => code,
        }
    }

    /// The error as its JSON body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
            },
        }
    }
}

/// The code for an error status that no [`ApiError`] variant names.
pub fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::NOT_ACCEPTABLE => "not_acceptable",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::URI_TOO_LONG => "uri_too_long",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        s if s.is_client_error() => "bad_request",
        _ => "internal",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(code = self.code(), "{self}");
        }
        (status, Json(self.body())).into_response()
    }
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"error": {"code": "not_found", "message": "no provider `jumpclod`; closest: jumpcloud"}})))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable kind: `bad_request`, `not_found`, `method_not_allowed`,
    /// `payload_too_large`, `uri_too_long`, `timeout`, `unavailable`, `internal`.
    pub code: String,
    /// For a person: what was wrong and, for an unknown name, the closest
    /// names that exist.
    pub message: String,
}
