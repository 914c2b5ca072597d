-- The "scan-copy" baseline of BenchmarkAnalyze10M: one scan of metric_events inside DuckDB that
-- reads every column the analysis reads (metric, person_id, team_id, occurred_at, value, censored) and keeps
-- every row, copying them into a temporary table (dropped by the benchmark afterwards). Returns
-- the number of rows copied.
CREATE TEMP TABLE bench_copy AS
SELECT metric, person_id, team_id, occurred_at, value, censored
FROM metric_events
