-- metric: jsm_satisfaction
-- title: Service request rated satisfied by its customer (CSAT 4 or 5 of 5)
-- kind: proportion      -- duration | proportion | count
-- better: higher
-- unit: share
-- family: satisfaction
-- source: jira (Jira Service Management)
-- level: L4
-- events: every resolved request of sources.jira.feedback_projects whose customer gave feedback, resolved before the cut-off
--
-- Value: 1 when the request's customer satisfaction rating (Jira Service Management request
-- feedback, GET /rest/servicedeskapi/request/{id}/feedback: type csat, rating 1 to 5; kept in
-- raw_records as entity request_feedback) is 4 or 5, else 0: satisfied requests = sum(value),
-- rated requests = count(*). Requests without feedback are not events. Only requests resolved
-- before the cut-off ($cutoff). Attributed to the assignee (the person whose work was rated) and
-- that person's team at creation, like the other ticket metrics. The rating is the customer's,
-- never shown per request.
WITH feedback AS (
    SELECT native_id, CAST(json_extract(payload, '$.rating') AS DOUBLE) AS rating
    FROM raw_records
    WHERE source = 'jira'
      AND entity = 'request_feedback'
      AND deleted_at IS NULL
)
SELECT
    t.ticket_id                                                        AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, t.created_at)                                 AS team_id,
    t.resolved_at                                                      AS occurred_at,
    (f.rating >= 4)::INTEGER::DOUBLE                                   AS value,
    false                                                              AS censored
FROM feedback AS f
JOIN tickets AS t ON t.source = 'jira' AND t.native_id = f.native_id
LEFT JOIN accounts AS a ON a.account_id = t.assignee_account_id AND NOT a.is_bot
WHERE t.deleted_at IS NULL
  AND t.resolved_at IS NOT NULL
  AND t.resolved_at < CAST($cutoff AS TIMESTAMPTZ)
  AND f.rating BETWEEN 1 AND 5
