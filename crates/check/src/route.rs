//! Which endpoint a concrete path is: templates matched segment by segment,
//! the most literal template first (`/users/me` before `/users/{id}`), as
//! OpenAPI asks.

use percent_encoding::percent_decode_str;
use specdex_spec::{Api, Server};

/// At most this many `{param}`s and literal pieces in one segment are
/// matched; a template with more is compared literally.
const MAX_PARTS: usize = 8;

/// Path parameter names with the text each holds.
pub(crate) type PathValues = Vec<(String, String)>;

/// How literal a match is, segment by segment (compared
/// lexicographically: a literal segment outranks a parameter there).
type Rank = Vec<u8>;

/// The path of a planned call, taken apart.
pub(crate) struct Target {
    /// The path as the problem messages show it (no query string).
    pub shown: String,
    /// Ways to read the path: as given, then with each server's base path
    /// removed (`/api/v2/systemusers` on `https://console.jumpcloud.com/api/v2`).
    pub segments: Vec<Vec<String>>,
    /// Query parameters written into the path (`?state=open`), decoded.
    pub query: Vec<(String, String)>,
}

impl Target {
    pub fn parse(path: &str, servers: &[Server]) -> Target {
        let path = path.trim();
        let path = strip_origin(path);
        let path = path.split_once('#').map_or(path, |(p, _)| p);
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p, crate::form::pairs(q)),
            None => (path, Vec::new()),
        };
        let given = split(path);
        let mut segments = vec![given.clone()];
        for server in servers {
            let base = split(strip_origin(&server.url));
            if !base.is_empty() && given.len() > base.len() && given.starts_with(&base) {
                let rest = given[base.len()..].to_vec();
                if !segments.contains(&rest) {
                    segments.push(rest);
                }
            }
        }
        Target {
            shown: format!("/{}", given.join("/")),
            segments,
            query,
        }
    }
}

/// `https://api.github.com/repos` → `/repos`; a path stays as it is.
fn strip_origin(url: &str) -> &str {
    match url.split_once("://") {
        Some((scheme, rest)) if !scheme.contains('/') => rest.find('/').map_or("", |i| &rest[i..]),
        _ => url,
    }
}

/// Non-empty segments (a trailing or doubled `/` is not a segment).
fn split(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn decode(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

enum Segment {
    Literal(String),
    /// Literal text and `{param}`s, e.g. `{name}.json` or `{owner}`.
    Parts(Vec<Part>),
}

enum Part {
    Text(String),
    Param(String),
}

struct Template {
    path: String,
    segments: Vec<Segment>,
    /// Whether the last segment, a lone parameter, may hold several
    /// segments (a file path, a Git ref: `contents/{path}` of
    /// `docs/a.md`).
    absorbs: bool,
    /// (upper-case method, index into `Api::endpoints`).
    methods: Vec<(String, usize)>,
}

impl Template {
    fn new(path: &str) -> Template {
        let segments: Vec<Segment> = split(path).iter().map(|s| segment(s)).collect();
        Template {
            path: path.to_owned(),
            segments,
            absorbs: false,
            methods: Vec::new(),
        }
    }

    /// The name of the lone parameter of the last segment, if that is one.
    fn last_parameter(&self) -> Option<&str> {
        match self.segments.last() {
            Some(Segment::Parts(parts)) => match parts.as_slice() {
                [Part::Param(name)] => Some(name),
                _ => None,
            },
            _ => None,
        }
    }

    /// The path parameters' values when `given` is this path, with how
    /// literal the match is (compared lexicographically: a literal segment
    /// outranks a parameter at the same place).
    fn matches(&self, given: &[String], absorbing: bool) -> Option<(Rank, PathValues)> {
        let n = self.segments.len();
        let absorbs = absorbing && self.absorbs && given.len() > n;
        if given.len() != n && !absorbs {
            return None;
        }
        let mut rank = Vec::with_capacity(n + 1);
        let mut values = Vec::new();
        for (i, segment) in self.segments.iter().enumerate() {
            let text = if i == n - 1 && absorbs {
                decode(&given[i..].join("/"))
            } else {
                decode(&given[i])
            };
            match segment {
                Segment::Literal(literal) => {
                    if *literal != text && *literal != given[i] {
                        return None;
                    }
                    rank.push(2);
                }
                Segment::Parts(parts) => {
                    let start = values.len();
                    if !match_parts(parts, &text, &mut values) {
                        values.truncate(start);
                        return None;
                    }
                    rank.push(u8::from(parts.iter().any(|p| matches!(p, Part::Text(_)))));
                }
            }
        }
        // A parameter that takes several segments is the last resort.
        rank.push(u8::from(!absorbs));
        Some((rank, values))
    }
}

fn segment(text: &str) -> Segment {
    if !text.contains('{') {
        return Segment::Literal(text.to_owned());
    }
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        if open > 0 {
            parts.push(Part::Text(rest[..open].to_owned()));
        }
        parts.push(Part::Param(rest[open + 1..close].to_owned()));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        parts.push(Part::Text(rest.to_owned()));
    }
    if parts.len() > MAX_PARTS {
        return Segment::Literal(text.to_owned());
    }
    Segment::Parts(parts)
}

/// Whether `text` is `parts` in order, each parameter taking at least one
/// character (the shortest that lets the rest match).
fn match_parts(parts: &[Part], text: &str, values: &mut Vec<(String, String)>) -> bool {
    match parts {
        [] => text.is_empty(),
        [Part::Text(t), rest @ ..] => text
            .strip_prefix(t.as_str())
            .is_some_and(|after| match_parts(rest, after, values)),
        [Part::Param(name)] => {
            if text.is_empty() {
                return false;
            }
            values.push((name.clone(), text.to_owned()));
            true
        }
        [Part::Param(name), rest @ ..] => {
            for (end, _) in text.char_indices().skip(1) {
                let start = values.len();
                values.push((name.clone(), text[..end].to_owned()));
                if match_parts(rest, &text[end..], values) {
                    return true;
                }
                values.truncate(start);
            }
            false
        }
    }
}

/// What a path and method matched.
pub(crate) enum Matched {
    Endpoint {
        index: usize,
        path_values: PathValues,
    },
    /// The path exists, not with this method.
    WrongMethod {
        template: String,
        allowed: Vec<String>,
    },
    Nothing,
}

/// The API's path templates, ready to match.
pub(crate) struct Router {
    templates: Vec<Template>,
}

impl Router {
    pub fn new(api: &Api) -> Router {
        let mut templates: Vec<Template> = Vec::new();
        let mut by_path = std::collections::HashMap::new();
        for (index, endpoint) in api.endpoints.iter().enumerate() {
            let slot = *by_path.entry(endpoint.path.as_str()).or_insert_with(|| {
                templates.push(Template::new(&endpoint.path));
                templates.len() - 1
            });
            let template = &mut templates[slot];
            template.absorbs |= template
                .last_parameter()
                .is_some_and(|name| may_hold_slashes(endpoint, name));
            template
                .methods
                .push((endpoint.method.to_uppercase(), index));
        }
        Router { templates }
    }

    pub fn find(&self, method: &str, ways: &[Vec<String>]) -> Matched {
        let method = method.trim().to_uppercase();
        // A parameter that takes several segments is the last resort: only
        // when no template matches segment for segment.
        let attempts = [false, true]
            .into_iter()
            .flat_map(|absorbing| ways.iter().map(move |given| (given, absorbing)));
        for (given, absorbing) in attempts {
            let mut found: Vec<(Rank, &Template, PathValues)> = self
                .templates
                .iter()
                .filter_map(|t| {
                    t.matches(given, absorbing)
                        .map(|(rank, values)| (rank, t, values))
                })
                .collect();
            if found.is_empty() {
                continue;
            }
            found.sort_by(|a, b| b.0.cmp(&a.0));
            for (_, template, values) in &found {
                if let Some((_, index)) = template.methods.iter().find(|(m, _)| *m == method) {
                    return Matched::Endpoint {
                        index: *index,
                        path_values: values.clone(),
                    };
                }
            }
            let mut allowed: Vec<String> = found
                .iter()
                .flat_map(|(_, t, _)| t.methods.iter().map(|(m, _)| m.clone()))
                .collect();
            allowed.sort();
            allowed.dedup();
            return Matched::WrongMethod {
                template: found[0].1.path.clone(),
                allowed,
            };
        }
        Matched::Nothing
    }

    /// Up to `n` endpoints (`METHOD /template`) most like the path asked
    /// for: segment by segment, a parameter matching anything, literal
    /// segments by similarity; the same method breaks ties.
    pub fn closest(&self, method: &str, ways: &[Vec<String>], n: usize) -> Vec<String> {
        let method = method.trim().to_uppercase();
        let Some(given) = ways.last() else {
            return Vec::new();
        };
        let mut scored: Vec<(f64, String)> = Vec::new();
        for template in &self.templates {
            let score = similarity(template, given);
            if score < 0.6 {
                continue;
            }
            for (m, _) in &template.methods {
                let bonus = if *m == method { 0.05 } else { 0.0 };
                scored.push((score + bonus, format!("{m} {}", template.path)));
            }
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        scored.into_iter().take(n).map(|(_, key)| key).collect()
    }
}

/// Whether path parameter `name` of `endpoint` may hold a `/`: its pattern
/// allows one, or it names a path or a Git ref (`contents/{path}`,
/// `git/ref/{ref}` of `heads/feature/x`), which real APIs take unescaped.
fn may_hold_slashes(endpoint: &specdex_spec::Endpoint, name: &str) -> bool {
    let lower = name.to_lowercase();
    let pattern_allows = endpoint
        .parameters
        .iter()
        .find(|p| p.location == "path" && p.name == name)
        .and_then(|p| {
            p.schema
                .as_ref()?
                .get("pattern")?
                .as_str()
                .map(|s| s.contains('/'))
        })
        .unwrap_or(false);
    pattern_allows || lower.ends_with("path") || lower == "ref"
}

fn similarity(template: &Template, given: &[String]) -> f64 {
    let longest = template.segments.len().max(given.len());
    if longest == 0 {
        return 1.0;
    }
    let total: f64 = template
        .segments
        .iter()
        .zip(given)
        .map(|(segment, text)| match segment {
            Segment::Literal(literal) => strsim::jaro_winkler(literal, &decode(text)),
            Segment::Parts(parts) => {
                let mut values = Vec::new();
                if match_parts(parts, &decode(text), &mut values) {
                    0.9
                } else {
                    0.5
                }
            }
        })
        .sum();
    total / longest as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use specdex_spec::Endpoint;

    fn api(keys: &[&str]) -> Api {
        let endpoints = keys
            .iter()
            .map(|k| {
                let (method, path) = k.split_once(' ').unwrap_or_default();
                Endpoint {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    operation_id: None,
                    summary: None,
                    description: None,
                    tags: Vec::new(),
                    deprecated: false,
                    parameters: Vec::new(),
                    request_body: None,
                    responses: Vec::new(),
                    security: Vec::new(),
                    servers: Vec::new(),
                    code_samples: Vec::new(),
                }
            })
            .collect();
        let mut api: Api = serde_json::from_value(serde_json::json!({
            "format": "openapi30", "spec_version": "3.0.0", "info": {"title": "t", "version": "1"},
            "servers": [{"url": "https://example.com/api/v2"}], "security_schemes": [], "security": [],
            "tags": [], "endpoints": [], "webhooks": [], "schemas": [], "warnings": []
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        api.endpoints = endpoints;
        api
    }

    fn find(router: &Router, api: &Api, method: &str, path: &str) -> String {
        let target = Target::parse(path, &api.servers);
        match router.find(method, &target.segments) {
            Matched::Endpoint { index, path_values } => {
                format!("{} {:?}", api.endpoints[index].key(), path_values)
            }
            Matched::WrongMethod { allowed, .. } => format!("methods {allowed:?}"),
            Matched::Nothing => "nothing".to_owned(),
        }
    }

    #[test]
    fn literal_segments_win_and_parameters_capture() {
        let api = api(&[
            "GET /users/{id}",
            "GET /users/me",
            "DELETE /users/{id}",
            "GET /files/{name}.json",
            "GET /repos/{owner}/{repo}/contents/{path}",
        ]);
        let router = Router::new(&api);
        assert_eq!(find(&router, &api, "get", "/users/me"), "GET /users/me []");
        assert_eq!(
            find(&router, &api, "GET", "/users/42"),
            "GET /users/{id} [(\"id\", \"42\")]"
        );
        assert_eq!(
            find(&router, &api, "DELETE", "/users/me"),
            "DELETE /users/{id} [(\"id\", \"me\")]"
        );
        assert_eq!(
            find(&router, &api, "PUT", "/users/7"),
            "methods [\"DELETE\", \"GET\"]"
        );
        assert_eq!(
            find(&router, &api, "GET", "/files/a.b.json?x=1"),
            "GET /files/{name}.json [(\"name\", \"a.b\")]"
        );
        assert_eq!(
            find(&router, &api, "GET", "/repos/o/r/contents/docs/a%20b.md"),
            "GET /repos/{owner}/{repo}/contents/{path} [(\"owner\", \"o\"), (\"repo\", \"r\"), (\"path\", \"docs/a b.md\")]"
        );
        assert_eq!(
            find(&router, &api, "GET", "https://example.com/api/v2/users/me/"),
            "GET /users/me []"
        );
        assert_eq!(find(&router, &api, "GET", "/user/me/x"), "nothing");
    }

    #[test]
    fn closest_templates_for_an_unknown_path() {
        let api = api(&[
            "GET /repos/{owner}/{repo}/pulls/{pull_number}",
            "GET /users",
        ]);
        let router = Router::new(&api);
        let target = Target::parse("/repos/octocat/hello/pull/5", &api.servers);
        assert_eq!(
            router.closest("GET", &target.segments, 3),
            ["GET /repos/{owner}/{repo}/pulls/{pull_number}"]
        );
    }
}
