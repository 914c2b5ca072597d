SELECT period, kind, source, last_data, detail, run_id, recorded_at
FROM caveats
WHERE period = ?
ORDER BY kind, source
