-- metric: stakeholder_satisfaction
-- title: Satisfied stakeholder (mean answer at least 80% of the scale)
-- kind: proportion      -- duration | proportion | count
-- better: higher
-- unit: share
-- family: satisfaction
-- source: surveys.csv
-- level: L4
-- events: every stakeholder satisfaction respondent: a partner rating an IT team, per survey, answered before the cut-off, in team × survey cells of at least analysis.min_cell respondents
--
-- Value: 1 when the respondent's mean answer over the survey's questions, each as score / scale,
-- is at least 0.8 (4 or 5 on a 1–5 scale, 8 to 10 on a 0–10 scale: "favourable"), else 0:
-- favourable respondents = sum(value), respondents = count(*). Answers of kind stakeholder_satisfaction in
-- survey_responses given before the cut-off ($cutoff). Privacy: respondents are opaque keys, never
-- people; every team × survey cell with fewer than setting('analysis.min_cell', 5) respondents is
-- left out entirely, so no answer of a small group can be read from the events, and the event's
-- person is 'respondent:' || respondent_key, so that analyze counts respondents, not people, behind
-- a treated team's events. Attributed to the team answered about, on the day of the first answer.
WITH answers AS (
    SELECT team_id, survey, respondent_key, taken_at, score / scale AS share
    FROM survey_responses
    WHERE kind = 'stakeholder_satisfaction'
      AND taken_at < CAST(timezone('UTC', CAST($cutoff AS TIMESTAMPTZ)) AS DATE)
),
cells AS (
    SELECT team_id, survey
    FROM answers
    GROUP BY team_id, survey
    HAVING count(DISTINCT respondent_key) >= setting('analysis.min_cell', 5)
),
respondents AS (
    SELECT a.team_id, a.survey, a.respondent_key, min(a.taken_at) AS taken_at, avg(a.share) AS share
    FROM answers AS a
    JOIN cells AS c ON c.team_id = a.team_id AND c.survey = a.survey
    GROUP BY a.team_id, a.survey, a.respondent_key
)
SELECT
    'stakeholder_satisfaction:' || survey || '|' || team_id || '|' || respondent_key AS event_id,
    'respondent:' || respondent_key                                    AS person_id,
    team_id                                                            AS team_id,
    timezone('UTC', CAST(taken_at AS TIMESTAMP))                       AS occurred_at,
    (share >= 0.8)::INTEGER::DOUBLE                                    AS value,
    false                                                              AS censored
FROM respondents
