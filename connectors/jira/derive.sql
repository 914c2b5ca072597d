-- Derived ticket columns from ticket_changes, recomputed from scratch (idempotent).
-- {{escalation_labels}} is replaced by the configured escalation labels as a VARCHAR[] literal.
-- Statements are separated by lines holding only a semicolon.

-- Status category of every status id: the status catalog first, then the statuses issues are in now.
CREATE OR REPLACE TEMP TABLE jira_status_category AS
SELECT status_id, arg_min(category, pref) AS category
FROM (
    SELECT native_id AS status_id, json_extract_string(payload, '$.statusCategory.key') AS category, 1 AS pref
    FROM raw_records WHERE source = 'jira' AND entity = 'status'
    UNION ALL
    SELECT json_extract_string(payload, '$.fields.status.id'), json_extract_string(payload, '$.fields.status.statusCategory.key'), 2
    FROM raw_records WHERE source = 'jira' AND entity = 'issue'
) s
WHERE status_id IS NOT NULL AND category IS NOT NULL
GROUP BY status_id
;
-- Priority order: position in /rest/api/2/priority, most urgent first (rank 0).
CREATE OR REPLACE TEMP TABLE jira_priority_rank AS
SELECT json_extract_string(payload, '$[' || i || '].id') AS priority_id, i AS rank
FROM (
    SELECT payload, unnest(range(CAST(json_array_length(payload) AS BIGINT))) AS i
    FROM raw_records WHERE source = 'jira' AND entity = 'priorities' AND native_id = 'all'
) p
;
CREATE OR REPLACE TEMP TABLE jira_ticket_derived AS
SELECT t.ticket_id,
       CAST(coalesce(d.reopens, 0) AS INTEGER) AS reopen_count,
       d.first_ip AS first_in_progress_at,
       coalesce(d.raised, false) AS priority_raised,
       coalesce(d.labelled, false) AS escalation_label_added
FROM tickets t
LEFT JOIN (
    SELECT c.ticket_id,
           count(*) FILTER (WHERE c.field = 'status' AND fc.category = 'done' AND tc.category <> 'done') AS reopens,
           min(c.changed_at) FILTER (WHERE c.field = 'status' AND tc.category = 'indeterminate') AS first_ip,
           bool_or(c.field = 'priority' AND tp.rank < fp.rank) AS raised,
           bool_or(c.field = 'labels' AND
               len(list_intersect({{escalation_labels}}, string_split(coalesce(c.to_string, ''), ' '))) >
               len(list_intersect(list_intersect({{escalation_labels}}, string_split(coalesce(c.to_string, ''), ' ')),
                                  string_split(coalesce(c.from_string, ''), ' ')))) AS labelled
    FROM ticket_changes c
    LEFT JOIN jira_status_category fc ON c.field = 'status' AND fc.status_id = c.from_value
    LEFT JOIN jira_status_category tc ON c.field = 'status' AND tc.status_id = c.to_value
    LEFT JOIN jira_priority_rank fp ON c.field = 'priority' AND fp.priority_id = c.from_value
    LEFT JOIN jira_priority_rank tp ON c.field = 'priority' AND tp.priority_id = c.to_value
    WHERE c.ticket_id LIKE 'jira:issue:%'
    GROUP BY c.ticket_id
) d ON d.ticket_id = t.ticket_id
WHERE t.source = 'jira'
;
UPDATE tickets SET reopen_count = d.reopen_count, first_in_progress_at = d.first_in_progress_at,
       priority_raised = d.priority_raised, escalation_label_added = d.escalation_label_added
FROM jira_ticket_derived d
WHERE tickets.ticket_id = d.ticket_id
  AND (tickets.reopen_count IS DISTINCT FROM d.reopen_count
       OR tickets.first_in_progress_at IS DISTINCT FROM d.first_in_progress_at
       OR tickets.priority_raised IS DISTINCT FROM d.priority_raised
       OR tickets.escalation_label_added IS DISTINCT FROM d.escalation_label_added)
;
DROP TABLE jira_ticket_derived
;
DROP TABLE jira_priority_rank
;
DROP TABLE jira_status_category
