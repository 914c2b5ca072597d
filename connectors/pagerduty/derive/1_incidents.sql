-- Timeline-derived columns of PagerDuty incidents, recomputed from incident_events (idempotent).
-- Reassignment: an assign entry whose assignees differ from those of the previous assigning entry
-- (trigger, escalate or assign) of the same incident; escalations are counted apart.
-- "First" and "last" order a timeline by (created_at, event_id): the first and last entries of a
-- kind are picked by arg_min_null/arg_max_null over that pair (which keep a NULL agent), and only
-- the reassignment rule sorts, over the assigning entries alone.
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
        SELECT incident_id, event_id, type, created_at, agent_account_id, assignee_account_ids
        FROM incident_events
        WHERE event_id LIKE 'pagerduty:log_entry:%'
    ),
    -- Assigning entries in timeline order, each with the assignees of the one before it.
    assigning AS (
        SELECT incident_id, type, list_sort(assignee_account_ids) AS assignees,
            lag(list_sort(assignee_account_ids)) OVER (PARTITION BY incident_id ORDER BY created_at, event_id) AS prev_assignees
        FROM ev
        WHERE assignee_account_ids IS NOT NULL
    ),
    reassigned AS (
        SELECT incident_id, count(*) AS n
        FROM assigning
        WHERE type = 'assign' AND prev_assignees IS NOT NULL AND assignees <> prev_assignees
        GROUP BY incident_id
    ),
    timeline AS (
        SELECT i.incident_id,
            min(ev.created_at) FILTER (WHERE ev.type = 'acknowledge') AS first_ack_at,
            arg_min_null(ev.agent_account_id, (ev.created_at, ev.event_id)) FILTER (WHERE ev.type = 'acknowledge') AS first_responder,
            max(ev.created_at) FILTER (WHERE ev.type = 'resolve') AS last_resolve_at,
            arg_max_null(ev.agent_account_id, (ev.created_at, ev.event_id)) FILTER (WHERE ev.type = 'resolve') AS resolver,
            count(*) FILTER (WHERE ev.type = 'escalate') AS escalations,
            arg_max_null(ev.assignee_account_ids[1], (ev.created_at, ev.event_id)) FILTER (WHERE ev.assignee_account_ids IS NOT NULL) AS last_assignee
        FROM incidents i
        LEFT JOIN ev ON ev.incident_id = i.incident_id
        WHERE i.source = 'pagerduty'
        GROUP BY i.incident_id
    )
    SELECT t.*, coalesce(r.n, 0) AS reassignments
    FROM timeline t
    LEFT JOIN reassigned r ON r.incident_id = t.incident_id
) d
WHERE incidents.incident_id = d.incident_id
