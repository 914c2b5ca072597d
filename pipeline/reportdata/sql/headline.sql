-- The difference-in-differences rows (simple aggregation) of a period, for quarter over quarter.
SELECT * FROM estimates WHERE period = $1 AND method = 'did' AND aggregation = 'simple'
