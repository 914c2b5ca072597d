-- Saves a cursor with the batch that proves it. Parameters: source, scope, entity, cursor,
-- config_hash, extra, updated_at.
INSERT INTO sync_state (source, scope, entity, cursor, config_hash, extra, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, scope, entity) DO UPDATE SET
    cursor      = EXCLUDED.cursor,
    config_hash = EXCLUDED.config_hash,
    extra       = EXCLUDED.extra,
    updated_at  = EXCLUDED.updated_at
