-- Copies a source's raw records into the temporary table rebuild_raw of the reading connection,
-- stored in key order (entity, then native id; DuckDB keeps an INSERT's ORDER BY order, so a row's
-- rowid is its position): rebuild sorts each source once, and each chunk it reads
-- (read_staged.sql) touches only its own rows. Parameter: source.
CREATE TEMPORARY TABLE rebuild_raw AS
SELECT source, entity, native_id, scope, payload, updated_at, fetched_at, deleted_at
FROM raw_records
WHERE source = ?
ORDER BY entity, native_id
