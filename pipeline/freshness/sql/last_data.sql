-- The last data of each source: its latest sync cursor over every scope and entity, on the
-- source's clock (a cursor moves only when its batch commits).
SELECT source, max(cursor) AS last_data
FROM sync_state
WHERE cursor IS NOT NULL
GROUP BY source
