-- Layout version 1 of the specdex catalog.
--
-- Snapshots are immutable once written; an ingest only adds rows and flips
-- the previous current snapshot of its provider to `superseded`.

CREATE TABLE providers (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE
         CHECK (length(slug) BETWEEN 1 AND 100 AND slug NOT GLOB '*[^a-z0-9._-]*')
) STRICT;

CREATE TABLE snapshots (
    id             INTEGER PRIMARY KEY,
    provider_id    INTEGER NOT NULL REFERENCES providers (id),
    version        TEXT NOT NULL,
    content_hash   TEXT NOT NULL
                   CHECK (length(content_hash) = 64 AND content_hash NOT GLOB '*[^0-9a-f]*'),
    source         TEXT NOT NULL,
    ingested_at    INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('current', 'superseded')),
    title          TEXT NOT NULL,
    format         TEXT NOT NULL,
    endpoint_count INTEGER NOT NULL CHECK (endpoint_count >= 0),
    schema_count   INTEGER NOT NULL CHECK (schema_count >= 0),
    -- Everything in the model but endpoints, schemas and warnings, as JSON.
    -- Last, so listings, which stop at earlier columns, never read it.
    api            TEXT NOT NULL
) STRICT;

-- Recognises content already ingested for a provider (and lists a
-- provider's snapshots).
CREATE UNIQUE INDEX snapshots_by_hash ON snapshots (provider_id, content_hash);

-- At most one current snapshot per provider; ingest supersedes the old one
-- before adding the new one, so there is always exactly one.
CREATE UNIQUE INDEX snapshots_current ON snapshots (provider_id) WHERE status = 'current';

-- One row per operation under `paths`, in document order (`position`).
-- `body` is the whole endpoint as JSON; the other columns are there to be
-- filtered on.
CREATE TABLE endpoints (
    snapshot_id  INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    operation_id TEXT,
    summary      TEXT,
    tags         TEXT NOT NULL, -- JSON array of strings
    deprecated   INTEGER NOT NULL CHECK (deprecated IN (0, 1)),
    body         TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, position)
) STRICT;

-- One row per named schema, in order; `body` is the schema as JSON.
CREATE TABLE schemas (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    in_cycle    INTEGER NOT NULL CHECK (in_cycle IN (0, 1)),
    external    INTEGER NOT NULL CHECK (external IN (0, 1)),
    body        TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, position)
) STRICT;

CREATE TABLE warnings (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    pointer     TEXT NOT NULL,
    message     TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, position)
) STRICT;

-- The root document as ingested; apart from the snapshot row so that
-- nothing but `document()` ever touches these pages.
CREATE TABLE documents (
    snapshot_id INTEGER PRIMARY KEY REFERENCES snapshots (id) ON DELETE CASCADE,
    bytes       BLOB NOT NULL
) STRICT;
