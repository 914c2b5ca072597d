-- Before/after windows of every treated unit and metric: 'pre' = the $pre_days days before
-- treated_at, 'post' = the $post_days days from treated_at + $washout days on; both end at the
-- cut-off. One row per (metric, unit, window). Parameters as panel.sql plus $pre_days, $post_days.
SELECT
    metric,
    unit_id,
    win,
    count(*)                                                           AS n,
    count(*) FILTER (WHERE censored)                                   AS n_censored,
    favg(ln(greatest(value, 0.01))) FILTER (WHERE NOT censored)         AS mean_log,
    favg(value)                                                         AS mean,
    fsum(value)                                                         AS total
FROM window_events($unit_type, $cutoff, $pre_days, $washout, $post_days, $exclude_dropouts)
GROUP BY metric, unit_id, win
ORDER BY metric, unit_id, win
