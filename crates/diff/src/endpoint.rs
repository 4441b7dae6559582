//! Comparing endpoints: pairing them across editions, then their
//! parameters, request bodies, responses, security and servers.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Value, json};
use specdex_spec::pointer::escape;
use specdex_spec::{Api, Endpoint, MediaType, Parameter, SecurityRequirement, Server};

use crate::Collector;
use crate::rules::{self, Rule};
use crate::schema::{Comparer, Context, Usage};

/// `/pets/{petId}` → `/pets/{}`: a renamed path parameter is the same endpoint.
pub fn blank_parameters(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_braces = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_braces = true;
                out.push('{');
            }
            '}' if in_braces => {
                in_braces = false;
                out.push('}');
            }
            _ if in_braces => {}
            _ => out.push(c),
        }
    }
    out
}

/// Endpoints of both editions paired by path (parameter names ignored) and
/// method, sorted by path then method.
pub(crate) fn pair_endpoints<'a>(
    before: &'a [Endpoint],
    after: &'a [Endpoint],
) -> Vec<(Option<&'a Endpoint>, Option<&'a Endpoint>)> {
    type Pair<'a> = (Option<&'a Endpoint>, Option<&'a Endpoint>);
    let mut pairs: BTreeMap<(String, String), Pair<'a>> = BTreeMap::new();
    for endpoint in before {
        pairs
            .entry(crate::endpoint_identity(endpoint))
            .or_insert((Some(endpoint), None));
    }
    for endpoint in after {
        let slot = pairs
            .entry(crate::endpoint_identity(endpoint))
            .or_insert((None, None));
        if slot.1.is_none() {
            slot.1 = Some(endpoint);
        }
    }
    pairs.into_values().collect()
}

/// Compares one endpoint present in both editions.
pub(crate) fn compare<'a>(
    old: &'a Endpoint,
    new: &'a Endpoint,
    before: &Api,
    after: &Api,
    schemas: &mut Comparer<'a>,
    usage: &mut Usage,
    out: &mut Collector,
) {
    match (old.deprecated, new.deprecated) {
        (false, true) => out.push(&rules::ENDPOINT_DEPRECATED, String::new(), None, None),
        (true, false) => out.push(&rules::ENDPOINT_REACTIVATED, String::new(), None, None),
        _ => {}
    }
    parameters(old, new, schemas, usage, out);
    request_body(old, new, schemas, usage, out);
    responses(old, new, schemas, usage, out);
    security(&old.security, &new.security, out);
    if !old.servers.is_empty() || !new.servers.is_empty() {
        let effective = |own: &'_ [Server], api: &'_ [Server]| -> Vec<Server> {
            if own.is_empty() { api } else { own }.to_vec()
        };
        servers(
            &effective(&old.servers, &before.servers),
            &effective(&new.servers, &after.servers),
            "/servers",
            out,
        );
    }
}

/// Base URLs removed and added, reported at `location` (`#/servers` for
/// the document's, `/servers` for an endpoint's own).
pub(crate) fn servers(before: &[Server], after: &[Server], location: &str, out: &mut Collector) {
    let urls = |servers: &[Server]| -> BTreeSet<String> {
        servers
            .iter()
            .map(|s| s.url.trim_end_matches('/').to_owned())
            .collect()
    };
    let (old, new) = (urls(before), urls(after));
    for url in old.difference(&new) {
        out.push(
            &rules::SERVER_REMOVED,
            location.to_owned(),
            Some(json!(url)),
            None,
        );
    }
    for url in new.difference(&old) {
        out.push(
            &rules::SERVER_ADDED,
            location.to_owned(),
            None,
            Some(json!(url)),
        );
    }
}

/// A parameter's identity: path parameters by position in the template (so
/// a rename is not a removal), others by location and name (headers
/// case-insensitively).
fn parameter_key(endpoint: &Endpoint, parameter: &Parameter) -> (String, String) {
    match parameter.location.as_str() {
        "path" => {
            let position = endpoint
                .path
                .split('{')
                .skip(1)
                .position(|piece| piece.split('}').next() == Some(parameter.name.as_str()));
            let slot = position.map_or_else(|| parameter.name.clone(), |p| format!("#{p}"));
            ("path".to_owned(), slot)
        }
        "header" => ("header".to_owned(), parameter.name.to_ascii_lowercase()),
        other => (other.to_owned(), parameter.name.clone()),
    }
}

fn parameter_location(parameter: &Parameter) -> String {
    format!(
        "/parameters/{}/{}",
        escape(&parameter.location),
        escape(&parameter.name)
    )
}

fn parameters<'a>(
    old: &'a Endpoint,
    new: &'a Endpoint,
    schemas: &mut Comparer<'a>,
    usage: &mut Usage,
    out: &mut Collector,
) {
    let old_params: HashMap<(String, String), &Parameter> = old
        .parameters
        .iter()
        .map(|p| (parameter_key(old, p), p))
        .collect();
    let new_keys: BTreeSet<(String, String)> = new
        .parameters
        .iter()
        .map(|p| parameter_key(new, p))
        .collect();
    // By name, for parameters that moved (`in` changed): looked up, not
    // searched, since an endpoint may declare any number of parameters.
    let mut new_by_name: HashMap<String, Vec<&Parameter>> = HashMap::new();
    for param in &new.parameters {
        new_by_name
            .entry(param.name.to_ascii_lowercase())
            .or_default()
            .push(param);
    }
    let mut moved: BTreeSet<(String, String)> = BTreeSet::new();
    for param in &old.parameters {
        let key = parameter_key(old, param);
        if new_keys.contains(&key) {
            continue;
        }
        let elsewhere = new_by_name
            .get(&param.name.to_ascii_lowercase())
            .into_iter()
            .flatten()
            .find(|p| {
                p.location != param.location && !old_params.contains_key(&parameter_key(new, p))
            });
        match elsewhere {
            Some(now) => {
                moved.insert(parameter_key(new, now));
                out.push(
                    &rules::PARAMETER_LOCATION_CHANGED,
                    parameter_location(now),
                    Some(json!(param.location)),
                    Some(json!(now.location)),
                );
            }
            None => out.push(
                &rules::PARAMETER_REMOVED,
                parameter_location(param),
                None,
                None,
            ),
        }
    }
    for param in &new.parameters {
        let key = parameter_key(new, param);
        let location = parameter_location(param);
        let Some(was) = old_params.get(&key) else {
            if !moved.contains(&key) {
                let rule = if param.required {
                    &rules::PARAMETER_REQUIRED_ADDED
                } else {
                    &rules::PARAMETER_OPTIONAL_ADDED
                };
                out.push(rule, location, None, None);
            }
            continue;
        };
        match (was.required, param.required) {
            (false, true) => out.push(
                &rules::PARAMETER_BECAME_REQUIRED,
                location.clone(),
                None,
                None,
            ),
            (true, false) => out.push(
                &rules::PARAMETER_BECAME_OPTIONAL,
                location.clone(),
                None,
                None,
            ),
            _ => {}
        }
        if let (Some(before), Some(after)) = (&was.schema, &param.schema) {
            schemas.compare(
                before,
                after,
                Context::Parameter,
                &format!("{location}/schema"),
                usage,
                out,
            );
        }
    }
}

fn request_body<'a>(
    old: &'a Endpoint,
    new: &'a Endpoint,
    schemas: &mut Comparer<'a>,
    usage: &mut Usage,
    out: &mut Collector,
) {
    let location = "/requestBody".to_owned();
    match (&old.request_body, &new.request_body) {
        (None, Some(body)) => {
            let rule = if body.required {
                &rules::BODY_REQUIRED_ADDED
            } else {
                &rules::BODY_OPTIONAL_ADDED
            };
            out.push(rule, location, None, None);
        }
        (Some(_), None) => out.push(&rules::BODY_REMOVED, location, None, None),
        (Some(was), Some(now)) => {
            match (was.required, now.required) {
                (false, true) => {
                    out.push(&rules::BODY_BECAME_REQUIRED, location.clone(), None, None)
                }
                (true, false) => {
                    out.push(&rules::BODY_BECAME_OPTIONAL, location.clone(), None, None)
                }
                _ => {}
            }
            content(
                &was.content,
                &now.content,
                &location,
                (
                    &rules::BODY_MEDIA_TYPE_REMOVED,
                    &rules::BODY_MEDIA_TYPE_ADDED,
                ),
                Context::Request,
                schemas,
                usage,
                out,
            );
        }
        (None, None) => {}
    }
}

fn responses<'a>(
    old: &'a Endpoint,
    new: &'a Endpoint,
    schemas: &mut Comparer<'a>,
    usage: &mut Usage,
    out: &mut Collector,
) {
    let key = |status: &str| status.to_ascii_uppercase();
    let new_by_status: HashMap<String, _> =
        new.responses.iter().map(|r| (key(&r.status), r)).collect();
    let old_statuses: BTreeSet<String> = old.responses.iter().map(|r| key(&r.status)).collect();
    for was in &old.responses {
        let location = format!("/responses/{}", escape(&was.status));
        let Some(now) = new_by_status.get(&key(&was.status)) else {
            let rule = if was.status.starts_with('2') {
                &rules::RESPONSE_SUCCESS_STATUS_REMOVED
            } else {
                &rules::RESPONSE_ERROR_STATUS_REMOVED
            };
            out.push(rule, location, None, None);
            continue;
        };
        content(
            &was.content,
            &now.content,
            &location,
            (
                &rules::RESPONSE_MEDIA_TYPE_REMOVED,
                &rules::RESPONSE_MEDIA_TYPE_ADDED,
            ),
            Context::Response,
            schemas,
            usage,
            out,
        );
    }
    for now in &new.responses {
        if !old_statuses.contains(&key(&now.status)) {
            let location = format!("/responses/{}", escape(&now.status));
            out.push(&rules::RESPONSE_STATUS_ADDED, location, None, None);
        }
    }
}

/// Media types removed and added under `at`, then the schemas of those in
/// both.
#[allow(clippy::too_many_arguments)]
fn content<'a>(
    before: &'a [MediaType],
    after: &'a [MediaType],
    at: &str,
    (removed, added): (&'static Rule, &'static Rule),
    context: Context,
    schemas: &mut Comparer<'a>,
    usage: &mut Usage,
    out: &mut Collector,
) {
    let key = |m: &MediaType| m.media_type.trim().to_ascii_lowercase();
    let location = |m: &MediaType| format!("{at}/content/{}", escape(&m.media_type));
    let after_by_type: HashMap<String, &MediaType> = after.iter().map(|m| (key(m), m)).collect();
    let before_types: BTreeSet<String> = before.iter().map(key).collect();
    for was in before {
        match after_by_type.get(&key(was)) {
            None => out.push(removed, location(was), None, None),
            Some(now) => {
                if let (Some(b), Some(a)) = (&was.schema, &now.schema) {
                    let base = format!("{}/schema", location(now));
                    schemas.compare(b, a, context, &base, usage, out);
                }
            }
        }
    }
    for now in after {
        if !before_types.contains(&key(now)) {
            out.push(added, location(now), None, None);
        }
    }
}

/// One alternative of a requirement: scheme → scopes.
type Alternative = BTreeMap<String, BTreeSet<String>>;

/// A requirement as alternatives; none declared means anyone may call.
fn alternatives(requirements: &[SecurityRequirement]) -> Vec<Alternative> {
    if requirements.is_empty() {
        return vec![Alternative::new()];
    }
    requirements
        .iter()
        .map(|r| {
            r.schemes
                .iter()
                .map(|s| (s.name.clone(), s.scopes.iter().cloned().collect()))
                .collect()
        })
        .collect()
}

/// `a` asks no more than `b` does: every scheme of `a` with its scopes is in `b`.
fn satisfied_by(a: &Alternative, b: &Alternative) -> bool {
    a.iter()
        .all(|(scheme, scopes)| b.get(scheme).is_some_and(|have| scopes.is_subset(have)))
}

fn describe_alternatives(alternatives: &[Alternative]) -> Value {
    let words: Vec<String> = alternatives
        .iter()
        .map(|alt| {
            if alt.is_empty() {
                return "none".to_owned();
            }
            alt.iter()
                .map(|(scheme, scopes)| {
                    if scopes.is_empty() {
                        scheme.clone()
                    } else {
                        let list: Vec<&str> = scopes.iter().map(String::as_str).collect();
                        format!("{scheme}({})", list.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect();
    json!(words.join(" or "))
}

/// A client that met one alternative before and meets none now is broken.
fn security(before: &[SecurityRequirement], after: &[SecurityRequirement], out: &mut Collector) {
    let (old, new) = (alternatives(before), alternatives(after));
    let old_set: BTreeSet<&Alternative> = old.iter().collect();
    let new_set: BTreeSet<&Alternative> = new.iter().collect();
    if old_set == new_set {
        return;
    }
    let location = "/security".to_owned();
    let values = (
        Some(describe_alternatives(&old)),
        Some(describe_alternatives(&new)),
    );
    let broken = old
        .iter()
        .find(|was| !new.iter().any(|now| satisfied_by(now, was)));
    let rule = match broken {
        Some(was) => {
            let same_schemes = new
                .iter()
                .any(|now| now.keys().eq(was.keys()) && !was.is_empty());
            if same_schemes {
                &rules::SECURITY_SCOPES_ADDED
            } else if new_set.is_subset(&old_set) {
                // Only alternatives were dropped: the client must switch, not add.
                &rules::SECURITY_ALTERNATIVE_REMOVED
            } else {
                &rules::SECURITY_ADDED
            }
        }
        None => {
            let old_schemes: BTreeSet<&String> = old.iter().flat_map(|a| a.keys()).collect();
            if new
                .iter()
                .flat_map(|a| a.keys())
                .any(|s| !old_schemes.contains(s))
            {
                &rules::SECURITY_ALTERNATIVE_ADDED
            } else {
                &rules::SECURITY_RELAXED
            }
        }
    };
    out.push(rule, location, values.0, values.1);
}
