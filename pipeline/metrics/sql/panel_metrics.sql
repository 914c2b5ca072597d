-- The metrics present in metric_events, in name order; panel.sql runs once for each.
SELECT DISTINCT metric
FROM metric_events
ORDER BY metric
