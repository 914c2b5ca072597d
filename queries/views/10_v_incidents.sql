-- v_incidents: incidents (deleted ones left out) with the assignee's person and team at trigger time,
-- that team's treatment status and date, the phase of the incident relative to it, and durations.
CREATE OR REPLACE VIEW v_incidents AS
SELECT
    i.incident_id,
    i.number,
    i.title,
    i.service_name,
    i.status,
    i.urgency,
    i.priority,
    i.created_at,
    i.acknowledged_at,
    i.resolved_at,
    (epoch(i.acknowledged_at) - epoch(i.created_at)) / 60.0   AS ack_minutes,
    (epoch(i.resolved_at) - epoch(i.created_at)) / 3600.0     AS resolve_hours,
    i.escalation_count,
    i.reassignment_count,
    a.person_id,
    team_at(a.person_id, i.created_at)                          AS team_id,
    e.status                                                    AS team_status,
    e.treated_at                                                AS team_treated_at,
    phase(e.treated_at, i.created_at)                           AS phase
FROM incidents AS i
LEFT JOIN accounts AS a ON a.account_id = i.assignee_account_id AND NOT a.is_bot
LEFT JOIN exposure AS e ON e.unit_type = 'team' AND e.unit_id = team_at(a.person_id, i.created_at)
WHERE i.deleted_at IS NULL
