-- The analysis that wrote the period's estimates, and when.
SELECT analysis_id, max(computed_at) AS computed_at
FROM estimates
WHERE period = $1
GROUP BY analysis_id
ORDER BY computed_at DESC
LIMIT 1
