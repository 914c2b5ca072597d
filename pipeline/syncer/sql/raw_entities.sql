-- The entities of a source's raw records, in name order: rebuild maps them in this order (see
-- connectors.Mapper). Parameter: source.
SELECT DISTINCT entity
FROM raw_records
WHERE source = ?
ORDER BY entity
