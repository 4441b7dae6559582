//! Search over a catalog of APIs, in two halves that never meet the database:
//!
//! - [`build_segment`] turns one snapshot's text (its title, description and
//!   tags, and each endpoint's) into a *segment*: an immutable, self-contained
//!   byte string holding that API's words, postings and the endpoint facts
//!   ranking needs. The store builds it when a snapshot is ingested and keeps
//!   it beside the snapshot, so an index is never rebuilt for the whole
//!   catalog: a changed API changes one segment.
//! - `SearchIndex` reads the segments of every API's current snapshot, as
//!   they are (no decoding into owned structures), and ranks APIs and
//!   endpoints for a question.

mod segment;

pub use segment::{ApiText, EndpointText, SEGMENT_FORMAT, build_segment};
