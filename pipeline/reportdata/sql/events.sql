-- Metric events by metric.
SELECT metric, count(*) AS n FROM metric_events GROUP BY metric ORDER BY metric
