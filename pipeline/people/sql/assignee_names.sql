-- Display names of people in Jira changelog items (assignee and reporter changes).
SELECT DISTINCT v FROM (
    SELECT from_string AS v FROM ticket_changes WHERE field IN ('assignee', 'reporter')
    UNION ALL
    SELECT to_string FROM ticket_changes WHERE field IN ('assignee', 'reporter')
) WHERE v IS NOT NULL AND v <> ''
