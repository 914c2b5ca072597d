-- The analysis units, included by panel.sql and panel_units.sql in place of {{UNITS}} so that both
-- number them alike: every unit of $unit_type with an exposure row (dropouts left out when
-- $exclude_dropouts), numbered 0, 1, ... in unit_id order, with its treatment group g (the first
-- whole period starting on or after treated_at + $washout days; 0 without a treatment date) and
-- treated_period, the period containing treated_at (NULL without a treatment date).
SELECT
    unit_id,
    CAST(row_number() OVER (ORDER BY unit_id) - 1 AS INTEGER)          AS unit,
    CAST(CASE WHEN treated_at IS NULL THEN 0
              ELSE period_index(treated_at + to_days(CAST($washout AS INTEGER)) - INTERVAL 1 DAY, $period) + 1
         END AS INTEGER)                                               AS g,
    CAST(period_index(treated_at, $period) AS INTEGER)                 AS treated_period
FROM exposure
WHERE unit_type = $unit_type
  AND NOT (status = 'dropout' AND $exclude_dropouts)
