//! Search over a catalog of APIs, in two halves that never meet the database:
//!
//! - [`build_segment`] turns one snapshot's text (its title, description and
//!   tags, and each endpoint's) into a *segment*: an immutable, self-contained
//!   byte string holding that API's words, postings and the endpoint facts
//!   ranking needs. The store builds it when a snapshot is ingested and keeps
//!   it beside the snapshot, so an index is never rebuilt for the whole
//!   catalog: a changed API changes one segment.
//! - [`SearchIndex`] reads the segments of every API's current snapshot, as
//!   they are (no decoding into owned structures), and ranks APIs and
//!   endpoints for a question.

mod index;
mod intent;
mod segment;
mod text;

pub use index::{SearchIndex, Segment};
pub use segment::{ApiText, EndpointText, SEGMENT_FORMAT, SegmentError, build_segment};
pub use text::words;

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
        method: String,
        path: String,
        summary: Option<String>,
        operation_id: Option<String>,
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
