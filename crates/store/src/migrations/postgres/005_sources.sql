-- Layout version 5 of a specdex catalog in PostgreSQL (the SQLite catalog's
-- layout 6): sources the catalog follows, how each snapshot was fetched,
-- and each key's shared rate limit.
--
-- A source is a URL one API is synced from (`specdex sources add`); `api`
-- is the `provider/api` it feeds, which need not exist before the first
-- sync. `next_check_at` is when it is next due: `every_seconds` after a
-- check, a growing backoff after failures (`failures` in a row). `etag`
-- and `last_modified` are the validators of the last answer, sent back as
-- If-None-Match / If-Modified-Since so an unchanged source costs a 304.
-- Replicas running `serve --sync` take an advisory lock for a pass, so one
-- syncs at a time.

CREATE TABLE sources (
    id              bigserial PRIMARY KEY,
    api             text NOT NULL UNIQUE,
    url             text NOT NULL,
    every_seconds   bigint NOT NULL CHECK (every_seconds > 0),
    added_at        bigint NOT NULL,
    next_check_at   bigint NOT NULL,
    last_checked_at bigint,
    last_changed_at bigint,
    last_error      text,
    failures        integer NOT NULL DEFAULT 0,
    etag            text,
    last_modified   text
);

-- Provenance of a synced snapshot: when its document was fetched and the
-- ETag its server gave (the URL is `source`, the content `content_hash`).
ALTER TABLE snapshots ADD COLUMN fetched_at bigint;
ALTER TABLE snapshots ADD COLUMN etag text;

-- The key's shared rate limit (GCRA): the theoretical arrival time of its
-- next request, in unix microseconds. Servers reserve requests from it in
-- small batches, so a key's limit holds across replicas.
ALTER TABLE api_keys ADD COLUMN rate_tat bigint NOT NULL DEFAULT 0;
