-- v_headline: the headline estimate of every metric and period (difference-in-differences, simple
-- aggregation), with the relative change and its interval in percent and the flags as one string.
CREATE OR REPLACE VIEW v_headline AS
SELECT
    period,
    metric,
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
    array_to_string(flags, ',')         AS flags,
    computed_at
FROM estimates
WHERE method = 'did' AND aggregation = 'simple'
