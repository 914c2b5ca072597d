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
-- Censoring-aware outcome (the metric's catalog outcome restricted_mean_log, horizon h = $horizon in
-- the metric's unit, $horizon_seconds in seconds; both NULL for other metrics): mean_log_h is the
-- mean of ln(max(min(value, h), 0.01)) over the events that occurred at least h before the cut-off,
-- an event still open counting at h (it has been open at least that long). Whether an event younger
-- than h will take longer than h is not known yet, so those events wait for the next analysis;
-- leaving them out depends on when they occurred, not on how long they take, so no cell is biased
-- towards quick items and no period is dropped (the last one has fewer events). n_h counts the
-- events behind mean_log_h; an open event younger than its own value at h (possible only when the
-- value starts before occurred_at) is left out of it.
-- Parameters: $metric, $unit_type (team|person), $period (month|quarter|week), $washout (days),
-- $cutoff (TIMESTAMPTZ; events at or after it are unknown), $exclude_dropouts (BOOLEAN),
-- $horizon, $horizon_seconds (DOUBLE or NULL).
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
        m.censored,
        m.occurred_at <= CAST($cutoff AS TIMESTAMPTZ) - to_seconds(CAST($horizon_seconds AS DOUBLE))
            AND (NOT m.censored OR m.value >= CAST($horizon AS DOUBLE))          AS known_h
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
    fsum(value)                                                         AS total,
    favg(ln(greatest(least(value, CAST($horizon AS DOUBLE)), 0.01))) FILTER (WHERE known_h) AS mean_log_h,
    count(*) FILTER (WHERE known_h)                                    AS n_h
FROM events
WHERE treated_period IS NULL
   OR period < treated_period
   OR period >= g
GROUP BY unit, period
