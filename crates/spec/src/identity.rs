//! Which API a document is an edition of: `provider/api`.
//!
//! A catalog keeps one history per API, so every ingested document must be
//! placed in the right one. The rule, in order:
//!
//! 1. **What the user says**: `--provider` and `--api` win.
//! 2. **What the document says of itself**: APIs.guru's `x-providerName`
//!    names the provider and `x-serviceName` the API; a provider without
//!    service names has one main API, [`MAIN_API`].
//! 3. **Otherwise, evidence.** The provider is the registrable name of the
//!    first server's host (`console.jumpcloud.com` → `jumpcloud`), else the
//!    title. Among that provider's APIs, the document joins the one whose
//!    current edition declares mostly the same operations (path templates
//!    under the same server base path, parameter names ignored; see
//!    [`PATH_OVERLAP`]), or failing that the one with the same derived name
//!    (a name from the title, host or base path, not the fallback
//!    [`MAIN_API`]) when either declares no paths or they share some. Titles and `info.version` change between
//!    releases; the paths an API serves rarely change all at once.
//! 4. **A new API** otherwise, named by the first of: distinctive words of the
//!    title (provider name, version numbers and generic words such as "API"
//!    or "REST" removed; long titles only contribute words that also appear
//!    in the host or paths), a non-generic host label (`messaging.twilio.com`
//!    → `messaging`), the base path (`/api/v2` → `v2`), the major version
//!    when `info.version` is `N` or `N.M` and the servers have a base path
//!    (`/api`, 1.0 → `v1`), and [`MAIN_API`]. A name already
//!    taken by another API of the provider is extended with a leading `vN`
//!    segment every path shares (`verify-v3`) or the next candidate, or
//!    numbered.
//!
//! Everything here is pure: the caller supplies the provider's existing APIs
//! as [`Candidate`]s (the store does, inside the transaction that writes).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::model::Api;
use crate::slug::{host_labels, slugify};

/// The name of a provider's API when nothing distinguishes it: the main API.
pub const MAIN_API: &str = "api";

/// Two path sets are one API's when this share of the smaller set is in both…
pub const PATH_OVERLAP: f64 = 0.5;
/// …and this share of their union (so a one-path sample does not join a
/// large API just because its path is one of many).
pub const PATH_JACCARD: f64 = 0.2;

/// Longest API name derived from a title, in words.
const MAX_TITLE_WORDS: usize = 3;
/// Titles up to this many words read as names; longer ones are sentences,
/// and only their words corroborated by the host or paths count.
const SHORT_TITLE_WORDS: usize = 4;

/// Words that say a document describes an API, not which API it is.
const GENERIC_WORDS: &[&str] = &[
    "a",
    "an",
    "and",
    "api",
    "apis",
    "by",
    "definition",
    "description",
    "doc",
    "docs",
    "documentation",
    "extension",
    "extensions",
    "for",
    "http",
    "https",
    "interface",
    "json",
    "of",
    "official",
    "oas",
    "openapi",
    "rest",
    "restful",
    "s",
    "service",
    "services",
    "spec",
    "specification",
    "swagger",
    "the",
    "to",
    "v",
    "version",
    "web",
    "with",
    "yaml",
];

/// Host labels that say nothing about which API a host serves.
const GENERIC_HOST_LABELS: &[&str] = &[
    "api",
    "apis",
    "app",
    "console",
    "dev",
    "developer",
    "developers",
    "gateway",
    "portal",
    "public",
    "rest",
    "www",
    "eu",
    "us",
    "in",
    "prod",
    "production",
    "sandbox",
    "staging",
];

/// Where a document goes, before the catalog is consulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The provider's slug.
    pub provider: String,
    /// The API's name when the user or the document fixes it; `None` when
    /// the evidence decides among the provider's APIs.
    pub api: Option<String>,
    /// What the document shows of itself, to match against the provider's
    /// APIs and to name a new one.
    pub evidence: Evidence,
}

/// What identifies an API across its editions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Evidence {
    /// Names for a new API, best first; never empty.
    pub names: Vec<String>,
    /// Words that tell this API from another of the same name (`v3` when
    /// every path starts with `/v3/`), to extend a taken name with.
    pub qualifiers: Vec<String>,
    /// Every operation's path template, parameter names blanked, after the
    /// base path it is served under: `/api/v2 /systems/{}`. Kept apart, so
    /// that a document declaring `/api/v2/systems` under the bare host (a
    /// console API combining v1 and v2) is not taken for the API served
    /// under `/api/v2`.
    pub paths: BTreeSet<String>,
}

/// An API of the provider that could be the document's: what [`place`]
/// needs to know of it. A catalog finds these through an index of path keys
/// ([`path_keys`]), so the work per document grows with the paths it
/// shares, not with the number of APIs the provider has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The API's name (the part after `provider/`).
    pub name: String,
    /// How many path keys its current edition has.
    pub paths: usize,
    /// How many of them the document has too.
    pub shared: usize,
}

/// Where the rule placed a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The API's name within the provider.
    pub name: String,
    /// Whether no API of that name existed before.
    pub new: bool,
}

/// The identity of `api`, given what the user fixed.
pub fn identify(api: &Api, provider: Option<&str>, name: Option<&str>) -> Identity {
    let paths: Vec<&str> = api.endpoints.iter().map(|e| e.path.as_str()).collect();
    identify_parts(api, &paths, provider, name)
}

/// [`identify`] for a model whose endpoints are not loaded: `paths` are its
/// operations' path templates.
pub fn identify_parts(
    api: &Api,
    paths: &[&str],
    provider: Option<&str>,
    name: Option<&str>,
) -> Identity {
    let guru = api
        .info
        .provider_name
        .as_deref()
        .map(|name| fit(&slugify(name)))
        .filter(|s| !s.is_empty());
    let provider = provider
        .map(str::to_owned)
        .or_else(|| guru.clone())
        .unwrap_or_else(|| derived_provider(api));
    let name = name.map(str::to_owned).or_else(|| {
        // APIs.guru's own identity applies only to its own provider.
        (guru.as_deref() == Some(provider.as_str())).then(|| {
            api.info
                .service_name
                .as_deref()
                .map(|name| fit(&slugify(name)))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| MAIN_API.to_owned())
        })
    });
    let evidence = evidence(api, paths, &provider);
    Identity {
        provider,
        api: name,
        evidence,
    }
}

/// The API that `identity` belongs to among the provider's, or the name of
/// a new one. `candidates` are the provider's APIs that share a path key
/// with the document, and the one named [`first_name`] if the provider has
/// it; `taken` says whether the provider has an API of a name.
pub fn place(
    identity: &Identity,
    candidates: &[Candidate],
    taken: impl Fn(&str) -> bool,
) -> Placement {
    if let Some(name) = &identity.api {
        return Placement {
            new: !taken(name),
            name: name.clone(),
        };
    }
    let paths = identity.evidence.paths.len();
    let best = candidates
        .iter()
        .filter(|c| same_api(paths, c.paths, c.shared))
        .max_by_key(|c| c.shared);
    if let Some(candidate) = best {
        return Placement {
            name: candidate.name.clone(),
            new: false,
        };
    }
    let first = first_name(identity);
    // A name the document earned (its title, host or base path) is evidence;
    // the fallback `api` is not, or every service on a host that shares one
    // path (`/health`) would join the first.
    if first != MAIN_API
        && let Some(candidate) = candidates.iter().find(|c| c.name == first)
        && (paths == 0 || candidate.paths == 0 || candidate.shared > 0)
    {
        return Placement {
            name: candidate.name.clone(),
            new: false,
        };
    }
    Placement {
        name: free_name(&identity.evidence, first, taken),
        new: true,
    }
}

/// The name a new API for `identity` would be given if it is free: the
/// existing API of that name is a candidate too.
pub fn first_name(identity: &Identity) -> &str {
    identity
        .evidence
        .names
        .first()
        .map_or(MAIN_API, String::as_str)
}

/// A provider's APIs held in memory with an index from path key to API:
/// how a caller without a catalog (a migration, a test) places documents.
#[derive(Debug, Default)]
pub struct KnownApis {
    /// Each API's path keys.
    keys: HashMap<String, BTreeSet<String>>,
    /// Each path key's APIs.
    apis: HashMap<String, BTreeSet<String>>,
}

impl KnownApis {
    /// [`place`] among the APIs recorded so far.
    pub fn place(&self, identity: &Identity) -> Placement {
        let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
        for key in &identity.evidence.paths {
            for name in self.apis.get(key).into_iter().flatten() {
                *shared.entry(name).or_default() += 1;
            }
        }
        let first = first_name(identity);
        if self.keys.contains_key(first) {
            shared.entry(first).or_default();
        }
        let candidates: Vec<Candidate> = shared
            .into_iter()
            .map(|(name, shared)| Candidate {
                name: name.to_owned(),
                paths: self.keys.get(name).map_or(0, BTreeSet::len),
                shared,
            })
            .collect();
        place(identity, &candidates, |name| self.keys.contains_key(name))
    }

    /// Records that API `name`'s current edition has the path keys `keys`.
    pub fn record(&mut self, name: &str, keys: BTreeSet<String>) {
        for key in self.keys.remove(name).into_iter().flatten() {
            if let Some(names) = self.apis.get_mut(&key) {
                names.remove(name);
            }
        }
        for key in &keys {
            self.apis
                .entry(key.clone())
                .or_default()
                .insert(name.to_owned());
        }
        self.keys.insert(name.to_owned(), keys);
    }
}

/// [`Evidence::paths`] of an API whose first server URL is `server` and
/// whose operations have the path templates `paths`: the keys a catalog
/// indexes each snapshot by.
pub fn path_keys<'a>(
    server: Option<&str>,
    paths: impl IntoIterator<Item = &'a str>,
) -> BTreeSet<String> {
    let base = server.map_or("", base_path);
    paths
        .into_iter()
        .map(|path| format!("{base} {}", blank_parameters(path)))
        .collect()
}

/// Whether two path sets of these sizes, sharing `both`, are one API's.
fn same_api(left: usize, right: usize, both: usize) -> bool {
    if both == 0 {
        return false;
    }
    let smaller = left.min(right) as f64;
    let union = (left + right - both) as f64;
    both as f64 / smaller >= PATH_OVERLAP && both as f64 / union >= PATH_JACCARD
}

/// `first`, or when taken, `first` joined with a qualifier or a later
/// name, or numbered.
fn free_name(evidence: &Evidence, first: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(first) {
        return first.to_owned();
    }
    let later = evidence.names.iter().skip(1).filter(|n| *n != MAIN_API);
    for next in evidence.qualifiers.iter().chain(later) {
        let joined = format!("{first}-{next}");
        if !taken(&joined) {
            return joined;
        }
    }
    (2..)
        .map(|n| format!("{first}-{n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| first.to_owned())
}

/// The provider a document without APIs.guru metadata belongs to: its
/// host's registrable name, else its title.
fn derived_provider(api: &Api) -> String {
    if let Some(host) = api.servers.iter().find_map(|s| host_labels(&s.url)) {
        return host.registrable;
    }
    let from_title = fit(&slugify(&api.info.title));
    if from_title.is_empty() {
        MAIN_API.to_owned()
    } else {
        from_title
    }
}

/// Longest name derived from a document, in bytes; the catalog takes up to
/// 100, and a disambiguating suffix must still fit.
const MAX_NAME: usize = 60;

/// `name` cut to [`MAX_NAME`] at a `-` where there is one, never inside a
/// word-less tail: names end up in URLs and must stay readable.
fn fit(name: &str) -> String {
    if name.len() <= MAX_NAME {
        return name.to_owned();
    }
    // Slugs are ASCII, so any byte index is a character boundary.
    let cut = &name[..MAX_NAME];
    let cut = cut
        .rfind('-')
        .filter(|&at| at > 0)
        .map_or(cut, |at| &cut[..at]);
    cut.trim_matches(['-', '.']).to_owned()
}

/// What [`place`] compares and names by.
fn evidence(api: &Api, operation_paths: &[&str], provider: &str) -> Evidence {
    let server = api.servers.first().map(|s| s.url.as_str());
    let base = server.map_or("", base_path);
    let paths = path_keys(server, operation_paths.iter().copied());
    let host = api.servers.iter().find_map(|s| host_labels(&s.url));
    let mut context: BTreeSet<String> = words(base).into_iter().collect();
    if let Some(host) = &host {
        context.extend(host.subdomains.iter().flat_map(|l| words(l)));
    }
    for path in operation_paths {
        context.extend(words(path));
    }
    let provider_words = ProviderWords::new(provider);

    let mut names = Vec::new();
    names.push(title_name(&api.info.title, &provider_words, &context));
    names.push(
        host.map(|h| {
            h.subdomains
                .iter()
                .filter(|l| !GENERIC_HOST_LABELS.contains(&l.as_str()) && !provider_words.names(l))
                .map(|l| slugify(l))
                .collect::<Vec<_>>()
                .join("-")
        })
        .unwrap_or_default(),
    );
    names.push(
        words(base)
            .into_iter()
            .filter(|w| !GENERIC_WORDS.contains(&w.as_str()))
            .collect::<Vec<_>>()
            .join("-"),
    );
    // `info.version` labels editions; its major number names the API only
    // where the URL space is rooted under a base path of its own (JumpCloud
    // v1 at `/api` beside v2 at `/api/v2`), not for an API whose next
    // edition, `2.0`, would land in a history called `v1`.
    if !base.is_empty() {
        names.push(major_version(&api.info.version).unwrap_or_default());
    }
    names.push(MAIN_API.to_owned());
    let mut seen = BTreeSet::new();
    let mut names: Vec<String> = names.iter().map(|n| fit(n)).collect();
    names.retain(|n| !n.is_empty() && seen.insert(n.clone()));
    let qualifiers = leading_version_segment(operation_paths)
        .into_iter()
        .collect();
    Evidence {
        names,
        qualifiers,
        paths,
    }
}

/// The distinctive words of a title, joined: "Directory Insights API" →
/// `directory-insights`; "JumpCloud API" (provider `jumpcloud`) → empty.
fn title_name(title: &str, provider_words: &ProviderWords, context: &BTreeSet<String>) -> String {
    let all = words(title);
    let short = all.len() <= SHORT_TITLE_WORDS;
    let kept: Vec<String> = all
        .into_iter()
        .filter(|w| {
            !GENERIC_WORDS.contains(&w.as_str())
                && !provider_words.names(w)
                && !is_version_word(w)
                && (short || context.contains(w))
        })
        .take(MAX_TITLE_WORDS)
        .collect();
    kept.join("-")
}

/// The provider's name, to leave out of API names: "Pet Store" and
/// `pets.example.com` say nothing more than provider `petstore` does.
struct ProviderWords {
    words: Vec<String>,
    compact: String,
}

impl ProviderWords {
    fn new(provider: &str) -> Self {
        ProviderWords {
            words: words(provider),
            compact: provider
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect(),
        }
    }

    /// Whether `word` is the provider's name or a part of it.
    fn names(&self, word: &str) -> bool {
        self.words.iter().any(|w| w == word) || (word.len() >= 2 && self.compact.contains(word))
    }
}

/// Lower-case alphanumeric runs of `text`.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(slugify)
        .filter(|w| !w.is_empty())
        .collect()
}

/// `v2`, `2`, `2010`, `1.0`: words that number an edition, not name an API.
fn is_version_word(word: &str) -> bool {
    let digits = word.strip_prefix('v').unwrap_or(word);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// `vN` when every path starts with the same `/vN/` segment.
fn leading_version_segment(paths: &[&str]) -> Option<String> {
    let mut firsts = paths
        .iter()
        .map(|path| path.trim_start_matches('/').split('/').next().unwrap_or(""));
    let first = firsts.next()?;
    let is_v =
        first.len() > 1 && first.starts_with('v') && first[1..].chars().all(|c| c.is_ascii_digit());
    (is_v && firsts.all(|f| f == first)).then(|| first.to_owned())
}

/// `v2` for `info.version` `2` or `2.0`; `None` for release numbers
/// (`1.1.4`), dates and words, which say nothing about which API it is.
fn major_version(version: &str) -> Option<String> {
    let version = version.trim().trim_start_matches(['v', 'V']);
    let mut parts = version.split('.');
    let major = parts.next()?;
    let minor = parts.next();
    let plain = |s: &str| !s.is_empty() && s.len() <= 2 && s.chars().all(|c| c.is_ascii_digit());
    (plain(major) && parts.next().is_none() && minor.is_none_or(plain) && major != "0")
        .then(|| format!("v{}", major.trim_start_matches('0')))
}

/// The path part of a server URL, without a trailing `/`: `/api/v2`.
fn base_path(url: &str) -> &str {
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |at| &rest[at..]),
        None if url.starts_with('/') => url,
        None => "",
    };
    rest.split(['?', '#'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/')
}

/// `/users/{userId}` → `/users/{}`: editions rename parameters freely.
fn blank_parameters(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' if inside => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Info, Server, SpecFormat};

    fn api(title: &str, version: &str, server: &str, paths: &[&str]) -> Api {
        let endpoints = paths
            .iter()
            .map(|p| {
                serde_json::from_value(serde_json::json!({"method": "GET", "path": p}))
                    .expect("a minimal endpoint")
            })
            .collect();
        Api {
            format: SpecFormat::Openapi30,
            spec_version: "3.0.3".into(),
            info: Info {
                title: title.into(),
                version: version.into(),
                ..Info::default()
            },
            servers: vec![Server {
                url: server.into(),
                description: None,
            }],
            security_schemes: vec![],
            security: vec![],
            tags: vec![],
            endpoints,
            webhooks: vec![],
            schemas: vec![],
            warnings: vec![],
        }
    }

    fn new_name(api: &Api) -> String {
        let id = identify(api, None, None);
        format!("{}/{}", id.provider, KnownApis::default().place(&id).name)
    }

    #[test]
    fn names_a_person_would_guess() {
        let v2 = api(
            "JumpCloud API",
            "2.0",
            "https://console.jumpcloud.com/api/v2",
            &["/systems"],
        );
        assert_eq!(new_name(&v2), "jumpcloud/v2");
        let v1 = api(
            "JumpCloud API",
            "1.0",
            "https://console.jumpcloud.com/api",
            &["/systems"],
        );
        assert_eq!(new_name(&v1), "jumpcloud/v1");
        let insights = api(
            "Directory Insights API",
            "1.0",
            "https://api.jumpcloud.com/insights/directory/v1",
            &["/events"],
        );
        assert_eq!(new_name(&insights), "jumpcloud/directory-insights");
        let messaging = api(
            "Twilio - Messaging",
            "1.0.0",
            "https://messaging.twilio.com",
            &["/v1/Services"],
        );
        assert_eq!(new_name(&messaging), "twilio/messaging");
        let core = api(
            "Twilio - Api",
            "1.0.0",
            "https://api.twilio.com",
            &["/2010-04-01/Accounts.json"],
        );
        assert_eq!(new_name(&core), "twilio/api");
        let stripe = api(
            "Stripe API",
            "2026-01-28.clover",
            "https://api.stripe.com/",
            &["/v1/charges"],
        );
        assert_eq!(new_name(&stripe), "stripe/api");
        let github = api(
            "GitHub's official OpenAPI spec + Octokit extension",
            "23.0.2",
            "https://api.github.com",
            &["/repos/{owner}/{repo}"],
        );
        assert_eq!(new_name(&github), "github/api");
        let pets = api(
            "Swagger Petstore",
            "1.0.0",
            "https://petstore.swagger.io/v2",
            &["/pet"],
        );
        assert_eq!(new_name(&pets), "swagger/petstore");
        let id = identify(
            &api("Pet Store", "1.0.0", "https://pets.example.com", &["/pets"]),
            Some("petstore"),
            None,
        );
        assert_eq!(
            KnownApis::default().place(&id).name,
            "api",
            "the provider's own name says nothing more"
        );
    }

    #[test]
    fn editions_join_by_paths_and_services_stay_apart() {
        let users = api(
            "Users API",
            "1.0",
            "https://api.example.com",
            &["/users", "/users/{id}"],
        );
        let billing = api(
            "Billing API",
            "1.0",
            "https://api.example.com",
            &["/invoices"],
        );
        let users_next = api(
            "Users API",
            "1.1",
            "https://api.example.com",
            &["/users", "/users/{userId}", "/users/{id}/roles"],
        );
        let mut known = KnownApis::default();
        for (doc, expected, new) in [
            (&users, "users", true),
            (&billing, "billing", true),
            (&users_next, "users", false),
        ] {
            let id = identify(doc, None, None);
            assert_eq!(id.provider, "example");
            let placed = known.place(&id);
            assert_eq!((placed.name.as_str(), placed.new), (expected, new));
            known.record(&placed.name, id.evidence.paths);
        }
        // A renamed title on the same paths is the same API.
        let renamed = api(
            "Accounts service",
            "2.0",
            "https://api.example.com",
            &["/users", "/users/{x}"],
        );
        let placed = known.place(&identify(&renamed, None, None));
        assert_eq!((placed.name.as_str(), placed.new), ("users", false));
    }

    #[test]
    fn the_same_paths_under_another_base_path_are_another_api() {
        let v2 = api(
            "JumpCloud API",
            "2.0",
            "https://console.jumpcloud.com/api/v2",
            &["/systems", "/groups"],
        );
        let console = api(
            "JumpCloud Console API",
            "1.0",
            "https://console.jumpcloud.com",
            &["/api/v2/systems", "/api/v2/groups"],
        );
        let first = identify(&v2, None, None);
        let mut known = KnownApis::default();
        known.record(&known.place(&first).name, first.evidence.paths);
        let placed = known.place(&identify(&console, None, None));
        assert_eq!((placed.name.as_str(), placed.new), ("console", true));
    }

    #[test]
    fn a_shared_health_check_does_not_make_services_one_api() {
        let mut known = KnownApis::default();
        for n in 0..3 {
            let doc = api(
                "Service API",
                "1.0",
                "https://api.corp.com",
                &["/health", &format!("/svc{n}/a"), &format!("/svc{n}/b")],
            );
            let id = identify(&doc, None, None);
            let placed = known.place(&id);
            assert!(placed.new, "service {n} joined {}", placed.name);
            known.record(&placed.name, id.evidence.paths);
        }
    }

    #[test]
    fn taken_names_are_extended() {
        let v2 = api(
            "Twilio - Verify",
            "1.0.0",
            "https://verify.twilio.com",
            &["/v2/Services"],
        );
        let v3 = api(
            "Twilio - Verify",
            "1.0.0",
            "https://verify.twilio.com",
            &["/v3/Checks", "/v3/Other"],
        );
        let first = identify(&v2, None, None);
        let mut known = KnownApis::default();
        known.record(&known.place(&first).name, first.evidence.paths);
        let placed = known.place(&identify(&v3, None, None));
        assert_eq!((placed.name.as_str(), placed.new), ("verify-v3", true));
    }

    #[test]
    fn user_and_apis_guru_names_win() {
        let mut s3 = api(
            "Amazon S3",
            "2006-03-01",
            "https://s3.amazonaws.com",
            &["/"],
        );
        s3.info.provider_name = Some("amazonaws.com".into());
        s3.info.service_name = Some("s3".into());
        let id = identify(&s3, None, None);
        assert_eq!(
            (id.provider.as_str(), id.api.as_deref()),
            ("amazonaws.com", Some("s3"))
        );
        s3.info.service_name = None;
        assert_eq!(identify(&s3, None, None).api.as_deref(), Some(MAIN_API));
        let id = identify(&s3, Some("mine"), None);
        assert_eq!((id.provider.as_str(), id.api), ("mine", None));
        let id = identify(&s3, Some("mine"), Some("storage"));
        assert_eq!(id.api.as_deref(), Some("storage"));
    }

    #[test]
    fn derived_names_fit_the_catalog() {
        let long = "w".repeat(150);
        let doc = api(&format!("{long} service"), "1.0", "/", &["/x"]);
        let id = identify(&doc, None, None);
        assert!(id.provider.len() <= MAX_NAME, "{}", id.provider);
        let named = api(
            &format!("Acme {long} API"),
            "1.0",
            "https://api.acme.com",
            &["/x"],
        );
        let placed = KnownApis::default().place(&identify(&named, None, None));
        assert!(placed.name.len() <= MAX_NAME && crate::slug::is_valid_slug(&placed.name));
        assert_eq!(fit("abc-def"), "abc-def");
    }

    #[test]
    fn versions_and_paths() {
        assert_eq!(major_version("2.0").as_deref(), Some("v2"));
        assert_eq!(major_version("1").as_deref(), Some("v1"));
        assert_eq!(major_version("1.0.0"), None);
        assert_eq!(major_version("2026-01-28"), None);
        assert_eq!(major_version("0.1"), None);
        assert_eq!(base_path("https://x.com/api/v2/"), "/api/v2");
        assert_eq!(base_path("/v1"), "/v1");
        assert_eq!(base_path("https://x.com"), "");
        assert_eq!(blank_parameters("/a/{b}/c{d}"), "/a/{}/c{}");
    }
}
