-- Layout version 3 of a specdex catalog in PostgreSQL (the SQLite catalog's
-- layout 4): each snapshot's search segment (specdex_search::build_segment
-- over the text search_rows gives for it), so a search index is assembled
-- from stored segments instead of being rebuilt from every row.
--
-- `format` is the SEGMENT_FORMAT that built it. Every current snapshot has a
-- segment of the format this build writes: ingest writes it with the
-- snapshot, removing or moving a snapshot writes the one that becomes
-- current if it lacks one, and opening the catalog builds what is missing
-- or of another format (after this script, every current snapshot's).
-- Superseded snapshots keep the segment they had.

CREATE TABLE search_segments (
    snapshot_id bigint PRIMARY KEY REFERENCES snapshots (id) ON DELETE CASCADE,
    format      integer NOT NULL,
    segment     bytea NOT NULL
);

-- lz4 where the server has it, as for the other large columns (see
-- 001_initial.sql): every replica reads every current segment at start.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
               WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        EXECUTE 'ALTER TABLE search_segments ALTER COLUMN segment SET COMPRESSION lz4';
    END IF;
END
$$;
