-- Timeline-derived columns of PagerDuty incidents, recomputed from incident_events (idempotent).
-- Reassignment: an assign entry whose assignees differ from those of the previous assigning entry
-- (trigger, escalate or assign) of the same incident; escalations are counted apart.
UPDATE incidents SET
    acknowledged_at = d.first_ack_at,
    first_responder_account_id = d.first_responder,
    resolved_at = CASE WHEN incidents.status = 'resolved' THEN coalesce(incidents.resolved_at, d.last_resolve_at) END,
    resolver_account_id = CASE WHEN incidents.status = 'resolved' THEN d.resolver END,
    escalation_count = d.escalations,
    reassignment_count = d.reassignments,
    assignee_account_id = coalesce(d.last_assignee, incidents.assignee_account_id)
FROM (
    WITH ev AS (
        SELECT incident_id, type, created_at, agent_account_id, assignee_account_ids,
            row_number() OVER (PARTITION BY incident_id, type ORDER BY created_at, event_id) AS nth_of_type,
            row_number() OVER (PARTITION BY incident_id, type ORDER BY created_at DESC, event_id DESC) AS nth_last_of_type,
            row_number() OVER (PARTITION BY incident_id, assignee_account_ids IS NULL ORDER BY created_at DESC, event_id DESC) AS nth_last_assigning,
            lag(assignee_account_ids) OVER (PARTITION BY incident_id, assignee_account_ids IS NULL ORDER BY created_at, event_id) AS prev_assignees
        FROM incident_events
        WHERE event_id LIKE 'pagerduty:log_entry:%'
    )
    SELECT i.incident_id,
        max(ev.created_at) FILTER (WHERE ev.type = 'acknowledge' AND ev.nth_of_type = 1) AS first_ack_at,
        max(ev.agent_account_id) FILTER (WHERE ev.type = 'acknowledge' AND ev.nth_of_type = 1) AS first_responder,
        max(ev.created_at) FILTER (WHERE ev.type = 'resolve' AND ev.nth_last_of_type = 1) AS last_resolve_at,
        max(ev.agent_account_id) FILTER (WHERE ev.type = 'resolve' AND ev.nth_last_of_type = 1) AS resolver,
        count(*) FILTER (WHERE ev.type = 'escalate') AS escalations,
        count(*) FILTER (WHERE ev.type = 'assign' AND ev.prev_assignees IS NOT NULL
            AND list_sort(ev.assignee_account_ids) <> list_sort(ev.prev_assignees)) AS reassignments,
        max(ev.assignee_account_ids[1]) FILTER (WHERE ev.assignee_account_ids IS NOT NULL AND ev.nth_last_assigning = 1) AS last_assignee
    FROM incidents i
    LEFT JOIN ev ON ev.incident_id = i.incident_id
    WHERE i.source = 'pagerduty'
    GROUP BY i.incident_id
) d
WHERE incidents.incident_id = d.incident_id
