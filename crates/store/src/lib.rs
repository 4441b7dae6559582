//! The catalog's persistence: providers, their APIs (`provider/api`), each
//! API's snapshots, and each snapshot's endpoints, schemas, warnings and
//! original document.
//!
//! Everything above this crate talks to the [`Catalog`] trait, so the embedded
//! SQLite store ([`SqliteCatalog`]) and the PostgreSQL store for several
//! replicas ([`PgCatalog`]) stand behind the same code; [`open_catalog`]
//! picks one from the `--db` value. Nothing in the trait or its types names
//! either database.
//!
//! ```
//! use specdex_store::{Catalog, IngestStatus, NewSnapshot, SqliteCatalog};
//! use specdex_spec::identity::identify;
//! # let api: specdex_store::Api = serde_json::from_value(serde_json::json!({
//! #     "format": "openapi30", "spec_version": "3.0.3",
//! #     "info": {"title": "Pets", "version": "1.0"},
//! #     "servers": [], "security_schemes": [], "security": [], "tags": [],
//! #     "endpoints": [], "webhooks": [], "schemas": [], "warnings": []
//! # }))?;
//! let catalog = SqliteCatalog::open_in_memory()?;
//! let outcome = catalog.ingest(NewSnapshot {
//!     identity: &identify(&api, Some("pets"), None),
//!     version_label: &api.info.version,
//!     content_hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
//!     source: "pets.yaml",
//!     api: &api,
//!     document: b"openapi: 3.0.3",
//!     ingested_at: None,
//!     published_by: None,
//!     fetched: None,
//! })?;
//! assert_eq!(outcome.status, IngestStatus::New);
//! // The user named the provider; the API is named by the evidence: nothing
//! // in the title but the provider's name, no servers: the main API.
//! assert_eq!(outcome.snapshot.api, "pets/api");
//! assert!(outcome.api_created);
//! assert_eq!(catalog.snapshot("pets/api", None)?.id, outcome.snapshot.id);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

mod encode;
mod keys;
mod postgres;
mod search;
mod sources;
mod split;
mod sqlite;

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use crate::encode::{Prepared, pack_document, pack_document_pieces};
pub use crate::keys::{
    KeyInfo, KeyScope, KeyUse, NewKey, RateQuota, Reservation, is_key_hash, reserve,
};
pub use crate::postgres::{DEFAULT_POOL_SIZE, NOTIFY_CHANNEL, POOL_ENV, PgCatalog};
pub use crate::sources::{CheckResult, Fetched, NewSource, SourceCheck, SourceInfo, SyncLock};
pub use specdex_spec::identity::Identity;
pub use specdex_spec::{Api, Endpoint, NamedSchema, Warning};

/// An API's id as the catalog writes it: `provider/api`.
pub fn api_id(provider: &str, name: &str) -> String {
    format!("{provider}/{name}")
}

/// The provider and name of an API id (`jumpcloud/v2` → `("jumpcloud",
/// "v2")`); `None` when there is no `/`.
pub fn split_api_id(id: &str) -> Option<(&str, &str)> {
    id.split_once('/')
}
pub use sqlite::{SqliteCatalog, Writes};

/// Opens the catalog `location` names: a `postgres://` or `postgresql://`
/// URL opens a [`PgCatalog`] (its tables created or brought up to date),
/// anything else is the path of a [`SqliteCatalog`] file (created if
/// missing).
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("catalog.db");
/// let catalog = specdex_store::open_catalog(path.to_str().ok_or("a UTF-8 path")?)?;
/// assert!(catalog.apis()?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open_catalog(location: &str) -> Result<Arc<dyn Catalog>> {
    open_catalog_for(location, Writes::Many)
}

/// [`open_catalog`] for a process that will write what `writes` says; it
/// matters only to a SQLite file that does not exist yet (see
/// [`Writes::One`]).
pub fn open_catalog_for(location: &str, writes: Writes) -> Result<Arc<dyn Catalog>> {
    if is_postgres_url(location) {
        Ok(Arc::new(PgCatalog::open(location)?))
    } else {
        Ok(Arc::new(SqliteCatalog::open_for(
            Path::new(location),
            writes,
        )?))
    }
}

/// Whether `location` names a PostgreSQL catalog rather than a file.
pub fn is_postgres_url(location: &str) -> bool {
    let scheme = location.split_once("://").map_or("", |(scheme, _)| scheme);
    scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql")
}

/// The cause of a storage failure, kept as the backend reported it so callers
/// can print it without the trait naming any one database library.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a catalog operation failed. Every message names the catalog, provider,
/// version or snapshot involved, so a person can tell what to fix.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The catalog could not be opened or prepared; usually a wrong path,
    /// missing permissions, or a file that is not a database; for
    /// PostgreSQL, a server that cannot be reached or refuses the connection.
    #[error("cannot open catalog at {location}: {cause}")]
    Open {
        /// The path as given (`:memory:` for an in-memory catalog), or the
        /// PostgreSQL URL without its password.
        location: String,
        /// What the database reported.
        cause: BoxError,
    },

    /// The path holds a database that belongs to something else; writing our
    /// tables into it would damage it.
    #[error(
        "{location} is a database but not a specdex catalog; choose another path for the catalog"
    )]
    NotACatalog {
        /// The path as given.
        location: String,
    },

    /// The catalog was written by a newer specdex whose layout this build
    /// does not know; reading it could misinterpret data.
    #[error(
        "catalog at {location} has layout version {found}, newer than this specdex understands (up to {supported}); upgrade specdex"
    )]
    TooNew {
        /// The path as given.
        location: String,
        /// The layout version found in the file.
        found: i64,
        /// The newest layout version this build can read.
        supported: i64,
    },

    /// A provider or API name outside the catalog's alphabet; names end up
    /// in URLs and file names, so they are checked before anything is
    /// written.
    #[error(
        "invalid {what} name `{slug}`: use 1 to 100 lower-case letters, digits, `.`, `-` or `_`"
    )]
    InvalidSlug {
        /// `provider` or `API`.
        what: &'static str,
        /// The name as given.
        slug: String,
    },

    /// No API by that id (`provider/api`) has been ingested.
    #[error("no API `{api}` in the catalog")]
    ApiNotFound {
        /// The id asked for.
        api: String,
    },

    /// The API exists but none of its snapshots has that version label.
    #[error("API `{api}` has no snapshot with version `{version}`")]
    VersionNotFound {
        /// The API's id.
        api: String,
        /// The version label asked for.
        version: String,
    },

    /// A snapshot cannot move to an API that already holds the same content.
    #[error(
        "API `{api}` already has this content as snapshot {existing}; remove one of them instead"
    )]
    DuplicateContent {
        /// The API moved to.
        api: String,
        /// The snapshot there with the same content.
        existing: i64,
    },

    /// No snapshot has that id (ids come from earlier answers of the catalog,
    /// so this usually means a different catalog file).
    #[error("no snapshot with id {id} in the catalog")]
    SnapshotNotFound {
        /// The id asked for.
        id: i64,
    },

    /// Part of the model could not be written as JSON.
    #[error("cannot encode {what} as JSON: {cause}")]
    Encode {
        /// Which part of the model.
        what: String,
        /// What the encoder reported.
        cause: serde_json::Error,
    },

    /// Stored data does not read back as what was written; the catalog file
    /// was changed by something other than specdex.
    #[error("the catalog is damaged: {what}")]
    Corrupt {
        /// What is wrong, and where.
        what: String,
    },

    /// Another writer held the catalog longer than the wait allows.
    #[error(
        "cannot {action}: another process kept the catalog locked for more than 5 s; retry when it has finished"
    )]
    Busy {
        /// What was being attempted.
        action: String,
    },

    /// A key by that name exists, or existed and was revoked: names stay
    /// on the snapshots a key published, so they are never reused.
    #[error(
        "a key named `{name}` already exists (revoked keys keep their names); choose another name"
    )]
    KeyExists {
        /// The name asked for.
        name: String,
    },

    /// No source feeds that API.
    #[error("no source feeds `{api}`; `specdex sources list` shows them")]
    SourceNotFound {
        /// The API asked for.
        api: String,
    },

    /// No key by that name, or it is already revoked.
    #[error("no key named `{name}` that is not revoked; `specdex keys list` shows them")]
    KeyNotFound {
        /// The name asked for.
        name: String,
    },

    /// Any other failure of the database.
    #[error("cannot {action}: {cause}")]
    Database {
        /// What was being attempted.
        action: String,
        /// What the database reported.
        cause: BoxError,
    },
}

/// Results of catalog operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// One ingested edition to add. Borrowed, so ingesting a large document never
/// copies it before it reaches the database.
#[derive(Debug, Clone, Copy)]
pub struct NewSnapshot<'a> {
    /// Which API it is an edition of: the provider, and the API's name or
    /// the evidence to choose it by among the provider's APIs (see
    /// [`specdex_spec::identity`]); provider and API are created as needed.
    pub identity: &'a Identity,
    /// The edition's label: `info.version`, or what the user named it.
    pub version_label: &'a str,
    /// Lower-case hex SHA-256 of the content; identical content is recognised
    /// by it and not stored twice.
    pub content_hash: &'a str,
    /// Where the document came from (file path or URL as given), for people
    /// tracing an edition back to its origin.
    pub source: &'a str,
    /// The normalized model of the document.
    pub api: &'a Api,
    /// The root document's bytes as ingested, so the catalog can hand out the
    /// spec exactly as published; or those bytes as [`pack_document`]
    /// packed them, for a caller that frees the text early.
    pub document: &'a [u8],
    /// When it was ingested, in unix seconds; `None` means now. Given
    /// explicitly when importing history or for reproducible output.
    pub ingested_at: Option<i64>,
    /// The name of the key that published it over HTTP; `None` for a local
    /// ingest.
    pub published_by: Option<&'a str>,
    /// How the document was fetched, when a sync fetched it from a source
    /// (the source's URL is `source`).
    pub fetched: Option<Fetched<'a>>,
}

/// Whether an ingest recorded anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IngestStatus {
    /// A new snapshot was stored and is now its API's current one.
    New,
    /// A snapshot of this API already had this content; nothing was written.
    Unchanged,
}

/// What an ingest did, and the snapshot it concerned.
#[derive(Debug, Clone, Serialize)]
pub struct IngestOutcome {
    /// The new snapshot, or the existing one with the same content.
    pub snapshot: SnapshotInfo,
    /// Whether anything was stored.
    pub status: IngestStatus,
    /// Whether the API was created by this ingest (its first snapshot).
    pub api_created: bool,
}

impl IngestOutcome {
    /// Nothing stored: `snapshot` already holds the content.
    pub(crate) fn unchanged(snapshot: SnapshotInfo) -> IngestOutcome {
        IngestOutcome {
            snapshot,
            status: IngestStatus::Unchanged,
            api_created: false,
        }
    }
}

/// Whether a snapshot is the edition answers come from by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SnapshotStatus {
    /// The API's newest ingested snapshot; exactly one per API.
    Current,
    /// An older edition, kept for history and `?version=` queries.
    Superseded,
}

impl SnapshotStatus {
    /// The word used in listings and in storage (`current`, `superseded`).
    pub fn as_str(self) -> &'static str {
        match self {
            SnapshotStatus::Current => "current",
            SnapshotStatus::Superseded => "superseded",
        }
    }
}

/// One ingested edition, as listings and history tables show it; the full
/// model is fetched separately with [`Catalog::load_api`] because it can be
/// large.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnapshotInfo {
    /// The catalog's id for the snapshot, for [`Catalog::load_api`] and
    /// [`Catalog::document`].
    pub id: i64,
    /// The API's id, `provider/api`.
    pub api: String,
    /// The provider's slug.
    pub provider: String,
    /// The version label.
    pub version: String,
    /// Hex SHA-256 of the ingested content.
    pub content_hash: String,
    /// When it was ingested, in unix seconds.
    pub ingested_at: i64,
    /// Operations under `paths` (webhooks excluded).
    pub endpoints: u32,
    /// Schemas the document names itself (external targets excluded).
    pub schemas: u32,
    /// Current or superseded.
    pub status: SnapshotStatus,
    /// `info.title`.
    pub title: String,
    /// The specification family and version, as [`specdex_spec::SpecFormat::label`] writes it.
    pub format: String,
    /// Where the document came from, as given at ingest.
    pub source: String,
    /// The name of the key that published it over HTTP (absent for a
    /// local ingest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_by: Option<String>,
    /// When a sync fetched the document from its source (`source` is the
    /// URL), in unix seconds; absent for files and publishes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<i64>,
    /// The ETag the source's server gave with the document, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// Where the document breaks the specification but was still read.
    pub warnings: Vec<Warning>,
}

/// One API in the catalog listing.
#[derive(Debug, Clone, Serialize)]
pub struct ApiSummary {
    /// `provider/api`.
    pub id: String,
    /// The provider's slug.
    pub provider: String,
    /// The API's name within the provider.
    pub name: String,
    /// The title of its current snapshot.
    pub title: String,
    /// Its current snapshot.
    pub current: SnapshotInfo,
    /// How many snapshots it has, current included.
    pub snapshot_count: u32,
}

/// One endpoint as listed, without its detail: enough to choose which
/// endpoints to fetch whole with [`Catalog::endpoints_by_key`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndpointSummary {
    /// Upper-case HTTP method (`GET`, `DELETE`).
    pub method: String,
    /// The path template as written (`/repos/{owner}/{repo}`).
    pub path: String,
    /// `operationId`, if the document gives one.
    pub operation_id: Option<String>,
    /// The one-line summary, if any.
    pub summary: Option<String>,
    /// The operation's tags, in document order.
    pub tags: Vec<String>,
    /// Whether the operation is marked deprecated.
    pub deprecated: bool,
}

/// An endpoint of a current snapshot, as the search index needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSearchRow {
    /// The API's id, `provider/api`.
    pub api: String,
    /// The API's current snapshot, which the endpoint belongs to.
    pub snapshot_id: i64,
    /// The endpoint as listed.
    pub endpoint: EndpointSummary,
    /// The first [`DESCRIPTION_PREFIX_CHARS`] characters of the endpoint's
    /// description (cut at a character boundary), if it has one.
    pub description: Option<String>,
}

/// An API's current snapshot, as the search index needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiSearchRow {
    /// The API's id, `provider/api`.
    pub api: String,
    /// The provider's slug.
    pub provider: String,
    /// Its current snapshot.
    pub snapshot_id: i64,
    /// `info.title` of the current snapshot.
    pub title: String,
    /// The first [`PROVIDER_DESCRIPTION_PREFIX_CHARS`] characters of
    /// `info.description`, if there is one.
    pub description: Option<String>,
    /// The names of the API's tags, in document order.
    pub tags: Vec<String>,
}

/// How many characters of an endpoint's description
/// [`EndpointSearchRow::description`] keeps.
pub const DESCRIPTION_PREFIX_CHARS: usize = 300;

/// How many characters of `info.description`
/// [`ApiSearchRow::description`] keeps.
pub const PROVIDER_DESCRIPTION_PREFIX_CHARS: usize = 1000;

/// A named schema as listed, without the schema itself; fetch schemas whole
/// with [`Catalog::schemas_by_name`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaName {
    /// The name, as in [`NamedSchema::name`].
    pub name: String,
    /// Pulled in from another file rather than named by the document.
    pub external: bool,
    /// Whether the schema takes part in a reference cycle.
    pub in_cycle: bool,
}

/// The catalog's persistence. Object-safe and `Send + Sync` so a server can
/// hold an `Arc<dyn Catalog>`, whichever database stands behind it.
pub trait Catalog: Send + Sync {
    /// Adds one ingested edition atomically: a reader sees the API's old
    /// snapshot or the new one, never part of one.
    ///
    /// The API is the one the identity names, or else the one
    /// [`specdex_spec::identity::place`] chooses among the provider's APIs,
    /// decided inside the transaction that writes. If a snapshot of that API
    /// already has the content hash, it is returned with
    /// [`IngestStatus::Unchanged`] and nothing is written. Otherwise a new
    /// snapshot is stored (provider and API created if needed), it becomes
    /// current and the previous current one superseded.
    fn ingest(&self, snapshot: NewSnapshot<'_>) -> Result<IngestOutcome> {
        let prepared = self.prepare(&snapshot)?;
        self.ingest_prepared(snapshot, prepared)
    }

    /// The part of [`Catalog::ingest`] that writes nothing, callable on any
    /// thread: whether the API already holds the content, and if not the
    /// snapshot encoded for writing (JSON, search segment, compressed
    /// document). A bulk ingest prepares documents on its reading threads,
    /// so the one thread that writes only writes.
    fn prepare(&self, snapshot: &NewSnapshot<'_>) -> Result<Prepared>;

    /// [`Catalog::ingest`] of `snapshot`, which [`Catalog::prepare`] made
    /// ready as `prepared`. Whether the content is known is decided again
    /// inside the writing transaction, so a preparation made while earlier
    /// documents were still being written stays correct.
    fn ingest_prepared(
        &self,
        snapshot: NewSnapshot<'_>,
        prepared: Prepared,
    ) -> Result<IngestOutcome>;

    /// All APIs, sorted by provider then name, each with its current
    /// snapshot.
    fn apis(&self) -> Result<Vec<ApiSummary>>;

    /// The ids (`provider/api`) of all APIs, sorted by provider then name;
    /// cheap enough to resolve names with.
    fn api_ids(&self) -> Result<Vec<String>>;

    /// An API's snapshots, newest first. [`StoreError::ApiNotFound`] for an
    /// unknown API id.
    fn versions(&self, api: &str) -> Result<Vec<SnapshotInfo>>;

    /// The snapshot with version label `version` (the newest of several with
    /// that label), or the current one when `version` is `None`.
    fn snapshot(&self, api: &str, version: Option<&str>) -> Result<SnapshotInfo>;

    /// The snapshot with this id, whichever API it belongs to.
    fn snapshot_by_id(&self, snapshot_id: i64) -> Result<SnapshotInfo>;

    /// Removes one snapshot and everything stored with it, atomically. The
    /// newest remaining snapshot of its API becomes current; an API left
    /// without snapshots is removed, and so is a provider left without APIs.
    /// Returns the snapshot as it was.
    fn remove_snapshot(&self, snapshot_id: i64) -> Result<SnapshotInfo>;

    /// Removes an API with all its snapshots, atomically; returns them.
    fn remove_api(&self, api: &str) -> Result<Vec<SnapshotInfo>>;

    /// Moves a snapshot to the API `to` (`provider/api`, created if needed),
    /// for when the identity rule guessed wrong. Both APIs' current
    /// snapshots are recomputed (the newest ingested is current); an API left
    /// empty is removed. [`StoreError::DuplicateContent`] if `to` already
    /// holds the same content. Returns the snapshot as it now is.
    fn move_snapshot(&self, snapshot_id: i64, to: &str) -> Result<SnapshotInfo>;

    /// The whole model of a snapshot, exactly as it was ingested: endpoints
    /// and schemas in document order, webhooks, warnings.
    fn load_api(&self, snapshot_id: i64) -> Result<Api>;

    /// The original root document, byte for byte as ingested.
    fn document(&self, snapshot_id: i64) -> Result<Vec<u8>>;

    /// A snapshot's model without its bulk: `endpoints` and `schemas` are
    /// left empty, everything else (info, servers, security schemes and
    /// requirements, tags, webhooks, warnings) is filled as ingested. Costs
    /// the same however many endpoints the API has.
    ///
    /// This and the other reads by snapshot id answer
    /// [`StoreError::SnapshotNotFound`] for an id the catalog does not have.
    fn overview(&self, snapshot_id: i64) -> Result<Api>;

    /// A snapshot's endpoints as listed, in document order (webhooks are
    /// not endpoints), without reading their detail.
    fn endpoint_list(&self, snapshot_id: i64) -> Result<Vec<EndpointSummary>>;

    /// Whole endpoints of a snapshot by `(METHOD, path)`: the method
    /// upper-case, the path exactly as listed. The answer has one entry per
    /// key, in the order of `keys`, `None` where the snapshot has no such
    /// endpoint. Each key is an index lookup; only the endpoints asked for
    /// are read.
    fn endpoints_by_key(
        &self,
        snapshot_id: i64,
        keys: &[(&str, &str)],
    ) -> Result<Vec<Option<Endpoint>>>;

    /// The names of a snapshot's schemas, in document order.
    fn schema_names(&self, snapshot_id: i64) -> Result<Vec<SchemaName>>;

    /// Whole schemas of a snapshot by name, one entry per name in the order
    /// of `names`, `None` where the snapshot has no such schema. Each name
    /// is an index lookup.
    fn schemas_by_name(&self, snapshot_id: i64, names: &[&str])
    -> Result<Vec<Option<NamedSchema>>>;

    /// What a full-text index needs of every API's current snapshot
    /// (superseded snapshots are left out): the APIs sorted by id, and their
    /// endpoints by API, then in document order. Both lists come from the
    /// same state of the catalog. Reads no endpoint detail, so it is fast
    /// enough to call at every start.
    fn search_rows(&self) -> Result<(Vec<ApiSearchRow>, Vec<EndpointSearchRow>)>;

    /// Every API's id (`provider/api`) and the id of its current snapshot,
    /// sorted by API id (provider, then name). With
    /// [`Catalog::search_segments`], what a search index is assembled from.
    fn current_snapshots(&self) -> Result<Vec<(String, i64)>>;

    /// The stored search segments of these snapshots, as
    /// [`specdex_search::build_segment`] built them over the text
    /// [`Catalog::search_rows`] gives for each, in any order; a snapshot
    /// without a segment of this build's [`specdex_search::SEGMENT_FORMAT`]
    /// (an unknown id, a superseded snapshot from before segments, a
    /// segment of another format) is left out. Every current snapshot has
    /// one once the catalog is open: ingest stores it with the snapshot,
    /// removing or moving snapshots stores the one that becomes current,
    /// and opening builds those missing or of another format. One query
    /// for all ids, fast enough for thousands.
    fn search_segments(&self, snapshot_ids: &[i64]) -> Result<Vec<(i64, Vec<u8>)>>;

    /// A number that changes whenever an ingest stores a new snapshot, or a
    /// snapshot is removed or moved (an unchanged re-ingest leaves it alone). Cheap to ask, so caches of
    /// catalog content compare it to know when they are stale; only
    /// equality is meaningful, not order.
    fn generation(&self) -> Result<i64>;

    /// Adds a key; [`StoreError::KeyExists`] if the name was ever used.
    /// Keys do not move the generation: no answer about the catalog
    /// depends on them.
    fn create_key(&self, key: NewKey<'_>) -> Result<KeyInfo>;

    /// Every key, revoked ones included, in the order they were created.
    fn keys(&self) -> Result<Vec<KeyInfo>>;

    /// Revokes the key by that name; [`StoreError::KeyNotFound`] if there
    /// is none, or it is already revoked.
    fn revoke_key(&self, name: &str) -> Result<KeyInfo>;

    /// The key whose text hashes to `hash`, revoked or not (the caller
    /// refuses revoked keys); `None` if no key has that hash.
    fn key_by_hash(&self, hash: &str) -> Result<Option<KeyInfo>>;

    /// Adds use counts and last-use times to keys (unknown hashes are
    /// ignored), in one transaction.
    fn record_key_uses(&self, uses: &[KeyUse]) -> Result<()>;

    /// Reserves up to `want` requests for the key `name` against its
    /// shared limit `quota` at `now_us` (unix microseconds), in one
    /// transaction ([`reserve`] over the stored GCRA state); `None` for a
    /// name the catalog does not hold. Every server over the catalog
    /// reserves from the same state, so a key's limit holds across
    /// replicas. Does not move the generation.
    fn reserve_key_requests(
        &self,
        name: &str,
        want: u64,
        quota: RateQuota,
        now_us: i64,
    ) -> Result<Option<Reservation>>;

    /// Follows a source: `source.api` is synced from `source.url`. A
    /// source already feeding that API is replaced (its history of checks
    /// kept unless the URL changed). Returns the source and whether it is
    /// new. Sources do not move the generation.
    fn add_source(&self, source: NewSource<'_>) -> Result<(SourceInfo, bool)>;

    /// Every source, by API id.
    fn sources(&self) -> Result<Vec<SourceInfo>>;

    /// Stops following the source of `api`; [`StoreError::SourceNotFound`]
    /// if there is none. Snapshots it fed stay.
    fn remove_source(&self, api: &str) -> Result<SourceInfo>;

    /// Records a check of a source; [`StoreError::SourceNotFound`] if it
    /// was removed meanwhile.
    fn record_source_check(&self, check: SourceCheck<'_>) -> Result<SourceInfo>;

    /// The right to sync now, or `None` while another process holds it
    /// (PostgreSQL: a session advisory lock; an SQLite catalog lives on
    /// one machine and always grants it, identical content being stored
    /// once anyway).
    fn sync_lock(&self) -> Result<Option<SyncLock>>;
}
