//! Helpers shared by the catalog tests: the backends every test runs on, a
//! hand-built API that exercises the whole model, and the snapshot to
//! ingest it as.
//!
//! A test written once as `fn name(db: Guard, catalog: Box<dyn Catalog>)`
//! runs on both backends through [`on_both_backends!`]: on a SQLite file in
//! a temporary directory, and on a fresh PostgreSQL database
//! (`specdex_test_*`, created on the server `SPECDEX_TEST_PG` names, default
//! `postgres://postgres@127.0.0.1:5432/postgres`, dropped with the guard).
//! Without a reachable server the PostgreSQL variants say "skipped" and
//! pass, unless `SPECDEX_REQUIRE_PG=1` (CI), where they fail.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use specdex_spec::identity::{Evidence, MAIN_API};
use specdex_store::{Api, Catalog, Identity, NewSnapshot, PgCatalog, SqliteCatalog, StoreError};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A test's catalog and the guard that removes it.
pub type Backend = (Guard, Box<dyn Catalog>);

/// The server the PostgreSQL variants create their databases on.
pub const TEST_PG_ENV: &str = "SPECDEX_TEST_PG";
/// Set to `1` to make an unreachable PostgreSQL a failure, not a skip.
pub const REQUIRE_PG_ENV: &str = "SPECDEX_REQUIRE_PG";
const DEFAULT_TEST_PG: &str = "postgres://postgres@127.0.0.1:5432/postgres";

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
    Postgres {
        /// The maintenance database's URL, to drop the test database from.
        server: String,
        name: String,
        url: String,
    },
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
    let Some(server) = postgres_server()? else {
        return Ok(None);
    };
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!(
        "specdex_test_{}_{}_{}",
        std::process::id(),
        nanos,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = ::postgres::Client::connect(&server, ::postgres::NoTls)?;
    admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
    let url = with_database(&server, &name)?;
    Ok(Some(Guard {
        place: Place::Postgres { server, name, url },
    }))
}

/// The test server's URL if it answers; `None` (after saying so) if it does
/// not and [`REQUIRE_PG_ENV`] is not set. Asked once per test binary.
fn postgres_server() -> Result<Option<String>, Box<dyn std::error::Error>> {
    static REACHABLE: OnceLock<Result<String, String>> = OnceLock::new();
    let server = std::env::var(TEST_PG_ENV).unwrap_or_else(|_| DEFAULT_TEST_PG.to_owned());
    let reachable = REACHABLE.get_or_init(|| {
        let mut config: ::postgres::Config = server.parse().map_err(|e| format!("{e}"))?;
        config.connect_timeout(Duration::from_secs(3));
        config
            .connect(::postgres::NoTls)
            .map(drop)
            .map(|()| server.clone())
            .map_err(|e| match std::error::Error::source(&e) {
                Some(source) => format!("{e}: {source}"),
                None => e.to_string(),
            })
    });
    match reachable {
        Ok(server) => Ok(Some(server.clone())),
        Err(why) if std::env::var(REQUIRE_PG_ENV).as_deref() == Ok("1") => Err(format!(
            "PostgreSQL not reachable at {server} ({why}), and {REQUIRE_PG_ENV}=1 requires it; \
             scripts/ensure-postgres starts the local server"
        )
        .into()),
        Err(why) => {
            eprintln!("skipped: PostgreSQL not reachable at {server} ({why})");
            Ok(None)
        }
    }
}

/// `server` (a URL) with its database replaced by `name`.
fn with_database(server: &str, name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let (scheme, rest) = server
        .split_once("://")
        .ok_or_else(|| format!("{TEST_PG_ENV} must be a postgres:// URL, not `{server}`"))?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let query = tail.find('?').map_or("", |at| &tail[at..]);
    Ok(format!("{scheme}://{authority}/{name}{query}"))
}

impl Guard {
    pub fn is_postgres(&self) -> bool {
        matches!(self.place, Place::Postgres { .. })
    }

    /// What `--db` would say to open this catalog.
    pub fn location(&self) -> String {
        match &self.place {
            Place::Sqlite { path, .. } => path.display().to_string(),
            Place::Postgres { url, .. } => url.clone(),
        }
    }

    /// Another handle on the same catalog, as another process would open
    /// it.
    pub fn open(&self) -> Result<Box<dyn Catalog>, StoreError> {
        Ok(match &self.place {
            Place::Sqlite { path, .. } => Box::new(SqliteCatalog::open(path)?),
            Place::Postgres { url, .. } => Box::new(PgCatalog::open_with_pool_size(url, 4)?),
        })
    }

    /// Runs SQL under the catalog: `sqlite` on a SQLite catalog,
    /// `postgres` on a PostgreSQL one.
    pub fn execute(&self, sqlite: &str, postgres: &str) -> TestResult {
        match &self.place {
            Place::Sqlite { path, .. } => {
                rusqlite::Connection::open(path)?.execute_batch(sqlite)?
            }
            Place::Postgres { url, .. } => {
                ::postgres::Client::connect(url, ::postgres::NoTls)?.batch_execute(postgres)?;
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
            Place::Postgres { url, .. } => {
                let mut client = ::postgres::Client::connect(url, ::postgres::NoTls)?;
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
            Place::Postgres { url, .. } => {
                ::postgres::Client::connect(url, ::postgres::NoTls).map(Some)
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Place::Postgres { server, name, .. } = &self.place {
            // FORCE: a catalog the test leaked may still hold connections.
            let dropped =
                ::postgres::Client::connect(server, ::postgres::NoTls).and_then(|mut admin| {
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                });
            if let Err(e) = dropped {
                eprintln!("could not drop test database {name}: {e}");
            }
        }
    }
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
pub fn edition<'a>(
    identity: &'a Identity,
    api: &'a Api,
    content_hash: &'a str,
) -> NewSnapshot<'a> {
    NewSnapshot {
        identity,
        version_label: &api.info.version,
        content_hash,
        source: "specs/pets.yaml",
        api,
        document: b"openapi: 3.1.0\n",
        ingested_at: Some(1_700_000_000),
    }
}
