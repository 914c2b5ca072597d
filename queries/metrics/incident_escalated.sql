-- metric: incident_escalated
-- title: Incident escalated
-- kind: proportion      -- duration | proportion | count
-- better: lower
-- unit: share
-- family: escalations
-- source: pagerduty
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every incident triggered before the cut-off
--
-- Value: 1 when the incident's timeline has at least one escalate entry recorded before the
-- cut-off ($cutoff), else 0 (incidents synced without a timeline fall back to escalation_count).
-- Attributed to the assignee and that person's team at trigger time.
WITH escalations AS (
    SELECT incident_id, count(*) AS n
    FROM incident_events
    WHERE type = 'escalate' AND created_at < CAST($cutoff AS TIMESTAMPTZ)
    GROUP BY incident_id
),
timelines AS (
    SELECT DISTINCT incident_id FROM incident_events
)
SELECT
    i.incident_id                                                      AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, i.created_at)                                 AS team_id,
    i.created_at                                                       AS occurred_at,
    CASE WHEN t.incident_id IS NOT NULL THEN (coalesce(e.n, 0) > 0)::INTEGER
         ELSE (i.escalation_count > 0)::INTEGER END::DOUBLE            AS value,
    false                                                              AS censored
FROM incidents AS i
LEFT JOIN escalations AS e ON e.incident_id = i.incident_id
LEFT JOIN timelines AS t ON t.incident_id = i.incident_id
LEFT JOIN accounts AS a ON a.account_id = i.assignee_account_id AND NOT a.is_bot
WHERE i.deleted_at IS NULL
  AND i.created_at < CAST($cutoff AS TIMESTAMPTZ)
