-- The period and time of the most recent analysis: its cut-off bounds the history plan reads.
SELECT period, max(computed_at) AS computed_at
FROM estimates
GROUP BY period
ORDER BY computed_at DESC, period DESC
LIMIT 1
