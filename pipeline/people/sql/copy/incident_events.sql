INSERT INTO incident_events BY NAME
SELECT * REPLACE (ti_account(agent_account_id) AS agent_account_id,
                  list_transform(assignee_account_ids, x -> ti_account(x)) AS assignee_account_ids,
                  ti_scrub(summary) AS summary)
FROM src.incident_events
