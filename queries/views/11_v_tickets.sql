-- v_tickets: tickets (deleted ones left out) with the assignee's person and team at creation, that
-- team's treatment status and date, the phase of the ticket relative to it, and durations.
CREATE OR REPLACE VIEW v_tickets AS
SELECT
    t.ticket_id,
    t.key,
    t.project_key,
    t.issue_type,
    t.status,
    t.status_category,
    t.priority,
    t.created_at,
    t.first_in_progress_at,
    t.resolved_at,
    t.due_date,
    (epoch(t.resolved_at) - epoch(t.created_at)) / 3600.0              AS resolve_hours,
    (epoch(t.resolved_at) - epoch(t.first_in_progress_at)) / 3600.0    AS cycle_hours,
    t.reopen_count,
    t.priority_raised,
    t.escalation_label_added,
    a.person_id,
    team_at(a.person_id, t.created_at)                                  AS team_id,
    e.status                                                            AS team_status,
    e.treated_at                                                        AS team_treated_at,
    phase(e.treated_at, t.created_at)                                   AS phase
FROM tickets AS t
LEFT JOIN accounts AS a ON a.account_id = t.assignee_account_id AND NOT a.is_bot
LEFT JOIN exposure AS e ON e.unit_type = 'team' AND e.unit_id = team_at(a.person_id, t.created_at)
WHERE t.deleted_at IS NULL
