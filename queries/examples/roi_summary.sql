-- name: roi_summary
-- description: ROI per monetised metric and in total for one reporting quarter, with the conservative figures
-- param: period (string): reporting quarter, e.g. 2026-Q3
SELECT
    metric,
    monetised,
    round(effect_per_event, 3)  AS effect_per_event,
    round(annual_volume)        AS annual_volume,
    value_per_unit,
    round(benefit)              AS benefit,
    round(benefit_low)          AS benefit_conservative,
    round(cost)                 AS cost,
    round(roi_pct, 1)           AS roi_pct,
    round(roi_pct_low, 1)       AS roi_pct_conservative,
    round(bcr, 2)               AS bcr,
    round(bcr_low, 2)           AS bcr_conservative,
    currency
FROM roi
WHERE period = $period
ORDER BY metric = 'total', metric
