-- metric: ticket_cycle_hours
-- title: Ticket cycle time (in progress to resolved)
-- kind: duration        -- duration | proportion | count
-- better: lower
-- unit: hours
-- outcome: restricted_mean_log   -- DiD cell outcome: mean ln min(value, horizon); README "Censored durations"
-- horizon: 336                   -- hours; events younger than this at the cut-off wait for the next analysis
-- family: lead time
-- source: jira
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every ticket that moved to an in-progress status before the cut-off
--
-- Value: resolutiondate − first move into the in-progress status category, in hours. A ticket in
-- progress but not resolved by the cut-off ($cutoff) is censored at the cut-off. Tickets never
-- started are left out. Attributed to the assignee and that person's team at creation.
WITH t AS (
    SELECT
        ticket_id,
        created_at,
        first_in_progress_at,
        assignee_account_id,
        resolved_at IS NOT NULL AND resolved_at < CAST($cutoff AS TIMESTAMPTZ)
            AND resolved_at >= first_in_progress_at                           AS resolved,
        resolved_at
    FROM tickets
    WHERE deleted_at IS NULL
      AND first_in_progress_at IS NOT NULL
      AND first_in_progress_at < CAST($cutoff AS TIMESTAMPTZ)
)
SELECT
    t.ticket_id                                                        AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, t.created_at)                                 AS team_id,
    t.first_in_progress_at                                             AS occurred_at,
    (epoch(CASE WHEN t.resolved THEN t.resolved_at ELSE CAST($cutoff AS TIMESTAMPTZ) END)
        - epoch(t.first_in_progress_at)) / 3600.0                      AS value,
    NOT t.resolved                                                     AS censored
FROM t
LEFT JOIN accounts AS a ON a.account_id = t.assignee_account_id AND NOT a.is_bot
