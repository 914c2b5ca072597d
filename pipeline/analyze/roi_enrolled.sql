-- Everyone enrolled in the program before the cut-off, for the fully loaded cost: every enrollment
-- counts, completed, in progress or dropped out (their seats and time were paid for).
-- Parameter: $cutoff (TIMESTAMPTZ).
SELECT count(*) AS enrolled
FROM enrollments
WHERE enrolled_at < CAST(timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) AS DATE)
