//! What both catalogs store for search: each snapshot's segment, built by
//! [`specdex_search::build_segment`] over exactly the text
//! [`Catalog::search_rows`](crate::Catalog::search_rows) gives for it.
//!
//! A segment is built in one of two ways: from the model at ingest
//! ([`segment_of_api`]), or from the stored rows when a catalog lacks one
//! ([`segment_of_rows`]: after a migration, a change of
//! [`SEGMENT_FORMAT`], or when removing or moving a snapshot makes an older
//! one current). Both must give the same bytes for the same snapshot; the
//! cuts below are the ones the stores apply when they write the rows.

use specdex_search::{ApiText, EndpointText, build_segment};

use crate::encode::prefix;
use crate::{
    Api, ApiSearchRow, DESCRIPTION_PREFIX_CHARS, EndpointSearchRow,
    PROVIDER_DESCRIPTION_PREFIX_CHARS,
};

pub(crate) use specdex_search::SEGMENT_FORMAT;

/// How many segments a rebuild at open writes per transaction, so a process
/// stopped midway keeps what it built.
pub(crate) const REBUILD_BATCH: usize = 200;

/// [`SEGMENT_FORMAT`] as stored.
pub(crate) fn stored_format() -> i64 {
    i64::from(SEGMENT_FORMAT)
}

/// The segment of a snapshot about to be ingested, from its model.
pub(crate) fn segment_of_api(api: &Api) -> Vec<u8> {
    api_text(api, build_segment)
}

/// The segment of a stored snapshot, from its search rows (already cut as
/// stored): `endpoints` are the snapshot's, in document order.
pub(crate) fn segment_of_rows(api: &ApiSearchRow, endpoints: &[EndpointSearchRow]) -> Vec<u8> {
    rows_text(api, endpoints, build_segment)
}

/// Hands `then` the text of a model as search sees it: the title,
/// `info.description` cut to [`PROVIDER_DESCRIPTION_PREFIX_CHARS`], the tag
/// names; each operation under `paths` (webhooks are not endpoints) in
/// document order, its description cut to [`DESCRIPTION_PREFIX_CHARS`].
fn api_text<R>(api: &Api, then: impl FnOnce(&ApiText<'_>, &[EndpointText<'_>]) -> R) -> R {
    let tags: Vec<String> = api.tags.iter().map(|tag| tag.name.clone()).collect();
    let text = ApiText {
        title: &api.info.title,
        description: api
            .info
            .description
            .as_deref()
            .map(|d| prefix(d, PROVIDER_DESCRIPTION_PREFIX_CHARS)),
        tags: &tags,
    };
    let endpoints: Vec<EndpointText<'_>> = api
        .endpoints
        .iter()
        .map(|e| EndpointText {
            method: &e.method,
            path: &e.path,
            operation_id: e.operation_id.as_deref(),
            summary: e.summary.as_deref(),
            tags: &e.tags,
            deprecated: e.deprecated,
            description: e
                .description
                .as_deref()
                .map(|d| prefix(d, DESCRIPTION_PREFIX_CHARS)),
        })
        .collect();
    then(&text, &endpoints)
}

/// Hands `then` the text of a snapshot's search rows.
fn rows_text<R>(
    api: &ApiSearchRow,
    endpoints: &[EndpointSearchRow],
    then: impl FnOnce(&ApiText<'_>, &[EndpointText<'_>]) -> R,
) -> R {
    let text = ApiText {
        title: &api.title,
        description: api.description.as_deref(),
        tags: &api.tags,
    };
    let endpoints: Vec<EndpointText<'_>> = endpoints
        .iter()
        .map(|row| EndpointText {
            method: &row.endpoint.method,
            path: &row.endpoint.path,
            operation_id: row.endpoint.operation_id.as_deref(),
            summary: row.endpoint.summary.as_deref(),
            tags: &row.endpoint.tags,
            deprecated: row.endpoint.deprecated,
            description: row.description.as_deref(),
        })
        .collect();
    then(&text, &endpoints)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use specdex_spec::identity::Identity;

    use super::*;
    use crate::{Catalog, NewSnapshot, SqliteCatalog};

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    include!("../tests/data/wordy_api.rs");

    /// Every field, as text to compare (the text types have no equality).
    fn shown(api: &ApiText<'_>, endpoints: &[EndpointText<'_>]) -> String {
        format!("{api:?} {endpoints:?}")
    }

    /// The text given to the segment at ingest is the text `search_rows`
    /// reads back, field by field; the byte comparison in the catalog tests
    /// cannot see fields a segment format leaves out.
    #[test]
    fn ingest_text_is_the_search_rows_text() -> TestResult {
        let api = wordy_api("Pets\u{0} & co");
        let catalog = SqliteCatalog::open_in_memory()?;
        let identity = Identity {
            provider: "pets".to_owned(),
            api: Some("api".to_owned()),
            evidence: Default::default(),
        };
        catalog.ingest(NewSnapshot {
            identity: &identity,
            version_label: "1",
            content_hash: &"ab".repeat(32),
            source: "pets.json",
            api: &api,
            document: b"{}",
            ingested_at: Some(1),
            published_by: None,
            fetched: None,
        })?;
        let (apis, endpoints) = catalog.search_rows()?;
        let [row] = apis.as_slice() else {
            return Err("one API".into());
        };
        assert_eq!(
            api_text(&api, shown),
            rows_text(row, &endpoints, shown),
            "ingest and stored rows disagree"
        );
        Ok(())
    }
}
