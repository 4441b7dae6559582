//! Sources the catalog follows: a URL per API, checked every so often by
//! `specdex sync` or `serve --sync`. The store keeps when each source is
//! due and what its last check found; fetching and deciding when to retry
//! belong to the layers above.

use serde::Serialize;

/// A source to follow. Borrowed, like [`crate::NewSnapshot`].
#[derive(Debug, Clone, Copy)]
pub struct NewSource<'a> {
    /// The `provider/api` its documents are snapshots of.
    pub api: &'a str,
    /// Where the document is fetched from.
    pub url: &'a str,
    /// Seconds between checks.
    pub every_seconds: i64,
    /// Unix seconds; the source is due at once.
    pub added_at: i64,
}

/// A source as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceInfo {
    /// The `provider/api` its documents are snapshots of.
    pub api: String,
    /// Where the document is fetched from.
    pub url: String,
    /// Seconds between checks.
    pub every_seconds: i64,
    /// Unix seconds.
    pub added_at: i64,
    /// Unix seconds of the next check.
    pub next_check_at: i64,
    /// Unix seconds of the last check, whatever its result.
    pub last_checked_at: Option<i64>,
    /// Unix seconds of the last check that stored a new snapshot.
    pub last_changed_at: Option<i64>,
    /// Why the last check failed; `None` once a check succeeds.
    pub last_error: Option<String>,
    /// Checks failed in a row (0 after a success).
    pub failures: u32,
    /// The ETag of the last document fetched, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last document fetched, sent as
    /// `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// What one check of a source found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckResult<'a> {
    /// The content changed and a new snapshot was stored.
    Changed,
    /// The server answered 304, or the content is one the API already has.
    Unchanged,
    /// The source could not be fetched or read; the text says why.
    Failed(&'a str),
}

/// The outcome of one check, to record on its source.
#[derive(Debug, Clone, Copy)]
pub struct SourceCheck<'a> {
    /// The source's API.
    pub api: &'a str,
    /// Unix seconds.
    pub checked_at: i64,
    /// Unix seconds of the next check (the caller applies backoff).
    pub next_check_at: i64,
    /// What the check found.
    pub result: CheckResult<'a>,
    /// The validators of the answer (kept as they were when `None`, and on
    /// failure).
    pub etag: Option<&'a str>,
    /// See [`SourceCheck::etag`].
    pub last_modified: Option<&'a str>,
}

/// How a synced snapshot's document was fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetched<'a> {
    /// Unix seconds.
    pub at: i64,
    /// The ETag the source's server gave, if any.
    pub etag: Option<&'a str>,
}

/// Held while one process syncs sources: with several replicas over one
/// PostgreSQL catalog only one holds it at a time (an advisory lock,
/// released when this is dropped or the process dies).
pub struct SyncLock {
    _held: Box<dyn Send>,
}

impl SyncLock {
    pub(crate) fn new(held: impl Send + 'static) -> SyncLock {
        SyncLock {
            _held: Box::new(held),
        }
    }
}

impl std::fmt::Debug for SyncLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncLock")
    }
}
