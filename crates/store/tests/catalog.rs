//! The catalog through its public trait, on small hand-built APIs, on both
//! backends (see `common`); where a test must reach under the trait (to
//! count rows or inject a failure) it goes through its `Guard`.

#[macro_use]
mod common;

use common::{
    Guard, TestResult, document, edition, example_history, hash, main_api, named, sample_api,
};
use rusqlite::Connection;
use specdex_spec::identity::identify;
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
    editions_are_placed_into_apis_by_paths,
    remove_snapshot_settles_its_api,
    remove_api_removes_all_its_snapshots,
    move_snapshot_between_apis,
    concurrent_ingests_create_each_api_once,
    moves_beside_ingests_keep_one_current_per_api,
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
        published_by: None,
        fetched: None,
        ..edition(&named("pets"), &v1, &h1)
    })?;
    assert_eq!(again.status, IngestStatus::Unchanged);
    assert!(!again.api_created);
    assert_eq!(again.snapshot, first.snapshot);
    assert_eq!(db.row_counts()?, before);

    let second = catalog.ingest(NewSnapshot {
        ingested_at: None,
        published_by: None,
        fetched: None,
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
fn text_with_nul_round_trips(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
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
    // Cut as ingest cuts it: SQLite's `substr` of text would stop at the NUL.
    assert_eq!(providers[0].description.as_deref(), Some("nul \0 here"));
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
        catalog
            .versions("cats/api")
            .expect_err("this must be refused"),
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
            catalog
                .snapshot(id, None)
                .expect_err("this must be refused"),
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
                        db.open()?
                            .ingest(edition(&named(provider), api, &hash(round)))
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
                supported: 7,
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

/// Editions at one host, placed by the identity rule: the users API's two
/// editions share most paths (a renamed parameter does not matter), the
/// billing API shares none.
fn editions_are_placed_into_apis_by_paths(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let [users, billing, users_next] = example_history();
    let mut outcomes = Vec::new();
    for (n, spec) in (1_u8..).zip([&users, &billing, &users_next]) {
        let identity = identify(&spec.api, None, None);
        outcomes.push(catalog.ingest(edition(&identity, &spec.api, &hash(n)))?);
    }
    let placed: Vec<_> = outcomes
        .iter()
        .map(|o| (o.snapshot.api.as_str(), o.status.clone(), o.api_created))
        .collect();
    assert_eq!(
        placed,
        [
            ("example/users", IngestStatus::New, true),
            ("example/billing", IngestStatus::New, true),
            ("example/users", IngestStatus::New, false),
        ]
    );
    let [first, invoices, second] = [&outcomes[0], &outcomes[1], &outcomes[2]];

    let apis: Vec<_> = catalog
        .apis()?
        .into_iter()
        .map(|a| {
            (
                a.id,
                a.provider,
                a.name,
                a.title,
                a.snapshot_count,
                a.current,
            )
        })
        .collect();
    assert_eq!(
        apis,
        [
            (
                "example/billing".to_owned(),
                "example".to_owned(),
                "billing".to_owned(),
                "Billing API".to_owned(),
                1,
                invoices.snapshot.clone()
            ),
            (
                "example/users".to_owned(),
                "example".to_owned(),
                "users".to_owned(),
                "Users API".to_owned(),
                2,
                second.snapshot.clone()
            ),
        ]
    );
    let versions: Vec<_> = catalog
        .versions("example/users")?
        .into_iter()
        .map(|s| (s.id, s.version, s.status))
        .collect();
    assert_eq!(
        versions,
        [
            (
                second.snapshot.id,
                "1.1".to_owned(),
                SnapshotStatus::Current
            ),
            (
                first.snapshot.id,
                "1.0".to_owned(),
                SnapshotStatus::Superseded
            ),
        ]
    );
    assert_eq!(catalog.snapshot("example/users", None)?, second.snapshot);
    assert_eq!(
        catalog.snapshot("example/users", Some("1.0"))?.id,
        first.snapshot.id
    );
    assert_eq!(
        catalog.snapshot("example/billing", None)?,
        invoices.snapshot
    );
    for outcome in &outcomes[..2] {
        let mut expected = outcome.snapshot.clone();
        if expected.id == first.snapshot.id {
            expected.status = SnapshotStatus::Superseded;
        }
        assert_eq!(catalog.snapshot_by_id(outcome.snapshot.id)?, expected);
    }
    let missing = second.snapshot.id + 100;
    assert!(matches!(
        catalog.snapshot_by_id(missing),
        Err(StoreError::SnapshotNotFound { id }) if id == missing
    ));

    // The search rows are the current snapshots, by API.
    let (rows, endpoints) = catalog.search_rows()?;
    let rows: Vec<_> = rows
        .iter()
        .map(|r| (r.api.as_str(), r.provider.as_str(), r.snapshot_id))
        .collect();
    assert_eq!(
        rows,
        [
            ("example/billing", "example", invoices.snapshot.id),
            ("example/users", "example", second.snapshot.id),
        ]
    );
    let endpoints: Vec<_> = endpoints
        .iter()
        .map(|r| (r.api.as_str(), r.endpoint.path.as_str()))
        .collect();
    assert_eq!(
        endpoints,
        [
            ("example/billing", "/invoices"),
            ("example/billing", "/invoices/{id}"),
            ("example/users", "/users"),
            ("example/users", "/users/{userId}"),
            ("example/users", "/users/{id}/roles"),
        ]
    );

    // The older edition again is recognised in its API; the same content
    // named into another API is new there.
    let again = catalog.ingest(edition(
        &identify(&users.api, None, None),
        &users.api,
        &hash(1),
    ))?;
    assert_eq!(
        (again.status, again.api_created, again.snapshot.id),
        (IngestStatus::Unchanged, false, first.snapshot.id)
    );
    let elsewhere = catalog.ingest(edition(
        &identify(&users.api, None, Some("legacy")),
        &users.api,
        &hash(1),
    ))?;
    assert_eq!(
        (
            elsewhere.status,
            elsewhere.api_created,
            elsewhere.snapshot.api.as_str()
        ),
        (IngestStatus::New, true, "example/legacy")
    );
    Ok(())
}

/// The snapshot ids of an API, newest first, with which one is current.
fn history(catalog: &dyn Catalog, api: &str) -> Result<Vec<(i64, SnapshotStatus)>, StoreError> {
    Ok(catalog
        .versions(api)?
        .iter()
        .map(|s| (s.id, s.status))
        .collect())
}

fn api_ids(catalog: &dyn Catalog) -> Result<Vec<String>, StoreError> {
    Ok(catalog.apis()?.into_iter().map(|a| a.id).collect())
}

fn in_api(provider: &str, name: &str) -> Identity {
    Identity {
        api: Some(name.to_owned()),
        ..named(provider)
    }
}

fn remove_snapshot_settles_its_api(db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    use SnapshotStatus::{Current, Superseded};
    let (v1, v2, v3) = (sample_api("1.0"), sample_api("2.0"), sample_api("3.0"));
    let pets = named("pets");
    let a1 = catalog.ingest(edition(&pets, &v1, &hash(1)))?.snapshot;
    let a2 = catalog.ingest(edition(&pets, &v2, &hash(2)))?.snapshot;
    let other = catalog
        .ingest(edition(&in_api("pets", "other"), &v1, &hash(1)))?
        .snapshot;
    let before = db.row_counts()?;
    let a3 = catalog.ingest(edition(&pets, &v3, &hash(3)))?.snapshot;

    // The current snapshot goes: the one before it is current again, and
    // nothing of the removed one is left.
    let generation = catalog.generation()?;
    assert_eq!(catalog.remove_snapshot(a3.id)?, a3);
    assert_ne!(catalog.generation()?, generation);
    assert_eq!(db.row_counts()?, before);
    assert_eq!(
        history(&*catalog, "pets/api")?,
        [(a2.id, Current), (a1.id, Superseded)]
    );
    assert_eq!(catalog.snapshot("pets/api", None)?.id, a2.id);
    assert_snapshot_not_found(catalog.snapshot_by_id(a3.id), a3.id);
    assert_snapshot_not_found(catalog.load_api(a3.id), a3.id);
    assert_snapshot_not_found(catalog.document(a3.id), a3.id);
    assert_snapshot_not_found(catalog.endpoint_list(a3.id), a3.id);

    // Ids are never handed out again, even the newest one's: answers are
    // cached by snapshot id.
    let a4 = catalog.ingest(edition(&pets, &v3, &hash(3)))?;
    assert_eq!(a4.status, IngestStatus::New);
    assert!(a4.snapshot.id > a3.id, "{} after {}", a4.snapshot.id, a3.id);
    let a4 = a4.snapshot;

    // A superseded one goes: the current one stays.
    let mut removed = a1.clone();
    removed.status = Superseded;
    assert_eq!(catalog.remove_snapshot(a1.id)?, removed);
    assert_eq!(
        history(&*catalog, "pets/api")?,
        [(a4.id, Current), (a2.id, Superseded)]
    );

    // What is not there cannot go, and changes nothing.
    let generation = catalog.generation()?;
    assert_snapshot_not_found(catalog.remove_snapshot(a1.id), a1.id);
    assert_snapshot_not_found(catalog.remove_snapshot(a4.id + 100), a4.id + 100);
    assert_eq!(catalog.generation()?, generation);

    // The last snapshot of an API takes the API with it; the provider
    // stays while it has another API.
    catalog.remove_snapshot(a4.id)?;
    catalog.remove_snapshot(a2.id)?;
    assert!(matches!(
        catalog.versions("pets/api"),
        Err(StoreError::ApiNotFound { .. })
    ));
    assert_eq!(api_ids(&*catalog)?, ["pets/other"]);
    assert_eq!(catalog.snapshot("pets/other", None)?, other);

    // The provider's last snapshot takes the provider too.
    catalog.remove_snapshot(other.id)?;
    assert!(catalog.apis()?.is_empty());
    assert!(db.row_counts()?.iter().all(|(_, n)| *n == 0));
    assert_eq!(catalog.search_rows()?, (Vec::new(), Vec::new()));

    // An empty catalog takes snapshots again, under new ids.
    let again = catalog.ingest(edition(&pets, &v1, &hash(1)))?;
    assert!(again.api_created);
    assert!(again.snapshot.id > a4.id);
    assert_eq!(again.snapshot.status, Current);
    Ok(())
}

fn remove_api_removes_all_its_snapshots(db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let (v1, v2) = (sample_api("1.0"), sample_api("2.0"));
    let pets = named("pets");
    let empty = db.row_counts()?;
    catalog.ingest(edition(&named("cats"), &v1, &hash(1)))?;
    let cats_only = db.row_counts()?;
    let other = catalog.ingest(edition(&in_api("pets", "other"), &v1, &hash(1)))?;
    let kept = db.row_counts()?;
    catalog.ingest(edition(&pets, &v1, &hash(1)))?;
    catalog.ingest(edition(&pets, &v2, &hash(2)))?;
    let listed = catalog.versions("pets/api")?;

    let generation = catalog.generation()?;
    let removed = catalog.remove_api("pets/api")?;
    assert_eq!(removed, listed, "newest first, as they were");
    assert_ne!(catalog.generation()?, generation);
    assert_eq!(db.row_counts()?, kept);
    assert_eq!(api_ids(&*catalog)?, ["cats/api", "pets/other"]);
    for snapshot in &removed {
        assert_snapshot_not_found(catalog.load_api(snapshot.id), snapshot.id);
    }

    let generation = catalog.generation()?;
    for id in ["pets/api", "nobody/api", "pets", "", "pets/other/x"] {
        let err = catalog.remove_api(id).expect_err("there is no such API");
        assert!(
            matches!(&err, StoreError::ApiNotFound { api } if api == id),
            "{err:?}"
        );
    }
    assert_eq!(catalog.generation()?, generation);

    // A provider's last API takes the provider with it.
    assert_eq!(catalog.remove_api("pets/other")?, [other.snapshot]);
    assert_eq!(db.row_counts()?, cats_only);
    catalog.remove_api("cats/api")?;
    assert_eq!(db.row_counts()?, empty);
    assert!(catalog.apis()?.is_empty());
    Ok(())
}

fn move_snapshot_between_apis(db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    use SnapshotStatus::{Current, Superseded};
    let (v1, v2, v3) = (sample_api("1.0"), sample_api("2.0"), sample_api("3.0"));
    let pets = named("pets");
    let a1 = catalog.ingest(edition(&pets, &v1, &hash(1)))?.snapshot;
    let a2 = catalog.ingest(edition(&pets, &v2, &hash(2)))?.snapshot;
    let b1 = catalog
        .ingest(edition(&in_api("pets", "other"), &v1, &hash(4)))?
        .snapshot;
    let a3 = catalog.ingest(edition(&pets, &v3, &hash(3)))?.snapshot;

    // The current snapshot to a new API: both APIs settle.
    let generation = catalog.generation()?;
    let moved = catalog.move_snapshot(a3.id, "pets/next")?;
    assert_ne!(catalog.generation()?, generation);
    assert_eq!(
        (
            moved.id,
            moved.api.as_str(),
            moved.provider.as_str(),
            moved.status
        ),
        (a3.id, "pets/next", "pets", Current)
    );
    assert_eq!(
        SnapshotInfoWithout::api(&moved),
        SnapshotInfoWithout::api(&a3),
        "nothing but its API changed"
    );
    assert_eq!(
        history(&*catalog, "pets/api")?,
        [(a2.id, Current), (a1.id, Superseded)]
    );
    assert_eq!(history(&*catalog, "pets/next")?, [(a3.id, Current)]);
    assert_eq!(catalog.load_api(a3.id)?, v3);
    assert_eq!(catalog.snapshot_by_id(a3.id)?, moved);

    // An older snapshot into an API with a newer current one: it stays
    // superseded there; its old API keeps its current one.
    let moved = catalog.move_snapshot(a1.id, "pets/other")?;
    assert_eq!(moved.status, Superseded);
    assert_eq!(
        history(&*catalog, "pets/other")?,
        [(b1.id, Current), (a1.id, Superseded)]
    );
    assert_eq!(history(&*catalog, "pets/api")?, [(a2.id, Current)]);

    // The newest snapshot into an existing API becomes its current one,
    // and the API it left empty is gone.
    let moved = catalog.move_snapshot(a3.id, "pets/other")?;
    assert_eq!(moved.status, Current);
    assert_eq!(
        history(&*catalog, "pets/other")?,
        [(a3.id, Current), (b1.id, Superseded), (a1.id, Superseded)]
    );
    assert!(matches!(
        catalog.versions("pets/next"),
        Err(StoreError::ApiNotFound { .. })
    ));

    // To another provider, created for it; the emptied API goes, the
    // provider stays with its other API.
    let moved = catalog.move_snapshot(a2.id, "cats/api")?;
    assert_eq!(
        (moved.api.as_str(), moved.provider.as_str(), moved.status),
        ("cats/api", "cats", Current)
    );
    assert_eq!(api_ids(&*catalog)?, ["cats/api", "pets/other"]);

    // Content the target already holds is refused, and nothing changes.
    let state = |catalog: &dyn Catalog| -> Result<_, Box<dyn std::error::Error>> {
        let apis: Vec<_> = catalog
            .apis()?
            .into_iter()
            .map(|a| (a.id, a.snapshot_count, a.current))
            .collect();
        Ok((db.row_counts()?, catalog.generation()?, apis))
    };
    let c1 = catalog
        .ingest(edition(&named("cats"), &v1, &hash(4)))?
        .snapshot;
    let before = state(&*catalog)?;
    let err = catalog
        .move_snapshot(c1.id, "pets/other")
        .expect_err("pets/other already has this content");
    assert!(
        matches!(&err, StoreError::DuplicateContent { api, existing } if api == "pets/other" && *existing == b1.id),
        "{err:?}"
    );
    assert_eq!(state(&*catalog)?, before);
    // The same for a target of another provider, whose row the move locks.
    catalog.ingest(edition(&in_api("dogs", "x"), &v1, &hash(5)))?;
    let c2 = catalog
        .ingest(edition(&named("cats"), &v2, &hash(5)))?
        .snapshot;
    let before = state(&*catalog)?;
    let err = catalog
        .move_snapshot(c2.id, "dogs/x")
        .expect_err("dogs/x already has this content");
    assert!(
        matches!(err, StoreError::DuplicateContent { .. }),
        "{err:?}"
    );
    assert_eq!(state(&*catalog)?, before);

    // Errors name what is wrong.
    let missing = c2.id + 100;
    assert_snapshot_not_found(catalog.move_snapshot(missing, "pets/other"), missing);
    for to in ["pets", ""] {
        let err = catalog.move_snapshot(c1.id, to).expect_err("not an API id");
        assert!(
            matches!(&err, StoreError::ApiNotFound { api } if api == to),
            "{err:?}"
        );
    }
    for (to, what, slug) in [
        ("Pets/x", "provider", "Pets"),
        ("pets/X", "API", "X"),
        ("pets/x/y", "API", "x/y"),
        ("/x", "provider", ""),
    ] {
        let err = catalog
            .move_snapshot(c1.id, to)
            .expect_err("not a valid name");
        assert!(
            matches!(&err, StoreError::InvalidSlug { what: w, slug: s } if *w == what && s == slug),
            "{to}: {err:?}"
        );
    }
    assert_eq!(state(&*catalog)?, before);

    // To where it is already: nothing to do.
    assert_eq!(
        catalog.move_snapshot(c1.id, "cats/api")?,
        catalog.snapshot_by_id(c1.id)?
    );

    // Moving a provider's last snapshots away takes the provider with them.
    catalog.move_snapshot(c1.id, "dogs/y")?;
    catalog.move_snapshot(c2.id, "dogs/y")?;
    catalog.move_snapshot(a2.id, "dogs/y")?;
    assert_eq!(api_ids(&*catalog)?, ["dogs/x", "dogs/y", "pets/other"]);
    assert_eq!(
        history(&*catalog, "dogs/y")?,
        [(c2.id, Current), (c1.id, Superseded), (a2.id, Superseded)]
    );
    let providers = db
        .row_counts()?
        .into_iter()
        .find(|(table, _)| *table == "providers")
        .map(|(_, n)| n);
    assert_eq!(providers, Some(2));

    // The moved snapshot is recognised in its new API on a re-ingest.
    let again = catalog.ingest(edition(&in_api("dogs", "y"), &v1, &hash(4)))?;
    assert_eq!(
        (again.status, again.snapshot.id),
        (IngestStatus::Unchanged, c1.id)
    );
    Ok(())
}

/// A snapshot's listing with its API left out, to compare a moved one.
struct SnapshotInfoWithout;

impl SnapshotInfoWithout {
    fn api(info: &specdex_store::SnapshotInfo) -> specdex_store::SnapshotInfo {
        specdex_store::SnapshotInfo {
            api: String::new(),
            ..info.clone()
        }
    }
}

fn assert_snapshot_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>, id: i64) {
    assert!(
        matches!(result, Err(StoreError::SnapshotNotFound { id: found }) if found == id),
        "{result:?}"
    );
}

/// Replicas ingesting editions of one provider's new APIs at once: each API
/// is created once, and each keeps exactly one current snapshot.
fn concurrent_ingests_create_each_api_once(db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let server = "https://api.example.com";
    let outcomes = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..4_u8)
            .map(|worker| {
                let db = &db;
                scope.spawn(
                    move || -> Result<Vec<_>, Box<dyn std::error::Error + Send + Sync>> {
                        let catalog = db.open()?;
                        let mut outcomes = Vec::new();
                        for n in 0..5_u8 {
                            let version = format!("{worker}.{n}");
                            for spec in [
                                document("Users API", &version, server, &["/users", "/users/{id}"]),
                                document("Billing API", &version, server, &["/invoices"]),
                            ] {
                                let identity = spec.identity();
                                outcomes.push(catalog.ingest(spec.edition(&identity))?);
                            }
                        }
                        Ok(outcomes)
                    },
                )
            })
            .collect();
        writers
            .into_iter()
            .map(|w| w.join().map_err(|_| "writer panicked"))
            .collect::<Result<Vec<_>, _>>()
    })?
    .into_iter()
    .collect::<Result<Vec<_>, _>>()
    .map_err(|e| e.to_string())?
    .concat();
    assert_eq!(outcomes.len(), 40);
    assert!(outcomes.iter().all(|o| o.status == IngestStatus::New));
    let created: Vec<_> = outcomes
        .iter()
        .filter(|o| o.api_created)
        .map(|o| o.snapshot.api.as_str())
        .collect();
    assert_eq!(created.len(), 2, "{created:?}");
    assert_eq!(api_ids(&*catalog)?, ["example/billing", "example/users"]);
    for api in ["example/billing", "example/users"] {
        let history = history(&*catalog, api)?;
        assert_eq!(history.len(), 20);
        assert_eq!(history[0].1, SnapshotStatus::Current);
        assert!(
            history[1..]
                .iter()
                .all(|(_, s)| *s == SnapshotStatus::Superseded)
        );
    }
    Ok(())
}

/// A replica moving an API's current snapshot away while another ingests
/// into it: every snapshot is kept, each API has exactly one current
/// snapshot, its newest.
fn moves_beside_ingests_keep_one_current_per_api(
    db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    let pets = named("pets");
    let editions: Vec<_> = (0..20).map(|n| sample_api(&format!("{n}.0"))).collect();
    let done = std::sync::atomic::AtomicBool::new(false);
    let moved = std::thread::scope(|scope| -> Result<usize, Box<dyn std::error::Error>> {
        let mover = scope.spawn(|| -> Result<usize, StoreError> {
            let catalog = db.open()?;
            let mut moved = 0;
            // Until the writer is done, and at least once: a fast writer may
            // finish before the mover's first turn.
            while !done.load(std::sync::atomic::Ordering::Acquire) || moved == 0 {
                let current = match catalog.snapshot("pets/api", None) {
                    Ok(current) => current,
                    Err(StoreError::ApiNotFound { .. }) => continue,
                    Err(e) => return Err(e),
                };
                match catalog.move_snapshot(current.id, "pets/moved") {
                    Ok(_) => moved += 1,
                    // Moved or removed by no one else here, so only a
                    // snapshot gone from under it would be refused.
                    Err(e) => return Err(e),
                }
            }
            Ok(moved)
        });
        let writer = db.open()?;
        for (n, api) in (1_u8..).zip(&editions) {
            writer.ingest(edition(&pets, api, &hash(n)))?;
        }
        done.store(true, std::sync::atomic::Ordering::Release);
        Ok(mover.join().map_err(|_| "mover panicked")??)
    })?;
    let mut total = 0;
    for api in api_ids(&*catalog)? {
        let history = history(&*catalog, &api)?;
        total += history.len();
        let newest = history.iter().map(|(id, _)| *id).max();
        let current: Vec<_> = history
            .iter()
            .filter(|(_, s)| *s == SnapshotStatus::Current)
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(current.into_iter().max(), newest, "{api}: {history:?}");
        assert_eq!(
            history
                .iter()
                .filter(|(_, s)| *s == SnapshotStatus::Current)
                .count(),
            1,
            "{api}"
        );
    }
    assert_eq!(total, editions.len());
    assert!(moved > 0);
    if moved < editions.len() {
        assert_eq!(history(&*catalog, "pets/moved")?.len(), moved);
    }
    Ok(())
}
