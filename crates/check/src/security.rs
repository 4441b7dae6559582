//! Credentials: where the endpoint's security requirement wants them
//! (which header, query parameter or cookie), whether the call carries
//! them there. Only names are looked at and reported, never a value.

use specdex_spec::SecurityScheme;

use crate::params::Request;
use crate::{Context, Kind, Problem};

/// Where a scheme's credentials go: (`in`, name).
fn place(scheme: &SecurityScheme) -> (&str, &str) {
    match scheme.kind.as_str() {
        "apiKey" => (
            scheme.location.as_deref().unwrap_or("header"),
            scheme.parameter_name.as_deref().unwrap_or_default(),
        ),
        _ => ("header", "Authorization"),
    }
}

/// How to send a scheme's credentials, without any value.
fn how(scheme: &SecurityScheme) -> String {
    match (scheme.kind.as_str(), scheme.scheme.as_deref()) {
        ("apiKey", _) => {
            let (location, name) = place(scheme);
            match location {
                "query" => format!("query parameter `{name}`"),
                "cookie" => format!("cookie `{name}`"),
                _ => format!("header `{name}`"),
            }
        }
        ("http", Some(s)) if s.eq_ignore_ascii_case("basic") => {
            "header `Authorization: Basic <credentials>`".to_owned()
        }
        ("basic", _) => "header `Authorization: Basic <credentials>`".to_owned(),
        ("mutualTLS", _) => "a client certificate".to_owned(),
        _ => "header `Authorization: Bearer <token>`".to_owned(),
    }
}

fn carries(request: &Request, location: &str, name: &str) -> bool {
    match location {
        "query" => request.has_query(name),
        "cookie" => request.cookie(name).is_some(),
        _ => request.header(name).is_some(),
    }
}

fn schemes<'a>(context: &'a Context<'_>) -> impl Iterator<Item = &'a SecurityScheme> {
    let api = &context.checker.api;
    context
        .endpoint
        .security
        .iter()
        .flat_map(|r| &r.schemes)
        .filter_map(|u| api.security_schemes.iter().find(|s| s.name == u.name))
}

/// Whether a query parameter named `key` is an API key of the endpoint's
/// security (checked here, not as a parameter).
pub(crate) fn is_query_credential(context: &Context<'_>, key: &str) -> bool {
    schemes(context).any(|s| s.kind == "apiKey" && place(s).1 == key)
}

pub(crate) fn check(context: &Context<'_>, request: &Request, problems: &mut Vec<Problem>) {
    let api = &context.checker.api;
    let alternatives = &context.endpoint.security;
    if alternatives.is_empty() {
        return;
    }
    let satisfied = alternatives.iter().any(|requirement| {
        requirement.schemes.iter().all(|used| {
            match api.security_schemes.iter().find(|s| s.name == used.name) {
                Some(scheme) if scheme.kind != "mutualTLS" => {
                    let (location, name) = place(scheme);
                    carries(request, location, name)
                }
                _ => true,
            }
        })
    });
    if satisfied {
        return;
    }
    // An API key sent, but in another place than its scheme says.
    for scheme in schemes(context).filter(|s| s.kind == "apiKey") {
        let (location, name) = place(scheme);
        let elsewhere = ["header", "query", "cookie"]
            .into_iter()
            .find(|other| *other != location && carries(request, other, name));
        if let Some(other) = elsewhere {
            problems.push(
                Problem::error(
                    Kind::WrongLocation,
                    format!(
                        "the credential `{name}` is sent in the {other}; it goes in the {location}"
                    ),
                    format!("send it as {}", how(scheme)),
                )
                .named(name, location)
                .expecting(how(scheme)),
            );
            return;
        }
    }
    let options: Vec<String> = alternatives
        .iter()
        .map(|requirement| {
            requirement
                .schemes
                .iter()
                .filter_map(|u| api.security_schemes.iter().find(|s| s.name == u.name))
                .map(how)
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .filter(|o| !o.is_empty())
        .collect();
    let Some(first) = schemes(context).next() else {
        return;
    };
    let (location, name) = place(first);
    problems.push(
        Problem::warning(
            Kind::MissingCredentials,
            format!(
                "{} needs credentials: {}",
                context.endpoint.key(),
                options.join("; or ")
            ),
            format!(
                "send {}",
                options.first().map_or("credentials", String::as_str)
            ),
        )
        .named(name, location)
        .expecting(options.join(" | "))
        .with_choices(options),
    );
}
