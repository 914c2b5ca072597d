-- An account for every PagerDuty user referenced by the timeline but missing from the users listing
-- (deleted users); never overwrites an account mapped from a user payload.
INSERT INTO accounts (account_id, source, native_id, is_bot)
SELECT DISTINCT a, 'pagerduty', substr(a, length('pagerduty:account:') + 1), false
FROM (
    SELECT agent_account_id AS a FROM incident_events WHERE event_id LIKE 'pagerduty:log_entry:%'
    UNION ALL
    SELECT unnest(assignee_account_ids) AS a FROM incident_events WHERE event_id LIKE 'pagerduty:log_entry:%'
    UNION ALL
    SELECT assignee_account_id AS a FROM incidents WHERE source = 'pagerduty'
) refs
WHERE a IS NOT NULL
ON CONFLICT DO NOTHING
