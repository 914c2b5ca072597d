-- Annual volume for ROI: events of every metric over the year ending at the cut-off
-- ([$cutoff − 1 year, $cutoff)) whose unit counts as treated (treated before the cut-off).
SELECT m.metric, count(*) AS n
FROM (SELECT metric, CASE WHEN $unit_type = 'team' THEN team_id ELSE person_id END AS unit_id
      FROM metric_events
      WHERE occurred_at >= CAST($cutoff AS TIMESTAMPTZ) - INTERVAL 1 YEAR
        AND occurred_at <  CAST($cutoff AS TIMESTAMPTZ)) AS m
JOIN exposure AS e ON e.unit_type = $unit_type AND e.unit_id = m.unit_id
WHERE e.treated_at IS NOT NULL
  AND e.status <> 'not_yet'
  AND e.treated_at < CAST(timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) AS DATE)
GROUP BY m.metric
ORDER BY m.metric
