-- Assignee and reporter items carry a Jira accountId (from_value, to_value) and a display name
-- (from_string, to_string); every string is scrubbed as free text too.
INSERT INTO ticket_changes BY NAME
SELECT * REPLACE (ti_account(author_account_id) AS author_account_id,
                  CASE WHEN field IN ('assignee', 'reporter') THEN ti_jira_native(from_value) ELSE from_value END AS from_value,
                  CASE WHEN field IN ('assignee', 'reporter') THEN ti_jira_native(to_value) ELSE to_value END AS to_value,
                  ti_scrub(CASE WHEN field IN ('assignee', 'reporter') THEN ti_name(from_string) ELSE from_string END) AS from_string,
                  ti_scrub(CASE WHEN field IN ('assignee', 'reporter') THEN ti_name(to_string) ELSE to_string END) AS to_string)
FROM src.ticket_changes
