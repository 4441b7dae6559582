//! Parameters: each declared one found where the spec puts it, decoded by
//! its `style` and `explode` (arrays, objects, `deepObject`), and validated
//! against its schema; required ones missing, ones sent in the wrong place,
//! and query parameters the endpoint does not declare.

use serde_json::{Map, Value, json};
use specdex_spec::{Parameter, SpecFormat};

use crate::defs::{Defs, Types};
use crate::form::{self, key_path};
use crate::route::Target;
use crate::shape::{coerce, scalar};
use crate::{Context, Kind, PlannedCall, Problem, listing, nearest, validate};

/// Headers every client sends or that carry the request itself; never
/// taken for a misplaced parameter.
const TRANSPORT_HEADERS: [&str; 9] = [
    "accept",
    "accept-encoding",
    "authorization",
    "content-length",
    "content-type",
    "cookie",
    "host",
    "user-agent",
    "connection",
];

/// The parts of a planned call where parameters live, gathered once.
pub(crate) struct Request {
    /// From the path's query string, then the call's own.
    pub query: Vec<(String, String)>,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    /// The call's cookies, then those of a `Cookie` header.
    pub cookies: Vec<(String, String)>,
}

impl Request {
    pub fn new(call: &PlannedCall, target: &Target) -> Request {
        let query = target.query.iter().chain(&call.query).cloned().collect();
        let headers: Vec<(String, String)> = call
            .headers
            .iter()
            .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
            .collect();
        let mut cookies = call.cookies.clone();
        for (name, value) in &headers {
            if name == "cookie" {
                cookies.extend(value.split(';').filter_map(|c| {
                    let (k, v) = c.split_once('=')?;
                    Some((k.trim().to_owned(), v.trim().to_owned()))
                }));
            }
        }
        Request {
            query,
            headers,
            cookies,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the query string has `name` (as is, or as `name[...]`).
    pub fn has_query(&self, name: &str) -> bool {
        self.query.iter().any(|(k, _)| key_path(k)[0] == name)
    }
}

pub(crate) fn check(
    context: &Context<'_>,
    request: &Request,
    path_values: &[(String, String)],
    body_fields: &[String],
    problems: &mut Vec<Problem>,
) {
    let checker = context.checker;
    let defs = &checker.defs;
    let swagger = checker.api.format == SpecFormat::Swagger2;
    let endpoint = context.endpoint;
    let mut used = vec![false; request.query.len()];
    for (i, (key, _)) in request.query.iter().enumerate() {
        used[i] = crate::security::is_query_credential(context, key);
    }
    let empty = json!({});
    for (index, param) in endpoint.parameters.iter().enumerate() {
        let schema = param.schema.as_ref().unwrap_or(&empty);
        let decoded = match param.location.as_str() {
            "path" => path_values
                .iter()
                .find(|(name, _)| *name == param.name)
                .map(|(_, raw)| decode_path(defs, param, schema, raw)),
            "query" => decode_query(defs, param, schema, &request.query, &mut used, swagger),
            "header" => request
                .header(&param.name)
                .map(|raw| decode_delimited(defs, schema, raw, ',')),
            "cookie" => request
                .cookie(&param.name)
                .map(|raw| decode_delimited(defs, schema, raw, ',')),
            _ => None,
        };
        let Some(value) = decoded else {
            if param.required {
                problems.push(missing(
                    param,
                    request,
                    body_fields,
                    schema,
                    defs,
                    &mut used,
                ));
            }
            continue;
        };
        if param.deprecated {
            problems.push(
                Problem::warning(
                    Kind::Deprecated,
                    format!("parameter `{}` is deprecated", param.name),
                    "leave it out if the endpoint's description names a replacement",
                )
                .named(&param.name, &param.location),
            );
        }
        match checker.validators.parameter(context.index, index, schema) {
            Ok(validator) => problems.extend(validate::problems(
                validator,
                &value,
                &param.location,
                Some(&param.name),
                defs,
                schema,
            )),
            Err(why) => problems.push(unchecked(param, why)),
        }
    }
    unknown_query(context, request, &used, body_fields, problems);
    misplaced_headers(context, request, problems);
}

fn unchecked(param: &Parameter, why: &str) -> Problem {
    Problem::warning(
        Kind::Unchecked,
        format!(
            "`{}` was not checked: its schema does not compile ({why})",
            param.name
        ),
        "check its value by hand",
    )
    .named(&param.name, &param.location)
}

/// A required parameter not where the spec puts it: sent somewhere else,
/// or missing.
fn missing(
    param: &Parameter,
    request: &Request,
    body_fields: &[String],
    schema: &Value,
    defs: &Defs,
    used: &mut [bool],
) -> Problem {
    let name = param.name.as_str();
    let elsewhere = if param.location != "query" && request.has_query(name) {
        for (i, (key, _)) in request.query.iter().enumerate() {
            if key_path(key)[0] == name {
                used[i] = true;
            }
        }
        Some("query")
    } else if param.location != "header" && request.header(name).is_some() {
        Some("header")
    } else if param.location != "cookie" && request.cookie(name).is_some() {
        Some("cookie")
    } else if body_fields.iter().any(|f| f == name) {
        Some("body")
    } else {
        None
    };
    let example = example_value(param, schema, defs);
    let how = how_to_send(name, &param.location, &example);
    let expected = validate::type_label(defs, schema);
    match elsewhere {
        Some(place) => Problem::error(
            Kind::WrongLocation,
            format!(
                "`{name}` is a {} parameter, sent in the {place}",
                param.location
            ),
            how,
        )
        .named(name, &param.location)
        .expecting(format!("{} parameter ({expected})", param.location)),
        None => Problem::error(
            Kind::MissingParameter,
            format!("required {} parameter `{name}` is missing", param.location),
            how,
        )
        .named(name, &param.location)
        .expecting(expected),
    }
}

/// "add `?limit=10` to the URL", "send the header `x-org-id: …`".
fn how_to_send(name: &str, location: &str, example: &str) -> String {
    match location {
        "query" => format!("add `{name}={example}` to the query string"),
        "header" => format!("send the header `{name}: {example}`"),
        "cookie" => format!("send the cookie `{name}={example}`"),
        "path" => format!("put `{name}` in the path"),
        _ => format!("send `{name}` in the {location}"),
    }
}

/// A value to show in a fix: the spec's example, default or first enum
/// value, else a placeholder naming the type.
fn example_value(param: &Parameter, schema: &Value, defs: &Defs) -> String {
    let resolved = defs.resolve(schema);
    let shown = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    param
        .example
        .as_ref()
        .or_else(|| resolved.get("example"))
        .or_else(|| resolved.get("default"))
        .or_else(|| resolved.get("enum").and_then(|e| e.get(0)))
        .filter(|v| !v.is_object() && !v.is_array())
        .map(shown)
        .unwrap_or_else(|| format!("<{}>", validate::type_label(defs, schema)))
}

fn delimiter(style: Option<&str>) -> char {
    match style {
        Some("spaceDelimited") => ' ',
        Some("pipeDelimited") => '|',
        Some("tabDelimited") => '\t',
        _ => ',',
    }
}

/// A path parameter's text as its value (`simple`, `label` or `matrix`).
fn decode_path(defs: &Defs, param: &Parameter, schema: &Value, raw: &str) -> Value {
    let explode = param.explode.unwrap_or(false);
    let (text, separator) = match param.style.as_deref() {
        Some("label") => (
            raw.strip_prefix('.').unwrap_or(raw),
            if explode { '.' } else { ',' },
        ),
        Some("matrix") => {
            let prefix = format!(";{}=", param.name);
            (
                raw.strip_prefix(prefix.as_str()).unwrap_or(raw),
                if explode { ';' } else { ',' },
            )
        }
        _ => (raw, ','),
    };
    decode_delimited(defs, schema, text, separator)
}

/// One text holding a whole value: arrays and objects as delimited lists
/// (`a,b,c`; `k,v,k2,v2`, or `k=v,k2=v2` exploded), scalars as the schema
/// says.
fn decode_delimited(defs: &Defs, schema: &Value, text: &str, separator: char) -> Value {
    let types = defs.types(schema);
    if types.has(Types::ARRAY) && !types.has(Types::STRING) {
        let items = if text.is_empty() {
            Vec::new()
        } else {
            text.split(separator)
                .map(|s| Value::String(s.to_owned()))
                .collect()
        };
        return coerce(defs, schema, Value::Array(items), 0);
    }
    if types.has(Types::OBJECT) && !types.has(Types::STRING) {
        let parts: Vec<&str> = text.split(separator).collect();
        let mut object = Map::new();
        if parts.iter().all(|p| p.contains('=')) {
            for part in parts {
                let (k, v) = part.split_once('=').unwrap_or((part, ""));
                object.insert(k.to_owned(), Value::String(v.to_owned()));
            }
        } else {
            for pair in parts.chunks(2) {
                let value = pair.get(1).copied().unwrap_or_default();
                object.insert(pair[0].to_owned(), Value::String(value.to_owned()));
            }
        }
        return coerce(defs, schema, Value::Object(object), 0);
    }
    scalar(types, text.to_owned())
}

/// A query parameter's value, from the pairs that carry it (marked used).
fn decode_query(
    defs: &Defs,
    param: &Parameter,
    schema: &Value,
    pairs: &[(String, String)],
    used: &mut [bool],
    swagger: bool,
) -> Option<Value> {
    let name = param.name.as_str();
    let types = defs.types(schema);
    let style = param.style.as_deref();
    let explode = param
        .explode
        .unwrap_or(!swagger && matches!(style, None | Some("form")));
    let object = types.has(Types::OBJECT) && !types.has(Types::ARRAY);
    let nested: Vec<usize> = (0..pairs.len())
        .filter(|&i| {
            let path = key_path(&pairs[i].0);
            path.len() > 1 && path[0] == name && !path[1].is_empty()
        })
        .collect();
    if !nested.is_empty() && (style == Some("deepObject") || object || types.has(Types::ARRAY)) {
        let inner: Vec<(String, String)> = nested
            .iter()
            .map(|&i| {
                used[i] = true;
                let (key, value) = &pairs[i];
                let rest = &key[name.len()..];
                // `filter[status]` → `status`; `filter[a][b]` → `a[b]`.
                let rest = rest
                    .strip_prefix('[')
                    .and_then(|r| r.split_once(']'))
                    .map(|(first, after)| format!("{first}{after}"))
                    .unwrap_or_default();
                (rest, value.clone())
            })
            .collect();
        return Some(coerce(defs, schema, form::nest(&inner), 0));
    }
    if object && explode {
        let fields = defs.object(schema, &[]).names();
        if !fields.is_empty() && !pairs.iter().any(|(k, _)| k == name) {
            let mut found = Map::new();
            for (i, (key, value)) in pairs.iter().enumerate() {
                if fields.contains(key) {
                    used[i] = true;
                    found.insert(key.clone(), Value::String(value.clone()));
                }
            }
            return (!found.is_empty()).then(|| coerce(defs, schema, Value::Object(found), 0));
        }
    }
    let bracketed = format!("{name}[]");
    let values: Vec<&str> = pairs
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| *k == name || *k == bracketed)
        .map(|(i, (_, v))| {
            used[i] = true;
            v.as_str()
        })
        .collect();
    let first = *values.first()?;
    if types.has(Types::ARRAY) && !types.has(Types::STRING) {
        let items: Vec<Value> = if explode {
            values
                .iter()
                .map(|v| Value::String((*v).to_owned()))
                .collect()
        } else {
            values
                .iter()
                .flat_map(|v| v.split(delimiter(style)))
                .map(|s| Value::String(s.to_owned()))
                .collect()
        };
        return Some(coerce(defs, schema, Value::Array(items), 0));
    }
    Some(decode_delimited(defs, schema, first, delimiter(style)))
}

/// Query parameters the endpoint does not declare: sent in the wrong place
/// (an error), else unknown (a warning, with the closest declared name).
fn unknown_query(
    context: &Context<'_>,
    request: &Request,
    used: &[bool],
    body_fields: &[String],
    problems: &mut Vec<Problem>,
) {
    let endpoint = context.endpoint;
    let declared: Vec<String> = endpoint
        .parameters
        .iter()
        .filter(|p| p.location == "query")
        .map(|p| p.name.clone())
        .collect();
    let mut reported = std::collections::HashSet::new();
    for (i, (key, _)) in request.query.iter().enumerate() {
        let name = key_path(key)[0];
        if used[i] || !reported.insert(name) {
            continue;
        }
        if let Some(param) = endpoint
            .parameters
            .iter()
            .find(|p| p.location != "query" && p.name.eq_ignore_ascii_case(name))
        {
            problems.push(
                Problem::error(
                    Kind::WrongLocation,
                    format!(
                        "`{name}` is a {} parameter, sent in the query string",
                        param.location
                    ),
                    how_to_send(&param.name, &param.location, "…"),
                )
                .named(&param.name, &param.location)
                .expecting(format!("{} parameter", param.location)),
            );
        } else if body_fields.is_empty() && is_body_field(context, name) {
            problems.push(
                Problem::error(
                    Kind::WrongLocation,
                    format!("`{name}` is a request body field, sent in the query string"),
                    format!("send `{name}` in the request body"),
                )
                .named(name, "body")
                .expecting("request body field"),
            );
        } else {
            let fix = match nearest(name, declared.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None if declared.is_empty() => {
                    format!("remove `{name}`: this endpoint declares no query parameters")
                }
                None => format!(
                    "remove `{name}`; the declared query parameters are {}",
                    listing(&declared, 12)
                ),
            };
            problems.push(
                Problem::warning(
                    Kind::UnknownParameter,
                    format!("query parameter `{name}` is not declared; the server may ignore it"),
                    fix,
                )
                .named(name, "query")
                .with_choices(declared.clone()),
            );
        }
    }
}

/// Whether the endpoint's request body declares a top-level field `name`.
fn is_body_field(context: &Context<'_>, name: &str) -> bool {
    let defs = &context.checker.defs;
    context
        .endpoint
        .request_body
        .iter()
        .flat_map(|b| &b.content)
        .filter_map(|m| m.schema.as_ref())
        .any(|s| defs.object(s, &[]).declares(name))
}

/// Headers named like a query, path or cookie parameter of the endpoint.
fn misplaced_headers(context: &Context<'_>, request: &Request, problems: &mut Vec<Problem>) {
    for (header, _) in &request.headers {
        if TRANSPORT_HEADERS.contains(&header.as_str()) {
            continue;
        }
        let declared_as_header = context
            .endpoint
            .parameters
            .iter()
            .any(|p| p.location == "header" && p.name.eq_ignore_ascii_case(header));
        if declared_as_header {
            continue;
        }
        let Some(param) = context
            .endpoint
            .parameters
            .iter()
            .find(|p| p.location != "header" && p.name.eq_ignore_ascii_case(header))
        else {
            continue;
        };
        // Already reported when the parameter was required and missing.
        let found = |p: &Problem| {
            p.kind == Kind::WrongLocation && p.name.as_deref() == Some(param.name.as_str())
        };
        if problems.iter().any(found) {
            continue;
        }
        let sent_right = match param.location.as_str() {
            "query" => request.has_query(&param.name),
            "cookie" => request.cookie(&param.name).is_some(),
            _ => true,
        };
        if !sent_right {
            problems.push(
                Problem::error(
                    Kind::WrongLocation,
                    format!(
                        "`{}` is a {} parameter, sent as a header",
                        param.name, param.location
                    ),
                    how_to_send(&param.name, &param.location, "…"),
                )
                .named(&param.name, &param.location)
                .expecting(format!("{} parameter", param.location)),
            );
        }
    }
}
