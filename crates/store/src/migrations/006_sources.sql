-- Layout version 6: sources the catalog follows, how each snapshot was
-- fetched, and each key's shared rate limit.
--
-- A source is a URL one API is synced from (`specdex sources add`); `api`
-- is the `provider/api` it feeds, which need not exist before the first
-- sync. `next_check_at` is when it is next due: `every_seconds` after a
-- check, sooner-growing backoff after failures (`failures` in a row).
-- `etag` and `last_modified` are the validators of the last answer, sent
-- back as If-None-Match / If-Modified-Since so an unchanged source costs
-- a 304.

CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    api             TEXT NOT NULL UNIQUE,
    url             TEXT NOT NULL,
    every_seconds   INTEGER NOT NULL CHECK (every_seconds > 0),
    added_at        INTEGER NOT NULL,
    next_check_at   INTEGER NOT NULL,
    last_checked_at INTEGER,
    last_changed_at INTEGER,
    last_error      TEXT,
    failures        INTEGER NOT NULL DEFAULT 0,
    etag            TEXT,
    last_modified   TEXT
) STRICT;

-- Provenance of a synced snapshot: when its document was fetched and the
-- ETag its server gave (the URL is `source`, the content `content_hash`).
ALTER TABLE snapshots ADD COLUMN fetched_at INTEGER;
ALTER TABLE snapshots ADD COLUMN etag TEXT;

-- The key's shared rate limit (GCRA): the theoretical arrival time of its
-- next request, in unix microseconds. Servers reserve requests from it in
-- small batches, so a key's limit holds across replicas.
ALTER TABLE api_keys ADD COLUMN rate_tat INTEGER NOT NULL DEFAULT 0;
