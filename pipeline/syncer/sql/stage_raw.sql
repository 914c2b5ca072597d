-- Copies the raw records of one entity of a source into the temporary table rebuild_raw of the
-- reading connection, stored in native id order (DuckDB keeps an INSERT's ORDER BY order, so a
-- row's rowid is its position): rebuild sorts each entity once, and each chunk it reads
-- (read_staged.sql) touches only its own rows. One entity at a time keeps the staged copy (which
-- spills to temporary files beyond the memory limit) to the largest entity, not the whole source.
-- Parameters: source, entity.
CREATE TEMPORARY TABLE rebuild_raw AS
SELECT source, entity, native_id, scope, payload, updated_at, fetched_at, deleted_at
FROM raw_records
WHERE source = ? AND entity = ?
ORDER BY native_id
