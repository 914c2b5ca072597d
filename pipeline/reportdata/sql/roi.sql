-- Every ROI row of a period, read by name.
SELECT * FROM roi WHERE period = $1 ORDER BY metric = 'total', metric
