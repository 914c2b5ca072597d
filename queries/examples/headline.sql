-- name: headline
-- description: Headline effect of the program on every metric for one reporting quarter (DiD, simple aggregation)
-- param: period (string): reporting quarter as written by analyze, e.g. 2026-Q3
--
-- One row per metric: the estimate and its 95% interval on its scale (log for durations, share,
-- rate), the change in percent with its interval in percent, p and Benjamini–Hochberg q, the
-- minimum detectable effect, the pre-trend test's p-value (or why it did not run) and flags. The
-- headline rows are the configured population's (analysis.dropouts) on the metric's catalog
-- outcome; rows written before migration 004 have no headline mark and count when they are did/simple.
SELECT
    metric,
    scale,
    round(estimate, 4)                  AS estimate,
    round(ci_low, 4)                    AS ci_low,
    round(ci_high, 4)                   AS ci_high,
    round(100 * relative_change, 1)     AS change_pct,
    round(100 * relative_ci_low, 1)     AS change_ci_low_pct,
    round(100 * relative_ci_high, 1)    AS change_ci_high_pct,
    round(p_value, 4)                   AS p_value,
    round(q_value, 4)                   AS q_value,
    n_treated_units,
    n_control_units,
    round(mde, 4)                       AS mde,
    round(pretrend_p, 4)                AS pretrend_p,
    pretrend_note,
    array_to_string(flags, ',')         AS flags
FROM estimates
WHERE coalesce(headline, method = 'did' AND aggregation = 'simple') AND period = $period
ORDER BY q_value NULLS LAST, metric
