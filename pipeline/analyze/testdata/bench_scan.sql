-- The "scan-cols" baseline of BenchmarkAnalyze10M: one scan of metric_events inside DuckDB that
-- reads every column the analysis reads (metric, person_id, team_id, occurred_at, value, censored) and
-- aggregates each, grouped by metric (one group per catalog metric), so that only that many rows cross into Go.
SELECT
    metric,
    count(*)                            AS n,
    max(person_id)                      AS last_person,
    count(DISTINCT team_id)             AS teams,
    sum(value)                          AS total,
    min(occurred_at)                    AS first_at,
    max(occurred_at)                    AS last_at,
    count(*) FILTER (WHERE censored)    AS n_censored
FROM metric_events
GROUP BY metric
