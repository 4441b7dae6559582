//! Resources: one summary per API, templates for summaries, endpoints and
//! schemas (`specdex://{provider}/{api}/...`, `?version=V` for an older
//! edition), and completions for the templates' variables.
//!
//! The URIs of the previous release, `specdex://{provider}/summary`,
//! `.../endpoints/...` and `.../schemas/...`, still resolve for a provider
//! with one API: the segment after the provider being `summary`,
//! `endpoints` or `schemas` marks that form.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use rmcp::ErrorData;
use rmcp::model::{
    CompleteRequestParams, CompleteResult, CompletionInfo, ListResourceTemplatesResult,
    ListResourcesResult, Reference, Resource, ResourceContents, ResourceTemplate,
};
use specdex_query::{DetailOptions, EndpointFilter, Engine, MAX_LIMIT, Query, QueryError};

/// The scheme of every resource URI.
pub const SCHEME: &str = "specdex://";
/// Markdown, the rendering resources return.
pub const MARKDOWN: &str = "text/markdown";

pub const SUMMARY_TEMPLATE: &str = "specdex://{provider}/{api}/summary";
pub const ENDPOINT_TEMPLATE: &str = "specdex://{provider}/{api}/endpoints/{method}/{path}";
pub const SCHEMA_TEMPLATE: &str = "specdex://{provider}/{api}/schemas/{name}";

/// The kinds of resource: the segment after the API, or, in the previous
/// release's URIs, right after the provider.
const KINDS: [&str; 3] = ["summary", "endpoints", "schemas"];

/// Characters escaped in a URI segment built here.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^');

/// Characters escaped in the provider and API segments, which must not
/// carry a `/` of their own.
const NAME: &AsciiSet = &SEGMENT.add(b'/');

/// `{provider}/{api}` for an API id (`provider/api`); a name without `/`
/// (a provider with one API) stays one segment, the previous release's form.
fn api_segments(api: &str) -> String {
    match specdex_store::split_api_id(api) {
        Some((provider, name)) => format!(
            "{}/{}",
            utf8_percent_encode(provider, NAME),
            utf8_percent_encode(name, NAME)
        ),
        None => utf8_percent_encode(api, NAME).to_string(),
    }
}

/// The resource of an API's summary; `api` is its id, `provider/api`.
pub fn summary_uri(api: &str) -> String {
    format!("{SCHEME}{}/summary", api_segments(api))
}

/// The resource of one endpoint of `api` (`path` keeps its slashes).
pub fn endpoint_uri(api: &str, method: &str, path: &str) -> String {
    format!(
        "{SCHEME}{}/endpoints/{method}/{}",
        api_segments(api),
        utf8_percent_encode(path.trim_start_matches('/'), SEGMENT)
    )
}

/// The resource of one named schema of `api`.
pub fn schema_uri(api: &str, name: &str) -> String {
    format!(
        "{SCHEME}{}/schemas/{}",
        api_segments(api),
        utf8_percent_encode(name, SEGMENT)
    )
}

/// The resource templates, with what they answer.
pub fn templates() -> Vec<ResourceTemplate> {
    vec![
        ResourceTemplate::new(ENDPOINT_TEMPLATE, "endpoint")
            .with_title("An endpoint in full")
            .with_description(
                "One endpoint as `get_endpoints` renders it: description, curl, parameters, \
                 request body, responses, auth. `path` is the path template without its leading \
                 slash (`activedirectories/{id}`), percent-encoded or not; add `?version=V` for \
                 an older edition.",
            )
            .with_mime_type(MARKDOWN),
        ResourceTemplate::new(SCHEMA_TEMPLATE, "schema")
            .with_title("A named schema")
            .with_description(
                "One schema as JSON Schema, `$ref`s kept as names; add `?version=V` for an \
                 older edition.",
            )
            .with_mime_type(MARKDOWN),
        ResourceTemplate::new(SUMMARY_TEMPLATE, "summary")
            .with_title("An API's summary")
            .with_description(
                "What the API is for, base URL, auth, counts and endpoint groups, as \
                 `get_spec_summary` renders it. `{provider}/{api}` is the API's id as search \
                 hits name it (`jumpcloud/v2`).",
            )
            .with_mime_type(MARKDOWN),
    ]
}

pub fn list_templates() -> ListResourceTemplatesResult {
    ListResourceTemplatesResult::with_all_items(templates())
}

/// Page size of `resources/list`.
const RESOURCE_PAGE: usize = 100;

/// One summary resource per API, a page at a time.
pub fn list(engine: &Engine, cursor: Option<&str>) -> Result<ListResourcesResult, ErrorData> {
    let page = engine
        .apis(None, Some(RESOURCE_PAGE), cursor)
        .map_err(|e| protocol_error(&e))?;
    let resources = page
        .apis
        .into_iter()
        .map(|a| {
            Resource::new(summary_uri(&a.api), a.api.clone())
                .with_title(a.title.clone())
                .with_description(format!(
                    "{} {}: {} endpoints, {} schemas.",
                    a.title, a.version, a.endpoints, a.schemas
                ))
                .with_mime_type(MARKDOWN)
        })
        .collect();
    let mut result = ListResourcesResult::with_all_items(resources);
    result.next_cursor = page.next_cursor;
    Ok(result)
}

/// What a resource URI asks.
pub fn parse(uri: &str) -> Result<Query, ErrorData> {
    let bad = |why: &str| {
        ErrorData::invalid_params(
            format!(
                "`{uri}` is not a specdex resource ({why}); the templates are \
                 {ENDPOINT_TEMPLATE}, {SCHEMA_TEMPLATE} and {SUMMARY_TEMPLATE}"
            ),
            None,
        )
    };
    let rest = uri
        .strip_prefix(SCHEME)
        .ok_or_else(|| bad("scheme is not specdex://"))?;
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut version = None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("version", v)) => version = Some(decode(v)),
            _ => return Err(bad("the only query parameter is `version`")),
        }
    }
    let (provider, rest) = rest.split_once('/').ok_or_else(|| bad("no provider"))?;
    let provider = decode(provider);
    if provider.is_empty() {
        return Err(bad("no provider"));
    }
    let (second, after) = rest.split_once('/').unwrap_or((rest, ""));
    let (api, kind, rest) = if KINDS.contains(&second) {
        // The previous release's form: a provider with one API.
        (provider, second, after)
    } else {
        let name = decode(second);
        if name.is_empty() {
            return Err(bad("no API after the provider"));
        }
        let (kind, rest) = after.split_once('/').unwrap_or((after, ""));
        (format!("{provider}/{name}"), kind, rest)
    };
    match kind {
        "summary" if rest.is_empty() => Ok(Query::Summary { api, version }),
        "endpoints" => {
            let (method, path) = rest
                .split_once('/')
                .ok_or_else(|| bad("an endpoint needs a method and a path"))?;
            let path = decode(path);
            let path = if path.starts_with('/') {
                path
            } else {
                format!("/{path}")
            };
            Ok(Query::EndpointDetails {
                api,
                version,
                endpoints: vec![format!("{} {path}", decode(method))],
                options: DetailOptions::default(),
            })
        }
        "schemas" if !rest.is_empty() => Ok(Query::Schemas {
            api,
            version,
            names: vec![decode(rest)],
            depth: None,
        }),
        _ => Err(bad("unknown kind of resource")),
    }
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The markdown of a resource.
pub fn read(engine: &Engine, uri: &str) -> Result<ResourceContents, ErrorData> {
    let query = parse(uri)?;
    let answer = engine.answer(&query).map_err(|e| protocol_error(&e))?;
    Ok(ResourceContents::text(answer.markdown.clone(), uri).with_mime_type(MARKDOWN))
}

/// An engine error on the protocol path (resources and prompts have no
/// `isError`): not found with the closest matches in the message and in
/// `data.suggestions`, a provider named where one of its several APIs is
/// meant likewise with its APIs, bad arguments as invalid params.
pub fn protocol_error(error: &QueryError) -> ErrorData {
    match error {
        QueryError::NotFound { suggestions, .. } => ErrorData::resource_not_found(
            error.to_string(),
            Some(serde_json::json!({ "suggestions": suggestions })),
        ),
        QueryError::Ambiguous { apis, .. } => ErrorData::resource_not_found(
            error.to_string(),
            Some(serde_json::json!({ "apis": apis, "suggestions": apis })),
        ),
        QueryError::BadRequest { .. } | QueryError::Unreadable(_) => {
            ErrorData::invalid_params(error.to_string(), None)
        }
        QueryError::Unauthorized(_) | QueryError::Forbidden(_) => {
            ErrorData::invalid_request(error.to_string(), None)
        }
        QueryError::Store(_) => ErrorData::internal_error(error.to_string(), None),
    }
}

const METHODS: [&str; 8] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
];

/// Completions of a template variable or prompt argument: prefix matches
/// first, then other substring matches, case-insensitive.
pub fn complete(engine: &Engine, request: &CompleteRequestParams) -> CompleteResult {
    let context = |name: &str| {
        request
            .context
            .as_ref()
            .and_then(|c| c.get_argument(name))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    // The API the variables so far name: `{provider}/{api}`, or a provider
    // with one API.
    let api = match (context("provider"), context("api")) {
        (Some(provider), Some(api)) if !api.contains('/') => Some(format!("{provider}/{api}")),
        (_, Some(api)) => Some(api.to_owned()),
        (Some(provider), None) => Some(provider.to_owned()),
        (None, None) => None,
    };
    let typed = request.argument.value.as_str();
    let candidates: Vec<String> = match (&request.r#ref, request.argument.name.as_str()) {
        (_, "provider") => providers(engine),
        // A template's `{api}` is the name within the provider…
        (Reference::Resource(_), "api") => {
            let mut names: Vec<String> = apis(engine, context("provider"))
                .into_iter()
                .filter_map(|id| specdex_store::split_api_id(&id).map(|(_, n)| n.to_owned()))
                .collect();
            names.sort();
            names.dedup();
            names
        }
        // …a prompt's `api` the whole id.
        (_, "api") => apis(engine, None),
        (Reference::Resource(_), "method") => match &api {
            Some(api) => {
                let mut used: Vec<String> = endpoints(engine, api, None)
                    .into_iter()
                    .map(|(m, _)| m)
                    .collect();
                used.sort_by_key(|m| METHODS.iter().position(|x| x == m));
                used.dedup();
                used
            }
            None => METHODS.iter().map(|m| (*m).to_owned()).collect(),
        },
        (Reference::Resource(_), "path") => match &api {
            Some(api) => {
                let mut paths: Vec<String> = endpoints(engine, api, context("method"))
                    .into_iter()
                    .map(|(_, p)| p.trim_start_matches('/').to_owned())
                    .collect();
                paths.dedup();
                paths
            }
            None => Vec::new(),
        },
        (Reference::Resource(_), "name") => match &api {
            Some(api) => schema_names(engine, api),
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    let typed_lower = typed.trim_start_matches('/').to_lowercase();
    let mut prefix = Vec::new();
    let mut inside = Vec::new();
    for candidate in candidates {
        let lower = candidate.to_lowercase();
        if lower.starts_with(&typed_lower) {
            prefix.push(candidate);
        } else if lower.contains(&typed_lower) {
            inside.push(candidate);
        }
    }
    prefix.extend(inside);
    let total = prefix.len();
    prefix.truncate(CompletionInfo::MAX_VALUES);
    let has_more = total > prefix.len();
    let completion = CompletionInfo::with_pagination(
        prefix,
        Some(u32::try_from(total).unwrap_or(u32::MAX)),
        has_more,
    )
    .unwrap_or_default();
    CompleteResult::new(completion)
}

fn providers(engine: &Engine) -> Vec<String> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let Ok(page) = engine.providers(Some(MAX_LIMIT), cursor.as_deref()) else {
            break;
        };
        all.extend(page.providers.into_iter().map(|p| p.provider));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    all
}

/// API ids, all or one provider's.
fn apis(engine: &Engine, provider: Option<&str>) -> Vec<String> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let Ok(page) = engine.apis(provider, Some(MAX_LIMIT), cursor.as_deref()) else {
            break;
        };
        all.extend(page.apis.into_iter().map(|a| a.api));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    all
}

fn endpoints(engine: &Engine, api: &str, method: Option<&str>) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let filter = EndpointFilter {
            api,
            method,
            limit: Some(MAX_LIMIT),
            cursor: cursor.as_deref(),
            ..EndpointFilter::default()
        };
        let Ok(page) = engine.endpoints(&filter) else {
            break;
        };
        all.extend(page.endpoints.into_iter().map(|e| (e.method, e.path)));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    all
}

/// Schema names of an API's current snapshot. The engine has no question
/// for this yet, so it is read from the catalog behind it.
fn schema_names(engine: &Engine, api: &str) -> Vec<String> {
    let Ok(snapshot) = engine.resolve(api, None) else {
        return Vec::new();
    };
    engine
        .catalog()
        .schema_names(snapshot.id)
        .map(|names| names.into_iter().map(|s| s.name).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details(query: Query) -> (String, Option<String>, Vec<String>) {
        match query {
            Query::EndpointDetails {
                api,
                version,
                endpoints,
                ..
            } => (api, version, endpoints),
            other => panic!("not endpoint details: {other:?}"),
        }
    }

    #[test]
    fn endpoint_uris_round_trip() {
        let uri = endpoint_uri("jumpcloud/v2", "DELETE", "/activedirectories/{id}");
        assert_eq!(
            uri,
            "specdex://jumpcloud/v2/endpoints/DELETE/activedirectories/%7Bid%7D"
        );
        let (api, version, endpoints) = details(parse(&uri).expect("parses"));
        assert_eq!(api, "jumpcloud/v2");
        assert_eq!(version, None);
        assert_eq!(endpoints, ["DELETE /activedirectories/{id}"]);
    }

    #[test]
    fn raw_and_fully_encoded_paths_parse() {
        for uri in [
            "specdex://gh/api/endpoints/GET/repos/{owner}/{repo}?version=1.1.4",
            "specdex://gh/api/endpoints/GET/%2Frepos%2F%7Bowner%7D%2F%7Brepo%7D?version=1.1.4",
        ] {
            let (api, version, endpoints) = details(parse(uri).expect("parses"));
            assert_eq!(api, "gh/api");
            assert_eq!(version.as_deref(), Some("1.1.4"));
            assert_eq!(endpoints, ["GET /repos/{owner}/{repo}"]);
        }
    }

    #[test]
    fn schema_and_summary_uris_parse() {
        assert_eq!(
            parse("specdex://stripe/api/schemas/charge").expect("parses"),
            Query::Schemas {
                api: "stripe/api".into(),
                version: None,
                names: vec!["charge".into()],
                depth: None
            }
        );
        assert_eq!(
            summary_uri("googleapis.com/drive"),
            "specdex://googleapis.com/drive/summary"
        );
        assert_eq!(
            parse(&summary_uri("googleapis.com/drive")).expect("parses"),
            Query::Summary {
                api: "googleapis.com/drive".into(),
                version: None
            }
        );
        // Names carry no slash of their own into the URI.
        assert_eq!(
            parse(&summary_uri("a/b c")).expect("parses"),
            Query::Summary {
                api: "a/b c".into(),
                version: None
            }
        );
    }

    #[test]
    fn previous_release_uris_name_the_provider() {
        assert_eq!(
            parse("specdex://stripe/summary").expect("parses"),
            Query::Summary {
                api: "stripe".into(),
                version: None
            }
        );
        assert_eq!(summary_uri("stripe"), "specdex://stripe/summary");
        assert_eq!(
            parse("specdex://stripe/schemas/charge?version=1").expect("parses"),
            Query::Schemas {
                api: "stripe".into(),
                version: Some("1".into()),
                names: vec!["charge".into()],
                depth: None
            }
        );
        let (api, _, endpoints) =
            details(parse("specdex://gh/endpoints/GET/repos/{owner}").expect("parses"));
        assert_eq!(api, "gh");
        assert_eq!(endpoints, ["GET /repos/{owner}"]);
    }

    #[test]
    fn foreign_uris_are_refused() {
        for uri in [
            "file:///etc/passwd",
            "specdex://",
            "specdex://x",
            "specdex://x/whatever",
            "specdex://x/y/whatever",
            "specdex://x//summary",
            "specdex://x/schemas/",
            "specdex://x/y/schemas/",
            "specdex://x/endpoints/GET",
            "specdex://x/y/endpoints/GET",
            "specdex://x/summary?format=json",
            "specdex://x/y/summary/more",
        ] {
            assert!(parse(uri).is_err(), "{uri}");
        }
    }
}
