-- metric: incident_repeat_7d
-- title: Incident repeated within 7 days of resolution
-- kind: proportion      -- duration | proportion | count
-- better: lower
-- unit: share
-- family: resolution quality
-- source: pagerduty
-- level: L4   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every incident resolved at least 7 days before the cut-off
--
-- Value: 1 when another incident of the same service with the same incident_key (or, where either
-- has no key, the same title) was triggered after this one was resolved and within 7 days of its
-- resolution; else 0. Only incidents whose 7-day window closed before the cut-off ($cutoff) count,
-- so the share is never biased by windows still open. Attributed to the assignee and that
-- person's team at trigger time.
WITH resolved AS (
    SELECT incident_id, created_at, resolved_at, service_id, incident_key, title, assignee_account_id
    FROM incidents
    WHERE deleted_at IS NULL
      AND resolved_at IS NOT NULL
      AND resolved_at + INTERVAL 7 DAY <= CAST($cutoff AS TIMESTAMPTZ)
),
repeats AS (
    SELECT DISTINCT r.incident_id
    FROM resolved AS r
    JOIN incidents AS n
      ON n.service_id = r.service_id
     AND n.incident_id <> r.incident_id
     AND n.deleted_at IS NULL
     AND n.created_at > r.resolved_at
     AND n.created_at <= r.resolved_at + INTERVAL 7 DAY
     AND (CASE WHEN r.incident_key IS NOT NULL AND n.incident_key IS NOT NULL
               THEN n.incident_key = r.incident_key
               ELSE n.title = r.title END)
)
SELECT
    r.incident_id                                                      AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, r.created_at)                                 AS team_id,
    r.created_at                                                       AS occurred_at,
    CASE WHEN p.incident_id IS NULL THEN 0.0 ELSE 1.0 END              AS value,
    false                                                              AS censored
FROM resolved AS r
LEFT JOIN repeats AS p ON p.incident_id = r.incident_id
LEFT JOIN accounts AS a ON a.account_id = r.assignee_account_id AND NOT a.is_bot
