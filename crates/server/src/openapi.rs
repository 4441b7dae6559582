//! This API's own OpenAPI 3.1 document, generated from the handlers'
//! `#[utoipa::path]` attributes and the answer types' `ToSchema` derives.

use axum::body::Bytes;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{RefOr, Response};
use utoipa::{IntoResponses, Modify, OpenApi};

use crate::error::{ErrorBody, ErrorDetail};
use crate::routes;

/// The document's source: every route and the schemas the responses use.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "specdex",
        description = "A catalog of API specifications for AI agents: search APIs and \
            endpoints, then fetch exactly the endpoints and schemas you need. An API is named \
            `provider/api` (`/v1/apis/{provider}/{api}/...`); the routes of the release before \
            providers had several APIs, `/v1/providers/{provider}/...`, still answer for a \
            provider with exactly one API. Every answer is \
            JSON by default and markdown with `?format=md` or `Accept: text/markdown`; answers \
            carry an `ETag` and are revalidated with `If-None-Match`. Errors are \
            `{\"error\":{\"code\",\"message\"}}`.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    paths(
        routes::providers,
        routes::apis,
        routes::search,
        routes::provider,
        routes::api,
        routes::versions,
        routes::endpoints,
        routes::endpoint_details,
        routes::schemas,
        routes::summary,
        routes::changes,
        routes::check,
        routes::publish,
        routes::spec,
        routes::openapi,
        routes::healthz,
    ),
    components(schemas(ErrorBody, ErrorDetail, routes::EndpointKey, routes::SchemaName)),
    tags(
        (name = "catalog", description = "The catalog as a whole: providers, APIs and search."),
        (name = "api", description = "One API: endpoints, schemas, summary, history, document."),
        (name = "service", description = "This service: its OpenAPI document and its health."),
    ),
    modifiers(&CachingHeaders, &BearerKeys),
)]
pub struct ApiDoc;

// The statuses routes answer besides 200, for `responses(...)`.

/// Also answered: `304` for a current copy and errors as [`ErrorBody`].
#[derive(IntoResponses)]
#[allow(dead_code)] // described, never built: errors are `ApiError`s
pub enum ListingStatuses {
    /// The copy named by `If-None-Match` is current; no body.
    #[response(status = 304)]
    NotModified,
    /// A parameter is malformed or out of range; the message names it.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// The query string is too long.
    #[response(status = 414)]
    UriTooLong(ErrorBody),
    /// The catalog failed.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The catalog is busy or the answer took too long; try again.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// Also answered about an API or provider: `304` and errors, `404` included.
#[derive(IntoResponses)]
#[allow(dead_code)] // described, never built: errors are `ApiError`s
pub enum ApiStatuses {
    /// The copy named by `If-None-Match` is current; no body.
    #[response(status = 304)]
    NotModified,
    /// A parameter is malformed or out of range; the message names it.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No such provider, API, version, endpoint or schema, or a provider named where an API
    /// is meant that has several (code `ambiguous`); the message lists the closest names.
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// The query string is too long.
    #[response(status = 414)]
    UriTooLong(ErrorBody),
    /// The catalog failed.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The catalog is busy or the answer took too long; try again.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// Also answered to a publish: every refusal as [`ErrorBody`].
#[derive(IntoResponses)]
#[allow(dead_code)] // described, never built: errors are `ApiError`s
pub enum PublishStatuses {
    /// A parameter or the API's name is malformed; the message names it.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No key, or a key the catalog does not accept (`WWW-Authenticate: Bearer`).
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// The key may not publish this API (scope `read`, or restricted to others).
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// The document is larger than the server accepts.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The query string is too long.
    #[response(status = 414)]
    UriTooLong(ErrorBody),
    /// The document cannot be read as OpenAPI or Swagger (syntax, version, limits, a `$ref`
    /// to a file or URL); the message says where.
    #[response(status = 422)]
    Unreadable(ErrorBody),
    /// The catalog failed.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The catalog is busy or the answer took too long; try again.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// Also answered for `/openapi.json`.
#[derive(IntoResponses)]
#[allow(dead_code)] // described, never built: errors are `ApiError`s
pub enum DocumentStatuses {
    /// The copy named by `If-None-Match` is current; no body.
    #[response(status = 304)]
    NotModified,
    /// The query string is too long.
    #[response(status = 414)]
    UriTooLong(ErrorBody),
    /// The server is overloaded; try again.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// Also answered for `/healthz`.
#[derive(IntoResponses)]
#[allow(dead_code)] // described, never built: errors are `ApiError`s
pub enum HealthStatuses {
    /// The query string is too long.
    #[response(status = 414)]
    UriTooLong(ErrorBody),
    /// The catalog failed: the service is not healthy.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The catalog is busy or did not answer in time.
    #[response(status = 503)]
    Unavailable(ErrorBody),
}

/// Documents the caching headers every `200` and `304` carries.
struct CachingHeaders;

/// The `bearer` security scheme publishing names: a key from
/// `specdex keys create`, sent as `Authorization: Bearer <key>` (reads
/// need one too when the server runs with `--require-key`).
struct BearerKeys;

impl Modify for BearerKeys {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "A key from `specdex keys create`: `publish` or `admin` to publish; `read` \
                 suffices for reads when the server requires a key.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

impl Modify for CachingHeaders {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let Some(operation) = item.get.as_mut() else {
                continue;
            };
            if operation.operation_id.as_deref() == Some("health") {
                continue;
            }
            let negotiated = takes_parameter(operation, "format");
            for status in ["200", "304"] {
                if let Some(RefOr::T(response)) = operation.responses.responses.get_mut(status) {
                    add_caching_headers(response, negotiated);
                }
            }
        }
    }
}

fn takes_parameter(operation: &Operation, name: &str) -> bool {
    operation
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p, RefOr::T(p) if p.name == name))
}

fn add_caching_headers(response: &mut Response, negotiated: bool) {
    let header = |description: &str| {
        RefOr::T(
            HeaderBuilder::new()
                .description(Some(description.to_owned()))
                .build(),
        )
    };
    response.headers.insert(
        "ETag".to_owned(),
        header("Strong entity tag of this representation; send it back as `If-None-Match`."),
    );
    response.headers.insert(
        "Cache-Control".to_owned(),
        header("`no-cache`: keep the answer but revalidate it before use."),
    );
    if negotiated {
        response.headers.insert(
            "Vary".to_owned(),
            header("`accept`: the representation depends on the `Accept` header."),
        );
    }
}

/// The rendered document, served as is with its entity tag.
#[derive(Debug, Clone)]
pub struct Document {
    /// The JSON text.
    pub json: Bytes,
    /// A strong entity tag over the text.
    pub etag: String,
}

impl Document {
    /// Renders [`ApiDoc`].
    pub fn render() -> Document {
        use std::hash::{Hash, Hasher};
        // Serializing the document's plain data cannot fail.
        let json = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        json.hash(&mut hasher);
        Document {
            etag: format!("\"{:016x}-openapi\"", hasher.finish()),
            json: Bytes::from(json),
        }
    }
}
