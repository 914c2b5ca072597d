-- The stored payload hash and deletion state of a batch's records: a hash join against the batch's
-- ids (one linear scan of the (source, entity) rows), the payload hashed inside DuckDB so payloads
-- never cross into Go. Parameters: the batch's native ids (VARCHAR[]), source, entity.
SELECT r.native_id, md5(r.payload::VARCHAR), r.deleted_at IS NOT NULL
FROM raw_records AS r
JOIN (SELECT DISTINCT unnest(?::VARCHAR[]) AS native_id) AS b ON r.native_id = b.native_id
WHERE r.source = ? AND r.entity = ?
