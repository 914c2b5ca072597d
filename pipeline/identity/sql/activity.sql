-- Activity of every account in the synced data: number of events it acted in, first and last time.
-- Deleted records are left out.
WITH acts AS (
    SELECT agent_account_id AS account_id, created_at AS ts FROM incident_events WHERE agent_account_id IS NOT NULL
    UNION ALL
    SELECT unnest(assignee_account_ids) AS account_id, created_at AS ts FROM incident_events WHERE assignee_account_ids IS NOT NULL
    UNION ALL
    SELECT assignee_account_id, created_at FROM incidents WHERE assignee_account_id IS NOT NULL AND deleted_at IS NULL
    UNION ALL
    SELECT first_responder_account_id, coalesce(acknowledged_at, created_at) FROM incidents WHERE first_responder_account_id IS NOT NULL AND deleted_at IS NULL
    UNION ALL
    SELECT resolver_account_id, coalesce(resolved_at, created_at) FROM incidents WHERE resolver_account_id IS NOT NULL AND deleted_at IS NULL
    UNION ALL
    SELECT reporter_account_id, created_at FROM tickets WHERE reporter_account_id IS NOT NULL AND deleted_at IS NULL
    UNION ALL
    SELECT assignee_account_id, created_at FROM tickets WHERE assignee_account_id IS NOT NULL AND deleted_at IS NULL
    UNION ALL
    SELECT author_account_id, changed_at FROM ticket_changes WHERE author_account_id IS NOT NULL
    UNION ALL
    SELECT author_account_id, created_at FROM pull_requests WHERE author_account_id IS NOT NULL AND deleted_at IS NULL
    UNION ALL
    SELECT author_account_id, authored_at FROM pr_commits WHERE author_account_id IS NOT NULL AND authored_at IS NOT NULL
    UNION ALL
    SELECT reviewer_account_id, submitted_at FROM pr_reviews WHERE reviewer_account_id IS NOT NULL AND submitted_at IS NOT NULL
    UNION ALL
    SELECT creator_account_id, created_at FROM deployments WHERE creator_account_id IS NOT NULL AND deleted_at IS NULL
)
SELECT account_id, count(*) AS events, min(ts) AS first_seen_at, max(ts) AS last_seen_at
FROM acts
GROUP BY account_id
