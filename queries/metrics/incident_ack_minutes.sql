-- metric: incident_ack_minutes
-- title: Time to acknowledge an incident
-- kind: duration        -- duration | proportion | count
-- better: lower
-- unit: minutes
-- outcome: restricted_mean_log   -- DiD cell outcome: mean ln min(value, horizon); README "Censored durations"
-- horizon: 30                   -- minutes; events younger than this at the cut-off wait for the next analysis
-- family: resolution quality
-- source: pagerduty
-- level: L3   -- L3 behaviour (how people work) | L4 impact (business outcome)
-- events: every incident triggered before the cut-off
--
-- Value: first acknowledgement − trigger, in minutes. An incident not acknowledged by the cut-off
-- ($cutoff) is censored at the cut-off, or at its resolution if it was resolved without ever being
-- acknowledged. Attributed to the first responder (the account that acknowledged first), or to the
-- assignee when nobody acknowledged, and to that person's team at trigger time.
WITH i AS (
    SELECT
        incident_id,
        created_at,
        coalesce(first_responder_account_id, assignee_account_id)             AS account_id,
        acknowledged_at IS NOT NULL AND acknowledged_at < CAST($cutoff AS TIMESTAMPTZ) AS acked,
        acknowledged_at,
        CASE WHEN resolved_at < CAST($cutoff AS TIMESTAMPTZ) THEN resolved_at
             ELSE CAST($cutoff AS TIMESTAMPTZ) END                            AS observed_until
    FROM incidents
    WHERE deleted_at IS NULL
      AND created_at < CAST($cutoff AS TIMESTAMPTZ)
)
SELECT
    i.incident_id                                                      AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, i.created_at)                                 AS team_id,
    i.created_at                                                       AS occurred_at,
    (epoch(CASE WHEN i.acked THEN i.acknowledged_at ELSE i.observed_until END)
        - epoch(i.created_at)) / 60.0                                  AS value,
    NOT i.acked                                                        AS censored
FROM i
LEFT JOIN accounts AS a ON a.account_id = i.account_id AND NOT a.is_bot
