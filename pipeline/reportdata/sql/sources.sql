-- Per source: raw records kept, the last committed sync and the newest data it reached.
SELECT s.source,
       coalesce(r.records, 0)  AS records,
       s.last_sync,
       s.data_to
FROM (SELECT source, max(updated_at) AS last_sync, max(cursor) AS data_to FROM sync_state GROUP BY source) AS s
LEFT JOIN (SELECT source, count(*) AS records FROM raw_records WHERE deleted_at IS NULL GROUP BY source) AS r
       ON r.source = s.source
ORDER BY s.source
