//! The catalog through its public trait, on small hand-built APIs; where a
//! test must reach under the trait (to count rows or inject a failure) it
//! opens the same file with its own SQLite connection.

use std::path::Path;

mod common;

use common::{TestResult, edition, hash, sample_api};
use rusqlite::Connection;
use specdex_store::{
    Catalog, IngestStatus, NewSnapshot, SnapshotStatus, SqliteCatalog, StoreError,
};

/// Rows per table, to show that something wrote nothing.
fn row_counts(path: &Path) -> Result<Vec<(&'static str, i64)>, rusqlite::Error> {
    let conn = Connection::open(path)?;
    [
        "providers",
        "snapshots",
        "endpoints",
        "endpoint_bodies",
        "schemas",
        "warnings",
        "documents",
    ]
    .into_iter()
    .map(|table| {
        let n = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
        Ok((table, n))
    })
    .collect()
}

#[test]
fn ingest_new_unchanged_and_new_edition() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("catalog.db");
    let catalog = SqliteCatalog::open(&path)?;
    let v1 = sample_api("1.0");
    let v2 = sample_api("2.0");
    let (h1, h2) = (hash(1), hash(2));

    let first = catalog.ingest(edition("pets", &v1, &h1))?;
    assert_eq!(first.status, IngestStatus::New);
    let info = &first.snapshot;
    assert_eq!(info.status, SnapshotStatus::Current);
    assert_eq!(
        (info.provider.as_str(), info.version.as_str()),
        ("pets", "1.0")
    );
    assert_eq!(
        (info.endpoints, info.schemas),
        (2, 2),
        "external schemas are not counted"
    );
    assert_eq!(info.format, "openapi 3.1");
    assert_eq!(info.title, "Pet Store");
    assert_eq!(info.source, "specs/pets.yaml");
    assert_eq!(info.ingested_at, 1_700_000_000);
    assert_eq!(info.content_hash, h1);
    assert_eq!(info.warnings, v1.warnings);

    let before = row_counts(&path)?;
    let again = catalog.ingest(NewSnapshot {
        source: "elsewhere.yaml",
        ingested_at: None,
        ..edition("pets", &v1, &h1)
    })?;
    assert_eq!(again.status, IngestStatus::Unchanged);
    assert_eq!(again.snapshot, first.snapshot);
    assert_eq!(row_counts(&path)?, before);

    let second = catalog.ingest(NewSnapshot {
        ingested_at: None,
        ..edition("pets", &v2, &h2)
    })?;
    assert_eq!(second.status, IngestStatus::New);
    assert_eq!(second.snapshot.status, SnapshotStatus::Current);
    assert!(
        second.snapshot.ingested_at > 1_700_000_000,
        "None means now"
    );
    assert_eq!(catalog.snapshot("pets", None)?, second.snapshot);

    let versions = catalog.versions("pets")?;
    let listed: Vec<_> = versions
        .iter()
        .map(|s| (s.id, s.version.as_str(), s.status))
        .collect();
    assert_eq!(
        listed,
        [
            (second.snapshot.id, "2.0", SnapshotStatus::Current),
            (first.snapshot.id, "1.0", SnapshotStatus::Superseded),
        ]
    );

    // Re-ingesting the older edition's content records nothing either.
    let old = catalog.ingest(edition("pets", &v1, &h1))?;
    assert_eq!(old.status, IngestStatus::Unchanged);
    assert_eq!(old.snapshot.status, SnapshotStatus::Superseded);
    assert_eq!(catalog.snapshot("pets", None)?.id, second.snapshot.id);
    Ok(())
}

#[test]
fn providers_are_sorted_with_current_snapshot_and_count() -> TestResult {
    let catalog = SqliteCatalog::open_in_memory()?;
    assert!(catalog.providers()?.is_empty());
    let api = sample_api("1.0");
    let newer = sample_api("1.1");
    catalog.ingest(edition("zoo", &api, &hash(1)))?;
    catalog.ingest(edition("acme", &api, &hash(1)))?;
    let latest = catalog.ingest(edition("zoo", &newer, &hash(2)))?;

    let providers = catalog.providers()?;
    let listed: Vec<_> = providers
        .iter()
        .map(|p| {
            (
                p.slug.as_str(),
                p.snapshot_count,
                p.current.version.as_str(),
            )
        })
        .collect();
    assert_eq!(listed, [("acme", 1, "1.0"), ("zoo", 2, "1.1")]);
    assert_eq!(providers[1].current, latest.snapshot);
    assert_eq!(providers[1].title, "Pet Store");
    Ok(())
}

#[test]
fn load_api_and_document_round_trip() -> TestResult {
    let catalog = SqliteCatalog::open_in_memory()?;
    let api = sample_api("1.0");
    let document = "openapi: 3.1.0\r\ninfo: {title: \"Pet Store \u{1F43E}\"}\n\0tail".as_bytes();
    let outcome = catalog.ingest(NewSnapshot {
        document,
        ..edition("pets", &api, &hash(7))
    })?;
    let loaded = catalog.load_api(outcome.snapshot.id)?;
    assert_eq!(loaded, api);
    // Key order inside schemas is kept, not sorted.
    let owner = loaded
        .schemas
        .iter()
        .find(|s| s.name == "Owner")
        .ok_or("Owner schema missing")?;
    assert_eq!(
        serde_json::to_string(&owner.schema)?,
        r#"{"type":"object","properties":{"z":{},"a":{"type":"null"}}}"#
    );
    assert_eq!(catalog.document(outcome.snapshot.id)?, document);
    Ok(())
}

#[test]
fn snapshot_by_label_and_not_found_errors() -> TestResult {
    let catalog = SqliteCatalog::open_in_memory()?;
    let v1 = sample_api("1.0");
    let v2 = sample_api("2.0");
    let first = catalog.ingest(edition("pets", &v1, &hash(1)))?;
    let relabelled = catalog.ingest(edition("pets", &v1, &hash(2)))?;
    let current = catalog.ingest(edition("pets", &v2, &hash(3)))?;

    assert_eq!(catalog.snapshot("pets", Some("2.0"))?, current.snapshot);
    assert_eq!(catalog.snapshot("pets", None)?, current.snapshot);
    // Two snapshots share the label 1.0: the newer one answers.
    let found = catalog.snapshot("pets", Some("1.0"))?;
    assert_eq!(found.id, relabelled.snapshot.id);
    assert_ne!(found.id, first.snapshot.id);
    assert_eq!(found.status, SnapshotStatus::Superseded);

    let err = catalog
        .snapshot("pets", Some("9.9"))
        .expect_err("this must be refused");
    assert!(
        matches!(&err, StoreError::VersionNotFound { provider, version } if provider == "pets" && version == "9.9"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "provider `pets` has no snapshot with version `9.9`"
    );
    for err in [
        catalog
            .snapshot("cats", None)
            .expect_err("this must be refused"),
        catalog
            .snapshot("cats", Some("1.0"))
            .expect_err("this must be refused"),
        catalog.versions("cats").expect_err("this must be refused"),
    ] {
        assert!(
            matches!(&err, StoreError::ProviderNotFound { provider } if provider == "cats"),
            "{err:?}"
        );
        assert_eq!(err.to_string(), "no provider `cats` in the catalog");
    }
    let missing = current.snapshot.id + 100;
    for err in [
        catalog
            .load_api(missing)
            .map(drop)
            .expect_err("this must be refused"),
        catalog
            .document(missing)
            .map(drop)
            .expect_err("this must be refused"),
    ] {
        assert!(
            matches!(err, StoreError::SnapshotNotFound { id } if id == missing),
            "{err:?}"
        );
    }
    Ok(())
}

#[test]
fn failure_midway_through_an_ingest_changes_nothing() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("catalog.db");
    let catalog = SqliteCatalog::open(&path)?;
    let v1 = sample_api("1.0");
    let first = catalog.ingest(edition("pets", &v1, &hash(1)))?;

    // Make the second endpoint row fail: by then the provider's current
    // snapshot is superseded, the new snapshot row and one endpoint written.
    Connection::open(&path)?.execute_batch(
        "CREATE TRIGGER fail_midway BEFORE INSERT ON endpoints WHEN NEW.path = '/pets/{id}'
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
    )?;
    let before = row_counts(&path)?;
    let v2 = sample_api("2.0");
    let err = catalog
        .ingest(edition("pets", &v2, &hash(2)))
        .expect_err("this must be refused");
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("cannot store a snapshot of `pets`: injected failure"),
        "{err}"
    );
    assert_eq!(row_counts(&path)?, before);
    assert_eq!(catalog.snapshot("pets", None)?, first.snapshot);
    assert_eq!(
        catalog.versions("pets")?,
        std::slice::from_ref(&first.snapshot)
    );

    // A new provider fails the same way and is not left behind empty.
    let err = catalog
        .ingest(edition("cats", &v2, &hash(3)))
        .expect_err("this must be refused");
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    assert_eq!(row_counts(&path)?, before);
    assert!(matches!(
        catalog.versions("cats"),
        Err(StoreError::ProviderNotFound { .. })
    ));

    // The catalog is still usable once the fault is gone.
    Connection::open(&path)?.execute_batch("DROP TRIGGER fail_midway")?;
    let second = catalog.ingest(edition("pets", &v2, &hash(2)))?;
    assert_eq!(second.status, IngestStatus::New);
    assert_eq!(catalog.snapshot("pets", None)?.id, second.snapshot.id);
    Ok(())
}

#[test]
fn malformed_hash_is_refused_after_superseding_and_rolled_back() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("catalog.db");
    let catalog = SqliteCatalog::open(&path)?;
    let api = sample_api("1.0");
    let first = catalog.ingest(edition("pets", &api, &hash(1)))?;
    let before = row_counts(&path)?;

    for bad in [
        "abcd",
        &hash(0xab).to_uppercase(),
        &format!("{}g", &hash(2)[1..]),
        "",
    ] {
        let err = catalog
            .ingest(edition("pets", &api, bad))
            .expect_err("this must be refused");
        assert!(err.to_string().contains("CHECK constraint failed"), "{err}");
    }
    assert_eq!(row_counts(&path)?, before);
    assert_eq!(catalog.snapshot("pets", None)?, first.snapshot);
    Ok(())
}

#[test]
fn invalid_slug_is_refused() -> TestResult {
    let catalog = SqliteCatalog::open_in_memory()?;
    let api = sample_api("1.0");
    let long = "a".repeat(101);
    for slug in ["", "Pets", "pets/v2", "pets api", long.as_str()] {
        let err = catalog
            .ingest(edition(slug, &api, &hash(1)))
            .expect_err("this must be refused");
        assert!(
            matches!(&err, StoreError::InvalidSlug { slug: s } if s == slug),
            "{err:?}"
        );
    }
    assert!(catalog.providers()?.is_empty());
    catalog.ingest(edition("pets_v2.0-beta", &api, &hash(1)))?;
    Ok(())
}

#[test]
fn reopened_catalog_keeps_everything() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("catalog.db");
    let api = sample_api("1.0");
    let ingested = {
        let catalog = SqliteCatalog::open(&path)?;
        catalog.ingest(edition("pets", &api, &hash(1)))?
    };
    let catalog = SqliteCatalog::open(&path)?;
    assert_eq!(catalog.snapshot("pets", None)?, ingested.snapshot);
    assert_eq!(catalog.load_api(ingested.snapshot.id)?, api);
    assert_eq!(catalog.document(ingested.snapshot.id)?, b"openapi: 3.1.0\n");
    let again = catalog.ingest(edition("pets", &api, &hash(1)))?;
    assert_eq!(again.status, IngestStatus::Unchanged);
    Ok(())
}

#[test]
fn same_content_for_another_provider_is_new() -> TestResult {
    let catalog = SqliteCatalog::open_in_memory()?;
    let api = sample_api("1.0");
    catalog.ingest(edition("pets", &api, &hash(1)))?;
    let other = catalog.ingest(edition("pets-mirror", &api, &hash(1)))?;
    assert_eq!(other.status, IngestStatus::New);
    assert_eq!(catalog.providers()?.len(), 2);
    Ok(())
}

#[test]
fn concurrent_writers_on_one_file_serialize() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("catalog.db");
    let api = sample_api("1.0");
    // Every writer opens the file as it is being created, too.
    std::thread::scope(|scope| -> TestResult {
        let workers: Vec<_> = (0..4_u8)
            .map(|worker| {
                let (path, api) = (&path, &api);
                scope.spawn(move || -> Result<(), StoreError> {
                    // Separate catalogs stand for separate processes.
                    let catalog = SqliteCatalog::open(path)?;
                    for n in 0..10_u8 {
                        let content = hash(worker * 10 + n);
                        catalog.ingest(edition("shared", api, &content))?;
                        catalog.ingest(edition(&format!("own-{worker}"), api, &content))?;
                    }
                    Ok(())
                })
            })
            .collect();
        for worker in workers {
            worker.join().map_err(|_| "writer panicked")??;
        }
        Ok(())
    })?;
    let catalog = SqliteCatalog::open(&path)?;
    let versions = catalog.versions("shared")?;
    assert_eq!(versions.len(), 40);
    assert_eq!(versions[0].status, SnapshotStatus::Current);
    assert!(
        versions[1..]
            .iter()
            .all(|s| s.status == SnapshotStatus::Superseded)
    );
    assert_eq!(catalog.providers()?.len(), 5);
    Ok(())
}

#[test]
fn open_refuses_what_is_not_a_catalog() -> TestResult {
    let dir = tempfile::tempdir()?;

    let text = dir.path().join("pets.yaml");
    std::fs::write(&text, "openapi: 3.1.0\n".repeat(200))?;
    let err = SqliteCatalog::open(&text).expect_err("this must be refused");
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with(&format!("cannot open catalog at {}: ", text.display())),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&text)?,
        "openapi: 3.1.0\n".repeat(200)
    );

    let foreign = dir.path().join("other.db");
    Connection::open(&foreign)?.execute_batch("CREATE TABLE notes (body TEXT)")?;
    let err = SqliteCatalog::open(&foreign).expect_err("this must be refused");
    assert!(matches!(err, StoreError::NotACatalog { .. }), "{err:?}");

    let newer = dir.path().join("newer.db");
    SqliteCatalog::open(&newer)?;
    Connection::open(&newer)?.pragma_update(None, "user_version", 99)?;
    let err = SqliteCatalog::open(&newer).expect_err("this must be refused");
    assert!(
        matches!(
            err,
            StoreError::TooNew {
                found: 99,
                supported: 2,
                ..
            }
        ),
        "{err:?}"
    );

    let nowhere = dir.path().join("missing").join("catalog.db");
    let err = SqliteCatalog::open(&nowhere).expect_err("this must be refused");
    assert!(err.to_string().contains("does not exist"), "{err}");
    Ok(())
}
