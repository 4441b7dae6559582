-- Layout version 2: endpoints split into a listing and their bodies, a
-- description prefix for search, lookups by key and by name, and the
-- catalog generation.

-- Listing endpoints (for search, or the endpoint list of a large API) read
-- every row of a snapshot. With the bodies beside them, a row took a page
-- or more; apart, a page holds a dozen rows. `id` links a row to its body.
-- `description` is new: the first 300 characters of the endpoint's
-- description (SQLite's substr counts characters, as the store does).
ALTER TABLE endpoints RENAME TO endpoints_v1;

CREATE TABLE endpoints (
    id           INTEGER PRIMARY KEY,
    snapshot_id  INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    operation_id TEXT,
    summary      TEXT,
    tags         TEXT NOT NULL, -- JSON array of strings
    deprecated   INTEGER NOT NULL CHECK (deprecated IN (0, 1)),
    description  TEXT,
    UNIQUE (snapshot_id, position)
) STRICT;

-- The whole endpoint as JSON, one row per row of `endpoints`.
CREATE TABLE endpoint_bodies (
    endpoint_id INTEGER PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
    body        TEXT NOT NULL
) STRICT;

INSERT INTO endpoints (snapshot_id, position, method, path, operation_id, summary, tags,
                       deprecated, description)
SELECT snapshot_id, position, method, path, operation_id, summary, tags, deprecated,
       substr(json_extract(body, '$.description'), 1, 300)
FROM endpoints_v1
ORDER BY snapshot_id, position;

INSERT INTO endpoint_bodies (endpoint_id, body)
SELECT e.id, old.body
FROM endpoints e JOIN endpoints_v1 old USING (snapshot_id, position)
ORDER BY e.id;

DROP TABLE endpoints_v1;

-- An endpoint by (METHOD, path), a schema by name, within a snapshot.
CREATE INDEX endpoints_by_key ON endpoints (snapshot_id, method, path);
CREATE INDEX schemas_by_name ON schemas (snapshot_id, name);

-- One row: a number every ingest that stores a snapshot increases, so
-- caches can tell cheaply whether the catalog changed.
CREATE TABLE generation (
    id    INTEGER PRIMARY KEY CHECK (id = 0),
    value INTEGER NOT NULL
) STRICT;

INSERT INTO generation (id, value) SELECT 0, count(*) FROM snapshots;
