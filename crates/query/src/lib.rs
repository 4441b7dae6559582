//! The specdex query engine: one place that answers every question about
//! the catalog, for every face (REST, MCP, web, CLI).
//!
//! [`Engine`] answers typed questions ([`Query`]) with typed results (see
//! [`answers`]) and, through [`Engine::answer`], with a cached [`Answer`]
//! holding both renderings: JSON (the contract of the REST API and of MCP's
//! structured content) and markdown (for agents and terminals).
//!
//! Snapshots never change once stored, so answers about one are cached
//! under its id for as long as memory allows; answers that depend on what is
//! current (listings, search, a provider asked for without a version) are
//! keyed by the catalog's generation, which the engine re-reads at most
//! every [`REFRESH`].

pub mod answers;
pub mod budget;
pub mod curl;
pub mod error;
pub mod keys;
pub mod markdown;
pub mod metrics;
pub mod sample;
pub mod schema;
mod suggest;
pub mod tokens;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock, TryLockError};
use std::time::{Duration, Instant};

use quick_cache::sync::Cache;
use serde_json::Value;
use specdex_check::Checker;
use specdex_diff::Diff;
use specdex_spec::{Api, Endpoint, SecurityScheme};
use specdex_store::{Catalog, EndpointSummary, SnapshotInfo};

pub use answers::*;
pub use error::QueryError;
pub use specdex_check as check;
pub use specdex_diff as diff;
pub use specdex_search as search;
pub use specdex_search::Scope;

use crate::schema::SchemaSource;
use specdex_search::{SearchIndex, Segment, Target};

/// How often the engine asks the catalog whether anything was ingested.
pub const REFRESH: Duration = Duration::from_millis(250);

/// Page size limits for listings and search.
pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 500;
pub const DEFAULT_SEARCH_LIMIT: usize = 10;
pub const MAX_SEARCH_LIMIT: usize = 100;
/// Most endpoints or schemas one detail question may name.
pub const MAX_NAMES: usize = 50;
/// Deepest schema expansion accepted.
pub const MAX_DEPTH: usize = 10;
/// Levels of references `include_schemas` follows by default: the schemas
/// an endpoint names and the ones they name.
pub const DEFAULT_SCHEMA_DEPTH: usize = 2;
/// How many references away from an endpoint a schema still counts as
/// used by it: far enough for a list's items or an envelope's data, near
/// enough that Stripe's expandable fields do not make every schema used
/// by every endpoint.
pub const USED_BY_REACH: usize = 3;
/// Most endpoints a schema's `used_by` lists (it counts them all).
pub const USED_BY_LISTED: usize = 50;

/// Memory the answer cache may hold (both renderings of every answer).
pub const ANSWER_CACHE_BYTES: u64 = 64 * 1024 * 1024;
/// Endpoint summaries the listing cache may hold across snapshots
/// (Microsoft Graph alone has 22,361).
pub const LISTING_CACHE_ENDPOINTS: u64 = 300_000;

/// Weighs a cached answer by the bytes of its renderings.
#[derive(Clone)]
struct AnswerBytes;

impl quick_cache::Weighter<(Query, i64), Arc<Answer>> for AnswerBytes {
    fn weight(&self, _key: &(Query, i64), answer: &Arc<Answer>) -> u64 {
        (answer.json.len() + answer.markdown.len() + answer.etag.len() + 128) as u64
    }
}

/// Weighs a cached listing by its number of endpoints.
#[derive(Clone)]
struct ListingLength;

impl quick_cache::Weighter<i64, Arc<Vec<EndpointSummary>>> for ListingLength {
    fn weight(&self, _key: &i64, listing: &Arc<Vec<EndpointSummary>>) -> u64 {
        listing.len() as u64 + 1
    }
}

/// Changes the diff cache may hold across snapshot pairs (two Stripe
/// editions: about 14,000).
pub const DIFF_CACHE_CHANGES: u64 = 400_000;

/// Whole models and checkers kept (one per snapshot): a model is tens of
/// MB for GitHub's or Stripe's; a checker shares its model and adds the
/// compiled validators.
const CHECKERS: usize = 4;
/// Default and largest page of changes.
pub const DEFAULT_CHANGES_LIMIT: usize = 100;
pub const MAX_CHANGES_LIMIT: usize = 1000;

/// Weighs a cached diff by its number of changes.
#[derive(Clone)]
struct DiffLength;

impl quick_cache::Weighter<(i64, i64), Arc<Diff>> for DiffLength {
    fn weight(&self, _key: &(i64, i64), diff: &Arc<Diff>) -> u64 {
        diff.changes.len() as u64 + 1
    }
}

/// A question, in the vocabulary of DESIGN.md's surfaces.
///
/// Where a question names an API, `api` is what the asker wrote: an API id
/// (`provider/api`, or `provider:api` as APIs.guru writes it), or a
/// provider that has exactly one API. [`Engine::api_id`] resolves it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Query {
    Providers {
        limit: Option<usize>,
        cursor: Option<String>,
    },
    /// A provider: its only API in detail (at `version` if given), or the
    /// list of its APIs.
    Provider {
        provider: String,
        version: Option<String>,
    },
    /// All APIs, or one provider's.
    Apis {
        provider: Option<String>,
        limit: Option<usize>,
        cursor: Option<String>,
    },
    Api {
        api: String,
        version: Option<String>,
    },
    Versions {
        api: String,
    },
    Endpoints {
        api: String,
        version: Option<String>,
        method: Option<String>,
        tag: Option<String>,
        text: Option<String>,
        limit: Option<usize>,
        cursor: Option<String>,
    },
    EndpointDetails {
        api: String,
        version: Option<String>,
        /// `"METHOD /path"` keys.
        endpoints: Vec<String>,
        /// How much to show, in how many tokens.
        options: DetailOptions,
    },
    Schemas {
        api: String,
        version: Option<String>,
        names: Vec<String>,
        depth: Option<usize>,
    },
    Summary {
        api: String,
        version: Option<String>,
    },
    Search {
        query: String,
        scope: Option<Scope>,
        limit: Option<usize>,
    },
    /// What changed between two editions of an API.
    Changes(ChangeQuery),
    /// Whether a planned call is right, before it is made.
    Check(CallQuery),
}

/// A planned call to check against an API's spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct CallQuery {
    pub api: String,
    /// The edition to hold the call against; the current one by default.
    pub version: Option<String>,
    pub call: specdex_check::PlannedCall,
}

/// How much of each endpoint an endpoint answer shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct DetailOptions {
    /// `Full` (default) or `Brief`.
    pub detail: Detail,
    /// The budget for the markdown rendering, in o200k tokens
    /// ([`budget::MIN_TOKENS`] to [`budget::MAX_TOKENS`]); default
    /// [`budget::DEFAULT_ENDPOINT_TOKENS`] per endpoint asked for, twice
    /// that with `include_schemas`.
    pub max_tokens: Option<usize>,
    /// Add the named schemas the endpoints use.
    pub include_schemas: bool,
    /// Levels of references to follow for those (1 to [`MAX_DEPTH`];
    /// default [`DEFAULT_SCHEMA_DEPTH`]).
    pub schema_depth: Option<usize>,
}

/// A question about what changed between two editions of an API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ChangeQuery {
    pub api: String,
    /// The older edition: a version label, a snapshot id (`12` or `#12`)
    /// or a date (`2025-06-30`: the newest snapshot ingested by the end of
    /// that day, UTC). Default: the snapshot before `to`.
    pub from: Option<String>,
    /// The newer edition, written like `from`. Default: the current one.
    pub to: Option<String>,
    /// List only changes at this level or above.
    pub level: Option<specdex_diff::Level>,
    /// List only changes of these `"METHOD /path"` endpoints.
    pub endpoints: Vec<String>,
    pub limit: Option<usize>,
    pub cursor: Option<String>,
}

/// An answer in both renderings.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The typed result as JSON text.
    pub json: String,
    /// The markdown rendering.
    pub markdown: String,
    /// A strong validator for HTTP caching: equal tags, equal bodies.
    pub etag: String,
}

/// The query engine. Cheap to share (`Arc<Engine>`); all methods take `&self`.
pub struct Engine {
    catalog: Arc<dyn Catalog>,
    generation: AtomicI64,
    checked: Mutex<Instant>,
    refreshing: Mutex<()>,
    index: RwLock<Arc<IndexState>>,
    rebuilding: Mutex<()>,
    answers: Cache<(Query, i64), Arc<Answer>, AnswerBytes>,
    overviews: Cache<i64, Arc<Api>>,
    listings: Cache<i64, Arc<Vec<EndpointSummary>>, ListingLength>,
    resolved: Cache<(String, Option<String>, i64), SnapshotInfo>,
    diffs: Cache<(i64, i64), Arc<Diff>, DiffLength>,
    models: Cache<i64, Arc<Api>>,
    checkers: Cache<i64, Arc<Checker>>,
    users: Cache<i64, Arc<Users>>,
    api_ids: Mutex<Option<(i64, Arc<Vec<String>>)>>,
    keys: keys::Keys,
}

struct IndexState {
    generation: i64,
    index: Arc<SearchIndex>,
}

impl Engine {
    /// An engine over `catalog`. The search index (the stored segments) is
    /// loaded on the first search (or by [`Engine::warm`]), so one-shot
    /// commands that do not search never read it.
    pub fn new(catalog: Arc<dyn Catalog>) -> Result<Engine, QueryError> {
        let generation = catalog.generation()?;
        metrics::generation(generation);
        let unbuilt = IndexState {
            generation: i64::MIN,
            index: Arc::new(SearchIndex::load(Vec::new())),
        };
        Ok(Engine {
            catalog,
            generation: AtomicI64::new(generation),
            checked: Mutex::new(Instant::now()),
            refreshing: Mutex::new(()),
            index: RwLock::new(Arc::new(unbuilt)),
            rebuilding: Mutex::new(()),
            answers: Cache::with_weighter(20_000, ANSWER_CACHE_BYTES, AnswerBytes),
            overviews: Cache::new(256),
            listings: Cache::with_weighter(256, LISTING_CACHE_ENDPOINTS, ListingLength),
            resolved: Cache::new(10_000),
            diffs: Cache::with_weighter(64, DIFF_CACHE_CHANGES, DiffLength),
            models: Cache::new(CHECKERS),
            checkers: Cache::new(CHECKERS),
            users: Cache::new(32),
            api_ids: Mutex::new(None),
            keys: keys::Keys::default(),
        })
    }

    /// Loads the search index now (a server calls this before it starts
    /// listening; reading APIs.guru's 2,638 segments takes tens of ms).
    pub fn warm(&self) -> Result<(), QueryError> {
        self.current_index().map(|_| ())
    }

    /// The catalog behind the engine.
    pub fn catalog(&self) -> &Arc<dyn Catalog> {
        &self.catalog
    }

    /// The catalog generation, re-read from the store at most every [`REFRESH`].
    pub fn generation(&self) -> Result<i64, QueryError> {
        let stale = {
            let mut checked = self.checked.lock().unwrap_or_else(|p| p.into_inner());
            let stale = checked.elapsed() >= REFRESH;
            if stale {
                *checked = Instant::now();
            }
            stale
        };
        if stale {
            // One read at a time: a read slower than REFRESH must neither
            // store its older value after a newer one (answers would go back
            // to a superseded edition) nor be joined by one more stalled
            // thread every REFRESH until none is left to answer. While a
            // read is under way the others answer from the value they have
            // and leave the check due, so a read starts again after it.
            let _reading = match self.refreshing.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => {
                    self.invalidate();
                    return Ok(self.generation.load(Ordering::Acquire));
                }
            };
            let now = self.catalog.generation()?;
            self.generation.store(now, Ordering::Release);
            metrics::generation(now);
        }
        Ok(self.generation.load(Ordering::Acquire))
    }

    /// Forgets the cached generation so the next question re-reads it (call
    /// after ingesting through this process).
    pub fn invalidate(&self) {
        let mut checked = self.checked.lock().unwrap_or_else(|p| p.into_inner());
        *checked = Instant::now() - REFRESH;
    }

    /// Answers `query` in both renderings, from the cache when possible.
    pub fn answer(&self, query: &Query) -> Result<Arc<Answer>, QueryError> {
        let scope = self.cache_scope(query)?;
        let key = (query.clone(), scope);
        // Searches and checks are answered afresh (a fraction of a
        // millisecond): their questions rarely repeat word for word, and
        // caching them would evict the endpoint details agents do read again.
        let cacheable = !matches!(query, Query::Search { .. } | Query::Check(_));
        if cacheable {
            let cached = self.answers.get(&key);
            metrics::cache_lookup(metrics::ANSWERS, cached.is_some());
            if let Some(hit) = cached {
                return Ok(hit);
            }
        }
        let (json, markdown) = match query {
            Query::Providers { limit, cursor } => render(
                &self.providers(*limit, cursor.as_deref())?,
                markdown::providers,
            ),
            Query::Provider { provider, version } => render(
                &self.provider(provider, version.as_deref())?,
                markdown::provider_answer,
            ),
            Query::Apis {
                provider,
                limit,
                cursor,
            } => render(
                &self.apis(provider.as_deref(), *limit, cursor.as_deref())?,
                markdown::apis,
            ),
            Query::Api { api, version } => {
                render(&self.api(api, version.as_deref())?, markdown::api)
            }
            Query::Versions { api } => render(&self.versions(api)?, markdown::versions),
            Query::Endpoints {
                api,
                version,
                method,
                tag,
                text,
                limit,
                cursor,
            } => render(
                &self.endpoints(&EndpointFilter {
                    api,
                    version: version.as_deref(),
                    method: method.as_deref(),
                    tag: tag.as_deref(),
                    text: text.as_deref(),
                    limit: *limit,
                    cursor: cursor.as_deref(),
                })?,
                markdown::endpoints,
            ),
            Query::EndpointDetails {
                api,
                version,
                endpoints,
                options,
            } => render(
                &self.endpoints_within(api, version.as_deref(), endpoints, options)?,
                markdown::endpoint_details,
            ),
            Query::Schemas {
                api,
                version,
                names,
                depth,
            } => render(
                &self.schemas(api, version.as_deref(), names, *depth)?,
                markdown::schemas,
            ),
            Query::Summary { api, version } => {
                render(&self.summary(api, version.as_deref())?, markdown::summary)
            }
            Query::Search {
                query,
                scope,
                limit,
            } => render(&self.search(query, *scope, *limit)?, markdown::search),
            Query::Changes(question) => render(&self.changes(question)?, markdown::changes),
            Query::Check(question) => render(&self.check(question)?, markdown::check),
        };
        let answer = Arc::new(Answer {
            etag: etag(&key, &json),
            json,
            markdown,
        });
        if cacheable {
            self.answers.insert(key, answer.clone());
        }
        Ok(answer)
    }

    /// What an answer's freshness depends on: the snapshot id for questions
    /// about one fixed edition, else the catalog generation (negated, so
    /// the two kinds of key never collide).
    fn cache_scope(&self, query: &Query) -> Result<i64, QueryError> {
        Ok(match query {
            Query::Api { api, version }
            | Query::Endpoints { api, version, .. }
            | Query::EndpointDetails { api, version, .. }
            | Query::Schemas { api, version, .. }
            | Query::Summary { api, version } => self.resolve(api, version.as_deref())?.id,
            Query::Providers { .. }
            | Query::Provider { .. }
            | Query::Apis { .. }
            | Query::Versions { .. }
            | Query::Search { .. }
            | Query::Changes(_)
            | Query::Check(_) => -self.generation()? - 1,
        })
    }

    /// The snapshot a question about `api` means: `version`, else the
    /// current one. `api` is resolved by [`Engine::api_id`].
    pub fn resolve(&self, api: &str, version: Option<&str>) -> Result<SnapshotInfo, QueryError> {
        let generation = self.generation()?;
        let key = (api.to_owned(), version.map(str::to_owned), generation);
        if let Some(hit) = self.resolved.get(&key) {
            return Ok(hit);
        }
        let id = self.api_id(api)?;
        let found = self
            .catalog
            .snapshot(&id, version)
            .map_err(|e| self.explain(e, &id))?;
        self.resolved.insert(key, found.clone());
        Ok(found)
    }

    /// Every API id in the catalog, sorted, for the current generation.
    fn all_api_ids(&self) -> Result<Arc<Vec<String>>, QueryError> {
        let generation = self.generation()?;
        let mut cached = self.api_ids.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, ids)) = cached.as_ref()
            && *at == generation
        {
            return Ok(ids.clone());
        }
        let mut ids = self.catalog.api_ids()?;
        // Byte order, which binary search and prefix ranges rely on.
        ids.sort_unstable();
        metrics::apis(ids.len());
        let ids = Arc::new(ids);
        *cached = Some((generation, ids.clone()));
        Ok(ids)
    }

    /// The API id a name means: `provider/api` (or `provider:api`) as is,
    /// or a provider's only API. An unknown name is
    /// [`QueryError::NotFound`] with the closest APIs; a provider with
    /// several APIs is [`QueryError::Ambiguous`] listing them.
    pub fn api_id(&self, name: &str) -> Result<String, QueryError> {
        let all = self.all_api_ids()?;
        let name = name.trim().trim_matches('/');
        let wanted = match name.split_once([':', '/']) {
            Some((provider, api)) => specdex_store::api_id(provider, api),
            None => name.to_owned(),
        };
        if all.binary_search(&wanted).is_ok() {
            return Ok(wanted);
        }
        let of_provider = apis_of(&all, name);
        match of_provider.as_slice() {
            [only] => Ok((*only).to_owned()),
            [] => Err(QueryError::NotFound {
                what: "API",
                name: name.to_owned(),
                suggestions: closest_apis(&all, &wanted),
            }),
            several => Err(QueryError::Ambiguous {
                provider: name.to_owned(),
                apis: several.iter().map(|id| (*id).to_owned()).collect(),
            }),
        }
    }

    /// Adds closest matches to a store's not-found error.
    fn explain(&self, error: specdex_store::StoreError, api: &str) -> QueryError {
        use specdex_store::StoreError;
        match error {
            StoreError::VersionNotFound { version, .. } => {
                let labels: Vec<String> = self
                    .catalog
                    .versions(api)
                    .map(|all| all.into_iter().map(|s| s.version).collect())
                    .unwrap_or_default();
                QueryError::NotFound {
                    what: "version",
                    name: format!("{api} {version}"),
                    suggestions: labels.into_iter().take(10).collect(),
                }
            }
            other => QueryError::from(other),
        }
    }

    fn overview(&self, snapshot: &SnapshotInfo) -> Result<Arc<Api>, QueryError> {
        if let Some(hit) = self.overviews.get(&snapshot.id) {
            return Ok(hit);
        }
        let api = Arc::new(self.catalog.overview(snapshot.id)?);
        self.overviews.insert(snapshot.id, api.clone());
        Ok(api)
    }

    /// A snapshot's endpoints as listed (method, path, summary, tags, in
    /// document order), read once per snapshot and kept: the web's API and
    /// tag pages group them by tag without reading their detail.
    pub fn listing(
        &self,
        snapshot: &SnapshotInfo,
    ) -> Result<Arc<Vec<EndpointSummary>>, QueryError> {
        if let Some(hit) = self.listings.get(&snapshot.id) {
            return Ok(hit);
        }
        let list = Arc::new(self.catalog.endpoint_list(snapshot.id)?);
        self.listings.insert(snapshot.id, list.clone());
        Ok(list)
    }

    /// What changed between two editions of an API (see [`ChangeQuery`]).
    pub fn changes(&self, question: &ChangeQuery) -> Result<Changes, QueryError> {
        let limit = check_limit(question.limit, DEFAULT_CHANGES_LIMIT, MAX_CHANGES_LIMIT)?;
        let offset = decode_cursor(question.cursor.as_deref())?;
        if question.endpoints.len() > MAX_NAMES {
            return Err(QueryError::bad(
                "endpoint",
                format!("at most {MAX_NAMES} endpoints per request"),
            ));
        }
        let wanted: Vec<(String, String)> = question
            .endpoints
            .iter()
            .map(|key| {
                let (method, path) = parse_key(key).map_err(|_| {
                    QueryError::bad(
                        "endpoint",
                        format!(
                            "`{key}` is not \"METHOD /path\" (for example \"GET /users/{{id}}\")"
                        ),
                    )
                })?;
                Ok((specdex_diff::blank_parameters(&path), method))
            })
            .collect::<Result<_, QueryError>>()?;
        let id = self.api_id(&question.api)?;
        let (from, to) = self.editions(&id, question.from.as_deref(), question.to.as_deref())?;
        let diff = self.diff(&from, &to)?;
        let of_endpoints: Vec<&specdex_diff::Change> = diff
            .changes
            .iter()
            .filter(|change| {
                wanted.is_empty()
                    || change.endpoint.as_deref().is_some_and(|key| {
                        key.split_once(' ').is_some_and(|(method, path)| {
                            wanted.contains(&(
                                specdex_diff::blank_parameters(path),
                                method.to_owned(),
                            ))
                        })
                    })
            })
            .collect();
        let summary = if wanted.is_empty() {
            diff.summary.clone()
        } else {
            specdex_diff::Summary::of(of_endpoints.iter().copied(), diff.summary.complete)
        };
        let listed: Vec<&specdex_diff::Change> = of_endpoints
            .into_iter()
            .filter(|change| question.level.is_none_or(|level| change.level >= level))
            .collect();
        let total = listed.len();
        let changes: Vec<specdex_diff::Change> = listed
            .into_iter()
            .skip(offset)
            .take(limit)
            .cloned()
            .collect();
        Ok(Changes {
            summary,
            api: id,
            from: Edition::from(&from),
            to: Edition::from(&to),
            level: question.level,
            endpoints: question.endpoints.clone(),
            total,
            next_cursor: next_cursor(offset, changes.len(), total),
            changes,
        })
    }

    /// The counts of changes between each of an API's newest `pairs`
    /// snapshots and the one before it, newest first, keyed by the newer
    /// snapshot's id (for history tables).
    pub fn history_changes(
        &self,
        history: &[SnapshotInfo],
        pairs: usize,
    ) -> Result<Vec<(i64, specdex_diff::Summary)>, QueryError> {
        let mut counts = Vec::new();
        // Consecutive pairs share a snapshot: the older model of one pair
        // is the newer of the next, so each is read from the store once.
        let mut carried: Option<(i64, Api)> = None;
        for to in history.iter().take(pairs) {
            let Some(from) = previous_snapshot(history, to.id) else {
                continue;
            };
            let diff = match self.diffs.get(&(from.id, to.id)) {
                Some(hit) => hit,
                None => {
                    let after = match carried.take() {
                        Some((id, model)) if id == to.id => model,
                        _ => self.catalog.load_api(to.id)?,
                    };
                    let before = self.catalog.load_api(from.id)?;
                    let diff = self.remember(from, to, &before, &after);
                    carried = Some((from.id, before));
                    diff
                }
            };
            counts.push((to.id, diff.summary.clone()));
        }
        Ok(counts)
    }

    /// The diff of two snapshots, computed once per pair from the stored
    /// models.
    pub fn diff(&self, from: &SnapshotInfo, to: &SnapshotInfo) -> Result<Arc<Diff>, QueryError> {
        if let Some(hit) = self.diffs.get(&(from.id, to.id)) {
            return Ok(hit);
        }
        let before = self.catalog.load_api(from.id)?;
        let after = self.catalog.load_api(to.id)?;
        Ok(self.remember(from, to, &before, &after))
    }

    /// Compares two loaded models and caches the diff under their pair.
    fn remember(
        &self,
        from: &SnapshotInfo,
        to: &SnapshotInfo,
        before: &Api,
        after: &Api,
    ) -> Arc<Diff> {
        let diff = Arc::new(specdex_diff::diff(before, after));
        self.diffs.insert((from.id, to.id), diff.clone());
        diff
    }

    /// The two snapshots a diff question means: `to` (default current) and
    /// `from` (default the snapshot ingested before `to`).
    fn editions(
        &self,
        api: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<(SnapshotInfo, SnapshotInfo), QueryError> {
        // Newest first.
        let history = self
            .catalog
            .versions(api)
            .map_err(|e| self.explain(e, api))?;
        let pick = |parameter: &'static str, text: &str| {
            if text.trim().is_empty() {
                return Err(QueryError::bad(
                    parameter,
                    "name an edition (a version label, a snapshot id like `#12` or a date like `2025-06-30`), or leave it out",
                ));
            }
            edition_named(&history, text).ok_or_else(|| QueryError::NotFound {
                what: "version",
                name: format!("{api} {text} (as `{parameter}`)"),
                suggestions: history
                    .iter()
                    .take(10)
                    .map(|s| format!("{} (#{})", s.version, s.id))
                    .collect(),
            })
        };
        let to = match to {
            Some(text) => pick("to", text)?,
            None => self.resolve(api, None)?,
        };
        let from = match from {
            Some(text) => pick("from", text)?,
            None => previous_snapshot(&history, to.id)
                .cloned()
                .ok_or_else(|| {
                    QueryError::bad(
                        "from",
                        format!(
                            "`{api}` has no snapshot older than {} (#{}) to compare with; ingest another edition, or name both editions",
                            to.version, to.id
                        ),
                    )
                })?,
        };
        Ok((from, to))
    }

    /// Providers, sorted by slug, a page at a time.
    pub fn providers(
        &self,
        limit: Option<usize>,
        cursor: Option<&str>,
    ) -> Result<ProviderPage, QueryError> {
        let limit = check_limit(limit, DEFAULT_LIMIT, MAX_LIMIT)?;
        let offset = decode_cursor(cursor)?;
        let mut all: Vec<ProviderItem> = Vec::new();
        for api in self.catalog.apis()? {
            let current = api.current;
            match all.last_mut().filter(|p| p.provider == api.provider) {
                Some(item) => {
                    item.apis.push(api.id);
                    item.endpoints += current.endpoints;
                    item.schemas += current.schemas;
                    item.snapshots += api.snapshot_count;
                    if current.ingested_at >= item.ingested_at {
                        item.title = api.title;
                        item.version = current.version;
                        item.ingested_at = current.ingested_at;
                    }
                }
                None => all.push(ProviderItem {
                    provider: api.provider,
                    apis: vec![api.id],
                    title: api.title,
                    version: current.version,
                    endpoints: current.endpoints,
                    schemas: current.schemas,
                    snapshots: api.snapshot_count,
                    ingested_at: current.ingested_at,
                }),
            }
        }
        let total = all.len();
        let providers: Vec<ProviderItem> = all.into_iter().skip(offset).take(limit).collect();
        Ok(ProviderPage {
            next_cursor: next_cursor(offset, providers.len(), total),
            providers,
            total,
        })
    }

    /// APIs sorted by id, all or one provider's, a page at a time. An
    /// unknown provider is [`QueryError::NotFound`] with the closest ones.
    pub fn apis(
        &self,
        provider: Option<&str>,
        limit: Option<usize>,
        cursor: Option<&str>,
    ) -> Result<ApiPage, QueryError> {
        let limit = check_limit(limit, DEFAULT_LIMIT, MAX_LIMIT)?;
        let offset = decode_cursor(cursor)?;
        if let Some(provider) = provider {
            if provider.is_empty() {
                return Err(QueryError::bad(
                    "provider",
                    "name a provider, or leave `provider` out to list every API",
                ));
            }
            self.check_provider(provider)?;
        }
        let all: Vec<ApiItem> = self
            .catalog
            .apis()?
            .into_iter()
            .filter(|api| provider.is_none_or(|p| api.provider == p))
            .map(|api| ApiItem {
                api: api.id,
                provider: api.provider,
                name: api.name,
                title: api.title,
                version: api.current.version,
                endpoints: api.current.endpoints,
                schemas: api.current.schemas,
                snapshots: api.snapshot_count,
                ingested_at: api.current.ingested_at,
            })
            .collect();
        let total = all.len();
        let apis: Vec<ApiItem> = all.into_iter().skip(offset).take(limit).collect();
        Ok(ApiPage {
            provider: provider.map(str::to_owned),
            next_cursor: next_cursor(offset, apis.len(), total),
            apis,
            total,
        })
    }

    /// That a provider exists, or the closest ones.
    fn check_provider(&self, provider: &str) -> Result<(), QueryError> {
        let all = self.all_api_ids()?;
        if apis_of(&all, provider).is_empty() {
            return Err(QueryError::NotFound {
                what: "provider",
                name: provider.to_owned(),
                suggestions: suggest::closest(provider, providers_of(&all).into_iter(), 5),
            });
        }
        Ok(())
    }

    /// How many providers and APIs the catalog holds; as cheap as the API
    /// ids, which are read once per generation (a health check asks often).
    pub fn counts(&self) -> Result<(usize, usize), QueryError> {
        let all = self.all_api_ids()?;
        Ok((providers_of(&all).len(), all.len()))
    }

    /// A provider: the detail of its API (at `version`, if given) when it
    /// has one, else its APIs.
    pub fn provider(
        &self,
        provider: &str,
        version: Option<&str>,
    ) -> Result<ProviderAnswer, QueryError> {
        self.check_provider(provider)?;
        let all = self.all_api_ids()?;
        match apis_of(&all, provider).as_slice() {
            [only] => Ok(ProviderAnswer::Single(Box::new(self.api(only, version)?))),
            _ => Ok(ProviderAnswer::Several(self.apis(
                Some(provider),
                Some(MAX_LIMIT),
                None,
            )?)),
        }
    }

    /// One API's snapshot: description, base URLs, auth, tags with counts.
    pub fn api(&self, api: &str, version: Option<&str>) -> Result<ApiDetail, QueryError> {
        let snapshot = self.resolve(api, version)?;
        let api = self.overview(&snapshot)?;
        let listing = self.listing(&snapshot)?;
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for endpoint in listing.iter() {
            for tag in &endpoint.tags {
                *counts.entry(tag.as_str()).or_insert(0) += 1;
            }
        }
        let tags = tag_order(&api, &listing)
            .into_iter()
            .map(|name| TagCount {
                description: api
                    .tags
                    .iter()
                    .find(|t| t.name == name)
                    .and_then(|t| t.description.clone()),
                endpoints: counts.get(name.as_str()).copied().unwrap_or(0),
                name,
            })
            .collect();
        Ok(ApiDetail {
            api: snapshot.api.clone(),
            provider: snapshot.provider.clone(),
            title: api.info.title.clone(),
            version: snapshot.version.clone(),
            format: snapshot.format.clone(),
            description: api.info.description.clone(),
            base_urls: api.servers.clone(),
            auth: api.security_schemes.clone(),
            tags,
            endpoints: snapshot.endpoints,
            schemas: snapshot.schemas,
            webhooks: api.webhooks.len(),
            snapshot,
        })
    }

    /// Every edition of an API, newest first.
    pub fn versions(&self, api: &str) -> Result<Versions, QueryError> {
        let id = self.api_id(api)?;
        let versions = self
            .catalog
            .versions(&id)
            .map_err(|e| self.explain(e, &id))?;
        let provider = specdex_store::split_api_id(&id)
            .map_or("", |(provider, _)| provider)
            .to_owned();
        Ok(Versions {
            api: id,
            provider,
            versions,
        })
    }

    /// Whether a planned call is right: every problem found, each with
    /// where it is, what the spec wants and the fix. The checker of a
    /// snapshot (its paths indexed, its validators compiled as calls need
    /// them) is kept for the next call.
    pub fn check(&self, question: &CallQuery) -> Result<CheckAnswer, QueryError> {
        let call = &question.call;
        if !call.method.trim().chars().all(|c| c.is_ascii_alphabetic())
            || call.method.trim().is_empty()
        {
            return Err(QueryError::bad(
                "method",
                "give the HTTP method (GET, POST, PUT, PATCH, DELETE, ...)",
            ));
        }
        if call.path.trim().is_empty() {
            return Err(QueryError::bad(
                "path",
                "give the concrete path to call, e.g. /repos/octocat/hello/pulls/5",
            ));
        }
        if call
            .body
            .as_ref()
            .is_some_and(|b| b.len() > specdex_check::MAX_BODY_BYTES)
        {
            return Err(QueryError::bad(
                "body",
                format!(
                    "the body is larger than {} bytes; check a smaller one",
                    specdex_check::MAX_BODY_BYTES
                ),
            ));
        }
        let snapshot = self.resolve(&question.api, question.version.as_deref())?;
        let checker = match self.checkers.get(&snapshot.id) {
            Some(hit) => hit,
            None => {
                let checker = Arc::new(Checker::new(self.model(snapshot.id)?));
                self.checkers.insert(snapshot.id, checker.clone());
                checker
            }
        };
        let verdict = checker.check(call);
        Ok(CheckAnswer {
            api: snapshot.api.clone(),
            provider: snapshot.provider.clone(),
            version: snapshot.version.clone(),
            ok: verdict.ok,
            endpoint: verdict.endpoint,
            problems: verdict.problems,
            more_problems: verdict.more_problems,
        })
    }

    /// An API's endpoints, filtered, a page at a time.
    pub fn endpoints(&self, filter: &EndpointFilter<'_>) -> Result<EndpointPage, QueryError> {
        let limit = check_limit(filter.limit, DEFAULT_LIMIT, MAX_LIMIT)?;
        let offset = decode_cursor(filter.cursor)?;
        let method = filter.method.map(check_method).transpose()?;
        let snapshot = self.resolve(filter.api, filter.version)?;
        let listing = self.listing(&snapshot)?;
        let words: Vec<String> = filter
            .text
            .map(|t| t.split_whitespace().map(str::to_lowercase).collect())
            .unwrap_or_default();
        let matching: Vec<&EndpointSummary> = listing
            .iter()
            .filter(|e| method.as_deref().is_none_or(|m| e.method == m))
            .filter(|e| {
                filter
                    .tag
                    .is_none_or(|t| e.tags.iter().any(|x| x.eq_ignore_ascii_case(t)))
            })
            .filter(|e| {
                words.is_empty() || {
                    let haystack = format!(
                        "{} {} {}",
                        e.path,
                        e.summary.as_deref().unwrap_or(""),
                        e.operation_id.as_deref().unwrap_or("")
                    )
                    .to_lowercase();
                    words.iter().all(|w| haystack.contains(w.as_str()))
                }
            })
            .collect();
        let total = matching.len();
        let endpoints: Vec<EndpointSummary> = matching
            .into_iter()
            .skip(offset)
            .take(limit)
            .cloned()
            .collect();
        Ok(EndpointPage {
            api: snapshot.api.clone(),
            provider: snapshot.provider.clone(),
            version: snapshot.version.clone(),
            next_cursor: next_cursor(offset, endpoints.len(), total),
            endpoints,
            total,
        })
    }

    /// Endpoints in full, by `"METHOD /path"` key.
    pub fn endpoint_details(
        &self,
        api: &str,
        version: Option<&str>,
        keys: &[String],
    ) -> Result<EndpointDetails, QueryError> {
        if keys.is_empty() {
            return Err(QueryError::bad(
                "e",
                "name at least one endpoint as \"METHOD /path\"",
            ));
        }
        if keys.len() > MAX_NAMES {
            return Err(QueryError::bad(
                "e",
                format!("at most {MAX_NAMES} endpoints per request"),
            ));
        }
        let parsed: Vec<(String, String)> = keys
            .iter()
            .map(|k| parse_key(k))
            .collect::<Result<_, _>>()?;
        let snapshot = self.resolve(api, version)?;
        let lookup: Vec<(&str, &str)> = parsed
            .iter()
            .map(|(m, p)| (m.as_str(), p.as_str()))
            .collect();
        let found = self.details_by_key(&snapshot, &lookup)?;
        let mut endpoints = Vec::with_capacity(found.len());
        for ((method, path), endpoint) in parsed.iter().zip(found) {
            let Some(endpoint) = endpoint else {
                let listing = self.listing(&snapshot)?;
                let asked = format!("{method} {path}");
                let candidates: Vec<String> = listing
                    .iter()
                    .map(|e| format!("{} {}", e.method, e.path))
                    .collect();
                return Err(QueryError::NotFound {
                    what: "endpoint",
                    name: format!("{asked} in {} {}", snapshot.api, snapshot.version),
                    suggestions: suggest::closest_endpoints(&asked, &candidates, 5),
                });
            };
            endpoints.push(endpoint);
        }
        Ok(EndpointDetails {
            api: snapshot.api.clone(),
            provider: snapshot.provider.clone(),
            version: snapshot.version.clone(),
            detail: Detail::Full,
            max_tokens: None,
            endpoints,
            schemas: Vec::new(),
            schema_depth: None,
            omitted: Vec::new(),
        })
    }

    /// Endpoints of `snapshot` in full with what a call needs (base URL,
    /// auth, a curl example), by `(METHOD, path)` exactly as
    /// [`Engine::listing`] gives them: one entry per key, `None` where the
    /// snapshot has no such endpoint. Any number of keys (each is an index
    /// lookup), and the snapshot is the one given, not resolved again: the
    /// web's tag pages show every endpoint of a tag so.
    pub fn details_by_key(
        &self,
        snapshot: &SnapshotInfo,
        keys: &[(&str, &str)],
    ) -> Result<Vec<Option<EndpointDetail>>, QueryError> {
        let found = self.catalog.endpoints_by_key(snapshot.id, keys)?;
        let api = self.overview(snapshot)?;
        let mut source = StoreSchemas::new(self.catalog.as_ref(), snapshot.id);
        Ok(found
            .into_iter()
            .map(|endpoint| endpoint.map(|e| detail(e, &api, &mut source)))
            .collect())
    }

    /// Endpoints as an agent asks for them: full or brief, with the
    /// schemas they use if asked, fitted to a token budget (see
    /// [`budget`]); what was left out is listed with the call that
    /// returns it.
    pub fn endpoints_within(
        &self,
        api: &str,
        version: Option<&str>,
        keys: &[String],
        options: &DetailOptions,
    ) -> Result<EndpointDetails, QueryError> {
        if let Some(max) = options.max_tokens
            && !(budget::MIN_TOKENS..=budget::MAX_TOKENS).contains(&max)
        {
            return Err(QueryError::bad(
                "max_tokens",
                format!(
                    "must be between {} and {}",
                    budget::MIN_TOKENS,
                    budget::MAX_TOKENS
                ),
            ));
        }
        let depth = options.schema_depth.unwrap_or(DEFAULT_SCHEMA_DEPTH);
        if !(1..=MAX_DEPTH).contains(&depth) {
            return Err(QueryError::bad(
                "schema_depth",
                format!("must be between 1 and {MAX_DEPTH}"),
            ));
        }
        let mut details = self.endpoint_details(api, version, keys)?;
        details.detail = options.detail;
        let mut overflow = Vec::new();
        if options.include_schemas {
            let snapshot = self.resolve(api, version)?;
            let (schemas, more) = self.used_schemas(snapshot.id, &details.endpoints, depth)?;
            details.schemas = schemas;
            details.schema_depth = Some(depth);
            overflow = more;
        }
        let per_endpoint = budget::DEFAULT_ENDPOINT_TOKENS * details.endpoints.len();
        let default = if options.include_schemas {
            2 * per_endpoint
        } else {
            per_endpoint
        };
        let max_tokens = options.max_tokens.unwrap_or(default);
        details.max_tokens = Some(max_tokens);
        let api_name = details.api.clone();
        let caller = budget::Caller {
            api: &api_name,
            version,
        };
        budget::fit(&mut details, max_tokens, overflow, &caller);
        Ok(details)
    }

    /// The named schemas `endpoints` use, each once, in the order they are
    /// first named, following references `depth` levels; their own `$ref`s
    /// stay names (a reference of a schema to itself is marked
    /// `x-circular`). At most [`INCLUDED_SCHEMAS`]; the names of the others
    /// come second.
    fn used_schemas(
        &self,
        snapshot: i64,
        endpoints: &[EndpointDetail],
        depth: usize,
    ) -> Result<(Vec<SchemaDetail>, Vec<String>), QueryError> {
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut level: Vec<String> = Vec::new();
        for detail in endpoints {
            for name in schema::endpoint_refs(&detail.endpoint) {
                if seen.insert(name.clone()) {
                    level.push(name);
                }
            }
        }
        let mut found = Vec::new();
        let mut overflow = Vec::new();
        let mut source = StoreSchemas::new(self.catalog.as_ref(), snapshot);
        for _ in 0..depth {
            if level.is_empty() {
                break;
            }
            let room = INCLUDED_SCHEMAS.saturating_sub(found.len());
            if level.len() > room {
                overflow.extend(level.split_off(room));
            }
            let lookup: Vec<&str> = level.iter().map(String::as_str).collect();
            let mut next = Vec::new();
            for named in self
                .catalog
                .schemas_by_name(snapshot, &lookup)?
                .into_iter()
                .flatten()
            {
                let mut refs = Vec::new();
                schema::refs(&named.schema, &mut refs);
                next.extend(refs.into_iter().filter(|n| seen.insert(n.clone())));
                found.push(SchemaDetail {
                    schema: schema::expand(&named.schema, Some(&named.name), 0, &mut source),
                    name: named.name,
                    in_cycle: named.in_cycle,
                    external: named.external,
                    used_by: None,
                });
            }
            level = next;
        }
        Ok((found, overflow))
    }

    /// A snapshot's whole model, read from the store once for the answers
    /// derived from it (its checker, which endpoints use each schema), not
    /// once per kind of answer.
    fn model(&self, snapshot: i64) -> Result<Arc<Api>, QueryError> {
        if let Some(hit) = self.models.get(&snapshot) {
            return Ok(hit);
        }
        let model = Arc::new(self.catalog.load_api(snapshot)?);
        self.models.insert(snapshot, model.clone());
        Ok(model)
    }

    /// Which endpoints use each schema of a snapshot, computed once from
    /// its model and cached (Stripe: a few hundred ms the first time).
    fn users(&self, snapshot: i64) -> Result<Arc<Users>, QueryError> {
        if let Some(hit) = self.users.get(&snapshot) {
            return Ok(hit);
        }
        let users = Arc::new(Users::build(self.model(snapshot)?.as_ref()));
        self.users.insert(snapshot, users.clone());
        Ok(users)
    }

    /// Schemas by name, with `$ref`s expanded `depth` levels (default 0).
    pub fn schemas(
        &self,
        api: &str,
        version: Option<&str>,
        names: &[String],
        depth: Option<usize>,
    ) -> Result<SchemaDetails, QueryError> {
        let depth = depth.unwrap_or(0);
        if depth > MAX_DEPTH {
            return Err(QueryError::bad(
                "depth",
                format!("must be between 0 and {MAX_DEPTH}"),
            ));
        }
        if names.is_empty() {
            return Err(QueryError::bad("names", "name at least one schema"));
        }
        if names.len() > MAX_NAMES {
            return Err(QueryError::bad(
                "names",
                format!("at most {MAX_NAMES} schemas per request"),
            ));
        }
        let snapshot = self.resolve(api, version)?;
        let lookup: Vec<&str> = names.iter().map(String::as_str).collect();
        let found = self.catalog.schemas_by_name(snapshot.id, &lookup)?;
        let users = self.users(snapshot.id)?;
        let mut source = StoreSchemas::new(self.catalog.as_ref(), snapshot.id);
        let mut schemas = Vec::with_capacity(found.len());
        for (name, schema) in names.iter().zip(found) {
            let Some(schema) = schema else {
                let all = self.catalog.schema_names(snapshot.id)?;
                return Err(QueryError::NotFound {
                    what: "schema",
                    name: format!("{name} in {} {}", snapshot.api, snapshot.version),
                    suggestions: suggest::closest(name, all.iter().map(|s| s.name.as_str()), 5),
                });
            };
            schemas.push(SchemaDetail {
                schema: schema::expand(&schema.schema, Some(&schema.name), depth, &mut source),
                used_by: Some(users.of(&schema.name)),
                name: schema.name,
                in_cycle: schema.in_cycle,
                external: schema.external,
            });
        }
        Ok(SchemaDetails {
            api: snapshot.api.clone(),
            provider: snapshot.provider.clone(),
            version: snapshot.version.clone(),
            depth,
            schemas,
        })
    }

    /// A short, deterministic overview of an API.
    pub fn summary(&self, api: &str, version: Option<&str>) -> Result<Summary, QueryError> {
        let snapshot = self.resolve(api, version)?;
        let api = self.overview(&snapshot)?;
        let listing = self.listing(&snapshot)?;
        let mut groups: Vec<TagGroup> = Vec::new();
        for tag in tag_order(&api, &listing) {
            let members: Vec<&EndpointSummary> =
                listing.iter().filter(|e| e.tags.contains(&tag)).collect();
            if members.is_empty() {
                continue;
            }
            groups.push(TagGroup {
                endpoints: members.len(),
                examples: members
                    .iter()
                    .take(examples_for_group(groups.len()))
                    .map(|e| example_line(e))
                    .collect(),
                tag,
            });
        }
        let untagged: Vec<&EndpointSummary> =
            listing.iter().filter(|e| e.tags.is_empty()).collect();
        if !untagged.is_empty() {
            groups.push(TagGroup {
                tag: "(untagged)".to_owned(),
                endpoints: untagged.len(),
                examples: untagged
                    .iter()
                    .take(examples_for_group(groups.len()).max(1))
                    .map(|e| example_line(e))
                    .collect(),
            });
        }
        Ok(Summary {
            api: snapshot.api.clone(),
            provider: snapshot.provider.clone(),
            title: api.info.title.clone(),
            version: snapshot.version.clone(),
            purpose: api.info.description.as_deref().and_then(first_paragraph),
            base_url: api.servers.first().map(|s| s.url.clone()),
            auth: api
                .security_schemes
                .iter()
                .map(markdown::auth_line)
                .collect(),
            endpoints: snapshot.endpoints,
            schemas: snapshot.schemas,
            groups,
        })
    }

    /// Full-text search over APIs and endpoints, best first.
    pub fn search(
        &self,
        query: &str,
        scope: Option<Scope>,
        limit: Option<usize>,
    ) -> Result<SearchResults, QueryError> {
        let limit = check_limit(limit, DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT)?;
        if query.trim().is_empty() {
            return Err(QueryError::bad("q", "say what to look for"));
        }
        if query.chars().count() > 1_000 {
            return Err(QueryError::bad("q", "at most 1,000 characters"));
        }
        let scope = scope.unwrap_or(Scope::All);
        let index = self.current_index()?;
        let results = index
            .index
            .search(query, scope, limit)
            .into_iter()
            .map(|hit| match hit.target {
                Target::Api { api, title } => SearchHit::Api {
                    provider: provider_of(&api),
                    api,
                    title,
                    score: round(hit.score),
                },
                Target::Endpoint {
                    api,
                    method,
                    path,
                    summary,
                    operation_id,
                } => SearchHit::Endpoint {
                    provider: provider_of(&api),
                    api,
                    method,
                    path,
                    summary,
                    operation_id,
                    score: round(hit.score),
                },
            })
            .collect();
        Ok(SearchResults {
            query: query.to_owned(),
            scope,
            results,
        })
    }

    /// The search index for the current generation, reloaded when the
    /// catalog changed (reading only the segments it does not hold). One
    /// thread reloads; the others keep answering from the previous index
    /// meanwhile.
    fn current_index(&self) -> Result<Arc<IndexState>, QueryError> {
        let generation = self.generation()?;
        let current = self.index.read().unwrap_or_else(|p| p.into_inner()).clone();
        if current.generation == generation {
            return Ok(current);
        }
        let _guard = if current.generation == i64::MIN {
            // Nothing to answer from yet: wait for whoever is building.
            self.rebuilding.lock().unwrap_or_else(|p| p.into_inner())
        } else {
            match self.rebuilding.try_lock() {
                Ok(guard) => guard,
                Err(_) => return Ok(current),
            }
        };
        let latest = self.index.read().unwrap_or_else(|p| p.into_inner()).clone();
        if latest.generation == generation {
            return Ok(latest);
        }
        let rebuilt = Arc::new(load_index(
            self.catalog.as_ref(),
            generation,
            &latest.index,
        )?);
        *self.index.write().unwrap_or_else(|p| p.into_inner()) = rebuilt.clone();
        Ok(rebuilt)
    }

    /// The snapshot `version` or `snapshot` (an id) selects in `api`; the
    /// current one when neither is given. A snapshot id of another API is
    /// [`QueryError::NotFound`].
    pub fn select(
        &self,
        api: &str,
        version: Option<&str>,
        snapshot: Option<i64>,
    ) -> Result<SnapshotInfo, QueryError> {
        let Some(id) = snapshot else {
            return self.resolve(api, version);
        };
        let api = self.api_id(api)?;
        match self.catalog.snapshot_by_id(id) {
            Ok(found) if found.api == api => Ok(found),
            Ok(_) | Err(specdex_store::StoreError::SnapshotNotFound { .. }) => {
                Err(QueryError::NotFound {
                    what: "snapshot",
                    name: format!("{id} in {api}"),
                    suggestions: self
                        .catalog
                        .versions(&api)?
                        .into_iter()
                        .take(10)
                        .map(|s| format!("{} ({})", s.id, s.version))
                        .collect(),
                })
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Removes one snapshot of `api` (chosen as [`Engine::select`] does
    /// when `version` or `snapshot` is given), or the whole API with its
    /// history when neither is. Returns what was removed.
    pub fn remove(
        &self,
        api: &str,
        version: Option<&str>,
        snapshot: Option<i64>,
    ) -> Result<Vec<SnapshotInfo>, QueryError> {
        let removed = if version.is_none() && snapshot.is_none() {
            let id = self.api_id(api)?;
            self.catalog.remove_api(&id)?
        } else {
            let chosen = self.select(api, version, snapshot)?;
            vec![self.catalog.remove_snapshot(chosen.id)?]
        };
        self.invalidate();
        Ok(removed)
    }

    /// Publishes a document as an edition of `api` (`provider/api`, created
    /// if needed) for `caller`, who must hold a `publish` key for it: the
    /// document is read as `specdex ingest` reads one, but from its bytes
    /// alone (no file or remote `$ref`s), and the snapshot records the
    /// key's name and `source`.
    pub fn publish(
        &self,
        caller: &keys::Caller,
        api: &str,
        version: Option<&str>,
        source: Option<&str>,
        document: Vec<u8>,
    ) -> Result<specdex_ingest::Ingested, QueryError> {
        let Some((provider, name)) = new_api_name(api) else {
            return Err(QueryError::bad(
                "api",
                format!("`{api}`: write an API as provider/api"),
            ));
        };
        let id = specdex_store::api_id(provider, name);
        caller.check_publish(&id)?;
        let options = specdex_ingest::IngestOptions {
            provider: Some(provider.to_owned()),
            api: Some(name.to_owned()),
            version: version.map(str::to_owned),
            published_by: Some(caller.name.clone()),
            ..specdex_ingest::IngestOptions::default()
        };
        let source = source.unwrap_or("published over HTTP");
        let result =
            specdex_ingest::ingest_bytes(self.catalog.as_ref(), source, document, &options);
        if result
            .outcome
            .as_ref()
            .is_ok_and(|ingested| ingested.status == specdex_store::IngestStatus::New)
        {
            self.invalidate();
        }
        result.outcome.map_err(|e| match e {
            specdex_ingest::IngestError::Store(e) => QueryError::from(e),
            other => QueryError::Unreadable(other.to_string()),
        })
    }

    /// The caller a bearer key names (one use of it counted); refuses a key
    /// the catalog does not hold or has revoked. See [`keys`].
    pub fn authenticate(&self, key: &str) -> Result<Arc<keys::Caller>, QueryError> {
        self.keys.authenticate(self.catalog.as_ref(), key)
    }

    /// [`Engine::authenticate`] if the answer is known without asking the
    /// catalog (the key was looked up within [`keys::KEY_TRUST`]); `None`
    /// otherwise. Never blocks on the catalog. When the answer says
    /// `recheck`, call [`Engine::recheck_key`] off the request path.
    pub fn authenticate_remembered(&self, key: &str) -> Option<keys::Remembered> {
        self.keys.authenticate_remembered(key)
    }

    /// Looks `key` up in the catalog again (it may have been revoked on
    /// another replica), counting no use.
    pub fn recheck_key(&self, key: &str) -> Result<(), QueryError> {
        self.keys.recheck(self.catalog.as_ref(), key)
    }

    /// Writes the key uses counted since the last call to the catalog.
    pub fn flush_key_uses(&self) -> Result<(), QueryError> {
        self.keys.flush(self.catalog.as_ref())
    }

    /// Makes a key named `name` with `scope`, restricted to `apis`
    /// (`provider/api`; empty for all). The key's text is in the answer and
    /// nowhere else.
    pub fn create_key(
        &self,
        name: &str,
        scope: specdex_store::KeyScope,
        apis: &[String],
    ) -> Result<keys::CreatedKey, QueryError> {
        keys::create(self.catalog.as_ref(), name, scope, apis)
    }

    /// Every key the catalog holds (revoked ones included), without hashes.
    pub fn keys(&self) -> Result<Vec<specdex_store::KeyInfo>, QueryError> {
        Ok(self.catalog.keys()?)
    }

    /// Revokes the key `name`; refused at once by this process, and by
    /// every other within [`keys::KEY_TRUST`].
    pub fn revoke_key(&self, name: &str) -> Result<specdex_store::KeyInfo, QueryError> {
        let revoked = self.catalog.revoke_key(name)?;
        self.keys.forget();
        Ok(revoked)
    }

    /// Follows `url` for `api` (`provider/api`, created at the first sync
    /// if new), checked every `every_seconds`; replaces the API's source
    /// if it has one. Returns the source and whether it is new.
    pub fn add_source(
        &self,
        api: &str,
        url: &str,
        every_seconds: i64,
    ) -> Result<(specdex_store::SourceInfo, bool), QueryError> {
        let id = checked_api_name(api)?;
        let scheme = url
            .split_once("://")
            .map(|(scheme, _)| scheme.to_ascii_lowercase());
        if !matches!(scheme.as_deref(), Some("http" | "https")) {
            return Err(QueryError::bad(
                "url",
                format!("`{url}`: a source is an http:// or https:// URL"),
            ));
        }
        if every_seconds < MIN_SOURCE_INTERVAL {
            return Err(QueryError::bad(
                "every",
                format!("check a source at most once a minute (asked: every {every_seconds} s)"),
            ));
        }
        Ok(self.catalog.add_source(specdex_store::NewSource {
            api: &id,
            url,
            every_seconds,
            added_at: keys::unix_now(),
        })?)
    }

    /// Every source the catalog follows, by API.
    pub fn sources(&self) -> Result<Vec<specdex_store::SourceInfo>, QueryError> {
        Ok(self.catalog.sources()?)
    }

    /// Stops following the source of `api`; its snapshots stay.
    pub fn remove_source(&self, api: &str) -> Result<specdex_store::SourceInfo, QueryError> {
        Ok(self.catalog.remove_source(&checked_api_name(api)?)?)
    }

    /// Checks the sources `due` selects (see [`specdex_ingest::sync`]),
    /// calling `report` after each; `None` when another process is
    /// syncing. Answers change at once when a snapshot was stored.
    pub fn sync(
        &self,
        due: specdex_ingest::Due,
        mut report: impl FnMut(&specdex_ingest::SourceReport),
    ) -> Result<Option<usize>, QueryError> {
        let mut changed = false;
        let checked = specdex_ingest::sync_sources(
            self.catalog.as_ref(),
            &specdex_ingest::SyncOptions::default(),
            due,
            keys::unix_now,
            |checked| {
                changed |= matches!(checked.checked, specdex_ingest::Checked::Changed { .. });
                report(checked);
            },
        )?;
        if changed {
            self.invalidate();
        }
        Ok(checked)
    }

    /// Moves the snapshot of `api` that `version`/`snapshot` select (the
    /// current one when neither is given) to the API `to` (`provider/api`,
    /// created if needed). Returns the snapshot as it now is.
    pub fn move_snapshot(
        &self,
        api: &str,
        version: Option<&str>,
        snapshot: Option<i64>,
        to: &str,
    ) -> Result<SnapshotInfo, QueryError> {
        let chosen = self.select(api, version, snapshot)?;
        let to = match new_api_name(to) {
            Some((provider, name)) => specdex_store::api_id(provider, name),
            None => {
                return Err(QueryError::bad(
                    "to",
                    format!("name the API to move to as provider/api (`{to}/api`, say)"),
                ));
            }
        };
        let moved = self.catalog.move_snapshot(chosen.id, &to)?;
        self.invalidate();
        Ok(moved)
    }

    /// The document as ingested (the root file's bytes).
    pub fn document(
        &self,
        api: &str,
        version: Option<&str>,
    ) -> Result<(SnapshotInfo, Vec<u8>), QueryError> {
        let snapshot = self.resolve(api, version)?;
        let bytes = self.catalog.document(snapshot.id)?;
        Ok((snapshot, bytes))
    }
}

/// Filters of an endpoint listing.
#[derive(Debug, Default, Clone, Copy)]
pub struct EndpointFilter<'a> {
    pub api: &'a str,
    pub version: Option<&'a str>,
    pub method: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub text: Option<&'a str>,
    pub limit: Option<usize>,
    pub cursor: Option<&'a str>,
}

/// The provider part of an API id.
fn provider_of(api: &str) -> String {
    specdex_store::split_api_id(api)
        .map_or(api, |(provider, _)| provider)
        .to_owned()
}

/// The providers of the API ids `all` (sorted), each once.
fn providers_of(all: &[String]) -> Vec<&str> {
    let mut providers: Vec<&str> = all
        .iter()
        .filter_map(|id| specdex_store::split_api_id(id).map(|(p, _)| p))
        .collect();
    // A provider's ids share the prefix `provider/`, so they are adjacent.
    providers.dedup();
    providers
}

/// The provider and API of a name given for an API that may not exist yet
/// (`provider/api` or `provider:api`); `None` without both parts.
fn new_api_name(text: &str) -> Option<(&str, &str)> {
    text.trim().split_once(['/', ':'])
}

/// The id of an API named as `provider/api` or `provider:api`, which need
/// not exist yet; refused unless both parts are valid names.
fn checked_api_name(text: &str) -> Result<String, QueryError> {
    match new_api_name(text) {
        Some((provider, name))
            if specdex_spec::slug::is_valid_slug(provider)
                && specdex_spec::slug::is_valid_slug(name) =>
        {
            Ok(specdex_store::api_id(provider, name))
        }
        _ => Err(QueryError::bad(
            "api",
            format!(
                "`{text}`: write an API as provider/api, each part of lower-case letters, \
                 digits, '.', '-' and '_'"
            ),
        )),
    }
}

/// The shortest interval between checks of a source: servers of public
/// specs should not be polled harder than this.
pub const MIN_SOURCE_INTERVAL: i64 = 60;

/// The ids among `all` (sorted) of `provider`'s APIs.
fn apis_of<'a>(all: &'a [String], provider: &str) -> Vec<&'a str> {
    let prefix = format!("{provider}/");
    let start = all.partition_point(|id| id.as_str() < prefix.as_str());
    all[start..]
        .iter()
        .take_while(|id| id.starts_with(&prefix))
        .map(String::as_str)
        .collect()
}

/// The API ids closest to `wanted`: the same provider's first, then by
/// spelling.
fn closest_apis(all: &[String], wanted: &str) -> Vec<String> {
    let provider = specdex_store::split_api_id(wanted).map_or(wanted, |(p, _)| p);
    let mut out: Vec<String> = apis_of(all, provider)
        .into_iter()
        .take(10)
        .map(str::to_owned)
        .collect();
    for id in suggest::closest(wanted, all.iter().map(String::as_str), 5) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The index over every API's current segment. Segments already loaded
/// (by snapshot id) are reused as they were checked, so after a change only
/// the changed APIs' segments are read and checked.
fn load_index(
    catalog: &dyn Catalog,
    generation: i64,
    previous: &SearchIndex,
) -> Result<IndexState, QueryError> {
    let started = Instant::now();
    let current = catalog.current_snapshots()?;
    let mut known: HashMap<i64, Segment> = previous
        .segments()
        .map(|s| (s.snapshot_id, s.clone()))
        .collect();
    let missing: Vec<i64> = current
        .iter()
        .map(|(_, id)| *id)
        .filter(|id| !known.contains_key(id))
        .collect();
    let mut fetched: HashMap<i64, Vec<u8>> =
        catalog.search_segments(&missing)?.into_iter().collect();
    let mut segments = Vec::with_capacity(current.len());
    for (api, snapshot_id) in current {
        let segment = match (known.remove(&snapshot_id), fetched.remove(&snapshot_id)) {
            // A moved snapshot keeps its segment under its new API.
            (Some(mut segment), _) => {
                segment.api = api;
                segment
            }
            (None, Some(bytes)) => match Segment::read(api.clone(), snapshot_id, bytes.into()) {
                Ok(segment) => segment,
                Err(error) => {
                    tracing::warn!(api, %error, "search segment left out");
                    continue;
                }
            },
            // The store keeps one for every current snapshot; a catalog
            // written meanwhile by another process has it by the next load.
            (None, None) => {
                tracing::warn!(api, snapshot_id, "no search segment; left out of search");
                continue;
            }
        };
        segments.push(segment);
    }
    let index = SearchIndex::load(segments);
    tracing::info!(
        documents = index.len(),
        segments_read = missing.len(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "search index loaded"
    );
    Ok(IndexState {
        generation,
        index: Arc::new(index),
    })
}

fn render<T: serde::Serialize>(value: &T, markdown: fn(&T) -> String) -> (String, String) {
    // Serializing plain data structs cannot fail.
    (
        serde_json::to_string(value).unwrap_or_default(),
        markdown(value),
    )
}

fn etag(key: &(Query, i64), json: &str) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    json.len().hash(&mut hasher);
    json.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

fn round(score: f32) -> f32 {
    (score * 1000.0).round() / 1000.0
}

fn check_limit(limit: Option<usize>, default: usize, max: usize) -> Result<usize, QueryError> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(QueryError::bad(
            "limit",
            format!("must be between 1 and {max}"),
        )),
    }
}

/// Cursors are opaque to clients: `o` and the offset of the next page.
fn decode_cursor(cursor: Option<&str>) -> Result<usize, QueryError> {
    match cursor {
        None | Some("") => Ok(0),
        Some(c) => c
            .strip_prefix('o')
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                QueryError::bad(
                    "cursor",
                    "not a cursor this server gave out; start again without one",
                )
            }),
    }
}

fn next_cursor(offset: usize, returned: usize, total: usize) -> Option<String> {
    let next = offset + returned;
    (returned > 0 && next < total).then(|| format!("o{next}"))
}

const METHODS: [&str; 8] = [
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE",
];

fn check_method(method: &str) -> Result<String, QueryError> {
    let upper = method.to_ascii_uppercase();
    if METHODS.contains(&upper.as_str()) {
        Ok(upper)
    } else {
        Err(QueryError::bad(
            "method",
            format!("`{method}` is not an HTTP method ({})", METHODS.join(", ")),
        ))
    }
}

/// `"delete /users/{id}"` → (`DELETE`, `/users/{id}`). The path is taken as
/// written: a document may write a template without the leading `/`
/// OpenAPI asks for (`pets/{id}`), and its endpoint is named so; a path
/// that names nothing gets the closest endpoints from the lookup.
pub fn parse_key(key: &str) -> Result<(String, String), QueryError> {
    let bad = || {
        QueryError::bad(
            "e",
            format!("`{key}` is not \"METHOD /path\" (for example \"GET /users/{{id}}\")"),
        )
    };
    let (method, path) = key.trim().split_once(char::is_whitespace).ok_or_else(bad)?;
    let path = path.trim();
    if path.is_empty() {
        return Err(bad());
    }
    Ok((check_method(method).map_err(|_| bad())?, path.to_owned()))
}

/// The snapshot ingested just before snapshot `id`, in `history` (an
/// API's snapshots, newest first): what a diff compares `id` with by default.
pub fn previous_snapshot(history: &[SnapshotInfo], id: i64) -> Option<&SnapshotInfo> {
    history.iter().find(|s| s.id < id)
}

/// The snapshot of `history` (newest first) that `text` names: `#12` or
/// `12` as a snapshot id, else the newest with that version label, else a
/// date `YYYY-MM-DD` (the newest ingested by the end of that day, UTC).
fn edition_named(history: &[SnapshotInfo], text: &str) -> Option<SnapshotInfo> {
    let text = text.trim();
    let by_id = |id: &str| {
        id.parse::<i64>()
            .ok()
            .and_then(|id| history.iter().find(|s| s.id == id))
    };
    if let Some(id) = text.strip_prefix('#') {
        return by_id(id).cloned();
    }
    if let Some(found) = history.iter().find(|s| s.version == text) {
        return Some(found.clone());
    }
    if let Some(found) = by_id(text) {
        return Some(found.clone());
    }
    let end_of_day = end_of_day(text)?;
    history.iter().find(|s| s.ingested_at < end_of_day).cloned()
}

/// `2025-06-30` → the unix second at which that day ends (UTC).
fn end_of_day(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: i64 = parts.next()?.parse().ok()?;
    let day: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(1970..=9999).contains(&year) {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days + 1) * 86_400)
}

/// Tags in the API's declared order, then any used but not declared.
fn tag_order(api: &Api, listing: &[EndpointSummary]) -> Vec<String> {
    let mut order: Vec<String> = api.tags.iter().map(|t| t.name.clone()).collect();
    for endpoint in listing {
        for tag in &endpoint.tags {
            if !order.contains(tag) {
                order.push(tag.clone());
            }
        }
    }
    order
}

/// Representative endpoints shown for the `index`-th tag group: two for
/// the first 20 groups, one for the next 20, none after, so a summary of an
/// API with a hundred tags stays around 2,000 tokens.
fn examples_for_group(index: usize) -> usize {
    match index {
        0..20 => 2,
        20..40 => 1,
        _ => 0,
    }
}

fn example_line(endpoint: &EndpointSummary) -> String {
    match &endpoint.summary {
        Some(summary) => format!("{} {} — {}", endpoint.method, endpoint.path, summary),
        None => format!("{} {}", endpoint.method, endpoint.path),
    }
}

/// The first paragraph of a description, without markdown headings,
/// shortened to about 400 characters.
fn first_paragraph(text: &str) -> Option<String> {
    let paragraph = text
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))?;
    let flat = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= 400 {
        return Some(flat);
    }
    let cut: String = flat.chars().take(400).collect();
    Some(format!(
        "{}…",
        cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head)
    ))
}

/// Where and how an endpoint is called: its own base URL, else the API's
/// first; the security schemes of its first security requirement.
pub fn call_context<'a>(
    endpoint: &'a Endpoint,
    api: &'a Api,
) -> (Option<&'a str>, Vec<SecurityScheme>) {
    let base_url = endpoint
        .servers
        .first()
        .or(api.servers.first())
        .map(|s| s.url.as_str());
    let auth = endpoint
        .security
        .first()
        .map(|requirement| {
            requirement
                .schemes
                .iter()
                .filter_map(|use_| {
                    api.security_schemes
                        .iter()
                        .find(|s| s.name == use_.name)
                        .cloned()
                })
                .collect()
        })
        .unwrap_or_default();
    (base_url, auth)
}

/// An endpoint with what calling it takes. A curl sample written into the
/// description becomes the example and leaves the description (see
/// [`sample`]), so the answer does not carry two.
fn detail(mut endpoint: Endpoint, api: &Api, source: &mut dyn SchemaSource) -> EndpointDetail {
    let (base_url, auth) = call_context(&endpoint, api);
    let base_url = base_url.map(str::to_owned);
    let written = endpoint.description.as_deref().map(sample::split);
    let curl = match written {
        Some(sample::Split {
            description,
            sample: Some(sample),
        }) => {
            endpoint.description = description;
            sample
        }
        _ => curl::curl(&endpoint, base_url.as_deref(), &auth, source),
    };
    EndpointDetail {
        endpoint,
        base_url,
        auth,
        curl,
    }
}

/// Most schemas `include_schemas` adds to one answer; the names of the
/// others are listed with the call that returns them.
pub const INCLUDED_SCHEMAS: usize = 100;

/// Which endpoints use which schema in one snapshot.
struct Users {
    /// `METHOD /path` of every endpoint, in document order.
    keys: Vec<String>,
    /// Per schema name: the endpoints using it (indices into `keys`),
    /// those naming it directly first.
    by_schema: HashMap<String, Vec<u32>>,
}

impl Users {
    /// Follows each endpoint's references through the schemas, up to
    /// [`USED_BY_REACH`] away: work proportional to endpoints times the
    /// schemas each reaches, bounded by the reach.
    fn build(api: &Api) -> Users {
        let index: HashMap<&str, usize> = api
            .schemas
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        let lookup = |names: Vec<String>| -> Vec<usize> {
            names
                .iter()
                .filter_map(|n| index.get(n.as_str()).copied())
                .collect()
        };
        let edges: Vec<Vec<usize>> = api
            .schemas
            .iter()
            .map(|s| {
                let mut refs = Vec::new();
                schema::refs(&s.schema, &mut refs);
                lookup(refs)
            })
            .collect();
        let mut direct: Vec<Vec<u32>> = vec![Vec::new(); api.schemas.len()];
        let mut indirect: Vec<Vec<u32>> = vec![Vec::new(); api.schemas.len()];
        let mut stamp: Vec<u32> = vec![0; api.schemas.len()];
        for (e, endpoint) in api.endpoints.iter().enumerate() {
            let mark = e as u32 + 1;
            let mut level = lookup(schema::endpoint_refs(endpoint));
            level.retain(|&s| std::mem::replace(&mut stamp[s], mark) != mark);
            for &s in &level {
                direct[s].push(e as u32);
            }
            for _ in 1..USED_BY_REACH {
                let mut next = Vec::new();
                for &s in &level {
                    for &t in &edges[s] {
                        if std::mem::replace(&mut stamp[t], mark) != mark {
                            indirect[t].push(e as u32);
                            next.push(t);
                        }
                    }
                }
                level = next;
            }
        }
        let by_schema = api
            .schemas
            .iter()
            .zip(direct.into_iter().zip(indirect))
            .map(|(s, (mut users, more))| {
                users.extend(more);
                (s.name.clone(), users)
            })
            .collect();
        Users {
            keys: api
                .endpoints
                .iter()
                .map(|e| format!("{} {}", e.method, e.path))
                .collect(),
            by_schema,
        }
    }

    fn of(&self, name: &str) -> UsedBy {
        let users = self.by_schema.get(name).map_or(&[][..], Vec::as_slice);
        UsedBy {
            total: users.len(),
            endpoints: users
                .iter()
                .take(USED_BY_LISTED)
                .filter_map(|&i| self.keys.get(i as usize).cloned())
                .collect(),
        }
    }
}

/// Schemas of one snapshot, read from the store on demand and memoized for
/// the length of one question.
struct StoreSchemas<'a> {
    catalog: &'a dyn Catalog,
    snapshot: i64,
    seen: HashMap<String, Option<Value>>,
}

impl<'a> StoreSchemas<'a> {
    fn new(catalog: &'a dyn Catalog, snapshot: i64) -> Self {
        StoreSchemas {
            catalog,
            snapshot,
            seen: HashMap::new(),
        }
    }
}

impl SchemaSource for StoreSchemas<'_> {
    fn schema(&mut self, name: &str) -> Option<Value> {
        if let Some(known) = self.seen.get(name) {
            return known.clone();
        }
        let found = self
            .catalog
            .schemas_by_name(self.snapshot, &[name])
            .ok()
            .and_then(|mut v| v.pop().flatten())
            .map(|s| s.schema);
        self.seen.insert(name.to_owned(), found.clone());
        found
    }
}
