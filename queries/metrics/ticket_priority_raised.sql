-- metric: ticket_priority_raised
-- title: Ticket priority raised or escalation label added
-- kind: proportion      -- duration | proportion | count
-- better: lower
-- unit: share
-- family: escalations
-- source: jira
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every ticket created before the cut-off
--
-- Value: 1 when the priority was raised after creation or a configured escalation label
-- (sources.jira.escalation_labels) was added after creation, else 0. Attributed to the assignee and
-- that person's team at creation.
SELECT
    t.ticket_id                                                        AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, t.created_at)                                 AS team_id,
    t.created_at                                                       AS occurred_at,
    (t.priority_raised OR t.escalation_label_added)::INTEGER::DOUBLE   AS value,
    false                                                              AS censored
FROM tickets AS t
LEFT JOIN accounts AS a ON a.account_id = t.assignee_account_id AND NOT a.is_bot
WHERE t.deleted_at IS NULL
  AND t.created_at < CAST($cutoff AS TIMESTAMPTZ)
