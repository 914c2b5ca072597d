-- Native ids of the stored, not deleted records of an entity, in one scope or all ('*').
-- Parameters: source, entity, scope, scope.
SELECT native_id
FROM raw_records
WHERE source = ? AND entity = ? AND (? = '*' OR scope = ?) AND deleted_at IS NULL
ORDER BY native_id
