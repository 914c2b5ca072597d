-- Durations of the treated units' before/after windows (as windows.sql), for Kaplan–Meier: one row
-- per (metric, window, unit, value rounded to 0.01, censored) with its count. The unit is kept so
-- that the Kaplan–Meier comparison can resample units (a cluster bootstrap) rather than events.
SELECT
    metric,
    win,
    unit_id,
    round(value, 2)                                                    AS value,
    censored,
    count(*)                                                           AS n
FROM window_events($unit_type, $cutoff, $pre_days, $washout, $post_days, $exclude_dropouts)
WHERE metric IN (SELECT unnest(CAST($durations AS VARCHAR[])))
GROUP BY ALL
ORDER BY metric, win, unit_id, value, censored
