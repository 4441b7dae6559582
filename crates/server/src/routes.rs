//! The handlers: typed parameters in, one engine question, the answer out.
//! The `#[utoipa::path]` on each is its entry in `/openapi.json`.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Deserializer, Serialize};
use specdex_ingest::IngestLine;
use specdex_query::check::CallInput;
use specdex_query::diff::Level;
use specdex_query::{
    ApiDetail, ApiPage, CallQuery, ChangeQuery, Changes, CheckAnswer, Detail, DetailOptions,
    EndpointDetails, EndpointPage, ProviderAnswer, ProviderPage, Query, SchemaDetails, Scope,
    SearchResults, Summary, Versions,
};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{Format, FormatParam, IfNoneMatch, JsonBody, Params, given};
use crate::openapi::{
    ApiStatuses, DocumentStatuses, HealthStatuses, ListingStatuses, PublishStatuses,
};
use crate::reply;

/// The provider a route is about.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProviderPath {
    /// The provider's slug, as `/v1/providers` lists it.
    #[param(min_length = 1, example = "jumpcloud")]
    pub provider: String,
}

/// The API a route is about, `/v1/apis/{provider}/{api}`: described in
/// `/openapi.json`; [`NamedApi`] reads it, and the older form too.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // described, never built
pub struct ApiPath {
    /// The provider's slug, as `/v1/providers` lists it.
    #[param(min_length = 1, example = "jumpcloud")]
    pub provider: String,
    /// The API's name within the provider, as `/v1/apis` lists it.
    #[param(min_length = 1, example = "v2")]
    pub api: String,
}

/// What an API route's path names: `/v1/apis/{provider}/{api}/…`, or under
/// the routes of the release before APIs had their own identity,
/// `/v1/providers/{provider}/…`, a provider that has exactly one API.
#[derive(Debug, Deserialize)]
pub struct NamedApi {
    provider: String,
    #[serde(default)]
    api: Option<String>,
}

impl NamedApi {
    /// The name as the engine resolves it.
    fn name(self) -> String {
        match self.api {
            Some(api) => specdex_store::api_id(&self.provider, &api),
            None => self.provider,
        }
    }
}

/// Which edition of the API's document to answer from.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParam {
    /// A version label from `/v1/apis/{provider}/{api}/versions`; the
    /// current snapshot when absent.
    #[param(nullable = false)]
    pub version: Option<String>,
}

/// Which APIs to list, a page at a time.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApisParams {
    /// Only this provider's APIs.
    #[serde(default, deserialize_with = "given")]
    #[param(nullable = false, min_length = 1)]
    pub provider: Option<String>,
    /// APIs per page; 50 when absent.
    #[serde(default, deserialize_with = "given")]
    #[param(minimum = 1, maximum = 500, nullable = false)]
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page; the first page when absent.
    #[param(nullable = false, pattern = r"^(o[0-9]{1,19})?$")]
    pub cursor: Option<String>,
}

/// Paging of the provider listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProvidersParams {
    /// Providers per page; 50 when absent.
    #[serde(default, deserialize_with = "given")]
    #[param(minimum = 1, maximum = 500, nullable = false)]
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page; the first page when absent.
    #[param(nullable = false, pattern = r"^(o[0-9]{1,19})?$")]
    pub cursor: Option<String>,
}

/// A full-text search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for, in words (`delete active directory agent`).
    #[param(
        min_length = 1,
        max_length = 1000,
        example = "delete active directory",
        pattern = r"[^\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub q: String,
    /// Look at `apis` (`providers` is read the same), `endpoints` or `all`
    /// (the default).
    #[serde(default, deserialize_with = "given")]
    #[param(inline, nullable = false)]
    pub scope: Option<Scope>,
    /// Most hits returned; 10 when absent.
    #[serde(default, deserialize_with = "given")]
    #[param(minimum = 1, maximum = 100, nullable = false)]
    pub limit: Option<usize>,
}

/// Filters and paging of an endpoint listing.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EndpointsParams {
    /// Only this HTTP method (any case).
    #[serde(default, deserialize_with = "given")]
    #[param(
        nullable = false,
        pattern = r"^([Gg][Ee][Tt]|[Pp][Uu][Tt]|[Pp][Oo][Ss][Tt]|[Dd][Ee][Ll][Ee][Tt][Ee]|[Oo][Pp][Tt][Ii][Oo][Nn][Ss]|[Hh][Ee][Aa][Dd]|[Pp][Aa][Tt][Cc][Hh]|[Tt][Rr][Aa][Cc][Ee])$"
    )]
    pub method: Option<String>,
    /// Only endpoints with this tag (any case).
    #[param(nullable = false)]
    pub tag: Option<String>,
    /// Only endpoints whose path, summary or operationId contain every word.
    #[param(nullable = false)]
    pub q: Option<String>,
    /// Endpoints per page; 50 when absent.
    #[serde(default, deserialize_with = "given")]
    #[param(minimum = 1, maximum = 500, nullable = false)]
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page; the first page when absent.
    #[param(nullable = false, pattern = r"^(o[0-9]{1,19})?$")]
    pub cursor: Option<String>,
}

/// Which editions to compare and which changes to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// The older edition: a version label, a snapshot id (`12` or `#12`;
    /// labels repeat, ids do not) or a date (`2025-06-30`: the newest
    /// snapshot ingested by the end of that day, UTC). The snapshot before
    /// `to` when absent.
    #[serde(default, deserialize_with = "given")]
    #[param(nullable = false, min_length = 1)]
    pub from: Option<String>,
    /// The newer edition, written like `from`; the current snapshot when absent.
    #[serde(default, deserialize_with = "given")]
    #[param(nullable = false, min_length = 1)]
    pub to: Option<String>,
    /// List only changes at this level or above (`breaking`; `warning`
    /// lists warnings and breaking changes). The summary counts them all.
    #[serde(default, deserialize_with = "given")]
    #[param(inline, nullable = false)]
    pub level: Option<Level>,
    /// Only changes of this endpoint, as `"METHOD /path"`; repeat for several (up to 50).
    #[serde(default)]
    #[param(value_type = Vec<EndpointKey>, max_items = 50)]
    pub endpoint: Vec<String>,
    /// Changes per page; 100 when absent.
    #[serde(default, deserialize_with = "given")]
    #[param(minimum = 1, maximum = 1000, nullable = false)]
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page; the first page when absent.
    #[param(nullable = false, pattern = r"^(o[0-9]{1,19})?$")]
    pub cursor: Option<String>,
}

/// The endpoints to describe.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DetailParams {
    /// One endpoint per `e`, as `"METHOD /path"` (`e=DELETE%20/activedirectories/{id}`);
    /// 1 to 50 of them.
    #[serde(default)]
    #[param(required = true, value_type = Vec<EndpointKey>, min_items = 1, max_items = 50)]
    pub e: Vec<String>,
    /// `brief`: only what a call needs (summary, example, required
    /// parameters and body fields, success responses); `full` when absent.
    #[serde(default, deserialize_with = "given")]
    #[param(inline, nullable = false)]
    pub detail: Option<Detail>,
    /// Token budget of the markdown rendering (o200k); 1,200 per endpoint
    /// (twice that with `include_schemas`) when absent. What does not fit
    /// is listed under `omitted` with the call that returns it.
    #[serde(default, deserialize_with = "given")]
    #[param(minimum = 200, maximum = 20000, nullable = false)]
    pub max_tokens: Option<usize>,
    /// Add every named schema the endpoints use, each once.
    #[serde(default, deserialize_with = "given")]
    #[param(nullable = false)]
    pub include_schemas: Option<bool>,
    /// Levels of `$ref` followed for `include_schemas`; 2 when absent.
    #[serde(default, deserialize_with = "given")]
    #[param(minimum = 1, maximum = 10, nullable = false)]
    pub schema_depth: Option<usize>,
}

/// The schemas to show.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SchemasParams {
    /// Schema names, comma-separated (`names=Charge,Customer`); 1 to 50.
    #[serde(default, deserialize_with = "comma_separated")]
    #[param(required = true, value_type = Vec<SchemaName>, style = Form, explode = false, min_items = 1, max_items = 50)]
    pub names: Vec<String>,
    /// How many levels of `$ref`s to expand inline (0 to 10); 0 when absent.
    #[serde(default, deserialize_with = "given")]
    #[param(minimum = 0, maximum = 10, nullable = false)]
    pub depth: Option<usize>,
}

/// `names=A,B` and `names=A&names=B` alike; an empty name is refused.
fn comma_separated<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let values = Vec::<String>::deserialize(deserializer)?;
    let names: Vec<String> = values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::to_owned)
        .collect();
    if names.iter().any(String::is_empty) {
        return Err(serde::de::Error::custom(
            "an empty schema name (names are comma-separated: `names=Pet,Error`)",
        ));
    }
    Ok(names)
}

/// A schema name (`Charge`, `models/droplet.yml`); within `names`, commas
/// separate names, so a name cannot hold one.
#[derive(ToSchema)]
#[schema(pattern = "^[^,]+$", examples("active-directory"))]
pub struct SchemaName(#[allow(dead_code)] String);

/// One endpoint named as `"METHOD /path"`, the method in any case
/// (whitespace is Unicode's, as the engine reads it).
#[derive(ToSchema)]
#[schema(
    pattern = r"^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*([Gg][Ee][Tt]|[Pp][Uu][Tt]|[Pp][Oo][Ss][Tt]|[Dd][Ee][Ll][Ee][Tt][Ee]|[Oo][Pp][Tt][Ii][Oo][Nn][Ss]|[Hh][Ee][Aa][Dd]|[Pp][Aa][Tt][Cc][Hh]|[Tt][Rr][Aa][Cc][Ee])[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/",
    examples("DELETE /activedirectories/{id}")
)]
pub struct EndpointKey(#[allow(dead_code)] String);

/// List the providers in the catalog.
///
/// Sorted by slug, a page at a time: pass `next_cursor` back as `cursor`
/// for the next page.
#[utoipa::path(
    get,
    path = "/v1/providers",
    tag = "catalog",
    operation_id = "listProviders",
    params(ProvidersParams, FormatParam),
    responses(
        (status = 200, description = "A page of providers.",
            content((ProviderPage = "application/json"), (String = "text/markdown"))),
        ListingStatuses,
    ),
)]
pub async fn providers(
    State(app): State<AppState>,
    Params(p): Params<ProvidersParams>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::Providers {
            limit: p.limit,
            cursor: p.cursor,
        })
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// List the APIs in the catalog, all or one provider's.
///
/// Sorted by id (`provider/api`), a page at a time: pass `next_cursor` back
/// as `cursor` for the next page.
#[utoipa::path(
    get,
    path = "/v1/apis",
    tag = "catalog",
    operation_id = "listApis",
    params(ApisParams, FormatParam),
    responses(
        (status = 200, description = "A page of APIs.",
            content((ApiPage = "application/json"), (String = "text/markdown"))),
        ApiStatuses,
    ),
)]
pub async fn apis(
    State(app): State<AppState>,
    Params(p): Params<ApisParams>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::Apis {
            provider: p.provider,
            limit: p.limit,
            cursor: p.cursor,
        })
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// Search APIs and endpoints, best first.
///
/// Start here to find which endpoint does something, then fetch it with
/// `/v1/apis/{provider}/{api}/endpoints/detail`.
#[utoipa::path(
    get,
    path = "/v1/search",
    tag = "catalog",
    operation_id = "search",
    params(SearchParams, FormatParam),
    responses(
        (status = 200, description = "Hits, best first.",
            content((SearchResults = "application/json"), (String = "text/markdown"))),
        ListingStatuses,
    ),
)]
pub async fn search(
    State(app): State<AppState>,
    Params(p): Params<SearchParams>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::Search {
            query: p.q,
            scope: p.scope,
            limit: p.limit,
        })
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// Describe a provider: its APIs.
///
/// A provider with exactly one API is answered with that API's detail (as
/// `/v1/apis/{provider}/{api}` gives it), the answer of the release before
/// providers had several APIs; a provider with several gets the list.
#[utoipa::path(
    get,
    path = "/v1/providers/{provider}",
    tag = "catalog",
    operation_id = "getProvider",
    params(ProviderPath, VersionParam, FormatParam),
    responses(
        (status = 200, description = "The provider's API in detail, or its APIs.",
            content((ProviderAnswer = "application/json"), (String = "text/markdown"))),
        ApiStatuses,
    ),
)]
pub async fn provider(
    State(app): State<AppState>,
    Path(path): Path<ProviderPath>,
    Params(v): Params<VersionParam>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::Provider {
            provider: path.provider,
            version: v.version,
        })
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// Describe one API's snapshot.
///
/// Description, base URLs, authentication, tags with their endpoint counts,
/// and the snapshot's history entry.
#[utoipa::path(
    get,
    path = "/v1/apis/{provider}/{api}",
    tag = "api",
    operation_id = "getApi",
    params(ApiPath, VersionParam, FormatParam),
    responses(
        (status = 200, description = "The API.",
            content((ApiDetail = "application/json"), (String = "text/markdown"))),
        ApiStatuses,
    ),
)]
pub async fn api(
    State(app): State<AppState>,
    Path(path): Path<NamedApi>,
    Params(v): Params<VersionParam>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::Api {
            api: path.name(),
            version: v.version,
        })
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// List an API's snapshots, newest first.
#[utoipa::path(
    get,
    path = "/v1/apis/{provider}/{api}/versions",
    tag = "api",
    operation_id = "listVersions",
    params(ApiPath, FormatParam),
    responses(
        (status = 200, description = "The API's history.",
            content((Versions = "application/json"), (String = "text/markdown"))),
        ApiStatuses,
    ),
)]
pub async fn versions(
    State(app): State<AppState>,
    Path(path): Path<NamedApi>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app.answer(Query::Versions { api: path.name() }).await?;
    Ok(reply::answer(answer, format, &cached))
}

/// List an API's endpoints, filtered, a page at a time.
#[utoipa::path(
    get,
    path = "/v1/apis/{provider}/{api}/endpoints",
    tag = "api",
    operation_id = "listEndpoints",
    params(ApiPath, EndpointsParams, VersionParam, FormatParam),
    responses(
        (status = 200, description = "A page of endpoints.",
            content((EndpointPage = "application/json"), (String = "text/markdown"))),
        ApiStatuses,
    ),
)]
pub async fn endpoints(
    State(app): State<AppState>,
    Path(path): Path<NamedApi>,
    Params(p): Params<EndpointsParams>,
    Params(v): Params<VersionParam>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::Endpoints {
            api: path.name(),
            version: v.version,
            method: p.method,
            tag: p.tag,
            text: p.q,
            limit: p.limit,
            cursor: p.cursor,
        })
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// Describe an API's endpoints in full.
///
/// Parameters, request body, responses, authentication and a curl command
/// for each endpoint named, fitted to a token budget; with
/// `include_schemas`, the schemas they use.
#[utoipa::path(
    get,
    path = "/v1/apis/{provider}/{api}/endpoints/detail",
    tag = "api",
    operation_id = "getEndpoints",
    params(ApiPath, DetailParams, VersionParam, FormatParam),
    responses(
        (status = 200, description = "The endpoints, in the order asked.",
            content((EndpointDetails = "application/json"), (String = "text/markdown"))),
        ApiStatuses,
    ),
)]
pub async fn endpoint_details(
    State(app): State<AppState>,
    Path(path): Path<NamedApi>,
    Params(p): Params<DetailParams>,
    Params(v): Params<VersionParam>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::EndpointDetails {
            api: path.name(),
            version: v.version,
            endpoints: p.e,
            options: DetailOptions {
                detail: p.detail.unwrap_or_default(),
                max_tokens: p.max_tokens,
                include_schemas: p.include_schemas.unwrap_or(false),
                schema_depth: p.schema_depth,
            },
        })
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// What changed between two editions of an API.
///
/// Every change has a stable rule id (see docs/diff-rules.md), a level
/// (`breaking`, `warning`, `info`), the endpoint, a location and the values
/// before and after. The answer opens with `summary` (counts), then a page
/// of changes: pass `next_cursor` back as `cursor` for the next.
#[utoipa::path(
    get,
    path = "/v1/apis/{provider}/{api}/changes",
    tag = "api",
    operation_id = "listChanges",
    params(ApiPath, ChangesParams, FormatParam),
    responses(
        (status = 200, description = "The counts and a page of changes.",
            content((Changes = "application/json"), (String = "text/markdown"))),
        ApiStatuses,
    ),
)]
pub async fn changes(
    State(app): State<AppState>,
    Path(path): Path<NamedApi>,
    Params(p): Params<ChangesParams>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::Changes(ChangeQuery {
            api: path.name(),
            from: p.from,
            to: p.to,
            level: p.level,
            endpoints: p.endpoint,
            limit: p.limit,
            cursor: p.cursor,
        }))
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// Check a planned call against the spec before making it.
///
/// The body describes the call: method, the concrete path (matched to its
/// template), query, headers, cookies, body and content type. The answer
/// says `ok` (no problem is an error) and lists every problem with its
/// `kind`, `severity`, where it is (`in`, `name`, a JSON `pointer` into the
/// body), what the spec `expected` and the `fix`. Credentials are looked
/// for by name, never read.
#[utoipa::path(
    post,
    path = "/v1/apis/{provider}/{api}/check",
    tag = "api",
    operation_id = "checkCall",
    params(ApiPath, VersionParam, FormatParam),
    request_body(content = CallInput, content_type = "application/json"),
    responses(
        (status = 200, description = "The verdict and every problem found.",
            content((CheckAnswer = "application/json"), (String = "text/markdown"))),
        ApiStatuses,
    ),
)]
pub async fn check(
    State(app): State<AppState>,
    Path(path): Path<NamedApi>,
    Params(v): Params<VersionParam>,
    format: Format,
    cached: IfNoneMatch,
    JsonBody(input): JsonBody<CallInput>,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::Check(CallQuery {
            api: path.name(),
            version: v.version,
            call: input.into(),
        }))
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// Where a published document comes from.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublishParams {
    /// The edition's label; the document's `info.version` when absent.
    #[param(nullable = false)]
    pub version: Option<String>,
    /// Where the document comes from (a repository and commit, a CI run, a
    /// URL), recorded with the snapshot; `published over HTTP` when absent.
    #[param(nullable = false)]
    pub source: Option<String>,
}

/// Publish a document as a new edition of the API.
///
/// The body is the OpenAPI or Swagger document itself, JSON or YAML, read
/// as `specdex ingest` reads one; it may reference nothing outside itself
/// (no file or URL `$ref`s). The API (`provider/api`) is created if needed.
/// Needs `Authorization: Bearer` with a `publish` key for this API (or an
/// `admin` key). Answers 201 with the new snapshot, or 200 when the API
/// already has this content (nothing is written).
#[utoipa::path(
    post,
    path = "/v1/apis/{provider}/{api}/snapshots",
    tag = "api",
    operation_id = "publishSnapshot",
    params(ApiPath, PublishParams),
    request_body(description = "The document, JSON or YAML.",
        content((String = "application/json"), (String = "application/yaml"))),
    responses(
        (status = 201, description = "A new snapshot, now the API's current one.",
            body = IngestLine),
        (status = 200, description = "The API already had this content; nothing was written.",
            body = IngestLine),
        PublishStatuses,
    ),
    security(("bearer" = [])),
)]
pub async fn publish(
    State(app): State<AppState>,
    Path(path): Path<NamedApi>,
    Params(p): Params<PublishParams>,
    caller: Authenticated,
    document: Bytes,
) -> Result<Response, ApiError> {
    let caller = caller.require("publishing")?;
    let key_name = caller.name.clone();
    let api = path.name();
    let published = app
        .blocking(move |engine| {
            engine.publish(
                &caller,
                &api,
                p.version.as_deref(),
                p.source.as_deref(),
                document.to_vec(),
            )
        })
        .await?;
    let status = match published.status {
        specdex_store::IngestStatus::New => StatusCode::CREATED,
        specdex_store::IngestStatus::Unchanged => StatusCode::OK,
    };
    let line = IngestLine {
        published_by: Some(key_name),
        ..published.line()
    };
    Ok((status, Json(line)).into_response())
}

/// Show named schemas, `$ref`s expanded to a depth.
#[utoipa::path(
    get,
    path = "/v1/apis/{provider}/{api}/schemas",
    tag = "api",
    operation_id = "getSchemas",
    params(ApiPath, SchemasParams, VersionParam, FormatParam),
    responses(
        (status = 200, description = "The schemas, in the order asked.",
            content((SchemaDetails = "application/json"), (String = "text/markdown"))),
        ApiStatuses,
    ),
)]
pub async fn schemas(
    State(app): State<AppState>,
    Path(path): Path<NamedApi>,
    Params(p): Params<SchemasParams>,
    Params(v): Params<VersionParam>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::Schemas {
            api: path.name(),
            version: v.version,
            names: p.names,
            depth: p.depth,
        })
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// Summarize an API: purpose, base URL, auth, endpoint groups by tag.
#[utoipa::path(
    get,
    path = "/v1/apis/{provider}/{api}/summary",
    tag = "api",
    operation_id = "getSummary",
    params(ApiPath, VersionParam, FormatParam),
    responses(
        (status = 200, description = "The summary.",
            content((Summary = "application/json"), (String = "text/markdown"))),
        ApiStatuses,
    ),
)]
pub async fn summary(
    State(app): State<AppState>,
    Path(path): Path<NamedApi>,
    Params(v): Params<VersionParam>,
    format: Format,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let answer = app
        .answer(Query::Summary {
            api: path.name(),
            version: v.version,
        })
        .await?;
    Ok(reply::answer(answer, format, &cached))
}

/// Download the document as ingested.
///
/// The root file's bytes, JSON or YAML as they were written; its entity tag
/// is the snapshot's content hash.
#[utoipa::path(
    get,
    path = "/v1/apis/{provider}/{api}/spec",
    tag = "api",
    operation_id = "getSpec",
    params(ApiPath, VersionParam),
    responses(
        (status = 200, description = "The original document.",
            content((serde_json::Value = "application/json"), (serde_json::Value = "application/yaml"))),
        ApiStatuses,
    ),
)]
pub async fn spec(
    State(app): State<AppState>,
    Path(path): Path<NamedApi>,
    Params(v): Params<VersionParam>,
    cached: IfNoneMatch,
) -> Result<Response, ApiError> {
    let (api, version) = (path.name(), v.version);
    let asked = (api.clone(), version.clone());
    let current = app
        .blocking(move |engine| engine.resolve(&asked.0, asked.1.as_deref()))
        .await?;
    let etag = document_tag(&current);
    if cached.matches(&etag) {
        return Ok(reply::not_modified(&etag));
    }
    let (snapshot, document) = app
        .blocking(move |engine| engine.document(&api, version.as_deref()))
        .await?;
    let content_type = document_type(&document);
    Ok(reply::bytes(
        &document_tag(&snapshot),
        content_type,
        &cached,
        || Body::from(document),
    ))
}

/// A document's entity tag: its snapshot's content hash.
fn document_tag(snapshot: &specdex_store::SnapshotInfo) -> String {
    format!("\"{}\"", snapshot.content_hash)
}

/// JSON when the first byte that is not blank (nor a byte order mark) opens
/// an object or array; YAML otherwise.
fn document_type(bytes: &[u8]) -> &'static str {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => "application/json",
        _ => "application/yaml",
    }
}

/// This API's own OpenAPI 3.1 document, generated from the code.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "service",
    operation_id = "getOpenapi",
    responses(
        (status = 200, description = "The OpenAPI document.", body = serde_json::Value),
        DocumentStatuses,
    ),
)]
pub async fn openapi(State(app): State<AppState>, cached: IfNoneMatch) -> Response {
    let document = app.openapi.clone();
    reply::bytes(&document.etag, "application/json", &cached, || {
        Body::from(document.json.clone())
    })
}

/// The service's health.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"status": "ok", "providers": 12, "apis": 15, "generation": 40})))]
pub struct Health {
    /// Always `ok` (an unhealthy service answers with an error instead).
    pub status: String,
    /// Providers in the catalog.
    pub providers: usize,
    /// APIs in the catalog.
    pub apis: usize,
    /// The catalog's generation: it grows with every ingest.
    pub generation: i64,
}

/// Liveness and readiness: the catalog answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "service",
    operation_id = "health",
    responses(
        (status = 200, description = "The service is up and its catalog answers.", body = Health),
        HealthStatuses,
    ),
)]
pub async fn healthz(State(app): State<AppState>) -> Result<Json<Health>, ApiError> {
    let (generation, (providers, apis)) = app
        .blocking(|engine| Ok((engine.generation()?, engine.counts()?)))
        .await?;
    Ok(Json(Health {
        status: "ok".to_owned(),
        providers,
        apis,
        generation,
    }))
}

/// Any path no route has.
pub async fn no_route(uri: Uri) -> ApiError {
    ApiError::NoRoute {
        path: uri.path().to_owned(),
    }
}

/// A route asked with a method it does not take.
pub async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed {
        method: method.to_string(),
        path: uri.path().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_document_type() {
        assert_eq!(document_type(b"  \n{\"openapi\": 1}"), "application/json");
        assert_eq!(document_type(b"\xEF\xBB\xBF[1]"), "application/json");
        assert_eq!(document_type(b"openapi: 3.1.0\n"), "application/yaml");
        assert_eq!(document_type(b"# comment\n{}"), "application/yaml");
        assert_eq!(document_type(b""), "application/yaml");
    }
}
