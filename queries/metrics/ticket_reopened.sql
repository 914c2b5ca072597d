-- metric: ticket_reopened
-- title: Ticket reopened after being done
-- kind: proportion      -- duration | proportion | count
-- better: lower
-- unit: share
-- family: rework
-- source: jira
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every ticket created before the cut-off that reached a done status at least once
--
-- Value: 1 when the ticket's status moved out of the done category at least once
-- (reopen_count ≥ 1, from the changelog), else 0. Tickets never done cannot be reopened and are
-- left out. Note: reopen_count is as last synced, so a reopen after the cut-off also counts.
-- Attributed to the assignee and that person's team at creation.
SELECT
    t.ticket_id                                                        AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, t.created_at)                                 AS team_id,
    t.created_at                                                       AS occurred_at,
    (t.reopen_count > 0)::INTEGER::DOUBLE                              AS value,
    false                                                              AS censored
FROM tickets AS t
LEFT JOIN accounts AS a ON a.account_id = t.assignee_account_id AND NOT a.is_bot
WHERE t.deleted_at IS NULL
  AND t.created_at < CAST($cutoff AS TIMESTAMPTZ)
  AND (t.resolved_at IS NOT NULL OR t.reopen_count > 0 OR t.status_category = 'done')
