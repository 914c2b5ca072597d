-- The untreated durations of one duration metric ($metric) per unit and period, for the ROI's
-- baseline (the treated units' arithmetic mean untreated duration): analyze keeps the cells the DiD
-- used before treatment, of the cohorts whose effect was estimated, and divides Σ total by Σ n.
-- The values follow the DiD's cell outcome (the metric's catalog outcome), so that the relative
-- effect multiplies the mean it is relative to:
--   restricted_mean_log (horizon h = $horizon in the metric's unit, $horizon_seconds in seconds):
--     min(value, h) over the events at least h old at the cut-off, an item still open counting at
--     h — the restricted mean duration; hours saved beyond h are not counted (conservative);
--   resolved_mean_log ($horizon NULL): the resolved events' values.
-- Periods are numbered as the panels number them (period_index of the UTC wall time).
-- Parameters: $metric, $unit_type (team|person), $period (month|quarter|week), $cutoff
-- (TIMESTAMPTZ), $horizon, $horizon_seconds (DOUBLE or NULL).
WITH events AS (
    SELECT
        CASE WHEN $unit_type = 'team' THEN team_id ELSE person_id END AS unit_id,
        occurred_at,
        value,
        censored,
        occurred_at <= CAST($cutoff AS TIMESTAMPTZ) - to_seconds(CAST($horizon_seconds AS DOUBLE))
            AND (NOT censored OR value >= CAST($horizon AS DOUBLE))    AS known_h
    FROM metric_events
    WHERE metric = $metric
      AND occurred_at < CAST($cutoff AS TIMESTAMPTZ)
      AND value IS NOT NULL
)
SELECT
    unit_id,
    CAST(period_index(make_timestamp(epoch_us(occurred_at)), $period) AS INTEGER) AS period,
    count(*)                                                                      AS n,
    fsum(CASE WHEN $horizon IS NULL THEN value
              ELSE least(value, CAST($horizon AS DOUBLE)) END)                    AS total
FROM events
WHERE unit_id IS NOT NULL
  AND CASE WHEN $horizon IS NULL THEN NOT censored ELSE known_h END
GROUP BY ALL
