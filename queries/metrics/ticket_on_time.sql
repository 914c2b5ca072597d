-- metric: ticket_on_time
-- title: Ticket resolved on or before its due date
-- kind: proportion      -- duration | proportion | count
-- better: higher
-- unit: share
-- family: lead time
-- source: jira
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every ticket with a due date whose outcome is known at the cut-off
--
-- Value: 1 when the ticket was resolved on or before its due date, 0 when it was resolved later or
-- is still open after its due date. Tickets without a due date, and open tickets not yet due at the
-- cut-off ($cutoff), are left out. Attributed to the assignee and that person's team at creation.
WITH t AS (
    SELECT
        ticket_id,
        created_at,
        due_date,
        assignee_account_id,
        CASE WHEN resolved_at < CAST($cutoff AS TIMESTAMPTZ)
             THEN CAST(timezone('UTC', resolved_at) AS DATE) END             AS resolved_on
    FROM tickets
    WHERE deleted_at IS NULL
      AND due_date IS NOT NULL
      AND created_at < CAST($cutoff AS TIMESTAMPTZ)
)
SELECT
    t.ticket_id                                                        AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, t.created_at)                                 AS team_id,
    t.created_at                                                       AS occurred_at,
    (t.resolved_on IS NOT NULL AND t.resolved_on <= t.due_date)::INTEGER::DOUBLE AS value,
    false                                                              AS censored
FROM t
LEFT JOIN accounts AS a ON a.account_id = t.assignee_account_id AND NOT a.is_bot
WHERE t.resolved_on IS NOT NULL
   OR t.due_date < CAST(timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) AS DATE)
