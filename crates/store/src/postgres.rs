//! The catalog in PostgreSQL, for several stateless replicas over one
//! database.
//!
//! Same tables and the same semantics as the SQLite catalog; what differs is
//! how concurrency is kept right. An ingest is one READ COMMITTED transaction
//! that locks its provider's row (`FOR UPDATE`) and only then decides which
//! of the provider's APIs the document belongs to, so two replicas ingesting
//! the same provider take turns and the second sees the first's snapshot and
//! API: neither creates an API the other created, and each API keeps exactly
//! one current snapshot. Removing and moving snapshots lock the same rows
//! (both providers' for a move, in slug order). Writes to different
//! providers only meet at the generation row, which is updated last, in the
//! transaction that changes the catalog, and announced with `NOTIFY` on its
//! commit. Bulk rows go in with binary `COPY`. Migrations run at open under
//! an advisory lock, so replicas starting together migrate once.
//!
//! The client is the synchronous `postgres` crate: each connection drives
//! its own small runtime, so the catalog must be called from plain threads
//! or tokio's `spawn_blocking`, never on an async worker thread.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::str::FromStr;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ::postgres::binary_copy::BinaryCopyInWriter;
use ::postgres::config::Host;
use ::postgres::error::SqlState;
use ::postgres::types::{ToSql, Type};
use ::postgres::{Client, Config, GenericClient, IsolationLevel, NoTls, Row, Statement};
use specdex_spec::identity::{Candidate, Identity, Placement, first_name, place};
use specdex_spec::{Endpoint, NamedSchema};

use crate::encode::{
    Encoded, Preparation, Prepared, StoredApi, check_name, check_names, count, decode_endpoint,
    decode_parts, decode_schema, now, prefix, unpack_document,
};
use crate::search::{self, REBUILD_BATCH, SEGMENT_FORMAT};
use crate::split::{OldSnapshot, Splitter};
use crate::{
    Api, ApiSearchRow, ApiSummary, Catalog, CheckResult, DESCRIPTION_PREFIX_CHARS,
    EndpointSearchRow, EndpointSummary, IngestOutcome, IngestStatus, KeyInfo, KeyScope, KeyUse,
    NewKey, NewSnapshot, NewSource, PROVIDER_DESCRIPTION_PREFIX_CHARS, RateQuota, Reservation,
    Result, SchemaName, SnapshotInfo, SnapshotStatus, SourceCheck, SourceInfo, StoreError,
    SyncLock, Warning, api_id, reserve, split_api_id,
};

/// The layout, one script per version; `specdex_schema_version` has a row
/// per script applied. Append, never edit: older catalogs replay the rest.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/postgres/001_initial.sql"),
    include_str!("migrations/postgres/002_apis.sql"),
    include_str!("migrations/postgres/003_search.sql"),
    include_str!("migrations/postgres/004_keys.sql"),
    include_str!("migrations/postgres/005_sources.sql"),
    include_str!("migrations/postgres/006_packed_bodies.sql"),
];

/// The layout version after which snapshots belong to APIs; migrating past
/// it runs the split (see [`split_into_apis`]).
const APIS_LAYOUT: i32 = 2;

/// The layout version this build writes.
const LATEST: i64 = MIGRATIONS.len() as i64;

/// The tables of the layout: a database that has one of them but no
/// `specdex_schema_version` belongs to something else and is left alone.
const TABLES: &[&str] = &[
    "providers",
    "apis",
    "snapshots",
    "endpoints",
    "endpoint_bodies",
    "schemas",
    "warnings",
    "documents",
    "generation",
    "search_segments",
];

/// The advisory lock migrations hold (`pg_advisory_xact_lock`), so replicas
/// that start together apply each script once.
const MIGRATION_LOCK: i64 = i64::from_be_bytes(*b"specdex1");

/// The advisory lock the rebuild of search segments at open holds
/// exclusively, a batch at a time, and removing or moving snapshots holds
/// shared: a snapshot is never deleted while a replica builds its segment,
/// and replicas starting together build each segment once. Ingests do not
/// take it: they only add snapshots, each with its segment.
const SEGMENT_LOCK: i64 = i64::from_be_bytes(*b"specdex2");

/// [`SEGMENT_FORMAT`] as the `integer` column holds it.
const PG_SEGMENT_FORMAT: i32 = {
    assert!(SEGMENT_FORMAT <= i32::MAX as u32);
    SEGMENT_FORMAT as i32
};

/// The channel every new snapshot is announced on (`NOTIFY`), with the new
/// generation as payload, once its transaction has committed.
pub const NOTIFY_CHANNEL: &str = "specdex_catalog";

/// The environment variable that sets how many connections a catalog keeps.
pub const POOL_ENV: &str = "SPECDEX_PG_POOL";

/// Connections a catalog keeps when [`POOL_ENV`] is not set.
pub const DEFAULT_POOL_SIZE: usize = 8;

/// The most connections [`POOL_ENV`] may ask for.
const MAX_POOL_SIZE: usize = 1000;

/// How long a connection attempt waits when the URL sets no
/// `connect_timeout`: long enough for a server across a network, short
/// enough that an unreachable one is reported rather than waited on.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// PostgreSQL text cannot hold U+0000, which JSON strings (and so titles,
/// paths, summaries) can. Text from a document is stored with NUL written as
/// this character followed by `0`, and this character itself doubled; a
/// U+FFFF is a noncharacter that no real document contains, so stored text
/// is the text itself in practice. JSON columns need none of this: the
/// encoder writes NUL as `\u0000`.
const ESCAPE: char = '\u{FFFF}';

/// Text as stored: NUL and [`ESCAPE`] escaped.
fn pg_text(text: &str) -> Cow<'_, str> {
    if !text.contains(['\0', ESCAPE]) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\0' => {
                out.push(ESCAPE);
                out.push('0');
            }
            ESCAPE => {
                out.push(ESCAPE);
                out.push(ESCAPE);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Stored text as it was given: the inverse of [`pg_text`].
fn from_pg(text: String) -> String {
    if !text.contains(ESCAPE) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != ESCAPE {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('\0'),
            Some(ESCAPE) => out.push(ESCAPE),
            // Not written by `pg_text`; keep what is there.
            Some(other) => {
                out.push(ESCAPE);
                out.push(other);
            }
            None => out.push(ESCAPE),
        }
    }
    out
}

/// The columns [`snapshot_from_row`] reads, in its order.
macro_rules! snapshot_columns {
    () => {
        "s.id, p.slug, a.name, s.version, s.content_hash, s.ingested_at, s.endpoint_count, \
         s.schema_count, s.status, s.title, s.format, s.source, s.published_by, s.fetched_at, s.etag"
    };
}

/// How many columns [`snapshot_columns!`] lists: a query's own columns
/// follow them.
const SNAPSHOT_COLUMNS: usize = 15;

/// Snapshots with their API and provider.
macro_rules! snapshots_joined {
    () => {
        " FROM snapshots s JOIN apis a ON a.id = s.api_id JOIN providers p ON p.id = a.provider_id "
    };
}

const SNAPSHOT_BY_HASH: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    snapshots_joined!(),
    "WHERE s.api_id = $1 AND s.content_hash = $2"
);
const SNAPSHOT_BY_ID: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    snapshots_joined!(),
    "WHERE s.id = $1"
);
const SNAPSHOT_CURRENT: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    snapshots_joined!(),
    "WHERE s.api_id = $1 AND s.status = 'current'"
);
const SNAPSHOT_BY_LABEL: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    snapshots_joined!(),
    "WHERE s.api_id = $1 AND s.version = $2 ORDER BY s.id DESC LIMIT 1"
);
// Ids come from one sequence and every write to an API holds its provider's
// row until it commits, so within an API id order is ingest order, and the
// current snapshot (the newest ingested) comes first.
const SNAPSHOTS_OF_API: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    snapshots_joined!(),
    "WHERE s.api_id = $1 ORDER BY s.id DESC"
);
// `slug` and `name` are in the "C" collation: sorted by bytes, as SQLite
// sorts.
const APIS: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    ", (SELECT count(*) FROM snapshots c WHERE c.api_id = s.api_id)",
    snapshots_joined!(),
    "WHERE s.status = 'current' ORDER BY p.slug, a.name"
);
const API_IDS: &str = "SELECT p.slug || '/' || a.name FROM apis a \
     JOIN providers p ON p.id = a.provider_id ORDER BY p.slug, a.name";
const PROVIDER_ID: &str = "SELECT id FROM providers WHERE slug = $1";
const LOCK_PROVIDER: &str = "SELECT id FROM providers WHERE slug = $1 FOR UPDATE";
const INSERT_PROVIDER: &str =
    "INSERT INTO providers (slug) VALUES ($1) ON CONFLICT (slug) DO NOTHING RETURNING id";
const API_ROW: &str = "SELECT a.id FROM apis a JOIN providers p ON p.id = a.provider_id \
     WHERE p.slug = $1 AND a.name = $2";
const API_OF_PROVIDER: &str = "SELECT id FROM apis WHERE provider_id = $1 AND name = $2";
const API_OF_SNAPSHOT: &str = "SELECT api_id FROM snapshots WHERE id = $1";
const INSERT_API: &str = "INSERT INTO apis (provider_id, name) VALUES ($1, $2) RETURNING id";
// The provider's APIs whose current snapshot shares the most path keys
// with a document ($2), found through the key index: the work grows with
// the keys shared, not with the provider's APIs. Only the 20 that share most
// are counted whole (identity::place takes the one sharing most that passes
// its thresholds), so a path every API has, such as `/health`, costs one
// index entry per API, nothing more.
const SHARING_PATHS: &str = "SELECT name, \
     (SELECT count(*) FROM snapshot_paths q WHERE q.snapshot_id = shared.id), keys \
     FROM (SELECT s.id, a.name, count(*) AS keys \
           FROM snapshot_paths k JOIN snapshots s ON s.id = k.snapshot_id \
           JOIN apis a ON a.id = s.api_id \
           WHERE k.key = ANY($2) AND s.provider_id = $1 AND s.status = 'current' \
           GROUP BY s.id, a.name ORDER BY keys DESC, s.id LIMIT 20) AS shared";
// How many path keys the current snapshot of API $2 of provider $1 has.
const NAMED_PATHS: &str = "SELECT (SELECT count(*) FROM snapshot_paths q \
     WHERE q.snapshot_id = s.id) FROM apis a \
     JOIN snapshots s ON s.api_id = a.id AND s.status = 'current' \
     WHERE a.provider_id = $1 AND a.name = $2";
const API_NAMES: &str = "SELECT name FROM apis WHERE provider_id = $1";
const INSERT_PATH_KEYS: &str =
    "INSERT INTO snapshot_paths (snapshot_id, key) SELECT $1, unnest($2::text[])";
const WARNINGS: &str =
    "SELECT pointer, message FROM warnings WHERE snapshot_id = $1 ORDER BY position";
const WARNINGS_OF: &str = "SELECT snapshot_id, pointer, message FROM warnings \
     WHERE snapshot_id = ANY($1) ORDER BY snapshot_id, position";
const SNAPSHOT_EXISTS: &str = "SELECT 1 FROM snapshots WHERE id = $1";
const API_PARTS: &str = "SELECT api FROM snapshots WHERE id = $1";
const DOCUMENT: &str = "SELECT bytes FROM documents WHERE snapshot_id = $1";
const ENDPOINT_BODIES: &str =
    "SELECT body FROM endpoint_bodies WHERE snapshot_id = $1 ORDER BY position";
const SCHEMAS: &str = "SELECT name, in_cycle, external, body FROM schemas \
     WHERE snapshot_id = $1 ORDER BY position";
const ENDPOINT_LIST: &str = "SELECT method, path, operation_id, summary, tags, deprecated \
     FROM endpoints WHERE snapshot_id = $1 ORDER BY position";
const SCHEMA_NAMES: &str =
    "SELECT name, external, in_cycle FROM schemas WHERE snapshot_id = $1 ORDER BY position";
// All keys in one round trip. When a snapshot names an endpoint or schema
// twice, the first one answers, as a reader of the document would find it.
const ENDPOINTS_BY_KEY: &str = "SELECT k.ord, b.body \
     FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS k (method, path, ord) \
     CROSS JOIN LATERAL (SELECT e.position FROM endpoints e \
         WHERE e.snapshot_id = $1 AND e.method = k.method AND e.path = k.path \
         ORDER BY e.position LIMIT 1) AS f \
     JOIN endpoint_bodies b ON b.snapshot_id = $1 AND b.position = f.position";
const SCHEMAS_BY_NAME: &str = "SELECT k.ord, f.in_cycle, f.external, f.body \
     FROM unnest($2::text[]) WITH ORDINALITY AS k (name, ord) \
     CROSS JOIN LATERAL (SELECT s.in_cycle, s.external, s.body FROM schemas s \
         WHERE s.snapshot_id = $1 AND s.name = k.name \
         ORDER BY s.position LIMIT 1) AS f";
/// The columns [`api_search_row`] reads and the tables they come from,
/// joined on a snapshot `s` whose condition follows.
macro_rules! search_api_columns {
    () => {
        "p.slug, a.name, s.id, s.title, s.description, s.tag_names \
         FROM providers p JOIN apis a ON a.provider_id = p.id \
         JOIN snapshots s ON s.api_id = a.id "
    };
}

/// The columns [`endpoint_search_row`] reads: only the endpoint listing,
/// never the bodies.
macro_rules! search_endpoint_columns {
    () => {
        "snapshot_id, method, path, operation_id, summary, tags, deprecated, description \
         FROM endpoints "
    };
}

const SEARCH_APIS: &str = concat!(
    "SELECT ",
    search_api_columns!(),
    "AND s.status = 'current' ORDER BY p.slug, a.name"
);
// Rows come in index order and are put in API order in memory, which spares
// the server a sort of every row.
const SEARCH_ENDPOINTS: &str = concat!(
    "SELECT ",
    search_endpoint_columns!(),
    "WHERE snapshot_id = ANY($1) ORDER BY snapshot_id, position"
);
// One snapshot's rows as `search_rows` gives them, to build its segment from.
const SEARCH_API_OF: &str = concat!("SELECT ", search_api_columns!(), "WHERE s.id = $1");
const SEARCH_ENDPOINTS_OF: &str = concat!(
    "SELECT ",
    search_endpoint_columns!(),
    "WHERE snapshot_id = $1 ORDER BY position"
);
const CURRENT_SNAPSHOTS: &str = "SELECT p.slug || '/' || a.name, s.id \
     FROM providers p JOIN apis a ON a.provider_id = p.id \
     JOIN snapshots s ON s.api_id = a.id AND s.status = 'current' \
     ORDER BY p.slug, a.name";
const SEGMENTS: &str = "SELECT snapshot_id, segment FROM search_segments \
     WHERE snapshot_id = ANY($1) AND format = $2";
const HAS_SEGMENT: &str = "SELECT 1 FROM search_segments WHERE snapshot_id = $1 AND format = $2";
const INSERT_SEGMENT: &str =
    "INSERT INTO search_segments (snapshot_id, format, segment) VALUES ($1, $2, $3)";
const UPSERT_SEGMENT: &str = "INSERT INTO search_segments (snapshot_id, format, segment) \
     VALUES ($1, $2, $3) ON CONFLICT (snapshot_id) \
     DO UPDATE SET format = excluded.format, segment = excluded.segment";
// Current snapshots without a segment of format $1, at most $2 of them.
const STALE_SEGMENTS: &str = "SELECT s.id FROM snapshots s WHERE s.status = 'current' \
     AND NOT EXISTS (SELECT 1 FROM search_segments g \
                     WHERE g.snapshot_id = s.id AND g.format = $1) \
     LIMIT $2";
const LOCK_SEGMENTS: &str = "SELECT pg_advisory_xact_lock($1)";
const SHARE_SEGMENTS: &str = "SELECT pg_advisory_xact_lock_shared($1)";
const GENERATION: &str = "SELECT value FROM generation WHERE id = 0";

const KEY_NAME_TAKEN: &str = "SELECT EXISTS (SELECT 1 FROM api_keys WHERE name = $1)";
const INSERT_KEY: &str =
    "INSERT INTO api_keys (name, scope, apis, hash, created_at) VALUES ($1, $2, $3, $4, $5)";
/// Keys, with the columns [`key_from_row`] reads, in its order.
macro_rules! select_keys {
    ($condition:literal) => {
        concat!(
            "SELECT name, scope, apis, created_at, last_used_at, uses, revoked_at FROM api_keys ",
            $condition
        )
    };
}
const KEYS: &str = select_keys!("ORDER BY id");
const KEY_BY_NAME: &str = select_keys!("WHERE name = $1");
const KEY_BY_HASH: &str = select_keys!("WHERE hash = $1");
const REVOKE_KEY: &str =
    "UPDATE api_keys SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL";
const KEY_RATE_STATE: &str = "SELECT rate_tat FROM api_keys WHERE name = $1 FOR UPDATE";
const SET_KEY_RATE_STATE: &str = "UPDATE api_keys SET rate_tat = $2 WHERE name = $1";
/// The advisory lock a sync holds for its whole pass, on a connection of
/// its own (see [`Catalog::sync_lock`]).
const SYNC_LOCK: i64 = i64::from_be_bytes(*b"specdex3");
const TRY_SYNC_LOCK: &str = "SELECT pg_try_advisory_lock($1)";
/// Sources, with the columns [`source_from_row`] reads, in its order.
macro_rules! select_sources {
    ($condition:literal) => {
        concat!(
            "SELECT api, url, every_seconds, added_at, next_check_at, last_checked_at, \
             last_changed_at, last_error, failures, etag, last_modified FROM sources ",
            $condition
        )
    };
}
const SOURCES: &str = select_sources!("ORDER BY api");
const SOURCE_BY_API: &str = select_sources!("WHERE api = $1");
// A new URL starts its history of checks over; the same URL keeps it.
const UPSERT_SOURCE: &str = "INSERT INTO sources (api, url, every_seconds, added_at, \
     next_check_at) VALUES ($1, $2, $3, $4, $4) ON CONFLICT (api) DO UPDATE SET \
     every_seconds = excluded.every_seconds, next_check_at = excluded.next_check_at, \
     url = excluded.url, \
     etag = CASE WHEN sources.url = excluded.url THEN sources.etag END, \
     last_modified = CASE WHEN sources.url = excluded.url THEN sources.last_modified END, \
     failures = CASE WHEN sources.url = excluded.url THEN sources.failures ELSE 0 END, \
     last_error = CASE WHEN sources.url = excluded.url THEN sources.last_error END \
     RETURNING (xmax = 0)";
const DELETE_SOURCE: &str = "DELETE FROM sources WHERE api = $1";
const RECORD_SOURCE_CHECK: &str = "UPDATE sources SET last_checked_at = $2, \
     next_check_at = $3, \
     last_changed_at = CASE WHEN $4 THEN $2 ELSE last_changed_at END, \
     last_error = $5, \
     failures = CASE WHEN $5::text IS NULL THEN 0 ELSE failures + 1 END, \
     etag = coalesce($6, etag), last_modified = coalesce($7, last_modified) \
     WHERE api = $1";
const RECORD_KEY_USE: &str = "UPDATE api_keys SET uses = uses + $2, \
     last_used_at = greatest(coalesce(last_used_at, 0), $3) WHERE hash = $1";

const SUPERSEDE: &str = "UPDATE snapshots SET status = 'superseded' \
     WHERE api_id = $1 AND status = 'current'";
const INSERT_SNAPSHOT: &str = "INSERT INTO snapshots (api_id, provider_id, version, \
     content_hash, source, ingested_at, status, title, format, endpoint_count, schema_count, \
     description, tag_names, api, published_by, fetched_at, etag) \
     VALUES ($1, $2, $3, $4, $5, $6, 'current', $7, $8, $9, $10, $11, $12, $13, $14, $15, \
     $16) \
     RETURNING id";
const COPY_ENDPOINTS: &str = "COPY endpoints (snapshot_id, position, method, path, \
     operation_id, summary, tags, deprecated, description) FROM STDIN (FORMAT binary)";
const COPY_ENDPOINT_BODIES: &str =
    "COPY endpoint_bodies (snapshot_id, position, body) FROM STDIN (FORMAT binary)";
const COPY_SCHEMAS: &str = "COPY schemas (snapshot_id, position, name, in_cycle, external, \
     body) FROM STDIN (FORMAT binary)";
const INSERT_WARNINGS: &str = "INSERT INTO warnings (snapshot_id, position, pointer, message) \
     SELECT $1, w.position - 1, w.pointer, w.message \
     FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS w (pointer, message, position)";
const INSERT_DOCUMENT: &str = "INSERT INTO documents (snapshot_id, bytes) VALUES ($1, $2)";
const NEWEST_OF_API: &str = "SELECT max(id) FROM snapshots WHERE api_id = $1";
const SUPERSEDE_ALL_BUT: &str = "UPDATE snapshots SET status = 'superseded' \
     WHERE api_id = $1 AND status = 'current' AND id <> $2";
const MAKE_CURRENT: &str =
    "UPDATE snapshots SET status = 'current' WHERE id = $1 AND status <> 'current'";
const DELETE_API: &str = "DELETE FROM apis WHERE id = $1 RETURNING provider_id";
const DELETE_EMPTY_PROVIDER: &str = "DELETE FROM providers WHERE id = $1 \
     AND NOT EXISTS (SELECT 1 FROM apis WHERE provider_id = $1)";
const MOVE_SNAPSHOT: &str = "UPDATE snapshots SET api_id = $2, status = 'superseded', \
     provider_id = (SELECT provider_id FROM apis WHERE id = $2) WHERE id = $1";
// In this order, so the cascades of the foreign keys find nothing left to
// do: deleting by snapshot is one index range per table, a cascade one
// lookup per row.
const DELETE_SNAPSHOTS: &[&str] = &[
    "DELETE FROM endpoint_bodies WHERE snapshot_id = ANY($1)",
    "DELETE FROM endpoints WHERE snapshot_id = ANY($1)",
    "DELETE FROM schemas WHERE snapshot_id = ANY($1)",
    "DELETE FROM warnings WHERE snapshot_id = ANY($1)",
    "DELETE FROM documents WHERE snapshot_id = ANY($1)",
    "DELETE FROM snapshot_paths WHERE snapshot_id = ANY($1)",
    "DELETE FROM search_segments WHERE snapshot_id = ANY($1)",
    "DELETE FROM snapshots WHERE id = ANY($1)",
];
// Last, so writers to different providers hold this row only for the
// moment before they commit.
const NEXT_GENERATION: &str =
    "UPDATE generation SET value = value + 1 WHERE id = 0 RETURNING value";
const NOTIFY: &str = "SELECT pg_notify($1, $2)";

// The split of a catalog of layout 1 into APIs (see [`split_into_apis`]).
const SPLIT_SUPERSEDE: &str = "UPDATE snapshots SET status = 'superseded'";
const SPLIT_IDS: &str = "SELECT id FROM snapshots ORDER BY id";
const SPLIT_SNAPSHOT: &str = "SELECT p.slug, s.api, s.content_hash, d.bytes FROM snapshots s \
     JOIN providers p ON p.id = s.provider_id \
     JOIN documents d ON d.snapshot_id = s.id WHERE s.id = $1";
const SPLIT_PATHS: &str = "SELECT path FROM endpoints WHERE snapshot_id = $1 ORDER BY position";
const SPLIT_ASSIGN: &str = "UPDATE snapshots SET api_id = $2, \
     provider_id = (SELECT provider_id FROM apis WHERE id = $2), \
     content_hash = coalesce($3, content_hash) WHERE id = $1";
const SPLIT_FINISH: &str = "UPDATE snapshots SET status = 'current' \
     WHERE id IN (SELECT max(id) FROM snapshots GROUP BY api_id); \
     DELETE FROM providers WHERE id NOT IN (SELECT provider_id FROM apis); \
     ALTER TABLE snapshots ALTER COLUMN api_id SET NOT NULL; \
     UPDATE generation SET value = value + 1 WHERE id = 0;";

/// The catalog in a PostgreSQL database, shared by any number of processes.
///
/// Opened from a URL (`postgres://user@host:5432/db`) or a libpq-style
/// `key=value` string. Keeps a pool of connections, opened as needed, at
/// most [`DEFAULT_POOL_SIZE`] or what [`POOL_ENV`] says. Connects without
/// TLS (`sslmode=prefer`, the default, falls back to a plain connection).
pub struct PgCatalog {
    pool: Pool,
}

impl fmt::Debug for PgCatalog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PgCatalog")
            .field("location", &self.pool.location)
            .field("pool_size", &self.pool.limit)
            .finish_non_exhaustive()
    }
}

impl PgCatalog {
    /// Connects to the database `url` names and brings its layout up to
    /// date; the pool holds up to [`POOL_ENV`] connections (default
    /// [`DEFAULT_POOL_SIZE`]).
    pub fn open(url: &str) -> Result<Self> {
        let config = parse_config(url)?;
        let location = describe_location(&config);
        let size = pool_size_from_env().map_err(|cause| StoreError::Open {
            location: location.clone(),
            cause: cause.into(),
        })?;
        Self::connect(config, location, size)
    }

    /// Like [`PgCatalog::open`], with a pool of `pool_size` connections
    /// (at least one) whatever the environment says.
    pub fn open_with_pool_size(url: &str, pool_size: usize) -> Result<Self> {
        let config = parse_config(url)?;
        let location = describe_location(&config);
        Self::connect(config, location, pool_size.max(1))
    }

    fn connect(config: Config, location: String, limit: usize) -> Result<Self> {
        let pool = Pool::new(config, location, limit);
        let mut conn = pool.take()?;
        migrate(&mut conn.client, &pool.location)?;
        rebuild_segments(&mut conn)
            .map_err(|e| e.during(|| "build the search segments".to_owned()))?;
        drop(conn);
        Ok(PgCatalog { pool })
    }

    /// Where the catalog is, for messages: `postgres://user@host:port/db`,
    /// never with a password.
    pub fn location(&self) -> &str {
        &self.pool.location
    }

    /// How many connections the catalog keeps at most.
    pub fn pool_size(&self) -> usize {
        self.pool.limit
    }

    /// Runs `read` on a pooled connection. Reads are idempotent, so one that
    /// fails because its connection had died (the server restarted, an idle
    /// connection was cut) is tried once more on a new connection.
    fn read<T>(
        &self,
        action: impl Fn() -> String,
        mut read: impl FnMut(&mut Conn) -> std::result::Result<T, Fail>,
    ) -> Result<T> {
        let mut conn = self.pool.take()?;
        match read(&mut conn) {
            Err(Fail::Pg(e)) if conn.lost(&e) => {
                drop(conn);
                let mut conn = self.pool.take()?;
                read(&mut conn).map_err(|e| e.during(&action))
            }
            result => result.map_err(|e| e.during(&action)),
        }
    }

    /// Runs `change` in one READ COMMITTED transaction and commits it. When
    /// `change` reports that it changed the catalog, the generation moves
    /// in the same transaction and the new one is announced on
    /// [`NOTIFY_CHANNEL`], which listeners receive once the commit is done.
    ///
    /// A connection found dead before the commit was sent (the server
    /// restarted, an idle connection was cut) is replaced and the
    /// transaction run again, once; after the commit was sent nothing is
    /// retried, since it may have been stored. A change that lost a race
    /// ([`Fail::Raced`]) is run again from the start, a few times.
    fn write<T>(
        &self,
        action: impl Fn() -> String,
        mut change: impl FnMut(&mut Tx<'_, '_>) -> Step<(T, bool)>,
    ) -> Result<T> {
        let mut reconnected = false;
        let mut races = 0;
        loop {
            let mut conn = self.pool.take()?;
            let mut committing = false;
            match transact(&mut conn, &mut change, &mut committing) {
                Err(Fail::Pg(e)) if conn.lost(&e) && !committing && !reconnected => {
                    reconnected = true;
                }
                Err(Fail::Raced) if races < MAX_RACES => races += 1,
                result => return result.map_err(|e| e.during(&action)),
            }
        }
    }
}

/// Why a step failed inside the catalog: the database, or a rule of the
/// catalog (not found, damaged rows).
enum Fail {
    Pg(::postgres::Error),
    Store(StoreError),
    /// Another writer changed what this one had read before it could lock
    /// it; [`PgCatalog::write`] starts over.
    Raced,
}

impl From<::postgres::Error> for Fail {
    fn from(e: ::postgres::Error) -> Self {
        Fail::Pg(e)
    }
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail::Store(e)
    }
}

impl Fail {
    fn during(self, action: impl FnOnce() -> String) -> StoreError {
        match self {
            Fail::Store(e) => e,
            Fail::Raced => StoreError::Busy { action: action() },
            Fail::Pg(e) if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) => {
                StoreError::Busy { action: action() }
            }
            Fail::Pg(e) => StoreError::Database {
                action: action(),
                cause: Box::new(PgCause::new(e)),
            },
        }
    }
}

type Step<T> = std::result::Result<T, Fail>;

/// A PostgreSQL error as a person reads it: the server's message (with its
/// detail and hint, cut short), or what failed on the way to the server.
#[derive(Debug)]
struct PgCause {
    text: String,
}

impl PgCause {
    fn new(error: ::postgres::Error) -> Self {
        PgCause {
            text: describe_error(&error),
        }
    }
}

impl fmt::Display for PgCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for PgCause {}

/// The message of `error`, without the client library's "db error" prefix.
fn describe_error(error: &::postgres::Error) -> String {
    if let Some(db) = error.as_db_error() {
        let mut text = db.message().to_owned();
        // A check violation's detail repeats the whole row, document JSON
        // included; a long detail is cut.
        for (label, part) in [("detail", db.detail()), ("hint", db.hint())] {
            if let Some(part) = part {
                text.push_str("; ");
                text.push_str(label);
                text.push_str(": ");
                text.push_str(prefix(part, 200));
                if part.chars().nth(200).is_some() {
                    text.push('…');
                }
            }
        }
        return text;
    }
    match std::error::Error::source(error) {
        Some(source) => format!("{error}: {source}"),
        None => error.to_string(),
    }
}

fn parse_config(url: &str) -> Result<Config> {
    let mut config = Config::from_str(url).map_err(|e| StoreError::Open {
        location: redact(url),
        cause: format!(
            "not a valid PostgreSQL connection string: {}",
            describe_error(&e)
        )
        .into(),
    })?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("specdex");
    }
    Ok(config)
}

/// `url` without its password, for a message about a URL that did not parse.
fn redact(url: &str) -> String {
    let mut out = match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find(['/', '?']).unwrap_or(rest.len());
            let (authority, tail) = rest.split_at(end);
            let authority = match authority.rsplit_once('@') {
                Some((user, host)) => {
                    let user = user.split_once(':').map_or(user, |(name, _)| name);
                    format!("{user}@{host}")
                }
                None => authority.to_owned(),
            };
            format!("{scheme}://{authority}{tail}")
        }
        None => url.to_owned(),
    };
    if let Some(at) = out.find("password=") {
        out.truncate(at + "password=".len());
        out.push('…');
    }
    out
}

/// `postgres://user@host:port/db` from what the connection will use; the
/// password never appears.
fn describe_location(config: &Config) -> String {
    let user = config.get_user().unwrap_or("");
    let ports = config.get_ports();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(n, host)| {
            let port = ports.get(n).or(ports.first()).copied().unwrap_or(5432);
            match host {
                Host::Tcp(name) if name.contains(':') => format!("[{name}]:{port}"),
                Host::Tcp(name) => format!("{name}:{port}"),
                Host::Unix(dir) => format!("{}:{port}", dir.display()),
            }
        })
        .collect();
    let hosts = if hosts.is_empty() {
        "localhost:5432".to_owned()
    } else {
        hosts.join(",")
    };
    let user_at = if user.is_empty() {
        String::new()
    } else {
        format!("{user}@")
    };
    let db = config.get_dbname().unwrap_or(user);
    format!("postgres://{user_at}{hosts}/{db}")
}

/// The pool size [`POOL_ENV`] asks for, or [`DEFAULT_POOL_SIZE`].
fn pool_size_from_env() -> std::result::Result<usize, String> {
    parse_pool_size(std::env::var_os(POOL_ENV).as_deref())
}

fn parse_pool_size(value: Option<&std::ffi::OsStr>) -> std::result::Result<usize, String> {
    let Some(value) = value else {
        return Ok(DEFAULT_POOL_SIZE);
    };
    let text = value.to_string_lossy();
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_POOL_SIZE).contains(&n) => Ok(n),
        _ => Err(format!(
            "{POOL_ENV} must be a whole number of connections from 1 to {MAX_POOL_SIZE}, not `{text}`"
        )),
    }
}

/// One connection with the statements prepared on it.
struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Conn {
    fn statement(
        &mut self,
        sql: &'static str,
    ) -> std::result::Result<Statement, ::postgres::Error> {
        prepared(&mut self.statements, &mut self.client, sql)
    }

    fn session(&mut self) -> Session<'_, Client> {
        Session {
            client: &mut self.client,
            statements: &mut self.statements,
        }
    }
}

/// `sql` prepared on the connection `client` works on, once per connection.
fn prepared(
    statements: &mut HashMap<&'static str, Statement>,
    client: &mut impl GenericClient,
    sql: &'static str,
) -> std::result::Result<Statement, ::postgres::Error> {
    if let Some(statement) = statements.get(sql) {
        return Ok(statement.clone());
    }
    let statement = client.prepare(sql)?;
    statements.insert(sql, statement.clone());
    Ok(statement)
}

/// Statements run through the connection's cache of prepared statements,
/// on a connection or inside a transaction alike.
trait Db {
    fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<Row>, ::postgres::Error>;

    fn query_opt(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Option<Row>, ::postgres::Error>;

    fn query_one(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Row, ::postgres::Error>;

    fn execute(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, ::postgres::Error>;
}

/// A client (a connection or a transaction on it) with the statements
/// prepared on its connection.
struct Session<'a, C> {
    client: &'a mut C,
    statements: &'a mut HashMap<&'static str, Statement>,
}

/// A write transaction, as [`PgCatalog::write`] hands it out.
type Tx<'s, 't> = Session<'s, ::postgres::Transaction<'t>>;

impl<C: GenericClient> Db for Session<'_, C> {
    fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<Row>, ::postgres::Error> {
        let statement = prepared(self.statements, self.client, sql)?;
        self.client.query(&statement, params)
    }

    fn query_opt(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Option<Row>, ::postgres::Error> {
        let statement = prepared(self.statements, self.client, sql)?;
        self.client.query_opt(&statement, params)
    }

    fn query_one(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Row, ::postgres::Error> {
        let statement = prepared(self.statements, self.client, sql)?;
        self.client.query_one(&statement, params)
    }

    fn execute(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, ::postgres::Error> {
        let statement = prepared(self.statements, self.client, sql)?;
        self.client.execute(&statement, params)
    }
}

impl Db for Conn {
    fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Vec<Row>, ::postgres::Error> {
        self.session().query(sql, params)
    }

    fn query_opt(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Option<Row>, ::postgres::Error> {
        self.session().query_opt(sql, params)
    }

    fn query_one(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<Row, ::postgres::Error> {
        self.session().query_one(sql, params)
    }

    fn execute(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> std::result::Result<u64, ::postgres::Error> {
        self.session().execute(sql, params)
    }
}

/// Connections to the database, opened when first needed and then kept, at
/// most `limit` at once; a caller waits for one to come back beyond that.
struct Pool {
    config: Config,
    location: String,
    limit: usize,
    state: Mutex<PoolState>,
    /// Signalled when a connection is given back or its place freed.
    freed: Condvar,
}

#[derive(Default)]
struct PoolState {
    idle: Vec<Conn>,
    /// Connections that exist: the idle ones and those lent out.
    open: usize,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Pool {
    fn new(config: Config, location: String, limit: usize) -> Self {
        Pool {
            config,
            location,
            limit,
            state: Mutex::new(PoolState::default()),
            freed: Condvar::new(),
        }
    }

    /// An idle connection, a new one if there is room, or else the next one
    /// given back.
    fn take(&self) -> Result<Lease<'_>> {
        let mut state = lock(&self.state);
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Lease {
                    pool: self,
                    conn: Some(conn),
                    broken: false,
                });
            }
            if state.open < self.limit {
                state.open += 1;
                drop(state);
                let conn = self.connect().inspect_err(|_| self.free_place())?;
                return Ok(Lease {
                    pool: self,
                    conn: Some(conn),
                    broken: false,
                });
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn give_back(&self, conn: Conn) {
        lock(&self.state).idle.push(conn);
        self.freed.notify_one();
    }

    /// Closes the idle connections: after one was found dead, the others,
    /// opened before the same restart or network cut, are likely dead too.
    fn close_idle(&self) {
        let mut state = lock(&self.state);
        let idle = std::mem::take(&mut state.idle);
        state.open = state.open.saturating_sub(idle.len());
        drop(state);
        self.freed.notify_all();
        drop(idle);
    }

    /// Forgets a connection that was lent out and will not come back.
    fn free_place(&self) {
        let mut state = lock(&self.state);
        state.open = state.open.saturating_sub(1);
        drop(state);
        self.freed.notify_one();
    }

    fn connect(&self) -> Result<Conn> {
        let client = self.config.connect(NoTls).map_err(|e| StoreError::Open {
            location: self.location.clone(),
            cause: connect_failure(&self.config, &e).into(),
        })?;
        Ok(Conn {
            client,
            statements: HashMap::new(),
        })
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Closing a connection runs its runtime, which tokio refuses inside
        // another runtime; the last owner of a catalog may well be an async
        // task, so the connections close on a thread of their own.
        let idle = std::mem::take(
            &mut self
                .state
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .idle,
        );
        if !idle.is_empty() {
            let closing = std::thread::Builder::new()
                .name("specdex-pg-close".to_owned())
                .spawn(move || drop(idle));
            if let Ok(closing) = closing {
                let _ = closing.join();
            }
        }
    }
}

/// What went wrong connecting, and what to check.
fn connect_failure(config: &Config, error: &::postgres::Error) -> String {
    let text = describe_error(error);
    let code = error.code();
    let user = config.get_user().unwrap_or("(default)");
    if code == Some(&SqlState::INVALID_CATALOG_NAME) {
        format!("{text}; create it (`createdb NAME`) or name an existing database in the URL")
    } else if code == Some(&SqlState::INVALID_AUTHORIZATION_SPECIFICATION)
        || code == Some(&SqlState::INVALID_PASSWORD)
    {
        format!("{text}; check the user (`{user}`) and password in the URL")
    } else if code.is_some() {
        format!("the server refused the connection: {text}")
    } else if text.contains("TLS") {
        format!(
            "{text}; this specdex connects without TLS: use sslmode=prefer or sslmode=disable, \
             on a network you trust"
        )
    } else {
        format!(
            "cannot reach the server: {text}; is PostgreSQL running and accepting TCP connections there?"
        )
    }
}

/// A connection lent out of the [`Pool`]. Given back when dropped, unless
/// it has died or its borrower panicked, in which case its place is freed
/// and a new connection will be opened when one is needed.
struct Lease<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
    /// Set when the connection failed in a way that leaves it unusable.
    broken: bool,
}

impl Lease<'_> {
    /// Whether `error` means the connection is gone (the server ended it,
    /// or the network did), rather than that the statement failed; such a
    /// connection is not given back.
    fn lost(&mut self, error: &::postgres::Error) -> bool {
        let gone = error.is_closed()
            || self.client.is_closed()
            || error.code().is_some_and(|code| {
                // connection_exception, operator_intervention (shutdown).
                code.code().starts_with("08") || code.code().starts_with("57P")
            });
        if gone {
            self.broken = true;
            self.pool.close_idle();
        }
        gone
    }
}

impl Deref for Lease<'_> {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        self.conn
            .as_ref()
            .expect("a lease holds its connection until dropped")
    }
}

impl DerefMut for Lease<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn
            .as_mut()
            .expect("a lease holds its connection until dropped")
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else {
            return;
        };
        if self.broken || conn.client.is_closed() || std::thread::panicking() {
            drop(conn);
            self.pool.free_place();
        } else {
            self.pool.give_back(conn);
        }
    }
}

/// Whether the version table exists, as a query on `pg_class` rather than
/// `to_regclass`: a name lookup that found nothing is cached by the
/// session, and would hide the table another replica created while this one
/// waited for the migration lock.
const VERSIONED: &str = "SELECT EXISTS (SELECT 1 FROM pg_class c \
     WHERE c.relname = 'specdex_schema_version' AND c.relkind = 'r' \
     AND pg_table_is_visible(c.oid))";

/// Brings the layout to [`LATEST`] in one transaction under
/// [`MIGRATION_LOCK`]; refuses databases that hold other tables of our
/// names, and catalogs from a newer specdex.
fn migrate(client: &mut Client, location: &str) -> Result<()> {
    let open_err = |e: ::postgres::Error| StoreError::Open {
        location: location.to_owned(),
        cause: format!(
            "cannot prepare the catalog's tables: {}",
            describe_error(&e)
        )
        .into(),
    };
    // Up to date, the common case: no lock, no transaction, so replicas
    // (and read-only standbys) open without waiting for each other.
    let versioned: bool = client
        .query_one(VERSIONED, &[])
        .and_then(|row| row.try_get(0))
        .map_err(open_err)?;
    let current: Option<i64> = if versioned {
        client
            .query_one(
                "SELECT coalesce(max(version), 0)::bigint FROM specdex_schema_version",
                &[],
            )
            .and_then(|row| row.try_get(0))
            .map_err(open_err)?
    } else {
        None
    };
    if current == Some(LATEST) {
        return Ok(());
    }
    let mut tx = client.transaction().map_err(open_err)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(open_err)?;
    let versioned: bool = tx
        .query_one(VERSIONED, &[])
        .and_then(|row| row.try_get(0))
        .map_err(open_err)?;
    let version: i64 = if versioned {
        tx.query_one(
            "SELECT coalesce(max(version), 0)::bigint FROM specdex_schema_version",
            &[],
        )
        .and_then(|row| row.try_get(0))
        .map_err(open_err)?
    } else {
        let clash: Option<String> = tx
            .query_opt(
                "SELECT c.relname::text FROM pg_class c \
                 WHERE c.relname = ANY($1) AND pg_table_is_visible(c.oid) LIMIT 1",
                &[&TABLES],
            )
            .and_then(|row| row.map(|row| row.try_get(0)).transpose())
            .map_err(open_err)?;
        if let Some(table) = clash {
            return Err(StoreError::Open {
                location: location.to_owned(),
                cause: format!(
                    "the database already has a table `{table}` that is not a specdex catalog's; \
                     use another database, or another schema (`options=-csearch_path=NAME`)"
                )
                .into(),
            });
        }
        tx.batch_execute(
            "CREATE TABLE specdex_schema_version (\
                 version    integer PRIMARY KEY, \
                 applied_at timestamptz NOT NULL DEFAULT now())",
        )
        .map_err(open_err)?;
        0
    };
    if version > LATEST {
        return Err(StoreError::TooNew {
            location: location.to_owned(),
            found: version,
            supported: LATEST,
        });
    }
    for (number, script) in (1_i32..)
        .zip(MIGRATIONS)
        .skip(usize::try_from(version).unwrap_or(0))
    {
        tx.batch_execute(script).map_err(open_err)?;
        if number == APIS_LAYOUT {
            let mut statements = HashMap::new();
            let mut session = Session {
                client: &mut tx,
                statements: &mut statements,
            };
            split_into_apis(&mut session).map_err(|e| match e {
                Fail::Pg(e) => open_err(e),
                Fail::Store(e) => e,
                Fail::Raced => StoreError::Open {
                    location: location.to_owned(),
                    cause: "the catalog changed while it was split into APIs".into(),
                },
            })?;
        }
        tx.execute(
            "INSERT INTO specdex_schema_version (version) VALUES ($1)",
            &[&number],
        )
        .map_err(open_err)?;
    }
    tx.commit().map_err(open_err)
}

/// Places every snapshot of a catalog written with one history per provider
/// into an API by the identity rule, in ingest order, then makes each API's
/// newest snapshot current and removes the providers left without APIs;
/// as the SQLite catalog's migration does. Runs inside the migration's
/// transaction, under its lock.
fn split_into_apis(tx: &mut Tx<'_, '_>) -> Step<()> {
    tx.execute(SPLIT_SUPERSEDE, &[])?;
    let ids: Vec<i64> = tx
        .query(SPLIT_IDS, &[])?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    let mut splitter = Splitter::default();
    for id in ids {
        let row = tx.query_one(SPLIT_SNAPSHOT, &[&id])?;
        let provider: String = row.try_get(0)?;
        let parts: String = row.try_get(1)?;
        let content_hash: String = row.try_get(2)?;
        let document: Vec<u8> = row.try_get(3)?;
        let api = decode_parts(&parts, id)?.into_api(Vec::new(), Vec::new(), Vec::new());
        let paths: Vec<String> = tx
            .query(SPLIT_PATHS, &[&id])?
            .iter()
            .map(|row| text(row, 0))
            .collect::<std::result::Result<_, _>>()?;
        let assigned = splitter.assign(&OldSnapshot {
            id,
            provider: &provider,
            api: &api,
            paths: &paths,
            content_hash: &content_hash,
            document: &document,
        });
        let provider_id = lock_or_create_provider(tx, &assigned.provider)?;
        let api_id = match api_of_provider(tx, provider_id, &assigned.name)? {
            Some(api_id) => api_id,
            None => create_api(tx, provider_id, &assigned.name)?,
        };
        tx.execute(SPLIT_ASSIGN, &[&id, &api_id, &assigned.content_hash])?;
        insert_path_keys(tx, id, &assigned.path_keys)?;
    }
    tx.client.batch_execute(SPLIT_FINISH)?;
    Ok(())
}

/// Reads the columns of [`snapshot_columns!`]; warnings are filled in
/// separately.
fn snapshot_from_row(row: &Row) -> Step<SnapshotInfo> {
    let status: String = row.try_get(8)?;
    let status = match status.as_str() {
        "current" => SnapshotStatus::Current,
        "superseded" => SnapshotStatus::Superseded,
        other => {
            return Err(corrupt(format!("unknown snapshot status `{other}`")));
        }
    };
    let id: i64 = row.try_get(0)?;
    let provider: String = row.try_get(1)?;
    let name: String = row.try_get(2)?;
    Ok(SnapshotInfo {
        id,
        api: api_id(&provider, &name),
        provider,
        version: text(row, 3)?,
        content_hash: row.try_get(4)?,
        ingested_at: row.try_get(5)?,
        endpoints: stored_count(row, 6, id)?,
        schemas: stored_count(row, 7, id)?,
        status,
        title: text(row, 9)?,
        format: row.try_get(10)?,
        source: text(row, 11)?,
        published_by: row.try_get(12)?,
        fetched_at: row.try_get(13)?,
        etag: row.try_get(14)?,
        warnings: Vec::new(),
    })
}

fn corrupt(what: String) -> Fail {
    Fail::Store(StoreError::Corrupt { what })
}

/// A count column as [`SnapshotInfo`] holds it.
fn stored_count(row: &Row, index: usize, id: i64) -> Step<u32> {
    let n: i64 = row.try_get(index)?;
    u32::try_from(n).map_err(|_| corrupt(format!("snapshot {id} has a count of {n}")))
}

/// A text column holding document text.
fn text(row: &Row, index: usize) -> std::result::Result<String, ::postgres::Error> {
    row.try_get::<_, String>(index).map(from_pg)
}

/// A nullable text column holding document text.
fn text_opt(row: &Row, index: usize) -> std::result::Result<Option<String>, ::postgres::Error> {
    Ok(row.try_get::<_, Option<String>>(index)?.map(from_pg))
}

/// A `text[]` column holding document text.
fn texts(row: &Row, index: usize) -> std::result::Result<Vec<String>, ::postgres::Error> {
    Ok(row
        .try_get::<_, Vec<String>>(index)?
        .into_iter()
        .map(from_pg)
        .collect())
}

fn warning_from_row(row: &Row, first: usize) -> std::result::Result<Warning, ::postgres::Error> {
    Ok(Warning {
        pointer: text(row, first)?,
        message: text(row, first + 1)?,
    })
}

fn warnings(db: &mut impl Db, snapshot_id: i64) -> Step<Vec<Warning>> {
    Ok(db
        .query(WARNINGS, &[&snapshot_id])?
        .iter()
        .map(|row| warning_from_row(row, 0))
        .collect::<std::result::Result<_, _>>()?)
}

/// Fills in the warnings of each snapshot, in one query.
fn attach_warnings(db: &mut impl Db, infos: &mut [SnapshotInfo]) -> Step<()> {
    if infos.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = infos.iter().map(|info| info.id).collect();
    let rows = db.query(WARNINGS_OF, &[&ids])?;
    let mut by_id: HashMap<i64, Vec<Warning>> = HashMap::new();
    for row in &rows {
        by_id
            .entry(row.try_get(0)?)
            .or_default()
            .push(warning_from_row(row, 1)?);
    }
    for info in infos {
        info.warnings = by_id.remove(&info.id).unwrap_or_default();
    }
    Ok(())
}

fn query_snapshot(
    db: &mut impl Db,
    sql: &'static str,
    params: &[&(dyn ToSql + Sync)],
) -> Step<Option<SnapshotInfo>> {
    let Some(row) = db.query_opt(sql, params)? else {
        return Ok(None);
    };
    let mut info = snapshot_from_row(&row)?;
    info.warnings = warnings(db, info.id)?;
    Ok(Some(info))
}

fn query_snapshots(
    db: &mut impl Db,
    sql: &'static str,
    params: &[&(dyn ToSql + Sync)],
) -> Step<Vec<SnapshotInfo>> {
    let mut infos = db
        .query(sql, params)?
        .iter()
        .map(snapshot_from_row)
        .collect::<Step<Vec<_>>>()?;
    attach_warnings(db, &mut infos)?;
    Ok(infos)
}

/// The snapshot `snapshot_id`, which must exist.
fn existing_snapshot(db: &mut impl Db, snapshot_id: i64) -> Step<SnapshotInfo> {
    query_snapshot(db, SNAPSHOT_BY_ID, &[&snapshot_id])?.ok_or(Fail::Store(
        StoreError::SnapshotNotFound { id: snapshot_id },
    ))
}

/// The first column of the only row, if there is one, as an id.
fn id_of(row: Option<Row>) -> Step<Option<i64>> {
    Ok(row.map(|row| row.try_get(0)).transpose()?)
}

fn provider_id(db: &mut impl Db, slug: &str) -> Step<Option<i64>> {
    let row = db.query_opt(PROVIDER_ID, &[&pg_text(slug)])?;
    id_of(row)
}

/// The row id of API `name` of `provider`, if there is one.
fn api_row(db: &mut impl Db, provider: &str, name: &str) -> Step<Option<i64>> {
    let row = db.query_opt(API_ROW, &[&pg_text(provider), &pg_text(name)])?;
    id_of(row)
}

/// The row id of an API that must exist, by its id `provider/api`.
fn find_api(db: &mut impl Db, api: &str) -> Step<i64> {
    let not_found = || {
        Fail::Store(StoreError::ApiNotFound {
            api: api.to_owned(),
        })
    };
    let (provider, name) = split_api_id(api).ok_or_else(not_found)?;
    api_row(db, provider, name)?.ok_or_else(not_found)
}

/// The row id of API `name` of the provider `provider_id`, if there is one.
fn api_of_provider(db: &mut impl Db, provider_id: i64, name: &str) -> Step<Option<i64>> {
    let row = db.query_opt(API_OF_PROVIDER, &[&provider_id, &pg_text(name)])?;
    id_of(row)
}

/// The row id of the API a snapshot belongs to.
fn api_of_snapshot(db: &mut impl Db, snapshot_id: i64) -> Step<i64> {
    let row = db.query_opt(API_OF_SNAPSHOT, &[&snapshot_id])?;
    id_of(row)?.ok_or(Fail::Store(StoreError::SnapshotNotFound {
        id: snapshot_id,
    }))
}

/// Creates API `name` of the provider `provider_id`; the name is checked
/// first, since a derived one may be too long for the catalog.
fn create_api(db: &mut impl Db, provider_id: i64, name: &str) -> Step<i64> {
    check_name("API", name)?;
    Ok(db
        .query_one(INSERT_API, &[&provider_id, &name])?
        .try_get(0)?)
}

/// Locks the provider's row until the transaction ends; `None` if there is
/// no such provider. Every write that adds, moves or removes snapshots of a
/// provider's APIs (or creates or removes its APIs) holds this lock, so
/// they take turns and each sees the one before.
fn lock_provider(db: &mut impl Db, slug: &str) -> Step<Option<i64>> {
    let row = db.query_opt(LOCK_PROVIDER, &[&pg_text(slug)])?;
    id_of(row)
}

/// Locks the provider's row, creating the provider first if there is none.
fn lock_or_create_provider(db: &mut impl Db, slug: &str) -> Step<i64> {
    // A provider removed between the insert that found it and the lock is
    // created anew: once, then the writer gives up and starts over.
    for _ in 0..2 {
        if let Some(id) = lock_provider(db, slug)? {
            return Ok(id);
        }
        // A new row is locked by the transaction that inserts it. If another
        // writer inserted it meanwhile, this waits for that one's commit on
        // the unique index and inserts nothing; the lock above then finds it.
        if let Some(id) = id_of(db.query_opt(INSERT_PROVIDER, &[&slug])?)? {
            return Ok(id);
        }
    }
    Err(Fail::Raced)
}

/// Which API of its provider `identity` goes to, and that API's row id if
/// it exists already.
fn placement(
    db: &mut impl Db,
    identity: &Identity,
    provider_id: i64,
) -> Step<(Placement, Option<i64>)> {
    let names: HashSet<String> = db
        .query(API_NAMES, &[&provider_id])?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<std::result::Result<_, _>>()?;
    let candidates = if identity.api.is_some() {
        Vec::new()
    } else {
        candidates(db, provider_id, identity)?
    };
    let placed = place(identity, &candidates, |name| names.contains(name));
    let id = if placed.new {
        None
    } else {
        api_of_provider(db, provider_id, &placed.name)?
    };
    Ok((placed, id))
}

/// The provider's APIs that share path keys with the document, and the
/// one its first name names (see [`place`]).
fn candidates(db: &mut impl Db, provider_id: i64, identity: &Identity) -> Step<Vec<Candidate>> {
    let keys = stored_keys(&identity.evidence.paths);
    let mut candidates = Vec::new();
    for row in &db.query(SHARING_PATHS, &[&provider_id, &keys])? {
        candidates.push(Candidate {
            name: row.try_get(0)?,
            paths: stored_len(row, 1)?,
            shared: stored_len(row, 2)?,
        });
    }
    let first = first_name(identity);
    if !candidates.iter().any(|c| c.name == first)
        && let Some(row) = db.query_opt(NAMED_PATHS, &[&provider_id, &first])?
    {
        candidates.push(Candidate {
            name: first.to_owned(),
            paths: stored_len(&row, 0)?,
            shared: 0,
        });
    }
    Ok(candidates)
}

/// Path keys as stored: text from a document, NUL escaped.
fn stored_keys(keys: &BTreeSet<String>) -> Vec<String> {
    keys.iter().map(|key| pg_text(key).into_owned()).collect()
}

/// A `count(*)` column.
fn stored_len(row: &Row, index: usize) -> Step<usize> {
    let count: i64 = row.try_get(index)?;
    usize::try_from(count).map_err(|_| corrupt(format!("a negative count: {count}")))
}

/// Indexes a snapshot by its path keys ([`specdex_spec::identity::path_keys`]).
fn insert_path_keys(db: &mut impl Db, snapshot_id: i64, keys: &BTreeSet<String>) -> Step<()> {
    db.execute(INSERT_PATH_KEYS, &[&snapshot_id, &stored_keys(keys)])?;
    Ok(())
}

/// Deletes snapshots and everything stored with them.
fn delete_snapshots(db: &mut impl Db, ids: &[i64]) -> Step<()> {
    for sql in DELETE_SNAPSHOTS {
        db.execute(sql, &[&ids])?;
    }
    Ok(())
}

/// Makes an API's newest snapshot its current one, with a search segment of
/// this build's format; removes the API if it has none left, and its
/// provider if that was the provider's last API. The caller holds
/// [`SEGMENT_LOCK`] shared.
fn settle_api(db: &mut impl Db, api_id: i64) -> Step<()> {
    let newest: Option<i64> = db.query_one(NEWEST_OF_API, &[&api_id])?.try_get(0)?;
    match newest {
        // Only rows that change are written: an update writes a new version
        // of every row it touches.
        Some(newest) => {
            db.execute(SUPERSEDE_ALL_BUT, &[&api_id, &newest])?;
            db.execute(MAKE_CURRENT, &[&newest])?;
            ensure_segment(db, newest)?;
        }
        None => {
            if let Some(provider_id) = id_of(db.query_opt(DELETE_API, &[&api_id])?)? {
                db.execute(DELETE_EMPTY_PROVIDER, &[&provider_id])?;
            }
        }
    }
    Ok(())
}

fn snapshot_exists(conn: &mut Conn, snapshot_id: i64) -> Step<bool> {
    let statement = conn.statement(SNAPSHOT_EXISTS)?;
    Ok(conn
        .client
        .query_opt(&statement, &[&snapshot_id])?
        .is_some())
}

/// `rows` if there are any or the snapshot exists, else
/// [`StoreError::SnapshotNotFound`]: a snapshot without endpoints or schemas
/// has an empty list, a missing snapshot none.
fn or_not_found<T>(conn: &mut Conn, snapshot_id: i64, rows: Vec<T>) -> Step<Vec<T>> {
    if rows.is_empty() && !snapshot_exists(conn, snapshot_id)? {
        return Err(Fail::Store(StoreError::SnapshotNotFound {
            id: snapshot_id,
        }));
    }
    Ok(rows)
}

/// The answers of a lookup by ordinal (`ord`, from 1), one slot per key;
/// checks the snapshot exists unless every key was found.
fn by_ordinal<T>(
    conn: &mut Conn,
    snapshot_id: i64,
    keys: usize,
    found: Vec<(i64, T)>,
) -> Step<Vec<Option<T>>> {
    let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(keys).collect();
    for (ord, value) in found {
        let slot = usize::try_from(ord - 1)
            .ok()
            .and_then(|n| slots.get_mut(n))
            .ok_or_else(|| corrupt(format!("lookup answered for key #{ord} of {keys}")))?;
        *slot = Some(value);
    }
    let complete = keys > 0 && slots.iter().all(Option::is_some);
    if !complete && !snapshot_exists(conn, snapshot_id)? {
        return Err(Fail::Store(StoreError::SnapshotNotFound {
            id: snapshot_id,
        }));
    }
    Ok(slots)
}

impl Catalog for PgCatalog {
    fn prepare(&self, new: &NewSnapshot<'_>) -> Result<Prepared> {
        check_names(new.identity)?;
        let provider = new.identity.provider.as_str();
        let action = || format!("store a snapshot of `{provider}`");
        let hash = pg_text(new.content_hash);
        // Re-ingesting known content is the common case of a bulk re-run:
        // answer it without a transaction and without encoding anything.
        let known = self.read(action, |conn| {
            let Some(provider_id) = provider_id(conn, provider)? else {
                return Ok(None);
            };
            match placement(conn, new.identity, provider_id)? {
                (_, Some(api_id)) => query_snapshot(conn, SNAPSHOT_BY_HASH, &[&api_id, &hash]),
                (_, None) => Ok(None),
            }
        })?;
        Prepared::new(known, new.api, new.document)
    }

    fn ingest_prepared(&self, new: NewSnapshot<'_>, prepared: Prepared) -> Result<IngestOutcome> {
        check_names(new.identity)?;
        let provider = new.identity.provider.as_str();
        let action = || format!("store a snapshot of `{provider}`");
        let encoded = match prepared.0 {
            Preparation::Known(snapshot) => return Ok(IngestOutcome::unchanged(*snapshot)),
            Preparation::Encoded(encoded) => encoded,
        };
        let rows = Rows::new(new.api);
        let ingested_at = new.ingested_at.unwrap_or_else(now);
        let written = self.write(action, |tx| {
            write_snapshot(tx, &new, &encoded, &rows, ingested_at)
        })?;
        let (id, placed) = match written {
            Written::Known(snapshot) => return Ok(IngestOutcome::unchanged(*snapshot)),
            Written::New(id, placed) => (id, placed),
        };
        let api = new.api;
        Ok(IngestOutcome {
            snapshot: SnapshotInfo {
                id,
                api: api_id(provider, &placed.name),
                provider: provider.to_owned(),
                version: new.version_label.to_owned(),
                content_hash: new.content_hash.to_owned(),
                ingested_at,
                endpoints: count(api.endpoint_count()),
                schemas: count(api.schema_count()),
                status: SnapshotStatus::Current,
                title: api.info.title.clone(),
                format: api.format.label().to_owned(),
                source: new.source.to_owned(),
                published_by: new.published_by.map(str::to_owned),
                fetched_at: new.fetched.map(|f| f.at),
                etag: new.fetched.and_then(|f| f.etag).map(str::to_owned),
                warnings: api.warnings.clone(),
            },
            status: IngestStatus::New,
            api_created: placed.new,
        })
    }

    fn apis(&self) -> Result<Vec<ApiSummary>> {
        self.read(
            || "read the API list".to_owned(),
            |conn| {
                let rows = conn.query(APIS, &[])?;
                let mut infos = Vec::with_capacity(rows.len());
                let mut extra = Vec::with_capacity(rows.len());
                for row in &rows {
                    let info = snapshot_from_row(row)?;
                    let name: String = row.try_get(2)?;
                    extra.push((name, stored_count(row, SNAPSHOT_COLUMNS, info.id)?));
                    infos.push(info);
                }
                attach_warnings(conn, &mut infos)?;
                Ok(infos
                    .into_iter()
                    .zip(extra)
                    .map(|(current, (name, snapshot_count))| ApiSummary {
                        id: current.api.clone(),
                        provider: current.provider.clone(),
                        name,
                        title: current.title.clone(),
                        current,
                        snapshot_count,
                    })
                    .collect())
            },
        )
    }

    fn api_ids(&self) -> Result<Vec<String>> {
        self.read(
            || "read the API ids".to_owned(),
            |conn| {
                conn.query(API_IDS, &[])?
                    .iter()
                    .map(|row| Ok(from_pg(row.try_get(0)?)))
                    .collect()
            },
        )
    }
    fn versions(&self, api: &str) -> Result<Vec<SnapshotInfo>> {
        self.read(
            || format!("read the versions of `{api}`"),
            |conn| {
                let api_id = find_api(conn, api)?;
                query_snapshots(conn, SNAPSHOTS_OF_API, &[&api_id])
            },
        )
    }

    fn snapshot(&self, api: &str, version: Option<&str>) -> Result<SnapshotInfo> {
        self.read(
            || format!("read a snapshot of `{api}`"),
            |conn| {
                let api_id = find_api(conn, api)?;
                match version {
                    Some(version) => {
                        query_snapshot(conn, SNAPSHOT_BY_LABEL, &[&api_id, &pg_text(version)])?
                            .ok_or_else(|| {
                                Fail::Store(StoreError::VersionNotFound {
                                    api: api.to_owned(),
                                    version: version.to_owned(),
                                })
                            })
                    }
                    None => query_snapshot(conn, SNAPSHOT_CURRENT, &[&api_id])?
                        .ok_or_else(|| corrupt(format!("API `{api}` has no current snapshot"))),
                }
            },
        )
    }

    fn snapshot_by_id(&self, snapshot_id: i64) -> Result<SnapshotInfo> {
        self.read(
            || format!("read snapshot {snapshot_id}"),
            |conn| existing_snapshot(conn, snapshot_id),
        )
    }

    fn remove_snapshot(&self, snapshot_id: i64) -> Result<SnapshotInfo> {
        self.write(
            || format!("remove snapshot {snapshot_id}"),
            |tx| {
                tx.execute(SHARE_SEGMENTS, &[&SEGMENT_LOCK])?;
                let seen = existing_snapshot(tx, snapshot_id)?;
                // No lock without a provider: then the snapshot is gone too.
                lock_provider(tx, &seen.provider)?;
                // As it is now that no other writer can change it.
                let snapshot = existing_snapshot(tx, snapshot_id)?;
                if snapshot.provider != seen.provider {
                    return Err(Fail::Raced);
                }
                let api_id = api_of_snapshot(tx, snapshot_id)?;
                delete_snapshots(tx, &[snapshot_id])?;
                settle_api(tx, api_id)?;
                Ok((snapshot, true))
            },
        )
    }

    fn remove_api(&self, api: &str) -> Result<Vec<SnapshotInfo>> {
        let not_found = || StoreError::ApiNotFound {
            api: api.to_owned(),
        };
        let (provider, _) = split_api_id(api).ok_or_else(not_found)?;
        self.write(
            || format!("remove API `{api}`"),
            |tx| {
                tx.execute(SHARE_SEGMENTS, &[&SEGMENT_LOCK])?;
                if lock_provider(tx, provider)?.is_none() {
                    return Err(Fail::Store(not_found()));
                }
                let api_id = find_api(tx, api)?;
                let snapshots = query_snapshots(tx, SNAPSHOTS_OF_API, &[&api_id])?;
                let ids: Vec<i64> = snapshots.iter().map(|s| s.id).collect();
                delete_snapshots(tx, &ids)?;
                settle_api(tx, api_id)?;
                Ok((snapshots, true))
            },
        )
    }

    fn move_snapshot(&self, snapshot_id: i64, to: &str) -> Result<SnapshotInfo> {
        let (provider, name) =
            split_api_id(to).ok_or_else(|| StoreError::ApiNotFound { api: to.to_owned() })?;
        check_name("provider", provider)?;
        check_name("API", name)?;
        self.write(
            || format!("move snapshot {snapshot_id} to `{to}`"),
            |tx| {
                let seen = existing_snapshot(tx, snapshot_id)?;
                if seen.api == to {
                    return Ok((seen, false));
                }
                tx.execute(SHARE_SEGMENTS, &[&SEGMENT_LOCK])?;
                // Both providers' rows, in one order for every writer, so
                // two moves in opposite directions cannot deadlock.
                let mut target = None;
                let mut slugs = [seen.provider.as_str(), provider];
                slugs.sort_unstable();
                for slug in slugs {
                    if slug == provider {
                        if target.is_none() {
                            target = Some(lock_or_create_provider(tx, slug)?);
                        }
                    } else {
                        lock_provider(tx, slug)?;
                    }
                }
                let target = target.ok_or(Fail::Raced)?;
                let snapshot = existing_snapshot(tx, snapshot_id)?;
                if snapshot.provider != seen.provider || snapshot.api == to {
                    return Err(Fail::Raced);
                }
                let from = api_of_snapshot(tx, snapshot_id)?;
                let to_id = match api_of_provider(tx, target, name)? {
                    Some(id) => id,
                    None => create_api(tx, target, name)?,
                };
                if let Some(existing) =
                    query_snapshot(tx, SNAPSHOT_BY_HASH, &[&to_id, &snapshot.content_hash])?
                {
                    return Err(Fail::Store(StoreError::DuplicateContent {
                        api: to.to_owned(),
                        existing: existing.id,
                    }));
                }
                tx.execute(MOVE_SNAPSHOT, &[&snapshot_id, &to_id])?;
                settle_api(tx, from)?;
                settle_api(tx, to_id)?;
                Ok((existing_snapshot(tx, snapshot_id)?, true))
            },
        )
    }

    fn load_api(&self, snapshot_id: i64) -> Result<Api> {
        // No transaction needed: a snapshot's rows were committed together
        // and never change, so every statement sees all of them or (before
        // the first finds the snapshot) none.
        let stored = self.read(
            || format!("read snapshot {snapshot_id}"),
            |conn| {
                let statement = conn.statement(API_PARTS)?;
                let Some(row) = conn.client.query_opt(&statement, &[&snapshot_id])? else {
                    return Err(Fail::Store(StoreError::SnapshotNotFound {
                        id: snapshot_id,
                    }));
                };
                let parts: String = row.try_get(0)?;
                let statement = conn.statement(ENDPOINT_BODIES)?;
                let endpoints = conn
                    .client
                    .query(&statement, &[&snapshot_id])?
                    .iter()
                    .map(|row| row.try_get(0))
                    .collect::<std::result::Result<_, _>>()?;
                let statement = conn.statement(SCHEMAS)?;
                let schemas = conn
                    .client
                    .query(&statement, &[&snapshot_id])?
                    .iter()
                    .map(|row| {
                        Ok((
                            text(row, 0)?,
                            row.try_get(1)?,
                            row.try_get(2)?,
                            row.try_get(3)?,
                        ))
                    })
                    .collect::<std::result::Result<_, ::postgres::Error>>()?;
                let warnings = warnings(conn, snapshot_id)?;
                Ok(StoredApi {
                    parts,
                    endpoints,
                    schemas,
                    warnings,
                })
            },
        )?;
        // Decoded once the connection is back: for a large API this is the
        // slow part, and other callers need not wait for it.
        stored.decode(snapshot_id)
    }

    fn document(&self, snapshot_id: i64) -> Result<Vec<u8>> {
        let stored = self.read(
            || format!("read the document of snapshot {snapshot_id}"),
            |conn| {
                let statement = conn.statement(DOCUMENT)?;
                match conn.client.query_opt(&statement, &[&snapshot_id])? {
                    Some(row) => Ok(row.try_get(0)?),
                    None => Err(Fail::Store(StoreError::SnapshotNotFound {
                        id: snapshot_id,
                    })),
                }
            },
        )?;
        unpack_document(stored, snapshot_id)
    }

    fn overview(&self, snapshot_id: i64) -> Result<Api> {
        let (parts, warnings) = self.read(
            || format!("read the overview of snapshot {snapshot_id}"),
            |conn| {
                let statement = conn.statement(API_PARTS)?;
                let Some(row) = conn.client.query_opt(&statement, &[&snapshot_id])? else {
                    return Err(Fail::Store(StoreError::SnapshotNotFound {
                        id: snapshot_id,
                    }));
                };
                let parts: String = row.try_get(0)?;
                Ok((parts, warnings(conn, snapshot_id)?))
            },
        )?;
        Ok(decode_parts(&parts, snapshot_id)?.into_api(Vec::new(), Vec::new(), warnings))
    }

    fn endpoint_list(&self, snapshot_id: i64) -> Result<Vec<EndpointSummary>> {
        self.read(
            || format!("list the endpoints of snapshot {snapshot_id}"),
            |conn| {
                let statement = conn.statement(ENDPOINT_LIST)?;
                let rows = conn
                    .client
                    .query(&statement, &[&snapshot_id])?
                    .iter()
                    .map(|row| {
                        Ok(EndpointSummary {
                            method: text(row, 0)?,
                            path: text(row, 1)?,
                            operation_id: text_opt(row, 2)?,
                            summary: text_opt(row, 3)?,
                            tags: texts(row, 4)?,
                            deprecated: row.try_get(5)?,
                        })
                    })
                    .collect::<std::result::Result<Vec<_>, ::postgres::Error>>()?;
                or_not_found(conn, snapshot_id, rows)
            },
        )
    }

    fn endpoints_by_key(
        &self,
        snapshot_id: i64,
        keys: &[(&str, &str)],
    ) -> Result<Vec<Option<Endpoint>>> {
        let methods: Vec<Cow<'_, str>> = keys.iter().map(|(method, _)| pg_text(method)).collect();
        let paths: Vec<Cow<'_, str>> = keys.iter().map(|(_, path)| pg_text(path)).collect();
        let bodies = self.read(
            || format!("read endpoints of snapshot {snapshot_id}"),
            |conn| {
                let found = if keys.is_empty() {
                    Vec::new()
                } else {
                    let statement = conn.statement(ENDPOINTS_BY_KEY)?;
                    conn.client
                        .query(&statement, &[&snapshot_id, &methods, &paths])?
                        .iter()
                        .map(|row| Ok((row.try_get(0)?, row.try_get::<_, Vec<u8>>(1)?)))
                        .collect::<std::result::Result<Vec<_>, ::postgres::Error>>()?
                };
                by_ordinal(conn, snapshot_id, keys.len(), found)
            },
        )?;
        keys.iter()
            .zip(bodies)
            .map(|(&key, body)| {
                body.map(|body| decode_endpoint(&body, snapshot_id, key))
                    .transpose()
            })
            .collect()
    }

    fn schema_names(&self, snapshot_id: i64) -> Result<Vec<SchemaName>> {
        self.read(
            || format!("list the schemas of snapshot {snapshot_id}"),
            |conn| {
                let statement = conn.statement(SCHEMA_NAMES)?;
                let rows = conn
                    .client
                    .query(&statement, &[&snapshot_id])?
                    .iter()
                    .map(|row| {
                        Ok(SchemaName {
                            name: text(row, 0)?,
                            external: row.try_get(1)?,
                            in_cycle: row.try_get(2)?,
                        })
                    })
                    .collect::<std::result::Result<Vec<_>, ::postgres::Error>>()?;
                or_not_found(conn, snapshot_id, rows)
            },
        )
    }

    fn schemas_by_name(
        &self,
        snapshot_id: i64,
        names: &[&str],
    ) -> Result<Vec<Option<NamedSchema>>> {
        let stored: Vec<Cow<'_, str>> = names.iter().map(|name| pg_text(name)).collect();
        let rows = self.read(
            || format!("read schemas of snapshot {snapshot_id}"),
            |conn| {
                let found = if names.is_empty() {
                    Vec::new()
                } else {
                    let statement = conn.statement(SCHEMAS_BY_NAME)?;
                    conn.client
                        .query(&statement, &[&snapshot_id, &stored])?
                        .iter()
                        .map(|row| {
                            Ok((
                                row.try_get(0)?,
                                (
                                    row.try_get::<_, bool>(1)?,
                                    row.try_get::<_, bool>(2)?,
                                    row.try_get::<_, Vec<u8>>(3)?,
                                ),
                            ))
                        })
                        .collect::<std::result::Result<Vec<_>, ::postgres::Error>>()?
                };
                by_ordinal(conn, snapshot_id, names.len(), found)
            },
        )?;
        names
            .iter()
            .zip(rows)
            .map(|(&name, row)| {
                row.map(|(in_cycle, external, body)| {
                    decode_schema(name.to_owned(), in_cycle, external, &body, snapshot_id)
                })
                .transpose()
            })
            .collect()
    }

    fn search_rows(&self) -> Result<(Vec<ApiSearchRow>, Vec<EndpointSearchRow>)> {
        self.read(|| "read the search rows".to_owned(), read_search_rows)
    }

    fn current_snapshots(&self) -> Result<Vec<(String, i64)>> {
        self.read(
            || "read the current snapshots".to_owned(),
            |conn| {
                conn.query(CURRENT_SNAPSHOTS, &[])?
                    .iter()
                    .map(|row| Ok((from_pg(row.try_get(0)?), row.try_get(1)?)))
                    .collect()
            },
        )
    }

    fn search_segments(&self, snapshot_ids: &[i64]) -> Result<Vec<(i64, Vec<u8>)>> {
        if snapshot_ids.is_empty() {
            return Ok(Vec::new());
        }
        self.read(
            || {
                format!(
                    "read the search segments of {} snapshots",
                    snapshot_ids.len()
                )
            },
            |conn| {
                conn.query(SEGMENTS, &[&snapshot_ids, &PG_SEGMENT_FORMAT])?
                    .iter()
                    .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
                    .collect()
            },
        )
    }

    fn generation(&self) -> Result<i64> {
        self.read(
            || "read the catalog generation".to_owned(),
            |conn| {
                let statement = conn.statement(GENERATION)?;
                match conn.client.query_opt(&statement, &[])? {
                    Some(row) => Ok(row.try_get(0)?),
                    None => Err(corrupt("the generation row is missing".to_owned())),
                }
            },
        )
    }

    fn create_key(&self, key: NewKey<'_>) -> Result<KeyInfo> {
        let action = || format!("create key `{}`", key.name);
        self.write(action, |tx| {
            let taken: bool = tx.query_one(KEY_NAME_TAKEN, &[&key.name])?.try_get(0)?;
            if taken {
                return Err(Fail::Store(StoreError::KeyExists {
                    name: key.name.to_owned(),
                }));
            }
            tx.execute(
                INSERT_KEY,
                &[&key.name, &key.scope.as_str(), &key.apis, &key.hash, &now()],
            )?;
            let row = tx.query_one(KEY_BY_NAME, &[&key.name])?;
            Ok((key_from_row(&row)?, false))
        })
    }

    fn keys(&self) -> Result<Vec<KeyInfo>> {
        self.read(
            || "list keys".to_owned(),
            |conn| conn.query(KEYS, &[])?.iter().map(key_from_row).collect(),
        )
    }

    fn revoke_key(&self, name: &str) -> Result<KeyInfo> {
        let action = || format!("revoke key `{name}`");
        self.write(action, |tx| {
            if tx.execute(REVOKE_KEY, &[&name, &now()])? == 0 {
                return Err(Fail::Store(StoreError::KeyNotFound {
                    name: name.to_owned(),
                }));
            }
            let row = tx.query_one(KEY_BY_NAME, &[&name])?;
            Ok((key_from_row(&row)?, false))
        })
    }

    fn key_by_hash(&self, hash: &str) -> Result<Option<KeyInfo>> {
        self.read(
            || "look up a key".to_owned(),
            |conn| {
                conn.query_opt(KEY_BY_HASH, &[&hash])?
                    .as_ref()
                    .map(key_from_row)
                    .transpose()
            },
        )
    }

    fn record_key_uses(&self, uses: &[KeyUse]) -> Result<()> {
        let action = || format!("record the use of {} keys", uses.len());
        self.write(action, |tx| {
            for used in uses {
                let count = i64::try_from(used.uses).unwrap_or(i64::MAX);
                tx.execute(RECORD_KEY_USE, &[&used.hash, &count, &used.last_used_at])?;
            }
            Ok(((), false))
        })
    }

    fn reserve_key_requests(
        &self,
        name: &str,
        want: u64,
        quota: RateQuota,
        now_us: i64,
    ) -> Result<Option<Reservation>> {
        let action = || format!("reserve requests for key `{name}`");
        self.write(action, |tx| {
            // Locked until the commit: replicas reserving for one key take
            // turns, so none reads a state another is replacing.
            let Some(row) = tx.query_opt(KEY_RATE_STATE, &[&name])? else {
                return Ok((None, false));
            };
            let tat: i64 = row.try_get(0)?;
            let reservation = reserve(tat, now_us, want, quota);
            if reservation.tat_us != tat {
                tx.execute(SET_KEY_RATE_STATE, &[&name, &reservation.tat_us])?;
            }
            Ok((Some(reservation), false))
        })
    }

    fn add_source(&self, source: NewSource<'_>) -> Result<(SourceInfo, bool)> {
        let action = || format!("add the source of `{}`", source.api);
        self.write(action, |tx| {
            let created: bool = tx
                .query_one(
                    UPSERT_SOURCE,
                    &[
                        &source.api,
                        &source.url,
                        &source.every_seconds,
                        &source.added_at,
                    ],
                )?
                .try_get(0)?;
            let row = tx.query_one(SOURCE_BY_API, &[&source.api])?;
            Ok(((source_from_row(&row)?, created), false))
        })
    }

    fn sources(&self) -> Result<Vec<SourceInfo>> {
        self.read(
            || "list sources".to_owned(),
            |conn| {
                conn.query(SOURCES, &[])?
                    .iter()
                    .map(source_from_row)
                    .collect()
            },
        )
    }

    fn remove_source(&self, api: &str) -> Result<SourceInfo> {
        let action = || format!("remove the source of `{api}`");
        self.write(action, |tx| {
            let row = tx.query_opt(SOURCE_BY_API, &[&api])?.ok_or_else(|| {
                Fail::Store(StoreError::SourceNotFound {
                    api: api.to_owned(),
                })
            })?;
            let source = source_from_row(&row)?;
            tx.execute(DELETE_SOURCE, &[&api])?;
            Ok((source, false))
        })
    }

    fn record_source_check(&self, check: SourceCheck<'_>) -> Result<SourceInfo> {
        let action = || format!("record a check of the source of `{}`", check.api);
        let (changed, error) = match check.result {
            CheckResult::Changed => (true, None),
            CheckResult::Unchanged => (false, None),
            CheckResult::Failed(why) => (false, Some(why)),
        };
        self.write(action, |tx| {
            let updated = tx.execute(
                RECORD_SOURCE_CHECK,
                &[
                    &check.api,
                    &check.checked_at,
                    &check.next_check_at,
                    &changed,
                    &error,
                    &check.etag,
                    &check.last_modified,
                ],
            )?;
            let not_found = || {
                Fail::Store(StoreError::SourceNotFound {
                    api: check.api.to_owned(),
                })
            };
            if updated == 0 {
                return Err(not_found());
            }
            let row = tx
                .query_opt(SOURCE_BY_API, &[&check.api])?
                .ok_or_else(not_found)?;
            Ok((source_from_row(&row)?, false))
        })
    }

    fn sync_lock(&self) -> Result<Option<SyncLock>> {
        // A connection of its own, outside the pool: the lock belongs to
        // the session and lasts until this connection closes, whatever
        // else the process does meanwhile.
        let mut conn = self.pool.connect()?;
        let held: bool = conn
            .client
            .query_one(TRY_SYNC_LOCK, &[&SYNC_LOCK])
            .and_then(|row| row.try_get(0))
            .map_err(|e| Fail::Pg(e).during(|| "take the sync lock".to_owned()))?;
        Ok(held.then(|| SyncLock::new(HeldConnection(Some(conn)))))
    }
}

/// A connection kept open for the lock its session holds. Closing a
/// connection runs its runtime, which tokio refuses inside another runtime,
/// so it closes on a thread of its own (as [`Pool`]'s connections do).
struct HeldConnection(Option<Conn>);

impl Drop for HeldConnection {
    fn drop(&mut self) {
        if let Some(conn) = self.0.take() {
            let closing = std::thread::Builder::new()
                .name("specdex-pg-close".to_owned())
                .spawn(move || drop(conn));
            if let Ok(closing) = closing {
                let _ = closing.join();
            }
        }
    }
}

/// Reads the columns of [`select_sources!`].
fn source_from_row(row: &Row) -> Step<SourceInfo> {
    let failures: i32 = row.try_get(8)?;
    Ok(SourceInfo {
        api: row.try_get(0)?,
        url: row.try_get(1)?,
        every_seconds: row.try_get(2)?,
        added_at: row.try_get(3)?,
        next_check_at: row.try_get(4)?,
        last_checked_at: row.try_get(5)?,
        last_changed_at: row.try_get(6)?,
        last_error: row.try_get(7)?,
        failures: u32::try_from(failures).unwrap_or(0),
        etag: row.try_get(9)?,
        last_modified: row.try_get(10)?,
    })
}

/// Reads the columns of [`select_keys!`].
fn key_from_row(row: &Row) -> Step<KeyInfo> {
    let scope: String = row.try_get(1)?;
    let scope =
        KeyScope::parse(&scope).ok_or_else(|| corrupt(format!("unknown key scope `{scope}`")))?;
    let uses: i64 = row.try_get(5)?;
    Ok(KeyInfo {
        name: row.try_get(0)?,
        scope,
        apis: row.try_get(2)?,
        created_at: row.try_get(3)?,
        last_used_at: row.try_get(4)?,
        uses: u64::try_from(uses).unwrap_or(0),
        revoked_at: row.try_get(6)?,
    })
}

/// Both lists of [`Catalog::search_rows`], from one repeatable-read
/// transaction so they agree on which snapshots are current.
fn read_search_rows(conn: &mut Conn) -> Step<(Vec<ApiSearchRow>, Vec<EndpointSearchRow>)> {
    let Conn { client, statements } = conn;
    let mut tx = client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?;
    let statement = prepared(statements, &mut tx, SEARCH_APIS)?;
    let apis = tx
        .query(&statement, &[])?
        .iter()
        .map(api_search_row)
        .collect::<std::result::Result<Vec<_>, ::postgres::Error>>()?;
    let ids: Vec<i64> = apis.iter().map(|a| a.snapshot_id).collect();
    let statement = prepared(statements, &mut tx, SEARCH_ENDPOINTS)?;
    let rows = tx.query(&statement, &[&ids])?;
    tx.commit()?;

    // Rows come by snapshot id; hand them out in API order.
    let place: HashMap<i64, usize> = (0..).zip(&apis).map(|(n, a)| (a.snapshot_id, n)).collect();
    let mut by_api: Vec<Vec<EndpointSearchRow>> =
        std::iter::repeat_with(Vec::new).take(apis.len()).collect();
    for row in &rows {
        let snapshot_id: i64 = row.try_get(0)?;
        let n = *place.get(&snapshot_id).ok_or_else(|| {
            corrupt(format!(
                "endpoint rows of snapshot {snapshot_id}, which is not current"
            ))
        })?;
        by_api[n].push(endpoint_search_row(row, &apis[n].api)?);
    }
    let mut endpoints = Vec::with_capacity(rows.len());
    endpoints.extend(by_api.into_iter().flatten());
    Ok((apis, endpoints))
}

/// Reads the columns of [`search_api_columns!`].
fn api_search_row(row: &Row) -> std::result::Result<ApiSearchRow, ::postgres::Error> {
    let provider: String = row.try_get(0)?;
    let name: String = row.try_get(1)?;
    Ok(ApiSearchRow {
        api: api_id(&provider, &name),
        provider,
        snapshot_id: row.try_get(2)?,
        title: text(row, 3)?,
        description: text_opt(row, 4)?,
        tags: texts(row, 5)?,
    })
}

/// Reads the columns of [`search_endpoint_columns!`], of an endpoint of
/// the API `api`.
fn endpoint_search_row(
    row: &Row,
    api: &str,
) -> std::result::Result<EndpointSearchRow, ::postgres::Error> {
    Ok(EndpointSearchRow {
        api: api.to_owned(),
        snapshot_id: row.try_get(0)?,
        endpoint: EndpointSummary {
            method: text(row, 1)?,
            path: text(row, 2)?,
            operation_id: text_opt(row, 3)?,
            summary: text_opt(row, 4)?,
            tags: texts(row, 5)?,
            deprecated: row.try_get(6)?,
        },
        description: text_opt(row, 7)?,
    })
}

/// The search segment of a stored snapshot, built from the rows
/// [`Catalog::search_rows`] would give for it; `None` if there is no such
/// snapshot.
fn segment_from_rows(db: &mut impl Db, snapshot_id: i64) -> Step<Option<Vec<u8>>> {
    let Some(row) = db.query_opt(SEARCH_API_OF, &[&snapshot_id])? else {
        return Ok(None);
    };
    let api = api_search_row(&row)?;
    let endpoints = db
        .query(SEARCH_ENDPOINTS_OF, &[&snapshot_id])?
        .iter()
        .map(|row| endpoint_search_row(row, &api.api))
        .collect::<std::result::Result<Vec<_>, ::postgres::Error>>()?;
    Ok(Some(search::segment_of_rows(&api, &endpoints)))
}

/// Builds a snapshot's segment from its rows and stores it, replacing any
/// it had.
fn rebuild_segment(db: &mut impl Db, snapshot_id: i64) -> Step<()> {
    if let Some(segment) = segment_from_rows(db, snapshot_id)? {
        db.execute(
            UPSERT_SEGMENT,
            &[&snapshot_id, &PG_SEGMENT_FORMAT, &segment],
        )?;
    }
    Ok(())
}

/// Gives a snapshot a segment of this build's format unless it has one.
fn ensure_segment(db: &mut impl Db, snapshot_id: i64) -> Step<()> {
    if db
        .query_opt(HAS_SEGMENT, &[&snapshot_id, &PG_SEGMENT_FORMAT])?
        .is_none()
    {
        rebuild_segment(db, snapshot_id)?;
    }
    Ok(())
}

/// Gives every current snapshot that lacks one a segment of this build's
/// format ([`SEGMENT_FORMAT`]): after a migration, all of them; after a
/// change of format, all again; otherwise none, found with one read and no
/// lock. One transaction per [`REBUILD_BATCH`] snapshots, each under
/// [`SEGMENT_LOCK`]: replicas starting together take turns, and each finds
/// what the one before built; a replica stopped midway keeps what it built.
fn rebuild_segments(conn: &mut Conn) -> Step<()> {
    let batch = i64::try_from(REBUILD_BATCH).unwrap_or(i64::MAX);
    if conn
        .query_opt(STALE_SEGMENTS, &[&PG_SEGMENT_FORMAT, &1_i64])?
        .is_none()
    {
        return Ok(());
    }
    loop {
        let Conn { client, statements } = &mut *conn;
        let mut transaction = client.transaction()?;
        let mut tx = Session {
            client: &mut transaction,
            statements,
        };
        tx.execute(LOCK_SEGMENTS, &[&SEGMENT_LOCK])?;
        let ids: Vec<i64> = tx
            .query(STALE_SEGMENTS, &[&PG_SEGMENT_FORMAT, &batch])?
            .iter()
            .map(|row| row.try_get(0))
            .collect::<std::result::Result<_, _>>()?;
        for &id in &ids {
            rebuild_segment(&mut tx, id)?;
        }
        transaction.commit()?;
        if ids.len() < REBUILD_BATCH {
            return Ok(());
        }
    }
}

/// The text columns of a snapshot's rows, escaped for storage and cut for
/// search, prepared before the provider's lock is taken.
struct Rows<'a> {
    title: Cow<'a, str>,
    description: Option<Cow<'a, str>>,
    tag_names: Vec<Cow<'a, str>>,
    /// `(method, path, operation_id, summary, tags, description)`.
    endpoints: Vec<EndpointRow<'a>>,
    schema_names: Vec<Cow<'a, str>>,
    warning_pointers: Vec<Cow<'a, str>>,
    warning_messages: Vec<Cow<'a, str>>,
}

type EndpointRow<'a> = (
    Cow<'a, str>,
    Cow<'a, str>,
    Option<Cow<'a, str>>,
    Option<Cow<'a, str>>,
    Vec<Cow<'a, str>>,
    Option<Cow<'a, str>>,
);

impl<'a> Rows<'a> {
    fn new(api: &'a Api) -> Self {
        let text = |s: &'a str| pg_text(s);
        Rows {
            title: text(&api.info.title),
            description: api
                .info
                .description
                .as_deref()
                .map(|d| text(prefix(d, PROVIDER_DESCRIPTION_PREFIX_CHARS))),
            tag_names: api.tags.iter().map(|tag| text(&tag.name)).collect(),
            endpoints: api
                .endpoints
                .iter()
                .map(|e| {
                    (
                        text(&e.method),
                        text(&e.path),
                        e.operation_id.as_deref().map(text),
                        e.summary.as_deref().map(text),
                        e.tags.iter().map(|tag| text(tag)).collect(),
                        e.description
                            .as_deref()
                            .map(|d| text(prefix(d, DESCRIPTION_PREFIX_CHARS))),
                    )
                })
                .collect(),
            schema_names: api.schemas.iter().map(|s| text(&s.name)).collect(),
            warning_pointers: api.warnings.iter().map(|w| text(&w.pointer)).collect(),
            warning_messages: api.warnings.iter().map(|w| text(&w.message)).collect(),
        }
    }
}

enum Written {
    /// The API already had this content (stored by another writer since the
    /// first check).
    Known(Box<SnapshotInfo>),
    /// The new snapshot's id, and the API it went to.
    New(i64, Placement),
}

/// Writes a new snapshot in the transaction `tx` and makes it current,
/// unless its API already has the content; the answer says whether the
/// catalog changed.
fn write_snapshot(
    tx: &mut Tx<'_, '_>,
    new: &NewSnapshot<'_>,
    encoded: &Encoded,
    rows: &Rows<'_>,
    ingested_at: i64,
) -> Step<(Written, bool)> {
    let api = new.api;
    let version = pg_text(new.version_label);
    let source = pg_text(new.source);
    let hash = pg_text(new.content_hash);

    // The provider's row, locked until commit: a second ingest of the same
    // provider waits here and then sees this one's snapshot (and API), so
    // two replicas never both create one API, and each API keeps exactly
    // one current snapshot.
    let provider_id = lock_or_create_provider(tx, &new.identity.provider)?;
    // Decided here, under the lock, against the APIs as they are now.
    let (placed, api_id) = placement(tx, new.identity, provider_id)?;
    // Another writer may have stored the same content since the first check.
    if let Some(api_id) = api_id
        && let Some(info) = query_snapshot(tx, SNAPSHOT_BY_HASH, &[&api_id, &hash])?
    {
        return Ok((Written::Known(Box::new(info)), false));
    }
    let api_id = match api_id {
        Some(id) => id,
        None => create_api(tx, provider_id, &placed.name)?,
    };

    // Before the insert: the index that allows one current snapshot per
    // API would refuse the new row while the old one is still current.
    tx.execute(SUPERSEDE, &[&api_id])?;
    let endpoint_count = i64::from(count(api.endpoint_count()));
    let schema_count = i64::from(count(api.schema_count()));
    let snapshot_id: i64 = tx
        .query_one(
            INSERT_SNAPSHOT,
            &[
                &api_id,
                &provider_id,
                &version,
                &hash,
                &source,
                &ingested_at,
                &rows.title,
                &api.format.label(),
                &endpoint_count,
                &schema_count,
                &rows.description,
                &rows.tag_names,
                &encoded.parts,
                &new.published_by,
                &new.fetched.map(|f| f.at),
                &new.fetched.and_then(|f| f.etag),
            ],
        )?
        .try_get(0)?;

    if !rows.endpoints.is_empty() {
        let mut writer = BinaryCopyInWriter::new(
            tx.client.copy_in(COPY_ENDPOINTS)?,
            &[
                Type::INT8,
                Type::INT4,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT_ARRAY,
                Type::BOOL,
                Type::TEXT,
            ],
        );
        for ((position, endpoint), (method, path, operation_id, summary, tags, description)) in
            (0_i32..).zip(&api.endpoints).zip(&rows.endpoints)
        {
            writer.write(&[
                &snapshot_id,
                &position,
                method,
                path,
                operation_id,
                summary,
                tags,
                &endpoint.deprecated,
                description,
            ])?;
        }
        writer.finish()?;

        let mut writer = BinaryCopyInWriter::new(
            tx.client.copy_in(COPY_ENDPOINT_BODIES)?,
            &[Type::INT8, Type::INT4, Type::BYTEA],
        );
        for (position, (_, body)) in (0_i32..).zip(&encoded.endpoints) {
            writer.write(&[&snapshot_id, &position, body])?;
        }
        writer.finish()?;
    }

    if !api.schemas.is_empty() {
        let mut writer = BinaryCopyInWriter::new(
            tx.client.copy_in(COPY_SCHEMAS)?,
            &[
                Type::INT8,
                Type::INT4,
                Type::TEXT,
                Type::BOOL,
                Type::BOOL,
                Type::BYTEA,
            ],
        );
        for (((position, schema), name), body) in (0_i32..)
            .zip(&api.schemas)
            .zip(&rows.schema_names)
            .zip(&encoded.schemas)
        {
            writer.write(&[
                &snapshot_id,
                &position,
                name,
                &schema.in_cycle,
                &schema.external,
                body,
            ])?;
        }
        writer.finish()?;
    }

    if !api.warnings.is_empty() {
        tx.execute(
            INSERT_WARNINGS,
            &[&snapshot_id, &rows.warning_pointers, &rows.warning_messages],
        )?;
    }

    tx.execute(INSERT_DOCUMENT, &[&snapshot_id, &encoded.document])?;
    insert_path_keys(tx, snapshot_id, &new.identity.evidence.paths)?;
    tx.execute(
        INSERT_SEGMENT,
        &[&snapshot_id, &PG_SEGMENT_FORMAT, &encoded.segment],
    )?;
    Ok((Written::New(snapshot_id, placed), true))
}

/// How often [`PgCatalog::write`] starts a change over that lost a race.
const MAX_RACES: u32 = 5;

/// One run of a [`PgCatalog::write`]: sets `committing` just before the
/// commit is sent, since a failure after that may or may not have stored
/// the change.
fn transact<T>(
    conn: &mut Conn,
    change: &mut impl FnMut(&mut Tx<'_, '_>) -> Step<(T, bool)>,
    committing: &mut bool,
) -> Step<T> {
    let Conn { client, statements } = conn;
    let mut transaction = client.transaction()?;
    let mut tx = Session {
        client: &mut transaction,
        statements,
    };
    let (answer, changed) = change(&mut tx)?;
    if changed {
        // Last, so writers to different providers hold the generation row
        // only for the moment before they commit.
        let generation: i64 = tx.query_one(NEXT_GENERATION, &[])?.try_get(0)?;
        // Delivered to listeners when (and only if) the transaction commits.
        tx.execute(NOTIFY, &[&NOTIFY_CHANNEL, &generation.to_string()])?;
    }
    *committing = true;
    transaction.commit()?;
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_column_count_matches_the_list() {
        assert_eq!(snapshot_columns!().split(',').count(), SNAPSHOT_COLUMNS);
    }

    #[test]
    fn stored_text_round_trips() {
        for text in [
            "",
            "plain",
            "a\0b",
            "\0",
            "\u{FFFF}",
            "\u{FFFF}0",
            "x\u{FFFF}\0\u{FFFF}\u{FFFF}0y",
            "Größe 🐾",
        ] {
            let stored = pg_text(text);
            assert!(!stored.contains('\0'), "{stored:?}");
            assert_eq!(from_pg(stored.into_owned()), text);
        }
        assert!(matches!(pg_text("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn locations_never_show_passwords() -> std::result::Result<(), Box<dyn std::error::Error>> {
        let config = Config::from_str("postgres://app:s3cret@db.example:6543/specdex")?;
        assert_eq!(
            describe_location(&config),
            "postgres://app@db.example:6543/specdex"
        );
        let config = Config::from_str("host=/run/postgresql user=app password=s3cret")?;
        assert_eq!(
            describe_location(&config),
            "postgres://app@/run/postgresql:5432/app"
        );
        for url in [
            "postgres://app:s3cret@db.example:6543/specdex?bad=1",
            "postgresql://db.example/specdex?password=s3cret&x=%%",
            "host=db password=s3cret nonsense",
        ] {
            let err = PgCatalog::open(url).expect_err("this must be refused");
            let text = err.to_string();
            assert!(!text.contains("s3cret"), "{text}");
            assert!(
                text.contains("not a valid PostgreSQL connection string"),
                "{text}"
            );
        }
        Ok(())
    }

    #[test]
    fn pool_size_is_read_and_checked() {
        // The parser only: tests run in parallel and share the environment.
        let parse = |text: &str| parse_pool_size(Some(std::ffi::OsStr::new(text)));
        assert_eq!(parse_pool_size(None), Ok(DEFAULT_POOL_SIZE));
        assert_eq!(parse("3"), Ok(3));
        assert_eq!(parse(" 16 "), Ok(16));
        for bad in ["0", "-1", "many", "", "1001"] {
            let err = parse(bad).expect_err("this must be refused");
            assert!(
                err.contains("SPECDEX_PG_POOL must be a whole number"),
                "{err}"
            );
        }
    }
}
