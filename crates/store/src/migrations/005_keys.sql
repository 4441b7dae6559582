-- Layout version 5: API keys, and who published each snapshot.
--
-- A key is stored only as the hex SHA-256 of its text: keys are 32 random
-- bytes, so a fast hash is enough, and a stolen catalog holds no usable
-- key. `apis` is a JSON array of `provider/api` the key is restricted to
-- (empty: every API). A revoked key keeps its row (its name stays on the
-- snapshots it published) and is never accepted again.

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'publish', 'admin')),
    apis         TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE
                 CHECK (length(hash) = 64 AND hash NOT GLOB '*[^0-9a-f]*'),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    uses         INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER
) STRICT;

-- The name of the key that published the snapshot over HTTP; NULL for a
-- local `specdex ingest`.
ALTER TABLE snapshots ADD COLUMN published_by TEXT;
