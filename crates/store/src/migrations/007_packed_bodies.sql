-- Layout version 7: endpoint and schema bodies are bytes, packed.
--
-- A body is the JSON text of the endpoint or schema, or a zstd frame of it
-- where that is smaller (see `encode::BodyPacker`); the first byte tells
-- which (a frame starts with 0x28 0xB5, JSON text never does). Packed, the
-- bodies of the APIs.guru directory take 147 MB instead of 420 MB, and an
-- ingest writes (twice: to the log, then to the file) half the pages.
-- STRICT columns cannot change type, so both tables are rebuilt; bodies
-- written before stay JSON text, as bytes.

ALTER TABLE endpoint_bodies RENAME TO endpoint_bodies_v6;

CREATE TABLE endpoint_bodies (
    endpoint_id INTEGER PRIMARY KEY REFERENCES endpoints (id) ON DELETE CASCADE,
    body        BLOB NOT NULL
) STRICT;

INSERT INTO endpoint_bodies (endpoint_id, body)
SELECT endpoint_id, CAST(body AS BLOB) FROM endpoint_bodies_v6 ORDER BY endpoint_id;

DROP TABLE endpoint_bodies_v6;

DROP INDEX schemas_by_name;
ALTER TABLE schemas RENAME TO schemas_v6;

CREATE TABLE schemas (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    in_cycle    INTEGER NOT NULL CHECK (in_cycle IN (0, 1)),
    external    INTEGER NOT NULL CHECK (external IN (0, 1)),
    body        BLOB NOT NULL,
    PRIMARY KEY (snapshot_id, position)
) STRICT;

INSERT INTO schemas (snapshot_id, position, name, in_cycle, external, body)
SELECT snapshot_id, position, name, in_cycle, external, CAST(body AS BLOB)
FROM schemas_v6 ORDER BY snapshot_id, position;

DROP TABLE schemas_v6;

CREATE INDEX schemas_by_name ON schemas (snapshot_id, name);
