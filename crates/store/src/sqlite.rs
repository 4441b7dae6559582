//! The embedded catalog: one SQLite file in WAL mode, so readers never wait
//! for an ingest and a killed process loses at most the transaction it was in.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::config::DbConfig;
use rusqlite::types::Type;
use rusqlite::{
    Connection, ErrorCode, OpenFlags, OptionalExtension, Params, Row, Statement, Transaction,
    TransactionBehavior, params,
};
use serde::Deserialize;
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
    SyncLock, Warning, reserve, split_api_id,
};

/// How long a writer waits for another one before giving up with
/// [`StoreError::Busy`]; bulk ingests in parallel processes queue this long.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Marks a SQLite file as a specdex catalog (`PRAGMA application_id`), so a
/// wrong `--db` path to some other database is refused, not written into.
const APPLICATION_ID: i32 = i32::from_be_bytes(*b"sdex");

/// The layout, one script per version; `PRAGMA user_version` records how
/// many have been applied. Append, never edit: old catalogs replay the rest.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_lookups.sql"),
    include_str!("migrations/003_apis.sql"),
    include_str!("migrations/004_search.sql"),
    include_str!("migrations/005_keys.sql"),
    include_str!("migrations/006_sources.sql"),
    include_str!("migrations/007_packed_bodies.sql"),
];

/// The layout version after which snapshots belong to APIs; migrating past
/// it runs the split (see [`split_into_apis`]).
const APIS_LAYOUT: i64 = 3;

/// The layout version this build writes.
const LATEST: i64 = MIGRATIONS.len() as i64;

/// The most read connections a file catalog keeps open.
const MAX_READERS: usize = 8;

/// Prepared statements each connection keeps; room for every statement of
/// this file, so none is prepared twice.
const STATEMENT_CACHE: usize = 64;

/// The columns [`snapshot_from_row`] reads, in its order.
macro_rules! snapshot_columns {
    () => {
        "s.id, p.slug || '/' || a.name, p.slug, s.version, s.content_hash, s.ingested_at, \
         s.endpoint_count, s.schema_count, s.status, s.title, s.format, s.source, s.published_by, \
         s.fetched_at, s.etag"
    };
}

/// The columns [`key_from_row`] reads, in its order.
macro_rules! key_columns {
    () => {
        "name, scope, apis, created_at, last_used_at, uses, revoked_at"
    };
}
/// The columns [`source_from_row`] reads, in its order.
macro_rules! source_columns {
    () => {
        "api, url, every_seconds, added_at, next_check_at, last_checked_at, last_changed_at, \
         last_error, failures, etag, last_modified"
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
    "WHERE s.api_id = ?1 AND s.content_hash = ?2"
);
const SNAPSHOT_BY_ID: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    snapshots_joined!(),
    "WHERE s.id = ?1"
);
const SNAPSHOT_CURRENT: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    snapshots_joined!(),
    "WHERE s.api_id = ?1 AND s.status = 'current'"
);
const SNAPSHOT_BY_LABEL: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    snapshots_joined!(),
    "WHERE s.api_id = ?1 AND s.version = ?2 ORDER BY s.id DESC LIMIT 1"
);
// Ids grow with every ingest, so id order is ingest order, and the current
// snapshot (the newest ingested) always comes first.
const SNAPSHOTS_OF_API: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    snapshots_joined!(),
    "WHERE s.api_id = ?1 ORDER BY s.id DESC"
);
const APIS: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    ", a.name, (SELECT count(*) FROM snapshots c WHERE c.api_id = s.api_id)",
    snapshots_joined!(),
    "WHERE s.status = 'current' ORDER BY p.slug, a.name"
);
const API_IDS: &str = "SELECT p.slug || '/' || a.name FROM apis a \
     JOIN providers p ON p.id = a.provider_id ORDER BY p.slug, a.name";
// The provider's APIs whose current snapshot shares the most path keys
// with a document (?2, a JSON array of keys), found through the key index:
// the work grows with the keys shared, not with the provider's APIs. Only
// the 20 that share most are counted whole (identity::place takes the one
// sharing most that passes its thresholds), so a path every API has, such as
// `/health`, costs one index entry per API, nothing more.
const SHARING_PATHS: &str = "SELECT name, \
     (SELECT count(*) FROM snapshot_paths q WHERE q.snapshot_id = shared.id), keys \
     FROM (SELECT s.id, a.name, count(*) AS keys \
           FROM snapshot_paths k JOIN snapshots s ON s.id = k.snapshot_id \
           JOIN apis a ON a.id = s.api_id \
           WHERE k.key IN (SELECT value FROM json_each(?2)) \
           AND s.provider_id = ?1 AND s.status = 'current' \
           GROUP BY s.id ORDER BY keys DESC, s.id LIMIT 20) AS shared";
// How many path keys the current snapshot of API ?2 of provider ?1 has.
const NAMED_PATHS: &str = "SELECT (SELECT count(*) FROM snapshot_paths q \
     WHERE q.snapshot_id = s.id) FROM apis a \
     JOIN snapshots s ON s.api_id = a.id AND s.status = 'current' \
     WHERE a.provider_id = ?1 AND a.name = ?2";

// When a snapshot names an endpoint or schema twice, the first one answers,
// as a reader of the document would find it. The index is named: for
// `ORDER BY position` SQLite would otherwise walk the whole snapshot in
// position order rather than sort the one or two rows the index finds.
const ENDPOINT_BY_KEY: &str = "SELECT b.body FROM endpoints e INDEXED BY endpoints_by_key \
     JOIN endpoint_bodies b ON b.endpoint_id = e.id \
     WHERE e.snapshot_id = ?1 AND e.method = ?2 AND e.path = ?3 ORDER BY e.position LIMIT 1";
const SCHEMA_BY_NAME: &str = "SELECT in_cycle, external, body \
     FROM schemas INDEXED BY schemas_by_name \
     WHERE snapshot_id = ?1 AND name = ?2 ORDER BY position LIMIT 1";
const ENDPOINT_LIST: &str = "SELECT method, path, operation_id, summary, tags, deprecated \
     FROM endpoints WHERE snapshot_id = ?1 ORDER BY position";
const SCHEMA_NAMES: &str =
    "SELECT name, external, in_cycle FROM schemas WHERE snapshot_id = ?1 ORDER BY position";
/// The columns [`api_search_row`] reads (`?1`: how many bytes of the
/// description, see [`description_prefix`]) and the tables they come from,
/// joined on a snapshot `s` whose condition follows. Description and tag
/// names come out of the `api` JSON in SQL, so the descriptions of
/// servers, schemes and tags are never decoded.
macro_rules! search_api_columns {
    () => {
        "p.slug || '/' || a.name, p.slug, s.id, s.title, \
         CASE json_type(s.api, '$.info.description') WHEN 'text' THEN \
         coalesce(substr(CAST(json_extract(s.api, '$.info.description') AS BLOB), 1, ?1), x'') \
         END, \
         (SELECT json_group_array(json_extract(t.value, '$.name')) \
          FROM json_each(s.api, '$.tags') AS t) \
         FROM providers p JOIN apis a ON a.provider_id = p.id \
         JOIN snapshots s ON s.api_id = a.id "
    };
}

/// The columns [`endpoint_search_row`] reads and the tables they come
/// from, joined on a snapshot `s` whose condition follows: only the
/// endpoint listing, never the bodies.
macro_rules! search_endpoint_columns {
    () => {
        "p.slug || '/' || a.name, s.id, e.method, e.path, \
         e.operation_id, e.summary, e.tags, e.deprecated, e.description \
         FROM providers p JOIN apis a ON a.provider_id = p.id \
         JOIN snapshots s ON s.api_id = a.id \
         JOIN endpoints e ON e.snapshot_id = s.id "
    };
}

const SEARCH_APIS: &str = concat!(
    "SELECT ",
    search_api_columns!(),
    "AND s.status = 'current' ORDER BY p.slug, a.name"
);
const SEARCH_ENDPOINTS: &str = concat!(
    "SELECT ",
    search_endpoint_columns!(),
    "AND s.status = 'current' ORDER BY p.slug, a.name, e.position"
);
// One snapshot's rows as `search_rows` gives them, to build its segment from.
const SEARCH_API_OF: &str = concat!("SELECT ", search_api_columns!(), "WHERE s.id = ?2");
const SEARCH_ENDPOINTS_OF: &str = concat!(
    "SELECT ",
    search_endpoint_columns!(),
    "WHERE s.id = ?1 ORDER BY e.position"
);
const CURRENT_SNAPSHOTS: &str = "SELECT p.slug || '/' || a.name, s.id \
     FROM providers p JOIN apis a ON a.provider_id = p.id \
     JOIN snapshots s ON s.api_id = a.id AND s.status = 'current' \
     ORDER BY p.slug, a.name";
// ?1: a JSON array of snapshot ids; ?2: the format this build reads.
const SEGMENTS: &str = "SELECT snapshot_id, segment FROM search_segments \
     WHERE snapshot_id IN (SELECT value FROM json_each(?1)) AND format = ?2";
const HAS_SEGMENT: &str = "SELECT 1 FROM search_segments WHERE snapshot_id = ?1 AND format = ?2";
const INSERT_SEGMENT: &str =
    "INSERT INTO search_segments (snapshot_id, format, segment) VALUES (?1, ?2, ?3)";
const UPSERT_SEGMENT: &str = "INSERT INTO search_segments (snapshot_id, format, segment) \
     VALUES (?1, ?2, ?3) ON CONFLICT (snapshot_id) \
     DO UPDATE SET format = excluded.format, segment = excluded.segment";
// Current snapshots without a segment of format ?1, at most ?2 of them.
const STALE_SEGMENTS: &str = "SELECT s.id FROM snapshots s WHERE s.status = 'current' \
     AND NOT EXISTS (SELECT 1 FROM search_segments g \
                     WHERE g.snapshot_id = s.id AND g.format = ?1) \
     LIMIT ?2";

/// The catalog in one SQLite file (or in memory, for tests and throwaway
/// use).
///
/// A file catalog writes through one connection behind a mutex (SQLite has
/// a single writer anyway) and reads through a small pool of read-only
/// connections, opened as needed: WAL lets them all read at once, and while
/// an ingest writes. An in-memory catalog has one connection for everything,
/// since another connection would see another database. Several processes
/// may open the same file; their writers queue for up to 5 seconds.
#[derive(Debug)]
pub struct SqliteCatalog {
    /// Reads of a file catalog; `None` in memory. Declared first so the
    /// readers close first: the connection that closes last checkpoints the
    /// write-ahead log into the file and removes it, which a read-only one
    /// cannot do.
    readers: Option<ReadPool>,
    /// Ingests; and everything else for an in-memory catalog.
    writer: Mutex<Connection>,
}

impl SqliteCatalog {
    /// Opens the catalog at `path`, creating the file if it does not exist and
    /// bringing its layout up to date.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_for(path, Writes::Many)
    }

    /// [`SqliteCatalog::open`] for a process that will write what `writes`
    /// says: a file created for one ingest keeps SQLite's rollback journal
    /// until the next open (see [`Writes::One`]).
    pub fn open_for(path: &Path, writes: Writes) -> Result<Self> {
        let location = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            return Err(StoreError::Open {
                cause: format!("directory {} does not exist", dir.display()).into(),
                location,
            });
        }
        let conn = Connection::open(path).map_err(|e| open_error(&location, e))?;
        Self::prepare(conn, location, writes)
    }

    /// A fresh catalog that lives as long as the value; for tests and tools
    /// that need no file.
    pub fn open_in_memory() -> Result<Self> {
        let location = ":memory:".to_owned();
        let conn = Connection::open_in_memory().map_err(|e| open_error(&location, e))?;
        Self::prepare(conn, location, Writes::Many)
    }

    fn prepare(mut conn: Connection, location: String, writes: Writes) -> Result<Self> {
        configure(&conn, writes).map_err(|e| open_error(&location, e))?;
        migrate(&mut conn, &location)?;
        rebuild_segments(&mut conn).map_err(|e| open_error(&location, e))?;
        // SQLite's own name for the file, absolute; empty in memory.
        let readers = conn
            .path()
            .filter(|file| !file.is_empty())
            .map(|file| ReadPool::new(file.to_owned(), location));
        Ok(SqliteCatalog {
            readers,
            writer: Mutex::new(conn),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A thread that panicked while holding the connection cannot have
        // left half a snapshot behind: its open transaction rolled back as
        // the panic unwound. So the connection is still sound to use.
        lock(&self.writer)
    }

    /// Runs `change` in one immediate write transaction, committed if it
    /// succeeds; the catalog generation moves with it.
    fn write<T>(
        &self,
        action: impl Fn() -> String,
        change: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_quietly(&action, |tx| {
            let done = change(tx)?;
            tx.prepare_cached("UPDATE generation SET value = value + 1 WHERE id = 0")
                .and_then(|mut stmt| stmt.execute([]))
                .during(&action)?;
            Ok(done)
        })
    }

    /// Runs `change` in one immediate write transaction that leaves the
    /// generation alone: keys change no answer about the catalog, so they
    /// must not empty the caches of answers.
    fn write_quietly<T>(
        &self,
        action: impl Fn() -> String,
        change: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during(&action)?;
        let done = change(&tx)?;
        tx.commit().during(&action)?;
        Ok(done)
    }

    /// Runs `read` on a read connection: a pooled one for a file catalog,
    /// the only one in memory.
    fn read<T>(&self, read: impl FnOnce(&mut Connection) -> Result<T>) -> Result<T> {
        let Some(pool) = &self.readers else {
            return read(&mut self.lock());
        };
        let mut conn = pool.take()?;
        let mut loan = Loan {
            pool,
            returned: false,
        };
        let result = read(&mut conn);
        pool.give_back(conn);
        loan.returned = true;
        result
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Read-only connections to a file catalog, opened when first needed and
/// then kept, at most [`MAX_READERS`] (fewer on small machines) at once.
#[derive(Debug)]
struct ReadPool {
    /// The file, as SQLite resolved it when the catalog was opened.
    file: String,
    /// The path as given, for messages.
    location: String,
    /// How many connections may exist at once.
    limit: usize,
    state: Mutex<PoolState>,
    /// Signalled when a connection is given back or its place freed.
    freed: Condvar,
}

#[derive(Debug, Default)]
struct PoolState {
    idle: Vec<Connection>,
    /// Connections that exist: the idle ones and those lent out.
    open: usize,
}

impl ReadPool {
    fn new(file: String, location: String) -> Self {
        let limit = std::thread::available_parallelism()
            .map_or(2, |cores| cores.get().saturating_mul(2))
            .clamp(1, MAX_READERS);
        ReadPool {
            file,
            location,
            limit,
            state: Mutex::new(PoolState::default()),
            freed: Condvar::new(),
        }
    }

    /// An idle connection, a new one if there is room, or else the next one
    /// given back.
    fn take(&self) -> Result<Connection> {
        let mut state = lock(&self.state);
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(conn);
            }
            if state.open < self.limit {
                state.open += 1;
                drop(state);
                return self.connect().inspect_err(|_| self.free_place());
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    fn give_back(&self, conn: Connection) {
        lock(&self.state).idle.push(conn);
        self.freed.notify_one();
    }

    /// Forgets a connection that was lent out and will not come back.
    fn free_place(&self) {
        let mut state = lock(&self.state);
        state.open = state.open.saturating_sub(1);
        drop(state);
        self.freed.notify_one();
    }

    fn connect(&self) -> Result<Connection> {
        Connection::open_with_flags(
            &self.file,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|conn| {
            // In WAL mode a reader waits only while a checkpoint or
            // recovery holds the file, never for a writer; in a file left
            // in rollback mode (`Writes::One`), while a writer commits.
            conn.busy_timeout(BUSY_TIMEOUT)?;
            keep_plans(&conn)?;
            Ok(conn)
        })
        .map_err(|e| open_error(&self.location, e))
    }
}

/// A connection lent out of the [`ReadPool`]: if the borrower panics, the
/// connection is dropped with its stack and its place in the pool freed.
struct Loan<'a> {
    pool: &'a ReadPool,
    returned: bool,
}

impl Drop for Loan<'_> {
    fn drop(&mut self) {
        if !self.returned {
            self.pool.free_place();
        }
    }
}

impl Catalog for SqliteCatalog {
    fn prepare(&self, new: &NewSnapshot<'_>) -> Result<Prepared> {
        check_names(new.identity)?;
        let action = || format!("store a snapshot of `{}`", new.identity.provider);
        // Re-ingesting known content is the common case of a bulk re-run:
        // answer it without the write lock and without encoding anything.
        let known = self.read(|conn| {
            let (_, api_id) = placement(conn, new.identity).during(action)?;
            known_content(conn, api_id, new.content_hash).during(action)
        })?;
        Prepared::new(known, new.api, new.document)
    }

    fn ingest_prepared(&self, new: NewSnapshot<'_>, prepared: Prepared) -> Result<IngestOutcome> {
        check_names(new.identity)?;
        let action = || format!("store a snapshot of `{}`", new.identity.provider);
        let encoded = match prepared.0 {
            Preparation::Known(snapshot) => return Ok(IngestOutcome::unchanged(*snapshot)),
            Preparation::Encoded(encoded) => encoded,
        };
        let ingested_at = new.ingested_at.unwrap_or_else(now);

        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during(action)?;
        // Another writer may have stored the same content, or created the
        // API, since the check: decide again inside the transaction.
        let (placed, api_id) = placement(&tx, new.identity).during(action)?;
        if let Some(snapshot) = known_content(&tx, api_id, new.content_hash).during(action)? {
            return Ok(IngestOutcome::unchanged(snapshot));
        }
        let api_id = match api_id {
            Some(id) => id,
            None => create_api(&tx, &new.identity.provider, &placed.name).during(action)?,
        };
        let id = write_snapshot(&tx, &new, api_id, &encoded, ingested_at).during(action)?;
        let snapshot = query_snapshot(&tx, SNAPSHOT_BY_ID, [id])
            .during(action)?
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("snapshot {id} vanished while it was being written"),
            })?;
        tx.commit().during(action)?;
        Ok(IngestOutcome {
            snapshot,
            status: IngestStatus::New,
            api_created: placed.new,
        })
    }

    fn apis(&self) -> Result<Vec<ApiSummary>> {
        self.read(|conn| read_apis(conn).during(|| "read the API list".to_owned()))
    }

    fn api_ids(&self) -> Result<Vec<String>> {
        self.read(|conn| {
            conn.prepare_cached(API_IDS)
                .and_then(|mut stmt| {
                    stmt.query_map([], |row| row.get(0))?
                        .collect::<rusqlite::Result<_>>()
                })
                .during(|| "read the API ids".to_owned())
        })
    }

    fn versions(&self, api: &str) -> Result<Vec<SnapshotInfo>> {
        let action = || format!("read the versions of `{api}`");
        self.read(|conn| {
            let api_id = find_api(conn, api)?;
            query_snapshots(conn, SNAPSHOTS_OF_API, [api_id]).during(action)
        })
    }

    fn snapshot(&self, api: &str, version: Option<&str>) -> Result<SnapshotInfo> {
        let action = || format!("read a snapshot of `{api}`");
        self.read(|conn| {
            let api_id = find_api(conn, api)?;
            match version {
                Some(version) => query_snapshot(conn, SNAPSHOT_BY_LABEL, params![api_id, version])
                    .during(action)?
                    .ok_or_else(|| StoreError::VersionNotFound {
                        api: api.to_owned(),
                        version: version.to_owned(),
                    }),
                None => query_snapshot(conn, SNAPSHOT_CURRENT, [api_id])
                    .during(action)?
                    .ok_or_else(|| StoreError::Corrupt {
                        what: format!("API `{api}` has no current snapshot"),
                    }),
            }
        })
    }

    fn snapshot_by_id(&self, snapshot_id: i64) -> Result<SnapshotInfo> {
        self.read(|conn| {
            query_snapshot(conn, SNAPSHOT_BY_ID, [snapshot_id])
                .during(|| format!("read snapshot {snapshot_id}"))?
                .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })
        })
    }

    fn remove_snapshot(&self, snapshot_id: i64) -> Result<SnapshotInfo> {
        let action = || format!("remove snapshot {snapshot_id}");
        self.write(action, |tx| {
            let snapshot = query_snapshot(tx, SNAPSHOT_BY_ID, [snapshot_id])
                .during(action)?
                .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })?;
            let api_id = find_api(tx, &snapshot.api)?;
            delete_snapshot(tx, snapshot_id).during(action)?;
            settle_api(tx, api_id).during(action)?;
            Ok(snapshot)
        })
    }

    fn remove_api(&self, api: &str) -> Result<Vec<SnapshotInfo>> {
        let action = || format!("remove API `{api}`");
        self.write(action, |tx| {
            let api_id = find_api(tx, api)?;
            let snapshots = query_snapshots(tx, SNAPSHOTS_OF_API, [api_id]).during(action)?;
            for snapshot in &snapshots {
                delete_snapshot(tx, snapshot.id).during(action)?;
            }
            settle_api(tx, api_id).during(action)?;
            Ok(snapshots)
        })
    }

    fn move_snapshot(&self, snapshot_id: i64, to: &str) -> Result<SnapshotInfo> {
        let action = || format!("move snapshot {snapshot_id} to `{to}`");
        let (provider, name) =
            split_api_id(to).ok_or_else(|| StoreError::ApiNotFound { api: to.to_owned() })?;
        check_name("provider", provider)?;
        check_name("API", name)?;
        self.write(action, |tx| {
            let snapshot = query_snapshot(tx, SNAPSHOT_BY_ID, [snapshot_id])
                .during(action)?
                .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })?;
            if snapshot.api == to {
                return Ok(snapshot);
            }
            let from = find_api(tx, &snapshot.api)?;
            let target = match api_row(tx, provider, name).during(action)? {
                Some(id) => id,
                None => create_api(tx, provider, name).during(action)?,
            };
            if let Some(existing) =
                known_content(tx, Some(target), &snapshot.content_hash).during(action)?
            {
                return Err(StoreError::DuplicateContent {
                    api: to.to_owned(),
                    existing: existing.id,
                });
            }
            tx.prepare_cached(
                "UPDATE snapshots SET api_id = ?2, status = 'superseded', \
                 provider_id = (SELECT provider_id FROM apis WHERE id = ?2) WHERE id = ?1",
            )
            .and_then(|mut stmt| stmt.execute(params![snapshot_id, target]))
            .during(action)?;
            settle_api(tx, from).during(action)?;
            settle_api(tx, target).during(action)?;
            query_snapshot(tx, SNAPSHOT_BY_ID, [snapshot_id])
                .during(action)?
                .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })
        })
    }

    fn load_api(&self, snapshot_id: i64) -> Result<Api> {
        let stored = self.read(|conn| {
            read_stored_api(conn, snapshot_id)
                .during(|| format!("read snapshot {snapshot_id}"))?
                .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })
        })?;
        // Decoded once the connection is back: for a large API this is the
        // slow part, and other callers need not wait for it.
        stored.decode(snapshot_id)
    }

    fn document(&self, snapshot_id: i64) -> Result<Vec<u8>> {
        let stored = self.read(|conn| {
            conn.prepare_cached("SELECT bytes FROM documents WHERE snapshot_id = ?1")
                .and_then(|mut stmt| stmt.query_row([snapshot_id], |row| row.get(0)).optional())
                .during(|| format!("read the document of snapshot {snapshot_id}"))?
                .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })
        })?;
        unpack_document(stored, snapshot_id)
    }

    fn overview(&self, snapshot_id: i64) -> Result<Api> {
        let (parts, warnings) = self.read(|conn| {
            read_overview(conn, snapshot_id)
                .during(|| format!("read the overview of snapshot {snapshot_id}"))?
                .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })
        })?;
        Ok(decode_parts(&parts, snapshot_id)?.into_api(Vec::new(), Vec::new(), warnings))
    }

    fn endpoint_list(&self, snapshot_id: i64) -> Result<Vec<EndpointSummary>> {
        self.read(|conn| {
            read_endpoint_list(conn, snapshot_id)
                .during(|| format!("list the endpoints of snapshot {snapshot_id}"))?
                .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })
        })
    }

    fn endpoints_by_key(
        &self,
        snapshot_id: i64,
        keys: &[(&str, &str)],
    ) -> Result<Vec<Option<Endpoint>>> {
        let bodies = self.read(|conn| {
            lookup(
                conn,
                snapshot_id,
                ENDPOINT_BY_KEY,
                keys,
                |stmt, &(method, path)| {
                    stmt.query_row(params![snapshot_id, method, path], |row| {
                        row.get::<_, Vec<u8>>(0)
                    })
                    .optional()
                },
            )
            .during(|| format!("read endpoints of snapshot {snapshot_id}"))?
            .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })
        })?;
        keys.iter()
            .zip(bodies)
            .map(|(&key, body)| {
                body.map(|body| decode_endpoint(&body, snapshot_id, key))
                    .transpose()
            })
            .collect()
    }

    fn schema_names(&self, snapshot_id: i64) -> Result<Vec<SchemaName>> {
        self.read(|conn| {
            read_schema_names(conn, snapshot_id)
                .during(|| format!("list the schemas of snapshot {snapshot_id}"))?
                .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })
        })
    }

    fn schemas_by_name(
        &self,
        snapshot_id: i64,
        names: &[&str],
    ) -> Result<Vec<Option<NamedSchema>>> {
        let rows = self.read(|conn| {
            lookup(conn, snapshot_id, SCHEMA_BY_NAME, names, |stmt, &name| {
                stmt.query_row(params![snapshot_id, name], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get::<_, Vec<u8>>(2)?))
                })
                .optional()
            })
            .during(|| format!("read schemas of snapshot {snapshot_id}"))?
            .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })
        })?;
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
        self.read(|conn| read_search_rows(conn).during(|| "read the search rows".to_owned()))
    }

    fn current_snapshots(&self) -> Result<Vec<(String, i64)>> {
        self.read(|conn| {
            conn.prepare_cached(CURRENT_SNAPSHOTS)
                .and_then(|mut stmt| {
                    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                        .collect::<rusqlite::Result<_>>()
                })
                .during(|| "read the current snapshots".to_owned())
        })
    }

    fn search_segments(&self, snapshot_ids: &[i64]) -> Result<Vec<(i64, Vec<u8>)>> {
        if snapshot_ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids = json_ids(snapshot_ids);
        self.read(|conn| {
            conn.prepare_cached(SEGMENTS)
                .and_then(|mut stmt| {
                    stmt.query_map(params![ids, search::stored_format()], |row| {
                        Ok((row.get(0)?, row.get(1)?))
                    })?
                    .collect::<rusqlite::Result<_>>()
                })
                .during(|| {
                    format!(
                        "read the search segments of {} snapshots",
                        snapshot_ids.len()
                    )
                })
        })
    }

    fn generation(&self) -> Result<i64> {
        self.read(|conn| {
            conn.prepare_cached("SELECT value FROM generation WHERE id = 0")
                .and_then(|mut stmt| stmt.query_row([], |row| row.get(0)).optional())
                .during(|| "read the catalog generation".to_owned())?
                .ok_or_else(|| StoreError::Corrupt {
                    what: "the generation row is missing".to_owned(),
                })
        })
    }

    fn create_key(&self, key: NewKey<'_>) -> Result<KeyInfo> {
        let action = || format!("create key `{}`", key.name);
        let apis = serde_json::to_string(key.apis).map_err(|cause| StoreError::Encode {
            what: "a key's APIs".to_owned(),
            cause,
        })?;
        self.write_quietly(action, |tx| {
            let taken: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM api_keys WHERE name = ?1)")
                .and_then(|mut stmt| stmt.query_row([key.name], |row| row.get(0)))
                .during(action)?;
            if taken {
                return Err(StoreError::KeyExists {
                    name: key.name.to_owned(),
                });
            }
            tx.prepare_cached(
                "INSERT INTO api_keys (name, scope, apis, hash, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![key.name, key.scope.as_str(), apis, key.hash, now()])
            })
            .during(action)?;
            query_key(tx, "name = ?1", key.name)
                .during(action)?
                .ok_or_else(|| StoreError::KeyNotFound {
                    name: key.name.to_owned(),
                })
        })
    }

    fn keys(&self) -> Result<Vec<KeyInfo>> {
        self.read(|conn| {
            conn.prepare_cached(concat!(
                "SELECT ",
                key_columns!(),
                " FROM api_keys ORDER BY id"
            ))
            .and_then(|mut stmt| stmt.query_map([], key_from_row)?.collect())
            .during(|| "list keys".to_owned())
        })
    }

    fn revoke_key(&self, name: &str) -> Result<KeyInfo> {
        let action = || format!("revoke key `{name}`");
        self.write_quietly(action, |tx| {
            let revoked = tx
                .prepare_cached(
                    "UPDATE api_keys SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
                )
                .and_then(|mut stmt| stmt.execute(params![name, now()]))
                .during(action)?;
            let not_found = || StoreError::KeyNotFound {
                name: name.to_owned(),
            };
            if revoked == 0 {
                return Err(not_found());
            }
            query_key(tx, "name = ?1", name)
                .during(action)?
                .ok_or_else(not_found)
        })
    }

    fn key_by_hash(&self, hash: &str) -> Result<Option<KeyInfo>> {
        self.read(|conn| query_key(conn, "hash = ?1", hash).during(|| "look up a key".to_owned()))
    }

    fn record_key_uses(&self, uses: &[KeyUse]) -> Result<()> {
        let action = || format!("record the use of {} keys", uses.len());
        self.write_quietly(action, |tx| {
            let mut update = tx
                .prepare_cached(
                    "UPDATE api_keys SET uses = uses + ?2, \
                     last_used_at = max(coalesce(last_used_at, 0), ?3) WHERE hash = ?1",
                )
                .during(action)?;
            for used in uses {
                let count = i64::try_from(used.uses).unwrap_or(i64::MAX);
                update
                    .execute(params![used.hash, count, used.last_used_at])
                    .during(action)?;
            }
            Ok(())
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
        self.write_quietly(action, |tx| {
            let tat: Option<i64> = tx
                .prepare_cached("SELECT rate_tat FROM api_keys WHERE name = ?1")
                .and_then(|mut stmt| stmt.query_row([name], |row| row.get(0)).optional())
                .during(action)?;
            let Some(tat) = tat else { return Ok(None) };
            let reservation = reserve(tat, now_us, want, quota);
            if reservation.tat_us != tat {
                tx.prepare_cached("UPDATE api_keys SET rate_tat = ?2 WHERE name = ?1")
                    .and_then(|mut stmt| stmt.execute(params![name, reservation.tat_us]))
                    .during(action)?;
            }
            Ok(Some(reservation))
        })
    }

    fn add_source(&self, source: NewSource<'_>) -> Result<(SourceInfo, bool)> {
        let action = || format!("add the source of `{}`", source.api);
        self.write_quietly(action, |tx| {
            let old = query_source(tx, source.api).during(action)?;
            let same_url = old.as_ref().is_some_and(|old| old.url == source.url);
            if same_url {
                tx.prepare_cached(
                    "UPDATE sources SET every_seconds = ?2, next_check_at = ?3 WHERE api = ?1",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![source.api, source.every_seconds, source.added_at])
                })
                .during(action)?;
            } else {
                // A new URL starts its history of checks over.
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO sources (api, url, every_seconds, added_at, \
                     next_check_at) VALUES (?1, ?2, ?3, ?4, ?4)",
                )
                .and_then(|mut stmt| {
                    stmt.execute(params![
                        source.api,
                        source.url,
                        source.every_seconds,
                        source.added_at
                    ])
                })
                .during(action)?;
            }
            let stored = query_source(tx, source.api)
                .during(action)?
                .ok_or_else(|| StoreError::SourceNotFound {
                    api: source.api.to_owned(),
                })?;
            Ok((stored, old.is_none()))
        })
    }

    fn sources(&self) -> Result<Vec<SourceInfo>> {
        self.read(|conn| {
            conn.prepare_cached(concat!(
                "SELECT ",
                source_columns!(),
                " FROM sources ORDER BY api"
            ))
            .and_then(|mut stmt| stmt.query_map([], source_from_row)?.collect())
            .during(|| "list sources".to_owned())
        })
    }

    fn remove_source(&self, api: &str) -> Result<SourceInfo> {
        let action = || format!("remove the source of `{api}`");
        self.write_quietly(action, |tx| {
            let source = query_source(tx, api).during(action)?.ok_or_else(|| {
                StoreError::SourceNotFound {
                    api: api.to_owned(),
                }
            })?;
            tx.prepare_cached("DELETE FROM sources WHERE api = ?1")
                .and_then(|mut stmt| stmt.execute([api]))
                .during(action)?;
            Ok(source)
        })
    }

    fn record_source_check(&self, check: SourceCheck<'_>) -> Result<SourceInfo> {
        let action = || format!("record a check of the source of `{}`", check.api);
        let (changed, error) = match check.result {
            CheckResult::Changed => (true, None),
            CheckResult::Unchanged => (false, None),
            CheckResult::Failed(why) => (false, Some(why)),
        };
        self.write_quietly(action, |tx| {
            tx.prepare_cached(
                "UPDATE sources SET last_checked_at = ?2, next_check_at = ?3, \
                 last_changed_at = CASE WHEN ?4 THEN ?2 ELSE last_changed_at END, \
                 last_error = ?5, \
                 failures = CASE WHEN ?5 IS NULL THEN 0 ELSE failures + 1 END, \
                 etag = coalesce(?6, etag), last_modified = coalesce(?7, last_modified) \
                 WHERE api = ?1",
            )
            .and_then(|mut stmt| {
                stmt.execute(params![
                    check.api,
                    check.checked_at,
                    check.next_check_at,
                    changed,
                    error,
                    check.etag,
                    check.last_modified
                ])
            })
            .during(action)?;
            query_source(tx, check.api)
                .during(action)?
                .ok_or_else(|| StoreError::SourceNotFound {
                    api: check.api.to_owned(),
                })
        })
    }

    fn sync_lock(&self) -> Result<Option<SyncLock>> {
        Ok(Some(SyncLock::new(())))
    }
}

/// The source of `api`, if there is one.
fn query_source(conn: &Connection, api: &str) -> rusqlite::Result<Option<SourceInfo>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        source_columns!(),
        " FROM sources WHERE api = ?1"
    ))?
    .query_row([api], source_from_row)
    .optional()
}

fn source_from_row(row: &Row<'_>) -> rusqlite::Result<SourceInfo> {
    Ok(SourceInfo {
        api: row.get(0)?,
        url: row.get(1)?,
        every_seconds: row.get(2)?,
        added_at: row.get(3)?,
        next_check_at: row.get(4)?,
        last_checked_at: row.get(5)?,
        last_changed_at: row.get(6)?,
        last_error: row.get(7)?,
        failures: row.get(8)?,
        etag: row.get(9)?,
        last_modified: row.get(10)?,
    })
}

/// The key matching `condition` (with one parameter, `?1`).
fn query_key(conn: &Connection, condition: &str, value: &str) -> rusqlite::Result<Option<KeyInfo>> {
    conn.prepare_cached(&format!(
        "SELECT {} FROM api_keys WHERE {condition}",
        key_columns!()
    ))?
    .query_row([value], key_from_row)
    .optional()
}

fn key_from_row(row: &Row<'_>) -> rusqlite::Result<KeyInfo> {
    let damaged = |column: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(column, Type::Text, what.into())
    };
    let scope: String = row.get(1)?;
    let scope = KeyScope::parse(&scope)
        .ok_or_else(|| damaged(1, format!("unknown key scope `{scope}`")))?;
    let apis: String = row.get(2)?;
    let apis = serde_json::from_str(&apis).map_err(|e| damaged(2, format!("a key's APIs: {e}")))?;
    let uses: i64 = row.get(5)?;
    Ok(KeyInfo {
        name: row.get(0)?,
        scope,
        apis,
        created_at: row.get(3)?,
        last_used_at: row.get(4)?,
        uses: u64::try_from(uses).unwrap_or(0),
        revoked_at: row.get(6)?,
    })
}

/// The page size of a new catalog file. Most of a catalog is bodies, search
/// segments and documents of several kilobytes, and an ingest appends pages
/// to the write-ahead log one frame at a time (two writes each), then copies
/// them into the file: with 16 KiB pages instead of SQLite's 4 KiB, the
/// APIs.guru directory's ingest makes 201,000 writes instead of 441,000 and
/// 38,000 reads instead of 125,000 (the time it saves is within the host's
/// noise in some runs, up to a tenth in others).
const PAGE_SIZE: i64 = 16 * 1024;

/// What the process opening a catalog file will write to it, which decides
/// the journal of a file it creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// Any number of transactions, perhaps while other processes read: the
    /// file is put in WAL mode (see [`enable_wal`]).
    Many,
    /// One ingest (one document, one transaction after the layout's). A
    /// file created now keeps SQLite's rollback journal until the next
    /// [`Writes::Many`] open switches it to WAL: the transaction then
    /// writes each page into the file once and syncs it once, where WAL
    /// writes every page twice (into the log, then into the file at the
    /// checkpoint that closing runs), syncs both, and deletes the log.
    /// GitHub's spec into a new catalog, on a slow host where the process
    /// took 330 to 385 ms: 27 and 36 ms less (paired medians of 21 and 31
    /// runs), most of it what closing waited for (syncing the log, copying
    /// it, syncing the file, deleting the log). An existing file keeps its
    /// mode, as always.
    One,
}

/// Connection settings. Apart from the journal mode and the page size, which
/// the file keeps, they live only as long as the connection, so every open
/// applies them.
fn configure(conn: &Connection, writes: Writes) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    keep_plans(conn)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Before the file has its first page; an existing file keeps its own.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    if writes == Writes::Many {
        enable_wal(conn)?;
    }
    // With WAL, NORMAL skips the sync at each commit: a power loss may undo
    // the last commits (never half of one), a killed process loses nothing.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // One big ingest grows the write-ahead log to its size; give the disk
    // space back once the log has been checkpointed.
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    Ok(())
}

/// Makes prepared statements reusable as prepared. Without the query
/// planner stability guarantee, SQLite marks a statement whose plan might
/// depend on a bound value to be re-prepared whenever its bindings are
/// cleared, which the statement cache does at every use: each lookup would
/// pay for parsing and planning again (about 10 µs), and parallel readers
/// would contend in SQLite's allocator. The plans here never depend on the
/// values bound.
fn keep_plans(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

/// Puts the file in WAL mode, which keeps every committed transaction across
/// a crash and lets readers proceed during an ingest. (An in-memory catalog
/// stays in `memory` mode; SQLite answers so and that is fine.)
///
/// The mode is stored in the file, so this changes something only for a new
/// catalog. The switch needs the file to itself, and SQLite reports "busy" at
/// once instead of waiting (waiting could deadlock); when several processes
/// create a catalog together, the others retry until the first is done.
fn enable_wal(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |_| Ok(())) {
            Err(e) if is_busy(&e) && Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            done => return done,
        }
    }
}

/// Brings the layout to [`LATEST`], refusing files that are not catalogs or
/// come from a newer specdex.
fn migrate(conn: &mut Connection, location: &str) -> Result<()> {
    let open_err = |e| open_error(location, e);
    if layout(conn).map_err(open_err)? == (APPLICATION_ID, LATEST) {
        return Ok(());
    }
    // Immediate, so two processes opening a new file at once do not both
    // create the tables; the second finds the work done.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(open_err)?;
    let (application_id, version) = layout(&tx).map_err(open_err)?;
    let not_a_catalog = || StoreError::NotACatalog {
        location: location.to_owned(),
    };
    if application_id == 0 && version == 0 {
        let objects: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .map_err(open_err)?;
        if objects > 0 {
            return Err(not_a_catalog());
        }
    } else if application_id != APPLICATION_ID {
        return Err(not_a_catalog());
    }
    if version > LATEST {
        return Err(StoreError::TooNew {
            location: location.to_owned(),
            found: version,
            supported: LATEST,
        });
    }
    let applied = usize::try_from(version).map_err(|_| not_a_catalog())?;
    for (script, layout) in MIGRATIONS.iter().zip(1_i64..).skip(applied) {
        tx.execute_batch(script).map_err(open_err)?;
        if layout == APIS_LAYOUT {
            split_into_apis(&tx).map_err(|e| match e {
                SplitError::Sql(e) => open_err(e),
                SplitError::Store(e) => e,
            })?;
        }
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(open_err)?;
    tx.pragma_update(None, "user_version", LATEST)
        .map_err(open_err)?;
    tx.commit().map_err(open_err)
}

/// Why splitting an old catalog into APIs failed.
enum SplitError {
    Sql(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for SplitError {
    fn from(e: rusqlite::Error) -> Self {
        SplitError::Sql(e)
    }
}

impl From<StoreError> for SplitError {
    fn from(e: StoreError) -> Self {
        SplitError::Store(e)
    }
}

/// Places every snapshot of a catalog written with one history per provider
/// into an API by the identity rule, in ingest order, then makes each API's
/// newest snapshot current. Runs inside the migration's transaction.
fn split_into_apis(tx: &Transaction<'_>) -> std::result::Result<(), SplitError> {
    tx.execute("UPDATE snapshots SET status = 'superseded'", [])?;
    let ids: Vec<i64> = tx
        .prepare("SELECT id FROM snapshots ORDER BY id")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut splitter = Splitter::default();
    for id in ids {
        let (provider, parts, content_hash, document): (String, String, String, Vec<u8>) = tx
            .query_row(
                "SELECT p.slug, s.api, s.content_hash, d.bytes FROM snapshots s \
                 JOIN providers p ON p.id = s.provider_id \
                 JOIN documents d ON d.snapshot_id = s.id WHERE s.id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )?;
        let api = decode_parts(&parts, id)?.into_api(Vec::new(), Vec::new(), Vec::new());
        let paths: Vec<String> = tx
            .prepare_cached("SELECT path FROM endpoints WHERE snapshot_id = ?1 ORDER BY position")?
            .query_map([id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let assigned = splitter.assign(&OldSnapshot {
            id,
            provider: &provider,
            api: &api,
            paths: &paths,
            content_hash: &content_hash,
            document: &document,
        });
        let api_id = match api_row(tx, &assigned.provider, &assigned.name)? {
            Some(api_id) => api_id,
            None => create_api(tx, &assigned.provider, &assigned.name)?,
        };
        tx.execute(
            "UPDATE snapshots SET api_id = ?2, provider_id = (SELECT provider_id FROM apis \
             WHERE id = ?2), content_hash = coalesce(?3, content_hash) WHERE id = ?1",
            params![id, api_id, assigned.content_hash],
        )?;
        insert_path_keys(tx, id, &assigned.path_keys)?;
    }
    tx.execute_batch(
        "UPDATE snapshots SET status = 'current' \
         WHERE id IN (SELECT max(id) FROM snapshots GROUP BY api_id); \
         DELETE FROM providers WHERE id NOT IN (SELECT provider_id FROM apis); \
         UPDATE generation SET value = value + 1 WHERE id = 0;",
    )?;
    Ok(())
}

/// `(application_id, user_version)` of the open file.
fn layout(conn: &Connection) -> rusqlite::Result<(i32, i64)> {
    Ok((
        conn.pragma_query_value(None, "application_id", |row| row.get(0))?,
        conn.pragma_query_value(None, "user_version", |row| row.get(0))?,
    ))
}

/// Writes a new snapshot and makes it current; returns its id. The caller's
/// transaction makes it all-or-nothing.
fn write_snapshot(
    tx: &Transaction<'_>,
    new: &NewSnapshot<'_>,
    api_id: i64,
    encoded: &Encoded,
    ingested_at: i64,
) -> rusqlite::Result<i64> {
    let api = new.api;
    // Before the insert: the index that allows one current snapshot per
    // API would refuse the new row while the old one is still current.
    tx.prepare_cached(
        "UPDATE snapshots SET status = 'superseded' WHERE api_id = ?1 AND status = 'current'",
    )?
    .execute([api_id])?;
    // An id above every id ever given, removed ones included: answers are
    // cached by snapshot id.
    tx.prepare_cached(
        "INSERT INTO snapshots (id, api_id, provider_id, version, content_hash, source, \
         ingested_at, status, title, format, endpoint_count, schema_count, api, published_by, \
         fetched_at, etag) \
         VALUES (max(coalesce((SELECT max(id) FROM snapshots), 0), \
                     (SELECT retired FROM generation WHERE id = 0)) + 1, \
                 ?1, (SELECT provider_id FROM apis WHERE id = ?1), ?2, ?3, ?4, ?5, 'current', \
                 ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        api_id,
        new.version_label,
        new.content_hash,
        new.source,
        ingested_at,
        api.info.title,
        api.format.label(),
        count(api.endpoint_count()),
        count(api.schema_count()),
        encoded.parts,
        new.published_by,
        new.fetched.map(|f| f.at),
        new.fetched.and_then(|f| f.etag),
    ])?;
    let snapshot_id = tx.last_insert_rowid();
    tx.prepare_cached("UPDATE generation SET value = value + 1 WHERE id = 0")?
        .execute([])?;

    let mut insert = tx.prepare_cached(
        "INSERT INTO endpoints (snapshot_id, position, method, path, operation_id, summary, \
         tags, deprecated, description) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut insert_body =
        tx.prepare_cached("INSERT INTO endpoint_bodies (endpoint_id, body) VALUES (?1, ?2)")?;
    for ((position, endpoint), (tags, body)) in
        (0_i64..).zip(&api.endpoints).zip(&encoded.endpoints)
    {
        let endpoint_id = insert.insert(params![
            snapshot_id,
            position,
            endpoint.method,
            endpoint.path,
            endpoint.operation_id,
            endpoint.summary,
            tags,
            endpoint.deprecated,
            endpoint
                .description
                .as_deref()
                .map(|text| prefix(text, DESCRIPTION_PREFIX_CHARS)),
        ])?;
        insert_body.execute(params![endpoint_id, body])?;
    }

    let mut insert = tx.prepare_cached(
        "INSERT INTO schemas (snapshot_id, position, name, in_cycle, external, body) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for ((position, schema), body) in (0_i64..).zip(&api.schemas).zip(&encoded.schemas) {
        insert.execute(params![
            snapshot_id,
            position,
            schema.name,
            schema.in_cycle,
            schema.external,
            body,
        ])?;
    }

    let mut insert = tx.prepare_cached(
        "INSERT INTO warnings (snapshot_id, position, pointer, message) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, warning) in (0_i64..).zip(&api.warnings) {
        insert.execute(params![
            snapshot_id,
            position,
            warning.pointer,
            warning.message
        ])?;
    }

    tx.prepare_cached("INSERT INTO documents (snapshot_id, bytes) VALUES (?1, ?2)")?
        .execute(params![snapshot_id, encoded.document])?;
    insert_path_keys(tx, snapshot_id, &new.identity.evidence.paths)?;
    tx.prepare_cached(INSERT_SEGMENT)?.execute(params![
        snapshot_id,
        search::stored_format(),
        encoded.segment
    ])?;
    Ok(snapshot_id)
}

/// Indexes a snapshot by its path keys ([`specdex_spec::identity::path_keys`]).
fn insert_path_keys(
    conn: &Connection,
    snapshot_id: i64,
    keys: &BTreeSet<String>,
) -> rusqlite::Result<()> {
    let mut insert =
        conn.prepare_cached("INSERT INTO snapshot_paths (snapshot_id, key) VALUES (?1, ?2)")?;
    for key in keys {
        insert.execute(params![snapshot_id, key])?;
    }
    Ok(())
}

/// A length in characters as SQLite's `substr` takes it.
fn characters(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn provider_id(conn: &Connection, slug: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM providers WHERE slug = ?1")?
        .query_row([slug], |row| row.get(0))
        .optional()
}

/// The row id of API `name` of `provider`, if there is one.
fn api_row(conn: &Connection, provider: &str, name: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT a.id FROM apis a JOIN providers p ON p.id = a.provider_id \
         WHERE p.slug = ?1 AND a.name = ?2",
    )?
    .query_row([provider, name], |row| row.get(0))
    .optional()
}

/// The row id of an API that must exist, by its id `provider/api`.
fn find_api(conn: &Connection, api: &str) -> Result<i64> {
    let not_found = || StoreError::ApiNotFound {
        api: api.to_owned(),
    };
    let (provider, name) = split_api_id(api).ok_or_else(not_found)?;
    api_row(conn, provider, name)
        .during(|| format!("look up API `{api}`"))?
        .ok_or_else(not_found)
}

/// Creates API `name` of `provider`, and the provider if needed.
fn create_api(tx: &Transaction<'_>, provider: &str, name: &str) -> rusqlite::Result<i64> {
    let provider_id = match provider_id(tx, provider)? {
        Some(id) => id,
        None => {
            tx.prepare_cached("INSERT INTO providers (slug) VALUES (?1)")?
                .execute([provider])?;
            tx.last_insert_rowid()
        }
    };
    tx.prepare_cached("INSERT INTO apis (provider_id, name) VALUES (?1, ?2)")?
        .execute(params![provider_id, name])?;
    Ok(tx.last_insert_rowid())
}

/// Which API of its provider `identity` goes to, and that API's row id if
/// it exists already.
fn placement(conn: &Connection, identity: &Identity) -> rusqlite::Result<(Placement, Option<i64>)> {
    let Some(provider_id) = provider_id(conn, &identity.provider)? else {
        return Ok((place(identity, &[], |_| false), None));
    };
    let names: HashSet<String> = conn
        .prepare_cached("SELECT name FROM apis WHERE provider_id = ?1")?
        .query_map([provider_id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let candidates = if identity.api.is_some() {
        Vec::new()
    } else {
        candidates(conn, provider_id, identity)?
    };
    let placed = place(identity, &candidates, |name| names.contains(name));
    let id = if placed.new {
        None
    } else {
        api_row(conn, &identity.provider, &placed.name)?
    };
    Ok((placed, id))
}

/// The provider's APIs that share path keys with the document, and the
/// one its first name names (see [`place`]).
fn candidates(
    conn: &Connection,
    provider_id: i64,
    identity: &Identity,
) -> rusqlite::Result<Vec<Candidate>> {
    let keys = serde_json::to_string(&identity.evidence.paths)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let mut candidates: Vec<Candidate> = conn
        .prepare_cached(SHARING_PATHS)?
        .query_map(params![provider_id, keys], |row| {
            Ok(Candidate {
                name: row.get(0)?,
                paths: count_column(row, 1)?,
                shared: count_column(row, 2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let first = first_name(identity);
    if !candidates.iter().any(|c| c.name == first)
        && let Some(paths) = conn
            .prepare_cached(NAMED_PATHS)?
            .query_row(params![provider_id, first], |row| count_column(row, 0))
            .optional()?
    {
        candidates.push(Candidate {
            name: first.to_owned(),
            paths,
            shared: 0,
        });
    }
    Ok(candidates)
}

/// A `count(*)` column.
fn count_column(row: &Row<'_>, index: usize) -> rusqlite::Result<usize> {
    let count: i64 = row.get(index)?;
    usize::try_from(count)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Integer, Box::new(e)))
}

/// The snapshot of API `api_id` with this content, if any.
fn known_content(
    conn: &Connection,
    api_id: Option<i64>,
    content_hash: &str,
) -> rusqlite::Result<Option<SnapshotInfo>> {
    match api_id {
        Some(api_id) => query_snapshot(conn, SNAPSHOT_BY_HASH, params![api_id, content_hash]),
        None => Ok(None),
    }
}

/// Deletes a snapshot and its rows, and remembers its id as retired.
fn delete_snapshot(tx: &Transaction<'_>, snapshot_id: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "DELETE FROM endpoint_bodies WHERE endpoint_id IN \
         (SELECT id FROM endpoints WHERE snapshot_id = ?1)",
    )?
    .execute([snapshot_id])?;
    for table in [
        "endpoints",
        "schemas",
        "warnings",
        "documents",
        "snapshot_paths",
        "search_segments",
    ] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE snapshot_id = ?1"))?
            .execute([snapshot_id])?;
    }
    tx.prepare_cached("DELETE FROM snapshots WHERE id = ?1")?
        .execute([snapshot_id])?;
    tx.prepare_cached("UPDATE generation SET retired = max(retired, ?1) WHERE id = 0")?
        .execute([snapshot_id])?;
    Ok(())
}

/// Makes an API's newest snapshot its current one, with a search segment of
/// this build's format; removes the API if it has none left, and its
/// provider if that was the provider's last API.
fn settle_api(tx: &Transaction<'_>, api_id: i64) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE snapshots SET status = 'superseded' WHERE api_id = ?1")?
        .execute([api_id])?;
    let newest: Option<i64> = tx
        .prepare_cached("SELECT max(id) FROM snapshots WHERE api_id = ?1")?
        .query_row([api_id], |row| row.get(0))?;
    if let Some(newest) = newest {
        tx.prepare_cached("UPDATE snapshots SET status = 'current' WHERE id = ?1")?
            .execute([newest])?;
        ensure_segment(tx, newest)?;
    } else {
        let provider_id: i64 = tx
            .prepare_cached("SELECT provider_id FROM apis WHERE id = ?1")?
            .query_row([api_id], |row| row.get(0))?;
        tx.prepare_cached("DELETE FROM apis WHERE id = ?1")?
            .execute([api_id])?;
        tx.prepare_cached(
            "DELETE FROM providers WHERE id = ?1 \
             AND NOT EXISTS (SELECT 1 FROM apis WHERE provider_id = ?1)",
        )?
        .execute([provider_id])?;
    }
    Ok(())
}

/// Reads the columns of [`snapshot_columns!`]; warnings are filled in by
/// [`with_warnings`].
fn snapshot_from_row(row: &Row<'_>) -> rusqlite::Result<SnapshotInfo> {
    let status: String = row.get(8)?;
    let status = match status.as_str() {
        "current" => SnapshotStatus::Current,
        "superseded" => SnapshotStatus::Superseded,
        other => {
            return Err(rusqlite::Error::FromSqlConversionFailure(
                8,
                Type::Text,
                format!("unknown snapshot status `{other}`").into(),
            ));
        }
    };
    Ok(SnapshotInfo {
        id: row.get(0)?,
        api: row.get(1)?,
        provider: row.get(2)?,
        version: row.get(3)?,
        content_hash: row.get(4)?,
        ingested_at: row.get(5)?,
        endpoints: row.get(6)?,
        schemas: row.get(7)?,
        status,
        title: row.get(9)?,
        format: row.get(10)?,
        source: row.get(11)?,
        published_by: row.get(12)?,
        fetched_at: row.get(13)?,
        etag: row.get(14)?,
        warnings: Vec::new(),
    })
}

fn with_warnings(conn: &Connection, mut info: SnapshotInfo) -> rusqlite::Result<SnapshotInfo> {
    info.warnings = warnings(conn, info.id)?;
    Ok(info)
}

fn warnings(conn: &Connection, snapshot_id: i64) -> rusqlite::Result<Vec<Warning>> {
    conn.prepare_cached(
        "SELECT pointer, message FROM warnings WHERE snapshot_id = ?1 ORDER BY position",
    )?
    .query_map([snapshot_id], |row| {
        Ok(Warning {
            pointer: row.get(0)?,
            message: row.get(1)?,
        })
    })?
    .collect()
}

fn query_snapshot(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> rusqlite::Result<Option<SnapshotInfo>> {
    conn.prepare_cached(sql)?
        .query_row(params, snapshot_from_row)
        .optional()?
        .map(|info| with_warnings(conn, info))
        .transpose()
}

fn query_snapshots(
    conn: &Connection,
    sql: &str,
    params: impl Params,
) -> rusqlite::Result<Vec<SnapshotInfo>> {
    let infos = conn
        .prepare_cached(sql)?
        .query_map(params, snapshot_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    infos
        .into_iter()
        .map(|info| with_warnings(conn, info))
        .collect()
}

fn read_apis(conn: &Connection) -> rusqlite::Result<Vec<ApiSummary>> {
    let rows = conn
        .prepare_cached(APIS)?
        .query_map([], |row| {
            Ok((
                snapshot_from_row(row)?,
                row.get(SNAPSHOT_COLUMNS)?,
                row.get(SNAPSHOT_COLUMNS + 1)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(info, name, snapshot_count)| {
            let current = with_warnings(conn, info)?;
            Ok(ApiSummary {
                id: current.api.clone(),
                provider: current.provider.clone(),
                name,
                title: current.title.clone(),
                current,
                snapshot_count,
            })
        })
        .collect()
}

fn read_stored_api(conn: &mut Connection, snapshot_id: i64) -> rusqlite::Result<Option<StoredApi>> {
    // One read transaction, so all rows come from the same state of the file.
    let tx = conn.transaction()?;
    let Some(parts) = tx
        .prepare_cached("SELECT api FROM snapshots WHERE id = ?1")?
        .query_row([snapshot_id], |row| row.get(0))
        .optional()?
    else {
        return Ok(None);
    };
    let endpoints = tx
        .prepare_cached(
            "SELECT b.body FROM endpoints e JOIN endpoint_bodies b ON b.endpoint_id = e.id \
             WHERE e.snapshot_id = ?1 ORDER BY e.position",
        )?
        .query_map([snapshot_id], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let schemas = tx
        .prepare_cached(
            "SELECT name, in_cycle, external, body FROM schemas \
             WHERE snapshot_id = ?1 ORDER BY position",
        )?
        .query_map([snapshot_id], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let warnings = warnings(&tx, snapshot_id)?;
    tx.commit()?;
    Ok(Some(StoredApi {
        parts,
        endpoints,
        schemas,
        warnings,
    }))
}

/// The `api` column and the warnings of a snapshot; `None` if there is no
/// such snapshot.
fn read_overview(
    conn: &mut Connection,
    snapshot_id: i64,
) -> rusqlite::Result<Option<(String, Vec<Warning>)>> {
    let tx = conn.transaction()?;
    let Some(parts) = tx
        .prepare_cached("SELECT api FROM snapshots WHERE id = ?1")?
        .query_row([snapshot_id], |row| row.get(0))
        .optional()?
    else {
        return Ok(None);
    };
    let warnings = warnings(&tx, snapshot_id)?;
    tx.commit()?;
    Ok(Some((parts, warnings)))
}

fn snapshot_exists(conn: &Connection, snapshot_id: i64) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM snapshots WHERE id = ?1")?
        .exists([snapshot_id])
}

// Reads of one snapshot need no read transaction to be consistent: its rows
// never change once written, and a removed snapshot's rows go in one
// transaction. So the reads below check that the snapshot exists only when
// they found nothing.

/// The rows of a snapshot `sql` selects, in order; `None` if there is no
/// such snapshot (rather than an empty list, which a snapshot without
/// endpoints or schemas has).
fn read_rows<T>(
    conn: &Connection,
    snapshot_id: i64,
    sql: &str,
    from_row: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Option<Vec<T>>> {
    let rows: Vec<T> = conn
        .prepare_cached(sql)?
        .query_map([snapshot_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok((!rows.is_empty() || snapshot_exists(conn, snapshot_id)?).then_some(rows))
}

fn read_endpoint_list(
    conn: &Connection,
    snapshot_id: i64,
) -> rusqlite::Result<Option<Vec<EndpointSummary>>> {
    read_rows(conn, snapshot_id, ENDPOINT_LIST, |row| {
        Ok(EndpointSummary {
            method: row.get(0)?,
            path: row.get(1)?,
            operation_id: row.get(2)?,
            summary: row.get(3)?,
            tags: json_column(row, 4)?,
            deprecated: row.get(5)?,
        })
    })
}

fn read_schema_names(
    conn: &Connection,
    snapshot_id: i64,
) -> rusqlite::Result<Option<Vec<SchemaName>>> {
    read_rows(conn, snapshot_id, SCHEMA_NAMES, |row| {
        Ok(SchemaName {
            name: row.get(0)?,
            external: row.get(1)?,
            in_cycle: row.get(2)?,
        })
    })
}

/// One row per key, each found with `find` on the prepared `sql`; `None`
/// if there is no such snapshot.
fn lookup<K, T>(
    conn: &Connection,
    snapshot_id: i64,
    sql: &str,
    keys: &[K],
    mut find: impl FnMut(&mut Statement<'_>, &K) -> rusqlite::Result<Option<T>>,
) -> rusqlite::Result<Option<Vec<Option<T>>>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let found: Vec<Option<T>> = keys
        .iter()
        .map(|key| find(&mut stmt, key))
        .collect::<rusqlite::Result<_>>()?;
    let complete = found.iter().all(Option::is_some) && !keys.is_empty();
    Ok((complete || snapshot_exists(conn, snapshot_id)?).then_some(found))
}

/// Both lists of [`Catalog::search_rows`], from one read transaction so
/// they agree on which snapshots are current.
fn read_search_rows(
    conn: &mut Connection,
) -> rusqlite::Result<(Vec<ApiSearchRow>, Vec<EndpointSearchRow>)> {
    let tx = conn.transaction()?;
    let apis = tx
        .prepare_cached(SEARCH_APIS)?
        .query_map([description_bytes()], api_search_row)?
        .collect::<rusqlite::Result<_>>()?;
    let endpoints = tx
        .prepare_cached(SEARCH_ENDPOINTS)?
        .query_map([], endpoint_search_row)?
        .collect::<rusqlite::Result<_>>()?;
    tx.commit()?;
    Ok((apis, endpoints))
}

/// Reads the columns of [`search_api_columns!`].
fn api_search_row(row: &Row<'_>) -> rusqlite::Result<ApiSearchRow> {
    Ok(ApiSearchRow {
        api: row.get(0)?,
        provider: row.get(1)?,
        snapshot_id: row.get(2)?,
        title: row.get(3)?,
        description: description_prefix(row, 4)?,
        tags: json_column(row, 5)?,
    })
}

/// How many bytes of `info.description` [`search_api_columns!`] reads:
/// enough for [`PROVIDER_DESCRIPTION_PREFIX_CHARS`] characters of up to
/// four bytes each.
fn description_bytes() -> i64 {
    characters(PROVIDER_DESCRIPTION_PREFIX_CHARS.saturating_mul(4))
}

/// The first [`PROVIDER_DESCRIPTION_PREFIX_CHARS`] characters of a
/// description read as [`description_bytes`] bytes, cut as the PostgreSQL
/// catalog and ingest cut it. The bytes are a blob because SQLite's
/// `substr` of text stops at the first NUL, which JSON text may hold; they
/// may end inside a character, after all the characters kept. (`substr` of
/// an empty blob is NULL, hence the `coalesce`.)
fn description_prefix(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<String>> {
    let Some(bytes) = row.get_ref(index)?.as_blob_or_null()? else {
        return Ok(None);
    };
    let invalid = |e| rusqlite::Error::FromSqlConversionFailure(index, Type::Blob, Box::new(e));
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        // Cut inside the last character.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).map_err(invalid)?
        }
        Err(e) => return Err(invalid(e)),
    };
    Ok(Some(
        prefix(text, PROVIDER_DESCRIPTION_PREFIX_CHARS).to_owned(),
    ))
}

/// Reads the columns of [`search_endpoint_columns!`].
fn endpoint_search_row(row: &Row<'_>) -> rusqlite::Result<EndpointSearchRow> {
    Ok(EndpointSearchRow {
        api: row.get(0)?,
        snapshot_id: row.get(1)?,
        endpoint: EndpointSummary {
            method: row.get(2)?,
            path: row.get(3)?,
            operation_id: row.get(4)?,
            summary: row.get(5)?,
            tags: json_column(row, 6)?,
            deprecated: row.get(7)?,
        },
        description: row.get(8)?,
    })
}

/// The search segment of a stored snapshot, built from the rows
/// [`Catalog::search_rows`] would give for it; `None` if there is no such
/// snapshot.
fn segment_from_rows(conn: &Connection, snapshot_id: i64) -> rusqlite::Result<Option<Vec<u8>>> {
    let Some(api) = conn
        .prepare_cached(SEARCH_API_OF)?
        .query_row(params![description_bytes(), snapshot_id], api_search_row)
        .optional()?
    else {
        return Ok(None);
    };
    let endpoints: Vec<EndpointSearchRow> = conn
        .prepare_cached(SEARCH_ENDPOINTS_OF)?
        .query_map([snapshot_id], endpoint_search_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(search::segment_of_rows(&api, &endpoints)))
}

/// Builds a snapshot's segment from its rows and stores it, replacing any
/// it had.
fn rebuild_segment(conn: &Connection, snapshot_id: i64) -> rusqlite::Result<()> {
    if let Some(segment) = segment_from_rows(conn, snapshot_id)? {
        conn.prepare_cached(UPSERT_SEGMENT)?.execute(params![
            snapshot_id,
            search::stored_format(),
            segment
        ])?;
    }
    Ok(())
}

/// Gives a snapshot a segment of this build's format unless it has one.
fn ensure_segment(conn: &Connection, snapshot_id: i64) -> rusqlite::Result<()> {
    let fresh = conn
        .prepare_cached(HAS_SEGMENT)?
        .exists(params![snapshot_id, search::stored_format()])?;
    if fresh {
        Ok(())
    } else {
        rebuild_segment(conn, snapshot_id)
    }
}

/// Gives every current snapshot that lacks one a segment of this build's
/// format ([`SEGMENT_FORMAT`]): after a migration, all of them; after a
/// change of format, all again; otherwise none, found with one read. In
/// transactions of [`REBUILD_BATCH`] snapshots, so a process stopped
/// midway keeps what it built and the next open goes on from there.
fn rebuild_segments(conn: &mut Connection) -> rusqlite::Result<()> {
    let format = i64::from(SEGMENT_FORMAT);
    let stale = conn
        .prepare_cached(STALE_SEGMENTS)?
        .exists(params![format, 1])?;
    if !stale {
        return Ok(());
    }
    let batch = characters(REBUILD_BATCH);
    loop {
        // Immediate, so two processes opening together do not both build
        // a batch; the second finds it done.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ids: Vec<i64> = tx
            .prepare_cached(STALE_SEGMENTS)?
            .query_map(params![format, batch], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for &id in &ids {
            rebuild_segment(&tx, id)?;
        }
        tx.commit()?;
        if ids.len() < REBUILD_BATCH {
            return Ok(());
        }
    }
}

/// Snapshot ids as the JSON array `json_each` reads.
fn json_ids(ids: &[i64]) -> String {
    let mut out = String::with_capacity(ids.len() * 8 + 2);
    out.push('[');
    for (n, id) in ids.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

/// A column holding JSON text, decoded.
fn json_column<T: for<'de> Deserialize<'de>>(row: &Row<'_>, index: usize) -> rusqlite::Result<T> {
    let text = row.get_ref(index)?.as_str()?;
    serde_json::from_str(text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, Type::Text, Box::new(e)))
}

/// Attaches what was being attempted to a database error, so the message
/// says what failed and not only how.
trait During<T> {
    fn during(self, action: impl FnOnce() -> String) -> Result<T>;
}

impl<T> During<T> for rusqlite::Result<T> {
    fn during(self, action: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| {
            if is_busy(&e) {
                StoreError::Busy { action: action() }
            } else {
                StoreError::Database {
                    action: action(),
                    cause: Box::new(e),
                }
            }
        })
    }
}

fn open_error(location: &str, e: rusqlite::Error) -> StoreError {
    if is_busy(&e) {
        StoreError::Busy {
            action: format!("open catalog at {location}"),
        }
    } else {
        StoreError::Open {
            location: location.to_owned(),
            cause: Box::new(e),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn snapshot_column_count_matches_the_list() {
        assert_eq!(snapshot_columns!().split(',').count(), SNAPSHOT_COLUMNS);
    }

    type TestResult = std::result::Result<(), Box<dyn std::error::Error>>;

    fn pool_state(catalog: &SqliteCatalog) -> (usize, usize, usize) {
        let pool = catalog
            .readers
            .as_ref()
            .expect("a file catalog has readers");
        let state = lock(&pool.state);
        (state.open, state.idle.len(), pool.limit)
    }

    /// A setting the file at `path` keeps, read through a connection of
    /// its own (not a catalog's, which would apply its settings first).
    fn file_pragma<T: rusqlite::types::FromSql>(path: &Path, name: &str) -> rusqlite::Result<T> {
        Connection::open(path)?.pragma_query_value(None, name, |row| row.get(0))
    }

    #[test]
    fn a_new_catalog_has_large_pages_and_an_old_one_keeps_its_own() -> TestResult {
        let dir = tempfile::tempdir()?;
        let page_size = |path: &Path| file_pragma::<i64>(path, "page_size");
        let new = dir.path().join("new.db");
        SqliteCatalog::open(&new)?.generation()?;
        assert_eq!(page_size(&new)?, PAGE_SIZE);
        // A file that has pages already, SQLite's default ones: a blank
        // database made before, which opening turns into a catalog.
        let old = dir.path().join("old.db");
        Connection::open(&old)?.execute_batch(
            "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE t(x); DROP TABLE t;",
        )?;
        SqliteCatalog::open(&old)?.generation()?;
        assert_eq!(page_size(&old)?, 4096);
        Ok(())
    }

    #[test]
    fn a_file_created_for_one_write_keeps_its_rollback_journal_until_opened_for_many() -> TestResult
    {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("one.db");
        let mode = |path: &Path| file_pragma::<String>(path, "journal_mode");
        let catalog = SqliteCatalog::open_for(&path, Writes::One)?;
        catalog.generation()?;
        drop(catalog);
        assert_eq!(mode(&path)?, "delete");
        assert!(
            !dir.path().join("one.db-wal").exists(),
            "no log was written"
        );
        let catalog = SqliteCatalog::open(&path)?;
        catalog.generation()?;
        drop(catalog);
        assert_eq!(mode(&path)?, "wal");
        // A file in WAL mode stays so, whatever its opener writes.
        SqliteCatalog::open_for(&path, Writes::One)?.generation()?;
        assert_eq!(mode(&path)?, "wal");
        Ok(())
    }

    #[test]
    fn prefix_counts_characters() {
        assert_eq!(prefix("Größe", 3), "Grö");
        assert_eq!(prefix("Größe", 5), "Größe");
        assert_eq!(prefix("Größe", 50), "Größe");
        assert_eq!(prefix("🐾🐾🐾", 2), "🐾🐾");
        assert_eq!(prefix("", 3), "");
    }

    #[test]
    fn pool_lends_at_most_its_limit() -> TestResult {
        let dir = tempfile::tempdir()?;
        let catalog = SqliteCatalog::open(&dir.path().join("catalog.db"))?;
        let (_, _, limit) = pool_state(&catalog);
        assert!((1..=MAX_READERS).contains(&limit));
        let (lent, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|scope| {
            for _ in 0..limit * 3 {
                scope.spawn(|| {
                    catalog.read(|conn| {
                        let now = lent.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(5));
                        lent.fetch_sub(1, Ordering::SeqCst);
                        snapshot_exists(conn, 1).during(|| "read".to_owned())
                    })
                });
            }
        });
        assert!(most.load(Ordering::SeqCst) <= limit);
        let (open, idle, _) = pool_state(&catalog);
        assert!(open <= limit);
        assert_eq!(idle, open, "every connection came back");
        Ok(())
    }

    #[test]
    fn a_panicking_reader_frees_its_place() -> TestResult {
        let dir = tempfile::tempdir()?;
        let catalog = SqliteCatalog::open(&dir.path().join("catalog.db"))?;
        catalog.generation()?;
        assert_eq!(pool_state(&catalog).0, 1);
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            catalog.read(|_| -> Result<()> { panic!("reader fails") })
        }));
        assert!(panicked.is_err());
        assert_eq!(
            pool_state(&catalog).0,
            0,
            "the connection went with the panic"
        );
        catalog.generation()?;
        assert_eq!(pool_state(&catalog).0, 1);
        Ok(())
    }

    #[test]
    fn a_failed_connect_frees_its_place() {
        let pool = ReadPool::new("/nonexistent/catalog.db".to_owned(), "here".to_owned());
        for _ in 0..pool.limit + 1 {
            let err = pool.take().map(drop).expect_err("there is no such file");
            assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
        }
        assert_eq!(lock(&pool.state).open, 0);
    }
}
