-- Row counts of the canonical and derived tables (one row per table).
SELECT table_name AS "table", estimated_size AS rows
FROM duckdb_tables()
WHERE schema_name = 'main' AND table_name <> 'schema_migrations'
ORDER BY table_name;

-- The last runs of the pipeline, newest first.
SELECT run_id, command, status, started_at,
       round(epoch(finished_at) - epoch(started_at), 1) AS seconds,
       error
FROM runs
ORDER BY started_at DESC
LIMIT 10;

-- Sync cursors, oldest first: a cursor more than two days old is stale.
SELECT source, scope, entity, cursor, updated_at AS committed_at,
       (updated_at < now() - INTERVAL 2 DAY) AS stale
FROM sync_state
ORDER BY updated_at, source, scope, entity;
