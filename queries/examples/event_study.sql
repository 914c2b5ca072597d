-- name: event_study
-- description: Effect by months since training (event study) for one metric and quarter
-- param: metric (string): metric name, e.g. incident_resolve_hours
-- param: period (string): reporting quarter, e.g. 2026-Q3
--
-- rel_period < 0 are placebo periods before training: they should hover around zero. The rows are
-- those of the headline's population (analysis.dropouts).
SELECT
    rel_period,
    round(estimate, 4)                  AS estimate,
    round(ci_low, 4)                    AS ci_low,
    round(ci_high, 4)                   AS ci_high,
    round(100 * relative_change, 1)     AS change_pct,
    round(100 * relative_ci_low, 1)     AS change_ci_low_pct,
    round(100 * relative_ci_high, 1)    AS change_ci_high_pct,
    array_to_string(flags, ',')         AS flags
FROM estimates
WHERE method = 'did' AND aggregation = 'event_time' AND metric = $metric AND period = $period
  AND population IS NOT DISTINCT FROM (SELECT any_value(population) FROM estimates
                                       WHERE headline AND metric = $metric AND period = $period)
ORDER BY rel_period
