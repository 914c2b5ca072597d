-- The next chunk of a source's raw records after (entity, native_id), in key order: rebuild reads
-- a source chunk by chunk, each chunk its own query. Parameters: source, entity, native_id, limit.
SELECT source, entity, native_id, scope, payload::VARCHAR, updated_at, fetched_at, deleted_at
FROM raw_records
WHERE source = ? AND (entity, native_id) > (?, ?)
ORDER BY entity, native_id
LIMIT ?
