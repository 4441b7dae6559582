//! Endpoint answers within a token budget.
//!
//! Most endpoints render in a few hundred tokens, but some (Stripe's form
//! bodies with a hundred fields, GitHub's long descriptions, forty optional
//! parameters) run to thousands, and an agent that asked for one endpoint
//! should not have its context flooded. [`fit`] cuts the answer's parts in
//! an order that keeps what a call needs longest (the least useful first,
//! the largest endpoint first), measuring the markdown rendering in o200k
//! tokens, and records every cut as an [`Omission`] with the exact call
//! that returns what was left out. The cuts change the typed answer, not
//! just its markdown, so the JSON says what the markdown says.

use serde_json::{Value, json};
use specdex_spec::MediaType;

use crate::answers::{Detail, EndpointDetail, EndpointDetails, Omission};
use crate::markdown;
use crate::tokens;

/// Budget per endpoint asked for, when the question sets none. Measured on
/// JumpCloud, Stripe and GitHub (2,593 endpoints): 95 % render complete
/// within it, and the rest are cut to it (docs/budgets.md).
pub const DEFAULT_ENDPOINT_TOKENS: usize = 1_200;
/// Smallest and largest `max_tokens` accepted.
pub const MIN_TOKENS: usize = 200;
pub const MAX_TOKENS: usize = 20_000;
/// Longest first paragraph kept when a description is shortened.
const PARAGRAPH_CHARS: usize = 400;
/// Names listed in an omission before "and N more".
const NAMES_LISTED: usize = 10;

/// Who asked, for spelling out the calls that return what was left out.
pub struct Caller<'a> {
    /// The API as the answer names it (`provider/api`).
    pub api: &'a str,
    /// The version label, when the question pinned one.
    pub version: Option<&'a str>,
}

impl Caller<'_> {
    /// `get_endpoints {"api":…,"endpoints":[key],"detail":"full","max_tokens":n}`.
    fn endpoint_call(&self, key: &str, max_tokens: usize) -> String {
        let mut args = json!({"api": self.api});
        if let Some(version) = self.version {
            args["version"] = json!(version);
        }
        args["endpoints"] = json!([key]);
        args["detail"] = json!("full");
        args["max_tokens"] = json!(max_tokens);
        format!("get_endpoints {args}")
    }

    /// `get_schemas {"api":…,"names":[…]}`.
    pub fn schemas_call(&self, names: &[String]) -> String {
        let mut args = json!({"api": self.api});
        if let Some(version) = self.version {
            args["version"] = json!(version);
        }
        args["names"] = json!(names);
        format!("get_schemas {args}")
    }
}

/// The stages of cutting one endpoint, least useful first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cut {
    /// `brief`: the summary stands for the description; without one, the
    /// description's first sentence does.
    Sentence,
    LongValues,
    LongDescription,
    OptionalFields,
    OtherResponses,
    OptionalParameters,
    SmallDescriptions,
    Description,
}

const CUTS: [Cut; 7] = [
    Cut::LongValues,
    Cut::LongDescription,
    Cut::OptionalFields,
    Cut::OtherResponses,
    Cut::OptionalParameters,
    Cut::SmallDescriptions,
    Cut::Description,
];

/// The cuts `brief` starts with.
const BRIEF: [Cut; 4] = [
    Cut::Sentence,
    Cut::OptionalFields,
    Cut::OtherResponses,
    Cut::OptionalParameters,
];

/// One endpoint while it is being fitted.
struct Fitting {
    key: String,
    /// Tokens of its complete rendering, for the call that returns it.
    whole: usize,
    /// Tokens of its rendering now.
    tokens: usize,
    /// The next stage of [`CUTS`] to apply.
    next: usize,
    /// What was cut, in order.
    parts: Vec<String>,
}

/// Cuts `details` until its markdown fits `budget` tokens (see the module
/// doc), brief first when `details.detail` asks for it; `overflow` names
/// schemas already left out. Whatever happens,
/// the first endpoint stays, at least as its heading, example and
/// required parameters; the rest are left out whole, last first, when
/// nothing else is left to cut.
pub fn fit(
    details: &mut EndpointDetails,
    budget: usize,
    overflow: Vec<String>,
    caller: &Caller<'_>,
) {
    let mut fitting: Vec<Fitting> = details
        .endpoints
        .iter()
        .map(|d| {
            let tokens = tokens::count(&markdown::endpoint_detail(d, details.detail));
            Fitting {
                key: format!("{} {}", d.endpoint.method, d.endpoint.path),
                whole: tokens,
                tokens,
                next: 0,
                parts: Vec::new(),
            }
        })
        .collect();
    if details.detail == Detail::Brief {
        for (detail, state) in details.endpoints.iter_mut().zip(&mut fitting) {
            for cut in BRIEF {
                if let Some(part) = apply(detail, cut) {
                    state.parts.push(part);
                }
            }
            state.tokens = tokens::count(&markdown::endpoint_detail(detail, Detail::Brief));
        }
    }
    let schema_tokens: Vec<usize> = details
        .schemas
        .iter()
        .map(|s| tokens::count(&markdown::schema(s)))
        .collect();
    let mut schemas_kept = details.schemas.len();
    let mut schemas_omitted = overflow;
    let mut dropped: Vec<Fitting> = Vec::new();
    loop {
        record(details, &fitting, &dropped, &schemas_omitted, caller);
        let estimate: usize = fitting.iter().map(|f| f.tokens + 4).sum::<usize>()
            + schema_tokens[..schemas_kept].iter().sum::<usize>()
            + tokens::count(&markdown::omissions(details));
        if estimate <= budget && tokens::count(&markdown::endpoint_details(details)) <= budget {
            return;
        }
        // Schemas first: the endpoint is what was asked for, and each
        // schema left out is one `get_schemas` call away.
        if schemas_kept > 0 {
            schemas_kept -= 1;
            let schema = details.schemas.remove(schemas_kept);
            schemas_omitted.insert(0, schema.name);
            continue;
        }
        let largest = fitting
            .iter()
            .enumerate()
            .filter(|(_, f)| f.next < CUTS.len())
            .max_by_key(|(i, f)| (f.tokens, std::cmp::Reverse(*i)))
            .map(|(i, _)| i);
        if let Some(i) = largest {
            let state = &mut fitting[i];
            let detail = &mut details.endpoints[i];
            let cut = CUTS[state.next];
            state.next += 1;
            if let Some(part) = apply(detail, cut) {
                state.parts.push(part);
                state.tokens = tokens::count(&markdown::endpoint_detail(detail, details.detail));
            }
            continue;
        }
        // Nothing left to cut but whole endpoints: the last one goes,
        // never the first.
        if fitting.len() < 2 {
            return;
        }
        details.endpoints.pop();
        if let Some(state) = fitting.pop() {
            dropped.insert(0, state);
        }
    }
}

/// Writes what was left out into `details.omitted`: each endpoint's cuts,
/// the endpoints left out whole, then the schemas.
fn record(
    details: &mut EndpointDetails,
    fitting: &[Fitting],
    dropped: &[Fitting],
    schemas: &[String],
    caller: &Caller<'_>,
) {
    let mut omitted = Vec::new();
    for state in fitting {
        let call = caller.endpoint_call(&state.key, call_budget(state.whole));
        for part in &state.parts {
            omitted.push(Omission {
                endpoint: Some(state.key.clone()),
                part: part.clone(),
                call: call.clone(),
            });
        }
    }
    for state in dropped {
        omitted.push(Omission {
            endpoint: Some(state.key.clone()),
            part: "the whole endpoint".to_owned(),
            call: caller.endpoint_call(&state.key, call_budget(state.whole)),
        });
    }
    for names in schemas.chunks(crate::MAX_NAMES) {
        omitted.push(Omission {
            endpoint: None,
            part: format!("schemas {}", names.join(", ")),
            call: caller.schemas_call(names),
        });
    }
    details.omitted = omitted;
}

/// The `max_tokens` that returns a whole endpoint of `tokens` tokens: a
/// little room above it, in round hundreds.
fn call_budget(tokens: usize) -> usize {
    ((tokens + 150).div_ceil(100) * 100).clamp(DEFAULT_ENDPOINT_TOKENS, MAX_TOKENS)
}

/// Applies one cut; what it left out, or `None` when there was nothing to
/// cut.
fn apply(detail: &mut EndpointDetail, cut: Cut) -> Option<String> {
    let e = &mut detail.endpoint;
    match cut {
        Cut::LongDescription => {
            let text = e.description.as_deref()?;
            let first = first_paragraph(text);
            (first.len() < text.trim().len()).then(|| {
                e.description = Some(first);
                "the description after its first paragraph".to_owned()
            })
        }
        Cut::LongValues => {
            let short = shorten_values(&detail.curl);
            (short.len() < detail.curl.len()).then(|| {
                detail.curl = short;
                "long values in the example (shortened with …)".to_owned()
            })
        }
        Cut::Description => {
            e.description.take()?;
            Some("the description".to_owned())
        }
        Cut::Sentence => {
            let text = e.description.as_deref()?;
            if e.summary.is_some() {
                e.description = None;
                return Some("the description".to_owned());
            }
            let sentence = first_sentence(text);
            (sentence.len() < text.trim().len()).then(|| {
                e.description = Some(sentence);
                "the description after its first sentence".to_owned()
            })
        }
        Cut::OptionalParameters => {
            let names: Vec<String> = e
                .parameters
                .iter()
                .filter(|p| !p.required)
                .map(|p| format!("`{}`", p.name))
                .collect();
            if names.is_empty() {
                return None;
            }
            e.parameters.retain(|p| p.required);
            Some(format!("optional parameters {}", listed(&names)))
        }
        Cut::OtherResponses => {
            let success = |status: &str| status.starts_with('2') || status.starts_with('3');
            let keep_first = !e.responses.iter().any(|r| success(&r.status));
            let before = e.responses.len();
            let mut first = true;
            let mut dropped = Vec::new();
            e.responses.retain(|r| {
                let keep = success(&r.status) || (keep_first && first);
                first = false;
                if !keep {
                    dropped.push(r.status.clone());
                }
                keep
            });
            (e.responses.len() < before).then(|| format!("responses {}", listed(&dropped)))
        }
        Cut::OptionalFields => {
            let body = e.request_body.as_mut()?;
            let mut names = Vec::new();
            for media in &mut body.content {
                prune_optional(media, &mut names);
            }
            names.dedup();
            let names: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
            (!names.is_empty()).then(|| format!("optional body fields {}", listed(&names)))
        }
        Cut::SmallDescriptions => {
            let mut cut = false;
            for p in &mut e.parameters {
                cut |= p.description.take().is_some();
            }
            if let Some(body) = &mut e.request_body {
                cut |= body.description.take().is_some();
                for media in &mut body.content {
                    cut |= strip_field_descriptions(media);
                }
            }
            cut.then(|| "descriptions of parameters and body fields".to_owned())
        }
    }
}

/// Longest word kept whole in an example; longer ones (base64 payloads,
/// long ids) keep [`VALUE_HEAD`] characters.
const VALUE_CHARS: usize = 80;
const VALUE_HEAD: usize = 32;

/// `text` with every word (a run without spaces, quotes or JSON
/// punctuation) longer than [`VALUE_CHARS`] cut to its head and `…`.
fn shorten_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.chars().count() > VALUE_CHARS {
            out.extend(word.chars().take(VALUE_HEAD));
            out.push('…');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_whitespace() || "\"',:{}[]=".contains(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// `a, b, c` or `a, b, … and 12 more`.
fn listed(names: &[String]) -> String {
    if names.len() <= NAMES_LISTED {
        names.join(", ")
    } else {
        format!(
            "{} and {} more",
            names[..NAMES_LISTED].join(", "),
            names.len() - NAMES_LISTED
        )
    }
}

/// The first paragraph of `text`, at most [`PARAGRAPH_CHARS`] (cut at a
/// word, with `…`).
fn first_paragraph(text: &str) -> String {
    let text = text.trim();
    let first = text.split("\n\n").next().unwrap_or(text).trim();
    if first.chars().count() <= PARAGRAPH_CHARS {
        return first.to_owned();
    }
    let cut: String = first.chars().take(PARAGRAPH_CHARS).collect();
    let head = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", head.trim_end())
}

/// The first sentence of `text`'s first paragraph.
fn first_sentence(text: &str) -> String {
    let paragraph = first_paragraph(text);
    match paragraph.find(". ") {
        Some(end) => paragraph[..=end].to_owned(),
        None => paragraph,
    }
}

/// The objects whose top-level fields the body table lists: the schema, or
/// each alternative of its `oneOf`/`anyOf`.
fn field_objects(schema: &mut Value) -> Vec<&mut serde_json::Map<String, Value>> {
    if schema.get("properties").is_some() {
        return schema.as_object_mut().into_iter().collect();
    }
    let Some(map) = schema.as_object_mut() else {
        return Vec::new();
    };
    let keyword = if map.contains_key("oneOf") {
        "oneOf"
    } else {
        "anyOf"
    };
    let alternatives = map.get_mut(keyword);
    alternatives
        .and_then(Value::as_array_mut)
        .map(|items| {
            items
                .iter_mut()
                .filter_map(Value::as_object_mut)
                .filter(|o| o.contains_key("properties"))
                .collect()
        })
        .unwrap_or_default()
}

/// Removes an inline body schema's optional top-level fields, naming them.
fn prune_optional(media: &mut MediaType, names: &mut Vec<String>) {
    let Some(schema) = media.schema.as_mut() else {
        return;
    };
    for object in field_objects(schema) {
        let required: Vec<String> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        if let Some(Value::Object(properties)) = object.get_mut("properties") {
            properties.retain(|name, _| {
                let keep = required.contains(name);
                if !keep {
                    names.push(name.clone());
                }
                keep
            });
        }
    }
}

/// Removes the descriptions of an inline body schema's top-level fields.
fn strip_field_descriptions(media: &mut MediaType) -> bool {
    let Some(schema) = media.schema.as_mut() else {
        return false;
    };
    let mut cut = false;
    for object in field_objects(schema) {
        if let Some(Value::Object(properties)) = object.get_mut("properties") {
            for property in properties.values_mut() {
                if let Some(p) = property.as_object_mut() {
                    cut |= p.remove("description").is_some();
                }
            }
        }
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_keep_their_head() {
        let long = "A".repeat(100);
        let curl = format!("curl -d '{{\"sarif\":\"{long}\",\"ref\":\"main\"}}'");
        assert_eq!(
            shorten_values(&curl),
            format!(
                "curl -d '{{\"sarif\":\"{}…\",\"ref\":\"main\"}}'",
                "A".repeat(VALUE_HEAD)
            )
        );
        assert_eq!(shorten_values("curl https://x/y"), "curl https://x/y");
    }

    #[test]
    fn descriptions_shorten_to_a_paragraph_or_sentence() {
        assert_eq!(first_paragraph("One. Two.\n\nThree."), "One. Two.");
        assert_eq!(first_sentence("One. Two.\n\nThree."), "One.");
        let long = "word ".repeat(200);
        let cut = first_paragraph(&long);
        assert!(cut.ends_with('…') && cut.chars().count() <= PARAGRAPH_CHARS + 1);
    }

    #[test]
    fn calls_name_the_api_version_and_budget() {
        let caller = Caller {
            api: "github/api",
            version: Some("1.1.4"),
        };
        assert_eq!(
            caller.endpoint_call("GET /x", call_budget(1_500)),
            "get_endpoints {\"api\":\"github/api\",\"version\":\"1.1.4\",\"endpoints\":[\"GET /x\"],\"detail\":\"full\",\"max_tokens\":1700}"
        );
        assert_eq!(call_budget(10), DEFAULT_ENDPOINT_TOKENS);
        assert_eq!(call_budget(50_000), MAX_TOKENS);
        assert_eq!(
            listed(&(0..12).map(|i| i.to_string()).collect::<Vec<_>>()),
            "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 2 more"
        );
    }
}
