-- Unit × period cells of every metric, for the DiD. One row per (metric, unit, period) with the
-- unit's treatment group g: the first whole period starting on or after treated_at + washout
-- (0 when the unit has no treatment date), and treated_period, the period containing treated_at
-- (0 when none). Cells from treated_period up to g (the washout) are dropped. Units need an exposure row; events without a unit are left out.
-- Medians are not computed per cell (a holistic aggregate over millions of cells is the most
-- expensive part of the query and no estimator uses them); Kaplan–Meier reports medians.
-- Parameters: $unit_type (team|person), $period (month|quarter|week), $washout (days),
-- $cutoff (TIMESTAMPTZ; events at or after it are unknown), $exclude_dropouts (BOOLEAN).
WITH units AS (
    SELECT
        unit_id,
        status,
        treated_at,
        CASE WHEN treated_at IS NULL THEN 0
             ELSE period_index(treated_at + to_days(CAST($washout AS INTEGER)) - INTERVAL 1 DAY, $period) + 1
        END                                                            AS g,
        period_index(treated_at, $period)                             AS treated_period
    FROM exposure
    WHERE unit_type = $unit_type
      AND NOT (status = 'dropout' AND $exclude_dropouts)
),
events AS (
    SELECT
        m.metric,
        CASE WHEN $unit_type = 'team' THEN m.team_id ELSE m.person_id END   AS unit_id,
        period_index(timezone('UTC', m.occurred_at), $period)               AS period,
        m.value,
        m.censored
    FROM metric_events AS m
    WHERE m.occurred_at < CAST($cutoff AS TIMESTAMPTZ)
      AND m.value IS NOT NULL
)
SELECT
    e.metric,
    e.unit_id,
    e.period,
    u.g,
    coalesce(u.treated_period, 0)                                      AS treated_period,
    count(*)                                                           AS n,
    count(*) FILTER (WHERE e.censored)                                 AS n_censored,
    favg(ln(greatest(e.value, 0.01))) FILTER (WHERE NOT e.censored)     AS mean_log,
    favg(e.value)                                                       AS mean,
    fsum(e.value)                                                       AS total
FROM events AS e
JOIN units AS u ON u.unit_id = e.unit_id
WHERE u.treated_period IS NULL
   OR e.period < u.treated_period
   OR e.period >= u.g
GROUP BY e.metric, e.unit_id, e.period, u.g, u.treated_period
ORDER BY e.metric, e.unit_id, e.period
