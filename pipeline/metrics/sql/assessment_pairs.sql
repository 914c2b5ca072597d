-- The pre/post pairs of assessment scores within person known at $cutoff (the assessment_pairs
-- macro of queries/views): instrument, pre and post as shares of the maximum, no person.
SELECT instrument, pre, post
FROM assessment_pairs(CAST($cutoff AS TIMESTAMPTZ))
ORDER BY instrument, pre, post
