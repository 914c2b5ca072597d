-- The period of the most recent analysis.
SELECT period FROM estimates ORDER BY computed_at DESC, period DESC LIMIT 1
