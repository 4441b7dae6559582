//! What changed between two editions of one API.
//!
//! [`diff`] compares two normalized models ([`specdex_spec::Api`]) and
//! returns every change with a stable rule id ([`rules`]), a [`Level`], the
//! endpoint, a location and the values before and after. Pure: no I/O. The
//! model is the same for Swagger 2.0 and OpenAPI 3.x, so editions in
//! different formats compare like any others.
//!
//! Schemas are compared through their `$ref`s: a change inside a named
//! schema is listed once as a component change (no endpoint) and again on
//! every endpoint whose parameters, request or responses reach it within
//! [`ENDPOINT_REACH`] references, at the location where it reaches it. Each pair of named schemas is compared once and the
//! walk over references keeps a visited set, so cyclic schemas end and the
//! work grows with the size of the documents, not with how often schemas
//! are shared; a work budget ([`MAX_STEPS`]) bounds it on any input.
//!
//! Locations are JSON pointers into the endpoint written the OpenAPI 3 way
//! (`/parameters/query/limit/schema`, `/requestBody/content/application~1json/schema/properties/name`,
//! `/responses/200/content/application~1json/schema/items/properties/id`),
//! or into the document for component changes (`#/components/schemas/Pet/properties/tag`).

mod endpoint;
pub mod rules;
mod schema;

pub use endpoint::blank_parameters;
pub use schema::ENDPOINT_REACH;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;
use specdex_spec::{Api, Endpoint};

pub use rules::{Level, RULES, Rule};

/// Most schema nodes one diff visits. Real editions need far fewer (the two
/// Stripe editions: about 60,000); past it the diff stops and says so.
pub const MAX_STEPS: usize = 2_000_000;

/// Most changes one diff lists (the two newest Stripe editions have 13,104). A
/// change in a schema that thousands of endpoints use is listed on each, so
/// a document can multiply its changes; past this the diff stops and says so.
pub const MAX_CHANGES: usize = 500_000;

/// One change between two editions.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Change {
    /// The rule's stable id (see [`rules::RULES`]).
    pub rule: &'static str,
    pub level: Level,
    /// `"METHOD /path"` (as the newer edition writes it, or the older one
    /// for a removed endpoint); `None` for changes to the whole API and to
    /// named schemas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The named schema the change is inside, if it is inside one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// A JSON pointer (see the crate documentation).
    pub location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// The change in one sentence.
    pub message: String,
}

/// Counts over a whole diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Named apart from the query engine's `Summary` (an API's overview): both are
// components of one OpenAPI document, where the last one of a name wins.
#[cfg_attr(feature = "openapi", schema(as = ChangeSummary))]
pub struct Summary {
    pub endpoints_added: usize,
    pub endpoints_removed: usize,
    /// Endpoints in both editions with at least one change.
    pub endpoints_changed: usize,
    /// Named schemas in both editions with at least one change.
    pub components_changed: usize,
    /// Changes per level. A change inside a named schema counts once per
    /// endpoint it reaches (that is where it breaks clients), not again as
    /// the component change.
    pub breaking: usize,
    pub warning: usize,
    pub info: usize,
    /// `false` when the diff stopped at [`MAX_STEPS`] or [`MAX_CHANGES`]:
    /// the changes listed are real but others may be missing.
    pub complete: bool,
}

/// Everything that changed from one edition to another.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub summary: Summary,
    /// API-wide changes first, then endpoints by path and method, then named
    /// schemas by name.
    pub changes: Vec<Change>,
}

/// Compares `before` with `after`, two editions of one API.
pub fn diff(before: &Api, after: &Api) -> Diff {
    let mut schemas = schema::Comparer::new(before, after);
    let mut usage = schema::Usage::default();
    let mut out = Collector::default();
    endpoint::servers(&before.servers, &after.servers, "#/servers", &mut out);
    for pair in endpoint::pair_endpoints(&before.endpoints, &after.endpoints) {
        match pair {
            (Some(old), None) => {
                out.endpoint = Some(old.key());
                let rule = if old.deprecated {
                    &rules::DEPRECATED_ENDPOINT_REMOVED
                } else {
                    &rules::ENDPOINT_REMOVED
                };
                out.push(rule, String::new(), None, None);
            }
            (None, Some(new)) => {
                out.endpoint = Some(new.key());
                out.push(&rules::ENDPOINT_ADDED, String::new(), None, None);
            }
            (Some(old), Some(new)) => {
                out.endpoint = Some(new.key());
                endpoint::compare(old, new, before, after, &mut schemas, &mut usage, &mut out);
            }
            (None, None) => {}
        }
    }
    out.endpoint = None;
    schemas.components(&usage, &mut out);
    Diff {
        summary: Summary::of(&out.changes, !schemas.exhausted() && !out.full()),
        changes: out.changes,
    }
}

impl Summary {
    /// How many changes are at `level` or above (what `--fail-on` asks).
    pub fn at_or_above(&self, level: Level) -> usize {
        match level {
            Level::Breaking => self.breaking,
            Level::Warning => self.breaking + self.warning,
            Level::Info => self.breaking + self.warning + self.info,
        }
    }

    /// The counts of a list of changes (all of a diff's, or those of some
    /// endpoints); `complete` as the diff says.
    pub fn of<'c>(changes: impl IntoIterator<Item = &'c Change>, complete: bool) -> Summary {
        let mut summary = Summary {
            complete,
            ..Summary::default()
        };
        let mut changed_endpoints = HashSet::new();
        let mut changed_components = HashSet::new();
        for change in changes {
            let is = |rule: &Rule| change.rule == rule.id;
            if is(&rules::ENDPOINT_ADDED) {
                summary.endpoints_added += 1;
            } else if is(&rules::ENDPOINT_REMOVED) || is(&rules::DEPRECATED_ENDPOINT_REMOVED) {
                summary.endpoints_removed += 1;
            } else if let Some(endpoint) = &change.endpoint {
                changed_endpoints.insert(endpoint.as_str());
            } else if let Some(component) = &change.component
                && !is(&rules::COMPONENT_ADDED)
                && !is(&rules::COMPONENT_REMOVED)
            {
                changed_components.insert(component.as_str());
            }
            if change.endpoint.is_none() && change.component.is_some() {
                continue;
            }
            match change.level {
                Level::Breaking => summary.breaking += 1,
                Level::Warning => summary.warning += 1,
                Level::Info => summary.info += 1,
            }
        }
        summary.endpoints_changed = changed_endpoints.len();
        summary.components_changed = changed_components.len();
        summary
    }
}

/// Gathers changes for the endpoint being compared.
#[derive(Default)]
pub(crate) struct Collector {
    pub(crate) endpoint: Option<String>,
    pub(crate) changes: Vec<Change>,
}

impl Collector {
    /// Whether [`MAX_CHANGES`] are listed.
    pub(crate) fn full(&self) -> bool {
        self.changes.len() >= MAX_CHANGES
    }

    pub(crate) fn push(
        &mut self,
        rule: &'static Rule,
        location: String,
        before: Option<Value>,
        after: Option<Value>,
    ) {
        self.push_at(rule, rule.level, None, location, before, after);
    }

    pub(crate) fn push_at(
        &mut self,
        rule: &'static Rule,
        level: Level,
        component: Option<String>,
        location: String,
        before: Option<Value>,
        after: Option<Value>,
    ) {
        if self.full() {
            return;
        }
        let message = sentence(
            rule,
            self.endpoint.as_deref(),
            &location,
            before.as_ref(),
            after.as_ref(),
        );
        self.changes.push(Change {
            rule: rule.id,
            level,
            endpoint: self.endpoint.clone(),
            component,
            location,
            before,
            after,
            message,
        });
    }
}

/// "Required parameter added: query parameter `owner` of `GET /pets`."
fn sentence(
    rule: &Rule,
    endpoint: Option<&str>,
    location: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> String {
    let mut text = rule.title.to_owned();
    let place = describe(location);
    match (place.is_empty(), endpoint) {
        (false, Some(endpoint)) => text.push_str(&format!(": {place} of `{endpoint}`")),
        (false, None) => text.push_str(&format!(": {place}")),
        (true, Some(endpoint)) => text.push_str(&format!(": `{endpoint}`")),
        (true, None) => {}
    }
    match (before, after) {
        (Some(b), Some(a)) => text.push_str(&format!(" (was {}, now {})", short(b), short(a))),
        (Some(b), None) => text.push_str(&format!(" (was {})", short(b))),
        (None, Some(a)) => text.push_str(&format!(" ({})", short(a))),
        (None, None) => {}
    }
    text.push('.');
    text
}

/// A value in a sentence: strings in backticks, long values cut.
fn short(value: &Value) -> String {
    const MAX: usize = 80;
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("`{cut}…`")
    } else {
        format!("`{text}`")
    }
}

/// A location in words: `/parameters/query/limit` → "query parameter
/// `limit`"; `/responses/200/content/application~1json/schema/properties/id`
/// → "`id` in the 200 application/json response".
pub fn describe(location: &str) -> String {
    if location.is_empty() {
        return String::new();
    }
    let (document, tokens) = match location.strip_prefix('#') {
        Some(rest) => (true, specdex_spec::pointer::tokens(rest)),
        None => (false, specdex_spec::pointer::tokens(location)),
    };
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let (subject, schema_at) = match tokens.as_slice() {
        ["components", "schemas", name, ..] => (format!("schema `{name}`"), 3),
        ["parameters", place, name, ..] => (format!("{place} parameter `{name}`"), 3),
        ["requestBody", "content", media, ..] => (format!("the {media} request body"), 3),
        ["requestBody", ..] => ("the request body".to_owned(), tokens.len()),
        ["responses", status, "content", media, ..] => {
            (format!("the {status} {media} response"), 4)
        }
        ["responses", status, ..] => (format!("the {status} response"), tokens.len()),
        ["servers", ..] => ("the servers".to_owned(), tokens.len()),
        ["security", ..] => ("the security requirement".to_owned(), tokens.len()),
        _ if document => (location.to_owned(), tokens.len()),
        _ => (format!("`{location}`"), tokens.len()),
    };
    let field = field_path(tokens.get(schema_at..).unwrap_or_default());
    if field.is_empty() {
        subject
    } else {
        format!("`{field}` in {subject}")
    }
}

/// The dotted path of a schema pointer: `schema/items/properties/id` → `[].id`.
fn field_path(tokens: &[&str]) -> String {
    let mut out = String::new();
    let mut iter = tokens.iter();
    while let Some(token) = iter.next() {
        match *token {
            "schema" => {}
            "properties" => {
                if let Some(name) = iter.next() {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
            }
            "items" => out.push_str("[]"),
            "additionalProperties" => out.push_str("{}"),
            "allOf" | "oneOf" | "anyOf" => {
                let index = iter.next().copied().unwrap_or_default();
                out.push_str(&format!("<{token}[{index}]>"));
            }
            other => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(other);
            }
        }
    }
    out
}

/// Endpoint keys of an edition, by path template with parameter names
/// blanked (`/pets/{}`) and method, as the diff pairs them.
pub fn endpoint_identity(endpoint: &Endpoint) -> (String, String) {
    (blank_parameters(&endpoint.path), endpoint.method.clone())
}

/// How many changes of each rule a diff holds (for tests and summaries).
pub fn count_by_rule(changes: &[Change]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for change in changes {
        *counts.entry(change.rule).or_insert(0) += 1;
    }
    counts
}

pub(crate) type SchemaMap<'a> = HashMap<&'a str, &'a Value>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_read_as_words() {
        assert_eq!(
            describe("/parameters/query/limit"),
            "query parameter `limit`"
        );
        assert_eq!(
            describe("/responses/200/content/application~1json/schema/items/properties/id"),
            "`[].id` in the 200 application/json response"
        );
        assert_eq!(
            describe("#/components/schemas/Pet/properties/tag"),
            "`tag` in schema `Pet`"
        );
        assert_eq!(describe("/requestBody"), "the request body");
        assert_eq!(describe(""), "");
    }
}
