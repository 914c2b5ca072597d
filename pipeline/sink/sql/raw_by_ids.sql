-- Stored raw records by native id. Parameters: native ids (VARCHAR[]), source, entity.
SELECT r.source, r.entity, r.native_id, r.scope, r.payload::VARCHAR, r.updated_at, r.fetched_at, r.deleted_at
FROM raw_records AS r
JOIN (SELECT DISTINCT unnest(?::VARCHAR[]) AS native_id) AS b ON r.native_id = b.native_id
WHERE r.source = ? AND r.entity = ?
ORDER BY r.native_id
