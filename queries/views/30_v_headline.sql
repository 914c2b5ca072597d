-- v_headline: the headline estimate of every metric and period (difference-in-differences, simple
-- aggregation, the population analysis.dropouts configures and the metric's catalog outcome: the
-- rows analyze marks headline; rows written before migration 004 have no mark and count when they
-- are did/simple), with the relative change and its interval in percent, the pre-trend test and
-- the flags as one string. The other population's and the sensitivity rows are in estimates.
CREATE OR REPLACE VIEW v_headline AS
SELECT
    period,
    metric,
    population,
    outcome,
    scale,
    estimate,
    ci_low,
    ci_high,
    round(100 * relative_change, 1)     AS change_pct,
    round(100 * relative_ci_low, 1)     AS change_ci_low_pct,
    round(100 * relative_ci_high, 1)    AS change_ci_high_pct,
    p_value,
    q_value,
    n_treated_units,
    n_control_units,
    mde,
    pretrend_stat,
    pretrend_df1,
    pretrend_df2,
    pretrend_p,
    pretrend_note,
    array_to_string(flags, ',')         AS flags,
    computed_at
FROM estimates
WHERE coalesce(headline, method = 'did' AND aggregation = 'simple')
