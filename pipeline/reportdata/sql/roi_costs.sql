-- The lines of the fully loaded cost of a period.
SELECT * FROM roi_costs WHERE period = $1
