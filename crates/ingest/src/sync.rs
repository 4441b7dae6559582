//! Following sources: each due source is fetched with the validators of
//! its last answer (`If-None-Match`, `If-Modified-Since`), and a document
//! that changed becomes a snapshot of the source's API, with its provenance
//! (URL, fetch time, ETag, content hash).
//!
//! A source that cannot be fetched or read is reported, recorded and tried
//! again after a backoff that grows with its failures in a row (one minute,
//! two, four, … never beyond its own interval); it never stops the others.
//! One pass runs under [`Catalog::sync_lock`], so replicas over one
//! PostgreSQL catalog take turns.

use std::time::Duration;

use serde::Serialize;
use specdex_spec::{Base, ReadOptions};
use specdex_store::{
    Catalog, CheckResult, Fetched, IngestStatus, SourceCheck, SourceInfo, StoreError, split_api_id,
};

use crate::batch::{Document, IngestLine, IngestOptions, prepare, store};
use crate::http::{Conditional, HttpClient, UrlFetch};
use crate::metrics::{Outcome, Via, record_ingest};

/// The wait after a source's first failure in a row; each further failure
/// doubles it, up to the source's own interval.
pub const FIRST_RETRY_SECONDS: i64 = 60;

/// Which sources a pass checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Those whose next check has come.
    Now,
    /// Every source, due or not.
    All,
}

/// How to sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// How documents are read (limits; remote references).
    pub read: ReadOptions,
    /// Timeout for each fetch.
    pub http_timeout: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            read: ReadOptions::default(),
            http_timeout: Duration::from_secs(60),
        }
    }
}

/// What one check of a source found.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Checked {
    /// A new snapshot was stored.
    Changed {
        /// The snapshot, as an ingest line describes it.
        snapshot: IngestLine,
    },
    /// Nothing new: the server answered 304 (`not_modified`), or sent
    /// content the API already has.
    Unchanged {
        /// Whether the server answered 304.
        not_modified: bool,
    },
    /// The source could not be fetched or read.
    Failed {
        /// Why, as a person can act on it.
        error: String,
    },
}

/// One source after its check.
#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    /// What the check found.
    #[serde(flatten)]
    pub checked: Checked,
    /// The source as recorded after the check (next check, failures).
    pub source: SourceInfo,
}

/// Checks the sources that `due` selects, calling `report` after each.
/// Returns how many were checked, or `None` when another process holds
/// the sync lock (nothing was done). Only a failure of the catalog itself
/// stops the pass; a source's failure is recorded on it and reported.
pub fn sync_sources(
    catalog: &dyn Catalog,
    options: &SyncOptions,
    due: Due,
    now: impl Fn() -> i64,
    mut report: impl FnMut(&SourceReport),
) -> Result<Option<usize>, StoreError> {
    let Some(_lock) = catalog.sync_lock()? else {
        return Ok(None);
    };
    let http = HttpClient::new(options.http_timeout, options.read.max_bytes).map_err(|e| {
        StoreError::Database {
            action: "prepare the HTTP client".to_owned(),
            cause: e.into(),
        }
    })?;
    let start = now();
    let mut checked = 0;
    // Read under the lock, so a source another replica just checked is no
    // longer due.
    for source in catalog.sources()? {
        if due == Due::Now && source.next_check_at > start {
            continue;
        }
        let outcome = check_source(catalog, &http, options, &source, now());
        let at = now();
        let (result, etag, last_modified) = match &outcome {
            Ok(found) => (found.result(), found.etag(), found.last_modified()),
            Err(error) => (CheckResult::Failed(error), None, None),
        };
        let next_check_at = match result {
            CheckResult::Failed(_) => at + retry_after(&source),
            _ => at + source.every_seconds,
        };
        let recorded = catalog.record_source_check(SourceCheck {
            api: &source.api,
            checked_at: at,
            next_check_at,
            result,
            etag,
            last_modified,
        });
        let source = match recorded {
            Ok(source) => source,
            // Removed while it was being checked: nothing left to report on.
            Err(StoreError::SourceNotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        checked += 1;
        let checked = match outcome {
            Ok(found) => found.checked,
            Err(error) => Checked::Failed { error },
        };
        report(&SourceReport { checked, source });
    }
    Ok(Some(checked))
}

/// Seconds before a source that just failed is tried again: doubling from
/// [`FIRST_RETRY_SECONDS`] with the failures in a row before this one,
/// never beyond its interval.
pub fn retry_after(source: &SourceInfo) -> i64 {
    let doublings = source.failures.min(20);
    (FIRST_RETRY_SECONDS << doublings).min(source.every_seconds.max(1))
}

/// A check that reached the source's server and read what it answered.
struct Found {
    checked: Checked,
    etag: Option<String>,
    last_modified: Option<String>,
}

impl Found {
    fn result(&self) -> CheckResult<'_> {
        match &self.checked {
            Checked::Changed { .. } => CheckResult::Changed,
            Checked::Unchanged { .. } => CheckResult::Unchanged,
            Checked::Failed { error } => CheckResult::Failed(error),
        }
    }

    fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    fn last_modified(&self) -> Option<&str> {
        self.last_modified.as_deref()
    }
}

/// Fetches one source and stores what changed. `Err` is a failure of the
/// source (unreachable, refused, unreadable), with its message.
fn check_source(
    catalog: &dyn Catalog,
    http: &HttpClient,
    options: &SyncOptions,
    source: &SourceInfo,
    fetched_at: i64,
) -> Result<Found, String> {
    let (provider, api) = split_api_id(&source.api)
        .ok_or_else(|| format!("`{}` is not an API id (provider/api)", source.api))?;
    let answer = http
        .get_if_changed(
            &source.url,
            source.etag.as_deref(),
            source.last_modified.as_deref(),
        )
        .map_err(|e| e.to_string())?;
    let (body, etag, last_modified) = match answer {
        Conditional::NotModified => {
            return Ok(Found {
                checked: Checked::Unchanged { not_modified: true },
                etag: None,
                last_modified: None,
            });
        }
        Conditional::Changed {
            body,
            etag,
            last_modified,
        } => (body, etag, last_modified),
    };
    let fetch = UrlFetch::new(options.read.allow_remote_refs.then(|| http.clone()));
    let base = Base::Url(source.url.clone());
    let read = Document::packed(specdex_spec::read_owned_api(
        &source.url,
        body,
        &base,
        &fetch,
        &options.read,
        Document::pack,
    ));
    let ingest = IngestOptions {
        provider: Some(provider.to_owned()),
        api: Some(api.to_owned()),
        read: options.read.clone(),
        ..IngestOptions::default()
    };
    let fetched = Fetched {
        at: fetched_at,
        etag: etag.as_deref(),
    };
    let ready = prepare(catalog, &source.url, read, &ingest);
    let result = store(catalog, source.url.clone(), ready, &ingest, Some(fetched));
    record_ingest(Outcome::of(&result.outcome), Via::Sync);
    let checked = match result.outcome.map_err(|e| e.to_string())? {
        snapshot if snapshot.status == IngestStatus::New => Checked::Changed {
            snapshot: snapshot.line(),
        },
        _ => Checked::Unchanged {
            not_modified: false,
        },
    };
    Ok(Found {
        checked,
        etag,
        last_modified,
    })
}
