//! The reads a query engine makes without loading a whole API: overview,
//! endpoint and schema listings and lookups, the search rows, the catalog
//! generation; their upgrade from a layout-1 catalog; and reads running
//! beside an ingest. On both backends (see `common`), but for the SQLite
//! layout upgrade.

#[macro_use]
mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use common::{Guard, OldCatalog, TestResult, edition, hash, named, sample_api};
use rusqlite::Connection;
use serde_json::json;
use specdex_store::{
    Api, Catalog, DESCRIPTION_PREFIX_CHARS, EndpointSummary, IngestStatus, NewSnapshot,
    PROVIDER_DESCRIPTION_PREFIX_CHARS, SchemaName, SqliteCatalog, StoreError,
};

on_both_backends!(
    overview_is_the_api_without_endpoints_and_schemas,
    endpoint_list_keeps_document_order,
    endpoints_by_key_answers_in_key_order,
    schema_names_and_schemas_by_name,
    search_rows_cover_current_snapshots_only,
    generation_changes_with_each_new_snapshot_only,
    reads_run_beside_an_ingest,
);

/// An API whose endpoints are listed out of path order, with long
/// descriptions of multi-byte characters.
fn listed_api(title: &str, endpoints: usize) -> Api {
    let endpoints: Vec<_> = (0..endpoints)
        .rev()
        .map(|n| {
            json!({
                "method": if n % 2 == 0 { "GET" } else { "POST" },
                "path": format!("/items/{n}"),
                "operation_id": format!("op{n}"),
                "description": format!("Größe {n} ").repeat(60),
                "tags": [format!("t{}", n % 3)],
                "responses": [{"status": "200"}]
            })
        })
        .collect();
    serde_json::from_value(json!({
        "format": "openapi30", "spec_version": "3.0.3",
        "info": {"title": title, "version": "1", "description": "Ünïcode ".repeat(200)},
        "servers": [], "security_schemes": [], "security": [],
        "tags": [{"name": "t0", "description": "first"}, {"name": "t1"}],
        "endpoints": endpoints, "webhooks": [], "schemas": [], "warnings": []
    }))
    .expect("the sample is a valid model")
}

fn summary_of(endpoint: &specdex_store::Endpoint) -> EndpointSummary {
    EndpointSummary {
        method: endpoint.method.clone(),
        path: endpoint.path.clone(),
        operation_id: endpoint.operation_id.clone(),
        summary: endpoint.summary.clone(),
        tags: endpoint.tags.clone(),
        deprecated: endpoint.deprecated,
    }
}

/// The first `chars` characters, as the store keeps descriptions.
fn first_chars(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

fn assert_snapshot_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>, id: i64) {
    assert!(
        matches!(result, Err(StoreError::SnapshotNotFound { id: found }) if found == id),
        "{result:?}"
    );
}

fn overview_is_the_api_without_endpoints_and_schemas(
    _db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    let api = sample_api("1.0");
    let id = catalog
        .ingest(edition(&named("pets"), &api, &hash(1)))?
        .snapshot
        .id;
    let overview = catalog.overview(id)?;
    assert_eq!(
        overview,
        Api {
            endpoints: Vec::new(),
            schemas: Vec::new(),
            ..api.clone()
        }
    );
    assert!(!overview.webhooks.is_empty() && !overview.warnings.is_empty());
    assert_snapshot_not_found(catalog.overview(id + 1), id + 1);
    Ok(())
}

fn endpoint_list_keeps_document_order(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let sample = sample_api("1.0");
    let listed = listed_api("Items", 30);
    let pets = catalog
        .ingest(edition(&named("pets"), &sample, &hash(1)))?
        .snapshot
        .id;
    let items = catalog
        .ingest(edition(&named("items"), &listed, &hash(1)))?
        .snapshot
        .id;

    let expected: Vec<_> = sample.endpoints.iter().map(summary_of).collect();
    assert_eq!(catalog.endpoint_list(pets)?, expected);
    assert_eq!(
        expected[1],
        EndpointSummary {
            method: "DELETE".into(),
            path: "/pets/{id}".into(),
            operation_id: None,
            summary: None,
            tags: Vec::new(),
            deprecated: true
        }
    );
    let expected: Vec<_> = listed.endpoints.iter().map(summary_of).collect();
    assert_eq!(catalog.endpoint_list(items)?, expected);
    assert_eq!(expected[0].path, "/items/29", "listed out of path order");

    let empty = catalog.ingest(edition(&named("empty"), &listed_api("Empty", 0), &hash(1)))?;
    assert!(catalog.endpoint_list(empty.snapshot.id)?.is_empty());
    assert_snapshot_not_found(
        catalog.endpoint_list(empty.snapshot.id + 1),
        empty.snapshot.id + 1,
    );
    Ok(())
}

fn endpoints_by_key_answers_in_key_order(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let sample = sample_api("1.0");
    let listed = listed_api("Items", 30);
    let pets = catalog
        .ingest(edition(&named("pets"), &sample, &hash(1)))?
        .snapshot
        .id;
    let items = catalog
        .ingest(edition(&named("items"), &listed, &hash(1)))?
        .snapshot
        .id;

    let found = catalog.endpoints_by_key(
        pets,
        &[
            ("DELETE", "/pets/{id}"),
            ("GET", "/nowhere"),
            ("GET", "/pets"),
            ("get", "/pets"),
            ("GET", "/pets/"),
            ("POST", "newPet"),
            ("DELETE", "/pets/{id}"),
        ],
    )?;
    let (list, delete) = (&sample.endpoints[0], &sample.endpoints[1]);
    assert_eq!(
        found,
        [
            Some(delete.clone()),
            None,
            Some(list.clone()),
            None,
            None,
            None, // webhooks are not endpoints
            Some(delete.clone()),
        ]
    );
    assert!(catalog.endpoints_by_key(pets, &[])?.is_empty());

    // Keys are looked up within the snapshot asked for only.
    assert_eq!(
        catalog.endpoints_by_key(items, &[("GET", "/pets"), ("POST", "/items/7")])?,
        [None, Some(listed.endpoints[22].clone())]
    );
    assert_eq!(listed.endpoints[22].path, "/items/7");
    assert_snapshot_not_found(
        catalog.endpoints_by_key(items + 1, &[("GET", "/pets")]),
        items + 1,
    );
    Ok(())
}

fn schema_names_and_schemas_by_name(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let api = sample_api("1.0");
    let id = catalog
        .ingest(edition(&named("pets"), &api, &hash(1)))?
        .snapshot
        .id;

    let names: Vec<_> = api
        .schemas
        .iter()
        .map(|s| SchemaName {
            name: s.name.clone(),
            external: s.external,
            in_cycle: s.in_cycle,
        })
        .collect();
    assert_eq!(catalog.schema_names(id)?, names);
    assert_eq!(
        (names[0].in_cycle, names[2].external),
        (true, true),
        "the sample has a cyclic and an external schema"
    );

    let found = catalog.schemas_by_name(id, &["common.yaml#/Error", "Missing", "Pet", "pet"])?;
    assert_eq!(
        found,
        [
            Some(api.schemas[2].clone()),
            None,
            Some(api.schemas[0].clone()),
            None
        ]
    );
    assert!(catalog.schemas_by_name(id, &[])?.is_empty());

    let empty = catalog.ingest(edition(&named("empty"), &listed_api("Empty", 1), &hash(1)))?;
    assert!(catalog.schema_names(empty.snapshot.id)?.is_empty());
    assert_eq!(
        catalog.schemas_by_name(empty.snapshot.id, &["Pet"])?,
        [None]
    );
    let missing = empty.snapshot.id + 1;
    assert_snapshot_not_found(catalog.schema_names(missing), missing);
    assert_snapshot_not_found(catalog.schemas_by_name(missing, &["Pet"]), missing);
    Ok(())
}

fn search_rows_cover_current_snapshots_only(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    assert_eq!(catalog.search_rows()?, (Vec::new(), Vec::new()));

    let old = listed_api("Items, old", 5);
    let mut new = listed_api("Items", 3);
    new.endpoints[1].description = None;
    new.info.description = None;
    let pets = sample_api("1.0");
    catalog.ingest(edition(&named("items"), &old, &hash(1)))?;
    let items = catalog
        .ingest(edition(&named("items"), &new, &hash(2)))?
        .snapshot
        .id;
    let pets_id = catalog
        .ingest(edition(&named("pets"), &pets, &hash(1)))?
        .snapshot
        .id;

    let (providers, endpoints) = catalog.search_rows()?;
    let listed: Vec<_> = providers
        .iter()
        .map(|p| {
            (
                p.api.as_str(),
                p.provider.as_str(),
                p.snapshot_id,
                p.title.as_str(),
                p.description.as_deref(),
                p.tags.clone(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                "items/api",
                "items",
                items,
                "Items",
                None,
                vec!["t0".to_owned(), "t1".to_owned()]
            ),
            (
                "pets/api",
                "pets",
                pets_id,
                "Pet Store",
                Some("Pets & more"),
                vec!["pets".to_owned()]
            ),
        ]
    );

    let expected: Vec<_> = new
        .endpoints
        .iter()
        .map(|e| {
            (
                "items/api",
                items,
                summary_of(e),
                e.description
                    .as_deref()
                    .map(|d| first_chars(d, DESCRIPTION_PREFIX_CHARS)),
            )
        })
        .chain(
            pets.endpoints
                .iter()
                .map(|e| ("pets/api", pets_id, summary_of(e), None)),
        )
        .collect();
    let rows: Vec<_> = endpoints
        .into_iter()
        .map(|row| (row.api, row.snapshot_id, row.endpoint, row.description))
        .collect();
    let rows: Vec<_> = rows
        .iter()
        .map(|(p, id, e, d)| (p.as_str(), *id, e.clone(), d.clone()))
        .collect();
    assert_eq!(rows, expected);
    let cut = rows[0].3.as_deref().ok_or("a description")?;
    assert_eq!(cut.chars().count(), DESCRIPTION_PREFIX_CHARS);
    assert!(cut.starts_with("Größe 2 Größe 2"), "{cut}");

    // A long info.description is cut too.
    let described = listed_api("Described", 1);
    catalog.ingest(edition(&named("described"), &described, &hash(1)))?;
    let (apis, _) = catalog.search_rows()?;
    let description = apis[0].description.as_deref().ok_or("a description")?;
    assert_eq!(
        description,
        first_chars(
            described
                .info
                .description
                .as_deref()
                .ok_or("a description")?,
            PROVIDER_DESCRIPTION_PREFIX_CHARS
        )
    );
    assert_eq!(
        description.chars().count(),
        PROVIDER_DESCRIPTION_PREFIX_CHARS
    );
    Ok(())
}

fn generation_changes_with_each_new_snapshot_only(
    db: Guard,
    catalog: Box<dyn Catalog>,
) -> TestResult {
    let api = sample_api("1.0");
    let start = catalog.generation()?;
    assert_eq!(catalog.generation()?, start);

    assert_eq!(
        catalog
            .ingest(edition(&named("pets"), &api, &hash(1)))?
            .status,
        IngestStatus::New
    );
    let first = catalog.generation()?;
    assert_ne!(first, start);

    assert_eq!(
        catalog
            .ingest(edition(&named("pets"), &api, &hash(1)))?
            .status,
        IngestStatus::Unchanged
    );
    assert_eq!(catalog.generation()?, first);
    assert!(
        catalog
            .ingest(edition(&named("Pets"), &api, &hash(2)))
            .is_err()
    );
    assert_eq!(catalog.generation()?, first);

    catalog.ingest(edition(&named("cats"), &api, &hash(1)))?;
    let second = catalog.generation()?;
    assert_ne!(second, first);
    assert_ne!(second, start);

    // Another process's ingest counts too, and the number is kept.
    db.open()?.ingest(edition(&named("pets"), &api, &hash(3)))?;
    let third = catalog.generation()?;
    assert!(![start, first, second].contains(&third));
    drop(catalog);
    assert_eq!(db.open()?.generation()?, third);
    Ok(())
}

/// Writes `api` as layout 1 stored it, row by row.
fn insert_layout1_snapshot(conn: &Connection, slug: &str, api: &Api, content: &str) -> TestResult {
    conn.execute("INSERT OR IGNORE INTO providers (slug) VALUES (?1)", [slug])?;
    let provider: i64 =
        conn.query_row("SELECT id FROM providers WHERE slug = ?1", [slug], |r| {
            r.get(0)
        })?;
    conn.execute(
        "UPDATE snapshots SET status = 'superseded' WHERE provider_id = ?1",
        [provider],
    )?;
    let mut parts = serde_json::to_value(api)?;
    let object = parts.as_object_mut().ok_or("an API is an object")?;
    for key in ["endpoints", "schemas", "warnings"] {
        object.remove(key);
    }
    conn.execute(
        "INSERT INTO snapshots (provider_id, version, content_hash, source, ingested_at, status, \
         title, format, endpoint_count, schema_count, api) \
         VALUES (?1, ?2, ?3, 'old.yaml', 1600000000, 'current', ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            provider,
            api.info.version,
            content,
            api.info.title,
            api.format.label(),
            i64::try_from(api.endpoint_count())?,
            i64::try_from(api.schema_count())?,
            serde_json::to_string(&parts)?,
        ],
    )?;
    let id = conn.last_insert_rowid();
    for (position, e) in (0_i64..).zip(&api.endpoints) {
        conn.execute(
            "INSERT INTO endpoints (snapshot_id, position, method, path, operation_id, summary, \
             tags, deprecated, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                id,
                position,
                e.method,
                e.path,
                e.operation_id,
                e.summary,
                serde_json::to_string(&e.tags)?,
                e.deprecated,
                serde_json::to_string(e)?,
            ],
        )?;
    }
    common::insert_sqlite_schemas_and_warnings(conn, id, api)?;
    conn.execute(
        "INSERT INTO documents (snapshot_id, bytes) VALUES (?1, x'6f70656e617069')",
        [id],
    )?;
    Ok(())
}

/// Every table and index of a catalog, as SQLite records their definitions.
fn layout(path: &Path) -> Result<Vec<(String, String, Option<String>)>, rusqlite::Error> {
    Connection::open(path)?
        .prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect()
}

#[test]
fn layout1_catalog_upgrades_in_place_and_backfills_descriptions() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("old.db");
    let sample = sample_api("1.0");
    let old = listed_api("Items, old", 4);
    let mut items = listed_api("Items", 6);
    items.endpoints[2].description = Some("short".into());
    items.endpoints[3].description = None;
    {
        let conn = Connection::open(&path)?;
        conn.execute_batch(include_str!("../src/migrations/001_initial.sql"))?;
        conn.pragma_update(None, "application_id", i32::from_be_bytes(*b"sdex"))?;
        conn.pragma_update(None, "user_version", 1)?;
        insert_layout1_snapshot(&conn, "pets", &sample, &hash(1))?;
        insert_layout1_snapshot(&conn, "items", &old, &hash(1))?;
        insert_layout1_snapshot(&conn, "items", &items, &hash(2))?;
    }

    let catalog = SqliteCatalog::open(&path)?;
    let version: i64 =
        Connection::open(&path)?.pragma_query_value(None, "user_version", |r| r.get(0))?;
    assert_eq!(version, 7);
    let fresh = dir.path().join("fresh.db");
    drop(SqliteCatalog::open(&fresh)?);
    assert_eq!(
        layout(&path)?,
        layout(&fresh)?,
        "upgraded and new catalogs differ"
    );

    // Each provider's history became one API, named by the identity rule
    // from its first edition; the slugs the user chose stay.
    let apis: Vec<_> = catalog
        .apis()?
        .into_iter()
        .map(|a| (a.id, a.snapshot_count))
        .collect();
    assert_eq!(
        apis,
        [("items/old".to_owned(), 2), ("pets/store".to_owned(), 1)]
    );
    common::check_every_current_snapshot_has_a_segment(&catalog)?;

    // Everything reads back as before, now by key too.
    let pets = catalog.snapshot("pets/store", None)?;
    assert_eq!(catalog.load_api(pets.id)?, sample);
    let items_id = catalog.snapshot("items/old", None)?.id;
    assert_eq!(catalog.load_api(items_id)?, items);
    assert_eq!(
        catalog.endpoints_by_key(items_id, &[("GET", "/items/0"), ("GET", "/items/1")])?,
        [Some(items.endpoints[5].clone()), None]
    );
    assert_eq!(
        catalog.schemas_by_name(pets.id, &["Owner"])?,
        [Some(sample.schemas[1].clone())]
    );

    // Descriptions were filled in from the stored endpoints, cut as ingest cuts them.
    let (apis, endpoints) = catalog.search_rows()?;
    assert_eq!(apis.len(), 2);
    let descriptions: Vec<_> = endpoints
        .iter()
        .filter(|row| row.api == "items/old")
        .map(|row| row.description.clone())
        .collect();
    let expected: Vec<_> = items
        .endpoints
        .iter()
        .map(|e| {
            e.description
                .as_deref()
                .map(|d| first_chars(d, DESCRIPTION_PREFIX_CHARS))
        })
        .collect();
    assert_eq!(descriptions, expected);
    assert_eq!(expected[2].as_deref(), Some("short"));
    assert_eq!(expected[3], None);

    // The same content ingested now gives the same rows.
    let generation = catalog.generation()?;
    let copy = SqliteCatalog::open_in_memory()?;
    copy.ingest(edition(&named("items"), &items, &hash(2)))?;
    assert_eq!(
        copy.search_rows()?
            .1
            .iter()
            .map(|r| &r.description)
            .collect::<Vec<_>>(),
        descriptions.iter().collect::<Vec<_>>()
    );

    // And the upgraded catalog takes new snapshots.
    let next = catalog.ingest(edition(&named("items"), &sample, &hash(3)))?;
    assert_eq!(next.status, IngestStatus::New);
    assert_ne!(catalog.generation()?, generation);
    assert_eq!(catalog.endpoint_list(next.snapshot.id)?.len(), 2);
    Ok(())
}

/// A catalog of layout 2, one history per provider, opened by this build:
/// its snapshots are split into APIs by the identity rule, every one kept.
#[test]
fn layout2_catalog_is_split_into_apis() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("old.db");
    let old = OldCatalog::new();
    let ids = common::sqlite_layout2_catalog(&path, &old.rows())?;

    let catalog = SqliteCatalog::open(&path)?;
    let version: i64 =
        Connection::open(&path)?.pragma_query_value(None, "user_version", |r| r.get(0))?;
    assert_eq!(version, 7);
    let fresh = dir.path().join("fresh.db");
    drop(SqliteCatalog::open(&fresh)?);
    assert_eq!(
        layout(&path)?,
        layout(&fresh)?,
        "upgraded and new catalogs differ"
    );
    // The providers whose slugs the old rule derived are gone; their APIs
    // moved to the provider the new rule derives.
    let providers: Vec<String> = Connection::open(&path)?
        .prepare("SELECT slug FROM providers ORDER BY slug")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    assert_eq!(providers, ["example", "jumpcloud", "my-pets"]);
    old.check_split(&catalog, &ids)?;
    common::check_every_current_snapshot_has_a_segment(&catalog)?;

    // Opened again, nothing is split twice.
    drop(catalog);
    let apis = SqliteCatalog::open(&path)?.apis()?.len();
    assert_eq!(apis, 6);
    Ok(())
}

fn reads_run_beside_an_ingest(_db: Guard, catalog: Box<dyn Catalog>) -> TestResult {
    let zoo = sample_api("1.0");
    catalog.ingest(edition(&named("zoo"), &zoo, &hash(1)))?;
    catalog.ingest(edition(
        &named("items"),
        &listed_api("Items 1", 1),
        &hash(0),
    ))?;
    // An edition titled "Items n" has n endpoints, so a reader can tell
    // whether the rows it got belong together.
    let editions: Vec<Api> = (2..=40)
        .map(|n| listed_api(&format!("Items {}", n * 10), n * 10))
        .collect();
    let writing = AtomicBool::new(true);

    std::thread::scope(|scope| -> TestResult {
        // More readers than the pool holds connections, so some wait.
        let readers: Vec<_> = (0..10)
            .map(|_| {
                let (catalog, writing, zoo) = (&*catalog, &writing, &zoo);
                scope.spawn(move || -> Result<usize, String> {
                    let mut rounds = 0;
                    while writing.load(Ordering::Acquire) || rounds == 0 {
                        check_consistent(catalog, zoo).map_err(|e| e.to_string())?;
                        rounds += 1;
                    }
                    Ok(rounds)
                })
            })
            .collect();
        let writer = scope.spawn(|| -> Result<(), StoreError> {
            let done = || writing.store(false, Ordering::Release);
            for (n, api) in (2_u8..).zip(&editions) {
                if let Err(e) = catalog.ingest(NewSnapshot {
                    version_label: &api.info.title,
                    ..edition(&named("items"), api, &hash(n))
                }) {
                    done();
                    return Err(e);
                }
            }
            done();
            Ok(())
        });
        writer.join().map_err(|_| "writer panicked")??;
        for reader in readers {
            let rounds = reader.join().map_err(|_| "reader panicked")??;
            assert!(rounds > 0);
        }
        Ok(())
    })?;
    assert_eq!(catalog.snapshot("items/api", None)?.title, "Items 400");
    check_consistent(&*catalog, &zoo)?;
    Ok(())
}

/// One round of reads, checking that each answer is whole.
fn check_consistent(catalog: &dyn Catalog, zoo: &Api) -> TestResult {
    let (apis, endpoints) = catalog.search_rows()?;
    let [items, zoo_row] = apis.as_slice() else {
        return Err(format!("two APIs expected: {apis:?}").into());
    };
    let n: usize = items.title.trim_start_matches("Items ").parse()?;
    let own: Vec<_> = endpoints.iter().filter(|r| r.api == "items/api").collect();
    assert_eq!(own.len(), n, "rows of {}", items.title);
    assert!(own.iter().all(|r| r.snapshot_id == items.snapshot_id));
    assert_eq!(endpoints.len(), n + zoo.endpoints.len());
    assert!(
        endpoints[n..]
            .iter()
            .all(|r| r.snapshot_id == zoo_row.snapshot_id)
    );

    let last = format!("/items/{}", n - 1);
    let method = if n % 2 == 1 { "GET" } else { "POST" };
    let found = catalog.endpoints_by_key(
        items.snapshot_id,
        &[("GET", "/items/0"), (method, &last), ("GET", "/items/999")],
    )?;
    let paths: Vec<_> = found
        .iter()
        .map(|e| e.as_ref().map(|e| e.path.as_str()))
        .collect();
    assert_eq!(
        paths,
        [Some("/items/0"), Some(last.as_str()), None],
        "in {}",
        items.title
    );
    assert_eq!(catalog.endpoint_list(items.snapshot_id)?.len(), n);
    assert_eq!(
        catalog.overview(zoo_row.snapshot_id)?.info.title,
        "Pet Store"
    );
    catalog.generation()?;
    Ok(())
}
