-- Unit × period cells of every metric, for the DiD: one row per (metric, unit, period) with the
-- event count, the censored count and the means. Metrics and units come as integers so that
-- millions of cells cross the driver cheaply: k is the metric's 0-based position in $metrics
-- (panel_metrics.sql) and unit the unit's number (units.sql, listed by panel_units.sql).
-- Units need an exposure row; events without a unit are left out. The cells from the period
-- containing treated_at up to g (the washout) are dropped. Rows come in no particular order.
-- Medians are not computed per cell (a holistic aggregate over millions of cells is the most
-- expensive part of the query and no estimator uses them); Kaplan–Meier reports medians.
-- Periods are computed from make_timestamp(epoch_us(occurred_at)), the UTC wall time of the
-- event: the same value as timezone('UTC', occurred_at) without a time-zone lookup per event.
-- Parameters: $unit_type (team|person), $period (month|quarter|week), $washout (days),
-- $cutoff (TIMESTAMPTZ; events at or after it are unknown), $exclude_dropouts (BOOLEAN),
-- $metrics (VARCHAR[]).
WITH units AS (
{{UNITS}}
),
metric_ids AS (
    SELECT
        unnest(CAST($metrics AS VARCHAR[]))                              AS metric,
        CAST(generate_subscripts(CAST($metrics AS VARCHAR[]), 1) - 1 AS INTEGER) AS k
),
events AS (
    SELECT
        m.metric,
        u.unit,
        CAST(period_index(make_timestamp(epoch_us(m.occurred_at)), $period) AS INTEGER) AS period,
        u.g,
        u.treated_period,
        m.value,
        m.censored
    FROM metric_events AS m
    JOIN units AS u
      ON u.unit_id = CASE WHEN $unit_type = 'team' THEN m.team_id ELSE m.person_id END
    WHERE m.occurred_at < CAST($cutoff AS TIMESTAMPTZ)
      AND m.value IS NOT NULL
),
cells AS (
    SELECT
        metric,
        unit,
        period,
        count(*)                                                       AS n,
        count(*) FILTER (WHERE censored)                               AS n_censored,
        favg(ln(greatest(value, 0.01))) FILTER (WHERE NOT censored)     AS mean_log,
        favg(value)                                                     AS mean,
        fsum(value)                                                     AS total
    FROM events
    WHERE treated_period IS NULL
       OR period < treated_period
       OR period >= g
    GROUP BY metric, unit, period
)
SELECT
    k.k,
    c.unit,
    c.period,
    c.n,
    c.n_censored,
    c.mean_log,
    c.mean,
    c.total
FROM cells AS c
JOIN metric_ids AS k ON k.metric = c.metric
