-- Event ids that metric $1 produced more than once (at most three, for the error message). Derive
-- runs it after each metric's insert: metric_events has no primary key (see migration 002), and an
-- event counted twice would weigh twice in every estimate. The table is written metric by metric,
-- so the filter reads that metric's row groups only.
SELECT event_id, count(*) AS n
FROM metric_events
WHERE metric = $1
GROUP BY event_id
HAVING count(*) > 1
ORDER BY event_id
LIMIT 3
