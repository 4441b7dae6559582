//! The embedded catalog: one SQLite file in WAL mode, so readers never wait
//! for an ingest and a killed process loses at most the transaction it was in.

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rusqlite::types::Type;
use rusqlite::{
    Connection, ErrorCode, OptionalExtension, Params, Row, Transaction, TransactionBehavior, params,
};
use serde::{Deserialize, Serialize};
use specdex_spec::slug::is_valid_slug;
use specdex_spec::{
    Endpoint, Info, NamedSchema, SecurityRequirement, SecurityScheme, Server, SpecFormat, Tag,
};

use crate::{
    Api, Catalog, IngestOutcome, IngestStatus, NewSnapshot, ProviderSummary, Result, SnapshotInfo,
    SnapshotStatus, StoreError, Warning,
};

/// How long a writer waits for another one before giving up with
/// [`StoreError::Busy`]; bulk ingests in parallel processes queue this long.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Marks a SQLite file as a specdex catalog (`PRAGMA application_id`), so a
/// wrong `--db` path to some other database is refused, not written into.
const APPLICATION_ID: i32 = i32::from_be_bytes(*b"sdex");

/// The layout, one script per version; `PRAGMA user_version` records how
/// many have been applied. Append, never edit: old catalogs replay the rest.
const MIGRATIONS: &[&str] = &[include_str!("migrations/001_initial.sql")];

/// The layout version this build writes.
const LATEST: i64 = MIGRATIONS.len() as i64;

/// The columns [`snapshot_from_row`] reads, in its order.
macro_rules! snapshot_columns {
    () => {
        "s.id, p.slug, s.version, s.content_hash, s.ingested_at, s.endpoint_count, \
         s.schema_count, s.status, s.title, s.format, s.source"
    };
}

const SNAPSHOT_BY_HASH: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    " FROM snapshots s JOIN providers p ON p.id = s.provider_id \
     WHERE p.slug = ?1 AND s.content_hash = ?2"
);
const SNAPSHOT_BY_ID: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    " FROM snapshots s JOIN providers p ON p.id = s.provider_id WHERE s.id = ?1"
);
const SNAPSHOT_CURRENT: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    " FROM snapshots s JOIN providers p ON p.id = s.provider_id \
     WHERE s.provider_id = ?1 AND s.status = 'current'"
);
const SNAPSHOT_BY_LABEL: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    " FROM snapshots s JOIN providers p ON p.id = s.provider_id \
     WHERE s.provider_id = ?1 AND s.version = ?2 ORDER BY s.id DESC LIMIT 1"
);
// Ids grow with every ingest, so id order is ingest order, and the current
// snapshot (the newest ingested) always comes first.
const SNAPSHOTS_OF_PROVIDER: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    " FROM snapshots s JOIN providers p ON p.id = s.provider_id \
     WHERE s.provider_id = ?1 ORDER BY s.id DESC"
);
const PROVIDERS: &str = concat!(
    "SELECT ",
    snapshot_columns!(),
    ", (SELECT count(*) FROM snapshots c WHERE c.provider_id = s.provider_id) \
     FROM snapshots s JOIN providers p ON p.id = s.provider_id \
     WHERE s.status = 'current' ORDER BY p.slug"
);

/// The catalog in one SQLite file (or in memory, for tests and throwaway
/// use).
///
/// One connection behind a mutex serves reads and writes: simple, and ingest
/// is bound by the single SQLite writer anyway. Several processes may open the
/// same file; their writers queue for up to 5 seconds.
#[derive(Debug)]
pub struct SqliteCatalog {
    conn: Mutex<Connection>,
}

impl SqliteCatalog {
    /// Opens the catalog at `path`, creating the file if it does not exist and
    /// bringing its layout up to date.
    pub fn open(path: &Path) -> Result<Self> {
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
        Self::prepare(conn, location)
    }

    /// A fresh catalog that lives as long as the value; for tests and tools
    /// that need no file.
    pub fn open_in_memory() -> Result<Self> {
        let location = ":memory:".to_owned();
        let conn = Connection::open_in_memory().map_err(|e| open_error(&location, e))?;
        Self::prepare(conn, location)
    }

    fn prepare(mut conn: Connection, location: String) -> Result<Self> {
        configure(&conn).map_err(|e| open_error(&location, e))?;
        migrate(&mut conn, &location)?;
        Ok(SqliteCatalog {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A thread that panicked while holding the connection cannot have
        // left half a snapshot behind: its open transaction rolled back as
        // the panic unwound. So the connection is still sound to use.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Catalog for SqliteCatalog {
    fn ingest(&self, new: NewSnapshot<'_>) -> Result<IngestOutcome> {
        if !is_valid_slug(new.provider) {
            return Err(StoreError::InvalidSlug {
                slug: new.provider.to_owned(),
            });
        }
        let action = || format!("store a snapshot of `{}`", new.provider);
        let unchanged = |snapshot| IngestOutcome {
            snapshot,
            status: IngestStatus::Unchanged,
        };

        // Re-ingesting known content is the common case of a bulk re-run:
        // answer it without the write lock and without encoding anything.
        let known = query_snapshot(
            &self.lock(),
            SNAPSHOT_BY_HASH,
            params![new.provider, new.content_hash],
        )
        .during(action)?;
        if let Some(snapshot) = known {
            return Ok(unchanged(snapshot));
        }

        // Encode before taking the write lock, so other writers wait less.
        let encoded = Encoded::new(new.api)?;
        let ingested_at = new.ingested_at.unwrap_or_else(now);

        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .during(action)?;
        // Another writer may have stored the same content since the check.
        let known = query_snapshot(
            &tx,
            SNAPSHOT_BY_HASH,
            params![new.provider, new.content_hash],
        )
        .during(action)?;
        if let Some(snapshot) = known {
            return Ok(unchanged(snapshot));
        }
        let id = write_snapshot(&tx, &new, &encoded, ingested_at).during(action)?;
        let snapshot = query_snapshot(&tx, SNAPSHOT_BY_ID, [id])
            .during(action)?
            .ok_or_else(|| StoreError::Corrupt {
                what: format!("snapshot {id} vanished while it was being written"),
            })?;
        tx.commit().during(action)?;
        Ok(IngestOutcome {
            snapshot,
            status: IngestStatus::New,
        })
    }

    fn providers(&self) -> Result<Vec<ProviderSummary>> {
        let conn = self.lock();
        read_providers(&conn).during(|| "read the provider list".to_owned())
    }

    fn versions(&self, provider: &str) -> Result<Vec<SnapshotInfo>> {
        let action = || format!("read the versions of `{provider}`");
        let conn = self.lock();
        let provider_id = find_provider(&conn, provider)?;
        query_snapshots(&conn, SNAPSHOTS_OF_PROVIDER, [provider_id]).during(action)
    }

    fn snapshot(&self, provider: &str, version: Option<&str>) -> Result<SnapshotInfo> {
        let action = || format!("read a snapshot of `{provider}`");
        let conn = self.lock();
        let provider_id = find_provider(&conn, provider)?;
        match version {
            Some(version) => {
                query_snapshot(&conn, SNAPSHOT_BY_LABEL, params![provider_id, version])
                    .during(action)?
                    .ok_or_else(|| StoreError::VersionNotFound {
                        provider: provider.to_owned(),
                        version: version.to_owned(),
                    })
            }
            None => query_snapshot(&conn, SNAPSHOT_CURRENT, [provider_id])
                .during(action)?
                .ok_or_else(|| StoreError::Corrupt {
                    what: format!("provider `{provider}` has no current snapshot"),
                }),
        }
    }

    fn load_api(&self, snapshot_id: i64) -> Result<Api> {
        let stored = read_stored_api(&mut self.lock(), snapshot_id)
            .during(|| format!("read snapshot {snapshot_id}"))?
            .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })?;
        // Decoded after the lock is released: for a large API this is the
        // slow part, and other callers need not wait for it.
        stored.decode(snapshot_id)
    }

    fn document(&self, snapshot_id: i64) -> Result<Vec<u8>> {
        self.lock()
            .prepare_cached("SELECT bytes FROM documents WHERE snapshot_id = ?1")
            .and_then(|mut stmt| stmt.query_row([snapshot_id], |row| row.get(0)).optional())
            .during(|| format!("read the document of snapshot {snapshot_id}"))?
            .ok_or(StoreError::SnapshotNotFound { id: snapshot_id })
    }
}

/// Connection settings. Apart from the journal mode they live only as long as
/// the connection, so every open applies them.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    enable_wal(conn)?;
    // With WAL, NORMAL skips the sync at each commit: a power loss may undo
    // the last commits (never half of one), a killed process loses nothing.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // One big ingest grows the write-ahead log to its size; give the disk
    // space back once the log has been checkpointed.
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
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
    for script in MIGRATIONS.iter().skip(applied) {
        tx.execute_batch(script).map_err(open_err)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)
        .map_err(open_err)?;
    tx.pragma_update(None, "user_version", LATEST)
        .map_err(open_err)?;
    tx.commit().map_err(open_err)
}

/// `(application_id, user_version)` of the open file.
fn layout(conn: &Connection) -> rusqlite::Result<(i32, i64)> {
    Ok((
        conn.pragma_query_value(None, "application_id", |row| row.get(0))?,
        conn.pragma_query_value(None, "user_version", |row| row.get(0))?,
    ))
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_secs()).unwrap_or(i64::MAX)
        })
}

/// Everything in an [`Api`] that gets no rows of its own, stored as one JSON
/// value per snapshot. Borrowed when writing, owned when read back.
#[derive(Serialize, Deserialize)]
struct ApiParts<'a> {
    format: SpecFormat,
    spec_version: Cow<'a, str>,
    info: Cow<'a, Info>,
    servers: Cow<'a, [Server]>,
    security_schemes: Cow<'a, [SecurityScheme]>,
    security: Cow<'a, [SecurityRequirement]>,
    tags: Cow<'a, [Tag]>,
    webhooks: Cow<'a, [Endpoint]>,
}

impl<'a> ApiParts<'a> {
    fn of(api: &'a Api) -> Self {
        // Exhaustive on purpose: a field added to `Api` stops compiling here
        // until it is stored somewhere.
        let Api {
            format,
            spec_version,
            info,
            servers,
            security_schemes,
            security,
            tags,
            endpoints: _,
            webhooks,
            schemas: _,
            warnings: _,
        } = api;
        ApiParts {
            format: *format,
            spec_version: Cow::Borrowed(spec_version),
            info: Cow::Borrowed(info),
            servers: Cow::Borrowed(servers),
            security_schemes: Cow::Borrowed(security_schemes),
            security: Cow::Borrowed(security),
            tags: Cow::Borrowed(tags),
            webhooks: Cow::Borrowed(webhooks),
        }
    }

    fn into_api(
        self,
        endpoints: Vec<Endpoint>,
        schemas: Vec<NamedSchema>,
        warnings: Vec<Warning>,
    ) -> Api {
        Api {
            format: self.format,
            spec_version: self.spec_version.into_owned(),
            info: self.info.into_owned(),
            servers: self.servers.into_owned(),
            security_schemes: self.security_schemes.into_owned(),
            security: self.security.into_owned(),
            tags: self.tags.into_owned(),
            endpoints,
            webhooks: self.webhooks.into_owned(),
            schemas,
            warnings,
        }
    }
}

/// The JSON text of a snapshot, ready to be written.
struct Encoded {
    parts: String,
    /// `(tags, endpoint)` per endpoint, in order.
    endpoints: Vec<(String, String)>,
    /// The schema value per named schema, in order.
    schemas: Vec<String>,
}

impl Encoded {
    fn new(api: &Api) -> Result<Self> {
        Ok(Encoded {
            parts: to_json(&ApiParts::of(api), || "the API description".to_owned())?,
            endpoints: api
                .endpoints
                .iter()
                .map(|endpoint| {
                    let what = || format!("endpoint `{}`", endpoint.key());
                    Ok((to_json(&endpoint.tags, what)?, to_json(endpoint, what)?))
                })
                .collect::<Result<_>>()?,
            schemas: api
                .schemas
                .iter()
                .map(|schema| to_json(&schema.schema, || format!("schema `{}`", schema.name)))
                .collect::<Result<_>>()?,
        })
    }
}

fn to_json<T: Serialize + ?Sized>(value: &T, what: impl FnOnce() -> String) -> Result<String> {
    serde_json::to_string(value).map_err(|cause| StoreError::Encode {
        what: what(),
        cause,
    })
}

/// Writes a new snapshot and makes it current; returns its id. The caller's
/// transaction makes it all-or-nothing.
fn write_snapshot(
    tx: &Transaction<'_>,
    new: &NewSnapshot<'_>,
    encoded: &Encoded,
    ingested_at: i64,
) -> rusqlite::Result<i64> {
    let api = new.api;
    let provider_id = match provider_id(tx, new.provider)? {
        Some(id) => id,
        None => {
            tx.prepare_cached("INSERT INTO providers (slug) VALUES (?1)")?
                .execute([new.provider])?;
            tx.last_insert_rowid()
        }
    };
    // Before the insert: the index that allows one current snapshot per
    // provider would refuse the new row while the old one is still current.
    tx.prepare_cached(
        "UPDATE snapshots SET status = 'superseded' \
         WHERE provider_id = ?1 AND status = 'current'",
    )?
    .execute([provider_id])?;
    tx.prepare_cached(
        "INSERT INTO snapshots (provider_id, version, content_hash, source, ingested_at, \
         status, title, format, endpoint_count, schema_count, api) \
         VALUES (?1, ?2, ?3, ?4, ?5, 'current', ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        provider_id,
        new.version_label,
        new.content_hash,
        new.source,
        ingested_at,
        api.info.title,
        api.format.label(),
        count(api.endpoint_count()),
        count(api.schema_count()),
        encoded.parts,
    ])?;
    let snapshot_id = tx.last_insert_rowid();

    let mut insert = tx.prepare_cached(
        "INSERT INTO endpoints (snapshot_id, position, method, path, operation_id, summary, \
         tags, deprecated, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for ((position, endpoint), (tags, body)) in
        (0_i64..).zip(&api.endpoints).zip(&encoded.endpoints)
    {
        insert.execute(params![
            snapshot_id,
            position,
            endpoint.method,
            endpoint.path,
            endpoint.operation_id,
            endpoint.summary,
            tags,
            endpoint.deprecated,
            body,
        ])?;
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
        .execute(params![snapshot_id, new.document])?;
    Ok(snapshot_id)
}

/// Counts as stored; no document comes near four billion operations, so
/// saturating is only a guard against overflow, never a visible limit.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn provider_id(conn: &Connection, slug: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM providers WHERE slug = ?1")?
        .query_row([slug], |row| row.get(0))
        .optional()
}

/// The id of a provider that must exist.
fn find_provider(conn: &Connection, slug: &str) -> Result<i64> {
    provider_id(conn, slug)
        .during(|| format!("look up provider `{slug}`"))?
        .ok_or_else(|| StoreError::ProviderNotFound {
            provider: slug.to_owned(),
        })
}

/// Reads the columns of [`snapshot_columns!`]; warnings are filled in by
/// [`with_warnings`].
fn snapshot_from_row(row: &Row<'_>) -> rusqlite::Result<SnapshotInfo> {
    let status: String = row.get(7)?;
    let status = match status.as_str() {
        "current" => SnapshotStatus::Current,
        "superseded" => SnapshotStatus::Superseded,
        other => {
            return Err(rusqlite::Error::FromSqlConversionFailure(
                7,
                Type::Text,
                format!("unknown snapshot status `{other}`").into(),
            ));
        }
    };
    Ok(SnapshotInfo {
        id: row.get(0)?,
        provider: row.get(1)?,
        version: row.get(2)?,
        content_hash: row.get(3)?,
        ingested_at: row.get(4)?,
        endpoints: row.get(5)?,
        schemas: row.get(6)?,
        status,
        title: row.get(8)?,
        format: row.get(9)?,
        source: row.get(10)?,
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

fn read_providers(conn: &Connection) -> rusqlite::Result<Vec<ProviderSummary>> {
    let rows = conn
        .prepare_cached(PROVIDERS)?
        .query_map([], |row| Ok((snapshot_from_row(row)?, row.get(11)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(info, snapshot_count)| {
            let current = with_warnings(conn, info)?;
            Ok(ProviderSummary {
                slug: current.provider.clone(),
                title: current.title.clone(),
                current,
                snapshot_count,
            })
        })
        .collect()
}

/// A snapshot's rows as stored, read under the lock and decoded after it.
struct StoredApi {
    parts: String,
    endpoints: Vec<String>,
    /// `(name, in_cycle, external, schema)`.
    schemas: Vec<(String, bool, bool, String)>,
    warnings: Vec<Warning>,
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
        .prepare_cached("SELECT body FROM endpoints WHERE snapshot_id = ?1 ORDER BY position")?
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

impl StoredApi {
    fn decode(self, snapshot_id: i64) -> Result<Api> {
        let damaged = |what: String, cause: serde_json::Error| StoreError::Corrupt {
            what: format!("snapshot {snapshot_id}: {what} does not read back: {cause}"),
        };
        let parts: ApiParts<'static> = serde_json::from_str(&self.parts)
            .map_err(|e| damaged("the API description".to_owned(), e))?;
        let endpoints = self
            .endpoints
            .iter()
            .enumerate()
            .map(|(position, body)| {
                serde_json::from_str(body).map_err(|e| damaged(format!("endpoint #{position}"), e))
            })
            .collect::<Result<_>>()?;
        let schemas = self
            .schemas
            .into_iter()
            .map(|(name, in_cycle, external, body)| {
                let schema = serde_json::from_str(&body)
                    .map_err(|e| damaged(format!("schema `{name}`"), e))?;
                Ok(NamedSchema {
                    name,
                    schema,
                    in_cycle,
                    external,
                })
            })
            .collect::<Result<_>>()?;
        Ok(parts.into_api(endpoints, schemas, self.warnings))
    }
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
