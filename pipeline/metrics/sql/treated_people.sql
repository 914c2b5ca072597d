-- People behind the treated units' events, per metric: the distinct acting people of the events
-- before the cut-off ($cutoff) whose unit counts as treated (treated before the cut-off, as in
-- volume.sql). With teams as units, every estimate of a metric rests on these people, and analyze
-- suppresses a metric with fewer than analysis.min_cell of them. Events without a matched person
-- are not counted.
SELECT m.metric, count(DISTINCT m.person_id) AS n
FROM (SELECT metric, person_id, CASE WHEN $unit_type = 'team' THEN team_id ELSE person_id END AS unit_id
      FROM metric_events
      WHERE occurred_at < CAST($cutoff AS TIMESTAMPTZ)) AS m
JOIN exposure AS e ON e.unit_type = $unit_type AND e.unit_id = m.unit_id
WHERE e.treated_at IS NOT NULL
  AND e.status <> 'not_yet'
  AND e.treated_at < CAST(timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) AS DATE)
GROUP BY m.metric
ORDER BY m.metric
