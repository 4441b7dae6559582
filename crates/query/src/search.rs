//! Full-text search over providers and endpoints: an in-memory BM25 index.
//!
//! Built from [`specdex_store::Catalog::search_rows`] (every provider's current
//! snapshot) and rebuilt when the catalog changes. Text is split into words
//! the way API names are written — `/repos/{owner}/pulls`, `listPullRequests`
//! and `payment_intents` all give plain words — then lower-cased and stemmed,
//! so "create a payment intent" meets `POST /v1/payment_intents`.
//!
//! Fields weigh differently (a word in the path or summary says more than one
//! deep in a description), and each endpoint also carries the verbs its
//! method stands for (`POST` → create, `DELETE` → delete/remove, a `GET` on a
//! collection → list), because people ask in verbs and APIs answer in methods.

use std::collections::HashMap;

use rust_stemmers::{Algorithm, Stemmer};
use specdex_store::{EndpointSearchRow, EndpointSummary, ProviderSearchRow};

/// BM25 parameters (the usual values).
const K1: f32 = 1.2;
const B: f32 = 0.75;

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
];

/// What a hit refers to.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Provider {
        provider: String,
        title: String,
    },
    Endpoint {
        provider: String,
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
    Providers,
    Endpoints,
    All,
}

impl Scope {
    /// Parses `providers`, `endpoints` or `all`.
    pub fn parse(text: &str) -> Option<Scope> {
        match text {
            "providers" => Some(Scope::Providers),
            "endpoints" => Some(Scope::Endpoints),
            "all" => Some(Scope::All),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Providers => "providers",
            Scope::Endpoints => "endpoints",
            Scope::All => "all",
        }
    }
}

/// The index: documents, postings and per-provider name words.
pub struct SearchIndex {
    documents: Vec<Target>,
    /// Weighted length of each document (sum of field weights × words).
    lengths: Vec<f32>,
    average_length: f32,
    postings: HashMap<String, Vec<(u32, f32)>>,
    /// Stemmed words of each provider's slug and title, to recognise a
    /// provider named in the question ("github pull requests").
    provider_words: HashMap<String, Vec<String>>,
    stemmer: Stemmer,
}

impl SearchIndex {
    /// Builds the index from the catalog's search rows.
    pub fn build(
        providers: Vec<ProviderSearchRow>,
        endpoints: Vec<EndpointSearchRow>,
    ) -> SearchIndex {
        let mut builder = Builder {
            stemmer: Stemmer::create(Algorithm::English),
            documents: Vec::with_capacity(providers.len() + endpoints.len()),
            lengths: Vec::with_capacity(providers.len() + endpoints.len()),
            postings: HashMap::new(),
        };
        let mut provider_words = HashMap::new();
        for row in providers {
            let mut terms = Terms::default();
            builder.add_text(&mut terms, &row.provider, 3.0);
            builder.add_text(&mut terms, &row.title, 3.0);
            if let Some(description) = &row.description {
                builder.add_text(&mut terms, description, 0.5);
            }
            for tag in &row.tags {
                builder.add_text(&mut terms, tag, 1.0);
            }
            let mut names = Terms::default();
            builder.add_text(&mut names, &row.provider, 1.0);
            builder.add_text(&mut names, &row.title, 1.0);
            provider_words.insert(row.provider.clone(), names.0.into_keys().collect());
            builder.push(
                Target::Provider {
                    provider: row.provider,
                    title: row.title,
                },
                terms,
            );
        }
        for row in endpoints {
            let mut terms = Terms::default();
            let e = &row.endpoint;
            builder.add_text(&mut terms, &e.path, 2.0);
            if let Some(id) = &e.operation_id {
                builder.add_text(&mut terms, id, 1.5);
            }
            if let Some(summary) = &e.summary {
                builder.add_text(&mut terms, summary, 2.0);
            }
            for tag in &e.tags {
                builder.add_text(&mut terms, tag, 1.0);
            }
            if let Some(description) = &row.description {
                builder.add_text(&mut terms, description, 0.5);
            }
            for verb in method_verbs(&e.method, &e.path) {
                builder.add_word(&mut terms, verb, 1.0);
            }
            builder.push(
                Target::Endpoint {
                    provider: row.provider,
                    endpoint: row.endpoint,
                },
                terms,
            );
        }
        let total: f32 = builder.lengths.iter().sum();
        let average_length = if builder.lengths.is_empty() {
            1.0
        } else {
            total / builder.lengths.len() as f32
        };
        SearchIndex {
            documents: builder.documents,
            lengths: builder.lengths,
            average_length,
            postings: builder.postings,
            provider_words,
            stemmer: builder.stemmer,
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
        let words = query_words(&self.stemmer, query);
        if words.is_empty() || self.documents.is_empty() {
            return Vec::new();
        }
        let named: Vec<&str> = self
            .provider_words
            .iter()
            .filter(|(_, names)| names.iter().any(|n| words.contains(n)))
            .map(|(provider, _)| provider.as_str())
            .collect();
        let n = self.documents.len() as f32;
        let mut scores: HashMap<u32, f32> = HashMap::new();
        for word in &words {
            let Some(postings) = self.postings.get(word) else {
                continue;
            };
            let idf =
                ((n - postings.len() as f32 + 0.5) / (postings.len() as f32 + 0.5) + 1.0).ln();
            for &(doc, tf) in postings {
                let length = self.lengths[doc as usize];
                let norm =
                    tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * length / self.average_length));
                *scores.entry(doc).or_insert(0.0) += idf * norm;
            }
        }
        let mut hits: Vec<(u32, f32)> = scores
            .into_iter()
            .filter(|(doc, _)| match (&self.documents[*doc as usize], scope) {
                (_, Scope::All) => true,
                (Target::Provider { .. }, Scope::Providers) => true,
                (Target::Endpoint { .. }, Scope::Endpoints) => true,
                _ => false,
            })
            .map(|(doc, score)| {
                let boosted = match &self.documents[doc as usize] {
                    Target::Endpoint { provider, .. } if named.contains(&provider.as_str()) => {
                        score * 1.5
                    }
                    _ => score,
                };
                (doc, boosted)
            })
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.truncate(limit);
        hits.into_iter()
            .map(|(doc, score)| Hit {
                target: self.documents[doc as usize].clone(),
                score,
            })
            .collect()
    }
}

/// Term frequencies of one document, weighted by field.
#[derive(Default)]
struct Terms(HashMap<String, f32>);

struct Builder {
    stemmer: Stemmer,
    documents: Vec<Target>,
    lengths: Vec<f32>,
    postings: HashMap<String, Vec<(u32, f32)>>,
}

impl Builder {
    fn add_text(&self, terms: &mut Terms, text: &str, weight: f32) {
        for word in words(text) {
            self.add_word(terms, &word, weight);
        }
    }

    fn add_word(&self, terms: &mut Terms, word: &str, weight: f32) {
        if STOP_WORDS.contains(&word) {
            return;
        }
        *terms
            .0
            .entry(self.stemmer.stem(word).into_owned())
            .or_insert(0.0) += weight;
    }

    fn push(&mut self, target: Target, terms: Terms) {
        let id = self.documents.len() as u32;
        self.documents.push(target);
        self.lengths.push(terms.0.values().sum::<f32>().max(1.0));
        for (word, tf) in terms.0 {
            self.postings.entry(word).or_default().push((id, tf));
        }
    }
}

/// The stemmed, de-duplicated words of a question.
fn query_words(stemmer: &Stemmer, query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in words(query) {
        if STOP_WORDS.contains(&word.as_str()) {
            continue;
        }
        let stem = stemmer.stem(&word).into_owned();
        if !out.contains(&stem) {
            out.push(stem);
        }
    }
    out
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

/// The verbs people use for what a method does to a path.
fn method_verbs(method: &str, path: &str) -> &'static [&'static str] {
    let on_item = path.trim_end_matches('/').ends_with('}');
    match (method, on_item) {
        ("GET", false) => &["list", "get", "search"],
        ("GET", true) => &["get", "retrieve", "fetch", "show"],
        ("POST", _) => &["create", "add", "new", "post"],
        ("PUT", _) => &["update", "replace", "set"],
        ("PATCH", _) => &["update", "modify", "edit"],
        ("DELETE", _) => &["delete", "remove"],
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(provider: &str, method: &str, path: &str, summary: &str) -> EndpointSearchRow {
        EndpointSearchRow {
            provider: provider.to_owned(),
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
        assert!(
            index
                .search("remove customer", Scope::Providers, 5)
                .is_empty()
        );
        assert!(index.search("the of", Scope::All, 5).is_empty());
    }
}
