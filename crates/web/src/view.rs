//! What templates show: the engine's answers reshaped for HTML (links,
//! anchors, sanitized markdown, linked type labels). No questions are asked
//! here; everything comes from the engine's answers and the stored model.

use std::collections::HashMap;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;
use specdex_diff::rules::{DEPRECATED_ENDPOINT_REMOVED, ENDPOINT_REMOVED};
use specdex_diff::{Change, Level, Summary};
use specdex_query::schema::ref_target;
use specdex_query::{ApiItem, Changes, Edition, SearchHit, TagCount};
use specdex_spec::extract::type_label;
use specdex_spec::{Api, Endpoint, MediaType, NamedSchema, SecurityScheme};
use specdex_store::{EndpointSummary, SchemaName, SnapshotInfo};

use crate::json;
use crate::markdown::Renderer;

/// Characters left alone in a path: unreserved ones, `/` and a few
/// sub-delimiters; `{`, `}`, `#`, `?`, `%` and spaces are encoded.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b':')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=');

/// Characters left alone in a query value.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `text` percent-encoded for a URL path.
pub fn path_encode(text: &str) -> String {
    utf8_percent_encode(text, PATH).to_string()
}

/// `text` percent-encoded for a query value.
pub fn query_encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Characters left alone in one path segment: [`PATH`]'s, less `/`.
const SEGMENT: &AsciiSet = &PATH.add(b'/');

/// `text` percent-encoded as one URL path segment (`/` encoded too).
pub fn segment_encode(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// A provider's page: `/p/{provider}`.
pub fn provider_href(provider: &str) -> String {
    format!("/p/{}", segment_encode(provider))
}

/// An API's page from its id (`provider/api`): `/p/{provider}/{api}`. An
/// id without a `/` (never one the engine gives) links its provider.
pub fn api_href(api: &str) -> String {
    match specdex_store::split_api_id(api) {
        Some((provider, name)) => {
            format!("/p/{}/{}", segment_encode(provider), segment_encode(name))
        }
        None => provider_href(api),
    }
}

/// URLs of one API's pages, pinned to a version when one was asked for.
#[derive(Debug, Clone)]
pub struct Links {
    base: String,
    query: String,
}

impl Links {
    /// Links under `/p/{provider}/{api}` for the API id `api`; `version`
    /// adds `?version=` to each.
    pub fn new(api: &str, version: Option<&str>) -> Links {
        Links {
            base: api_href(api),
            query: version.map_or_else(String::new, |v| format!("?version={}", query_encode(v))),
        }
    }

    /// The API page.
    pub fn api(&self) -> String {
        format!("{}{}", self.base, self.query)
    }

    /// An endpoint's permalink page: `/p/{provider}/{api}/e/{METHOD}{path}`.
    pub fn endpoint(&self, method: &str, path: &str) -> String {
        let path = if path.starts_with('/') {
            path_encode(path)
        } else {
            format!("/{}", path_encode(path))
        };
        format!(
            "{}/e/{}{}{}",
            self.base,
            segment_encode(method),
            path,
            self.query
        )
    }

    /// A schema's permalink page: `/p/{provider}/{api}/s/{name}`.
    pub fn schema(&self, name: &str) -> String {
        format!("{}/s/{}{}", self.base, path_encode(name), self.query)
    }

    /// A schema's permalink page with `$ref`s expanded `depth` levels.
    pub fn schema_depth(&self, name: &str, depth: usize) -> String {
        with_param(self.schema(name), &format!("depth={depth}"))
    }

    /// A tag's page, its endpoints in full: `/p/{provider}/{api}/t/{tag}`
    /// (the group of endpoints without tags is [`UNTAGGED`]).
    pub fn tag(&self, name: &str) -> String {
        format!("{}/t/{}{}", self.base, segment_encode(name), self.query)
    }

    /// A tag's endpoints alone, without the page around them: what the API
    /// page's script puts in place when the tag's section is opened.
    pub fn tag_part(&self, name: &str) -> String {
        with_param(self.tag(name), "fragment=1")
    }

    /// A different version's API page.
    pub fn version(&self, label: &str) -> String {
        format!("{}?version={}", self.base, query_encode(label))
    }
}

/// `url` with one more query parameter, `param` (`name=value`, encoded).
fn with_param(url: String, param: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}{param}")
}

/// The name of the group of endpoints that have no tag.
pub const UNTAGGED: &str = "(untagged)";

/// The group an endpoint with `tags` is listed in on the API page: its
/// first tag (so each endpoint is in one group, and its anchor on the page
/// is unique), else [`UNTAGGED`].
pub fn group_of(tags: &[String]) -> &str {
    tags.first().map_or(UNTAGGED, String::as_str)
}

/// The `id` of a group on the API page: `tag-pets`, `tag-untagged`.
pub fn tag_anchor(name: &str) -> String {
    if name == UNTAGGED {
        return "tag-untagged".to_owned();
    }
    format!("tag-{}", name.replace(char::is_whitespace, "_"))
}

/// The `id` of an endpoint on the API page: `e-GET-/users/{id}`.
pub fn endpoint_anchor(method: &str, path: &str) -> String {
    let flat: String = path
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect();
    format!("e-{method}-{flat}")
}

/// The `id` of a schema on the API page: `s-Pet`.
pub fn schema_anchor(name: &str) -> String {
    let flat: String = name
        .chars()
        .map(|c| if c.is_whitespace() { '_' } else { c })
        .collect();
    format!("s-{flat}")
}

/// A type label, linked to the schema it names when it is a reference.
#[derive(Debug, Clone, Serialize)]
pub struct TypeView {
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
}

fn named_target(schema: &Value) -> Option<String> {
    let direct = |s: &Value| s.get("$ref").and_then(Value::as_str).and_then(ref_target);
    direct(schema)
        .or_else(|| schema.get("items").and_then(direct))
        .or_else(|| {
            schema
                .get("allOf")
                .and_then(Value::as_array)
                .filter(|all| all.len() == 1)
                .and_then(|all| direct(&all[0]))
        })
}

fn type_view(schema: Option<&Value>, label: Option<&str>, links: &Links) -> TypeView {
    let label = match (label, schema) {
        (Some(l), _) if !l.is_empty() => l.to_owned(),
        (_, Some(s)) => type_label(s, 0),
        _ => String::new(),
    };
    TypeView {
        href: schema
            .and_then(named_target)
            .map(|name| links.schema(&name)),
        label,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ParamView {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub deprecated: bool,
    #[serde(rename = "type")]
    pub type_: TypeView,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MediaView {
    pub media_type: String,
    #[serde(rename = "type")]
    pub type_: TypeView,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub name: String,
    pub required: bool,
    #[serde(rename = "type")]
    pub type_: TypeView,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BodyView {
    pub description: Option<String>,
    pub required: bool,
    pub media: Vec<MediaView>,
    /// Top-level fields of an inline object schema.
    pub fields: Vec<FieldView>,
    /// An inline schema that is not a plain object, as linked JSON.
    pub json: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseView {
    pub status: String,
    pub description: Option<String>,
    pub media: Vec<MediaView>,
}

/// One endpoint in full, as the API page and its permalink page show it.
#[derive(Debug, Clone, Serialize)]
pub struct OpView {
    pub method: String,
    pub path: String,
    pub anchor: String,
    pub permalink: Option<String>,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub operation_id: Option<String>,
    pub deprecated: bool,
    pub tags: Vec<String>,
    pub curl: Option<String>,
    pub params: Vec<ParamView>,
    pub body: Option<BodyView>,
    pub responses: Vec<ResponseView>,
    pub base_url: Option<String>,
    pub auth: Vec<String>,
    /// Lower-case text the in-page filter matches against.
    pub key: String,
}

fn media_view(media: &MediaType, links: &Links) -> MediaView {
    MediaView {
        media_type: media.media_type.clone(),
        type_: type_view(media.schema.as_ref(), None, links),
    }
}

fn body_fields(schema: &Value, links: &Links, md: &mut Renderer) -> Vec<FieldView> {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    properties
        .iter()
        .map(|(name, property)| FieldView {
            name: name.clone(),
            required: required.contains(&name.as_str()),
            type_: type_view(Some(property), None, links),
            description: md.inline(property.get("description").and_then(Value::as_str)),
        })
        .collect()
}

/// An endpoint's view. `curl` comes from the engine; `permalink` is off for
/// webhooks, which have no page of their own.
pub fn op_view(
    endpoint: &Endpoint,
    base_url: Option<&str>,
    auth: &[SecurityScheme],
    curl: Option<&str>,
    links: &Links,
    permalink: bool,
    md: &mut Renderer,
) -> OpView {
    let body = endpoint.request_body.as_ref().map(|body| {
        let first = body.content.first().and_then(|m| m.schema.as_ref());
        let fields = first.map_or_else(Vec::new, |s| body_fields(s, links, md));
        let json = first
            .filter(|s| fields.is_empty() && named_target(s).is_none() && s.is_object())
            .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))
            .map(|s| {
                let mut out = String::new();
                json::write_html(s, &|name| links.schema(name), &mut out);
                out
            });
        BodyView {
            description: md.block(body.description.as_deref()),
            required: body.required,
            media: body.content.iter().map(|m| media_view(m, links)).collect(),
            fields,
            json,
        }
    });
    OpView {
        method: endpoint.method.clone(),
        path: endpoint.path.clone(),
        anchor: endpoint_anchor(&endpoint.method, &endpoint.path),
        permalink: permalink.then(|| links.endpoint(&endpoint.method, &endpoint.path)),
        summary: md.inline(endpoint.summary.as_deref()),
        description: endpoint
            .description
            .as_deref()
            .filter(|d| Some(d.trim()) != endpoint.summary.as_deref().map(str::trim))
            .and_then(|d| md.block(Some(d))),
        operation_id: endpoint.operation_id.clone(),
        deprecated: endpoint.deprecated,
        tags: endpoint.tags.clone(),
        curl: curl.map(str::to_owned),
        params: endpoint
            .parameters
            .iter()
            .map(|p| ParamView {
                name: p.name.clone(),
                location: p.location.clone(),
                required: p.required,
                deprecated: p.deprecated,
                type_: type_view(p.schema.as_ref(), Some(&p.type_label), links),
                description: md.inline(p.description.as_deref()),
            })
            .collect(),
        body,
        responses: endpoint
            .responses
            .iter()
            .map(|r| ResponseView {
                status: r.status.clone(),
                description: md.inline(r.description.as_deref()),
                media: r.content.iter().map(|m| media_view(m, links)).collect(),
            })
            .collect(),
        base_url: base_url.map(str::to_owned),
        auth: auth
            .iter()
            .filter_map(|s| md.inline(Some(&specdex_query::markdown::auth_line(s))))
            .collect(),
        key: filter_key(
            &endpoint.method,
            &endpoint.path,
            endpoint.summary.as_deref(),
            endpoint.operation_id.as_deref(),
        ),
    }
}

/// The lower-case text the API page's filter matches an endpoint against:
/// method, path, summary and operation id.
fn filter_key(
    method: &str,
    path: &str,
    summary: Option<&str>,
    operation_id: Option<&str>,
) -> String {
    let mut key = format!("{method} {path}");
    for extra in [summary, operation_id].into_iter().flatten() {
        key.push(' ');
        key.push_str(extra);
    }
    key.to_lowercase()
}

/// One endpoint in a line: how the API page of a large API lists it in a
/// group whose section is not on the page, linking its permalink, with the
/// filter's text.
#[derive(Debug, Clone, Serialize)]
pub struct OpLine {
    pub method: String,
    pub path: String,
    pub anchor: String,
    pub permalink: String,
    pub summary: Option<String>,
    pub deprecated: bool,
    pub key: String,
}

/// An endpoint of the listing as a line.
fn op_line(endpoint: &EndpointSummary, links: &Links, md: &mut Renderer) -> OpLine {
    OpLine {
        method: endpoint.method.clone(),
        path: endpoint.path.clone(),
        anchor: endpoint_anchor(&endpoint.method, &endpoint.path),
        permalink: links.endpoint(&endpoint.method, &endpoint.path),
        summary: md.inline(endpoint.summary.as_deref()),
        deprecated: endpoint.deprecated,
        key: filter_key(
            &endpoint.method,
            &endpoint.path,
            endpoint.summary.as_deref(),
            endpoint.operation_id.as_deref(),
        ),
    }
}

/// The endpoints of one group of the API page (see [`group_of`]), as
/// listed, with the tag's description.
#[derive(Debug, Clone)]
pub struct Group<'a> {
    pub name: &'a str,
    pub description: Option<&'a str>,
    pub endpoints: Vec<&'a EndpointSummary>,
}

/// A snapshot's endpoints (its `listing`) in groups: the tags in the
/// engine's order (`tags`), then any it did not list in document order,
/// then the untagged. Each endpoint is in the group of its first tag.
pub fn groups<'a>(listing: &'a [EndpointSummary], tags: &'a [TagCount]) -> Vec<Group<'a>> {
    let mut by_name: HashMap<&str, Vec<&EndpointSummary>> = HashMap::new();
    for endpoint in listing {
        by_name
            .entry(group_of(&endpoint.tags))
            .or_default()
            .push(endpoint);
    }
    let engine_order = tags
        .iter()
        .map(|t| (t.name.as_str(), t.description.as_deref()));
    // Tags the engine did not list (none, normally).
    let document_order = listing
        .iter()
        .filter_map(|e| e.tags.first())
        .map(|t| (t.as_str(), None));
    engine_order
        .chain(document_order)
        .chain([(UNTAGGED, None)])
        .filter_map(|(name, description)| {
            by_name.remove(name).map(|endpoints| Group {
                name,
                description,
                endpoints,
            })
        })
        .collect()
}

/// A group as the API page shows it: its tag page, and either its section
/// in full (`section`, rendered from the engine's endpoint details) or, on
/// a large API's page, one line per endpoint and the address the page's
/// script loads the section from.
#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub name: String,
    pub anchor: String,
    pub description: Option<String>,
    pub count: usize,
    /// The tag's page.
    pub href: String,
    /// The section alone, when it is not on the page.
    pub part: Option<String>,
    /// The section's HTML, when it is on the page.
    pub section: Option<String>,
    /// The endpoints in a line each, when the section is not on the page.
    pub ops: Vec<OpLine>,
}

/// `group` as the API page shows it, with its section when `section` is
/// given, else its endpoints in a line each.
pub fn group_view(
    group: &Group<'_>,
    section: Option<String>,
    links: &Links,
    md: &mut Renderer,
) -> GroupView {
    let ops = match section {
        Some(_) => Vec::new(),
        None => group
            .endpoints
            .iter()
            .map(|e| op_line(e, links, md))
            .collect(),
    };
    GroupView {
        name: group.name.to_owned(),
        anchor: tag_anchor(group.name),
        description: md.block(group.description),
        count: group.endpoints.len(),
        href: links.tag(group.name),
        part: section.is_none().then(|| links.tag_part(group.name)),
        section,
        ops,
    }
}

/// A tag as the tag page's neighbours and table of contents link it.
#[derive(Debug, Clone, Serialize)]
pub struct TagLink {
    pub name: String,
    pub count: usize,
    /// Its page; `None` for the page on show.
    pub href: Option<String>,
}

/// Links to every group's tag page, `shown` unlinked.
pub fn tag_links(groups: &[Group<'_>], shown: usize, links: &Links) -> Vec<TagLink> {
    groups
        .iter()
        .enumerate()
        .map(|(at, g)| TagLink {
            name: g.name.to_owned(),
            count: g.endpoints.len(),
            href: (at != shown).then(|| links.tag(g.name)),
        })
        .collect()
}

/// One named schema: as linked JSON, or (`json` is `None`) only named.
#[derive(Debug, Clone, Serialize)]
pub struct SchemaView {
    pub name: String,
    pub anchor: String,
    pub permalink: String,
    pub json: Option<String>,
    pub in_cycle: bool,
    pub external: bool,
}

impl SchemaView {
    fn new(
        name: &str,
        in_cycle: bool,
        external: bool,
        json: Option<String>,
        links: &Links,
    ) -> SchemaView {
        SchemaView {
            name: name.to_owned(),
            anchor: schema_anchor(name),
            permalink: links.schema(name),
            json,
            in_cycle,
            external,
        }
    }
}

/// A schema's JSON with `$ref`s linked to their pages.
pub fn schema_json(schema: &Value, links: &Links) -> String {
    let mut out = String::new();
    json::write_html(schema, &|name| links.schema(name), &mut out);
    out
}

/// The endpoints part of an API page: every endpoint by tag (see
/// [`GroupView`]), and the webhooks.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointsView {
    pub groups: Vec<GroupView>,
    pub webhooks: Vec<OpView>,
    /// How many schemas follow (for the table of contents).
    pub schemas: usize,
    /// Small APIs open their groups; large ones start collapsed.
    pub open: bool,
}

/// The schemas part of an API page: each in full, or (`listed`) each
/// named, linking its page.
#[derive(Debug, Clone, Serialize)]
pub struct SchemasView {
    pub schemas: Vec<SchemaView>,
    pub open: bool,
    pub listed: bool,
}

/// At most this many endpoints and the API page starts expanded.
const OPEN_UP_TO: usize = 60;

/// Whether the sections of an API of `endpoints` endpoints start open.
pub fn starts_open(endpoints: usize) -> bool {
    endpoints <= OPEN_UP_TO
}

/// At most this many endpoints (schemas) and the API page carries them all
/// in full, as it always did; past it, a line each, the endpoints in full
/// on their tag's page, which the page's script loads into a section when
/// it is opened, and the schemas on theirs. An endpoint in full weighs
/// about 5 KB of HTML on GitHub (parameter tables, curl, responses) and a
/// schema about 3 KB, so a page at the limit stays well under a megabyte,
/// and APIs of a few dozen endpoints read as before. GitHub's page (1,223
/// endpoints, 969 schemas) went from 8.3 MB to the lines.
pub const INLINE_UP_TO: usize = 100;

/// Whether the API page carries `count` endpoints (schemas) in full.
pub fn inline(count: usize) -> bool {
    count <= INLINE_UP_TO
}

/// The webhooks of a snapshot's model, in full (they have no pages of
/// their own).
pub fn webhooks(api: &Api, links: &Links, md: &mut Renderer) -> Vec<OpView> {
    api.webhooks
        .iter()
        .map(|w| op_view(w, None, &[], None, links, false, md))
        .collect()
}

/// The API page's schemas as linked JSON.
pub fn schemas<'a>(
    schemas: impl IntoIterator<Item = &'a NamedSchema>,
    links: &Links,
    open: bool,
) -> SchemasView {
    SchemasView {
        schemas: schemas
            .into_iter()
            .map(|s| {
                let json = schema_json(&s.schema, links);
                SchemaView::new(&s.name, s.in_cycle, s.external, Some(json), links)
            })
            .collect(),
        open,
        listed: false,
    }
}

/// The API page's schemas by name, each linking its page.
pub fn schema_list(names: &[SchemaName], links: &Links) -> SchemasView {
    SchemasView {
        schemas: names
            .iter()
            .map(|s| SchemaView::new(&s.name, s.in_cycle, s.external, None, links))
            .collect(),
        open: false,
        listed: true,
    }
}

/// A row of the history table.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    pub version: String,
    pub endpoints: u32,
    pub schemas: u32,
    pub ingested: String,
    pub status: &'static str,
    pub href: String,
    /// The row of the snapshot on show.
    pub shown: bool,
    /// Where it came from (source, publisher, fetch, content hash).
    pub provenance: String,
    /// What changed since the snapshot before it.
    pub changes: ChangeCell,
}

/// The history table's "Changes" cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeCell {
    /// The counts against the snapshot before, linking that pair's changes.
    Counts {
        text: String,
        href: String,
        breaking: bool,
    },
    /// The oldest snapshot: nothing came before it.
    First,
    /// Older than the pairs the page counts (each costs a diff).
    Uncounted,
}

/// The history table, newest first. `counts` are the engine's
/// [`history_changes`](specdex_query::Engine::history_changes): the
/// counts of some of the newest snapshots against the one before each,
/// keyed by the newer one's id.
pub fn history(
    versions: &[SnapshotInfo],
    shown: i64,
    links: &Links,
    counts: &[(i64, Summary)],
) -> Vec<HistoryRow> {
    versions
        .iter()
        .enumerate()
        .map(|(at, v)| {
            let before = versions.get(at + 1);
            let counted = counts.iter().find(|(id, _)| *id == v.id);
            let changes = match (before, counted) {
                (None, _) => ChangeCell::First,
                (Some(before), Some((_, summary))) => ChangeCell::Counts {
                    text: specdex_query::markdown::change_counts(summary),
                    href: ChangesLink::between(&v.api, before.id, v.id).href(),
                    breaking: summary.breaking > 0,
                },
                (Some(_), None) => ChangeCell::Uncounted,
            };
            HistoryRow {
                version: v.version.clone(),
                endpoints: v.endpoints,
                schemas: v.schemas,
                ingested: day(v.ingested_at),
                status: v.status.as_str(),
                href: links.version(&v.version),
                shown: v.id == shown,
                provenance: specdex_query::markdown::provenance(v),
                changes,
            }
        })
        .collect()
}

/// A changes page: `/p/{provider}/{api}/changes?from=%23{id}&to=%23{id}`.
/// Editions are named by snapshot id (`#12`): a label may name several
/// snapshots, and the default editions move when a new one arrives, while
/// an id names one snapshot for good (the next page stays the same pair).
#[derive(Debug, Clone)]
pub struct ChangesLink<'a> {
    /// `provider/api`.
    pub api: &'a str,
    pub from: i64,
    pub to: i64,
    pub level: Option<Level>,
    pub endpoints: &'a [String],
    pub cursor: Option<&'a str>,
}

impl<'a> ChangesLink<'a> {
    /// Every change between two snapshots of `api`.
    pub fn between(api: &'a str, from: i64, to: i64) -> ChangesLink<'a> {
        ChangesLink {
            api,
            from,
            to,
            level: None,
            endpoints: &[],
            cursor: None,
        }
    }

    /// The page of what an answer asked (its editions, level and endpoints).
    pub fn of(answer: &'a Changes) -> ChangesLink<'a> {
        ChangesLink {
            level: answer.level,
            endpoints: &answer.endpoints,
            ..ChangesLink::between(&answer.api, answer.from.snapshot, answer.to.snapshot)
        }
    }

    /// The page's URL.
    pub fn href(&self) -> String {
        let mut href = format!(
            "{}?from=%23{}&to=%23{}",
            changes_action(self.api),
            self.from,
            self.to
        );
        if let Some(level) = self.level {
            href.push_str("&level=");
            href.push_str(level.as_str());
        }
        for endpoint in self.endpoints {
            href.push_str("&endpoint=");
            href.push_str(&query_encode(endpoint));
        }
        if let Some(cursor) = self.cursor {
            href.push_str("&cursor=");
            href.push_str(&query_encode(cursor));
        }
        href
    }
}

/// The changes page without parameters (the target of its form).
pub fn changes_action(api: &str) -> String {
    format!("{}/changes", api_href(api))
}

/// An edition named on a changes page.
#[derive(Debug, Clone, Serialize)]
pub struct EditionView {
    pub version: String,
    pub snapshot: i64,
    pub ingested: String,
    /// Its API page.
    pub href: String,
}

impl EditionView {
    fn new(api: &str, edition: &Edition) -> EditionView {
        EditionView {
            version: edition.version.clone(),
            snapshot: edition.snapshot,
            ingested: day(edition.ingested_at),
            href: Links::new(api, None).version(&edition.version),
        }
    }
}

/// A choice of edition in the changes page's form.
#[derive(Debug, Clone, Serialize)]
pub struct EditionChoice {
    /// `#12`, as the form sends it.
    pub value: String,
    /// `1.1.0 · #12 · 2026-05-11`.
    pub label: String,
    pub from: bool,
    pub to: bool,
}

/// One change, as listed.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub level: &'static str,
    pub rule: &'static str,
    /// The engine's sentence as sanitized inline HTML (its values are in
    /// backticks: code).
    pub message: String,
    pub location: String,
}

/// Consecutive changes of one endpoint, of the whole API, or of named
/// schemas (the engine lists them in that order).
#[derive(Debug, Clone, Serialize)]
pub struct ChangeGroup {
    /// `endpoint`, `api` or `schemas`.
    pub kind: &'static str,
    pub method: Option<String>,
    pub path: Option<String>,
    /// The endpoint's page in the edition that has it.
    pub href: Option<String>,
    /// These changes alone: the page filtered to this endpoint.
    pub only: Option<String>,
    pub changes: Vec<ChangeView>,
}

/// The changes page, and the API page's short changelog.
#[derive(Debug, Clone, Serialize)]
pub struct ChangesView {
    pub api: String,
    pub from: EditionView,
    pub to: EditionView,
    /// `+1 −1 endpoints, 2 changed · 3 breaking, 1 warning, 4 info`, and
    /// how many named schemas changed.
    pub counts: String,
    pub complete: bool,
    pub level: Option<&'static str>,
    pub endpoints: Vec<String>,
    /// The same changes of every endpoint, when some were named.
    pub all_endpoints: Option<String>,
    /// The changes of every level, when a level was set.
    pub all_levels: Option<String>,
    /// Changes matching the question, on all pages.
    pub total: usize,
    /// Changes on this page.
    pub listed: usize,
    pub groups: Vec<ChangeGroup>,
    /// Every change between the two editions (no level, no endpoints).
    pub all: String,
    pub next: Option<String>,
    /// Back to the first page, on the others.
    pub first: Option<String>,
    /// The form's target and choices.
    pub action: String,
    pub editions: Vec<EditionChoice>,
}

/// A [`Changes`] answer as the changes page shows it. `versions` (the
/// API's history) fill the form's choices; `paged` says the answer is not
/// the first page.
pub fn changes(answer: &Changes, versions: &[SnapshotInfo], paged: bool) -> ChangesView {
    let link = ChangesLink::of(answer);
    ChangesView {
        api: answer.api.clone(),
        from: EditionView::new(&answer.api, &answer.from),
        to: EditionView::new(&answer.api, &answer.to),
        counts: counts_line(&answer.summary),
        complete: answer.summary.complete,
        level: answer.level.map(Level::as_str),
        endpoints: answer.endpoints.clone(),
        all_endpoints: (!answer.endpoints.is_empty()).then(|| {
            ChangesLink {
                endpoints: &[],
                ..link.clone()
            }
            .href()
        }),
        all_levels: answer.level.map(|_| {
            ChangesLink {
                level: None,
                ..link.clone()
            }
            .href()
        }),
        total: answer.total,
        listed: answer.changes.len(),
        groups: change_groups(answer, &link),
        all: ChangesLink::between(&answer.api, answer.from.snapshot, answer.to.snapshot).href(),
        next: answer.next_cursor.as_deref().map(|cursor| {
            ChangesLink {
                cursor: Some(cursor),
                ..link.clone()
            }
            .href()
        }),
        first: paged.then(|| link.href()),
        action: changes_action(&answer.api),
        editions: versions
            .iter()
            .map(|v| EditionChoice {
                value: format!("#{}", v.id),
                label: format!("{} · #{} · {}", v.version, v.id, day(v.ingested_at)),
                from: v.id == answer.from.snapshot,
                to: v.id == answer.to.snapshot,
            })
            .collect(),
    }
}

/// The engine's counts line, and the named schemas that changed.
fn counts_line(summary: &Summary) -> String {
    let mut line = specdex_query::markdown::change_counts(summary);
    match summary.components_changed {
        0 => {}
        1 => line.push_str(" · 1 schema changed"),
        n => line.push_str(&format!(" · {n} schemas changed")),
    }
    line
}

/// The answer's changes in groups of consecutive changes of one endpoint,
/// of the whole API, or of named schemas.
fn change_groups(answer: &Changes, link: &ChangesLink<'_>) -> Vec<ChangeGroup> {
    let mut md = Renderer::default();
    let mut groups: Vec<(Option<&str>, ChangeGroup)> = Vec::new();
    for change in &answer.changes {
        let key = change.endpoint.as_deref();
        let kind = group_kind(change);
        let same = groups
            .last()
            .is_some_and(|(k, group)| *k == key && group.kind == kind);
        if !same {
            groups.push((key, new_group(answer, link, kind, key)));
        }
        if let Some((_, group)) = groups.last_mut() {
            group.changes.push(ChangeView {
                level: change.level.as_str(),
                rule: change.rule,
                message: md
                    .inline(Some(&change.message))
                    .unwrap_or_else(|| change.rule.to_owned()),
                location: change.location.clone(),
            });
            // A removed endpoint lives on in the older edition only.
            if is_removal(change)
                && let (Some(method), Some(path)) = (&group.method, &group.path)
            {
                group.href = Some(
                    Links::new(&answer.api, Some(&answer.from.version)).endpoint(method, path),
                );
            }
        }
    }
    groups.into_iter().map(|(_, group)| group).collect()
}

fn group_kind(change: &Change) -> &'static str {
    match (&change.endpoint, &change.component) {
        (Some(_), _) => "endpoint",
        (None, Some(_)) => "schemas",
        (None, None) => "api",
    }
}

fn is_removal(change: &Change) -> bool {
    change.rule == ENDPOINT_REMOVED.id || change.rule == DEPRECATED_ENDPOINT_REMOVED.id
}

/// An empty group; an endpoint's links to its page in the newer edition
/// and, unless the page lists only it already, to the changes page
/// filtered to it.
fn new_group(
    answer: &Changes,
    link: &ChangesLink<'_>,
    kind: &'static str,
    endpoint: Option<&str>,
) -> ChangeGroup {
    let split = endpoint.and_then(|key| key.split_once(' '));
    ChangeGroup {
        kind,
        method: split.map(|(method, _)| method.to_owned()),
        path: split.map(|(_, path)| path.to_owned()),
        href: split.map(|(method, path)| {
            Links::new(&answer.api, Some(&answer.to.version)).endpoint(method, path)
        }),
        only: endpoint.filter(|_| answer.endpoints.len() != 1).map(|key| {
            let only = [key.to_owned()];
            ChangesLink {
                endpoints: &only,
                cursor: None,
                ..link.clone()
            }
            .href()
        }),
        changes: Vec::new(),
    }
}

/// Distinct version labels, newest first, for the version picker.
pub fn version_labels(versions: &[SnapshotInfo]) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for v in versions {
        if !labels.contains(&v.version) {
            labels.push(v.version.clone());
        }
    }
    labels
}

/// `2026-05-11` from Unix seconds.
pub fn day(unix_seconds: i64) -> String {
    let minute = specdex_query::markdown::utc_minute(unix_seconds);
    minute.split(' ').next().unwrap_or_default().to_owned()
}

/// A row of an API listing (the front page, a provider's page).
#[derive(Debug, Clone, Serialize)]
pub struct ApiRow {
    /// `provider/api`.
    pub api: String,
    pub href: String,
    pub provider: String,
    pub provider_href: String,
    /// Rows of this provider from this one on, when it is the first of
    /// them in the listing (a `rowspan`); 0 on the others.
    pub provider_rows: usize,
    pub title: String,
    pub version: String,
    pub endpoints: u32,
    pub schemas: u32,
    pub snapshots: u32,
    pub ingested: String,
}

/// APIs as listing rows, in the engine's order (by id, so each provider's
/// APIs are together), the first of each provider's spanning the others.
pub fn api_rows(apis: &[ApiItem]) -> Vec<ApiRow> {
    let mut rows: Vec<ApiRow> = Vec::with_capacity(apis.len());
    let mut first = 0;
    for (at, item) in apis.iter().enumerate() {
        if at == 0 || apis[at - 1].provider != item.provider {
            first = at;
        }
        rows.push(ApiRow {
            api: item.api.clone(),
            href: api_href(&item.api),
            provider: item.provider.clone(),
            provider_href: provider_href(&item.provider),
            provider_rows: 0,
            title: item.title.clone(),
            version: item.version.clone(),
            endpoints: item.endpoints,
            schemas: item.schemas,
            snapshots: item.snapshots,
            ingested: day(item.ingested_at),
        });
        rows[first].provider_rows += 1;
    }
    rows
}

/// A search result, linked.
#[derive(Debug, Clone, Serialize)]
pub struct HitView {
    /// `api` or `endpoint`.
    pub kind: &'static str,
    /// `provider/api`.
    pub api: String,
    pub api_href: String,
    pub provider: String,
    pub title: Option<String>,
    pub method: Option<String>,
    pub path: Option<String>,
    pub href: String,
    pub summary: Option<String>,
}

/// Search hits with links to their pages.
pub fn hits(results: &[SearchHit]) -> Vec<HitView> {
    let mut md = Renderer::default();
    results
        .iter()
        .map(|hit| match hit {
            SearchHit::Api {
                api,
                provider,
                title,
                ..
            } => {
                let links = Links::new(api, None);
                HitView {
                    kind: "api",
                    api: api.clone(),
                    api_href: links.api(),
                    provider: provider.clone(),
                    title: Some(title.clone()),
                    method: None,
                    path: None,
                    href: links.api(),
                    summary: None,
                }
            }
            SearchHit::Endpoint {
                api,
                provider,
                method,
                path,
                summary,
                ..
            } => {
                let links = Links::new(api, None);
                HitView {
                    kind: "endpoint",
                    api: api.clone(),
                    api_href: links.api(),
                    provider: provider.clone(),
                    title: None,
                    href: links.endpoint(method, path),
                    method: Some(method.clone()),
                    path: Some(path.clone()),
                    summary: md.inline(summary.as_deref()),
                }
            }
        })
        .collect()
}

/// A closest match on a not-found page.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub label: String,
    pub href: String,
}

/// Links for the closest matches of a not-found error: `what` is the
/// engine's kind (`provider`, `API`, `version`, `endpoint`, `schema`);
/// `api` the API id the versions, endpoints and schemas are of.
pub fn suggestions(
    what: &str,
    api: Option<&str>,
    version: Option<&str>,
    names: &[String],
) -> Vec<Suggestion> {
    names
        .iter()
        .filter_map(|name| {
            let href = match (what, api) {
                ("provider", _) => provider_href(name),
                ("API", _) => api_href(name),
                ("version", Some(a)) => match edition_id(name) {
                    // The editions a changes question may name: what
                    // changed in that one.
                    Some(id) => format!("{}?to=%23{id}", changes_action(a)),
                    None => Links::new(a, None).version(name),
                },
                ("endpoint", Some(a)) => {
                    let (method, path) = name.split_once(' ')?;
                    Links::new(a, version).endpoint(method, path)
                }
                ("schema", Some(a)) => Links::new(a, version).schema(name),
                ("tag", Some(a)) => Links::new(a, version).tag(name),
                _ => return None,
            };
            Some(Suggestion {
                label: name.clone(),
                href,
            })
        })
        .collect()
}

/// The snapshot id of an edition as the engine names it where a diff
/// could not find the one asked for: `1.1.0 (#12)` → 12.
fn edition_id(name: &str) -> Option<i64> {
    let (_, id) = name.strip_suffix(')')?.rsplit_once(" (#")?;
    id.parse().ok()
}

/// Links to the APIs of a provider that has several, for a page that
/// asked for one of them without saying which.
pub fn api_choices(apis: &[String]) -> Vec<Suggestion> {
    apis.iter()
        .map(|api| Suggestion {
            label: api.clone(),
            href: api_href(api),
        })
        .collect()
}

/// A host name (with port) safe to print in a page and in shell commands:
/// letters, digits, `.`, `-`, `:`, `[`, `]`; anything else gives `None`.
pub fn clean_host(host: &str) -> Option<String> {
    let host = host.trim();
    let fine = !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    fine.then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_encode_what_needs_it() {
        let links = Links::new("github/api", None);
        assert_eq!(links.api(), "/p/github/api");
        assert_eq!(
            links.endpoint("GET", "/repos/{owner}/{repo}"),
            "/p/github/api/e/GET/repos/%7Bowner%7D/%7Brepo%7D"
        );
        assert_eq!(links.endpoint("GET", "/"), "/p/github/api/e/GET/");
        assert_eq!(
            links.schema("common.yaml#/Error"),
            "/p/github/api/s/common.yaml%23/Error"
        );
        assert_eq!(links.schema_depth("A", 2), "/p/github/api/s/A?depth=2");
        let pinned = Links::new("jc/v2", Some("2.0 beta"));
        assert_eq!(pinned.api(), "/p/jc/v2?version=2.0%20beta");
        assert_eq!(pinned.schema("A"), "/p/jc/v2/s/A?version=2.0%20beta");
        assert_eq!(
            pinned.schema_depth("A", 1),
            "/p/jc/v2/s/A?version=2.0%20beta&depth=1"
        );
        assert_eq!(pinned.version("1.0"), "/p/jc/v2?version=1.0");
        assert_eq!(provider_href("jc"), "/p/jc");
        // What a person typed stays one segment.
        assert_eq!(api_href("a/b/c"), "/p/a/b%2Fc");
        assert_eq!(provider_href("a/b?"), "/p/a%2Fb%3F");
    }

    #[test]
    fn changes_links_name_editions_by_snapshot_id() {
        let endpoints = ["GET /a/{id}".to_owned(), "POST /a b".to_owned()];
        let link = ChangesLink::between("jc/v2", 3, 12);
        assert_eq!(link.href(), "/p/jc/v2/changes?from=%233&to=%2312");
        let filtered = ChangesLink {
            level: Some(Level::Warning),
            endpoints: &endpoints,
            cursor: Some("100"),
            ..link
        };
        assert_eq!(
            filtered.href(),
            "/p/jc/v2/changes?from=%233&to=%2312&level=warning\
             &endpoint=GET%20%2Fa%2F%7Bid%7D&endpoint=POST%20%2Fa%20b&cursor=100"
        );
    }

    #[test]
    fn history_counts_what_the_engine_counted() {
        let snapshot = |id: i64| SnapshotInfo {
            id,
            api: "jc/v2".to_owned(),
            provider: "jc".to_owned(),
            version: format!("1.{id}"),
            content_hash: String::new(),
            ingested_at: 0,
            endpoints: 1,
            schemas: 1,
            status: specdex_store::SnapshotStatus::Superseded,
            title: "JC".to_owned(),
            format: "openapi 3.0".to_owned(),
            source: String::new(),
            published_by: None,
            fetched_at: None,
            etag: None,
            warnings: Vec::new(),
        };
        let versions = [snapshot(9), snapshot(5), snapshot(2)];
        let summary = Summary {
            breaking: 1,
            ..Summary::default()
        };
        let rows = history(&versions, 5, &Links::new("jc/v2", None), &[(9, summary)]);
        let cells: Vec<&ChangeCell> = rows.iter().map(|r| &r.changes).collect();
        assert_eq!(
            cells,
            [
                &ChangeCell::Counts {
                    text: "+0 −0 endpoints, 0 changed · 1 breaking, 0 warnings, 0 info".to_owned(),
                    href: "/p/jc/v2/changes?from=%235&to=%239".to_owned(),
                    breaking: true,
                },
                &ChangeCell::Uncounted,
                &ChangeCell::First,
            ]
        );
        assert!(rows[1].shown);
    }

    #[test]
    fn api_rows_span_each_providers_apis() {
        let item = |api: &str| {
            let (provider, name) = specdex_store::split_api_id(api).expect("an id");
            ApiItem {
                api: api.to_owned(),
                provider: provider.to_owned(),
                name: name.to_owned(),
                title: name.to_uppercase(),
                version: "1".to_owned(),
                endpoints: 1,
                schemas: 2,
                snapshots: 3,
                ingested_at: 0,
            }
        };
        let rows = api_rows(&[
            item("a/x"),
            item("b/x"),
            item("b/y"),
            item("b/z"),
            item("c/x"),
        ]);
        let spans: Vec<usize> = rows.iter().map(|r| r.provider_rows).collect();
        assert_eq!(spans, [1, 3, 0, 0, 1]);
        assert_eq!(rows[2].href, "/p/b/y");
        assert_eq!(rows[2].provider_href, "/p/b");
        assert!(api_rows(&[]).is_empty());
    }

    #[test]
    fn suggestions_link_what_they_name() {
        let names = |n: &[&str]| n.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let hrefs = |s: Vec<Suggestion>| s.into_iter().map(|s| s.href).collect::<Vec<_>>();
        assert_eq!(
            hrefs(suggestions("API", None, None, &names(&["acme/a"]))),
            ["/p/acme/a"]
        );
        assert_eq!(
            hrefs(suggestions("provider", None, None, &names(&["acme"]))),
            ["/p/acme"]
        );
        assert_eq!(
            hrefs(suggestions(
                "endpoint",
                Some("acme/a"),
                Some("2"),
                &names(&["GET /x/{id}", "nonsense"])
            )),
            ["/p/acme/a/e/GET/x/%7Bid%7D?version=2"]
        );
        assert_eq!(
            hrefs(suggestions(
                "schema",
                Some("acme/a"),
                None,
                &names(&["Pet"])
            )),
            ["/p/acme/a/s/Pet"]
        );
        assert_eq!(
            hrefs(suggestions(
                "version",
                Some("acme/a"),
                Some("2"),
                &names(&["1"])
            )),
            ["/p/acme/a?version=1"]
        );
        // The editions a changes question names: what changed in each.
        assert_eq!(
            hrefs(suggestions(
                "version",
                Some("acme/a"),
                None,
                &names(&["2.0 (#12)", "1 (#x)"])
            )),
            [
                "/p/acme/a/changes?to=%2312",
                "/p/acme/a?version=1%20%28%23x%29"
            ]
        );
        assert!(suggestions("snapshot", Some("acme/a"), None, &names(&["1 (1.0)"])).is_empty());
        assert_eq!(
            hrefs(api_choices(&names(&["acme/a", "acme/b"]))),
            ["/p/acme/a", "/p/acme/b"]
        );
    }

    #[test]
    fn hosts_are_checked() {
        assert_eq!(
            clean_host("Example.com:8080").as_deref(),
            Some("example.com:8080")
        );
        assert_eq!(clean_host("[::1]:80").as_deref(), Some("[::1]:80"));
        assert_eq!(clean_host("evil.com/<script>"), None);
        assert_eq!(clean_host("a b"), None);
        assert_eq!(clean_host(""), None);
    }
}
