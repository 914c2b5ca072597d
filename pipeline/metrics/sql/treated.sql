-- What the treated units' events amount to, per metric, in one scan: the events whose unit counts as
-- treated (treated before the cut-off $cutoff, and not merely enrolled).
--   volume: those in the year ending at the cut-off ([$cutoff − 1 year, $cutoff)), for the ROI;
--   people: the distinct acting people of those before the cut-off. With teams as units every
--           estimate of a metric rests on them, and analyze suppresses a metric with fewer than
--           analysis.min_cell. Events without a matched person are not counted.
SELECT
    m.metric,
    count(*) FILTER (WHERE m.occurred_at >= CAST($cutoff AS TIMESTAMPTZ) - INTERVAL 1 YEAR) AS volume,
    count(DISTINCT m.person_id)                                                           AS people
FROM (SELECT metric, person_id, occurred_at,
             CASE WHEN $unit_type = 'team' THEN team_id ELSE person_id END AS unit_id
      FROM metric_events
      WHERE occurred_at < CAST($cutoff AS TIMESTAMPTZ)) AS m
JOIN exposure AS e ON e.unit_type = $unit_type AND e.unit_id = m.unit_id
WHERE e.treated_at IS NOT NULL
  AND e.status <> 'not_yet'
  AND e.treated_at < CAST(timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) AS DATE)
GROUP BY m.metric
ORDER BY m.metric
