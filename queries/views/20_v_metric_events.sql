-- v_metric_events: metric_events with the treatment status and date of the event's team and the
-- event's phase (pre, washout, post, untreated), plus the metric's calendar month.
CREATE OR REPLACE VIEW v_metric_events AS
SELECT
    m.metric,
    m.event_id,
    m.person_id,
    m.team_id,
    m.occurred_at,
    date_trunc('month', timezone('UTC', m.occurred_at))::DATE   AS month,
    m.value,
    m.censored,
    e.status                                                     AS team_status,
    e.treated_at                                                 AS team_treated_at,
    phase(e.treated_at, m.occurred_at)                           AS phase
FROM metric_events AS m
LEFT JOIN exposure AS e ON e.unit_type = 'team' AND e.unit_id = m.team_id
