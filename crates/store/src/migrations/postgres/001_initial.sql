-- Layout version 1 of a specdex catalog in PostgreSQL: the same tables as
-- the SQLite catalog at its layout 2, in PostgreSQL's types.
--
-- Snapshots are immutable once written; an ingest only adds rows and flips
-- the previous current snapshot of its provider to `superseded`. Text that
-- came from a document is stored with NUL escaped (PostgreSQL text cannot
-- hold U+0000); see `pg_text` in postgres.rs.

CREATE TABLE providers (
    id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Byte order ("C"), as SQLite sorts: listings are sorted by slug, and a
    -- linguistic collation would ignore the `.`, `-` and `_` in them.
    slug text COLLATE "C" NOT NULL UNIQUE
         CHECK (slug ~ '^[a-z0-9._-]{1,100}$')
);

CREATE TABLE snapshots (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider_id    bigint NOT NULL REFERENCES providers (id),
    version        text NOT NULL,
    content_hash   text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    source         text NOT NULL,
    ingested_at    bigint NOT NULL,
    status         text NOT NULL CHECK (status IN ('current', 'superseded')),
    title          text NOT NULL,
    format         text NOT NULL,
    endpoint_count bigint NOT NULL CHECK (endpoint_count >= 0),
    schema_count   bigint NOT NULL CHECK (schema_count >= 0),
    -- What search reads of the snapshot, taken out of `api` at ingest: the
    -- first 1000 characters of info.description, and the tag names.
    description    text,
    tag_names      text[] NOT NULL,
    -- Everything in the model but endpoints, schemas and warnings, as JSON
    -- text (not jsonb, which would reorder keys and reformat numbers).
    api            text NOT NULL
);

-- Recognises content already ingested for a provider (and lists a
-- provider's snapshots).
CREATE UNIQUE INDEX snapshots_by_hash ON snapshots (provider_id, content_hash);

-- At most one current snapshot per provider; ingest supersedes the old one
-- before adding the new one, so there is always exactly one.
CREATE UNIQUE INDEX snapshots_current ON snapshots (provider_id) WHERE status = 'current';

-- One row per operation under `paths`, in document order (`position`): the
-- listing, which search reads for every current snapshot. The bodies are
-- apart so that listing scans stay narrow.
CREATE TABLE endpoints (
    snapshot_id  bigint NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    method       text NOT NULL,
    path         text NOT NULL,
    operation_id text,
    summary      text,
    tags         text[] NOT NULL,
    deprecated   boolean NOT NULL,
    -- The first 300 characters of the endpoint's description.
    description  text,
    PRIMARY KEY (snapshot_id, position)
);

-- An endpoint by (METHOD, path) within a snapshot.
CREATE INDEX endpoints_by_key ON endpoints (snapshot_id, method, path);

-- The whole endpoint as JSON, one row per row of `endpoints`.
CREATE TABLE endpoint_bodies (
    snapshot_id bigint NOT NULL,
    position    integer NOT NULL,
    body        text NOT NULL,
    PRIMARY KEY (snapshot_id, position),
    FOREIGN KEY (snapshot_id, position) REFERENCES endpoints (snapshot_id, position)
        ON DELETE CASCADE
);

-- One row per named schema, in order; `body` is the schema as JSON.
CREATE TABLE schemas (
    snapshot_id bigint NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    name        text NOT NULL,
    in_cycle    boolean NOT NULL,
    external    boolean NOT NULL,
    body        text NOT NULL,
    PRIMARY KEY (snapshot_id, position)
);

-- A schema by name within a snapshot.
CREATE INDEX schemas_by_name ON schemas (snapshot_id, name);

CREATE TABLE warnings (
    snapshot_id bigint NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    pointer     text NOT NULL,
    message     text NOT NULL,
    PRIMARY KEY (snapshot_id, position)
);

-- The root document as ingested; apart from the snapshot row so that
-- nothing but `document()` ever reads it.
CREATE TABLE documents (
    snapshot_id bigint PRIMARY KEY REFERENCES snapshots (id) ON DELETE CASCADE,
    bytes       bytea NOT NULL
);

-- One row: a number every ingest that stores a snapshot increases, in the
-- same transaction, so caches can tell cheaply whether the catalog changed
-- and never see the new number before the new rows.
CREATE TABLE generation (
    id    integer PRIMARY KEY CHECK (id = 0),
    value bigint NOT NULL
);

INSERT INTO generation (id, value) VALUES (0, 0);

-- Bodies, documents and API descriptions are large JSON; pglz, the default
-- compression, makes storing GitHub's API (13 MB) take three times as long
-- as lz4 does. lz4 where the server is built with it (PostgreSQL 14 and
-- later, usually), the default elsewhere; dynamic SQL, so older servers
-- never parse SET COMPRESSION.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
               WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        EXECUTE 'ALTER TABLE snapshots ALTER COLUMN api SET COMPRESSION lz4';
        EXECUTE 'ALTER TABLE endpoint_bodies ALTER COLUMN body SET COMPRESSION lz4';
        EXECUTE 'ALTER TABLE schemas ALTER COLUMN body SET COMPRESSION lz4';
        EXECUTE 'ALTER TABLE documents ALTER COLUMN bytes SET COMPRESSION lz4';
    END IF;
END
$$;
