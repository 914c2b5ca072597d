-- assessment_pairs(p_cutoff): the pre/post pairs of assessment scores within person, for the paired
-- comparison (named query assessment_pairs; analyze's paired_signed_rank rows). One row per person
-- and instrument with both: pre = score / max_score of the first assessment taken before the
-- person's first completion of the program (enrollments with status completed), post = that of the
-- first taken on or after it; only assessments taken before p_cutoff. The person is not returned:
-- callers see pairs, never whose.
CREATE OR REPLACE MACRO assessment_pairs(p_cutoff) AS TABLE
WITH completion AS (
    SELECT person_id, min(completed_at) AS completed_at
    FROM enrollments
    WHERE completed_at IS NOT NULL AND status = 'completed'
    GROUP BY person_id
),
scored AS (
    SELECT a.person_id, a.instrument, a.taken_at, a.score / a.max_score AS share, c.completed_at
    FROM assessments AS a
    JOIN completion AS c ON c.person_id = a.person_id
    WHERE a.taken_at < CAST(timezone('UTC', CAST(p_cutoff AS TIMESTAMPTZ)) AS DATE)
),
pre AS (
    SELECT person_id, instrument, arg_min(share, taken_at) AS share
    FROM scored WHERE taken_at < completed_at
    GROUP BY person_id, instrument
),
post AS (
    SELECT person_id, instrument, arg_min(share, taken_at) AS share
    FROM scored WHERE taken_at >= completed_at
    GROUP BY person_id, instrument
)
SELECT pre.instrument, pre.share AS pre, post.share AS post
FROM pre
JOIN post ON post.person_id = pre.person_id AND post.instrument = pre.instrument
