-- Layout version 6 of a specdex catalog in PostgreSQL (the SQLite catalog's
-- layout 7): endpoint and schema bodies are bytes, packed.
--
-- A body is the JSON text of the endpoint or schema, or a zstd frame of it
-- where that is smaller (see `encode::BodyPacker`); the first byte tells
-- which. Bodies written before stay JSON text, as bytes. A frame does not
-- compress again, so the columns are stored without TOAST compression
-- (EXTERNAL: out of line when large, as they are).

ALTER TABLE endpoint_bodies ALTER COLUMN body TYPE bytea USING convert_to(body, 'UTF8');
ALTER TABLE endpoint_bodies ALTER COLUMN body SET STORAGE EXTERNAL;
ALTER TABLE schemas ALTER COLUMN body TYPE bytea USING convert_to(body, 'UTF8');
ALTER TABLE schemas ALTER COLUMN body SET STORAGE EXTERNAL;
