//! What only the PostgreSQL catalog has: its search rows equal to SQLite's
//! for the same content, migrations when replicas start together, refusals
//! at open, the notification after each new snapshot, a pool that replaces
//! dead connections and stays within its size, and closing inside an async
//! runtime. Skipped without a reachable server (see `common`), unless
//! `SPECDEX_REQUIRE_PG=1`.

#[allow(unused_macros)]
mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{Guard, OldCatalog, TestResult, edition, hash, named, open_together, sample_api};
use postgres::fallible_iterator::FallibleIterator;
use serde_json::json;
use specdex_spec::identity::identify;
use specdex_spec::{Base, Fetch, FetchError, ReadOptions, read_api};
use specdex_store::{
    Api, ApiSearchRow, Catalog, EndpointSearchRow, NOTIFY_CHANNEL, NewSnapshot, PgCatalog,
    SqliteCatalog, StoreError, open_catalog,
};

/// A fresh database, or `None` when the tests are skipped.
fn database() -> Result<Option<Guard>, Box<dyn std::error::Error>> {
    common::postgres_database()
}

/// Reads `$ref`d files under one directory, for multi-file corpus documents.
struct DirFetch(PathBuf);

impl Fetch for DirFetch {
    fn read_file(&self, relative: &Path) -> Result<Vec<u8>, FetchError> {
        std::fs::read(self.0.join(relative)).map_err(|e| FetchError::NotFound(e.to_string()))
    }
    fn read_url(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        Err(FetchError::Forbidden(format!("{url}: no network in tests")))
    }
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SPECDEX_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/specs"),
        PathBuf::from,
    );
    dir.is_dir().then_some(dir)
}

/// The documents of the search-quality catalog and the APIs.guru sample,
/// relative to the corpus; each is placed by the identity rule.
const CORPUS: &[&str] = &[
    "github/api.github.com.json",
    "stripe-2026-01-28/stripe.yaml",
    "kubernetes/swagger.json.unprocessed",
    "jumpcloud/api/2.0/index.yaml",
    "twilio/json/twilio_api_v2010.json",
    "digitalocean/specification/DigitalOcean-public.v2.yaml",
    "cloudflare/openapi.json",
    "apis-guru/slack.com.json",
    "apis-guru/kubernetes.io.json",
    "apis-guru/amazonaws.com/lambda.json",
    "apis-guru/amazonaws.com/s3.json",
    "apis-guru/googleapis.com/youtube.json",
    "apis-guru/openai.com.json",
    "apis-guru/xkcd.com.json",
    "apis-guru/azure.com/web-WebApps.json",
];

/// Reads a corpus document as ingest would; `None` if it is not there.
fn read_corpus(corpus: &Path, file: &str) -> Result<Option<(Api, String, Vec<u8>)>, String> {
    let path = corpus.join(file);
    let Ok(bytes) = std::fs::read(&path) else {
        return Ok(None);
    };
    let dir = path.parent().unwrap_or(corpus).to_path_buf();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let read = read_api(
        &name,
        &bytes,
        &Base::File(PathBuf::from(&name)),
        &DirFetch(dir),
        &ReadOptions::default(),
    )
    .map_err(|e| format!("{file}: {e}"))?;
    Ok(Some((read.api, read.content_hash, bytes)))
}

/// Search rows with snapshot ids replaced by `provider/api@version`, which
/// the two catalogs agree on whatever ids they hand out.
type Comparable = (
    Vec<(String, String, String, Option<String>, Vec<String>)>,
    Vec<EndpointSearchRow>,
);

fn comparable(catalog: &dyn Catalog) -> Result<Comparable, Box<dyn std::error::Error>> {
    let (apis, endpoints) = catalog.search_rows()?;
    let label = |id: i64, api: &str| -> Result<String, StoreError> {
        let snapshot = catalog.snapshot(api, None)?;
        assert_eq!(snapshot.id, id, "search rows name the current snapshot");
        Ok(format!("{api}@{}", snapshot.version))
    };
    let apis = apis
        .into_iter()
        .map(|a: ApiSearchRow| {
            Ok((
                label(a.snapshot_id, &a.api)?,
                a.provider,
                a.title,
                a.description,
                a.tags,
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let endpoints = endpoints
        .into_iter()
        .map(|mut row| {
            row.snapshot_id = 0;
            row
        })
        .collect();
    Ok((apis, endpoints))
}

/// Hand-built content that tests the edges: slugs whose order depends on
/// collation, superseded editions, long and multi-byte descriptions, NUL,
/// endpoints without descriptions, tags absent and present.
fn edge_apis() -> Vec<(&'static str, Api, String)> {
    let mut out = Vec::new();
    for (n, slug) in ["a_b", "a-b", "a.b", "ab", "a0", "z"]
        .into_iter()
        .enumerate()
    {
        let mut api = sample_api(&format!("{n}.0"));
        api.info.description = Some(format!("Größe {slug} 🐾 ").repeat(150));
        api.endpoints[0].description = Some("ÿ".repeat(400));
        api.endpoints[1].summary = Some(format!("with \0 nul {slug}"));
        out.push((slug, api, hash(u8::try_from(n).unwrap_or(0))));
    }
    let mut bare: Api = serde_json::from_value(json!({
        "format": "swagger2", "spec_version": "2.0",
        "info": {"title": "Bare", "version": "1"},
        "servers": [], "security_schemes": [], "security": [], "tags": [],
        "endpoints": [{"method": "GET", "path": "/", "responses": []}],
        "webhooks": [], "schemas": [], "warnings": []
    }))
    .expect("the sample is a valid model");
    out.push(("bare", bare.clone(), hash(1)));
    bare.info.version = "2".to_owned();
    out.push(("bare", bare, hash(2)));
    out
}

#[test]
fn search_rows_match_sqlite_for_the_same_catalog() -> TestResult {
    let Some((db, pg)) = common::postgres()? else {
        return Ok(());
    };
    drop(db.open()?);
    let dir = tempfile::tempdir()?;
    let sqlite = SqliteCatalog::open(&dir.path().join("catalog.db"))?;
    let both: [&dyn Catalog; 2] = [&sqlite, &*pg];

    for (slug, api, content) in edge_apis() {
        for catalog in both {
            catalog.ingest(edition(&named(slug), &api, &content))?;
        }
    }
    let mut documents = 0;
    if let Some(corpus) = corpus() {
        for file in CORPUS {
            let Some((api, content, bytes)) = read_corpus(&corpus, file)? else {
                eprintln!("not in the corpus: {file}");
                continue;
            };
            let identity = identify(&api, None, None);
            for catalog in both {
                catalog.ingest(NewSnapshot {
                    identity: &identity,
                    version_label: &api.info.version,
                    content_hash: &content,
                    source: file,
                    api: &api,
                    document: &bytes,
                    ingested_at: Some(1_700_000_000),
                    published_by: None,
                    fetched: None,
                })?;
            }
            documents += 1;
        }
    } else {
        eprintln!("corpus not found (set SPECDEX_CORPUS): comparing hand-built APIs only");
    }
    let (sqlite_rows, pg_rows) = (comparable(&sqlite)?, comparable(&*pg)?);
    assert_eq!(sqlite_rows.0.len(), pg_rows.0.len());
    for (s, p) in sqlite_rows.0.iter().zip(&pg_rows.0) {
        assert_eq!(s, p, "API row of {}", s.0);
    }
    let listed = |catalog: &dyn Catalog| -> Result<Vec<_>, StoreError> {
        Ok(catalog
            .apis()?
            .into_iter()
            .map(|a| (a.id, a.snapshot_count, a.current.version))
            .collect())
    };
    assert_eq!(listed(&sqlite)?, listed(&*pg)?);
    assert_eq!(sqlite_rows.1.len(), pg_rows.1.len());
    for (s, p) in sqlite_rows.1.iter().zip(&pg_rows.1) {
        assert_eq!(s, p);
    }
    // And so do the search segments built at ingest, API by API.
    let segments = |catalog: &dyn Catalog| -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let current = catalog.current_snapshots()?;
        let ids: Vec<i64> = current.iter().map(|(_, id)| *id).collect();
        let by_id: std::collections::HashMap<i64, Vec<u8>> =
            catalog.search_segments(&ids)?.into_iter().collect();
        Ok(current
            .into_iter()
            .map(|(api, id)| (api, by_id.get(&id).cloned().unwrap_or_default()))
            .collect())
    };
    let (sqlite_segments, pg_segments) = (segments(&sqlite)?, segments(&*pg)?);
    assert_eq!(sqlite_segments.len(), pg_rows.0.len());
    for (s, p) in sqlite_segments.iter().zip(&pg_segments) {
        assert!(!s.1.is_empty(), "a segment for {}", s.0);
        assert_eq!(s, p, "segment of {}", s.0);
    }
    eprintln!(
        "{} APIs ({documents} corpus documents), {} endpoint rows agree",
        pg_rows.0.len(),
        pg_rows.1.len()
    );
    Ok(())
}

#[test]
fn replicas_starting_together_migrate_once() -> TestResult {
    // A few rounds, each on a new database: the race is in the first open.
    for _ in 0..4 {
        let Some(db) = database()? else {
            return Ok(());
        };
        replicas_migrate_once(&db)?;
    }
    Ok(())
}

fn replicas_migrate_once(db: &Guard) -> TestResult {
    let url = db.location();
    let opened = open_together(6, || PgCatalog::open_with_pool_size(&url, 1))?;
    let api = sample_api("1.0");
    for (n, catalog) in (1_u8..).zip(&opened) {
        catalog.ingest(edition(&named("pets"), &api, &hash(n)))?;
    }
    assert_eq!(opened[0].versions("pets/api")?.len(), opened.len());
    let mut client = db.pg_client()?.ok_or("a PostgreSQL guard")?;
    let versions: Vec<i32> = client
        .query(
            "SELECT version FROM specdex_schema_version ORDER BY version",
            &[],
        )?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    assert_eq!(versions, [1, 2, 3, 4, 5, 6]);
    Ok(())
}

#[test]
fn a_newer_layout_is_refused() -> TestResult {
    let Some(db) = database()? else {
        return Ok(());
    };
    drop(db.open()?);
    db.execute(
        "",
        "INSERT INTO specdex_schema_version (version) VALUES (99)",
    )?;
    let err = PgCatalog::open(&db.location()).expect_err("this must be refused");
    assert!(
        matches!(
            err,
            StoreError::TooNew {
                found: 99,
                supported: 6,
                ..
            }
        ),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn tables_of_another_application_are_left_alone() -> TestResult {
    let Some(db) = database()? else {
        return Ok(());
    };
    db.execute(
        "",
        "CREATE TABLE providers (name text); INSERT INTO providers VALUES ('x')",
    )?;
    let err = PgCatalog::open(&db.location()).expect_err("this must be refused");
    let text = err.to_string();
    assert!(
        text.contains("already has a table `providers`") && text.contains(&db.location()),
        "{text}"
    );
    let mut client = db.pg_client()?.ok_or("a PostgreSQL guard")?;
    let exists: bool = client
        .query_one(
            "SELECT to_regclass('specdex_schema_version') IS NOT NULL",
            &[],
        )?
        .try_get(0)?;
    assert!(!exists, "nothing was created");
    Ok(())
}

#[test]
fn connection_failures_say_where_and_what() -> TestResult {
    // Nothing listens on port 1: refused at once, no server needed.
    let err = PgCatalog::open("postgres://app:s3cret@127.0.0.1:1/specdex")
        .expect_err("this must be refused");
    let text = err.to_string();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(
        text.starts_with("cannot open catalog at postgres://app@127.0.0.1:1/specdex: "),
        "{text}"
    );
    assert!(text.contains("cannot reach the server"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");

    let Some(db) = database()? else {
        return Ok(());
    };
    let missing = db.location().replace("specdex_test_", "specdex_missing_");
    let err = PgCatalog::open(&missing).expect_err("this must be refused");
    let text = err.to_string();
    assert!(
        text.contains("does not exist") && text.contains("createdb"),
        "{text}"
    );
    Ok(())
}

#[test]
fn open_catalog_chooses_the_backend_by_location() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("catalog.db");
    let api = sample_api("1.0");
    open_catalog(path.to_str().ok_or("a UTF-8 path")?)?.ingest(edition(
        &named("pets"),
        &api,
        &hash(1),
    ))?;
    assert_eq!(SqliteCatalog::open(&path)?.apis()?.len(), 1);
    assert!(specdex_store::is_postgres_url("postgresql://h/db"));
    assert!(specdex_store::is_postgres_url("POSTGRES://h/db"));
    assert!(!specdex_store::is_postgres_url("postgres.db"));

    let Some(db) = database()? else {
        return Ok(());
    };
    for location in [
        db.location(),
        db.location().replacen("postgres://", "postgresql://", 1),
    ] {
        let catalog = open_catalog(&location)?;
        catalog.ingest(edition(&named("pets"), &api, &hash(1)))?;
        assert_eq!(catalog.apis()?.len(), 1);
    }
    Ok(())
}

#[test]
fn each_new_snapshot_is_announced_after_commit() -> TestResult {
    let Some((db, catalog)) = common::postgres()? else {
        return Ok(());
    };
    let mut listener = db.pg_client()?.ok_or("a PostgreSQL guard")?;
    listener.batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}"))?;
    let api = sample_api("1.0");
    catalog.ingest(edition(&named("pets"), &api, &hash(1)))?;
    catalog.ingest(edition(&named("pets"), &api, &hash(1)))?; // unchanged: no notice
    catalog.ingest(edition(&named("cats"), &api, &hash(1)))?;
    let generation = catalog.generation()?;
    let mut notices = listener.notifications();
    let mut waiting = notices.timeout_iter(Duration::from_millis(500));
    let mut payloads = Vec::new();
    while let Some(notice) = waiting.next()? {
        assert_eq!(notice.channel(), NOTIFY_CHANNEL);
        payloads.push(notice.payload().to_owned());
    }
    assert_eq!(
        payloads,
        [(generation - 1).to_string(), generation.to_string()]
    );
    Ok(())
}

#[test]
fn removes_and_moves_are_announced_after_commit() -> TestResult {
    let Some((db, catalog)) = common::postgres()? else {
        return Ok(());
    };
    let mut listener = db.pg_client()?.ok_or("a PostgreSQL guard")?;
    listener.batch_execute(&format!("LISTEN {NOTIFY_CHANNEL}"))?;
    let (v1, v2) = (sample_api("1.0"), sample_api("2.0"));
    let first = catalog.ingest(edition(&named("pets"), &v1, &hash(1)))?;
    let second = catalog.ingest(edition(&named("pets"), &v2, &hash(2)))?;
    catalog.remove_snapshot(second.snapshot.id)?;
    // Refused or with nothing to do: no notice.
    assert!(catalog.remove_snapshot(second.snapshot.id).is_err());
    assert!(catalog.remove_api("cats/api").is_err());
    catalog.move_snapshot(first.snapshot.id, "pets/api")?;
    catalog.move_snapshot(first.snapshot.id, "pets/moved")?;
    catalog.remove_api("pets/moved")?;
    let generation = catalog.generation()?;
    let mut notices = listener.notifications();
    let mut waiting = notices.timeout_iter(Duration::from_millis(500));
    let mut payloads = Vec::new();
    while let Some(notice) = waiting.next()? {
        assert_eq!(notice.channel(), NOTIFY_CHANNEL);
        payloads.push(notice.payload().to_owned());
    }
    let expected: Vec<String> = (generation - 4..=generation)
        .map(|g| g.to_string())
        .collect();
    assert_eq!(payloads, expected);
    Ok(())
}

/// The tables, columns, indexes and constraints of a PostgreSQL catalog.
fn pg_layout(db: &Guard) -> Result<Vec<Vec<String>>, Box<dyn std::error::Error>> {
    let mut client = db.pg_client()?.ok_or("a PostgreSQL guard")?;
    let mut out = Vec::new();
    for sql in [
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text, \
         coalesce(collation_name::text, ''), coalesce(column_default, '') \
         FROM information_schema.columns WHERE table_schema = 'public' \
         ORDER BY table_name, ordinal_position",
        "SELECT tablename::text, indexname::text, indexdef FROM pg_indexes \
         WHERE schemaname = 'public' ORDER BY 1, 2",
        "SELECT conrelid::regclass::text, conname::text, pg_get_constraintdef(oid) \
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2",
    ] {
        for row in client.query(sql, &[])? {
            out.push(
                (0..row.len())
                    .map(|n| row.try_get::<_, String>(n))
                    .collect::<Result<_, _>>()?,
            );
        }
    }
    Ok(out)
}

/// A catalog of layout 1, one history per provider, opened by this build:
/// its snapshots are split into APIs by the identity rule, every one kept,
/// exactly as the SQLite catalog splits the same snapshots.
#[test]
fn a_catalog_of_layout_1_is_split_into_apis() -> TestResult {
    let Some(db) = database()? else {
        return Ok(());
    };
    let old = OldCatalog::new();
    let ids = common::pg_layout1_catalog(&db, &old.rows())?;
    let catalog = PgCatalog::open(&db.location())?;

    let mut client = db.pg_client()?.ok_or("a PostgreSQL guard")?;
    let versions: Vec<i32> = client
        .query(
            "SELECT version FROM specdex_schema_version ORDER BY version",
            &[],
        )?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    assert_eq!(versions, [1, 2, 3, 4, 5, 6]);
    // The providers whose slugs the old rule derived are gone; their APIs
    // moved to the provider the new rule derives.
    let providers: Vec<String> = client
        .query("SELECT slug FROM providers ORDER BY slug", &[])?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    assert_eq!(providers, ["example", "jumpcloud", "my-pets"]);
    let fresh = database()?.ok_or("a second database")?;
    drop(PgCatalog::open(&fresh.location())?);
    assert_eq!(
        pg_layout(&db)?,
        pg_layout(&fresh)?,
        "upgraded and new catalogs differ"
    );

    // The same as SQLite makes of the same catalog.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("old.db");
    let sqlite_ids = common::sqlite_layout2_catalog(&path, &old.rows())?;
    let sqlite = SqliteCatalog::open(&path)?;
    let split = |catalog: &dyn Catalog, ids: &[i64]| -> Result<Vec<_>, StoreError> {
        let mut out = Vec::new();
        for api in catalog.apis()? {
            let history: Vec<_> = catalog
                .versions(&api.id)?
                .into_iter()
                .map(|s| {
                    let n = ids.iter().position(|&id| id == s.id);
                    (n, s.version, s.content_hash, s.status)
                })
                .collect();
            out.push((api.id, api.title, history));
        }
        Ok(out)
    };
    assert_eq!(split(&catalog, &ids)?, split(&sqlite, &sqlite_ids)?);

    old.check_split(&catalog, &ids)?;
    common::check_every_current_snapshot_has_a_segment(&catalog)?;

    // Opened again, nothing is split twice.
    drop(catalog);
    assert_eq!(PgCatalog::open(&db.location())?.apis()?.len(), 6);
    Ok(())
}

#[test]
fn dead_connections_are_replaced() -> TestResult {
    let Some(db) = database()? else {
        return Ok(());
    };
    let catalog = PgCatalog::open_with_pool_size(&db.location(), 3)?;
    let api = sample_api("1.0");
    catalog.ingest(edition(&named("pets"), &api, &hash(1)))?;
    // Fill the pool, as concurrent requests would.
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| catalog.apis());
        }
    });
    // The server ends every connection (a restart, an idle cut).
    let mut admin = db.pg_client()?.ok_or("a PostgreSQL guard")?;
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
        &[],
    )?;
    std::thread::sleep(Duration::from_millis(100));
    for _ in 0..4 {
        assert_eq!(catalog.apis()?.len(), 1);
        assert_eq!(catalog.search_rows()?.1.len(), 2);
    }
    // Ingests too: a connection found dead before the commit was sent is
    // replaced and the ingest done on a new one.
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| catalog.apis());
        }
    });
    admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
        &[],
    )?;
    std::thread::sleep(Duration::from_millis(100));
    for n in 2..6_u8 {
        catalog.ingest(edition(&named("pets"), &api, &hash(n)))?;
    }
    assert_eq!(catalog.versions("pets/api")?.len(), 5);
    Ok(())
}

#[test]
fn the_pool_stays_within_its_size() -> TestResult {
    let Some(db) = database()? else {
        return Ok(());
    };
    let catalog = PgCatalog::open_with_pool_size(&db.location(), 2)?;
    assert_eq!(catalog.pool_size(), 2);
    catalog.ingest(edition(&named("pets"), &sample_api("1.0"), &hash(1)))?;
    let most = AtomicUsize::new(0);
    let mut admin = db.pg_client()?.ok_or("a PostgreSQL guard")?;
    let count = "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND application_name = 'specdex'";
    std::thread::scope(|scope| -> TestResult {
        let readers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| -> Result<(), StoreError> {
                    for _ in 0..20 {
                        catalog.search_rows()?;
                        catalog.load_api(1)?;
                    }
                    Ok(())
                })
            })
            .collect();
        for _ in 0..20 {
            let n: i64 = admin.query_one(count, &[])?.try_get(0)?;
            most.fetch_max(usize::try_from(n)?, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(2));
        }
        for reader in readers {
            reader.join().map_err(|_| "reader panicked")??;
        }
        Ok(())
    })?;
    assert!(most.load(Ordering::SeqCst) <= 2, "{most:?}");
    Ok(())
}

#[test]
fn a_catalog_can_be_dropped_inside_an_async_runtime() -> TestResult {
    let Some((db, catalog)) = common::postgres()? else {
        return Ok(());
    };
    catalog.ingest(edition(&named("pets"), &sample_api("1.0"), &hash(1)))?;
    let runtime = tokio::runtime::Builder::new_current_thread().build()?;
    // The last owner of a server's catalog is often an async task; closing
    // its connections there must not panic.
    runtime.block_on(async move { drop(catalog) });
    drop(db);
    Ok(())
}
