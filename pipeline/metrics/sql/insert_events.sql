-- Inserts the events of one metric: $1 is the metric name, the rest are the metric's own
-- parameters; the placeholder below is replaced by the metric's SELECT (from queries/metrics).
INSERT INTO metric_events (metric, event_id, person_id, team_id, occurred_at, value, censored)
SELECT ?, m.event_id, m.person_id, m.team_id, m.occurred_at, m.value, m.censored
FROM (
{{METRIC_SQL}}
) AS m
