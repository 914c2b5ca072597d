-- Every raw record of a source in key order (entity, then native id): rebuild reads a source in
-- this one query, chunk by chunk from the open result, so each record is read and sorted once.
-- Parameter: source.
SELECT source, entity, native_id, scope, payload::VARCHAR, updated_at, fetched_at, deleted_at
FROM raw_records
WHERE source = ?
ORDER BY entity, native_id
