//! Helpers shared by the catalog tests: the backends every test runs on, a
//! hand-built API that exercises the whole model, and the snapshot to
//! ingest it as.
//!
//! A test written once as `fn name(db: Guard, catalog: Box<dyn Catalog>)`
//! runs on both backends through [`on_both_backends!`]: on a SQLite file in
//! a temporary directory, and on a fresh PostgreSQL database
//! (`specdex_test_*`, [`specdex_testdb`]: on the server `SPECDEX_TEST_PG`
//! names, dropped with the guard). Without a reachable server the
//! PostgreSQL variants say "skipped" and pass, unless `SPECDEX_REQUIRE_PG=1`
//! (CI), where they fail.

#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::json;
use specdex_spec::identity::{Evidence, MAIN_API, identify};
use specdex_spec::{Base, NoFetch, ReadOptions, read_api};
use specdex_store::{
    Api, Catalog, DESCRIPTION_PREFIX_CHARS, Identity, IngestStatus, NewSnapshot, PgCatalog,
    SnapshotStatus, SqliteCatalog, StoreError,
};
use specdex_testdb::TestDatabase;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A test's catalog and the guard that removes it.
pub type Backend = (Guard, Box<dyn Catalog>);

/// The tables of a catalog, on either backend.
pub const TABLES: &[&str] = &[
    "providers",
    "apis",
    "snapshots",
    "endpoints",
    "endpoint_bodies",
    "schemas",
    "warnings",
    "documents",
    "snapshot_paths",
    "search_segments",
    "api_keys",
    "sources",
];

/// Runs each named test, `fn(Guard, Box<dyn Catalog>) -> TestResult`, as
/// `sqlite::NAME` and `postgres::NAME`.
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $test() -> $crate::common::TestResult {
                    let (db, catalog) = $crate::common::sqlite()?;
                    super::$test(db, catalog)
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $test() -> $crate::common::TestResult {
                    match $crate::common::postgres()? {
                        Some((db, catalog)) => super::$test(db, catalog),
                        None => Ok(()),
                    }
                }
            )*
        }
    };
}

/// Where a test's catalog lives; removes it when dropped.
pub struct Guard {
    place: Place,
}

enum Place {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres(TestDatabase),
}

/// A catalog in a new SQLite file.
pub fn sqlite() -> Result<Backend, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("catalog.db");
    let catalog = SqliteCatalog::open(&path)?;
    Ok((
        Guard {
            place: Place::Sqlite { _dir: dir, path },
        },
        Box::new(catalog),
    ))
}

/// A catalog in a new PostgreSQL database; `None` (after saying so) when
/// no server is reachable and none is required.
pub fn postgres() -> Result<Option<Backend>, Box<dyn std::error::Error>> {
    let Some(db) = postgres_database()? else {
        return Ok(None);
    };
    let catalog = PgCatalog::open_with_pool_size(&db.location(), 4)?;
    Ok(Some((db, Box::new(catalog))))
}

/// A new, empty PostgreSQL database (no catalog opened on it yet); `None`
/// when no server is reachable and none is required.
pub fn postgres_database() -> Result<Option<Guard>, Box<dyn std::error::Error>> {
    Ok(TestDatabase::create("specdex_test")?.map(|db| Guard {
        place: Place::Postgres(db),
    }))
}

impl Guard {
    pub fn is_postgres(&self) -> bool {
        matches!(self.place, Place::Postgres(_))
    }

    /// What `--db` would say to open this catalog.
    pub fn location(&self) -> String {
        match &self.place {
            Place::Sqlite { path, .. } => path.display().to_string(),
            Place::Postgres(db) => db.url().to_owned(),
        }
    }

    /// Another handle on the same catalog, as another process would open
    /// it.
    pub fn open(&self) -> Result<Box<dyn Catalog>, StoreError> {
        Ok(match &self.place {
            Place::Sqlite { path, .. } => Box::new(SqliteCatalog::open(path)?),
            Place::Postgres(db) => Box::new(PgCatalog::open_with_pool_size(db.url(), 4)?),
        })
    }

    /// Runs SQL under the catalog: `sqlite` on a SQLite catalog,
    /// `postgres` on a PostgreSQL one.
    pub fn execute(&self, sqlite: &str, postgres: &str) -> TestResult {
        match &self.place {
            Place::Sqlite { path, .. } => {
                rusqlite::Connection::open(path)?.execute_batch(sqlite)?
            }
            Place::Postgres(db) => {
                ::postgres::Client::connect(db.url(), ::postgres::NoTls)?
                    .batch_execute(postgres)?;
            }
        }
        Ok(())
    }

    /// Rows per table, to show that something wrote nothing.
    pub fn row_counts(&self) -> Result<Vec<(&'static str, i64)>, Box<dyn std::error::Error>> {
        match &self.place {
            Place::Sqlite { path, .. } => {
                let conn = rusqlite::Connection::open(path)?;
                TABLES
                    .iter()
                    .map(|&table| {
                        let n =
                            conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| {
                                r.get(0)
                            })?;
                        Ok((table, n))
                    })
                    .collect()
            }
            Place::Postgres(db) => {
                let mut client = ::postgres::Client::connect(db.url(), ::postgres::NoTls)?;
                TABLES
                    .iter()
                    .map(|&table| {
                        let n: i64 = client
                            .query_one(&format!("SELECT count(*) FROM {table}"), &[])?
                            .try_get(0)?;
                        Ok((table, n))
                    })
                    .collect()
            }
        }
    }

    /// A direct connection to the PostgreSQL database; `None` for SQLite.
    pub fn pg_client(&self) -> Result<Option<::postgres::Client>, ::postgres::Error> {
        match &self.place {
            Place::Sqlite { .. } => Ok(None),
            Place::Postgres(db) => {
                ::postgres::Client::connect(db.url(), ::postgres::NoTls).map(Some)
            }
        }
    }
}

/// Checks that every API's current snapshot has a search segment (of this
/// build's format: the others are not handed out).
pub fn check_every_current_snapshot_has_a_segment(catalog: &dyn Catalog) -> TestResult {
    let current: Vec<i64> = catalog
        .current_snapshots()?
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    assert!(!current.is_empty());
    let mut found: Vec<i64> = catalog
        .search_segments(&current)?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    found.sort_unstable();
    let mut expected = current;
    expected.sort_unstable();
    assert_eq!(found, expected, "current snapshots without a segment");
    Ok(())
}

/// An API that exercises every part of the model: webhooks, warnings,
/// external and cyclic schemas, security, servers, tags.
pub fn sample_api(version: &str) -> Api {
    serde_json::from_value(json!({
        "format": "openapi31",
        "spec_version": "3.1.0",
        "info": {
            "title": "Pet Store",
            "version": version,
            "description": "Pets & more",
            "contact": {"email": "pets@example.com"},
            "provider_name": "example.com"
        },
        "servers": [{"url": "https://api.example.com/v1", "description": "production"}],
        "security_schemes": [
            {"name": "key", "kind": "apiKey", "location": "header", "parameter_name": "X-Key"},
            {"name": "oauth", "kind": "oauth2", "flows": {"implicit": {"authorizationUrl": "https://example.com/auth", "scopes": {"read": "read"}}}}
        ],
        "security": [{"schemes": [{"name": "key"}]}, {"schemes": [{"name": "oauth", "scopes": ["read"]}]}],
        "tags": [{"name": "pets", "description": "Pets"}],
        "endpoints": [
            {
                "method": "GET", "path": "/pets", "operation_id": "listPets",
                "summary": "List pets", "tags": ["pets"],
                "parameters": [{"name": "limit", "in": "query", "required": false, "type": "integer(int32)", "schema": {"type": "number", "minimum": 1.5e2, "maximum": 3.4028234663852886e38}}],
                "responses": [{"status": "200", "description": "ok", "content": [{"media_type": "application/json", "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}]}]
            },
            {
                "method": "DELETE", "path": "/pets/{id}", "deprecated": true,
                "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
                "responses": [{"status": "204"}],
                "code_samples": [{"lang": "curl", "source": "curl -X DELETE https://api.example.com/v1/pets/1"}]
            }
        ],
        "webhooks": [
            {"method": "POST", "path": "newPet", "request_body": {"required": true, "content": [{"media_type": "application/json", "schema": {"$ref": "#/components/schemas/Pet"}}]}}
        ],
        "schemas": [
            {"name": "Pet", "schema": {"type": "object", "properties": {"id": {"type": "string"}, "parent": {"$ref": "#/components/schemas/Pet"}}}, "in_cycle": true},
            {"name": "Owner", "schema": {"type": "object", "properties": {"z": {}, "a": {"type": "null"}}}},
            {"name": "common.yaml#/Error", "schema": {"type": "object", "required": ["code"]}, "external": true}
        ],
        "warnings": [
            {"pointer": "/paths/~1pets/get/responses/4xx", "message": "response codes are upper-case"},
            {"pointer": "", "message": "no license"}
        ]
    }))
    .expect("the sample is a valid model")
}

pub fn hash(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

/// The identity of an edition whose provider the user named, in the
/// provider's main API (`provider/api`).
pub fn named(provider: &str) -> Identity {
    Identity {
        provider: provider.to_owned(),
        api: Some(MAIN_API.to_owned()),
        evidence: Evidence::default(),
    }
}

/// The id of the main API of `provider`, where [`named`] puts editions.
pub fn main_api(provider: &str) -> String {
    format!("{provider}/{MAIN_API}")
}

/// An edition of `api` with the given identity (usually [`named`]).
pub fn edition<'a>(identity: &'a Identity, api: &'a Api, content_hash: &'a str) -> NewSnapshot<'a> {
    NewSnapshot {
        identity,
        version_label: &api.info.version,
        content_hash,
        source: "specs/pets.yaml",
        api,
        document: b"openapi: 3.1.0\n",
        ingested_at: Some(1_700_000_000),
        published_by: None,
        fetched: None,
    }
}

/// A document as ingest has it: the bytes, the model read from them and
/// their content hash.
pub struct Spec {
    pub document: Vec<u8>,
    pub api: Api,
    pub content_hash: String,
}

impl Spec {
    /// The edition of this document with the given identity.
    pub fn edition<'a>(&'a self, identity: &'a Identity) -> NewSnapshot<'a> {
        NewSnapshot {
            identity,
            version_label: &self.api.info.version,
            content_hash: &self.content_hash,
            source: "openapi.json",
            api: &self.api,
            document: &self.document,
            ingested_at: Some(1_700_000_000),
            published_by: None,
            fetched: None,
        }
    }

    /// The identity the rule gives it when the user names nothing.
    pub fn identity(&self) -> Identity {
        identify(&self.api, None, None)
    }
}

/// An OpenAPI 3.0 document served at `server` with a GET operation on each
/// of `paths`, read as ingest reads it.
pub fn document(title: &str, version: &str, server: &str, paths: &[&str]) -> Spec {
    let operations: serde_json::Map<String, serde_json::Value> = paths
        .iter()
        .map(|path| {
            let operation = json!({"get": {
                "summary": format!("{title}: {path}"),
                "responses": {"200": {"description": "ok"}}
            }});
            ((*path).to_owned(), operation)
        })
        .collect();
    let document = serde_json::to_vec_pretty(&json!({
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "servers": [{"url": server}],
        "paths": operations
    }))
    .expect("JSON values serialize");
    let read = read_api(
        "openapi.json",
        &document,
        &Base::Detached,
        &NoFetch,
        &ReadOptions::default(),
    )
    .expect("the document is valid");
    Spec {
        document,
        api: read.api,
        content_hash: read.content_hash,
    }
}

/// Three editions at one host: two of a users API (the second renames a
/// parameter and adds a path) and a billing API between them.
pub fn example_history() -> [Spec; 3] {
    let server = "https://api.example.com";
    [
        document("Users API", "1.0", server, &["/users", "/users/{id}"]),
        document(
            "Billing API",
            "1.0",
            server,
            &["/invoices", "/invoices/{id}"],
        ),
        document(
            "Users API",
            "1.1",
            server,
            &["/users", "/users/{userId}", "/users/{id}/roles"],
        ),
    ]
}

/// JumpCloud's documents as a catalog with one history per provider kept
/// them all under `jumpcloud`, in ingest order; [`JUMPCLOUD_APIS`] says
/// which API each belongs to.
pub fn jumpcloud_history() -> Vec<Spec> {
    let v1 = "https://console.jumpcloud.com/api";
    let v2 = "https://console.jumpcloud.com/api/v2";
    let insights = "https://api.jumpcloud.com/insights/directory/v1";
    vec![
        document(
            "JumpCloud API",
            "1.0",
            v1,
            &["/systems", "/systems/{id}", "/systemusers"],
        ),
        document(
            "JumpCloud API",
            "2.0",
            v2,
            &[
                "/systems/{system_id}/memberof",
                "/usergroups",
                "/usergroups/{id}",
            ],
        ),
        document(
            "Directory Insights API",
            "1.0",
            insights,
            &["/events", "/events/count"],
        ),
        document(
            "JumpCloud API",
            "2.0",
            v2,
            &[
                "/systems/{system_id}/memberof",
                "/usergroups",
                "/usergroups/{group_id}",
                "/usergroups/{group_id}/members",
            ],
        ),
        document(
            "JumpCloud API",
            "1.0",
            v1,
            &[
                "/systems",
                "/systems/{id}",
                "/systemusers",
                "/systemusers/{id}",
            ],
        ),
    ]
}

/// The API each document of [`jumpcloud_history`] belongs to.
pub const JUMPCLOUD_APIS: [&str; 5] = [
    "jumpcloud/v1",
    "jumpcloud/v2",
    "jumpcloud/directory-insights",
    "jumpcloud/v2",
    "jumpcloud/v1",
];

/// Checks a catalog that held [`jumpcloud_history`] under one provider
/// (snapshot `ids[n]` for document `n`) once split into APIs: every
/// snapshot kept whole, each in its API, the newest of each current, and
/// their content hashes now those a fresh ingest computes.
pub fn check_jumpcloud_split(catalog: &dyn Catalog, ids: &[i64], history: &[Spec]) -> TestResult {
    let apis: Vec<_> = catalog
        .apis()?
        .into_iter()
        .filter(|a| a.provider == "jumpcloud")
        .map(|a| (a.id, a.name, a.snapshot_count, a.current.id))
        .collect();
    let expected = [
        (
            "jumpcloud/directory-insights",
            "directory-insights",
            1,
            ids[2],
        ),
        ("jumpcloud/v1", "v1", 2, ids[4]),
        ("jumpcloud/v2", "v2", 2, ids[3]),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(id, name, count, current)| ((*id).to_owned(), (*name).to_owned(), *count, *current))
        .collect();
    assert_eq!(apis, expected);
    for (api, order) in [("jumpcloud/v1", [4, 0]), ("jumpcloud/v2", [3, 1])] {
        let versions: Vec<_> = catalog
            .versions(api)?
            .iter()
            .map(|s| (s.id, s.status))
            .collect();
        assert_eq!(
            versions,
            [
                (ids[order[0]], SnapshotStatus::Current),
                (ids[order[1]], SnapshotStatus::Superseded)
            ],
            "{api}"
        );
    }
    for ((spec, &id), api) in history.iter().zip(ids).zip(JUMPCLOUD_APIS) {
        let snapshot = catalog.snapshot_by_id(id)?;
        assert_eq!(snapshot.api, api);
        assert_eq!(snapshot.provider, "jumpcloud");
        assert_eq!(
            snapshot.content_hash, spec.content_hash,
            "rehashed as ingest hashes"
        );
        assert_eq!(catalog.load_api(id)?, spec.api);
        assert_eq!(catalog.document(id)?, spec.document);
        // The same document ingested again is recognised, in its API.
        let again = catalog.ingest(spec.edition(&spec.identity()))?;
        assert_eq!(again.status, IngestStatus::Unchanged);
        assert_eq!(again.snapshot.id, id);
    }
    let (rows, endpoints) = catalog.search_rows()?;
    let current: Vec<_> = rows
        .iter()
        .filter(|r| r.provider == "jumpcloud")
        .map(|r| (r.api.as_str(), r.snapshot_id))
        .collect();
    assert_eq!(
        current,
        [
            ("jumpcloud/directory-insights", ids[2]),
            ("jumpcloud/v1", ids[4]),
            ("jumpcloud/v2", ids[3]),
        ]
    );
    let v1_rows = endpoints.iter().filter(|r| r.api == "jumpcloud/v1").count();
    assert_eq!(v1_rows, history[4].api.endpoints.len());

    // A new edition goes where the rule says, into an existing API.
    let next = document(
        "JumpCloud API",
        "2.1",
        "https://console.jumpcloud.com/api/v2",
        &[
            "/systems/{id}/memberof",
            "/usergroups",
            "/usergroups/{id}",
            "/policies",
        ],
    );
    let outcome = catalog.ingest(next.edition(&next.identity()))?;
    assert_eq!(
        (
            outcome.status,
            outcome.snapshot.api.as_str(),
            outcome.api_created
        ),
        (IngestStatus::New, "jumpcloud/v2", false)
    );
    assert!(outcome.snapshot.id > ids.iter().copied().max().unwrap_or(0));
    Ok(())
}

/// A catalog as it was before APIs had their own identity: JumpCloud's
/// documents under one provider, two APIs of one host under the provider
/// slugs the old rule derived from their titles, and a document under a
/// provider slug a user chose.
pub struct OldCatalog {
    pub jumpcloud: Vec<Spec>,
    pub example: [Spec; 3],
    pub pets: Spec,
}

impl OldCatalog {
    pub fn new() -> Self {
        OldCatalog {
            jumpcloud: jumpcloud_history(),
            example: example_history(),
            pets: document(
                "Pet Store",
                "1.0",
                "https://petstore.example.com/v1",
                &["/pets", "/pets/{id}"],
            ),
        }
    }

    /// The snapshots in ingest order: the provider slug each was stored
    /// under, its document, and its content hash as stored (the old hash
    /// was over the bytes; any will do, the split computes it anew).
    pub fn rows(&self) -> Vec<(&'static str, &Spec, String)> {
        let [users, billing, users_next] = &self.example;
        let jc = &self.jumpcloud;
        vec![
            ("jumpcloud", &jc[0], hash(1)),
            ("users-api", users, hash(1)),
            ("jumpcloud", &jc[1], hash(2)),
            ("billing-api", billing, hash(1)),
            ("jumpcloud", &jc[2], hash(3)),
            ("my-pets", &self.pets, hash(1)),
            ("jumpcloud", &jc[3], hash(4)),
            ("users-api", users_next, hash(2)),
            ("jumpcloud", &jc[4], hash(5)),
        ]
    }

    /// Checks the catalog these [`OldCatalog::rows`] (stored as snapshots
    /// `ids`) became once split into APIs.
    pub fn check_split(&self, catalog: &dyn Catalog, ids: &[i64]) -> TestResult {
        let apis: Vec<_> = catalog
            .apis()?
            .into_iter()
            .map(|a| (a.id, a.snapshot_count, a.current.id))
            .collect();
        let expected = [
            ("example/billing", 1, ids[3]),
            ("example/users", 2, ids[7]),
            ("jumpcloud/directory-insights", 1, ids[4]),
            ("jumpcloud/v1", 2, ids[8]),
            ("jumpcloud/v2", 2, ids[6]),
            ("my-pets/store", 1, ids[5]),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(id, count, current)| ((*id).to_owned(), *count, *current))
            .collect();
        assert_eq!(apis, expected);
        assert_eq!(
            catalog
                .versions("example/users")?
                .iter()
                .map(|s| (s.id, s.status))
                .collect::<Vec<_>>(),
            [
                (ids[7], SnapshotStatus::Current),
                (ids[1], SnapshotStatus::Superseded)
            ]
        );
        for (n, (_, spec, _)) in self.rows().into_iter().enumerate() {
            let snapshot = catalog.snapshot_by_id(ids[n])?;
            assert_eq!(snapshot.content_hash, spec.content_hash);
            assert_eq!(catalog.load_api(ids[n])?, spec.api);
            assert_eq!(catalog.document(ids[n])?, spec.document);
        }
        let jumpcloud: Vec<i64> = [0, 2, 4, 6, 8].iter().map(|&n| ids[n]).collect();
        check_jumpcloud_split(catalog, &jumpcloud, &self.jumpcloud)
    }
}

impl Default for OldCatalog {
    fn default() -> Self {
        Self::new()
    }
}

/// The stored JSON of a model without its endpoints, schemas and warnings,
/// as every layout keeps it.
fn stored_parts(api: &Api) -> Result<String, Box<dyn std::error::Error>> {
    let mut parts = serde_json::to_value(api)?;
    let object = parts.as_object_mut().ok_or("an API is an object")?;
    for key in ["endpoints", "schemas", "warnings"] {
        object.remove(key);
    }
    Ok(serde_json::to_string(&parts)?)
}

/// A SQLite catalog of layout 2 (one history per provider) at `path`, with
/// `snapshots` (provider, document, stored content hash) in ingest order;
/// returns their ids.
pub fn sqlite_layout2_catalog(
    path: &std::path::Path,
    snapshots: &[(&str, &Spec, String)],
) -> Result<Vec<i64>, Box<dyn std::error::Error>> {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(include_str!("../../src/migrations/001_initial.sql"))?;
    conn.execute_batch(include_str!("../../src/migrations/002_lookups.sql"))?;
    conn.pragma_update(None, "application_id", i32::from_be_bytes(*b"sdex"))?;
    conn.pragma_update(None, "user_version", 2)?;
    let mut ids = Vec::new();
    for (slug, spec, content) in snapshots {
        ids.push(insert_sqlite_layout2_snapshot(&conn, slug, spec, content)?);
    }
    conn.execute(
        "UPDATE generation SET value = (SELECT count(*) FROM snapshots)",
        [],
    )?;
    Ok(ids)
}

/// Writes a snapshot as layout 2 of the SQLite catalog stored it, row by
/// row, and makes it its provider's current one.
fn insert_sqlite_layout2_snapshot(
    conn: &rusqlite::Connection,
    slug: &str,
    spec: &Spec,
    content: &str,
) -> Result<i64, Box<dyn std::error::Error>> {
    let api = &spec.api;
    conn.execute("INSERT OR IGNORE INTO providers (slug) VALUES (?1)", [slug])?;
    let provider: i64 =
        conn.query_row("SELECT id FROM providers WHERE slug = ?1", [slug], |r| {
            r.get(0)
        })?;
    conn.execute(
        "UPDATE snapshots SET status = 'superseded' WHERE provider_id = ?1",
        [provider],
    )?;
    conn.execute(
        "INSERT INTO snapshots (provider_id, version, content_hash, source, ingested_at, status, \
         title, format, endpoint_count, schema_count, api) \
         VALUES (?1, ?2, ?3, 'old.json', 1600000000, 'current', ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            provider,
            api.info.version,
            content,
            api.info.title,
            api.format.label(),
            i64::try_from(api.endpoint_count())?,
            i64::try_from(api.schema_count())?,
            stored_parts(api)?,
        ],
    )?;
    let id = conn.last_insert_rowid();
    for (position, e) in (0_i64..).zip(&api.endpoints) {
        conn.execute(
            "INSERT INTO endpoints (snapshot_id, position, method, path, operation_id, summary, \
             tags, deprecated, description) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                id,
                position,
                e.method,
                e.path,
                e.operation_id,
                e.summary,
                serde_json::to_string(&e.tags)?,
                e.deprecated,
                e.description
                    .as_deref()
                    .map(|d| d.chars().take(DESCRIPTION_PREFIX_CHARS).collect::<String>()),
            ],
        )?;
        conn.execute(
            "INSERT INTO endpoint_bodies (endpoint_id, body) VALUES (?1, ?2)",
            rusqlite::params![conn.last_insert_rowid(), serde_json::to_string(e)?],
        )?;
    }
    insert_sqlite_schemas_and_warnings(conn, id, api)?;
    conn.execute(
        "INSERT INTO documents (snapshot_id, bytes) VALUES (?1, ?2)",
        rusqlite::params![id, spec.document],
    )?;
    Ok(id)
}

/// Makes the empty PostgreSQL database of `db` a catalog of layout 1 (one
/// history per provider), as a specdex before APIs left it, with
/// `snapshots` (provider, document, stored content hash) in ingest order;
/// returns their ids.
/// The schema and warning rows of snapshot `id`, as every SQLite layout so
/// far stores them.
pub fn insert_sqlite_schemas_and_warnings(
    conn: &rusqlite::Connection,
    id: i64,
    api: &Api,
) -> TestResult {
    for (position, s) in (0_i64..).zip(&api.schemas) {
        conn.execute(
            "INSERT INTO schemas (snapshot_id, position, name, in_cycle, external, body) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![
                id,
                position,
                s.name,
                s.in_cycle,
                s.external,
                serde_json::to_string(&s.schema)?
            ],
        )?;
    }
    for (position, w) in (0_i64..).zip(&api.warnings) {
        conn.execute(
            "INSERT INTO warnings (snapshot_id, position, pointer, message) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![id, position, w.pointer, w.message],
        )?;
    }
    Ok(())
}

pub fn pg_layout1_catalog(
    db: &Guard,
    snapshots: &[(&str, &Spec, String)],
) -> Result<Vec<i64>, Box<dyn std::error::Error>> {
    let mut client = db.pg_client()?.ok_or("a PostgreSQL guard")?;
    let mut tx = client.transaction()?;
    tx.batch_execute(include_str!(
        "../../src/migrations/postgres/001_initial.sql"
    ))?;
    tx.batch_execute(
        "CREATE TABLE specdex_schema_version (\
             version    integer PRIMARY KEY, \
             applied_at timestamptz NOT NULL DEFAULT now()); \
         INSERT INTO specdex_schema_version (version) VALUES (1);",
    )?;
    let mut ids = Vec::new();
    for (slug, spec, content) in snapshots {
        ids.push(insert_pg_layout1_snapshot(&mut tx, slug, spec, content)?);
    }
    tx.execute(
        "UPDATE generation SET value = (SELECT count(*) FROM snapshots)",
        &[],
    )?;
    tx.commit()?;
    Ok(ids)
}

/// Writes a snapshot as layout 1 of the PostgreSQL catalog stored it, and
/// makes it its provider's current one. (These documents hold no NUL, so no
/// text needs escaping.)
fn insert_pg_layout1_snapshot(
    tx: &mut ::postgres::Transaction<'_>,
    slug: &str,
    spec: &Spec,
    content: &str,
) -> Result<i64, Box<dyn std::error::Error>> {
    let api = &spec.api;
    tx.execute(
        "INSERT INTO providers (slug) VALUES ($1) ON CONFLICT (slug) DO NOTHING",
        &[&slug],
    )?;
    let provider: i64 = tx
        .query_one("SELECT id FROM providers WHERE slug = $1", &[&slug])?
        .try_get(0)?;
    tx.execute(
        "UPDATE snapshots SET status = 'superseded' WHERE provider_id = $1",
        &[&provider],
    )?;
    let tags: Vec<&str> = api.tags.iter().map(|t| t.name.as_str()).collect();
    let id: i64 = tx
        .query_one(
            "INSERT INTO snapshots (provider_id, version, content_hash, source, ingested_at, \
             status, title, format, endpoint_count, schema_count, description, tag_names, api) \
             VALUES ($1, $2, $3, 'old.json', 1600000000, 'current', $4, $5, $6, $7, $8, $9, $10) \
             RETURNING id",
            &[
                &provider,
                &api.info.version,
                &content,
                &api.info.title,
                &api.format.label(),
                &i64::try_from(api.endpoint_count())?,
                &i64::try_from(api.schema_count())?,
                &api.info.description,
                &tags,
                &stored_parts(api)?,
            ],
        )?
        .try_get(0)?;
    for (position, e) in (0_i32..).zip(&api.endpoints) {
        let description: Option<String> = e
            .description
            .as_deref()
            .map(|d| d.chars().take(DESCRIPTION_PREFIX_CHARS).collect());
        tx.execute(
            "INSERT INTO endpoints (snapshot_id, position, method, path, operation_id, summary, \
             tags, deprecated, description) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &id,
                &position,
                &e.method,
                &e.path,
                &e.operation_id,
                &e.summary,
                &e.tags,
                &e.deprecated,
                &description,
            ],
        )?;
        tx.execute(
            "INSERT INTO endpoint_bodies (snapshot_id, position, body) VALUES ($1, $2, $3)",
            &[&id, &position, &serde_json::to_string(e)?],
        )?;
    }
    for (position, s) in (0_i32..).zip(&api.schemas) {
        tx.execute(
            "INSERT INTO schemas (snapshot_id, position, name, in_cycle, external, body) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &id,
                &position,
                &s.name,
                &s.in_cycle,
                &s.external,
                &serde_json::to_string(&s.schema)?,
            ],
        )?;
    }
    for (position, w) in (0_i32..).zip(&api.warnings) {
        tx.execute(
            "INSERT INTO warnings (snapshot_id, position, pointer, message) \
             VALUES ($1, $2, $3, $4)",
            &[&id, &position, &w.pointer, &w.message],
        )?;
    }
    tx.execute(
        "INSERT INTO documents (snapshot_id, bytes) VALUES ($1, $2)",
        &[&id, &spec.document],
    )?;
    Ok(id)
}

/// Opens `n` catalogs at once, each on its own thread, the way replicas
/// start together.
pub fn open_together<C: Send, E: Send + Into<Box<dyn std::error::Error>>>(
    n: usize,
    open: impl Fn() -> Result<C, E> + Sync,
) -> Result<Vec<C>, Box<dyn std::error::Error>> {
    let joined = std::thread::scope(|scope| {
        let replicas: Vec<_> = (0..n).map(|_| scope.spawn(&open)).collect();
        replicas
            .into_iter()
            .map(|r| r.join().map_err(|_| "replica panicked"))
            .collect::<Result<Vec<_>, _>>()
    })?;
    joined
        .into_iter()
        .map(|opened| opened.map_err(Into::into))
        .collect()
}
