-- Durations of the treated units' before/after windows (as windows.sql), pooled over units for
-- Kaplan–Meier: one row per (metric, window, value rounded to 0.01, censored) with its count.
WITH units AS (
    SELECT unit_id, CAST(treated_at AS TIMESTAMP) AS t0
    FROM exposure
    WHERE unit_type = $unit_type
      AND treated_at IS NOT NULL
      AND status <> 'not_yet'
      AND NOT (status = 'dropout' AND $exclude_dropouts)
      AND treated_at < CAST(timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) AS DATE)
),
events AS (
    SELECT
        m.metric,
        u.unit_id,
        CASE
            WHEN ts >= u.t0 - to_days(CAST($pre_days AS INTEGER)) AND ts < u.t0 THEN 'pre'
            WHEN ts >= u.t0 + to_days(CAST($washout AS INTEGER))
             AND ts <  u.t0 + to_days(CAST($washout AS INTEGER) + CAST($post_days AS INTEGER)) THEN 'post'
        END                                                            AS win,
        m.value,
        m.censored
    FROM (SELECT metric,
                 CASE WHEN $unit_type = 'team' THEN team_id ELSE person_id END AS unit_id,
                 timezone('UTC', occurred_at) AS ts,
                 value,
                 censored
          FROM metric_events
          WHERE occurred_at < CAST($cutoff AS TIMESTAMPTZ) AND value IS NOT NULL) AS m
    JOIN units AS u ON u.unit_id = m.unit_id
)
SELECT
    metric,
    win,
    round(value, 2)                                                    AS value,
    censored,
    count(*)                                                           AS n
FROM events
WHERE win IS NOT NULL AND metric IN (SELECT unnest(CAST($durations AS VARCHAR[])))
GROUP BY ALL
ORDER BY metric, win, value, censored
