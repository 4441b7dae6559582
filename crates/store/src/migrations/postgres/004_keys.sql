-- Layout version 4 of a specdex catalog in PostgreSQL (the SQLite catalog's
-- layout 5): API keys, and who published each snapshot.
--
-- A key is stored only as the hex SHA-256 of its text: keys are 32 random
-- bytes, so a fast hash is enough, and a stolen catalog holds no usable
-- key. `apis` lists the `provider/api` the key is restricted to (empty:
-- every API). A revoked key keeps its row (its name stays on the snapshots
-- it published) and is never accepted again. Every replica reads keys from
-- here, so a revocation is seen by all of them at their next lookup.

CREATE TABLE api_keys (
    id           bigserial PRIMARY KEY,
    name         text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
    scope        text NOT NULL CHECK (scope IN ('read', 'publish', 'admin')),
    apis         text[] NOT NULL,
    hash         text NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    created_at   bigint NOT NULL,
    last_used_at bigint,
    uses         bigint NOT NULL DEFAULT 0,
    revoked_at   bigint
);

-- The name of the key that published the snapshot over HTTP; NULL for a
-- local `specdex ingest`.
ALTER TABLE snapshots ADD COLUMN published_by text;
