-- Layout version 2: endpoint and schema lookups by key, endpoint description
-- prefixes for search, and the catalog generation.

-- `endpoints` gains `description`: the first 300 characters (SQLite's substr
-- counts characters, as the store does) of the endpoint's description, for
-- the search index. The table is rebuilt rather than altered so that the
-- column comes before `body`: an added column would land after it, and
-- reading it would walk every overflow page of the body.
CREATE TABLE endpoints_v2 (
    snapshot_id  INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    operation_id TEXT,
    summary      TEXT,
    tags         TEXT NOT NULL, -- JSON array of strings
    deprecated   INTEGER NOT NULL CHECK (deprecated IN (0, 1)),
    description  TEXT,
    body         TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, position)
) STRICT;

INSERT INTO endpoints_v2 (snapshot_id, position, method, path, operation_id, summary, tags,
                          deprecated, description, body)
SELECT snapshot_id, position, method, path, operation_id, summary, tags, deprecated,
       substr(json_extract(body, '$.description'), 1, 300), body
FROM endpoints
ORDER BY snapshot_id, position;

DROP TABLE endpoints;
ALTER TABLE endpoints_v2 RENAME TO endpoints;

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
