-- metric: incident_reassigned
-- title: Incident reassigned to another person
-- kind: proportion      -- duration | proportion | count
-- better: lower
-- unit: share
-- family: escalations
-- source: pagerduty
-- level: L3   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every incident triggered before the cut-off
--
-- Value: 1 when the incident was assigned to another person at least once after its first
-- assignment (reassignment_count ≥ 1, as derived by the PagerDuty connector from the timeline),
-- else 0. Attributed to the assignee and that person's team at trigger time.
SELECT
    i.incident_id                                                      AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, i.created_at)                                 AS team_id,
    i.created_at                                                       AS occurred_at,
    (i.reassignment_count > 0)::INTEGER::DOUBLE                        AS value,
    false                                                              AS censored
FROM incidents AS i
LEFT JOIN accounts AS a ON a.account_id = i.assignee_account_id AND NOT a.is_bot
WHERE i.deleted_at IS NULL
  AND i.created_at < CAST($cutoff AS TIMESTAMPTZ)
