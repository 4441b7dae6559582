//! The request body: present when required, absent where there is none, in
//! a media type the endpoint accepts, readable as that type, and its fields
//! as the schema describes them.

use serde_json::Value;
use specdex_spec::{MediaType, RequestBody};

use crate::form::{self, key_path};
use crate::params::Request;
use crate::shape::{coerce, review};
use crate::{Context, Kind, MAX_BODY_BYTES, MAX_BODY_DEPTH, PlannedCall, Problem, validate};

const FORM: &str = "application/x-www-form-urlencoded";

/// The body of a planned call, read once.
pub(crate) struct Sent {
    /// The text, unless empty.
    text: Option<String>,
    /// The media type, normalized (`application/json`); guessed from the
    /// text when the call does not say.
    media: String,
    /// Whether `media` was guessed.
    guessed: bool,
    /// The text as JSON, when it is JSON.
    json: Option<Value>,
}

impl Sent {
    pub fn read(call: &PlannedCall, request: &Request) -> Sent {
        let text = call
            .body
            .as_deref()
            .filter(|b| !b.trim().is_empty())
            .map(str::to_owned);
        let json = text
            .as_deref()
            .filter(|t| t.len() <= MAX_BODY_BYTES)
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .filter(|v| depth(v) <= MAX_BODY_DEPTH);
        let given = call
            .content_type
            .as_deref()
            .or_else(|| request.header("content-type"))
            .map(normalize)
            .filter(|m| !m.is_empty());
        let guessed = given.is_none();
        let media = given.unwrap_or_else(|| {
            if json.is_some() {
                "application/json".to_owned()
            } else if text.as_deref().is_some_and(|t| t.contains('=')) {
                FORM.to_owned()
            } else {
                "text/plain".to_owned()
            }
        });
        Sent {
            text,
            media,
            guessed,
            json,
        }
    }

    /// The names of the body's top-level fields (to recognize a parameter
    /// sent in the body, or a body field sent as a parameter).
    pub fn top_level_fields(&self) -> Vec<String> {
        if let Some(Value::Object(map)) = &self.json {
            return map.keys().cloned().collect();
        }
        match (&self.text, self.media.as_str()) {
            (Some(text), FORM) => form::pairs(text)
                .iter()
                .map(|(k, _)| key_path(k)[0].to_owned())
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// `Application/JSON; charset=utf-8` → `application/json`.
fn normalize(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_lowercase()
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json") || media == "text/json"
}

/// Whether a body sent as `sent` is one the spec's `declared` type accepts.
fn accepts(declared: &str, sent: &str) -> bool {
    let declared = normalize(declared);
    declared == sent
        || declared == "*/*"
        || declared
            .strip_suffix("/*")
            .is_some_and(|family| sent.split('/').next() == Some(family))
}

/// The nesting depth of a JSON value, counted without recursion.
fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(value, 1)];
    while let Some((value, level)) = stack.pop() {
        deepest = deepest.max(level);
        match value {
            Value::Array(items) => stack.extend(items.iter().map(|v| (v, level + 1))),
            Value::Object(map) => stack.extend(map.values().map(|v| (v, level + 1))),
            _ => {}
        }
    }
    deepest
}

pub(crate) fn check(context: &Context<'_>, sent: &Sent, problems: &mut Vec<Problem>) {
    let endpoint = context.endpoint;
    let declared = endpoint
        .request_body
        .as_ref()
        .filter(|b| !b.content.is_empty());
    match (declared, &sent.text) {
        (None, None) => {}
        (None, Some(_)) => problems.push(
            Problem::warning(
                Kind::UnexpectedBody,
                format!("{} takes no request body", endpoint.key()),
                "leave the body out; send what it needs as parameters",
            )
            .named("body", "body"),
        ),
        (Some(body), None) => {
            if body.required {
                problems.push(missing_body(context, body));
            }
        }
        (Some(body), Some(text)) => check_sent(context, body, sent, text, problems),
    }
}

fn missing_body(context: &Context<'_>, body: &RequestBody) -> Problem {
    let media = declared(body);
    let required: Vec<String> = body
        .content
        .first()
        .and_then(|m| m.schema.as_ref())
        .map(|s| {
            let s = context.checker.defs.resolve(s);
            s.get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let fields = if required.is_empty() {
        String::new()
    } else {
        format!(" with {}", crate::listing(&required, 12))
    };
    Problem::error(
        Kind::MissingBody,
        format!("{} requires a request body", context.endpoint.key()),
        format!("send a {} body{fields}", media[0]),
    )
    .named("body", "body")
    .expecting(media.join(" | "))
    .with_choices(media)
}

fn check_sent(
    context: &Context<'_>,
    body: &RequestBody,
    sent: &Sent,
    text: &str,
    problems: &mut Vec<Problem>,
) {
    if text.len() > MAX_BODY_BYTES {
        problems.push(
            Problem::warning(
                Kind::Unchecked,
                format!("the body is larger than {MAX_BODY_BYTES} bytes and was not checked"),
                "check a smaller body",
            )
            .named("body", "body"),
        );
        return;
    }
    let found = body
        .content
        .iter()
        .position(|m| accepts(&m.media_type, &sent.media))
        .or_else(|| {
            // A JSON body sent without a content type fits any JSON type.
            (sent.guessed && sent.json.is_some())
                .then(|| {
                    body.content
                        .iter()
                        .position(|m| is_json(&normalize(&m.media_type)))
                })
                .flatten()
        });
    let index = match found {
        Some(index) => index,
        None => {
            problems.push(wrong_media(body, sent));
            // Still hold the fields against the schema when they can be
            // read: the JSON of a form endpoint, say.
            match sent.json.as_ref().and_then(|_| readable_index(body)) {
                Some(index) => index,
                None => return,
            }
        }
    };
    let media = &body.content[index];
    let Some(schema) = media.schema.as_ref() else {
        return;
    };
    let Some(value) = read(context, media, sent, text, problems) else {
        return;
    };
    let checker = context.checker;
    match checker
        .validators
        .body(&checker.api, context.index, index, schema)
    {
        Ok(validator) => problems.extend(validate::problems(
            validator,
            &value,
            "body",
            None,
            &checker.defs,
            schema,
        )),
        Err(why) => problems.push(
            Problem::warning(
                Kind::Unchecked,
                format!("the body was not checked: its schema does not compile ({why})"),
                "check the body by hand against the schema",
            )
            .named("body", "body"),
        ),
    }
    review(&checker.defs, schema, &value, "body", problems);
}

/// The media types the body may be sent in, as the spec writes them.
fn declared(body: &RequestBody) -> Vec<String> {
    body.content.iter().map(|m| m.media_type.clone()).collect()
}

/// The first declared type whose fields a JSON value can stand for.
fn readable_index(body: &RequestBody) -> Option<usize> {
    body.content.iter().position(|m| {
        let media = normalize(&m.media_type);
        is_json(&media) || media == FORM || media == "multipart/form-data"
    })
}

fn wrong_media(body: &RequestBody, sent: &Sent) -> Problem {
    let declared = declared(body);
    let takes_form = declared.iter().any(|m| normalize(m) == FORM);
    let fix = match (&sent.json, takes_form) {
        (Some(json @ Value::Object(_)), true) => format!(
            "send it form-encoded with `Content-Type: {FORM}`: {}",
            form::encode(json, 160)
        ),
        _ => format!("send it as {} with that Content-Type", declared[0]),
    };
    let sent_as = if sent.guessed {
        format!("the body reads as {}", sent.media)
    } else {
        format!("the body is sent as {}", sent.media)
    };
    Problem::error(
        Kind::WrongContentType,
        format!("{sent_as}; this endpoint takes {}", declared.join(" or ")),
        fix,
    )
    .named("Content-Type", "header")
    .expecting(declared.join(" | "))
    .with_choices(declared)
}

/// The body as the value its schema describes, or why it cannot be read.
fn read(
    context: &Context<'_>,
    media: &MediaType,
    sent: &Sent,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Option<Value> {
    let defs = &context.checker.defs;
    let schema = media.schema.as_ref()?;
    let declared = normalize(&media.media_type);
    if let Some(json) = &sent.json
        && sent.media != FORM
    {
        // Read as JSON; a form's fields written as JSON are read the way
        // the form would be.
        let value = if is_json(&declared) || declared.contains('*') {
            json.clone()
        } else {
            coerce(defs, schema, json.clone(), 0)
        };
        return Some(value);
    }
    if is_json(&declared) || is_json(&sent.media) {
        let why = match serde_json::from_str::<Value>(text) {
            Err(e) => format!("not valid JSON ({e})"),
            Ok(_) => format!("nested deeper than {MAX_BODY_DEPTH} levels"),
        };
        problems.push(
            Problem::error(
                Kind::UnreadableBody,
                format!("the body is {why}"),
                "send a valid JSON document",
            )
            .named("body", "body")
            .expecting(media.media_type.clone()),
        );
        return None;
    }
    if declared == FORM || sent.media == FORM {
        let pairs = form::pairs(text);
        return Some(coerce(defs, schema, form::nest(&pairs), 0));
    }
    // Other media (text, XML, binary uploads): a string, when the schema
    // takes one.
    defs.types(schema)
        .has(crate::defs::Types::STRING)
        .then(|| Value::String(text.to_owned()))
}
