//! Answers as HTTP responses: content type, entity tag, revalidation.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, VARY};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use specdex_query::Answer;

use crate::extract::{Format, IfNoneMatch};

/// An engine answer in the rendering asked for, or `304` when the client's
/// copy is current.
pub fn answer(answer: Arc<Answer>, format: Format, cached: &IfNoneMatch) -> Response {
    let etag = tagged(&answer.etag, format.tag_suffix());
    if cached.matches(&etag) {
        return not_modified(&etag);
    }
    let body = Bytes::from_owner(Rendering { answer, format });
    let mut response = ok(&etag, format.content_type(), Body::from(body));
    // The rendering depends on `Accept`.
    response
        .headers_mut()
        .insert(VARY, HeaderValue::from_static("accept"));
    response
}

/// Bytes with a known entity tag (the original document, the OpenAPI
/// document), or `304` when the client's copy is current.
pub fn bytes(
    etag: &str,
    content_type: &'static str,
    cached: &IfNoneMatch,
    body: impl FnOnce() -> Body,
) -> Response {
    if cached.matches(etag) {
        return not_modified(etag);
    }
    ok(etag, content_type, body())
}

/// `"abc"` + `md` → `"abc-md"`.
fn tagged(etag: &str, suffix: &str) -> String {
    let bare = etag.trim_matches('"');
    format!("\"{bare}-{suffix}\"")
}

fn ok(etag: &str, content_type: &'static str, body: Body) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    validators(headers, etag);
    response
}

/// `304 Not Modified` with the validators and no body.
pub fn not_modified(etag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    validators(response.headers_mut(), etag);
    response
}

fn validators(headers: &mut axum::http::HeaderMap, etag: &str) {
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(ETAG, value);
    }
    // Clients may keep answers but must revalidate them (cheap: 304).
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
}

/// One rendering of a shared answer, served without copying it.
struct Rendering {
    answer: Arc<Answer>,
    format: Format,
}

impl AsRef<[u8]> for Rendering {
    fn as_ref(&self) -> &[u8] {
        match self.format {
            Format::Json => self.answer.json.as_bytes(),
            Format::Markdown => self.answer.markdown.as_bytes(),
        }
    }
}
