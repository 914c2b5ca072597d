-- name: roi_sponsor
-- description: The ROI of one reporting quarter as a sponsor reads it: benefit, cost lines, net benefit, ROI and BCR with intervals, intangibles
-- param: period (string): reporting quarter, e.g. 2026-Q3
--
-- One line per figure, in reading order, each with its unit and its 95% interval (from one cluster
-- bootstrap over teams shared by every metric): the first-year benefit of each monetised metric
-- and in total, every cost line (fully loaded: everyone enrolled, dropouts included), the net
-- benefit, ROI % and the benefit/cost ratio with their conservative figures (the lower bound of the
-- total's interval, harms counted as harms), and the intangibles, never converted to money.
WITH t AS (SELECT * FROM roi WHERE period = $period AND metric = 'total'),
lines AS (
    SELECT 1 AS part, metric AS item,
           'benefit of ' || metric || ' (' || coalesce(level, '?') || ')' AS figure,
           round(benefit) AS value, round(benefit_ci_low) AS ci_low, round(benefit_ci_high) AS ci_high,
           currency AS unit,
           CASE WHEN benefit_ci_low > 0 THEN 'a gain across the whole interval'
                WHEN benefit_ci_high < 0 THEN 'a loss across the whole interval'
                WHEN benefit_ci_low IS NULL THEN 'no interval'
                ELSE 'cannot tell gain from loss' END AS reading
    FROM roi WHERE period = $period AND monetised AND metric <> 'total'
    UNION ALL
    SELECT 2, 'total', 'total first-year benefit', round(benefit), round(benefit_ci_low), round(benefit_ci_high), currency,
           CASE WHEN benefit_ci_low > 0 THEN 'a gain across the whole interval'
                WHEN benefit_ci_high < 0 THEN 'a loss across the whole interval'
                WHEN benefit_ci_low IS NULL THEN 'no interval'
                ELSE 'cannot tell gain from loss' END
    FROM t
    UNION ALL
    SELECT 3, line, 'cost: ' || replace(line, '_', ' ') || ' (' || printf('%.10g', quantity) || ' x ' || printf('%.10g', unit_cost) || ')',
           round(amount), NULL, NULL, currency, 'configured (roi.costs)'
    FROM roi_costs WHERE period = $period
    UNION ALL
    SELECT 4, 'cost', 'total cost, fully loaded', round(cost), NULL, NULL, currency, 'sum of the cost lines' FROM t
    UNION ALL
    SELECT 5, 'net', 'net benefit (benefit - cost)', round(net_benefit), round(net_benefit_ci_low), round(net_benefit_ci_high), currency,
           CASE WHEN net_benefit_ci_low > 0 THEN 'pays for itself across the whole interval'
                WHEN net_benefit_ci_high < 0 THEN 'does not pay for itself across the whole interval'
                WHEN net_benefit_ci_low IS NULL THEN 'no interval'
                ELSE 'cannot tell whether it pays for itself' END
    FROM t
    UNION ALL
    SELECT 6, 'roi', 'ROI = (benefit - cost) / cost', round(roi_pct, 1), round(roi_pct_ci_low, 1), round(roi_pct_ci_high, 1), '%',
           'conservative: ' || round(conservative_roi_pct, 1) || '% (lower bound)' FROM t
    UNION ALL
    SELECT 7, 'bcr', 'benefit/cost ratio', round(bcr, 2), round(bcr_ci_low, 2), round(bcr_ci_high, 2), 'ratio',
           'conservative: ' || round(conservative_bcr, 2) || ' (lower bound)' FROM t
    UNION ALL
    SELECT 8, metric, 'intangible: ' || metric || ' (' || coalesce(level, '?') || ')', NULL, NULL, NULL, NULL,
           'no money value configured; reported, not converted'
    FROM roi WHERE period = $period AND NOT monetised
)
SELECT figure, value, ci_low, ci_high, unit, reading
FROM lines
ORDER BY part, item
