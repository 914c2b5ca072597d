-- Display names of people in Jira changelog items (assignee and reporter changes) of the source
-- database being published.
SELECT DISTINCT v FROM (
    SELECT from_string AS v FROM src.ticket_changes WHERE field IN ('assignee', 'reporter')
    UNION ALL
    SELECT to_string FROM src.ticket_changes WHERE field IN ('assignee', 'reporter')
) WHERE v IS NOT NULL AND v <> ''
