-- metric: ticket_resolve_hours
-- title: Time to resolve a ticket
-- kind: duration        -- duration | proportion | count
-- better: lower
-- unit: hours
-- outcome: restricted_mean_log   -- DiD cell outcome: mean ln min(value, horizon); README "Censored durations"
-- horizon: 336                   -- hours; events younger than this at the cut-off wait for the next analysis
-- family: resolution quality
-- source: jira
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every ticket created before the cut-off
--
-- Value: resolutiondate − created, in hours. A ticket still open at the cut-off ($cutoff) —
-- including one reopened and not yet resolved again — is censored at the cut-off. Attributed to the
-- assignee and that person's team at creation.
WITH t AS (
    SELECT
        ticket_id,
        created_at,
        assignee_account_id,
        resolved_at IS NOT NULL AND resolved_at < CAST($cutoff AS TIMESTAMPTZ) AS resolved,
        resolved_at
    FROM tickets
    WHERE deleted_at IS NULL
      AND created_at < CAST($cutoff AS TIMESTAMPTZ)
)
SELECT
    t.ticket_id                                                        AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, t.created_at)                                 AS team_id,
    t.created_at                                                       AS occurred_at,
    (epoch(CASE WHEN t.resolved THEN t.resolved_at ELSE CAST($cutoff AS TIMESTAMPTZ) END)
        - epoch(t.created_at)) / 3600.0                                AS value,
    NOT t.resolved                                                     AS censored
FROM t
LEFT JOIN accounts AS a ON a.account_id = t.assignee_account_id AND NOT a.is_bot
