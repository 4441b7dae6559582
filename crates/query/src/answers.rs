//! The answers the engine gives, as plain serializable data.
//!
//! These are the JSON shapes of the REST API and of MCP's
//! `structuredContent`; field names are part of the contract, so change them
//! only by adding.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use specdex_spec::{Endpoint, SecurityScheme, Server};
use specdex_store::{EndpointSummary, SnapshotInfo};

/// One provider in the catalog listing: who publishes which APIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderItem {
    pub provider: String,
    /// Its APIs' ids (`provider/api`), sorted.
    pub apis: Vec<String>,
    /// The title of its API (of the most recently ingested one when it has
    /// several).
    pub title: String,
    /// Version label of that API's current snapshot.
    pub version: String,
    /// Endpoints of all its APIs' current snapshots.
    pub endpoints: u32,
    /// Schemas of all its APIs' current snapshots.
    pub schemas: u32,
    /// How many editions the catalog keeps, of all its APIs.
    pub snapshots: u32,
    /// Unix seconds when its newest snapshot was ingested.
    pub ingested_at: i64,
}

/// One API in a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiItem {
    /// `provider/api`.
    pub api: String,
    pub provider: String,
    /// The API's name within its provider.
    pub name: String,
    pub title: String,
    /// Version label of the current snapshot.
    pub version: String,
    pub endpoints: u32,
    pub schemas: u32,
    /// How many editions the catalog keeps.
    pub snapshots: u32,
    /// Unix seconds when the current snapshot was ingested.
    pub ingested_at: i64,
}

/// A page of APIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiPage {
    /// The provider asked about, if the listing is one provider's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    pub apis: Vec<ApiItem>,
    /// APIs in the whole listing.
    pub total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// What the catalog knows of a provider: the detail of its API when it has
/// exactly one (the answer before providers had several), else its APIs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ProviderAnswer {
    /// The provider's only API, in detail (its `apis` lists just it).
    Single(Box<ApiDetail>),
    /// A provider with several APIs.
    Several(ApiPage),
}

/// A page of providers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProviderPage {
    pub providers: Vec<ProviderItem>,
    /// Providers in the whole catalog.
    pub total: usize,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A tag with the number of endpoints that carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagCount {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub endpoints: usize,
}

/// Everything about one API's snapshot except its endpoints and schemas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiDetail {
    /// `provider/api`.
    pub api: String,
    pub provider: String,
    pub title: String,
    pub version: String,
    /// `openapi 3.1`, `swagger 2.0`, ...
    pub format: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub base_urls: Vec<Server>,
    pub auth: Vec<SecurityScheme>,
    pub tags: Vec<TagCount>,
    pub endpoints: u32,
    pub schemas: u32,
    pub webhooks: usize,
    pub snapshot: SnapshotInfo,
}

/// The history of an API, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Versions {
    /// `provider/api`.
    pub api: String,
    pub provider: String,
    pub versions: Vec<SnapshotInfo>,
}

/// A page of an API's endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointPage {
    /// `provider/api`.
    pub api: String,
    pub provider: String,
    pub version: String,
    pub endpoints: Vec<EndpointSummary>,
    /// Endpoints matching the filters.
    pub total: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One endpoint in full, with what an agent needs to call it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointDetail {
    #[serde(flatten)]
    pub endpoint: Endpoint,
    /// The base URL calls go to (the endpoint's own, else the API's first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// The security schemes its requirements name, resolved.
    pub auth: Vec<SecurityScheme>,
    /// A ready-to-edit curl command: the spec's own sample when it has one.
    pub curl: String,
}

/// How much of each endpoint an answer shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Detail {
    /// What a call needs: summary, example, required parameters, required
    /// body fields, success responses.
    Brief,
    /// Everything, within the token budget.
    #[default]
    Full,
}

/// A part of an answer left out (to stay within the token budget, or by
/// `brief`), and the call that returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Omission {
    /// The endpoint it belongs to (`METHOD /path`); absent for schemas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// What was left out (`the description after its first paragraph`,
    /// `optional parameters `per_page`, `page``, `schemas A, B`).
    pub part: String,
    /// The tool call that returns it, as `tool {arguments}` (REST and the
    /// command line take the same arguments).
    pub call: String,
}

/// Endpoints asked for by key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointDetails {
    /// `provider/api`.
    pub api: String,
    pub provider: String,
    pub version: String,
    /// `full` or `brief`.
    #[serde(default)]
    pub detail: Detail,
    /// The token budget the markdown rendering was fitted to (o200k);
    /// absent where none was applied (the web page shows everything).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<usize>,
    pub endpoints: Vec<EndpointDetail>,
    /// With `include_schemas`: the named schemas the endpoints use (in
    /// parameters, request bodies and responses), each once, following
    /// references `schema_depth` levels; their own `$ref`s stay names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub schemas: Vec<SchemaDetail>,
    /// Levels of references followed for `schemas`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_depth: Option<usize>,
    /// What was left out, each with the call that returns it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub omitted: Vec<Omission>,
}

/// One schema, expanded to the depth asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchemaDetail {
    pub name: String,
    /// The schema; `$ref`s deeper than `depth` stay references, and a
    /// reference back into a schema being expanded carries `"x-circular": true`.
    pub schema: Value,
    /// The schema takes part in a reference cycle.
    pub in_cycle: bool,
    /// It lives in another file of a multi-file spec.
    pub external: bool,
    /// The endpoints that use it (`get_schemas` answers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_by: Option<UsedBy>,
}

/// The endpoints whose parameters, request body or responses reference a
/// schema, directly or through other schemas (up to
/// [`crate::USED_BY_REACH`] references away).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsedBy {
    /// How many endpoints use it.
    pub total: usize,
    /// The first of them as `METHOD /path`, those naming it directly first,
    /// then in document order; at most [`crate::USED_BY_LISTED`].
    pub endpoints: Vec<String>,
}

/// Schemas asked for by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchemaDetails {
    /// `provider/api`.
    pub api: String,
    pub provider: String,
    pub version: String,
    pub depth: usize,
    pub schemas: Vec<SchemaDetail>,
}

/// A group of endpoints under one tag, with a few representative ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagGroup {
    pub tag: String,
    pub endpoints: usize,
    /// Up to two `METHOD /path — summary` lines (fewer for later groups).
    pub examples: Vec<String>,
}

/// A short, deterministic overview of an API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    /// `provider/api`.
    pub api: String,
    pub provider: String,
    pub title: String,
    pub version: String,
    /// The first paragraph of the description: what the API is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// One line per security scheme (`bearer token in Authorization`).
    pub auth: Vec<String>,
    pub endpoints: u32,
    pub schemas: u32,
    pub groups: Vec<TagGroup>,
}

/// A search hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SearchHit {
    /// An API (`kind: "api"`).
    Api {
        /// `provider/api`.
        api: String,
        provider: String,
        title: String,
        score: f32,
    },
    Endpoint {
        /// The API it belongs to, `provider/api`.
        api: String,
        provider: String,
        method: String,
        path: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        summary: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        operation_id: Option<String>,
        score: f32,
    },
}

/// Search results, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub query: String,
    pub scope: crate::search::Scope,
    pub results: Vec<SearchHit>,
}

/// One edition named in a diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Edition {
    /// The snapshot id (labels repeat; ids do not).
    pub snapshot: i64,
    /// Its version label.
    pub version: String,
    /// Unix seconds when it was ingested.
    pub ingested_at: i64,
}

impl From<&SnapshotInfo> for Edition {
    fn from(snapshot: &SnapshotInfo) -> Edition {
        Edition {
            snapshot: snapshot.id,
            version: snapshot.version.clone(),
            ingested_at: snapshot.ingested_at,
        }
    }
}

/// What changed between two editions of an API: the counts first, then a
/// page of the changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Changes {
    /// Counts over every change of the endpoints asked about (all
    /// endpoints when none were named), whatever `level` filters.
    pub summary: specdex_diff::Summary,
    /// `provider/api`.
    pub api: String,
    pub from: Edition,
    pub to: Edition,
    /// The lowest level listed, if the question set one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<specdex_diff::Level>,
    /// The endpoints asked about, if the question named some.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<String>,
    /// How many changes match the question (this page and the others).
    pub total: usize,
    pub changes: Vec<specdex_diff::Change>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Whether a planned call is right: `ok` (no problem is an error), the
/// endpoint it was matched to, and every problem found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckAnswer {
    /// `provider/api`.
    pub api: String,
    pub provider: String,
    /// The edition the call was held against.
    pub version: String,
    /// True when no problem is an error.
    pub ok: bool,
    /// The endpoint the call was matched to, as `METHOD /template`.
    pub endpoint: Option<String>,
    /// Errors first.
    pub problems: Vec<specdex_check::Problem>,
    /// Problems found beyond those listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub more_problems: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}
