-- One chunk of the staged raw records (stage_raw.sql): positions first <= rowid < last, in key
-- order, as sink.ScanRaw reads them. The rowid range is a filter of the table scan, which reads
-- only the row groups holding those positions. Parameters: first, last.
SELECT source, entity, native_id, scope, payload::VARCHAR, updated_at, fetched_at, deleted_at
FROM rebuild_raw
WHERE rowid >= ? AND rowid < ?
ORDER BY rowid
