//! The eight tools: their arguments (input schemas from the argument types),
//! titles, annotations and output schemas, and the mapping of arguments to
//! a [`Query`]. No answers are computed here.

use std::sync::{Arc, LazyLock};

use rmcp::handler::server::common::schema_for_input;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use specdex_query::check::CallInput;
use specdex_query::diff::Level;
use specdex_query::{CallQuery, ChangeQuery, Detail, DetailOptions, Query, Scope};

use crate::outcome::ArgumentError;
use crate::schemas;

/// The tool names: a contract (DESIGN.md).
pub const TOOL_NAMES: [&str; 8] = [
    "search_apis",
    "list_endpoints",
    "get_endpoints",
    "get_schemas",
    "get_spec_summary",
    "list_versions",
    "diff_versions",
    "check_call",
];

/// Default page size of `list_endpoints` over MCP: a page of typical rows
/// stays well under 2,000 tokens (the engine's own default, 50, is for REST).
pub const LIST_LIMIT: usize = 30;

/// Default page size of `diff_versions` over MCP: 25 changes stay well under
/// 2,000 tokens even among Stripe's breaking ones (about 1,600; the engine's
/// default, 100, is for REST and the command line).
pub const DIFF_LIMIT: usize = 25;

/// Arguments of `search_apis`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// What to look for, in plain words: a task ("delete an Active Directory
    /// agent"), a resource ("charge refund"), an API or provider name, an
    /// operationId or a path fragment.
    pub query: String,
    /// `apis`, `endpoints` or `all` (default). `providers` is read as `apis`.
    #[serde(default)]
    pub scope: Option<SearchScope>,
    /// Most results to return (1–100, default 10).
    #[serde(default)]
    #[schemars(range(min = 1, max = 100))]
    pub limit: Option<usize>,
}

/// What a search looks at.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchScope {
    Apis,
    Endpoints,
    All,
    // The name of `apis` before providers had several APIs (no doc comment:
    // the schema stays a plain `enum`).
    Providers,
}

/// Arguments of `list_endpoints`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListEndpointsArgs {
    /// Required: the API as `provider/api`, the way search hits name it
    /// (`jumpcloud/v2`, `twilio/messaging`); a provider with only one API
    /// may be named alone (`stripe`).
    #[serde(default)]
    pub api: Option<String>,
    /// Older name of `api`, still accepted: a provider with one API. Give
    /// `api` or `provider`, not both.
    #[serde(default)]
    #[schemars(extend("deprecated" = true))]
    pub provider: Option<String>,
    /// Version label of an older edition (see `list_versions`); the current
    /// one when omitted.
    #[serde(default)]
    pub version: Option<String>,
    /// Only endpoints with this HTTP method (`GET`, `delete`, ...).
    #[serde(default)]
    pub method: Option<String>,
    /// Only endpoints carrying this tag (case-insensitive; `get_spec_summary`
    /// lists the tags).
    #[serde(default)]
    pub tag: Option<String>,
    /// Only endpoints whose path, summary or operationId contains every word.
    #[serde(default)]
    pub query: Option<String>,
    /// Page size (1–500, default 30).
    #[serde(default)]
    #[schemars(range(min = 1, max = 500))]
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Arguments of `get_endpoints`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetEndpointsArgs {
    /// Required: the API as `provider/api`, the way search hits name it
    /// (`jumpcloud/v2`, `twilio/messaging`); a provider with only one API
    /// may be named alone (`stripe`).
    #[serde(default)]
    pub api: Option<String>,
    /// Older name of `api`, still accepted: a provider with one API. Give
    /// `api` or `provider`, not both.
    #[serde(default)]
    #[schemars(extend("deprecated" = true))]
    pub provider: Option<String>,
    /// Version label of an older edition; the current one when omitted.
    #[serde(default)]
    pub version: Option<String>,
    /// Endpoints as `"METHOD /path"` exactly as listed, e.g.
    /// `["DELETE /activedirectories/{id}"]` (1–50).
    #[schemars(length(min = 1, max = 50))]
    pub endpoints: Vec<String>,
    /// `brief`: only what a call needs.
    #[serde(default)]
    pub detail: DetailArg,
    /// Token budget; default 1200 per endpoint.
    #[serde(default)]
    pub max_tokens: Option<usize>,
    /// Add the schemas they use.
    #[serde(default)]
    pub include_schemas: bool,
}

// How much of each endpoint to show. No doc comments here: the schema
// stays a plain inline `enum` (fewer tokens in `tools/list`).
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(inline)]
pub enum DetailArg {
    Brief,
    #[default]
    Full,
}

/// Arguments of `get_schemas`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetSchemasArgs {
    /// Required: the API as `provider/api`, the way search hits name it
    /// (`jumpcloud/v2`, `twilio/messaging`); a provider with only one API
    /// may be named alone (`stripe`).
    #[serde(default)]
    pub api: Option<String>,
    /// Older name of `api`, still accepted: a provider with one API. Give
    /// `api` or `provider`, not both.
    #[serde(default)]
    #[schemars(extend("deprecated" = true))]
    pub provider: Option<String>,
    /// Version label of an older edition; the current one when omitted.
    #[serde(default)]
    pub version: Option<String>,
    /// Schema names as they appear in `$ref`s and type labels (`Charge`,
    /// `systemuserput`), 1–50.
    #[schemars(length(min = 1, max = 50))]
    pub names: Vec<String>,
    /// How many levels of `$ref` to inline (0–10, default 0: references stay
    /// names you can ask for).
    #[serde(default)]
    #[schemars(range(min = 0, max = 10))]
    pub depth: Option<usize>,
}

/// Arguments of `get_spec_summary`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SummaryArgs {
    /// Required: the API as `provider/api`, the way search hits name it
    /// (`jumpcloud/v2`, `twilio/messaging`); a provider with only one API
    /// may be named alone (`stripe`).
    #[serde(default)]
    pub api: Option<String>,
    /// Older name of `api`, still accepted: a provider with one API. Give
    /// `api` or `provider`, not both.
    #[serde(default)]
    #[schemars(extend("deprecated" = true))]
    pub provider: Option<String>,
    /// Version label of an older edition; the current one when omitted.
    #[serde(default)]
    pub version: Option<String>,
}

/// Arguments of `list_versions`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionsArgs {
    /// Required: the API as `provider/api`, the way search hits name it
    /// (`jumpcloud/v2`, `twilio/messaging`); a provider with only one API
    /// may be named alone (`stripe`).
    #[serde(default)]
    pub api: Option<String>,
    /// Older name of `api`, still accepted: a provider with one API. Give
    /// `api` or `provider`, not both.
    #[serde(default)]
    #[schemars(extend("deprecated" = true))]
    pub provider: Option<String>,
}

/// Arguments of `diff_versions`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffArgs {
    /// Required: the API as `provider/api`, the way search hits name it
    /// (`jumpcloud/v2`, `twilio/messaging`); a provider with only one API
    /// may be named alone (`stripe`).
    #[serde(default)]
    pub api: Option<String>,
    /// Older name of `api`, still accepted: a provider with one API. Give
    /// `api` or `provider`, not both.
    #[serde(default)]
    #[schemars(extend("deprecated" = true))]
    pub provider: Option<String>,
    /// The older edition: a version label from `list_versions`, a snapshot
    /// id (`#12`; labels can repeat, ids do not) or a date (`2025-06-30`:
    /// the edition current at the end of that day). Default: the edition
    /// before `to`.
    #[serde(default)]
    pub from: Option<String>,
    /// The newer edition, written like `from`. Default: the current one.
    #[serde(default)]
    pub to: Option<String>,
    /// Only changes of these endpoints, as `"METHOD /path"` (up to 50):
    /// the ones your code calls.
    #[serde(default)]
    #[schemars(length(max = 50))]
    pub endpoints: Vec<String>,
    /// List only changes at this level or above (`breaking`: only what
    /// breaks clients); the summary still counts all.
    #[serde(default)]
    pub level: Option<DiffLevel>,
    /// Changes per page (1–1000, default 25).
    #[serde(default)]
    #[schemars(range(min = 1, max = 1000))]
    pub limit: Option<usize>,
    /// `next_cursor` from the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// Arguments of `check_call`: the API, and the call as REST's `/check`
/// takes it. (Unknown arguments are refused by `refuse_unknown`: serde
/// cannot through a flattened field; the schema says so itself.)
#[derive(Debug, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CheckArgs {
    /// Required: the API as `provider/api`.
    #[serde(default)]
    pub api: Option<String>,
    /// Older name of `api`.
    #[serde(default)]
    #[schemars(extend("deprecated" = true))]
    pub provider: Option<String>,
    /// An older edition's label; default: current.
    #[serde(default)]
    pub version: Option<String>,
    #[serde(flatten)]
    pub call: CallInput,
}

/// How much a change matters to a client written against the older edition.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiffLevel {
    // No doc comments on the variants: the schema stays a plain `enum`
    // (fewer tokens in `tools/list`); `level` says what each lists.
    Breaking,
    Warning,
    Info,
}

/// The question a tool call asks, or why its arguments do not make one.
/// `Ok(None)`: no such tool.
pub fn query(name: &str, arguments: Option<JsonObject>) -> Result<Option<Query>, ArgumentError> {
    let arguments = Value::Object(arguments.unwrap_or_default());
    Ok(Some(match name {
        "search_apis" => {
            let a: SearchArgs = parse(arguments)?;
            Query::Search {
                query: a.query,
                scope: a.scope.map(|s| match s {
                    SearchScope::Apis | SearchScope::Providers => Scope::Apis,
                    SearchScope::Endpoints => Scope::Endpoints,
                    SearchScope::All => Scope::All,
                }),
                limit: a.limit,
            }
        }
        "list_endpoints" => {
            let a: ListEndpointsArgs = parse(arguments)?;
            Query::Endpoints {
                api: api_name(a.api, a.provider)?,
                version: a.version,
                method: a.method,
                tag: a.tag,
                text: a.query,
                limit: Some(a.limit.unwrap_or(LIST_LIMIT)),
                cursor: a.cursor,
            }
        }
        "get_endpoints" => {
            let a: GetEndpointsArgs = parse(arguments)?;
            Query::EndpointDetails {
                api: api_name(a.api, a.provider)?,
                version: a.version,
                endpoints: a.endpoints,
                options: DetailOptions {
                    detail: match a.detail {
                        DetailArg::Brief => Detail::Brief,
                        DetailArg::Full => Detail::Full,
                    },
                    max_tokens: a.max_tokens,
                    include_schemas: a.include_schemas,
                    schema_depth: None,
                },
            }
        }
        "get_schemas" => {
            let a: GetSchemasArgs = parse(arguments)?;
            Query::Schemas {
                api: api_name(a.api, a.provider)?,
                version: a.version,
                names: a.names,
                depth: a.depth,
            }
        }
        "get_spec_summary" => {
            let a: SummaryArgs = parse(arguments)?;
            Query::Summary {
                api: api_name(a.api, a.provider)?,
                version: a.version,
            }
        }
        "list_versions" => {
            let a: VersionsArgs = parse(arguments)?;
            Query::Versions {
                api: api_name(a.api, a.provider)?,
            }
        }
        "diff_versions" => {
            let a: DiffArgs = parse(arguments)?;
            Query::Changes(ChangeQuery {
                api: api_name(a.api, a.provider)?,
                from: a.from,
                to: a.to,
                level: a.level.map(|level| match level {
                    DiffLevel::Breaking => Level::Breaking,
                    DiffLevel::Warning => Level::Warning,
                    DiffLevel::Info => Level::Info,
                }),
                endpoints: a.endpoints,
                limit: Some(a.limit.unwrap_or(DIFF_LIMIT)),
                cursor: a.cursor,
            })
        }
        "check_call" => {
            refuse_unknown(&arguments, "check_call")?;
            let a: CheckArgs = parse(arguments)?;
            Query::Check(CallQuery {
                api: api_name(a.api, a.provider)?,
                version: a.version,
                call: a.call.into(),
            })
        }
        _ => return Ok(None),
    }))
}

/// An argument the tool's input schema does not name (serde cannot refuse
/// them itself through a flattened field).
fn refuse_unknown(arguments: &Value, name: &str) -> Result<(), ArgumentError> {
    let known = tool(name)
        .and_then(|t| t.input_schema.get("properties"))
        .and_then(Value::as_object);
    let (Some(given), Some(known)) = (arguments.as_object(), known) else {
        return Ok(());
    };
    match given.keys().find(|k| !known.contains_key(k.as_str())) {
        Some(unknown) => Err(ArgumentError {
            argument: None,
            message: format!(
                "unknown field `{unknown}`, expected one of {}",
                known
                    .keys()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
        None => Ok(()),
    }
}

/// The API a call names: `api`, or `provider` (its name before providers
/// had several APIs, which the engine resolves the same way). Exactly one
/// of them; an empty one counts as absent.
pub fn api_name(api: Option<String>, provider: Option<String>) -> Result<String, ArgumentError> {
    let given = |name: Option<String>| name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    match (given(api), given(provider)) {
        (Some(api), None) | (None, Some(api)) => Ok(api),
        (Some(_), Some(_)) => Err(ArgumentError {
            argument: None,
            message: "give `api` or `provider`, not both (`provider` is the older name of \
                      `api`); name the API as `api: \"provider/api\"`"
                .to_owned(),
        }),
        (None, None) => Err(ArgumentError {
            argument: None,
            message: "missing field `api`: name the API as `api: \"provider/api\"` (a \
                      provider with one API may be named alone); `search_apis` finds them"
                .to_owned(),
        }),
    }
}

fn parse<T: DeserializeOwned>(arguments: Value) -> Result<T, ArgumentError> {
    serde_path_to_error::deserialize(arguments).map_err(|e| {
        let path = e.path().to_string();
        ArgumentError {
            argument: (path != ".").then_some(path),
            message: e.into_inner().to_string(),
        }
    })
}

/// Every tool, in contract order.
pub fn tools() -> &'static [Tool] {
    static TOOLS: LazyLock<Vec<Tool>> = LazyLock::new(build);
    &TOOLS
}

/// A tool by name.
pub fn tool(name: &str) -> Option<&'static Tool> {
    tools().iter().find(|t| t.name == name)
}

fn input<T: JsonSchema + 'static>() -> Arc<JsonObject> {
    // The argument types are objects by construction.
    schema_for_input::<T>().unwrap_or_default()
}

fn read_only(title: &str) -> ToolAnnotations {
    ToolAnnotations::with_title(title)
        .read_only(true)
        .destructive(false)
        .idempotent(true)
        .open_world(false)
}

fn build() -> Vec<Tool> {
    let defs: [(&str, &str, &str, Arc<JsonObject>, &str); 8] = [
        (
            "search_apis",
            "Search APIs and endpoints",
            "Full-text search over every API in the catalog and their endpoints, best match \
             first. Start here when you know what you want to do but not which API or endpoint \
             does it. Each hit names its API as `provider/api` and, for endpoints, \
             `METHOD /path` — pass them to `get_endpoints` as `api` and `endpoints`.",
            input::<SearchArgs>(),
            "SearchResults",
        ),
        (
            "list_endpoints",
            "List an API's endpoints",
            "One page of an API's endpoints (method, path, summary, tags), filtered by \
             method, tag or words. Pass `next_cursor` back as `cursor` for the next page. Use it \
             to browse an area of an API; then fetch the ones you need with `get_endpoints`.",
            input::<ListEndpointsArgs>(),
            "EndpointPage",
        ),
        (
            "get_endpoints",
            "Get endpoints in full",
            "Everything needed to call endpoints named `\"METHOD /path\"`: description, a curl \
             example, parameters, request body fields, responses and auth, within a token \
             budget; what is cut comes with the call that returns it. Unknown endpoints come \
             back with the closest matches.",
            input::<GetEndpointsArgs>(),
            "EndpointDetails",
        ),
        (
            "get_schemas",
            "Get schemas",
            "Named schemas as JSON Schema, and the endpoints using them. `$ref`s stay names \
             unless `depth` asks to inline them; unknown names come back with the closest \
             matches.",
            input::<GetSchemasArgs>(),
            "SchemaDetails",
        ),
        (
            "get_spec_summary",
            "Summarize an API",
            "A short overview of one API: what it is for, base URL, auth, endpoint and schema \
             counts, and its endpoint groups (tags) with example endpoints. Read it before \
             browsing an unfamiliar API.",
            input::<SummaryArgs>(),
            "Summary",
        ),
        (
            "list_versions",
            "List an API's versions",
            "Every ingested edition of an API, newest first: version label, endpoint and schema \
             counts, when it was ingested and whether it is current. Pass a label as `version` \
             to the other tools to ask about an older edition.",
            input::<VersionsArgs>(),
            "Versions",
        ),
        (
            "diff_versions",
            "What changed between versions",
            "What changed between two editions of an API (default: the previous one → the \
             current one): endpoints added and removed, parameters, request and response \
             fields, enums, auth and base URLs, each change with a level (`breaking`, \
             `warning`, `info`), a stable rule id and the endpoint it affects. Name \
             `endpoints` to ask only about the ones your code calls; `level: breaking` lists \
             only what breaks clients. The answer opens with counts.",
            input::<DiffArgs>(),
            "Changes",
        ),
        (
            "check_call",
            "Check a planned call",
            "Check an HTTP call against the spec before making it. Answers `ok` and each \
             problem's `kind`, place (`in`, `name`, `pointer`), `expected` and `fix`: unknown \
             paths (closest endpoints), missing or misplaced parameters, wrong types or enum \
             values, unknown or missing body fields, wrong content type, missing credentials.",
            input::<CheckArgs>(),
            "CheckAnswer",
        ),
    ];
    defs.into_iter()
        .map(|(name, title, description, input, output)| {
            let mut tool = Tool::new_with_raw(name, Some(description.into()), input)
                .with_title(title)
                .with_annotations(read_only(title));
            if let Some(schema) = schemas::output(output) {
                tool = tool.with_raw_output_schema(schema);
            }
            tool
        })
        .collect()
}
