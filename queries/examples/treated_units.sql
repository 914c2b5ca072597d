-- name: treated_units
-- description: Every analysis unit with its treatment status, date, cohort and metric events before/after
-- param: unit_type (string) = team: team or person, as analysis.unit
SELECT
    e.unit_id,
    e.status,
    e.treated_at,
    e.cohort_id,
    e.program,
    e.note,
    count(m.event_id) FILTER (WHERE CAST(m.occurred_at AS DATE) < e.treated_at)  AS events_before,
    count(m.event_id) FILTER (WHERE CAST(m.occurred_at AS DATE) >= e.treated_at) AS events_after
FROM exposure AS e
LEFT JOIN metric_events AS m
  ON m.team_id = e.unit_id AND e.unit_type = 'team'
  OR m.person_id = e.unit_id AND e.unit_type = 'person'
WHERE e.unit_type = $unit_type
GROUP BY ALL
ORDER BY e.status, e.treated_at NULLS LAST, e.unit_id
