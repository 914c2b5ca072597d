-- Program participants who completed before the cut-off (for the fully loaded cost).
SELECT count(DISTINCT person_id) AS n
FROM enrollments
WHERE completed_at IS NOT NULL
  AND completed_at < CAST(timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) AS DATE)
  AND status <> 'dropout'
