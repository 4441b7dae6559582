//! specdex ingestion: sources (files, directories, URLs) → [`specdex_spec`]
//! → [`specdex_store`].
//!
//! This is the I/O edge around the pure spec crate: it reads files (confined
//! to an ingest root), fetches URLs, walks directories, and hands finished
//! models to the store, one transaction per document.

pub mod batch;
pub mod fs;
pub mod http;
pub mod metrics;
pub mod plan;
pub mod sync;

pub use batch::{
    IngestError, IngestLine, IngestOptions, Ingested, JobResult, ingest_all, ingest_all_opening,
    ingest_bytes, ingest_file,
};
pub use fs::{RootedFetch, default_root, read_path};
pub use http::{Answered, Conditional, HttpClient, HttpError, UrlFetch};
pub use metrics::record_ingest;
pub use plan::{Job, PlanFailure, plan};
pub use sync::{Checked, Due, SourceReport, SyncOptions, sync_sources};
