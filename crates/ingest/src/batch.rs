//! Ingesting a batch of documents: parallel reading, ordered storing.
//!
//! Reading (parse, bundle, extract) and preparing to store (encoding the
//! snapshot: JSON, search segment, compressed document) are CPU work and run
//! on several threads; storing runs on the calling thread, one transaction
//! per document, in the order of the jobs. So the result of a batch does not
//! depend on thread timing (older versions of a provider go in before newer
//! ones), a failure in one document touches no other, and a process killed
//! mid-batch leaves every document stored before the kill.

use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, mpsc};
use std::time::Duration;

use serde::Serialize;
use specdex_spec::identity::{Identity, identify};
use specdex_spec::{Base, NoFetch, ReadDocument, ReadOptions, SpecError, slug};
use specdex_store::{
    Catalog, Fetched, IngestStatus, NewSnapshot, Prepared, StoreError, pack_document_pieces,
};

use crate::http::{HttpClient, HttpError, UrlFetch};
use crate::metrics::{Outcome, Via, record_ingest};
use crate::plan::Job;

/// How to ingest.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Provider slug for every document (else derived from each document).
    pub provider: Option<String>,
    /// API name for every document (else APIs.guru's `x-serviceName`, or
    /// chosen among the provider's APIs by the identity rule; see
    /// [`specdex_spec::identity`]).
    pub api: Option<String>,
    /// Version label for every document (else `info.version`).
    pub version: Option<String>,
    pub read: ReadOptions,
    /// Reader threads; 0 means one per CPU.
    pub threads: usize,
    /// Timeout for each http(s) fetch.
    pub http_timeout: Option<Duration>,
    /// The name of the key publishing over HTTP, recorded on each new
    /// snapshot; `None` for a local ingest.
    pub published_by: Option<String>,
}

/// Why one document was not ingested.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("{0}")]
    Invalid(String),
}

/// What happened to one document that went in.
#[derive(Debug, Clone, Serialize)]
pub struct Ingested {
    pub source: String,
    /// The API it went to, `provider/api`.
    pub api: String,
    /// Whether that API was created by this document.
    pub api_created: bool,
    pub provider: String,
    pub version: String,
    pub endpoints: u32,
    pub schemas: u32,
    pub snapshot: i64,
    pub status: IngestStatus,
    /// Rule breaks found while reading (the document still went in).
    pub warnings: Vec<specdex_spec::Warning>,
}

/// What `specdex ingest --json` prints for a document that went in, and
/// what a publish over HTTP answers.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IngestLine {
    /// Where the document came from.
    pub source: String,
    /// The API it went to, `provider/api`.
    pub api: String,
    /// Whether this document created the API.
    pub api_created: bool,
    pub provider: String,
    pub version: String,
    pub endpoints: u32,
    pub schemas: u32,
    /// The snapshot's id.
    pub snapshot: i64,
    /// `new`, or `unchanged` when the API already had this content.
    pub status: IngestStatus,
    /// How many rule breaks were found while reading (it still went in).
    pub warnings: usize,
    /// The name of the key that published it (publishing over HTTP only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_by: Option<String>,
}

impl Ingested {
    /// The line `specdex ingest --json` prints for it.
    pub fn line(&self) -> IngestLine {
        IngestLine {
            source: self.source.clone(),
            api: self.api.clone(),
            api_created: self.api_created,
            provider: self.provider.clone(),
            version: self.version.clone(),
            endpoints: self.endpoints,
            schemas: self.schemas,
            snapshot: self.snapshot,
            status: self.status.clone(),
            warnings: self.warnings.len(),
            published_by: None,
        }
    }
}

/// The outcome of one job.
#[derive(Debug)]
pub struct JobResult {
    pub source: String,
    pub outcome: Result<Ingested, IngestError>,
    /// Bytes of the document itself (0 if it could not be read).
    pub bytes: u64,
}

/// Ingests `jobs` into `catalog`, calling `on_result` for each in job order.
pub fn ingest_all(
    catalog: &dyn Catalog,
    jobs: &[Job],
    options: &IngestOptions,
    on_result: impl FnMut(JobResult),
) {
    run_batch(&|| Some(catalog), jobs, options, on_result);
}

/// [`ingest_all`] into the catalog `open` opens, on a thread of its own
/// while the first documents are read: laying out a new SQLite catalog
/// takes milliseconds (9 ms more than a process that opens none) that
/// reading need not wait for, since only storing needs the catalog. If it
/// cannot be opened, nothing is ingested, no job is reported, and its
/// error is returned.
pub fn ingest_all_opening(
    open: impl FnOnce() -> Result<Arc<dyn Catalog>, StoreError> + Send,
    jobs: &[Job],
    options: &IngestOptions,
    on_result: impl FnMut(JobResult),
) -> Result<(), StoreError> {
    // `None` if opening panicked: the readers waiting for the catalog stop,
    // and the scope passes the panic on.
    let opened = OnceLock::new();
    std::thread::scope(|scope| {
        scope.spawn(|| match std::panic::catch_unwind(AssertUnwindSafe(open)) {
            Ok(done) => {
                let _ = opened.set(Some(done));
            }
            Err(panic) => {
                let _ = opened.set(None);
                std::panic::resume_unwind(panic);
            }
        });
        let catalog = || opened.wait().as_ref()?.as_deref().ok();
        run_batch(&catalog, jobs, options, on_result);
    });
    match opened.into_inner() {
        Some(Some(Err(e))) => Err(e),
        _ => Ok(()),
    }
}

/// The body of [`ingest_all`], with the catalog given by `catalog`, which
/// may wait for it to be opened and gives `None` if it could not be: then
/// the batch stops, reporting no more jobs.
fn run_batch<'c>(
    catalog: &(dyn Fn() -> Option<&'c dyn Catalog> + Sync),
    jobs: &[Job],
    options: &IngestOptions,
    mut on_result: impl FnMut(JobResult),
) {
    // Every result passes here, in job order, refusals included.
    let mut on_result = |result: JobResult| {
        record_ingest(Outcome::of(&result.outcome), Via::Ingest);
        on_result(result);
    };
    if let Err(invalid) = check_names(options) {
        for job in jobs {
            on_result(JobResult {
                source: job.source(),
                outcome: Err(IngestError::Invalid(invalid.clone())),
                bytes: 0,
            });
        }
        return;
    }
    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(2, usize::from),
        n => n,
    }
    .min(jobs.len().max(1));
    // A client starts a thread and a runtime of its own: only when a job
    // or a remote `$ref` may need it.
    let needs_http =
        options.read.allow_remote_refs || jobs.iter().any(|job| matches!(job, Job::Url(_)));
    let http = needs_http.then(|| build_http(options)).flatten();
    let next = AtomicUsize::new(0);
    let gate = Gate::default();
    let (sender, receiver) = mpsc::sync_channel::<(usize, u64, String, Ready)>(Gate::WINDOW);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let sender = sender.clone();
            let (next, gate, http) = (&next, &gate, &http);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(index) else { break };
                    let size = job.size_hint();
                    if !gate.admit(index, size) {
                        break;
                    }
                    let source = job.source();
                    let read = read_job(job, &options.read, http.as_ref());
                    let Some(catalog) = catalog() else { break };
                    let ready = prepare(catalog, &source, read, options);
                    if sender.send((index, size, source, ready)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let Some(catalog) = catalog() else {
            gate.close();
            return;
        };
        let mut pending = BTreeMap::new();
        let mut expected = 0;
        for (index, size, source, ready) in receiver {
            pending.insert(index, (size, source, ready));
            while let Some((size, source, ready)) = pending.remove(&expected) {
                let result = store(catalog, source, ready, options, None);
                on_result(result);
                expected += 1;
                gate.release(expected, size);
            }
        }
    });
}

/// Refuses a provider or API name given in `options` that is outside the
/// catalog's alphabet, naming the option.
fn check_names(options: &IngestOptions) -> Result<(), String> {
    let invalid = [("--provider", &options.provider), ("--api", &options.api)]
        .into_iter()
        .find_map(|(flag, value)| {
            value
                .as_ref()
                .filter(|v| !slug::is_valid_slug(v))
                .map(|v| (flag, v))
        });
    match invalid {
        Some((flag, value)) => Err(format!(
            "{flag} \"{value}\": use lower-case letters, digits, '.', '-' and '_' only"
        )),
        None => Ok(()),
    }
}

/// Admission control for readers. A parsed document takes about ten times
/// its size in memory and waits in job order to be stored, so readers may
/// run at most [`Gate::WINDOW`] jobs ahead of the store and hold at most
/// [`Gate::BUDGET`] bytes of source between them. The job the store waits
/// for is always admitted, so the batch never stalls (a document larger than
/// the budget is read alone). Jobs are admitted in order, so a large
/// document waiting for room is not overtaken by the ones behind it. A
/// batch that stops storing (its catalog did not open) closes the gate, and
/// readers waiting for room stop instead.
#[derive(Default)]
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Default)]
struct GateState {
    /// Jobs stored so far, which is also the index of the next one to store.
    stored: usize,
    /// Jobs admitted so far: the index of the next one to admit.
    admitted: usize,
    bytes_in_flight: u64,
    /// Set when the batch stops early (its catalog did not open).
    closed: bool,
}

impl Gate {
    const WINDOW: usize = 32;
    const BUDGET: u64 = 32 * 1024 * 1024;

    /// Waits until job `index` of `size` bytes may be read; false if the
    /// gate was closed meanwhile.
    fn admit(&self, index: usize, size: u64) -> bool {
        let mut state = self.state.lock().expect("ingest gate poisoned");
        while !state.closed
            && (index != state.admitted
                || (index != state.stored
                    && (index >= state.stored + Self::WINDOW
                        || state.bytes_in_flight + size > Self::BUDGET)))
        {
            state = self.changed.wait(state).expect("ingest gate poisoned");
        }
        if state.closed {
            return false;
        }
        state.admitted += 1;
        state.bytes_in_flight += size;
        self.changed.notify_all();
        true
    }

    /// Admits no more jobs, and wakes the readers waiting for room: nothing
    /// will be stored to make it.
    fn close(&self) {
        let mut state = self.state.lock().expect("ingest gate poisoned");
        state.closed = true;
        self.changed.notify_all();
    }

    fn release(&self, stored: usize, size: u64) {
        let mut state = self.state.lock().expect("ingest gate poisoned");
        state.stored = stored;
        state.bytes_in_flight = state.bytes_in_flight.saturating_sub(size);
        self.changed.notify_all();
    }
}

fn build_http(options: &IngestOptions) -> Option<HttpClient> {
    let timeout = options.http_timeout.unwrap_or(Duration::from_secs(60));
    HttpClient::new(timeout, options.read.max_bytes).ok()
}

/// A job after reading: the model and the document, or why not.
pub(crate) type Read = Result<(ReadDocument, Document), IngestError>;

/// A document's text as the catalog stores it ([`pack_document_pieces`]), packed
/// while it is parsed so that its text is not held beside its parsed tree
/// and model (13 MB of GitHub's peak).
pub(crate) struct Document {
    packed: Vec<u8>,
    /// Bytes of the text.
    size: u64,
}

impl Document {
    /// The `beside_parse` of [`specdex_spec::read_owned_api`].
    pub(crate) fn pack(text: &[&[u8]]) -> Result<Document, StoreError> {
        Ok(Document {
            packed: pack_document_pieces(text)?,
            size: text.iter().map(|piece| piece.len() as u64).sum(),
        })
    }

    /// A read whose document was packed, or the first thing that failed.
    pub(crate) fn packed(
        read: Result<(ReadDocument, Result<Document, StoreError>), SpecError>,
    ) -> Read {
        let (read, document) = read?;
        Ok((read, document?))
    }
}

fn read_job(job: &Job, options: &ReadOptions, http: Option<&HttpClient>) -> Read {
    match job {
        Job::File { path, root } => {
            let bytes = crate::fs::read_document_bytes(path, options.max_bytes)?;
            let remote = options.allow_remote_refs.then(|| http.cloned()).flatten();
            Document::packed(crate::fs::read_owned_bytes_at(
                path,
                root,
                bytes,
                options,
                remote,
                Document::pack,
            ))
        }
        Job::Url(url) => {
            let http = http
                .ok_or_else(|| IngestError::Invalid(format!("{url}: no http client available")))?;
            let bytes = http.get(url)?;
            let fetch = UrlFetch::new(options.allow_remote_refs.then(|| http.clone()));
            let base = Base::Url(url.clone());
            Document::packed(specdex_spec::read_owned_api(
                url,
                bytes,
                &base,
                &fetch,
                options,
                Document::pack,
            ))
        }
    }
}

/// A document read and named: what a snapshot of it is made of.
pub(crate) struct Named {
    read: ReadDocument,
    document: Document,
    identity: Identity,
    version: String,
}

impl Named {
    fn new(read: ReadDocument, document: Document, options: &IngestOptions) -> Named {
        let api = &read.api;
        let identity = identify(api, options.provider.as_deref(), options.api.as_deref());
        let version = options
            .version
            .clone()
            .filter(|v| !v.is_empty())
            .or_else(|| Some(api.info.version.clone()).filter(|v| !v.is_empty()))
            .unwrap_or_else(|| "unversioned".to_owned());
        Named {
            read,
            document,
            identity,
            version,
        }
    }

    /// The snapshot to store, from `source`.
    fn snapshot<'a>(
        &'a self,
        source: &'a str,
        options: &'a IngestOptions,
        fetched: Option<Fetched<'a>>,
    ) -> NewSnapshot<'a> {
        NewSnapshot {
            identity: &self.identity,
            version_label: &self.version,
            content_hash: &self.read.content_hash,
            source,
            api: &self.read.api,
            document: &self.document.packed,
            ingested_at: None,
            published_by: options.published_by.as_deref(),
            fetched,
        }
    }
}

/// A job ready to store: named and prepared ([`Catalog::prepare`]), or why
/// not.
pub(crate) type Ready = Result<(Named, Prepared), IngestError>;

/// Names what was read and prepares it for storing. This is the part of
/// storing that writes nothing (encoding above all), so a batch does it on
/// its reading threads and the one writing thread only writes.
pub(crate) fn prepare(
    catalog: &dyn Catalog,
    source: &str,
    read: Read,
    options: &IngestOptions,
) -> Ready {
    let (read, document) = read?;
    let named = Named::new(read, document, options);
    let prepared = catalog.prepare(&named.snapshot(source, options, None))?;
    Ok((named, prepared))
}

/// Stores what was read and prepared; `fetched` says how a synced document
/// was fetched.
pub(crate) fn store(
    catalog: &dyn Catalog,
    source: String,
    ready: Ready,
    options: &IngestOptions,
    fetched: Option<Fetched<'_>>,
) -> JobResult {
    let (named, prepared) = match ready {
        Ok(ready) => ready,
        Err(e) => {
            return JobResult {
                source,
                outcome: Err(e),
                bytes: 0,
            };
        }
    };
    let outcome = catalog
        .ingest_prepared(named.snapshot(&source, options, fetched), prepared)
        .map(|outcome| Ingested {
            source: source.clone(),
            api: outcome.snapshot.api.clone(),
            api_created: outcome.api_created,
            provider: outcome.snapshot.provider.clone(),
            version: outcome.snapshot.version.clone(),
            endpoints: outcome.snapshot.endpoints,
            schemas: outcome.snapshot.schemas,
            snapshot: outcome.snapshot.id,
            status: outcome.status,
            warnings: named.read.api.warnings.clone(),
        })
        .map_err(IngestError::from);
    let bytes = named.document.size;
    if bytes >= specdex_spec::THREADS_FROM_BYTES as u64 {
        // The model of a large document is tens of thousands of values,
        // which the writer need not wait to free.
        specdex_spec::drop_beside(named);
    }
    JobResult {
        source,
        outcome,
        bytes,
    }
}

/// Ingests a document given as bytes, with no location: it may reference
/// no file and no URL (`$ref`s inside it only), whatever `options` allow.
/// For documents published over HTTP; `source` says where it came from.
/// `options.provider` and `options.api` should name the API, as the
/// publisher's URL does.
pub fn ingest_bytes(
    catalog: &dyn Catalog,
    source: &str,
    bytes: Vec<u8>,
    options: &IngestOptions,
) -> JobResult {
    let read = check_names(options)
        .map_err(IngestError::Invalid)
        .and_then(|()| {
            Document::packed(specdex_spec::read_owned_api(
                source,
                bytes,
                &Base::Detached,
                &NoFetch,
                &options.read,
                Document::pack,
            ))
        });
    let ready = prepare(catalog, source, read, options);
    let result = store(catalog, source.to_owned(), ready, options, None);
    record_ingest(Outcome::of(&result.outcome), Via::Publish);
    result
}

/// Ingests a single file: the convenience form of [`ingest_all`] for tests
/// and embedders.
pub fn ingest_file(
    catalog: &dyn Catalog,
    path: &Path,
    root: Option<&Path>,
    options: &IngestOptions,
) -> JobResult {
    let root = root.map_or_else(|| crate::fs::default_root(path), Path::to_path_buf);
    let job = Job::File {
        path: path.to_path_buf(),
        root,
    };
    let mut result = None;
    ingest_all(catalog, std::slice::from_ref(&job), options, |r| {
        result = Some(r)
    });
    result.unwrap_or(JobResult {
        source: job.source(),
        outcome: Err(IngestError::Invalid("nothing was ingested".to_owned())),
        bytes: 0,
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use specdex_store::SqliteCatalog;

    use super::*;

    /// Two small documents of two APIs, as jobs.
    fn two_documents(dir: &Path) -> Vec<Job> {
        ["alpha", "beta"]
            .iter()
            .map(|name| {
                let path = dir.join(format!("{name}.yaml"));
                let text = format!(
                    "openapi: 3.0.0\ninfo: {{title: {name}, version: '1'}}\n\
                     paths:\n  /items:\n    get: {{responses: {{'200': {{description: ok}}}}}}\n"
                );
                std::fs::write(&path, text).expect("write a document");
                Job::File {
                    path,
                    root: dir.to_path_buf(),
                }
            })
            .collect()
    }

    /// An opening that fails.
    fn refused() -> Result<Arc<dyn Catalog>, StoreError> {
        Err(StoreError::Open {
            location: "nowhere.db".to_owned(),
            cause: "refused".into(),
        })
    }

    fn sources(results: &[JobResult]) -> Vec<String> {
        results.iter().map(|r| r.source.clone()).collect()
    }

    #[test]
    fn a_batch_is_stored_in_the_catalog_opened_beside_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let jobs = two_documents(dir.path());
        let db: PathBuf = dir.path().join("catalog.db");
        let mut results = Vec::new();
        let opened = ingest_all_opening(
            || Ok(Arc::new(SqliteCatalog::open(&db)?) as Arc<dyn Catalog>),
            &jobs,
            &IngestOptions::default(),
            |result| results.push(result),
        );
        assert!(opened.is_ok(), "{opened:?}");
        assert_eq!(
            sources(&results),
            jobs.iter().map(Job::source).collect::<Vec<_>>()
        );
        assert!(results.iter().all(|r| r.outcome.is_ok()), "{results:?}");
        let catalog = SqliteCatalog::open(&db).expect("reopen");
        let apis: Vec<String> = catalog
            .apis()
            .expect("apis")
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(apis, ["alpha/api", "beta/api"]);
    }

    #[test]
    fn a_catalog_that_cannot_be_opened_takes_nothing_and_says_why() {
        let dir = tempfile::tempdir().expect("tempdir");
        let jobs = two_documents(dir.path());
        let mut results = Vec::new();
        let opened = ingest_all_opening(refused, &jobs, &IngestOptions::default(), |result| {
            results.push(result)
        });
        let error = opened.expect_err("the catalog did not open").to_string();
        assert_eq!(error, "cannot open catalog at nowhere.db: refused");
        assert!(results.is_empty(), "{results:?}");
    }

    #[test]
    fn a_catalog_that_cannot_be_opened_stops_readers_waiting_for_room() {
        // Two documents larger together than the readers' budget: the
        // second waits for the first to be stored, which never comes.
        let dir = tempfile::tempdir().expect("tempdir");
        let size = Gate::BUDGET * 5 / 8;
        let jobs: Vec<Job> = ["one.json", "two.json"]
            .iter()
            .map(|name| {
                let path = dir.path().join(name);
                let file = std::fs::File::create(&path).expect("create a document");
                file.set_len(size).expect("size it (sparse)");
                Job::File {
                    path,
                    root: dir.path().to_path_buf(),
                }
            })
            .collect();
        let options = IngestOptions {
            threads: 2,
            ..IngestOptions::default()
        };
        let mut results = Vec::new();
        let opened = ingest_all_opening(refused, &jobs, &options, |result| results.push(result));
        assert!(opened.is_err());
        assert!(results.is_empty(), "{results:?}");
    }

    #[test]
    fn a_panic_while_opening_stops_the_batch_and_is_passed_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let jobs = two_documents(dir.path());
        let mut reported = 0;
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            ingest_all_opening(
                || panic!("opening failed"),
                &jobs,
                &IngestOptions::default(),
                |_| reported += 1,
            )
        }));
        // The readers waiting for the catalog stopped instead of waiting
        // for ever, and the panic came back here.
        assert!(outcome.is_err());
        assert_eq!(reported, 0);
    }
}
