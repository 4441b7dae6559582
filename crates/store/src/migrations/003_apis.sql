-- Layout version 3: a provider publishes several APIs, each with its own
-- history. Snapshots belong to an API (`provider/api`); current/superseded
-- is per API. Which API each existing snapshot belongs to is decided after
-- this script by the identity rule (split.rs), which fills `api_id`.

CREATE TABLE apis (
    id          INTEGER PRIMARY KEY,
    provider_id INTEGER NOT NULL REFERENCES providers (id),
    name        TEXT NOT NULL
                CHECK (length(name) BETWEEN 1 AND 100 AND name NOT GLOB '*[^a-z0-9._-]*'),
    UNIQUE (provider_id, name)
) STRICT;

-- NULL only between this script and the split that follows it, in the same
-- transaction; `provider_id` stays, always the API's provider.
ALTER TABLE snapshots ADD COLUMN api_id INTEGER REFERENCES apis (id);

DROP INDEX snapshots_by_hash;
DROP INDEX snapshots_current;

-- Recognises content already ingested for an API, and lists its snapshots.
CREATE UNIQUE INDEX snapshots_by_hash ON snapshots (api_id, content_hash);

-- At most one current snapshot per API.
CREATE UNIQUE INDEX snapshots_current ON snapshots (api_id) WHERE status = 'current';

CREATE INDEX snapshots_of_api ON snapshots (api_id, id);

-- Snapshots can now be removed. SQLite would give a new snapshot the id of
-- a removed newest one, and answers are cached by snapshot id: `retired`
-- is the highest id ever removed, and new ids start above it.
ALTER TABLE generation ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;

-- Each snapshot's path keys (identity::path_keys: the server base path and
-- a path template with parameter names blanked). Ingest finds the APIs of a
-- provider whose current snapshot shares paths with a new document through
-- the index on `key`, so placing a document costs what it shares, not what
-- the provider holds. Filled for existing snapshots by the split.
CREATE TABLE snapshot_paths (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, key)
) STRICT, WITHOUT ROWID;

CREATE INDEX snapshot_paths_by_key ON snapshot_paths (key);
