//! Who is asking: the `Authorization: Bearer` key of each request.
//!
//! [`guard`] wraps the whole application (REST, MCP, web): a request with a
//! key is answered as its caller (the engine checks the key, see
//! [`specdex_query::keys`]), one with a wrong or revoked key is refused with
//! 401, and one without a key is answered when reads are open, refused when
//! the server requires a key. `/healthz` (load balancers) is always open.
//! Writes (publishing) check the caller's scope themselves. A key is never
//! logged: this layer keeps it only for the lookup.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use specdex_query::keys::Caller;
use specdex_query::{Engine, QueryError};

use crate::error::ApiError;
use crate::limits::{Limiter, RateLimits, limiter};

/// Paths answered whatever the key: what a load balancer probes.
const OPEN_PATHS: &[&str] = &["/healthz"];

/// The caller of a request, as [`guard`] found it: `None` without a key
/// (possible only while reads are open).
#[derive(Debug, Clone)]
pub struct Authenticated(pub Option<Arc<Caller>>);

impl Authenticated {
    /// The caller, or 401 saying that `action` needs a key.
    pub fn require(self, action: &str) -> Result<Arc<Caller>, ApiError> {
        self.0.ok_or_else(|| {
            ApiError::Query(QueryError::Unauthorized(format!(
                "{action} needs a key: send `Authorization: Bearer <key>` \
                 (make one with `specdex keys create`)"
            )))
        })
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Authenticated {
    type Rejection = std::convert::Infallible;

    /// The caller [`guard`] found; none when the app is not guarded.
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .unwrap_or(Authenticated(None)))
    }
}

#[derive(Clone)]
struct Access {
    engine: Arc<Engine>,
    require_key: bool,
    limiter: Option<Arc<Limiter>>,
}

/// Wraps `app` so that every request carries its [`Authenticated`] caller;
/// with `require_key`, requests without a key are refused (a private
/// catalog). Then `limits` apply to the caller (see [`crate::limits`]):
/// one layer does both, as every request needs both.
pub fn guard(app: Router, engine: Arc<Engine>, require_key: bool, limits: RateLimits) -> Router {
    app.layer(axum::middleware::from_fn_with_state(
        Access {
            limiter: limiter(engine.clone(), limits).map(Arc::new),
            engine,
            require_key,
        },
        authenticate,
    ))
}

async fn authenticate(State(access): State<Access>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if OPEN_PATHS.contains(&path) {
        return next.run(request).await;
    }
    let mcp = path == "/mcp" || path.starts_with("/mcp/");
    let caller = match bearer(request.headers()) {
        Ok(None) if access.require_key => {
            return unauthorized(
                mcp,
                false,
                "this catalog needs a key: send `Authorization: Bearer <key>`",
            );
        }
        Ok(None) => None,
        Err(message) => return unauthorized(mcp, true, message),
        Ok(Some(key)) => match authenticate_key(&access.engine, key).await {
            Ok(caller) => Some(caller),
            Err(ApiError::Query(QueryError::Unauthorized(message))) => {
                return unauthorized(mcp, true, &message);
            }
            Err(other) => return other.into_response(),
        },
    };
    request.extensions_mut().insert(Authenticated(caller));
    match &access.limiter {
        Some(limiter) => limiter.admit(request, next).await,
        None => next.run(request).await,
    }
}

/// The caller `key` names: from what the engine remembers when it can, on
/// this thread (having the key looked up again in the background when that
/// is due, so no request waits for it); else from the catalog, on the
/// blocking pool.
async fn authenticate_key(engine: &Arc<Engine>, key: &str) -> Result<Arc<Caller>, ApiError> {
    if let Some(remembered) = engine.authenticate_remembered(key) {
        if remembered.recheck {
            let (engine, key) = (engine.clone(), key.to_owned());
            // A failed recheck leaves the answer to age out: the next
            // request past `KEY_TRUST` asks the catalog itself.
            drop(tokio::task::spawn_blocking(move || {
                engine.recheck_key(&key)
            }));
        }
        return remembered.answer.map_err(ApiError::Query);
    }
    let (engine, key) = (engine.clone(), key.to_owned());
    match tokio::task::spawn_blocking(move || engine.authenticate(&key)).await {
        Ok(answer) => answer.map_err(ApiError::Query),
        Err(failure) => Err(ApiError::Other {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal",
            message: format!("checking the key failed: {failure}"),
        }),
    }
}

/// The key of an `Authorization: Bearer` header; `None` without the
/// header; an error for any other form.
fn bearer(headers: &HeaderMap) -> Result<Option<&str>, &'static str> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| "the Authorization header is not text")?;
    match value.split_once(' ') {
        Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") && !key.trim().is_empty() => {
            Ok(Some(key.trim()))
        }
        _ => Err("send the key as `Authorization: Bearer <key>`"),
    }
}

/// 401 with `WWW-Authenticate: Bearer` (RFC 6750; `invalid_token` when a
/// key was sent), the body in the shape the client speaks: a JSON-RPC error
/// on `/mcp`, the REST error shape elsewhere.
fn unauthorized(mcp: bool, key_sent: bool, message: &str) -> Response {
    let mut response = if mcp {
        (
            StatusCode::UNAUTHORIZED,
            axum::Json(serde_json::json!({
                "jsonrpc": "2.0",
                "id": null,
                "error": {"code": -32001, "message": message},
            })),
        )
            .into_response()
    } else {
        ApiError::Query(QueryError::Unauthorized(message.to_owned())).into_response()
    };
    let challenge = if key_sent {
        r#"Bearer realm="specdex", error="invalid_token""#
    } else {
        r#"Bearer realm="specdex""#
    };
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
    response
}
