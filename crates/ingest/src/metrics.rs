//! Counts of documents offered to the catalog, through the [`metrics`]
//! facade. Recording is a no-op unless the process installed a recorder (the
//! server does, for `GET /metrics`; `specdex ingest` does not), so every
//! path that stores documents records freely.

use specdex_store::IngestStatus;

use crate::batch::{IngestError, Ingested};

/// Counter of documents offered to the catalog, by `outcome` and `via`.
pub const DOCUMENTS_TOTAL: &str = "specdex_ingest_documents_total";

/// What became of one document: the `outcome` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new snapshot was stored.
    New,
    /// Its content was already stored; nothing was written.
    Unchanged,
    /// It was refused or could not be read or stored.
    Failed,
}

impl Outcome {
    /// The outcome of one ingested (or refused) document.
    pub fn of(result: &Result<Ingested, IngestError>) -> Outcome {
        match result {
            Ok(ingested) => Outcome::from(&ingested.status),
            Err(_) => Outcome::Failed,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Outcome::New => "new",
            Outcome::Unchanged => "unchanged",
            Outcome::Failed => "failed",
        }
    }
}

impl From<&IngestStatus> for Outcome {
    fn from(status: &IngestStatus) -> Outcome {
        match status {
            IngestStatus::New => Outcome::New,
            IngestStatus::Unchanged => Outcome::Unchanged,
        }
    }
}

/// How a document came in: the `via` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// `specdex ingest` or [`crate::ingest_all`].
    Ingest,
    /// Posted to the server by a client.
    Publish,
    /// Fetched from a followed source.
    Sync,
}

impl Via {
    fn label(self) -> &'static str {
        match self {
            Via::Ingest => "ingest",
            Via::Publish => "publish",
            Via::Sync => "sync",
        }
    }
}

/// Counts one document in [`DOCUMENTS_TOTAL`]. Labels are fixed words, so
/// the number of series stays bounded whatever the documents say.
pub fn record_ingest(outcome: Outcome, via: Via) {
    // Described at each record rather than once: a document costs far more
    // than the lookup, and the description is there whether the recorder
    // was installed before or after the first document.
    metrics::describe_counter!(
        DOCUMENTS_TOTAL,
        "Documents offered to the catalog, by outcome (new, unchanged, failed) and way in (ingest, publish, sync)."
    );
    metrics::counter!(DOCUMENTS_TOTAL, "outcome" => outcome.label(), "via" => via.label())
        .increment(1);
}
