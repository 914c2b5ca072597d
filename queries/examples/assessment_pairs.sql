-- name: assessment_pairs
-- description: Pre/post assessment scores of trained people, paired within person, per instrument (never per person; fewer than analysis.min_cell pairs suppressed)
-- param: cutoff (timestamp) = 9999-12-31: only assessments taken before this time
--
-- A pair is one person and one instrument: the first assessment taken before the person's first
-- completion of the program (enrollments.completed_at; status completed) and the first taken on or
-- after it, each as score / max_score. Per instrument: the number of pairs and, only when there are
-- at least setting('analysis.min_cell', 5) of them, the mean before and after, the median change
-- and the share of people who improved. `trainimpact analyze` adds the signed-rank test and the
-- Hodges–Lehmann interval of the change (method paired_signed_rank).
WITH pairs AS (
    SELECT instrument, pre, post FROM assessment_pairs(CAST($cutoff AS TIMESTAMPTZ))
),
per_instrument AS (
    SELECT instrument, count(*) AS pairs, avg(pre) AS mean_pre, avg(post) AS mean_post,
           median(post - pre) AS median_change, avg((post > pre)::INTEGER) AS share_improved
    FROM pairs
    GROUP BY instrument
)
SELECT
    instrument,
    pairs,
    CASE WHEN pairs >= setting('analysis.min_cell', 5) THEN mean_pre END       AS mean_pre,
    CASE WHEN pairs >= setting('analysis.min_cell', 5) THEN mean_post END      AS mean_post,
    CASE WHEN pairs >= setting('analysis.min_cell', 5) THEN median_change END  AS median_change,
    CASE WHEN pairs >= setting('analysis.min_cell', 5) THEN share_improved END AS share_improved,
    pairs < setting('analysis.min_cell', 5)                                    AS suppressed
FROM per_instrument
ORDER BY instrument
