//! specdex in a browser: a plain, server-rendered catalog over the query
//! engine.
//!
//! Pages: `/` (search box, providers and their APIs), `/search?q=`,
//! `/p/{provider}` (its APIs; for a provider with one API, that API's page),
//! `/p/{provider}/{api}` (`?version=`; endpoints by tag, schemas, history
//! with the counts of changes between editions, what changed in the
//! edition shown, version picker), `/p/{provider}/{api}/changes`
//! (`?from=&to=&level=&endpoint=`: what changed between two editions),
//! `/p/{provider}/{api}/e/{METHOD}/{path}` and
//! `/p/{provider}/{api}/s/{name}` (permalinks), `/p/{provider}/{api}/t/{tag}`
//! (a tag's endpoints in full; `?fragment=1`: those alone, for the API
//! page's script), `/docs` (connecting an agent, using the REST API), and
//! `/static/*`. The permalinks from before
//! providers had several APIs, `/p/{provider}/e/…` and `/p/{provider}/s/…`,
//! redirect to the API's when the provider has one API, and answer 404
//! linking its APIs when it has several. Templates are minijinja, embedded,
//! HTML-autoescaped; descriptions from specs are CommonMark rendered and
//! sanitized ([`markdown`]); every page carries a Content-Security-Policy
//! that allows only this server's own script.
//!
//! The API page's endpoints and schemas come from the snapshot's listing
//! and schema names and are rendered once per snapshot (snapshots never
//! change) and kept in memory, as is each tag's section (its endpoints in
//! full, from the engine's details). A small API's page carries every
//! section and schema in full; a large one's (more than
//! [`view::INLINE_UP_TO`] endpoints, as GitHub's 1,223) a line per endpoint
//! and schema, linking its page, which the in-page filter searches; opening
//! a tag's section loads it (`app.js`), and each tag's page reads without
//! JavaScript. Diffs are the engine's
//! (`Engine::changes`, `Engine::history_changes`), cached there per pair
//! of snapshots.
//!
//! ```no_run
//! # fn app(engine: std::sync::Arc<specdex_query::Engine>) -> axum::Router {
//! let config = specdex_server::ServerConfig::default();
//! specdex_server::router(engine.clone(), &config).merge(specdex_web::router(engine))
//! # }
//! ```

pub mod json;
pub mod markdown;
mod pages;
pub mod view;

use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, LOCATION};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use specdex_query::{ChangeQuery, Engine, QueryError};
use tower_http::compression::CompressionLayer;
use tower_http::compression::CompressionLevel;

pub use pages::Web;

/// The script and style sheet, served from `/static/`.
const STYLE: &str = include_str!("../static/style.css");
const SCRIPT: &str = include_str!("../static/app.js");
const ICON: &str = include_str!("../static/icon.svg");

/// What pages may load: this server's own script, styles and icon; nothing
/// else (sanitized descriptions carry no images).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The web pages with their state, ready to `.merge()` into the REST app
/// that [`specdex_server::router`](https://docs.rs/specdex-server) builds
/// (the paths do not overlap; the REST fallback still answers unknown paths).
/// Responses are gzip-compressed at the fastest level.
pub fn router(engine: Arc<Engine>) -> Router {
    routes()
        .with_state(Arc::new(Web::new(engine)))
        .layer(CompressionLayer::new().quality(CompressionLevel::Fastest))
}

/// The page routes, over [`Web`] state.
pub fn routes() -> Router<Arc<Web>> {
    Router::new()
        .route("/", get(index))
        .route("/search", get(search))
        .route("/docs", get(docs))
        .route("/p/{provider}", get(provider))
        .route("/p/{provider}/{api}", get(api))
        .route("/p/{provider}/{api}/changes", get(changes))
        .route("/p/{provider}/{api}/e/{*rest}", get(endpoint))
        .route("/p/{provider}/{api}/s/{*name}", get(schema))
        .route("/p/{provider}/{api}/t/{*tag}", get(tag))
        // Before providers had several APIs (and an API named `e` or `s`).
        .route("/p/{provider}/e/{*rest}", get(legacy_endpoint))
        .route("/p/{provider}/s/{*rest}", get(legacy_schema))
        .route("/static/style.css", get(style))
        .route("/static/app.js", get(script))
        .route("/static/icon.svg", get(icon))
}

#[derive(Debug, Default, Deserialize)]
struct IndexParams {
    cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct SearchParams {
    q: Option<String>,
    scope: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ProviderParams {
    version: Option<String>,
    cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct VersionParams {
    version: Option<String>,
}

/// A tag page's parameters: `fragment=1` asks for its endpoints alone.
#[derive(Debug, Default, Deserialize)]
struct TagParams {
    version: Option<String>,
    fragment: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct SchemaParams {
    version: Option<String>,
    depth: Option<usize>,
}

/// The changes page's parameters, as the query string writes them.
#[derive(Debug, Default, Deserialize)]
struct ChangeParams {
    from: Option<String>,
    to: Option<String>,
    level: Option<String>,
    /// `METHOD /path`, repeatable.
    #[serde(default)]
    endpoint: Vec<String>,
    cursor: Option<String>,
}

/// The changes question a query string asks about `api`. It is read here
/// rather than by an extractor so that a malformed one (a repeated `from`,
/// an unknown `level`) gets the site's error page, not a bare 400. Empty
/// values, which the page's form sends for "any", mean no value.
pub(crate) fn change_query(api: &str, query: Option<&str>) -> Result<ChangeQuery, QueryError> {
    let params: ChangeParams =
        serde_html_form::from_str(query.unwrap_or_default()).map_err(|e| {
            QueryError::BadRequest {
                parameter: "query string",
                message: e.to_string(),
            }
        })?;
    let given = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
    let level = given(params.level)
        .map(|text| {
            specdex_diff::Level::parse(&text).ok_or_else(|| QueryError::BadRequest {
                parameter: "level",
                message: format!("`{text}` is not a level; use breaking, warning or info"),
            })
        })
        .transpose()?;
    Ok(ChangeQuery {
        api: api.to_owned(),
        from: given(params.from),
        to: given(params.to),
        level,
        endpoints: params
            .endpoint
            .into_iter()
            .filter(|e| !e.trim().is_empty())
            .collect(),
        limit: None,
        cursor: given(params.cursor),
    })
}

async fn index(State(web): State<Arc<Web>>, Query(p): Query<IndexParams>) -> Response {
    web.page(move |web| web.index(p.cursor.as_deref())).await
}

async fn search(State(web): State<Arc<Web>>, Query(p): Query<SearchParams>) -> Response {
    web.page(move |web| web.search(p.q.as_deref().unwrap_or(""), p.scope.as_deref()))
        .await
}

async fn provider(
    State(web): State<Arc<Web>>,
    Path(provider): Path<String>,
    Query(p): Query<ProviderParams>,
) -> Response {
    web.page(move |web| web.provider(&provider, p.version.as_deref(), p.cursor.as_deref()))
        .await
}

async fn api(
    State(web): State<Arc<Web>>,
    Path((provider, api)): Path<(String, String)>,
    Query(p): Query<VersionParams>,
) -> Response {
    web.page(move |web| {
        web.api(
            &specdex_store::api_id(&provider, &api),
            p.version.as_deref(),
        )
    })
    .await
}

async fn changes(
    State(web): State<Arc<Web>>,
    Path((provider, api)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    web.page(move |web| web.changes_at(&specdex_store::api_id(&provider, &api), query.as_deref()))
        .await
}

async fn endpoint(
    State(web): State<Arc<Web>>,
    Path((provider, api, rest)): Path<(String, String, String)>,
    Query(p): Query<VersionParams>,
) -> Response {
    web.page(move |web| {
        web.endpoint_at(
            &specdex_store::api_id(&provider, &api),
            p.version.as_deref(),
            &rest,
        )
    })
    .await
}

async fn schema(
    State(web): State<Arc<Web>>,
    Path((provider, api, name)): Path<(String, String, String)>,
    Query(p): Query<SchemaParams>,
) -> Response {
    web.page(move |web| {
        web.schema(
            &specdex_store::api_id(&provider, &api),
            p.version.as_deref(),
            &name,
            p.depth,
        )
    })
    .await
}

async fn tag(
    State(web): State<Arc<Web>>,
    Path((provider, api, tag)): Path<(String, String, String)>,
    Query(p): Query<TagParams>,
) -> Response {
    let part = p.fragment.as_deref() == Some("1");
    web.page(move |web| {
        web.tag(
            &specdex_store::api_id(&provider, &api),
            p.version.as_deref(),
            &tag,
            part,
        )
    })
    .await
}

async fn legacy_endpoint(
    State(web): State<Arc<Web>>,
    Path((provider, rest)): Path<(String, String)>,
    Query(p): Query<SchemaParams>,
    RawQuery(query): RawQuery,
) -> Response {
    legacy_page(web, "e", provider, rest, p, query).await
}

async fn legacy_schema(
    State(web): State<Arc<Web>>,
    Path((provider, rest)): Path<(String, String)>,
    Query(p): Query<SchemaParams>,
    RawQuery(query): RawQuery,
) -> Response {
    legacy_page(web, "s", provider, rest, p, query).await
}

/// A permalink from before providers had several APIs, `kind` being `e`
/// (endpoint) or `s` (schema).
async fn legacy_page(
    web: Arc<Web>,
    kind: &'static str,
    provider: String,
    rest: String,
    p: SchemaParams,
    query: Option<String>,
) -> Response {
    web.page(move |web| {
        web.legacy(
            &provider,
            kind,
            &rest,
            p.version.as_deref(),
            p.depth,
            query.as_deref(),
        )
    })
    .await
}

async fn docs(State(web): State<Arc<Web>>, headers: HeaderMap) -> Response {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(view::clean_host);
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    web.page(move |web| web.docs(host.as_deref(), https)).await
}

async fn style() -> Response {
    asset(STYLE, "text/css; charset=utf-8")
}

async fn script() -> Response {
    asset(SCRIPT, "text/javascript; charset=utf-8")
}

async fn icon() -> Response {
    asset(ICON, "image/svg+xml")
}

fn asset(text: &'static str, content_type: &'static str) -> Response {
    let mut response = Response::new(Body::from(text));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// A rendered page: status and HTML, and where a redirect points.
pub struct Html {
    pub status: StatusCode,
    /// The page, or a part of one shared with the cache (never copied).
    pub body: Bytes,
    /// The `Location` of a redirect (a path on this server).
    pub location: Option<String>,
}

impl Html {
    /// A page that is not a redirect.
    pub fn new(status: StatusCode, body: impl Into<Bytes>) -> Html {
        Html {
            status,
            body: body.into(),
            location: None,
        }
    }
}

impl IntoResponse for Html {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert("content-security-policy", HeaderValue::from_static(CSP));
        headers.insert(
            "x-content-type-options",
            HeaderValue::from_static("nosniff"),
        );
        headers.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
        // Locations are built from percent-encoded paths, so they are
        // always valid header values; one that were not is left out.
        if let Some(location) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            headers.insert(LOCATION, location);
        }
        response
    }
}

impl Web {
    /// Renders a page on the blocking pool (engine calls may read SQLite).
    async fn page<F>(self: Arc<Self>, work: F) -> Response
    where
        F: FnOnce(&Web) -> Html + Send + 'static,
    {
        let web = self.clone();
        match tokio::task::spawn_blocking(move || work(&web)).await {
            Ok(html) => html.into_response(),
            Err(failure) => self
                .failure(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &format!("rendering failed: {failure}"),
                )
                .into_response(),
        }
    }
}
