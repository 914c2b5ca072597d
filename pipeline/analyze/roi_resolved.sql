-- The resolved events of one duration metric ($metric) per unit and period, for the ROI's baseline
-- (the treated units' arithmetic mean untreated duration): analyze keeps the cells the DiD used
-- before treatment, of the cohorts whose effect was estimated, and divides Σ total by Σ n. Only
-- resolved events count (censored = false), as in the DiD's outcome, the mean log of resolved
-- items. Periods are numbered as the panels number them (period_index of the UTC wall time).
-- Parameters: $metric, $unit_type (team|person), $period (month|quarter|week), $cutoff (TIMESTAMPTZ).
SELECT
    CASE WHEN $unit_type = 'team' THEN team_id ELSE person_id END                  AS unit_id,
    CAST(period_index(make_timestamp(epoch_us(occurred_at)), $period) AS INTEGER) AS period,
    count(*)                                                                      AS n,
    fsum(value)                                                                   AS total
FROM metric_events
WHERE metric = $metric
  AND occurred_at < CAST($cutoff AS TIMESTAMPTZ)
  AND value IS NOT NULL
  AND NOT censored
  AND (CASE WHEN $unit_type = 'team' THEN team_id ELSE person_id END) IS NOT NULL
GROUP BY ALL
