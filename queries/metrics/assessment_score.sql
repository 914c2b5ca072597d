-- metric: assessment_score
-- title: Assessment score (share of the instrument's maximum)
-- kind: proportion      -- duration | proportion | count
-- better: higher
-- unit: share
-- family: assessments
-- source: assessments.csv
-- level: L2
-- events: every imported assessment taken before the cut-off
--
-- Value: score / max_score, between 0 and 1, of one assessment (knowledge quiz, confidence
-- self-rating, 360, manager observation — instruments pooled on this common scale) taken before
-- the cut-off ($cutoff). Attributed to the person assessed and their team on that day, so a team's
-- level moves with its people's assessments: the team-level outcome of the DiD. Unlike the other
-- shares its values are not only 0 or 1: cell means are mean scores, and the pooled
-- two-proportion test treats sum(value) as successes, which is conservative for values in [0, 1]
-- (their variance is at most mean × (1 − mean), Bhatia–Davis). Scores are never shown per person;
-- the paired pre/post comparison within person is the named query assessment_pairs.
SELECT
    a.assessment_id                                                    AS event_id,
    a.person_id                                                        AS person_id,
    team_at(a.person_id, timezone('UTC', CAST(a.taken_at AS TIMESTAMP))) AS team_id,
    timezone('UTC', CAST(a.taken_at AS TIMESTAMP))                     AS occurred_at,
    a.score / a.max_score                                              AS value,
    false                                                              AS censored
FROM assessments AS a
WHERE a.taken_at < CAST(timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) AS DATE)
