//! Resources: one summary per provider, templates for summaries,
//! endpoints and schemas (`specdex://{provider}/...`, `?version=V` for an
//! older edition), and completions for the templates' variables.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};
use rmcp::ErrorData;
use rmcp::model::{
    CompleteRequestParams, CompleteResult, CompletionInfo, ListResourceTemplatesResult,
    ListResourcesResult, Reference, Resource, ResourceContents, ResourceTemplate,
};
use specdex_query::{EndpointFilter, Engine, MAX_LIMIT, Query, QueryError};

/// The scheme of every resource URI.
pub const SCHEME: &str = "specdex://";
/// Markdown, the rendering resources return.
pub const MARKDOWN: &str = "text/markdown";

pub const SUMMARY_TEMPLATE: &str = "specdex://{provider}/summary";
pub const ENDPOINT_TEMPLATE: &str = "specdex://{provider}/endpoints/{method}/{path}";
pub const SCHEMA_TEMPLATE: &str = "specdex://{provider}/schemas/{name}";

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

/// The resource of a provider's summary.
pub fn summary_uri(provider: &str) -> String {
    format!("{SCHEME}{}/summary", utf8_percent_encode(provider, SEGMENT))
}

/// The resource of one endpoint (`path` keeps its slashes).
pub fn endpoint_uri(provider: &str, method: &str, path: &str) -> String {
    format!(
        "{SCHEME}{}/endpoints/{method}/{}",
        utf8_percent_encode(provider, SEGMENT),
        utf8_percent_encode(path.trim_start_matches('/'), SEGMENT)
    )
}

/// The resource of one named schema.
pub fn schema_uri(provider: &str, name: &str) -> String {
    format!(
        "{SCHEME}{}/schemas/{}",
        utf8_percent_encode(provider, SEGMENT),
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
                 `get_spec_summary` renders it.",
            )
            .with_mime_type(MARKDOWN),
    ]
}

pub fn list_templates() -> ListResourceTemplatesResult {
    ListResourceTemplatesResult::with_all_items(templates())
}

/// Page size of `resources/list`.
const RESOURCE_PAGE: usize = 100;

/// One summary resource per provider, a page at a time.
pub fn list(engine: &Engine, cursor: Option<&str>) -> Result<ListResourcesResult, ErrorData> {
    let page = engine
        .providers(Some(RESOURCE_PAGE), cursor)
        .map_err(|e| protocol_error(&e))?;
    let resources = page
        .providers
        .into_iter()
        .map(|p| {
            Resource::new(summary_uri(&p.provider), p.provider.clone())
                .with_title(p.title.clone())
                .with_description(format!(
                    "{} {}: {} endpoints, {} schemas.",
                    p.title, p.version, p.endpoints, p.schemas
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
    let (kind, rest) = rest.split_once('/').unwrap_or((rest, ""));
    match kind {
        "summary" if rest.is_empty() => Ok(Query::Summary { provider, version }),
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
                provider,
                version,
                endpoints: vec![format!("{} {path}", decode(method))],
            })
        }
        "schemas" if !rest.is_empty() => Ok(Query::Schemas {
            provider,
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
/// `data.suggestions`, bad arguments as invalid params.
pub fn protocol_error(error: &QueryError) -> ErrorData {
    match error {
        QueryError::NotFound { suggestions, .. } => ErrorData::resource_not_found(
            error.to_string(),
            Some(serde_json::json!({ "suggestions": suggestions })),
        ),
        QueryError::BadRequest { .. } => ErrorData::invalid_params(error.to_string(), None),
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
    let typed = request.argument.value.as_str();
    let candidates: Vec<String> = match (&request.r#ref, request.argument.name.as_str()) {
        (_, "provider") => providers(engine),
        (Reference::Resource(_), "method") => match context("provider") {
            Some(provider) => {
                let mut used: Vec<String> = endpoints(engine, provider, None)
                    .into_iter()
                    .map(|(m, _)| m)
                    .collect();
                used.sort_by_key(|m| METHODS.iter().position(|x| x == m));
                used.dedup();
                used
            }
            None => METHODS.iter().map(|m| (*m).to_owned()).collect(),
        },
        (Reference::Resource(_), "path") => match context("provider") {
            Some(provider) => {
                let mut paths: Vec<String> = endpoints(engine, provider, context("method"))
                    .into_iter()
                    .map(|(_, p)| p.trim_start_matches('/').to_owned())
                    .collect();
                paths.dedup();
                paths
            }
            None => Vec::new(),
        },
        (Reference::Resource(_), "name") => match context("provider") {
            Some(provider) => schema_names(engine, provider),
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

fn endpoints(engine: &Engine, provider: &str, method: Option<&str>) -> Vec<(String, String)> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let filter = EndpointFilter {
            provider,
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

/// Schema names of a provider's current snapshot. The engine has no
/// question for this yet, so it is read from the catalog behind it.
fn schema_names(engine: &Engine, provider: &str) -> Vec<String> {
    let Ok(snapshot) = engine.resolve(provider, None) else {
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
                provider,
                version,
                endpoints,
            } => (provider, version, endpoints),
            other => panic!("not endpoint details: {other:?}"),
        }
    }

    #[test]
    fn endpoint_uris_round_trip() {
        let uri = endpoint_uri("jumpcloud", "DELETE", "/activedirectories/{id}");
        assert_eq!(
            uri,
            "specdex://jumpcloud/endpoints/DELETE/activedirectories/%7Bid%7D"
        );
        let (provider, version, endpoints) = details(parse(&uri).expect("parses"));
        assert_eq!(provider, "jumpcloud");
        assert_eq!(version, None);
        assert_eq!(endpoints, ["DELETE /activedirectories/{id}"]);
    }

    #[test]
    fn raw_and_fully_encoded_paths_parse() {
        for uri in [
            "specdex://gh/endpoints/GET/repos/{owner}/{repo}?version=1.1.4",
            "specdex://gh/endpoints/GET/%2Frepos%2F%7Bowner%7D%2F%7Brepo%7D?version=1.1.4",
        ] {
            let (provider, version, endpoints) = details(parse(uri).expect("parses"));
            assert_eq!(provider, "gh");
            assert_eq!(version.as_deref(), Some("1.1.4"));
            assert_eq!(endpoints, ["GET /repos/{owner}/{repo}"]);
        }
    }

    #[test]
    fn schema_and_summary_uris_parse() {
        assert_eq!(
            parse("specdex://stripe/schemas/charge").expect("parses"),
            Query::Schemas {
                provider: "stripe".into(),
                version: None,
                names: vec!["charge".into()],
                depth: None
            }
        );
        assert_eq!(
            parse(&summary_uri("stripe")).expect("parses"),
            Query::Summary {
                provider: "stripe".into(),
                version: None
            }
        );
    }

    #[test]
    fn foreign_uris_are_refused() {
        for uri in [
            "file:///etc/passwd",
            "specdex://",
            "specdex://x",
            "specdex://x/whatever",
            "specdex://x/schemas/",
            "specdex://x/endpoints/GET",
            "specdex://x/summary?format=json",
        ] {
            assert!(parse(uri).is_err(), "{uri}");
        }
    }
}
