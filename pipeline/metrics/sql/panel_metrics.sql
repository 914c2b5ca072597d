-- The metrics present in metric_events; panel.sql refers to them by position in this list.
SELECT DISTINCT metric
FROM metric_events
ORDER BY metric
