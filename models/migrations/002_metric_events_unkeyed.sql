-- 002: metric_events without a primary key; estimates.relative_change says what it is relative to.
--
-- metric_events is derived: every analysis empties it and inserts each metric's events again, in
-- one transaction (pipeline/metrics.Derive). The primary key (metric, event_id) made DuckDB keep an
-- ART index through both steps: replacing 10M events took 407 s with the index and 7.2 s without
-- (BenchmarkDerive10M; deriving them into an empty table 21.7 s and 7.2 s). Derive now checks after
-- each metric's insert that its event ids are unique and names the metric file when they are not,
-- which is the one thing the key guarded. The rows are kept.
CREATE TABLE metric_events_002 (
    metric      VARCHAR NOT NULL,
    event_id    VARCHAR NOT NULL,
    person_id   VARCHAR,
    team_id     VARCHAR,
    occurred_at TIMESTAMPTZ NOT NULL,
    value       DOUBLE,
    censored    BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO metric_events_002
SELECT metric, event_id, person_id, team_id, occurred_at, value, censored
FROM metric_events
ORDER BY metric;
DROP TABLE metric_events;
ALTER TABLE metric_events_002 RENAME TO metric_events;
COMMENT ON TABLE metric_events IS 'One row per (metric, event), derived from queries/metrics/*.sql; written metric by metric, so a filter on metric reads only that metric''s row groups.';
COMMENT ON COLUMN metric_events.metric IS 'Metric name (file name in queries/metrics).';
COMMENT ON COLUMN metric_events.event_id IS 'Canonical id of the event the value belongs to (incident, ticket, pull request); unique within a metric.';
COMMENT ON COLUMN metric_events.person_id IS 'Acting person, when matched.';
COMMENT ON COLUMN metric_events.team_id IS 'Team of the acting person at event time.';
COMMENT ON COLUMN metric_events.occurred_at IS 'Event time used for the before/after split.';
COMMENT ON COLUMN metric_events.value IS 'Value: hours or minutes for durations, 0/1 for proportions, a count for counts; NULL when censored and unknown.';
COMMENT ON COLUMN metric_events.censored IS 'True when the duration is still running at the cut-off (value is then the time observed so far).';

COMMENT ON COLUMN estimates.relative_change IS 'Effect as a relative change, e.g. -0.21 for 21% faster: exp(estimate) - 1 on the log scale; for shares and rates, of DiD rows the effect over the treated units'' counterfactual post-treatment level (observed level minus the effect), of other rows over the level before.';
