//! The catalog through its public trait, on small hand-built APIs, on both
//! backends (see `common`); where a test must reach under the trait (to
//! count rows or inject a failure) it goes through its `Guard`.

#[macro_use]
mod common;

use common::{Guard, TestResult, edition, hash, main_api, named, sample_api};
use rusqlite::Connection;
use specdex_store::{
    Catalog, Identity, IngestStatus, NewSnapshot, SnapshotStatus, SqliteCatalog, StoreError,
};

on_both_backends!(
    ingest_new_unchanged_and_new_edition,
    apis_are_sorted_with_current_snapshot_and_count,
    load_api_and_document_round_trip,
    text_with_nul_round_trips,
    snapshot_by_label_and_not_found_errors,
    failure_midway_through_an_ingest_changes_nothing,
    malformed_hash_is_refused_after_superseding_and_rolled_back,
    invalid_slug_is_refused,
    reopened_catalog_keeps_everything,
    same_content_for_another_provider_is_new,
    concurrent_writers_serialize,
    same_content_from_several_writers_is_stored_once,
);

fn ingest_new_unchanged_and_new_edition(db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let v1 = sample_api("1.0");
    let v2 = sample_api("2.0");
    let (h1, h2) = (hash(1), hash(2));

    let first = catalog.ingest(edition(&named("pets"), &v1, &h1))?;
    assert_eq!(first.status, IngestStatus::New);
    let info = &first.snapshot;
    assert_eq!(info.status, SnapshotStatus::Current);
    assert_eq!(
        (
            info.api.as_str(),
            info.provider.as_str(),
            info.version.as_str()
        ),
        ("pets/api", "pets", "1.0")
    );
    assert!(first.api_created);
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

    let before = db.row_counts()?;
    let again = catalog.ingest(NewSnapshot {
        source: "elsewhere.yaml",
        ingested_at: None,
        ..edition(&named("pets"), &v1, &h1)
    })?;
    assert_eq!(again.status, IngestStatus::Unchanged);
    assert!(!again.api_created);
    assert_eq!(again.snapshot, first.snapshot);
    assert_eq!(db.row_counts()?, before);

    let second = catalog.ingest(NewSnapshot {
        ingested_at: None,
        ..edition(&named("pets"), &v2, &h2)
    })?;
    assert_eq!(second.status, IngestStatus::New);
    assert!(!second.api_created);
    assert_eq!(second.snapshot.status, SnapshotStatus::Current);
    assert!(
        second.snapshot.ingested_at > 1_700_000_000,
        "None means now"
    );
    assert_eq!(catalog.snapshot("pets/api", None)?, second.snapshot);

    let versions = catalog.versions("pets/api")?;
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
    let old = catalog.ingest(edition(&named("pets"), &v1, &h1))?;
    assert_eq!(old.status, IngestStatus::Unchanged);
    assert_eq!(old.snapshot.status, SnapshotStatus::Superseded);
    assert_eq!(catalog.snapshot("pets/api", None)?.id, second.snapshot.id);
    Ok(())
}

fn apis_are_sorted_with_current_snapshot_and_count(
    _db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    assert!(catalog.apis()?.is_empty());
    let api = sample_api("1.0");
    let newer = sample_api("1.1");
    catalog.ingest(edition(&named("zoo"), &api, &hash(1)))?;
    catalog.ingest(edition(&named("acme"), &api, &hash(1)))?;
    let latest = catalog.ingest(edition(&named("zoo"), &newer, &hash(2)))?;
    // Sorted by bytes, whatever the database's collation: `.`, `-` and `_`
    // count, and come before digits and letters.
    for slug in ["a_b", "a-b", "a.b", "ab", "a0", "a"] {
        catalog.ingest(edition(&named(slug), &api, &hash(1)))?;
    }
    let slugs: Vec<_> = catalog.apis()?.into_iter().map(|a| a.provider).collect();
    assert_eq!(
        slugs,
        ["a", "a-b", "a.b", "a0", "a_b", "ab", "acme", "zoo"],
        "byte order"
    );

    let apis = catalog.apis()?;
    let listed: Vec<_> = apis[6..]
        .iter()
        .map(|a| {
            (
                a.id.as_str(),
                a.name.as_str(),
                a.snapshot_count,
                a.current.version.as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [("acme/api", "api", 1, "1.0"), ("zoo/api", "api", 2, "1.1")]
    );
    assert_eq!(apis[7].current, latest.snapshot);
    assert_eq!(apis[7].title, "Pet Store");
    Ok(())
}

fn load_api_and_document_round_trip(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let api = sample_api("1.0");
    let document = "openapi: 3.1.0\r\ninfo: {title: \"Pet Store \u{1F43E}\"}\n\0tail".as_bytes();
    let outcome = catalog.ingest(NewSnapshot {
        document,
        ..edition(&named("pets"), &api, &hash(7))
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

/// Document text may hold U+0000 (JSON `\u0000`), which PostgreSQL text
/// cannot: it is stored escaped and reads back as given, in every column,
/// and lookups by such a path or name still find it.
fn text_with_nul_round_trips(db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let mut api = sample_api("1.0\0beta");
    api.info.title = "Pets\0 \u{FFFF}0 \u{FFFF}".to_owned();
    api.info.description = Some("nul \0 here".to_owned());
    api.tags[0].name = "pe\0ts".to_owned();
    let endpoint = &mut api.endpoints[0];
    endpoint.path = "/pets\0/{id}".to_owned();
    endpoint.summary = Some("List\0 pets".to_owned());
    endpoint.operation_id = Some("\0".to_owned());
    endpoint.description = Some("\0\u{FFFF}".to_owned());
    endpoint.tags = vec!["pe\0ts".to_owned(), "\u{FFFF}\u{FFFF}".to_owned()];
    api.schemas[1].name = "Own\0er".to_owned();
    api.warnings[0].message = "bad \0 byte".to_owned();
    let outcome = catalog.ingest(NewSnapshot {
        source: "specs/\0.yaml",
        ..edition(&named("pets"), &api, &hash(1))
    })?;
    let id = outcome.snapshot.id;
    assert_eq!(catalog.load_api(id)?, api);
    assert_eq!(catalog.snapshot("pets/api", None)?, outcome.snapshot);
    assert_eq!(catalog.snapshot("pets/api", Some("1.0\0beta"))?.id, id);
    assert_eq!(
        catalog.versions("pets/api")?,
        std::slice::from_ref(&outcome.snapshot)
    );
    assert_eq!(catalog.apis()?[0].current, outcome.snapshot);
    assert_eq!(outcome.snapshot.title, api.info.title);
    let found = catalog.endpoints_by_key(id, &[("GET", "/pets\0/{id}"), ("GET", "/pets")])?;
    assert_eq!(found, [Some(api.endpoints[0].clone()), None]);
    let found = catalog.schemas_by_name(id, &["Own\0er", "Owner"])?;
    assert_eq!(found, [Some(api.schemas[1].clone()), None]);
    assert_eq!(catalog.endpoint_list(id)?[0].path, "/pets\0/{id}");
    assert_eq!(catalog.schema_names(id)?[1].name, "Own\0er");
    let (providers, endpoints) = catalog.search_rows()?;
    assert_eq!(providers[0].tags, ["pe\0ts"]);
    // SQLite cuts info.description in SQL, and its `substr` stops at a NUL.
    let description = if db.is_postgres() {
        "nul \0 here"
    } else {
        "nul "
    };
    assert_eq!(providers[0].description.as_deref(), Some(description));
    assert_eq!(endpoints[0].endpoint.tags, api.endpoints[0].tags);
    assert_eq!(endpoints[0].description.as_deref(), Some("\0\u{FFFF}"));
    Ok(())
}

fn snapshot_by_label_and_not_found_errors(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let v1 = sample_api("1.0");
    let v2 = sample_api("2.0");
    let first = catalog.ingest(edition(&named("pets"), &v1, &hash(1)))?;
    let relabelled = catalog.ingest(edition(&named("pets"), &v1, &hash(2)))?;
    let current = catalog.ingest(edition(&named("pets"), &v2, &hash(3)))?;

    assert_eq!(catalog.snapshot("pets/api", Some("2.0"))?, current.snapshot);
    assert_eq!(catalog.snapshot("pets/api", None)?, current.snapshot);
    // Two snapshots share the label 1.0: the newer one answers.
    let found = catalog.snapshot("pets/api", Some("1.0"))?;
    assert_eq!(found.id, relabelled.snapshot.id);
    assert_ne!(found.id, first.snapshot.id);
    assert_eq!(found.status, SnapshotStatus::Superseded);

    let err = catalog
        .snapshot("pets/api", Some("9.9"))
        .expect_err("this must be refused");
    assert!(
        matches!(&err, StoreError::VersionNotFound { api, version } if api == "pets/api" && version == "9.9"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "API `pets/api` has no snapshot with version `9.9`"
    );
    for err in [
        catalog
            .snapshot("cats/api", None)
            .expect_err("this must be refused"),
        catalog
            .snapshot("cats/api", Some("1.0"))
            .expect_err("this must be refused"),
        catalog.versions("cats/api").expect_err("this must be refused"),
    ] {
        assert!(
            matches!(&err, StoreError::ApiNotFound { api } if api == "cats/api"),
            "{err:?}"
        );
        assert_eq!(err.to_string(), "no API `cats/api` in the catalog");
    }
    // A provider that exists but has no such API, and ids without a `/`.
    for id in ["pets/other", "pets", "", "pets/api/x"] {
        for err in [
            catalog.snapshot(id, None).expect_err("this must be refused"),
            catalog.versions(id).expect_err("this must be refused"),
        ] {
            assert!(
                matches!(&err, StoreError::ApiNotFound { api } if api == id),
                "{err:?}"
            );
        }
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

fn failure_midway_through_an_ingest_changes_nothing(
    db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    let v1 = sample_api("1.0");
    let first = catalog.ingest(edition(&named("pets"), &v1, &hash(1)))?;

    // Make the second endpoint row fail: by then the provider's current
    // snapshot is superseded, the new snapshot row and one endpoint written.
    db.execute(
        "CREATE TRIGGER fail_midway BEFORE INSERT ON endpoints WHEN NEW.path = '/pets/{id}'
         BEGIN SELECT RAISE(ABORT, 'injected failure'); END;",
        "CREATE FUNCTION fail_midway() RETURNS trigger LANGUAGE plpgsql AS
             $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$;
         CREATE TRIGGER fail_midway BEFORE INSERT ON endpoints FOR EACH ROW
             WHEN (NEW.path = '/pets/{id}') EXECUTE FUNCTION fail_midway();",
    )?;
    let before = db.row_counts()?;
    let v2 = sample_api("2.0");
    let err = catalog
        .ingest(edition(&named("pets"), &v2, &hash(2)))
        .expect_err("this must be refused");
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("cannot store a snapshot of `pets`: injected failure"),
        "{err}"
    );
    assert_eq!(db.row_counts()?, before);
    assert_eq!(catalog.snapshot("pets/api", None)?, first.snapshot);
    assert_eq!(
        catalog.versions("pets/api")?,
        std::slice::from_ref(&first.snapshot)
    );

    // A new provider fails the same way and is not left behind empty.
    let err = catalog
        .ingest(edition(&named("cats"), &v2, &hash(3)))
        .expect_err("this must be refused");
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    assert_eq!(db.row_counts()?, before);
    assert!(matches!(
        catalog.versions("cats/api"),
        Err(StoreError::ApiNotFound { .. })
    ));

    // The catalog is still usable once the fault is gone.
    db.execute(
        "DROP TRIGGER fail_midway",
        "DROP TRIGGER fail_midway ON endpoints",
    )?;
    let second = catalog.ingest(edition(&named("pets"), &v2, &hash(2)))?;
    assert_eq!(second.status, IngestStatus::New);
    assert_eq!(catalog.snapshot("pets/api", None)?.id, second.snapshot.id);
    Ok(())
}

fn malformed_hash_is_refused_after_superseding_and_rolled_back(
    db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    let api = sample_api("1.0");
    let first = catalog.ingest(edition(&named("pets"), &api, &hash(1)))?;
    let before = db.row_counts()?;

    for bad in [
        "abcd",
        &hash(0xab).to_uppercase(),
        &format!("{}g", &hash(2)[1..]),
        "",
        &format!("{}\0", &hash(2)[1..]),
    ] {
        let err = catalog
            .ingest(edition(&named("pets"), &api, bad))
            .expect_err("this must be refused");
        let text = err.to_string();
        // SQLite: "CHECK constraint failed"; PostgreSQL: "violates check
        // constraint", without the row (and its JSON) spelled out at length.
        assert!(text.to_lowercase().contains("check constraint"), "{text}");
        assert!(text.len() < 600, "{text}");
    }
    assert_eq!(db.row_counts()?, before);
    assert_eq!(catalog.snapshot("pets/api", None)?, first.snapshot);
    Ok(())
}

fn invalid_slug_is_refused(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let api = sample_api("1.0");
    let long = "a".repeat(101);
    for slug in ["", "Pets", "pets/v2", "pets api", long.as_str()] {
        let err = catalog
            .ingest(edition(&named(slug), &api, &hash(1)))
            .expect_err("this must be refused");
        assert!(
            matches!(&err, StoreError::InvalidSlug { what: "provider", slug: s } if s == slug),
            "{err:?}"
        );
    }
    for name in ["", "Api", "v/2", long.as_str()] {
        let identity = Identity {
            api: Some(name.to_owned()),
            ..named("pets")
        };
        let err = catalog
            .ingest(edition(&identity, &api, &hash(1)))
            .expect_err("this must be refused");
        assert!(
            matches!(&err, StoreError::InvalidSlug { what: "API", slug: s } if s == name),
            "{err:?}"
        );
    }
    assert!(catalog.apis()?.is_empty());
    let identity = Identity {
        api: Some("v2_beta.1-x".to_owned()),
        ..named("pets_v2.0-beta")
    };
    let outcome = catalog.ingest(edition(&identity, &api, &hash(1)))?;
    assert_eq!(outcome.snapshot.api, "pets_v2.0-beta/v2_beta.1-x");
    Ok(())
}

fn reopened_catalog_keeps_everything(db: Guard, first: Box<dyn Catalog>) -> TestResult {
    let api = sample_api("1.0");
    let ingested = first.ingest(edition(&named("pets"), &api, &hash(1)))?;
    drop(first);
    let catalog = db.open()?;
    assert_eq!(catalog.snapshot("pets/api", None)?, ingested.snapshot);
    assert_eq!(catalog.load_api(ingested.snapshot.id)?, api);
    assert_eq!(catalog.document(ingested.snapshot.id)?, b"openapi: 3.1.0\n");
    let again = catalog.ingest(edition(&named("pets"), &api, &hash(1)))?;
    assert_eq!(again.status, IngestStatus::Unchanged);
    Ok(())
}

fn same_content_for_another_provider_is_new(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let api = sample_api("1.0");
    catalog.ingest(edition(&named("pets"), &api, &hash(1)))?;
    let other = catalog.ingest(edition(&named("pets-mirror"), &api, &hash(1)))?;
    assert_eq!(other.status, IngestStatus::New);
    assert_eq!(catalog.apis()?.len(), 2);
    Ok(())
}

/// Separate catalogs on one file or database stand for separate processes
/// (replicas): their ingests of one provider take turns.
fn concurrent_writers_serialize(db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    drop(catalog);
    let api = sample_api("1.0");
    std::thread::scope(|scope| -> TestResult {
        let workers: Vec<_> = (0..4_u8)
            .map(|worker| {
                let (db, api) = (&db, &api);
                scope.spawn(move || -> Result<(), StoreError> {
                    let catalog = db.open()?;
                    for n in 0..10_u8 {
                        let content = hash(worker * 10 + n);
                        catalog.ingest(edition(&named("shared"), api, &content))?;
                        catalog.ingest(edition(&named(&format!("own-{worker}")), api, &content))?;
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
    let catalog = db.open()?;
    let versions = catalog.versions("shared/api")?;
    assert_eq!(versions.len(), 40);
    assert_eq!(versions[0].status, SnapshotStatus::Current);
    assert!(
        versions[1..]
            .iter()
            .all(|s| s.status == SnapshotStatus::Superseded)
    );
    assert_eq!(catalog.apis()?.len(), 5);
    Ok(())
}

/// Several processes ingesting the same new content for the same new
/// provider at once: one stores it, the others find it.
fn same_content_from_several_writers_is_stored_once(
    db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    let api = sample_api("1.0");
    for round in 0..5_u8 {
        let provider = format!("race-{round}");
        let outcomes = std::thread::scope(|scope| {
            let writers: Vec<_> = (0..4)
                .map(|_| {
                    let (db, api, provider) = (&db, &api, &provider);
                    scope.spawn(move || -> Result<_, StoreError> {
                        db.open()?.ingest(edition(&named(provider), api, &hash(round)))
                    })
                })
                .collect();
            writers
                .into_iter()
                .map(|w| w.join().map_err(|_| "writer panicked"))
                .collect::<Result<Vec<_>, _>>()
        })?
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
        let new: Vec<_> = outcomes
            .iter()
            .filter(|o| o.status == IngestStatus::New)
            .collect();
        assert_eq!(new.len(), 1, "{outcomes:?}");
        assert!(new[0].api_created);
        assert!(outcomes.iter().all(|o| o.snapshot == new[0].snapshot));
        assert_eq!(
            catalog.versions(&main_api(&provider))?,
            [new[0].snapshot.clone()]
        );
    }
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
                supported: 3,
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
