-- Rows of one surveys file, for the import diff: id, content signature, description, line.
-- The signature matches outcomeRow.sig of surveys.go (numbers as integer millionths).
SELECT s.response_id,
       concat_ws('|', s.team_id, s.kind, s.survey, strftime(s.taken_at, '%Y-%m-%d'), s.respondent_key, s.question,
                 CAST(CAST(round(s.score * 1e6) AS BIGINT) AS VARCHAR), CAST(CAST(round(s.scale * 1e6) AS BIGINT) AS VARCHAR)),
       concat_ws(' ', s.survey, s.kind, 'about', coalesce(t.name, s.team_id), 'on', strftime(s.taken_at, '%Y-%m-%d') || ':',
                 '"' || s.question || '"', CAST(s.score AS VARCHAR), 'of', CAST(s.scale AS VARCHAR)),
       s.line
FROM survey_responses s
LEFT JOIN teams t USING (team_id)
WHERE s.source_file = ?
