//! The index over every API's current segment, and ranking.
//!
//! Loading reads the segments as they are stored: it lays them end to end
//! (an endpoint's number in the catalog is its segment's base plus its number
//! in the segment), sums document lengths and learns which words name which
//! APIs. Nothing is decoded or merged, so loading costs little more than
//! reading the bytes; a word of a question is looked up in each segment by
//! binary search the first time it is asked, and remembered.
//!
//! Ranking is BM25 over weighted fields (the weights are applied when the
//! segment is built), with separate statistics for APIs and endpoints. On
//! top of the BM25 sum, an endpoint's score is multiplied by what people
//! mean but do not spell out:
//!
//! - the *intent* of the question's verb against the endpoint's method
//!   ("remove", "fetch", "open", "scale" → `DELETE`, `GET` on an item,
//!   `POST` on a collection, a state change);
//! - how much of the endpoint's path the question names (`GET /zones` is a
//!   better answer to "list zones" than `GET /zones/{id}/settings/fonts`),
//!   and whether it names the resource the path ends with;
//! - how many of the question's words the endpoint matches at all;
//! - an API or provider named in the question ("stripe", "on digitalocean");
//! - deprecation.
//!
//! Queries touch only the postings of their words and score into a dense,
//! per-thread buffer, so answering allocates nothing proportional to the
//! catalog.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rust_stemmers::{Algorithm, Stemmer};

use crate::intent::{Intent, Kind, OBJECT_ENDS, intent_factor, query_intent};
use crate::segment::{IN_API, IN_PATH, IN_RESOURCE, Layout, SegmentError};
use crate::text::{api_tokens, expansions, is_stop_word, looks_plural, provider_tokens, words};
use crate::{Hit, Scope, Target};

/// BM25 parameters (the usual values).
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Weight in the query of a verb whose meaning the method carries (create,
/// list, delete…): it still matches summaries, but the intent factor does
/// most of the work.
const CRUD_VERB_WEIGHT: f32 = 0.3;
/// Weight in the query of a word added for a word asked ("sms" → message).
const EXPANSION_WEIGHT: f32 = 0.6;
/// Weight in the query of a word qualifying the verb's object rather than
/// naming it ("list the commits *on a branch*").
const QUALIFIER_WEIGHT: f32 = 0.7;

/// Score factor for the APIs of a provider the question names ("with
/// Twilio"), and for an API named by a distinctive name ("Gmail", "S3",
/// "Lambda"): a vendor or product named is the strongest evidence of which
/// API is meant. Both apply to "Google Calendar" or "AWS Lambda".
const NAMED_FACTOR: f32 = 3.0;
/// Factor for a named provider's main API (`provider/api`) when no API of
/// it is named.
const MAIN_API_PRIOR: f32 = 1.2;
/// Relevance an API gets for being named (times how distinctive the name
/// is), so that a named API is found even when nothing else matches.
const NAMED_RELEVANCE: f32 = 4.0;
/// An API name that is a word this share of APIs use in their text is an
/// ordinary word, not a product's name ("messaging", "storage")…
const ORDINARY_NAME_SHARE: f32 = 0.05;
/// …and one used by at most this share is wholly distinctive; in between,
/// it names its API less strongly.
const DISTINCTIVE_NAME_SHARE: f32 = 0.01;
/// How much of its API's relevance an endpoint inherits.
const API_SHARE_IN_ENDPOINT: f32 = 0.5;
/// How much more an endpoint of the most relevant API scores (by its own
/// text and names; less, steeply, for APIs below it): rank the API, then
/// its endpoints.
const TOP_API_BONUS: f32 = 0.5;
/// How much of its best endpoint's relevance an API inherits.
const ENDPOINT_SHARE_IN_API: f32 = 0.5;
/// Score factor for deprecated endpoints.
const DEPRECATED_FACTOR: f32 = 0.6;
/// Up to this much more for an endpoint whose path words are all asked for.
const COVERAGE_BONUS: f32 = 0.6;
/// This much more when the resource the path ends with is asked for.
const RESOURCE_BONUS: f32 = 0.25;
/// Share of the score that does not depend on how many of the question's
/// words an endpoint matches.
const COORDINATION_FLOOR: f32 = 0.5;

/// Particles of phrasal verbs, which API names often glue to their verb.
const PARTICLES: &[&str] = &["back", "up", "down", "in", "out", "off", "on", "over"];
/// How many words past the one after its verb a particle is looked for
/// ("roll *my Netlify site* back").
const PARTICLE_REACH: usize = 4;

/// Media of messages, which questions use as verbs ("email them").
const MEDIA: &[&str] = &["email", "mail", "text", "sms", "message", "fax", "tweet"];

/// Share of the catalog's documents above which a word only follows
/// rarer ones…
const COMMON_SHARE: f32 = 0.06;
/// …and the fewest documents that make a word common (in a small catalog
/// every word is in a large share).
const MIN_COMMON: usize = 1_000;

/// Words of a question that carry meaning, at most; more are ignored.
const MAX_QUERY_GROUPS: usize = 32;
/// Postings of the words looked up that are remembered, at most (16 bytes
/// each); past it the memory starts over. The words questions use are few,
/// so this is reached only by questions made of rare words in bulk.
const MAX_REMEMBERED_POSTINGS: usize = 2_000_000;
/// Words remembered, at most, found or not (questions of made-up words must
/// not grow the memory without end).
const MAX_REMEMBERED_TERMS: usize = 100_000;

/// One API's current segment, checked once ([`Segment::read`]) and then
/// searched in place; cheap to clone into the next index when the catalog
/// changes elsewhere.
#[derive(Debug, Clone)]
pub struct Segment {
    /// The API, `provider/api`.
    pub api: String,
    /// Its current snapshot, which the segment was built from.
    pub snapshot_id: i64,
    bytes: Arc<[u8]>,
    layout: Layout,
}

impl Segment {
    /// The segment in `bytes`, if they are one of this format whose
    /// sections fit.
    pub fn read(api: String, snapshot_id: i64, bytes: Arc<[u8]>) -> Result<Segment, SegmentError> {
        let layout = Layout::read(&bytes)?;
        Ok(Segment {
            api,
            snapshot_id,
            bytes,
            layout,
        })
    }
}

struct Loaded {
    segment: Segment,
    /// Catalog-wide number of the segment's document 0.
    base: u32,
    provider: u32,
}

/// Where a word occurs, and its document frequencies.
struct TermRefs {
    /// Its postings across the catalog, in document order, with the BM25
    /// term-frequency part worked out (it depends on the catalog's average
    /// lengths, which no segment knows).
    postings: Vec<Scored>,
    /// APIs whose text (their own or their endpoints') has the word.
    users: u32,
    /// APIs whose own text has the word.
    apis: u32,
    /// Endpoints that have it.
    endpoints: u32,
}

/// A posting with its catalog-wide document number, BM25 part and what
/// scoring needs to know of its document, so that scoring reads nothing
/// else.
#[derive(Debug, Clone, Copy)]
struct Scored {
    doc: u32,
    segment: u32,
    /// `tf × (k1 + 1) / (tf + k1 × (1 − b + b × length / average length))`.
    norm: f32,
    flags: u8,
    kind: Kind,
    path_words: u8,
    deprecated: bool,
}

/// The index: every API's current segment, laid end to end.
pub struct SearchIndex {
    segments: Vec<Loaded>,
    /// Documents (APIs and endpoints) of all segments.
    documents: u32,
    api_average: f32,
    endpoint_average: f32,
    names: Names,
    /// The segments (APIs) of each provider.
    provider_segments: Vec<Vec<u32>>,
    terms: Mutex<Remembered>,
    stemmer: Stemmer,
}

/// The words looked up, and how many postings they hold.
#[derive(Default)]
struct Remembered {
    terms: HashMap<String, Option<Arc<TermRefs>>>,
    postings: usize,
}

/// A term of a question.
struct QueryTerm {
    refs: Arc<TermRefs>,
    weight: f32,
    group: u32,
    /// What the word names: the endpoints of those APIs do not score on it
    /// (it says which API, not what to do); their APIs score on the name.
    names: Named,
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
    segment: u32,
    kind: Kind,
    path_words: u8,
    deprecated: bool,
}

/// What a question says about one API, gathered while scoring.
#[derive(Debug, Clone, Copy, Default)]
struct ApiEvidence {
    /// Its own text's score (title, description, tags).
    own: f32,
    /// The factor for its name or its provider's in the question.
    named: f32,
    /// Groups naming it or its provider.
    named_groups: u32,
    /// Its best endpoint's score.
    best: f32,
    touched: bool,
}

/// Per-thread scratch space for queries, reused across them.
#[derive(Default)]
struct Scratch {
    accumulators: Vec<Accumulator>,
    touched: Vec<u32>,
    apis: Vec<ApiEvidence>,
    touched_apis: Vec<u32>,
    /// Document, score, segment.
    candidates: Vec<(u32, f32, u32)>,
}

impl Scratch {
    fn reset(&mut self) {
        for doc in self.touched.drain(..) {
            self.accumulators[doc as usize] = Accumulator::default();
        }
        for api in self.touched_apis.drain(..) {
            self.apis[api as usize] = ApiEvidence::default();
        }
        self.candidates.clear();
    }

    /// The evidence about API `segment`, noted as touched.
    fn api(&mut self, segment: u32) -> &mut ApiEvidence {
        note_api(&mut self.apis, &mut self.touched_apis, segment)
    }
}

/// The evidence about API `segment` in `apis`, noted in `touched` the first
/// time (a free function, for when the scratch's fields are borrowed apart).
fn note_api<'a>(
    apis: &'a mut [ApiEvidence],
    touched: &mut Vec<u32>,
    segment: u32,
) -> &'a mut ApiEvidence {
    let evidence = &mut apis[segment as usize];
    if !evidence.touched {
        evidence.touched = true;
        touched.push(segment);
    }
    evidence
}

/// Which providers and APIs a question's word names.
#[derive(Debug, Clone, Default)]
struct Named {
    providers: Vec<u32>,
    /// APIs, and whether the word is the API's whole name.
    apis: Vec<(u32, bool)>,
    /// How distinctive the API name is: 1 for a product's name, down to 0
    /// for an ordinary word.
    distinct: f32,
}

impl Named {
    fn is_empty(&self) -> bool {
        self.providers.is_empty() && self.apis.is_empty()
    }
}

/// An API named by a question.
#[derive(Debug, Clone, Copy)]
struct NamedApi {
    segment: u32,
    /// The question's groups naming it.
    groups: u32,
    /// The most distinctive of the names used.
    distinct: f32,
    /// Whether its whole name was said.
    whole: bool,
}

/// The names of providers and APIs, as stems of their tokens.
struct Names {
    providers: HashMap<String, Vec<u32>>,
    /// API name tokens: the APIs they name, and whether the token is the
    /// whole name.
    apis: HashMap<String, Vec<(u32, bool)>>,
    /// How many words each API's name has (without its provider's name
    /// and version): naming a product means saying its name, so a question
    /// saying one word of three names the API a third as much.
    api_words: Vec<u32>,
    /// Whether each API is its provider's main API (`provider/api`).
    main: Vec<bool>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// What a question asks, resolved against the index.
struct Plan {
    terms: Vec<QueryTerm>,
    intent: Intent,
    /// Groups that count towards coordination (not plain CRUD verbs).
    counted: u32,
    /// Providers named, with the groups naming them.
    named_providers: Vec<(u32, u32)>,
    /// APIs named, with the groups naming them and the names' weight.
    named_apis: Vec<NamedApi>,
    /// Whether some term is neither the verb nor an API's name: then the
    /// verb only follows, and an API's name does not count as a word of
    /// its own endpoints.
    other_terms: bool,
}

impl SearchIndex {
    /// The index over `segments` (one per API; their order is the order of
    /// ties).
    pub fn load(segments: Vec<Segment>) -> SearchIndex {
        let stemmer = Stemmer::create(Algorithm::English);
        let mut providers: HashMap<&str, u32> = HashMap::new();
        let mut provider_of = Vec::with_capacity(segments.len());
        for segment in &segments {
            let slug = segment.api.split('/').next().unwrap_or(&segment.api);
            let next = providers.len() as u32;
            provider_of.push(*providers.entry(slug).or_insert(next));
        }
        let mut provider_segments = vec![Vec::new(); providers.len()];
        for (i, &provider) in provider_of.iter().enumerate() {
            provider_segments[provider as usize].push(i as u32);
        }
        let mut loaded = Vec::with_capacity(segments.len());
        let mut base = 0u32;
        let (mut api_total, mut endpoint_total) = (0f64, 0f64);
        for (segment, provider) in segments.into_iter().zip(provider_of) {
            let docs = segment.layout.docs;
            api_total += f64::from(segment.layout.doc(&segment.bytes, 0).length);
            for doc in 1..docs {
                endpoint_total += f64::from(segment.layout.doc(&segment.bytes, doc).length);
            }
            loaded.push(Loaded {
                segment,
                base,
                provider,
            });
            base = base.saturating_add(docs);
        }
        let apis = loaded.len().max(1) as f64;
        let endpoints = (f64::from(base) - loaded.len() as f64).max(1.0);
        let names = Names::of(&loaded, &provider_segments, &stemmer);
        SearchIndex {
            documents: base,
            api_average: (api_total / apis).max(1.0) as f32,
            endpoint_average: (endpoint_total / endpoints).max(1.0) as f32,
            names,
            provider_segments,
            segments: loaded,
            terms: Mutex::new(Remembered::default()),
            stemmer,
        }
    }

    /// The segments the index holds, to reuse when the next index is loaded
    /// after some APIs changed.
    pub fn segments(&self) -> impl Iterator<Item = &Segment> {
        self.segments.iter().map(|s| &s.segment)
    }

    /// Number of documents (APIs and endpoints).
    pub fn len(&self) -> usize {
        self.documents as usize
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.documents == 0
    }

    /// Where `stem` occurs, looked up once and remembered. The lookup runs
    /// outside the lock: other questions go on meanwhile (two asking a new
    /// word together may both look it up).
    fn term(&self, stem: &str) -> Option<Arc<TermRefs>> {
        if let Some(known) = self.lock_terms().terms.get(stem) {
            return known.clone();
        }
        let found = self.look_up(stem);
        let size = found.as_ref().map_or(0, |t| t.postings.len());
        let mut remembered = self.lock_terms();
        if remembered.postings + size > MAX_REMEMBERED_POSTINGS
            || remembered.terms.len() >= MAX_REMEMBERED_TERMS
        {
            *remembered = Remembered::default();
        }
        remembered.postings += size;
        remembered.terms.insert(stem.to_owned(), found.clone());
        found
    }

    fn lock_terms(&self) -> std::sync::MutexGuard<'_, Remembered> {
        self.terms.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Where `stem` occurs: a binary search in each segment, and its
    /// postings with their BM25 part.
    fn look_up(&self, stem: &str) -> Option<Arc<TermRefs>> {
        let mut postings = Vec::new();
        let (mut users, mut apis) = (0u32, 0u32);
        for (segment_index, loaded) in self.segments.iter().enumerate() {
            let Segment { bytes, layout, .. } = &loaded.segment;
            let Some(term) = layout.find(bytes, stem) else {
                continue;
            };
            users += 1;
            for posting in layout.postings(bytes, term) {
                let doc = layout.doc(bytes, posting.doc);
                let api_doc = posting.flags & IN_API != 0;
                apis += u32::from(api_doc);
                let average = if api_doc {
                    self.api_average
                } else {
                    self.endpoint_average
                };
                let tf = posting.tf;
                postings.push(Scored {
                    doc: loaded.base + posting.doc,
                    segment: segment_index as u32,
                    norm: tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * doc.length / average)),
                    flags: posting.flags,
                    kind: doc.kind,
                    path_words: doc.path_words,
                    deprecated: doc.deprecated,
                });
            }
        }
        (users > 0).then(|| {
            Arc::new(TermRefs {
                endpoints: postings.len() as u32 - apis,
                postings,
                users,
                apis,
            })
        })
    }

    /// The best `limit` hits for `query` within `scope`, best first; ties are
    /// broken by document order so answers are deterministic.
    pub fn search(&self, query: &str, scope: Scope, limit: usize) -> Vec<Hit> {
        if self.documents == 0 || limit == 0 {
            return Vec::new();
        }
        let plan = self.plan(query);
        if plan.terms.is_empty() && plan.named_providers.is_empty() && plan.named_apis.is_empty() {
            return Vec::new();
        }
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            scratch.reset();
            if scratch.accumulators.len() < self.documents as usize {
                scratch
                    .accumulators
                    .resize(self.documents as usize, Accumulator::default());
            }
            let hits = self.score(&plan, scope, limit, &mut scratch);
            scratch.reset();
            hits
        })
    }

    /// The terms, intent and named APIs of a question.
    fn plan(&self, query: &str) -> Plan {
        let raw = words(query);
        let intention = query_intent(&raw);
        let mut intent = intention.intent;
        // The verb's object: the words after it up to a preposition
        // ("the commits | on a branch"), without API names.
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
            } else if !is_stop_word(word) && self.named(&self.stemmer.stem(word)).is_empty() {
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
            named_providers: Vec::new(),
            named_apis: Vec::new(),
            other_terms: false,
        };
        let mut seen: Vec<String> = Vec::new();
        // Words added for other words, and their terms: asked for
        // themselves later ("SMS text message"), they weigh in full.
        let mut expanded: Vec<(String, usize)> = Vec::new();
        let mut group = 0u32;
        // Words up to this one belong to a name already read.
        let mut joined_until = 0;
        for (i, word) in raw.iter().enumerate() {
            if i < joined_until {
                continue;
            }
            // A name may be written in two or three words ("Digital
            // Ocean", "S3", "SendGrid"), or initials and a word ("New York
            // Times" for nytimes): then they are one word of the question.
            let mut stem = String::new();
            let mut spelled = word.clone();
            let mut names = Named::default();
            for (glued, span) in written_names(&raw[i..]) {
                let glued = self.stemmer.stem(&glued).into_owned();
                names = self.named(&glued);
                if !names.is_empty() {
                    joined_until = i + span;
                    stem = glued;
                    break;
                }
            }
            if names.is_empty() {
                stem = self.stemmer.stem(word).into_owned();
                if !is_stop_word(word) {
                    names = self.named(&stem);
                }
                // A letter split off a word ("e-mail", "to-do") joins it.
                if let Some(next) = raw.get(i + 1).filter(|_| word.len() == 1 || word == "to") {
                    let glued = format!("{word}{next}");
                    let glued_stem = self.stemmer.stem(&glued).into_owned();
                    if !expansions(&glued).is_empty() || self.term(&glued_stem).is_some() {
                        joined_until = i + 2;
                        stem = glued_stem;
                        spelled = glued;
                    }
                }
            }
            if (is_stop_word(&spelled) && names.is_empty()) || intention.particle == Some(i) {
                continue;
            }
            if let Some(&(_, term)) = expanded.iter().find(|(s, _)| *s == stem) {
                plan.terms[term].weight = 1.0;
                continue;
            }
            if seen.contains(&stem) {
                continue;
            }
            if group as usize >= MAX_QUERY_GROUPS {
                break;
            }
            let is_verb = intention.verb == Some(i);
            // "create a new Linode": after a verb of making, "new" says the
            // verb again (as descriptions do: "Create a new flag"), not
            // which thing; it weighs as the verb does.
            let repeats_verb = word == "new"
                && intent == Intent::Create
                && intention.verb.is_some_and(|verb| verb < i);
            let crud = (is_verb || repeats_verb) && crud_verb;
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
            if let Some(refs) = self.term(&stem) {
                known = true;
                plan.terms.push(QueryTerm {
                    refs,
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
            // A message sent is asked for by its medium ("email the
            // invoice", "text a customer"); APIs say "send".
            let action: &[&str] = match (is_verb, intent) {
                (true, _) if MEDIA.contains(&spelled.as_str()) => &["send", "action"],
                (true, Intent::Action) => &["action"],
                _ => &[],
            };
            // A verb and its particle that APIs write as one word ("roll
            // back": `rollback`, "shut down": `shutdown`, "look up":
            // `lookup`) also ask for the one word, as any expansion does:
            // where the catalog has it. The question's verb may have its
            // object between ("roll my site back", "shut the server
            // down"), up to where the object ends.
            let is_particle = |w: &&String| PARTICLES.contains(&w.as_str());
            let separated = || {
                raw.iter()
                    .skip(i + 2)
                    .take(PARTICLE_REACH)
                    .take_while(|w| !OBJECT_ENDS.contains(&w.as_str()))
                    .find(is_particle)
            };
            let glued = raw
                .get(i + 1)
                .filter(is_particle)
                .or_else(|| is_verb.then(separated).flatten())
                .map(|particle| format!("{spelled}{particle}"));
            for expansion in expansions(&spelled)
                .iter()
                .chain(action)
                .copied()
                .chain(glued.as_deref())
            {
                let stem = self.stemmer.stem(expansion).into_owned();
                if seen.contains(&stem) {
                    continue;
                }
                if let Some(refs) = self.term(&stem) {
                    known = true;
                    expanded.push((stem.clone(), plan.terms.len()));
                    plan.terms.push(QueryTerm {
                        refs,
                        weight: EXPANSION_WEIGHT * weight.max(QUALIFIER_WEIGHT),
                        group,
                        names: Named::default(),
                        resource,
                        follower: crud,
                    });
                }
                seen.push(stem);
            }
            for &provider in &names.providers {
                match plan
                    .named_providers
                    .iter_mut()
                    .find(|(p, _)| *p == provider)
                {
                    Some((_, groups)) => *groups |= 1 << group,
                    None => plan.named_providers.push((provider, 1 << group)),
                }
            }
            for &(segment, whole) in &names.apis {
                match plan.named_apis.iter_mut().find(|a| a.segment == segment) {
                    Some(named) => {
                        named.groups |= 1 << group;
                        named.distinct = named.distinct.max(names.distinct);
                        named.whole |= whole;
                    }
                    None => plan.named_apis.push(NamedApi {
                        segment,
                        groups: 1 << group,
                        distinct: names.distinct,
                        whole,
                    }),
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
            // A word in a large share of the catalog ("number", "data")
            // only adds to documents rarer words found, when there are
            // rarer words: it decides nothing alone, and touching its
            // documents is most of a question's cost.
            let common = ((self.documents as f32 * COMMON_SHARE) as usize).max(MIN_COMMON);
            let rare_leader = plan
                .terms
                .iter()
                .any(|t| !t.follower && t.refs.postings.len() <= common);
            if rare_leader {
                for term in &mut plan.terms {
                    if term.refs.postings.len() > common {
                        term.follower = true;
                    }
                }
            }
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

    /// What a stemmed token names. An API name that is also an ordinary
    /// word of the catalog's text names nothing: it is a word of the task.
    fn named(&self, stem: &str) -> Named {
        let providers = self.names.providers.get(stem).cloned().unwrap_or_default();
        let mut apis = self.names.apis.get(stem).cloned().unwrap_or_default();
        let mut distinct = 0.0;
        if !apis.is_empty() {
            let users = self.term(stem).map_or(0, |t| t.users) as f32;
            let share = users / self.segments.len().max(1) as f32;
            distinct = ((ORDINARY_NAME_SHARE - share)
                / (ORDINARY_NAME_SHARE - DISTINCTIVE_NAME_SHARE))
                .clamp(0.0, 1.0);
            if distinct == 0.0 {
                apis.clear();
            }
        }
        Named {
            providers,
            apis,
            distinct,
        }
    }

    /// Scores every document the question's words reach, then combines
    /// each API's own relevance with its best endpoint's: an endpoint
    /// inherits part of its API's score, an API part of its best
    /// endpoint's, and a provider named multiplies both.
    fn score(&self, plan: &Plan, scope: Scope, limit: usize, scratch: &mut Scratch) -> Vec<Hit> {
        if scratch.apis.len() < self.segments.len() {
            scratch
                .apis
                .resize(self.segments.len(), ApiEvidence::default());
        }
        self.accumulate(plan, scratch);
        for &(provider, groups) in &plan.named_providers {
            for &segment in &self.provider_segments[provider as usize] {
                let api = scratch.api(segment);
                api.named = NAMED_FACTOR;
                api.named_groups |= groups;
            }
        }
        for named in &plan.named_apis {
            let said = if named.whole {
                1.0
            } else {
                let words = self.names.api_words[named.segment as usize].max(1);
                (named.groups.count_ones() as f32 / words as f32)
                    .min(1.0)
                    .sqrt()
            };
            let api = scratch.api(named.segment);
            api.named = api.named.max(1.0) * (1.0 + (NAMED_FACTOR - 1.0) * named.distinct * said);
            api.named_groups |= named.groups;
        }
        // A vendor named without a product means its main API.
        for &(provider, _) in &plan.named_providers {
            let segments = &self.provider_segments[provider as usize];
            let product_named = segments
                .iter()
                .any(|s| scratch.apis[*s as usize].named > NAMED_FACTOR);
            if !product_named {
                for &segment in segments {
                    if self.names.main[segment as usize] {
                        scratch.apis[segment as usize].named *= MAIN_API_PRIOR;
                    }
                }
            }
        }
        let counted = plan.counted.count_ones().max(1) as f32;
        let coordination = |groups: u32| {
            let matched = (groups & plan.counted).count_ones() as f32;
            COORDINATION_FLOOR + (1.0 - COORDINATION_FLOOR) * matched / counted
        };
        for i in 0..scratch.touched.len() {
            let doc_id = scratch.touched[i];
            let acc = scratch.accumulators[doc_id as usize];
            let api = scratch.api(acc.segment);
            let groups = acc.groups | api.named_groups;
            if acc.kind == Kind::Api {
                api.own = acc.score * coordination(groups);
                continue;
            }
            let mut factor = coordination(groups);
            if acc.path_words > 0 {
                let share = f32::from(acc.covered.min(acc.path_words)) / f32::from(acc.path_words);
                factor *= 1.0 + COVERAGE_BONUS * share;
            }
            if acc.resource {
                factor *= 1.0 + RESOURCE_BONUS;
            }
            factor *= intent_factor(plan.intent, acc.kind);
            if acc.deprecated {
                factor *= DEPRECATED_FACTOR;
            }
            let score = acc.score * factor;
            api.best = api.best.max(score);
            scratch.candidates.push((doc_id, score, acc.segment));
        }
        let Scratch {
            apis,
            candidates,
            touched_apis,
            ..
        } = scratch;
        let named_factor = |api: &ApiEvidence| api.named.max(1.0);
        let relevance = |api: &ApiEvidence| {
            api.own + NAMED_RELEVANCE * (named_factor(api) - 1.0) / (NAMED_FACTOR - 1.0)
        };
        let api_score = |api: &ApiEvidence| {
            (relevance(api) + ENDPOINT_SHARE_IN_API * api.best) * named_factor(api)
        };
        // An endpoint of an API nearly as relevant as the best gains up to
        // TOP_API_BONUS.
        let standing_of = |api: &ApiEvidence| relevance(api) * named_factor(api);
        let best_api = touched_apis
            .iter()
            .map(|&a| standing_of(&apis[a as usize]))
            .fold(0.0f32, f32::max);
        if scope == Scope::Apis {
            candidates.clear();
        } else {
            for (_, score, segment) in candidates.iter_mut() {
                let api = &apis[*segment as usize];
                let standing = if best_api > 0.0 {
                    (standing_of(api) / best_api).powi(4)
                } else {
                    0.0
                };
                *score = (*score + API_SHARE_IN_ENDPOINT * relevance(api))
                    * named_factor(api)
                    * (1.0 + TOP_API_BONUS * standing);
            }
        }
        if scope != Scope::Endpoints {
            for &segment in touched_apis.iter() {
                let score = api_score(&apis[segment as usize]);
                if score > 0.0 {
                    candidates.push((self.segments[segment as usize].base, score, segment));
                }
            }
        }
        let order =
            |a: &(u32, f32, u32), b: &(u32, f32, u32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if candidates.len() > limit {
            candidates.select_nth_unstable_by(limit - 1, order);
            candidates.truncate(limit);
        }
        candidates.sort_unstable_by(order);
        candidates
            .iter()
            .map(|&(doc, score, segment)| Hit {
                target: self.target(segment, doc),
                score,
            })
            .collect()
    }

    /// Adds each posting of the question's words to its document's
    /// accumulator.
    fn accumulate(&self, plan: &Plan, scratch: &mut Scratch) {
        let api_count = self.segments.len() as f32;
        let endpoint_count = (self.documents as f32 - api_count).max(1.0);
        let Scratch {
            accumulators,
            touched,
            apis,
            touched_apis,
            ..
        } = scratch;
        for term in &plan.terms {
            let idf = |n: f32, df: u32| {
                let df = df as f32;
                ((n - df + 0.5) / (df + 0.5) + 1.0).ln() * term.weight
            };
            let api_idf = idf(api_count, term.refs.apis);
            let endpoint_idf = idf(endpoint_count, term.refs.endpoints);
            let skip_named = plan.other_terms && !term.names.is_empty();
            let bit = 1u32 << term.group;
            // Postings come grouped by API: whether it skips the word is
            // decided once per API.
            let mut current = (u32::MAX, false);
            for posting in &term.refs.postings {
                let acc = &mut accumulators[posting.doc as usize];
                if acc.groups == 0 && term.follower {
                    // A follower adds to documents found.
                    continue;
                }
                let api_doc = posting.flags & IN_API != 0;
                if skip_named {
                    let segment_index = posting.segment;
                    if current.0 != segment_index {
                        let segment = &self.segments[segment_index as usize];
                        // The name says which API, not what to do: the API
                        // does not score on it (its name counts instead).
                        let skip = term.names.apis.iter().any(|(a, _)| *a == segment_index)
                            || term.names.providers.contains(&segment.provider);
                        current = (segment_index, skip);
                    }
                    if current.1 {
                        continue;
                    }
                }
                if acc.groups == 0 {
                    let segment_index = posting.segment;
                    touched.push(posting.doc);
                    acc.segment = segment_index;
                    acc.kind = posting.kind;
                    acc.path_words = posting.path_words;
                    acc.deprecated = posting.deprecated;
                    note_api(apis, touched_apis, segment_index);
                }
                let idf = if api_doc { api_idf } else { endpoint_idf };
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
    }

    fn target(&self, segment_index: u32, doc: u32) -> Target {
        let segment = &self.segments[segment_index as usize];
        let local = doc - segment.base;
        let [first, path, summary, operation_id] =
            segment.segment.layout.texts(&segment.segment.bytes, local);
        let api = segment.segment.api.clone();
        let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        if local == 0 {
            Target::Api {
                api,
                title: first.to_owned(),
            }
        } else {
            Target::Endpoint {
                api,
                method: first.to_owned(),
                path: path.to_owned(),
                summary: text(summary),
                operation_id: text(operation_id),
            }
        }
    }
}

/// The ways the words at the start of `words` may write one name, longest
/// first, with how many words each takes: three words glued, their initials
/// and the last, two words glued.
fn written_names(words: &[String]) -> Vec<(String, usize)> {
    let initial = |w: &String| w.chars().next().map(String::from).unwrap_or_default();
    let mut out = Vec::new();
    if let [a, b, c, ..] = words {
        out.push((format!("{a}{b}{c}"), 3));
        out.push((format!("{}{}{c}", initial(a), initial(b)), 3));
    }
    if let [a, b, ..] = words {
        out.push((format!("{a}{b}"), 2));
    }
    out
}

impl Names {
    /// The names of the segments' providers (each named once) and APIs.
    fn of(segments: &[Loaded], provider_segments: &[Vec<u32>], stemmer: &Stemmer) -> Names {
        let mut names = Names {
            providers: HashMap::new(),
            apis: HashMap::new(),
            api_words: vec![1; segments.len()],
            main: vec![false; segments.len()],
        };
        for (provider, members) in provider_segments.iter().enumerate() {
            let Some(&first) = members.first() else {
                continue;
            };
            let id = &segments[first as usize].segment.api;
            let slug = id.split_once('/').map_or(id.as_str(), |(p, _)| p);
            let provider_tokens = provider_tokens(slug);
            for token in &provider_tokens {
                let entry = names
                    .providers
                    .entry(stemmer.stem(token).into_owned())
                    .or_default();
                if !entry.contains(&(provider as u32)) {
                    entry.push(provider as u32);
                }
            }
            // `twilio-messaging-v1` is named by "messaging"; "twilio" names
            // its provider, and every API of it alike.
            let of_provider = |token: &str| provider_tokens.iter().any(|p| p.contains(token));
            for &i in members {
                let Segment {
                    api, bytes, layout, ..
                } = &segments[i as usize].segment;
                let name = api.split_once('/').map_or("", |(_, n)| n);
                let title = layout.texts(bytes, 0)[0];
                let tokens = api_tokens(name, title);
                let whole = tokens.first().cloned().unwrap_or_default();
                let mut words = 0;
                for token in tokens.into_iter().filter(|t| !of_provider(t)) {
                    let is_whole = token == whole;
                    if !is_whole && whole.contains(&token) {
                        words += 1;
                    }
                    let entry = names
                        .apis
                        .entry(stemmer.stem(&token).into_owned())
                        .or_default();
                    if entry.last().map(|(a, _)| *a) != Some(i) {
                        entry.push((i, is_whole));
                    }
                }
                names.api_words[i as usize] = words.max(1);
                names.main[i as usize] = name == "api";
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiText, EndpointText, build_segment};

    /// An endpoint: (api, method, path, summary).
    type Row = (&'static str, &'static str, &'static str, &'static str);

    fn endpoint(
        api: &'static str,
        method: &'static str,
        path: &'static str,
        summary: &'static str,
    ) -> Row {
        (api, method, path, summary)
    }

    /// An index over the endpoints, one segment per API (titled by
    /// `titles`, else untitled), APIs in order of first appearance.
    fn index_titled(titles: &[(&str, &str)], rows: Vec<Row>) -> SearchIndex {
        let mut apis: Vec<&str> = titles.iter().map(|(a, _)| *a).collect();
        for row in &rows {
            if !apis.contains(&row.0) {
                apis.push(row.0);
            }
        }
        let sources = apis
            .into_iter()
            .enumerate()
            .map(|(i, api)| {
                let title = titles
                    .iter()
                    .find(|(a, _)| *a == api)
                    .map_or("", |(_, t)| t);
                let endpoints: Vec<EndpointText<'_>> = rows
                    .iter()
                    .filter(|r| r.0 == api)
                    .map(|r| EndpointText {
                        method: r.1,
                        path: r.2,
                        operation_id: None,
                        summary: Some(r.3),
                        tags: &[],
                        deprecated: r.2.starts_with("/v1/") && api == "a",
                        description: None,
                    })
                    .collect();
                let text = ApiText {
                    title,
                    description: None,
                    tags: &[],
                };
                Segment::read(
                    api.to_owned(),
                    i as i64,
                    build_segment(&text, &endpoints).into(),
                )
                .expect("a segment just built")
            })
            .collect();
        SearchIndex::load(sources)
    }

    fn index(rows: Vec<Row>) -> SearchIndex {
        index_titled(&[], rows)
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
        let index = index(vec![
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
        ]);
        let hits = index.search("create a payment intent", Scope::All, 3);
        let Target::Endpoint { method, path, .. } = &hits[0].target else {
            panic!("{hits:?}")
        };
        assert_eq!(
            (method.as_str(), path.as_str()),
            ("POST", "/v1/payment_intents")
        );
        let hits = index.search("remove customer", Scope::Endpoints, 1);
        assert!(matches!(&hits[0].target, Target::Endpoint { method, .. } if method == "DELETE"));
        // An API is found by what its endpoints do, too.
        let apis = index.search("remove customer", Scope::Apis, 5);
        assert!(
            matches!(&apis[..], [Hit { target: Target::Api { api, .. }, .. }] if api == "stripe"),
            "{apis:?}"
        );
        assert!(index.search("the of", Scope::All, 5).is_empty());
    }

    #[test]
    fn phrasal_verbs_and_api_words_for_the_same_thing_match() {
        let index = index(vec![
            ("netlify", "PUT", "/sites/{site_id}/rollback", "Rollback"),
            ("netlify", "PUT", "/sites/{site_id}", "Update a site"),
            ("netlify", "GET", "/sites/{site_id}/deploys", "List deploys"),
            ("giphy", "GET", "/gifs", "Get GIFs by ID"),
            ("giphy", "GET", "/gifs/search", "Search GIFs"),
            ("giphy", "GET", "/gifs/random", "Random GIF"),
            ("votes", "GET", "/results/{id}", "Election results"),
            (
                "votes",
                "GET",
                "/results/{id}/latest",
                "Latest election result",
            ),
            ("vectors", "POST", "/vectors/fetch", "Fetch vectors"),
            ("vectors", "POST", "/vectors/upsert", "Upsert vectors"),
            ("names", "GET", "/origin/{firstName}", "Origin of a name"),
            ("names", "GET", "/gender/{firstName}", "Gender of a name"),
        ]);
        // "roll back" is written `rollback`; "find" asks to search;
        // "most recent" is the latest; storing a record is an upsert; a man
        // or a woman is a gender.
        for (question, expected) in [
            ("roll back my site", ("PUT", "/sites/{site_id}/rollback")),
            ("roll my site back", ("PUT", "/sites/{site_id}/rollback")),
            ("store some vectors", ("POST", "/vectors/upsert")),
            (
                "is this name a man or a woman",
                ("GET", "/gender/{firstName}"),
            ),
            ("find a funny cat gif", ("GET", "/gifs/search")),
            (
                "the most recent election result",
                ("GET", "/results/{id}/latest"),
            ),
        ] {
            let found = found(&index, question, 1);
            assert_eq!(
                found.first().map(|(m, p)| (m.as_str(), p.as_str())),
                Some(expected),
                "{question}: {found:?}"
            );
        }
    }

    /// `(method, path)` of each endpoint hit, best first.
    fn found(index: &SearchIndex, query: &str, limit: usize) -> Vec<(String, String)> {
        index
            .search(query, Scope::Endpoints, limit)
            .into_iter()
            .filter_map(|hit| match hit.target {
                Target::Endpoint { method, path, .. } => Some((method, path)),
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
        let index = index(vec![
            endpoint("jc", "GET", "/usergroups", "List all groups of users"),
            endpoint("jc", "GET", "/systeminsights/groups", "List insights"),
            endpoint("jc", "GET", "/systems", "List systems"),
        ]);
        // The glued path is all the question asks for; the other is not.
        assert_eq!(first(&index, "list user groups"), key("GET", "/usergroups"));
    }

    #[test]
    fn paths_named_whole_beat_deeper_ones() {
        let index = index(vec![
            endpoint("cf", "GET", "/zones/{zone_id}/settings/fonts", "Get fonts"),
            endpoint("cf", "GET", "/zones", "List Zones"),
            endpoint("cf", "GET", "/zones/{zone_id}", "Zone Details"),
            // Other endpoints, so "zone" is not in every document.
            endpoint("cf", "GET", "/accounts", "List accounts"),
            endpoint("cf", "GET", "/accounts/{id}", "Get an account"),
            endpoint("cf", "POST", "/workers", "Create a worker"),
            endpoint("cf", "DELETE", "/workers/{id}", "Delete a worker"),
        ]);
        assert_eq!(first(&index, "list my zones"), key("GET", "/zones"));
        assert_eq!(first(&index, "get a zone"), key("GET", "/zones/{zone_id}"));
    }

    #[test]
    fn verbs_phrasal_verbs_and_plurals_choose_the_method() {
        let index = index(vec![
            endpoint("cf", "GET", "/tunnels", "List tunnels"),
            endpoint("cf", "POST", "/tunnels", "Create a tunnel"),
            endpoint("cf", "GET", "/tunnels/{id}", "Get a tunnel"),
            endpoint("cf", "PATCH", "/tunnels/{id}", "Update a tunnel"),
            endpoint("cf", "DELETE", "/tunnels/{id}", "Delete a tunnel"),
        ]);
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
        let index = index(vec![
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
        ]);
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
    fn new_after_a_verb_of_making_is_the_verb_not_the_thing() {
        let index = index_titled(
            &[("linode.com/api", "Linode API"), ("news.io/api", "News")],
            vec![
                endpoint("linode.com/api", "GET", "/linode/instances", "Linodes List"),
                endpoint(
                    "linode.com/api",
                    "POST",
                    "/linode/instances",
                    "Linode Create",
                ),
                endpoint("linode.com/api", "GET", "/linode/types", "Types List"),
                endpoint("news.io/api", "GET", "/new", "Newest stories"),
                endpoint("news.io/api", "POST", "/items", "Add a new item"),
            ],
        );
        // The only other word names the provider: it must still find the
        // endpoint, not the API alone.
        for question in ["create a new Linode", "spin up a new Linode"] {
            assert_eq!(
                first(&index, question),
                key("POST", "/linode/instances"),
                "{question}"
            );
        }
        // Elsewhere "new" is a word like any other.
        assert_eq!(first(&index, "newest stories"), key("GET", "/new"));
    }

    #[test]
    fn named_providers_and_deprecation_weigh_in() {
        // API "a" marks its /v1/ paths deprecated (see `index_titled`).
        let index = index_titled(
            &[("stripe", "Stripe API"), ("other", "Other")],
            vec![
                endpoint("a", "GET", "/v1/customers", "List customers"),
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
                Target::Endpoint { api, path, .. } => Some((api.as_str(), path.as_str())),
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
            matches!(&hits[0].target, Target::Endpoint { api, method, .. }
                if api == "stripe" && method == "GET"),
            "{hits:?}"
        );
        let hits = index.search("stripe", Scope::Apis, 5);
        assert!(
            matches!(&hits[0].target, Target::Api { api, .. } if api == "stripe"),
            "{hits:?}"
        );
    }

    /// The first API of an API search.
    fn first_api(index: &SearchIndex, query: &str) -> String {
        match index.search(query, Scope::Apis, 1).into_iter().next() {
            Some(Hit {
                target: Target::Api { api, .. },
                ..
            }) => api,
            other => panic!("{query:?}: {other:?}"),
        }
    }

    #[test]
    fn vendors_and_products_named_select_their_api() {
        let index = index_titled(
            &[
                ("twilio.com/api", "Twilio - Api"),
                ("twilio.com/twilio-messaging-v1", "Twilio - Messaging"),
                (
                    "amazonaws.com/pinpoint-sms-voice-v2",
                    "Amazon Pinpoint SMS Voice V2",
                ),
                ("amazonaws.com/s3", "Amazon Simple Storage Service"),
                ("sendgrid.com/api", "Email Activity"),
                ("clicksend.com/api", "ClickSend REST API"),
                ("dev.to/api", "DEV API"),
                ("nytimes.com/top-stories", "Top Stories"),
                ("googleapis.com/calendar", "Calendar API"),
                ("drchrono.com/api", "drchrono API"),
            ],
            vec![
                endpoint(
                    "twilio.com/api",
                    "POST",
                    "/Accounts/{Sid}/Messages.json",
                    "Send a message",
                ),
                endpoint(
                    "twilio.com/api",
                    "GET",
                    "/Accounts/{Sid}/Calls.json",
                    "List calls",
                ),
                endpoint(
                    "twilio.com/twilio-messaging-v1",
                    "POST",
                    "/v1/Services/{Sid}/PhoneNumbers",
                    "Add a phone number to a messaging service",
                ),
                endpoint(
                    "amazonaws.com/pinpoint-sms-voice-v2",
                    "POST",
                    "/#X-Amz-Target=PinpointSMSVoiceV2.SendTextMessage",
                    "Send a text message",
                ),
                endpoint(
                    "amazonaws.com/s3",
                    "PUT",
                    "/{Bucket}/{Key}",
                    "Adds an object to a bucket",
                ),
                endpoint(
                    "amazonaws.com/s3",
                    "GET",
                    "/",
                    "Returns a list of all buckets",
                ),
                endpoint("sendgrid.com/api", "POST", "/mail/send", "v3 Mail Send"),
                endpoint("clicksend.com/api", "POST", "/email/send", "Email Send"),
                endpoint("clicksend.com/api", "POST", "/sms/send", "Send an SMS"),
                endpoint("dev.to/api", "GET", "/articles", "Published articles"),
                endpoint(
                    "nytimes.com/top-stories",
                    "GET",
                    "/{section}.json",
                    "Top stories",
                ),
                endpoint(
                    "googleapis.com/calendar",
                    "POST",
                    "/calendars/{id}/events",
                    "Insert an event",
                ),
                endpoint(
                    "drchrono.com/api",
                    "POST",
                    "/api/appointments",
                    "Create an appointment",
                ),
            ],
        );
        // A vendor named, in one word or in two (camelCase), selects it.
        assert_eq!(
            first_api(&index, "send a transactional email through SendGrid"),
            "sendgrid.com/api"
        );
        // …over another vendor's product named by the task's words…
        assert!(
            first_api(
                &index,
                "send an SMS text message to a phone number with Twilio"
            )
            .starts_with("twilio.com/")
        );
        // …and its main API, when nothing else tells its APIs apart.
        assert_eq!(first_api(&index, "Twilio"), "twilio.com/api");
        // A product written in two words ("S3" is split into s, 3).
        assert_eq!(
            first_api(&index, "upload a file to an S3 bucket"),
            "amazonaws.com/s3"
        );
        // Initials and a word.
        assert_eq!(
            first_api(&index, "today's top stories of the New York Times"),
            "nytimes.com/top-stories"
        );
        // The vendor and its product, against another vendor's word.
        let hits = index.search(
            "add an appointment to my Google Calendar",
            Scope::Endpoints,
            1,
        );
        assert!(
            matches!(&hits[..], [Hit { target: Target::Endpoint { api, .. }, .. }] if api == "googleapis.com/calendar"),
            "{hits:?}"
        );
        // Words of a question name nothing: "to" is not dev.to.
        assert_ne!(first_api(&index, "send a message to a phone"), "dev.to/api");
    }

    #[test]
    fn scratch_is_clean_between_indexes() {
        let paths: Vec<&'static str> = (0..50)
            .map(|i| &*format!("/things{i}/items").leak())
            .collect();
        let big = index(
            paths
                .iter()
                .map(|path| endpoint("p", "GET", path, "List items"))
                .collect(),
        );
        let small = index(vec![endpoint(
            "q",
            "DELETE",
            "/items/{id}",
            "Delete an item",
        )]);
        let before = big.search("list items", Scope::All, 5);
        // The endpoint, and its API.
        assert_eq!(small.search("delete an item", Scope::All, 5).len(), 2);
        assert_eq!(big.search("list items", Scope::All, 5), before);
        assert!(big.search("list items", Scope::All, 0).is_empty());
        assert_eq!(big.search("list items", Scope::All, 100).len(), 51);
    }
}
