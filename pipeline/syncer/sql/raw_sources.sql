-- The sources that have raw records, in name order: rebuild rebuilds each one configured.
SELECT DISTINCT source
FROM raw_records
ORDER BY source
