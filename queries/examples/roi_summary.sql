-- name: roi_summary
-- description: ROI per metric and in total for one reporting quarter, with intervals and the conservative figures
-- param: period (string): reporting quarter, e.g. 2026-Q3
--
-- One row per metric of the catalog (intangibles have monetised = false and no benefit) and the
-- total. Benefits are first-year; intervals (95% by default) come from one cluster bootstrap over
-- teams shared by every metric. The conservative ROI and BCR are the lower bounds of the total's
-- interval, harms counted as harms. effect_per_event is in the metric's unit (hours, minutes, or
-- events per event for shares and rates); baseline is the arithmetic mean untreated duration.
SELECT
    metric,
    level,
    monetised,
    round(baseline, 2)               AS baseline,
    round(effect_per_event, 4)       AS effect_per_event,
    round(annual_volume)             AS annual_volume,
    value_per_unit,
    unit_value_unit                  AS per,
    round(benefit)                   AS benefit,
    round(benefit_ci_low)            AS benefit_ci_low,
    round(benefit_ci_high)           AS benefit_ci_high,
    round(cost)                      AS cost,
    round(net_benefit)               AS net_benefit,
    round(net_benefit_ci_low)        AS net_benefit_ci_low,
    round(net_benefit_ci_high)       AS net_benefit_ci_high,
    round(roi_pct, 1)                AS roi_pct,
    round(roi_pct_ci_low, 1)         AS roi_pct_ci_low,
    round(roi_pct_ci_high, 1)        AS roi_pct_ci_high,
    round(conservative_roi_pct, 1)   AS roi_pct_conservative,
    round(bcr, 2)                    AS bcr,
    round(bcr_ci_low, 2)             AS bcr_ci_low,
    round(bcr_ci_high, 2)            AS bcr_ci_high,
    round(conservative_bcr, 2)       AS bcr_conservative,
    currency
FROM roi
WHERE period = $period
ORDER BY metric = 'total', NOT monetised, metric
