-- Durations of the treated units' before/after windows (as windows.sql), pooled over units for
-- Kaplan–Meier: one row per (metric, window, value rounded to 0.01, censored) with its count.
SELECT
    metric,
    win,
    round(value, 2)                                                    AS value,
    censored,
    count(*)                                                           AS n
FROM window_events($unit_type, $cutoff, $pre_days, $washout, $post_days, $exclude_dropouts)
WHERE metric IN (SELECT unnest(CAST($durations AS VARCHAR[])))
GROUP BY ALL
ORDER BY metric, win, value, censored
