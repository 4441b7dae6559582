-- Layout version 2 of a specdex catalog in PostgreSQL (the SQLite catalog's
-- layout 3): a provider publishes several APIs, each with its own history.
-- Snapshots belong to an API (`provider/api`); current/superseded is per
-- API. Which API each existing snapshot belongs to is decided after this
-- script, in the same transaction, by the identity rule (split.rs), which
-- fills `api_id`; then `api_id` is made NOT NULL.
--
-- Unlike SQLite, PostgreSQL never hands out an identity value twice, so a
-- removed snapshot's id is never reused without further bookkeeping.

CREATE TABLE apis (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider_id bigint NOT NULL REFERENCES providers (id),
    -- Byte order ("C"), as SQLite sorts: listings are sorted by provider
    -- slug, then by API name.
    name        text COLLATE "C" NOT NULL CHECK (name ~ '^[a-z0-9._-]{1,100}$'),
    UNIQUE (provider_id, name)
);

-- NULL only between this script and the split that follows it.
-- `provider_id` stays, always the API's provider.
ALTER TABLE snapshots ADD COLUMN api_id bigint REFERENCES apis (id);

DROP INDEX snapshots_by_hash;
DROP INDEX snapshots_current;

-- Recognises content already ingested for an API, and lists its snapshots.
CREATE UNIQUE INDEX snapshots_by_hash ON snapshots (api_id, content_hash);

-- At most one current snapshot per API.
CREATE UNIQUE INDEX snapshots_current ON snapshots (api_id) WHERE status = 'current';

CREATE INDEX snapshots_of_api ON snapshots (api_id, id);

-- Removing a provider checks that no snapshot refers to it; without an
-- index on `provider_id` that check would read every snapshot.
CREATE INDEX snapshots_of_provider ON snapshots (provider_id);

-- Each snapshot's path keys (identity::path_keys: the server base path and
-- a path template with parameter names blanked). Ingest finds the APIs of a
-- provider whose current snapshot shares paths with a new document through
-- the index on `key`, so placing a document costs what it shares, not what
-- the provider holds. Filled for existing snapshots by the split.
CREATE TABLE snapshot_paths (
    snapshot_id bigint NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    key         text NOT NULL,
    PRIMARY KEY (snapshot_id, key)
);

CREATE INDEX snapshot_paths_by_key ON snapshot_paths (key);
