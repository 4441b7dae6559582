//! Property: a call built from a spec's own examples passes its check.
//! Path, query, header and cookie values come from the parameters'
//! examples (else their default or first enum value, else a plain value of
//! their type), optional parameters with an example are sent or not as the
//! generator picks, the body is the media type's example, and credentials
//! go where the first security alternative wants them. Endpoints a call
//! cannot be built for from examples alone (a required body without an
//! example, a pattern without an example) are skipped and counted.
//! Runs over real specifications; skips, saying so, without the corpus.

mod common;

use std::sync::{Arc, OnceLock};

use common::{corpus, model};

use proptest::prelude::*;
use serde_json::Value;
use specdex_check::{Checker, PlannedCall, Severity};
use specdex_spec::{Api, Endpoint, Parameter, SecurityScheme};

/// Specifications whose examples are checked (relative to the corpus).
const SPECS: [&str; 4] = [
    "github/api.github.com.json",
    "jumpcloud/api/2.0/index.yaml",
    "oai-examples/v3.0/petstore-expanded.json",
    "oai-examples/v2.0/json/petstore-expanded.json",
];

/// Endpoints whose own example breaks the spec's schema (checked by hand):
/// left out of the property, and held to being caught.
const BAD_EXAMPLES: [(&str, &str, &str); 4] = [
    // The example's `key` and `title` are swapped: the key does not start
    // with `ssh-rsa`, as its pattern requires.
    (
        "github/api.github.com.json",
        "POST /user/keys",
        "pattern_mismatch",
    ),
    (
        "github/api.github.com.json",
        "POST /user/ssh_signing_keys",
        "pattern_mismatch",
    ),
    // `options[].priority` is required; the example's options have none.
    (
        "github/api.github.com.json",
        "POST /orgs/{org}/issue-fields",
        "missing_field",
    ),
    // Repository ids are integers; the example writes them as strings.
    (
        "github/api.github.com.json",
        "PUT /user/codespaces/secrets/{secret_name}/repositories",
        "wrong_type",
    ),
];

/// The checkers and, for each, the endpoints a call can be built for.
fn checkers() -> &'static [(String, Checker, Vec<usize>)] {
    static CHECKERS: OnceLock<Vec<(String, Checker, Vec<usize>)>> = OnceLock::new();
    CHECKERS.get_or_init(|| {
        let Some(dir) = corpus() else {
            eprintln!("skipped: corpus not found");
            return Vec::new();
        };
        SPECS
            .iter()
            .map(|spec| {
                let api = model(&dir.join(spec));
                let bad = |key: String| BAD_EXAMPLES.iter().any(|(s, k, _)| s == spec && *k == key);
                let buildable: Vec<usize> = (0..api.endpoints.len())
                    .filter(|&i| build(&api, &api.endpoints[i], &[]).is_some())
                    .filter(|&i| !bad(api.endpoints[i].key()))
                    .collect();
                eprintln!(
                    "{spec}: a call is built from examples for {} of {} endpoints",
                    buildable.len(),
                    api.endpoints.len()
                );
                ((*spec).to_owned(), Checker::new(Arc::new(api)), buildable)
            })
            .collect()
    })
}

/// A parameter's value from the spec: its example, else its schema's
/// example, default or first enum value, else a plain value of its type
/// (none for a pattern, an object or a format a plain value would break).
fn value(param: &Parameter) -> Option<String> {
    let schema = param.schema.as_ref();
    let from_schema = |key: &str| schema.and_then(|s| s.get(key)).cloned();
    let given = param
        .example
        .clone()
        .or_else(|| from_schema("example"))
        .or_else(|| from_schema("default"))
        .or_else(|| schema.and_then(|s| s.get("enum")?.get(0).cloned()));
    if let Some(given) = given {
        return match given {
            Value::String(text) => Some(text),
            Value::Array(items) => Some(
                items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Value::Object(_) => None,
            other => Some(other.to_string()),
        };
    }
    let schema = schema?;
    if schema.get("pattern").is_some() || schema.get("format").is_some() {
        return None;
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer" | "number") => Some("1".to_owned()),
        Some("boolean") => Some("true".to_owned()),
        Some("string") | None if schema.get("$ref").is_none() => Some("example".to_owned()),
        _ => None,
    }
}

/// Where a security scheme's credentials go.
fn credential(scheme: &SecurityScheme) -> (&str, String) {
    match scheme.kind.as_str() {
        "apiKey" => (
            scheme.location.as_deref().unwrap_or("header"),
            scheme.parameter_name.clone().unwrap_or_default(),
        ),
        _ => ("header", "Authorization".to_owned()),
    }
}

/// The call built from `endpoint`'s examples; `send` says, for each
/// optional parameter in order, whether to send it.
fn build(api: &Api, endpoint: &Endpoint, send: &[bool]) -> Option<PlannedCall> {
    let mut call = PlannedCall {
        method: endpoint.method.clone(),
        path: endpoint.path.clone(),
        ..PlannedCall::default()
    };
    let mut optional = 0;
    for param in &endpoint.parameters {
        let wanted = param.required || {
            optional += 1;
            send.get(optional - 1).copied().unwrap_or(false) && param.example.is_some()
        };
        if !wanted {
            continue;
        }
        let text = value(param)?;
        let pair = (param.name.clone(), text.clone());
        match param.location.as_str() {
            "path" => {
                let encoded: String = percent_encoding::utf8_percent_encode(
                    &text,
                    percent_encoding::NON_ALPHANUMERIC,
                )
                .to_string();
                call.path = call.path.replace(&format!("{{{}}}", param.name), &encoded);
            }
            "query" => call.query.push(pair),
            "header" => call.headers.push(pair),
            "cookie" => call.cookies.push(pair),
            _ => {}
        }
    }
    if let Some(body) = &endpoint.request_body {
        let media = body.content.iter().find(|m| {
            m.example.is_some() && (m.media_type.contains("json") || m.media_type == "*/*")
        });
        match media {
            Some(media) => {
                call.body = media.example.as_ref().map(Value::to_string);
                call.content_type = Some(media.media_type.clone());
            }
            None if body.required => return None,
            None => {}
        }
    }
    if let Some(requirement) = endpoint.security.first() {
        for used in &requirement.schemes {
            if let Some(scheme) = api.security_schemes.iter().find(|s| s.name == used.name) {
                let (location, name) = credential(scheme);
                let pair = (name, "credential".to_owned());
                match location {
                    "query" => call.query.push(pair),
                    "cookie" => call.cookies.push(pair),
                    _ => call.headers.push(pair),
                }
            }
        }
    }
    Some(call)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_call_built_from_the_specs_own_examples_passes(
        spec in 0..SPECS.len(),
        pick in any::<prop::sample::Index>(),
        send in prop::collection::vec(any::<bool>(), 0..12),
    ) {
        let all = checkers();
        // Without the corpus there is nothing to check (said once above).
        let Some((name, checker, buildable)) = all.get(spec) else {
            return Ok(());
        };
        if buildable.is_empty() {
            return Ok(());
        }
        let endpoint = &checker.api().endpoints[buildable[pick.index(buildable.len())]];
        let call = build(checker.api(), endpoint, &send).expect("buildable");
        let verdict = checker.check(&call);
        let errors: Vec<_> = verdict
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .collect();
        prop_assert!(
            errors.is_empty(),
            "{name} {}: {:?}\n{}",
            endpoint.key(),
            call,
            serde_json::to_string_pretty(&errors).unwrap_or_default()
        );
        let key = endpoint.key();
        prop_assert_eq!(verdict.endpoint.as_deref(), Some(key.as_str()));
    }
}

#[test]
fn examples_that_break_their_own_schema_are_caught() {
    let all = checkers();
    for (spec, key, kind) in BAD_EXAMPLES {
        let Some((_, checker, _)) = all.iter().find(|(name, _, _)| name == spec) else {
            continue;
        };
        let endpoint = checker
            .api()
            .endpoints
            .iter()
            .find(|e| e.key() == key)
            .unwrap_or_else(|| panic!("{spec} has {key}"));
        let call = build(checker.api(), endpoint, &[]).expect("buildable");
        let verdict = checker.check(&call);
        assert!(!verdict.ok, "{key}");
        assert!(
            verdict.problems.iter().all(|p| p.kind.name() == kind),
            "{key}: {:?}",
            verdict.problems
        );
    }
}
