-- Respondent keys are unkeyed hashes of the survey tool's opaque respondent ids; the published
-- copy keys them, so no list of ids can be matched against it.
INSERT INTO survey_responses BY NAME
SELECT * EXCLUDE (rk) REPLACE (replace(response_id, respondent_key, rk) AS response_id, rk AS respondent_key)
FROM (SELECT *, left(ti_id(respondent_key), 16) AS rk FROM src.survey_responses)
