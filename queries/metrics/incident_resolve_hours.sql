-- metric: incident_resolve_hours
-- title: Time to resolve an incident
-- kind: duration        -- duration | proportion | count
-- better: lower
-- unit: hours
-- outcome: restricted_mean_log   -- DiD cell outcome: mean ln min(value, horizon); README "Censored durations"
-- horizon: 48                   -- hours; events younger than this at the cut-off wait for the next analysis
-- family: resolution quality
-- source: pagerduty
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every incident triggered before the cut-off
--
-- Value: resolved_at − created_at in hours (resolved_at is the API's resolved_at, never
-- last_status_change_at). An incident still open at the cut-off ($cutoff) is censored: its value is
-- the time it had been open by then. Attributed to the assignee (the account the incident was last
-- assigned to) and that person's team at trigger time.
WITH i AS (
    SELECT
        incident_id,
        created_at,
        assignee_account_id,
        resolved_at IS NOT NULL AND resolved_at < CAST($cutoff AS TIMESTAMPTZ) AS resolved,
        resolved_at
    FROM incidents
    WHERE deleted_at IS NULL
      AND created_at < CAST($cutoff AS TIMESTAMPTZ)
)
SELECT
    i.incident_id                                                      AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, i.created_at)                                 AS team_id,
    i.created_at                                                       AS occurred_at,
    (epoch(CASE WHEN i.resolved THEN i.resolved_at ELSE CAST($cutoff AS TIMESTAMPTZ) END)
        - epoch(i.created_at)) / 3600.0                                AS value,
    NOT i.resolved                                                     AS censored
FROM i
LEFT JOIN accounts AS a ON a.account_id = i.assignee_account_id AND NOT a.is_bot
