-- Every estimate of a period; columns are read by name, so columns added later are picked up.
SELECT * FROM estimates WHERE period = $1 ORDER BY metric, method, aggregation, rel_period NULLS FIRST
