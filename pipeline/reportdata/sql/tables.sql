-- Rows of the canonical tables the metrics come from.
SELECT 'incidents' AS name, count(*) AS n FROM incidents
UNION ALL SELECT 'incident_events', count(*) FROM incident_events
UNION ALL SELECT 'tickets', count(*) FROM tickets
UNION ALL SELECT 'ticket_changes', count(*) FROM ticket_changes
UNION ALL SELECT 'pull_requests', count(*) FROM pull_requests
UNION ALL SELECT 'pr_reviews', count(*) FROM pr_reviews
UNION ALL SELECT 'deployments', count(*) FROM deployments
UNION ALL SELECT 'teams', count(*) FROM teams
UNION ALL SELECT 'people', count(*) FROM people
