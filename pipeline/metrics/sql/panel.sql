-- Unit × period cells of one metric ($metric), for the DiD: one row per (unit, period) with the
-- event count, the censored count and the means. Units come as numbers (units.sql, listed by
-- panel_units.sql) so that millions of cells cross the driver cheaply. Units need an exposure
-- row; events without a unit are left out. The cells from the period containing treated_at up
-- to g (the washout) are dropped. Rows come in no particular order.
-- One query per metric keeps each hash aggregate small (≈ units × periods groups): on 10M events
-- of 14 metrics, 14 such queries take about half as long as one query grouping by metric too.
-- Medians are not computed per cell (a holistic aggregate over millions of cells is the most
-- expensive part of the query and no estimator uses them); Kaplan–Meier reports medians.
-- Periods are computed from make_timestamp(epoch_us(occurred_at)), the UTC wall time of the
-- event: the same value as timezone('UTC', occurred_at) without a time-zone lookup per event.
-- Parameters: $metric, $unit_type (team|person), $period (month|quarter|week), $washout (days),
-- $cutoff (TIMESTAMPTZ; events at or after it are unknown), $exclude_dropouts (BOOLEAN).
WITH units AS (
{{UNITS}}
),
events AS (
    SELECT
        u.unit,
        CAST(period_index(make_timestamp(epoch_us(m.occurred_at)), $period) AS INTEGER) AS period,
        u.g,
        u.treated_period,
        m.value,
        m.censored
    FROM metric_events AS m
    JOIN units AS u
      ON u.unit_id = CASE WHEN $unit_type = 'team' THEN m.team_id ELSE m.person_id END
    WHERE m.metric = $metric
      AND m.occurred_at < CAST($cutoff AS TIMESTAMPTZ)
      AND m.value IS NOT NULL
)
SELECT
    unit,
    period,
    count(*)                                                           AS n,
    count(*) FILTER (WHERE censored)                                   AS n_censored,
    favg(ln(greatest(value, 0.01))) FILTER (WHERE NOT censored)         AS mean_log,
    favg(value)                                                         AS mean,
    fsum(value)                                                         AS total
FROM events
WHERE treated_period IS NULL
   OR period < treated_period
   OR period >= g
GROUP BY unit, period
