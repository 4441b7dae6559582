//! Search segments, on both backends: each ingest stores the segment of the
//! text `search_rows` gives for the snapshot; every current snapshot keeps
//! one of this build's format through removals, moves, and catalogs whose
//! segments are missing or outdated when opened.

#[macro_use]
mod common;

use common::{Guard, TestResult, edition, hash, named, open_together, sample_api};
use serde_json::json;
use specdex_search::{ApiText, EndpointText, SEGMENT_FORMAT, build_segment};
use specdex_store::{Api, Catalog, SnapshotStatus};

on_both_backends!(
    ingest_stores_the_segment_of_the_search_rows,
    current_snapshots_and_segments_agree_with_apis,
    remove_and_move_leave_every_current_snapshot_a_segment,
    missing_and_outdated_segments_are_rebuilt_on_open,
    replicas_opening_together_rebuild_once,
);

// `wordy_api`: the sample the store's own unit test of the search text uses too.
include!("data/wordy_api.rs");

/// A small API of its own, `n` telling it apart.
fn small_api(n: usize) -> Api {
    serde_json::from_value(json!({
        "format": "openapi30", "spec_version": "3.0.3",
        "info": {"title": format!("API {n}"), "version": "1"},
        "servers": [], "security_schemes": [], "security": [], "tags": [],
        "endpoints": [{"method": "GET", "path": format!("/things/{n}"), "responses": []}],
        "webhooks": [], "schemas": [], "warnings": []
    }))
    .expect("the sample is a valid model")
}

/// Segments by snapshot id.
type Segments = Vec<(i64, Vec<u8>)>;

/// What each current snapshot's segment must be: `build_segment` over its
/// search rows, by snapshot id.
fn expected_segments(catalog: &dyn Catalog) -> Result<Segments, Box<dyn std::error::Error>> {
    let (apis, endpoints) = catalog.search_rows()?;
    let mut out = Vec::new();
    for api in &apis {
        let text = ApiText {
            title: &api.title,
            description: api.description.as_deref(),
            tags: &api.tags,
        };
        let own: Vec<EndpointText<'_>> = endpoints
            .iter()
            .filter(|row| row.snapshot_id == api.snapshot_id)
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
        out.push((api.snapshot_id, build_segment(&text, &own)));
    }
    out.sort();
    Ok(out)
}

/// Every current snapshot has the segment of its search rows.
fn check_segments(catalog: &dyn Catalog) -> TestResult {
    let current: Vec<i64> = catalog
        .current_snapshots()?
        .iter()
        .map(|(_, id)| *id)
        .collect();
    let mut stored = catalog.search_segments(&current)?;
    stored.sort();
    assert_eq!(stored, expected_segments(catalog)?);
    Ok(())
}

fn ingest_stores_the_segment_of_the_search_rows(
    _db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    catalog.ingest(edition(
        &named("pets"),
        &wordy_api("Pets\u{0} & co"),
        &hash(1),
    ))?;
    catalog.ingest(edition(&named("zoo"), &sample_api("1.0"), &hash(1)))?;
    let mut empty = small_api(0);
    empty.info.description = Some(String::new());
    catalog.ingest(edition(&named("empty"), &empty, &hash(1)))?;
    let old = catalog.ingest(edition(&named("items"), &small_api(1), &hash(1)))?;
    let new = catalog.ingest(edition(&named("items"), &small_api(2), &hash(2)))?;
    check_segments(&*catalog)?;
    assert_ne!(expected_segments(&*catalog)?.len(), 0);

    // The superseded edition keeps the segment it was stored with.
    let segments = catalog.search_segments(&[old.snapshot.id, new.snapshot.id])?;
    assert_eq!(segments.len(), 2);
    let (_, old_segment) = segments
        .iter()
        .find(|(id, _)| *id == old.snapshot.id)
        .ok_or("the superseded segment")?;
    let api = small_api(1);
    let endpoint = &api.endpoints[0];
    let expected = build_segment(
        &ApiText {
            title: &api.info.title,
            description: None,
            tags: &[],
        },
        &[EndpointText {
            method: &endpoint.method,
            path: &endpoint.path,
            operation_id: None,
            summary: None,
            tags: &[],
            deprecated: false,
            description: None,
        }],
    );
    assert_eq!(old_segment, &expected);
    Ok(())
}

fn current_snapshots_and_segments_agree_with_apis(
    _db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    assert!(catalog.current_snapshots()?.is_empty());
    assert!(catalog.search_segments(&[])?.is_empty());
    for (n, provider) in ["zoo", "cats", "pets", "cats-and-dogs"].iter().enumerate() {
        catalog.ingest(edition(&named(provider), &small_api(n), &hash(1)))?;
    }
    catalog.ingest(edition(&named("cats"), &small_api(9), &hash(2)))?;
    let apis: Vec<(String, i64)> = catalog
        .apis()?
        .into_iter()
        .map(|a| (a.id, a.current.id))
        .collect();
    let current = catalog.current_snapshots()?;
    assert_eq!(current, apis);
    // By provider, then name, as `apis`: not by the id's text, where
    // `cats-and-dogs/api` would come first.
    assert_eq!(current[0].0, "cats/api");

    // Unknown ids are left out; asked twice, answered once.
    let mut ids: Vec<i64> = current.iter().map(|(_, id)| *id).collect();
    ids.extend([999_999, ids[0]]);
    let mut found: Vec<i64> = catalog
        .search_segments(&ids)?
        .into_iter()
        .map(|(id, segment)| {
            assert!(!segment.is_empty());
            id
        })
        .collect();
    found.sort_unstable();
    let mut expected: Vec<i64> = current.iter().map(|(_, id)| *id).collect();
    expected.sort_unstable();
    assert_eq!(found, expected);
    Ok(())
}

fn remove_and_move_leave_every_current_snapshot_a_segment(
    db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    let mut pets = Vec::new();
    for n in 1..=4_u8 {
        let api = wordy_api(&format!("Pets {n}"));
        pets.push(
            catalog
                .ingest(edition(&named("pets"), &api, &hash(n)))?
                .snapshot
                .id,
        );
    }
    let cats = catalog.ingest(edition(&named("cats"), &small_api(1), &hash(1)))?;
    // Older catalogs only gave current snapshots segments, and a format
    // change leaves old ones behind: take the superseded ones away, but
    // one, which gets an old format.
    let sql = format!(
        "DELETE FROM search_segments WHERE snapshot_id IN ({}, {}); \
         UPDATE search_segments SET format = {} WHERE snapshot_id = {};",
        pets[0],
        pets[2],
        i64::from(SEGMENT_FORMAT) + 1,
        pets[1]
    );
    db.execute(&sql, &sql)?;
    check_segments(&*catalog)?;
    assert!(catalog.search_segments(&pets[..3])?.is_empty());

    // pets[2], without a segment, becomes current.
    catalog.remove_snapshot(pets[3])?;
    assert_eq!(catalog.snapshot("pets/api", None)?.id, pets[2]);
    check_segments(&*catalog)?;

    // Moved away, it leaves pets[1] (of another format) current; in
    // `cats/api`, older than the current snapshot, it is superseded.
    let moved = catalog.move_snapshot(pets[2], "cats/api")?;
    assert_eq!(moved.status, SnapshotStatus::Superseded);
    assert_eq!(catalog.snapshot("pets/api", None)?.id, pets[1]);
    check_segments(&*catalog)?;

    // Removing `cats/api`'s current snapshot makes the moved one current,
    // with the segment it had.
    catalog.remove_snapshot(cats.snapshot.id)?;
    assert_eq!(catalog.snapshot("cats/api", None)?.id, pets[2]);
    check_segments(&*catalog)?;

    catalog.remove_api("pets/api")?;
    check_segments(&*catalog)?;
    assert_eq!(
        catalog.current_snapshots()?,
        [("cats/api".to_owned(), pets[2])]
    );
    Ok(())
}

/// More snapshots than one rebuild batch holds.
const MANY: usize = 230;

fn missing_and_outdated_segments_are_rebuilt_on_open(
    db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    catalog.ingest(edition(&named("pets"), &wordy_api("Pets"), &hash(1)))?;
    catalog.ingest(edition(&named("zoo"), &sample_api("1.0"), &hash(1)))?;
    for n in 0..MANY {
        catalog.ingest(edition(&named(&format!("p{n}")), &small_api(n), &hash(1)))?;
    }
    let before = expected_segments(&*catalog)?;
    drop(catalog);

    // Some segments lost, some of another format.
    db.execute(
        "DELETE FROM search_segments WHERE snapshot_id % 3 = 0; \
         UPDATE search_segments SET format = format + 1 WHERE snapshot_id % 3 = 1;",
        "DELETE FROM search_segments WHERE snapshot_id % 3 = 0; \
         UPDATE search_segments SET format = format + 1 WHERE snapshot_id % 3 = 1;",
    )?;
    let catalog = db.open()?;
    check_segments(&*catalog)?;
    assert_eq!(expected_segments(&*catalog)?, before);
    let generation = catalog.generation()?;

    // All of them lost, as after a migration.
    db.execute("DELETE FROM search_segments", "DELETE FROM search_segments")?;
    drop(catalog);
    let catalog = db.open()?;
    check_segments(&*catalog)?;
    assert_eq!(catalog.current_snapshots()?.len(), MANY + 2);
    assert_eq!(
        catalog.generation()?,
        generation,
        "rebuilding segments changes no content"
    );
    Ok(())
}

fn replicas_opening_together_rebuild_once(db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    for n in 0..MANY {
        catalog.ingest(edition(&named(&format!("p{n}")), &small_api(n), &hash(1)))?;
    }
    db.execute(
        "UPDATE search_segments SET format = format + 1",
        "UPDATE search_segments SET format = format + 1",
    )?;
    drop(catalog);
    let opened = open_together(4, || db.open())?;
    for catalog in &opened {
        check_segments(&**catalog)?;
    }
    Ok(())
}
