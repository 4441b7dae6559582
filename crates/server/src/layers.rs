//! Middleware: query-string cap, request deadline, and the error shape for
//! responses that lower layers or axum itself produce.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_ENCODING, CONTENT_TYPE, ETAG};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, code_for};

/// The limits the middleware enforces.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_query_bytes: usize,
    pub request_timeout: Duration,
}

/// Refuses a query string longer than the limit with 414.
pub async fn limit_query(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let length = request.uri().query().map_or(0, str::len);
    if length > limits.max_query_bytes {
        return ApiError::QueryTooLong {
            length,
            max: limits.max_query_bytes,
        }
        .into_response();
    }
    next.run(request).await
}

/// Answers 503 when the rest of the stack takes longer than the limit.
pub async fn deadline(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limits.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Timeout(limits.request_timeout).into_response(),
    }
}

/// Gives every error response the JSON error shape: one that is not JSON
/// (axum's extractor rejections, the body limit's 413) is rewritten, with
/// its text as the message when it has one.
pub async fn uniform_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    let message = text.unwrap_or_else(|| {
        status
            .canonical_reason()
            .unwrap_or("request failed")
            .to_owned()
    });
    let error = ApiError::Other {
        status,
        code: code_for(status),
        message,
    };
    let rewritten = error.into_response();
    // Keep what the layer said besides the body (`Allow` on a 405, ...).
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let (_, body) = rewritten.into_parts();
    Response::from_parts(parts, Body::new(body))
}

/// Weakens a strong `ETag` on a response that compression re-encoded: the
/// gzip bytes are not the bytes the strong tag names. `If-None-Match`
/// compares weakly, so revalidation works the same.
pub async fn weaken_encoded_etag(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if !response.headers().contains_key(CONTENT_ENCODING) {
        return response;
    }
    let weak = response
        .headers()
        .get(ETAG)
        .filter(|tag| tag.as_bytes().starts_with(b"\""))
        .and_then(|tag| HeaderValue::from_bytes(&[b"W/", tag.as_bytes()].concat()).ok());
    if let Some(weak) = weak {
        response.headers_mut().insert(ETAG, weak);
    }
    response
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    /// Work on the blocking pool (as engine calls run) does not hold the
    /// answer past the deadline.
    #[tokio::test]
    async fn slow_blocking_work_is_cut_off_with_503() {
        let limits = Limits {
            max_query_bytes: 1024,
            request_timeout: Duration::from_millis(20),
        };
        let app = Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(400)))
                        .await
                        .ok();
                    "done"
                }),
            )
            .layer(axum::middleware::from_fn_with_state(limits, deadline));
        let started = Instant::now();
        let response = app
            .oneshot(Request::get("/slow").body(Body::empty()).expect("request"))
            .await
            .expect("infallible");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(started.elapsed() < Duration::from_millis(300));
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .expect("body");
        let body: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(body["error"]["code"], "timeout");
    }
}
