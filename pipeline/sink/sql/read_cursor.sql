-- One saved cursor. Parameters: source, scope, entity.
SELECT cursor, config_hash, extra::VARCHAR
FROM sync_state
WHERE source = ? AND scope = ? AND entity = ?
