//! Full-text search over providers and endpoints: an in-memory BM25 index.
//!
//! Built from [`specdex_store::Catalog::search_rows`] (every provider's current
//! snapshot) and rebuilt when the catalog changes. Text is split into words
//! the way API names are written — `/repos/{owner}/pulls`, `listPullRequests`
//! and `payment_intents` all give plain words — then lower-cased and stemmed,
//! so "create a payment intent" meets `POST /v1/payment_intents`. Path words
//! glued together (`/usergroups`, `/activedirectories`) are also split into
//! the words the rest of the catalog uses.
//!
//! Fields weigh differently (a word in the path or summary says more than one
//! deep in a description). On top of the BM25 sum, an endpoint's score is
//! multiplied by what people mean but do not spell out:
//!
//! - the *intent* of the question's verb against the endpoint's method
//!   ("remove", "fetch", "open", "scale" → `DELETE`, `GET` on an item,
//!   `POST` on a collection, a state change), because people ask in verbs and
//!   APIs answer in methods;
//! - how much of the endpoint's path the question names (`GET /zones` is a
//!   better answer to "list zones" than `GET /zones/{id}/settings/fonts`),
//!   and whether it names the resource the path ends with;
//! - how many of the question's words the endpoint matches at all;
//! - a provider named in the question ("stripe", "on digitalocean");
//! - deprecation.
//!
//! Queries touch only the postings of their words and score into a dense,
//! per-thread buffer, so answering allocates nothing proportional to the
//! catalog.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};
use specdex_store::{ApiSearchRow, EndpointSearchRow, EndpointSummary};

/// BM25 parameters (the usual values).
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Field weights: how much one word in each field counts.
const PATH_WEIGHT: f32 = 2.0;
const PARAMETER_WEIGHT: f32 = 0.5;
const OPERATION_ID_WEIGHT: f32 = 1.5;
const SUMMARY_WEIGHT: f32 = 2.0;
const TAG_WEIGHT: f32 = 1.0;
const DESCRIPTION_WEIGHT: f32 = 0.5;
const PROVIDER_NAME_WEIGHT: f32 = 3.0;

/// Weight in the query of a verb whose meaning the method carries (create,
/// list, delete…): it still matches summaries, but the intent factor does
/// most of the work.
const CRUD_VERB_WEIGHT: f32 = 0.3;
/// Weight in the query of a word added for a word asked ("sms" → message).
const EXPANSION_WEIGHT: f32 = 0.6;
/// Weight in the query of a word qualifying the verb's object rather than
/// naming it ("list the commits *on a branch*").
const QUALIFIER_WEIGHT: f32 = 0.7;

/// Score factor for documents of a provider the question names.
const NAMED_PROVIDER_BOOST: f32 = 1.5;
/// Score factor for deprecated endpoints.
const DEPRECATED_FACTOR: f32 = 0.6;
/// Up to this much more for an endpoint whose path words are all asked for.
const COVERAGE_BONUS: f32 = 0.6;
/// This much more when the resource the path ends with is asked for.
const RESOURCE_BONUS: f32 = 0.25;
/// Share of the score that does not depend on how many of the question's
/// words an endpoint matches.
const COORDINATION_FLOOR: f32 = 0.5;

/// Words of a question that carry meaning, at most; more are ignored.
const MAX_QUERY_GROUPS: usize = 32;

/// Words too common in questions and API text to carry meaning.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "for",
    "to",
    "in",
    "on",
    "by",
    "with",
    "and",
    "or",
    "is",
    "are",
    "be",
    "it",
    "its",
    "this",
    "that",
    "from",
    "as",
    "at",
    "all",
    "how",
    "do",
    "does",
    "i",
    "can",
    "my",
    "me",
    "you",
    "your",
    "we",
    "our",
    "via",
    "using",
    "api",
    "apis",
    "endpoint",
    "endpoints",
    "v1",
    "v2",
    "v3",
    "which",
    "what",
    "s",
    "up",
    "please",
    "some",
    "want",
    "need",
    // "by id": which item is a parameter, not a word of the answer.
    "id",
    "ids",
];

/// Words that open a question rather than give an order: the asker wants to
/// read something.
const QUESTION_WORDS: &[&str] = &[
    "what", "which", "who", "where", "when", "how", "is", "are", "does", "do", "can",
];

/// Words that follow a verb: an unknown first word followed by one of these
/// is an order to do something ("reboot a droplet").
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "my", "our", "your", "this", "that", "these", "those", "some", "every",
    "each", "all", "on", "to", "for",
];

/// Verbs that ask for a state change other than plain create, update or
/// delete; the endpoint is usually a `POST` (or `PUT`) on an item or an
/// action sub-resource.
const ACTION_VERBS: &[&str] = &[
    "send",
    "trigger",
    "run",
    "rerun",
    "execute",
    "invoke",
    "call",
    "dispatch",
    "stop",
    "restart",
    "reboot",
    "reset",
    "shutdown",
    "boot",
    "power",
    "purge",
    "flush",
    "clear",
    "merge",
    "close",
    "reopen",
    "approve",
    "reject",
    "cancel",
    "refund",
    "capture",
    "confirm",
    "verify",
    "validate",
    "attach",
    "detach",
    "assign",
    "unassign",
    "archive",
    "unarchive",
    "publish",
    "unpublish",
    "deploy",
    "redeploy",
    "rollback",
    "rotate",
    "revoke",
    "enable",
    "disable",
    "pause",
    "resume",
    "suspend",
    "lock",
    "unlock",
    "invite",
    "accept",
    "decline",
    "transfer",
    "move",
    "copy",
    "clone",
    "fork",
    "star",
    "unstar",
    "follow",
    "unfollow",
    "block",
    "unblock",
    "upload",
    "import",
    "export",
    "sync",
    "scale",
    "resize",
    "place",
    "buy",
    "purchase",
    "pay",
    "subscribe",
    "unsubscribe",
    "mark",
    "pin",
    "unpin",
    "mute",
    "unmute",
    "comment",
    "reply",
    "react",
    "schedule",
    "retry",
    "renew",
    "expire",
    "void",
    "finalize",
    "reverse",
    "release",
    "promote",
    "approve",
    "snapshot",
    "backup",
    "restore",
    "rebuild",
    "migrate",
    "convert",
    "link",
    "unlink",
    "bind",
    "unbind",
    "connect",
    "disconnect",
    "activate",
    "deactivate",
    "test",
    "ping",
    "notify",
    "share",
    "unshare",
    "grant",
    "apply",
    "join",
    "leave",
    "kick",
    "ban",
    "unban",
    "charge",
    "escalate",
    "resolve",
    "acknowledge",
    "ack",
];

/// Words added to a question for a word in it, because APIs spell the
/// same thing differently. General vocabulary only: abbreviations and
/// near-synonyms.
fn expansions(word: &str) -> &'static [&'static str] {
    match word {
        "sms" | "mms" | "msg" => &["message"],
        "repo" => &["repository"],
        "repository" | "repositories" => &["repo"],
        "pr" | "prs" => &["pull", "request"],
        "buy" => &["purchase"],
        "purchase" => &["buy"],
        "org" | "orgs" => &["organization"],
        "organization" | "organizations" => &["org"],
        "config" => &["configuration"],
        "configuration" => &["config"],
        "cert" | "certs" => &["certificate"],
        "env" => &["environment"],
        "environment" => &["env"],
        "db" => &["database"],
        "app" | "apps" => &["application"],
        "application" | "applications" => &["app"],
        "k8s" => &["kubernetes"],
        "vm" | "vms" => &["instance"],
        // A question about people asks for users or members.
        "who" | "whom" => &["user", "member"],
        _ => &[],
    }
}

/// What a question's verb asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    None,
    Create,
    List,
    Get,
    Update,
    Delete,
    /// Some other state change ("merge", "reboot", "refund").
    Action,
    /// A question ("what sizes are there"): something to read.
    Read,
}

/// The intent of a verb, if it is one.
fn verb_intent(word: &str) -> Intent {
    match word {
        "create" | "add" | "new" | "make" | "open" | "register" | "start" | "spin" | "launch"
        | "provision" | "generate" | "insert" | "post" | "submit" | "setup" | "issue" => {
            Intent::Create
        }
        "list" | "search" | "find" | "browse" | "enumerate" | "query" | "filter" => Intent::List,
        "get" | "fetch" | "retrieve" | "read" | "show" | "view" | "look" | "lookup"
        | "describe" | "inspect" | "download" | "check" | "see" | "display" | "load" => Intent::Get,
        "update" | "edit" | "modify" | "change" | "rename" | "set" | "patch" | "replace"
        | "configure" | "alter" | "toggle" => Intent::Update,
        "delete" | "remove" | "destroy" | "drop" | "erase" | "uninstall" | "deregister"
        | "unregister" | "terminate" | "kill" | "discard" | "wipe" => Intent::Delete,
        _ if ACTION_VERBS.contains(&word) => Intent::Action,
        _ => Intent::None,
    }
}

/// The intent of a phrasal verb ("set up", "look up", "tear down"), whose
/// particle changes what the verb means.
fn phrasal_intent(word: &str, particle: &str) -> Intent {
    match (word, particle) {
        ("set" | "spin" | "sign" | "stand" | "fire" | "bring" | "start", "up") => Intent::Create,
        ("look", "up") => Intent::Get,
        ("tear" | "clean", "down" | "up") => Intent::Delete,
        ("shut", "down") | ("power" | "turn", "on" | "off" | "down") | ("back", "up") => {
            Intent::Action
        }
        _ => Intent::None,
    }
}

/// Words that end the object of a verb ("charges *for* a customer",
/// "numbers *do* I own").
const OBJECT_ENDS: &[&str] = &[
    "for", "in", "of", "on", "to", "from", "with", "by", "at", "do", "does", "is", "are", "can",
    "that", "which", "where", "i", "we",
];

/// What a question's words say it wants done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Intention {
    intent: Intent,
    /// The verb giving the intent, and its particle ("set up").
    verb: Option<usize>,
    particle: Option<usize>,
    /// Where the verb's object starts.
    object: usize,
}

/// The intention of a question: its first verb; else a question word first
/// means reading; else an unknown first word followed by a determiner
/// ("reboot a droplet") is taken for an action.
fn query_intent(raw: &[String]) -> Intention {
    for (i, word) in raw.iter().enumerate() {
        if let Some(particle) = raw.get(i + 1) {
            let intent = phrasal_intent(word, particle);
            if intent != Intent::None {
                return Intention {
                    intent,
                    verb: Some(i),
                    particle: Some(i + 1),
                    object: i + 2,
                };
            }
        }
        let intent = verb_intent(word);
        if intent != Intent::None {
            return Intention {
                intent,
                verb: Some(i),
                particle: None,
                object: i + 1,
            };
        }
    }
    let (intent, verb) = match raw {
        [first, ..] if QUESTION_WORDS.contains(&first.as_str()) => (Intent::Read, None),
        [first, next, ..]
            if !STOP_WORDS.contains(&first.as_str())
                && first.chars().all(char::is_alphabetic)
                && DETERMINERS.contains(&next.as_str()) =>
        {
            (Intent::Action, Some(0))
        }
        _ => (Intent::None, None),
    };
    Intention {
        intent,
        verb,
        particle: None,
        object: if intent == Intent::None { 0 } else { 1 },
    }
}

/// Whether a word looks like a plural noun ("charges", "balancers"; not
/// "status", "address").
fn looks_plural(word: &str) -> bool {
    word.len() > 3
        && word.ends_with('s')
        && !["ss", "us", "is"].iter().any(|end| word.ends_with(end))
}

/// What an endpoint's method does to its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Provider,
    GetCollection,
    GetItem,
    PostCollection,
    PostItem,
    Put,
    Patch,
    Delete,
    Other,
}

impl Kind {
    fn of(method: &str, on_item: bool) -> Kind {
        let method = method.to_ascii_uppercase();
        match (method.as_str(), on_item) {
            ("GET", false) => Kind::GetCollection,
            ("GET", true) => Kind::GetItem,
            ("POST", false) => Kind::PostCollection,
            ("POST", true) => Kind::PostItem,
            ("PUT", _) => Kind::Put,
            ("PATCH", _) => Kind::Patch,
            ("DELETE", _) => Kind::Delete,
            _ => Kind::Other,
        }
    }
}

/// How well an endpoint of `kind` answers a question with `intent`.
fn intent_factor(intent: Intent, kind: Kind) -> f32 {
    use Kind as K;
    match (intent, kind) {
        (Intent::None, _) | (_, K::Provider) => 1.0,
        (Intent::Create, K::PostCollection) => 1.4,
        (Intent::Create, K::PostItem | K::Put) => 1.15,
        (Intent::Create, K::Patch) => 0.9,
        (Intent::Create, K::GetCollection) => 0.75,
        (Intent::Create, K::GetItem) => 0.7,
        (Intent::Create, K::Delete) => 0.6,
        (Intent::Create, K::Other) => 0.8,
        (Intent::List, K::GetCollection) => 1.35,
        (Intent::List, K::GetItem) => 1.05,
        (Intent::List, K::PostCollection) => 0.85,
        (Intent::List, K::Delete) => 0.6,
        (Intent::List, _) => 0.75,
        (Intent::Get, K::GetItem) => 1.35,
        (Intent::Get, K::GetCollection) => 1.2,
        (Intent::Get, K::PostCollection | K::PostItem) => 0.8,
        (Intent::Get, K::Delete) => 0.6,
        (Intent::Get, _) => 0.7,
        (Intent::Update, K::Patch) => 1.35,
        (Intent::Update, K::Put) => 1.3,
        (Intent::Update, K::PostItem) => 1.25,
        (Intent::Update, K::PostCollection) => 0.95,
        (Intent::Update, K::Delete) => 0.6,
        (Intent::Update, _) => 0.75,
        (Intent::Delete, K::Delete) => 1.45,
        (Intent::Delete, K::PostItem) => 1.0,
        (Intent::Delete, K::PostCollection) => 0.9,
        (Intent::Delete, K::Put | K::Patch) => 0.8,
        (Intent::Delete, _) => 0.65,
        (Intent::Action, K::PostItem) => 1.25,
        (Intent::Action, K::PostCollection | K::Put) => 1.2,
        // State changes ("close", "lock", "archive") are often a PATCH.
        (Intent::Action, K::Patch) => 1.2,
        (Intent::Action, K::Delete) => 0.95,
        (Intent::Action, _) => 0.75,
        (Intent::Read, K::GetCollection | K::GetItem) => 1.2,
        (Intent::Read, _) => 0.85,
    }
}

/// What a hit refers to.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Api {
        /// `provider/api`.
        api: String,
        title: String,
    },
    Endpoint {
        /// The API the endpoint belongs to, `provider/api`.
        api: String,
        endpoint: EndpointSummary,
    },
}

/// A scored hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub target: Target,
    pub score: f32,
}

/// Which kinds of documents a search looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// APIs (`providers`, the name before APIs had their own identity, is
    /// read as this).
    #[serde(alias = "providers")]
    Apis,
    Endpoints,
    All,
}

impl Scope {
    /// Parses `apis` (or `providers`), `endpoints` or `all`.
    pub fn parse(text: &str) -> Option<Scope> {
        match text {
            "apis" | "providers" => Some(Scope::Apis),
            "endpoints" => Some(Scope::Endpoints),
            "all" => Some(Scope::All),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Apis => "apis",
            Scope::Endpoints => "endpoints",
            Scope::All => "all",
        }
    }
}

/// The posting's word is one of the path's literal words.
const IN_PATH: u8 = 1;
/// …of the last literal segment (the resource the path ends with).
const IN_RESOURCE: u8 = 2;
/// The document is a provider, not an endpoint.
const IN_PROVIDER: u8 = 4;

#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: u32,
    /// The BM25 term-frequency part, `tf × (k1 + 1) / (tf + k1 × (1 − b +
    /// b × length / average length))`: fixed once the index is built, so
    /// a query only multiplies it by the word's weight.
    norm: f32,
    flags: u8,
}

/// What scoring needs to know about a document besides its words.
#[derive(Debug, Clone, Copy)]
struct Doc {
    provider: u32,
    kind: Kind,
    /// Distinct stemmed literal words of the path.
    path_words: u8,
    deprecated: bool,
}

/// The index: documents, postings and per-provider name words.
pub struct SearchIndex {
    documents: Vec<Target>,
    docs: Vec<Doc>,
    term_ids: HashMap<String, u32>,
    postings: Vec<Vec<Posting>>,
    /// Stemmed words naming a provider ("github", "digital", "ocean") and
    /// the providers (indices) they name.
    provider_names: HashMap<String, Vec<u32>>,
    stemmer: Stemmer,
}

/// A term of a question.
struct QueryTerm {
    id: u32,
    weight: f32,
    group: u32,
    /// Providers the word names: their endpoints do not score on it (it says
    /// which API, not what to do), they get [`NAMED_PROVIDER_BOOST`] instead.
    names: Vec<u32>,
    /// Whether matching the path's last resource earns [`RESOURCE_BONUS`].
    resource: bool,
    /// The word only adds to documents other words found (the verb of
    /// "create a droplet": every other endpoint says "create", and the
    /// method already answers for it). Saves touching a large part of the
    /// catalog for nothing.
    follower: bool,
}

/// Per-document accumulator of one query.
#[derive(Debug, Clone, Copy, Default)]
struct Accumulator {
    score: f32,
    /// Groups (question words) matched.
    groups: u32,
    /// Path words matched.
    covered: u8,
    resource: bool,
}

/// Per-thread scratch space for queries, reused across them.
#[derive(Default)]
struct Scratch {
    accumulators: Vec<Accumulator>,
    touched: Vec<u32>,
    candidates: Vec<(u32, f32)>,
}

impl Scratch {
    fn reset(&mut self) {
        for doc in self.touched.drain(..) {
            self.accumulators[doc as usize] = Accumulator::default();
        }
        self.candidates.clear();
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl SearchIndex {
    /// Builds the index from the catalog's search rows.
    pub fn build(providers: Vec<ApiSearchRow>, endpoints: Vec<EndpointSearchRow>) -> SearchIndex {
        let mut builder = Builder {
            stems: StemCache::new(),
            documents: Vec::with_capacity(providers.len() + endpoints.len()),
            docs: Vec::with_capacity(providers.len() + endpoints.len()),
            lengths: Vec::with_capacity(providers.len() + endpoints.len()),
            term_ids: HashMap::new(),
            postings: Vec::new(),
            provider_ids: HashMap::new(),
            terms: HashMap::new(),
            path_stems: HashSet::new(),
            name_vocabulary: HashSet::new(),
            text_vocabulary: HashSet::new(),
            compounds: HashMap::new(),
        };
        builder.learn_vocabulary(&providers, &endpoints);
        let mut name_words: HashMap<String, HashSet<u32>> = HashMap::new();
        for row in providers {
            let provider = builder.provider_id(&row.api);
            builder.add_text(&row.api, PROVIDER_NAME_WEIGHT, 0);
            builder.add_text(&row.title, PROVIDER_NAME_WEIGHT, 0);
            if let Some(description) = &row.description {
                builder.add_text(description, DESCRIPTION_WEIGHT, 0);
            }
            for tag in &row.tags {
                builder.add_text(tag, TAG_WEIGHT, 0);
            }
            for word in provider_name_words(&row.api, &row.title) {
                let stem = builder.stems.stem(&word).to_owned();
                name_words.entry(stem).or_default().insert(provider);
            }
            builder.push(
                Target::Api {
                    api: row.api,
                    title: row.title,
                },
                provider,
                Kind::Provider,
                false,
            );
        }
        for row in endpoints {
            let provider = builder.provider_id(&row.api);
            let e = &row.endpoint;
            let path = Path::parse(&e.path);
            let last = path.segments.len().saturating_sub(1);
            for (i, segment) in path.segments.iter().enumerate() {
                let flags = if i == last {
                    IN_PATH | IN_RESOURCE
                } else {
                    IN_PATH
                };
                builder.add_path_words(segment, flags);
            }
            for parameter in &path.parameters {
                builder.add_text(parameter, PARAMETER_WEIGHT, 0);
            }
            if let Some(id) = &e.operation_id {
                builder.add_text(id, OPERATION_ID_WEIGHT, 0);
            }
            if let Some(summary) = &e.summary {
                builder.add_text(summary, SUMMARY_WEIGHT, 0);
            }
            for tag in &e.tags {
                builder.add_text(tag, TAG_WEIGHT, 0);
            }
            if let Some(description) = &row.description {
                builder.add_text(description, DESCRIPTION_WEIGHT, 0);
            }
            let kind = Kind::of(&e.method, path.on_item);
            let deprecated = e.deprecated;
            builder.push(
                Target::Endpoint {
                    api: row.api,
                    endpoint: row.endpoint,
                },
                provider,
                kind,
                deprecated,
            );
        }
        // Providers known only from their endpoints are named by slug.
        let described: HashSet<u32> = name_words.values().flatten().copied().collect();
        for (slug, &provider) in &builder.provider_ids {
            if !described.contains(&provider) {
                for word in provider_name_words(slug, "") {
                    let stem = builder.stems.stem(&word).to_owned();
                    name_words.entry(stem).or_default().insert(provider);
                }
            }
        }
        // A word naming many providers ("cloud", "com") names none; the
        // APIs of one provider all share its name.
        let provider_of: HashMap<u32, &str> = builder
            .provider_ids
            .iter()
            .map(|(id, &index)| (index, id.split('/').next().unwrap_or(id)))
            .collect();
        let provider_names: HashMap<String, Vec<u32>> = name_words
            .into_iter()
            .filter(|(_, ids)| {
                let providers: HashSet<&str> = ids
                    .iter()
                    .filter_map(|id| provider_of.get(id).copied())
                    .collect();
                providers.len() <= 3
            })
            .map(|(word, ids)| {
                let mut ids: Vec<u32> = ids.into_iter().collect();
                ids.sort_unstable();
                (word, ids)
            })
            .collect();
        let total: f32 = builder.lengths.iter().sum();
        let average_length = if builder.lengths.is_empty() {
            1.0
        } else {
            total / builder.lengths.len() as f32
        };
        let mut postings = builder.postings;
        for posting in postings.iter_mut().flatten() {
            let tf = posting.norm;
            let length = builder.lengths[posting.doc as usize];
            posting.norm = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / average_length));
        }
        SearchIndex {
            documents: builder.documents,
            docs: builder.docs,
            term_ids: builder.term_ids,
            postings,
            provider_names,
            stemmer: Stemmer::create(Algorithm::English),
        }
    }

    /// Number of documents (providers and endpoints).
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    /// The best `limit` hits for `query` within `scope`, best first; ties are
    /// broken by document order so answers are deterministic.
    pub fn search(&self, query: &str, scope: Scope, limit: usize) -> Vec<Hit> {
        if self.documents.is_empty() || limit == 0 {
            return Vec::new();
        }
        let plan = self.plan(query);
        if plan.terms.is_empty() {
            return Vec::new();
        }
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            scratch.reset();
            if scratch.accumulators.len() < self.docs.len() {
                scratch
                    .accumulators
                    .resize(self.docs.len(), Accumulator::default());
            }
            let hits = self.score(&plan, scope, limit, &mut scratch);
            scratch.reset();
            hits
        })
    }

    /// The terms, intent and named providers of a question.
    fn plan(&self, query: &str) -> Plan {
        let raw = words(query);
        let intention = query_intent(&raw);
        let mut intent = intention.intent;
        // The verb's object: the words after it up to a preposition
        // ("the commits | on a branch"), without provider names.
        let object_end = raw
            .iter()
            .enumerate()
            .skip(intention.object)
            .find(|(_, w)| OBJECT_ENDS.contains(&w.as_str()))
            .map_or(raw.len(), |(i, _)| i);
        let object = intention.object.min(object_end)..object_end;
        let mut many = false;
        let mut head = None;
        for word in &raw[object.clone()] {
            if matches!(word.as_str(), "all" | "every" | "each") {
                many = true;
            } else if !STOP_WORDS.contains(&word.as_str())
                && !self
                    .provider_names
                    .contains_key(self.stemmer.stem(word).as_ref())
            {
                head = Some(word);
            }
        }
        // Asking to see "all charges" or "my load balancers" is asking for
        // a listing; "a customer" is one item.
        if matches!(intent, Intent::Get | Intent::Read)
            && (many || head.is_some_and(|w| looks_plural(w)))
        {
            intent = Intent::List;
        }
        let crud_verb = !matches!(intent, Intent::None | Intent::Action | Intent::Read);
        let mut plan = Plan {
            terms: Vec::new(),
            intent,
            counted: 0,
            named: Vec::new(),
            other_terms: false,
        };
        let mut seen: Vec<String> = Vec::new();
        let mut group = 0u32;
        for (i, word) in raw.iter().enumerate() {
            if STOP_WORDS.contains(&word.as_str()) || intention.particle == Some(i) {
                continue;
            }
            let stem = self.stemmer.stem(word).into_owned();
            if seen.contains(&stem) {
                continue;
            }
            if group as usize >= MAX_QUERY_GROUPS {
                break;
            }
            let names = self.provider_names.get(&stem).cloned().unwrap_or_default();
            let is_verb = intention.verb == Some(i);
            let crud = is_verb && crud_verb;
            // The resource a path ends with should be what the verb acts
            // on, or the verb itself ("…/merge", "…/refund"); with no
            // object to go by, any word will do.
            let resource = is_verb || object.contains(&i) || head.is_none();
            let weight = if crud {
                CRUD_VERB_WEIGHT
            } else if head.is_some() && i >= object.end {
                QUALIFIER_WEIGHT
            } else {
                1.0
            };
            let mut known = false;
            if let Some(&id) = self.term_ids.get(&stem) {
                known = true;
                plan.terms.push(QueryTerm {
                    id,
                    weight,
                    group,
                    names: names.clone(),
                    resource,
                    follower: crud,
                });
            }
            seen.push(stem);
            // An action is often asked of an `…/actions` sub-resource
            // that takes any verb (`POST /droplets/{id}/actions`).
            let action: &[&str] = if is_verb && intent == Intent::Action {
                &["action"]
            } else {
                &[]
            };
            for expansion in expansions(word).iter().chain(action) {
                let stem = self.stemmer.stem(expansion).into_owned();
                if seen.contains(&stem) {
                    continue;
                }
                if let Some(&id) = self.term_ids.get(&stem) {
                    known = true;
                    plan.terms.push(QueryTerm {
                        id,
                        weight: EXPANSION_WEIGHT * weight.max(QUALIFIER_WEIGHT),
                        group,
                        names: Vec::new(),
                        resource,
                        follower: crud,
                    });
                }
                seen.push(stem);
            }
            for &provider in &names {
                match plan.named.iter_mut().find(|(p, _)| *p == provider) {
                    Some((_, groups)) => *groups |= 1 << group,
                    None => plan.named.push((provider, 1 << group)),
                }
            }
            if names.is_empty() && known && !crud {
                plan.other_terms = true;
            }
            if (known || !names.is_empty()) && !crud {
                plan.counted |= 1 << group;
            }
            group += 1;
        }
        if plan.other_terms {
            // Followers go last, once the other words have found documents.
            plan.terms.sort_by_key(|t| t.follower);
        } else {
            // "list stripe": nothing but the verb to find documents with.
            for term in &mut plan.terms {
                term.follower = false;
            }
        }
        plan
    }

    fn score(&self, plan: &Plan, scope: Scope, limit: usize, scratch: &mut Scratch) -> Vec<Hit> {
        let n = self.docs.len() as f32;
        let Scratch {
            accumulators,
            touched,
            candidates,
        } = scratch;
        for term in &plan.terms {
            let postings = &self.postings[term.id as usize];
            let df = postings.len() as f32;
            let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln() * term.weight;
            let skip_named = plan.other_terms && !term.names.is_empty();
            let bit = 1u32 << term.group;
            for posting in postings {
                let provider_doc = posting.flags & IN_PROVIDER != 0;
                let admitted = match scope {
                    Scope::All => true,
                    Scope::Apis => provider_doc,
                    Scope::Endpoints => !provider_doc,
                };
                if !admitted
                    || (skip_named
                        && !provider_doc
                        && term
                            .names
                            .contains(&self.docs[posting.doc as usize].provider))
                {
                    continue;
                }
                let acc = &mut accumulators[posting.doc as usize];
                if acc.groups == 0 {
                    if term.follower {
                        continue;
                    }
                    touched.push(posting.doc);
                }
                acc.score += idf * posting.norm;
                acc.groups |= bit;
                if posting.flags & IN_PATH != 0 {
                    acc.covered = acc.covered.saturating_add(1);
                }
                if term.resource && posting.flags & IN_RESOURCE != 0 {
                    acc.resource = true;
                }
            }
        }
        let counted = plan.counted.count_ones().max(1) as f32;
        for &doc_id in touched.iter() {
            let acc = accumulators[doc_id as usize];
            let doc = &self.docs[doc_id as usize];
            let mut groups = acc.groups;
            let mut factor = 1.0;
            if let Some((_, named)) = plan.named.iter().find(|(p, _)| *p == doc.provider) {
                groups |= named;
                factor *= NAMED_PROVIDER_BOOST;
            }
            let matched = (groups & plan.counted).count_ones() as f32;
            factor *= COORDINATION_FLOOR + (1.0 - COORDINATION_FLOOR) * matched / counted;
            if doc.kind != Kind::Provider {
                if doc.path_words > 0 {
                    let share =
                        f32::from(acc.covered.min(doc.path_words)) / f32::from(doc.path_words);
                    factor *= 1.0 + COVERAGE_BONUS * share;
                }
                if acc.resource {
                    factor *= 1.0 + RESOURCE_BONUS;
                }
                factor *= intent_factor(plan.intent, doc.kind);
                if doc.deprecated {
                    factor *= DEPRECATED_FACTOR;
                }
            }
            candidates.push((doc_id, acc.score * factor));
        }
        let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if candidates.len() > limit {
            candidates.select_nth_unstable_by(limit - 1, order);
            candidates.truncate(limit);
        }
        candidates.sort_unstable_by(order);
        candidates
            .iter()
            .map(|&(doc, score)| Hit {
                target: self.documents[doc as usize].clone(),
                score,
            })
            .collect()
    }
}

/// What a question asks, resolved against the index.
struct Plan {
    terms: Vec<QueryTerm>,
    intent: Intent,
    /// Groups that count towards coordination (not plain CRUD verbs).
    counted: u32,
    /// Providers named, with the groups naming them.
    named: Vec<(u32, u32)>,
    /// Whether some term is neither the verb nor a provider's name: then
    /// the verb only follows, and a provider's name does not count as a
    /// word of its own endpoints.
    other_terms: bool,
}

/// The words that name a provider: its slug's, and those of its title that
/// are part of the slug ("DigitalOcean API" → digital, ocean for
/// `digitalocean`), not generic ones like "api" or "rest".
fn provider_name_words(slug: &str, title: &str) -> Vec<String> {
    let compact: String = slug.chars().filter(|c| c.is_alphanumeric()).collect();
    let compact = compact.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    let candidates = words(slug)
        .into_iter()
        .map(|w| (w, true))
        .chain(words(title).into_iter().map(|w| (w, false)));
    for (word, from_slug) in candidates {
        let usable = word.len() >= 3
            && word.chars().all(char::is_alphabetic)
            && !STOP_WORDS.contains(&word.as_str())
            && (from_slug || compact.contains(&word));
        if usable && !out.contains(&word) {
            out.push(word);
        }
    }
    out
}

/// A path template taken apart.
struct Path {
    /// Literal text of each segment that has some, in order.
    segments: Vec<String>,
    /// Names of the `{parameters}`.
    parameters: Vec<String>,
    /// Whether the path ends in a parameter (an item, not a collection).
    on_item: bool,
}

impl Path {
    fn parse(path: &str) -> Path {
        // Twilio-style `…/Messages/{Sid}.json`: the extension is not a word.
        let path = [".json", ".xml", ".yaml", ".yml", ".csv", ".txt"]
            .iter()
            .find_map(|ext| path.strip_suffix(ext))
            .unwrap_or(path);
        let path = path.trim_end_matches('/');
        let mut segments = Vec::new();
        let mut parameters = Vec::new();
        for segment in path.split('/') {
            let mut literal = String::new();
            let mut parameter = String::new();
            let mut depth = 0usize;
            for c in segment.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        literal.push(' ');
                    }
                    '}' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 && !parameter.is_empty() {
                            parameters.push(std::mem::take(&mut parameter));
                        }
                    }
                    _ if depth > 0 => parameter.push(c),
                    _ => literal.push(c),
                }
            }
            if literal.chars().any(char::is_alphabetic) {
                segments.push(literal);
            }
        }
        Path {
            segments,
            parameters,
            on_item: path.ends_with('}'),
        }
    }
}

/// Stems, memoised: catalogs repeat their words a lot.
struct StemCache {
    stemmer: Stemmer,
    cache: HashMap<String, String>,
}

impl StemCache {
    fn new() -> StemCache {
        StemCache {
            stemmer: Stemmer::create(Algorithm::English),
            cache: HashMap::new(),
        }
    }

    fn stem(&mut self, word: &str) -> &str {
        if !self.cache.contains_key(word) {
            let stem = self.stemmer.stem(word).into_owned();
            self.cache.insert(word.to_owned(), stem);
        }
        self.cache.get(word).map_or("", String::as_str)
    }
}

struct Builder {
    stems: StemCache,
    documents: Vec<Target>,
    docs: Vec<Doc>,
    /// Weighted length of each document (sum of field weights × words).
    lengths: Vec<f32>,
    term_ids: HashMap<String, u32>,
    postings: Vec<Vec<Posting>>,
    provider_ids: HashMap<String, u32>,
    /// The document being built: term → (weighted frequency, flags).
    terms: HashMap<u32, (f32, u8)>,
    /// Its distinct path words (stems).
    path_stems: HashSet<u32>,
    /// Stems of the words of titles, summaries and tags…
    name_vocabulary: HashSet<String>,
    /// …and of descriptions and operation ids: to split glued path words.
    text_vocabulary: HashSet<String>,
    /// Path words found to be glued, and their parts.
    compounds: HashMap<String, Option<(String, String)>>,
}

impl Builder {
    fn learn_vocabulary(&mut self, providers: &[ApiSearchRow], endpoints: &[EndpointSearchRow]) {
        // Names (titles, summaries, tags) say which words are words;
        // descriptions and operation ids also quote paths and identifiers
        // verbatim, so they only help to know the halves.
        let mut names: Vec<&str> = Vec::new();
        let mut others: Vec<&str> = Vec::new();
        for row in providers {
            names.push(&row.title);
            names.extend(row.tags.iter().map(String::as_str));
            others.extend(row.description.as_deref());
        }
        for row in endpoints {
            let e = &row.endpoint;
            names.extend(e.summary.as_deref());
            names.extend(e.tags.iter().map(String::as_str));
            others.extend(e.operation_id.as_deref());
            others.extend(row.description.as_deref());
        }
        for text in names {
            for word in words(text) {
                if word.len() >= 2 && !self.name_vocabulary.contains(self.stems.stem(&word)) {
                    let stem = self.stems.stem(&word).to_owned();
                    self.name_vocabulary.insert(stem);
                }
            }
        }
        for text in others {
            for word in words(text) {
                let stem = self.stems.stem(&word);
                if word.len() >= 3
                    && !self.name_vocabulary.contains(stem)
                    && !self.text_vocabulary.contains(stem)
                {
                    let stem = stem.to_owned();
                    self.text_vocabulary.insert(stem);
                }
            }
        }
    }

    fn is_word(&mut self, word: &str) -> bool {
        let stem = self.stems.stem(word);
        self.name_vocabulary.contains(stem) || self.text_vocabulary.contains(stem)
    }

    /// The two words a glued path word is made of (`usergroups` → user,
    /// groups), if it is not a word of the catalog's names itself and both
    /// halves are words.
    fn split_compound(&mut self, word: &str) -> Option<(String, String)> {
        if let Some(known) = self.compounds.get(word) {
            return known.clone();
        }
        let glued = word.len() >= 6
            && word.is_ascii()
            && word.chars().all(|c| c.is_ascii_lowercase())
            && !self.name_vocabulary.contains(self.stems.stem(word));
        // The best split has the most halves used in names, then the
        // longest shorter half (`apiservices` → api + services, not
        // apiserv + ices).
        let mut best: Option<((usize, usize), String, String)> = None;
        if glued {
            // Halves of four letters or more, or a two- or three-letter
            // head that names use as a word ("ip", "os").
            for at in 2..=word.len() - 4 {
                let (head, tail) = word.split_at(at);
                let head_named = self.name_vocabulary.contains(self.stems.stem(head));
                let tail_named = self.name_vocabulary.contains(self.stems.stem(tail));
                let head_known = head_named || (at >= 4 && self.is_word(head));
                if !head_known || !(tail_named || self.is_word(tail)) {
                    continue;
                }
                let rank = (
                    usize::from(head_named) + usize::from(tail_named),
                    head.len().min(tail.len()),
                );
                if best.as_ref().is_none_or(|(r, _, _)| rank > *r) {
                    best = Some((rank, head.to_owned(), tail.to_owned()));
                }
            }
        }
        let best = best.map(|(_, head, tail)| (head, tail));
        self.compounds.insert(word.to_owned(), best.clone());
        best
    }

    fn provider_id(&mut self, slug: &str) -> u32 {
        let next = self.provider_ids.len() as u32;
        *self.provider_ids.entry(slug.to_owned()).or_insert(next)
    }

    fn term_id(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(stem) {
            return id;
        }
        let id = self.postings.len() as u32;
        self.postings.push(Vec::new());
        self.term_ids.insert(stem.to_owned(), id);
        id
    }

    fn add_text(&mut self, text: &str, weight: f32, flags: u8) {
        for word in words(text) {
            self.add_word(&word, weight, flags);
        }
    }

    /// Adds the literal words of one path segment; glued words also add
    /// their parts, which stand for them in the path's word count.
    fn add_path_words(&mut self, segment: &str, flags: u8) {
        for word in words(segment) {
            match self.split_compound(&word) {
                Some((head, tail)) => {
                    self.add_word(&word, PATH_WEIGHT, 0);
                    self.add_word(&head, PATH_WEIGHT, flags);
                    self.add_word(&tail, PATH_WEIGHT, flags);
                }
                None => self.add_word(&word, PATH_WEIGHT, flags),
            }
        }
    }

    fn add_word(&mut self, word: &str, weight: f32, flags: u8) {
        if STOP_WORDS.contains(&word) {
            return;
        }
        // Version numbers and single letters (`v1`, `2010`) are not words
        // of the path's meaning.
        let meaningful = word.len() >= 2 && !word.chars().all(|c| c.is_ascii_digit());
        let flags = if meaningful { flags } else { 0 };
        let stem = self.stems.stem(word).to_owned();
        let id = self.term_id(&stem);
        let entry = self.terms.entry(id).or_insert((0.0, 0));
        entry.0 += weight;
        entry.1 |= flags;
        if flags & IN_PATH != 0 {
            self.path_stems.insert(id);
        }
    }

    fn push(&mut self, target: Target, provider: u32, kind: Kind, deprecated: bool) {
        let id = self.documents.len() as u32;
        self.documents.push(target);
        let length = self.terms.values().map(|(tf, _)| tf).sum::<f32>().max(1.0);
        self.lengths.push(length);
        self.docs.push(Doc {
            provider,
            kind,
            path_words: self.path_stems.len().min(usize::from(u8::MAX)) as u8,
            deprecated,
        });
        let provider_flag = if kind == Kind::Provider {
            IN_PROVIDER
        } else {
            0
        };
        for (term, (tf, flags)) in self.terms.drain() {
            // `norm` holds the frequency until the average length is known.
            self.postings[term as usize].push(Posting {
                doc: id,
                norm: tf,
                flags: flags | provider_flag,
            });
        }
        self.path_stems.clear();
    }
}

/// Splits text into lower-case words at punctuation, `_`, `-`, `/`, `{}`,
/// digits-to-letters and camelCase boundaries (`listPullRequests` →
/// list, pull, requests; `HTTPServer` → http, server).
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in text.split(|c: char| !c.is_alphanumeric()) {
        if chunk.is_empty() {
            continue;
        }
        let chars: Vec<char> = chunk.chars().collect();
        let mut start = 0;
        for i in 1..chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next_lower = chars.get(i + 1).is_some_and(|c| c.is_lowercase());
            let boundary = (prev.is_lowercase() && cur.is_uppercase())
                || (prev.is_uppercase() && cur.is_uppercase() && next_lower)
                || (prev.is_alphabetic() != cur.is_alphabetic());
            if boundary {
                out.push(chars[start..i].iter().collect::<String>().to_lowercase());
                start = i;
            }
        }
        out.push(chars[start..].iter().collect::<String>().to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(api: &str, method: &str, path: &str, summary: &str) -> EndpointSearchRow {
        EndpointSearchRow {
            api: api.to_owned(),
            snapshot_id: 1,
            endpoint: EndpointSummary {
                method: method.to_owned(),
                path: path.to_owned(),
                operation_id: None,
                summary: Some(summary.to_owned()),
                tags: Vec::new(),
                deprecated: false,
            },
            description: None,
        }
    }

    #[test]
    fn words_split_like_api_names() {
        assert_eq!(words("/repos/{owner}/pulls"), ["repos", "owner", "pulls"]);
        assert_eq!(words("listPullRequests"), ["list", "pull", "requests"]);
        assert_eq!(words("payment_intents"), ["payment", "intents"]);
        assert_eq!(
            words("HTTPServer v2beta1"),
            ["http", "server", "v", "2", "beta", "1"]
        );
    }

    #[test]
    fn verbs_and_stems_find_the_endpoint() {
        let index = SearchIndex::build(
            Vec::new(),
            vec![
                endpoint(
                    "stripe",
                    "GET",
                    "/v1/payment_intents",
                    "List all PaymentIntents",
                ),
                endpoint(
                    "stripe",
                    "POST",
                    "/v1/payment_intents",
                    "Create a PaymentIntent",
                ),
                endpoint(
                    "stripe",
                    "DELETE",
                    "/v1/customers/{customer}",
                    "Delete a customer",
                ),
            ],
        );
        let hits = index.search("create a payment intent", Scope::All, 3);
        let Target::Endpoint { endpoint, .. } = &hits[0].target else {
            panic!("{hits:?}")
        };
        assert_eq!(
            (endpoint.method.as_str(), endpoint.path.as_str()),
            ("POST", "/v1/payment_intents")
        );
        let hits = index.search("remove customer", Scope::Endpoints, 1);
        assert!(
            matches!(&hits[0].target, Target::Endpoint { endpoint, .. } if endpoint.method == "DELETE")
        );
        assert!(index.search("remove customer", Scope::Apis, 5).is_empty());
        assert!(index.search("the of", Scope::All, 5).is_empty());
    }

    /// `(method, path)` of each endpoint hit, best first.
    fn found(index: &SearchIndex, query: &str, limit: usize) -> Vec<(String, String)> {
        index
            .search(query, Scope::Endpoints, limit)
            .into_iter()
            .filter_map(|hit| match hit.target {
                Target::Endpoint { endpoint, .. } => Some((endpoint.method, endpoint.path)),
                Target::Api { .. } => None,
            })
            .collect()
    }

    fn first(index: &SearchIndex, query: &str) -> (String, String) {
        found(index, query, 1)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("nothing for {query:?}"))
    }

    fn key(method: &str, path: &str) -> (String, String) {
        (method.to_owned(), path.to_owned())
    }

    #[test]
    fn glued_path_words_are_split() {
        let index = SearchIndex::build(
            Vec::new(),
            vec![
                endpoint("jc", "GET", "/usergroups", "List all groups of users"),
                endpoint("jc", "GET", "/systeminsights/groups", "List insights"),
                endpoint("jc", "GET", "/systems", "List systems"),
            ],
        );
        let mut builder = Builder {
            stems: StemCache::new(),
            documents: Vec::new(),
            docs: Vec::new(),
            lengths: Vec::new(),
            term_ids: HashMap::new(),
            postings: Vec::new(),
            provider_ids: HashMap::new(),
            terms: HashMap::new(),
            path_stems: HashSet::new(),
            name_vocabulary: ["user", "group", "system", "insight", "ip", "list"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            text_vocabulary: HashSet::new(),
            compounds: HashMap::new(),
        };
        assert_eq!(
            builder.split_compound("usergroups"),
            Some(("user".to_owned(), "groups".to_owned()))
        );
        assert_eq!(
            builder.split_compound("iplists"),
            Some(("ip".to_owned(), "lists".to_owned()))
        );
        assert_eq!(builder.split_compound("groups"), None);
        // The glued path is all the question asks for; the other is not.
        assert_eq!(first(&index, "list user groups"), key("GET", "/usergroups"));
    }

    #[test]
    fn paths_named_whole_beat_deeper_ones() {
        let index = SearchIndex::build(
            Vec::new(),
            vec![
                endpoint("cf", "GET", "/zones/{zone_id}/settings/fonts", "Get fonts"),
                endpoint("cf", "GET", "/zones", "List Zones"),
                endpoint("cf", "GET", "/zones/{zone_id}", "Zone Details"),
                // Other endpoints, so "zone" is not in every document.
                endpoint("cf", "GET", "/accounts", "List accounts"),
                endpoint("cf", "GET", "/accounts/{id}", "Get an account"),
                endpoint("cf", "POST", "/workers", "Create a worker"),
                endpoint("cf", "DELETE", "/workers/{id}", "Delete a worker"),
            ],
        );
        assert_eq!(first(&index, "list my zones"), key("GET", "/zones"));
        assert_eq!(first(&index, "get a zone"), key("GET", "/zones/{zone_id}"));
    }

    #[test]
    fn verbs_phrasal_verbs_and_plurals_choose_the_method() {
        let index = SearchIndex::build(
            Vec::new(),
            vec![
                endpoint("cf", "GET", "/tunnels", "List tunnels"),
                endpoint("cf", "POST", "/tunnels", "Create a tunnel"),
                endpoint("cf", "GET", "/tunnels/{id}", "Get a tunnel"),
                endpoint("cf", "PATCH", "/tunnels/{id}", "Update a tunnel"),
                endpoint("cf", "DELETE", "/tunnels/{id}", "Delete a tunnel"),
            ],
        );
        assert_eq!(first(&index, "set up a tunnel"), key("POST", "/tunnels"));
        assert_eq!(
            first(&index, "set a tunnel's name"),
            key("PATCH", "/tunnels/{id}")
        );
        assert_eq!(
            first(&index, "tear down a tunnel"),
            key("DELETE", "/tunnels/{id}")
        );
        assert_eq!(first(&index, "show a tunnel"), key("GET", "/tunnels/{id}"));
        assert_eq!(first(&index, "show my tunnels"), key("GET", "/tunnels"));
        assert_eq!(
            first(&index, "which tunnels are there"),
            key("GET", "/tunnels")
        );
    }

    #[test]
    fn actions_go_to_action_endpoints() {
        let index = SearchIndex::build(
            Vec::new(),
            vec![
                endpoint("do", "GET", "/droplets", "List droplets"),
                endpoint("do", "POST", "/droplets", "Create a droplet"),
                endpoint("do", "GET", "/droplets/{id}", "Get a droplet"),
                endpoint(
                    "do",
                    "POST",
                    "/droplets/{id}/actions",
                    "Initiate a droplet action",
                ),
                endpoint(
                    "gh",
                    "GET",
                    "/repos/{repo}/pulls/{n}/merge",
                    "Check if merged",
                ),
                endpoint(
                    "gh",
                    "PUT",
                    "/repos/{repo}/pulls/{n}/merge",
                    "Merge a pull request",
                ),
            ],
        );
        assert_eq!(
            first(&index, "reboot a droplet"),
            key("POST", "/droplets/{id}/actions")
        );
        assert_eq!(
            first(&index, "merge a PR"),
            key("PUT", "/repos/{repo}/pulls/{n}/merge")
        );
    }

    #[test]
    fn named_providers_and_deprecation_weigh_in() {
        let mut old = endpoint("a", "GET", "/v1/customers", "List customers");
        old.endpoint.deprecated = true;
        let index = SearchIndex::build(
            vec![
                ApiSearchRow {
                    api: "stripe".to_owned(),
                    provider: "stripe".to_owned(),
                    snapshot_id: 1,
                    title: "Stripe API".to_owned(),
                    description: None,
                    tags: Vec::new(),
                },
                ApiSearchRow {
                    api: "other".to_owned(),
                    provider: "other".to_owned(),
                    snapshot_id: 2,
                    title: "Other".to_owned(),
                    description: None,
                    tags: Vec::new(),
                },
            ],
            vec![
                old,
                endpoint("a", "GET", "/v2/customers", "List customers"),
                endpoint("other", "GET", "/customers", "List customers"),
                endpoint("stripe", "GET", "/v1/customers", "List all customers"),
                endpoint("stripe", "POST", "/v1/customers", "Create a customer"),
            ],
        );
        let hits = index.search("list customers", Scope::Endpoints, 10);
        let providers: Vec<(&str, &str)> = hits
            .iter()
            .filter_map(|h| match &h.target {
                Target::Endpoint { api, endpoint } => Some((api.as_str(), endpoint.path.as_str())),
                Target::Api { .. } => None,
            })
            .collect();
        let at = |p: (&str, &str)| providers.iter().position(|x| *x == p);
        assert!(
            at(("a", "/v2/customers")) < at(("a", "/v1/customers")),
            "{providers:?}"
        );
        let hits = index.search("list stripe customers", Scope::Endpoints, 1);
        assert!(
            matches!(&hits[0].target, Target::Endpoint { api, .. } if api == "stripe"),
            "{hits:?}"
        );
        // Only a verb and a provider: the provider's endpoints still come.
        let hits = index.search("list stripe", Scope::Endpoints, 1);
        assert!(
            matches!(&hits[0].target, Target::Endpoint { api, endpoint }
                if api == "stripe" && endpoint.method == "GET"),
            "{hits:?}"
        );
        let hits = index.search("stripe", Scope::Apis, 5);
        assert!(
            matches!(&hits[0].target, Target::Api { api, .. } if api == "stripe"),
            "{hits:?}"
        );
    }

    #[test]
    fn scratch_is_clean_between_indexes() {
        let big = SearchIndex::build(
            Vec::new(),
            (0..50)
                .map(|i| endpoint("p", "GET", &format!("/things{i}/items"), "List items"))
                .collect(),
        );
        let small = SearchIndex::build(
            Vec::new(),
            vec![endpoint("q", "DELETE", "/items/{id}", "Delete an item")],
        );
        let before = big.search("list items", Scope::All, 5);
        assert_eq!(small.search("delete an item", Scope::All, 5).len(), 1);
        assert_eq!(big.search("list items", Scope::All, 5), before);
        assert!(big.search("list items", Scope::All, 0).is_empty());
        assert_eq!(big.search("list items", Scope::All, 100).len(), 50);
    }
}
